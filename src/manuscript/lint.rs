//! Checks made on the Markdown source itself, on the same parse that builds the
//! model, where every position is exact: characters no edition can hold, runs of
//! spaces, straight punctuation left when smart punctuation is off, and image
//! paths that leave the manuscript's folder.

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Source;
use crate::diagnostics::{Diagnostic, LineIndex};
use crate::model::walk::{leaves, Emphasis, Leaf, Run};
use crate::model::Book;

/// After this many straight quotes (or `--`), one warning stands for the rest.
const REPORTED_PER_KIND: usize = 10;

/// Control characters (other than tab and line ends) and U+FFFE/U+FFFF: XML, and so the
/// EPUB, cannot hold them.
fn is_unholdable(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Where the unholdable characters of `text` are, found a byte at a time: a
/// control character is one byte in UTF-8, and U+FFFE and U+FFFF begin with 0xEF.
/// Decoding every character of a long book to look was most of the check's lint.
fn unholdable_in(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().filter(|(_, &b)| b < b' ' || b == 0xef).filter_map(move |(at, _)| {
        let c = text.get(at..)?.chars().next()?;
        is_unholdable(c).then_some((at, c))
    })
}

/// Each unholdable character typed into the source: invisible in most editors, so each is shown.
pub(super) fn unholdable_characters(source: &Source<'_>) -> Vec<Diagnostic> {
    let (path, text) = (source.path, source.text);
    let found: Vec<(usize, char)> = unholdable_in(text).collect();
    if found.is_empty() {
        return Vec::new();
    }
    let lines = LineIndex::new(text, 1);
    let help = "delete it: it is invisible in most editors, so search for it by its code";
    let mut diagnostics: Vec<Diagnostic> = found
        .iter()
        .take(REPORTED_PER_KIND)
        .map(|&(offset, c)| {
            Diagnostic::error(path, Some(lines.position(offset)), format!("control character U+{:04X} in the text; no edition can hold it", c as u32))
                .with_help(help)
                .with_source(text)
        })
        .collect();
    if let Some(&(offset, _)) = found.get(REPORTED_PER_KIND) {
        let more = found.len() - REPORTED_PER_KIND;
        diagnostics.push(Diagnostic::error(path, Some(lines.position(offset)), format!("{more} more control characters from here on")).with_help(help));
    }
    diagnostics
}

/// The same characters written as a TOML escape (`\u0001`) or a character reference
/// (`&#1;`): the source looks clean, the book does not.
pub(super) fn escaped_unholdable_characters(source: &Source<'_>, book: &Book) -> Vec<Diagnostic> {
    let (path, text) = (source.path, source.text);
    let help = "delete the escape or character reference";
    // Made only for a character found: indexing a long book's lines costs more than the search.
    let lines = std::cell::OnceCell::new();
    let lines = || lines.get_or_init(|| LineIndex::new(text, 1));
    let mut found = Vec::new();
    for (key, value) in book.metadata.texts() {
        if let Some((_, c)) = unholdable_in(value).next() {
            let at = super::front_matter::key_or_alias_line(text, key).map(|(_, value_at)| lines().position(value_at));
            found.push(
                Diagnostic::error(path, at, format!("`{key}` holds control character U+{:04X}; no edition can hold it", c as u32))
                    .with_help(help)
                    .with_source(text),
            );
        }
    }
    let mut in_text = None;
    book.runs(&mut |run| match run {
        Run::Inlines { content, .. } => leaves(content, Emphasis::default(), &mut |leaf, _| {
            let shown = match leaf {
                // A link's address too: the EPUB writes it in an attribute, which XML cannot hold it in either.
                Leaf::Text(t) | Leaf::Code(t) | Leaf::Math(t) | Leaf::Url(t) => t,
                Leaf::Image(image) => &image.alt,
                Leaf::Language(_) | Leaf::NoteRef(_) | Leaf::LineBreak => "",
            };
            in_text = in_text.or_else(|| unholdable_in(shown).next().map(|(_, c)| c));
        }),
        Run::Verbatim(code) => in_text = in_text.or_else(|| unholdable_in(code).next().map(|(_, c)| c)),
    });
    // A figure's description, which its `<img alt>` carries, is not among the runs.
    book.images(&mut |image, _| in_text = in_text.or_else(|| unholdable_in(&image.alt).next().map(|(_, c)| c)));
    if let Some(c) = in_text {
        let reference = text.match_indices("&#").map(|(i, _)| i).find(|&i| character_reference(&text[i..]) == Some(c));
        found.push(
            Diagnostic::error(path, reference.map(|i| lines().position(i)), format!("control character U+{:04X} in the text; no edition can hold it", c as u32))
                .with_help(help)
                .with_source(text),
        );
    }
    found
}

/// The character `&#…;` at the start of `text` stands for.
fn character_reference(text: &str) -> Option<char> {
    let body = text.strip_prefix("&#")?;
    let end = body.find(';')?;
    let number = &body[..end];
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code)
}

