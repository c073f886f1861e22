//! Large and odd manuscripts: each either builds both editions or fails with a clear
//! diagnostic, never a panic. Times are printed (`--nocapture`) for the speed work.

mod common;

use std::time::Instant;

use common::{epub_text, pipeline, Editions, HEAD};

fn timed(name: &str, text: &str) -> Result<Editions, Vec<quire::diagnostics::Diagnostic>> {
    let start = Instant::now();
    let result = pipeline(text);
    let phases = result.as_ref().map(|e| format!(" (check {:.2} s, EPUB {:.2} s, PDF {:.2} s)", e.seconds[0], e.seconds[1], e.seconds[2])).unwrap_or_default();
    eprintln!("{name}: {:.2} s{phases} for {} bytes of manuscript", start.elapsed().as_secs_f64(), text.len());
    result
}

fn builds(name: &str, text: &str) -> Editions {
    timed(name, text).unwrap_or_else(|d| panic!("{name}: {}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")))
}

#[test]
fn a_one_megabyte_paragraph() {
    let words = ["revolution", "workers", "the", "soviets", "took", "power", "and", "held", "it"];
    let mut paragraph = String::new();
    let mut i = 0;
    while paragraph.len() < 1_000_000 {
        paragraph.push_str(words[i % words.len()]);
        paragraph.push(' ');
        i += 1;
    }
    let editions = builds("1 MB paragraph", &format!("{HEAD}{paragraph}\n"));
    assert!(editions.pdf.len() > 100_000, "the PDF holds a megabyte of text: {} bytes", editions.pdf.len());
    // The EPUB's fonts are subset and this text deflates a hundredfold, so its size says
    // little: count the paragraph's words in its documents instead.
    let documents = epub_text(&editions.epub);
    let expected = paragraph.matches("soviets").count();
    assert_eq!(documents.matches("soviets").count(), expected, "every word of the paragraph is in the EPUB");
}

