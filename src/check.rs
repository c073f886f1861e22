//! Checking a manuscript: everything a person can get wrong in one, found in one
//! pass and reported with its place, without building. `quire check` prints the
//! result; `quire build` runs the same pass first and builds only when it found no
//! error, so the two can never disagree.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, LineIndex};
use crate::resources::fonts::{self, FaceStyle, FontFamily};
use crate::resources::Resources;
use crate::model::{Block, Book, Inline, SourcePos};
use crate::manuscript;
use crate::passes::{notes, typography};

/// After this many straight quotes (or `--`), one warning stands for the rest.
const REPORTED_PER_KIND: usize = 10;

/// What a check found.
#[derive(Debug)]
pub struct Checked {
    /// Errors and warnings in the order of their place in the manuscript.
    pub diagnostics: Vec<Diagnostic>,
    /// The book with notes numbered and typography applied, when there is no error.
    pub book: Option<Book>,
    /// The book face, when `styles/fonts.toml` and its files could be read.
    pub fonts: Option<FontFamily>,
    /// Characters already reported as missing from the fonts.
    pub unsupported_characters: Vec<char>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn failed(diagnostic: Diagnostic) -> Checked {
        Checked { diagnostics: vec![diagnostic], book: None, fonts: None, unsupported_characters: Vec::new() }
    }
}

/// Checks the manuscript file at `path` against the fonts and styles in `resources`.
pub fn check(path: &Path, resources: &Resources) -> Checked {
    let fonts = load_fonts(resources);
    let bytes = match manuscript::read_bytes(path) {
        Ok(bytes) => bytes,
        Err(diagnostic) => return Checked::failed(diagnostic),
    };
    let text = match manuscript::decode(path, &bytes) {
        Ok(text) => text,
        Err(diagnostic) => return Checked::failed(diagnostic),
    };
    let mut checked = check_text(path, text, fonts.as_ref().ok());
    match fonts {
        Ok(family) => checked.fonts = Some(family),
        Err(diagnostic) => {
            checked.diagnostics.insert(0, diagnostic);
            checked.book = None;
        }
    }
    checked
}

/// Checks manuscript `text`; `path` labels the diagnostics and is where image paths start.
/// Without `fonts`, characters are not checked against the book face.
pub fn check_text(path: &Path, text: &str, fonts: Option<&FontFamily>) -> Checked {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Checked::failed(
            Diagnostic::error(path, Some(SourcePos { line: 1, column: 1 }), "the manuscript is empty")
                .with_help("start with front matter (`+++`, `title = \"…\"`, `author = \"…\"`, `language = \"en\"`, `+++`), then the text"),
        );
    }
    let mut diagnostics = unholdable_characters(path, text);
    let raw_control_characters = !diagnostics.is_empty();
    let parsed = manuscript::parse(path, text);
    let smart = parsed.as_ref().map_or(true, |m| m.book.metadata.wants_smart_punctuation());
    SourceLint::new(path, text, smart).run(&mut diagnostics);

    let mut book = None;
    let mut unsupported_characters = Vec::new();
    match parsed.and_then(|m| {
        let (book, mut warnings) = notes::number_notes(m.book, path, text)?;
        warnings.extend(m.warnings);
        Ok((book, warnings))
    }) {
        Ok((numbered, mut warnings)) => {
            diagnostics.append(&mut warnings);
            let set = typography::apply(numbered);
            if !raw_control_characters {
                diagnostics.extend(escaped_unholdable_characters(path, text, &set));
            }
            if let Some(fonts) = fonts {
                for (character, face) in unsupported(&set, fonts) {
                    unsupported_characters.push(character);
                    let fallback = fonts.fallback.as_ref().filter(|f| f.has_glyph(character)).map(|f| f.file_name.as_str());
                    diagnostics.push(missing_glyph(path, text, character, fonts.get(face), face, fallback));
                }
            }
            book = Some(set);
        }
        Err(mut errors) => diagnostics.append(&mut errors),
    }
    diagnostics.sort_by_key(|d| d.at.map(|at| (at.line, at.column)));
    diagnostics.dedup();
    if diagnostics.iter().any(Diagnostic::is_error) {
        book = None;
    }
    Checked { diagnostics, book, fonts: None, unsupported_characters }
}

