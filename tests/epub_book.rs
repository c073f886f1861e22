//! The EPUB of a book: a document per chapter and part, the contents nested to the
//! depth asked, notes per chapter linked both ways, labels in the book's language.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use quire::{build, BuildOptions, Edition};

const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

fn small_book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/small")
}

/// A copy of the small book in a folder of its own, with its book.toml in
/// `language`, `keys` added to its metadata and `tables` (`[notes]`…) after them.
fn small_book_with(name: &str, language: &str, keys: &str, tables: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-epub-book-{name}-{}", std::process::id())).join("small");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(small_book()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let toml = format!(
        "title = \"A Small Book\"\nauthor = \"A. Writer\"\nlanguage = \"{language}\"\n{keys}\n\
chapters = [{{ file = \"00-preface.md\", numbered = false }}]\n{tables}\n\
[[parts]]\ntitle = \"Beginnings\"\nchapters = [\"01-one.md\", \"02-two.md\"]\n"
    );
    std::fs::write(dir.join("book.toml"), toml).unwrap();
    dir
}

/// The book's EPUB, built into a temporary folder: its XHTML, OPF and NCX files by name.
fn epub_of(book: &Path, name: &str) -> HashMap<String, String> {
    let out = std::env::temp_dir().join(format!("quire-epub-book-out-{name}-{}", std::process::id()));
    let options = BuildOptions { manuscript: book.to_path_buf(), out_dir: out.clone(), editions: vec![Edition::Epub], resources: None, style: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = build(&options).unwrap_or_else(|e| panic!("{e}"));
    let epub = report.written.iter().find(|p| p.extension().is_some_and(|e| e == "epub")).expect("an EPUB");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut files = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().trim_start_matches("OEBPS/").to_owned();
        if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            files.insert(name, text);
        }
    }
    std::fs::remove_dir_all(out).unwrap();
    files
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(text, options).expect("well-formed XML")
}

/// The spine's documents, in reading order.
fn spine(files: &HashMap<String, String>) -> Vec<String> {
    let opf = parse(&files["content.opf"]);
    let hrefs: HashMap<&str, &str> = opf.descendants().filter(|n| n.has_tag_name("item")).map(|n| (n.attribute("id").unwrap(), n.attribute("href").unwrap())).collect();
    opf.descendants().filter(|n| n.has_tag_name("itemref")).map(|n| hrefs[n.attribute("idref").unwrap()].to_owned()).collect()
}

/// Every `file#id` the documents define.
fn anchors(files: &HashMap<String, String>) -> HashSet<String> {
    let mut all = HashSet::new();
    for (name, text) in files.iter().filter(|(n, _)| n.ends_with(".xhtml")) {
        all.insert(name.clone());
        for node in parse(text).descendants() {
            if let Some(id) = node.attribute("id") {
                all.insert(format!("{name}#{id}"));
            }
        }
    }
    all
}

/// The toc nav as nested (title, href, children).
#[derive(Debug)]
struct TocEntry {
    title: String,
    href: String,
    children: Vec<TocEntry>,
}

fn toc(files: &HashMap<String, String>) -> Vec<TocEntry> {
    let nav = parse(&files["nav.xhtml"]);
    let toc = nav.descendants().find(|n| n.has_tag_name("nav") && n.attribute((EPUB_NS, "type")) == Some("toc")).expect("a toc nav");
    let list = toc.children().find(|n| n.has_tag_name("ol")).expect("the toc's list");
    entries(list)
}

fn entries(list: roxmltree::Node) -> Vec<TocEntry> {
    list.children()
        .filter(|n| n.has_tag_name("li"))
        .map(|li| {
            let a = li.children().find(|n| n.has_tag_name("a")).expect("an entry is a link");
            let children = li.children().find(|n| n.has_tag_name("ol")).map(entries).unwrap_or_default();
            TocEntry { title: a.text().unwrap_or("").to_owned(), href: a.attribute("href").unwrap().to_owned(), children }
        })
        .collect()
}

fn depth(entries: &[TocEntry]) -> usize {
    entries.iter().map(|e| 1 + depth(&e.children)).max().unwrap_or(0)
}

