//! The reader PDF is tagged (PDF/UA-1): its structure tree, read back with
//! lopdf, says what the pages hold. Each element's text is read from the
//! content its marked-content ids name, through the fonts' ToUnicode maps and
//! the `/ActualText` spans, as a screen reader would.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use quire::{build, BuildOptions, Edition, PdfStandard};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reader PDF of `manuscript` (a file or a book's folder), with `style`.
fn reader_pdf(manuscript: &Path, style: Option<&str>, name: &str) -> Document {
    reader_pdf_as(manuscript, style, name, PdfStandard::Ua1)
}

fn reader_pdf_as(manuscript: &Path, style: Option<&str>, name: &str, pdf_standard: PdfStandard) -> Document {
    let out = std::env::temp_dir().join(format!("quire-tagged-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let options = BuildOptions {
        manuscript: manuscript.to_path_buf(),
        out_dir: out.clone(),
        editions: vec![Edition::Pdf],
        style: style.map(|s| root().join("styles").join(s)),
        resources: None,
        marks: false,
        two_pass: false,
        signatures: None,
        pages: None,
        pdf_standard,
    };
    let report = build(&options).expect("the manuscript builds");
    let pdf = report.written.iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).expect("a PDF");
    let doc = Document::load(pdf).expect("the PDF parses");
    let _ = std::fs::remove_dir_all(&out);
    doc
}

/// A structure element as read back: its type, its text, its children.
#[derive(Debug, Default)]
struct Element {
    role: String,
    text: String,
    alt: Option<String>,
    id: Option<String>,
    scope: Option<String>,
    /// The annotations its `OBJR`s name.
    annotations: Vec<ObjectId>,
    children: Vec<Element>,
}

impl Element {
    fn all(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.all());
        }
        out
    }

    fn of_role(&self, role: &str) -> Vec<&Element> {
        self.all().into_iter().filter(|e| e.role == role).collect()
    }

    /// Its text and its descendants', in reading order.
    fn full_text(&self) -> String {
        self.text.clone() + &self.children.iter().map(Element::full_text).collect::<String>()
    }
}

struct Tagged {
    doc: Document,
    tree: Element,
    /// Marked content that is an artifact, by its kind (`Header`, `Footer`,
    /// `Layout`): the text of each sequence.
    artifacts: Vec<(String, String)>,
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).expect("a reference resolves"),
        other => other,
    }
}

