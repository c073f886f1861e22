//! The print edition's page numbers in the EPUB: a page-break marker before
//! the words each page of the reader PDF begins with, a page-list leading to
//! them, and the metadata that says which edition they are from. Each
//! marker is checked against the PDF's own text, read back with `pdftotext`.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use quire::{build, BuildOptions, Edition};

const EPUB_NS: &str = "http://www.idpf.org/2007/ops";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn built(manuscript: &Path, name: &str, editions: Vec<Edition>) -> PathBuf {
    let out = std::env::temp_dir().join(format!("quire-page-list-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let options = BuildOptions { manuscript: manuscript.to_path_buf(), out_dir: out.clone(), editions, resources: None, style: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    build(&options).unwrap_or_else(|e| panic!("{e}"));
    out
}

fn the(out: &Path, extension: &str) -> PathBuf {
    std::fs::read_dir(out).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == extension)).unwrap_or_else(|| panic!("a .{extension} in {}", out.display()))
}

/// The EPUB's text files by name.
fn epub_files(epub: &Path) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut files = HashMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().trim_start_matches("OEBPS/").to_owned();
        if name.ends_with(".xhtml") || name.ends_with(".opf") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            files.insert(name, text);
        }
    }
    files
}

fn parse(xhtml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(xhtml, options).expect("well-formed XHTML")
}

/// The page-list's entries: (label, file, id).
fn page_list(files: &HashMap<String, String>) -> Vec<(String, String, String)> {
    let nav = parse(&files["nav.xhtml"]);
    let list = nav.descendants().find(|n| n.attribute((EPUB_NS, "type")) == Some("page-list")).expect("a page-list nav");
    list.descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|a| {
            let (file, id) = a.attribute("href").unwrap().split_once('#').unwrap();
            (a.text().unwrap().to_owned(), file.to_owned(), id.to_owned())
        })
        .collect()
}

/// A word as both editions can be compared: its letters and digits, in lower case.
fn clean(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A document's words in reading order, and before which word each page-break marker stands (by its id).
fn words_and_marks(xhtml: &str) -> (Vec<String>, HashMap<String, usize>) {
    let document = parse(xhtml);
    let mut text = String::new();
    let mut marks = HashMap::new();
    let inline = ["a", "sup", "sub", "em", "strong", "span", "code", "del", "i", "b"];
    fn walk(node: roxmltree::Node, text: &mut String, marks: &mut HashMap<String, usize>, inline: &[&str]) {
        for child in node.children() {
            if child.is_text() {
                text.push_str(child.text().unwrap());
            } else if child.is_element() {
                if child.attribute((EPUB_NS, "type")) == Some("pagebreak") {
                    // Before the next word: the words so far, counted as they will be.
                    text.push(' ');
                    marks.insert(child.attribute("id").unwrap().to_owned(), text.split_whitespace().count());
                    continue;
                }
                let block = !inline.contains(&child.tag_name().name());
                if block {
                    text.push(' ');
                }
                walk(child, text, marks, inline);
                if block {
                    text.push(' ');
                }
            }
        }
    }
    let body = document.descendants().find(|n| n.has_tag_name("body")).expect("a body");
    walk(body, &mut text, &mut marks, &inline);
    (text.split_whitespace().map(clean).collect(), marks)
}

/// Whether `words` occur in `text` in this order, each after the one before.
fn in_order(text: &str, words: &[String]) -> bool {
    let mut rest = text;
    words.iter().all(|word| match rest.find(word.as_str()) {
        Some(at) => {
            rest = &rest[at + word.len()..];
            true
        }
        None => false,
    })
}

/// Page `n`'s text (from 1) as the PDF gives it, its words run together.
fn pdf_page(pdf: &Path, n: usize) -> String {
    let out = std::process::Command::new("pdftotext").args(["-f", &n.to_string(), "-l", &n.to_string()]).arg(pdf).arg("-").output().expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).split_whitespace().map(clean).collect()
}

