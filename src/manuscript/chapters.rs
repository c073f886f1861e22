//! A book from its chapter files, each read on its own: the chapters in the
//! plan's order and parts, each with its title and number, every id unique in
//! the book, and each note marked with its chapter (labels are the file's own).
//!
//! A chapter's title is its front matter's `title`, or else the `#` heading
//! that opens the file. When that heading is the file's only `#`, the file is
//! written as mdBook's chapters are, and its `##` headings are the chapter's
//! sections (each level moves up one); otherwise its other `#` headings are.

use std::collections::{HashMap, HashSet};

use std::path::{Path, PathBuf};

use super::book_plan::BookPlan;
use super::markdown::{find_heading, heading_ids, resolve_in, section_id};
use crate::diagnostics::Diagnostic;
use crate::model::metadata::{Metadata, NoteNumbering};
use crate::model::{for_each_inlines_mut, plain_text, Block, Book, Chapter, Inline, Matter, Part, Section, SourcePos};
use crate::passes::notes::Sources;

/// A chapter read on its own: its one-chapter book and its links to the rest of the book.
pub struct ReadChapter {
    pub book: Book,
    pub links: Vec<(String, SourcePos)>,
}

/// The ids a chapter's links may name, as its file wrote them, and what each became.
struct ChapterIds {
    written: Vec<String>,
    renamed: HashMap<String, String>,
}

/// The book of `plan` from its chapters, each read on its own, in the plan's order;
/// `metadata` is the book's. Links between chapters are resolved here; one that
/// leads nowhere keeps its text only, with a warning in its chapter's file.
pub fn assemble(plan: &BookPlan, metadata: Metadata, read: Vec<ReadChapter>, sources: &Sources) -> (Book, Vec<Diagnostic>) {
    let parts: Vec<Part> = plan.parts.iter().enumerate().map(|(i, title)| Part { title: vec![Inline::Text(title.clone())], id: format!("part-{}", i + 1), number: i + 1 }).collect();
    let mut taken: HashSet<String> = parts.iter().map(|p| p.id.clone()).collect();
    taken.extend((1..=read.len()).map(|n| format!("chapter-{n}")));
    let mut book = Book { metadata, parts, chapters: Vec::new(), notes: Vec::new() };
    let mut ids = Vec::new();
    let mut links = Vec::new();
    let mut number = 0;
    for (index, (planned, one)) in plan.chapters.iter().zip(read).enumerate() {
        let written = heading_ids(&one.book);
        let Book { metadata: own, chapters, notes, .. } = one.book;
        let Some(mut chapter) = chapters.into_iter().next() else { continue };
        chapter.id = format!("chapter-{}", index + 1);
        chapter.part = planned.part;
        if planned.numbered {
            number += 1;
            chapter.number = Some(number);
        }
        let mut renamed = HashMap::new();
        chapter.title = Some(take_title(&mut chapter, &own, &mut renamed));
        // A `##` made a section has an id now, which links may name.
        let mut written = written;
        for section in chapter.sections.iter().filter(|s| s.heading.is_some()) {
            if !written.contains(&section.id) {
                written.push(section.id.clone());
            }
        }
        make_ids_unique(&mut chapter, &mut taken, &mut renamed);
        for mut note in notes {
            note.chapter = index;
            book.notes.push(note);
        }
        book.chapters.push(chapter);
        ids.push(ChapterIds { written, renamed });
        links.push(one.links);
    }
    book.metadata.note_numbering = plan.note_numbering.unwrap_or(if book.chapters.len() > 1 { NoteNumbering::Chapter } else { NoteNumbering::Book });
    book.metadata.note_placement = plan.note_placement;
    let warnings = resolve_links(&mut book, &ids, &links, sources);
    (book, warnings)
}

