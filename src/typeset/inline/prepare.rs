//! From a paragraph's inlines to the line breaker's boxes, glue and penalties:
//! words are shaped, hyphenation points become penalties, spaces become glue.
//! Each item keeps its payload (the shaped glyphs) so lines can be set afterwards.

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::resources::shaping::{self, Shaper};
use crate::typeset::inline::code::Turnover;
use crate::typeset::inline::hyphenate::Hyphenator;
use crate::layout::{Glyph, Glyphs};
use crate::typeset::inline::linebreak::Item;
use crate::typeset::inline::breaks::{ideographic_break_points, Cut, IDEOGRAPHIC_STRETCH};
use crate::model::{Image, Inline};
use crate::typeset::inline::picture::{InlinePicture, PictureList};
use crate::resources::style::{ties_in, CodeStyle, Justification, NoteMarkStyle, Ties};
use crate::typeset::inline::linebreak::INFINITE_PENALTY;
use crate::typeset::inline::ties::tied;
use std::collections::BTreeMap;

/// Where a piece of text leads or is led to, for PDF links.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    /// Link text: opens this web or mail address (`http`, `https` or `mailto` only).
    Uri(Arc<str>),
    /// Link text leading to a place in the book (`#bib-reed1919`, a citation's work in
    /// the bibliography); a place this edition does not set leaves it plain text.
    Destination(Arc<str>),
    /// A note number in the text: links to the note, is the target of its backlink.
    NoteRef { number: usize, occurrence: usize },
    /// A note's own number in the notes: links back to the (first) reference.
    NoteLabel { number: usize },
    /// After a note cited more than once: links back to one of its references.
    Backlink { number: usize, occurrence: usize },
}

impl Anchor {
    /// Link text is text like any other (broken, hyphenated, in any face);
    /// a note's marks are each one piece.
    pub fn is_uri(&self) -> bool {
        matches!(self, Anchor::Uri(_) | Anchor::Destination(_))
    }
}

/// Whether a link to `url` may be followed from the PDF: web and mail
/// addresses only, never a script (`javascript:`) nor a file on the reader's machine.
pub fn is_followable(url: &str) -> bool {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https" | "mailto"))
}

/// Glyphs of one face at one size, positioned from the piece's start (points).
/// Words recur, and each line copies its pieces; a piece's glyphs are plain
/// data with one string for all their texts, so a copy is cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub face: FaceStyle,
    pub size: f32,
    /// Given to the glyphs when the piece becomes a [`crate::layout::GlyphRun`].
    pub rise: f32,
    pub glyphs: Glyphs,
    pub width: f32,
    /// Horizontal scale of the glyphs (font expansion); 1 for none.
    pub scale: f32,
    /// What few pieces carry (a link, a rule, a picture), out of line: every
    /// line holds copies of its pieces until the book's pages are made, and
    /// nearly all are plain text. `None` when it carries none of them.
    pub(super) marks: Option<Box<Marks>>,
}

/// A piece's rarer parts (see [`Piece::anchor`], [`Piece::strike`], [`Piece::picture`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Marks {
    anchor: Option<Anchor>,
    strike: Option<Strike>,
    picture: Option<InlinePicture>,
}

/// A rule through a piece's glyphs, its centre `height` above the baseline (points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strike {
    pub height: f32,
    pub thickness: f32,
}

impl Piece {
    /// Glyphs of `face` at `size` on the baseline, `width` wide, carrying nothing else.
    pub fn plain(face: FaceStyle, size: f32, glyphs: Glyphs, width: f32) -> Piece {
        Piece { face, size, rise: 0.0, glyphs, width, scale: 1.0, marks: None }
    }

    /// Where the piece leads or is led to, for PDF links.
    pub fn anchor(&self) -> Option<&Anchor> {
        self.marks.as_ref().and_then(|m| m.anchor.as_ref())
    }

    /// Struck through: the rule drawn through the piece's glyphs.
    pub fn strike(&self) -> Option<Strike> {
        self.marks.as_ref().and_then(|m| m.strike)
    }

    /// A picture in the text (with no glyphs), as wide as the piece.
    pub fn picture(&self) -> Option<InlinePicture> {
        self.marks.as_ref().and_then(|m| m.picture)
    }

    /// The piece with these marks instead of its own.
    pub fn marked(self, anchor: Option<Anchor>, strike: Option<Strike>, picture: Option<InlinePicture>) -> Piece {
        let marks = (anchor.is_some() || strike.is_some() || picture.is_some()).then(|| Box::new(Marks { anchor, strike, picture }));
        Piece { marks, ..self }
    }

    /// The piece with this anchor instead of its own, keeping its rule and picture.
    pub fn with_anchor(self, anchor: Option<Anchor>) -> Piece {
        let (strike, picture) = (self.strike(), self.picture());
        self.marked(anchor, strike, picture)
    }
}

#[derive(Debug, Clone, PartialEq)]
///
/// Pieces are shared with the setter's cache: a paragraph repeats its words
/// and its space, and a copy of each occurrence was most of a long
/// paragraph's memory. A line copies the pieces it sets.
pub enum Payload {
    /// A word in one piece, as most words are: no vector to allocate and hold
    /// while the whole book waits to be broken into lines.
    Word(Arc<Piece>),
    /// A word in several pieces: faces change inside it, or it carries a note reference.
    Pieces(Box<[Arc<Piece>]>),
    /// A word space: the space glyph to draw (for copy and paste) and its face.
    Space(Arc<Piece>),
    /// A break inside a word; `Some` holds the hyphen drawn if the line breaks here.
    Break(Option<Arc<Piece>>),
    None,
}

impl Payload {
    /// The pieces of a word; none for anything else.
    pub fn pieces(&self) -> &[Arc<Piece>] {
        match self {
            Payload::Word(piece) => std::slice::from_ref(piece),
            Payload::Pieces(pieces) => pieces,
            Payload::Space(_) | Payload::Break(_) | Payload::None => &[],
        }
    }
}

/// A paragraph ready for the line breaker.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub items: Vec<Item>,
    pub payloads: Vec<Payload>,
    /// For code: how a line too long for the measure goes on.
    pub turnover: Option<Turnover>,
    /// `None` for a paragraph with no right-to-left text; else whether it
    /// runs right to left, for the order of its lines' words.
    pub right_to_left: Option<bool>,
}

/// Where a run of text sits against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Shift {
    #[default]
    Baseline,
    Superscript,
    Subscript,
}

impl Shift {
    /// The OpenType feature that draws the font's own raised or lowered figures and letters.
    fn feature(self) -> Option<&'static str> {
        match self {
            Shift::Baseline => None,
            Shift::Superscript => Some("sups"),
            Shift::Subscript => Some("subs"),
        }
    }

    /// Where the font has no such glyphs, the ordinary ones smaller, moved by
    /// this fraction of the text's size: the proportions of a note reference.
    fn rise(self) -> f32 {
        match self {
            Shift::Baseline => 0.0,
            Shift::Superscript => SUPERSCRIPT_RISE,
            Shift::Subscript => -0.14,
        }
    }
}

/// Raised and lowered text set without the font's own glyphs: at this
/// fraction of the text's size (the size of a note reference), so that the
/// small letters still have strokes as heavy as the text's thin ones...
const SHIFTED_SIZE: f32 = 0.68;
/// ...and raised by this fraction, so their tops stand a little above the capitals'.
const SUPERSCRIPT_RISE: f32 = 0.36;

/// The cost of a break the style asks to avoid, a tie's: just short of forbidding it, so that
/// it is taken only where every setting without it is looser than the
/// tolerance, never to buy a better-looking line.
const LAST_RESORT_PENALTY: f32 = INFINITE_PENALTY - 1.0;

/// A forced line break inside a paragraph (Markdown's backslash or two
/// spaces at a line's end), as Unicode's own LINE SEPARATOR: it stands in
/// the spans until the paragraph is cut into words.
const LINE_BREAK: char = '\u{2028}';

/// A run of text in one face, or a note reference.
#[derive(Debug, Clone)]
pub(super) struct Span {
    pub text: String,
    pub face: FaceStyle,
    pub anchor: Option<Anchor>,
    pub shift: Shift,
    pub strike: bool,
    /// The language of a span in another than its paragraph's, for its hyphenation.
    pub lang: Option<Rc<str>>,
    /// A picture print places (its text is the alt text): one piece of its word.
    pub picture: Option<Rc<Image>>,
}

