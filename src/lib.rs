//! quire: one Markdown manuscript in, typeset editions out.
//!
//! The data's journey, one module per stage:
//! `manuscript` (Markdown → `model`) → `notes` → `typography` → `epub`,
//! and for print: `fonts` + `shaping` → typesetter → `layout` → `pdf`.
//! `build` runs the stages; `output` writes the results safely.

pub mod build;
pub mod diagnostics;
pub mod epub;
pub mod fonts;
pub mod hyphenate;
pub mod layout;
pub mod linebreak;
pub mod manuscript;
pub mod metadata;
pub mod model;
pub mod notes;
pub mod output;
pub mod pagebreak;
pub mod pdf;
pub mod shaping;
pub mod style;
pub mod timings;
pub mod typeset;
pub mod typography;