/// Where a link of chapter `from` leads: the id of a heading (of its own chapter
/// first, then of any other) or of a chapter (`02-july.md`, `02-july.md#id`).
fn link_target(book: &Book, ids: &[ChapterIds], from: usize, url: &str) -> Option<String> {
    let (file, fragment) = match url.strip_prefix('#') {
        Some(id) => (None, Some(id)),
        None => match url.split_once('#') {
            Some((file, id)) => (Some(file), Some(id)),
            None => (Some(url), None),
        },
    };
    let plain = |path: &Path| path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect::<PathBuf>();
    let chapters: Vec<usize> = match file {
        Some(file) => {
            let wanted = plain(&book.chapters[from].file.parent().unwrap_or(Path::new("")).join(file));
            book.chapters.iter().position(|c| plain(&c.file) == wanted).into_iter().collect()
        }
        None => std::iter::once(from).chain((0..book.chapters.len()).filter(|&c| c != from)).collect(),
    };
    let Some(id) = fragment else { return chapters.first().map(|&c| book.chapters[c].id.clone()) };
    chapters.into_iter().find_map(|c| {
        let written = find_heading(&ids[c].written, id)?;
        Some(ids[c].renamed.get(&written).cloned().unwrap_or(written))
    })
}

fn resolve_links(book: &mut Book, ids: &[ChapterIds], links: &[Vec<(String, SourcePos)>], sources: &Sources) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let mut targets: Vec<HashMap<String, Option<String>>> = Vec::new();
    for (from, chapter_links) in links.iter().enumerate() {
        let mut resolved = HashMap::new();
        for (url, at) in chapter_links {
            let target = link_target(book, ids, from, url);
            if target.is_none() {
                let (path, text) = sources.get(from).copied().unwrap_or((Path::new(""), ""));
                warnings.push(
                    Diagnostic::warning(path, Some(*at), format!("link `{url}` is to no heading or chapter of the book; its text stays, unlinked"))
                        .with_help("link to a heading by its id (`#further-reading`), or to a chapter by its file (`02-july.md`, `02-july.md#the-strike`)")
                        .with_source(text),
                );
            }
            resolved.insert(url.clone(), target);
        }
        targets.push(resolved);
    }
    let Book { chapters, notes, .. } = book;
    for (index, chapter) in chapters.iter_mut().enumerate() {
        let resolve = |url: &str| targets[index].get(url).cloned().flatten();
        for section in &mut chapter.sections {
            if let Some(heading) = &mut section.heading {
                resolve_in(heading, &resolve);
            }
            for_each_inlines_mut(&mut section.blocks, &mut |inlines| resolve_in(inlines, &resolve));
        }
        for note in notes.iter_mut().filter(|n| n.chapter == index) {
            for_each_inlines_mut(&mut note.blocks, &mut |inlines| resolve_in(inlines, &resolve));
        }
    }
    warnings
}

/// The chapter's title, taken out of its text if the text holds it.
fn take_title(chapter: &mut Chapter, own: &Metadata, renamed: &mut HashMap<String, String>) -> Vec<Inline> {
    if !own.title.trim().is_empty() {
        return vec![Inline::Text(own.title.clone())];
    }
    let opening = chapter.sections.first_mut().filter(|s| s.heading.is_some());
    let Some(opening) = opening else {
        return vec![Inline::Text(title_from_file_name(&chapter.file))];
    };
    let title = opening.heading.take().unwrap_or_default();
    // Links to the title's heading now lead to the chapter's opening.
    renamed.insert(opening.id.clone(), chapter.id.clone());
    opening.id = format!("{}-opening", chapter.id);
    if chapter.sections.iter().all(|s| s.heading.is_none()) {
        promote_subheadings(chapter);
    }
    title
}

