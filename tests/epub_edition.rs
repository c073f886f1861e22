//! Builds the bundled manuscript's EPUB and reads it back as a reader would.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use quire::{build, Edition};

mod common;

fn build_epub(out: &Path) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = common::build_options(&root.join("manuscript"), out, vec![Edition::Epub]);
    let report = build(&options).expect("the bundled manuscript builds");
    assert!(report.warnings.is_empty(), "bundled manuscript has warnings: {:?}", report.warnings);
    report.written.into_iter().find(|p| p.extension().is_some_and(|e| e == "epub")).expect("an EPUB was written")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn entries(epub: &Path) -> HashMap<String, String> {
    let file = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            out.insert(name, text);
        }
    }
    out
}

fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(text, options).expect("well-formed XML")
}

const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

struct Reference {
    file: String,
    id: String,
    label: String,
    target: String,
}

fn spine(files: &HashMap<String, String>) -> Vec<String> {
    let opf = parse_xml(&files["OEBPS/content.opf"]);
    let hrefs: HashMap<&str, &str> = opf
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .map(|n| (n.attribute("id").unwrap(), n.attribute("href").unwrap()))
        .collect();
    opf.descendants()
        .filter(|n| n.has_tag_name("itemref"))
        .map(|n| hrefs[n.attribute("idref").unwrap()].to_owned())
        .collect()
}

fn references(files: &HashMap<String, String>) -> Vec<Reference> {
    let mut refs = Vec::new();
    for file in spine(files) {
        let doc = parse_xml(&files[&format!("OEBPS/{file}")]);
        for a in doc.descendants().filter(|n| n.attribute((EPUB_NS, "type")) == Some("noteref")) {
            assert_eq!(a.attribute("role"), Some("doc-noteref"));
            refs.push(Reference {
                file: file.clone(),
                id: a.attribute("id").expect("a note reference has an id for the backlink").to_owned(),
                label: a.text().unwrap_or("").to_owned(),
                target: a.attribute("href").unwrap().to_owned(),
            });
        }
    }
    refs
}

