//! The Markdown of a manuscript folded into the document model: a fold over
//! pulldown-cmark's events, one frame per open element.

use std::collections::HashMap;

use pulldown_cmark::{Event, HeadingLevel, LinkType, MetadataBlockKind, Tag, TagEnd};

mod citations;
mod pandoc;
mod raw_html;

use super::front_matter::{self, Syntax};
use super::{html, Manuscript, Source};
use crate::diagnostics::Diagnostic;
use crate::model::metadata::Metadata;
use crate::model::{Align, Block, Book, Definition, Figure, Image, Inline, List, ListItem, Matter, Note, NoteRef, Section, SourcePos, Table};

/// Something being built from the events between a Start and its End.
enum Frame {
    Root,
    Paragraph(Vec<Inline>),
    /// `id` is the one written in the heading's attributes (`{#id}`), at `at`.
    Heading { level: u8, content: Vec<Inline>, id: Option<String>, listed: bool, at: usize },
    Quote(Vec<Block>, Vec<Inline>),
    List { start: Option<u64>, items: Vec<ListItem>, tight: bool },
    /// A list item: its blocks, its text not yet in a paragraph (a tight item's), its task box.
    Item(Vec<Block>, Vec<Inline>, Option<bool>),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Link { url: String, content: Vec<Inline>, at: usize },
    Image { src: String, alt: String, title: Option<String>, at: SourcePos },
    Code { text: String, language: Option<String> },
    Note { label: String, at: SourcePos, blocks: Vec<Block>, loose: Vec<Inline> },
    Table { alignments: Vec<Align>, header: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>> },
    /// A row; `header` for the table's head.
    Row { cells: Vec<Vec<Inline>>, header: bool },
    Cell(Vec<Inline>),
    Definitions(Vec<Definition>),
    Term(Vec<Inline>),
    /// One definition of the term before it: its blocks, and its text not yet in a paragraph.
    Detail(Vec<Block>, Vec<Inline>),
    FrontMatter { text: String, start: usize, syntax: Syntax },
    /// A block of raw HTML, line by line as the parser hands it over; `start` is its first line's offset.
    HtmlBlock { text: String, start: usize },
    /// An inline HTML element opened and not yet closed (`<em>` … `</em>`).
    HtmlInline { element: String, meaning: html::Meaning, attributes: Vec<(String, String)>, content: Vec<Inline>, at: usize },
    /// Inside `<script>` or `<style>`: its text is for a browser, not a reader.
    HtmlHidden { element: String },
    /// A part in another language (`<div lang="fr">`, `::: {lang=fr}`): its blocks, its text not yet in a paragraph.
    LanguageBlock { lang: String, blocks: Vec<Block>, loose: Vec<Inline> },
    /// A `[` typed in the text, or `^[` (an inline note, `note`), not yet closed; `at` its offset.
    Bracket { note: bool, content: Vec<Inline>, at: usize },
}

pub(super) use pandoc::blank_fences;

pub(super) struct Folder<'a> {
    source: &'a Source<'a>,
    /// The manuscript's text (the same as `source.text`).
    text: &'a str,
    stack: Vec<Frame>,
    metadata: Option<Metadata>,
    /// The syntax of the front matter, if the manuscript has one.
    front_matter: Option<Syntax>,
    sections: Vec<Section>,
    notes: Vec<Note>,
    note_labels: HashMap<String, SourcePos>,
    /// Every heading id given so far, written or made.
    ids: Vec<String>,
    /// Links to a heading (`#id`) and where each is, checked once every heading is known.
    internal_links: Vec<(String, usize)>,
    diagnostics: Vec<Diagnostic>,
    /// Each `<div>` (or `:::` fence) open, with the depth of the stack at which it opened its
    /// language's frame, if it gave a language.
    open_divs: Vec<Option<usize>>,
    /// Text up to this offset has been read already (a span's `{attributes}`).
    skip_to: usize,
    /// How many inline notes (`^[…]`) so far: each gets a label of its own.
    inline_notes: usize,
    /// The paragraph being read opens with `| ` or `:::`: its soft breaks are kept as line breaks.
    by_line: bool,
    /// Math has been named once; once is enough.
    math_named: bool,
    /// References to notes no definition has (the parser leaves them as text), and where.
    undefined_notes: Vec<(String, usize)>,
    /// The level of the last heading, to catch a jump (`#` then `###`).
    last_heading_level: u8,
    /// The fenced divs' `:::` lines not yet reached, last first.
    fences: Vec<(usize, pandoc::Fence)>,
    /// The metadata of the book this file is a chapter of: what its front matter
    /// leaves out is the book's, and its title is the chapter's, not the book's.
    book: Option<&'a Metadata>,
}