fn text_of(object: &Object) -> String {
    match object {
        Object::String(bytes, _) if bytes.starts_with(&[0xfe, 0xff]) => {
            let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        Object::String(bytes, _) => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    }
}

/// Each font resource's ToUnicode map: glyph code → text.
fn to_unicode(doc: &Document, font: &Dictionary) -> HashMap<u16, String> {
    let mut map = HashMap::new();
    let Ok(Object::Stream(stream)) = font.get(b"ToUnicode").map(|o| resolve(doc, o)) else { return map };
    let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    let cmap = String::from_utf8_lossy(&bytes);
    for section in cmap.split("beginbfchar").skip(1) {
        let body = section.split("endbfchar").next().unwrap_or("");
        let hexes: Vec<&str> = body.split(['<', '>']).map(str::trim).filter(|s| !s.is_empty()).collect();
        for pair in hexes.chunks(2) {
            if let [code, text] = pair {
                let code = u16::from_str_radix(code, 16).unwrap_or(0);
                let units: Vec<u16> = (0..text.len() / 4).map(|i| u16::from_str_radix(&text[i * 4..i * 4 + 4], 16).unwrap_or(0)).collect();
                map.insert(code, String::from_utf16_lossy(&units));
            }
        }
    }
    map
}

/// The text of each marked-content id on a page, and the artifacts' texts.
fn page_texts(doc: &Document, page: ObjectId) -> (HashMap<i64, String>, Vec<(String, String)>) {
    let fonts: HashMap<Vec<u8>, HashMap<u16, String>> = doc
        .get_page_fonts(page)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, font)| (name, to_unicode(doc, font)))
        .collect();
    let content = Content::decode(&doc.get_page_content(page)).expect("content decodes");
    let mut texts: HashMap<i64, String> = HashMap::new();
    let mut artifacts = Vec::new();
    // The open sequences: an MCID, an artifact's kind, or an ActualText span.
    enum Open {
        Mcid(i64),
        Artifact(String),
        Actual(String),
        Other,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut font: Option<&HashMap<u16, String>> = None;
    let mut shown = |open: &mut Vec<Open>, text: &str, texts: &mut HashMap<i64, String>, artifacts: &mut Vec<(String, String)>| {
        for o in open.iter().rev() {
            match o {
                Open::Mcid(mcid) => return texts.entry(*mcid).or_default().push_str(text),
                Open::Artifact(_) => return artifacts.last_mut().expect("an artifact is open").1.push_str(text),
                _ => {}
            }
        }
        panic!("text outside marked content: {text:?}");
    };
    for op in &content.operations {
        match op.operator.as_str() {
            "BDC" | "BMC" => {
                let tag = op.operands.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                let props = op.operands.get(1).and_then(|o| resolve(doc, o).as_dict().ok());
                let entry = if tag == b"Artifact" {
                    let kind = props.and_then(|p| p.get(b"Subtype").or(p.get(b"Type")).ok()).and_then(|o| o.as_name().ok()).unwrap_or(b"");
                    artifacts.push((String::from_utf8_lossy(kind).into_owned(), String::new()));
                    Open::Artifact(String::from_utf8_lossy(kind).into_owned())
                } else if let Some(actual) = props.and_then(|p| p.get(b"ActualText").ok()) {
                    Open::Actual(text_of(actual))
                } else if let Some(mcid) = props.and_then(|p| p.get(b"MCID").ok()).and_then(|o| o.as_i64().ok()) {
                    Open::Mcid(mcid)
                } else {
                    Open::Other
                };
                if let Open::Actual(text) = &entry {
                    let text = text.clone();
                    shown(&mut open, &text, &mut texts, &mut artifacts);
                }
                open.push(entry);
            }
            "EMC" => {
                open.pop();
            }
            "Tf" => font = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|name| fonts.get(name)),
            "TJ" | "Tj" => {
                if open.iter().any(|o| matches!(o, Open::Actual(_))) {
                    continue;
                }
                let strings: Vec<&Vec<u8>> = match op.operands.first() {
                    Some(Object::Array(items)) => items.iter().filter_map(|i| if let Object::String(b, _) = i { Some(b) } else { None }).collect(),
                    Some(Object::String(b, _)) => vec![b],
                    _ => Vec::new(),
                };
                let map = font.expect("a font is set before text");
                let text: String = strings.iter().flat_map(|b| b.chunks(2)).map(|c| map.get(&u16::from_be_bytes([c[0], c[1]])).cloned().unwrap_or_default()).collect();
                shown(&mut open, &text, &mut texts, &mut artifacts);
            }
            _ => {}
        }
    }
    (texts, artifacts)
}

