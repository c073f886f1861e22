//! Tables, lists, quotes, headings and rules in print: the test manuscript
//! `tests/manuscripts/print-blocks.md` built into every edition by the
//! program, and its reader PDF read back with pdftotext.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

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
    // A note's number hangs in the margin by design (the style's `notes.numbers`):
    // it ends the notes' fixed space (0.5 em of 9 pt) before the text block.
    let note_number = |word: &str, x_max: f32| {
        word.strip_suffix('.').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) && (x_max - (56.69 - 4.5)).abs() < 0.3
    };
    for (width, x_min, x_max, word) in &boxes {
        assert!((*x_min >= 56.0 || note_number(word, *x_max)) && *x_max <= width - 54.5, "{word} at {x_min}–{x_max} leaves the text block");
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

#[test]
fn every_level_of_a_sixty_level_list_is_set_inside_the_text_block() {
    let text = pages(&reader_pdf()).concat();
    for level in 1..=60 {
        assert!(text.contains(&format!("Level {level} of the list")), "level {level} is missing");
    }
    // No page is left with only its running head and folio.
    for (n, page) in pages(&reader_pdf()).iter().enumerate().filter(|(_, p)| !p.trim().is_empty()) {
        assert!(page.lines().filter(|l| !l.trim().is_empty()).count() > 3, "page {} is all but blank:\n{page}", n + 1);
    }
}

#[test]
fn labels_hang_in_the_indent_left_of_their_items_text() {
    let boxes = word_boxes(&reader_pdf());
    let x_of = |word: &str| boxes.iter().find(|(_, _, _, w)| w == word).map(|b| (b.1, b.2)).unwrap_or_else(|| panic!("{word}"));
    // "3." to "9." end where "10." ends: right-aligned numbers.
    let (_, three_end) = x_of("3.");
    let (_, ten_end) = x_of("10.");
    assert!((three_end - ten_end).abs() < 0.5, "3. ends at {three_end}, 10. at {ten_end}");
    // The item's text starts right of its label; the second line of item 5 starts where the text does, not under the number.
    let (an_start, _) = x_of("An");
    assert!(an_start > three_end, "the text starts after the label");
    let bullets: Vec<&str> = boxes.iter().map(|b| b.3.as_str()).filter(|w| ["•", "–", "◦"].contains(w)).collect();
    for bullet in ["•", "–", "◦"] {
        assert!(bullets.contains(&bullet), "{bullet} is a bullet of some level");
    }
    assert!(boxes.iter().any(|b| b.3 == "☑") && boxes.iter().any(|b| b.3 == "☐"), "task boxes");
}

#[test]
fn a_thematic_break_is_a_centred_ornament() {
    for (width, x_min, x_max, _) in word_boxes(&reader_pdf()).iter().filter(|b| b.3 == "⁂") {
        let centre = (x_min + x_max) / 2.0;
        // The text block's centre: the same on rectos and versos (equal margins).
        assert!((centre - width / 2.0).abs() < 1.0, "the ornament at {centre} on a page {width} wide");
    }
    assert!(pages(&reader_pdf()).concat().matches('⁂').count() >= 2);
}

/// Every word of every print edition, as pdftotext places it, is inside its page.
#[test]
fn no_glyph_is_set_beyond_the_page() {
    for edition in ["print-blocks.pdf", "print-blocks-booklet-a4.pdf", "print-blocks-booklet-letter.pdf"] {
        let boxes = word_boxes(&built().join(edition));
        assert!(!boxes.is_empty());
        for (width, x_min, x_max, word) in &boxes {
            assert!(*x_min >= 0.0 && x_max <= width, "{edition}: {word} at {x_min}–{x_max} of {width}");
        }
    }
}

/// Verse comes from the manuscript reader as `Block::Verse`: each line is a
/// line, and one too long for the measure turns over further in.
#[test]
fn verse_keeps_each_line_and_turns_a_long_one_over_with_a_hanging_indent() {
    use quire::model::{Block, Inline};
    let r = common::resources();
    let text = format!("{}# Poem\n\nPLACE\n", common::HEAD);
    let mut book = quire::check_text(Path::new("poem.md"), &text, Some(&r.fonts)).book.unwrap();
    let long = "and this line runs on far longer than any measure of the page could hold, so it must turn over";
    let lines = ["The first line", long, "The last line"].map(|l| vec![Inline::Text(l.to_owned())]).to_vec();
    book.chapters[0].sections[0].blocks = vec![Block::Verse(lines)];
    let pdf = quire::pdf_edition(&book, &quire::images::Images::default(), &r.style, &r.fonts).unwrap().bytes;
    let path = std::env::temp_dir().join(format!("quire-verse-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let boxes = word_boxes(&path);
    let x_of = |word: &str| boxes.iter().find(|b| b.3 == word).unwrap_or_else(|| panic!("{word}")).1;
    let text = pages(&path).concat();
    let set: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(set.contains(&"The first line") && set.contains(&"The last line"), "each line a line: {set:?}");
    // The turned-over part starts further in than the line's beginning.
    let first_word_of_turnover = set.iter().skip_while(|l| !l.starts_with("and this")).nth(1).unwrap().split(' ').next().unwrap();
    assert!(x_of(first_word_of_turnover) > x_of("and") + 10.0, "{set:?}");
    std::fs::remove_file(&path).unwrap();
}

/// The test manuscript's web and mail addresses, as written.
const ADDRESSES: [&str; 3] = ["https://example.org/type/history", "https://paper.example.com/mills?country=uk&since=1800", "mailto:writer@example.org"];

#[test]
fn every_external_link_is_clickable_in_the_reader_pdf_and_printed_in_the_booklets() {
    let doc = lopdf::Document::load(reader_pdf()).unwrap();
    let uris: Vec<String> = common::link_actions(&doc)
        .into_iter()
        .filter_map(|(_, action)| action.get(b"URI").ok().map(|uri| String::from_utf8_lossy(uri.as_str().unwrap()).into_owned()))
        .collect();
    for address in ADDRESSES {
        assert!(uris.iter().any(|uri| uri == address), "{address} is a URI annotation: {uris:?}");
    }
    // The reader PDF is for the screen (links = "none"): its addresses are not printed.
    assert!(!pages(&reader_pdf()).concat().contains("example.org/type"));
    for booklet in ["print-blocks-booklet-a4.pdf", "print-blocks-booklet-letter.pdf"] {
        let out = Command::new("pdftotext").arg(built().join(booklet)).arg("-").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for address in ADDRESSES {
            let shown = address.strip_prefix("mailto:").unwrap_or(address);
            assert!(text.contains(shown), "{booklet} prints {shown}");
        }
        // Numbered with the book's own notes: the first own note is 1, the addresses 2 to 4, the last own note 5.
        let notes = text.split("Notes").last().unwrap();
        let order: Vec<&str> = ["1. A note of the book", "2. https://example.org/type", "3. https://paper", "4. writer@", "5. Another of the book"]
            .into_iter()
            .filter(|n| notes.contains(n))
            .collect();
        assert_eq!(order.len(), 5, "{booklet}: {notes}");
    }
}

/// Each heading level `##` to `######` in its own size and face, from the style.
#[test]
fn each_heading_level_has_its_own_size_and_face() {
    let out = Command::new("pdftotext").arg("-bbox").arg(reader_pdf()).arg("-").output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    // pdftotext gives no font, but a word's box height follows its size.
    let height = |word: &str| -> f32 {
        let tag = html.split("<word ").find(|t| t.split('>').nth(1).is_some_and(|w| w.starts_with(word))).unwrap_or_else(|| panic!("{word}"));
        let value = |name: &str| -> f32 { tag[tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2..].split('"').next().unwrap().parse().unwrap() };
        value("yMax") - value("yMin")
    };
    let second = height("second-level");
    let fifth = height("fifth-level");
    assert!(second > fifth + 0.5, "## at {second}, ##### at {fifth}");
    let style = quire::Style::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("styles/reader-a5.toml")).unwrap();
    let faces: std::collections::HashSet<(String, u32)> = style.subheadings.iter().map(|h| (h.face.clone(), (h.size_pt * 10.0) as u32)).collect();
    assert_eq!(faces.len(), 5, "five levels, each distinct in the default style");
}

/// A real document (ripgrep's README, tests/documents): benchmark tables
/// wider than the measure, with code, links and bold in their cells. Every
/// cell's figure is set, every word stays on its page.
#[test]
fn a_real_documents_benchmark_tables_are_set_whole_and_inside_the_page() {
    let out = std::env::temp_dir().join(format!("quire-ripgrep-{}", std::process::id()));
    let manuscript = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/documents/ripgrep-readme.md");
    let run = Command::new(QUIRE).arg("build").arg(&manuscript).arg("--out").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!String::from_utf8_lossy(&run.stderr).contains("too wide for the page"));
    let text = pages(&out.join("ripgrep-readme.pdf")).concat();
    for time in ["0.082s", "35.94x", "10.69x", "28.973s", "8m30s", "83499915", "15.217s"] {
        assert!(text.contains(time), "{time} is set");
    }
    for edition in ["ripgrep-readme.pdf", "ripgrep-readme-booklet-a4.pdf", "ripgrep-readme-booklet-letter.pdf"] {
        for (width, x_min, x_max, word) in word_boxes(&out.join(edition)) {
            assert!(x_min >= 0.0 && x_max <= width, "{edition}: {word} at {x_min}–{x_max} of {width}");
        }
    }
    std::fs::remove_dir_all(&out).unwrap();
}
