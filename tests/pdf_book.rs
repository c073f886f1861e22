//! The reader PDF of a book of chapters: front matter with a contents page,
//! chapters opening on rectos with no running head, parts on pages of their
//! own, notes grouped under their chapters, an outline that nests.
//! Read back with pdftotext page by page, and with lopdf.

use std::path::{Path, PathBuf};

use lopdf::{Document, Object};

fn small_book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books/small")
}

/// A copy of the small book whose first chapter runs over several pages.
fn long_small_book(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-pdf-book-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(small_book()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let one = std::fs::read_to_string(dir.join("01-one.md")).unwrap();
    let paragraph = "A paragraph of the first chapter, long enough to fill some lines of the page, so that the chapter runs on over several pages and its running heads can be read. ";
    let more: String = (0..40).map(|_| format!("{}\n\n", paragraph.repeat(3))).collect();
    std::fs::write(dir.join("01-one.md"), one.replacen("## A section of the first", &format!("{more}## A section of the first"), 1)).unwrap();
    dir
}

/// The book built into its reader PDF; the PDF's path.
fn build(book: &Path, name: &str) -> PathBuf {
    build_with(book, name, None)
}

/// The book built into its reader PDF in the style file `style`.
fn build_with(book: &Path, name: &str, style: Option<PathBuf>) -> PathBuf {
    let out = std::env::temp_dir().join(format!("quire-pdf-book-out-{name}-{}", std::process::id()));
    let options = quire::BuildOptions { manuscript: book.to_owned(), out_dir: out.clone(), editions: vec![quire::Edition::Pdf], resources: None, style, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = quire::build(&options).unwrap_or_else(|e| panic!("{e}"));
    report.written.into_iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).expect("a PDF is written")
}

/// Each page's text, 1-based pages at index - 1 (`pdftotext -f N -l N`).
fn pages(pdf: &Path) -> Vec<String> {
    let doc = Document::load(pdf).unwrap();
    (1..=doc.get_pages().len())
        .map(|n| {
            let output = std::process::Command::new("pdftotext").args(["-f", &n.to_string(), "-l", &n.to_string(), "-layout"]).arg(pdf).arg("-").output().expect("pdftotext runs");
            String::from_utf8(output.stdout).unwrap()
        })
        .collect()
}

fn first_line(page: &str) -> &str {
    page.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

/// The contents' entries (title, page number), read off the contents'
/// pages, which open under `label` and run on to the body's first page `body`.
fn contents(pages: &[String], label: &str, body: usize) -> Vec<(String, usize)> {
    let first = pages.iter().position(|p| first_line(p) == label).expect("a contents page");
    pages[first..body]
        .iter()
        .flat_map(|page| page.lines())
        .filter_map(|line| {
            let (title, number) = line.trim().rsplit_once(' ')?;
            let title = title.trim_end_matches([' ', '.']).trim();
            Some((title.to_owned(), number.parse().ok()?))
        })
        .collect()
}

/// Builds `book` and checks that each contents entry's number is the page
/// where it begins, and that each chapter, part and the notes open on a recto
/// without a running head. `opening` is the body's first words; `names` the
/// labels an opening's first line may begin with ("Chapter", "Part").
fn check_openings(book: &Path, name: &str, contents_label: &str, opening: &str, names: [&str; 2]) -> (Vec<String>, Vec<(String, usize)>) {
    let pdf = build(book, name);
    let pages = pages(&pdf);
    // Body page 1 is the first chapter's opening: the front matter before it is folioed apart.
    let body = pages.iter().position(|p| p.contains(opening)).expect("the first chapter is set");
    assert_eq!(body % 2, 0, "the body begins on a recto (an odd page of the PDF)");
    let entries = contents(&pages, contents_label, body);
    assert!(!entries.is_empty());
    for (title, folio) in &entries {
        let index = body + folio - 1;
        let page = &pages[index];
        let numbered = title.starts_with(char::is_numeric) || title.starts_with(names[1]);
        let words = title.split_once(". ").filter(|_| numbered).map_or(title.as_str(), |(_, t)| t);
        assert!(page.contains(words), "contents say {title:?} is on page {folio}, which reads:\n{page}");
        if !numbered && first_line(page) != words {
            continue; // a section, inside its chapter
        }
        assert_eq!(index % 2, 0, "{title:?} opens on a recto");
        // An opening has no running head: its first line is its own number or title.
        let first = first_line(page);
        assert!(first.starts_with(names[0]) || first.starts_with(names[1]) || first == words, "{title:?} opens under {first:?}");
    }
    (pages, entries)
}

#[test]
fn chapters_open_on_rectos_at_the_pages_the_contents_give_without_running_heads() {
    let (pages, entries) = check_openings(&small_book(), "small", "Contents", "Why this book was written", ["Chapter", "Part"]);
    let titles: Vec<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Preface", "Part 1. Beginnings", "1. The first chapter", "A section of the first", "2. The second chapter", "Notes"]);
    let body = pages.iter().position(|p| p.contains("Why this book was written")).unwrap();
    // A part's page: its number and title, and neither running head nor folio.
    let part = &pages[body + 2];
    assert_eq!(part.split_whitespace().collect::<Vec<_>>(), ["Part", "1", "Beginnings"]);
    assert!(pages[body + 3].trim().is_empty(), "the part's verso is blank");
    // The preface takes one recto: the verso after it is blank, with no folio.
    assert!(pages[body + 1].trim().is_empty(), "{}", pages[body + 1]);
}

#[test]
fn the_twelve_chapter_book_and_its_french_edition_open_their_chapters_where_the_contents_say() {
    let books = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/books");
    let (_, entries) = check_openings(&books.join("twelve"), "twelve", "Contents", "This is a short book", ["Chapter", "Part"]);
    assert_eq!(entries.iter().filter(|(t, _)| t.starts_with(char::is_numeric)).count(), 12, "{entries:?}");
    let (pages, entries) = check_openings(&books.join("douze"), "douze", "Table des matières", "Ce petit livre raconte", ["Chapitre", "Partie"]);
    assert_eq!(entries.iter().filter(|(t, _)| t.starts_with("Partie ")).count(), 2, "{entries:?}");
    assert!(pages.iter().any(|p| first_line(p) == "Chapitre 12"), "French labels open the chapters");
    assert!(pages.iter().any(|p| p.contains("Composé avec quire")), "the copyright page in French");
    // The title page: title (in lines of like length), subtitle, author.
    // (A line broken at a word space keeps the space at its end, which pdftotext copies out.)
    let title_page = &pages[2].lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    for words in ["Petite histoire\n", "de l’imprimerie", "Du scriptorium à l’écran", "Margaret Ellery"] {
        assert!(title_page.contains(words), "{words:?} on the title page:\n{title_page}");
    }
}

#[test]
fn running_heads_are_the_title_on_versos_and_the_chapter_on_rectos() {
    let book = long_small_book("heads");
    let pdf = build(&book, "heads");
    let pages = pages(&pdf);
    let opening = pages.iter().position(|p| first_line(p) == "Chapter 1").expect("chapter 1 opens");
    let next_chapter = pages.iter().position(|p| first_line(p) == "Chapter 2").expect("chapter 2 opens");
    assert!(next_chapter > opening + 2, "the first chapter runs over pages");
    assert_eq!(first_line(&pages[opening + 1]), "A Small Book", "a verso carries the book's title");
    assert_eq!(first_line(&pages[opening + 2]), "The first chapter", "a recto carries the chapter's title");
    std::fs::remove_dir_all(book).unwrap();
}

#[test]
fn notes_are_grouped_under_their_chapters() {
    let pdf = build(&small_book(), "notes");
    let pages = pages(&pdf);
    let notes = pages.iter().rposition(|p| first_line(p) == "Notes").expect("a notes page");
    let text = pages[notes..].concat();
    let order = ["Preface", "Because the preface says so.", "Chapter 1. The first chapter", "1. The first note of chapter one.", "2. The second note of chapter one.", "Chapter 2. The second chapter", "1. The first note of chapter two.", "2. The second note of chapter two."];
    let mut at = 0;
    for words in order {
        let found = text[at..].find(words).unwrap_or_else(|| panic!("{words:?} after the one before in the notes:\n{text}"));
        at += found + words.len();
    }
}

#[test]
fn notes_pages_may_be_headed_with_the_pages_of_their_references() {
    let book = long_small_book("pages-head");
    // Forty more notes in the first chapter, one a paragraph: the notes run over pages.
    let one = std::fs::read_to_string(book.join("01-one.md")).unwrap();
    let more: String = (3..43).map(|n| format!("A paragraph that calls a note of its own, number {n} of this chapter.[^m{n}]\n\n")).collect();
    let definitions: String = (3..43).map(|n| format!("[^m{n}]: A note of the first chapter, called from its own paragraph.\n\n")).collect();
    let one = one.replacen("## A section of the first", &format!("{more}## A section of the first"), 1);
    std::fs::write(book.join("01-one.md"), format!("{one}\n{definitions}")).unwrap();
    let style = book.join("pages.toml");
    std::fs::write(&style, "[furniture]\nnotes_head = \"pages\"\n").unwrap();
    let pdf = build_with(&book, "pages-head", Some(style));
    let pages = pages(&pdf);
    let body = pages.iter().position(|p| p.contains("Why this book was written")).unwrap();
    let folio = |index: usize| index - body + 1;
    let one = pages.iter().position(|p| first_line(p) == "Chapter 1").unwrap();
    let two = pages.iter().position(|p| first_line(p) == "Chapter 2").unwrap();
    let notes = pages.iter().rposition(|p| first_line(p) == "Notes").expect("the notes open");
    // The notes run on from their opening (which has no head) to pages headed with their references' pages.
    let head = first_line(&pages[notes + 1]);
    let (first, last) = head.strip_prefix("Notes to pages ").and_then(|r| r.split_once('–')).unwrap_or_else(|| panic!("{head:?}"));
    let (first, last): (usize, usize) = (first.parse().unwrap(), last.parse().unwrap());
    assert!(folio(one) <= first && first <= last && last <= folio(two), "{head}: chapter 1 on {}, chapter 2 on {}", folio(one), folio(two));
    std::fs::remove_dir_all(book).unwrap();
}

#[test]
fn notes_may_stand_at_the_end_of_each_chapter() {
    let dir = long_small_book("end-of-chapter");
    let toml = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    std::fs::write(dir.join("book.toml"), format!("{toml}\n[notes]\nplacement = \"chapter\"\n")).unwrap();
    let pdf = build(&dir, "end-of-chapter");
    let pages = pages(&pdf);
    let two = pages.iter().position(|p| first_line(p) == "Chapter 2").unwrap();
    let before: String = pages[..two].concat();
    assert!(before.contains("The second note of chapter one.") && !before.contains("The first note of chapter two."), "chapter one's notes end chapter one");
    assert!(pages[two..].concat().contains("The second note of chapter two."));
    assert!(!pages.iter().any(|p| first_line(p) == "Notes"), "no notes section at the end");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn viewers_number_the_front_matter_in_roman_and_the_body_from_1() {
    let pdf = build(&small_book(), "labels");
    let body = pages(&pdf).iter().position(|p| p.contains("Why this book was written")).unwrap();
    let doc = Document::load(&pdf).unwrap();
    let labels = doc.dereference(doc.catalog().unwrap().get(b"PageLabels").unwrap()).unwrap().1.as_dict().unwrap().clone();
    let nums = labels.get(b"Nums").unwrap().as_array().unwrap();
    let style = |o: &Object| doc.dereference(o).unwrap().1.as_dict().unwrap().get(b"S").unwrap().as_name().unwrap().to_vec();
    assert_eq!(nums[0].as_i64().unwrap(), 0);
    assert_eq!(style(&nums[1]), b"r");
    assert_eq!(nums[2].as_i64().unwrap(), body as i64);
    assert_eq!(style(&nums[3]), b"D");
}

/// Titles of the outline's entries, each with its children's.
fn outline(doc: &Document, first: Option<&Object>) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut next = first.map(|o| o.as_reference().unwrap());
    while let Some(id) = next {
        let item = doc.get_dictionary(id).unwrap();
        let title = title(item.get(b"Title").unwrap());
        let children = outline(doc, item.get(b"First").ok()).into_iter().map(|(t, grand)| if grand.is_empty() { t } else { format!("{t} > {}", grand.join(", ")) }).collect();
        out.push((title, children));
        next = item.get(b"Next").ok().map(|o| o.as_reference().unwrap());
    }
    out
}

fn title(object: &Object) -> String {
    let Object::String(bytes, _) = object else { panic!("a title is a string") };
    if bytes.starts_with(&[0xfe, 0xff]) {
        String::from_utf16_lossy(&bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>())
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn the_outline_nests_parts_chapters_and_sections() {
    let pdf = build(&small_book(), "outline");
    let doc = Document::load(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let root = doc.dereference(catalog.get(b"Outlines").unwrap()).unwrap().1.as_dict().unwrap();
    let tree = outline(&doc, root.get(b"First").ok());
    let expected = [
        ("Contents", vec![]),
        ("Preface", vec![]),
        ("Beginnings", vec!["The first chapter > A section of the first", "The second chapter"]),
        ("Notes", vec![]),
    ];
    let expected: Vec<(String, Vec<String>)> = expected.into_iter().map(|(t, c)| (t.to_owned(), c.into_iter().map(str::to_owned).collect())).collect();
    assert_eq!(tree, expected);
}
