//! The document model: the contract between the manuscript reader and every edition.
//!
//! Nothing from the Markdown parser crosses this line. Later stages (notes,
//! typography, EPUB writer, typesetter) see only these types.

pub mod labels;
pub mod metadata;
pub mod print_pages;
pub mod walk;

pub use walk::for_each_inlines_mut;

use metadata::Metadata;

/// A place in the manuscript, 1-based, for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourcePos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub metadata: Metadata,
    /// The parts that group the chapters, in order; none in a book without parts.
    pub parts: Vec<Part>,
    /// One for each chapter file, in reading order. A one-file manuscript is a
    /// book of one chapter without a title of its own: the article's form.
    pub chapters: Vec<Chapter>,
    /// Every note of the book, numbered 1…n through the book in the order of their
    /// first reference (after the notes pass); each says which chapter it belongs to.
    pub notes: Vec<Note>,
}

impl Book {
    /// A book of one untitled chapter: a one-file manuscript.
    pub fn of_sections(metadata: Metadata, sections: Vec<Section>, notes: Vec<Note>) -> Book {
        let chapter = Chapter { title: None, id: "chapter-1".into(), number: None, part: None, file: std::path::PathBuf::new(), sections };
        Book { metadata, parts: Vec::new(), chapters: vec![chapter], notes }
    }

    /// Every section of the book, chapter after chapter.
    pub fn sections(&self) -> impl DoubleEndedIterator<Item = &Section> {
        self.chapters.iter().flat_map(|c| c.sections.iter())
    }

    pub fn sections_mut(&mut self) -> impl Iterator<Item = &mut Section> {
        self.chapters.iter_mut().flat_map(|c| c.sections.iter_mut())
    }

    /// A book of several chapters, or of chapters with titles of their own: not an article.
    pub fn has_chapters(&self) -> bool {
        self.chapters.iter().any(|c| c.title.is_some())
    }

    /// The notes of chapter `index`, in their order.
    pub fn notes_of(&self, index: usize) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.chapter == index)
    }
}

/// A chapter: one file of a book.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// The chapter's title; `None` for the one chapter of a one-file manuscript,
    /// which the book's title opens.
    pub title: Option<Vec<Inline>>,
    /// Stable anchor of the chapter's opening (`chapter-3`).
    pub id: String,
    /// The chapter's number as printed; `None` for an unnumbered chapter (a preface).
    pub number: Option<usize>,
    /// Index into [`Book::parts`] of the part the chapter is in.
    pub part: Option<usize>,
    /// The file the chapter was read from, as diagnostics name it.
    pub file: std::path::PathBuf,
    /// The text before the chapter's first section heading is a section without a heading.
    pub sections: Vec<Section>,
}

/// A part: a group of chapters under a title of its own (“Part One: Before 1917”).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub title: Vec<Inline>,
    /// Stable anchor of the part's title page (`part-1`).
    pub id: String,
    /// 1, 2, 3 … in reading order.
    pub number: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matter {
    Body,
    /// Set after the article: "Further reading", appendices.
    Back,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: Option<Vec<Inline>>,
    /// False for a heading marked `.unlisted`: it stays out of contents and outlines.
    pub listed: bool,
    /// Stable anchor for links and the table of contents.
    pub id: String,
    pub matter: Matter,
    pub blocks: Vec<Block>,
}

impl Section {
    /// The anchors of the bibliography's entries in this section, for the citations' links.
    pub fn entry_ids(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().flat_map(|b| match b {
            Block::Bibliography(entries) => entries.as_slice(),
            _ => &[],
        }).map(|e| e.id.as_str())
    }

    /// Whether this section is the bibliography (the EPUB types it so).
    pub fn is_bibliography(&self) -> bool {
        self.blocks.iter().any(|b| matches!(b, Block::Bibliography(_)))
    }

    /// The ids the manuscript gave the subheadings of this section, for links to them.
    pub fn subheading_ids(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Subheading { id: Some(id), .. } => Some(id.as_str()),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    /// A heading below section level (`##` and deeper); `level` 2…6.
    /// `id` is the one the manuscript gave it (`## Heading {#id}`), its anchor for links.
    /// `listed` is false for a heading marked `.unlisted`: it stays out of contents and outlines.
    Subheading { level: u8, content: Vec<Inline>, id: Option<String>, listed: bool },
    Quote(Vec<Block>),
    List(List),
    /// A code block, its text exactly as written; `language` from the fence's info string.
    Code { text: String, language: Option<String> },
    Rule,
    Table(Table),
    /// An image alone in its paragraph (pandoc's convention), with its caption.
    Figure(Figure),
    /// Lines kept as lines: pandoc's line blocks (`| ` lines), verse.
    Verse(Vec<Vec<Inline>>),
    /// The works a book cites, as its citation style sets them, in the style's order
    /// (made by the citations pass from the bibliography).
    Bibliography(Vec<BibliographyEntry>),
    /// A definition list: each term with its definitions.
    Definitions(Vec<Definition>),
    /// Blocks in a language other than the book's (`<div lang="fr">`, `::: {lang=fr}`).
    Language { lang: String, blocks: Vec<Block> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The number of the first item of an ordered list; `None` for a bulleted one.
    pub start: Option<u64>,
    /// A tight list has no blank lines between its items, and is set without space between them.
    pub tight: bool,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// A task list's box: `Some(true)` ticked (`[x]`), `Some(false)` open (`[ ]`).
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Copy)]
pub enum Align {
    /// No alignment asked (`---`): the edition's default (left).
    None,
    Left,
    Center,
    Right,
}

/// A table: a header row, body rows, and each column's alignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub alignments: Vec<Align>,
    /// The header row's cells; empty when the table has none.
    pub header: Vec<Vec<Inline>>,
    pub rows: Vec<Vec<Vec<Inline>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub image: Image,
    /// The caption: the image's title if it has one, or else its description.
    pub caption: Vec<Inline>,
}

