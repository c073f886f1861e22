//! The pamphlet's pages in reading order: a front cover (title, standfirst,
//! author, publisher), an inside-front colophon, the article, and a back
//! cover carrying the back matter ("Further reading").
//!
//! Everything printed here comes from the manuscript's metadata and the
//! style, and is set with the same shaping and line breaking as the article.
//!
//! Numbering: the covers count as pages 1 and 2 but carry no folio, as in a
//! magazine; the article starts on page 3 (a recto, like the reader edition's
//! first page) and every later page's folio is its place in the pamphlet.
//! The back cover carries none. Padding blanks are added at imposition,
//! between the article and the back cover, and stay blank.
//!
//! A pamphlet short of room (see `build::fit`) may begin its article on the
//! inside front cover, page 2, and set the colophon at the foot of a text page
//! that has room for it ([`Colophon::AfterText`]).

use std::borrow::Cow;

use super::collect::Collector;
use crate::images::Images;
use super::pages::{place_line, place_lines};
use super::tagging::Tagging;
use crate::layout::{Artifact, Tag};
use super::stack::set_lines;
use super::{Flow, FlowLine};
use crate::build::timings::Timings;
use crate::layout::{self, Item, Point};
use crate::model::{Book, Matter};
use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::resources::style::Style;
use crate::typeset::flow::pagebreak::{self, PageParams, VItem};
use crate::typeset::inline::hyphenate::Hyphenator;
use crate::typeset::inline::line::{self, SetLine};
use crate::typeset::inline::linebreak::Params;
use crate::typeset::inline::prepare::TextSetter;
use crate::typeset::{stack, Sharing, Stack, Typeset};

/// Where the pamphlet's colophon goes, and so where its article begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colophon {
    /// On the inside front cover, page 2, on its own: the article begins on page 3, a recto.
    InsideFrontCover,
    /// After the text: the article begins on page 2, and the colophon is set at
    /// the foot of its last page (the inside back cover of a booklet without
    /// blank pages) when there is room for it, else at the foot of its first,
    /// the title page, else on a page of its own before the back cover.
    AfterText,
}

/// White kept between a page's last line of text and a colophon set under it, in body lines.
const COLOPHON_CLEARANCE_LINES: f32 = 2.0;

/// Where the text's baseline stands in its line's slot, as `collect` sets running text: a
/// line at the cover's foot set so stands on the pages' baseline grid.
const BASELINE_IN_SLOT: f32 = 0.8;

/// The pamphlet's article stacked (`typeset::Stack`), for pages with the
/// colophon in either place: the article as it is without the back matter the
/// back cover holds.
#[derive(Clone)]
pub(crate) struct PamphletStack {
    article: Stack,
    article_book: Option<Book>,
}

/// The pamphlet's article stacked as `style` sets it, taking up another
/// edition's body as `sharing` says, adding the time of its steps to `timings`.
pub(crate) fn stack_pamphlet(book: &Book, images: &Images, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, sharing: Sharing, timings: &mut Timings) -> PamphletStack {
    let article_book = Covers::new(style, fonts, hyphenator).back_cover(book).holds_back_matter.then(|| {
        let mut body = book.clone();
        body.chapters.iter_mut().for_each(|c| c.sections.retain(|s| s.matter == Matter::Body));
        body
    });
    let article = stack(article_book.as_ref().unwrap_or(book), images, style, fonts, hyphenator, sharing, timings);
    PamphletStack { article, article_book }
}

impl PamphletStack {
    /// See [`Stack::resume_page_breaking`].
    pub(crate) fn resume_page_breaking(&mut self, other: std::sync::Arc<super::pagebreak::Resumption>) {
        self.article.resume_page_breaking(other);
    }

    /// See [`Stack::run_notes_on`].
    pub(crate) fn run_notes_on(&mut self) -> bool {
        self.article.run_notes_on()
    }

    /// See [`Stack::pages_at_least`]: the article's, and the covers.
    pub(crate) fn pages_at_least(&self, style: &Style) -> usize {
        self.article.pages_at_least(style) + 2
    }

    /// The whole pamphlet, dated `date`, `book` and `style` those it was
    /// stacked with: covers, article (with its notes) and back cover, with the
    /// colophon where it says, adding the time of the article's steps to `timings`.
    ///
    /// The back matter goes on the back cover when it fits there; when it does
    /// not, it stays after the notes as in the reader edition, and the back cover
    /// carries only the publisher's line.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn pages(self, book: &Book, images: &Images, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, date: Option<chrono::NaiveDate>, colophon: Colophon, timings: &mut Timings) -> Typeset {
        let mut covers = Covers::new(style, fonts, hyphenator);
        let back = covers.back_cover(book);
        let before_article = match colophon {
            Colophon::InsideFrontCover => 2,
            Colophon::AfterText => 1,
        };
        let mut article = self.article.pages(self.article_book.as_ref().unwrap_or(book), style, fonts, hyphenator, date, before_article, timings);
        // The front matter's cover picture goes on the front cover, between the title and the author.
        let cover = images.cover().map(|picture| {
            article.document.images.push(std::sync::Arc::clone(picture));
            (picture.as_ref(), article.document.images.len() - 1)
        });
        let front = covers.front_cover(book, cover);
        let lines = covers.colophon(book);

