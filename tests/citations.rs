//! Citations from a bibliography (issue 17): tests/manuscripts/cited/ cites 32 works of
//! a 33-entry BibLaTeX file (books, chapters, journal, magazine and newspaper articles,
//! letters, web pages, translated works) 80 times, with repeats, locators, prefixes and
//! suffixes, in the text, in the running text (`@key`) and in a written note.
//!
//! The expected notes are the Chicago Manual's own examples where the bibliography has
//! the Manual's works (the 18th edition's Quick Guide, chapter 13, as quoted beside each).

use std::path::{Path, PathBuf};

mod common;

use quire::model::{plain_text, Block, Book};
use quire::{build, check_text, BuildOptions, Edition};

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts/cited")
}

/// The test manuscript, its front matter given `extra` lines, in a folder of its own
/// with the bibliography and the test style beside it.
fn variant(name: &str, extra: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-cite-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["sources.bib", "ibid-notes.csl"] {
        std::fs::copy(folder().join(file), dir.join(file)).unwrap();
    }
    let text = std::fs::read_to_string(folder().join("cited.md")).unwrap();
    let text = text.replacen("bibliography = \"sources.bib\"\n", &format!("bibliography = \"sources.bib\"\n{extra}"), 1);
    std::fs::write(dir.join("cited.md"), text).unwrap();
    dir.join("cited.md")
}

fn checked(path: &Path) -> (Book, Vec<quire::diagnostics::Diagnostic>) {
    let text = std::fs::read_to_string(path).unwrap();
    let checked = check_text(path, &text, Some(&common::resources().fonts));
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    (checked.book.expect("the book checks"), checked.diagnostics)
}

fn notes(book: &Book) -> Vec<String> {
    book.notes
        .iter()
        .map(|n| {
            let text: Vec<String> = n.blocks.iter().map(|b| if let Block::Paragraph(p) = b { plain_text(p) } else { String::new() }).collect();
            // The typography pass keeps “no. 2” and initials together with no-break spaces.
            text.join(" ").replace('\u{a0}', " ")
        })
        .collect()
}

