//! Note marks and notes, and the title block, as the PDF and the EPUB set them:
//! notes with hanging numbers and a fixed space after them, headed with their
//! name in the book's language; a title broken after its colon; no byline
//! where the standfirst already names the author; the booklet cover's imprint.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{words, Word};

fn temp_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("quire-notes-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pages(pdf: &Path) -> usize {
    let info = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils) is installed");
    let info = String::from_utf8(info.stdout).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

fn page_text(pdf: &Path, page: usize) -> String {
    let out = Command::new("pdftotext").args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()]).arg(pdf).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// A manuscript in `language` with `count` notes, every fourth long enough to turn over.
fn with_notes(language: &str, count: usize) -> String {
    let mut text = format!("+++\ntitle = \"A test\"\nauthor = \"Ann Writer\"\nlanguage = \"{language}\"\n+++\n\n");
    for n in 1..=count {
        text.push_str(&format!("A sentence of the text that calls note {n}.[^n{n}]\n\n"));
    }
    for n in 1..=count {
        let long = if n % 4 == 0 { " It goes on for long enough to need a second line and likely a third one as well, in the notes' smaller type." } else { "" };
        text.push_str(&format!("[^n{n}]: The note numbered {n}.{long}\n\n"));
    }
    text
}

/// The notes' lines on a page: each note's number (a word of figures and a
/// full stop, at the notes' size, opening its line) and the word after it;
/// and the first word of every other line in the notes' type.
struct NoteLines {
    numbers: Vec<(Word, Word)>,
    turned: Vec<Word>,
}

fn note_lines(pdf: &Path, page: usize) -> NoteLines {
    let mut lines: Vec<Vec<Word>> = Vec::new();
    for word in words(pdf, page) {
        match lines.last_mut() {
            Some(line) if (line[0].y_max - word.y_max).abs() < 0.5 => line.push(word),
            _ => lines.push(vec![word]),
        }
    }
    let mut found = NoteLines { numbers: Vec::new(), turned: Vec::new() };
    // The notes are at 9 pt: their words' boxes are under 11 pt high.
    for mut line in lines.into_iter().filter(|l| l[0].y_max - l[0].y_min < 10.5 && l.len() > 1) {
        let first = line.remove(0);
        let is_number = first.text.strip_suffix('.').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if is_number {
            found.numbers.push((first, line.remove(0)));
        } else {
            found.turned.push(first);
        }
    }
    found
}

#[test]
fn note_numbers_hang_right_aligned_with_a_fixed_space_and_the_text_stands_in_on_every_line() {
    let editions = common::pipeline(&with_notes("en", 12)).unwrap();
    let pdf = temp_pdf("hanging", &editions.pdf);
    let mut numbers = Vec::new();
    let mut turned = Vec::new();
    for page in 1..=pages(&pdf) {
        let lines = note_lines(&pdf, page);
        numbers.extend(lines.numbers);
        turned.extend(lines.turned);
    }
    assert_eq!(numbers.len(), 12, "every note opens with its number");
    assert!(!turned.is_empty(), "some notes turn over onto a second line");
    let (right, text_left) = (numbers[0].0.x_max, numbers[0].1.x_min);
    for (number, first) in &numbers {
        // "9." and "10." end at one edge (right-aligned in their box) and their text starts at one place.
        assert!((number.x_max - right).abs() < 0.3, "{} ends at {} where 1. ends at {right}", number.text, number.x_max);
        assert!((first.x_min - text_left).abs() < 0.3, "the text after {} starts at {} where note 1's starts at {text_left}", number.text, first.x_min);
    }
    assert!(numbers.iter().any(|(n, _)| n.text == "10.") && numbers[9].0.x_min < numbers[8].0.x_min - 2.0, "a longer number reaches further left");
    // The space after the number is the style's fixed 0.5 em of the notes' 9 pt, however long the line.
    let gap = text_left - right;
    assert!((gap - 4.5).abs() < 0.3, "the space after the number is {gap} pt");
    for word in &turned {
        assert!((word.x_min - text_left).abs() < 0.3, "a turned line starts at {} ({:?}), not under the text at {text_left}", word.x_min, word.text);
    }
    std::fs::remove_file(&pdf).unwrap();
}

