//! quire: a Markdown manuscript in, typeset editions out.
//!
//! The folders follow the data's journey: [`manuscript`] (Markdown and front
//! matter → the document [`model`]) → `passes` (notes, typography, glyph
//! coverage) → `epub` | `typeset` → `layout` → `pdf`, with `impose` putting the
//! booklets' pages on sheets. `resources` holds the fonts and styles every
//! stage reads; `build` runs the stages, each edition on its own thread.
//!
//! The public face is small: [`build()`] and [`check()`] with their options and
//! reports, the [`diagnostics`] they speak in, and — for tests that drive the
//! pipeline in memory — the model and the steps of a build.

mod build;
mod check;
pub mod diagnostics;
mod epub;
mod impose;
pub mod images;
mod layout;
mod manuscript;
pub mod model;
mod passes;
mod parallel;
mod pdf;
mod resources;
mod typeset;

pub use build::{build, check_build, epub_bytes, load, manuscript_file, new_book, pdf_edition, resources_for, BuildError, BuildOptions, BuildReport, Edition, NewBookError, PdfEdition};
pub use build::watch;
pub use check::{check, check_text, Checked};
pub use pdf::PdfStandard;
pub use resources::fonts::FontFamily;
pub use resources::Resources;
pub use resources::style::Style;
