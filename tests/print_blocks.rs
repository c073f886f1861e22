//! Tables, lists, quotes, headings and rules in print: the test manuscript
//! `tests/manuscripts/print-blocks.md` built into every edition by the
//! program, and its reader PDF read back with pdftotext.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

/// The folder the test manuscript's editions are built into, once.
fn built() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = std::env::temp_dir().join(format!("quire-print-blocks-{}", std::process::id()));
        let manuscript = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts/print-blocks.md");
        let run = Command::new(QUIRE).arg("build").arg(&manuscript).arg("--out").arg(&out).output().expect("quire runs");
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        std::fs::write(out.join("stderr.txt"), &run.stderr).unwrap();
        out
    })
}

fn reader_pdf() -> PathBuf {
    built().join("print-blocks.pdf")
}

/// The text of each page of `pdf`.
fn pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext runs");
    String::from_utf8(out.stdout).unwrap().split('\u{c}').map(str::to_owned).collect()
}

/// Every word of `pdf` with its page's width and its box: (page width, xMin, xMax, word).
fn word_boxes(pdf: &Path) -> Vec<(f32, f32, f32, String)> {
    let out = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext runs");
    let html = String::from_utf8(out.stdout).unwrap();
    let attribute = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut width = 0.0;
    let mut words = Vec::new();
    for tag in html.split('<').skip(1) {
        if tag.starts_with("page ") {
            width = attribute(tag, "width");
        } else if tag.starts_with("word ") {
            let text = tag.split('>').nth(1).unwrap_or("").to_owned();
            words.push((width, attribute(tag, "xMin"), attribute(tag, "xMax"), text));
        }
    }
    words
}

#[test]
fn every_edition_is_built_and_no_table_is_narrowed_below_its_words() {
    for edition in ["print-blocks.epub", "print-blocks.pdf", "print-blocks-booklet-a4.pdf", "print-blocks-booklet-letter.pdf"] {
        assert!(built().join(edition).exists(), "{edition}");
    }
    let stderr = std::fs::read_to_string(built().join("stderr.txt")).unwrap();
    assert!(!stderr.contains("too wide for the page"), "{stderr}");
}

#[test]
fn a_table_longer_than_a_page_repeats_its_head_on_every_page_it_runs_onto() {
    let pages = pages(&reader_pdf());
    let with_rows: Vec<&String> = pages.iter().filter(|p| p.contains("of the long table")).collect();
    assert!(with_rows.len() >= 2, "the long table runs onto at least two pages");
    for page in &with_rows {
        let head = page.lines().position(|l| l.contains("Number") && l.contains("Description") && l.contains("Square")).expect("the head on every page");
        let first_row = page.lines().position(|l| l.contains("of the long table")).unwrap();
        assert!(head < first_row, "the head comes before the rows:\n{page}");
    }
    // Every row is set once, whole: its number, description and square on one line.
    let all = pages.concat();
    for n in 1..=70 {
        let rows = all.lines().filter(|l| l.contains(&format!("Item number {n} of the long table"))).collect::<Vec<_>>();
        assert_eq!(rows.len(), 1, "row {n}");
        assert!(rows[0].contains(&format!("{}", n * n)), "row {n} on one line: {}", rows[0]);
    }
}

#[test]
fn a_table_wider_than_the_page_stays_inside_the_text_block() {
    let boxes = word_boxes(&reader_pdf());
    let cells: Vec<_> = boxes.iter().filter(|(_, _, _, w)| w.starts_with("value") || w.starts_with("Column")).collect();
    assert!(cells.len() > 20, "the wide table's cells are there");
    // A5 with 20 mm margins on both sides: the text block ends 56.7 pt before
    // the edge; a full stop or comma may hang 2 pt into it (margin kerning).
    for (width, x_min, x_max, word) in &boxes {
        assert!(*x_min >= 56.0 && *x_max <= width - 54.5, "{word} at {x_min}–{x_max} leaves the text block");
    }
}

#[test]
fn the_epub_table_has_a_head_with_column_headers_and_aligned_cells() {
    let epub = std::fs::read(built().join("print-blocks.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut article = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("OEBPS/article.xhtml").unwrap(), &mut article).unwrap();
    assert!(article.contains("<thead>\n<tr><th scope=\"col\" class=\"align-left\">Name</th><th scope=\"col\" class=\"align-right\">Amount</th>"), "{article}");
    assert!(article.contains("<td class=\"align-center\">fresh</td>"));
    assert!(article.contains("<tbody>"));
}
