//! A book's front matter, set after its body is paginated: half-title, title
//! page, copyright page, dedication and epigraph when the book has them, and
//! the contents with dot leaders and the page each entry begins on.
//!
//! The front matter's folios are roman (only the contents print theirs) and
//! it always fills an even number of pages, so the body's page 1 stays a
//! recto: the body's page numbers never depend on the front matter's length,
//! and the contents can be set last.

use std::collections::HashMap;

use super::collect::Collector;
use super::pages::place_line;
use super::stack::set_lines;
use super::FlowLine;
use super::tagging::Tagging;
use crate::layout::{self, Artifact, Item, Link, LinkTarget, OutlineEntry, Point, Rect, Role, Tag};
use crate::model::labels::Labels;
use crate::model::{plain_text, Book, Matter};
use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::resources::style::Style;
use crate::typeset::inline::hyphenate::Hyphenator;
use crate::typeset::inline::line::{self, SetLine};
use crate::typeset::inline::linebreak::Params;
use crate::typeset::inline::prepare::TextSetter;
use crate::typeset::Typeset;

/// Puts the front matter before the pages of `body`, a book's typeset body.
pub(crate) fn prepend(book: &Book, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, body: &mut Typeset) {
    let mut front = FrontMatter {
        style,
        setter: TextSetter::new(fonts, hyphenator, &style.justification),
        params: line::params(&style.justification),
        collector: Collector::new(style),
        tagging: Tagging::new(body.document.structure.take().unwrap_or_default(), book.metadata.labels.clone()),
    };
    front.setter.use_features(&style.title.features);
    let m = &book.metadata;
    let mut pages = vec![front.half_title(book), blank(style), front.title_page(book), front.copyright(book)];
    // Each on a recto, its verso blank.
    let inscriptions = [(m.dedication.as_deref(), None), (m.epigraph.as_deref(), m.epigraph_source.as_deref())];
    for (text, source) in inscriptions.into_iter().filter_map(|(text, source)| Some((text?, source))) {
        pages.push(front.inscription(text, source, pages.len()));
        pages.push(blank(style));
    }
    let contents_at = pages.len();
    let entries = contents_entries(book, &body.document.pages);
    pages.extend(front.contents(book, &entries, contents_at));
    if pages.len() % 2 == 1 {
        pages.push(blank(style));
    }
    let doc = &mut body.document;
    doc.structure = Some(front.tagging.structure);
    let mut outline = vec![OutlineEntry { title: m.labels.contents.clone(), level: 1, destination: "contents".into() }];
    outline.append(&mut doc.outline);
    doc.outline = outline;
    doc.front_matter_pages = pages.len();
    pages.append(&mut doc.pages);
    doc.pages = pages;
    body.missing_glyphs.append(&mut front.setter.take_missing());
    body.missing_glyphs.sort();
    body.missing_glyphs.dedup();
}

struct FrontMatter<'a> {
    style: &'a Style,
    setter: TextSetter<'a>,
    params: Params,
    collector: Collector<'a>,
    /// The book's structure, which the front matter's elements join.
    tagging: Tagging,
}

/// A line of the contents: what it names, how deep, where it links, the folio.
struct Entry {
    title: String,
    depth: usize,
    destination: String,
    folio: usize,
}

fn blank(style: &Style) -> layout::Page {
    layout::Page::new(style.page_width(), style.page_height())
}

/// The contents: parts and chapters, then their sections to the book's
/// `toc_depth`, the notes and the back matter, each with the folio of the
/// body page its destination is on.
fn contents_entries(book: &Book, body: &[layout::Page]) -> Vec<Entry> {
    let mut folio_of = HashMap::new();
    for (index, page) in body.iter().enumerate() {
        for destination in &page.destinations {
            folio_of.entry(destination.name.clone()).or_insert(index + 1);
        }
    }
    let depth = usize::from(book.metadata.toc_depth.unwrap_or(2).max(1));
    let mut entries = Vec::new();
    let mut push = |title: String, level: usize, destination: &str| {
        if let Some(&folio) = folio_of.get(destination) {
            entries.push(Entry { title, depth: level, destination: destination.to_owned(), folio });
        }
    };
    let mut part = None;
    for chapter in &book.chapters {
        if chapter.part != part {
            part = chapter.part;
            if let Some(p) = part.and_then(|p| book.parts.get(p)) {
                push(format!("{}. {}", Labels::fill(&book.metadata.labels.part, &[("number", &p.number.to_string())]), plain_text(&p.title)), 0, &p.id);
            }
        }
        let indent = usize::from(chapter.part.is_some());
        let title = chapter.title.as_deref().map(plain_text).unwrap_or_default();
        let title = match chapter.number {
            Some(number) => format!("{number}. {title}"),
            None => title,
        };
        push(title, indent, &chapter.id);
        if depth >= 2 {
            for section in chapter.sections.iter().filter(|s| s.listed && s.matter == Matter::Body) {
                if let Some(heading) = &section.heading {
                    push(plain_text(heading), indent + 1, &section.id);
                }
            }
        }
    }
    push(book.metadata.labels.notes.clone(), 0, "notes");
    for section in book.sections().filter(|s| s.matter == Matter::Back) {
        push(section.heading.as_deref().map(plain_text).unwrap_or_default(), 0, &section.id);
    }
    entries
}