impl Span {
    pub(super) fn new(text: String, face: FaceStyle, anchor: Option<Anchor>) -> Span {
        Span { text, face, anchor, shift: Shift::Baseline, strike: false, lang: None, picture: None }
    }

    /// A part of this span's text, in its face. Not `..self.clone()`, which
    /// would copy the whole text for each part: a paragraph's words are parts
    /// of one span, and a long paragraph's copies grew with its square.
    fn part(&self, text: &str) -> Span {
        Span { text: text.to_owned(), face: self.face, anchor: self.anchor.clone(), shift: self.shift, strike: self.strike, lang: self.lang.clone(), picture: None }
    }
}

/// A character the font cannot draw, reported to the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MissingGlyph {
    pub character: char,
    pub face: FaceStyle,
    /// Set in the fallback face instead; otherwise it prints as a blank box.
    pub substituted: bool,
}

pub struct TextSetter<'a> {
    pub fonts: &'a FontFamily,
    pub hyphenator: Option<&'a Hyphenator>,
    pub justification: &'a Justification,
    shaper: Shaper<'a>,
    /// Shaping is the costly step; most words recur, so set each (face,
    /// feature set, size, word) once. Keyed by word inside, so a word is
    /// looked up without making a string of it.
    cache: FxHashMap<(FaceStyle, usize, u32), FxHashMap<String, Arc<Piece>>>,
    /// The OpenType feature sets the style asks for, by their tags; text is
    /// shaped with `feature_sets[current_features]`.
    feature_sets: Vec<(Vec<String>, Vec<rustybuzz::Feature>)>,
    current_features: usize,
    missing: Vec<MissingGlyph>,
    /// How inline code is set in the text around it.
    pub inline_code: InlineCode,
    /// How note reference marks are set (the style's `notes.marks`).
    pub note_marks: NoteMarkStyle,
    /// The shortest fragments hyphenation leaves before and after a break,
    /// for the patterns of languages other than the book's.
    pub hyphenation_minima: (usize, usize),
    /// Patterns for each other language met so far (`None`: there are none).
    other_languages: HashMap<Rc<str>, Option<Hyphenator>>,
    /// The pictures set inline, and the book's to find them in.
    pub pictures: PictureList<'a>,
    /// The hyphen of each face, feature set and size (see [`TextSetter::soft_hyphen`]).
    hyphens: FxHashMap<(FaceStyle, usize, u32), Arc<Piece>>,
    /// What a hyphen in a word that begins with a capital costs the line
    /// breaker; `None` if there may be none (the style's `hyphenation.capitalised`
    /// and `capitalised_penalty`).
    pub capitalised_hyphen_penalty: Option<f32>,
    /// The style's pairs of words no line breaks between, by language, and
    /// the book's language, for text that does not name its own.
    pub ties: Option<&'a BTreeMap<String, Ties>>,
    pub language: Rc<str>,
    /// The boxes and breaks of each word set so far that is the whole of a
    /// plain span's part (no link, rule nor picture, not code), by its look:
    /// a book's words recur, and cutting each occurrence at its hyphenation
    /// points and finding its pieces again was most of its preparation. What
    /// a word makes depends only on its text, its look and the setter's
    /// settings, which are all given before its first paragraph.
    set_words: Vec<(WordLook, FxHashMap<Box<str>, Box<[(Item, Payload)]>>)>,
    /// Which ASCII characters each face draws (a bit for each), as [`TextSetter::with_fallback`] asks.
    ascii_drawable: Vec<(FaceStyle, u128)>,
}

/// What a word's boxes and breaks depend on besides its text (see `TextSetter::set_words`).
#[derive(Debug, Clone, PartialEq)]
struct WordLook {
    face: FaceStyle,
    shift: Shift,
    lang: Option<Rc<str>>,
    hyphenate: bool,
    size: u32,
    features: usize,
}

impl WordLook {
    fn of(span: &Span, style: &TextStyle, features: usize) -> WordLook {
        WordLook { face: span.face, shift: span.shift, lang: span.lang.clone(), hyphenate: style.hyphenate, size: style.size.to_bits(), features }
    }

    fn is_of(&self, span: &Span, style: &TextStyle, features: usize) -> bool {
        self.face == span.face
            && self.shift == span.shift
            && self.hyphenate == style.hyphenate
            && self.size == style.size.to_bits()
            && self.features == features
            && self.lang.as_deref() == span.lang.as_deref()
    }
}

/// Inline code's size as a fraction of the text around it (the monospaced
/// face's wide letters look larger than the book face's), and the OpenType
/// features it is shaped with, the code's own, not the text's.
#[derive(Debug, Clone, Default)]
pub struct InlineCode {
    pub scale: f32,
    pub features: Vec<String>,
}

impl InlineCode {
    pub fn of(style: &CodeStyle) -> InlineCode {
        InlineCode { scale: style.inline_scale, features: style.features.clone() }
    }
}

/// What each paragraph asks of the setter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub size: f32,
    pub face: FaceStyle,
    pub indent: f32,
    pub hyphenate: bool,
}

/// A paragraph's text as the model gives it, and what its setting asks of
/// the setter: what [`TextSetter::prepare_text`] makes a [`Prepared`] of.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphText<'a> {
    /// Borrowed from the book, except where the typesetter adds to it (a list's label).
    pub inlines: Cow<'a, [Inline]>,
    pub style: TextStyle,
    /// A linked label before the text (a note's number).
    pub prefix: Option<(String, Anchor)>,
    /// Linked marks after the text (a note's backlinks).
    pub suffix: Vec<(String, Anchor)>,
    /// The OpenType features to shape it with, by their tags in the style.
    pub features: &'a [String],
    /// Set as a code block, line by line as typed (its inlines are its text).
    pub code: Option<&'a CodeStyle>,
    /// The language of a block in another than the book's, for its hyphenation.
    pub language: Option<&'a str>,
}

impl<'a> TextSetter<'a> {
    pub fn new(fonts: &'a FontFamily, hyphenator: Option<&'a Hyphenator>, justification: &'a Justification) -> Self {
        TextSetter {
            fonts,
            hyphenator,
            justification,
            shaper: Shaper::new(fonts),
            cache: FxHashMap::default(),
            feature_sets: vec![(Vec::new(), Vec::new())],
            current_features: 0,
            missing: Vec::new(),
            inline_code: InlineCode { scale: 1.0, features: Vec::new() },
            note_marks: NoteMarkStyle::default(),
            hyphenation_minima: (2, 3),
            other_languages: HashMap::new(),
            pictures: PictureList::default(),
            hyphens: FxHashMap::default(),
            capitalised_hyphen_penalty: None,
            ties: None,
            language: Rc::from(""),
            set_words: Vec::new(),
            ascii_drawable: Vec::new(),
        }
    }

