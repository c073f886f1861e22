//! Collecting: what the book asks to be set, in reading order, read from the
//! model. Each title, heading, paragraph, note and line of code becomes a
//! [`TextBlock`]: its text, still inlines, and how its lines are to be set
//! and stacked. Between them go the spaces and page breaks of the flow; beside
//! them, the outline and the running heads' section titles.
//!
//! Nothing is shaped here: the text setter prepares the blocks afterwards,
//! and the stacker sets their lines.

use std::borrow::Cow;

use crate::layout::{Artifact, ElementId, OutlineEntry, Role, Tag};
use crate::model::print_pages::RunKeys;
use crate::model::walk::Run;
use crate::model::{plain_text, Block, Book, Inline, Matter};
use crate::resources::fonts::FaceStyle;
use crate::resources::style::Style;
use crate::typeset::inline::prepare::{Anchor, ParagraphText, TextStyle};

use super::figure::{self, FigureBlock, FigureFrame};
use super::{RunningSection, SectionKind};
use super::pagebreak::VItem;
use crate::images::Images;
use crate::model::{Figure, SourcePos};
use super::table::TableBlock;
use super::tagging::Tagging;

/// The book's material with its text at one stage: `T` is a
/// [`ParagraphText`] when collected, a prepared paragraph after that.
#[derive(Debug)]
pub(crate) struct Collected<T> {
    pub material: Vec<Material<T>>,
    pub outline: Vec<OutlineEntry>,
    /// What the running heads say over each section, by [`Setting::section`].
    pub sections: Vec<RunningSection>,
    /// The pictures the figures place, by id.
    pub pictures: figure::Pictures,
    /// Figures whose pictures print smaller than the measure for want of pixels.
    pub small_pictures: Vec<(SourcePos, String)>,
    /// Figures without alt text, tagged as decoration: where each stands, and its `src`.
    pub pictures_without_alt: Vec<(SourcePos, String)>,
    /// The document's structure, and the tags the material carries.
    pub tagging: Tagging,
    /// The book's runs of text, which [`TextBlock::run`] points into.
    pub run_keys: RunKeys,
    /// Where the notes open on a page of their own, when they do.
    pub notes_opening: Option<NotesOpening>,
}

/// The forced break that opens the notes on a page of their own, and what
/// would stand there if they ran on after the text instead (`notes.run_on`):
/// the space a section's heading has above it, and their heading in the
/// running-head section before it rather than one of its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NotesOpening {
    /// The break's place: in the material when collected, in the flow once stacked.
    pub at: usize,
    pub space_above: f32,
    /// The section that opens with the notes' heading alone.
    pub section: usize,
    /// The section their heading would be in, run on.
    pub section_before: usize,
}

#[derive(Debug, PartialEq)]
pub(crate) enum Material<T> {
    Text(TextBlock<T>),
    /// Space between blocks or a forced page break, which goes into the flow as it is.
    Vertical(VItem),
    /// A picture with its caption (`figure`).
    Figure(FigureBlock<T>),
    /// A table: rows of cells, each cell a paragraph (`flow::table`).
    Table(TableBlock<T>),
}

impl<T> Material<T> {
    pub fn map_text<U>(self, mut make: impl FnMut(T) -> U) -> Material<U> {
        match self {
            Material::Text(TextBlock { text, setting, run }) => Material::Text(TextBlock { text: make(text), setting, run }),
            Material::Vertical(item) => Material::Vertical(item),
            Material::Figure(FigureBlock { frame, caption }) => {
                Material::Figure(FigureBlock { frame, caption: caption.map(|TextBlock { text, setting, run }| TextBlock { text: make(text), setting, run }) })
            }
            Material::Table(table) => Material::Table(table.map_text(&mut make)),
        }
    }
}

/// A paragraph (or heading, or line of code) and how to set it.
#[derive(Debug, PartialEq)]
pub(crate) struct TextBlock<T> {
    pub text: T,
    pub setting: Setting,
    /// The run of the book's text the block sets, if it sets one as it is.
    pub run: Option<RunStart>,
}