fn bibliography(book: &Book) -> Vec<(String, String)> {
    let section = book.sections().find(|s| s.is_bibliography()).expect("a bibliography section");
    match &section.blocks[..] {
        [Block::Bibliography(entries)] => entries.iter().map(|e| (e.key.clone(), plain_text(&e.content).replace('\u{a0}', " "))).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn chicago_notes_first_short_and_repeated_forms_in_reading_order() {
    let (book, warnings) = checked(&folder().join("cited.md"));
    let notes = notes(&book);
    // 74 citations in the text, each its own note, and the two written notes, numbered
    // in the order they are read: the written note `own` is 58th, the calendar last.
    assert_eq!(notes.len(), 76);
    assert_eq!(book.notes.iter().map(|n| n.number).collect::<Vec<_>>(), (1..=76).collect::<Vec<_>>());
    assert_eq!(book.notes[57].label, "own");
    assert_eq!(book.notes[75].label, "calendar");
    assert_eq!(notes[75], "The Julian calendar, thirteen days behind the Gregorian: a written note among the generated ones.");

    // CMOS 18, Quick Guide (notes): “1. Zadie Smith, Swing Time (Penguin Press, 2016), 315–16.
    // 2. Brian Grazer and Charles Fishman, A Curious Mind: The Secret to a Bigger Life (Simon
    // & Schuster, 2015), 12. 3. Smith, Swing Time, 320. 4. Grazer and Fishman, Curious Mind, 37.”
    assert_eq!(notes[0], "Zadie Smith, Swing Time (Penguin Press, 2016), 315–16.");
    assert_eq!(notes[1], "Brian Grazer and Charles Fishman, A Curious Mind: The Secret to a Bigger Life (Simon & Schuster, 2015), 12.");
    assert_eq!(notes[2], "Smith, Swing Time, 320.");
    assert_eq!(notes[3], "Grazer and Fishman, Curious Mind, 37.");
    // “1. Henry David Thoreau, “Walking,” in The Making of the American Essay, ed. John
    // D’Agata (Graywolf Press, 2016), 177–78. 2. Thoreau, “Walking,” 182.”
    assert_eq!(notes[4], "Henry David Thoreau, “Walking,” in The Making of the American Essay, ed. John D’Agata (Graywolf Press, 2016), 177–78.");
    assert_eq!(notes[9], "Thoreau, “Walking,” 182.");
    // “1. Gabriel García Márquez, Love in the Time of Cholera, trans. Edith Grossman (Knopf,
    // 1988), 242–55. 2. García Márquez, Cholera, 33.”
    assert_eq!(notes[5], "Gabriel García Márquez, Love in the Time of Cholera, trans. Edith Grossman (Knopf, 1988), 242–55.");
    assert_eq!(notes[10], "García Márquez, Cholera, 33.");
    // “1. Susan Satterfield, “Livy and the Pax Deum,” Classical Philology 111, no. 2 (2016):
    // 170, https://doi.org/10.1086/685810. 2. Satterfield, “Livy,” 172–73.”
    assert_eq!(notes[6], "Susan Satterfield, “Livy and the Pax Deum,” Classical Philology 111, no. 2 (2016): 170, https://doi.org/10.1086/685810.");
    assert_eq!(notes[11], "Satterfield, “Livy,” 172–73.");
    // “1. Rebecca Mead, “The Prophet of Dystopia,” New Yorker, April 17, 2017, 43.
    // 2. Mead, “Dystopia,” 47.”
    assert_eq!(notes[7], "Rebecca Mead, “The Prophet of Dystopia,” New Yorker, April 17, 2017, 43.");
    assert_eq!(notes[12], "Mead, “Dystopia,” 47.");
    // “1. “Privacy Policy,” Privacy & Terms, Google, last modified April 17, 2017, https://…
    // 2. Google, “Privacy Policy.”” The engine's Chicago style names the site's owner as the
    // author and leaves out the site's name and “last modified”: the short form is the Manual's.
    assert_eq!(notes[8], "Google, “Privacy Policy,” April 17, 2017, https://www.google.com/policies/privacy/.");
    assert_eq!(notes[13], "Google, “Privacy Policy.”");

    // The same work as the note before: CMOS 18 (13.37) prefers the short form to “ibid.”,
    // and so does the style; the test style below says “Ibid.”.
    assert_eq!(notes[14], "John Reed, Ten Days That Shook the World (Boni & Liveright, 1919), 12.");
    assert_eq!(notes[15], "Reed, Ten Days That Shook the World, 14.");
    assert_eq!(notes[16], notes[15]);
    // Prefixes, several works in one note, suffixes.
    assert_eq!(
        notes[18],
        "See Alexander Rabinowitch, The Bolsheviks Come to Power: The Revolution of 1917 in Petrograd (W. W. Norton, 1976), 3–5; S. A. Smith, The Russian Revolution: A Very Short Introduction (Oxford University Press, 2002), 22."
    );
    assert_eq!(notes[19], "Orlando Figes, A People’s Tragedy: The Russian Revolution, 1891–1924 (Jonathan Cape, 1996), 307, for the figures.");
    assert_eq!(notes[56], "See Eisenstein, Printing Press, 1:50; Febvre and Martin, The Coming of the Book, 251; compare Johns, “Book of Nature,” 10.");
    // A chapter in a book, a translated work, a newspaper without a byline, a letter, a web page.
    assert_eq!(notes[43], "Donald E. Knuth and Michael F. Plass, “Breaking Paragraphs into Lines,” in Digital Typography, ed. Donald E. Knuth (CSLI Publications, 1999), 68.");
    assert_eq!(notes[21], "Victor Serge, Year One of the Russian Revolution, trans. Peter Sedgwick (Allen Lane, 1972), 41.");
    assert_eq!(notes[29], "“All Power to the Soviets,” Pravda, October 25, 1917, 1.");
    assert_eq!(notes[68], "“All Power to the Soviets.”");
    assert_eq!(notes[27], "V. I. Lenin, “Letter to the Central Committee,” Petrograd, October 24, 1917.");
    assert_eq!(notes[47], "Unicode Consortium, “Unicode Line Breaking Algorithm,” August 27, 2024, https://www.unicode.org/reports/tr14/.");
    // `@reed1919` in the text: the author's name there, the work in a note after it.
    let paragraphs: Vec<String> = book.sections().flat_map(|s| &s.blocks).filter_map(|b| if let Block::Paragraph(p) = b { Some(plain_text(p)) } else { None }).collect();
    let text = paragraphs.iter().find(|p| p.starts_with("As ")).expect("the paragraph");
    assert!(text.replace('\u{a0}', " ").starts_with("As John Reed tells it"), "{text}");
    assert_eq!(notes[23], "Reed, Ten Days That Shook the World.");
    // A written note's citations are set inside it, in its sentence.
    assert_eq!(
        notes[57],
        "A written note that cites as well: on this see Darnton, “What Is the History of Books?” 115, and for the contrary view, which D. F. McKenzie argues, see McKenzie, “Printers of the Mind,” 12, emphasis added."
    );

    // The work never cited is named, at its line in the bibliography.
    let unused: Vec<_> = warnings.iter().filter(|w| w.message.contains("never cited")).collect();
    assert_eq!(unused.len(), 1, "{warnings:?}");
    assert!(unused[0].message.contains("`unused1900`"));
    assert!(unused[0].file.ends_with("sources.bib") && unused[0].at.is_some_and(|at| at.column == 7), "{}", unused[0]);
}

#[test]
fn the_bibliography_is_sorted_and_in_the_manual_s_form() {
    let (book, _) = checked(&folder().join("cited.md"));
    let entries = bibliography(&book);
    // 32 works cited; Chicago's style leaves the two letters out of the bibliography.
    assert_eq!(entries.len(), 30);
    let find = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, t)| t.as_str()).unwrap_or_else(|| panic!("{key}"));
    // CMOS 18, Quick Guide (bibliography), word for word.
    assert_eq!(find("smith2016"), "Smith, Zadie. Swing Time. Penguin Press, 2016.");
    assert_eq!(find("grazer2015"), "Grazer, Brian, and Charles Fishman. A Curious Mind: The Secret to a Bigger Life. Simon & Schuster, 2015.");
    assert_eq!(find("garciamarquez1988"), "García Márquez, Gabriel. Love in the Time of Cholera. Translated by Edith Grossman. Knopf, 1988.");
    assert_eq!(find("satterfield2016"), "Satterfield, Susan. “Livy and the Pax Deum.” Classical Philology 111, no. 2 (2016): 165–76. https://doi.org/10.1086/685810.");
    assert_eq!(find("mead2017"), "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, April 17, 2017.");
    // The Manual gives the chapter's pages too (“…edited by John D’Agata, 167–95.”); the engine does not.
    assert_eq!(find("thoreau2016"), "Thoreau, Henry David. “Walking.” In The Making of the American Essay, edited by John D’Agata. Graywolf Press, 2016.");
    assert!(!entries.iter().any(|(k, _)| k == "lenin1917" || k == "unused1900"));
    // Sorted by the first word, an unsigned piece by its title (“The” not counted).
    let sort_key = |t: &str| {
        let t = t.trim_start_matches('“').to_lowercase();
        t.strip_prefix("the ").map(str::to_owned).unwrap_or(t)
    };
    let keys: Vec<String> = entries.iter().map(|(_, t)| sort_key(t)).collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| a.replace(['á', 'é'], "e").cmp(&b.replace(['á', 'é'], "e")));
    assert_eq!(keys, sorted);
    assert!(entries.first().unwrap().1.starts_with("“All Power to the Soviets.”"));
}

