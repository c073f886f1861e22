//! One edition's stacked body taken up by another. The A4 booklet's page is
//! the reader's A5 with other margins: up to where the notes open (whose
//! numbers it hangs otherwise), its material is the reader's and its lines
//! are the reader's lines. Rather than shape and break them again, it takes
//! up the reader's flow as stacked to there ([`StackedBody`], its lines
//! shared, not copied), once it has found that its own material is the
//! reader's (collected again with the reader's style) and that it sets text
//! alike ([`sets_text_alike`]). What it then stacks is what it would have
//! stacked alone (`typeset::tests`).

use std::sync::Arc;

use super::flow::collect::{Collected, Setting};
use super::flow::figure::{FigureSpan, Pictures};
use super::flow::pagebreak::VItem;
use super::flow::stack::{ParagraphAlternatives, Vary};
use super::flow::{Flow, FlowLine};
use super::inline::line::SetLine;
use super::inline::prepare::{MissingGlyph, ParagraphText, TextSetter};
use crate::model::Book;
use crate::resources::style::Style;

/// The flow as one edition stacked it from the first of its material's blocks
/// up to where its notes open, and what its setter found setting them. Its
/// lines are the edition's own, shared, not copies: a book's body is most of
/// the memory its editions take.
pub(crate) struct StackedBody {
    /// How many blocks of the material it sets.
    blocks: usize,
    items: Vec<VItem>,
    lines: Vec<Option<FlowLine>>,
    alternatives: Vec<ParagraphAlternatives>,
    hung: Option<(SetLine, Setting)>,
    figures: Vec<FigureSpan>,
    repeated: Vec<Vec<(f32, FlowLine)>>,
    warnings: Vec<String>,
    missing_glyphs: Vec<MissingGlyph>,
    /// The figures' pictures and those set inline so far.
    pictures: Pictures,
    unhyphenated_languages: Vec<String>,
}

/// What a stacking shares with another edition's.
pub(crate) enum Sharing<'s> {
    Alone,
    /// Hands its body as stacked to `keep` once stacked (or `None`, when its
    /// notes do not open on a page of their own), for another edition.
    Keep(&'s mut dyn FnMut(Option<StackedBody>)),
    /// Takes up `body`, stacked from `book` by an edition with `style`, where
    /// its own material is the same.
    TakeUp { body: Box<StackedBody>, style: &'s Style, book: &'s Book },
}

impl StackedBody {
    /// `flow` as stacked from the first `blocks` blocks of the material by `setter`.
    pub(crate) fn of(flow: &Flow, blocks: usize, setter: &TextSetter) -> StackedBody {
        StackedBody {
            blocks,
            items: flow.items.clone(),
            lines: flow.lines.clone(),
            alternatives: flow.alternatives.clone(),
            hung: flow.hung.clone(),
            figures: flow.figures.clone(),
            repeated: flow.repeated.clone(),
            warnings: flow.warnings.clone(),
            missing_glyphs: setter.missing_so_far().to_vec(),
            pictures: setter.pictures.placed.clone(),
            unhyphenated_languages: setter.unhyphenated_languages(),
        }
    }

    /// Whether `collected`, set alike ([`sets_text_alike`]), sets its first
    /// blocks as this body sets them: they are those of `theirs`, the material
    /// the body was stacked from, with the same pictures (the faces and the
    /// images are the build's, the same for every edition).
    pub(crate) fn is_set_as(&self, collected: &Collected<ParagraphText>, theirs: &Collected<ParagraphText>) -> bool {
        let n = self.blocks;
        let same_pictures = collected.pictures.len() == theirs.pictures.len() && collected.pictures.iter().zip(&theirs.pictures).all(|(a, b)| Arc::ptr_eq(a, b));
        same_pictures && collected.material.len() >= n && theirs.material.len() >= n && collected.material[..n] == theirs.material[..n]
    }

    /// How many blocks of the material the body sets.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks
    }

    /// Puts the body in `flow`, an empty flow collected as it was, and what
    /// setting it found in `setter`; the languages set without patterns, which
    /// the setter does not keep, are returned.
    pub(crate) fn take_up(self, flow: &mut Flow, setter: &mut TextSetter) -> Vec<String> {
        debug_assert!(flow.items.is_empty() && flow.lines.is_empty());
        flow.items = self.items;
        flow.lines = self.lines;
        flow.alternatives = self.alternatives;
        flow.hung = self.hung;
        flow.figures = self.figures;
        flow.repeated = self.repeated;
        flow.warnings = self.warnings;
        setter.take_up_missing(&self.missing_glyphs);
        setter.pictures.placed = self.pictures;
        self.unhyphenated_languages
    }
}

/// Whether text stacked with `one` is set as `other` sets it: the same
/// setter (justification, hyphenation, code, note marks, ties) and the same
/// paragraphs set a line longer and shorter. What each collects is compared apart.
pub(crate) fn sets_text_alike(one: &Style, other: &Style) -> bool {
    one.justification == other.justification
        && one.hyphenation == other.hyphenation
        && one.code == other.code
        && one.notes.marks == other.notes.marks
        && one.ties == other.ties
        && Vary::of(one) == Vary::of(other)
}
