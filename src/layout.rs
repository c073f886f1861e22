//! The typesetter's output and the PDF writer's input: pages of positioned glyphs.
//!
//! This is plain data. The PDF writer consumes it without knowing how layout
//! happened, and the booklet imposition places these same pages on sheets.
//!
//! Units are PostScript points (1/72 in). Coordinates have their origin at the
//! top-left corner of the page, x to the right, y downwards, because that is
//! how the typesetter fills a page; the PDF writer flips them.

use std::borrow::Cow;
use std::sync::Arc;

pub use crate::images::Picture;
use crate::model::print_pages::TextPosition;

/// Index into [`Document::fonts`].
pub type FontId = usize;

#[derive(Debug, Clone)]
pub struct Document {
    pub info: DocumentInfo,
    pub fonts: Vec<FontResource>,
    pub pages: Vec<Page>,
    /// Bookmarks in reading order; `level` gives the nesting.
    pub outline: Vec<OutlineEntry>,
    /// The pictures the pages place, each embedded once however often it is placed.
    pub images: Vec<Arc<Picture>>,
    /// How many pages come before the page folioed 1 (a book's front matter,
    /// folioed i, ii, …): the PDF's page labels say so to the reader's viewer.
    pub front_matter_pages: usize,
    /// What the pages' content is (headings, paragraphs, notes, …), for a tagged
    /// PDF; `None` for a print file that is only sheets (the booklets).
    pub structure: Option<Structure>,
}

/// Index into [`Structure::elements`].
pub type ElementId = usize;

/// The document's logical structure, from the model: element 0 is the whole
/// document, every other element names its parent. An element's children, its
/// own and its content, are in the order its content appears on the pages.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    pub elements: Vec<Element>,
}

impl Structure {
    /// A structure holding only the document's element.
    pub fn new() -> Structure {
        Structure { elements: vec![Element::new(Role::Document, None)] }
    }

    /// Adds an element of `role` under `parent`.
    pub fn add(&mut self, role: Role, parent: ElementId) -> ElementId {
        self.elements.push(Element::new(role, Some(parent)));
        self.elements.len() - 1
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub role: Role,
    pub parent: Option<ElementId>,
    /// A text alternative (a figure's alt text).
    pub alt: Option<String>,
    /// BCP 47 tag of an element in another language than the document's.
    pub lang: Option<String>,
    /// A unique name (a note's, which PDF/UA asks of every `Note`).
    pub id: Option<String>,
}

impl Element {
    pub fn new(role: Role, parent: Option<ElementId>) -> Element {
        Element { role, parent, alt: None, lang: None, id: None }
    }
}

/// The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4) quire writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Document,
    Part,
    Sect,
    Div,
    /// A heading of level 1 to 6.
    H(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    Table,
    TR,
    /// A header cell of its column.
    TH,
    TD,
    Figure,
    Caption,
    Code,
    BlockQuote,
    TOC,
    TOCI,
    Note,
    Reference,
    Link,
}

/// What a page's content is: part of a structure element, or an artifact,
/// which a reader of the text skips (running heads, folios, rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Element(ElementId),
    Artifact(Artifact),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    /// A running head.
    Header,
    /// A folio.
    Footer,
    /// Rules and ornaments, and what repeats the text (a table's head on a later page).
    Layout,
}

/// Index into [`Document::images`].
pub type ImageId = usize;

impl Document {
    /// Page `index`'s number as printed and as the PDF's page labels give it:
    /// the front matter's in roman numerals, the body's from 1.
    pub fn page_label(&self, index: usize) -> String {
        match index.checked_sub(self.front_matter_pages) {
            Some(body) => (body + 1).to_string(),
            None => roman_numeral(index + 1),
        }
    }
}

