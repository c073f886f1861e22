//! Block layout: what the book asks to be set, collected from the model; its
//! lines stacked into one vertical flow, broken into pages and dressed.

pub mod bibliography;
pub mod chapters;
pub mod collect;
pub mod covers;
pub mod figure;
pub mod front_matter;
pub mod display;
pub mod furniture;
pub mod grid;
pub mod links;
pub mod list;
pub mod pagebreak;
pub mod pages;
pub mod stack;
pub mod table;
pub mod tagging;

use crate::layout;
use crate::typeset::inline::line::SetLine;
use pagebreak::VItem;

/// A line of the flow and what the page needs to know about it.
#[derive(Debug, Clone)]
pub(crate) struct FlowLine {
    /// Shared with another edition's flow that took up this one's body (`shared_body`).
    pub line: std::sync::Arc<SetLine>,
    /// Distance from the page's left text edge.
    pub indent: f32,
    /// Distance from the top of the line's slot down to its baseline.
    pub baseline: f32,
    /// A named destination at this line (section headings).
    pub destination: Option<String>,
    /// Which running-head section the line belongs to.
    pub section: usize,
    /// A figure's picture, whose top is the top of the line's slot.
    pub picture: Option<figure::PlacedPicture>,
    /// The first line of a paragraph, heading or other block: where a figure
    /// moved down the flow is best put (`figure::break_pages`).
    pub opens_block: bool,
    /// Rules drawn with the line (a table's).
    pub rules: Vec<LineRule>,
    /// A line of running text (not a heading's, a table's or a figure's):
    /// at the body's leading it sits on the page's baseline grid (`grid`).
    pub body: bool,
    /// The run of the book's text (an index into [`Flow::run_keys`]) and the
    /// word of it the line begins with, when the line sets one of the book's runs.
    pub first_word: Option<(u32, u32)>,
    /// What the line is in the document's structure (its block's element).
    pub tag: layout::Tag,
    /// Where the line holds the text of several elements (a table's cells, a
    /// list item's label before its text): `(i, tag)` tags the pieces from
    /// the `i`th on. Empty when [`FlowLine::tag`] tags every piece.
    pub tags: Vec<(usize, layout::Tag)>,
    /// The first line of a paragraph also set a line longer and shorter: its
    /// settings in [`Flow::alternatives`].
    pub alternatives: Option<u32>,
}

impl FlowLine {
    /// The tag of the line's `index`th piece.
    pub fn tag_of(&self, index: usize) -> layout::Tag {
        self.tags.iter().rev().find(|(from, _)| *from <= index).map_or(self.tag, |(_, tag)| *tag)
    }
}

/// A stretch of the flow under one running head: the title block, a section,
/// a chapter's opening, a part's page, the notes.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunningSection {
    /// The section's own title.
    pub title: String,
    /// The title of the chapter it is in (a book's running heads on rectos).
    pub chapter: String,
    pub kind: SectionKind,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum SectionKind {
    #[default]
    Text,
    /// A chapter's (or the notes') opening: no running head over the page it opens.
    Opening,
    /// A part's page: neither running head nor folio.
    Part,
    /// The notes: headed with their label, or the pages of their references.
    Notes,
}

/// A horizontal rule drawn with a line: `y` down from the top of the line's
/// slot, from `from` to `to` right of the line's indent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LineRule {
    pub y: f32,
    pub from: f32,
    pub to: f32,
    pub thickness: f32,
}

/// The vertical list of the whole book and the content of its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flow {
    pub items: Vec<VItem>,
    pub lines: Vec<Option<FlowLine>>,
    pub outline: Vec<layout::OutlineEntry>,
    /// What the running heads say over each section of the flow, by `FlowLine::section`.
    pub sections: Vec<RunningSection>,
    /// Where each figure's items are, in flow order (the page breaker may move them).
    pub figures: Vec<figure::FigureSpan>,
    /// The pictures the flow places, by id.
    pub pictures: figure::Pictures,
    /// Lines set again at the top of a page that follows a
    /// [`VItem::BreakRepeating`] (a table's head), with their heights.
    pub repeated: Vec<Vec<(f32, FlowLine)>>,
    /// What the typesetter could not do as the style asks, for the user.
    pub warnings: Vec<String>,
    /// The book's runs of text, which [`FlowLine::first_word`] points into.
    pub run_keys: crate::model::print_pages::RunKeys,
    /// A list item's label, set and waiting for the item's first line, with
    /// its setting (`Keep::Hung`: where its right edge goes).
    pub hung: Option<(SetLine, collect::Setting)>,
    /// The document's structure, which placing links adds to.
    pub tagging: tagging::Tagging,
    /// Which paragraphs are also set a line longer and shorter (none if `None`).
    pub vary: Option<stack::Vary>,
    /// Those settings, by [`FlowLine::alternatives`], until the pages are broken.
    pub alternatives: Vec<stack::ParagraphAlternatives>,
}