fn read_tagged(doc: Document) -> Tagged {
    let catalog = doc.catalog().expect("a catalogue");
    assert_eq!(catalog.get(b"MarkInfo").ok().and_then(|m| resolve(&doc, m).as_dict().ok()).and_then(|m| m.get(b"Marked").ok()).and_then(|m| m.as_bool().ok()), Some(true));
    let tree_root = resolve(&doc, catalog.get(b"StructTreeRoot").expect("a structure tree")).as_dict().expect("a dictionary");
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut by_page: HashMap<ObjectId, HashMap<i64, String>> = HashMap::new();
    let mut artifacts = Vec::new();
    for &page in &pages {
        let (texts, mut found) = page_texts(&doc, page);
        by_page.insert(page, texts);
        artifacts.append(&mut found);
    }
    fn read(doc: &Document, object: &Object, page: Option<ObjectId>, by_page: &HashMap<ObjectId, HashMap<i64, String>>) -> Element {
        let dict = resolve(doc, object).as_dict().expect("an element is a dictionary");
        let page = dict.get(b"Pg").ok().and_then(|p| p.as_reference().ok()).or(page);
        let mut element = Element {
            role: dict.get(b"S").ok().and_then(|s| s.as_name().ok()).map(|s| String::from_utf8_lossy(s).into_owned()).unwrap_or_default(),
            alt: dict.get(b"Alt").ok().map(text_of),
            id: dict.get(b"ID").ok().map(text_of),
            scope: dict.get(b"A").ok().and_then(|a| resolve(doc, a).as_dict().ok()).and_then(|a| a.get(b"Scope").ok()).and_then(|s| s.as_name().ok()).map(|s| String::from_utf8_lossy(s).into_owned()),
            ..Element::default()
        };
        let kids = match dict.get(b"K") {
            Ok(Object::Array(kids)) => kids.clone(),
            Ok(kid) => vec![kid.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids {
            match &kid {
                Object::Integer(mcid) => {
                    let text = page.and_then(|p| by_page[&p].get(mcid)).cloned().unwrap_or_default();
                    push_text(&mut element, &text);
                }
                Object::Dictionary(d) if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"MCR") => {
                    let pg = d.get(b"Pg").ok().and_then(|p| p.as_reference().ok()).or(page).expect("an MCR's page");
                    let mcid = d.get(b"MCID").ok().and_then(|m| m.as_i64().ok()).expect("an MCID");
                    let text = by_page[&pg].get(&mcid).cloned().unwrap_or_default();
                    push_text(&mut element, &text);
                }
                Object::Dictionary(d) if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"OBJR") => {
                    element.annotations.push(d.get(b"Obj").ok().and_then(|o| o.as_reference().ok()).expect("an OBJR's object"));
                }
                _ => element.children.push(read(doc, &kid, page, by_page)),
            }
        }
        element
    }
    // The element's own text, where its children's come between: kept in order.
    fn push_text(element: &mut Element, text: &str) {
        if element.children.is_empty() {
            element.text.push_str(text);
        } else {
            element.children.push(Element { role: "#text".into(), text: text.to_owned(), ..Element::default() });
        }
    }
    let tree = read(&doc, tree_root.get(b"K").expect("the root's child"), None, &by_page);
    Tagged { doc, tree, artifacts }
}

fn level(role: &str) -> Option<u8> {
    role.strip_prefix('H').and_then(|n| n.parse().ok())
}

/// Headings in reading order begin at H1 and never skip a level.
fn assert_headings_in_order(tree: &Element) -> Vec<(u8, String)> {
    let headings: Vec<(u8, String)> = tree.all().into_iter().filter_map(|e| Some((level(&e.role)?, e.full_text()))).collect();
    assert_eq!(headings.first().map(|h| h.0), Some(1), "the first heading is H1: {headings:?}");
    for pair in headings.windows(2) {
        assert!(pair[1].0 <= pair[0].0 + 1, "a heading skips a level: {pair:?}");
    }
    assert!(headings.iter().all(|(_, text)| !text.trim().is_empty()), "every heading has text: {headings:?}");
    headings
}

