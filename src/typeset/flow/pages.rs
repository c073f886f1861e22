//! The flow's pages: where they end (`pagebreak`), their lines placed on
//! their baselines with note links both ways and named destinations for the
//! outline, their running heads and folios (`furniture`), and the document
//! that holds them.

use std::sync::Arc;

use crate::typeset::inline::prepare::{Anchor, Piece};
use super::{figure, grid};
use super::furniture::Furniture;
use super::{Flow, FlowLine, SectionKind};
use crate::resources::fonts::{FaceStyle, FontFamily};
use super::tagging::Tagging;
use crate::layout::{self, Artifact, Destination, Document, DocumentInfo, FamilyMember, FamilyStyle, FontResource, GlyphRun, Item, Link, LinkTarget, Point, Rect, Tag};
use crate::model::print_pages::TextPosition;
use crate::model::{note_anchor, noteref_anchor, Book};
use crate::typeset::flow::pagebreak::{self, Flexible, Keeps, PageParams, PageRange, VItem};
use crate::resources::style::Style;

/// Where the flow's pages end. `first_page` is how many pages come before
/// the flow's first page (a pamphlet's covers): the recto/verso margins count
/// them, and so do folios, so that a page's folio is its place in the printed object.
/// Figures that do not fit where they stand move down the flow (`figure::break_pages`).
///
/// Every body line is on the baseline grid (`grid`), and a page holds as many
/// whole lines as its text block has room for: a full page is that deep, and
/// the white left under the last line (less than a line) is no page's shortfall.
///
/// The breaker resumes `resumption`, another edition's, where this flow is the
/// same, and leaves this one's in it (`figure::break_pages`).
pub(crate) fn break_pages(flow: &mut Flow, style: &Style, first_page: usize, resumption: &mut pagebreak::Resumption) -> Vec<PageRange> {
    let leading = style.body.leading_pt;
    grid::align(flow, leading);
    let text_height = style.text_height();
    let room = if leading > 0.0 { ((text_height / leading + 1e-3).floor() * leading).max(leading) } else { text_height };
    let params = PageParams { first_page_is_recto: first_page.is_multiple_of(2), spread_mismatch_demerits: SPREAD_MISMATCH_DEMERITS, ..PageParams::default() };
    let mut ranges = figure::break_pages(flow, &|_| room, &params, leading, flexible_paragraphs, resumption);
    set_alternatives(flow, &mut ranges);
    ranges
}

/// What setting a paragraph a line longer or shorter costs a page: this
/// much whatever it is, and a four-thousandth of the demerits the line breaker
/// counts it more (most come to 1–3, the loosest 20): less than a page one
/// line short (about 9 on a 34-line page), so that a page is filled by a
/// paragraph a line longer rather than left short, and a paragraph stays as
/// it is best where nothing is gained.
const ALTERNATIVE_DEMERITS: f64 = 1.0;
const LINE_DEMERITS_PER_PAGE_DEMERIT: f64 = 4000.0;

/// The flow's paragraphs that are also set a line longer or shorter, where
/// their lines stand now (figures may have moved through the flow), with what
/// each setting costs. A paragraph something else came into the middle of
/// (a figure moved down the flow) stays as it is.
fn flexible_paragraphs(flow: &Flow) -> Vec<Flexible> {
    let mut flexible = Vec::new();
    let cost = |other: &Option<(super::stack::OtherSetting, f64)>| other.as_ref().map(|(_, extra)| (ALTERNATIVE_DEMERITS + extra / LINE_DEMERITS_PER_PAGE_DEMERIT) as f32);
    let mut position = 0;
    while position < flow.items.len() {
        let Some(index) = flow.lines[position].as_ref().and_then(|line| line.alternatives) else {
            position += 1;
            continue;
        };
        let paragraph = &flow.alternatives[index as usize];
        let (start, mut lines, mut line) = (position, 0, 0.0);
        while position < flow.items.len() && lines < paragraph.lines {
            match flow.items[position] {
                VItem::Line { height } => {
                    lines += 1;
                    line = height;
                }
                VItem::Penalty { .. } | VItem::TurnPenalty { .. } => {}
                _ => break,
            }
            position += 1;
        }
        if lines == paragraph.lines {
            flexible.push(Flexible { start, end: position, line, longer: cost(&paragraph.longer), shorter: cost(&paragraph.shorter) });
        }
    }
    flexible
}