/// `##` headings become the chapter's sections, and each deeper level moves up one.
fn promote_subheadings(chapter: &mut Chapter) {
    let mut sections: Vec<Section> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for old in std::mem::take(&mut chapter.sections) {
        let mut current = Section { blocks: Vec::new(), ..old.clone() };
        for block in old.blocks {
            match block {
                Block::Subheading { level: 2, content, id, listed } => {
                    sections.push(std::mem::replace(&mut current, Section { heading: None, listed, id: String::new(), matter: Matter::Body, blocks: Vec::new() }));
                    let id = id.unwrap_or_else(|| {
                        let base = section_id(&plain_text(&content));
                        let mut id = base.clone();
                        let mut n = 2;
                        while ids.contains(&id) {
                            id = format!("{base}-{n}");
                            n += 1;
                        }
                        id
                    });
                    ids.push(id.clone());
                    current.id = id;
                    current.heading = Some(content);
                }
                Block::Subheading { level, content, id, listed } => current.blocks.push(Block::Subheading { level: level - 1, content, id, listed }),
                other => current.blocks.push(other),
            }
        }
        sections.push(current);
    }
    // An opening with nothing before the first section has no place of its own.
    sections.retain(|s| s.heading.is_some() || !s.blocks.is_empty());
    chapter.sections = sections;
}

/// Renames any section or subheading id another chapter has taken, noting each.
fn make_ids_unique(chapter: &mut Chapter, taken: &mut HashSet<String>, renamed: &mut HashMap<String, String>) {
    let mut unique = |id: &mut String| {
        if taken.insert(id.clone()) {
            return;
        }
        let base = id.clone();
        let mut n = 2;
        while taken.contains(&format!("{base}-{n}")) {
            n += 1;
        }
        *id = format!("{base}-{n}");
        taken.insert(id.clone());
        renamed.entry(base).or_insert_with(|| id.clone());
    };
    for section in &mut chapter.sections {
        unique(&mut section.id);
        for block in &mut section.blocks {
            if let Block::Subheading { id: Some(id), .. } = block {
                unique(id);
            }
        }
    }
}