    /// The style's ties for text in `language` (the book's if `None`).
    fn ties_for(&self, language: Option<&str>) -> Option<&'a Ties> {
        self.ties.and_then(|ties| ties_in(ties, language.unwrap_or(&self.language)))
    }

    /// The languages of text set so far that have no hyphenation patterns, in order.
    pub fn unhyphenated_languages(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.other_languages.iter().filter(|(_, h)| h.is_none()).map(|(tag, _)| tag.to_string()).collect();
        tags.sort();
        tags
    }

    /// The patterns for a span's language: the book's, or another's, loaded when first met.
    fn hyphenator_for(&mut self, lang: Option<&Rc<str>>) -> Option<&Hyphenator> {
        let Some(lang) = lang else { return self.hyphenator };
        let (left, right) = self.hyphenation_minima;
        self.other_languages.entry(Rc::clone(lang)).or_insert_with(|| Hyphenator::new(lang, left, right, &[])).as_ref()
    }

    /// Shapes what follows with these OpenType features (tags from the style).
    pub fn use_features(&mut self, tags: &[String]) {
        self.current_features = match self.feature_sets.iter().position(|(known, _)| known == tags) {
            Some(index) => index,
            None => {
                self.feature_sets.push((tags.to_vec(), shaping::features(tags)));
                self.feature_sets.len() - 1
            }
        };
    }

    /// Shapes `text` in `face` at `size` into a piece whose glyphs carry their source text.
    pub fn piece(&mut self, text: &str, face: FaceStyle, size: f32, anchor: Option<Anchor>) -> Piece {
        Piece::clone(&self.shared_piece(text, face, size)).with_anchor(anchor)
    }

    /// [`TextSetter::piece`] without an anchor, shared with every other use of
    /// the same word in the same face, features and size.
    pub(super) fn shared_piece(&mut self, text: &str, face: FaceStyle, size: f32) -> Arc<Piece> {
        let words = self.cache.entry((face, self.current_features, size.to_bits())).or_default();
        if let Some(piece) = words.get(text) {
            return Arc::clone(piece);
        }
        let right_to_left = super::bidi::runs_right_to_left(text);
        let shaped = self.shaper.shape_in(face, text, &self.feature_sets[self.current_features].1, right_to_left);
        let scale = size / self.fonts.get(face).units_per_em as f32;
        let mut glyphs = Glyphs::with_capacity(shaped.len(), text.len());
        let mut x = 0.0;
        // A cluster's text runs to where the next cluster in the text starts:
        // the next glyph's left to right, the one before it right to left.
        let mut starts: Vec<usize> = shaped.iter().map(|g| g.cluster).collect();
        starts.sort_unstable();
        starts.dedup();
        for (i, g) in shaped.iter().enumerate() {
            let first_of_cluster = i == 0 || shaped[i - 1].cluster != g.cluster;
            let source = if first_of_cluster {
                let end = starts.get(starts.partition_point(|&c| c <= g.cluster)).copied().unwrap_or(text.len());
                text.get(g.cluster..end).unwrap_or("")
            } else {
                ""
            };
            if g.id == 0 {
                // Reported when the word is first set; the report is per character anyway.
                self.missing.extend(source.chars().map(|character| MissingGlyph { character, face, substituted: false }));
            }
            glyphs.push(Glyph::new(g.id, x + g.x_offset as f32 * scale), source);
            x += g.x_advance as f32 * scale;
        }
        let piece = Arc::new(Piece::plain(face, size, glyphs, x));
        words.insert(text.to_owned(), Arc::clone(&piece));
        piece
    }

    /// Moves the characters a span's face cannot draw, and the fallback face
    /// can, into spans of their own in the fallback face.
    pub(super) fn with_fallback(&mut self, spans: Vec<Span>) -> Vec<Span> {
        if self.fonts.fallbacks.is_empty() {
            return spans;
        }
        let mut out = Vec::with_capacity(spans.len());
        for span in spans {
            let ascii = self.ascii_drawable(span.face);
            let drawable = |face: FaceStyle, c: char| c.is_whitespace() || c.is_control() || self.fonts.get(face).has_glyph(c);
            let drawn = |c: char| if c.is_ascii() { ascii & 1 << c as u32 != 0 } else { drawable(span.face, c) };
            if span.anchor.as_ref().is_some_and(|a| !a.is_uri()) || span.picture.is_some() || span.text.chars().all(drawn) {
                out.push(span);
                continue;
            }
            let mut run = String::new();
            let mut run_face = span.face;
            for c in span.text.chars() {
                let substitute = if drawable(span.face, c) { None } else { self.fonts.fallback_for(c) };
                if substitute.is_some() {
                    self.missing.push(MissingGlyph { character: c, face: span.face, substituted: true });
                }
                let face = substitute.unwrap_or(span.face);
                if face != run_face && !run.is_empty() {
                    out.push(Span { face: run_face, ..span.part(&std::mem::take(&mut run)) });
                }
                run_face = face;
                run.push(c);
            }
            out.push(Span { face: run_face, ..span.part(&run) });
        }
        out
    }

    /// Which ASCII characters `face` draws, as [`TextSetter::with_fallback`]
    /// asks of each character: a bit for each, found once for each face.
    fn ascii_drawable(&mut self, face: FaceStyle) -> u128 {
        if let Some(&(_, drawable)) = self.ascii_drawable.iter().find(|(of, _)| *of == face) {
            return drawable;
        }
        let font = self.fonts.get(face);
        let drawable = (0..128u8).map(char::from).filter(|&c| c.is_whitespace() || c.is_control() || font.has_glyph(c)).fold(0u128, |bits, c| bits | 1 << c as u32);
        self.ascii_drawable.push((face, drawable));
        drawable
    }

    /// `text` in `face` in a paragraph set at `size`: inline code (in the
    /// monospaced face) at its own size and with its own features.
    fn shared_piece_in(&mut self, text: &str, face: FaceStyle, size: f32) -> Arc<Piece> {
        if face != FaceStyle::Mono {
            return self.shared_piece(text, face, size);
        }
        let around = self.current_features;
        let tags = std::mem::take(&mut self.inline_code.features);
        self.use_features(&tags);
        self.inline_code.features = tags;
        let piece = self.shared_piece(text, face, size * self.inline_code.scale);
        self.current_features = around;
        piece
    }

    /// The rule through `piece`, where its face puts it.
    fn strike_through(&self, piece: &Piece) -> Strike {
        let strikeout = self.fonts.get(piece.face).strikeout;
        Strike { height: piece.rise + strikeout.height * piece.size, thickness: strikeout.thickness * piece.size }
    }

    /// `text`, a part of `span`, in the span's look: its face and shift, and
    /// its link and rule, in a paragraph set at `size`. The part is set as it
    /// is, not copied into a span of its own: most words are parts of a
    /// longer span, and each copy was an allocation.
    fn text_piece(&mut self, span: &Span, text: &str, size: f32) -> Arc<Piece> {
        let piece = self.span_piece(span, text, size);
        if span.anchor.is_none() && !span.strike {
            return piece;
        }
        let strike = span.strike.then(|| self.strike_through(&piece));
        let picture = piece.picture();
        Arc::new(Piece::clone(&piece).marked(span.anchor.clone(), strike, picture))
    }

    /// `text`, a part of `span`, in the span's face and shift, in a paragraph set at `size`.
    fn span_piece(&mut self, span: &Span, text: &str, size: f32) -> Arc<Piece> {
        let Some(feature) = span.shift.feature().filter(|_| span.face != FaceStyle::Mono) else {
            return self.shifted_by_size(span, text, size);
        };
        // The font's own superior or inferior glyphs, where it has one for
        // every character: shaped with the feature, each glyph is another.
        let plain = self.shared_piece(text, span.face, size);
        let around = self.current_features;
        let mut tags = self.feature_sets[around].0.clone();
        tags.push(feature.to_owned());
        self.use_features(&tags);
        let featured = self.shared_piece(text, span.face, size);
        self.current_features = around;
        let all_replaced = featured.glyphs.len() == plain.glyphs.len() && featured.glyphs.iter().zip(plain.glyphs.iter()).all(|(f, p)| f.id != p.id);
        if all_replaced {
            featured
        } else {
            self.shifted_by_size(span, text, size)
        }
    }

    /// `text` in `span`'s face, smaller and moved off the baseline (or as it is, on it).
    fn shifted_by_size(&mut self, span: &Span, text: &str, size: f32) -> Arc<Piece> {
        if span.shift == Shift::Baseline {
            return self.shared_piece_in(text, span.face, size);
        }
        let piece = self.shared_piece_in(text, span.face, size * SHIFTED_SIZE);
        Arc::new(Piece { rise: size * span.shift.rise(), ..Piece::clone(&piece) })
    }

    /// The hyphen drawn where a word in `face` breaks at a hyphenation
    /// point; it copies out as a soft hyphen (nothing), so the word pastes
    /// whole. One for each face, features and size, shared by every break.
    fn soft_hyphen(&mut self, face: FaceStyle, size: f32) -> Arc<Piece> {
        let key = (face, self.current_features, size.to_bits());
        if let Some(hyphen) = self.hyphens.get(&key) {
            return Arc::clone(hyphen);
        }
        let mut hyphen = self.piece("-", face, size, None);
        if !hyphen.glyphs.is_empty() {
            hyphen.glyphs.set_text(0, "\u{ad}");
        }
        let hyphen = Arc::new(hyphen);
        self.hyphens.insert(key, Arc::clone(&hyphen));
        hyphen
    }

    /// A picture span's picture at text height, or (should print not have it after all) its alt text.
    fn picture_piece(&mut self, span: &Span, size: f32) -> Arc<Piece> {
        let template = self.shared_piece(" ", span.face, size);
        let image = span.picture.as_deref().expect("a picture span");
        match self.pictures.piece(image, self.fonts.get(span.face), size, &template) {
            Some(piece) => Arc::new(piece),
            None => self.shared_piece(&span.text, span.face, size),
        }
    }

    /// A note's reference mark `text` in a paragraph set at `size`: the face's
    /// superior figures, where it has one for every character, at the text's
    /// size; otherwise the fallback (lining) figures, smaller and raised. Each
    /// with the marks' own features, never the text's: old-style figures
    /// would hang ³ ⁴ ⁵ ⁷ ⁹ lower than ¹ ² ⁶ ⁸.
    fn note_mark(&mut self, text: &str, size: f32) -> Arc<Piece> {
        let around = self.current_features;
        let marks = std::mem::take(&mut self.note_marks);
        self.use_features(&marks.fallback_features);
        let plain = self.shared_piece(text, FaceStyle::Regular, size);
        self.use_features(&marks.features);
        let superior = self.shared_piece(text, FaceStyle::Regular, size);
        let all_replaced = superior.glyphs.len() == plain.glyphs.len() && superior.glyphs.iter().zip(plain.glyphs.iter()).all(|(s, p)| s.id != p.id);
        let mark = if all_replaced {
            superior
        } else {
            self.use_features(&marks.fallback_features);
            let smaller = self.shared_piece(text, FaceStyle::Regular, size * marks.size);
            Arc::new(Piece { rise: size * marks.rise, ..Piece::clone(&smaller) })
        };
        self.current_features = around;
        self.note_marks = marks;
        mark
    }

    /// The piece of a span that is one piece whatever its text (a note's
    /// mark, a picture); `None` for an empty one.
    fn whole_span_piece(&mut self, span: &Span, size: f32) -> Option<Arc<Piece>> {
        Some(match &span.anchor {
            _ if span.picture.is_some() => self.picture_piece(span, size),
            _ if span.text.is_empty() => return None,
            Some(Anchor::NoteRef { .. }) => Arc::new(Piece::clone(&self.note_mark(&span.text, size)).with_anchor(span.anchor.clone())),
            _ => self.text_piece(span, &span.text, size),
        })
    }

    /// Where `text`, a span's part in a word, may be cut, in order: hyphenation points,
    /// explicit dashes, between ideographs; an address's or inline code's
    /// punctuation instead.
    fn cut_points(&mut self, span: &Span, text: &str, address: bool, hyphenate: bool) -> Vec<(usize, Cut)> {
        let as_cut = |(at, soft): (usize, bool)| (at, if soft { Cut::Hyphen } else { Cut::Plain });
        if address || span.face == FaceStyle::Mono {
            return address_break_points(text).into_iter().map(as_cut).collect();
        }
        // Inline code is never hyphenated: a hyphen would read as part of it.
        // Nor raised or lowered text: the hyphen would be at the text's size.
        // Nor an address, which must read exactly as it is typed.
        let capitalised = self.capitalised_hyphen_penalty.is_some();
        let hyphenator = if hyphenate && span.shift == Shift::Baseline { self.hyphenator_for(span.lang.as_ref()) } else { None };
        let mut points: Vec<(usize, Cut)> = break_points(text, hyphenator, capitalised);
        if may_hold_ideographs(text) {
            let ideographic: Vec<(usize, Cut)> = ideographic_break_points(text).into_iter().filter(|at| !points.iter().any(|(p, _)| p == at)).map(|at| (at, Cut::Ideographic)).collect();
            points.extend(ideographic);
            points.sort_by_key(|(at, _)| *at);
        }
        points
    }

    /// How far the piece's last glyph may hang into the right margin.
    fn hang(&self, piece: &Piece) -> f32 {
        let Some(last) = piece.glyphs.last() else { return 0.0 };
        let Some(character) = piece.glyphs.text().chars().last() else { return 0.0 };
        if piece.anchor().is_some_and(|a| !a.is_uri()) {
            return 0.0;
        }
        self.justification.protrusion_of(character, piece.width - last.x)
    }

    /// [`TextSetter::prepare`] for a paragraph that says which features it is shaped with.
    pub fn prepare_text(&mut self, text: ParagraphText<'_>) -> Prepared {
        if let Some(code) = text.code {
            return self.prepare_code(&crate::model::plain_text(&text.inlines), text.style.size, code);
        }
        self.use_features(text.features);
        self.prepare_in(&text.inlines, text.style, text.language, text.prefix, &text.suffix)
    }

    /// The characters the faces could not draw in the text set so far, each
    /// reported once, in order; the setter starts a new list.
    /// The characters its faces could not draw so far, as met (see [`TextSetter::take_missing`]).
    pub(crate) fn missing_so_far(&self) -> &[MissingGlyph] {
        &self.missing
    }

    /// Takes up what another setter with the same settings found setting text this one does not set again.
    pub(crate) fn take_up_missing(&mut self, missing: &[MissingGlyph]) {
        self.missing.extend_from_slice(missing);
    }

    pub fn take_missing(&mut self) -> Vec<MissingGlyph> {
        let mut missing = std::mem::take(&mut self.missing);
        missing.sort();
        missing.dedup();
        missing
    }

    /// Boxes, glue and penalties for one paragraph, ending with the standard
    /// finishing glue and forced break (ragged last line). `prefix` is a linked
    /// label before the text (a note's number), `suffix` linked marks after
    /// it, each a word of its own (a note's backlinks).
    #[cfg(test)]
    pub fn prepare(&mut self, inlines: &[Inline], style: TextStyle, prefix: Option<(String, Anchor)>, suffix: &[(String, Anchor)]) -> Prepared {
        self.prepare_in(inlines, style, None, prefix, suffix)
    }

    /// [`TextSetter::prepare`] for a paragraph in `language`, if not the book's.
    fn prepare_in(&mut self, inlines: &[Inline], style: TextStyle, language: Option<&str>, prefix: Option<(String, Anchor)>, suffix: &[(String, Anchor)]) -> Prepared {
        let mut spans = Vec::new();
        if let Some((label, anchor)) = prefix {
            spans.push(Span::new(label, style.face, Some(anchor)));
            spans.push(Span::new(" ".into(), style.face, None));
        }
        let images = self.pictures.images;
        let placeable = |image: &Image| images.is_some_and(|images| images.get(&image.src).is_some());
        flatten(inlines, &Span { lang: language.map(Rc::from), ..Span::new(String::new(), style.face, None) }, &placeable, &mut spans);
        for (mark, anchor) in suffix {
            spans.push(Span::new(" ".into(), style.face, None));
            spans.push(Span::new(mark.clone(), style.face, Some(anchor.clone())));
        }
        let spans = self.with_fallback(spans);
        let mut prepared = Prepared { right_to_left: super::bidi::paragraph_direction(spans.iter().map(|s| s.text.as_str())), ..Prepared::default() };
        if style.indent > 0.0 {
            prepared.items.push(Item::Box { width: style.indent });
            prepared.payloads.push(Payload::None);
        }
        let space = self.shared_piece(" ", style.face, style.size);
        let glue = |space_width: f32, j: &Justification| Item::Glue { width: space_width, stretch: space_width * j.stretch, shrink: space_width * j.shrink };

        let words = split_words(&spans);
        let mut pieces = Vec::new();
        // The ties of the language the last word was in, and that language.
        let mut ties_of: Option<(Option<&str>, Option<&Ties>)> = None;
        for (w, &(ref range, broken)) in words.words.iter().enumerate() {
            let word = &words.parts[range.clone()];
            if broken {
                // The line before a forced break is ragged, as a paragraph's last.
                for item in Item::paragraph_end() {
                    prepared.items.push(item);
                    prepared.payloads.push(Payload::None);
                }
            } else if w > 0 {
                // A space takes the face of the word it precedes (an italic space
                // before an italic word), but not the monospaced face's, which is
                // as wide as a letter.
                let mut space = match word.first().map(|(s, _)| s.face) {
                    Some(face) if face != style.face && face != FaceStyle::Mono => self.shared_piece(" ", face, style.size),
                    _ => Arc::clone(&space),
                };
                // A space inside a link's text is part of the link, so that the
                // link is one clickable area on each line, not one for each word.
                let before = words.parts[words.words[w - 1].0.clone()].last().map(|(s, _)| *s);
                let after = word.first().map(|(s, _)| *s);
                let link = before.and_then(|s| s.anchor.as_ref()).filter(|a| a.is_uri() && after.and_then(|s| s.anchor.as_ref()) == Some(*a));
                // And the rule through struck-through words runs through the spaces between them.
                let strike = before.is_some_and(|s| s.strike) && after.is_some_and(|s| s.strike);
                if link.is_some() || strike {
                    let strike = strike.then(|| self.strike_through(&space));
                    let picture = space.picture();
                    space = Arc::new(Piece::clone(&space).marked(link.cloned(), strike, picture));
                }
                let language = word.first().and_then(|(s, _)| s.lang.as_deref()).or(language);
                // Looked up again only where the language changes: nearly every word is in its paragraph's.
                let ties = match ties_of {
                    Some((of, ties)) if of == language => ties,
                    _ => ties_of.insert((language, self.ties_for(language))).1,
                };
                if ties.is_some_and(|ties| tied(ties, &word_text(&words.parts[words.words[w - 1].0.clone()]), &word_text(word))) {
                    // The break is the word's end (with its margin kern, if
                    // it has one), at the last resort's cost; the space after
                    // a penalty is no break of its own.
                    match (prepared.items.last_mut(), prepared.payloads.last()) {
                        (Some(Item::Penalty { cost, flagged: false, .. }), Some(Payload::None)) => *cost = LAST_RESORT_PENALTY,
                        _ => {
                            prepared.items.push(Item::Penalty { width: 0.0, cost: LAST_RESORT_PENALTY, flagged: false });
                            prepared.payloads.push(Payload::None);
                        }
                    }
                }
                prepared.items.push(glue(space.width, self.justification));
                prepared.payloads.push(Payload::Space(space));
            }
            self.push_word(word, style, &mut prepared, &mut pieces);
        }
        // The last line is ragged: nothing to hang into the margin there.
        if let (Some(Item::Penalty { flagged: false, .. }), Some(Payload::None)) = (prepared.items.last(), prepared.payloads.last()) {
            prepared.items.pop();
            prepared.payloads.pop();
        }
        for item in Item::paragraph_end() {
            prepared.items.push(item);
            prepared.payloads.push(Payload::None);
        }
        prepared
    }

    /// A word's boxes and breaks: cut into fragments at hyphenation points,
    /// after explicit dashes and between ideographs, each fragment a box.
    /// `pieces` is room for a fragment's pieces, kept from word to word.
    fn push_word(&mut self, word: &[(&Span, &str)], style: TextStyle, prepared: &mut Prepared, pieces: &mut Vec<Arc<Piece>>) {
        let &[(span, text)] = word else { return self.push_word_parts(word, style, prepared, pieces) };
        if span.anchor.is_some() || span.strike || span.picture.is_some() || span.face == FaceStyle::Mono {
            return self.push_word_parts(word, style, prepared, pieces);
        }
        let features = self.current_features;
        let look = match self.set_words.iter().position(|(look, _)| look.is_of(span, &style, features)) {
            Some(look) => look,
            None => {
                self.set_words.push((WordLook::of(span, &style, features), FxHashMap::default()));
                self.set_words.len() - 1
            }
        };
        if let Some(set) = self.set_words[look].1.get(text) {
            prepared.items.extend(set.iter().map(|(item, _)| *item));
            prepared.payloads.extend(set.iter().map(|(_, payload)| payload.clone()));
            return;
        }
        let start = prepared.items.len();
        self.push_word_parts(word, style, prepared, pieces);
        let set = prepared.items[start..].iter().copied().zip(prepared.payloads[start..].iter().cloned()).collect();
        self.set_words[look].1.insert(text.into(), set);
    }

    /// [`TextSetter::push_word`], the word's parts cut and set anew.
    fn push_word_parts(&mut self, word: &[(&Span, &str)], style: TextStyle, prepared: &mut Prepared, pieces: &mut Vec<Arc<Piece>>) {
        let address = looks_like_an_address(word.iter().map(|&(_, text)| text));
        for &(span, text) in word {
            if span.anchor.as_ref().is_some_and(|a| !a.is_uri()) || span.picture.is_some() {
                pieces.extend(self.whole_span_piece(span, style.size));
                continue;
            }
            let mut start = 0;
            for (at, cut) in self.cut_points(span, text, address, style.hyphenate) {
                if start < at {
                    pieces.push(self.text_piece(span, &text[start..at], style.size));
                }
                self.push_fragment(pieces, Some((cut, span.face)), style, prepared);
                start = at;
            }
            if start < text.len() {
                pieces.push(self.text_piece(span, &text[start..], style.size));
            }
        }
        self.push_fragment(pieces, None, style, prepared);
    }

    /// One fragment of a word (its `pieces`, emptied), and the break after it
    /// with the face of the text before the break.
    fn push_fragment(&mut self, pieces: &mut Vec<Arc<Piece>>, break_after: Option<(Cut, FaceStyle)>, style: TextStyle, prepared: &mut Prepared) {
        let width = pieces.iter().map(|p| p.width).sum();
        let hang = pieces.last().map_or(0.0, |p| self.hang(p));
        prepared.items.push(Item::Box { width });
        prepared.payloads.push(match pieces.len() {
            1 => Payload::Word(pieces.pop().expect("one piece")),
            _ => Payload::Pieces(pieces.drain(..).collect()),
        });
        match break_after {
            // Between ideographs: no hyphen, and a little room to justify the line.
            Some((Cut::Ideographic, _)) => {
                prepared.items.push(Item::Glue { width: 0.0, stretch: style.size * IDEOGRAPHIC_STRETCH, shrink: 0.0 });
                prepared.payloads.push(Payload::None);
            }
            Some((cut @ (Cut::Hyphen | Cut::CapitalisedHyphen), face)) => {
                let hyphen = self.soft_hyphen(face, style.size);
                let width = hyphen.width - self.justification.protrusion_of('-', hyphen.width);
                let cost = match (cut, self.capitalised_hyphen_penalty) {
                    (Cut::CapitalisedHyphen, Some(penalty)) => penalty,
                    _ => self.justification.hyphen_penalty,
                };
                prepared.items.push(Item::Penalty { width, cost, flagged: true });
                prepared.payloads.push(Payload::Break(Some(hyphen)));
            }
            Some((Cut::Plain, _)) => {
                prepared.items.push(Item::Penalty { width: -hang, cost: self.justification.hyphen_penalty, flagged: true });
                prepared.payloads.push(Payload::Break(None));
            }
            // The word's end: if its last mark may hang into the margin, a
            // break here is a penalty whose (negative) width is that margin
            // kern. It sits before the space, so the space is no longer a
            // breakpoint of its own and the line breaker sees one break.
            None if hang > 0.0 => {
                prepared.items.push(Item::Penalty { width: -hang, cost: 0.0, flagged: false });
                prepared.payloads.push(Payload::None);
            }
            None => {}
        }
    }
}