/// `n` in lower-case roman numerals, as front matter is folioed.
pub fn roman_numeral(mut n: usize) -> String {
    let table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")];
    let mut out = String::new();
    for (value, letters) in table {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
pub struct DocumentInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// BCP 47 tag, written as the catalog's `/Lang`.
    pub language: String,
    /// The day the document is dated: its publication, or the build's `SOURCE_DATE_EPOCH`.
    /// Never the clock: builds must be reproducible.
    pub date: Option<chrono::NaiveDate>,
    /// The program that laid out the document, e.g. "quire 0.1.0".
    pub creator: String,
}

/// A font program to embed, and what face it is. The writer subsets it to
/// the glyphs used and names it in the PDF.
#[derive(Debug, Clone)]
pub struct FontResource {
    /// The face's own PostScript name, from its `name` table.
    pub postscript_name: String,
    /// The family the face is one style of; `None` for a face that stands
    /// alone (the fallback face).
    pub family: Option<FamilyMember>,
    /// The whole font file (OpenType: TrueType or CFF outlines); a built-in
    /// font's bytes are borrowed from the binary, not copied.
    pub data: Arc<Cow<'static, [u8]>>,
    /// The file's digest, which names it in the keys of what is kept from it (its subsets).
    pub digest: [u8; 16],

    /// Face index inside a collection; 0 for a plain font file.
    pub face_index: u32,
}

/// A face's place in the book's family.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyMember {
    /// The family's name: its regular face's PostScript name.
    pub family_name: String,
    pub style: FamilyStyle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FamilyStyle {
    Regular,
    Italic,
    Bold,
    BoldItalic,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
    /// Clickable areas (note references, backlinks, table of contents, web addresses).
    pub links: Vec<Link>,
    /// Named places on this page that links and outline entries point to.
    pub destinations: Vec<Destination>,
    /// What the items are, from an item on: `(i, tag)` tags `items[i]` and the
    /// items after it up to the next mark. Items before the first mark are
    /// untagged (the booklets' sheets).
    pub marks: Vec<(usize, Tag)>,
    /// Where in the book's text the page begins: its first word of the book's own
    /// (a page-list in the EPUB points there). `None` for a page with none.
    pub begins_at: Option<TextPosition>,
}

impl Page {
    /// A page with nothing on it.
    pub fn new(width: f32, height: f32) -> Page {
        Page { width, height, items: Vec::new(), links: Vec::new(), destinations: Vec::new(), marks: Vec::new(), begins_at: None }
    }

    /// Tags the items pushed from now on with `tag`.
    pub fn tag(&mut self, tag: Tag) {
        match self.marks.last_mut() {
            Some((_, last)) if *last == tag => {}
            Some((at, last)) if *at == self.items.len() => *last = tag,
            _ => self.marks.push((self.items.len(), tag)),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Item {
    Glyphs(GlyphRun),
    /// A straight line, e.g. a rule above the notes or a fold mark.
    Rule { from: Point, to: Point, thickness: f32 },
    /// A picture filling `area` (its aspect already kept by whoever placed it).
    Image { image: ImageId, area: Rect },
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

/// Glyphs of one font at one size, sharing a baseline origin.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    /// Left end of the baseline where glyph offsets start.
    pub origin: Point,
    pub glyphs: Glyphs,
    /// Vertical shift of the whole run, positive *up* (a superscript, a note
    /// mark); usually 0. A run is one piece of a line, in one look.
    pub rise: f32,
    /// Horizontal scale of the glyph shapes: 1 for none, 1.02 for letters
    /// widened by 2 % (font expansion, as pdfTeX's hz). Glyph positions are
    /// already scaled; this only widens the outlines.
    pub horizontal_scale: f32,
}

/// Positioned glyphs, each with the Unicode text it stands for, so that copy
/// and paste give the manuscript's words: "fi" for an fi ligature, " " for a
/// word space, and "" for the second and later glyphs of a cluster that maps
/// to one text.
///
/// A long book has about a million glyphs per print edition. Their texts live
/// in one string and each glyph keeps only its text's length, so a glyph is 8
/// plain bytes (its rise is its run's): a string per glyph was most of a build's memory, and copying
/// the typesetter's pieces of words cost an allocation per glyph. (At 12 bytes, with a
/// u32 length, the glyphs were a quarter of the long book's peak memory, all editions.)
///
/// A copy shares them, until either changes them: the lines one edition took
/// up from another's (`typeset::shared_body`) and the pages each makes of
/// them are one set of glyphs, not one per edition.
///
/// The glyphs read and change as a slice (`glyphs[0].id`, `glyphs.len()`);
/// their texts only through these methods, which keep the two in step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Glyphs {
    shared: Arc<GlyphsAndTexts>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct GlyphsAndTexts {
    glyphs: Vec<Glyph>,
    /// Every glyph's text, one after the other in glyph order.
    text: String,
    /// The lengths of the texts too long for a glyph to count ([`LONG_TEXT`]),
    /// in glyph order: a cluster of thousands of combining marks is one text.
    /// Boxed, so that the lines that have none (all, nearly) pay a pointer.
    // A `Vec` alone is 24 bytes on every line; boxed, `None` is 8.
    #[allow(clippy::box_collection)]
    long: Option<Box<Vec<u32>>>,
}

/// A glyph's `text_len` when its text is this long or longer: the length is in `long`.
const LONG_TEXT: u16 = u16::MAX;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// Glyph id in the font (after shaping: ligatures, kerning already applied).
    pub id: u16,
    /// Horizontal position of the glyph's origin, relative to the run origin.
    pub x: f32,
    /// Length in bytes of the glyph's text in [`Glyphs`]'s string, or
    /// [`LONG_TEXT`] when it is kept with the glyphs' long ones.
    text_len: u16,
}

impl Glyph {
    /// A glyph whose text is given when it joins a [`Glyphs`].
    pub fn new(id: u16, x: f32) -> Glyph {
        Glyph { id, x, text_len: 0 }
    }
}

impl Glyphs {
    /// Room for `glyphs` glyphs whose texts take `text` bytes together.
    pub fn with_capacity(glyphs: usize, text: usize) -> Glyphs {
        Glyphs { shared: Arc::new(GlyphsAndTexts { glyphs: Vec::with_capacity(glyphs), text: String::with_capacity(text), long: None }) }
    }

    /// The glyphs and texts to change: this copy's own, copied first if shared.
    fn own(&mut self) -> &mut GlyphsAndTexts {
        Arc::make_mut(&mut self.shared)
    }

    pub fn push(&mut self, glyph: Glyph, text: &str) {
        let own = self.own();
        own.glyphs.push(glyph);
        own.set_length(own.glyphs.len() - 1, text.len(), true);
        own.text.push_str(text);
    }

    /// Puts `glyph` standing for `text` before the glyph now at `index`.
    pub fn insert(&mut self, index: usize, glyph: Glyph, text: &str) {
        let at = self.text_start(index);
        let own = self.own();
        own.glyphs.insert(index, glyph);
        own.set_length(index, text.len(), true);
        own.text.insert_str(at, text);
    }

    /// Makes the glyph at `index` stand for `text` instead.
    pub fn set_text(&mut self, index: usize, text: &str) {
        let at = self.text_start(index);
        let own = self.own();
        let old = own.length(index);
        own.text.replace_range(at..at + old, text);
        own.set_length(index, text.len(), false);
    }

    /// Room for `glyphs` more glyphs whose texts take `text` more bytes, and no more.
    pub fn reserve_exact(&mut self, glyphs: usize, text: usize) {
        let own = self.own();
        own.glyphs.reserve_exact(glyphs);
        own.text.reserve_exact(text);
    }

    /// Appends `other`'s glyphs and texts, each glyph moved `dx` to the right.
    pub fn append_shifted(&mut self, other: &Glyphs, dx: f32) {
        self.append_moved(other, |x| x + dx);
    }

    /// Appends `other`'s glyphs and texts, each glyph's position `x` moved to `moved(x)`.
    pub fn append_moved(&mut self, other: &Glyphs, moved: impl Fn(f32) -> f32) {
        let own = self.own();
        own.glyphs.extend(other.shared.glyphs.iter().map(|g| Glyph { x: moved(g.x), ..*g }));
        own.text.push_str(&other.shared.text);
        if let Some(theirs) = &other.shared.long {
            own.long.get_or_insert_default().extend_from_slice(theirs);
        }
    }

    /// The glyphs' texts together: the text the glyphs set.
    pub fn text(&self) -> &str {
        &self.shared.text
    }

    /// The last glyph's text; `None` if there are no glyphs.
    pub fn last_text(&self) -> Option<&str> {
        let length = self.shared.length(self.shared.glyphs.len().checked_sub(1)?);
        Some(&self.shared.text[self.shared.text.len() - length..])
    }

    /// Each glyph with its text, in order.
    pub fn with_texts(&self) -> impl Iterator<Item = (&Glyph, &str)> + '_ {
        let mut start = 0;
        let mut long = self.shared.long.iter().flat_map(|long| long.iter());
        self.shared.glyphs.iter().map(move |g| {
            let length = if g.text_len == LONG_TEXT { long.next().map_or(0, |&n| n as usize) } else { usize::from(g.text_len) };
            let end = start + length;
            let text = &self.shared.text[start..end];
            start = end;
            (g, text)
        })
    }

    fn text_start(&self, index: usize) -> usize {
        let before = &self.shared.glyphs[..index];
        let short: usize = before.iter().filter(|g| g.text_len != LONG_TEXT).map(|g| usize::from(g.text_len)).sum();
        let long = self.shared.long.as_ref().map_or(0, |long| long[..long_before(before)].iter().map(|&n| n as usize).sum());
        short + long
    }
}

impl GlyphsAndTexts {
    /// The length of the text of the glyph at `index`.
    fn length(&self, index: usize) -> usize {
        match self.glyphs[index].text_len {
            LONG_TEXT => self.long.as_ref().map_or(0, |long| long[long_before(&self.glyphs[..index])] as usize),
            short => usize::from(short),
        }
    }

    /// Makes `length` the length of the text of the glyph at `index`: one
    /// just put there (`new`, whatever its `text_len` says), or one whose text changes.
    fn set_length(&mut self, index: usize, length: usize, new: bool) {
        let k = long_before(&self.glyphs[..index]);
        let was_long = !new && self.glyphs[index].text_len == LONG_TEXT;
        let is_long = length >= usize::from(LONG_TEXT);
        let count = u32::try_from(length).expect("a glyph's text is shorter than 4 GiB");
        match (was_long, is_long) {
            (true, true) => self.long.get_or_insert_default()[k] = count,
            (true, false) => {
                self.long.get_or_insert_default().remove(k);
            }
            (false, true) => self.long.get_or_insert_default().insert(k, count),
            (false, false) => {}
        }
        self.glyphs[index].text_len = if is_long { LONG_TEXT } else { length as u16 };
    }
}

/// How many of `glyphs` keep their text's length with the long ones.
fn long_before(glyphs: &[Glyph]) -> usize {
    glyphs.iter().filter(|g| g.text_len == LONG_TEXT).count()
}

// The size the memory figures in the doc comment of `Glyphs` rest on.
const _: () = assert!(std::mem::size_of::<Glyph>() == 8);

/// The text lengths are private, so handing out the glyphs themselves cannot
/// put them out of step with the text.
impl std::ops::Deref for Glyphs {
    type Target = [Glyph];

    fn deref(&self) -> &[Glyph] {
        &self.shared.glyphs
    }
}

impl std::ops::DerefMut for Glyphs {
    fn deref_mut(&mut self) -> &mut [Glyph] {
        &mut self.own().glyphs
    }
}

impl<'a> IntoIterator for &'a Glyphs {
    type Item = &'a Glyph;
    type IntoIter = std::slice::Iter<'a, Glyph>;

    fn into_iter(self) -> Self::IntoIter {
        self.shared.glyphs.iter()
    }
}

impl<'a> IntoIterator for &'a mut Glyphs {
    type Item = &'a mut Glyph;
    type IntoIter = std::slice::IterMut<'a, Glyph>;

    fn into_iter(self) -> Self::IntoIter {
        self.own().glyphs.iter_mut()
    }
}

/// A rectangle in page coordinates (top-left origin).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub area: Rect,
    pub target: LinkTarget,
    /// What following the link does, in words ("Back to note reference 3").
    pub description: String,
    /// The `Link` structure element of the link's text.
    pub element: Option<ElementId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// Name of a [`Destination`] anywhere in the document.
    Destination(String),
    /// A web or mail address, opened by the reader's browser or mail program.
    Uri(String),
}

impl std::fmt::Display for LinkTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkTarget::Destination(name) => f.write_str(name),
            LinkTarget::Uri(url) => f.write_str(url),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Destination {
    /// Unique in the document, e.g. `note-3` or `noteref-3-1`.
    pub name: String,
    /// Where the view should go: the top-left of the target line.
    pub at: Point,
}

#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    /// 1 for top-level entries, 2 for their children, and so on.
    pub level: u8,
    /// Name of a [`Destination`].
    pub destination: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(glyphs: &Glyphs) -> Vec<(u16, &str)> {
        glyphs.with_texts().map(|(g, text)| (g.id, text)).collect()
    }

    /// A copy shares its glyphs until one of the two changes them: the change
    /// is the changed one's alone, and the other reads as before.
    #[test]
    fn a_copy_shares_the_glyphs_until_either_changes() {
        let mut original = Glyphs::default();
        original.push(Glyph::new(1, 0.0), "f");
        original.push(Glyph::new(2, 5.0), "i");
        let mut copy = original.clone();
        assert!(Arc::ptr_eq(&copy.shared, &original.shared), "a copy holds glyphs of its own");
        copy.set_text(1, "i ");
        copy[0].x = 1.0;
        assert!(!Arc::ptr_eq(&copy.shared, &original.shared));
        assert_eq!(texts(&original), [(1, "f"), (2, "i")]);
        assert_eq!(original[0].x, 0.0);
        assert_eq!(texts(&copy), [(1, "f"), (2, "i ")]);
        assert_eq!(copy[0].x, 1.0);
    }

    #[test]
    fn each_glyph_keeps_its_own_text_through_changes() {
        let mut glyphs = Glyphs::default();
        glyphs.push(Glyph::new(1, 0.0), "fi");
        glyphs.push(Glyph::new(2, 5.0), "é");
        glyphs.push(Glyph::new(3, 9.0), "");
        glyphs.push(Glyph::new(4, 9.0), " ");
        glyphs.set_text(1, "e\u{301}");
        glyphs.insert(3, Glyph::new(5, 9.0), "x");
        glyphs.insert(0, Glyph::new(6, -1.0), "");
        glyphs.set_text(5, "\u{a0}");
        glyphs[2].x = 6.0;
        assert_eq!(texts(&glyphs), [(6, ""), (1, "fi"), (2, "e\u{301}"), (3, ""), (5, "x"), (4, "\u{a0}")]);
        assert_eq!(glyphs.text(), "fie\u{301}x\u{a0}");
        assert_eq!(glyphs[2].x, 6.0);
        assert_eq!(glyphs.last_text(), Some("\u{a0}"));
        assert_eq!(Glyphs::default().last_text(), None);
        // Appended glyphs keep their texts and move where they are told.
        let mut line = Glyphs::default();
        line.push(Glyph::new(7, 0.0), "a");
        line.append_moved(&glyphs, |x| x * 2.0 + 10.0);
        assert_eq!(texts(&line)[1..], texts(&glyphs)[..]);
        assert_eq!(line.text(), "afie\u{301}x\u{a0}");
        assert_eq!(line.iter().map(|g| g.x).collect::<Vec<_>>(), [0.0, 8.0, 10.0, 22.0, 28.0, 28.0, 28.0]);
    }

    /// One text longer than u16 can count: a cluster of thousands of combining marks.
    #[test]
    fn a_cluster_of_many_marks_is_one_text() {
        let cluster = format!("a{}", "\u{301}".repeat(40_000));
        let mut glyphs = Glyphs::default();
        glyphs.push(Glyph::new(1, 0.0), &cluster);
        glyphs.push(Glyph::new(2, 0.0), "");
        glyphs.push(Glyph::new(3, 5.0), "b");
        assert_eq!(texts(&glyphs), [(1, cluster.as_str()), (2, ""), (3, "b")]);
        // Long texts kept apart stay with their glyphs as glyphs come, go long and go short.
        let other = format!("c{}", "\u{308}".repeat(33_000));
        glyphs.insert(0, Glyph::new(4, 0.0), "d");
        glyphs.set_text(3, &other);
        glyphs.insert(2, Glyph::new(5, 0.0), &other);
        assert_eq!(texts(&glyphs), [(4, "d"), (1, cluster.as_str()), (5, other.as_str()), (2, ""), (3, other.as_str())]);
        assert_eq!(glyphs.last_text(), Some(other.as_str()));
        glyphs.set_text(1, "a");
        glyphs.set_text(4, &cluster);
        assert_eq!(texts(&glyphs), [(4, "d"), (1, "a"), (5, other.as_str()), (2, ""), (3, cluster.as_str())]);
        let mut line = Glyphs::default();
        line.push(Glyph::new(6, 0.0), &cluster);
        line.append_shifted(&glyphs, 1.0);
        line.push(Glyph::new(7, 0.0), "e");
        assert_eq!(texts(&line)[1..6], texts(&glyphs)[..]);
        assert_eq!(texts(&line)[0], (6, cluster.as_str()));
        assert_eq!(line.text(), format!("{cluster}da{other}{cluster}e"));
        // A glyph taken from another run starts with the text it is given, not the one it had.
        let taken = glyphs[2];
        let mut more = Glyphs::default();
        more.push(taken, "f");
        assert_eq!(texts(&more), [(5, "f")]);
    }
}