impl<'a> Folder<'a> {
    pub(super) fn new(source: &'a Source<'a>) -> Self {
        Folder {
            source,
            text: source.text,
            stack: vec![Frame::Root],
            metadata: None,
            front_matter: None,
            sections: Vec::new(),
            notes: Vec::new(),
            note_labels: HashMap::new(),
            internal_links: Vec::new(),
            ids: Vec::new(),
            diagnostics: Vec::new(),
            open_divs: Vec::new(),
            skip_to: 0,
            inline_notes: 0,
            by_line: false,
            math_named: false,
            fences: Vec::new(),
            book: None,
            undefined_notes: Vec::new(),
            last_heading_level: 0,
        }
    }

    fn pos(&self, offset: usize) -> SourcePos {
        self.source.pos(offset)
    }

    fn error(&mut self, offset: usize, message: String, help: &str) {
        self.diagnostics.push(self.source.error(offset, message, help));
    }

    fn warning(&mut self, offset: usize, message: String, help: &str) {
        self.diagnostics.push(self.source.warning(offset, message, help));
    }

    /// Reads the file as a chapter of a book with `metadata`.
    pub(super) fn in_book(mut self, metadata: &'a Metadata) -> Self {
        self.book = Some(metadata);
        self
    }

    /// The fenced divs' lines, found before the parse (see [`pandoc::blank_fences`]).
    pub(super) fn with_fences(mut self, fences: Vec<(usize, pandoc::Fence)>) -> Self {
        self.fences = fences;
        self
    }

    /// pandoc's `%` lines opening the file, read as front matter.
    pub(super) fn title_block(&mut self, block: super::title_block::TitleBlock) {
        let mut metadata = Metadata { title: block.title, authors: block.authors, ..Default::default() };
        if let Some((date, at)) = block.date {
            metadata.date = crate::model::metadata::Date::read(&date);
            if metadata.date.is_none() {
                self.warning(
                    at,
                    format!("the date “{date}” is not one the editions can read; no edition is dated"),
                    "write it as `2017`, `2017-10` or `2017-10-25` (or `October 25, 2017`)",
                );
            }
        }
        self.metadata = Some(metadata);
    }

