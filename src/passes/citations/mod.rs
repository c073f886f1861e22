//! The citations pass: pandoc's citations (`[@key, p. 12]`, `@key`) against the
//! bibliography the book names, set in its CSL style by hayagriva (typst's engine).
//!
//! In a notes style (Chicago's notes and bibliography, the default) each citation in
//! the text becomes a note of its own, numbered by the notes pass in one sequence with
//! the written notes; a citation inside a written note is set inside it. The engine
//! is given each citation's note number in reading order, so the first citation of a
//! work is the full note, later ones the short form, and a repeat of the note before
//! "Ibid.". In an author-date style the citation is set in the text. The works cited
//! become the bibliography, a back-matter section, each entry the target of its
//! citations' links.
//!
//! Two steps around the notes pass: [`prepare`] reads the bibliography, checks every
//! key and makes the notes; [`render`] sets the numbered citations and the bibliography.
//! Nothing is loaded for a book that cites nothing.

mod library;
mod render;

use std::collections::HashSet;
use std::path::Path;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::LocaleCode;
use hayagriva::{BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, LocatorPayload, SpecificLocator};

use crate::diagnostics::{edit_distance, Diagnostic};
use crate::model::labels::Labels;
use crate::model::{for_each_inlines_mut, BibliographyEntry, Block, Book, Citation, Inline, Matter, Note, NoteRef, Section};

pub use library::Sources as Bibliography;

use super::notes::Sources;

/// The label of a note made for a citation; no written label can hold the `@`-and-brackets.
fn note_label(n: usize) -> String {
    format!("@[{n}]")
}

/// The anchor of a work's bibliography entry: `bib-` and its key, made a name.
fn entry_id(key: &str) -> String {
    let name: String = key.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("bib-{name}")
}