/// Every link annotation belongs to a `Link` element, says what it does, and
/// names its element back through the parent tree.
fn assert_links_joined(tagged: &Tagged) {
    let links = tagged.tree.of_role("Link");
    let joined: Vec<ObjectId> = links.iter().flat_map(|l| l.annotations.clone()).collect();
    let doc = &tagged.doc;
    let mut annotations = 0;
    for page in doc.get_pages().into_values() {
        let dict = doc.get_dictionary(page).unwrap();
        assert_eq!(dict.get(b"Tabs").ok().and_then(|t| t.as_name().ok()), Some(&b"S"[..]), "each page tabs in structure order");
        let Ok(Object::Array(annots)) = dict.get(b"Annots") else { continue };
        for annot in annots {
            let id = annot.as_reference().expect("annotations are indirect, for the tree to name them");
            let a = doc.get_dictionary(id).unwrap();
            assert!(joined.contains(&id), "annotation {id:?} is in no Link element");
            assert!(a.get(b"StructParent").is_ok(), "annotation {id:?} has no /StructParent");
            assert!(!text_of(a.get(b"Contents").expect("a link's /Contents")).is_empty());
            annotations += 1;
        }
    }
    assert_eq!(annotations, joined.len(), "each Link names annotations the pages have");
}

#[test]
fn the_articles_structure_says_what_its_pages_hold() {
    let tagged = read_tagged(reader_pdf(&root().join("manuscript"), None, "article"));
    let tree = &tagged.tree;
    assert_eq!(tree.role, "Document");
    let manuscript = std::fs::read_to_string(root().join("manuscript/russia-1917.md")).unwrap();

    // The title, then the sections' headings, then the notes' heading.
    let headings = assert_headings_in_order(tree);
    assert_eq!(headings[0], (1, "Russia’s 1917 revolution: When workers took power".into()), "{headings:?}");
    let body = manuscript.splitn(3, "+++").nth(2).expect("the manuscript after its front matter");
    let sections: Vec<&str> = body.lines().filter_map(|l| l.strip_prefix("# ")).collect();
    let h2: Vec<&str> = headings.iter().filter(|h| h.0 == 2).map(|h| h.1.as_str()).collect();
    assert_eq!(headings.len(), 1 + h2.len(), "below the title, H2s only: {headings:?}");
    // The notes come before the back matter (further reading).
    let (back, text) = sections.split_last().expect("sections");
    assert_eq!(h2, [text, &["Notes"][..], &[*back][..]].concat(), "each section's heading and the notes' are H2");

    // Each note a Note with a unique ID and a label that links back; each
    // reference a Reference holding a Link to its note.
    let notes = tree.of_role("Note");
    assert_eq!(notes.len(), 11);
    let mut ids: Vec<&str> = notes.iter().map(|n| n.id.as_deref().expect("a note's /ID")).collect();
    ids.dedup();
    assert_eq!(ids.len(), 11);
    for (n, note) in notes.iter().enumerate() {
        let label = note.children.first().expect("a note's first child");
        assert_eq!(label.role, "Lbl", "a note opens with its label");
        assert_eq!(label.full_text(), format!("{}.", n + 1));
        assert_eq!(label.children[0].role, "Link", "the label links back to the reference");
        assert!(note.children.iter().any(|c| c.role == "P" && !c.full_text().trim().is_empty()), "a note has its text");
    }
    let references = tree.of_role("Reference");
    assert_eq!(references.len(), 11, "every note reference is a Reference");
    for (n, reference) in references.iter().enumerate() {
        let link = &reference.children[0];
        assert_eq!(link.role, "Link");
        assert_eq!(link.full_text(), (n + 1).to_string());
        let annotation = tagged.doc.get_dictionary(link.annotations[0]).unwrap();
        let action = tagged.doc.dereference(annotation.get(b"A").unwrap()).unwrap().1.as_dict().unwrap();
        assert_eq!(text_of(action.get(b"D").unwrap()), format!("note-{}", n + 1), "reference {} links to its note", n + 1);
        assert_eq!(text_of(annotation.get(b"Contents").unwrap()), format!("Note {}", n + 1));
    }
    assert_links_joined(&tagged);

    // Running heads and folios are artifacts, never in the text.
    let heads: Vec<&str> = tagged.artifacts.iter().filter(|(kind, _)| kind == "Header").map(|(_, t)| t.as_str()).collect();
    let folios: Vec<&str> = tagged.artifacts.iter().filter(|(kind, _)| kind == "Footer").map(|(_, t)| t.as_str()).collect();
    assert!(heads.len() >= 5 && heads.iter().all(|h| !h.is_empty()), "{heads:?}");
    let pages = tagged.doc.get_pages().len();
    assert_eq!(folios, (2..=pages).map(|n| n.to_string()).collect::<Vec<_>>(), "every page but the first has its folio, as an artifact");
    let text = tree.full_text();
    assert!(!text.contains(heads[0]) || manuscript.contains(heads[0]), "a running head is not read as text");

    // A hyphenated line end reads as the whole word: a soft hyphen, which
    // joins the two halves of a word the manuscript has whole.
    let paragraphs: Vec<String> = tree.of_role("P").iter().map(|p| p.full_text()).collect();
    let mut hyphenated = 0;
    for paragraph in &paragraphs {
        for (i, _) in paragraph.match_indices('\u{ad}') {
            let before: String = paragraph[..i].chars().rev().take_while(|c| c.is_alphabetic()).collect::<Vec<_>>().into_iter().rev().collect();
            let after: String = paragraph[i + 2..].chars().take_while(|c| c.is_alphabetic()).collect();
            let word = format!("{before}{after}");
            assert!(manuscript.contains(&word), "“{before}\u{ad}{after}” is not a word of the manuscript");
            hyphenated += 1;
        }
    }
    assert!(hyphenated > 10, "the article has hyphenated line ends: {hyphenated}");
    // Without its soft hyphens, the structure's text has the manuscript's words: this one runs over a line end.
    assert!(paragraphs.iter().any(|p| p.replace('\u{ad}', "").contains("There were now two centres of power in the country—the Provisional Government and the soviets.")));
}