/// Control characters (other than tab and line ends) and U+FFFE/U+FFFF: XML, and so the
/// EPUB, cannot hold them.
fn is_unholdable(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Each unholdable character typed into the source: invisible in most editors, so each is shown.
fn unholdable_characters(path: &Path, text: &str) -> Vec<Diagnostic> {
    let found: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| is_unholdable(*c)).collect();
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
fn escaped_unholdable_characters(path: &Path, text: &str, book: &Book) -> Vec<Diagnostic> {
    let help = "delete the escape or character reference";
    let m = &book.metadata;
    let fields = [("title", Some(&m.title)), ("subtitle", m.subtitle.as_ref()), ("author", Some(&m.author)), ("publisher", m.publisher.as_ref()),
        ("date", m.date.as_ref()), ("identifier", m.identifier.as_ref()), ("rights", m.rights.as_ref())];
    let lists = [("subjects", &m.subjects), ("back_matter", &m.back_matter), ("hyphenation_exceptions", &m.hyphenation_exceptions)];
    let fields = fields.into_iter().filter_map(|(key, value)| value.map(|v| (key, v.as_str())));
    let lists = lists.into_iter().flat_map(|(key, values)| values.iter().map(move |v| (key, v.as_str())));
    let lines = LineIndex::new(text, 1);
    let mut found = Vec::new();
    for (key, value) in fields.chain(lists) {
        if let Some(c) = value.chars().find(|c| is_unholdable(*c)) {
            let at = manuscript::key_line(text, key).map(|(_, value_at)| lines.position(value_at));
            found.push(
                Diagnostic::error(path, at, format!("`{key}` holds control character U+{:04X}; no edition can hold it", c as u32))
                    .with_help(help)
                    .with_source(text),
            );
        }
    }
    let mut in_text = None;
    let mut look = |t: &str, _: Option<FaceStyle>| in_text = in_text.or_else(|| t.chars().find(|c| is_unholdable(*c)));
    for section in &book.sections {
        inlines_text(section.heading.as_deref().unwrap_or_default(), FaceStyle::Regular, &mut look);
        blocks_text(&section.blocks, &mut look);
    }
    for note in &book.notes {
        blocks_text(&note.blocks, &mut look);
    }
    if let Some(c) = in_text {
        let reference = text.match_indices("&#").map(|(i, _)| i).find(|&i| character_reference(&text[i..]) == Some(c));
        found.push(
            Diagnostic::error(path, reference.map(|i| lines.position(i)), format!("control character U+{:04X} in the text; no edition can hold it", c as u32))
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

/// The book face named by `styles/fonts.toml`; a missing or unreadable font file is an
/// error at the line of `fonts.toml` that names it.
pub fn load_fonts(resources: &Resources) -> Result<FontFamily, Diagnostic> {
    resources.fonts()
}

/// Each character the editions would draw that a face lacks, with the first face lacking it.
fn unsupported(book: &Book, fonts: &FontFamily) -> BTreeMap<char, FaceStyle> {
    let mut missing = BTreeMap::new();
    let mut look = |text: &str, face: Option<FaceStyle>| {
        let Some(face) = face else { return };
        let font = fonts.get(face);
        for c in text.chars().filter(|c| !is_invisible(*c)) {
            if !font.has_glyph(c) {
                missing.entry(c).or_insert(face);
            }
        }
    };
    let m = &book.metadata;
    look(&m.title, Some(FaceStyle::Bold));
    look(m.subtitle.as_deref().unwrap_or(""), Some(FaceStyle::Italic));
    look(&m.author, Some(FaceStyle::Regular));
    for section in &book.sections {
        if let Some(heading) = &section.heading {
            inlines_text(heading, FaceStyle::Bold, &mut look);
        }
        blocks_text(&section.blocks, &mut look);
    }
    for note in &book.notes {
        blocks_text(&note.blocks, &mut look);
    }
    missing
}

/// Calls `look` on every text of the blocks with the face it is drawn in, or `None`
/// for text that is written into the editions but not drawn (link addresses).
fn blocks_text(blocks: &[Block], look: &mut dyn FnMut(&str, Option<FaceStyle>)) {
    for block in blocks {
        match block {
            Block::Paragraph(c) => inlines_text(c, FaceStyle::Regular, look),
            Block::Subheading { content, .. } => inlines_text(content, FaceStyle::Bold, look),
            Block::Quote(inner) => blocks_text(inner, look),
            Block::List { items, .. } => items.iter().for_each(|item| blocks_text(item, look)),
            Block::Code(code) => look(code, Some(FaceStyle::Regular)),
            Block::Table { rows, .. } => rows.iter().flatten().for_each(|cell| inlines_text(cell, FaceStyle::Regular, look)),
            Block::Rule => {}
        }
    }
}

fn inlines_text(inlines: &[Inline], face: FaceStyle, look: &mut dyn FnMut(&str, Option<FaceStyle>)) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => look(t, Some(face)),
            Inline::Emphasis(c) => inlines_text(c, face.with_italic(), look),
            Inline::Strong(c) => inlines_text(c, face.with_bold(), look),
            Inline::Link { content, url } => {
                look(url, None);
                inlines_text(content, face, look)
            }
            Inline::Image { alt, src } => {
                look(src, None);
                look(alt, Some(face))
            }
            Inline::NoteRef(_) | Inline::LineBreak => {}
        }
    }
}

/// Spaces, controls and default-ignorable characters: the shaper draws nothing for them.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{ad}' | '\u{34f}' | '\u{180b}'..='\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{e0000}'..='\u{e0fff}')
}

