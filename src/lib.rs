//! quire: one Markdown manuscript in, typeset editions out.
//!
//! The data's journey, one module per stage:
//! `manuscript` (Markdown → `model`) → `notes` → `typography` → `epub`,
//! and for print: `fonts` + `shaping` → typesetter → `layout` → `pdf`.
//! The booklet edition: typesetter (with covers) → `layout` → `impose` + `booklet` (pages on
//! sheets) → `pdf`.
//! `check` finds a manuscript's problems before any stage runs; `build` runs the
//! stages; `output` writes the results safely.

pub mod booklet;
pub mod build;
pub mod check;
pub mod diagnostics;
pub mod epub;
pub mod fonts;
pub mod hyphenate;
pub mod impose;
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
