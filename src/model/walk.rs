//! One walk over the document model's text. Every pass that reads or changes
//! the text goes through it, so that no pass forgets a kind of block or inline
//! (a note reference inside a link, alt text, a table cell) when the model grows.

use super::{Block, Book, Image, Inline, NoteRef, Section};

/// How the inline at hand is emphasised by the inlines around it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Emphasis {
    pub italic: bool,
    pub bold: bool,
    pub struck: bool,
    pub position: Position,
}

/// Where the inline at hand sits against the baseline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Position {
    #[default]
    Baseline,
    Superscript,
    Subscript,
}

/// What the walk over a run of inlines meets, in reading order.
#[derive(Debug, Clone, Copy)]
pub enum Leaf<'a> {
    Text(&'a str),
    /// Inline code: shown as written.
    Code(&'a str),
    /// A link's address, met before its content: written into the editions, not shown as text.
    Url(&'a str),
    /// TeX math, shown as its source.
    Math(&'a str),
    /// An image: its description is shown where the picture cannot be; its file is not text.
    Image(&'a Image),
    /// The start of text in another language, met before that text.
    Language(&'a str),
    NoteRef(&'a NoteRef),
    LineBreak,
}

/// The leaves of `inlines` with the emphasis each is set in, starting from `around`.
pub fn leaves<'a>(inlines: &'a [Inline], around: Emphasis, visit: &mut dyn FnMut(Leaf<'a>, Emphasis)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => visit(Leaf::Text(t), around),
            Inline::Code(t) => visit(Leaf::Code(t), around),
            Inline::Emphasis(c) => leaves(c, Emphasis { italic: true, ..around }, visit),
            Inline::Strong(c) => leaves(c, Emphasis { bold: true, ..around }, visit),
            Inline::Strikethrough(c) => leaves(c, Emphasis { struck: true, ..around }, visit),
            Inline::Superscript(c) => leaves(c, Emphasis { position: Position::Superscript, ..around }, visit),
            Inline::Subscript(c) => leaves(c, Emphasis { position: Position::Subscript, ..around }, visit),
            Inline::Math { tex, .. } => visit(Leaf::Math(tex), around),
            Inline::Link { url, content } => {
                visit(Leaf::Url(url), around);
                leaves(content, around, visit)
            }
            Inline::Language { lang, content } => {
                visit(Leaf::Language(lang), around);
                leaves(content, around, visit)
            }
            Inline::Image(image) => visit(Leaf::Image(image), around),
            Inline::NoteRef(r) => visit(Leaf::NoteRef(r), around),
            Inline::LineBreak => visit(Leaf::LineBreak, around),
            // Not yet made a note or text: seen as typed.
            Inline::Citation(c) => visit(Leaf::Text(&c.source), around),
        }
    }
}

/// What the changing walk over a run of inlines meets: the text and the note
/// references may be changed, the rest is there to be seen.
pub enum LeafMut<'a> {
    Text(&'a mut String),
    Code(&'a str),
    /// TeX source: seen, never changed by a typography pass.
    Math(&'a str),
    Image,
    NoteRef(&'a mut NoteRef),
    LineBreak,
}

/// The leaves of `inlines` in reading order, to change in place.
pub fn leaves_mut(inlines: &mut [Inline], visit: &mut dyn FnMut(LeafMut<'_>)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => visit(LeafMut::Text(t)),
            Inline::Code(t) => visit(LeafMut::Code(t)),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. }
            | Inline::Language { content: c, .. } => leaves_mut(c, visit),
            Inline::Math { tex, .. } => visit(LeafMut::Math(tex)),
            Inline::Image(_) => visit(LeafMut::Image),
            Inline::NoteRef(r) => visit(LeafMut::NoteRef(r)),
            Inline::LineBreak => visit(LeafMut::LineBreak),
            // The citations pass, not a text pass, turns it into text.
            Inline::Citation(_) => {}
        }
    }
}

/// A run of text a block holds.
#[derive(Debug, Clone, Copy)]
pub enum Run<'a> {
    /// Inlines; `heading` for the text of a heading, which is set in the bold face.
    Inlines { content: &'a [Inline], heading: bool },
    /// A code block's text, shown as written.
    Verbatim(&'a str),
}

/// Every run of text in `blocks`, depth first, in reading order.
pub fn runs<'a>(blocks: &'a [Block], visit: &mut dyn FnMut(Run<'a>)) {
    for block in blocks {
        match block {
            Block::Paragraph(c) => visit(Run::Inlines { content: c, heading: false }),
            Block::Subheading { content, .. } => visit(Run::Inlines { content, heading: true }),
            Block::Quote(inner) | Block::Language { blocks: inner, .. } => runs(inner, visit),
            Block::List(list) => list.items.iter().for_each(|item| runs(&item.blocks, visit)),
            Block::Code { text, .. } => visit(Run::Verbatim(text)),
            Block::Table(table) => table.header.iter().chain(table.rows.iter().flatten()).for_each(|cell| visit(Run::Inlines { content: cell, heading: false })),
            Block::Figure(figure) => visit(Run::Inlines { content: &figure.caption, heading: false }),
            Block::Verse(lines) => lines.iter().for_each(|line| visit(Run::Inlines { content: line, heading: false })),
            Block::Definitions(definitions) => definitions.iter().for_each(|d| {
                visit(Run::Inlines { content: &d.term, heading: false });
                d.details.iter().for_each(|detail| runs(detail, visit));
            }),
            Block::Bibliography(entries) => entries.iter().for_each(|e| visit(Run::Inlines { content: &e.content, heading: false })),
            Block::Rule => {}
        }
    }
}

/// Every picture `blocks` place, in reading order, each with whether it is a
/// figure's (`true`) or stands in a run of text (`false`).
pub fn images<'a>(blocks: &'a [Block], visit: &mut dyn FnMut(&'a Image, bool)) {
    for block in blocks {
        if let Block::Figure(figure) = block {
            visit(&figure.image, true);
        }
        runs(std::slice::from_ref(block), &mut |run| {
            if let Run::Inlines { content, .. } = run {
                leaves(content, Emphasis::default(), &mut |leaf, _| {
                    if let Leaf::Image(image) = leaf {
                        visit(image, false);
                    }
                });
            }
        });
    }
}

/// Calls `visit` on every inline sequence of the blocks, depth first, in reading order.
pub fn for_each_inlines_mut(blocks: &mut [Block], visit: &mut dyn FnMut(&mut Vec<Inline>)) {
    for_each_inlines_in_language_mut(blocks, "", &mut |inlines, _| visit(inlines));
}

/// [`for_each_inlines_mut`], telling `visit` the language each sequence is
/// in: `lang` (a BCP 47 tag), or the tag of the language block around it.
pub fn for_each_inlines_in_language_mut(blocks: &mut [Block], lang: &str, visit: &mut dyn FnMut(&mut Vec<Inline>, &str)) {
    for block in blocks {
        match block {
            Block::Paragraph(c) | Block::Subheading { content: c, .. } => visit(c, lang),
            Block::Quote(b) => for_each_inlines_in_language_mut(b, lang, visit),
            Block::Language { lang: own, blocks: b } => for_each_inlines_in_language_mut(b, own, visit),
            Block::List(list) => list.items.iter_mut().for_each(|i| for_each_inlines_in_language_mut(&mut i.blocks, lang, visit)),
            Block::Table(table) => table.header.iter_mut().chain(table.rows.iter_mut().flatten()).for_each(|c| visit(c, lang)),
            Block::Figure(figure) => visit(&mut figure.caption, lang),
            Block::Verse(lines) => lines.iter_mut().for_each(|l| visit(l, lang)),
            Block::Definitions(definitions) => definitions.iter_mut().for_each(|d| {
                visit(&mut d.term, lang);
                d.details.iter_mut().for_each(|detail| for_each_inlines_in_language_mut(detail, lang, visit));
            }),
            Block::Bibliography(entries) => entries.iter_mut().for_each(|e| visit(&mut e.content, lang)),
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

/// A part's or chapter's title, or a section, in the book's reading order.
enum TitleOrSection<'a> {
    Title(&'a Vec<Inline>),
    Section(&'a Section),
}

impl<'a> TitleOrSection<'a> {
    fn heading_and_blocks(&self) -> (Option<&'a Vec<Inline>>, &'a [Block]) {
        match *self {
            TitleOrSection::Title(title) => (Some(title), &[]),
            TitleOrSection::Section(section) => (section.heading.as_ref(), &section.blocks),
        }
    }
}

impl Book {
    /// The titles of parts and chapters and the sections of each chapter, in
    /// reading order: a part's title before its first chapter.
    fn titles_and_sections(&self) -> Vec<TitleOrSection<'_>> {
        let mut order = Vec::new();
        let mut part = None;
        for chapter in &self.chapters {
            if chapter.part != part {
                part = chapter.part;
                if let Some(p) = part.and_then(|p| self.parts.get(p)) {
                    order.push(TitleOrSection::Title(&p.title));
                }
            }
            if let Some(title) = &chapter.title {
                order.push(TitleOrSection::Title(title));
            }
            order.extend(chapter.sections.iter().map(TitleOrSection::Section));
        }
        order
    }

    /// The runs of the book's titles and sections in reading order: [`Book::runs`] without the notes.
    pub fn text_runs<'a>(&'a self, visit: &mut dyn FnMut(Run<'a>)) {
        for item in self.titles_and_sections() {
            let (heading, blocks) = item.heading_and_blocks();
            if let Some(heading) = heading {
                visit(Run::Inlines { content: heading, heading: true });
            }
            runs(blocks, visit);
        }
    }

    /// Every run of text of the book in reading order: part and chapter titles,
    /// each section's heading and blocks, then the notes.
    pub fn runs<'a>(&'a self, visit: &mut dyn FnMut(Run<'a>)) {
        self.text_runs(visit);
        for note in &self.notes {
            runs(&note.blocks, visit);
        }
    }

    /// Every picture of the book (titles and sections, then notes), in reading
    /// order, with whether it is a figure's; see [`images`].
    pub fn images<'a>(&'a self, visit: &mut dyn FnMut(&'a Image, bool)) {
        for item in self.titles_and_sections() {
            let (heading, blocks) = item.heading_and_blocks();
            if let Some(heading) = heading {
                leaves(heading, Emphasis::default(), &mut |leaf, _| {
                    if let Leaf::Image(image) = leaf {
                        visit(image, false);
                    }
                });
            }
            images(blocks, visit);
        }
        for note in &self.notes {
            images(&note.blocks, visit);
        }
    }

    /// Every inline sequence of the book in the order of [`Book::runs`], to change in place.
    pub fn for_each_inlines_mut(&mut self, visit: &mut dyn FnMut(&mut Vec<Inline>)) {
        self.for_each_inlines_in_language_mut("", &mut |inlines, _| visit(inlines));
    }

    /// [`Book::for_each_inlines_mut`] with the language of each sequence: `lang`
    /// (the book's) or that of the language block it is in.
    pub fn for_each_inlines_in_language_mut(&mut self, lang: &str, visit: &mut dyn FnMut(&mut Vec<Inline>, &str)) {
        let mut part = None;
        for chapter in &mut self.chapters {
            if chapter.part != part {
                part = chapter.part;
                if let Some(p) = part.and_then(|p| self.parts.get_mut(p)) {
                    visit(&mut p.title, lang);
                }
            }
            if let Some(title) = &mut chapter.title {
                visit(title, lang);
            }
            for section in &mut chapter.sections {
                if let Some(heading) = &mut section.heading {
                    visit(heading, lang);
                }
                for_each_inlines_in_language_mut(&mut section.blocks, lang, visit);
            }
        }
        for note in &mut self.notes {
            for_each_inlines_in_language_mut(&mut note.blocks, lang, visit);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Align, Definition, Figure, List, ListItem, Matter, Note, Section, Table};

    fn note_ref(label: &str) -> Inline {
        Inline::NoteRef(NoteRef { label: label.into(), number: 0, mark: 0, occurrence: 0, at: Default::default() })
    }

    /// A book with one of every block and inline, each holding text named after its place.
    fn every_kind() -> Book {
        let inlines = vec![
            Inline::Text("text".into()),
            Inline::Emphasis(vec![Inline::Text("em".into()), Inline::Strong(vec![Inline::Text("em-strong".into())])]),
            Inline::Link { url: "https://x.org".into(), content: vec![Inline::Text("link".into()), note_ref("in-link")] },
            Inline::Image(image()),
            Inline::Code("code".into()),
            Inline::LineBreak,
            Inline::Strikethrough(vec![Inline::Text("struck".into())]),
            Inline::Superscript(vec![Inline::Text("sup".into())]),
            Inline::Subscript(vec![Inline::Text("sub".into())]),
            Inline::Math { tex: "x^2".into(), display: false },
            Inline::Language { lang: "fr".into(), content: vec![Inline::Text("texte".into())] },
        ];
        let para = |t: &str| vec![Block::Paragraph(vec![Inline::Text(t.into())])];
        let blocks = vec![
            Block::Paragraph(inlines),
            Block::Subheading { level: 2, content: vec![Inline::Text("subheading".into())], id: None, listed: true },
            Block::Quote(para("quote")),
            Block::List(List { start: None, tight: true, items: vec![ListItem { task: None, blocks: para("item") }] }),
            Block::Code { text: "verbatim".into(), language: None },
            Block::Rule,
            Block::Table(Table { alignments: vec![Align::None], header: vec![vec![Inline::Text("head".into())]], rows: vec![vec![vec![Inline::Text("cell".into())]]] }),
            Block::Figure(Figure { image: image(), caption: vec![Inline::Text("caption".into())] }),
            Block::Verse(vec![vec![Inline::Text("line".into())]]),
            Block::Definitions(vec![Definition { term: vec![Inline::Text("term".into())], details: vec![para("detail")] }]),
            Block::Language { lang: "de".into(), blocks: para("deutsch") },
        ];
        Book::of_sections(
            Default::default(),
            vec![Section { heading: Some(vec![Inline::Text("heading".into())]), listed: true, id: "s".into(), matter: Matter::Body, blocks }],
            vec![Note { label: "n".into(), number: 1, mark: 1, chapter: 0, blocks: vec![Block::Paragraph(vec![Inline::Text("note".into())])], references: 1, at: Default::default() }],
        )
    }

    fn image() -> crate::model::Image {
        crate::model::Image { src: "i.png".into(), alt: "alt".into(), title: None, at: Default::default() }
    }

    #[test]
    fn the_walk_reaches_every_text_in_reading_order() {
        let book = every_kind();
        let mut seen = Vec::new();
        book.runs(&mut |run| match run {
            Run::Verbatim(text) => seen.push(format!("verbatim:{text}")),
            Run::Inlines { content, heading } => leaves(content, Emphasis::default(), &mut |leaf, e| {
                let position = match e.position {
                    Position::Baseline => "",
                    Position::Superscript => "^",
                    Position::Subscript => "_",
                };
                let mark = format!("{}{}{}{}{position}", if heading { "h" } else { "" }, if e.italic { "i" } else { "" }, if e.bold { "b" } else { "" }, if e.struck { "s" } else { "" });
                seen.push(match leaf {
                    Leaf::Text(t) | Leaf::Code(t) => format!("{t}/{mark}"),
                    Leaf::Math(t) => format!("math:{t}"),
                    Leaf::Language(lang) => format!("lang:{lang}"),
                    Leaf::Url(u) => format!("url:{u}"),
                    Leaf::Image(image) => format!("image:{}:{}", image.alt, image.src),
                    Leaf::NoteRef(r) => format!("ref:{}", r.label),
                    Leaf::LineBreak => "break".into(),
                })
            }),
        });
        assert_eq!(
            seen,
            [
                "heading/h", "text/", "em/i", "em-strong/ib", "url:https://x.org", "link/", "ref:in-link", "image:alt:i.png", "code/", "break",
                "struck/s", "sup/^", "sub/_", "math:x^2", "lang:fr", "texte/", "subheading/h", "quote/", "item/", "verbatim:verbatim", "head/",
                "cell/", "caption/", "line/", "term/", "detail/", "deutsch/", "note/"
            ]
        );
    }

    #[test]
    fn the_changing_walk_reaches_the_same_texts_and_note_references() {
        let mut book = every_kind();
        let mut texts = Vec::new();
        book.for_each_inlines_mut(&mut |inlines| {
            leaves_mut(inlines, &mut |leaf| match leaf {
                LeafMut::Text(t) => {
                    texts.push(t.clone());
                    t.push('!');
                }
                LeafMut::NoteRef(r) => r.number = 7,
                _ => {}
            })
        });
        assert_eq!(
            texts,
            [
                "heading", "text", "em", "em-strong", "link", "struck", "sup", "sub", "texte", "subheading", "quote", "item", "head", "cell", "caption",
                "line", "term", "detail", "deutsch", "note"
            ]
        );
        let mut after = Vec::new();
        let mut numbers = Vec::new();
        book.runs(&mut |run| {
            if let Run::Inlines { content, .. } = run {
                leaves(content, Emphasis::default(), &mut |leaf, _| match leaf {
                    Leaf::Text(t) => after.push(t.to_owned()),
                    Leaf::NoteRef(r) => numbers.push(r.number),
                    _ => {}
                })
            }
        });
        assert!(after.iter().all(|t| t.ends_with('!')), "{after:?}");
        assert_eq!(numbers, [7]);
    }
}
