//! A book's plan: which chapter files it has, in which order and parts, and its
//! metadata, from the folder's `book.toml` or, without one, its `.md` files in
//! name order.
//!
//! ```toml
//! title = "Ten Days"            # the front matter's keys, for the whole book
//! author = "A. Writer"
//! language = "fr"
//! chapters = ["preface.md"]     # chapters before the first part (or all of them)
//!
//! [[parts]]
//! title = "Before October"
//! chapters = ["01-february.md", { file = "02-july.md" }, { file = "interlude.md", numbered = false }]
//!
//! [notes]
//! numbering = "chapter"         # or "book"; per chapter for a book of several chapters
//! placement = "book"            # or "chapter": all at the book's end, or each chapter's at its end
//!
//! [labels]                      # the book's own words for what the editions label
//! notes = "Endnotes"            # (styles/labels.toml lists them)
//! ```

use std::path::{Path, PathBuf};

use super::front_matter::{self, Syntax};
use super::Source;
use crate::diagnostics::Diagnostic;
use crate::model::metadata::{Metadata, NoteNumbering, NotePlacement};
use crate::model::SourcePos;

/// The file that makes a folder a book.
pub const BOOK_FILE: &str = "book.toml";

/// The keys of `book.toml` that are the book's structure rather than its metadata.
const STRUCTURE_KEYS: &[&str] = &["chapters", "parts", "notes", "labels"];