/// Each paragraph the page breaker chose to set otherwise, so set in the
/// flow: its lines and their keeps in place of the ones it had, and the
/// pages' ranges moved to match. The other settings are dropped.
fn set_alternatives(flow: &mut Flow, ranges: &mut [PageRange]) {
    if !ranges.iter().any(|range| range.alternative.is_some()) {
        flow.alternatives.clear();
        return;
    }
    let flexible = flexible_paragraphs(flow);
    let mut alternatives = std::mem::take(&mut flow.alternatives);
    // The paragraphs' new items and lines, in flow order, put in place in one
    // pass at the end: each put in place at once moved the whole flow after it.
    let mut replacements = Vec::new();
    let mut shift: isize = 0;
    for range in ranges.iter_mut() {
        range.start = range.start.saturating_add_signed(shift);
        range.end = range.end.saturating_add_signed(shift);
        let Some(alternative) = range.alternative else { continue };
        let Some(paragraph) = flexible.get(alternative.flexible) else { continue };
        let Some(index) = flow.lines[paragraph.start].as_ref().and_then(|line| line.alternatives) else { continue };
        let other = &mut alternatives[index as usize];
        let Some((other, _)) = (if alternative.longer { other.longer.take() } else { other.shorter.take() }) else { continue };
        let lines = flow.set_other(other);
        let mut items = Vec::with_capacity(lines.len() * 2);
        pagebreak::push_paragraph(&mut items, &vec![paragraph.line; lines.len()], &Keeps::default());
        let mut contents = lines.into_iter();
        let contents: Vec<Option<FlowLine>> = items.iter().map(|item| matches!(item, VItem::Line { .. }).then(|| contents.next()).flatten()).collect();
        let added = items.len() as isize - (paragraph.end - paragraph.start) as isize;
        replacements.push((paragraph.start..paragraph.end, items, contents));
        range.end = range.end.saturating_add_signed(added);
        shift += added;
    }
    let (items, lines): (Vec<_>, Vec<_>) = replacements.into_iter().map(|(range, items, lines)| ((range.clone(), items), (range, lines))).unzip();
    replace_in_place(&mut flow.items, items, VItem::ForcedBreak);
    replace_in_place(&mut flow.lines, lines, None);
}

/// `list` with each of `replacements` (ranges of it, in order, apart) in
/// place of its range, in one pass and in place: the flow is a book's every
/// line, and a copy of it was megabytes more at the peak. The whole list is
/// first moved up by the most the replacements ever lengthen it to their
/// left, so that what is written never overtakes what is still to be read;
/// `filler` stands in the places read from.
fn replace_in_place<T>(list: &mut Vec<T>, replacements: Vec<(std::ops::Range<usize>, Vec<T>)>, filler: T)
where
    T: Clone,
{
    let mut growth: isize = 0;
    let mut most_growth = 0;
    for (range, new) in &replacements {
        growth += new.len() as isize - range.len() as isize;
        most_growth = most_growth.max(growth);
    }
    let ahead = most_growth as usize;
    let length = list.len();
    list.resize(length + ahead, filler.clone());
    list.rotate_right(ahead);
    let (mut read, mut write) = (ahead, 0);
    let take = |list: &mut Vec<T>, read: usize| std::mem::replace(&mut list[read], filler.clone());
    for (range, new) in replacements {
        // Pages, and the paragraphs each holds whole, come in flow order.
        debug_assert!(range.start + ahead >= read, "replacements in order");
        while read < range.start + ahead {
            list[write] = take(list, read);
            (read, write) = (read + 1, write + 1);
        }
        read = (range.end + ahead).max(read);
        for element in new {
            list[write] = element;
            write += 1;
        }
    }
    while read < list.len() {
        list[write] = take(list, read);
        (read, write) = (read + 1, write + 1);
    }
    list.truncate(write);
}

/// Facing pages that end on different lines cost more than both a line short
/// (about 9 each on a 34-line page) and than a hyphen at a recto's foot
/// (3000), so a spread is short only as a pair; less than a widow (forbidden),
/// so balancing never brings one back. No more than that: every path within
/// this of the best is kept alive while a spread's second page is unknown, so
/// 10 000 set the long book's pages in the same places at 1.4 times the work.
const SPREAD_MISMATCH_DEMERITS: f32 = 4_000.0;