/// Every note reference and backlink resolves to an anchor that exists; returns (references, backlinks).
fn links_resolve(files: &HashMap<String, String>) -> (usize, usize) {
    let anchors = anchors(files);
    let (mut references, mut backlinks) = (0, 0);
    for name in spine(files) {
        let doc = parse(&files[&name]);
        for a in doc.descendants().filter(|n| n.has_tag_name("a")) {
            let Some(href) = a.attribute("href") else { continue };
            let types = a.attribute((EPUB_NS, "type")).unwrap_or("");
            if types == "noteref" {
                references += 1;
            } else if types == "backlink" {
                backlinks += 1;
            }
            if !href.starts_with("http") && !href.starts_with("mailto:") {
                assert!(anchors.contains(href), "{name}: {href} leads nowhere");
            }
        }
    }
    (references, backlinks)
}

#[test]
fn a_book_has_a_document_per_part_and_chapter_in_reading_order() {
    let files = epub_of(&small_book(), "order");
    assert_eq!(
        spine(&files),
        ["cover.xhtml", "titlepage.xhtml", "copyright.xhtml", "chapter-1.xhtml", "part-1.xhtml", "chapter-2.xhtml", "chapter-3.xhtml", "endnotes.xhtml"]
    );
    let one = &files["chapter-2.xhtml"];
    assert!(one.contains("<span class=\"chapter-number\">Chapter 1</span> The first chapter</h1>"), "{one}");
    assert!(one.contains("It began") && !one.contains("It went on"), "each chapter only its own text: {one}");
    assert!(files["part-1.xhtml"].contains("<span class=\"part-number\">Part 1</span> Beginnings</h1>"));
    // The preface is unnumbered.
    assert!(!files["chapter-1.xhtml"].contains("chapter-number"));
    // The cover is the picture and its description only.
    let cover = parse(&files["cover.xhtml"]);
    let body = cover.descendants().find(|n| n.has_tag_name("body")).unwrap();
    let text: String = body.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    assert_eq!(text.trim(), "", "no text in the cover document");
    let alts: Vec<&str> = cover.descendants().filter(|n| n.tag_name().name() == "img").filter_map(|n| n.attribute("alt")).collect();
    assert_eq!(alts, ["Cover: A Small Book, A.\u{a0}Writer"]);
}

#[test]
fn the_contents_nest_parts_chapters_and_sections_and_leave_out_the_cover() {
    let files = epub_of(&small_book(), "toc");
    let toc = toc(&files);
    let titles: Vec<&str> = toc.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Title page", "Preface", "Beginnings", "Notes"], "{toc:?}");
    assert!(toc.iter().all(|e| !e.href.starts_with("cover.xhtml")), "the cover is not in the contents: {toc:?}");
    let part = &toc[2];
    assert_eq!(part.href, "part-1.xhtml");
    let chapters: Vec<(&str, &str)> = part.children.iter().map(|e| (e.title.as_str(), e.href.as_str())).collect();
    assert_eq!(chapters, [("The first chapter", "chapter-2.xhtml"), ("The second chapter", "chapter-3.xhtml")]);
    let sections: Vec<&str> = part.children[0].children.iter().map(|e| e.href.as_str()).collect();
    assert_eq!(sections.len(), 1, "{sections:?}");
    assert!(sections[0].starts_with("chapter-2.xhtml#sec-"), "{sections:?}");
    // The default depth, 2: chapters and their sections, below the part.
    assert_eq!(depth(&toc), 3);
    // The NCX lists the same, nested alike.
    let ncx = parse(&files["toc.ncx"]);
    let points: Vec<_> = ncx.descendants().filter(|n| n.has_tag_name("navPoint")).collect();
    assert_eq!(points.len(), 1 + 1 + 1 + 2 + 1 + 1, "title page, preface, part, two chapters, a section, notes");
    assert!(ncx.descendants().all(|n| n.attribute("src").is_none_or(|s| !s.starts_with("cover"))));
    // Landmarks as before, but for the cover: calibre drops cover.xhtml, and a landmark to it would be a dead link.
    let nav = parse(&files["nav.xhtml"]);
    let landmarks = nav.descendants().find(|n| n.attribute((EPUB_NS, "type")) == Some("landmarks")).expect("landmarks");
    let kinds: Vec<&str> = landmarks.descendants().filter_map(|n| n.attribute((EPUB_NS, "type"))).collect();
    assert_eq!(kinds, ["landmarks", "titlepage", "copyright-page", "bodymatter", "endnotes"]);
}