#[test]
fn figures_have_alt_text_tables_header_cells_and_lists_labels() {
    let tagged = read_tagged(reader_pdf(&root().join("tests/manuscripts/figures.md"), None, "figures"));
    let figures = tagged.tree.of_role("Figure");
    assert!(figures.len() >= 2, "{figures:?}");
    for figure in &figures {
        assert!(figure.alt.as_deref().is_some_and(|a| !a.trim().is_empty()), "a figure without /Alt: {figure:?}");
    }
    assert!(!tagged.tree.of_role("Caption").is_empty());
    assert_headings_in_order(&tagged.tree);

    let tagged = read_tagged(reader_pdf(&root().join("tests/manuscripts/print-blocks.md"), None, "blocks"));
    let tree = &tagged.tree;
    assert_headings_in_order(tree);
    let tables = tree.of_role("Table");
    assert!(!tables.is_empty());
    for table in &tables {
        let rows: Vec<&Element> = table.children.iter().filter(|c| c.role == "TR").collect();
        assert!(rows.len() >= 2, "a table has rows: {table:?}");
        assert!(rows[0].children.iter().all(|c| c.role == "TH" && c.scope.as_deref() == Some("Column")), "the head row's cells are column headers");
        let columns = rows[0].children.len();
        assert!(rows[1..].iter().all(|r| r.children.len() == columns && r.children.iter().all(|c| c.role == "TD")), "every row has a data cell per column");
    }
    let lists = tree.of_role("L");
    assert!(!lists.is_empty());
    for list in lists {
        for item in &list.children {
            assert_eq!(item.role, "LI");
            let roles: Vec<&str> = item.children.iter().map(|c| c.role.as_str()).collect();
            assert_eq!(roles, ["Lbl", "LBody"], "an item is its label and its body");
        }
    }
    assert!(!tree.of_role("Code").is_empty() || !tree.of_role("BlockQuote").is_empty());
    assert_links_joined(&tagged);
    // A table's rules and the thematic break's ornament are artifacts.
    assert!(tagged.artifacts.iter().any(|(kind, _)| kind == "Layout"));
}

