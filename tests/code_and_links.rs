//! Code and links in the reader PDF: code set in the monospaced face as typed,
//! its long lines turned over inside the text block, short blocks kept on one
//! page; web and mail links clickable, nothing else.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Document, Object};

/// The reader PDF of `body` (a manuscript without its front matter), written to a file of its own.
fn reader_pdf(name: &str, body: &str) -> PathBuf {
    let editions = common::pipeline(&format!("{}{body}", common::HEAD)).unwrap_or_else(|d| panic!("{d:?}"));
    let path = std::env::temp_dir().join(format!("quire-code-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, editions.pdf).unwrap();
    path
}

fn pdftotext(pdf: &Path, args: &[&str]) -> String {
    let out = Command::new("pdftotext").args(args).arg(pdf).arg("-").output().expect("pdftotext runs");
    String::from_utf8(out.stdout).unwrap()
}

fn fenced(language: &str, code: &str) -> String {
    format!("```{language}\n{code}\n```\n")
}

const PYTHON: &str = "def walk(tree):\n    for node in tree:\n        if node.leaf:\n            yield node\n        else:\n            yield from walk(node)\n    return";

#[test]
fn python_keeps_its_indentation() {
    let pdf = reader_pdf("python", &format!("Before the code.\n\n{}\nAfter.\n", fenced("python", PYTHON)));
    let text = pdftotext(&pdf, &["-layout"]);
    let lines: Vec<&str> = text.lines().filter(|l| ["def ", "for ", "if ", "yield", "else", "return"].iter().any(|w| l.trim_start().starts_with(w))).collect();
    assert_eq!(lines.len(), 7, "{text}");
    let indent = |line: &str| line.len() - line.trim_start().len();
    let relative: Vec<usize> = lines.iter().map(|l| indent(l) - indent(lines[0])).collect();
    assert_eq!(relative, [0, 4, 8, 12, 8, 12, 4], "{lines:#?}");
    std::fs::remove_file(&pdf).unwrap();
}

/// The base fonts of the PDF's fonts.
fn base_fonts(doc: &Document) -> Vec<String> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(Object::as_name).is_ok_and(|n| n == b"Font"))
        .filter_map(|d| d.get(b"BaseFont").and_then(Object::as_name).ok().map(|n| String::from_utf8_lossy(n).into_owned()))
        .collect()
}

#[test]
fn code_is_in_the_monospaced_face_and_prose_is_not() {
    let prose = reader_pdf("prose", "Prose only, no code at all.\n");
    assert!(!base_fonts(&Document::load(&prose).unwrap()).iter().any(|f| f.contains("LinLibertineM")), "an unused face is not embedded");
    let pdf = reader_pdf("mono", &format!("Call `walk()` on it.\n\n{}", fenced("", "x = 1")));
    let fonts = base_fonts(&Document::load(&pdf).unwrap());
    assert!(fonts.iter().any(|f| f.ends_with("+LinLibertineMO")), "{fonts:?}");
    std::fs::remove_file(&pdf).unwrap();
    std::fs::remove_file(&prose).unwrap();
}

/// A word on a page, as `pdftotext -bbox` reports it: its page, left and right ends, text.
fn words(pdf: &Path) -> Vec<(usize, f32, f32, String)> {
    let html = pdftotext(pdf, &["-bbox"]);
    let mut page = 0;
    let mut out = Vec::new();
    for line in html.lines().map(str::trim_start) {
        if line.starts_with("<page") {
            page += 1;
        }
        if !line.starts_with("<word") {
            continue;
        }
        let [x_min, x_max] = ["xMin", "xMax"].map(|name| {
            let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            line[start..].split('"').next().unwrap().parse().unwrap()
        });
        let text = line.split_once('>').and_then(|(_, rest)| rest.split_once("</word>")).map(|(t, _)| t.to_owned()).unwrap_or_default();
        let text = text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        out.push((page, x_min, x_max, text));
    }
    out
}

