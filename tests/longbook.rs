//! The benchmark's long book: `longbook` repeats the article as chapters with notes of their own.

use std::path::PathBuf;
use std::process::Command;

use quire::model::{plain_text, Matter};

#[test]
fn three_chapters_have_three_times_the_notes_and_one_back_matter() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("quire-test-longbook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("longbook.md");
    let status = Command::new(env!("CARGO_BIN_EXE_longbook"))
        .arg(root.join("manuscript/russia-1917.md"))
        .arg("3")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());

    let (article, _) = quire::load(&root.join("manuscript/russia-1917.md")).unwrap();
    let (book, warnings) = quire::load(&out).expect("the long book is a valid manuscript");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(book.metadata.title, article.metadata.title);
    assert_eq!(book.notes.len(), 3 * article.notes.len(), "every chapter's notes are its own");
    let chapters: Vec<String> = book.sections().filter_map(|s| s.heading.as_deref().map(plain_text)).filter(|t| t.starts_with("Chapter")).collect();
    assert_eq!(chapters, ["Chapter 1", "Chapter 2", "Chapter 3"]);
    let back = |b: &quire::model::Book| b.sections().filter(|s| s.matter == Matter::Back).count();
    assert_eq!(back(&book), back(&article), "the back matter is kept once");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same long book as a folder: `book.toml` and a chapter file each, every
/// chapter with its own notes, checked without a warning.
#[test]
fn a_folder_of_three_chapters_is_a_book_of_three_chapters_with_their_notes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("quire-test-longbook-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let folder = dir.join("book/");
    let status = Command::new(env!("CARGO_BIN_EXE_longbook")).arg(root.join("manuscript/russia-1917.md")).arg("3").arg(&folder).status().unwrap();
    assert!(status.success());
    let mut files: Vec<String> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, ["1.md", "2.md", "3.md", "book.toml"]);

    let (article, _) = quire::load(&root.join("manuscript/russia-1917.md")).unwrap();
    let checked = quire::check(&folder, &quire::resources_for(&folder, None));
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let book = checked.book.unwrap();
    assert_eq!(book.metadata.title, article.metadata.title);
    let titles: Vec<String> = book.chapters.iter().map(|c| c.title.as_deref().map(plain_text).unwrap_or_default()).collect();
    assert_eq!(titles, ["Chapter 1", "Chapter 2", "Chapter 3"]);
    for chapter in 0..3 {
        assert_eq!(book.notes.iter().filter(|n| n.chapter == chapter).count(), article.notes.len(), "chapter {chapter}'s notes are its own");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