/// `fallback` names the fallback face's file when it has the character.
fn missing_glyph(path: &Path, text: &str, character: char, font: &fonts::LoadedFont, face: FaceStyle, fallback: Option<&str>) -> Diagnostic {
    let face_name = match face {
        FaceStyle::Regular => "the body font",
        FaceStyle::Italic => "the italic face",
        FaceStyle::Bold => "the bold face",
        FaceStyle::BoldItalic => "the bold italic face",
        FaceStyle::Fallback => "the fallback face",
    };
    let at = text.find(character).map(|offset| LineIndex::new(text, 1).position(offset));
    let made_by = if at.is_none() { " (made by smart punctuation)" } else { "" };
    let (outcome, help) = match fallback {
        Some(name) => (
            format!("the PDF sets it in the fallback face ({name})"),
            "replace the character, or choose a book face that has it in styles/fonts.toml",
        ),
        None => (
            "the PDF prints it as a blank box".to_owned(),
            "replace the character, or put a font that has it in fonts/ and name it as `fallback` in styles/fonts.toml",
        ),
    };
    Diagnostic::warning(
        path,
        at,
        format!("{face_name} ({}) has no glyph for {character:?} (U+{:04X}){made_by}; {outcome}", font.file_name, character as u32),
    )
    .with_help(help)
    .with_source(text)
}

/// Checks made on the Markdown source itself, where every position is exact.
struct SourceLint<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex<'a>,
    smart: bool,
    folder: PathBuf,
    found: Vec<Diagnostic>,
    straight_quotes: Vec<usize>,
    double_hyphens: Vec<usize>,
    first_image: Option<usize>,
}

impl<'a> SourceLint<'a> {
    fn new(path: &'a Path, text: &'a str, smart: bool) -> Self {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        SourceLint {
            path,
            text,
            lines: LineIndex::new(text, 1),
            smart,
            folder,
            found: Vec::new(),
            straight_quotes: Vec::new(),
            double_hyphens: Vec::new(),
            first_image: None,
        }
    }

    fn warn(&mut self, offset: usize, message: String, help: &str) {
        let d = Diagnostic::warning(self.path, Some(self.lines.position(offset)), message).with_help(help).with_source(self.text);
        self.found.push(d);
    }

    fn error(&mut self, offset: usize, message: String, help: &str) {
        let d = Diagnostic::error(self.path, Some(self.lines.position(offset)), message).with_help(help).with_source(self.text);
        self.found.push(d);
    }