/// Checks made on the Markdown source itself, where every position is exact.
pub(super) struct SourceLint<'a> {
    source: &'a Source<'a>,
    folder: PathBuf,
    /// Inside text shown as written, where spacing and quotes are the author's business.
    verbatim: usize,
    found: Vec<Diagnostic>,
    straight_quotes: Vec<usize>,
    double_hyphens: Vec<usize>,
    /// How many stray `*` and `_` have been named; past ten, no more.
    stray_marks: usize,
}

impl<'a> SourceLint<'a> {
    pub(super) fn new(source: &'a Source<'a>) -> Self {
        let folder = source.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        SourceLint {
            source,
            folder,
            verbatim: 0,
            found: Vec::new(),
            straight_quotes: Vec::new(),
            double_hyphens: Vec::new(),
            stray_marks: 0,
        }
    }

    fn warn(&mut self, offset: usize, message: String, help: &str) {
        self.found.push(self.source.warning(offset, message, help));
    }

    fn error(&mut self, offset: usize, message: String, help: &str) {
        self.found.push(self.source.error(offset, message, help));
    }

    /// Looks at one event of the parse that also builds the model.
    pub(super) fn event(&mut self, event: &Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::HtmlBlock) => self.verbatim += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock) => self.verbatim = self.verbatim.saturating_sub(1),
            Event::Start(Tag::Image { dest_url, .. }) => self.image(dest_url, range.start),
            // The source slice, not the event's text: escapes and entities shift offsets.
            Event::Text(_) if self.verbatim == 0 => self.prose(range.start, self.source.text.get(range).unwrap_or("")),
            _ => {}
        }
    }

    /// What the lint found. Straight quotes and `--` are only worth a word when
    /// `smart` punctuation is off, which the front matter says, so they are
    /// collected as they come and judged here.
    pub(super) fn finish(mut self, smart: bool, out: &mut Vec<Diagnostic>) {
        if !smart {
            self.straight_punctuation();
        }
        out.append(&mut self.found);
    }

    fn prose(&mut self, start: usize, source: &str) {
        self.stray_emphasis_marks(start, source);
        let mut search = 0;
        while let Some(found) = source[search..].find("  ") {
            let at = search + found;
            let run = source[at..].len() - source[at..].trim_start_matches(' ').len();
            // A line block's indent (`|    indented`) is kept as typed: it is the writer's.
            let line_start = self.source.text[..start + at].rfind('\n').map_or(0, |n| n + 1);
            if self.source.text[line_start..start + at].trim_end() == "|" {
                search = at + run;
                continue;
            }
            self.warn(start + at, format!("{run} spaces in a row"), "one space is enough: the editions space words and sentences themselves");
            search = at + run;
        }
        self.straight_quotes.extend(source.match_indices(['"', '\'']).map(|(i, _)| start + i));
        self.double_hyphens.extend(source.match_indices("--").map(|(i, _)| start + i));
    }

    /// A `*` or `_` the parser left as text because it opens or closes nothing: touching a
    /// word on one side only (`*word`, `word_ `), not escaped, not inside a word
    /// (`snake_case`) nor standing alone (`2 * 3`). Likely emphasis never closed.
    fn stray_emphasis_marks(&mut self, start: usize, source: &str) {
        let text = self.source.text;
        let mut i = 0;
        while let Some(found) = source[i..].find(['*', '_']) {
            let at = i + found;
            let mark = source.as_bytes()[at];
            let run = source[at..].bytes().take_while(|&b| b == mark).count();
            let before = text[..start + at].chars().next_back();
            let after = text[start + at + run..].chars().next();
            let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
            let in_word = before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric);
            let one_sided = space(before) != space(after);
            if one_sided && before != Some('\\') && !(mark == b'_' && in_word) && self.stray_marks < REPORTED_PER_KIND {
                self.stray_marks += 1;
                let shown = &source[at..at + run];
                self.warn(
                    start + at,
                    format!("`{shown}` opens or closes no emphasis and is printed as it is"),
                    &format!("close the emphasis with a matching `{shown}` (`{shown}word{shown}`), or write `\\{shown}` for the character itself"),
                );
            }
            i = at + run;
        }
    }

    fn straight_punctuation(&mut self) {
        let kinds = [
            (std::mem::take(&mut self.straight_quotes), "straight quote", "type the curly quote you mean (‘ ’ “ ”)"),
            (std::mem::take(&mut self.double_hyphens), "`--`", "type an en dash (–) or an em dash (—)"),
        ];
        for (offsets, what, fix) in kinds {
            let help = format!("{fix}, or delete `smart_punctuation = false` from the front matter to have them made for you");
            for &offset in offsets.iter().take(REPORTED_PER_KIND) {
                let shown = if what == "straight quote" { format!("straight quote `{}`", &self.source.text[offset..offset + 1]) } else { what.to_owned() };
                self.warn(offset, format!("{shown} left in the text (smart punctuation is off)"), &help);
            }
            if let Some(&offset) = offsets.get(REPORTED_PER_KIND) {
                let more = offsets.len() - REPORTED_PER_KIND;
                self.warn(offset, format!("{more} more {what}{} left in the text from here on", if more == 1 { "" } else { "s" }), &help);
            }
        }
    }

    fn image(&mut self, src: &str, offset: usize) {
        // A picture on the web is never fetched: a build reads nothing but the manuscript's folder.
        if is_web_address(src) {
            self.warn(
                offset,
                format!("image `{src}` is on the web; no edition fetches it, and its alt text stands in for it"),
                "download the picture into the manuscript's folder and give its path, e.g. `images/logo.png`",
            );
            return;
        }
        match image_problem(&self.folder, src) {
            Some(problem) => self.error(offset, problem, "image paths are relative to the manuscript's folder and stay inside it, e.g. `images/map.png`"),
            // Placed in the editions: the images stage reads and checks the file itself.
            None => {}
        }
    }
}