#[test]
fn a_csl_file_with_ibid_gives_ibid() {
    let (book, _) = checked(&variant("ibid", "csl = \"ibid-notes.csl\"\n"));
    let notes = notes(&book);
    // CMOS 17 (14.34): “1. Farmwinkle, Humor of the Midwest, 241. 2. Ibid., 258. 3. Ibid.”
    assert_eq!(notes[14], "John Reed, Ten Days That Shook the World, 1919, 12.");
    assert_eq!(notes[15], "Ibid., 14.");
    assert_eq!(notes[16], "Ibid.");
    // A short form when another work came between.
    assert_eq!(notes[35], "Lenin, The State and Revolution, 47.");
    assert_eq!(notes[36], "Ibid.");
    assert_eq!(notes[37], "Luxemburg, The Russian Revolution, 71.");
}

#[test]
fn an_author_date_style_cites_in_the_text() {
    let (book, _) = checked(&variant("author-date", "csl = \"chicago-author-date\"\n"));
    // Only the written notes are notes.
    assert_eq!(book.notes.len(), 2);
    let opening = plain_text(match &book.chapters[0].sections[0].blocks[0] {
        Block::Paragraph(p) => p,
        other => panic!("{other:?}"),
    });
    assert!(opening.contains("says so.(Smith 2016, 315–16)"), "{opening}");
    assert_eq!(notes(&book)[0], "A written note that cites as well: on this see (Darnton 1990, 115), and for the contrary view, which McKenzie (1969) argues, see (McKenzie 1969, 12, emphasis added).");
    assert!(bibliography(&book).iter().any(|(_, t)| t == "Smith, Zadie. 2016. Swing Time. Penguin Press."));
}