/// The page the notes open on has their heading and no running head; the
/// pages they run on to are headed with their name, in the book's language.
#[test]
fn the_notes_pages_are_headed_with_their_name_in_the_book_s_language() {
    for (language, name) in [("en", "Notes"), ("de", "Anmerkungen"), ("fr", "Notes")] {
        let editions = common::pipeline(&with_notes(language, 90)).unwrap();
        let pdf = temp_pdf(&format!("head-{language}"), &editions.pdf);
        let count = pages(&pdf);
        let opening = (1..=count).find(|&p| page_text(&pdf, p).trim_start().starts_with(name)).expect("a page opens with the notes' heading");
        assert!(opening < count, "{language}: the notes run on to a second page");
        let first_lines = |page: usize| page_text(&pdf, page).lines().filter(|l| !l.trim().is_empty()).take(2).map(|l| l.trim().to_owned()).collect::<Vec<_>>();
        let opening_lines = first_lines(opening);
        assert_eq!(opening_lines[0], name, "{language}: the heading alone at the top, no running head over it");
        assert!(opening_lines[1].starts_with("1."), "{language}: {opening_lines:?}");
        for page in opening + 1..=count {
            let lines = first_lines(page);
            assert_eq!(lines[0], name, "{language}: page {page}'s running head: {lines:?}");
            assert!(!page_text(&pdf, page).contains("Ann Writer"), "{language}: the author's name is no head over the notes");
        }
        std::fs::remove_file(&pdf).unwrap();
    }
}

const OPF: &str = "OEBPS/content.opf";
const TITLE: &str = "Russia’s 1917 revolution: When workers took power";

fn titled(subtitle: &str) -> String {
    format!("+++\ntitle = \"{TITLE}\"\nsubtitle = \"{subtitle}\"\nauthor = \"David Glanz\"\nlanguage = \"en\"\n+++\n\nThe text.[^a]\n\n[^a]: A note.\n")
}

#[test]
fn a_title_breaks_after_its_colon_and_a_standfirst_that_names_the_author_has_no_byline_under_it() {
    let editions = common::pipeline(&titled("It saw workers take power, writes David Glanz.")).unwrap();
    let pdf = temp_pdf("title", &editions.pdf);
    let opening = page_text(&pdf, 1);
    let lines: Vec<&str> = opening.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(&lines[..2], ["Russia’s 1917 revolution:", "When workers took power"], "{opening}");
    assert_eq!(opening.matches("David Glanz").count(), 1, "named once, in the standfirst: {opening}");
    std::fs::remove_file(&pdf).unwrap();

    let epub = common::epub_text(&editions.epub);
    let split = "<span class=\"title-main\">Russia’s 1917 revolution:</span> <span class=\"title-sub\">When workers took power</span>";
    assert_eq!(epub.matches(split).count(), 2, "the title page's title and the article's heading, each in two parts");
    assert!(!epub.contains("<p class=\"author\">"), "no byline on the EPUB's title page");
    let epub_file = std::env::temp_dir().join(format!("quire-notes-title-{}.epub", std::process::id()));
    std::fs::write(&epub_file, &editions.epub).unwrap();
    let opf = String::from_utf8(common::epub_entries(&epub_file).remove(OPF).expect("the package document")).unwrap();
    std::fs::remove_file(&epub_file).unwrap();
    assert!(opf.contains(&format!(">{TITLE}</dc:title>")), "the package keeps the title whole");

    // A standfirst that does not name the author keeps the byline, in both editions.
    let editions = common::pipeline(&titled("It saw workers take power.")).unwrap();
    let pdf = temp_pdf("byline", &editions.pdf);
    assert_eq!(page_text(&pdf, 1).matches("David Glanz").count(), 1, "the byline");
    assert!(common::epub_text(&editions.epub).contains("<p class=\"author\">David Glanz</p>"));
    std::fs::remove_file(&pdf).unwrap();
}

/// The front cover's imprint is display type in a size of its own: at the
/// text's size a meter reads it as a line of text, one overfull against the
/// back cover's measure (there is no other on the front cover's half sheet).
#[test]
fn the_booklet_cover_s_imprint_is_not_set_at_the_text_s_size() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("quire-notes-cover-{}", std::process::id()));
    let options = common::build_options(&root.join("manuscript"), &out, vec![quire::Edition::BookletA4]);
    let report = quire::build(&options).expect("the bundled manuscript builds");
    let pdf = report.written.iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).unwrap();
    let sheet = words(pdf, 1);
    let fold = sheet.iter().map(|w| w.x_max).fold(0.0, f32::max) / 2.0;
    let height = |w: &Word| w.y_max - w.y_min;
    let imprint = sheet.iter().find(|w| w.text == "Solidarity" && w.x_min > fold).expect("the front cover's imprint");
    let text_line = sheet.iter().find(|w| w.text == "reading" && w.x_max < fold).expect("the back cover's heading, at the text's size");
    let style = quire::Style::read(&root.join("styles/booklet-a5.toml")).unwrap();
    let ratio = height(imprint) / height(text_line);
    let wanted = style.booklet.cover_publisher_size_pt / style.body.size_pt;
    assert!((ratio - wanted).abs() < 0.03 && ratio < 0.95, "the imprint is {ratio} of the text's size");
    std::fs::remove_dir_all(&out).unwrap();
}
