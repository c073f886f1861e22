//! The typesetter: the document model in, pages of positioned glyphs out.
//!
//! `text` turns a paragraph into boxes, glue and penalties; `lines` breaks and
//! sets it (Knuth–Plass, in `crate::typeset::inline::linebreak`); this module stacks the lines
//! into one vertical flow with its keeps; `pages` breaks the flow into pages
//! (`crate::typeset::flow::pagebreak`) and adds running heads, folios, links and bookmarks.

pub mod flow;
pub mod inline;

pub use flow::covers::{typeset_pamphlet, typeset_pamphlet_timed};
pub use inline::prepare::MissingGlyph;

use inline::line::{self as lines, set_paragraph, SetLine};
use std::time::{Duration, Instant};

use inline::prepare::{self as text, Anchor, Prepared, TextSetter, TextStyle};
use flow::pages;

use crate::resources::fonts::{FaceStyle, FontFamily};
use crate::typeset::inline::hyphenate::Hyphenator;
use crate::layout;
use crate::typeset::inline::linebreak::Params;
use crate::model::{plain_text, Block, Book, Inline, Matter};
use crate::typeset::flow::pagebreak::{self, Keeps, VItem};
use crate::resources::style::Style;
use crate::build::timings::{stage, Timings};

/// A line of the flow and what the page needs to know about it.
#[derive(Debug, Clone)]
pub(crate) struct FlowLine {
    pub line: SetLine,
    /// Distance from the page's left text edge.
    pub indent: f32,
    /// Distance from the top of the line's slot down to its baseline.
    pub baseline: f32,
    /// A named destination at this line (section headings).
    pub destination: Option<String>,
    /// Which running-head section the line belongs to.
    pub section: usize,
}

/// The vertical list of the whole book and the content of its lines.
#[derive(Debug, Default)]
pub(crate) struct Flow {
    pub items: Vec<VItem>,
    pub lines: Vec<Option<FlowLine>>,
    pub outline: Vec<layout::OutlineEntry>,
    pub section_titles: Vec<String>,
}

impl Flow {
    fn push(&mut self, item: VItem, line: Option<FlowLine>) {
        self.items.push(item);
        self.lines.push(line);
    }

    /// Appends items built by `pagebreak`'s helpers, pairing each new line with its content.
    fn extend(&mut self, build: impl FnOnce(&mut Vec<VItem>), contents: Vec<FlowLine>) {
        let mut new_items = Vec::new();
        build(&mut new_items);
        let mut contents = contents.into_iter();
        for item in new_items {
            let line = matches!(item, VItem::Line { .. }).then(|| contents.next()).flatten();
            self.push(item, line);
        }
    }
}

pub struct Typeset {
    pub document: layout::Document,
    pub missing_glyphs: Vec<MissingGlyph>,
}

pub fn typeset(book: &Book, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>) -> Typeset {
    typeset_timed(book, style, fonts, hyphenator, &mut Timings::new())
}

/// [`typeset`], adding the time of each of its stages to `timings`.
pub fn typeset_timed(book: &Book, style: &Style, fonts: &FontFamily, hyphenator: Option<&Hyphenator>, timings: &mut Timings) -> Typeset {
    typeset_from(book, style, fonts, hyphenator, 0, timings)
}

/// Typesets the book as pages that follow `first_page` other pages (a
/// pamphlet's covers), which its folios and margins count.
pub(crate) fn typeset_from(
    book: &Book,
    style: &Style,
    fonts: &FontFamily,
    hyphenator: Option<&Hyphenator>,
    first_page: usize,
    timings: &mut Timings,
) -> Typeset {
    let hyphenation_before = hyphenator.map(Hyphenator::time_spent).unwrap_or_default();
    let mut builder = FlowBuilder::new(style, fonts, hyphenator);
    builder.title_block(book);
    builder.body(book);
    builder.notes(book);
    builder.back_matter(book);
    let mut missing = std::mem::take(&mut builder.setter.missing);
    missing.sort();
    missing.dedup();
    // Hyphenation happens inside text preparation; report it apart.
    let hyphenation = hyphenator.map(Hyphenator::time_spent).unwrap_or_default().saturating_sub(hyphenation_before);
    timings.add(stage::TEXT, builder.preparing.saturating_sub(hyphenation));
    timings.add(stage::HYPHENATION, hyphenation);
    timings.add(stage::LINE_BREAKING, builder.breaking);
    let flow = builder.flow;
    let document = timings.time(stage::PAGE_BREAKING, || pages::paginate(book, style, fonts, flow, first_page));
    Typeset { document, missing_glyphs: missing }
}

