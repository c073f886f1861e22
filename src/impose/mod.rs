//! Imposition: the pamphlet's pages placed on sheets for saddle-stitch printing.
//!
//! `order` counts which page goes on which half of which side of which sheet;
//! `sheets` moves the typeset pages onto those sheets, as a new layout document;
//! `signatures` marks the gatherings of a booklet too long for one.

mod order;
pub use order::padded;
mod sheets;
mod signatures;

pub use sheets::{impose_document, split_sides, Binding, ImposeError, Paper, A4, LETTER};
