//! A book from its chapter files, each read on its own: the chapters in the
//! plan's order and parts, each with its title and number, every id unique in
//! the book, and each note marked with its chapter (labels are the file's own).
//!
//! A chapter's title is its front matter's `title`, or else the `#` heading
//! that opens the file. When that heading is the file's only `#`, the file is
//! written as mdBook's chapters are, and its `##` headings are the chapter's
//! sections (each level moves up one); otherwise its other `#` headings are.

use std::collections::{HashMap, HashSet};

use super::book_plan::BookPlan;
use super::markdown::section_id;
use crate::model::metadata::{Metadata, NoteNumbering};
use crate::model::{for_each_inlines_mut, plain_text, Block, Book, Chapter, Inline, Matter, Part, Section};

/// The book of `plan` from its chapters, each read as a book of one chapter,
/// in the plan's order; `metadata` is the book's.
pub fn assemble(plan: &BookPlan, metadata: Metadata, read: Vec<Book>) -> Book {
    let parts: Vec<Part> = plan.parts.iter().enumerate().map(|(i, title)| Part { title: vec![Inline::Text(title.clone())], id: format!("part-{}", i + 1), number: i + 1 }).collect();
    let mut taken: HashSet<String> = parts.iter().map(|p| p.id.clone()).collect();
    taken.extend((1..=read.len()).map(|n| format!("chapter-{n}")));
    let mut book = Book { metadata, parts, chapters: Vec::new(), notes: Vec::new() };
    let mut number = 0;
    for (index, (planned, one)) in plan.chapters.iter().zip(read).enumerate() {
        let Book { metadata: own, chapters, notes, .. } = one;
        let Some(mut chapter) = chapters.into_iter().next() else { continue };
        let mut notes = notes;
        chapter.id = format!("chapter-{}", index + 1);
        chapter.part = planned.part;
        if planned.numbered {
            number += 1;
            chapter.number = Some(number);
        }
        let mut renamed = HashMap::new();
        chapter.title = Some(take_title(&mut chapter, &own, &mut renamed));
        make_ids_unique(&mut chapter, &mut taken, &mut renamed);
        if !renamed.is_empty() {
            let rename = |inlines: &mut Vec<Inline>| rename_links(inlines, &renamed);
            rename_in_chapter(&mut chapter, &mut notes, rename);
        }
        for mut note in notes {
            note.chapter = index;
            book.notes.push(note);
        }
        book.chapters.push(chapter);
    }
    book.metadata.note_numbering = plan.note_numbering.unwrap_or(if book.chapters.len() > 1 { NoteNumbering::Chapter } else { NoteNumbering::Book });
    book.metadata.note_placement = plan.note_placement;
    book
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

fn rename_in_chapter(chapter: &mut Chapter, notes: &mut [crate::model::Note], rename: impl Fn(&mut Vec<Inline>)) {
    for section in &mut chapter.sections {
        if let Some(heading) = &mut section.heading {
            rename(heading);
        }
        for_each_inlines_mut(&mut section.blocks, &mut |inlines| rename(inlines));
    }
    for note in notes {
        for_each_inlines_mut(&mut note.blocks, &mut |inlines| rename(inlines));
    }
}

fn rename_links(inlines: &mut [Inline], renamed: &HashMap<String, String>) {
    for inline in inlines {
        match inline {
            Inline::Link { url, content } => {
                if let Some(new) = url.strip_prefix('#').and_then(|id| renamed.get(id)) {
                    *url = format!("#{new}");
                }
                rename_links(content, renamed);
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strikethrough(c) | Inline::Superscript(c) | Inline::Subscript(c) | Inline::Language { content: c, .. } => {
                rename_links(c, renamed)
            }
            _ => {}
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
    use std::path::{Path, PathBuf};

    fn book(files: &[(&str, &str)], parts: &[&str]) -> Book {
        let metadata = Metadata { title: "B".into(), language: "en".into(), ..Default::default() };
        let read: Vec<Book> = files.iter().map(|(name, text)| parse_chapter(Path::new(name), text, &metadata).expect("parses").book).collect();
        let chapters = files.iter().enumerate().map(|(i, (name, _))| PlannedChapter { file: PathBuf::from(name), part: (!parts.is_empty()).then(|| i % parts.len()), numbered: true }).collect();
        let plan = BookPlan { file: PathBuf::from("book.toml"), metadata: None, parts: parts.iter().map(|p| p.to_string()).collect(), chapters, note_numbering: None, note_placement: Default::default(), labels: Vec::new() };
        assemble(&plan, metadata, read)
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
    fn a_title_from_the_file_name() {
        assert_eq!(title_from_file_name(Path::new("03-the-july-days.md")), "The july days");
    }
}