struct FlowBuilder<'a> {
    style: &'a Style,
    setter: TextSetter<'a>,
    params: Params,
    flow: Flow,
    section: usize,
    preparing: Duration,
    breaking: Duration,
}

impl<'a> FlowBuilder<'a> {
    fn new(style: &'a Style, fonts: &'a FontFamily, hyphenator: Option<&'a Hyphenator>) -> Self {
        FlowBuilder {
            style,
            setter: TextSetter::new(fonts, hyphenator, &style.justification),
            params: lines::params(&style.justification),
            flow: Flow::default(),
            section: 0,
            preparing: Duration::ZERO,
            breaking: Duration::ZERO,
        }
    }

    fn prepare(&mut self, inlines: &[Inline], style: TextStyle, prefix: Option<(String, Anchor)>) -> Prepared {
        self.prepare_marked(inlines, style, prefix, &[])
    }

    fn prepare_marked(&mut self, inlines: &[Inline], style: TextStyle, prefix: Option<(String, Anchor)>, suffix: &[(String, Anchor)]) -> Prepared {
        let start = Instant::now();
        let prepared = self.setter.prepare(inlines, style, prefix, suffix);
        self.preparing += start.elapsed();
        prepared
    }

    fn set(&mut self, prepared: &Prepared, measure: f32, justify: bool) -> Vec<SetLine> {
        let start = Instant::now();
        let lines = set_paragraph(prepared, &|_| measure, &self.params, justify);
        self.breaking += start.elapsed();
        lines
    }

    fn measure(&self) -> f32 {
        self.style.measure()
    }

    fn ragged(&mut self, text: &str, face: FaceStyle, size: f32) -> Vec<SetLine> {
        let prepared = self.prepare(&[Inline::Text(text.to_owned())], TextStyle { size, face, indent: 0.0, hyphenate: false }, None);
        self.set_ragged(prepared)
    }

    /// Sets lines ragged right, at their natural width: the line breaker may
    /// count on neither shrinking word spaces nor narrowing letters (font
    /// expansion), or a line it accepts would stick out of the measure once set.
    fn set_ragged(&mut self, mut prepared: text::Prepared) -> Vec<SetLine> {
        for item in &mut prepared.items {
            if let crate::typeset::inline::linebreak::Item::Glue { shrink, .. } = item {
                *shrink = 0.0;
            }
        }
        let measure = self.measure();
        let start = Instant::now();
        let lines = set_paragraph(&prepared, &|_| measure, &Params { expansion: 0.0, ..self.params }, false);
        self.breaking += start.elapsed();
        lines
    }

