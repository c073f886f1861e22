//! quire: one Markdown manuscript in, typeset editions out.

pub mod build;
pub mod check;
pub mod diagnostics;
pub mod epub;
pub mod impose;
pub mod layout;
pub mod manuscript;
pub mod model;
pub mod passes;
pub mod pdf;
pub mod resources;
pub mod typeset;
