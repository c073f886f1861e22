//! Every language its own typography: quotation marks and French spacing by
//! the manuscript's language (or the front matter's `quotes`), in the EPUB
//! and in the PDF alike.

mod common;

use common::{epub_text, pipeline};

fn pdf_text(pdf: &[u8]) -> String {
    let document = lopdf::Document::load_mem(pdf).expect("the PDF loads");
    let pages: Vec<u32> = document.get_pages().into_keys().collect();
    document.extract_text(&pages).expect("the PDF's text extracts")
}

fn manuscript(front: &str, body: &str) -> String {
    format!("---\ntitle: Quotes\nauthor: A. Writer\n{front}\n---\n\n{body}\n")
}

#[test]
fn french_quotes_and_spacing_in_both_editions() {
    let editions = pipeline(&manuscript("lang: fr", "\"Bonjour\", dit-il; vraiment? Oui!")).expect("builds");
    assert!(editions.warnings.is_empty(), "{:?}", editions.warnings);
    let expected = "«\u{202f}Bonjour\u{202f}», dit-il\u{202f}; vraiment\u{202f}? Oui\u{202f}!";
    assert!(epub_text(&editions.epub).contains(expected), "EPUB: {}", epub_text(&editions.epub));
    assert!(pdf_text(&editions.pdf).contains(expected), "PDF: {}", pdf_text(&editions.pdf));
}

#[test]
fn the_front_matter_s_quotes_override_the_language_s() {
    let german = pipeline(&manuscript("lang: de", "\"Guten Tag\", sagte er, 'so' ist's.")).expect("builds");
    assert!(epub_text(&german.epub).contains("„Guten Tag“, sagte er, ‚so‘ ist’s."));
    let swiss = pipeline(&manuscript("lang: de\nquotes: de-CH", "\"Guten Tag\", sagte er, 'so' ist's.")).expect("builds");
    assert!(swiss.warnings.is_empty(), "the key is known: {:?}", swiss.warnings);
    assert!(epub_text(&swiss.epub).contains("«Guten Tag», sagte er, ‹so› ist’s."));
    assert!(pdf_text(&swiss.pdf).contains("«Guten Tag», sagte er, ‹so› ist’s."));
}

/// What pdftotext reads: it puts right-to-left words back in the order they are read,
/// if the PDF draws them right to left.
fn pdftotext(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("quire-languages-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext runs");
    let _ = std::fs::remove_file(&path);
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn hebrew_and_arabic_in_english_read_in_their_order_and_the_epub_marks_their_direction() {
    let editions = pipeline(&manuscript("lang: en", "The greeting שלום עולם means hello world, as مرحبا بالعالم does.\n\nשלום עולם, זהו משפט בעברית.")).expect("builds");
    let text: String = pdftotext(&editions.pdf).chars().filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{200e}' | '\u{200f}')).collect();
    for words in ["שלום עולם", "مرحبا بالعالم", "זהו משפט בעברית"] {
        assert!(text.contains(words), "{words:?} is not read in order from the PDF:\n{text}");
    }
    let epub = epub_text(&editions.epub);
    assert!(epub.contains("<p dir=\"rtl\">שלום עולם"), "the Hebrew paragraph is marked right to left:\n{epub}");
    assert!(epub.contains("<p>The greeting שלום"), "an English paragraph stays left to right:\n{epub}");
}