fn is_web_address(src: &str) -> bool {
    let lower = src.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Why the image at `src` cannot be used, if it cannot. Paths are relative to `folder`
/// and must stay inside it, also through symbolic links, so that a manuscript can never
/// carry a file from elsewhere on the machine into a book.
fn image_problem(folder: &Path, src: &str) -> Option<String> {
    if src.trim().is_empty() {
        return Some("the image has no file name".into());
    }
    if src.contains("://") || src.starts_with("data:") {
        return Some(format!("image `{src}` is not a file: images must be files beside the manuscript"));
    }
    let relative = PathBuf::from(src.replace('\\', "/"));
    let mut depth = 0usize;
    for component in relative.components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir => return Some(format!("image `{src}` is outside the manuscript's folder")),
            Component::RootDir | Component::Prefix(_) => return Some(format!("image `{src}` is an absolute path")),
        }
    }
    let file = folder.join(&relative);
    let Ok(real) = file.canonicalize() else {
        return Some(format!("image file `{src}` does not exist"));
    };
    let inside = folder.canonicalize().is_ok_and(|root| real.starts_with(root));
    if !inside {
        return Some(format!("image `{src}` links to a file outside the manuscript's folder"));
    }
    if !real.is_file() {
        return Some(format!("image `{src}` is not a file"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_paths_stay_in_the_folder() {
        let outer = std::env::temp_dir().join(format!("quire-check-images-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&outer);
        let dir = outer.join("book");
        std::fs::create_dir_all(dir.join("images")).unwrap();
        std::fs::write(outer.join("secret.png"), b"not the book's").unwrap();
        std::fs::write(dir.join("images/map.png"), b"png").unwrap();
        assert_eq!(image_problem(&dir, "images/map.png"), None);
        assert_eq!(image_problem(&dir, "./images/../images/map.png"), None);
        assert!(image_problem(&dir, "../../etc/passwd").unwrap().contains("outside"));
        assert!(image_problem(&dir, "images/../../x.png").unwrap().contains("outside"));
        assert!(image_problem(&dir, "..\\..\\etc\\passwd").unwrap().contains("outside"));
        assert!(image_problem(&dir, "/etc/passwd").unwrap().contains("absolute"));
        assert!(image_problem(&dir, "images/none.png").unwrap().contains("does not exist"));
        assert!(image_problem(&dir, "images").unwrap().contains("not a file"));
        assert!(image_problem(&dir, "https://example.org/a.png").unwrap().contains("not a file"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.join("secret.png"), dir.join("images/link.png")).unwrap();
            assert!(image_problem(&dir, "images/link.png").unwrap().contains("links to a file outside"));
        }
        std::fs::remove_dir_all(&outer).unwrap();
    }

    #[test]
    fn control_characters_are_errors_at_their_place() {
        let text = "ab\u{1}c\n\td\u{ffff}\r\n";
        let found = unholdable_characters(&Source::new(Path::new("b.md"), text));
        let places: Vec<_> = found.iter().map(|d| (d.message.as_str(), d.at.map(|a| (a.line, a.column)))).collect();
        assert_eq!(
            places,
            [
                ("control character U+0001 in the text; no edition can hold it", Some((1, 3))),
                ("control character U+FFFF in the text; no edition can hold it", Some((2, 3)))
            ]
        );
        let zeros = "\u{0}".repeat(12);
        let many = unholdable_characters(&Source::new(Path::new("b.md"), &zeros));
        assert_eq!(many.len(), 11);
        assert_eq!(many[10].message, "2 more control characters from here on");
    }

    #[test]
    fn a_control_character_under_pandocs_name_for_a_key_is_placed() {
        let text = "---\ntitle: T\nabstract: \"a\\u0001b\"\n---\n\nText.\n";
        let errors = super::super::parse(Path::new("b.md"), text).expect_err("control characters are errors");
        let places: Vec<_> = errors.iter().map(|d| (d.message.as_str(), d.at.map(|a| (a.line, a.column)))).collect();
        assert!(places.contains(&("`subtitle` holds control character U+0001; no edition can hold it", Some((3, 11)))), "{places:?}");
    }

    #[test]
    fn control_characters_written_as_escapes_are_errors_too() {
        let text = "+++\ntitle = \"A\\u0001B\"\nauthor = \"W\"\nlanguage = \"en\"\n+++\n\nText &amp; a &#1; here.\n";
        let errors = super::super::parse(Path::new("b.md"), text).expect_err("control characters are errors");
        let places: Vec<_> = errors.iter().map(|d| (d.message.as_str(), d.at.map(|a| (a.line, a.column)))).collect();
        assert_eq!(
            places,
            [
                ("`title` holds control character U+0001; no edition can hold it", Some((2, 9))),
                ("control character U+0001 in the text; no edition can hold it", Some((7, 14)))
            ]
        );
    }
}