        let document = &mut article.document;
        let mut pages = vec![front];
        match colophon {
            Colophon::InsideFrontCover => {
                let mut page = covers.blank_page();
                covers.put_colophon(&mut page, 1, lines);
                pages.push(page);
                pages.append(&mut document.pages);
            }
            Colophon::AfterText => {
                pages.append(&mut document.pages);
                // The last text page first: the title page's foot is the text's to fill.
                let text_pages = [pages.len() - 1, 1];
                match text_pages.into_iter().filter(|&index| index >= 1).find(|&index| covers.has_room_for(&pages[index], &lines)) {
                    Some(index) => covers.put_colophon(&mut pages[index], index, lines),
                    None => {
                        let mut page = covers.blank_page();
                        covers.put_colophon(&mut page, pages.len(), lines);
                        pages.push(page);
                    }
                }
            }
        }
        pages.push(back.page);
        document.pages = pages;
        document.outline.append(&mut covers.outline);
        super::pages::drop_links_to_nowhere(document);
        article.missing_glyphs.append(&mut covers.setter.take_missing());
        article.missing_glyphs.sort();
        article.missing_glyphs.dedup();
        article
    }
}

/// What sets the covers: the same steps as the article's, with a text setter
/// and a collector of their own. One collector for all the covers, because
/// the features it switches to for the back cover's headings and text stay
/// in force for the front cover and the colophon.
struct Covers<'a> {
    style: &'a Style,
    setter: TextSetter<'a>,
    params: Params,
    collector: Collector<'a>,
    outline: Vec<layout::OutlineEntry>,
}

struct BackCover {
    page: layout::Page,
    holds_back_matter: bool,
}

impl<'a> Covers<'a> {
    fn new(style: &'a Style, fonts: &'a FontFamily, hyphenator: Option<&'a Hyphenator>) -> Self {
        Covers {
            style,
            setter: TextSetter::new(fonts, hyphenator, &style.justification),
            params: line::params(&style.justification),
            collector: Collector::new(style),
            outline: Vec::new(),
        }
    }

    /// `text` in `face` at `size`, set ragged right at the full measure.
    fn ragged(&mut self, text: &str, face: FaceStyle, size: f32) -> Vec<SetLine> {
        let block = self.collector.ragged(text, face, size);
        let prepared = self.setter.prepare_text(block.text);
        set_lines(prepared, &block.setting, &self.params)
    }

    fn blank_page(&self) -> layout::Page {
        layout::Page::new(self.style.page_width(), self.style.page_height())
    }

    /// Places ragged lines with the first baseline at `baseline`; returns the next line's baseline.
    fn put(&self, page: &mut layout::Page, lines: Vec<SetLine>, left: f32, baseline: f32, leading: f32) -> f32 {
        let mut y = baseline;
        for line in lines {
            // The covers are print only: the booklets are not tagged.
            let line = FlowLine { line: line.into(), indent: 0.0, baseline: 0.0, destination: None, section: 0, rules: Vec::new(), picture: None, opens_block: false, first_word: None, body: false, tag: Tag::Artifact(Artifact::Layout), tags: Vec::new(), alternatives: None };
            place_line(page, line, left, y, &mut Tagging::default());
            y += leading;
        }
        y
    }

    fn rule(&self, page: &mut layout::Page, left: f32, y: f32, length: f32, thickness: f32) {
        page.items.push(Item::Rule { from: Point { x: left, y }, to: Point { x: left + length, y }, thickness });
    }

