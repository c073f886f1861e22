//! Inline layout: a paragraph's text shaped, hyphenated and broken into lines.

pub mod bidi;
pub mod breaks;
pub mod code;
pub mod hyphenate;
pub mod line;
pub mod picture;
pub mod linebreak;
pub mod prepare;
pub mod ties;
pub mod words;