/// A picture the manuscript places: `src` as written (relative to the manuscript's
/// folder), `alt` the description shown where it cannot be, `title` if given.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub src: String,
    pub alt: String,
    pub title: Option<String>,
    pub at: SourcePos,
}

/// One work of the bibliography: its anchor (`bib-reed1919`, the target of the
/// citations' links), its key in the bibliography file, and its text as the style sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct BibliographyEntry {
    pub id: String,
    pub key: String,
    pub content: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub term: Vec<Inline>,
    /// Each definition of the term (a term may have several), as blocks.
    pub details: Vec<Vec<Block>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Code(String),
    /// TeX math, kept as its source until quire sets math; `display` for `$$…$$`.
    Math { tex: String, display: bool },
    Link { url: String, content: Vec<Inline> },
    Image(Image),
    /// Text in another language than what surrounds it (`[texte]{lang=fr}`, `<span lang="fr">`).
    Language { lang: String, content: Vec<Inline> },
    NoteRef(NoteRef),
    /// A hard line break: the line ends here in every edition.
    LineBreak,
    /// A citation of the bibliography as written (`[see @reed1919, p. 12]`, `@reed1919`),
    /// until the citations pass makes it a note or text; no edition sees one.
    Citation(Citation),
}

impl Inline {
    /// The inlines this one holds (emphasis, a link's text, a span), if it holds any.
    pub fn content_mut(&mut self) -> Option<&mut Vec<Inline>> {
        match self {
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c)
            | Inline::Link { content: c, .. }
            | Inline::Language { content: c, .. } => Some(c),
            _ => None,
        }
    }
}

/// pandoc's citation: one or more works cited together.
#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    pub items: Vec<CiteItem>,
    /// `@key` in the running text (the author's name is the sentence's), not in brackets.
    pub in_text: bool,
    /// The citation as typed, set as it stands when the book has no bibliography.
    pub source: String,
    pub at: SourcePos,
}

/// One work of a citation: `see @key, pp. 3–5, emphasis added`.
#[derive(Debug, Clone, PartialEq)]
pub struct CiteItem {
    pub key: String,
    /// Text before the key (`see`).
    pub prefix: String,
    /// Where in the work: its kind as CSL names it (`page`, `chapter`, …) and the value (`3–5`).
    pub locator: Option<(String, String)>,
    /// Text after the locator (`emphasis added`).
    pub suffix: String,
    /// `-@key`: the author is named in the sentence already.
    pub suppress_author: bool,
    pub at: SourcePos,
}
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRef {
    pub label: String,
    /// The note's number through the book, which names its anchors; 0 until the notes pass has run.
    pub number: usize,
    /// The number printed at the reference: `number`, or the note's number within its
    /// chapter when numbering restarts per chapter.
    pub mark: usize,
    /// 1 for the first reference to a note, 2 for the second, …; each gets its own backlink.
    pub occurrence: usize,
    pub at: SourcePos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The label as written, unique within its chapter's file.
    pub label: String,
    /// The note's number through the book, which names its anchors.
    pub number: usize,
    /// The number printed before the note (see [`NoteRef::mark`]).
    pub mark: usize,
    /// Index into [`Book::chapters`] of the chapter the note belongs to.
    pub chapter: usize,
    pub blocks: Vec<Block>,
    /// How many references point here; one backlink for each.
    pub references: usize,
    pub at: SourcePos,
}

impl NoteRef {
    /// Anchor of this reference in the text, target of the note's backlink.
    pub fn anchor(&self) -> String {
        noteref_anchor(self.number, self.occurrence)
    }
}

pub fn noteref_anchor(number: usize, occurrence: usize) -> String {
    if occurrence <= 1 {
        format!("noteref-{number}")
    } else {
        format!("noteref-{number}-{occurrence}")
    }
}

/// a, b, c … naming the first, second, third … reference to a note cited more
/// than once, on its backlinks (both editions mark them alike).
pub fn occurrence_letter(occurrence: usize) -> char {
    (b'a' + (occurrence.max(1) - 1).rem_euclid(26) as u8) as char
}

pub fn note_anchor(number: usize) -> String {
    format!("note-{number}")
}

/// The plain text of inlines, for titles, outlines and alt text.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    walk::leaves(inlines, walk::Emphasis::default(), &mut |leaf, _| match leaf {
        walk::Leaf::Text(t) | walk::Leaf::Code(t) => out.push_str(t),
        walk::Leaf::Image(Image { alt, .. }) => out.push_str(alt),
        walk::Leaf::Math(t) => out.push_str(t),
        walk::Leaf::LineBreak => out.push(' '),
        walk::Leaf::Url(_) | walk::Leaf::Language(_) | walk::Leaf::NoteRef(_) => {}
    });
    out
}
