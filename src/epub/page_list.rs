//! The print edition's page numbers in the EPUB: a page-break marker before
//! the word each printed page begins with, and the page-list that leads to
//! them, so that a reader on a phone can cite the page a student has in print.
//!
//! The typesetter says where each page begins as a word of a run of the
//! book's text (`model::print_pages`); the documents count the words of each
//! run as they write it, the way the typesetter counts them, and put the
//! page's marker before its word.

use std::fmt::Write;

use rustc_hash::FxHashMap;

use super::package::escape;
use crate::model::print_pages::{separates_words, PrintPages, RunKey, RunKeys};
use crate::model::walk::Run;
use crate::model::Book;

/// Where each printed page begins in this book's runs, and which document
/// each page's marker went into.
#[derive(Default)]
pub struct PageMarks {
    runs: RunKeys,
    /// For each run in which pages begin: (word, page index) in order.
    by_run: FxHashMap<u32, Vec<(usize, usize)>>,
    labels: Vec<String>,
    /// The document each page's marker was written into, by page index.
    placed: Vec<Option<String>>,
    /// The run being written, if pages begin in it.
    open: Option<OpenRun>,
    pub source: String,
}

/// The words of a run counted so far, and its markers still to write.
struct OpenRun {
    marks: Vec<(usize, usize)>,
    next: usize,
    words: usize,
    seen_word: bool,
    separated: bool,
}

impl PageMarks {
    /// The marks of `pages`, found in `book`'s runs. A page that begins in no
    /// run of this book (a blank page, a half-title, a note print added for a
    /// link's address) gets no marker of its own.
    pub fn new(book: &Book, pages: &PrintPages) -> PageMarks {
        let runs = RunKeys::of(book);
        let index: FxHashMap<&RunKey, u32> = runs.keys().iter().enumerate().map(|(i, key)| (key, i as u32)).collect();
        let mut by_run: FxHashMap<u32, Vec<(usize, usize)>> = FxHashMap::default();
        for (page, print) in pages.pages.iter().enumerate() {
            if let Some(at) = &print.starts_at {
                if let Some(&run) = index.get(&at.run) {
                    by_run.entry(run).or_default().push((at.word, page));
                }
            }
        }
        drop(index);
        for marks in by_run.values_mut() {
            marks.sort_unstable();
        }
        PageMarks {
            runs,
            by_run,
            labels: pages.pages.iter().map(|p| p.label.clone()).collect(),
            placed: vec![None; pages.pages.len()],
            open: None,
            source: pages.source.clone(),
        }
    }

    /// Starts writing `run`: true if pages begin in it, and it must be [`PageMarks::close`]d.
    pub fn open(&mut self, run: Run<'_>) -> bool {
        if self.open.is_some() || self.by_run.is_empty() {
            return false;
        }
        let Some(marks) = self.runs.find(run).and_then(|r| self.by_run.get(&r)) else { return false };
        self.open = Some(OpenRun { marks: marks.clone(), next: 0, words: 0, seen_word: false, separated: false });
        true
    }

    /// Writes the markers of the pages that begin with `run`'s first word
    /// here, before it: they are not written again with the run.
    pub fn before(&mut self, run: Run<'_>, file: &str, out: &mut String) {
        let Some(index) = self.runs.find(run) else { return };
        let Some(marks) = self.by_run.get_mut(&index) else { return };
        let opening: Vec<usize> = marks.iter().take_while(|(word, _)| *word == 0).map(|&(_, page)| page).collect();
        marks.drain(..opening.len());
        for page in opening {
            self.mark(page, file, out);
        }
    }

    /// Ends the run being written into `file`: markers past its last word go at its end.
    pub fn close(&mut self, file: &str, out: &mut String) {
        if let Some(mut run) = self.open.take() {
            while run.next < run.marks.len() {
                let page = run.marks[run.next].1;
                run.next += 1;
                self.mark(page, file, out);
            }
        }
    }

    /// Writes `text` of the run being written, with the markers of the pages
    /// that begin in it; outside such a run, only the text.
    pub fn text(&mut self, text: &str, file: &str, out: &mut String) {
        if self.open.is_none() {
            out.push_str(&escape(text));
            return;
        }
        let mut written = 0;
        for (at, c) in text.char_indices() {
            if separates_words(c) {
                self.separator();
                continue;
            }
            // The text so far goes out before a marker that is due at this word.
            if self.due() {
                out.push_str(&escape(&text[written..at]));
                written = at;
            }
            self.word(file, out);
        }
        out.push_str(&escape(&text[written..]));
    }

    /// Something that is part of a word without being text (a picture, a note
    /// reference): the typesetter counts it with the word it touches.
    pub fn word(&mut self, file: &str, out: &mut String) {
        let Some(run) = &mut self.open else { return };
        if run.separated {
            run.words += 1;
            run.separated = false;
        }
        run.seen_word = true;
        let mut due = Vec::new();
        while run.next < run.marks.len() && run.marks[run.next].0 <= run.words {
            due.push(run.marks[run.next].1);
            run.next += 1;
        }
        for page in due {
            self.mark(page, file, out);
        }
    }

    /// A line break, or a space between words.
    pub fn separator(&mut self) {
        if let Some(run) = &mut self.open {
            run.separated |= run.seen_word;
        }
    }

    /// Whether the next word to begin has a marker before it.
    fn due(&self) -> bool {
        self.open.as_ref().is_some_and(|run| {
            let words = run.words + usize::from(run.separated);
            run.next < run.marks.len() && run.marks[run.next].0 <= words
        })
    }

    fn mark(&mut self, page: usize, file: &str, out: &mut String) {
        let label = escape(&self.labels[page]);
        let _ = write!(out, "<span id=\"page-{label}\" epub:type=\"pagebreak\" role=\"doc-pagebreak\" aria-label=\"{label}\"></span>");
        self.placed[page] = Some(file.to_owned());
    }

    /// The page-list's entries, (label, href), in page order: from the first page
    /// with a marker, each page that has none (a blank page) leading to the next that has.
    pub fn entries(&self) -> Vec<(String, String)> {
        let Some(first) = self.placed.iter().position(Option::is_some) else { return Vec::new() };
        let mut entries = Vec::new();
        let mut waiting = Vec::new();
        for page in first..self.placed.len() {
            waiting.push(page);
            if let Some(file) = &self.placed[page] {
                let href = format!("{file}#page-{}", self.labels[page]);
                entries.extend(waiting.drain(..).map(|p| (self.labels[p].clone(), href.clone())));
            }
        }
        entries
    }
}

/// The page-list nav: hidden, as reading systems show it in their own "go to page".
pub fn page_list_nav(book: &Book, entries: &[(String, String)]) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let mut out = format!("<nav epub:type=\"page-list\" role=\"doc-pagelist\" aria-label=\"{}\" hidden=\"hidden\">\n<ol>\n", escape(&book.metadata.labels.pages));
    for (label, href) in entries {
        let _ = writeln!(out, "<li><a href=\"{}\">{}</a></li>", escape(href), escape(label));
    }
    out.push_str("</ol>\n</nav>\n");
    out
}
