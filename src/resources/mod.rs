//! The fonts and styles every edition reads.

pub mod fonts;
pub mod shaping;
pub mod style;