    pub(super) fn event(&mut self, event: Event<'_>, offset: usize) {
        if matches!(event, Event::Start(_)) {
            self.fences_before(offset);
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag, offset),
            Event::Text(t) => self.text(&t, offset),
            Event::Code(t) => self.inline(Inline::Code(t.into_string())),
            Event::SoftBreak if self.by_line => self.inline(Inline::LineBreak),
            Event::SoftBreak => self.text(" ", offset),
            Event::HardBreak => self.inline(Inline::LineBreak),
            Event::FootnoteReference(label) => {
                let at = self.pos(offset);
                self.inline(Inline::NoteRef(NoteRef { label: label.into_string(), number: 0, mark: 0, occurrence: 0, at }))
            }
            Event::Rule => self.block(Block::Rule),
            Event::Html(html) => self.html_line(&html, offset),
            Event::InlineHtml(html) => self.inline_html(&html, offset),
            Event::InlineMath(t) => self.math(t.into_string(), false, offset),
            Event::DisplayMath(t) => self.math(t.into_string(), true, offset),
            Event::TaskListMarker(done) => {
                if let Some(Frame::Item(_, _, task)) = self.stack.last_mut() {
                    *task = Some(done);
                }
            }
        }
    }

    /// The parser opens paragraphs directly inside a list's items only when the list is
    /// loose (blank lines between its items); a tight item's text comes bare, even when a
    /// nested list follows it.
    fn mark_list_loose(&mut self) {
        if let [.., Frame::List { tight, .. }, Frame::Item(..)] = self.stack.as_mut_slice() {
            *tight = false;
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        let frame = match tag {
            Tag::Paragraph => {
                self.by_line = self.reads_by_line(offset);
                self.mark_list_loose();
                Frame::Paragraph(Vec::new())
            }
            Tag::Heading { level, id, classes, .. } => {
                // `.unnumbered` asks for what quire does anyway: its headings carry no numbers.
                let listed = !classes.iter().any(|c| c.as_ref() == "unlisted");
                Frame::Heading { level: heading_level(level), content: Vec::new(), id: id.map(|id| id.into_string()), listed, at: offset }
            }
            Tag::BlockQuote(_) => Frame::Quote(Vec::new(), Vec::new()),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().filter(|l| !l.is_empty()).map(str::to_owned),
                    pulldown_cmark::CodeBlockKind::Indented => None,
                };
                Frame::Code { text: String::new(), language }
            }
            // Tight until an item turns out to hold paragraphs (blank lines between items).
            Tag::List(start) => Frame::List { start, items: Vec::new(), tight: true },
            Tag::Item => Frame::Item(Vec::new(), Vec::new(), None),
            Tag::FootnoteDefinition(label) => {
                let label = label.into_string();
                let at = self.pos(offset);
                if let Some(first) = self.note_labels.get(&label) {
                    let first = *first;
                    self.error(
                        offset,
                        format!("note `[^{label}]` is defined twice (first at line {})", first.line),
                        "give one of the two definitions a different label, or delete the copy",
                    );
                } else {
                    self.note_labels.insert(label.clone(), at);
                }
                Frame::Note { label, at, blocks: Vec::new(), loose: Vec::new() }
            }
            Tag::Emphasis => Frame::Emphasis(Vec::new()),
            Tag::Strong => Frame::Strong(Vec::new()),
            Tag::Strikethrough => Frame::Strikethrough(Vec::new()),
            Tag::Superscript => Frame::Superscript(Vec::new()),
            Tag::Subscript => Frame::Subscript(Vec::new()),
            // An e-mail autolink (`<ann@example.org>`) comes without its scheme.
            Tag::Link { link_type: LinkType::Email, dest_url, .. } if !dest_url.starts_with("mailto:") => {
                Frame::Link { url: format!("mailto:{dest_url}"), content: Vec::new(), at: offset }
            }
            Tag::Link { dest_url, .. } => Frame::Link { url: dest_url.into_string(), content: Vec::new(), at: offset },
            Tag::Image { dest_url, title, .. } => {
                let title = Some(title.into_string()).filter(|t| !t.trim().is_empty());
                Frame::Image { src: dest_url.into_string(), alt: String::new(), title, at: self.pos(offset) }
            }
            Tag::Table(alignments) => {
                let alignments = alignments.iter().map(|a| match a {
                    pulldown_cmark::Alignment::None => Align::None,
                    pulldown_cmark::Alignment::Left => Align::Left,
                    pulldown_cmark::Alignment::Center => Align::Center,
                    pulldown_cmark::Alignment::Right => Align::Right,
                });
                Frame::Table { alignments: alignments.collect(), header: Vec::new(), rows: Vec::new() }
            }
            Tag::TableHead => Frame::Row { cells: Vec::new(), header: true },
            Tag::TableRow => Frame::Row { cells: Vec::new(), header: false },
            Tag::TableCell => Frame::Cell(Vec::new()),
            Tag::DefinitionList => Frame::Definitions(Vec::new()),
            Tag::DefinitionListTitle => Frame::Term(Vec::new()),
            Tag::DefinitionListDefinition => Frame::Detail(Vec::new(), Vec::new()),
            Tag::MetadataBlock(kind) => {
                let syntax = if kind == MetadataBlockKind::YamlStyle { Syntax::Yaml } else { Syntax::Toml };
                // The block's text starts on the line after the opening delimiter.
                let start = self.text[offset..].find('\n').map_or(offset, |n| offset + n + 1);
                Frame::FrontMatter { text: String::new(), start, syntax }
            }
            Tag::HtmlBlock => Frame::HtmlBlock { text: String::new(), start: offset },
        };
        self.stack.push(frame);
    }

    fn end(&mut self, _tag: TagEnd, _offset: usize) {
        // HTML elements and `<div>`s left open inside this element end with it.
        self.close_open_html();
        let Some(frame) = self.stack.pop() else { return };
        match frame {
            Frame::Root => self.stack.push(Frame::Root),
            Frame::Paragraph(content) if std::mem::take(&mut self.by_line) => self.lined_paragraph(content),
            Frame::Paragraph(content) => self.paragraph(content),
            Frame::Heading { level, content, id, listed, at } => self.heading(level, content, id, listed, at),
            Frame::Quote(mut blocks, loose) => {
                flush_loose(&mut blocks, loose);
                self.block(Block::Quote(blocks))
            }
            Frame::Code { text, language } => self.block(Block::Code { text, language }),
            Frame::List { start, items, tight } => self.block(Block::List(List { start, tight, items })),
            Frame::Item(mut blocks, loose, task) => {
                flush_loose(&mut blocks, loose);
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(ListItem { task, blocks });
                }
            }
            Frame::Note { label, at, mut blocks, loose } => {
                flush_loose(&mut blocks, loose);
                if blocks.is_empty() {
                    self.diagnostics.push(
                        Diagnostic::error(self.source.path, Some(at), format!("note `[^{label}]` is empty"))
                            .with_help("write the note's text after the colon, or delete the definition and its references")
                            .with_source(self.text),
                    );
                }
                self.notes.push(Note { label, number: 0, mark: 0, chapter: 0, blocks, references: 0, at });
            }
            Frame::Emphasis(content) => self.inline(Inline::Emphasis(content)),
            Frame::Strong(content) => self.inline(Inline::Strong(content)),
            Frame::Strikethrough(content) => self.inline(Inline::Strikethrough(content)),
            Frame::Superscript(content) => self.inline(Inline::Superscript(content)),
            Frame::Subscript(content) => self.inline(Inline::Subscript(content)),
            Frame::Link { url, content, at } => self.link(url, content, at),
            Frame::Image { src, alt, title, at } => self.inline(Inline::Image(Image { src, alt, title, at })),
            Frame::Table { alignments, header, rows } => self.block(Block::Table(Table { alignments, header, rows })),
            Frame::Row { cells, header: is_header } => {
                if let Some(Frame::Table { rows, header, .. }) = self.stack.last_mut() {
                    if is_header {
                        *header = cells;
                    } else {
                        rows.push(cells);
                    }
                }
            }
            Frame::Cell(content) => {
                if let Some(Frame::Row { cells, .. }) = self.stack.last_mut() {
                    cells.push(content);
                }
            }
            Frame::Definitions(definitions) => self.block(Block::Definitions(definitions)),
            Frame::Term(term) => {
                if let Some(Frame::Definitions(definitions)) = self.stack.last_mut() {
                    definitions.push(Definition { term, details: Vec::new() });
                }
            }
            Frame::Detail(mut blocks, loose) => {
                flush_loose(&mut blocks, loose);
                if let Some(Frame::Definitions(definitions)) = self.stack.last_mut() {
                    match definitions.last_mut() {
                        Some(definition) => definition.details.push(blocks),
                        None => definitions.push(Definition { term: Vec::new(), details: vec![blocks] }),
                    }
                }
            }
            Frame::FrontMatter { text, start, syntax } => {
                self.front_matter = Some(syntax);
                let (metadata, mut found) = front_matter::read(self.source, &text, start, syntax);
                self.diagnostics.append(&mut found);
                if metadata.is_some() {
                    self.metadata = metadata;
                }
            }
            Frame::HtmlBlock { text, start } => self.html_block(&text, start),
            frame @ (Frame::HtmlInline { .. } | Frame::HtmlHidden { .. } | Frame::LanguageBlock { .. } | Frame::Bracket { .. }) => self.close_html_frame(frame),
        }
    }

    fn text(&mut self, text: &str, offset: usize) {
        match self.stack.last_mut() {
            Some(Frame::Code { text: code, .. }) => code.push_str(text),
            Some(Frame::FrontMatter { text: t, .. }) => t.push_str(text),
            Some(Frame::Image { alt, .. }) => alt.push_str(text),
            Some(Frame::HtmlBlock { text: t, .. }) => t.push_str(text),
            Some(Frame::HtmlHidden { .. }) => {}
            _ => {
                self.check_undefined_reference(text, offset);
                self.prose(text, offset)
            }
        }
    }

    /// pulldown-cmark leaves `[^label]` as plain text (split into `[`, `^label`, `]`)
    /// when no definition exists; catch it from the source here.
    fn check_undefined_reference(&mut self, text: &str, offset: usize) {
        if !text.starts_with('[') {
            return;
        }
        let source = &self.text[offset..];
        let Some(rest) = source.strip_prefix("[^") else { return };
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let Some(close) = rest[..line_end].find(']') else { return };
        let label = &rest[..close];
        if !label.is_empty() && !label.contains(char::is_whitespace) && !rest[close..].starts_with("]:") {
            // Said at the end, when every definition is known and one may be the label meant.
            self.undefined_notes.push((label.to_owned(), offset));
        }
    }

    /// Math is kept as its TeX source; the first place it appears says so, once.
    fn math(&mut self, tex: String, display: bool, offset: usize) {
        if !std::mem::replace(&mut self.math_named, true) {
            self.warning(
                offset,
                "math is set as its TeX source: quire does not typeset math yet".into(),
                "this is said once for the whole manuscript; every formula is kept as written",
            );
        }
        self.inline(Inline::Math { tex, display })
    }

    /// A link the editions may make live is kept; any other keeps its text, unlinked, with
    /// a warning: the model carries only links that are safe to follow.
    fn link(&mut self, url: String, content: Vec<Inline>, at: usize) {
        let refused = match link_target(&url) {
            LinkTarget::Web => None,
            LinkTarget::Heading(id) => {
                self.internal_links.push((if self.book.is_some() { url.clone() } else { id.to_owned() }, at));
                None
            }
            LinkTarget::Scheme(scheme) => Some((
                format!("link to `{scheme}:` is not kept; its text stays, unlinked"),
                "only http, https and mailto links, and links to a heading (`#id`), are live in the editions",
            )),
            LinkTarget::SiteRoot => Some((
                format!("link `{url}` is to a page of a web site, not to the book; its text stays, unlinked"),
                "write the whole address (`https://example.org/about`), or link to a heading of the book (`#id`)",
            )),
            // In a book, a link to a chapter's file is the book's to resolve.
            LinkTarget::File if self.book.is_some() && is_markdown_file(&url) => {
                self.internal_links.push((url.clone(), at));
                None
            }
            LinkTarget::File => Some((
                format!("link `{url}` is to a file outside the book; its text stays, unlinked"),
                "an edition carries only the manuscript's text: write the whole address (`https://…`) of a copy on the web, or remove the link",
            )),
            LinkTarget::Nothing => Some(("the link has no address; its text stays, unlinked".into(), "write the address between the ( ), or remove the brackets")),
        };
        match refused {
            None => self.inline(Inline::Link { url, content }),
            Some((message, help)) => {
                self.warning(at, message, help);
                content.into_iter().for_each(|inline| self.inline(inline));
            }
        }
    }

    fn inline(&mut self, inline: Inline) {
        match self.stack.last_mut() {
            Some(
                Frame::Paragraph(c)
                | Frame::Heading { content: c, .. }
                | Frame::Emphasis(c)
                | Frame::Strong(c)
                | Frame::Strikethrough(c)
                | Frame::Superscript(c)
                | Frame::Subscript(c)
                | Frame::Link { content: c, .. }
                | Frame::Cell(c)
                | Frame::Term(c)
                | Frame::Detail(_, c)
                | Frame::Quote(_, c)
                | Frame::Item(_, c, _)
                | Frame::Note { loose: c, .. }
                | Frame::HtmlInline { content: c, .. }
                | Frame::LanguageBlock { loose: c, .. }
                | Frame::Bracket { content: c, .. },
            ) => c.push(inline),
            Some(Frame::Image { alt, .. }) => {
                if let Inline::Text(t) = inline {
                    alt.push_str(&t)
                }
            }
            Some(Frame::Root) => self.block(Block::Paragraph(vec![inline])),
            _ => {}
        }
    }

    fn block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(
                Frame::Quote(blocks, loose)
                | Frame::Item(blocks, loose, _)
                | Frame::Detail(blocks, loose)
                | Frame::Note { blocks, loose, .. }
                | Frame::LanguageBlock { blocks, loose, .. },
            ) => {
                flush_loose(blocks, std::mem::take(loose));
                blocks.push(block)
            }
            _ => {
                if self.sections.is_empty() {
                    self.sections.push(Section { heading: None, listed: true, id: "opening".into(), matter: Matter::Body, blocks: Vec::new() });
                }
                if let Some(section) = self.sections.last_mut() {
                    section.blocks.push(block);
                }
            }
        }
    }

    /// A paragraph holding one image and nothing else (but spaces) is a figure, as pandoc has it.
    fn paragraph(&mut self, content: Vec<Inline>) {
        let blank = |inline: &Inline| matches!(inline, Inline::Text(t) if t.trim().is_empty());
        let mut pictures = content.iter().filter(|inline| !blank(inline));
        let alone = matches!((pictures.next(), pictures.next()), (Some(Inline::Image(_)), None));
        let figure = if alone { content.iter().find_map(|inline| if let Inline::Image(image) = inline { Some(image.clone()) } else { None }) } else { None };
        match figure {
            Some(image) => {
                let caption = image.title.clone().unwrap_or_else(|| image.alt.clone());
                let caption = if caption.trim().is_empty() { Vec::new() } else { vec![Inline::Text(caption)] };
                self.block(Block::Figure(Figure { image, caption }))
            }
            None => self.block(Block::Paragraph(content)),
        }
    }

    fn heading(&mut self, level: u8, content: Vec<Inline>, written_id: Option<String>, listed: bool, at: usize) {
        let before = std::mem::replace(&mut self.last_heading_level, level);
        if before > 0 && level > before + 1 {
            let (was, is, meant) = ("#".repeat(before.into()), "#".repeat(level.into()), "#".repeat(usize::from(before) + 1));
            self.warning(
                at,
                format!("heading level jumps from `{was}` to `{is}`"),
                &format!("make it `{meant}`, one level below the heading before it: readers and contents lists skip no level"),
            );
        }
        let written_id = written_id.and_then(|id| self.usable_id(id, at));
        let at_top = matches!(self.stack.last(), Some(Frame::Root));
        if level == 1 && at_top {
            let id = written_id.unwrap_or_else(|| self.unique_section_id(&crate::model::plain_text(&content)));
            self.ids.push(id.clone());
            self.sections.push(Section { heading: Some(content), listed, id, matter: Matter::Body, blocks: Vec::new() });
        } else {
            if let Some(id) = &written_id {
                self.ids.push(id.clone());
            }
            self.block(Block::Subheading { level: level.max(2), content, id: written_id, listed });
        }
    }

    /// A heading's own id (`{#id}`) if the EPUB can carry it as one: a name (XML's rules:
    /// a letter or `_` first, then letters, digits, `-`, `_`, `.`), used once, and none of
    /// the ids quire gives its own elements.
    fn usable_id(&mut self, id: String, at: usize) -> Option<String> {
        let mut chars = id.chars();
        let is_name = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || "-_.".contains(c));
        let reserved = ["article", "article-title", "opening", "title", "notes"].contains(&id.as_str()) || id.starts_with("note-") || id.starts_with("noteref-");
        let problem = if !is_name {
            "is not a name an edition can use as an anchor"
        } else if reserved {
            "is one quire gives its own part of the book"
        } else if self.ids.contains(&id) || self.ids.contains(&format!("{id}-title")) || id.strip_suffix("-title").is_some_and(|base| self.ids.iter().any(|i| i == base)) {
            "is used by another heading"
        } else {
            return Some(id);
        };
        self.warning(
            at,
            format!("heading id `#{id}` {problem}; the heading gets an id of its own"),
            "an id starts with a letter and holds letters, digits and hyphens (`{#further-reading}`), and names one heading",
        );
        None
    }

    fn unique_section_id(&self, heading: &str) -> String {
        let base = section_id(heading);
        let mut id = base.clone();
        let mut n = 2;
        while self.sections.iter().any(|s| s.id == id) || self.ids.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    pub(super) fn finish(mut self) -> Result<Manuscript, Vec<Diagnostic>> {
        for (label, offset) in std::mem::take(&mut self.undefined_notes) {
            let nearest = self.note_labels.keys().map(|l| (front_matter::edit_distance(l, &label), l)).filter(|(d, _)| *d <= 2).min();
            let help = match nearest {
                Some((_, meant)) => format!("did you mean `[^{meant}]`? Or add a line `[^{label}]: the note's text` after the paragraph"),
                None => format!("add a line `[^{label}]: the note's text` after the paragraph, or correct the label"),
            };
            self.error(offset, format!("note reference `[^{label}]` has no definition"), &help);
        }
        // A `<div lang>` or `:::` never closed ends with the manuscript.
        self.fences_before(usize::MAX);
        self.close_open_html();
        let unclosed = self.front_matter.is_none() && self.check_unclosed_front_matter();
        let front_matter_failed = unclosed || (self.front_matter.is_some() && self.metadata.is_none());
        let has_text = self.sections.iter().any(|s| !s.blocks.is_empty() || s.heading.is_some());
        if !has_text && !self.diagnostics.iter().any(Diagnostic::is_error) {
            let end = self.pos(self.text.len());
            self.diagnostics.push(
                Diagnostic::error(self.source.path, Some(end), "the manuscript has no text after its front matter")
                    .with_help("write the article below the front matter"),
            );
        }
        let mut metadata = self.metadata.take().unwrap_or_default();
        match self.book {
            Some(book) => inherit(&mut metadata, book),
            None if !front_matter_failed => self.assume_what_the_front_matter_leaves_out(&mut metadata),
            None => {}
        }
        for section in &mut self.sections {
            let title = section.heading.as_deref().map(crate::model::plain_text).unwrap_or_default();
            if metadata.back_matter.iter().any(|b| b.trim() == title.trim()) {
                section.matter = Matter::Back;
            }
        }
        for wanted in &metadata.back_matter {
            let found = self.sections.iter().any(|s| s.heading.as_deref().map(crate::model::plain_text).as_deref() == Some(wanted.trim()));
            if !found {
                let at = front_matter::key_line(self.text, "back_matter").map(|(_, value)| self.pos(value));
                self.diagnostics.push(
                    Diagnostic::warning(self.source.path, at, format!("`back_matter` names “{wanted}”, but no `#` heading has that text"))
                        .with_help("copy the heading exactly, or remove it from `back_matter`")
                        .with_source(self.text),
                );
            }
        }
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return Err(self.diagnostics);
        }
        let mut book = Book::of_sections(metadata, self.sections, self.notes);
        book.chapters[0].file = self.source.path.to_path_buf();
        if self.book.is_some() {
            let links = std::mem::take(&mut self.internal_links).into_iter().map(|(url, at)| (url, self.source.pos(at))).collect();
            return Ok(Manuscript { book, warnings: self.diagnostics, book_links: links });
        }
        for (id, at) in std::mem::take(&mut self.internal_links) {
            if find_heading(&heading_ids(&book), &id).is_none() {
                let pos = self.source.pos(at);
                self.diagnostics.push(
                    Diagnostic::warning(self.source.path, Some(pos), format!("link `#{id}` is to no heading of the book; its text stays, unlinked"))
                        .with_help("link to a heading by its id: its words in lower case joined by hyphens (`#further-reading`)")
                        .with_source(self.text),
                );
            }
        }
        resolve_internal_links(&mut book);
        Ok(Manuscript { book, warnings: self.diagnostics, book_links: Vec::new() })
    }
}