/// What a book is made of, before any chapter is read.
#[derive(Debug, Clone, PartialEq)]
pub struct BookPlan {
    /// `book.toml`, or the folder itself when there is none: where the book's
    /// own diagnostics point and where its pictures and resources are found.
    pub file: PathBuf,
    /// The book's metadata; `None` without a `book.toml` (the first chapter's front matter says it).
    pub metadata: Option<Metadata>,
    pub parts: Vec<String>,
    pub chapters: Vec<PlannedChapter>,
    /// The numbering `book.toml` asks for, if it does.
    pub note_numbering: Option<NoteNumbering>,
    pub note_placement: NotePlacement,
    /// `[labels]`: the book's own words for what the editions label.
    pub labels: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChapter {
    pub file: PathBuf,
    /// Index into [`BookPlan::parts`].
    pub part: Option<usize>,
    pub numbered: bool,
}

/// The plan of the book in `folder`, or every problem found in its `book.toml`.
pub fn read(folder: &Path) -> Result<(BookPlan, Vec<Diagnostic>), Vec<Diagnostic>> {
    let file = folder.join(BOOK_FILE);
    match std::fs::read_to_string(&file) {
        Ok(text) => from_book_file(folder, &file, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => from_folder(folder),
        Err(e) => Err(vec![Diagnostic::error(&file, None, format!("cannot read the book's {BOOK_FILE}: {e}"))]),
    }
}

/// Without `book.toml`: every `.md` file of the folder, in name order, is a chapter.
fn from_folder(folder: &Path) -> Result<(BookPlan, Vec<Diagnostic>), Vec<Diagnostic>> {
    let unreadable = |e: std::io::Error| vec![Diagnostic::error(folder, None, format!("cannot read the folder: {e}"))];
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(unreadable)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut warnings = Vec::new();
    // A folder's README is about the book, not in it; say so, as nothing is left out without a word.
    if let Some(at) = files.iter().position(|f| f.file_name().is_some_and(|n| n.eq_ignore_ascii_case("README.md"))) {
        let readme = files.remove(at);
        if !files.is_empty() {
            warnings.push(
                Diagnostic::warning(&readme, None, "README.md is taken as notes about the book, not as a chapter")
                    .with_help(format!("to make it a chapter, list it in a {BOOK_FILE} (`chapters = [\"README.md\", …]`)")),
            );
        } else {
            files.push(readme);
        }
    }
    if files.is_empty() {
        return Err(vec![Diagnostic::error(folder, None, "the folder holds no manuscript (no `.md` file)")
            .with_help(format!("put the text in a `.md` file there, or run `quire new {}` to start a book", folder.display()))]);
    }
    let chapters = files.into_iter().map(|file| PlannedChapter { file, part: None, numbered: true }).collect();
    Ok((BookPlan { file: folder.to_path_buf(), metadata: None, parts: Vec::new(), chapters, note_numbering: None, note_placement: NotePlacement::default(), labels: Vec::new() }, warnings))
}

fn from_book_file(folder: &Path, file: &Path, text: &str) -> Result<(BookPlan, Vec<Diagnostic>), Vec<Diagnostic>> {
    let source = Source::new(file, text);
    let (metadata, mut diagnostics) = front_matter::read_table(&source, Syntax::Toml, STRUCTURE_KEYS);
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        // The front-matter reader has named the syntax error.
        Err(_) => return Err(diagnostics),
    };
    let mut plan = BookPlan { file: file.to_path_buf(), metadata, parts: Vec::new(), chapters: Vec::new(), note_numbering: None, note_placement: NotePlacement::default(), labels: Vec::new() };
    let mut structure = Structure { folder, source: &source, diagnostics: &mut diagnostics, plan: &mut plan };
    if let Some(chapters) = table.get("chapters") {
        structure.chapters("chapters", chapters, None);
    }
    match table.get("parts") {
        Some(toml::Value::Array(parts)) => {
            for part in parts {
                structure.part(part);
            }
        }
        Some(_) => structure.error("parts", "`parts` must be a list of tables: `[[parts]]`, `title = \"…\"`, `chapters = [\"…\"]`".into(), "write each part as a `[[parts]]` table"),
        None => {}
    }
    match table.get("notes").map(|notes| notes.get("numbering")) {
        Some(Some(toml::Value::String(n))) if n == "book" => plan.note_numbering = Some(NoteNumbering::Book),
        Some(Some(toml::Value::String(n))) if n == "chapter" => plan.note_numbering = Some(NoteNumbering::Chapter),
        Some(Some(_)) => structure_error(&source, &mut diagnostics, "numbering", "`numbering` under `[notes]` must be \"book\" or \"chapter\"".into(), "write `numbering = \"chapter\"` (from 1 in each chapter) or `numbering = \"book\"` (1…n through the book)"),
        Some(None) | None => {}
    }
    match table.get("notes").map(|notes| notes.get("placement")) {
        Some(Some(toml::Value::String(p))) if p == "book" => plan.note_placement = NotePlacement::EndOfBook,
        Some(Some(toml::Value::String(p))) if p == "chapter" => plan.note_placement = NotePlacement::EndOfChapter,
        Some(Some(_)) => structure_error(&source, &mut diagnostics, "placement", "`placement` under `[notes]` must be \"book\" or \"chapter\"".into(), "write `placement = \"book\"` (all notes at the end of the book) or `placement = \"chapter\"` (at each chapter's end)"),
        Some(None) | None => {}
    }
    if let Some(labels) = table.get("labels") {
        match labels.as_table() {
            Some(labels) => {
                let mut known = crate::model::labels::Labels::default();
                for (name, value) in labels {
                    match value.as_str() {
                        Some(text) if known.set(name, text.to_owned()) => plan.labels.push((name.clone(), text.to_owned())),
                        Some(_) => structure_error(&source, &mut diagnostics, name, format!("`{name}` under `[labels]` is no label quire prints"), "the labels are those of styles/labels.toml: contents, notes, cover, title_page, chapter, part, …"),
                        None => structure_error(&source, &mut diagnostics, name, format!("label `{name}` must be text"), "write `notes = \"Endnotes\"`"),
                    }
                }
            }
            None => structure_error(&source, &mut diagnostics, "labels", "`labels` must be a table".into(), "write a `[labels]` table with lines such as `notes = \"Endnotes\"`"),
        }
    }
    if plan.chapters.is_empty() && !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.push(
            Diagnostic::error(file, Some(SourcePos { line: 1, column: 1 }), format!("{BOOK_FILE} lists no chapter"))
                .with_help("add `chapters = [\"01-first.md\", \"02-second.md\"]`, or `[[parts]]` tables that list them"),
        );
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok((plan, diagnostics))
}

struct Structure<'a> {
    folder: &'a Path,
    source: &'a Source<'a>,
    diagnostics: &'a mut Vec<Diagnostic>,
    plan: &'a mut BookPlan,
}