    /// Page 1: a heavy rule and the publisher at the head, the title a fifth of
    /// the way down with the standfirst under it, the author at the foot.
    /// `picture` (with its id in the document) fills the room between the
    /// standfirst and the byline, centred, never enlarged past its own size.
    fn front_cover(&mut self, book: &Book, picture: Option<(&crate::images::Picture, layout::ImageId)>) -> layout::Page {
        let (s, m) = (self.style, &book.metadata);
        let b = &s.booklet;
        let mut page = self.blank_page();
        let (left, top, measure) = (s.left_margin(0), s.top(), s.measure());
        self.rule(&mut page, left, top, measure, 2.0);
        if let Some(publisher) = &m.publisher {
            // In a size of the cover's own: at the text's, it would read as a line of text.
            let size = b.cover_publisher_size_pt;
            let lines = self.ragged(publisher, FaceStyle::Italic, size);
            self.put(&mut page, lines, left, top + size * 2.0, size * 1.3);
        }
        // A title with a subtitle after a colon breaks there, as the running heads cut it.
        let mut y = top + s.text_height() * 0.2 + b.cover_title_size_pt;
        let parts = match (s.title.break_after_colon, m.title_parts()) {
            (true, (main, Some(rest))) => vec![format!("{main}:"), rest.to_owned()],
            _ => vec![m.title.clone()],
        };
        for part in parts {
            let lines = self.ragged(&part, FaceStyle::Bold, b.cover_title_size_pt);
            y = self.put(&mut page, lines, left, y, b.cover_title_leading_pt);
        }
        if let Some(standfirst) = &m.subtitle {
            y += b.cover_standfirst_leading_pt * 0.5;
            self.rule(&mut page, left, y - b.cover_standfirst_leading_pt, measure / 4.0, 0.6);
            let lines = self.ragged(standfirst, FaceStyle::Italic, b.cover_standfirst_size_pt);
            y = self.put(&mut page, lines, left, y + b.cover_standfirst_size_pt, b.cover_standfirst_leading_pt);
        }
        let mut foot = s.page_height() - s.bottom();
        // No byline (no author, or a standfirst that names them): the rule above it goes too.
        if let Some(author) = m.title_block_byline() {
            let author = self.ragged(author, FaceStyle::Regular, b.cover_author_size_pt);
            let leading = b.cover_author_size_pt * 1.25;
            let first = s.page_height() - s.bottom() - leading * (author.len().max(1) - 1) as f32;
            foot = first - b.cover_author_size_pt * 1.6;
            self.rule(&mut page, left, foot, measure, 0.6);
            self.put(&mut page, author, left, first, leading);
        }
        if let Some((picture, image)) = picture {
            let gap = s.body.leading_pt;
            let (top, room) = (y + gap - s.body.leading_pt, foot - gap - (y + gap - s.body.leading_pt));
            let (width, height) = picture.fit(measure, room);
            if width > 0.0 && height > 0.0 {
                let area = layout::Rect { x: left + (measure - width) / 2.0, y: top + (room - height) / 2.0, width, height };
                page.items.push(Item::Image { image, area });
            }
        }
        page
    }

