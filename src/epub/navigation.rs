//! The navigation document (`nav.xhtml`) and the NCX for older readers, written
//! from the book's structure: parts, chapters and their sections nested to the
//! depth the book asks, and the landmarks.
//!
//! Depth counts chapters as level 1 and their sections as level 2 (subheadings
//! with an id are level 3 and beyond); a part is not a level of its own, since it
//! only groups chapters: `toc_depth = 1` lists parts and chapters. An article's
//! one document stands where a chapter would.

use std::fmt::Write;

use super::files::{chapter_file, Files, NOTES_FILE};
use super::package::escape;
use super::text::chapter_title;
use crate::model::{plain_text, Block, Book, Matter, Section};

/// The contents' depth unless the book says (`toc_depth`): chapters and their sections.
const DEFAULT_DEPTH: u8 = 2;

/// An entry of the contents, with the entries under it.
pub struct Entry {
    pub href: String,
    pub title: String,
    pub children: Vec<Entry>,
}

impl Entry {
    fn new(href: String, title: String) -> Entry {
        Entry { href, title, children: Vec::new() }
    }
}

/// A landmark: where a reading system's "go to" menu leads.
pub struct Landmark {
    /// Its `epub:type`: cover, titlepage, toc, bodymatter, endnotes, copyright-page.
    pub kind: &'static str,
    pub href: String,
    pub title: String,
}

/// What the navigation documents list.
pub struct Navigation {
    /// Front-matter pages listed before the text (the title page; never the cover,
    /// which calibre drops from Kindle files, leaving a dead entry).
    pub front: Vec<Entry>,
    /// Entries after the text: the notes document, the back matter.
    pub back: Vec<Entry>,
    pub landmarks: Vec<Landmark>,
}

/// The contents of the book's text: parts holding their chapters, chapters holding
/// their sections, to the book's depth.
pub fn text_entries(book: &Book, files: &Files) -> Vec<Entry> {
    let depth = book.metadata.toc_depth.unwrap_or(DEFAULT_DEPTH).max(1);
    let mut entries: Vec<Entry> = Vec::new();
    let mut part = None;
    for (index, chapter) in book.chapters.iter().enumerate() {
        let file = chapter_file(book, index);
        let title = if book.has_chapters() { chapter_title(book, index) } else { book.metadata.title.clone() };
        let mut entry = Entry::new(file.clone(), title);
        if depth >= 2 {
            entry.children = section_entries(&chapter.sections, &file, depth);
        }
        let in_part = chapter.part.and_then(|p| book.parts.get(p));
        match in_part {
            Some(_) if chapter.part == part => entries.last_mut().expect("the part's entry came first").children.push(entry),
            Some(p) => {
                let mut part_entry = Entry::new(files.of_anchor(&p.id).unwrap_or_default().to_owned(), plain_text(&p.title));
                part_entry.children.push(entry);
                entries.push(part_entry);
            }
            None => entries.push(entry),
        }
        part = chapter.part;
    }
    entries
}

/// A chapter's listed sections (level 2), each with its listed subheadings that
/// have an id (level 3 for `level` 2, and so on), to `depth`.
fn section_entries(sections: &[Section], file: &str, depth: u8) -> Vec<Entry> {
    let mut levels: Vec<(u8, Entry)> = Vec::new();
    for section in sections.iter().filter(|s| s.matter == Matter::Body && s.listed) {
        let Some(heading) = &section.heading else { continue };
        levels.push((2, Entry::new(format!("{file}#{}", section.id), plain_text(heading))));
        for block in &section.blocks {
            if let Block::Subheading { level, content, id: Some(id), listed: true } = block {
                if *level < depth {
                    levels.push((level + 1, Entry::new(format!("{file}#{id}"), plain_text(content))));
                }
            }
        }
    }
    nest(levels)
}

/// Entries in reading order with their levels, each put under the last entry
/// before it of a lower level.
fn nest(levels: Vec<(u8, Entry)>) -> Vec<Entry> {
    // From the end: an entry takes as children the entries after it of a higher
    // level, which the stack holds with the nearest on top.
    let mut after: Vec<(u8, Entry)> = Vec::new();
    for (level, mut entry) in levels.into_iter().rev() {
        while let Some((_, child)) = after.pop_if(|(l, _)| *l > level) {
            entry.children.push(child);
        }
        after.push((level, entry));
    }
    std::iter::from_fn(|| after.pop()).map(|(_, e)| e).collect()
}

