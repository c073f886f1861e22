//! The manuscript stage: a UTF-8 Markdown file with front matter and notes, read
//! into the document model, with every problem in the source found on the way.
//!
//! The only place pulldown-cmark appears. One parse feeds both the model
//! ([`markdown`]) and the checks made on the source itself ([`lint`]);
//! [`front_matter`] reads the TOML or YAML at the top ([`yaml`] builds YAML's tree).

pub mod book_plan;
mod chapters;
mod front_matter;
mod html;
mod lint;
mod markdown;
mod title_block;
mod yaml;

use std::path::Path;

use pulldown_cmark::{Options, Parser};

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::model::metadata::Metadata;
use crate::model::{Book, SourcePos};

/// A manuscript read into the model, with the warnings found on the way.
#[derive(Debug)]
pub struct Manuscript {
    pub book: Book,
    pub warnings: Vec<Diagnostic>,
    /// A chapter's links to headings (`#id`) and to chapter files (`02-july.md#id`),
    /// with their places: resolved when the whole book is known ([`assemble`]).
    pub book_links: Vec<(String, SourcePos)>,
}

/// The manuscript file's text, or an error saying why it cannot be read.
pub fn read_file(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(path, None, format!("cannot read the manuscript: {e}"))
            .with_help("check the path; `quire build` with no argument builds manuscript/ in the current folder")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let offset = e.utf8_error().valid_up_to();
        let at = LineIndex::new(std::str::from_utf8(&bytes[..offset]).unwrap_or(""), 1).position(offset);
        Diagnostic::error(path, Some(at), format!("the manuscript is not UTF-8 text (invalid byte 0x{:02X} at byte offset {offset})", bytes[offset]))
            .with_help("save the file as UTF-8 in your editor")
    })
}

/// The Markdown dialect of a manuscript.
fn markdown_options() -> Options {
    Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SUPERSCRIPT
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_MATH
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Reads manuscript `text` into the model; `path` labels the diagnostics and is
/// where image paths start. With any error, all that was found is returned.
pub fn parse(path: &Path, text: &str) -> Result<Manuscript, Vec<Diagnostic>> {
    parse_in(path, text, None)
}

/// Reads manuscript `text` as a chapter of a book whose metadata is `book`: its
/// front matter says only what differs, and its title is the chapter's.
pub fn parse_chapter(path: &Path, text: &str, book: &Metadata) -> Result<Manuscript, Vec<Diagnostic>> {
    parse_in(path, text, Some(book))
}

pub use chapters::{assemble, ReadChapter};

fn parse_in(path: &Path, text: &str, book: Option<&Metadata>) -> Result<Manuscript, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::error(path, Some(SourcePos { line: 1, column: 1 }), "the manuscript is empty")
            .with_help("write the text; front matter (`---`, `title: …`, `author: …`, `lang: en`, `---`) may open it")]);
    }
    let source = Source::new(path, text);
    let mut diagnostics = lint::unholdable_characters(&source);
    let raw_control_characters = !diagnostics.is_empty();
    // pandoc's fenced divs are found first: the parser would read their `:` lines as definitions.
    let (mut parsed, fences) = markdown::blank_fences(text);
    let mut folder = markdown::Folder::new(&source).with_fences(fences);
    if let Some(book) = book {
        folder = folder.in_book(book);
    }
    // pandoc's `%` title block is front matter; the parser sees blank lines in its place.
    if let Some(block) = title_block::read(text) {
        title_block::blank(&mut parsed, block.end);
        folder.title_block(block);
    }
    let mut lint = lint::SourceLint::new(&source);
    for (event, range) in Parser::new_ext(&parsed, markdown_options()).into_offset_iter() {
        lint.event(&event, range.clone());
        folder.event(event, range.start);
    }
    let folded = folder.finish();
    let smart = folded.as_ref().map_or(true, |m| m.book.metadata.wants_smart_punctuation());
    lint.finish(smart, &mut diagnostics);
    match folded {
        Ok(mut manuscript) => {
            if !raw_control_characters {
                diagnostics.extend(lint::escaped_unholdable_characters(&source, &manuscript.book));
            }
            diagnostics.append(&mut manuscript.warnings);
            if diagnostics.iter().any(Diagnostic::is_error) {
                return Err(diagnostics);
            }
            Ok(Manuscript { book: manuscript.book, warnings: diagnostics, book_links: manuscript.book_links })
        }
        Err(mut errors) => {
            diagnostics.append(&mut errors);
            Err(diagnostics)
        }
    }
}

/// The manuscript's text as diagnostics see it: every problem found in it is
/// reported against its file, line and column, with the line shown.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex<'a>,
}

impl<'a> Source<'a> {
    fn new(path: &'a Path, text: &'a str) -> Self {
        Source { path, text, lines: LineIndex::new(text, 1) }
    }

    fn pos(&self, offset: usize) -> SourcePos {
        self.lines.position(offset)
    }

    fn error(&self, offset: usize, message: String, help: &str) -> Diagnostic {
        Diagnostic::error(self.path, Some(self.pos(offset)), message).with_help(help).with_source(self.text)
    }

    fn warning(&self, offset: usize, message: String, help: &str) -> Diagnostic {
        Diagnostic::warning(self.path, Some(self.pos(offset)), message).with_help(help).with_source(self.text)
    }
}

/// Where a TOML or YAML `text` (front matter, `book.toml`) gives `key` its value.
pub fn key_position(text: &str, key: &str) -> Option<SourcePos> {
    front_matter::key_line(text, key).map(|(_, value)| LineIndex::new(text, 1).position(value))
}