/// A chapter's title from its file's name: `03-the-july-days.md` is “The july days”.
fn title_from_file_name(file: &std::path::Path) -> String {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let words = stem.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == ' ').replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manuscript::book_plan::PlannedChapter;
    use crate::manuscript::parse_chapter;

    fn book(files: &[(&str, &str)], parts: &[&str]) -> Book {
        let metadata = Metadata { title: "B".into(), language: "en".into(), ..Default::default() };
        let read: Vec<ReadChapter> = files
            .iter()
            .map(|(name, text)| parse_chapter(Path::new(name), text, &metadata).expect("parses"))
            .map(|m| ReadChapter { book: m.book, links: m.book_links })
            .collect();
        let chapters = files.iter().enumerate().map(|(i, (name, _))| PlannedChapter { file: PathBuf::from(name), part: (!parts.is_empty()).then(|| i % parts.len()), numbered: true }).collect();
        let plan = BookPlan { file: PathBuf::from("book.toml"), metadata: None, parts: parts.iter().map(|p| p.to_string()).collect(), chapters, note_numbering: None, note_placement: Default::default(), labels: Vec::new() };
        let sources: Vec<(&Path, &str)> = files.iter().map(|(name, text)| (Path::new(*name), *text)).collect();
        let (book, warnings) = assemble(&plan, metadata, read, &sources);
        assert!(warnings.is_empty(), "{warnings:?}");
        book
    }

    #[test]
    fn a_chapter_s_only_hash_heading_is_its_title_and_its_double_hashes_its_sections() {
        let b = book(&[("01-a.md", "# The *first*\n\nOpening.\n\n## One\n\nText.\n\n### Deeper\n\nMore.\n\n## Two\n\nEnd.\n")], &[]);
        let chapter = &b.chapters[0];
        assert_eq!(chapter.title.as_deref().map(plain_text).as_deref(), Some("The first"));
        assert!(matches!(chapter.title.as_deref(), Some([Inline::Text(_), Inline::Emphasis(_)])), "the title keeps its emphasis");
        let headings: Vec<_> = chapter.sections.iter().map(|s| s.heading.as_deref().map(plain_text)).collect();
        assert_eq!(headings, vec![None, Some("One".into()), Some("Two".into())]);
        assert!(matches!(chapter.sections[1].blocks[1], Block::Subheading { level: 2, .. }), "### is now a level-2 subheading");
        assert_eq!(chapter.number, Some(1));
    }

    #[test]
    fn the_same_heading_in_two_chapters_gets_two_ids_and_links_follow() {
        let b = book(&[("a.md", "# A\n\n# Notes\n\nSee [below](#notes).\n"), ("b.md", "# B\n\n# Notes\n\nSee [here](#notes).\n")], &[]);
        let ids: Vec<&str> = b.sections().filter(|s| s.heading.is_some()).map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), 2);
        assert_ne!(ids[0], ids[1]);
        let link = |c: usize| match &b.chapters[c].sections[1].blocks[0] {
            Block::Paragraph(p) => p.iter().find_map(|i| if let Inline::Link { url, .. } = i { Some(url.clone()) } else { None }).unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(link(0), format!("#{}", ids[0]));
        assert_eq!(link(1), format!("#{}", ids[1]));
    }

    #[test]
    fn every_chapter_may_have_its_own_first_note() {
        let b = book(&[("a.md", "# A\n\nOne[^1].\n\n[^1]: A's.\n"), ("b.md", "# B\n\nTwo[^1].\n\n[^1]: B's.\n")], &["P"]);
        assert_eq!(b.notes.iter().map(|n| (n.chapter, n.label.as_str())).collect::<Vec<_>>(), vec![(0, "1"), (1, "1")]);
        assert_eq!(b.metadata.note_numbering, NoteNumbering::Chapter);
        assert_eq!(b.chapters[1].part, Some(0));
    }

    #[test]
    fn links_lead_to_other_chapters_by_heading_or_by_file() {
        let b = book(
            &[("a.md", "# A\n\nSee [the strike](#the-strike), [chapter B](b.md) and [its end](./b.md#the-end).\n"), ("b.md", "# B\n\n## The strike\n\nText.\n\n## The end\n\nEnd.\n")],
            &[],
        );
        let Block::Paragraph(p) = &b.chapters[0].sections[0].blocks[0] else { panic!() };
        let urls: Vec<&str> = p.iter().filter_map(|i| if let Inline::Link { url, .. } = i { Some(url.as_str()) } else { None }).collect();
        assert_eq!(urls, ["#sec-the-strike", "#chapter-2", "#sec-the-end"]);
    }

    #[test]
    fn a_link_to_nothing_in_the_book_is_a_warning_in_its_chapter_s_file() {
        let metadata = Metadata { title: "B".into(), language: "en".into(), ..Default::default() };
        let text = "# A\n\nSee [nowhere](c.md) and [gone](#gone).\n";
        let m = parse_chapter(Path::new("a.md"), text, &metadata).unwrap();
        let plan = BookPlan { file: PathBuf::from("book.toml"), metadata: None, parts: Vec::new(), chapters: vec![PlannedChapter { file: "a.md".into(), part: None, numbered: true }], note_numbering: None, note_placement: Default::default(), labels: Vec::new() };
        let (b, warnings) = assemble(&plan, metadata, vec![ReadChapter { book: m.book, links: m.book_links }], &[(Path::new("a.md"), text)]);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.file == Path::new("a.md") && w.at.map(|a| a.line) == Some(3)), "{warnings:?}");
        let Block::Paragraph(p) = &b.chapters[0].sections[0].blocks[0] else { panic!() };
        assert!(!p.iter().any(|i| matches!(i, Inline::Link { .. })), "the links keep their text only: {p:?}");
        assert_eq!(plain_text(p), "See nowhere and gone.");
    }

    #[test]
    fn a_title_from_the_file_name() {
        assert_eq!(title_from_file_name(Path::new("03-the-july-days.md")), "The july days");
    }
}
