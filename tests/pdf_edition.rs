//! Builds the bundled manuscript's reader PDF and checks its structure by parsing it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

mod common;

use lopdf::{Document, Object};
use quire::{build, BuildOptions, Edition};

fn build_pdf(out: &Path, style: Option<&str>) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = BuildOptions {
        manuscript: root.join("manuscript"),
        out_dir: out.to_path_buf(),
        editions: vec![Edition::Pdf],
        style: style.map(|s| root.join("styles").join(s)),
        resources: None,
        marks: false,
        two_pass: false,
        signatures: None,
        pages: None,
        pdf_standard: Default::default(),
    };
    let report = build(&options).expect("the bundled manuscript builds");
    assert!(report.warnings.is_empty(), "warnings: {:?}", report.warnings);
    report.written.into_iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).expect("a PDF was written")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-pdf-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn text(doc: &Document, object: &Object) -> String {
    let object = match object {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    };
    match object {
        Object::String(bytes, _) => {
            if bytes.starts_with(&[0xfe, 0xff]) {
                let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                String::from_utf16_lossy(&units)
            } else {
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        other => format!("{other:?}"),
    }
}

/// Named destinations: name → page object id.
fn destinations(doc: &Document) -> HashMap<String, lopdf::ObjectId> {
    let catalog = doc.catalog().unwrap();
    let names = doc.dereference(catalog.get(b"Names").unwrap()).unwrap().1.as_dict().unwrap().clone();
    let dests = doc.dereference(names.get(b"Dests").unwrap()).unwrap().1.as_dict().unwrap().clone();
    let array = dests.get(b"Names").unwrap().as_array().unwrap().clone();
    let mut out = HashMap::new();
    for pair in array.chunks(2) {
        let name = text(doc, &pair[0]);
        let dest = doc.dereference(&pair[1]).unwrap().1.as_array().unwrap().clone();
        out.insert(name, dest[0].as_reference().unwrap());
    }
    out
}

/// Every link in page order: the page it is on and the destination it names.
fn links(doc: &Document) -> Vec<(lopdf::ObjectId, String)> {
    common::link_actions(doc).into_iter().map(|(page_id, action)| (page_id, text(doc, action.get(b"D").unwrap()))).collect()
}

#[test]
fn structure_links_outline_fonts_and_metadata() {
    let dir = temp_dir("structure");
    let path = build_pdf(&dir, None);
    let doc = Document::load(&path).unwrap();
    let pages: BTreeMap<u32, lopdf::ObjectId> = doc.get_pages();
    assert!(pages.len() >= 8, "the article takes several A5 pages, got {}", pages.len());
    let page_number: HashMap<lopdf::ObjectId, u32> = pages.iter().map(|(n, id)| (*id, *n)).collect();

    // A5 pages.
    let first = doc.get_dictionary(pages[&1]).unwrap();
    let media = first.get(b"MediaBox").unwrap().as_array().unwrap();
    let width = media[2].as_float().unwrap();
    assert!((width - 419.53).abs() < 0.5, "A5 width, got {width}");

    // Every note reference links to its note, and every note links back.
    let dests = destinations(&doc);
    let targets = links(&doc);
    for n in 1..=11 {
        let to_note = targets.iter().find(|(_, t)| *t == format!("note-{n}")).unwrap_or_else(|| panic!("no link to note {n}"));
        let back = targets.iter().find(|(_, t)| *t == format!("noteref-{n}")).unwrap_or_else(|| panic!("no backlink from note {n}"));
        // The link to the note sits where the reference is; the backlink sits on the note's page.
        assert_eq!(dests[&format!("noteref-{n}")], to_note.0, "note {n}: the reference and its link are on the same page");
        assert_eq!(dests[&format!("note-{n}")], back.0, "note {n}: the note and its backlink are on the same page");
        assert!(page_number[&dests[&format!("note-{n}")]] > page_number[&dests[&format!("noteref-{n}")]]);
    }

    // The outline lists the title, every section and the Notes.
    let catalog = doc.catalog().unwrap();
    let outlines = doc.dereference(catalog.get(b"Outlines").unwrap()).unwrap().1.as_dict().unwrap();
    let mut titles = Vec::new();
    let mut stack = vec![outlines.get(b"First").unwrap().as_reference().unwrap()];
    while let Some(id) = stack.pop() {
        let item = doc.get_dictionary(id).unwrap();
        titles.push(text(&doc, item.get(b"Title").unwrap()));
        if let Ok(next) = item.get(b"Next") {
            stack.push(next.as_reference().unwrap());
        }
        if let Ok(child) = item.get(b"First") {
            stack.push(child.as_reference().unwrap());
        }
    }
    for wanted in ["1917: revolt breaks out", "Capitalist or socialist revolution?", "Was the October Revolution a coup?", "From Lenin to Stalin?", "Notes", "Further reading"] {
        assert!(titles.iter().any(|t| t == wanted), "outline lacks {wanted:?}: {titles:?}");
    }

    // Language and metadata from the manuscript, not the clock.
    assert_eq!(text(&doc, catalog.get(b"Lang").unwrap()), "en-AU");
    let info = doc.dereference(doc.trailer.get(b"Info").unwrap()).unwrap().1.as_dict().unwrap();
    assert_eq!(text(&doc, info.get(b"Author").unwrap()), "David Glanz");
    assert!(text(&doc, info.get(b"CreationDate").unwrap()).starts_with("D:2017"));

    // Fonts embedded and subset.
    let mut fonts = 0;
    for (_, object) in doc.objects.iter() {
        if let Ok(dict) = object.as_dict() {
            if dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"FontDescriptor") {
                fonts += 1;
                let name = text(&doc, dict.get(b"FontName").unwrap());
                assert_eq!(name.find('+'), Some(6), "subset tag on {name}");
                assert!(dict.get(b"FontFile3").is_ok() || dict.get(b"FontFile2").is_ok(), "{name} embedded");
            }
        }
    }
    assert!(fonts >= 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, b) = (temp_dir("repro-a"), temp_dir("repro-b"));
    let first = std::fs::read(build_pdf(&a, None)).unwrap();
    let second = std::fs::read(build_pdf(&b, None)).unwrap();
    assert!(first == second, "PDF bytes differ between two builds");
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn the_style_drives_the_layout() {
    let (a, b) = (temp_dir("style-a"), temp_dir("style-b"));
    let reader = Document::load(build_pdf(&a, Some("reader-a5.toml"))).unwrap().get_pages().len();
    let large = Document::load(build_pdf(&b, Some("large-print.toml"))).unwrap().get_pages().len();
    assert!(large > reader, "14 pt large print needs more pages than 11 pt ({large} vs {reader})");
    std::fs::remove_dir_all(&a).unwrap();
    std::fs::remove_dir_all(&b).unwrap();
}

#[test]
fn characters_the_book_face_lacks_use_the_fallback_face_and_are_reported() {
    let dir = temp_dir("fallback");
    std::fs::create_dir_all(&dir).unwrap();
    let manuscript = dir.join("book.md");
    std::fs::write(
        &manuscript,
        "+++\ntitle = \"Symbols\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\nA snowman ☃ and a king ♔, then 中.\n",
    )
    .unwrap();
    let options = BuildOptions { manuscript, out_dir: dir.join("out"), editions: vec![Edition::Pdf], style: None, resources: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = build(&options).expect("builds with warnings");
    let messages: Vec<String> = report.warnings.iter().map(|w| format!("{}:{}: {}", w.at.map_or(0, |p| p.line), w.at.map_or(0, |p| p.column), w.message)).collect();
    assert!(messages.contains(&"7:11: the body font (LinLibertine_R.otf) has no glyph for '☃' (U+2603); the PDF sets it in the fallback face (DejaVuSans.ttf)".to_string()), "{messages:#?}");
    assert!(messages.iter().any(|m| m.starts_with("7:24: the body font (LinLibertine_R.otf) has no glyph for '♔'")), "{messages:#?}");
    assert!(messages.contains(&"7:32: the body font (LinLibertine_R.otf) has no glyph for '中' (U+4E2D); the PDF prints it as a blank box".to_string()), "{messages:#?}");
    assert_eq!(messages.len(), 3, "{messages:#?}");

    let pdf = Document::load(&report.written[0]).unwrap();
    let base_fonts: Vec<String> = pdf
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) == Some(b"Type0".as_slice()))
        .map(|d| text(&pdf, d.get(b"BaseFont").unwrap()))
        .collect();
    assert!(base_fonts.iter().any(|f| f.ends_with("+DejaVuSans")), "fallback face not embedded: {base_fonts:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A character the faces lack in the style's own words (here the notes' heading) is
/// found by the typesetter, not the check, and named once, in the check's wording,
/// with no place in the manuscript to point at.
#[test]
fn a_character_the_faces_lack_in_the_style_s_own_text_is_reported_once() {
    let dir = temp_dir("style-glyph");
    std::fs::create_dir_all(&dir).unwrap();
    let manuscript = dir.join("book.md");
    std::fs::write(&manuscript, "+++\ntitle = \"Notes\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\nA claim.[^a]\n\n[^a]: A source.\n").unwrap();
    let style = dir.join("notes.toml");
    std::fs::write(&style, "name = \"Notes in two scripts\"\n[notes]\nheading = \"Notes 注\"\n").unwrap();
    let options = BuildOptions { manuscript, out_dir: dir.join("out"), editions: vec![Edition::Pdf], style: Some(style), resources: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = build(&options).expect("builds with a warning");
    let found: Vec<(Option<usize>, &str)> = report.warnings.iter().map(|w| (w.at.map(|p| p.line), w.message.as_str())).collect();
    assert_eq!(
        found,
        [(None, "the bold face (LinLibertine_RB.otf) has no glyph for '注' (U+6CE8) (in the style's own text); the PDF prints it as a blank box")],
        "{found:#?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_note_cited_twice_links_back_to_each_citation() {
    let dir = temp_dir("twice");
    std::fs::create_dir_all(&dir).unwrap();
    let manuscript = dir.join("book.md");
    let body = "Workers took power.[^src] Then they held it, for a while.[^other]\n\nThe soviets ran Petrograd.[^src]\n";
    let notes = "\n[^src]: John Reed, *Ten Days that Shook the World*.\n\n[^other]: Cited once.\n";
    std::fs::write(&manuscript, format!("+++\ntitle = \"Twice\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\n{body}{notes}")).unwrap();
    let options = BuildOptions { manuscript, out_dir: dir.join("out"), editions: vec![Edition::Pdf], style: None, resources: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = build(&options).expect("builds");
    let doc = Document::load(&report.written[0]).unwrap();
    let dests = destinations(&doc);
    let links = links(&doc);
    let from_notes = |target: &str| links.iter().filter(|(page, t)| t == target && *page == dests["note-1"]).count();
    // The label and the mark "↑a" lead to the first citation, "↑b" to the second.
    assert_eq!(from_notes("noteref-1"), 2, "{links:?}");
    assert_eq!(from_notes("noteref-1-2"), 1, "{links:?}");
    assert!(dests.contains_key("noteref-1-2"), "the second citation is a destination");
    // A note cited once has only its label.
    assert_eq!(links.iter().filter(|(_, t)| t.starts_with("noteref-2")).count(), 1, "{links:?}");
    let words = String::from_utf8(std::process::Command::new("pdftotext").arg(&report.written[0]).arg("-").output().unwrap().stdout).unwrap();
    assert!(words.contains("↑a ↑b"), "{words}");
    std::fs::remove_dir_all(&dir).unwrap();
}