impl<'a> FrontMatter<'a> {
    /// `text` in `face` at `size`, ragged at `measure`.
    fn set(&mut self, text: &str, face: FaceStyle, size: f32, measure: f32) -> Vec<SetLine> {
        let mut block = self.collector.ragged(text, face, size);
        block.setting.measure = measure;
        let prepared = self.setter.prepare_text(block.text);
        set_lines(prepared, &block.setting, &self.params)
    }

    /// `text` set as `set` does, in as few lines as at `measure` but on the
    /// narrowest measure that keeps them so few: a title broken over lines of
    /// like length, not a long line under a short one.
    fn balanced(&mut self, text: &str, face: FaceStyle, size: f32, measure: f32) -> Vec<SetLine> {
        let mut best = self.set(text, face, size, measure);
        let count = best.len();
        let mut narrower = measure;
        while count > 1 && narrower > measure * 0.5 {
            narrower *= 0.95;
            let tried = self.set(text, face, size, narrower);
            if tried.len() != count || tried.iter().any(|line| line.cut_word.is_some() || line.width > narrower) {
                break;
            }
            best = tried;
        }
        best
    }

    /// Places `lines` centred on the measure of page `index`, the first
    /// baseline at `baseline`; returns the baseline after the last.
    /// The lines are one element of `role` in the book's structure.
    fn centred(&mut self, page: &mut layout::Page, lines: Vec<SetLine>, index: usize, baseline: f32, leading: f32, role: Role) -> f32 {
        let tag = Tag::Element(self.tagging.element(role));
        let mut y = baseline;
        for line in lines {
            let indent = ((self.style.measure() - line.width) / 2.0).max(0.0);
            place_line(page, flow_line(line, indent, tag), self.style.left_margin(index), y, &mut self.tagging);
            y += leading;
        }
        y
    }

    /// Page i: the title alone, a sink down.
    fn half_title(&mut self, book: &Book) -> layout::Page {
        let (s, f) = (self.style, &self.style.front_matter);
        let mut page = blank(s);
        let lines = self.balanced(book.metadata.title_parts().0, FaceStyle::Regular, f.half_title_size_pt, s.measure());
        self.centred(&mut page, lines, 0, s.top() + s.text_height() * f.sink_fraction, f.half_title_size_pt * 1.3, Role::P);
        page
    }

    /// Page iii: title, subtitle and author, a sink down; the publisher at the foot.
    fn title_page(&mut self, book: &Book) -> layout::Page {
        let (s, f, m) = (self.style, &self.style.front_matter, &book.metadata);
        let mut page = blank(s);
        page.destinations.push(layout::Destination { name: "title".into(), at: Point { x: s.left_margin(2), y: s.top() } });
        let (main, rest) = m.title_parts();
        let lines = self.balanced(main, FaceStyle::Bold, f.title_size_pt, s.measure());
        let mut y = self.centred(&mut page, lines, 2, s.top() + s.text_height() * f.sink_fraction, f.title_leading_pt, Role::H(1));
        if let Some(subtitle) = rest.or(m.subtitle.as_deref()) {
            let lines = self.balanced(subtitle, FaceStyle::Italic, f.subtitle_size_pt, s.measure());
            y = self.centred(&mut page, lines, 2, y + f.subtitle_size_pt * 0.5, f.subtitle_size_pt * 1.3, Role::P);
        }
        if let Some(author) = &m.author {
            let lines = self.set(author, FaceStyle::Regular, f.author_size_pt, s.measure());
            self.centred(&mut page, lines, 2, y + f.author_size_pt * 2.5, f.author_size_pt * 1.3, Role::P);
        }
        if let Some(publisher) = &m.publisher {
            let lines = self.set(publisher, FaceStyle::Italic, s.furniture.size_pt, s.measure());
            self.centred(&mut page, lines, 2, s.page_height() - s.bottom(), s.furniture.size_pt * 1.3, Role::P);
        }
        page
    }