/// The pages of `ranges`, each with its lines moved out of the flow, and
/// a blank page before each that must open on a recto; then dressed with
/// running heads and folios (`furniture`), once every page is placed: a notes
/// page's head may name the pages of its notes' references.
pub(crate) fn make_up(flow: &mut Flow, ranges: &[PageRange], style: &Style, first_page: usize, furniture: &mut Furniture<'_, '_>) -> Vec<layout::Page> {
    let mut pages = Vec::with_capacity(ranges.len());
    let mut dress = Vec::with_capacity(ranges.len());
    for (index, range) in ranges.iter().enumerate() {
        if range.blank_before {
            pages.push(blank_page(style));
            dress.push(Dress::Bare);
        }
        let number = first_page + pages.len();
        let mut page = blank_page(style);
        // After a break between a table's rows, the page begins with the table's head.
        let mut top = style.top();
        if let Some(VItem::BreakRepeating { repeat, .. }) = index.checked_sub(1).map(|previous| flow.items[ranges[previous].end]) {
            for (height, line) in flow.repeated[repeat].clone() {
                let line = FlowLine { tag: super::tagging::REPEATED, tags: Vec::new(), ..line };
                place_line(&mut page, line, style.left_margin(number), top, &mut flow.tagging);
                top += height;
            }
        }
        let opens = flow.lines[range.start..range.end].iter().flatten().next().map(|line| line.destination.is_some());
        let first_section = place_lines(&mut page, flow, range.start..range.end, style.left_margin(number), top);
        let kind = first_section.and_then(|s| flow.sections.get(s)).map(|s| s.kind).unwrap_or_default();
        dress.push(match (kind, opens) {
            // The opening page of an article has no running head or folio.
            _ if index == 0 && !furniture.is_book() => Dress::Bare,
            (SectionKind::Part, _) => Dress::Bare,
            (SectionKind::Opening, Some(true)) => Dress::Folio,
            _ => Dress::Full(first_section),
        });
        pages.push(page);
    }
    let notes_pages = furniture.wants_reference_pages().then(|| reference_pages(&pages, first_page));
    for (index, (page, dress)) in pages.iter_mut().zip(dress).enumerate() {
        let number = first_page + index;
        match dress {
            Dress::Bare => {}
            Dress::Folio => furniture.dress(page, number, ""),
            Dress::Full(section) => {
                let section = section.and_then(|s| flow.sections.get(s)).cloned().unwrap_or_default();
                let references = notes_pages.as_ref().and_then(|pages| pages[index]);
                let head = furniture.head(number, &section, references);
                furniture.dress(page, number, &head);
            }
        }
    }
    pages
}

/// What a page carries besides its text.
enum Dress {
    /// Nothing: a blank page, a part's page, an article's first page.
    Bare,
    /// A folio but no running head: a chapter's opening.
    Folio,
    /// Running head and folio, for the section of the page's first line.
    Full(Option<usize>),
}

fn blank_page(style: &Style) -> layout::Page {
    layout::Page::new(style.page_width(), style.page_height())
}

/// For each page, the folios of the first and last page on which the notes
/// set on it are referred to (`None` for a page without notes).
fn reference_pages(pages: &[layout::Page], first_page: usize) -> Vec<Option<(usize, usize)>> {
    let mut page_of = std::collections::HashMap::new();
    for (index, page) in pages.iter().enumerate() {
        for destination in &page.destinations {
            page_of.insert(destination.name.as_str(), first_page + index + 1);
        }
    }
    pages
        .iter()
        .map(|page| {
            let notes = page.destinations.iter().filter_map(|d| d.name.strip_prefix("note-")?.parse::<usize>().ok().filter(|&n| note_anchor(n) == d.name));
            let folios = notes.filter_map(|number| page_of.get(noteref_anchor(number, 1).as_str()).copied());
            folios.fold(None, |range: Option<(usize, usize)>, folio| Some(range.map_or((folio, folio), |(first, last)| (first.min(folio), last.max(folio)))))
        })
        .collect()
}

