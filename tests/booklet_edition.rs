//! Builds the bundled manuscript's booklets and proves, from the PDFs alone,
//! that the printed sheets fold into a pamphlet that reads in order: the folio
//! printed at the foot of each half of each sheet is read back with
//! `pdftotext` (cropped to that half), the sheets are "printed" double-sided,
//! stacked and folded, and the pages must then run 1, 2, 3, … with the
//! padding blanks just before the back cover.

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::Document;
use quire::{build, BuildOptions, Edition};
use quire::Style;

mod common;
use common::{build_options, words, Word};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-booklet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn build_booklets(out: &Path, editions: Vec<Edition>, marks: bool, two_pass: bool) -> Vec<PathBuf> {
    let options = BuildOptions { marks, two_pass, ..build_options(&root().join("manuscript"), out, editions) };
    let report = build(&options).expect("the bundled manuscript builds");
    assert!(report.warnings.is_empty(), "warnings: {:?}", report.warnings);
    report.written
}

/// The text in a rectangle of a PDF page (1-based), in points from the top-left.
fn text_in(pdf: &Path, page: usize, x: f32, y: f32, width: f32, height: f32) -> String {
    let output = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-r", "72"])
        .args(["-x", &(x.round() as i64).to_string(), "-y", &(y.round() as i64).to_string()])
        .args(["-W", &(width.round() as i64).to_string(), "-H", &(height.round() as i64).to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(output.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(output.stdout).unwrap().replace('\u{c}', "").trim().to_owned()
}

/// What one half of one side of a sheet shows.
#[derive(Debug, Clone)]
struct Half {
    /// The number printed in the foot margin, if any.
    folio: Option<usize>,
    /// All the text on the half.
    text: String,
}

struct Booklet {
    /// Per PDF page (sheet side): [left half, right half].
    sides: Vec<[Half; 2]>,
    sheet: (f32, f32),
    page: (f32, f32),
}

fn sheet_size(doc: &Document, number: u32) -> (f32, f32) {
    let page = doc.get_dictionary(doc.get_pages()[&number]).unwrap();
    let media = page.get(b"MediaBox").unwrap().as_array().unwrap();
    let value = |i: usize| media[i].as_float().unwrap();
    (value(2) - value(0), value(3) - value(1))
}

fn read_booklet(pdf: &Path, style_file: &str) -> Booklet {
    let style = Style::read(&root().join("styles").join(style_file)).unwrap();
    let doc = Document::load(pdf).unwrap();
    let (sheet_width, sheet_height) = sheet_size(&doc, 1);
    let (width, height) = (style.page_width(), style.page_height());
    let fold = sheet_width / 2.0;
    let top = (sheet_height - height) / 2.0;
    let sides = (1..=doc.get_pages().len())
        .map(|number| {
            assert_eq!(sheet_size(&doc, number as u32), (sheet_width, sheet_height), "every sheet the same size");
            [fold - width, fold].map(|x| {
                // The foot margin, where the folio sits, less a point at each edge.
                let foot = text_in(pdf, number, x + 1.0, top + height - style.bottom() + 1.0, width - 2.0, style.bottom() - 2.0);
                let folio = (!foot.is_empty()).then(|| foot.parse().unwrap_or_else(|_| panic!("sheet side {number}: not a folio in the foot margin: {foot:?}")));
                Half { folio, text: text_in(pdf, number, x, top, width, height) }
            })
        })
        .collect();
    Booklet { sides, sheet: (sheet_width, sheet_height), page: (width, height) }
}

/// Prints the sides double-sided (flipped on the short edge), stacks the
/// sheets with the first on top, folds the stack once and reads it.
///
/// Short-edge flip on a landscape sheet turns it like a book page: behind the
/// front's right half is the back's left half. Folding the stack puts the
/// right halves on top in stack order, then the left halves in reverse order,
/// turned over (their back faces up).
fn fold_and_read(sides: &[[Half; 2]]) -> Vec<Half> {
    assert_eq!(sides.len() % 2, 0, "each sheet has a front and a back");
    let sheets: Vec<(&[Half; 2], &[Half; 2])> = sides.chunks(2).map(|s| (&s[0], &s[1])).collect();
    let mut reading = Vec::new();
    for (front, back) in &sheets {
        reading.push(front[1].clone());
        reading.push(back[0].clone());
    }
    for (front, back) in sheets.iter().rev() {
        reading.push(back[1].clone());
        reading.push(front[0].clone());
    }
    reading
}

fn check_fold_order(booklet: &Booklet, expected_sheet: (f32, f32)) {
    let (w, h) = booklet.sheet;
    assert!((w - expected_sheet.0).abs() < 0.5 && (h - expected_sheet.1).abs() < 0.5, "sheet is {w} × {h} pt, wanted {expected_sheet:?}");
    let reading = fold_and_read(&booklet.sides);
    let n = reading.len();
    assert_eq!(n % 4, 0);
    assert_eq!(booklet.sides.len(), n / 2, "PDF pages are half the padded page count");

    // Page 1: the front cover. Then the colophon on page 2 and the article opening on page 3;
    // or, fitted to fewer sheets, the article opening on page 2 and the colophon at the foot
    // of a text page. The covers and the opening page carry no folios.
    assert!(reading[0].text.contains("Russia’s 1917 revolution:") && reading[0].text.contains("David Glanz"), "front cover: {:?}", reading[0].text);
    assert!(reading[0].text.contains("The October revolution is derided"), "front cover has the standfirst");
    let opening = reading.iter().position(|p| p.text.contains("This year is the centenary")).expect("the article opens");
    let colophon = reading.iter().position(|p| p.text.contains("Typeset with quire") && p.text.contains("© 2017 David Glanz")).expect("a colophon");
    match opening {
        2 => assert_eq!(colophon, 1, "the colophon on the inside front cover, facing the opening"),
        1 => assert!(colophon > 1 && colophon < n - 1 && reading[colophon].folio.is_some(), "the colophon at the foot of a text page: page {}", colophon + 1),
        _ => panic!("the article opens on page {}", opening + 1),
    }
    for (i, page) in reading.iter().enumerate().take(opening + 1) {
        assert_eq!(page.folio, None, "page {} carries no folio", i + 1);
    }

    // Then every page carries its own number, in order, until the text ends.
    let mut last = opening + 1;
    while last < n && !reading[last].text.is_empty() && reading[last].folio.is_some() {
        assert_eq!(reading[last].folio, Some(last + 1), "after folding, page {} carries folio {:?}", last + 1, reading[last].folio);
        last += 1;
    }
    assert!(last >= 8, "the article runs to several numbered pages, got {last}");
    assert!(reading[3..last].iter().any(|p| p.text.starts_with("Notes") || p.text.contains("\nNotes\n")), "the notes are inside the pamphlet");

    // Then only blank pages (fewer than four), then the back cover, last.
    let blanks = &reading[last..n - 1];
    assert!(blanks.is_empty(), "{} blank pages: the article's booklet is fitted to fill its sheets", blanks.len());
    for (i, page) in blanks.iter().enumerate() {
        assert!(page.text.is_empty() && page.folio.is_none(), "page {} is padding and must be blank: {:?}", last + i + 1, page.text);
    }
    let back = &reading[n - 1];
    assert!(back.text.starts_with("Further reading") && back.text.contains("Solidarity"), "back cover: {:?}", back.text);
    assert_eq!(back.folio, None);
}

#[test]
fn a4_and_letter_booklets_fold_into_pages_in_order() {
    let dir = temp_dir("order");
    let written = build_booklets(&dir, vec![Edition::BookletA4, Edition::BookletLetter], false, false);
    let names: Vec<String> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["russia-1917-booklet-a4.pdf", "russia-1917-booklet-letter.pdf"]);

    let a4 = read_booklet(&dir.join("russia-1917-booklet-a4.pdf"), "booklet-a5.toml");
    check_fold_order(&a4, (841.89, 595.28));
    let letter = read_booklet(&dir.join("russia-1917-booklet-letter.pdf"), "booklet-half-letter.toml");
    check_fold_order(&letter, (792.0, 612.0));
    // Three sheets each, twelve pages, none of them blank: set as the style says, the A4
    // booklet took 16 pages, the last three before the back cover blank.
    for (name, booklet) in [("A4", &a4), ("Letter", &letter)] {
        let reading = fold_and_read(&booklet.sides);
        assert_eq!(reading.len(), 12, "{name}: 12 pages");
        for (i, page) in reading.iter().enumerate() {
            assert!(page.text.chars().filter(|c| c.is_alphabetic()).count() > 20, "{name}: page {} has next to no text: {:?}", i + 1, page.text);
        }
    }
    // Typeset at half letter, not A5 scaled: a 5.5 × 8.5 in page.
    assert!((letter.page.0 - 396.0).abs() < 0.1 && (letter.page.1 - 612.0).abs() < 0.1, "{:?}", letter.page);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every word of every sheet side lies inside its page's text block (the left
/// half of a sheet always holds an even page, a verso; the right half an odd
/// one, a recto), moved towards the fold by the creep of its sheet, save the
/// margin kerning the style allows a line's last mark; the inner margins are
/// narrower than the outer ones, and on the centre spread the text of the left
/// page ends as far from the fold as the right page's begins: at the style's
/// inner margin less the innermost sheet's creep.
#[test]
fn margins_are_equal_at_the_fold_and_nothing_leaves_the_text_block() {
    let dir = temp_dir("margins");
    build_booklets(&dir, vec![Edition::BookletA4, Edition::BookletLetter], false, false);
    for (file, style_file) in [("russia-1917-booklet-a4.pdf", "booklet-a5.toml"), ("russia-1917-booklet-letter.pdf", "booklet-half-letter.toml")] {
        let pdf = dir.join(file);
        let booklet = read_booklet(&pdf, style_file);
        let style = Style::read(&root().join("styles").join(style_file)).unwrap();
        let (fold, (width, height)) = (booklet.sheet.0 / 2.0, booklet.page);
        let (inner, outer) = (style.left_margin(0), style.left_margin(1));
        assert!(inner < outer * 0.7, "{file}: a book's margins, narrower at the fold: {inner} and {outer} pt");
        let creep = style.imposition.creep_per_sheet();
        assert!((creep - 0.1 * 72.0 / 25.4).abs() < 1e-4, "{file}: creep of 0.1 mm paper");
        let sheets = booklet.sides.len() / 2;
        let top = (booklet.sheet.1 - height) / 2.0;
        // How far a word may hang into the right margin: its last mark's protrusion, at most one em
        // wide. A hyphen added at a line break copies out as a soft hyphen; a line broken at a
        // word space keeps the space in its last glyph's text, which the mark before it hangs.
        let hang = |word: &Word| {
            let last = word.text.trim_end_matches(' ').chars().last().map(|c| if c == '\u{ad}' { '-' } else { c });
            last.map_or(0.0, |c| style.justification.protrusion_of(c, style.body.size_pt))
        };
        for side in 1..=booklet.sides.len() {
            // Sheet k (0 outermost) has its pages k creeps nearer the fold.
            let shift = ((side - 1) / 2) as f32 * creep;
            for word in words(&pdf, side) {
                let (left, right) = if word.x_max <= fold + 5.0 { (fold - width + outer + shift, fold - inner + shift) } else { (fold + inner - shift, fold + width - outer - shift) };
                assert!(
                    word.x_min > left - 0.5 && word.x_max < right + hang(&word) + 0.5,
                    "{file}, sheet side {side}: {:?} at {}–{} pt leaves the measure {left}–{right}",
                    word.text,
                    word.x_min,
                    word.x_max
                );
                // Running heads sit in the top margin and folios in the bottom one, well inside the page.
                assert!(word.y_min > top + 14.0 && word.y_max < top + height - 14.0, "{file}, sheet side {side}: {:?} too near the head or foot", word.text);
            }
        }
        // The middle sheet's back is the centre spread: two full pages of text.
        // Its edges are where words without a hanging mark end and begin.
        let centre: Vec<Word> = words(&pdf, booklet.sides.len()).into_iter().filter(|w| hang(w) == 0.0).collect();
        let left_end = centre.iter().filter(|w| w.x_max <= fold).map(|w| w.x_max).fold(0.0, f32::max);
        let right_start = centre.iter().filter(|w| w.x_max > fold).map(|w| w.x_min).fold(f32::MAX, f32::min);
        let (left_gap, right_gap) = (fold - left_end, right_start - fold);
        assert!((left_gap - right_gap).abs() < 1.0, "{file}: {left_gap} pt to the fold on the left, {right_gap} pt on the right");
        let innermost = inner - (sheets - 1) as f32 * creep;
        assert!((left_gap - innermost).abs() < 1.5, "{file}: {left_gap} pt, inner margin less the creep is {innermost} pt");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// How many stroked lines each PDF page draws.
fn strokes(pdf: &Path) -> Vec<usize> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let content = lopdf::content::Content::decode(&doc.get_page_content(*id)).unwrap();
            content.operations.iter().filter(|op| op.operator == "S").count()
        })
        .collect()
}

#[test]
fn two_pass_files_and_fold_marks() {
    let (plain, marked) = (temp_dir("plain"), temp_dir("marked"));
    build_booklets(&plain, vec![Edition::BookletA4], false, false);
    let written = build_booklets(&marked, vec![Edition::BookletA4], true, true);
    assert_eq!(written.len(), 3, "{written:?}");
    let sheets = marked.join("russia-1917-booklet-a4.pdf");

    // Fold marks: two more strokes on every front, none on backs.
    let (without, with) = (strokes(&plain.join("russia-1917-booklet-a4.pdf")), strokes(&sheets));
    assert_eq!(without.len(), with.len());
    for (i, (a, b)) in without.iter().zip(&with).enumerate() {
        assert_eq!(*b, a + if i % 2 == 0 { 2 } else { 0 }, "sheet side {}", i + 1);
    }

    // Fronts then backs: each page of the two files is the same sheet side as in the duplex file.
    let fronts = marked.join("russia-1917-booklet-a4-fronts.pdf");
    let backs = marked.join("russia-1917-booklet-a4-backs.pdf");
    let pages = Document::load(&sheets).unwrap().get_pages().len();
    assert_eq!(Document::load(&fronts).unwrap().get_pages().len(), pages / 2);
    assert_eq!(Document::load(&backs).unwrap().get_pages().len(), pages / 2);
    let whole = |pdf: &Path, page: usize| text_in(pdf, page, 0.0, 0.0, 842.0, 596.0);
    for k in 1..=pages / 2 {
        assert_eq!(whole(&fronts, k), whole(&sheets, 2 * k - 1), "front of sheet {k}");
        assert_eq!(whole(&backs, k), whole(&sheets, 2 * k), "back of sheet {k}");
    }
    std::fs::remove_dir_all(&plain).unwrap();
    std::fs::remove_dir_all(&marked).unwrap();
}

#[test]
fn booklet_builds_are_byte_identical() {
    let (a, b) = (temp_dir("repro-a"), temp_dir("repro-b"));
    for (first, second) in build_booklets(&a, vec![Edition::BookletLetter], false, false).iter().zip(build_booklets(&b, vec![Edition::BookletLetter], false, false)) {
        assert!(std::fs::read(first).unwrap() == std::fs::read(second).unwrap(), "{} differs between two builds", first.display());
    }
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

/// Builds the A4 booklet of `manuscript` (written to a temporary folder) and reads it folded.
fn fold_manuscript(name: &str, manuscript: &str) -> (PathBuf, Vec<Half>) {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("in").join("pamphlet.md"), manuscript).unwrap();
    build(&build_options(&dir.join("in"), &dir.join("out"), vec![Edition::BookletA4])).expect("the manuscript builds");
    let booklet = read_booklet(&dir.join("out").join("pamphlet-booklet-a4.pdf"), "booklet-a5.toml");
    (dir, fold_and_read(&booklet.sides))
}

#[test]
fn a_bare_manuscript_makes_a_four_page_booklet() {
    // Only the required keys: no subtitle, publisher, date, rights, notes or back matter.
    let (dir, reading) = fold_manuscript("bare", "+++\ntitle = \"Leaflet\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\nOne short paragraph.\n");
    assert_eq!(reading.len(), 4, "one sheet");
    assert_eq!(reading[0].text, "Leaflet\n\nA. Writer");
    assert_eq!(reading[1].text, "Leaflet\nA. Writer\nTypeset with quire");
    assert!(reading[2].text.contains("One short paragraph."));
    // Without a publisher, the back cover carries the title at its foot.
    assert_eq!(reading[3].text, "Leaflet");
    assert!(reading.iter().all(|p| p.folio.is_none()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn back_matter_too_long_for_the_back_cover_stays_inside() {
    let reading_list: String = (1..=40).map(|i| format!("**Article {i}.** A long description of a further reading item, long enough to take two lines.\n\n")).collect();
    let manuscript = format!(
        "+++\ntitle = \"Long list\"\nauthor = \"A. Writer\"\npublisher = \"The Press\"\nlanguage = \"en\"\nback_matter = [\"Further reading\"]\n+++\n\nThe article.\n\n# Further reading\n\n{reading_list}"
    );
    let (dir, reading) = fold_manuscript("long-back", &manuscript);
    let n = reading.len();
    assert_eq!(reading[n - 1].text, "The Press", "the back cover carries only the publisher");
    let inside = reading[3..n - 1].iter().position(|p| p.text.contains("Further reading")).expect("the further reading is inside");
    assert!(reading[3 + inside].folio.is_some(), "inside pages are numbered");
    assert!(reading[3..n - 1].iter().any(|p| p.text.contains("Article 40.")));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The tops (in PDF points, from the foot) of the collation marks each sheet side draws:
/// the strokes 2 mm thick, across the fold.
fn collation_marks(pdf: &Path) -> Vec<Vec<f32>> {
    let doc = Document::load(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let content = lopdf::content::Content::decode(&doc.get_page_content(*id)).unwrap();
            let mut width = 1.0;
            let mut tops = Vec::new();
            for op in &content.operations {
                let number = |i: usize| op.operands.get(i).and_then(|o| o.as_float().ok());
                match op.operator.as_str() {
                    "w" => width = number(0).unwrap_or(1.0),
                    "m" if (width - 2.0 * 72.0 / 25.4).abs() < 0.05 => tops.push(number(1).unwrap()),
                    _ => {}
                }
            }
            tops
        })
        .collect()
}

/// A book of 192 booklet pages (the bundled article 22 times, by `longbook`) is past
/// saddle stitching: no booklet unless asked for in signatures, and then signatures of
/// 16 pages that each fold into their own pages in order, marked so the stack collates.
#[test]
fn a_long_book_s_booklet_comes_in_signatures_only_when_asked() {
    let dir = temp_dir("signatures");
    std::fs::create_dir_all(&dir).unwrap();
    let manuscript = dir.join("longbook.md");
    let made = Command::new(env!("CARGO_BIN_EXE_longbook")).arg(root().join("manuscript/russia-1917.md")).arg("22").arg(&manuscript).status().unwrap();
    assert!(made.success());
    let options = |signatures, editions| BuildOptions { signatures, ..build_options(&manuscript, &dir.join("out"), editions) };

    // Without `--signatures`: the other editions are written, the booklet is not, and a warning says why and how.
    let report = build(&options(None, vec![Edition::Pdf, Edition::BookletA4])).expect("the long book builds");
    let names: Vec<String> = report.written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["longbook.pdf"]);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    let warning = report.warnings[0].render(false);
    assert!(warning.contains("longbook-booklet-a4.pdf was not written") && warning.contains("at most 64 pages") && warning.contains("--signatures"), "{warning}");
    let pages: usize = warning.split("the booklet's ").nth(1).and_then(|rest| rest.split(' ').next()).and_then(|n| n.parse().ok()).expect("the warning counts the pages");
    assert!((180..=220).contains(&pages), "a book of about 200 pages: {pages}");

    // With it: signatures of 4 sheets, the last holding what is left.
    let report = build(&options(Some(4), vec![Edition::BookletA4])).expect("the long book builds");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let pdf = dir.join("out/longbook-booklet-a4.pdf");
    let sides = Document::load(&pdf).unwrap().get_pages().len();
    let sheets = 4 * (pages / 16) + (pages % 16).div_ceil(4);
    assert_eq!(sides, 2 * sheets, "{pages} pages in 16-page signatures");

    // The folio of each half of a sheet side, read in the foot margin away from the fold
    // (where the signature number stands).
    let style = Style::read(&root().join("styles/booklet-a5.toml")).unwrap();
    let (width, height) = (style.page_width(), style.page_height());
    let fold = 842.0 / 2.0;
    let foot = height - style.bottom() + 1.0;
    let folio = |side: usize, half: usize| -> Option<usize> {
        let x = if half == 0 { fold - width + 1.0 } else { fold + 60.0 };
        text_in(&pdf, side, x, foot, width - 61.0, style.bottom() - 2.0).parse().ok()
    };
    // Signature 2 (pages 17–32) opens at sheet 5: its outer sheet carries 32 and 17, then 18 and 31;
    // its next sheet 30 and 19, then 20 and 29.
    assert_eq!([folio(9, 0), folio(9, 1), folio(10, 0), folio(10, 1)], [Some(32), Some(17), Some(18), Some(31)]);
    assert_eq!([folio(11, 0), folio(11, 1), folio(12, 0), folio(12, 1)], [Some(30), Some(19), Some(20), Some(29)]);
    // Every full signature after the first (whose first pages are the covers) folds on its own into its 16 pages in order.
    for signature in 1..pages / 16 {
        let first = 8 * signature + 1;
        let halves: Vec<[Half; 2]> = (first..first + 8).map(|side| [0, 1].map(|half| Half { folio: folio(side, half), text: String::new() })).collect();
        let read: Vec<Option<usize>> = fold_and_read(&halves).into_iter().map(|h| h.folio).collect();
        // The book's last page is the back cover, which has no folio.
        let expected: Vec<Option<usize>> = (16 * signature + 1..=16 * signature + 16).map(|page| (page < pages).then_some(page)).collect();
        assert_eq!(read, expected, "signature {}", signature + 1);
    }

    // The signature number at the foot of each signature's first page, beside the fold; none on the front cover.
    let number_at = |side: usize| text_in(&pdf, side, fold, height - 30.0, 40.0, 30.0);
    assert_eq!(number_at(1), "");
    assert_eq!(number_at(9), "2");
    assert_eq!(number_at(17), "3");
    // The collation marks: one on the outside of each signature's outer sheet, each a step lower.
    let marks = collation_marks(&pdf);
    for (side, tops) in marks.iter().enumerate() {
        let outer_front = side % 8 == 0;
        assert_eq!(tops.len(), usize::from(outer_front), "sheet side {}: {tops:?}", side + 1);
    }
    let tops: Vec<f32> = marks.iter().step_by(8).map(|t| t[0]).collect();
    assert!(tops.windows(2).all(|w| w[1] < w[0]), "each signature's mark is lower down the spine: {tops:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The A4 booklet of `manuscript` asked for `pages` pages, built into `dir`.
fn build_a4_booklet(manuscript: PathBuf, dir: &Path, pages: Option<usize>) -> Result<quire::BuildReport, quire::BuildError> {
    build(&BuildOptions { pages, ..build_options(&manuscript, dir, vec![Edition::BookletA4, Edition::Pdf]) })
}

/// An article of two pages with two notes: set as the style says, its notes
/// would open a third page and its colophon take the inside front cover, six
/// pages on two sheets; fitted, the notes run on after the text, and the
/// colophon goes to the foot of the last page, one sheet.
#[test]
fn two_pages_with_two_notes_make_a_four_page_booklet() {
    let dir = temp_dir("two-pages");
    build_a4_booklet(root().join("tests/manuscripts/two-page-pamphlet.md"), &dir, None).expect("the manuscript builds");
    // The reader edition: two pages of text, the notes on a third.
    let reader = Document::load(dir.join("two-page-pamphlet.pdf")).unwrap();
    assert_eq!(reader.get_pages().len(), 3, "two pages of text and one of notes in the reader edition");
    let booklet = read_booklet(&dir.join("two-page-pamphlet-booklet-a4.pdf"), "booklet-a5.toml");
    let reading = fold_and_read(&booklet.sides);
    assert_eq!(reading.len(), 4, "one sheet");
    assert!(reading[0].text.contains("Why the pamphlet lasts") && reading[0].text.contains("A. Writer"), "front cover: {:?}", reading[0].text);
    assert!(reading[1].text.contains("A pamphlet is the cheapest book"), "the article opens on the inside front cover: {:?}", reading[1].text);
    let last = &reading[2].text;
    assert!(last.contains("leaving the text alone"), "the text ends on page 3: {last:?}");
    let (text_end, notes) = (last.find("leaving the text alone").unwrap(), last.find("Notes").expect("the notes run on after the text"));
    assert!(text_end < notes && last.contains("1. Elizabeth Eisenstein") && last.contains("2. A sheet of A4"), "both notes after the text: {last:?}");
    let colophon = last.find("Typeset with quire").expect("the colophon at the foot of the last text page");
    assert!(notes < colophon && last.contains("© 2024 A. Writer"), "{last:?}");
    assert_eq!(reading[2].folio, Some(3));
    assert_eq!(reading[3].text, "The Press", "the back cover");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--pages N` (BuildOptions::pages): the article's booklet fills 12 pages, so
/// 12 is met; 8 is out of reach within the style's bounds and 6 is no booklet
/// at all, and each is an error that says so and names the count it can have.
#[test]
fn pages_asked_for_are_met_or_the_error_names_the_counts_the_booklet_can_have() {
    let dir = temp_dir("pages");
    build_a4_booklet(root().join("manuscript"), &dir, Some(12)).expect("12 pages can be met");
    let sides = Document::load(dir.join("russia-1917-booklet-a4.pdf")).unwrap().get_pages().len();
    assert_eq!(sides, 6, "12 pages: 3 sheets, 6 sides");
    let error = |pages: usize| match build_a4_booklet(root().join("manuscript"), &dir, Some(pages)) {
        Err(quire::BuildError::Manuscript(diagnostics)) => {
            assert_eq!(diagnostics.len(), 1);
            assert!(diagnostics[0].is_error());
            diagnostics[0].render(false)
        }
        other => panic!("--pages {pages}: {other:?}"),
    };
    let eight = error(8);
    assert!(eight.contains("the booklet cannot have 8 pages") && eight.contains("never 8"), "{eight}");
    assert!(eight.contains("can have 12 pages (3 sheets)"), "{eight}");
    let six = error(6);
    assert!(six.contains("cannot have 6 pages") && six.contains("a multiple of 4 pages (4 or 8, not 6)") && six.contains("can have 12 pages (3 sheets)"), "{six}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The command line's `--pages`: an impossible count fails the build (exit 1)
/// with the error on standard error, and nothing is written.
#[test]
fn the_command_line_s_pages_option() {
    let dir = temp_dir("pages-cli");
    let output = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", "--format", "booklet-a4", "--pages", "6", "-o"])
        .arg(&dir)
        .arg(root().join("manuscript"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot have 6 pages") && stderr.contains("can have 12 pages (3 sheets)"), "{stderr}");
    assert!(!dir.join("russia-1917-booklet-a4.pdf").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `fit = "none"` in the booklet's style: the booklet is set as the style says,
/// the colophon inside the front cover, the notes on a page of their own, and the
/// article's A4 booklet takes 16 pages, three of them blank before the back cover.
#[test]
fn a_style_that_does_not_fit_keeps_its_blank_pages() {
    let dir = temp_dir("no-fit");
    let resources = dir.join("resources");
    std::fs::create_dir_all(resources.join("styles")).unwrap();
    let own = std::fs::read_to_string(root().join("styles/booklet-a5.toml")).unwrap() + "\n[booklet]\nfit = \"none\"\n";
    std::fs::write(resources.join("styles/booklet-a5.toml"), own).unwrap();
    let options = BuildOptions { resources: Some(resources), ..build_options(&root().join("manuscript"), &dir.join("out"), vec![Edition::BookletA4]) };
    build(&options).expect("the manuscript builds");
    let reading = fold_and_read(&read_booklet(&dir.join("out/russia-1917-booklet-a4.pdf"), "booklet-a5.toml").sides);
    assert_eq!(reading.len(), 16);
    assert!(reading[1].text.contains("Typeset with quire") && reading[2].text.contains("This year is the centenary"));
    assert!(reading[12..15].iter().all(|p| p.text.is_empty()), "pages 13–15 blank");
    let heads_notes = |p: &Half| p.text.starts_with("Notes") || p.text.contains("\nNotes\n");
    let notes = reading.iter().position(heads_notes).expect("the notes");
    // The page the notes open has their heading and no running head (issue 15).
    let mut lines = reading[notes].text.lines();
    assert_eq!(lines.next(), Some("Notes"), "the notes open a page: {:?}", reading[notes].text);
    assert!(lines.next().is_some_and(|line| line.starts_with("1. ")), "the first note follows the heading: {:?}", reading[notes].text);
    std::fs::remove_dir_all(&dir).unwrap();
}
