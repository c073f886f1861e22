//! Imposition: the pamphlet's pages placed on sheets for saddle-stitch printing.
//!
//! `order` counts which page goes on which half of which side of which sheet;
//! `sheets` moves the typeset pages onto those sheets, as a new layout document.

mod order;
mod sheets;

pub use sheets::{impose_document, split_sides, ImposeError, Paper, A4, LETTER};
