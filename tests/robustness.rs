//! Nothing lost and nothing left to chance: a failed build leaves the files already
//! in the output folder exactly as they were, and `SOURCE_DATE_EPOCH` (run in a
//! child process, so no test races another over the environment) dates the editions.
//! Two builds in one process giving the same bytes is tested beside each edition.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use quire::{build, BuildError, BuildOptions, Edition};

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");
const HEAD: &str = "+++\ntitle = \"A test\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\ndate = \"2017\"\n+++\n\n";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-robust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A manuscript in `dir`, and a dist/ beside it holding editions from an earlier build.
fn earlier_build(dir: &Path, manuscript: &str) -> (BuildOptions, Vec<(PathBuf, Vec<u8>)>) {
    std::fs::write(dir.join("book.md"), manuscript).unwrap();
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    let earlier = vec![(dist.join("book.epub"), b"the EPUB a reader has".to_vec()), (dist.join("book.pdf"), b"the PDF a reader has".to_vec())];
    for (path, bytes) in &earlier {
        std::fs::write(path, bytes).unwrap();
    }
    let options = BuildOptions { manuscript: dir.join("book.md"), out_dir: dist, editions: Edition::ALL.to_vec(), resources: None, style: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    (options, earlier)
}

fn assert_untouched(dist: &Path, earlier: &[(PathBuf, Vec<u8>)]) {
    for (path, bytes) in earlier {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} was changed", path.display());
    }
    let names: Vec<String> = std::fs::read_dir(dist).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), earlier.len(), "no file was added, no temporary file left: {names:?}");
}

#[test]
fn a_manuscript_with_errors_leaves_the_previous_editions_as_they_were() {
    let dir = temp_dir("manuscript-error");
    let (options, earlier) = earlier_build(&dir, &format!("{HEAD}A claim[^nowhere].\n"));
    let error = build(&options).expect_err("an undefined note is an error");
    assert!(matches!(&error, BuildError::Manuscript(d) if d.iter().any(|d| d.message.contains("[^nowhere]"))), "{error}");
    assert_untouched(&options.out_dir, &earlier);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_style_fails_after_the_epub_was_made_and_writes_nothing() {
    let dir = temp_dir("style-error");
    let (mut options, earlier) = earlier_build(&dir, &format!("{HEAD}A clean paragraph.\n"));
    // The EPUB is made before the PDF's style is read: this failure comes late.
    std::fs::write(dir.join("broken.toml"), "name = \"broken\"\n[page]\nwidth_mm = \"wide\"\n").unwrap();
    options.style = Some(dir.join("broken.toml"));
    let error = build(&options).expect_err("a broken style fails the build");
    assert!(matches!(&error, BuildError::Style(m) if m.contains("broken.toml")), "{error}");
    assert_untouched(&options.out_dir, &earlier);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_edition_that_cannot_be_written_leaves_no_temporary_file() {
    let dir = temp_dir("write-error");
    let (options, _) = earlier_build(&dir, &format!("{HEAD}A clean paragraph.\n"));
    // A folder where the PDF should go: the rename into place fails.
    std::fs::remove_file(options.out_dir.join("book.pdf")).unwrap();
    std::fs::create_dir_all(options.out_dir.join("book.pdf/kept")).unwrap();
    let error = build(&options).expect_err("the PDF cannot replace a folder");
    assert!(matches!(&error, BuildError::Write { path, .. } if path.ends_with("book.pdf")), "{error}");
    assert!(error.to_string().contains("book.pdf") && std::error::Error::source(&error).is_some(), "{error}");
    assert!(options.out_dir.join("book.pdf/kept").is_dir());
    let temporary: Vec<_> = std::fs::read_dir(&options.out_dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
    assert!(temporary.is_empty(), "{temporary:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Builds the bundled manuscript in a child process; returns the EPUB's and the PDF's bytes.
fn build_with_epoch(out: &Path, epoch: Option<&str>) -> (Vec<u8>, Vec<u8>) {
    let mut command = Command::new(QUIRE);
    command.args(["build", "manuscript", "--out"]).arg(out).current_dir(root()).env_remove("SOURCE_DATE_EPOCH");
    if let Some(epoch) = epoch {
        command.env("SOURCE_DATE_EPOCH", epoch);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (std::fs::read(out.join("russia-1917.epub")).unwrap(), std::fs::read(out.join("russia-1917.pdf")).unwrap())
}

fn epub_dates(epub: &[u8]) -> (String, Vec<String>) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut times = Vec::new();
    for i in 0..zip.len() {
        let t = zip.by_index(i).unwrap().last_modified().expect("entries carry a time");
        times.push(format!("{:04}-{:02}-{:02}T{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute()));
    }
    times.dedup();
    let mut opf = String::new();
    zip.by_name("OEBPS/content.opf").unwrap().read_to_string(&mut opf).unwrap();
    let modified = opf.split("<meta property=\"dcterms:modified\">").nth(1).and_then(|s| s.split('<').next()).expect("dcterms:modified");
    (modified.to_owned(), times)
}

fn pdf_creation_date(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let info = doc.dereference(doc.trailer.get(b"Info").unwrap()).unwrap().1.as_dict().unwrap().clone();
    match info.get(b"CreationDate").unwrap() {
        lopdf::Object::String(bytes, _) => String::from_utf8_lossy(bytes).into_owned(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn source_date_epoch_dates_both_editions_and_builds_stay_byte_identical() {
    let dirs: Vec<PathBuf> = ["plain", "epoch-a", "epoch-b", "epoch-later"].iter().map(|n| temp_dir(n)).collect();
    let plain = build_with_epoch(&dirs[0], None);
    // 1500000000 is 2017-07-14 02:40:00 UTC.
    let first = build_with_epoch(&dirs[1], Some("1500000000"));
    let second = build_with_epoch(&dirs[2], Some("1500000000"));
    assert!(first == second, "two builds in two processes with the same SOURCE_DATE_EPOCH differ");

    assert_eq!(epub_dates(&plain.0), ("2017-01-01T00:00:00Z".to_owned(), vec!["2017-01-01T00:00".to_owned()]), "the manuscript's date");
    assert!(pdf_creation_date(&plain.1).starts_with("D:20170101"));
    assert_eq!(epub_dates(&first.0), ("2017-07-14T02:40:00Z".to_owned(), vec!["2017-07-14T02:40".to_owned()]));
    assert!(pdf_creation_date(&first.1).starts_with("D:20170714"), "{}", pdf_creation_date(&first.1));

    // 1600000000 is 2020-09-13 12:26:40 UTC.
    let later = build_with_epoch(&dirs[3], Some("1600000000"));
    assert_eq!(epub_dates(&later.0).0, "2020-09-13T12:26:40Z");
    assert!(pdf_creation_date(&later.1).starts_with("D:20200913"));
    assert!(later.0 != first.0 && later.1 != first.1, "the stamped date is part of the bytes");
    for dir in dirs {
        std::fs::remove_dir_all(dir).unwrap();
    }
}