    fn run(mut self, out: &mut Vec<Diagnostic>) {
        // Text that is shown as written, where spacing and quotes are the author's business.
        let mut verbatim = 0usize;
        for (event, range) in Parser::new_ext(self.text, manuscript::markdown_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(_) | Tag::MetadataBlock(_) | Tag::HtmlBlock) => verbatim += 1,
                Event::End(TagEnd::CodeBlock | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock) => verbatim = verbatim.saturating_sub(1),
                Event::Start(Tag::Image { dest_url, .. }) => self.image(&dest_url, range.start),
                // The source slice, not the event's text: escapes and entities shift offsets.
                Event::Text(_) if verbatim == 0 => self.prose(range.start, self.text.get(range).unwrap_or("")),
                _ => {}
            }
        }
        self.straight_punctuation();
        if let Some(offset) = self.first_image {
            self.warn(
                offset,
                "images are not placed in the editions yet; their alt text stands in for them".into(),
                "keep the alt text a full description of the picture",
            );
        }
        out.append(&mut self.found);
    }

    fn prose(&mut self, start: usize, source: &str) {
        let mut search = 0;
        while let Some(found) = source[search..].find("  ") {
            let at = search + found;
            let run = source[at..].len() - source[at..].trim_start_matches(' ').len();
            self.warn(start + at, format!("{run} spaces in a row"), "one space is enough: the editions space words and sentences themselves");
            search = at + run;
        }
        if !self.smart {
            self.straight_quotes.extend(source.match_indices(['"', '\'']).map(|(i, _)| start + i));
            self.double_hyphens.extend(source.match_indices("--").map(|(i, _)| start + i));
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
                let shown = if what == "straight quote" { format!("straight quote `{}`", &self.text[offset..offset + 1]) } else { what.to_owned() };
                self.warn(offset, format!("{shown} left in the text (smart punctuation is off)"), &help);
            }
            if let Some(&offset) = offsets.get(REPORTED_PER_KIND) {
                let more = offsets.len() - REPORTED_PER_KIND;
                self.warn(offset, format!("{more} more {what}{} left in the text from here on", if more == 1 { "" } else { "s" }), &help);
            }
        }
    }

    fn image(&mut self, src: &str, offset: usize) {
        match image_problem(&self.folder, src) {
            Some(problem) => self.error(offset, problem, "image paths are relative to the manuscript's folder and stay inside it, e.g. `images/map.png`"),
            None => {
                self.first_image.get_or_insert(offset);
            }
        }
    }
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
        let found = unholdable_characters(Path::new("b.md"), "ab\u{1}c\n\td\u{ffff}\r\n");
        let places: Vec<_> = found.iter().map(|d| (d.message.as_str(), d.at.map(|a| (a.line, a.column)))).collect();
        assert_eq!(
            places,
            [
                ("control character U+0001 in the text; no edition can hold it", Some((1, 3))),
                ("control character U+FFFF in the text; no edition can hold it", Some((2, 3)))
            ]
        );
        let many = unholdable_characters(Path::new("b.md"), &"\u{0}".repeat(12));
        assert_eq!(many.len(), 11);
        assert_eq!(many[10].message, "2 more control characters from here on");
    }

    #[test]
    fn control_characters_written_as_escapes_are_errors_too() {
        let text = "+++\ntitle = \"A\\u0001B\"\nauthor = \"W\"\nlanguage = \"en\"\n+++\n\nText &amp; a &#1; here.\n";
        let checked = check_text(Path::new("b.md"), text, None);
        let places: Vec<_> = checked.diagnostics.iter().map(|d| (d.message.as_str(), d.at.map(|a| (a.line, a.column)))).collect();
        assert_eq!(
            places,
            [
                ("`title` holds control character U+0001; no edition can hold it", Some((2, 9))),
                ("control character U+0001 in the text; no edition can hold it", Some((7, 14)))
            ]
        );
        assert!(checked.book.is_none());
    }

    #[test]
    fn invisible_characters_are_not_glyphs() {
        assert!(is_invisible('\u{200d}') && is_invisible('\u{fe0f}') && is_invisible(' '));
        assert!(!is_invisible('ж') && !is_invisible('😀'));
    }
}