    /// Page iv: rights, publisher and date, identifier, edition, and the
    /// typesetter's line, in small type at the foot.
    fn copyright(&mut self, book: &Book) -> layout::Page {
        let (s, f, m) = (self.style, &self.style.front_matter, &book.metadata);
        let date = m.date.map(|d| d.to_string());
        let imprint = [m.publisher.as_deref(), date.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let paragraphs = [
            (m.title.as_str(), FaceStyle::Italic),
            (m.author.as_deref().unwrap_or(""), FaceStyle::Regular),
            (m.edition.as_deref().unwrap_or(""), FaceStyle::Regular),
            (imprint.as_str(), FaceStyle::Regular),
            (m.rights.as_deref().unwrap_or(""), FaceStyle::Regular),
            (m.identifier.as_deref().unwrap_or(""), FaceStyle::Regular),
            (m.labels.typeset_with.as_str(), FaceStyle::Regular),
        ];
        let set: Vec<Vec<SetLine>> = paragraphs.iter().filter(|(text, _)| !text.trim().is_empty()).map(|(text, face)| self.set(text, *face, f.small_size_pt, s.measure())).collect();
        let (leading, gap) = (f.small_leading_pt, f.small_leading_pt * 0.5);
        let lines: usize = set.iter().map(Vec::len).sum();
        let height = leading * lines.saturating_sub(1) as f32 + gap * set.len().saturating_sub(1) as f32;
        let mut page = blank(s);
        let mut y = s.page_height() - s.bottom() - height;
        for paragraph in set {
            let tag = Tag::Element(self.tagging.element(Role::P));
            for line in paragraph {
                place_line(&mut page, flow_line(line, 0.0, tag), s.left_margin(3), y, &mut self.tagging);
                y += leading;
            }
            y += gap;
        }
        page
    }

    /// A dedication's or epigraph's page (`index` in the book), italic and
    /// centred a sink down; an epigraph's source under it.
    fn inscription(&mut self, text: &str, source: Option<&str>, index: usize) -> layout::Page {
        let (s, f) = (self.style, &self.style.front_matter);
        let mut page = blank(s);
        let measure = s.measure() * 0.75;
        let leading = f.inscription_size_pt * 1.3;
        let lines = self.balanced(text, FaceStyle::Italic, f.inscription_size_pt, measure);
        self.tagging.open(Role::BlockQuote);
        let y = self.centred(&mut page, lines, index, s.top() + s.text_height() * f.sink_fraction, leading, Role::P);
        if let Some(source) = source {
            let lines = self.set(&format!("— {source}"), FaceStyle::Regular, f.inscription_size_pt, measure);
            self.centred(&mut page, lines, index, y + leading * 0.5, leading, Role::P);
        }
        self.tagging.close();
        page
    }

    /// The contents from page `first` of the book on: its label, then an
    /// entry a line, indented by depth, dot leaders to its folio, linked to
    /// where it points. Each page carries its roman folio.
    fn contents(&mut self, book: &Book, entries: &[Entry], first: usize) -> Vec<layout::Page> {
        let (s, f) = (self.style, &self.style.front_matter);
        let size = f.contents_size_pt;
        let bottom = s.page_height() - s.bottom();
        let mut pages = vec![blank(s)];
        let mut index = first;
        let heading = self.set(&book.metadata.labels.contents, FaceStyle::Regular, s.chapters.title_size_pt, s.measure());
        let mut y = s.top() + s.text_height() * s.chapters.sink_fraction;
        pages[0].destinations.push(layout::Destination { name: "contents".into(), at: Point { x: s.left_margin(index), y: s.top() } });
        self.tagging.open(Role::Sect);
        let heading_tag = Tag::Element(self.tagging.element(Role::H(1)));
        for line in heading {
            place_line(&mut pages[0], flow_line(line, 0.0, heading_tag), s.left_margin(index), y, &mut self.tagging);
            y += s.chapters.title_leading_pt;
        }
        self.tagging.open(Role::TOC);
        y += f.contents_leading_pt;
        let dot = self.setter.piece(&f.leader, FaceStyle::Regular, size, None);
        let pitch = dot.width + f.leader_space_em * size;
        for entry in entries {
            let indent = entry.depth as f32 * f.contents_indent_em * size;
            let folio = self.setter.piece(&entry.folio.to_string(), FaceStyle::Regular, size, None);
            let room = s.measure() - indent - folio.width - 3.0 * pitch;
            let face = if entry.depth == 0 && entry.destination.starts_with("part-") { FaceStyle::Italic } else { FaceStyle::Regular };
            let mut lines = self.set(&entry.title, face, size, room);
            let space_above = if entry.depth == 0 { f.contents_leading_pt * 0.5 } else { 0.0 };
            if y + space_above + f.contents_leading_pt * (lines.len().max(1) - 1) as f32 > bottom {
                self.folio(pages.last_mut().expect("a page"), index);
                pages.push(blank(s));
                index += 1;
                y = s.top() + size;
            } else {
                y += space_above;
            }
            // The entry is an item of the contents whose text is its link; the dots are decoration.
            let item = self.tagging.open(Role::TOCI);
            let link = self.tagging.structure.add(Role::Link, item);
            self.tagging.close();
            let (tag, mut dots) = (Tag::Element(link), Vec::new());
            // Dots on one grid for every entry, from after the title to before the folio.
            if let Some(last) = lines.last_mut() {
                dots = vec![(last.pieces.len(), Tag::Artifact(Artifact::Layout))];
                let folio_x = s.measure() - indent - folio.width;
                let mut x = ((last.width + pitch) / pitch).ceil() * pitch;
                while x + dot.width + pitch <= folio_x {
                    last.pieces.push((x, dot.clone()));
                    x += pitch;
                }
                dots.push((last.pieces.len(), tag));
                last.pieces.push((folio_x, folio));
            }
            let last = lines.len().saturating_sub(1);
            let left = s.left_margin(index);
            let page = pages.last_mut().expect("a page");
            let top = y - size;
            for (n, line) in lines.into_iter().enumerate() {
                let line = FlowLine { tags: if n == last { std::mem::take(&mut dots) } else { Vec::new() }, ..flow_line(line, indent, tag) };
                place_line(page, line, left, y, &mut self.tagging);
                y += f.contents_leading_pt;
            }
            let area = Rect { x: left + indent, y: top, width: s.measure() - indent, height: y - top - f.contents_leading_pt + size * 0.3 };
            let description = format!("{} {}", entry.title, entry.folio);
            page.links.push(Link { area, target: LinkTarget::Destination(entry.destination.clone()), description, element: Some(link) });
        }
        self.tagging.close();
        self.tagging.close();
        self.folio(pages.last_mut().expect("a page"), index);
        pages
    }

    /// A front-matter page's roman folio, centred at the foot as the body's are.
    fn folio(&mut self, page: &mut layout::Page, index: usize) {
        let s = self.style;
        let size = s.furniture.size_pt;
        let piece = self.setter.piece(&layout::roman_numeral(index + 1), FaceStyle::Regular, size, None);
        let x = s.left_margin(index) + (s.measure() - piece.width) / 2.0;
        page.tag(Tag::Artifact(Artifact::Footer));
        page.items.push(Item::Glyphs(super::pages::run(piece, Point { x, y: s.page_height() - s.bottom() + size * 2.4 })));
    }
}

/// A set line to place on its own, its baseline where it is put, tagged `tag`.
fn flow_line(line: SetLine, indent: f32, tag: Tag) -> FlowLine {
    FlowLine { line: line.into(), indent, baseline: 0.0, destination: None, section: 0, picture: None, opens_block: false, rules: Vec::new(), first_word: None, body: false, tag, tags: Vec::new(), alternatives: None }
}

#[cfg(test)]
mod tests {
    #[test]
    fn front_matter_is_folioed_in_roman_numerals() {
        let folios: Vec<String> = [1, 4, 9, 14, 40, 1994].into_iter().map(crate::layout::roman_numeral).collect();
        assert_eq!(folios, ["i", "iv", "ix", "xiv", "xl", "mcmxciv"]);
    }
}