/// Where a block's words are in the book's text: its run, an index into
/// [`Collected::run_keys`], and how many words are set before the run's own
/// (a note's number).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RunStart {
    pub run: u32,
    pub words_before: u32,
}

/// How a block's lines are broken, placed and kept together.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Setting {
    pub measure: f32,
    pub spacing: Spacing,
    /// Distance of every line from the page's left text edge.
    pub indent: f32,
    /// Distance from the top of a line's slot down to its baseline.
    pub baseline: f32,
    /// Height of each line's slot.
    pub leading: f32,
    pub keep: Keep,
    /// A named destination at the block's first line.
    pub destination: Option<String>,
    /// Which running-head section the block belongs to.
    pub section: usize,
    /// What the block is in the document's structure; a paragraph when not said.
    pub tag: Option<Tag>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Spacing {
    /// Word spaces stretched or shrunk to the measure; the last line ragged.
    Justified,
    /// Code: each source line a line, as typed, turned over where it is too
    /// long for the measure (`inline::code`).
    Code,
    /// Ragged right, broken without counting on shrinking spaces or narrowed
    /// letters, which set lines do not use (titles, headings).
    Ragged,
    /// Ragged, each line centred on the measure (a thematic break's ornament).
    Centred,
    /// A line of verse: ragged; what does not fit goes on below, `turnover` further in.
    Verse { turnover: f32 },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Keep {
    /// A paragraph's widows and orphans are kept (the page breaker's default keeps).
    Paragraph,
    /// A heading's lines stay together and with what follows; `space_below`
    /// belongs to its last line, so no page break can fall in it.
    Heading { space_above: f32, space_below: f32 },
    /// A block whose lines stay together if there are at most this many;
    /// a longer one breaks with at least two lines on each side (code).
    Together { up_to_lines: usize },
    /// A list item's label: not lines of its own, but set on the first line
    /// of the block that follows, its right edge `right` from the text's left edge.
    Hung { right: f32 },
}

/// A code block of at most this many lines is never broken across pages: it
/// is read as a whole. A longer one breaks between lines, as a paragraph does.
const CODE_KEPT_WHOLE_UP_TO: usize = 8;

/// Everything the book asks to be set for its reader edition: title block,
/// body, notes, back matter.
pub(crate) fn collect<'a>(book: &'a Book, style: &'a Style, images: &'a Images) -> Collected<ParagraphText<'a>> {
    let mut collector = Collector::new(style);
    collector.images = Some(images);
    collector.collected.tagging.labels = book.metadata.labels.clone();
    collector.collected.run_keys = RunKeys::of(book);
    if book.has_chapters() {
        // A book's title is on its own pages (`front_matter`), set after the body.
        collector.book = true;
        collector.book_body(book);
        collector.book_notes(book);
    } else {
        collector.title_block(book);
        collector.body(book);
        collector.notes(book);
    }
    collector.back_matter(book);
    collector.collected
}

/// Walks the model in reading order and collects its material.
pub(crate) struct Collector<'a> {
    pub(super) style: &'a Style,
    /// The features the text is shaped with from here on: the title, the
    /// headings, the body and the notes each have their own, switched as the
    /// book is read, and a block is shaped with those in force where it is.
    pub(super) features: &'a [String],
    /// The language of the block being read, if not the book's.
    language: Option<&'a str>,
    pub(super) section: usize,
    /// The title of the chapter being read, for the running heads.
    pub(super) chapter_title: String,
    /// A book of chapters, not an article: its sections have headings of their own.
    pub(super) book: bool,
    /// The heading level of the section being read: its subheadings are below it.
    pub(super) section_level: u8,
    pub(super) collected: Collected<ParagraphText<'a>>,
    /// The book's pictures; without them a figure is set as its caption.
    images: Option<&'a Images>,
}

