//! quire installed anywhere: the binary is copied out of the repository and run
//! on a manuscript in a folder of its own, from a third folder, with an empty
//! environment, so nothing leads it back to the repository's `fonts/` and
//! `styles/`. It must build every edition from its built-in resources, and
//! take a style from beside the manuscript, or from `--resources`, over them.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// A fresh, empty folder under the system's temporary folder, outside the repository.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-anywhere-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    assert!(!dir.starts_with(env!("CARGO_MANIFEST_DIR")), "{} is inside the repository", dir.display());
    dir
}

/// Three unrelated folders: the installed binary, the manuscript's own, and where it is run from.
struct Elsewhere {
    root: PathBuf,
    quire: PathBuf,
    book: PathBuf,
    cwd: PathBuf,
}

impl Elsewhere {
    fn new(name: &str) -> Elsewhere {
        let root = temp_dir(name);
        let (bin, book, cwd) = (root.join("bin"), root.join("pamphlet"), root.join("somewhere"));
        for dir in [&bin, &book, &cwd] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let quire = bin.join("quire");
        std::fs::copy(env!("CARGO_BIN_EXE_quire"), &quire).unwrap();
        let manuscript = Path::new(env!("CARGO_MANIFEST_DIR")).join("manuscript/russia-1917.md");
        std::fs::copy(manuscript, book.join("text.md")).unwrap();
        Elsewhere { root, quire, book, cwd }
    }

    /// `quire ARGS…` from the third folder, with no environment at all.
    fn run(&self, args: &[&OsStr]) -> Output {
        let mut command = Command::new(&self.quire);
        command.args(args).current_dir(&self.cwd).env_clear();
        // Another test's thread may fork while this one's copy of the binary is still
        // open for writing; the child holds it until it execs, and meanwhile Linux
        // refuses to run the copy ("text file busy"). It passes in a moment.
        for _ in 0..50 {
            match command.output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => std::thread::sleep(std::time::Duration::from_millis(20)),
                result => return result.unwrap(),
            }
        }
        command.output().unwrap()
    }

    /// `quire build BOOK/text.md --out BOOK/out ARGS…`, which must succeed.
    fn build(&self, args: &[&str]) -> Output {
        let (manuscript, out) = (self.book.join("text.md"), self.book.join("out"));
        let mut all: Vec<&OsStr> = vec!["build".as_ref(), manuscript.as_ref(), "--out".as_ref(), out.as_ref()];
        all.extend(args.iter().map(OsStr::new));
        let output = self.run(&all);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        output
    }

    fn edition(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.book.join("out").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    /// Writes `text` to `styles/NAME` under `folder`.
    fn style(&self, folder: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(folder.join("styles")).unwrap();
        std::fs::write(folder.join("styles").join(name), text).unwrap();
    }
}

impl Drop for Elsewhere {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The first page's MediaBox width, in points, after checking the file is a PDF with pages.
fn first_page_width(pdf: &[u8]) -> f32 {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages = doc.get_pages();
    assert!(!pages.is_empty(), "a PDF without pages");
    let page = doc.get_dictionary(pages[&1]).unwrap();
    let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
    media[2].as_float().unwrap() - media[0].as_float().unwrap()
}

fn assert_width_mm(pdf: &[u8], mm: f32, what: &str) {
    let width = first_page_width(pdf);
    assert!((width - mm * POINTS_PER_MM).abs() < 0.5, "{what}: {width} pt wide, expected {mm} mm");
}

#[test]
fn an_installed_quire_builds_every_edition_from_its_built_in_fonts_and_styles() {
    let place = Elsewhere::new("built-in");
    let output = place.build(&[]);
    let written = String::from_utf8_lossy(&output.stdout);
    // One closing line (each file is listed only with --verbose).
    assert!(written.starts_with("4 editions of ") && written.lines().count() == 1, "{written}");

    let epub = place.edition("text.epub");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut mimetype = String::new();
    let mut first = zip.by_index(0).unwrap();
    assert_eq!(first.name(), "mimetype", "the EPUB's first entry");
    first.read_to_string(&mut mimetype).unwrap();
    assert_eq!(mimetype, "application/epub+zip");
    drop(first);
    assert!(zip.by_name("OEBPS/fonts/OFL.txt").is_ok(), "the fonts' licence travels with them");

    assert_width_mm(&place.edition("text.pdf"), 148.0, "the reader PDF, built-in reader-a5.toml");
    assert_width_mm(&place.edition("text-booklet-a4.pdf"), 297.0, "the A4 booklet's sheet");
    assert_width_mm(&place.edition("text-booklet-letter.pdf"), 279.4, "the Letter booklet's sheet");
}

#[test]
fn a_style_beside_the_manuscript_replaces_only_that_style() {
    let place = Elsewhere::new("beside");
    // Only what differs: the rest of the style is the built-in default's.
    place.style(&place.book, "reader-a5.toml", "[page]\nwidth_mm = 120\n");
    place.style(&place.book, "booklet-a5.toml", "[booklet]\ncredit = \"\"\n");
    place.build(&["--format", "pdf,booklet-a4"]);
    assert_width_mm(&place.edition("text.pdf"), 120.0, "the reader PDF, reader-a5.toml beside the manuscript");
    assert_width_mm(&place.edition("text-booklet-a4.pdf"), 297.0, "the A4 booklet, on A5 pages still");
}

#[test]
fn resources_given_on_the_command_line_come_before_those_beside_the_manuscript() {
    let place = Elsewhere::new("chosen");
    let chosen = place.root.join("house-style");
    place.style(&place.book, "reader-a5.toml", "[page]\nwidth_mm = 120\n");
    place.style(&chosen, "reader-a5.toml", "[page]\nwidth_mm = 130\n");
    place.build(&["--format", "pdf", "--resources", chosen.to_str().unwrap()]);
    assert_width_mm(&place.edition("text.pdf"), 130.0, "the reader PDF, reader-a5.toml from --resources");
}

#[test]
fn a_font_list_beside_the_manuscript_that_names_a_missing_font_is_an_error_at_its_line() {
    let place = Elsewhere::new("fonts");
    let list = "regular = \"LinLibertine_R.otf\"\nitalic = \"Mine-Italic.otf\"\nbold = \"LinLibertine_RB.otf\"\nbold_italic = \"LinLibertine_RBI.otf\"\n";
    place.style(&place.book, "fonts.toml", list);
    let output = place.run(&["check".as_ref(), place.book.join("text.md").as_ref()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let missing = place.book.join("fonts/Mine-Italic.otf");
    assert!(stderr.contains(&format!("font file `{}` does not exist", missing.display())), "{stderr}");
    assert!(stderr.contains(&format!("{}:2:11", place.book.join("styles/fonts.toml").display())), "{stderr}");
}