impl Folder<'_> {
    /// A `---` or `+++` line opening the file, then a `key: value` or `key = value` line, is
    /// front matter whose closing line is missing: the parser read it as text, which would
    /// print the keys in every edition.
    fn check_unclosed_front_matter(&mut self) -> bool {
        let mut lines = self.text.lines().map(str::trim_end);
        let (Some(opening), Some(first_key)) = (lines.next(), lines.next()) else { return false };
        let separator = match opening {
            "---" => ':',
            "+++" => '=',
            _ => return false,
        };
        let unclosed = first_key.contains(separator);
        if unclosed {
            self.error(0, "the front matter opened here is never closed".into(), &format!("end it with a line `{opening}` before the text"));
        }
        unclosed
    }

    /// A manuscript needs no front matter: what it does not say is assumed, and each
    /// assumption is a warning at the top of the file that says how to state it.
    fn assume_what_the_front_matter_leaves_out(&mut self, metadata: &mut Metadata) {
        let syntax = self.front_matter.unwrap_or(Syntax::Yaml);
        let how = |key: &str, value: &str| match self.front_matter {
            Some(_) => format!("add a line `{}` to the front matter", syntax.line(key, value)),
            None => format!("open the file with front matter: a line `---`, a line `{}`, a line `---`", syntax.line(key, value)),
        };
        let top = SourcePos { line: 1, column: 1 };
        let mut assumed = Vec::new();
        if metadata.title.trim().is_empty() {
            // A `#` heading that opens the text is the title, and not a section of its own as well.
            let opening = self.sections.first().filter(|s| s.heading.is_some());
            let (title, from) = match opening {
                Some(section) => (crate::model::plain_text(section.heading.as_deref().unwrap_or_default()), "its first heading"),
                None => (title_from_file_name(self.source.path), "the file name"),
            };
            if opening.is_some() {
                let section = &mut self.sections[0];
                section.heading = None;
                section.id = "opening".into();
            }
            assumed.push((format!("the manuscript has no title; the editions take “{title}” from {from}"), how("title", "\"…\"")));
            metadata.title = title;
        }
        if metadata.language.is_empty() {
            // pandoc's name in YAML, quire's in TOML: both are read either way.
            let key = if syntax == Syntax::Yaml { "lang" } else { "language" };
            assumed.push(("the manuscript does not say its language; the editions assume English (`en`)".into(), how(key, "\"en\"")));
            metadata.language = "en".into();
        }
        metadata.authors.retain(|a| !a.trim().is_empty());
        metadata.author = metadata.byline();
        if metadata.author.is_none() {
            assumed.push(("the manuscript names no author; no edition names one".into(), how("author", "\"…\"")));
        }
        for (message, help) in assumed {
            self.diagnostics.push(Diagnostic::warning(self.source.path, Some(top), message).with_help(&help).with_source(self.text));
        }
    }
}