/// The spans of `inlines` in the look of `around` (its face, shift and
/// strike) or the looks their emphasis, code, raised text and rules ask for;
/// a followable link's text carries its address as its anchor.
/// `placeable` tells the pictures print has, which become pictures in the line.
fn flatten(inlines: &[Inline], around: &Span, placeable: &dyn Fn(&Image) -> bool, out: &mut Vec<Span>) {
    let with = |change: &dyn Fn(&mut Span)| {
        let mut look = around.part("");
        change(&mut look);
        look
    };
    let text = |t: &str, face: FaceStyle| Span { face, ..around.part(t) };
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push(around.part(t)),
            // The citations pass leaves none; one it could not resolve stands as typed.
            Inline::Citation(c) => out.push(around.part(&c.source)),
            Inline::Code(t) => out.push(text(t, FaceStyle::Mono)),
            // Not set as math yet: its TeX source, as code is.
            Inline::Math { tex, .. } => out.push(text(tex, FaceStyle::Mono)),
            Inline::Emphasis(c) => flatten(c, &with(&|s| s.face = s.face.with_italic()), placeable, out),
            Inline::Strong(c) => flatten(c, &with(&|s| s.face = s.face.with_bold()), placeable, out),
            Inline::Strikethrough(c) => flatten(c, &with(&|s| s.strike = true), placeable, out),
            Inline::Superscript(c) => flatten(c, &with(&|s| s.shift = Shift::Superscript), placeable, out),
            Inline::Subscript(c) => flatten(c, &with(&|s| s.shift = Shift::Subscript), placeable, out),
            Inline::Language { lang, content: c } => flatten(c, &with(&|s| s.lang = Some(Rc::from(lang.as_str()))), placeable, out),
            Inline::Link { url, content } if around.anchor.is_none() && is_followable(url) => {
                flatten(content, &with(&|s| s.anchor = Some(Anchor::Uri(Arc::from(url.as_str())))), placeable, out)
            }
            Inline::Link { url, content } if around.anchor.is_none() && url.len() > 1 && url.starts_with('#') => {
                flatten(content, &with(&|s| s.anchor = Some(Anchor::Destination(Arc::from(&url[1..])))), placeable, out)
            }
            Inline::Link { content, .. } => flatten(content, around, placeable, out),
            Inline::Image(image) if placeable(image) => out.push(Span { picture: Some(Rc::new(image.clone())), ..around.part(&image.alt) }),
            Inline::Image(image) => out.push(around.part(&image.alt)),
            Inline::LineBreak => out.push(Span { anchor: None, ..around.part(&LINE_BREAK.to_string()) }),
            Inline::NoteRef(r) => out.push(Span {
                anchor: Some(Anchor::NoteRef { number: r.number, occurrence: r.occurrence }),
                ..text(&r.mark.to_string(), around.face)
            }),
        }
    }
}