impl<'a> Collector<'a> {
    pub fn new(style: &'a Style) -> Self {
        let collected = Collected {
            material: Vec::new(),
            outline: Vec::new(),
            sections: Vec::new(),
            pictures: Vec::new(),
            small_pictures: Vec::new(),
            run_keys: RunKeys::default(),
            pictures_without_alt: Vec::new(),
            tagging: Tagging::default(),
            notes_opening: None,
        };
        Collector { style, features: &[], language: None, section: 0, chapter_title: String::new(), book: false, section_level: 1, collected, images: None }
    }

    /// Starts a running-head section titled `title`: the blocks collected from
    /// here on belong to it.
    pub(super) fn open_section(&mut self, title: String, kind: SectionKind) {
        self.section = self.collected.sections.len();
        self.collected.sections.push(RunningSection { title, chapter: self.chapter_title.clone(), kind });
    }

    /// The material collected since the last call, to be set on its own.
    pub fn take_material(&mut self) -> Vec<Material<ParagraphText<'a>>> {
        std::mem::take(&mut self.collected.material)
    }

    pub(super) fn push_space(&mut self, height: f32) {
        self.collected.material.push(Material::Vertical(VItem::Space { height, stretch: 0.0, shrink: 0.0 }));
    }

    /// Adds a block of text; when it sets one of the book's runs as it is, the
    /// pages can say where in the text they begin.
    /// It is a paragraph in the document's structure unless its setting tags it otherwise.
    pub(super) fn push_text(&mut self, text: ParagraphText<'a>, mut setting: Setting) {
        if setting.tag.is_none() {
            setting.tag = Some(Tag::Element(self.element(Role::P)));
        }
        let run = match &text.inlines {
            Cow::Borrowed(content) => self.run_start(Run::Inlines { content, heading: false }, &text),
            Cow::Owned(_) => None,
        };
        self.collected.material.push(Material::Text(TextBlock { text, setting, run }));
    }

    fn run_start(&self, run: Run<'_>, text: &ParagraphText<'_>) -> Option<RunStart> {
        let run = self.collected.run_keys.find(run)?;
        Some(RunStart { run, words_before: u32::from(text.prefix.is_some()) })
    }

    /// The index of `inlines` among the book's runs, if they are one.
    pub(super) fn run_of(&self, inlines: &[Inline]) -> Option<u32> {
        self.collected.run_keys.find(Run::Inlines { content: inlines, heading: false })
    }

    /// A block of text that is a `role` in the document's structure.
    pub(super) fn push_block(&mut self, role: Role, text: ParagraphText<'a>, setting: Setting) -> ElementId {
        let element = self.element(role);
        self.push_text(text, Setting { tag: Some(Tag::Element(element)), ..setting });
        element
    }

    /// A block of text that is decoration (an ornament), not read.
    pub(super) fn push_ornament(&mut self, text: ParagraphText<'a>, setting: Setting) {
        self.push_text(text, Setting { tag: Some(Tag::Artifact(Artifact::Layout)), ..setting });
    }

    /// A new element of `role` in the open container, in the block's language.
    pub(super) fn element(&mut self, role: Role) -> ElementId {
        let element = self.collected.tagging.element(role);
        self.collected.tagging.set_lang(element, self.language);
        element
    }

    /// Opens a container of `role` for what is collected until [`Collector::close`].
    pub(super) fn open(&mut self, role: Role) -> ElementId {
        let element = self.collected.tagging.open(role);
        self.collected.tagging.set_lang(element, self.language);
        element
    }

    pub(super) fn close(&mut self) {
        self.collected.tagging.close();
    }

    pub(super) fn text(&self, inlines: Cow<'a, [Inline]>, style: TextStyle) -> ParagraphText<'a> {
        ParagraphText { inlines, style, prefix: None, suffix: Vec::new(), features: self.features, code: None, language: self.language }
    }

    /// `text` in `face` at `size`, ragged right at the full measure, with no
    /// place on a page yet: the caller sets its keep and baseline.
    pub fn ragged(&self, text: &str, face: FaceStyle, size: f32) -> TextBlock<ParagraphText<'a>> {
        let text = self.text(Cow::Owned(vec![Inline::Text(text.to_owned())]), TextStyle { size, face, indent: 0.0, hyphenate: false });
        let setting = Setting {
            measure: self.style.measure(),
            spacing: Spacing::Ragged,
            indent: 0.0,
            baseline: 0.0,
            leading: 0.0,
            keep: Keep::Paragraph,
            destination: None,
            section: self.section,
            tag: None,
        };
        TextBlock { text, setting, run: None }
    }

    /// A part of the title block, kept with what follows.
    fn title_part(&mut self, part: TextBlock<ParagraphText<'a>>, space_above: f32, leading: f32, baseline: f32) {
        let keep = Keep::Heading { space_above, space_below: 0.0 };
        self.push_text(part.text, Setting { leading, baseline, keep, ..part.setting });
    }

    /// The opening page: title, standfirst and byline, kept together.
    fn title_block(&mut self, book: &Book) {
        let m = &book.metadata;
        let s = self.style;
        self.features = &s.title.features;
        self.open_section(m.title.clone(), SectionKind::Text);
        self.collected.outline.push(OutlineEntry { title: m.title.clone(), level: 1, destination: "title".into() });
        let mut title = self.ragged(&m.title, FaceStyle::Bold, s.title.size_pt);
        if let (true, (main, Some(rest))) = (s.title.break_after_colon, m.title_parts()) {
            title.text.inlines = Cow::Owned(vec![Inline::Text(format!("{main}:")), Inline::LineBreak, Inline::Text(rest.to_owned())]);
        }
        title.setting.destination = Some("title".into());
        let heading = self.collected.tagging.heading(1);
        title.setting.tag = Some(Tag::Element(self.element(heading)));
        self.title_part(title, 0.0, s.title.leading_pt, s.title.size_pt);
        if let Some(subtitle) = &m.subtitle {
            let leading = s.body.leading_pt * s.title.standfirst_size_pt / s.body.size_pt;
            let standfirst = self.ragged(subtitle, FaceStyle::Italic, s.title.standfirst_size_pt);
            self.title_part(standfirst, s.body.leading_pt * 0.5, leading, leading * 0.8);
        }
        if let Some(author) = m.title_block_byline() {
            let byline = self.ragged(author, FaceStyle::Regular, s.body.size_pt);
            self.title_part(byline, s.body.leading_pt * 0.5, s.body.leading_pt, s.body.leading_pt * 0.8);
        }
        self.push_space(s.body.leading_pt * s.title.space_after_lines);
    }

    /// A heading inside a section (`##` to `######`), in its level's style.
    pub(super) fn subheading(&mut self, content: Cow<'a, [Inline]>, level: u8, place: Place) {
        let s = self.style;
        let tag_level = self.section_level + level.saturating_sub(1);
        let Some(level_style) = s.subheadings.get(usize::from(level.saturating_sub(2))).or(s.subheadings.last()) else {
            return self.heading(content, None, s.body.leading_pt, tag_level);
        };
        self.features = &s.heading.features;
        let face = face_named(&level_style.face);
        let text = self.text(content, TextStyle { size: level_style.size_pt, face, indent: 0.0, hyphenate: false });
        let keep = Keep::Heading { space_above: s.body.leading_pt * level_style.space_above_lines, space_below: s.body.leading_pt * level_style.space_below_lines };
        let setting = Setting { spacing: Spacing::Ragged, keep, ..self.place_setting(Spacing::Ragged, place, level_style.leading_pt) };
        let role = self.collected.tagging.heading(tag_level);
        self.push_block(role, text, setting);
        self.features = &s.body.features;
    }

    /// A heading of `level` (1 to 6 in the document's structure), after which
    /// text is set with the body's features again.
    pub fn heading(&mut self, inlines: Cow<'a, [Inline]>, destination: Option<String>, space_above: f32, level: u8) {
        let s = self.style;
        self.features = &s.heading.features;
        let text = self.text(inlines, TextStyle { size: s.heading.size_pt, face: FaceStyle::Bold, indent: 0.0, hyphenate: false });
        let setting = Setting {
            measure: s.measure(),
            spacing: Spacing::Ragged,
            indent: 0.0,
            baseline: s.body.leading_pt * 0.8,
            leading: s.body.leading_pt,
            keep: Keep::Heading { space_above, space_below: s.body.leading_pt * s.heading.space_below_lines },
            destination,
            section: self.section,
            tag: None,
        };
        let role = self.collected.tagging.heading(level);
        self.push_block(role, text, setting);
        self.features = &s.body.features;
    }

    /// An article's body: its one chapter's sections.
    fn body(&mut self, book: &'a Book) {
        self.features = &self.style.body.features;
        for chapter in &book.chapters {
            self.sections(chapter.sections.iter().filter(|s| s.matter == Matter::Body), 2);
        }
    }

    /// Sections with their headings, listed in the outline at `level`.
    pub(super) fn sections(&mut self, sections: impl Iterator<Item = &'a crate::model::Section>, level: u8) {
        let s = self.style;
        for section in sections {
            self.open(Role::Sect);
            self.section_level = level;
            if let Some(heading) = &section.heading {
                let title = plain_text(heading);
                self.open_section(title.clone(), SectionKind::Text);
                if section.listed {
                    self.collected.outline.push(OutlineEntry { title, level, destination: section.id.clone() });
                }
                let space_above = s.body.leading_pt * s.heading.space_above_lines;
                if self.book {
                    self.section_heading(heading, section.id.clone(), space_above, level);
                } else {
                    self.heading(Cow::Borrowed(heading), Some(section.id.clone()), space_above, level);
                }
            }
            self.blocks(&section.blocks, Place::text(s), true);
            self.close();
        }
    }

    /// Sets `blocks` in `place`; `first` if they open a section or an item
    /// (their first paragraph is then not indented).
    pub fn blocks(&mut self, blocks: &'a [Block], place: Place, mut first: bool) {
        let s = self.style;
        for block in blocks {
            match block {
                Block::Paragraph(inlines) => {
                    let indented = !first && place.left == 0.0 && place.right == 0.0;
                    let paragraph_indent = if indented { s.body.indent_em * s.body.size_pt } else { 0.0 };
                    if s.body.paragraph_space_lines > 0.0 && !first {
                        self.push_space(place.leading * s.body.paragraph_space_lines);
                    }
                    let style = TextStyle { size: place.size, face: FaceStyle::Regular, indent: paragraph_indent, hyphenate: true };
                    let spacing = if s.body.spacing == "ragged" { Spacing::Ragged } else { Spacing::Justified };
                    let setting = self.place_setting(spacing, place, place.leading);
                    self.push_text(self.text(Cow::Borrowed(inlines), style), setting);
                }
                Block::Subheading { content, level, .. } => {
                    self.subheading(Cow::Borrowed(content), *level, place);
                    first = true;
                    continue;
                }
                Block::Quote(inner) => {
                    self.open(Role::BlockQuote);
                    self.quote(inner, place);
                    self.close();
                }
                Block::Language { blocks: inner, lang } => {
                    let around = self.language.replace(lang);
                    self.blocks(inner, place, first);
                    self.language = around;
                }
                Block::List(list) => self.list(list, place),
                Block::Figure(figure) => {
                    if !self.figure(figure, place) {
                        let caption = if figure.caption.is_empty() { vec![Inline::Text(figure.image.alt.clone())] } else { figure.caption.clone() };
                        let style = TextStyle { size: place.size, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
                        let setting = self.place_setting(Spacing::Justified, place, place.leading);
                        self.push_text(self.text(Cow::Owned(caption), style), setting);
                    }
                }
                Block::Verse(lines) => self.verse(lines, place),
                Block::Definitions(definitions) => self.definitions(definitions, place),
                Block::Bibliography(entries) => self.bibliography(entries, place),
                Block::Code { text: code, .. } => {
                    let space = s.body.leading_pt * s.code.space_around_lines;
                    self.push_space(space);
                    let style = TextStyle { size: s.code.size_pt, face: FaceStyle::Mono, indent: 0.0, hyphenate: false };
                    let text = ParagraphText { code: Some(&s.code), ..self.text(Cow::Owned(vec![Inline::Text(code.clone())]), style) };
                    let setting = Setting { keep: Keep::Together { up_to_lines: CODE_KEPT_WHOLE_UP_TO }, ..self.place_setting(Spacing::Code, place, s.code.leading_pt) };
                    let setting = Setting { tag: Some(Tag::Element(self.element(Role::Code))), ..setting };
                    let run = self.run_start(Run::Verbatim(code), &text);
                    self.collected.material.push(Material::Text(TextBlock { text, setting, run }));
                    self.push_space(space);
                }
                Block::Rule => self.rule(place),
                Block::Table(table) => self.table(table, place.left, self.style.measure() - place.left - place.right),
            }
            first = false;
        }
    }

    /// A figure whose picture the book has, centred in the column `place` leaves;
    /// false when there is no picture to place (a picture on the web).
    fn figure(&mut self, figure: &'a Figure, place: Place) -> bool {
        let Some(picture) = self.images.and_then(|images| images.get(&figure.image.src)) else { return false };
        let s = self.style;
        let measure = s.measure() - place.left - place.right;
        let (width, height) = figure::figure_size(picture, s, measure);
        if !(width > 0.0 && height > 0.0) {
            return false;
        }
        if figure::too_few_pixels(picture, measure, width) {
            self.collected.small_pictures.push((figure.image.at, figure.image.src.clone()));
        }
        let image = match self.collected.pictures.iter().position(|p| std::sync::Arc::ptr_eq(p, picture)) {
            Some(id) => id,
            None => {
                self.collected.pictures.push(std::sync::Arc::clone(picture));
                self.collected.pictures.len() - 1
            }
        };
        // The picture is read as its alt text; one without is decoration.
        let alt = figure.image.alt.trim();
        let tag = if alt.is_empty() {
            self.collected.pictures_without_alt.push((figure.image.at, figure.image.src.clone()));
            Tag::Artifact(Artifact::Layout)
        } else {
            let element = self.element(Role::Figure);
            self.collected.tagging.structure.elements[element].alt = Some(alt.to_owned());
            Tag::Element(element)
        };
        let c = &s.caption;
        let caption = (!figure.caption.is_empty()).then(|| {
            let face = if c.italic { FaceStyle::Italic } else { FaceStyle::Regular };
            let text = self.text(Cow::Borrowed(&figure.caption), TextStyle { size: c.size_pt, face, indent: 0.0, hyphenate: false });
            let caption = Tag::Element(self.element(Role::Caption));
            let setting = Setting { baseline: c.leading_pt * 0.8, tag: Some(caption), ..self.place_setting(Spacing::Ragged, place, c.leading_pt) };
            TextBlock { text, setting, run: None }
        });
        let frame = FigureFrame {
            image,
            width,
            height,
            indent: place.left + (measure - width) / 2.0,
            column: (place.left, measure),
            space_around: s.body.leading_pt * c.space_around_lines,
            gap: c.gap_pt,
            section: self.section,
            tag,
        };
        self.collected.material.push(Material::Figure(FigureBlock { frame, caption }));
        true
    }

    /// How a block `place` asks for is set: its lines `leading` apart.
    pub(super) fn place_setting(&self, spacing: Spacing, place: Place, leading: f32) -> Setting {
        Setting {
            measure: self.style.measure() - place.left - place.right,
            spacing,
            indent: place.left,
            baseline: leading * 0.8,
            leading,
            keep: Keep::Paragraph,
            destination: None,
            section: self.section,
            tag: None,
        }
    }

    /// A paragraph `indent` from the text's left edge, on every line.
    fn paragraph_setting(&self, spacing: Spacing, indent: f32, leading: f32) -> Setting {
        Setting { indent, measure: self.style.measure() - indent, ..self.place_setting(spacing, Place::text(self.style), leading) }
    }

    fn notes(&mut self, book: &'a Book) {
        if book.notes.is_empty() {
            return;
        }
        let s = self.style;
        let title = s.notes.heading.clone().unwrap_or_else(|| book.metadata.labels.notes.clone());
        if s.notes.run_on {
            // Run on, the notes' heading takes the space a section's does, on a text page.
            self.collected.outline.push(OutlineEntry { title: title.clone(), level: 1, destination: "notes".into() });
            self.open(Role::Sect);
            self.heading(Cow::Owned(vec![Inline::Text(title.clone())]), Some("notes".into()), s.body.leading_pt * s.heading.space_above_lines, 2);
        } else {
            let (at, section_before) = (self.collected.material.len(), self.section);
            self.collected.material.push(Material::Vertical(VItem::ForcedBreak));
            // The page the notes open on has their heading, and no running head
            // over it; the pages they run on to are headed with their name.
            self.open_section(title.clone(), SectionKind::Opening);
            let space_above = s.body.leading_pt * s.heading.space_above_lines;
            // Run on with no space above, the heading would have no item of its own to stand in the break's place.
            self.collected.notes_opening = (space_above != 0.0).then_some(NotesOpening { at, space_above, section: self.section, section_before });
            self.collected.outline.push(OutlineEntry { title: title.clone(), level: 1, destination: "notes".into() });
            self.open(Role::Sect);
            self.heading(Cow::Owned(vec![Inline::Text(title.clone())]), Some("notes".into()), 0.0, 2);
        }
        self.open_section(title, SectionKind::Notes);
        self.note_entries(book.notes.iter());
        self.close();
    }

    /// Each note as a paragraph (or several) in the notes' type, its number
    /// linked to its first reference and a mark for each further one. The
    /// number is hung: right-aligned in a box of the style's width (wider for
    /// the longest number), a fixed space after it, in the margin or in an
    /// indent that every line of the note stands in by.
    pub(super) fn note_entries(&mut self, notes: impl Iterator<Item = &'a crate::model::Note>) {
        let s = self.style;
        let size = s.notes.size_pt;
        let notes: Vec<&'a crate::model::Note> = notes.collect();
        let widest = notes.iter().map(|note| format!("{}.", note.mark).chars().count()).max().unwrap_or(1);
        let number_width = (s.notes.number_width_em * size).max(super::list::label_width(widest, size));
        let space = s.notes.number_space_em * size;
        // Where the number's box ends, from the text's left edge, and how far in the note's lines stand.
        let (number_right, hang) = if s.notes.numbers == "margin" { (-space, 0.0) } else { (number_width, number_width + space) };
        let spacing = if s.notes.spacing == "justified" { Spacing::Justified } else { Spacing::Ragged };
        let style = TextStyle { size, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
        self.features = &s.notes.features;
        for note in notes {
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
            self.collected.tagging.open_note(crate::model::note_anchor(note.number), note.mark.to_string());
            // The number, in the note's element: the first line's, not a block of its own.
            let number = ParagraphText { prefix: Some((format!("{}.", note.mark), Anchor::NoteLabel { number: note.number })), ..self.text(Cow::Owned(Vec::new()), style) };
            let keep = Keep::Hung { right: number_right };
            let setting = Setting { keep, ..self.paragraph_setting(Spacing::Ragged, 0.0, s.notes.leading_pt) };
            self.collected.material.push(Material::Text(TextBlock { text: number, setting, run: None }));
            for (i, block) in note.blocks.iter().enumerate() {
                let suffix = if i == last { backlinks.clone() } else { Vec::new() };
                let text = ParagraphText { suffix, ..self.text(block_inlines(block), style) };
                let setting = self.paragraph_setting(spacing, hang, s.notes.leading_pt);
                self.push_text(text, setting);
            }
            self.close();
            self.push_space(s.notes.leading_pt * 0.3);
        }
    }

    fn back_matter(&mut self, book: &'a Book) {
        for section in book.sections().filter(|s| s.matter == Matter::Back) {
            self.features = &self.style.body.features;
            self.collected.material.push(Material::Vertical(VItem::ForcedBreak));
            let title = section.heading.as_deref().map(plain_text).unwrap_or_default();
            self.chapter_title = title.clone();
            self.open_section(title.clone(), SectionKind::Text);
            self.collected.outline.push(OutlineEntry { title, level: 1, destination: section.id.clone() });
            self.open(Role::Sect);
            if let Some(heading) = &section.heading {
                // A book's back matter is of its chapters' rank; an article's, of its sections'.
                let level = if self.book { 1 } else { 2 };
                self.section_level = level;
                self.heading(Cow::Borrowed(heading), Some(section.id.clone()), 0.0, level);
            }
            self.blocks(&section.blocks, Place::text(self.style), true);
            self.close();
        }
    }
}

/// Where blocks are set: how far in from each side of the measure, in what
/// size, how deep in lists.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub left: f32,
    pub right: f32,
    pub size: f32,
    pub leading: f32,
    /// How many lists the blocks are inside.
    pub lists: usize,
}