/// The document of `pages`, dated `date`.
pub(crate) fn document(book: &Book, fonts: &FontFamily, date: Option<chrono::NaiveDate>, pages: Vec<layout::Page>, outline: Vec<layout::OutlineEntry>, images: figure::Pictures, structure: layout::Structure) -> Document {
    let m = &book.metadata;
    Document {
        info: DocumentInfo {
            title: m.title.clone(),
            author: m.author.clone().unwrap_or_default(),
            subject: m.subtitle.clone().unwrap_or_default(),
            keywords: m.subjects.clone(),
            language: m.language.clone(),
            date,
            creator: format!("quire {}", env!("CARGO_PKG_VERSION")),
        },
        // Font ids are `FaceStyle::index`; the writer embeds only the fonts runs use.
        fonts: fonts.styles().into_iter().map(|s| font_resource(fonts, s)).collect(),
        pages,
        outline,
        images,
        front_matter_pages: 0,
        structure: Some(structure),
    }
}

/// Links to a place of the book that this edition does not set (a booklet's back cover
/// carries the bibliography without its anchors) are left as the text they are.
pub(crate) fn drop_links_to_nowhere(document: &mut Document) {
    let names: std::collections::HashSet<String> = document.pages.iter().flat_map(|p| p.destinations.iter().map(|d| d.name.clone())).collect();
    for page in &mut document.pages {
        page.links.retain(|link| !matches!(&link.target, LinkTarget::Destination(name) if !names.contains(name)));
    }
}

/// The face of `style` and what it is: one style of the family, or a face
/// that stands alone (the fallback and monospaced faces).
fn font_resource(fonts: &FontFamily, style: FaceStyle) -> FontResource {
    let face = fonts.get(style);
    let member = |style| FamilyMember { family_name: fonts.get(FaceStyle::Regular).postscript_name.clone(), style };
    let family = match style {
        FaceStyle::Regular => Some(member(FamilyStyle::Regular)),
        FaceStyle::Italic => Some(member(FamilyStyle::Italic)),
        FaceStyle::Bold => Some(member(FamilyStyle::Bold)),
        FaceStyle::BoldItalic => Some(member(FamilyStyle::BoldItalic)),
        FaceStyle::Fallback(_) | FaceStyle::Mono => None,
    };
    FontResource { postscript_name: face.postscript_name.clone(), family, data: Arc::clone(&face.data), digest: *face.digest(), face_index: face.face_index }
}

/// Places the flow's items `range` on `page`, from `top` down, with the text's
/// left edge at `left`. Returns the section of the first line placed.
pub(super) fn place_lines(page: &mut layout::Page, flow: &mut Flow, range: std::ops::Range<usize>, left: f32, top: f32) -> Option<usize> {
    let mut y = top;
    let mut first_section = None;
    // A run for each piece, and two for the running head and folio, reserved
    // at once: the pages hold every run of the book, and a vector grown run
    // by run ends with up to twice the room it needs.
    let runs: usize = range.clone().filter_map(|i| flow.lines[i].as_ref()).map(|line| line.line.pieces.len()).sum();
    page.items.reserve(runs + 2);
    for i in range {
        match flow.items[i] {
            VItem::Line { height } => {
                // Each line is placed once; moving its glyphs onto the page, rather
                // than copying them, keeps a long book from holding both at once.
                if let Some(line) = flow.lines[i].take() {
                    first_section.get_or_insert(line.section);
                    if let (None, Some((run, word))) = (&page.begins_at, line.first_word) {
                        page.begins_at = Some(TextPosition { run: flow.run_keys.key(run).clone(), word: word as usize });
                    }
                    place_line(page, line, left, y, &mut flow.tagging);
                }
                y += height;
            }
            VItem::Space { height, .. } => y += height,
            VItem::Penalty { .. } | VItem::TurnPenalty { .. } | VItem::SectionStart | VItem::ForcedBreak | VItem::RectoBreak | VItem::BreakRepeating { .. } => {}
        }
    }
    first_section
}