impl Structure<'_> {
    fn error(&mut self, key: &str, message: String, help: &str) {
        structure_error(self.source, self.diagnostics, key, message, help);
    }

    fn part(&mut self, part: &toml::Value) {
        let title = part.get("title").and_then(toml::Value::as_str);
        let Some(title) = title else {
            return self.error("parts", "a part has no `title`".into(), "give each `[[parts]]` a `title = \"…\"`");
        };
        self.plan.parts.push(title.to_owned());
        let index = self.plan.parts.len() - 1;
        match part.get("chapters") {
            Some(chapters) => self.chapters("chapters", chapters, Some(index)),
            None => self.error("parts", format!("part “{title}” lists no chapter"), "add `chapters = [\"…\"]` under its `[[parts]]`"),
        }
    }

    fn chapters(&mut self, key: &str, chapters: &toml::Value, part: Option<usize>) {
        let Some(list) = chapters.as_array() else {
            return self.error(key, format!("`{key}` must be a list of file names"), "write `chapters = [\"01-first.md\", \"02-second.md\"]`");
        };
        for entry in list {
            let (name, numbered) = match entry {
                toml::Value::String(name) => (name.as_str(), true),
                toml::Value::Table(t) => match t.get("file").and_then(toml::Value::as_str) {
                    Some(name) => (name, t.get("numbered").and_then(toml::Value::as_bool).unwrap_or(true)),
                    None => {
                        self.error(key, "a chapter given as a table has no `file`".into(), "write `{ file = \"02-july.md\", numbered = false }`");
                        continue;
                    }
                },
                _ => {
                    self.error(key, format!("`{key}` holds something that is not a file name"), "write each chapter as a file name in quotes");
                    continue;
                }
            };
            let file = self.folder.join(name);
            let outside = Path::new(name).is_absolute() || Path::new(name).components().any(|c| matches!(c, std::path::Component::ParentDir));
            if outside {
                self.error(key, format!("chapter `{name}` is outside the book's folder"), "keep the chapters in the book's folder (or a folder inside it)");
            } else if !file.is_file() {
                self.error(key, format!("chapter `{name}` is not a file in {}", self.folder.display()), "check the file name, or remove it from the list");
            } else if self.plan.chapters.iter().any(|c| c.file == file) {
                self.error(key, format!("chapter `{name}` is listed twice"), "list each chapter once");
            } else {
                self.plan.chapters.push(PlannedChapter { file, part, numbered });
            }
        }
    }
}

/// An error at the line of `book.toml` that gives `key` (or its first line).
fn structure_error(source: &Source<'_>, diagnostics: &mut Vec<Diagnostic>, key: &str, message: String, help: &str) {
    let offset = front_matter::key_line(source.text, key).map_or(0, |(at, _)| at);
    diagnostics.push(source.error(offset, message, help));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("quire-plan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        dir
    }

    #[test]
    fn book_toml_gives_parts_chapters_and_numbering() {
        let dir = folder("parts", &[
            ("book.toml", "title = \"B\"\nlanguage = \"fr\"\nchapters = [\"pre.md\"]\n\n[[parts]]\ntitle = \"Un\"\nchapters = [\"a.md\", { file = \"b.md\", numbered = false }]\n\n[notes]\nnumbering = \"book\"\n"),
            ("pre.md", "x"),
            ("a.md", "x"),
            ("b.md", "x"),
        ]);
        let (plan, warnings) = read(&dir).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(plan.metadata.as_ref().map(|m| m.language.as_str()), Some("fr"));
        assert_eq!(plan.parts, vec!["Un".to_owned()]);
        let chapters: Vec<_> = plan.chapters.iter().map(|c| (c.file.file_name().unwrap().to_str().unwrap(), c.part, c.numbered)).collect();
        assert_eq!(chapters, vec![("pre.md", None, true), ("a.md", Some(0), true), ("b.md", Some(0), false)]);
        assert_eq!(plan.note_numbering, Some(NoteNumbering::Book));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_chapter_is_an_error_at_its_line() {
        let dir = folder("missing", &[("book.toml", "title = \"B\"\nchapters = [\"a.md\", \"gone.md\"]\n"), ("a.md", "x")]);
        let errors = read(&dir).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("`gone.md`"), "{}", errors[0].message);
        assert_eq!(errors[0].at.map(|a| a.line), Some(2));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn book_toml_s_mistakes_are_named_as_book_toml_s() {
        let dir = folder("typo", &[("book.toml", "title = \"B\"\ntilte = \"C\"\nchapters = [\"a.md\"]\n"), ("a.md", "x")]);
        let (_, warnings) = read(&dir).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].message, "unknown book.toml key `tilte` is ignored");
        assert_eq!(warnings[0].at.map(|a| a.line), Some(2));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn without_book_toml_the_md_files_in_name_order() {
        let dir = folder("names", &[("02-b.md", "x"), ("01-a.md", "x"), ("README.md", "about"), ("notes.txt", "")]);
        let (plan, warnings) = read(&dir).unwrap();
        let names: Vec<_> = plan.chapters.iter().map(|c| c.file.file_name().unwrap().to_str().unwrap().to_owned()).collect();
        assert_eq!(names, vec!["01-a.md", "02-b.md"]);
        assert_eq!(warnings.len(), 1, "the README left out is named");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