/// Reads what the book cites and makes a note of each citation in the text (in a
/// notes style). `None` when the book cites nothing from a bibliography.
pub fn prepare(mut book: Book, sources: &Sources, named_in: Option<(&Path, &str)>) -> Result<(Book, Option<Bibliography>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let source = |chapter: usize| sources.get(chapter).copied().unwrap_or((Path::new(""), ""));
    let cites = has_citations(&mut book);
    let Some(bibliography) = book.metadata.bibliography.clone() else {
        if cites {
            // As typed, as before quire read citations: each bracketed one named.
            each_citation(&mut book, &mut |chapter, citation| {
                if !citation.in_text {
                    let (path, text) = source(chapter);
                    diagnostics.push(
                        Diagnostic::warning(path, Some(citation.at), "the manuscript names no bibliography: this citation is set as written")
                            .with_help("add `bibliography = \"sources.bib\"` to the front matter (or book.toml), or write the reference out")
                            .with_source(text),
                    );
                }
                vec![Inline::Text(citation.source.clone())]
            });
        }
        return Ok((book, None, diagnostics));
    };
    let (file, text) = named_in.unwrap_or_else(|| source(0));
    let folder = source(0).0.parent().unwrap_or(Path::new(""));
    let named = library::Named { file, text, folder };
    let bibliography = library::read(&named, &bibliography, book.metadata.csl.as_deref())?;

    // Every key known, or an error that names the nearest; `@word` in the text that is
    // no key stays as typed.
    let mut errors = Vec::new();
    let mut cited = HashSet::new();
    each_citation(&mut book, &mut |chapter, citation| {
        let (path, text) = source(chapter);
        for item in &citation.items {
            if bibliography.library.get(&item.key).is_some() {
                cited.insert(item.key.clone());
                continue;
            }
            let nearest = bibliography.library.keys().map(|k| (edit_distance(k, &item.key), k)).filter(|(d, k)| *d <= (k.len() / 3).max(2)).min();
            let help = match nearest {
                Some((_, key)) => format!("did you mean `@{key}`? Or add an entry `{}` to {}", item.key, bibliography.file.display()),
                None => format!("add an entry with the key `{}` to {}, or correct the key", item.key, bibliography.file.display()),
            };
            let message = format!("the bibliography has no entry `{}`", item.key);
            match citation.in_text {
                false => errors.push(Diagnostic::error(path, Some(item.at), message).with_help(help).with_source(text)),
                true => diagnostics.push(Diagnostic::warning(path, Some(item.at), format!("{message}: `@{}` is set as written", item.key)).with_help(help).with_source(text)),
            }
            return vec![Inline::Text(citation.source.clone())];
        }
        vec![Inline::Citation(citation.clone())]
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let lines = crate::diagnostics::LineIndex::new(&bibliography.text, 1);
    for entry in bibliography.library.iter().filter(|e| !cited.contains(e.key())) {
        let at = bibliography.text.find(&format!("{{{},", entry.key())).map(|o| o + 1).or_else(|| bibliography.text.find(&format!("{}:", entry.key()))).map(|o| lines.position(o));
        diagnostics.push(
            Diagnostic::warning(&bibliography.file, at, format!("the bibliography's entry `{}` is never cited and is left out of the bibliography", entry.key()))
                .with_help(format!("cite it where it belongs (`[@{}]`), or delete the entry", entry.key()))
                .with_source(&bibliography.text),
        );
    }
    if bibliography.is_notes_style() {
        make_notes(&mut book);
    }
    Ok((book, Some(bibliography), diagnostics))
}

/// Each citation in the text (not in a note) becomes a note holding it; an author named
/// in the text (`@key`) keeps its name there and has the note after it.
fn make_notes(book: &mut Book) {
    let mut notes = Vec::new();
    for (index, chapter) in book.chapters.iter_mut().enumerate() {
        for section in &mut chapter.sections {
            let mut visit = |inlines: &mut Vec<Inline>| {
                replace_citations(inlines, &mut |citation| {
                    let label = note_label(notes.len() + 1);
                    let note_citation = Citation { in_text: false, ..citation.clone() };
                    let blocks = vec![Block::Paragraph(vec![Inline::Citation(note_citation)])];
                    notes.push(Note { label: label.clone(), number: 0, mark: 0, chapter: index, blocks, references: 0, at: citation.at });
                    let reference = Inline::NoteRef(NoteRef { label, number: 0, mark: 0, occurrence: 0, at: citation.at });
                    match citation.in_text {
                        true => vec![Inline::Citation(citation.clone()), reference],
                        false => vec![reference],
                    }
                })
            };
            if let Some(heading) = &mut section.heading {
                visit(heading);
            }
            for_each_inlines_mut(&mut section.blocks, &mut visit);
        }
    }
    book.notes.extend(notes);
}

/// Sets every citation (the notes numbered) and adds the bibliography as back matter.
pub fn render(mut book: Book, bibliography: Bibliography) -> Book {
    let notes_style = bibliography.is_notes_style();
    let locale = Some(citation_locale(&book.metadata.language, &bibliography.locales));
    let library = &bibliography.library;
    let style = &bibliography.style;
    let locales = bibliography.locales.as_slice();

    // The citations in reading order: in a notes style, note by note (a citation in the
    // text is in its note now), the authors named in the text (`@key`) apart.
    let mut order: Vec<(Citation, Option<usize>)> = Vec::new();
    let mut names: Vec<Citation> = Vec::new();
    if notes_style {
        for_each_text_citation(&mut book, &mut |c| names.push(c.clone()));
        for note in &mut book.notes {
            let number = note.number;
            for_each_inlines_mut(&mut note.blocks, &mut |inlines| {
                visit_citations(inlines, &mut |c| match c.in_text {
                    true => names.push(c.clone()),
                    false => order.push((c.clone(), Some(number))),
                })
            });
        }
    } else {
        for_each_text_citation(&mut book, &mut |c| order.push((c.clone(), None)));
        for note in &mut book.notes {
            for_each_inlines_mut(&mut note.blocks, &mut |inlines| visit_citations(inlines, &mut |c| order.push((c.clone(), None))));
        }
    }
    let mut driver = BibliographyDriver::new();
    for (citation, note) in &order {
        let items = citation.items.iter().map(|item| cite_item(library, item, if citation.in_text { Some(CitePurpose::Prose) } else { None }, notes_style)).collect();
        driver.citation(CitationRequest::new(items, style, locale.clone(), locales, *note));
    }
    let rendered = driver.finish(BibliographyRequest::new(style, locale.clone(), locales));
    let punctuation_in_quotes = locale.as_ref().is_some_and(|l| l.0 == "en-US");
    let mut set = rendered.citations.iter().zip(&order).map(|(r, (citation, _))| with_items(&r.citation, citation, punctuation_in_quotes));

    // The authors named in a notes style's text, each on its own: they are not
    // citations the notes' ibid and short forms count.
    let mut named = Vec::new();
    if !names.is_empty() {
        let mut driver = BibliographyDriver::new();
        for citation in &names {
            let items = citation.items.iter().map(|item| cite_item(library, item, Some(CitePurpose::Author), notes_style)).collect();
            driver.citation(CitationRequest::new(items, style, locale.clone(), locales, None));
        }
        let authors = driver.finish(BibliographyRequest::new(style, locale.clone(), locales));
        named = authors.citations.iter().map(|r| render::inlines(&r.citation, &mut |_, inner| inner)).collect();
    }
    let mut named = named.into_iter();

    if notes_style {
        for_each_text_citation_mut(&mut book, &mut |_| named.next().unwrap_or_default());
    } else {
        for_each_text_citation_mut(&mut book, &mut |_| set.next().unwrap_or_default());
    }
    for note in &mut book.notes {
        // A note made for a citation is the citation; in a written note, the citation is
        // part of the writer's sentence, which has its own punctuation.
        let whole = note.label.starts_with("@[");
        for_each_inlines_mut(&mut note.blocks, &mut |inlines| {
            replace_citations(inlines, &mut |c| match (notes_style && c.in_text, whole) {
                (true, _) => named.next().unwrap_or_default(),
                (false, true) => set.next().unwrap_or_default(),
                (false, false) => render::without_final_stop(set.next().unwrap_or_default()),
            });
            if whole {
                render::capitalise(inlines);
            }
        });
    }

    if let Some(rendered) = rendered.bibliography {
        let mut ids = HashSet::new();
        let entries: Vec<BibliographyEntry> = rendered
            .items
            .iter()
            .map(|item| {
                let mut id = entry_id(&item.key);
                while !ids.insert(id.clone()) {
                    id.push('-');
                }
                let mut content = Vec::new();
                if let Some(first) = &item.first_field {
                    content.extend(render::inlines(&hayagriva::ElemChildren(vec![first.clone()]), &mut |_, inner| inner));
                    content.push(Inline::Text(" ".into()));
                }
                content.extend(render::inlines(&item.content, &mut |_, inner| inner));
                BibliographyEntry { id, key: item.key.clone(), content: render::merge_text(content) }
            })
            // A work the style leaves out of its bibliography (Chicago's letters) renders empty.
            .filter(|entry| !crate::model::plain_text(&entry.content).trim().is_empty())
            .collect();
        let entries = if notes_style { place_anonymous(entries, library) } else { entries };
        if !entries.is_empty() {
            let heading = Some(vec![Inline::Text(Labels::default().bibliography)]);
            let section = Section { heading, listed: true, id: "bibliography".into(), matter: Matter::Back, blocks: vec![Block::Bibliography(entries)] };
            if let Some(last) = book.chapters.last_mut() {
                // After the notes, before the back matter the manuscript wrote.
                let at = last.sections.iter().position(|s| s.matter == Matter::Back).unwrap_or(last.sections.len());
                last.sections.insert(at, section);
            }
        }
    }
    book
}

/// A work without an author or editor goes where its title falls among the authors'
/// names, as Chicago sorts it (the engine puts them all first); an opening article
/// (“The”, “A”) and quotation marks do not count.
fn place_anonymous(entries: Vec<BibliographyEntry>, library: &hayagriva::Library) -> Vec<BibliographyEntry> {
    let anonymous = |e: &BibliographyEntry| library.get(&e.key).is_some_and(|w| w.authors().is_none() && w.editors().is_none());
    let sort_key = |e: &BibliographyEntry| {
        let text = crate::model::plain_text(&e.content).to_lowercase();
        let text = text.trim_start_matches(|c: char| !c.is_alphanumeric());
        ["the ", "a ", "an "].iter().find_map(|a| text.strip_prefix(a)).unwrap_or(text).to_owned()
    };
    let (unnamed, mut placed): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| anonymous(e));
    for entry in unnamed {
        let key = sort_key(&entry);
        let at = placed.iter().position(|p| sort_key(p) > key).unwrap_or(placed.len());
        placed.insert(at, entry);
    }
    placed
}

/// The CSL locale for the book's language: its own if the engine has it, British
/// English for the English of Australia, Ireland, India, New Zealand, South Africa and
/// Britain (day before month, stops outside quotes), else the first of its language, else US English.
fn citation_locale(language: &str, locales: &[hayagriva::citationberg::Locale]) -> LocaleCode {
    let has = |code: &str| locales.iter().any(|l| l.lang.as_ref().is_some_and(|c| c.0.eq_ignore_ascii_case(code)));
    if has(language) {
        return LocaleCode(language.to_owned());
    }
    let primary = language.split('-').next().unwrap_or("").to_ascii_lowercase();
    if primary == "en" {
        let region = language.split('-').nth(1).unwrap_or("").to_ascii_uppercase();
        let british = ["GB", "AU", "NZ", "IE", "IN", "ZA"].contains(&region.as_str());
        return LocaleCode(if british { "en-GB" } else { "en-US" }.into());
    }
    let same_language = locales.iter().filter_map(|l| l.lang.as_ref()).find(|c| c.0.split('-').next().is_some_and(|p| p.eq_ignore_ascii_case(&primary)));
    same_language.cloned().unwrap_or_else(|| LocaleCode("en-US".into()))
}

/// The engine's item for `item`: its entry, its locator, and what it is for.
fn cite_item<'a>(library: &'a hayagriva::Library, item: &'a crate::model::CiteItem, purpose: Option<CitePurpose>, notes_style: bool) -> CitationItem<'a, hayagriva::Entry> {
    // Every key was checked in `prepare`.
    let entry = library.get(&item.key).expect("a checked key");
    let locator = item.locator.as_ref().map(|(kind, value)| SpecificLocator(locator_kind(kind), LocatorPayload::Str(value)));
    // `-@key` in an author-date style gives the year alone; a note names the work anyway.
    let purpose = if item.suppress_author && !notes_style { Some(CitePurpose::Year) } else { purpose };
    CitationItem::new(entry, locator, None, false, purpose)
}

fn locator_kind(kind: &str) -> Locator {
    match kind {
        "chapter" => Locator::Chapter,
        "section" => Locator::Section,
        "volume" => Locator::Volume,
        "issue" => Locator::Issue,
        "note" => Locator::Note,
        "paragraph" => Locator::Paragraph,
        "figure" => Locator::Figure,
        "line" => Locator::Line,
        "book" => Locator::Book,
        "part" => Locator::Part,
        "column" => Locator::Column,
        "folio" => Locator::Folio,
        "verse" => Locator::Verse,
        "sub-verbo" => Locator::SubVerbo,
        _ => Locator::Page,
    }
}

/// A rendered citation with each work's prefix and suffix as written, the work linked
/// to its entry in the bibliography.
fn with_items(children: &hayagriva::ElemChildren, citation: &Citation, punctuation_in_quotes: bool) -> Vec<Inline> {
    let set = render::inlines(children, &mut |index, inner| {
        let Some(item) = citation.items.get(index) else { return inner };
        let mut out = Vec::new();
        if !item.prefix.is_empty() {
            out.push(Inline::Text(format!("{} ", item.prefix)));
        }
        out.push(Inline::Link { url: format!("#{}", entry_id(&item.key)), content: inner });
        if !item.suffix.is_empty() {
            out.push(Inline::Text(item.suffix.clone()));
        }
        out
    });
    // American usage, which the style's own punctuation follows inside a citation
    // (“Walking,” 182) but the engine not at its end: “Privacy Policy.”
    match punctuation_in_quotes {
        true => render::stop_inside_quotes(set),
        false => set,
    }
}

fn has_citations(book: &mut Book) -> bool {
    let mut found = false;
    each_citation(book, &mut |_, c| {
        found = true;
        vec![Inline::Citation(c.clone())]
    });
    found
}

/// Every citation of the book with its chapter, text and notes alike, replaced by what `f` gives.
fn each_citation(book: &mut Book, f: &mut dyn FnMut(usize, &Citation) -> Vec<Inline>) {
    for (index, chapter) in book.chapters.iter_mut().enumerate() {
        for section in &mut chapter.sections {
            if let Some(heading) = &mut section.heading {
                replace_citations(heading, &mut |c| f(index, c));
            }
            for_each_inlines_mut(&mut section.blocks, &mut |inlines| replace_citations(inlines, &mut |c| f(index, c)));
        }
    }
    for note in &mut book.notes {
        let chapter = note.chapter;
        for_each_inlines_mut(&mut note.blocks, &mut |inlines| replace_citations(inlines, &mut |c| f(chapter, c)));
    }
}

fn for_each_text_citation(book: &mut Book, f: &mut dyn FnMut(&Citation)) {
    for_each_text_citation_mut(book, &mut |c| {
        f(c);
        vec![Inline::Citation(c.clone())]
    });
}

/// The citations of the text (headings and blocks, not notes), in reading order.
fn for_each_text_citation_mut(book: &mut Book, f: &mut dyn FnMut(&Citation) -> Vec<Inline>) {
    for section in book.sections_mut() {
        if let Some(heading) = &mut section.heading {
            replace_citations(heading, f);
        }
        for_each_inlines_mut(&mut section.blocks, &mut |inlines| replace_citations(inlines, f));
    }
}

fn visit_citations(inlines: &mut Vec<Inline>, f: &mut dyn FnMut(&Citation)) {
    replace_citations(inlines, &mut |c| {
        f(c);
        vec![Inline::Citation(c.clone())]
    });
}

/// Each citation in `inlines`, inside emphasis and links too, replaced by what `f` gives.
fn replace_citations(inlines: &mut Vec<Inline>, f: &mut dyn FnMut(&Citation) -> Vec<Inline>) {
    if !inlines.iter_mut().any(holds_citation) {
        return;
    }
    let mut out = Vec::with_capacity(inlines.len());
    for mut inline in std::mem::take(inlines) {
        if let Inline::Citation(c) = &inline {
            out.extend(f(c));
            continue;
        }
        if let Some(content) = inline.content_mut() {
            replace_citations(content, f);
        }
        out.push(inline);
    }
    *inlines = out;
}

fn holds_citation(inline: &mut Inline) -> bool {
    match inline {
        Inline::Citation(_) => true,
        other => other.content_mut().is_some_and(|c| c.iter_mut().any(holds_citation)),
    }
}