#[test]
fn a_books_contents_chapters_and_notes_are_tagged() {
    let tagged = read_tagged(reader_pdf(&root().join("tests/books/twelve"), None, "twelve"));
    let tree = &tagged.tree;
    let headings = assert_headings_in_order(tree);
    let toc = tree.of_role("TOC");
    assert_eq!(toc.len(), 1, "one contents");
    let entries: Vec<&Element> = toc[0].children.iter().filter(|c| c.role == "TOCI").collect();
    assert!(entries.len() >= 12, "an entry per chapter at least: {}", entries.len());
    for entry in entries {
        let link = &entry.children[0];
        assert_eq!(link.role, "Link", "each entry is its link");
        assert_eq!(link.annotations.len(), 1);
    }
    assert!(headings.iter().filter(|h| h.0 <= 2).count() >= 12, "the chapters are headings: {headings:?}");
    assert!(!tree.of_role("Note").is_empty());
    assert!(tree.of_role("Note").iter().all(|n| n.id.is_some()));
    assert_links_joined(&tagged);
}

#[test]
fn the_large_print_style_is_tagged_too() {
    let tagged = read_tagged(reader_pdf(&root().join("manuscript"), Some("large-print.toml"), "large"));
    assert_headings_in_order(&tagged.tree);
    assert_eq!(tagged.tree.of_role("Reference").len(), 11);
    assert_links_joined(&tagged);
}

/// The XMP metadata: the title, author and language, and the claims made.
fn xmp(doc: &Document) -> String {
    let catalog = doc.catalog().unwrap();
    let Object::Stream(stream) = resolve(doc, catalog.get(b"Metadata").expect("XMP metadata")) else { panic!("the metadata is a stream") };
    assert!(stream.dict.get(b"Filter").is_err(), "the XMP is left unfiltered");
    String::from_utf8(stream.content.clone()).expect("XMP is UTF-8")
}

#[test]
fn the_pdf_claims_pdf_ua_and_on_request_pdf_a_with_an_srgb_output_intent() {
    let manuscript = root().join("manuscript");
    let ua = reader_pdf(&manuscript, None, "ua");
    let metadata = xmp(&ua);
    for part in ["<pdfuaid:part>1</pdfuaid:part>", "When workers took power</rdf:li>", "<rdf:li>David Glanz</rdf:li>", "<dc:language><rdf:Bag><rdf:li>en-AU</rdf:li>"] {
        assert!(metadata.contains(part), "the XMP lacks {part}: {metadata}");
    }
    assert!(!metadata.contains("pdfaid:part"), "no PDF/A claim unless asked");
    assert!(ua.catalog().unwrap().get(b"OutputIntents").is_err());

    for (standard, level) in [(PdfStandard::Ua1A2a, "A"), (PdfStandard::Ua1A2u, "U")] {
        let archival = reader_pdf_as(&manuscript, None, "archival", standard);
        let metadata = xmp(&archival);
        assert!(metadata.contains("<pdfaid:part>2</pdfaid:part>") && metadata.contains(&format!("<pdfaid:conformance>{level}</pdfaid:conformance>")), "{metadata}");
        assert!(metadata.contains("<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"), "PDF/A is told of the PDF/UA schema");
        assert!(metadata.contains("<pdfuaid:part>1</pdfuaid:part>"), "still PDF/UA");
        let Ok(Object::Array(intents)) = archival.catalog().unwrap().get(b"OutputIntents") else { panic!("an output intent") };
        let intent = resolve(&archival, &intents[0]).as_dict().unwrap();
        assert_eq!(text_of(intent.get(b"OutputConditionIdentifier").unwrap()), "sRGB IEC61966-2.1");
        let Object::Stream(profile) = resolve(&archival, intent.get(b"DestOutputProfile").unwrap()) else { panic!("an ICC profile") };
        let icc = profile.decompressed_content().unwrap_or_else(|_| profile.content.clone());
        assert_eq!(&icc[36..40], b"acsp", "an ICC profile");
        assert_eq!(&icc[16..20], b"RGB ", "of an RGB colour space");
    }
}