#[test]
fn mistakes_are_located() {
    let dir = std::env::temp_dir().join(format!("quire-cite-mistakes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("good.bib"), "@book{reed1919,\n  author = {Reed, John},\n  title = {Ten Days},\n  date = {1919},\n}\n").unwrap();
    std::fs::write(dir.join("bad.bib"), "@book{reed1919,\n  author = {Reed, John},\n  title = {Ten Days\n").unwrap();
    std::fs::write(dir.join("bad.csl"), "<style><nonsense/></style>").unwrap();
    let run = |front: &str, body: &str| {
        let path = dir.join("t.md");
        let text = format!("+++\ntitle = \"T\"\nauthor = \"A\"\nlanguage = \"en\"\n{front}+++\n\n{body}\n");
        std::fs::write(&path, &text).unwrap();
        check_text(&path, &text, None).diagnostics
    };
    // An unknown key: an error at the key, with the nearest known one.
    let found = run("bibliography = \"good.bib\"\n", "Text.[@reed1918, p. 3]");
    let error = found.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!(error.message, "the bibliography has no entry `reed1918`");
    assert_eq!(error.at.map(|a| (a.line, a.column)), Some((8, 7)), "at the `@`");
    assert!(error.to_string().contains("did you mean `@reed1919`?"), "{error}");
    // A malformed bibliography: its own file, line and column.
    let found = run("bibliography = \"bad.bib\"\n", "Text.[@reed1919]");
    let error = found.iter().find(|d| d.is_error()).expect("an error");
    assert!(error.file.ends_with("bad.bib") && error.at.is_some(), "{error}");
    // A bibliography that is not there: at the key that names it.
    let found = run("bibliography = \"none.bib\"\n", "Text.[@reed1919]");
    let error = found.iter().find(|d| d.is_error()).expect("an error");
    assert!(error.message.starts_with("the bibliography `none.bib` cannot be read"), "{error}");
    assert_eq!(error.at.map(|a| a.line), Some(5));
    // A CSL file that does not parse.
    let found = run("bibliography = \"good.bib\"\ncsl = \"bad.csl\"\n", "Text.[@reed1919]");
    assert!(found.iter().any(|d| d.is_error() && d.message.contains("is not a CSL style")), "{found:?}");
    // `@word` in the text that is no key stays as typed, with a warning.
    let found = run("bibliography = \"good.bib\"\n", "Write to @home.[@reed1919]");
    assert!(found.iter().all(|d| !d.is_error()), "{found:?}");
    assert!(found.iter().any(|d| d.message.contains("`@home` is set as written")), "{found:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn both_editions_carry_the_bibliography_and_link_to_it() {
    let out = std::env::temp_dir().join(format!("quire-cite-editions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let options = BuildOptions { manuscript: folder().join("cited.md"), out_dir: out.clone(), editions: vec![Edition::Epub, Edition::Pdf], style: None, resources: None, marks: false, two_pass: false, signatures: None, pages: None, pdf_standard: Default::default() };
    let report = build(&options).expect("builds");
    let epub = report.written.iter().find(|p| p.extension().is_some_and(|e| e == "epub")).unwrap();
    let files = common::epub_entries(epub);
    // The markers of the print edition's page breaks (`<span … epub:type="pagebreak" …></span>`) left out.
    let text = |name: &str| {
        let mut xhtml = String::from_utf8(files.iter().find(|(k, _)| k.ends_with(name)).unwrap_or_else(|| panic!("{name}")).1.clone()).unwrap();
        while let Some(start) = xhtml.find("<span id=\"page-") {
            let end = start + xhtml[start..].find("</span>").unwrap() + "</span>".len();
            xhtml.replace_range(start..end, "");
        }
        xhtml
    };
    let bibliography = text("bibliography.xhtml");
    assert!(bibliography.contains("epub:type=\"bibliography\" role=\"doc-bibliography\""));
    assert_eq!(bibliography.matches("epub:type=\"biblioentry\"").count(), 30);
    assert!(bibliography.contains("<li id=\"bib-smith2016\" epub:type=\"biblioentry\">Smith, Zadie. <em>Swing Time</em>. Penguin Press, 2016."));
    let endnotes = text("endnotes.xhtml");
    assert!(endnotes.contains("<a href=\"bibliography.xhtml#bib-smith2016\">Zadie Smith, <em>Swing Time</em> (Penguin Press, 2016), 315–16</a>."), "{endnotes}");
    // Every link to an entry leads to one.
    for link in endnotes.match_indices("bibliography.xhtml#").map(|(i, _)| &endnotes[i + 19..]) {
        let id = &link[..link.find('"').unwrap()];
        assert!(bibliography.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let pdf = report.written.iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).unwrap();
    let words = String::from_utf8(std::process::Command::new("pdftotext").arg(pdf).arg("-").output().unwrap().stdout).unwrap();
    let flat = words.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Bibliography"));
    assert!(flat.contains("Smith, Zadie. Swing Time. Penguin Press, 2016."), "{flat}");
    assert!(flat.contains("1. Zadie Smith, Swing Time (Penguin Press, 2016), 315–16."), "{flat}");
    // In the PDF too, each citation's text leads to its entry, which is a destination.
    let doc = lopdf::Document::load(pdf).unwrap();
    let names = common::destination_names(&doc);
    let to_entries: Vec<String> = common::link_actions(&doc)
        .into_iter()
        .filter_map(|(_, action)| action.get(b"D").ok().and_then(|d| d.as_str().ok()).map(|d| String::from_utf8_lossy(d).into_owned()))
        .filter(|d| d.starts_with("bib-"))
        .collect();
    assert!(to_entries.iter().any(|d| d == "bib-smith2016"), "{to_entries:?}");
    assert!(to_entries.len() >= 72, "every citation of a listed work links: {}", to_entries.len());
    assert!(to_entries.iter().all(|d| names.contains(d)), "{to_entries:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("bib-")).count(), 30);
    std::fs::remove_dir_all(&out).unwrap();
}