    /// The colophon, set small: title, author, publisher and date, rights, and
    /// the style's credit line, a paragraph each.
    fn colophon(&mut self, book: &Book) -> Vec<Vec<SetLine>> {
        let (s, m) = (self.style, &book.metadata);
        let date = m.date.map(|d| d.to_string());
        let imprint = [m.publisher.as_deref(), date.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let paragraphs = [
            (m.title.as_str(), FaceStyle::Italic),
            (m.author.as_deref().unwrap_or(""), FaceStyle::Regular),
            (imprint.as_str(), FaceStyle::Regular),
            (m.rights.as_deref().unwrap_or(""), FaceStyle::Regular),
            (s.booklet.credit.as_str(), FaceStyle::Regular),
        ];
        let size = s.notes.size_pt;
        paragraphs.iter().filter(|(text, _)| !text.trim().is_empty()).map(|(text, face)| self.ragged(text, *face, size)).collect()
    }

    /// From the colophon's first baseline to its last.
    fn colophon_depth(&self, colophon: &[Vec<SetLine>]) -> f32 {
        let leading = self.style.notes.leading_pt;
        let lines: usize = colophon.iter().map(Vec::len).sum();
        leading * lines.saturating_sub(1) as f32 + leading * 0.5 * colophon.len().saturating_sub(1) as f32
    }

    /// Whether `colophon` fits at the foot of `page`'s text block, under its
    /// text and clear of it.
    fn has_room_for(&self, page: &layout::Page, colophon: &[Vec<SetLine>]) -> bool {
        let s = self.style;
        let foot = s.page_height() - s.bottom();
        // The folio stands below the text block; everything else on the page is its text.
        let lowest = page.items.iter().map(item_foot).filter(|&y| y <= foot + 0.5).fold(s.top(), f32::max);
        let first_baseline = foot - self.colophon_depth(colophon);
        first_baseline - s.notes.size_pt >= lowest + s.body.leading_pt * COLOPHON_CLEARANCE_LINES
    }

    /// Sets `colophon` at the foot of `page`, the pamphlet's page `index` (0-based).
    fn put_colophon(&self, page: &mut layout::Page, index: usize, colophon: Vec<Vec<SetLine>>) {
        let s = self.style;
        let leading = s.notes.leading_pt;
        let mut y = s.page_height() - s.bottom() - self.colophon_depth(&colophon);
        for paragraph in colophon {
            y = self.put(page, paragraph, s.left_margin(index), y, leading) + leading * 0.5;
        }
    }

    /// The last page: the back matter from the top, if it fits on one page,
    /// and the publisher (or, without one, the title) at the foot.
    fn back_cover(&mut self, book: &'a Book) -> BackCover {
        let (s, m) = (self.style, &book.metadata);
        // The pamphlet has a multiple of 4 pages, so the back cover is always a verso.
        let left = s.left_margin(1);
        let mut page = self.blank_page();
        let foot = self.ragged(m.publisher.as_deref().unwrap_or(&m.title), FaceStyle::Italic, s.furniture.size_pt);
        let leading = s.body.leading_pt;
        // The foot ends on the text's last grid line, level with the facing page's last line.
        let lines = (s.text_height() / leading + 1e-3).floor().max(foot.len() as f32 + 1.0);
        let foot_lines = foot.len() as f32;
        self.put(&mut page, foot, left, s.top() + BASELINE_IN_SLOT * leading + (lines - foot_lines) * leading, leading);

        // Each section is set before the next is collected: whether space
        // goes above it depends on whether the sections before it set anything.
        let mut flow = Flow::default();
        for section in book.sections().filter(|s| s.matter == Matter::Back) {
            if !flow.items.is_empty() {
                flow.push(VItem::Space { height: leading * s.heading.space_above_lines, stretch: 0.0, shrink: 0.0 }, None);
            }
            if let Some(heading) = &section.heading {
                let title = crate::model::plain_text(heading);
                self.outline.push(layout::OutlineEntry { title, level: 1, destination: section.id.clone() });
                self.collector.heading(Cow::Borrowed(heading), Some(section.id.clone()), 0.0, 2);
            }
            self.collector.blocks(&section.blocks, super::collect::Place::text(self.style), true);
            let material = self.collector.take_material().into_iter().map(|m| m.map_text(|text| self.setter.prepare_text(text))).collect();
            flow.stack(material, &self.params);
        }
        if flow.items.is_empty() {
            return BackCover { page, holds_back_matter: false };
        }
        let room = (lines - foot_lines - 1.0) * leading;
        super::grid::align(&mut flow, leading);
        let ranges = pagebreak::break_pages(&flow.items, &|_| room, &PageParams::default());
        match ranges.as_slice() {
            [one] if !one.overfull => {
                place_lines(&mut page, &mut flow, one.start..one.end, left, s.top());
                BackCover { page, holds_back_matter: true }
            }
            _ => {
                self.outline.clear();
                BackCover { page, holds_back_matter: false }
            }
        }
    }
}

/// How far down the page an item reaches: a line's baseline, a rule, a picture's foot.
fn item_foot(item: &Item) -> f32 {
    match item {
        Item::Glyphs(run) => run.origin.y,
        Item::Rule { from, to, .. } => from.y.max(to.y),
        Item::Image { area, .. } => area.y + area.height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The back cover's lines, its foot among them, stand on the text pages'
    /// baseline grid in both booklets, whose pages hold a whole number of lines
    /// (A5) or not (half letter).
    #[test]
    fn the_back_cover_stands_on_the_pages_grid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (book, _) = crate::build::load(&root.join("manuscript/russia-1917.md")).unwrap();
        let fonts = crate::resources::Resources::built_in().fonts().unwrap();
        for file in ["booklet-a5.toml", "booklet-half-letter.toml"] {
            let style = Style::read(&root.join("styles").join(file)).unwrap();
            let mut covers = Covers::new(&style, &fonts, None);
            let back = covers.back_cover(&book);
            assert!(back.holds_back_matter, "{file}");
            let leading = style.body.leading_pt;
            let origin = style.top() + BASELINE_IN_SLOT * leading;
            let runs: Vec<&layout::GlyphRun> = back.page.items.iter().filter_map(|item| match item { layout::Item::Glyphs(run) => Some(run), _ => None }).collect();
            let baselines: Vec<f32> = runs.iter().map(|run| run.origin.y).collect();
            // The text's lines, in its regular face (the most runs); its headings sit between grid lines, as on the pages.
            let count = |font| runs.iter().filter(|run| run.font == font).count();
            let regular = runs.iter().map(|run| run.font).max_by_key(|&font| count(font)).unwrap();
            let text: Vec<f32> = runs.iter().filter(|run| run.font == regular).map(|run| run.origin.y).collect();
            assert!(text.len() >= 5, "{file}: {text:?}");
            for y in &text {
                let lines = (y - origin) / leading;
                assert!((lines - lines.round()).abs() < 0.01, "{file}: a line at {y} is {lines} lines below the first");
            }
            // The foot on the last line the text pages hold.
            let last = baselines.iter().cloned().fold(f32::MIN, f32::max);
            assert_eq!(((last - origin) / leading).round(), (style.text_height() / leading).floor() - 1.0, "{file}");
        }
    }
}
