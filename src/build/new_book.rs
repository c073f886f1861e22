//! `quire new FOLDER`: a book's folder to start from, as `mdbook init` and
//! `typst init` make one: a book.toml, a first chapter with a note, and a README
//! on the format. The files are data (src/build/new_book/), filled with the
//! folder's name and the title made from it.

use std::fmt;
use std::path::{Path, PathBuf};

/// Each file of a new book, by name, with `{folder}` and `{title}` to fill.
const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("new_book/book.toml")),
    ("01-first-chapter.md", include_str!("new_book/01-first-chapter.md")),
    ("README.md", include_str!("new_book/README.md")),
];

/// Why no book was started.
#[derive(Debug)]
pub struct NewBookError {
    pub folder: PathBuf,
    pub reason: String,
}

impl fmt::Display for NewBookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.folder.display(), self.reason)
    }
}

impl std::error::Error for NewBookError {}

/// Makes `folder` (which must not exist, or be empty) a book, and returns the files written.
pub fn new_book(folder: &Path) -> Result<Vec<PathBuf>, NewBookError> {
    let failed = |reason: String| NewBookError { folder: folder.to_path_buf(), reason };
    if folder.is_file() {
        return Err(failed("is a file; a book is a folder: give the name of a folder to make".into()));
    }
    // A folder with anything in it is someone's: nothing there is overwritten.
    if let Ok(mut entries) = std::fs::read_dir(folder) {
        if entries.next().is_some() {
            return Err(failed("the folder is not empty; quire starts a book only in a new or empty folder".into()));
        }
    }
    std::fs::create_dir_all(folder).map_err(|e| failed(format!("cannot make the folder: {e}")))?;
    let name = folder_name(folder);
    let title = title_from(&name);
    let mut written = Vec::new();
    for (file, template) in FILES {
        let path = folder.join(file);
        let text = template.replace("{folder}", &name).replace("{title}", &title.replace('"', "\\\""));
        std::fs::write(&path, text).map_err(|e| failed(format!("cannot write {file}: {e}")))?;
        written.push(path);
    }
    Ok(written)
}

/// The folder's own name, as `quire build` names the editions after it.
fn folder_name(folder: &Path) -> String {
    let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
    absolute.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into())
}

/// `my-first-book` is “My first book”: the hyphens and underscores of a file name are spaces.
fn title_from(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My Book".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_the_folder_s_name_in_words() {
        assert_eq!(title_from("my-first_book"), "My first book");
        assert_eq!(title_from("été"), "Été");
        assert_eq!(title_from(""), "My Book");
    }
}