    fn flow_lines(&self, lines: Vec<SetLine>, indent: f32, baseline: f32, destination: Option<String>) -> Vec<FlowLine> {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| FlowLine { line, indent, baseline, destination: if i == 0 { destination.clone() } else { None }, section: self.section })
            .collect()
    }

    /// The opening page: title, standfirst and byline, kept together.
    fn title_block(&mut self, book: &Book) {
        let m = &book.metadata;
        let s = self.style;
        self.setter.use_features(&s.title.features);
        self.flow.section_titles.push(m.title.clone());
        self.flow.outline.push(layout::OutlineEntry { title: m.title.clone(), level: 1, destination: "title".into() });
        let title = self.ragged(&m.title, FaceStyle::Bold, s.title.size_pt);
        let heights = vec![s.title.leading_pt; title.len()];
        let contents = self.flow_lines(title, 0.0, s.title.size_pt, Some("title".into()));
        self.flow.extend(|list| pagebreak::push_heading(list, 0.0, &heights), contents);
        if let Some(subtitle) = &m.subtitle {
            let lines = self.ragged(subtitle, FaceStyle::Italic, s.title.standfirst_size_pt);
            let leading = s.body.leading_pt * s.title.standfirst_size_pt / s.body.size_pt;
            let heights = vec![leading; lines.len()];
            let contents = self.flow_lines(lines, 0.0, leading * 0.8, None);
            self.flow.extend(|list| pagebreak::push_heading(list, s.body.leading_pt * 0.5, &heights), contents);
        }
        let byline = self.ragged(&m.author, FaceStyle::Regular, s.body.size_pt);
        let heights = vec![s.body.leading_pt; byline.len()];
        let contents = self.flow_lines(byline, 0.0, s.body.leading_pt * 0.8, None);
        self.flow.extend(|list| pagebreak::push_heading(list, s.body.leading_pt * 0.5, &heights), contents);
        self.flow.push(VItem::Space { height: s.body.leading_pt * s.title.space_after_lines, stretch: 0.0, shrink: 0.0 }, None);
    }

    /// A heading, after which text is set with the body's features again.
    fn heading(&mut self, inlines: &[Inline], destination: Option<String>, space_above: f32) {
        let s = self.style;
        self.setter.use_features(&s.heading.features);
        let prepared = self.prepare(inlines, TextStyle { size: s.heading.size_pt, face: FaceStyle::Bold, indent: 0.0, hyphenate: false }, None);
        let lines = self.set_ragged(prepared);
        let mut heights = vec![s.body.leading_pt; lines.len()];
        // The space below belongs to the heading's last line, so no page break can fall in it.
        if let Some(last) = heights.last_mut() {
            *last += s.body.leading_pt * s.heading.space_below_lines;
        }
        let contents = self.flow_lines(lines, 0.0, s.body.leading_pt * 0.8, destination);
        self.flow.extend(|list| pagebreak::push_heading(list, space_above, &heights), contents);
        self.setter.use_features(&s.body.features);
    }

    fn body(&mut self, book: &Book) {
        let s = self.style;
        self.setter.use_features(&s.body.features);
        for section in book.sections.iter().filter(|s| s.matter == Matter::Body) {
            if let Some(heading) = &section.heading {
                self.section += 1;
                let title = plain_text(heading);
                self.flow.section_titles.push(title.clone());
                self.flow.outline.push(layout::OutlineEntry { title, level: 2, destination: section.id.clone() });
                self.heading(heading, Some(section.id.clone()), s.body.leading_pt * s.heading.space_above_lines);
            }
            self.blocks(&section.blocks, 0.0, true);
        }
    }

    fn blocks(&mut self, blocks: &[Block], indent: f32, mut first: bool) {
        let s = self.style;
        let body = TextStyle { size: s.body.size_pt, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
        for block in blocks {
            match block {
                Block::Paragraph(inlines) => {
                    let paragraph_indent = if first || indent > 0.0 { 0.0 } else { s.body.indent_em * s.body.size_pt };
                    if s.body.paragraph_space_lines > 0.0 && !first {
                        self.flow.push(VItem::Space { height: s.body.leading_pt * s.body.paragraph_space_lines, stretch: 0.0, shrink: 0.0 }, None);
                    }
                    self.paragraph(inlines, TextStyle { indent: paragraph_indent, ..body }, indent, None, s.body.leading_pt);
                }
                Block::Subheading { content, .. } => {
                    self.heading(content, None, s.body.leading_pt);
                    first = true;
                    continue;
                }
                Block::Quote(inner) => {
                    self.flow.push(VItem::Space { height: s.body.leading_pt * 0.5, stretch: 0.0, shrink: 0.0 }, None);
                    self.blocks(inner, indent + s.body.indent_em * s.body.size_pt, true);
                    self.flow.push(VItem::Space { height: s.body.leading_pt * 0.5, stretch: 0.0, shrink: 0.0 }, None);
                }
                Block::List { start, items } => {
                    for (n, item) in items.iter().enumerate() {
                        let label = match start {
                            Some(k) => format!("{}.", k + n as u64),
                            None => "•".to_owned(),
                        };
                        let mut inner = item.clone();
                        if let Some(Block::Paragraph(inlines)) = inner.first_mut() {
                            inlines.insert(0, Inline::Text(format!("{label}\u{a0}")));
                        }
                        self.blocks(&inner, indent + s.body.indent_em * s.body.size_pt, true);
                    }
                }
                Block::Code(code) => {
                    for text in code.lines() {
                        let prepared = self.prepare(&[Inline::Text(text.to_owned())], TextStyle { hyphenate: false, ..body }, None);
                        let measure = self.measure() - indent;
                        let lines = self.set(&prepared, measure, false);
                        self.push_paragraph_lines(lines, indent, s.body.leading_pt);
                    }
                }
                Block::Rule => self.flow.push(VItem::Space { height: s.body.leading_pt, stretch: 0.0, shrink: 0.0 }, None),
                Block::Table { rows, .. } => {
                    for row in rows {
                        let mut inlines = Vec::new();
                        for (i, cell) in row.iter().enumerate() {
                            if i > 0 {
                                inlines.push(Inline::Text(" · ".into()));
                            }
                            inlines.extend(cell.iter().cloned());
                        }
                        self.paragraph(&inlines, body, indent, None, s.body.leading_pt);
                    }
                }
            }
            first = false;
        }
    }

    fn paragraph(&mut self, inlines: &[Inline], style: TextStyle, indent: f32, prefix: Option<(String, Anchor)>, leading: f32) {
        let prepared = self.prepare(inlines, style, prefix);
        self.set_paragraph_lines(&prepared, indent, leading);
    }

    fn set_paragraph_lines(&mut self, prepared: &Prepared, indent: f32, leading: f32) {
        let measure = self.measure() - indent;
        let lines = self.set(prepared, measure, true);
        self.push_paragraph_lines(lines, indent, leading);
    }

    fn push_paragraph_lines(&mut self, lines: Vec<SetLine>, indent: f32, leading: f32) {
        let heights = vec![leading; lines.len()];
        let contents = self.flow_lines(lines, indent, leading * 0.8, None);
        self.flow.extend(|list| pagebreak::push_paragraph(list, &heights, &Keeps::default()), contents);
    }

    fn notes(&mut self, book: &Book) {
        if book.notes.is_empty() {
            return;
        }
        let s = self.style;
        self.flow.push(VItem::ForcedBreak, None);
        self.section += 1;
        self.flow.section_titles.push(s.notes.heading.clone());
        self.flow.outline.push(layout::OutlineEntry { title: s.notes.heading.clone(), level: 1, destination: "notes".into() });
        self.heading(&[Inline::Text(s.notes.heading.clone())], Some("notes".into()), 0.0);
        let style = TextStyle { size: s.notes.size_pt, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
        self.setter.use_features(&s.notes.features);
        for note in &book.notes {
            // The label leads back to the first reference. A note cited more
            // than once ends with a mark for each reference, as in the EPUB.
            let backlinks: Vec<(String, Anchor)> = if note.references > 1 {
                (1..=note.references)
                    .map(|occurrence| (format!("↑{}", crate::model::occurrence_letter(occurrence)), Anchor::Backlink { number: note.number, occurrence }))
                    .collect()
            } else {
                Vec::new()
            };
            let last = note.blocks.len().saturating_sub(1);
            for (i, block) in note.blocks.iter().enumerate() {
                let inlines = block_inlines(block);
                let prefix = (i == 0).then(|| (format!("{}.", note.number), Anchor::NoteLabel { number: note.number }));
                let suffix = if i == last { backlinks.as_slice() } else { &[] };
                let prepared = self.prepare_marked(&inlines, style, prefix, suffix);
                self.set_paragraph_lines(&prepared, 0.0, s.notes.leading_pt);
            }
            self.flow.push(VItem::Space { height: s.notes.leading_pt * 0.3, stretch: 0.0, shrink: 0.0 }, None);
        }
    }

    fn back_matter(&mut self, book: &Book) {
        for section in book.sections.iter().filter(|s| s.matter == Matter::Back) {
            self.setter.use_features(&self.style.body.features);
            self.flow.push(VItem::ForcedBreak, None);
            self.section += 1;
            let title = section.heading.as_deref().map(plain_text).unwrap_or_default();
            self.flow.section_titles.push(title.clone());
            self.flow.outline.push(layout::OutlineEntry { title, level: 1, destination: section.id.clone() });
            if let Some(heading) = &section.heading {
                self.heading(heading, Some(section.id.clone()), 0.0);
            }
            self.blocks(&section.blocks, 0.0, true);
        }
    }
}

/// A note's block as one run of inlines: notes are set as plain paragraphs, but the
/// note references inside a list or quote must stay, each the target of a backlink.
fn block_inlines(block: &Block) -> Vec<Inline> {
    let joined = |parts: Vec<Vec<Inline>>| {
        let mut out = Vec::new();
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push(Inline::Text(" ".into()));
            }
            out.extend(part);
        }
        out
    };
    match block {
        Block::Paragraph(i) | Block::Subheading { content: i, .. } => i.clone(),
        Block::Quote(b) => joined(b.iter().map(block_inlines).collect()),
        Block::List { items, .. } => joined(items.iter().flatten().map(block_inlines).collect()),
        Block::Code(c) => vec![Inline::Text(c.clone())],
        Block::Rule => Vec::new(),
        Block::Table { rows, .. } => joined(rows.iter().flatten().cloned().collect()),
    }
}