#[test]
fn a_ten_thousand_character_word() {
    let word: String = "abcdefghij".repeat(1_000);
    let editions = builds("10,000-character word", &format!("{HEAD}Before {word} after.\n"));
    // No line holds the word: the PDF breaks it over lines and pages, each piece ending in a
    // hyphen (U+00AD in the text layer), and draws each of its 10,000 characters once, in
    // order, between `Before` and `after.`, with only the running heads between its pieces.
    let pdf = lopdf::Document::load_mem(&editions.pdf).expect("the PDF loads");
    let pages: Vec<u32> = pdf.get_pages().into_keys().collect();
    let text = pdf.extract_text(&pages).expect("the PDF's text extracts");
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let (before, after) = (tokens.iter().position(|t| *t == "Before"), tokens.iter().position(|t| *t == "after."));
    let (Some(before), Some(after)) = (before, after) else { panic!("`Before` or `after.` is not in the PDF:\n{text}") };
    let pieces: Vec<&str> = tokens[before + 1..after].iter().copied().filter(|t| t.chars().all(|c| ('a'..='j').contains(&c) || c == '\u{ad}')).collect();
    assert_eq!(pieces.concat().replace('\u{ad}', ""), word, "the word's characters as the PDF draws them, in order");
    let longest = pieces.iter().map(|piece| piece.chars().count()).max().unwrap_or(0);
    assert!(pieces.len() > 100 && longest < 100, "{} pieces, the longest {longest} characters: a line runs off the page", pieces.len());
    assert!(epub_text(&editions.epub).contains(&format!("Before {word} after.")));
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn five_thousand_notes() {
    let mut text = String::from(HEAD);
    for n in 1..=5_000 {
        text.push_str(&format!("Claim number {n}.[^n{n}] "));
    }
    text.push_str("\n\n");
    for n in 1..=5_000 {
        text.push_str(&format!("[^n{n}]: Source {n}.\n\n"));
    }
    let editions = builds("5,000 notes", &text);
    let xhtml = epub_text(&editions.epub);
    assert_eq!(count(&xhtml, "epub:type=\"noteref\""), 5_000);
    assert!(xhtml.contains("id=\"note-5000\"") && !xhtml.contains("id=\"note-5001\""));
    assert!(editions.warnings.is_empty(), "{:?}", editions.warnings);
}

#[test]
fn notes_inside_headings_lists_quotes_and_tables_and_a_note_citing_a_note() {
    let text = format!(
        "{HEAD}# A heading[^h]\n\n- an item[^l]\n- another\n\n> quoted[^q]\n\n| a | b |\n|---|---|\n| cell[^t] | x |\n\n\
         Text[^outer].\n\n[^h]: In the heading.\n\n[^l]: In the list.\n\n[^q]: In the quote.\n\n[^t]: In the table.\n\n\
         [^outer]: Cites another note[^inner].\n\n[^inner]: Cited from a note.\n"
    );
    let editions = builds("notes in containers", &text);
    let xhtml = epub_text(&editions.epub);
    assert_eq!(count(&xhtml, "epub:type=\"noteref\""), 6, "five in the text, one in a note");
    for n in 1..=6 {
        assert!(xhtml.contains(&format!("id=\"note-{n}\"")), "note {n}");
    }
    // The note cited from a note comes after every note cited from the text.
    let inner = xhtml.find("Cited from a note").unwrap();
    assert!(xhtml.find("In the table").unwrap() < inner && xhtml.find("Cites another note").unwrap() < inner);
    assert!(editions.warnings.is_empty(), "{:?}", editions.warnings);
}

#[test]
fn nested_emphasis() {
    let text = format!("{HEAD}*one **two *three **four** three* two** one* and ***both*** and _a *b* c_.\n");
    let editions = builds("nested emphasis", &text);
    let xhtml = epub_text(&editions.epub);
    assert!(xhtml.contains("<em>one <strong>two <em>three <strong>four</strong> three</em> two</strong> one</em>"), "{xhtml}");
}

#[test]
fn deeply_nested_quotes_and_lists() {
    let text = format!("{HEAD}{}deep\n\n{}item\n", "> ".repeat(200), "- ".repeat(200));
    let xhtml = epub_text(&builds("200-deep quotes and lists", &text).epub);
    assert!(xhtml.contains(">deep<") && xhtml.contains(">item<"), "the innermost text is kept");
}

#[test]
fn raw_html_maps_into_the_model_and_keeps_the_rest_as_text() {
    let text = format!(
        "{HEAD}Before <em>em</em> <i>i</i> <strong>strong</strong> <b>b</b> x<sup>2</sup> H<sub>2</sub>O <del>del</del> <s>s</s> \
         <code>a &lt; b</code> <a href=\"https://example.org/\">web</a> <a href=\"javascript:alert(1)\">bad</a> \
         <span lang=\"fr\">été</span> <small>small</small> one<br>two.\n\n\
         <table><tr><td>HTML cell</td></tr></table>\n\n\
         <div lang=\"de\">\n\nEin *Absatz*.\n\n</div>\n\n\
         <div markdown=\"1\">\nRead as *Markdown*.\n</div>\n\n\
         <p>One &amp; <b>two</b><br>three</p>\n\n\
         <style>p {{ color: red }}</style>\n\n\
         <pre>\n  kept  as typed\n</pre>\n\nAfter <!-- unseen --> <span>inline</span>.\n"
    );
    let editions = builds("raw HTML", &text);
    let xhtml = epub_text(&editions.epub);
    for kept in [
        "<em>em</em> <em>i</em> <strong>strong</strong> <strong>b</strong> x<sup>2</sup> H<sub>2</sub>O <del>del</del> <del>s</del>",
        "<code>a &lt; b</code> <a href=\"https://example.org/\">web</a> bad <span lang=\"fr\" xml:lang=\"fr\">été</span> small one<br/>two",
        "<p>HTML cell</p>",
        "<div lang=\"de\" xml:lang=\"de\">\n<p>Ein <em>Absatz</em>.</p>\n</div>",
        "<p>Read as <em>Markdown</em>.</p>",
        "<p>One &amp; <strong>two</strong><br/>three</p>",
        "<pre><code>  kept  as typed</code></pre>",
        "After  inline.",
    ] {
        assert!(xhtml.contains(kept), "{kept}\n{xhtml}");
    }
    assert!(!xhtml.contains("color") && !xhtml.contains("unseen") && !xhtml.contains("javascript"), "{xhtml}");
    let found: Vec<(usize, &str)> = editions.warnings.iter().map(|w| (w.at.map_or(0, |a| a.line), w.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (7, "link to `javascript:` is not kept; its text stays, unlinked"),
            (9, "HTML block `<table>` is set as its text: its tags and layout are left out"),
            (21, "HTML block `<p>` is set as its text: its tags and layout are left out"),
            (23, "`<style>` is for a browser, not a reader: it is left out of every edition"),
        ],
        "{:?}",
        editions.warnings
    );
}

#[test]
fn pandoc_markdown_reaches_the_epub() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/manuscripts/pandoc-markdown.md")).unwrap();
    let xhtml = epub_text(&builds("pandoc's Markdown", &text).epub);
    let noteref = |n: usize| format!("<a id=\"noteref-{n}\" class=\"noteref\" href=\"endnotes.xhtml#note-{n}\" epub:type=\"noteref\" role=\"doc-noteref\">{n}</a>");
    for kept in [
        // Inline notes are numbered with the written one, in the order they are cited.
        format!("A note inline{} and a regular one{}, then {}.", noteref(1), noteref(2), noteref(3)),
        "<li id=\"note-1\" epub:type=\"footnote\">\n<div class=\"note-text\">\n<p>An <em>inline</em> note with [brackets].".into(),
        "<li id=\"note-2\" epub:type=\"footnote\">\n<div class=\"note-text\">\n<p>Regular note.".into(),
        "<li id=\"note-3\" epub:type=\"footnote\">\n<div class=\"note-text\">\n<p>second inline".into(),
        "A span <span lang=\"fr\" xml:lang=\"fr\">l’été <em>chaud</em></span> and small caps and [just brackets] and".into(),
        "a citation [see @doe99, p.".into(),
        "3] plus mail <a href=\"mailto:ann.lee@example.org\">ann.lee@example.org</a>. and <a href=\"mailto:bob@example.com\">bob@example.com</a>.".into(),
        "anatomical<br/>Into space that is quite economical.<br/>\u{a0}\u{a0}\u{a0}But the good ones I’ve seen<br/>".into(),
        "<div lang=\"de\" xml:lang=\"de\">\n<p>Ein Absatz auf Deutsch.</p>\n</div>".into(),
        "<div lang=\"it\" xml:lang=\"it\">\n<p>Un paragrafo.</p>\n</div>\n<p>End.</p>".into(),
    ] {
        assert!(xhtml.contains(&kept), "{kept}\n{xhtml}");
    }
    assert!(!xhtml.contains(":::") && !xhtml.contains("{lang") && !xhtml.contains("| "), "{xhtml}");
}
