//! Reading a manuscript: UTF-8 text with front matter and Markdown with notes,
//! folded into the document model. The only place pulldown-cmark appears.

mod markdown;

pub use markdown::*;
