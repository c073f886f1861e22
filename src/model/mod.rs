//! The document model: the contract between the manuscript reader and every edition.
//!
//! Nothing from the Markdown parser crosses this line. Later stages (notes,
//! typography, EPUB writer, typesetter) see only these types.

pub mod metadata;
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
    /// The text before the first heading is a section without a heading.
    pub sections: Vec<Section>,
    /// Numbered 1…n in the order of their first reference (after the notes pass).
    pub notes: Vec<Note>,
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
    /// Stable anchor for links and the table of contents.
    pub id: String,
    pub matter: Matter,
    pub blocks: Vec<Block>,
}

impl Section {
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
    Subheading { level: u8, content: Vec<Inline>, id: Option<String> },
    Quote(Vec<Block>),
    List { start: Option<u64>, items: Vec<Vec<Block>> },
    Code(String),
    Rule,
    /// A table kept simple: rows of cells, the first row a header when `header` is set.
    Table { header: bool, rows: Vec<Vec<Vec<Inline>>> },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Code(String),
    Link { url: String, content: Vec<Inline> },
    Image { src: String, alt: String },
    NoteRef(NoteRef),
    LineBreak,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRef {
    pub label: String,
    /// The note's number; 0 until the notes pass has run.
    pub number: usize,
    /// 1 for the first reference to a note, 2 for the second, …; each gets its own backlink.
    pub occurrence: usize,
    pub at: SourcePos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub label: String,
    pub number: usize,
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
        walk::Leaf::Text(t) | walk::Leaf::Code(t) | walk::Leaf::Image { alt: t, .. } => out.push_str(t),
        walk::Leaf::LineBreak => out.push(' '),
        walk::Leaf::Url(_) | walk::Leaf::NoteRef(_) => {}
    });
    out
}
