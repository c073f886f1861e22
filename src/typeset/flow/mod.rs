//! Block layout: lines stacked into a flow, broken into pages and dressed.

pub mod covers;
pub mod pagebreak;
pub mod pages;