/// A paragraph's words: each a run of `parts`, a span's text or a part of
/// it with the span that gives its look, borrowed, not copied: every word of
/// a paragraph is held until it is set.
struct Words<'s> {
    parts: Vec<(&'s Span, &'s str)>,
    /// Each word's parts, and whether a forced line break comes before it.
    words: Vec<(std::ops::Range<usize>, bool)>,
}

/// A word's text for its ties: its parts but a note's mark and a picture,
/// borrowed where it is one part, as nearly every word is.
fn word_text<'w>(word: &[(&Span, &'w str)]) -> Cow<'w, str> {
    let is_text = |span: &Span| span.anchor.as_ref().is_none_or(Anchor::is_uri) && span.picture.is_none();
    match word {
        [(span, text)] if is_text(span) => Cow::Borrowed(*text),
        _ => Cow::Owned(word.iter().filter(|(span, _)| is_text(span)).map(|(_, text)| *text).collect()),
    }
}

/// Splits spans into words at ordinary spaces (no-break spaces stay inside words).
fn split_words(spans: &[Span]) -> Words<'_> {
    let mut split = Words { parts: Vec::with_capacity(spans.len()), words: Vec::new() };
    // The word being gathered: where its parts start, and whether a break comes before it.
    let mut start = 0;
    let mut broken = false;
    for span in spans {
        if span.anchor.as_ref().is_some_and(|a| !a.is_uri()) || span.picture.is_some() {
            split.parts.push((span, span.text.as_str()));
            continue;
        }
        let mut rest = span.text.as_str();
        loop {
            let end = rest.find([' ', '\n', '\t', LINE_BREAK]).unwrap_or(rest.len());
            if end > 0 {
                split.parts.push((span, &rest[..end]));
            }
            let Some(separator) = rest[end..].chars().next() else { break };
            if split.parts.len() > start {
                split.words.push((start..split.parts.len(), broken));
                start = split.parts.len();
                broken = false;
            }
            if separator == LINE_BREAK {
                broken = true;
            }
            rest = &rest[end + separator.len_utf8()..];
        }
    }
    if split.parts.len() > start {
        split.words.push((start..split.parts.len(), broken));
    }
    // A break before no word, or before the first, has no line to end.
    if let Some(first) = split.words.first_mut() {
        first.1 = false;
    }
    split
}