#[test]
fn toc_depth_1_lists_parts_and_chapters_only() {
    let book = small_book_with("depth", "en", "toc_depth = 1", "");
    let files = epub_of(&book, "depth");
    let toc = toc(&files);
    assert_eq!(depth(&toc), 2, "parts over chapters, no sections: {toc:?}");
    assert!(toc[2].children.iter().all(|c| c.children.is_empty()));
    std::fs::remove_dir_all(book.parent().unwrap()).unwrap();
}

#[test]
fn notes_at_the_end_of_the_book_are_grouped_by_chapter_and_linked_both_ways() {
    let files = epub_of(&small_book(), "notes");
    assert_eq!(links_resolve(&files), (5, 5));
    let notes = parse(&files["endnotes.xhtml"]);
    let groups: Vec<_> = notes.descendants().filter(|n| n.has_tag_name("section") && n.attribute("id").is_some_and(|id| id.starts_with("notes-"))).collect();
    let headings: Vec<String> = groups.iter().map(|g| g.descendants().find(|n| n.has_tag_name("h2")).unwrap().text().unwrap().to_owned()).collect();
    assert_eq!(headings, ["Preface", "The first chapter", "The second chapter"]);
    // Numbered by their marks: each chapter's list from 1, anchors through the book.
    for group in &groups {
        let list = group.children().find(|n| n.has_tag_name("ol")).unwrap();
        assert_eq!(list.attribute("start"), None, "each chapter's notes from 1");
    }
    let items: Vec<_> = groups[2].descendants().filter(|n| n.has_tag_name("li")).collect();
    assert_eq!(items.iter().map(|n| n.attribute("id").unwrap()).collect::<Vec<_>>(), ["note-4", "note-5"]);
    // Each note is marked as one, on the element the reference leads to.
    assert!(items.iter().all(|li| li.attribute((EPUB_NS, "type")) == Some("footnote")));
    // Each chapter's notes are a notes section of their own, so each list counts from 1.
    assert!(groups.iter().all(|g| g.attribute("role") == Some("doc-endnotes") && g.attribute((EPUB_NS, "type")) == Some("endnotes")));
    // The references are in the chapters' own files, the backlinks go there.
    let two = &files["chapter-3.xhtml"];
    assert!(two.contains("href=\"endnotes.xhtml#note-4\""), "{two}");
    let back = items[0].descendants().find(|n| n.attribute("role") == Some("doc-backlink")).unwrap();
    assert_eq!(back.attribute("href"), Some("chapter-3.xhtml#noteref-4"));
    assert_eq!(back.attribute("aria-label"), Some("Back to note reference 1"));
}

#[test]
fn notes_at_each_chapter_s_end_stay_in_the_chapter_s_document() {
    let book = small_book_with("chapter-notes", "en", "", "[notes]\nplacement = \"chapter\"");
    let files = epub_of(&book, "chapter-notes");
    assert!(!files.contains_key("endnotes.xhtml"), "no notes document");
    assert_eq!(links_resolve(&files), (5, 5));
    let one = &files["chapter-2.xhtml"];
    assert!(one.contains("href=\"chapter-2.xhtml#note-2\""), "{one}");
    let doc = parse(one);
    let notes = doc.descendants().find(|n| n.attribute("role") == Some("doc-endnotes")).expect("the chapter's notes");
    let items: Vec<_> = notes.descendants().filter(|n| n.has_tag_name("li")).map(|n| n.attribute("id").unwrap()).collect();
    assert_eq!(items, ["note-2", "note-3"]);
    let toc = toc(&files);
    assert!(toc.iter().all(|e| e.title != "Notes"), "{toc:?}");
    std::fs::remove_dir_all(book.parent().unwrap()).unwrap();
}