impl Place {
    /// The body text's own place: the full measure, the body's size.
    pub fn text(style: &Style) -> Place {
        Place { left: 0.0, right: 0.0, size: style.body.size_pt, leading: style.body.leading_pt, lists: 0 }
    }
}

/// The face a style names ("bold", "italic", "bold-italic", anything else regular).
pub(crate) fn face_named(name: &str) -> FaceStyle {
    match name {
        "bold" => FaceStyle::Bold,
        "italic" => FaceStyle::Italic,
        "bold-italic" => FaceStyle::BoldItalic,
        _ => FaceStyle::Regular,
    }
}

/// A note's block as one run of inlines: notes are set as plain paragraphs, but the
/// note references inside a list or quote must stay, each the target of a backlink.
fn block_inlines(block: &Block) -> Cow<'_, [Inline]> {
    let joined = |parts: Vec<Cow<[Inline]>>| {
        let mut out = Vec::new();
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push(Inline::Text(" ".into()));
            }
            out.extend(part.iter().cloned());
        }
        Cow::Owned(out)
    };
    match block {
        Block::Paragraph(i) | Block::Subheading { content: i, .. } => Cow::Borrowed(i),
        Block::Quote(b) | Block::Language { blocks: b, .. } => joined(b.iter().map(block_inlines).collect()),
        Block::List(list) => joined(list.items.iter().flat_map(|item| &item.blocks).map(block_inlines).collect()),
        Block::Code { text, .. } => Cow::Owned(vec![Inline::Code(text.clone())]),
        Block::Rule => Cow::Owned(Vec::new()),
        Block::Table(table) => joined(table.header.iter().chain(table.rows.iter().flatten()).map(|cell| Cow::Borrowed(cell.as_slice())).collect()),
        // In a note (set as plain paragraphs), a figure's picture at text height, then its caption.
        Block::Figure(figure) => joined(vec![Cow::Owned(vec![Inline::Image(figure.image.clone())]), Cow::Borrowed(&figure.caption)]),
        Block::Verse(lines) => joined(lines.iter().map(|line| Cow::Borrowed(line.as_slice())).collect()),
        Block::Bibliography(entries) => joined(entries.iter().map(|e| Cow::Borrowed(e.content.as_slice())).collect()),
        Block::Definitions(definitions) => joined(
            definitions
                .iter()
                .flat_map(|d| std::iter::once(Cow::Borrowed(d.term.as_slice())).chain(d.details.iter().flatten().map(block_inlines)))
                .collect(),
        ),
    }
}