/// Places inside `text` where a line may break: [`Cut::Hyphen`] at a
/// hyphenation point (a hyphen is added), [`Cut::Plain`] after an explicit
/// hyphen or dash (nothing is added). In a run of letters that begins with a
/// capital the hyphenation points are [`Cut::CapitalisedHyphen`] if
/// `capitalised`, and there are none if not (the line breaker never sees
/// them, so no cost of its can buy one); a language that capitalises every
/// noun has plain [`Cut::Hyphen`] there.
fn break_points(text: &str, hyphenator: Option<&Hyphenator>, capitalised: bool) -> Vec<(usize, Cut)> {
    let mut points = Vec::new();
    let hyphenate = |start: usize, letters: &str, points: &mut Vec<(usize, Cut)>| {
        let Some(h) = hyphenator else { return };
        let cut = match letters.chars().next().is_some_and(char::is_uppercase) && !h.capitalises_nouns() {
            false => Cut::Hyphen,
            true if capitalised => Cut::CapitalisedHyphen,
            true => return,
        };
        points.extend(h.breaks(letters).into_iter().map(|b| (start + b, cut)));
    };
    let mut letters_start: Option<usize> = None;
    let mut before: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_alphabetic() {
            letters_start.get_or_insert(at);
        } else {
            if let Some(start) = letters_start.take() {
                hyphenate(start, &text[start..at], &mut points);
            }
            let next_is_letter = chars.peek().is_some_and(|(_, n)| n.is_alphabetic());
            let before_is_letter = before.is_some_and(char::is_alphanumeric);
            if matches!(c, '-' | '—' | '–' | '/') && next_is_letter && before_is_letter {
                points.push((at + c.len_utf8(), Cut::Plain));
            }
        }
        before = Some(c);
    }
    if let Some(start) = letters_start {
        hyphenate(start, &text[start..], &mut points);
    }
    points.sort_by_key(|&(at, _)| at);
    points
}

/// Whether `text` may hold an ideograph: every one (U+2E80 and after) is
/// three or four bytes in UTF-8, led by a byte of 0xE2 or more.
fn may_hold_ideographs(text: &str) -> bool {
    text.bytes().any(|b| b >= 0xe2)
}

/// Whether a word is a web or mail address or a path, which breaks at its
/// punctuation rather than with hyphens.
fn looks_like_an_address<'a>(parts: impl Iterator<Item = &'a str> + Clone) -> bool {
    let has = |needle: &str| parts.clone().any(|p| p.contains(needle));
    let starts = |prefix: &str| parts.clone().find(|p| !p.is_empty()).is_some_and(|p| p.trim_start_matches(['(', '<', '[', '“', '‘']).starts_with(prefix));
    // Most words have none of an address's marks: answered in one pass.
    if !parts.clone().any(|p| p.bytes().any(|b| matches!(b, b'/' | b':' | b'@'))) {
        return starts("www.");
    }
    has("://") || starts("www.") || starts("mailto:") || (has("@") && has(".")) || parts.clone().map(|p| p.matches('/').count()).sum::<usize>() >= 2
}