#[test]
fn a_300_character_line_turns_over_inside_the_text_block_and_loses_nothing() {
    let call = format!("    total = combine({})", (0..40).map(|i| format!("value_{i}")).collect::<Vec<_>>().join(", "));
    let unbroken = format!("key = \"{}\"", "abcdefghij".repeat(30));
    assert!(call.len() > 300 && unbroken.len() > 300);
    let pdf = reader_pdf("long", &fenced("", &format!("{call}\n{unbroken}")));
    let style = &common::resources().style;
    let (left, right) = (style.left_margin(0), style.page_width() - style.left_margin(0));
    let words = words(&pdf);
    for (page, x_min, x_max, text) in &words {
        assert_eq!(*page, 1);
        assert!(*x_min >= left - 0.5 && *x_max <= right + 0.5, "{text:?} at {x_min}–{x_max}, the text block is {left}–{right}");
    }
    let marks = words.iter().filter(|w| w.3 == "↪").count();
    assert!(marks >= 8, "each continuation is marked: {marks}");
    // After the title ("A test") and the byline ("A. Writer").
    let set: String = words.iter().skip(4).filter(|w| w.3 != "↪").map(|w| w.3.as_str()).collect();
    let typed: String = format!("{call}{unbroken}").split_whitespace().collect();
    assert_eq!(set, typed, "every character is set, in order");
    std::fs::remove_file(&pdf).unwrap();
}

#[test]
fn a_short_block_stays_on_one_page_and_a_long_one_breaks_with_two_lines_each_side() {
    // Blocks after paragraphs of every length fall at every height of a page.
    const BLOCKS: usize = 60;
    let mut body = String::new();
    for k in 0..BLOCKS {
        body.push_str(&"Text that runs on for a while before the code. ".repeat(1 + k % 5));
        body.push_str("\n\n");
        let lines = if k % 3 == 2 { 14 } else { 8 };
        let code: Vec<String> = (0..lines).map(|line| format!("block{k}_line{line} = {line}")).collect();
        body.push_str(&fenced("", &code.join("\n")));
        body.push('\n');
    }
    let pdf = reader_pdf("keeps", &body);
    let pages: Vec<String> = pdftotext(&pdf, &[]).split('\u{c}').map(str::to_owned).collect();
    for k in 0..BLOCKS {
        let counts: Vec<usize> = pages.iter().map(|page| page.matches(&format!("block{k}_line")).count()).filter(|&n| n > 0).collect();
        if k % 3 == 2 {
            assert!(counts.iter().all(|&n| n >= 2) && counts.iter().sum::<usize>() == 14, "block {k}: {counts:?} lines a page");
        } else {
            assert_eq!(counts, [8], "block {k} is on one page");
        }
    }
    std::fs::remove_file(&pdf).unwrap();
}

/// The action of every link annotation: (`S`, its target: `D` or `URI`).
fn actions(doc: &Document) -> Vec<(String, String)> {
    common::link_actions(doc)
        .into_iter()
        .map(|(_, action)| {
            let kind = String::from_utf8_lossy(action.get(b"S").unwrap().as_name().unwrap()).into_owned();
            let target = action.get(b"URI").or_else(|_| action.get(b"D")).unwrap().as_str().unwrap();
            (kind, String::from_utf8_lossy(target).into_owned())
        })
        .collect()
}

#[test]
fn web_and_mail_links_are_clickable_and_nothing_else_is() {
    let body = "See [the archive](https://example.org/a?q=1917&p=2), [its author](mailto:someone@example.org), \
                [the old site](HTTP://example.org/old), [Пётр](https://example.org/Пётр), \
                [a script](javascript:alert(1)), [a file](file:///etc/passwd) and [a page](other.html).\n";
    let pdf = reader_pdf("links", body);
    let uris: Vec<String> = actions(&Document::load(&pdf).unwrap()).into_iter().map(|(kind, target)| {
        assert_eq!(kind, "URI");
        target
    }).collect();
    let mut distinct = uris.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        ["https://example.org/a?q=1917&p=2", "mailto:someone@example.org", "HTTP://example.org/old", "https://example.org/%D0%9F%D1%91%D1%82%D1%80"],
        "in order; a non-ASCII address percent-encoded"
    );
    assert_eq!(uris.len(), 4, "one for each link on one line, not one for each word: {uris:?}");
    let text = pdftotext(&pdf, &[]);
    assert!(text.contains("a script") && text.contains("a page"), "links not followed still print their text: {text}");
    std::fs::remove_file(&pdf).unwrap();
}
