//! Checking a manuscript: everything a person can get wrong in one, found in one
//! pass and reported with its place, without building. `quire check` prints the
//! result; `quire build` runs the same pass first and builds only when it found no
//! error, so the two can never disagree.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::manuscript::book_plan;
use crate::model::metadata::Metadata;
use crate::model::Book;
use crate::resources::fonts::FontFamily;
use crate::resources::Resources;
use crate::images::{self, Images};
use crate::{manuscript, passes};

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
    /// The pictures the book places, read and checked once for every edition.
    pub images: Images,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn failed(diagnostic: Diagnostic) -> Checked {
        Checked::failed_with(vec![diagnostic], Images::default())
    }

    fn failed_with(diagnostics: Vec<Diagnostic>, images: Images) -> Checked {
        Checked { diagnostics, book: None, fonts: None, unsupported_characters: Vec::new(), images }
    }
}

/// Checks the manuscript at `path` (a file, or a book's folder) against the fonts and styles in `resources`.
pub fn check(path: &Path, resources: &Resources) -> Checked {
    let fonts = resources.fonts();
    let mut checked = if path.is_dir() {
        check_book(path, fonts.as_ref().ok())
    } else {
        match manuscript::read_file(path) {
            Ok(text) => check_text(path, &text, fonts.as_ref().ok()),
            Err(diagnostic) => return Checked::failed(diagnostic),
        }
    };
    // The labels from the resources' styles/labels.toml, a file of the user's own first.
    if let Some(book) = &mut checked.book {
        if let Err(message) = label(book, resources) {
            checked.diagnostics.push(Diagnostic::error(Path::new("styles/labels.toml"), None, message));
            checked.book = None;
        }
    }
    match fonts {
        Ok(family) => {
            checked.diagnostics.splice(0..0, family.warnings.iter().cloned());
            checked.fonts = Some(family)
        }
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
    let (book, mut diagnostics, unsupported_characters) = match manuscript::parse(path, text) {
        Ok(manuscript) => match passes::run(&[(path, text)], manuscript.book, fonts) {
            Ok(passed) => {
                let mut diagnostics = manuscript.warnings;
                diagnostics.extend(passed.warnings);
                (Some(passed.book), diagnostics, passed.unsupported_characters)
            }
            Err(mut errors) => {
                let mut diagnostics = manuscript.warnings;
                diagnostics.append(&mut errors);
                (None, diagnostics, Vec::new())
            }
        },
        Err(diagnostics) => (None, diagnostics, Vec::new()),
    };
    // Pictures are read only for a book without errors: the check has already
    // refused the files that are missing or outside the manuscript's folder.
    let mut images = Images::default();
    if let Some(book) = book.as_ref().filter(|_| !diagnostics.iter().any(Diagnostic::is_error)) {
        let (loaded, found) = images::load(path, book, fonts, front_matter_key_at(text, &["cover_image", "cover-image"]));
        images = loaded;
        diagnostics.extend(found.into_iter().map(|d| d.with_source(text)));
    }
    diagnostics.sort_by_key(|d| d.at.map(|at| (at.line, at.column)));
    diagnostics.dedup();
    let mut book = book.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    if let Some(book) = &mut book {
        // quire's own words; `check` reads them again from the resources it is given.
        let _ = label(book, &Resources::built_in());
    }
    Checked { diagnostics, book, fonts: None, unsupported_characters, images }
}


/// Checks the book in `folder`: its plan, then each chapter file as a manuscript
/// of its own (every diagnostic names the chapter's file), then the book as a whole.
pub fn check_book(folder: &Path, fonts: Option<&FontFamily>) -> Checked {
    let (plan, mut diagnostics) = match book_plan::read(folder) {
        Ok(read) => read,
        Err(diagnostics) => return Checked::failed_with(diagnostics, Images::default()),
    };
    let mut texts = Vec::new();
    for chapter in &plan.chapters {
        match manuscript::read_file(&chapter.file) {
            Ok(text) => texts.push(text),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    if texts.len() < plan.chapters.len() {
        return Checked::failed_with(diagnostics, Images::default());
    }
    let (metadata, first_chapter_gives_it) = book_metadata(folder, &plan, &texts[0], &mut diagnostics);
    let mut read = Vec::new();
    let mut images = Images::default();
    let mut failed = false;
    for (index, (chapter, text)) in plan.chapters.iter().zip(&texts).enumerate() {
        match manuscript::parse_chapter(&chapter.file, text, &metadata) {
            Ok(mut manuscript) => {
                if index == 0 && first_chapter_gives_it {
                    // Its front matter is the book's: its title is the book's title.
                    manuscript.book.metadata.title.clear();
                }
                // A chapter read without errors: its pictures can be read.
                let (loaded, found) = images::load(&chapter.file, &manuscript.book, fonts, None);
                images.extend(loaded);
                failed |= found.iter().any(Diagnostic::is_error);
                diagnostics.extend(found.into_iter().map(|d| d.with_source(text)));
                diagnostics.extend(manuscript.warnings);
                read.push(manuscript::ReadChapter { book: manuscript.book, links: manuscript.book_links });
            }
            Err(errors) => {
                failed = true;
                diagnostics.extend(errors);
            }
        }
    }
    // The cover's path is from the book's folder, as its chapters' are from theirs.
    let (cover, found) = images::load(&folder.join(book_plan::BOOK_FILE), &Book::of_sections(metadata.clone(), Vec::new(), Vec::new()), fonts, cover_image_key_at(&plan));
    images.extend(cover);
    failed |= found.iter().any(Diagnostic::is_error);
    diagnostics.extend(found);
    if failed {
        return Checked::failed_with(diagnostics, images);
    }
    let sources: Vec<(&Path, &str)> = plan.chapters.iter().zip(&texts).map(|(c, t)| (c.file.as_path(), t.as_str())).collect();
    let (mut book, found) = manuscript::assemble(&plan, metadata, read, &sources);
    diagnostics.extend(found);
    book.metadata.label_overrides = plan.labels.clone();
    // `bibliography` and `csl` are book.toml's keys when it has them.
    let book_file = plan.metadata.as_ref().and_then(|_| std::fs::read_to_string(&plan.file).ok());
    let book_file = book_file.as_deref().map(|text| (plan.file.as_path(), text));
    let (book, unsupported_characters) = match passes::run_book(&sources, book_file, book, fonts) {
        Ok(passed) => {
            diagnostics.extend(passed.warnings);
            (Some(passed.book), passed.unsupported_characters)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            (None, Vec::new())
        }
    };
    // In the order of the chapters, and of their places in each.
    let order = |d: &Diagnostic| (plan.chapters.iter().position(|c| c.file == d.file).unwrap_or(0), d.at.map(|at| (at.line, at.column)));
    diagnostics.sort_by_key(order);
    diagnostics.dedup();
    let book = book.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    Checked { diagnostics, book, fonts: None, unsupported_characters, images }
}

/// The book's metadata: its `book.toml`'s or, without one, its first chapter's front
/// matter. What that leaves out is assumed, each assumption a warning that says how to
/// state it; `true` when the first chapter gave it (its title is then the book's).
fn book_metadata(folder: &Path, plan: &book_plan::BookPlan, first: &str, diagnostics: &mut Vec<Diagnostic>) -> (Metadata, bool) {
    let top = Some(crate::model::SourcePos { line: 1, column: 1 });
    let (mut metadata, said_in, help) = match &plan.metadata {
        // book.toml's `author` names the authors; their byline is made here, in the book's language.
        Some(metadata) => {
            let help = format!("add the line to {}: `title = \"…\"`, `author = \"…\"`, `language = \"…\"`", book_plan::BOOK_FILE);
            (Metadata { author: metadata.author.clone().or_else(|| metadata.byline()), ..metadata.clone() }, plan.file.clone(), help)
        }
        None => {
            let file = &plan.chapters[0].file;
            let metadata = manuscript::parse_chapter(file, first, &Metadata::default()).map(|m| m.book.metadata).unwrap_or_default();
            let help = format!("write a {} in the book's folder with `title = \"…\"`, `author = \"…\"` and `language = \"…\"` and the chapters' order", book_plan::BOOK_FILE);
            (metadata, file.clone(), help)
        }
    };
    let named = folder.canonicalize().ok().and_then(|f| f.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_else(|| "Untitled".into());
    if metadata.title.trim().is_empty() {
        diagnostics.push(Diagnostic::warning(&said_in, top, format!("the book has no title; the editions take “{named}” from its folder's name")).with_help(&help));
        metadata.title = named;
    }
    if metadata.language.is_empty() {
        diagnostics.push(Diagnostic::warning(&said_in, top, "the book does not say its language; the editions assume English (`en`)").with_help(&help));
        metadata.language = "en".into();
    }
    if metadata.author.is_none() {
        diagnostics.push(Diagnostic::warning(&said_in, top, "the book names no author; no edition names one").with_help(&help));
    }
    (metadata, plan.metadata.is_none())
}

/// Where `book.toml` gives the cover image, for a diagnostic about it.
fn cover_image_key_at(plan: &book_plan::BookPlan) -> Option<crate::model::SourcePos> {
    let text = std::fs::read_to_string(&plan.file).ok()?;
    ["cover_image", "cover-image"].iter().find_map(|key| crate::manuscript::key_position(&text, key))
}

/// The book's labels in its language, from `resources`, with the book's own `[labels]` over them.
fn label(book: &mut Book, resources: &Resources) -> Result<(), String> {
    let mut labels = resources.labels(&book.metadata.language)?;
    for (name, value) in &book.metadata.label_overrides {
        labels.set(name, value.clone());
    }
    // The bibliography's heading is a label too, in the book's language (none if empty).
    for section in book.sections_mut().filter(|s| s.is_bibliography()) {
        section.heading = Some(vec![crate::model::Inline::Text(labels.bibliography.clone())]).filter(|_| !labels.bibliography.is_empty());
    }
    book.metadata.labels = labels;
    Ok(())
}

/// Where the front matter (the lines up to its closing `+++` or `---`) gives one
/// of `keys` a value: the key's line and column, for a diagnostic about the value.
fn front_matter_key_at(text: &str, keys: &[&str]) -> Option<crate::model::SourcePos> {
    let mut lines = text.lines().enumerate();
    let (_, opening) = lines.next()?;
    let fence = opening.trim_end();
    if fence != "+++" && fence != "---" {
        return None;
    }
    lines.take_while(|(_, line)| line.trim_end() != fence).find_map(|(n, line)| {
        let trimmed = line.trim_start();
        let names_key = keys.iter().any(|key| trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(['=', ':'])));
        names_key.then(|| crate::model::SourcePos { line: n + 1, column: line.len() - trimmed.len() + 1 })
    })
}