/// Where an address or inline code may break, adding nothing: after
/// `/ . - _` and before `? & = #`, as the Chicago Manual advises, so that a
/// line never ends in what reads as the address's end (a full stop) nor
/// begins with it. A run of such marks (`://`, `...`) is not broken inside.
fn address_break_points(text: &str) -> Vec<(usize, bool)> {
    const AFTER: &[char] = &['/', '.', '-', '_'];
    const BEFORE: &[char] = &['?', '&', '=', '#'];
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut points = Vec::new();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let Some(&(next_at, next)) = chars.get(i + 1) else { break };
        let mark = |c: char| AFTER.contains(&c) || BEFORE.contains(&c) || c == ':';
        if BEFORE.contains(&next) && !mark(c) {
            points.push((next_at, false));
        } else if AFTER.contains(&c) && !mark(next) && i > 0 {
            points.push((at + c.len_utf8(), false));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_break_after_slashes_and_dots_and_before_queries_adding_nothing() {
        let url = "https://example.org/a_path/page.html?q=1&r=2#top";
        let cut: Vec<&str> = {
            let mut at = 0;
            let mut parts = Vec::new();
            for (point, soft) in address_break_points(url) {
                assert!(!soft, "no hyphen is added to an address");
                parts.push(&url[at..point]);
                at = point;
            }
            parts.push(&url[at..]);
            parts
        };
        assert_eq!(cut, ["https://", "example.", "org/", "a_", "path/", "page.", "html", "?q", "=1", "&r", "=2", "#top"]);
        assert!(looks_like_an_address(["https://example.org"].into_iter()));
        assert!(looks_like_an_address(["see", "www.example.org"].into_iter().skip(1)));
        assert!(!looks_like_an_address(["rank-and-file."].into_iter()));
    }

    #[test]
    fn explicit_hyphens_and_dashes_break_without_adding_a_hyphen() {
        assert_eq!(break_points("rank-and-file", None, false), vec![(5, Cut::Plain), (9, Cut::Plain)]);
        assert_eq!(break_points("order—from", None, false), vec![(8, Cut::Plain)]);
        assert!(break_points("1917—", None, false).is_empty());
    }

    #[test]
    fn hyphenation_points_inside_letters_only() {
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let points = break_points("“revolutionary”", Some(&h), false);
        assert!(!points.is_empty());
        assert!(points.iter().all(|&(at, cut)| cut == Cut::Hyphen && at > 3 && at < "“revolutionary".len()));
    }

    #[test]
    fn capitalised_words_are_hyphenated_only_if_the_style_says_so() {
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let cuts = |word: &str, capitalised: bool| break_points(word, Some(&h), capitalised).into_iter().map(|(_, cut)| cut).collect::<Vec<_>>();
        assert!(cuts("Provisional", false).is_empty(), "a name is never cut, not even as a last resort");
        assert!(!cuts("Provisional", true).is_empty());
        assert!(cuts("Provisional", true).iter().all(|&cut| cut == Cut::CapitalisedHyphen), "a name's hyphens are priced as a name's");
        assert!(!cuts("provisional", false).is_empty());
        assert!(cuts("provisional", false).iter().all(|&cut| cut == Cut::Hyphen));
        // Each run of letters on its own: the common word after a name's hyphen breaks as any.
        let points = break_points("Kerensky-revolutionary", Some(&h), false);
        assert!(points.iter().all(|&(at, _)| at > "Kerensky".len()), "{points:?}");
        assert!(points.iter().any(|&(at, cut)| at > "Kerensky-".len() && cut == Cut::Hyphen), "{points:?}");
        // German writes every noun with a capital: its nouns are hyphenated all the same.
        let german = Hyphenator::new("de", 2, 3, &[]).unwrap();
        assert!(!break_points("Gesellschaft", Some(&german), false).is_empty());
        assert!(break_points("Gesellschaft", Some(&german), true).iter().all(|&(_, cut)| cut == Cut::Hyphen), "a German noun is no name");
    }

    #[test]
    fn no_line_breaks_between_tied_words() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = crate::resources::style::Style::over_default(std::path::Path::new("default"), "").unwrap();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        setter.ties = Some(&style.ties);
        setter.language = Rc::from("en");
        let text = TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: false };
        let inlines = [Inline::Text("in St Petersburg on 25 October (8 March) and so on".into())];
        let prepared = setter.prepare(&inlines, text, None, &[]);
        // The words before each space that may end a line at no more than a hyphen's cost.
        let mut breakable = Vec::new();
        let mut last_word = String::new();
        for (k, (item, payload)) in prepared.items.iter().zip(&prepared.payloads).enumerate() {
            if !payload.pieces().is_empty() {
                last_word = payload.pieces().iter().map(|p| p.glyphs.text()).collect();
            }
            if matches!(item, Item::Glue { stretch, .. } if stretch.is_finite()) && matches!(prepared.items[k - 1], Item::Box { .. }) {
                breakable.push(last_word.clone());
            }
        }
        assert_eq!(breakable, ["in", "Petersburg", "on", "October", "March)", "and", "so"]);
    }

    #[test]
    fn the_style_s_features_change_the_glyphs_and_keep_the_text() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = crate::resources::style::Style::read(&root.join("styles/reader-a5.toml")).unwrap();
        assert_eq!(style.body.features, vec!["onum".to_string()]);
        let mut setter = TextSetter::new(&family, None, &style.justification);
        let lining = setter.piece("1917", FaceStyle::Regular, 11.0, None);
        setter.use_features(&style.body.features);
        let old_style = setter.piece("1917", FaceStyle::Regular, 11.0, None);
        let ids = |p: &Piece| p.glyphs.iter().map(|g| g.id).collect::<Vec<_>>();
        assert_ne!(ids(&lining), ids(&old_style), "onum must select other glyphs");
        let text = |p: &Piece| p.glyphs.with_texts().map(|(_, text)| text).collect::<String>();
        assert_eq!(text(&old_style), "1917");
        // Switching back gives the lining figures again, not a cached old-style word.
        setter.use_features(&[]);
        assert_eq!(ids(&setter.piece("1917", FaceStyle::Regular, 11.0, None)), ids(&lining));
    }

    #[test]
    fn inline_code_is_in_the_monospaced_face_at_its_own_size_and_never_hyphenated() {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = crate::resources::style::Style::over_default(std::path::Path::new("default"), "").unwrap();
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let mut setter = TextSetter::new(&family, Some(&h), &style.justification);
        setter.inline_code = InlineCode::of(&style.code);
        let body = TextStyle { size: 11.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
        let hyphens = |prepared: &Prepared| prepared.payloads.iter().filter(|p| matches!(p, Payload::Break(Some(_)))).count();
        let prose = setter.prepare(&[Inline::Text("revolutionary configuration".into())], body, None, &[]);
        assert!(hyphens(&prose) > 0, "the same words as prose are hyphenated");
        let code = setter.prepare(&[Inline::Code("revolutionary configuration".into())], body, None, &[]);
        assert_eq!(hyphens(&code), 0);
        let pieces: Vec<&Piece> = code.payloads.iter().flat_map(|p| p.pieces()).map(|p| &**p).collect();
        assert!(pieces.iter().all(|p| p.face == FaceStyle::Mono && p.size == 11.0 * style.code.inline_scale), "{pieces:?}");
    }

    fn setter_parts() -> (FontFamily, crate::resources::style::Style) {
        let family = crate::resources::Resources::built_in().fonts().unwrap();
        let style = crate::resources::style::Style::over_default(std::path::Path::new("default"), "").unwrap();
        (family, style)
    }

    const BODY: TextStyle = TextStyle { size: 10.0, face: FaceStyle::Regular, indent: 0.0, hyphenate: false };

    fn pieces(prepared: &Prepared) -> Vec<&Piece> {
        prepared.payloads.iter().flat_map(|p| p.pieces()).map(|p| &**p).collect()
    }

    /// The lowest point of each glyph's ink, in font units above the baseline.
    fn ink_bottoms(piece: &Piece) -> Vec<i16> {
        let data = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LinLibertine_R.otf")).unwrap();
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        piece.glyphs.iter().map(|g| face.glyph_bounding_box(ttf_parser::GlyphId(g.id)).unwrap().y_min).collect()
    }

    #[test]
    fn a_word_met_again_is_set_as_it_was_and_in_another_look_anew() {
        let (family, style) = setter_parts();
        let h = Hyphenator::new("en-AU", 2, 3, &[]).unwrap();
        let body = TextStyle { hyphenate: true, ..BODY };
        let text = |t: &str| [Inline::Text(t.into())];
        let mut setter = TextSetter::new(&family, Some(&h), &style.justification);
        let first = setter.prepare(&text("revolutionary"), body, None, &[]);
        let hyphens = |prepared: &Prepared| prepared.payloads.iter().filter(|p| matches!(p, Payload::Break(Some(_)))).count();
        assert!(hyphens(&first) > 0);
        let again = setter.prepare(&text("the revolutionary"), body, None, &[]);
        assert_eq!(again.items[2..], first.items[..]);
        assert_eq!(again.payloads[2..], first.payloads[..]);
        // In italics, unhyphenated or at another size, the same word is set for its look.
        let italic = setter.prepare(&[Inline::Emphasis(text("revolutionary").to_vec())], body, None, &[]);
        assert!(!pieces(&italic).is_empty() && pieces(&italic).iter().all(|p| p.face == FaceStyle::Italic), "{:?}", pieces(&italic));
        assert_eq!(hyphens(&setter.prepare(&text("revolutionary"), BODY, None, &[])), 0);
        let larger = setter.prepare(&text("revolutionary"), TextStyle { size: 12.0, ..body }, None, &[]);
        assert!(pieces(&larger).iter().all(|p| p.size == 12.0));
        // Struck through, it carries its rule, never the plain word's pieces.
        let struck = setter.prepare(&[Inline::Strikethrough(text("revolutionary").to_vec())], body, None, &[]);
        assert!(pieces(&struck).iter().all(|p| p.strike().is_some()));
    }

    #[test]
    fn note_marks_are_the_face_s_superior_figures_all_standing_on_one_line() {
        let (family, style) = setter_parts();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        setter.note_marks = style.notes.marks.clone();
        // In old-style text: the marks are set with their own features, not the text's.
        setter.use_features(&style.body.features);
        let mark = setter.note_mark("1234567890", BODY.size);
        assert_eq!((mark.size, mark.rise), (BODY.size, 0.0), "Libertine's own superior figures, at the text's size");
        assert_eq!(mark.glyphs.text(), "1234567890", "the marks copy out as their figures");
        let text_figures = setter.piece("1234567890", FaceStyle::Regular, BODY.size, None);
        assert!(mark.glyphs.iter().zip(text_figures.glyphs.iter()).all(|(m, l)| m.id != l.id), "superior glyphs, not the text's figures");
        let bottoms = ink_bottoms(&mark);
        assert!(bottoms.iter().all(|&b| b > 200 && (b - bottoms[0]).abs() <= 15), "every superior figure stands on one line, well above the baseline: {bottoms:?}");
    }

    #[test]
    fn without_superior_figures_note_marks_are_smaller_raised_lining_figures() {
        let (family, style) = setter_parts();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        // A face with no superior figures, as far as the marks know: no feature draws them.
        setter.note_marks = NoteMarkStyle { features: Vec::new(), ..style.notes.marks.clone() };
        setter.use_features(&style.body.features);
        let mark = setter.note_mark("34579", BODY.size);
        let m = &style.notes.marks;
        assert_eq!((mark.size, mark.rise), (BODY.size * m.size, BODY.size * m.rise), "the style's size and rise");
        let bottoms = ink_bottoms(&mark);
        assert!(bottoms.iter().all(|&b| b.abs() <= 15), "lining figures stand on their baseline, none hangs below it: {bottoms:?}");
        // The old-style figures the text uses would hang: what the marks must not be.
        let old_style = setter.piece("34579", FaceStyle::Regular, BODY.size, None);
        assert!(ink_bottoms(&old_style).iter().any(|&b| b < -100), "the text's figures are old-style");
    }

    #[test]
    fn superscripts_and_subscripts_are_raised_and_lowered_or_drawn_with_the_font_s_own_glyphs() {
        let (family, style) = setter_parts();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        let plain = setter.piece("2", FaceStyle::Regular, 10.0, None);
        for (inline, up) in [(Inline::Superscript(vec![Inline::Text("2".into())]), true), (Inline::Subscript(vec![Inline::Text("2".into())]), false)] {
            let prepared = setter.prepare(&[Inline::Text("H".into()), inline], BODY, None, &[]);
            let pieces = pieces(&prepared);
            assert_eq!(pieces.len(), 2, "{pieces:?}");
            let shifted = pieces[1];
            let own_glyph = shifted.size == 10.0 && shifted.rise == 0.0 && shifted.glyphs[0].id != plain.glyphs[0].id;
            let moved = shifted.size < 10.0 && if up { shifted.rise > 2.0 } else { shifted.rise < -0.5 };
            assert!(own_glyph || moved, "{shifted:?}");
            assert_eq!(shifted.glyphs.text(), "2", "the text copies out as typed");
        }
        // Letters Libertine has no superior glyph for are set smaller and raised.
        let prepared = setter.prepare(&[Inline::Text("1".into()), Inline::Superscript(vec![Inline::Text("st".into())])], BODY, None, &[]);
        let raised = pieces(&prepared)[1];
        assert!(raised.glyphs.text() == "st" && (raised.rise > 0.0 || raised.glyphs[0].id != setter.piece("s", FaceStyle::Regular, 10.0, None).glyphs[0].id), "{raised:?}");
    }

    #[test]
    fn struck_through_words_and_the_spaces_between_them_carry_a_rule_and_nothing_else_does() {
        let (family, style) = setter_parts();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        let inlines = [Inline::Text("kept ".into()), Inline::Strikethrough(vec![Inline::Text("struck out".into())]), Inline::Text(" kept".into())];
        let prepared = setter.prepare(&inlines, BODY, None, &[]);
        let struck: Vec<(&str, bool)> = prepared
            .payloads
            .iter()
            .filter_map(|p| match p {
                Payload::Word(piece) | Payload::Space(piece) => Some((piece.glyphs.text(), piece.strike().is_some())),
                _ => None,
            })
            .collect();
        assert_eq!(struck, [("kept", false), (" ", false), ("struck", true), (" ", true), ("out", true), (" ", false), ("kept", false)]);
        let strike = pieces(&prepared)[1].strike().unwrap();
        // Through the small letters: above the baseline, below the x-height.
        assert!(strike.height > 1.5 && strike.height < 4.5 && strike.thickness > 0.2 && strike.thickness < 1.0, "{strike:?}");
        let lines = crate::typeset::inline::line::set_paragraph(&prepared, &|_| 300.0, &crate::typeset::inline::line::params(&style.justification), true);
        let rules: Vec<_> = lines[0].pieces.iter().filter_map(|(x, p)| crate::typeset::inline::line::strike_rule(p, crate::layout::Point { x: *x, y: 100.0 })).collect();
        assert_eq!(rules.len(), 1, "one rule through the struck words and their space");
    }

    #[test]
    fn a_hard_line_break_forces_a_break_and_leaves_the_line_before_it_ragged() {
        let (family, style) = setter_parts();
        let mut setter = TextSetter::new(&family, None, &style.justification);
        let inlines = [Inline::Text("Roses are red,".into()), Inline::LineBreak, Inline::Text("violets are blue, and this line goes on and on until it has to turn over onto another line of its own.".into())];
        let prepared = setter.prepare(&inlines, BODY, None, &[]);
        let lines = crate::typeset::inline::line::set_paragraph(&prepared, &|_| 200.0, &crate::typeset::inline::line::params(&style.justification), true);
        let texts: Vec<String> = lines.iter().map(|l| l.pieces.iter().map(|(_, p)| p.glyphs.text()).collect()).collect();
        assert_eq!(texts[0], "Roses are red,");
        assert!(texts[1].starts_with("violets"), "{texts:?}");
        assert!(lines.len() >= 3);
        // Ragged: the first line keeps its natural width, the full line fills the measure.
        let natural = setter.piece("Roses are red,", FaceStyle::Regular, 10.0, None).width;
        assert!((lines[0].width - natural).abs() < 0.5, "{} against {natural}", lines[0].width);
        assert!((lines[1].width - 200.0).abs() < 1.0, "{}", lines[1].width);
        // No break before the first word or after the last.
        let only_break = setter.prepare(&[Inline::LineBreak, Inline::Text("one".into()), Inline::LineBreak], BODY, None, &[]);
        assert_eq!(crate::typeset::inline::line::set_paragraph(&only_break, &|_| 200.0, &crate::typeset::inline::line::params(&style.justification), true).len(), 1);
    }

    #[test]
    fn a_span_or_block_in_another_language_is_hyphenated_with_its_patterns() {
        let (family, style) = setter_parts();
        let english = Hyphenator::new("en", 2, 3, &[]).unwrap();
        let german = Hyphenator::new("de", 2, 3, &[]).unwrap();
        let mut setter = TextSetter::new(&family, Some(&english), &style.justification);
        let body = TextStyle { hyphenate: true, ..BODY };
        let word = "Donaudampfschifffahrtsgesellschaft";
        let breaks = |prepared: &Prepared| {
            let mut at = 0;
            let mut points = Vec::new();
            for (item, payload) in prepared.items.iter().zip(&prepared.payloads) {
                match (item, payload) {
                    (_, Payload::Word(_) | Payload::Pieces(_)) => at += payload.pieces().iter().map(|p| p.glyphs.text().len()).sum::<usize>(),
                    (_, Payload::Break(Some(_))) => points.push(at),
                    _ => {}
                }
            }
            points
        };
        assert_ne!(english.breaks(word), german.breaks(word), "the test needs a word the two languages break apart");
        let span = setter.prepare(&[Inline::Language { lang: "de".into(), content: vec![Inline::Text(word.into())] }], body, None, &[]);
        assert_eq!(breaks(&span), german.breaks(word));
        let block = setter.prepare_in(&[Inline::Text(word.into())], body, Some("de-AT"), None, &[]);
        assert_eq!(breaks(&block), german.breaks(word));
        // In the English text around it the capitalised word is a name, kept whole; in lower case English breaks it.
        assert!(breaks(&setter.prepare(&[Inline::Text(word.into())], body, None, &[])).is_empty());
        let lower = word.to_lowercase();
        assert_eq!(breaks(&setter.prepare(&[Inline::Text(lower.clone())], body, None, &[])), english.breaks(&lower));
        // A language without patterns: no hyphen, and it is named.
        let hebrew = setter.prepare(&[Inline::Language { lang: "he".into(), content: vec![Inline::Text(word.into())] }], body, None, &[]);
        assert!(breaks(&hebrew).is_empty());
        assert_eq!(setter.unhyphenated_languages(), ["he"]);
    }
}
