//! quire: one Markdown manuscript in, typeset editions out.
pub mod layout;