/// The id quire gives a section whose heading is `heading`: `sec-` and its words
/// in lower case joined by hyphens (made unique by the caller).
pub(super) fn section_id(heading: &str) -> String {
    let slug: String = heading
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() { "section".to_owned() } else { format!("sec-{slug}") }
}

/// A chapter's front matter says only what differs from the book's: the rest is the book's.
fn inherit(chapter: &mut Metadata, book: &Metadata) {
    if chapter.language.is_empty() {
        chapter.language.clone_from(&book.language);
    }
    chapter.quotes = chapter.quotes.take().or_else(|| book.quotes.clone());
    chapter.smart_punctuation = chapter.smart_punctuation.or(book.smart_punctuation);
    chapter.hyphenation_exceptions.extend(book.hyphenation_exceptions.iter().cloned());
    if chapter.authors.is_empty() {
        chapter.authors.clone_from(&book.authors);
    }
    chapter.authors.retain(|a| !a.trim().is_empty());
    chapter.author = chapter.byline();
}

/// A title for a manuscript that gives none: its file's name, with the hyphens and
/// underscores that stand for spaces in file names made spaces again.
fn title_from_file_name(path: &std::path::Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let title = stem.replace(['-', '_'], " ").trim().to_owned();
    if title.is_empty() { "Untitled".to_owned() } else { title }
}

