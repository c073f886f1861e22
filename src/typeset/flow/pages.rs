//! Breaking the flow into pages and dressing them: lines placed on their
//! baselines, running heads and folios (none on the opening page), note links
//! both ways, and named destinations for the outline.

use std::sync::Arc;

use crate::typeset::inline::prepare::{Anchor, Piece};
use crate::typeset::{Flow, FlowLine};
use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::layout::{self, Destination, Document, DocumentInfo, FamilyMember, FamilyStyle, FontResource, GlyphRun, Item, Link, Point, Rect};
use crate::model::{note_anchor, noteref_anchor, Book};
use crate::typeset::flow::pagebreak::{self, PageParams, VItem};
use crate::resources::style::Style;

/// `first_page` is how many pages come before the flow's first page (a
/// pamphlet's covers): folios and the recto/verso margins count them, so a
/// page's folio is its place in the printed object.
pub(crate) fn paginate(book: &Book, style: &Style, fonts: &FontFamily, mut flow: Flow, first_page: usize) -> Document {
    let text_height = style.text_height();
    let params = PageParams { first_page_is_recto: first_page.is_multiple_of(2), ..PageParams::default() };
    let ranges = pagebreak::break_pages(&flow.items, &|_| text_height, &params);
    let mut pages = Vec::with_capacity(ranges.len());
    // One setter for every page's running head and folio, so each page does
    // not parse the faces again, and repeated heads are shaped once.
    let mut furniture_setter = crate::typeset::inline::prepare::TextSetter::new(fonts, None, &style.justification);
    furniture_setter.use_features(&style.furniture.features);
    for (index, range) in ranges.iter().enumerate() {
        let number = first_page + index;
        let mut page = layout::Page { width: style.page_width(), height: style.page_height(), items: Vec::new(), links: Vec::new(), destinations: Vec::new() };
        let first_section = place_lines(&mut page, &mut flow, range.start..range.end, style.left_margin(number), style.top());
        // The opening page of the flow has no running head or folio.
        if index > 0 {
            let section = first_section.and_then(|s| flow.section_titles.get(s)).cloned().unwrap_or_default();
            furniture(&mut page, book, style, &mut furniture_setter, number, &section);
        }
        pages.push(page);
    }
    let m = &book.metadata;
    Document {
        info: DocumentInfo {
            title: m.title.clone(),
            author: m.author.clone(),
            subject: m.subtitle.clone().unwrap_or_default(),
            keywords: m.subjects.clone(),
            language: m.language.clone(),
            date: m.date.clone().unwrap_or_default(),
            creator: format!("quire {}", env!("CARGO_PKG_VERSION")),
        },
        // Font ids are `FaceStyle as usize`; the writer embeds only the fonts runs use.
        fonts: FaceStyle::ALL.iter().chain([&FaceStyle::Fallback]).map(|&s| font_resource(fonts, s)).collect(),
        pages,
        outline: flow.outline,
    }
}

/// The face of `style` and what it is: one style of the family, or the fallback face.
fn font_resource(fonts: &FontFamily, style: FaceStyle) -> FontResource {
    let face = fonts.get(style);
    let member = |style| FamilyMember { family_name: fonts.get(FaceStyle::Regular).postscript_name.clone(), style };
    let family = match style {
        FaceStyle::Regular => Some(member(FamilyStyle::Regular)),
        FaceStyle::Italic => Some(member(FamilyStyle::Italic)),
        FaceStyle::Bold => Some(member(FamilyStyle::Bold)),
        FaceStyle::BoldItalic => Some(member(FamilyStyle::BoldItalic)),
        FaceStyle::Fallback => None,
    };
    FontResource { postscript_name: face.postscript_name.clone(), family, data: Arc::clone(&face.data), face_index: 0 }
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
                    place_line(page, line, left, y);
                }
                y += height;
            }
            VItem::Space { height, .. } => y += height,
            VItem::Penalty { .. } | VItem::ForcedBreak => {}
        }
    }
    first_section
}

pub(super) fn place_line(page: &mut layout::Page, line: FlowLine, left: f32, top: f32) {
    let baseline = top + line.baseline;
    let x0 = left + line.indent;
    if let Some(name) = line.destination {
        page.destinations.push(Destination { name, at: Point { x: x0, y: top } });
    }
    for (x, piece) in line.line.pieces {
        let origin = Point { x: x0 + x, y: baseline };
        let area = Rect { x: origin.x - 1.0, y: baseline - piece.rise - piece.size, width: piece.width + 2.0, height: piece.size * 1.25 };
        let anchor = piece.anchor;
        page.items.push(Item::Glyphs(run(piece, origin)));
        match anchor {
            Some(Anchor::NoteRef { number, occurrence }) => {
                page.links.push(Link { area, target: note_anchor(number) });
                page.destinations.push(Destination { name: noteref_anchor(number, occurrence), at: Point { x: x0, y: top } });
            }
            Some(Anchor::Backlink { number, occurrence }) => page.links.push(Link { area, target: noteref_anchor(number, occurrence) }),
            Some(Anchor::NoteLabel { number }) => {
                page.links.push(Link { area, target: noteref_anchor(number, 1) });
                page.destinations.push(Destination { name: note_anchor(number), at: Point { x: x0, y: top } });
            }
            None => {}
        }
    }
}

pub(super) fn run(piece: Piece, origin: Point) -> GlyphRun {
    let mut glyphs = piece.glyphs;
    for g in &mut glyphs {
        g.rise = piece.rise;
    }
    GlyphRun { font: piece.face as usize, size: piece.size, origin, glyphs, horizontal_scale: piece.scale }
}

/// Running head and folio. Versos (even page numbers) carry one text at the
/// left, rectos another at the right; the folio is centred at the foot.
fn furniture(page: &mut layout::Page, book: &Book, style: &Style, setter: &mut crate::typeset::inline::prepare::TextSetter<'_>, index: usize, section: &str) {
    let size = style.furniture.size_pt;
    let folio_number = index + 1;
    let recto = index.is_multiple_of(2);
    let which = if recto { &style.furniture.recto } else { &style.furniture.verso };
    let head = match which.as_str() {
        "author" => book.metadata.author.clone(),
        "section" => section.to_owned(),
        "title" => book.metadata.title.split_once(": ").map_or(book.metadata.title.as_str(), |(main, _)| main).to_owned(),
        _ => String::new(),
    };
    let left = style.left_margin(index);
    let head_baseline = style.top() - size * 1.6;
    if !head.is_empty() {
        let piece = setter.piece(&head, FaceStyle::Italic, size, None);
        let x = if recto { left + style.measure() - piece.width } else { left };
        page.items.push(Item::Glyphs(run(piece, Point { x, y: head_baseline })));
    }
    let folio = setter.piece(&folio_number.to_string(), FaceStyle::Regular, size, None);
    let x = left + (style.measure() - folio.width) / 2.0;
    let y = style.page_height() - style.bottom() + size * 2.4;
    page.items.push(Item::Glyphs(run(folio, Point { x, y })));
}