/// Checks that every page of the PDF from its first page with the book's
/// text is in the page-list, and that each marker stands where its page begins:
/// the words after it open that page (the first may have begun on the page
/// before, hyphenated), the words before it close the pages before.
fn pages_are_where_the_pdf_has_them(pdf: &Path, epub: &Path, first_label_index: usize) -> usize {
    let files = epub_files(epub);
    let entries = page_list(&files);
    assert!(!entries.is_empty(), "the EPUB has a page-list");
    let pages = pdftotext_page_count(pdf);
    let labels: Vec<&str> = entries.iter().map(|(label, ..)| label.as_str()).collect();
    let body: Vec<String> = (1..=labels.len()).map(|n| n.to_string()).collect();
    assert_eq!(labels, body, "the page-list runs 1, 2, 3… through the body's pages");
    assert!(labels.len() + first_label_index <= pages && labels.len() + first_label_index + 1 >= pages, "{} entries for a PDF of {pages} pages", labels.len());
    let mut documents = HashMap::new();
    let mut checked = 0;
    for (label, file, id) in &entries {
        let (words, marks) = documents.entry(file.clone()).or_insert_with(|| words_and_marks(&files[file]));
        let Some(&at) = marks.get(id) else { panic!("page {label}'s marker #{id} is in {file}") };
        let page = first_label_index + label.parse::<usize>().unwrap();
        if *id != format!("page-{label}") {
            // A page without a marker of its own leads to the next page's: only a blank page may.
            assert_eq!(pdf_page(pdf, page), "", "page {label} leads to #{id} but has text");
            continue;
        }
        checked += 1;
        let first_in_document = marks.values().all(|&other| other >= at);
        let after: String = words[at..].iter().skip(1).take(3).cloned().collect();
        let this_page = pdf_page(pdf, page);
        let Some(opening) = this_page.find(&after) else {
            panic!("page {label} (PDF page {page}) begins with {:?}: its text is {this_page:?}", &words[at..(at + 4).min(words.len())])
        };
        // Before them on the page, at most its running head and a heading the
        // EPUB has elsewhere (a notes page's chapter heading).
        // (The first page of a document may begin with its title block, which is not the book's text.)
        // The marker's own first word, which the words looked for skip, stands
        // before them too: a whole line where the page begins in a code block.
        let first_word = words.get(at).map_or(0, |word| word.len());
        assert!(opening <= HEAD_AND_HEADING + first_word || first_in_document, "page {label}'s marker is {opening} letters into the page: {this_page:?}");
        if at >= OPENING_WORDS {
            let pages_before = format!("{}{}{}", pdf_page(pdf, page.saturating_sub(2).max(1)), pdf_page(pdf, page - 1), &this_page[..opening]);
            // In order, though not always side by side: a table's cell of two
            // lines comes out of pdftotext interleaved with the next cell's.
            assert!(in_order(&pages_before, &words[at - 3..at]), "page {label}'s marker follows {:?}, which end the page before", &words[at - 3..at]);
        }
    }
    checked
}

/// Where the page labels of the PDF start counting from 1: the front matter's length.
fn front_matter_pages(pdf: &Path) -> usize {
    let document = lopdf::Document::load(pdf).unwrap();
    let catalog = document.catalog().unwrap();
    let labels = catalog.get(b"PageLabels").and_then(|o| document.dereference(o)).unwrap().1.as_dict().unwrap();
    let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
    nums[2].as_i64().unwrap() as usize
}

/// How many letters a page may have above its first words: a running head and a heading.
const HEAD_AND_HEADING: usize = 80;

/// How many words open an EPUB document: a chapter's or part's label and title.
const OPENING_WORDS: usize = 8;

fn pdftotext_page_count(pdf: &Path) -> usize {
    let out = std::process::Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

#[test]
fn each_page_of_a_book_s_reader_pdf_is_marked_in_its_epub_where_the_page_begins() {
    let out = built(&root().join("tests/books/twelve"), "twelve", vec![Edition::Epub, Edition::Pdf]);
    let (pdf, epub) = (the(&out, "pdf"), the(&out, "epub"));
    // The book's front matter is folioed in roman numerals, its body from 1, as the PDF's page labels say.
    let front_matter = front_matter_pages(&pdf);
    assert!(front_matter >= 4, "{front_matter} pages of front matter");
    let checked = pages_are_where_the_pdf_has_them(&pdf, &epub, front_matter);
    assert!(checked > 40, "only {checked} pages checked");
    let opf = epub_files(&epub).remove("content.opf").unwrap();
    assert!(opf.contains("<dc:source id=\"pagination-source\">") && opf.contains("property=\"source-of\">pagination<"), "the package names the print edition as the pages' source");
    assert!(opf.contains("printPageNumbers"), "and says it carries its page numbers");
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn the_article_s_pages_are_marked_in_its_epub_and_an_epub_built_alone_has_the_same() {
    let out = built(&root().join("manuscript"), "article", vec![Edition::Epub, Edition::Pdf]);
    let (pdf, epub) = (the(&out, "pdf"), the(&out, "epub"));
    let checked = pages_are_where_the_pdf_has_them(&pdf, &epub, 0);
    assert!(checked >= 5, "only {checked} pages checked");
    // Without the PDF, the EPUB paginates as the PDF would have.
    let alone = built(&root().join("manuscript"), "article-alone", vec![Edition::Epub]);
    assert_eq!(page_list(&epub_files(&the(&alone, "epub"))), page_list(&epub_files(&epub)));
    std::fs::remove_dir_all(out).unwrap();
    std::fs::remove_dir_all(alone).unwrap();
}

/// Real documents, with code, tables, lists, quotes and pictures, in four languages.
#[test]
fn real_documents_pages_are_marked_where_their_pdf_pages_begin() {
    let documents = root().join("tests/documents");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&documents).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "md")).collect();
    names.sort();
    assert!(names.len() >= 6);
    for document in names {
        let name = document.file_stem().unwrap().to_string_lossy().into_owned();
        let out = built(&document, &name, vec![Edition::Epub, Edition::Pdf]);
        let checked = pages_are_where_the_pdf_has_them(&the(&out, "pdf"), &the(&out, "epub"), 0);
        assert!(checked >= 2, "{name}: only {checked} pages checked");
        std::fs::remove_dir_all(out).unwrap();
    }
}