/// Where a link's address leads, as far as the editions care.
enum LinkTarget<'a> {
    /// `http:`, `https:` or `mailto:`: live in the EPUB.
    Web,
    /// `#id`: a heading of the book, once it is known to exist.
    Heading(&'a str),
    /// Any other scheme (`javascript:`, `file:`, `data:`, …): never live.
    Scheme(&'a str),
    /// `/about` or `//host/…`: a page of whatever site the text once lived on.
    SiteRoot,
    /// `chapter2.md`, `../notes.html`: a file the editions do not carry.
    File,
    Nothing,
}

fn link_target(url: &str) -> LinkTarget<'_> {
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme {
        Some(s) if ["http", "https", "mailto"].iter().any(|web| s.eq_ignore_ascii_case(web)) => LinkTarget::Web,
        Some(s) => LinkTarget::Scheme(s),
        None if url.trim().is_empty() => LinkTarget::Nothing,
        None => match url.strip_prefix('#') {
            Some(id) => LinkTarget::Heading(id),
            None if url.starts_with(['/', '\\']) => LinkTarget::SiteRoot,
            None => LinkTarget::File,
        },
    }
}

/// Links to a heading lead to its section's id, pandoc's form (`#further-reading`) too;
/// a link to no heading keeps its text only (the check has said so).
fn resolve_internal_links(book: &mut Book) {
    let ids = heading_ids(book);
    book.for_each_inlines_mut(&mut |inlines| resolve_in(inlines, &|url| find_heading(&ids, url.trim_start_matches('#'))));
}

