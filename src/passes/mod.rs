//! The passes every edition shares, each a function of the document model.

pub mod notes;
pub mod typography;