/// The back matter's entries: each section that is back matter, listed.
pub fn back_matter_entries(book: &Book) -> Vec<Entry> {
    book.sections()
        .filter(|s| s.matter == Matter::Back && s.listed)
        .map(|s| Entry::new(super::files::back_matter_file(s), s.heading.as_deref().map(plain_text).unwrap_or_default()))
        .collect()
}

/// The notes document's entry: its chapters' groups are not listed.
pub fn notes_entry(book: &Book) -> Entry {
    Entry::new(NOTES_FILE.to_owned(), book.metadata.labels.notes.clone())
}

/// `nav.xhtml`: the contents, then the landmarks (hidden: reading systems show them in their menus).
pub fn nav_document(book: &Book, text: &[Entry], navigation: &Navigation, pages: &[(String, String)]) -> String {
    let m = &book.metadata;
    let lang = escape(&m.language);
    let contents = escape(&m.labels.contents);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"generator\" content=\"quire {}\"/>\n<title>{contents}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n\
<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">{contents}</h1>\n",
        env!("CARGO_PKG_VERSION")
    );
    let all: Vec<&Entry> = navigation.front.iter().chain(text).chain(&navigation.back).collect();
    nav_list(&all, 0, &mut out);
    out.push_str("</nav>\n");
    out.push_str(&super::page_list::page_list_nav(book, pages));
    let _ = writeln!(out, "<nav epub:type=\"landmarks\" aria-label=\"{}\" hidden=\"hidden\">\n<ol>", escape(&m.labels.landmarks));
    for landmark in &navigation.landmarks {
        let _ = writeln!(out, "<li><a epub:type=\"{}\" href=\"{}\">{}</a></li>", landmark.kind, escape(&landmark.href), escape(&landmark.title));
    }
    out.push_str("</ol>\n</nav>\n</body>\n</html>\n");
    out
}

fn nav_list(entries: &[&Entry], indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    let _ = writeln!(out, "{pad}<ol>");
    for entry in entries {
        let _ = write!(out, "{pad}  <li><a href=\"{}\">{}</a>", escape(&entry.href), escape(&entry.title));
        if !entry.children.is_empty() {
            out.push('\n');
            nav_list(&entry.children.iter().collect::<Vec<_>>(), indent + 2, out);
            out.push_str(&pad);
            out.push_str("  ");
        }
        out.push_str("</li>\n");
    }
    let _ = writeln!(out, "{pad}</ol>");
}

/// `toc.ncx`, for EPUB 2 reading systems: the same contents as the nav.
pub fn ncx_document(book: &Book, identifier: &str, text: &[Entry], navigation: &Navigation) -> String {
    let all: Vec<&Entry> = navigation.front.iter().chain(text).chain(&navigation.back).collect();
    let depth = all.iter().map(|e| entry_depth(e)).max().unwrap_or(1);
    let mut points = String::new();
    let mut order = 0;
    for entry in all {
        nav_point(entry, 2, &mut order, &mut points);
    }
    // No pageList: the print pages are in the nav's page-list, which EPUB 3 readers use.
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ncx version=\"2005-1\" xmlns=\"http://www.daisy.org/z3986/2005/ncx/\">\n  <head>\n\
    <meta name=\"dtb:uid\" content=\"{}\" />\n    <meta name=\"dtb:depth\" content=\"{depth}\" />\n\
    <meta name=\"dtb:totalPageCount\" content=\"0\" />\n    <meta name=\"dtb:maxPageNumber\" content=\"0\" />\n  </head>\n\
  <docTitle>\n    <text>{}</text>\n  </docTitle>\n  <navMap>\n{points}  </navMap>\n</ncx>\n",
        escape(identifier),
        escape(&book.metadata.title)
    )
}

fn entry_depth(entry: &Entry) -> usize {
    1 + entry.children.iter().map(entry_depth).max().unwrap_or(0)
}

fn nav_point(entry: &Entry, indent: usize, order: &mut usize, out: &mut String) {
    *order += 1;
    let pad = "  ".repeat(indent);
    let _ = writeln!(
        out,
        "{pad}<navPoint id=\"navPoint-{order}\" playOrder=\"{order}\">\n{pad}  <navLabel><text>{}</text></navLabel>\n{pad}  <content src=\"{}\"/>",
        escape(&entry.title),
        escape(&entry.href)
    );
    for child in &entry.children {
        nav_point(child, indent + 1, order, out);
    }
    let _ = writeln!(out, "{pad}</navPoint>");
}