/// `chapter.md` or `chapter.md#id`: a file a book's chapter may be.
pub(super) fn is_markdown_file(url: &str) -> bool {
    let path = url.split('#').next().unwrap_or("");
    path.ends_with(".md") && !path.contains(':')
}

/// The ids a link can lead to: sections with a heading (the text before the first heading
/// has none to link to).
pub(super) fn heading_ids(book: &Book) -> Vec<String> {
    let sections = book.sections().filter(|s| s.heading.is_some()).map(|s| s.id.clone());
    sections.chain(book.sections().flat_map(|s| s.subheading_ids()).map(str::to_owned)).collect()
}

/// The heading `id` names, as quire writes ids (`sec-further-reading`) or as pandoc does
/// (`further-reading`).
pub(super) fn find_heading(ids: &[String], id: &str) -> Option<String> {
    ids.iter().find(|s| *s == id || **s == format!("sec-{id}")).cloned()
}

/// Each link to a part of the book in `inlines` leads where `resolve` says: it is given
/// the link's whole address (`#id`, or in a book `chapter.md#id`) and gives the id it
/// leads to; a link it cannot resolve keeps its text only.
pub(super) fn resolve_in(inlines: &mut Vec<Inline>, resolve: &dyn Fn(&str) -> Option<String>) {
    let mut i = 0;
    while i < inlines.len() {
        if let Inline::Emphasis(c)
        | Inline::Strong(c)
        | Inline::Strikethrough(c)
        | Inline::Superscript(c)
        | Inline::Subscript(c)
        | Inline::Language { content: c, .. } = &mut inlines[i]
        {
            resolve_in(c, resolve);
        }
        if let Inline::Link { url, content } = &mut inlines[i] {
            resolve_in(content, resolve);
            if url.starts_with('#') || is_markdown_file(url) {
                match resolve(url) {
                    Some(found) => *url = format!("#{found}"),
                    None => {
                        let content = std::mem::take(content);
                        let n = content.len();
                        inlines.splice(i..=i, content);
                        i += n;
                        continue;
                    }
                }
            }
        }
        i += 1;
    }
}