#[test]
fn a_french_book_speaks_french_around_its_text() {
    let book = small_book_with("fr", "fr", "dedication = \"À ceux qui lisent.\"\nepigraph = \"Lire, c’est voyager.\"\nepigraph_source = \"Anonyme\"", "");
    let files = epub_of(&book, "fr");
    let toc = toc(&files);
    let titles: Vec<&str> = toc.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Page de titre", "Preface", "Beginnings", "Notes"]);
    let nav = &files["nav.xhtml"];
    for french in ["<h1 id=\"toc-title\">Table des matières</h1>", "aria-label=\"Repères\"", ">Début du texte</a>"] {
        assert!(nav.contains(french), "{french} in {nav}");
    }
    assert!(files["chapter-2.xhtml"].contains("<span class=\"chapter-number\">Chapitre 1</span>"));
    assert!(files["part-1.xhtml"].contains("<span class=\"part-number\">Partie 1</span>"));
    assert!(files["cover.xhtml"].contains("alt=\"Couverture: A Small Book, A.\u{a0}Writer\""));
    assert!(files["endnotes.xhtml"].contains("aria-label=\"Retour à l’appel de note 1\""));
    assert!(files["copyright.xhtml"].contains("Composé avec quire"));
    assert!(files["dedication.xhtml"].contains("<p>À ceux qui lisent.</p>"));
    assert!(files["epigraph.xhtml"].contains("Lire, c’est voyager.") && files["epigraph.xhtml"].contains("— Anonyme"));
    // The package's guide names the places in French too.
    assert!(files["content.opf"].contains("<reference type=\"toc\" title=\"Table des matières\""));
    assert!(files["content.opf"].contains("<reference type=\"cover\" title=\"Couverture\""));
    let spine = spine(&files);
    assert_eq!(&spine[..5], ["cover.xhtml", "titlepage.xhtml", "copyright.xhtml", "dedication.xhtml", "epigraph.xhtml"]);
    for english in ["Contents", "Landmarks", "Back to", "Title page", ">Cover<", "Chapter ", "Part ", "Typeset with"] {
        for (name, text) in files.iter().filter(|(n, _)| !n.ends_with(".opf")) {
            assert!(!text.contains(english), "{english} in the French {name}");
        }
    }
    std::fs::remove_dir_all(book.parent().unwrap()).unwrap();
}

#[test]
fn a_link_to_a_heading_or_chapter_in_another_chapter_leads_into_its_document() {
    let book = small_book_with("links", "en", "", "");
    let two = std::fs::read_to_string(book.join("02-two.md")).unwrap();
    let two = two.replace("It went on[^1]", "It went on[^1] from [the section](#sec-a-section-of-the-first) of [the first](01-one.md)");
    std::fs::write(book.join("02-two.md"), two).unwrap();
    let files = epub_of(&book, "links");
    let chapter = &files["chapter-3.xhtml"];
    assert!(chapter.contains("<a href=\"chapter-2.xhtml#sec-a-section-of-the-first\">the section</a>"), "{chapter}");
    assert!(chapter.contains("<a href=\"chapter-2.xhtml#chapter-2\">the first</a>"), "{chapter}");
    links_resolve(&files);
    std::fs::remove_dir_all(book.parent().unwrap()).unwrap();
}

#[test]
fn the_french_twelve_chapter_book_has_a_document_per_chapter_and_french_labels() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/douze");
    let files = epub_of(&book, "douze");
    let spine = spine(&files);
    let chapters: Vec<&String> = spine.iter().filter(|f| f.starts_with("chapter-")).collect();
    assert_eq!(chapters.len(), 13, "the preface and twelve chapters: {spine:?}");
    assert_eq!(spine.iter().filter(|f| f.starts_with("part-")).count(), 2);
    assert!(files["chapter-2.xhtml"].contains("<span class=\"chapter-number\">Chapitre 1</span> Avant la presse</h1>"));
    assert!(files["part-2.xhtml"].contains("<span class=\"part-number\">Partie 2</span>"));
    assert!(files["nav.xhtml"].contains("<h1 id=\"toc-title\">Table des matières</h1>"));
    let toc = toc(&files);
    assert_eq!(toc.iter().map(|e| e.title.as_str()).collect::<Vec<_>>()[..2], ["Page de titre", "Préface"]);
    assert_eq!(toc[2].children.len(), 6, "six chapters in the first part");
    // Notes per chapter, every reference and backlink resolves.
    let (references, backlinks) = links_resolve(&files);
    assert!(references > 12 && backlinks == references, "{references} references, {backlinks} backlinks");
    assert!(files["endnotes.xhtml"].contains("aria-label=\"Retour à l’appel de note 1\""));
    assert!(files["copyright.xhtml"].contains("Première édition, 2026") && files["copyright.xhtml"].contains("Composé avec quire"));
}