/// Places `line` on `page`, its slot's top at `top`, each of its pieces
/// tagged as what it is in the document's structure (`tagging`), which
/// gains an element for each link.
pub(super) fn place_line(page: &mut layout::Page, line: FlowLine, left: f32, top: f32, tagging: &mut Tagging) {
    let baseline = top + line.baseline;
    let x0 = left + line.indent;
    if let Some(picture) = line.picture {
        page.tag(line.tag);
        figure::place_picture(page, picture, x0, top);
    }
    if let Some(name) = &line.destination {
        page.destinations.push(Destination { name: name.clone(), at: Point { x: x0, y: top } });
    }
    if !line.rules.is_empty() {
        page.tag(Tag::Artifact(Artifact::Layout));
    }
    for rule in &line.rules {
        let y = top + rule.y;
        page.items.push(Item::Rule { from: Point { x: x0 + rule.from, y }, to: Point { x: x0 + rule.to, y }, thickness: rule.thickness });
    }
    let tags: Vec<Tag> = (0..line.line.pieces.len()).map(|i| line.tag_of(i)).collect();
    // A line shared with another edition's flow (`shared_body`) is copied, the last to place it moves it.
    for ((x, piece), tag) in std::sync::Arc::unwrap_or_clone(line.line).pieces.into_iter().zip(tags) {
        let origin = Point { x: x0 + x, y: baseline };
        let area = Rect { x: origin.x - 1.0, y: baseline - piece.rise - piece.size, width: piece.width + 2.0, height: piece.size * 1.25 };
        let anchor = piece.anchor().cloned();
        let (tag, link) = tagging.piece(&piece, tag);
        let (description, element) = link.map_or((String::new(), None), |(element, description)| (description, Some(element)));
        if let Some(strike) = crate::typeset::inline::line::strike_rule(&piece, origin) {
            page.tag(Tag::Artifact(Artifact::Layout));
            page.items.push(strike);
        }
        page.tag(tag);
        if let Some(picture) = crate::typeset::inline::picture::placed(&piece, origin) {
            page.items.push(picture);
            continue;
        }
        page.items.push(Item::Glyphs(run(piece, origin)));
        let link = |target| Link { area, target, description, element };
        match anchor {
            Some(Anchor::NoteRef { number, occurrence }) => {
                page.links.push(link(LinkTarget::Destination(note_anchor(number))));
                page.destinations.push(Destination { name: noteref_anchor(number, occurrence), at: Point { x: x0, y: top } });
            }
            Some(Anchor::Backlink { number, occurrence }) => page.links.push(link(LinkTarget::Destination(noteref_anchor(number, occurrence)))),
            Some(Anchor::NoteLabel { number }) => {
                page.links.push(link(LinkTarget::Destination(noteref_anchor(number, 1))));
                page.destinations.push(Destination { name: note_anchor(number), at: Point { x: x0, y: top } });
            }
            Some(Anchor::Uri(url)) => page.links.push(link(LinkTarget::Uri(url.to_string()))),
            Some(Anchor::Destination(name)) => page.links.push(link(LinkTarget::Destination(name.to_string()))),
            None => {}
        }
    }
}

pub(super) fn run(piece: Piece, origin: Point) -> GlyphRun {
    GlyphRun { font: piece.face.index(), size: piece.size, origin, glyphs: piece.glyphs, rise: piece.rise, horizontal_scale: piece.scale }
}

#[cfg(test)]
mod tests {
    use super::replace_in_place;

    /// Replacements longer and shorter than what they replace, at the ends and
    /// side by side, give what splicing each in turn gives.
    #[test]
    fn ranges_replaced_in_place_are_those_spliced_in_turn() {
        let cases: Vec<Vec<(std::ops::Range<usize>, Vec<u32>)>> = vec![
            vec![(0..1, vec![100, 101, 102]), (3..5, vec![]), (5..6, vec![103, 104]), (9..10, vec![105, 106, 107, 108])],
            vec![(0..3, vec![100]), (4..5, vec![101, 102, 103, 104, 105]), (7..7, vec![106])],
            vec![(2..8, vec![]), (8..9, vec![100, 101])],
            vec![],
        ];
        for replacements in cases {
            let original: Vec<u32> = (0..10).collect();
            let mut spliced = original.clone();
            for (range, new) in replacements.iter().rev() {
                spliced.splice(range.clone(), new.iter().copied());
            }
            let mut replaced = original.clone();
            replace_in_place(&mut replaced, replacements.clone(), u32::MAX);
            assert_eq!(replaced, spliced, "{replacements:?}");
        }
    }
}
