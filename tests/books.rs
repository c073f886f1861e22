//! Books: a folder of chapter files, read in the order its `book.toml` gives,
//! with parts, each chapter's notes its own, and diagnostics in the chapters' files.

use std::path::{Path, PathBuf};

use quire::model::plain_text;
use quire::{check, resources_for};

fn small_book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/small")
}

/// A copy of a book to change, in a folder of its own.
fn copy_of(book: &Path, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-books-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(book).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn a_book_folder_is_read_in_the_order_and_parts_of_its_book_toml() {
    let folder = small_book();
    let checked = check(&folder, &resources_for(&folder, None));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let book = checked.book.unwrap();
    let titles: Vec<String> = book.chapters.iter().map(|c| c.title.as_deref().map(plain_text).unwrap_or_default()).collect();
    assert_eq!(titles, ["Preface", "The first chapter", "The second chapter"]);
    let numbers: Vec<Option<usize>> = book.chapters.iter().map(|c| c.number).collect();
    assert_eq!(numbers, [None, Some(1), Some(2)], "the preface is unnumbered");
    assert_eq!(book.parts.len(), 1);
    assert_eq!(book.chapters.iter().map(|c| c.part).collect::<Vec<_>>(), [None, Some(0), Some(0)]);
    // Every chapter has its `[^1]`; numbers restart in each chapter, anchors stay unique.
    let marks: Vec<(usize, usize, usize)> = book.notes.iter().map(|n| (n.chapter, n.mark, n.number)).collect();
    assert_eq!(marks, [(0, 1, 1), (1, 1, 2), (1, 2, 3), (2, 1, 4), (2, 2, 5)]);
    // `##` in a chapter whose only `#` is its title is a section of the chapter.
    let sections: Vec<String> = book.chapters[1].sections.iter().filter_map(|s| s.heading.as_deref().map(plain_text)).collect();
    assert_eq!(sections, ["A section of the first"]);
}

#[test]
fn a_book_builds_into_every_edition_with_its_chapter_titles() {
    let out = std::env::temp_dir().join(format!("quire-books-out-{}", std::process::id()));
    let options = quire::BuildOptions { manuscript: small_book(), out_dir: out.clone(), editions: quire::Edition::ALL.to_vec(), resources: None, style: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = quire::build(&options).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = report.written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.contains(&"small.pdf".to_owned()) && names.contains(&"small.epub".to_owned()), "named after the folder: {names:?}");
    let text = String::from_utf8(std::process::Command::new("pdftotext").arg(out.join("small.pdf")).arg("-").output().expect("pdftotext runs").stdout).unwrap();
    for words in ["Beginnings", "The first chapter", "A section of the first", "The second chapter", "The second note of chapter two."] {
        assert!(text.contains(words), "`{words}` is in the PDF:\n{text}");
    }
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn a_chapter_s_error_names_the_chapter_s_own_file_line_and_column() {
    let dir = copy_of(&small_book(), "error");
    std::fs::write(dir.join("02-two.md"), "# Two\n\nFine.\n\nA note that is not there[^gone].\n").unwrap();
    let checked = check(&dir, &resources_for(&dir, None));
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:?}", checked.diagnostics);
    assert_eq!(errors[0].file, dir.join("02-two.md"));
    assert_eq!(errors[0].at.map(|a| (a.line, a.column)), Some((5, 25)));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_book_toml_the_chapters_are_the_md_files_in_name_order() {
    let dir = copy_of(&small_book(), "no-toml");
    std::fs::remove_file(dir.join("book.toml")).unwrap();
    let checked = check(&dir, &resources_for(&dir, None));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    let book = checked.book.unwrap();
    assert_eq!(book.chapters.len(), 3);
    assert!(book.parts.is_empty());
    // With no book.toml, what the book lacks is said, not silently assumed.
    assert!(checked.diagnostics.iter().any(|d| d.message.contains("has no title")), "{:?}", checked.diagnostics);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The twelve-chapter test book (tests/books/twelve/) or its French edition (douze/).
fn test_book(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books").join(name)
}

fn pdf_text(pdf: &Path) -> String {
    String::from_utf8(std::process::Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext runs").stdout).unwrap()
}

/// The one XHTML document (or all of them) of an EPUB, as text.
fn epub_documents(epub: &Path) -> String {
    let out = std::process::Command::new("unzip").arg("-p").arg(epub).arg("*.xhtml").output().expect("unzip runs");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_twelve_chapter_book_and_its_french_edition_build_into_every_edition_without_a_warning() {
    for (name, part_titles, linked_section) in [("twelve", ["The Press", "The Page"], "sec-punches-and-matrices"), ("douze", ["La presse", "La page"], "sec-poinçons-et-matrices")] {
        let folder = test_book(name);
        let checked = check(&folder, &resources_for(&folder, None));
        assert!(checked.diagnostics.is_empty(), "{name}: {:#?}", checked.diagnostics);
        let book = checked.book.unwrap();
        // A preface, then twelve chapters numbered 1–12 in two parts of six.
        assert_eq!(book.chapters.len(), 13, "{name}");
        assert_eq!(book.chapters[0].number, None, "{name}: the preface is unnumbered");
        assert_eq!(book.chapters.iter().map(|c| c.number).skip(1).collect::<Vec<_>>(), (1..=12).map(Some).collect::<Vec<_>>(), "{name}");
        assert_eq!(book.parts.iter().map(|p| plain_text(&p.title)).collect::<Vec<_>>(), part_titles, "{name}");
        assert_eq!(book.chapters.iter().map(|c| c.part).collect::<Vec<_>>(), [None].into_iter().chain((0..12).map(|i| Some(i / 6))).collect::<Vec<_>>());
        let m = &book.metadata;
        for (key, value) in [("dedication", &m.dedication), ("epigraph", &m.epigraph), ("epigraph_source", &m.epigraph_source), ("edition", &m.edition), ("rights", &m.rights), ("publisher", &m.publisher)] {
            assert!(value.as_deref().is_some_and(|v| !v.is_empty()), "{name}: `{key}` is read from book.toml");
        }
        assert!(m.identifier.as_deref().is_some_and(|i| i.starts_with("urn:uuid:")), "{name}: {:?}", m.identifier);
        // Every chapter has its own `[^1]`: a note marked 1 in each of the 13 files.
        for chapter in 0..13 {
            assert_eq!(book.notes.iter().filter(|n| n.chapter == chapter && n.mark == 1).count(), 1, "{name}: chapter {chapter} has its note 1");
        }
        assert!(book.notes.len() > 30, "{name}: several chapters have 2–4 notes ({})", book.notes.len());

        let out = std::env::temp_dir().join(format!("quire-books-{name}-out-{}", std::process::id()));
        let options = quire::BuildOptions { manuscript: folder.clone(), out_dir: out.clone(), editions: quire::Edition::ALL.to_vec(), resources: None, style: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
        let report = quire::build(&options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(report.warnings.is_empty(), "{name}: {:#?}", report.warnings);
        assert_eq!(report.written.len(), quire::Edition::ALL.len(), "{name}: {:?}", report.written);

        let text = pdf_text(&out.join(format!("{name}.pdf")));
        let epub = epub_documents(&out.join(format!("{name}.epub")));
        for chapter in &book.chapters {
            let title = plain_text(chapter.title.as_deref().unwrap());
            assert!(text.contains(&title), "{name}: `{title}` is in the PDF");
            assert!(epub.contains(&title), "{name}: `{title}` is in the EPUB");
        }
        // Every reference leads to its note and every note back to each of its references.
        for note in &book.notes {
            let n = note.number;
            assert!(epub.contains(&format!("id=\"note-{n}\"")), "{name}: note {n} is in the EPUB");
            assert!(epub.contains(&format!("#note-{n}\"")), "{name}: a reference leads to note {n}");
            assert!(epub.contains(&format!("id=\"noteref-{n}\"")), "{name}: note {n}'s reference has an anchor");
            assert!(epub.contains(&format!("#noteref-{n}\"")), "{name}: note {n} leads back");
        }
        // Each note is cited once, as the Chicago Manual asks (14.27) and epubmeter checks;
        // a note cited twice is tested in tests/epub_edition.rs and tests/pdf_edition.rs.
        // Chapter 9 links to a sub-section of chapter 5, in another file.
        assert!(epub.contains(&format!("href=\"#{linked_section}\"")) || epub.contains(&format!("#{linked_section}\"")), "{name}: the link between chapters leads to {linked_section}");
        // The French edition is set with French quotation marks.
        if name == "douze" {
            assert!(text.contains('«') && text.contains('»'), "douze: French quotes");
        }
        std::fs::remove_dir_all(out).unwrap();
    }
}

#[test]
fn what_book_toml_leaves_out_is_assumed_with_a_warning_at_book_toml() {
    let dir = copy_of(&small_book(), "assumed");
    std::fs::write(dir.join("book.toml"), "title = \"A Small Book\"\nchapters = [\"00-preface.md\", \"01-one.md\", \"02-two.md\"]\n").unwrap();
    let checked = check(&dir, &resources_for(&dir, None));
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
    assert_eq!(checked.book.as_ref().unwrap().metadata.language, "en");
    let at_book_toml: Vec<&str> = checked.diagnostics.iter().filter(|d| d.file == dir.join("book.toml")).map(|d| d.message.as_str()).collect();
    assert!(at_book_toml.iter().any(|m| m.contains("does not say its language")), "{at_book_toml:?}");
    assert!(at_book_toml.iter().any(|m| m.contains("names no author")), "{at_book_toml:?}");
    std::fs::remove_dir_all(dir).unwrap();
}