#[test]
fn every_note_reference_resolves_and_every_note_links_back() {
    let dir = temp_dir("notes");
    let files = entries(&build_epub(&dir));
    let refs = references(&files);
    assert_eq!(refs.len(), 11, "the article cites 11 sources and notes");

    let notes_doc = parse_xml(&files["OEBPS/endnotes.xhtml"]);
    let section = notes_doc.descendants().find(|n| n.attribute("role") == Some("doc-endnotes")).expect("notes section");
    assert_eq!(section.attribute((EPUB_NS, "type")), Some("endnotes"));
    let notes: Vec<_> = section.descendants().filter(|n| n.has_tag_name("li")).collect();
    assert_eq!(notes.len(), refs.len());

    // Numbering: 1…n in reading order, each label equal to its note's position.
    for (i, r) in refs.iter().enumerate() {
        assert_eq!(r.label, (i + 1).to_string());
        assert_eq!(r.target, format!("endnotes.xhtml#note-{}", i + 1));
        assert_eq!(notes[i].attribute("id"), Some(format!("note-{}", i + 1).as_str()));
    }
    // Each note's backlink goes to the exact place it was cited from.
    for (note, r) in notes.iter().zip(&refs) {
        let backlinks: Vec<_> = note.descendants().filter(|n| n.attribute("role") == Some("doc-backlink")).collect();
        assert_eq!(backlinks.len(), 1);
        assert_eq!(backlinks[0].attribute((EPUB_NS, "type")), Some("backlink"));
        assert_eq!(backlinks[0].attribute("href"), Some(format!("{}#{}", r.file, r.id).as_str()));
        assert!(backlinks[0].attribute("aria-label").is_some_and(|l| !l.is_empty()));
    }
    // The calendar note is the first, attached to "February".
    let first_note: String = notes[0].descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    let first_note = first_note.trim_start();
    assert!(first_note.starts_with("Russia in 1917 still used the Julian calendar"), "{first_note}");
    assert!(files["OEBPS/article.xhtml"].contains("revolution in February<a id=\"noteref-1\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn package_metadata_is_the_manuscripts() {
    let dir = temp_dir("metadata");
    let files = entries(&build_epub(&dir));
    let opf = parse_xml(&files["OEBPS/content.opf"]);
    let dc = |name: &str| -> Vec<String> {
        opf.descendants()
            .filter(|n| n.tag_name().name() == name && n.tag_name().namespace() == Some("http://purl.org/dc/elements/1.1/"))
            .filter_map(|n| n.text().map(str::to_owned))
            .collect()
    };
    assert_eq!(dc("title"), ["Russia’s 1917 revolution: When workers took power"]);
    assert_eq!(dc("creator"), ["David Glanz"]);
    assert_eq!(dc("language"), ["en-AU"]);
    assert_eq!(dc("publisher"), ["Solidarity"]);
    assert_eq!(dc("date"), ["2017"]);
    assert_eq!(dc("identifier"), ["urn:uuid:424b9e3e-c576-41e8-8374-e884ff40b554"]);
    let package = opf.root_element();
    assert_eq!(package.attribute("version"), Some("3.0"));
    assert_eq!(package.attribute(("http://www.w3.org/XML/1998/namespace", "lang")), Some("en-AU"));
    let meta = |property: &str| -> Vec<String> {
        opf.descendants().filter(|n| n.attribute("property") == Some(property)).filter_map(|n| n.text().map(str::to_owned)).collect()
    };
    assert_eq!(meta("schema:accessibilityHazard"), ["none"]);
    assert!(meta("schema:accessMode").contains(&"textual".to_owned()));
    assert_eq!(meta("dcterms:modified"), ["2017-01-01T00:00:00Z"]);
    // Every document says its language, both ways.
    for (name, text) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        let doc = parse_xml(text);
        let html = doc.root_element();
        assert_eq!(html.attribute("lang"), Some("en-AU"), "{name}");
        assert_eq!(html.attribute(("http://www.w3.org/XML/1998/namespace", "lang")), Some("en-AU"), "{name}");
    }
    // The website's navigation is not part of the book.
    let all: String = files.values().cloned().collect();
    assert!(!all.contains("Solidarity meetings") && !all.contains("Latest articles"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, b) = (temp_dir("repro-a"), temp_dir("repro-b"));
    let first = std::fs::read(build_epub(&a)).unwrap();
    let second = std::fs::read(build_epub(&b)).unwrap();
    assert!(first == second, "EPUB bytes differ between two builds");
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

/// The text of every document's body, as a reading system would set it.
fn shown_text(files: &HashMap<String, String>) -> String {
    let mut text = String::new();
    for (name, xhtml) in files {
        if !name.ends_with(".xhtml") {
            continue;
        }
        let doc = parse_xml(xhtml);
        let Some(body) = doc.descendants().find(|n| n.has_tag_name("body")) else { continue };
        for node in body.descendants().filter(|n| n.is_text()) {
            text.push_str(node.text().unwrap_or(""));
            text.push(' ');
        }
    }
    text
}

/// Advances and offsets of `text` shaped in `face`: the same in a faithful subset,
/// whatever its glyph ids. A lost ligature changes the count, lost kerning the advances.
fn shaped(face: &rustybuzz::Face<'_>, text: &str) -> Vec<(i32, i32, i32)> {
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    let output = rustybuzz::shape(face, &[], buffer);
    output.glyph_positions().iter().map(|p| (p.x_advance, p.x_offset, p.y_offset)).collect()
}

#[test]
fn subset_fonts_keep_every_character_ligature_and_kern_the_book_uses() {
    let dir = temp_dir("fonts");
    let epub = build_epub(&dir);
    let text = shown_text(&entries(&epub));
    let files = common::epub_entries(&epub);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fonts: Vec<&String> = files.keys().filter(|n| n.ends_with(".otf")).collect();
    assert_eq!(fonts.len(), 4, "the four faces are embedded: {fonts:?}");
    let mut words: Vec<&str> = text.split_whitespace().collect();
    words.sort_unstable();
    words.dedup();
    for name in fonts {
        let original = std::fs::read(root.join("fonts").join(name.trim_start_matches("OEBPS/fonts/"))).unwrap();
        let subset = &files[name];
        assert!(subset.len() * 4 < original.len(), "{name} is not subset: {} bytes of {}", subset.len(), original.len());
        let whole = ttf_parser::Face::parse(&original, 0).unwrap();
        let cut = ttf_parser::Face::parse(subset, 0).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
        for c in text.chars().filter(|c| whole.glyph_index(*c).is_some()) {
            assert!(cut.glyph_index(c).is_some(), "{name} lost {c:?} (U+{:04X}), which the book shows", c as u32);
        }
        let (whole, cut) = (rustybuzz::Face::from_face(whole), rustybuzz::Face::from_face(cut));
        for word in &words {
            assert_eq!(shaped(&whole, word), shaped(&cut, word), "{name} sets {word:?} differently");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_epub_with_its_fonts_stays_small() {
    let dir = temp_dir("size");
    let size = std::fs::metadata(build_epub(&dir)).unwrap().len();
    assert!(size < 400_000, "the EPUB is {size} bytes");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_note_cited_twice_links_back_to_each_citation() {
    let text = format!("{}One[^a] and again[^a].\n\n[^a]: The note.\n", common::HEAD);
    let editions = common::pipeline(&text).expect("builds");
    let xhtml = common::epub_text(&editions.epub);
    assert!(xhtml.contains("id=\"noteref-1\"") && xhtml.contains("id=\"noteref-1-2\""), "both citations are anchored");
    assert!(xhtml.contains("#noteref-1\"") && xhtml.contains("#noteref-1-2\""), "the note leads back to each");
}