fn flush_loose(blocks: &mut Vec<Block>, loose: Vec<Inline>) {
    if !loose.is_empty() {
        blocks.push(Block::Paragraph(loose));
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Block, List};

    fn lists(text: &str) -> Vec<List> {
        let manuscript = super::super::parse(std::path::Path::new("t.md"), &format!("---\ntitle: T\nauthor: A\nlang: en\n---\n\n{text}")).unwrap();
        let mut found = Vec::new();
        fn collect(blocks: &[Block], found: &mut Vec<List>) {
            for block in blocks {
                if let Block::List(list) = block {
                    found.push(list.clone());
                    list.items.iter().for_each(|item| collect(&item.blocks, found));
                }
            }
        }
        manuscript.book.sections().for_each(|s| collect(&s.blocks, &mut found));
        found
    }

    #[test]
    fn a_list_is_tight_unless_blank_lines_part_its_items() {
        let tight = lists("- one\n- two\n  - nested\n  - nested too\n- three\n");
        assert_eq!(tight.iter().map(|l| l.tight).collect::<Vec<_>>(), [true, true], "an item's text before a nested list keeps it tight");
        let loose = lists("- one\n\n- two\n");
        assert_eq!(loose.iter().map(|l| l.tight).collect::<Vec<_>>(), [false]);
    }
}
