//! No panics on any input: generated manuscripts (front matter in TOML, YAML or pandoc's
//! `%` lines, notes and inline notes, headings, lists, quotes, tables, code, raw HTML
//! inline and in blocks, spans, fenced divs, line blocks, citations, long words, URLs, many
//! scripts, emoji, stray Markdown) go
//! through the whole pipeline in memory. Either the check reports errors, each placed
//! in the manuscript (line and column) with a help line, or both editions are made: the
//! EPUB's documents are well-formed XML and carry the manuscript's words, and the PDF
//! loads and has pages.
//!
//! 64 cases by default, to keep `cargo test` quick. A longer run:
//! `PROPTEST_CASES=20000 nice -n 10 cargo test --release --test fuzz -- --test-threads 1`
//! (20,000 cases took 17 minutes on the 2-core machine; two earlier runs found the bugs
//! kept in `tests/regressions/`.) A crashing input, once fixed, goes into `tests/regressions/` (see `regressions` below).

mod common;

use std::io::Read;

use common::{epub_text, pipeline};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

const WORDS: &[&str] = &[
    "the", "workers", "took", "power", "revolution", "Bolsheviks", "V. I. Lenin", "vol. 24", "No. 1", "café", "naïve",
    "Россия", "революция", "Ελλάδα", "العربية", "עברית", "中文字", "日本語", "한국어", "हिन्दी", "ภาษาไทย", "👩‍👩‍👧", "🇦🇺", "❤️", "e\u{301}",
    "\u{a0}", "\u{ad}", "\u{200b}", "\u{feff}", "\t", "'", "\"", "--", "---", "...", "&amp;", "&#0;", "&nbsp;", "\\", "*", "_", "`",
    "[", "]", "<", ">", "|", "#", "+++", "[^", "^]", "https://example.org/a_(b)?c=d&e", "<https://example.org>", "x@y.org",
];

/// Rare, since each one makes the manuscript fail the check.
const HOSTILE: &[&str] = &["\u{1}", "\u{0}", "&#1;", "&#xFFFF;", "\u{ffff}", "[^undefined]"];

/// Link targets, most of which must not be live: each keeps its text, with a warning.
const LINKS: &[&str] = &[
    "javascript:alert(1)", "JavaScript:x", "file:///etc/passwd", "data:text/html,x", "vbscript:x", "/about", "//host/x", "../up.md",
    "chapter.md", "#nowhere", "#sec-x", "#opening", "#a", "mailto:a@b.org", "<java&#9;script:x>", "&#106;avascript:x", "",
];

/// Heading attributes as pandoc writes them, good and bad ids among them.
const HEADING_ATTRIBUTES: &[&str] = &["{#a}", "{#a .unnumbered}", "{.unlisted}", "{#1st}", "{#note-1}", "{#x y}", "{#a-title}", "{#é}", "{}", "{#}"];

/// Inline HTML elements with a Markdown meaning, and some without.
const HTML_INLINE: &[&str] = &["em", "i", "strong", "b", "sup", "sub", "del", "s", "code", "small", "span lang=\"fr\"", "span lang=\"\"", "u", "mark", "abbr title=\"x\""];

/// HTML as it comes: void and unclosed elements, stray end tags, script, broken tags.
const HTML_PIECES: &[&str] = &[
    "<br>", "<br/>", "<em>", "</b>", "<wbr>", "<script>1</script>", "<style>.x{}</style>", "<img src=\"tests/manuscripts/clean.md\" alt=\"pic\">",
    "<img>", "<a href=\"https://example.org\">", "</a>", "<span lang=fr>", "</span>", "<a href='x", "<!-- c -->", "<", "</", "<x y=\"", "&eacute;",
];

/// pandoc's attributes after a bracketed span.
const SPAN_ATTRIBUTES: &[&str] = &["{lang=fr}", "{lang=\"de-AT\"}", "{.smallcaps}", "{#id}", "{}", "{lang=}", ""];

const LABELS: &[&str] = &["a", "b", "note", "1", "x y", "ü"];
/// Images the check refuses.
const REFUSED_IMAGES: &[&str] = &["images/none.png", "../../etc/passwd", "/etc/passwd", "", "https://example.org/i.png", ".."];

/// Pictures quire places, and bad ones it refuses with an error (relative to the crate, where tests run).
const PICTURES: &[&str] = &[
    "tests/manuscripts/images/disc.png",
    "tests/manuscripts/images/photo.jpg",
    "tests/manuscripts/images/diagram.svg",
    "tests/manuscripts/images/reaching.svg",
    "tests/manuscripts/images/unsupported.gif",
];
const BAD_PICTURES: &[&str] = &["tests/manuscripts/images/bad-truncated.png", "tests/manuscripts/images/bad-bomb.png", "tests/manuscripts/images/bad-malformed.svg"];

/// Mostly a file that exists (relative to the crate, where tests run): a picture or
/// a file that is none; rarely one the check refuses.
fn image() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        20 => Just("tests/manuscripts/clean.md"),
        20 => proptest::sample::select(PICTURES),
        1 => proptest::sample::select(BAD_PICTURES),
        1 => proptest::sample::select(REFUSED_IMAGES),
    ]
}

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        500 => proptest::sample::select(WORDS).prop_map(str::to_owned),
        60 => "\\PC{1,12}",
        20 => "[a-zA-Z]{100,3000}",
        1 => proptest::sample::select(HOSTILE).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn inline() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        8 => word(),
        1 => proptest::sample::select(LABELS).prop_map(|l| format!("[^{l}]")),
        1 => (word(), image()).prop_map(|(alt, src)| format!("![{alt}]({src})")),
        1 => (word(), word()).prop_map(|(t, u)| format!("[{t}](https://example.org/{u})")),
        1 => (word(), proptest::sample::select(LINKS)).prop_map(|(t, u)| format!("[{t}]({u})")),
        1 => word().prop_map(|w| format!("`{w}`")),
        1 => Just("<span class=\"x\">".to_owned()),
        2 => (proptest::sample::select(HTML_INLINE), word()).prop_map(|(tag, w)| format!("<{tag}>{w}</{}>", tag.split(' ').next().unwrap_or(tag))),
        1 => (word(), proptest::sample::select(LINKS)).prop_map(|(t, u)| format!("<a href=\"{u}\">{t}</a>")),
        1 => proptest::sample::select(HTML_PIECES).prop_map(str::to_owned),
        1 => word().prop_map(|w| format!("^[{w}]")),
        1 => (word(), proptest::sample::select(SPAN_ATTRIBUTES)).prop_map(|(w, a)| format!("[{w}]{a}")),
        1 => Just("[see @doe99, p. 3; @roe]".to_owned()),
        1 => Just("  \n".to_owned()),
        1 => Just("  ".to_owned()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| format!("*{}*", v.join(" "))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| format!("**{}**", v.join(" "))),
            prop::collection::vec(inner, 1..4).prop_map(|v| format!("~~{}~~", v.join(" "))),
        ]
    })
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(inline(), 1..8).prop_map(|v| v.join(" "))
}

fn block() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        6 => line(),
        2 => (1..=7usize, line()).prop_map(|(n, l)| format!("{} {l}", "#".repeat(n))),
        1 => (1..=3usize, line(), proptest::sample::select(HEADING_ATTRIBUTES)).prop_map(|(n, l, a)| format!("{} {l} {a}", "#".repeat(n))),
        1 => (proptest::sample::select(LABELS), prop::option::weighted(0.97, line())).prop_map(|(label, l)| format!("[^{label}]: {}", l.unwrap_or_default())),
        1 => prop::collection::vec(line(), 1..4).prop_map(|rows| {
            let mut table = String::from("| a | b |\n|---|:-:|\n");
            for row in rows {
                table.push_str(&format!("| {} | x |\n", row.replace('|', "\\|")));
            }
            table
        }),
        1 => line().prop_map(|l| format!("```\n{l}\n```")),
        1 => line().prop_map(|l| format!("    {l}")),
        1 => line().prop_map(|l| format!("<div>\n{l}\n</div>")),
        1 => (proptest::sample::select(HTML_BLOCK_OPENINGS), line()).prop_map(|(open, l)| format!("{open}\n\n{l}\n\n</div>")),
        1 => (proptest::sample::select(HTML_BLOCK_OPENINGS), line()).prop_map(|(open, l)| format!("{open}\n{l}\n</div>")),
        1 => (line(), line()).prop_map(|(a, b)| format!("<table><tr><td>{a}</td><td>{b}</td></tr></table>")),
        1 => (line(), line()).prop_map(|(a, b)| format!("<p align=\"center\">{a}<br>\n<b>{b}</b></p>")),
        1 => line().prop_map(|l| format!("<pre>\n{l}\n</pre>")),
        1 => Just("<style>\np { color: red }\n</style>".to_owned()),
        1 => Just("</div>".to_owned()),
        1 => prop::collection::vec(line(), 1..4).prop_map(|lines| lines.iter().enumerate().map(|(i, l)| format!("|{} {}", " ".repeat(i), l.replace('\n', " "))).collect::<Vec<_>>().join("\n")),
        1 => (proptest::sample::select(FENCES), line(), prop::bool::weighted(0.9)).prop_map(|(fence, l, closed)| format!("{fence}\n\n{l}{}", if closed { "\n\n:::" } else { "" })),
        1 => Just(":::".to_owned()),
        1 => Just("<!-- a note to self -->".to_owned()),
        1 => Just("---".to_owned()),
        1 => any::<String>(),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.iter().map(|b| format!("- {}", b.replace('\n', "\n  "))).collect::<Vec<_>>().join("\n")),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.iter().enumerate().map(|(i, b)| format!("{}. {}", i + 1, b.replace('\n', "\n   "))).collect::<Vec<_>>().join("\n")),
            inner.prop_map(|b| b.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")),
        ]
    })
}

/// How a `<div>` opens: read as Markdown, in a language, or neither.
const HTML_BLOCK_OPENINGS: &[&str] = &["<div lang=\"fr\">", "<div markdown=\"1\">", "<div markdown=\"block\" lang=\"de\">", "<div class=\"note\">", "<div lang=\"\">"];

/// pandoc's fenced divs.
const FENCES: &[&str] = &["::: {lang=fr}", ":::: {.note lang=\"ru\"}", "::: warning", ":::{lang=}", "::: two words"];

/// TOML text as the front matter needs it written.
fn toml_text(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![6 => toml_front_matter(), 6 => yaml_front_matter(), 1 => title_block(), 1 => Just(String::new())]
}

/// pandoc's `%` title block: a title, authors at `;`, a date written any way.
fn title_block() -> impl Strategy<Value = String> {
    let date = proptest::sample::select(&["2017-10-25", "November 13, 2015", "13 Nov 2015", "last spring", "", "2015/11/13"][..]);
    (line(), line(), date, prop::bool::ANY).prop_map(|(title, author, date, continued)| {
        let (title, author) = (title.replace('\n', " "), author.replace('\n', " "));
        format!("% {title}\n% {author}; Bo Bell{}\n% {date}\n\n", if continued { "\n  Cy Cole" } else { "" })
    })
}

fn toml_front_matter() -> impl Strategy<Value = String> {
    let title = prop_oneof![30 => line().prop_map(|l| toml_text(&l)), 1 => Just("5".to_owned())];
    let language = prop_oneof![
        30 => proptest::sample::select(&["en", "en-AU", "fr", "ru", "zh-Hans", "de-1996", "xx"][..]),
        1 => proptest::sample::select(&["english", "en_AU", ""][..]),
    ];
    let date = prop_oneof![
        30 => proptest::sample::select(&["", "date = \"2017\"\n", "date = \"2017-10-25\"\n", "date = \"2017-02-31\"\n"][..]),
        1 => proptest::sample::select(&["date = \"17\"\n", "date = 2017-10-25\n"][..]),
    ];
    let extra = proptest::sample::select(&["", "smart_punctuation = false\n", "back_matter = [\"Notes\", \"Further reading\"]\n", "autor = \"x\"\n", "subtitle = \"A standfirst\"\n", "lang = \"fr\"\n", "author = [\"A\", \"B\"]\n"][..]);
    (title, line(), language, date, extra).prop_map(|(title, author, language, date, extra)| {
        format!("+++\ntitle = {title}\nauthor = {}\nlanguage = \"{language}\"\n{date}{extra}+++\n\n", toml_text(&author))
    })
}

/// Text as a YAML double-quoted scalar.
fn yaml_text(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// YAML as pandoc users write it: text quoted or plain, lists, pandoc's names, and rarely
/// something hostile: aliases that fan out, nesting without end, an alias to nothing, a
/// key left open.
fn yaml_front_matter() -> impl Strategy<Value = String> {
    let title = prop_oneof![20 => line().prop_map(|l| yaml_text(&l)), 5 => Just("A plain title".to_owned()), 1 => Just("1984".to_owned())];
    let author = prop_oneof![10 => line().prop_map(|l| yaml_text(&l)), 3 => Just("[Ann, Bob, Cy]".to_owned()), 2 => Just("\n  - name: Ann\n  - Bob".to_owned()), 1 => Just(String::new())];
    let language = proptest::sample::select(&["lang: en\n", "lang: fr-CA\n", "language: ru\n", "", "lang: english\n"][..]);
    let extra = prop_oneof![
        30 => proptest::sample::select(&["", "date: 2017-10-25\n", "date: 2017\n", "abstract: |\n  A standfirst\n  on two lines.\n", "keywords: [a, b]\n", "subject: one\n", "smart_punctuation: false\n", "header-includes: \\usepackage{x}\n", "description:\n"][..]),
        1 => proptest::sample::select(&["a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "title2: [[[[[[[[[[\n", "subtitle: *nothing\n", "? [complex, key]\n: value\n", "subtitle: \"unclosed\n", "- a list\n"][..]),
    ];
    (title, author, language, extra).prop_map(|(title, author, language, extra)| format!("---\ntitle: {title}\nauthor: {author}\n{language}{extra}---\n\n"))
}

fn manuscript() -> impl Strategy<Value = String> {
    (front_matter(), prop::collection::vec(block(), 1..12), prop::bool::weighted(0.95)).prop_map(|(head, blocks, define_all)| {
        let mut text = format!("{head}{}\n", blocks.join("\n\n"));
        // Most manuscripts define the notes they cite, so that most reach the editions.
        let undefined: Vec<&str> = LABELS.iter().copied().filter(|l| define_all && !text.contains(&format!("[^{l}]:"))).collect();
        for label in undefined {
            text.push_str(&format!("\n[^{label}]: The note {label}.\n"));
        }
        text
    })
}

/// Every `href` attribute of the EPUB's documents (not text that looks like one: a title
/// may hold `<a href="…">` as words).
fn hrefs(epub: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("the EPUB is a zip");
    let mut found = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.name().ends_with(".xhtml") {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
            let document = roxmltree::Document::parse_with_options(&text, options).expect("well-formed");
            found.extend(document.descendants().filter_map(|n| n.attribute("href")).map(str::to_owned));
        }
    }
    found
}

/// Every XML document in the EPUB parses.
fn assert_well_formed(epub: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("the EPUB is a zip");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().to_owned();
        if [".xhtml", ".opf", ".ncx", ".xml"].iter().any(|x| name.ends_with(x)) {
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
            match roxmltree::Document::parse_with_options(&text, options) {
                Err(e) => panic!("{name} is not well-formed: {e}"),
                // An id names one element: links and the contents lead to it.
                Ok(document) => {
                    let mut ids: Vec<&str> = document.descendants().filter_map(|n| n.attribute("id")).collect();
                    ids.sort_unstable();
                    let count = ids.len();
                    ids.dedup();
                    assert_eq!(ids.len(), count, "{name} has an id twice");
                }
            }
        }
    }
}

/// The words of the manuscript's text that every edition must carry, found by a parse of
/// its own: whole words of ASCII letters and digits (so no typography pass or normalisation
/// can change them) from text and code, leaving out what no edition shows (the front matter
/// and pandoc's title block,
/// raw HTML, notes, which are left out when nothing cites them, and images).
fn text_words(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    // pandoc's `%` title block is front matter: its date is shown by no edition's text.
    let text = match text.strip_prefix('%') {
        Some(_) => text.split_once("\n\n").map_or("", |(_, rest)| rest),
        None => text,
    };
    // A fenced div's `:::` lines are markup: its classes (`::: warning`) are shown nowhere.
    let text: String = text.split_inclusive('\n').filter(|l| !l.starts_with(":::")).collect();
    let mut hidden = 0usize;
    let mut words = Vec::new();
    for event in Parser::new_ext(&text, options) {
        match event {
            Event::Start(Tag::MetadataBlock(_) | Tag::HtmlBlock | Tag::FootnoteDefinition(_) | Tag::Image { .. }) => hidden += 1,
            Event::End(TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock | TagEnd::FootnoteDefinition | TagEnd::Image) => hidden -= 1,
            Event::Text(t) | Event::Code(t) if hidden == 0 => {
                words.extend(t.split(char::is_whitespace).filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_alphanumeric())).map(str::to_owned));
            }
            _ => {}
        }
    }
    words
}

/// Runs one manuscript; panics (the failure) on anything but a clean outcome: a book whose
/// editions load and carry its text, or errors that each say where and how to fix them.
fn holds(text: &str) {
    let outcome = pipeline(text);
    if std::env::var_os("FUZZ_SHOW").is_some() { eprintln!("{}", match &outcome { Ok(_) => "BUILT".to_string(), Err(d) => d.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect::<Vec<_>>().join(" / ") }); }
    let lines: Vec<&str> = text.split('\n').collect();
    // Every position, on an error or a warning, is a character of the manuscript (or just after its line's last).
    let placed = |d: &quire::diagnostics::Diagnostic| match d.at {
        Some(at) => d.file.ends_with("in-memory.md") && at.line >= 1 && at.column >= 1 && lines.get(at.line - 1).is_some_and(|l| at.column <= l.chars().count() + 1),
        None => false,
    };
    match outcome {
        Ok(editions) => {
            assert_well_formed(&editions.epub);
            let pdf = lopdf::Document::load_mem(&editions.pdf).unwrap_or_else(|e| panic!("the PDF does not load: {e}"));
            assert!(!pdf.get_pages().is_empty(), "the PDF has no page");
            let xhtml = epub_text(&editions.epub);
            // Only links safe to follow are live: the web, e-mail, and the book's own documents.
            for href in hrefs(&editions.epub) {
                let href = href.as_str();
                let lower = href.to_ascii_lowercase();
                let web = ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s));
                let own = href.split('#').next().is_some_and(|file| file.is_empty() || (file.ends_with(".xhtml") || file.ends_with(".css")) && !file.contains(['/', ':']));
                assert!(web || own, "a live link to {href:?}");
            }
            for word in text_words(text) {
                assert!(xhtml.contains(&word), "{word:?} of the manuscript is not in the EPUB");
            }
            for w in editions.warnings.iter().filter(|w| w.at.is_some()) {
                assert!(placed(w), "{w}");
            }
        }
        Err(diagnostics) => {
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                assert!(placed(d), "an error without its place in the manuscript:\n{d}\n{:?}", d.at);
                assert!(d.help.as_ref().is_some_and(|h| !h.trim().is_empty()), "an error without a help line:\n{d}");
            }
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
}

proptest! {
    #![proptest_config(Config { cases: cases(), failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() })]

    #[test]
    fn any_manuscript_builds_or_reports_errors(text in manuscript()) {
        holds(&text);
    }
}

/// The picture readers on random bytes, and on the test pictures cut short at any
/// length or with any byte changed: a picture or a reason, never a panic, and never
/// a picture past the size limit.
fn picture_bytes() -> impl Strategy<Value = Vec<u8>> {
    let files: Vec<Vec<u8>> = ["bands.png", "disc.png", "tall-palette.png", "photo.jpg", "grey-portrait.jpg", "diagram.svg", "gradient.svg", "reaching.svg"]
        .iter()
        .map(|name| std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts/images").join(name)).unwrap())
        .collect();
    let file = proptest::sample::select(files);
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2000),
        // A known signature, then noise.
        (proptest::sample::select(vec![b"\x89PNG\r\n\x1a\n".to_vec(), vec![0xFF, 0xD8, 0xFF], b"<svg ".to_vec()]), proptest::collection::vec(any::<u8>(), 0..500))
            .prop_map(|(mut head, tail)| { head.extend(tail); head }),
        (file.clone(), any::<proptest::sample::Index>()).prop_map(|(bytes, cut)| bytes[..cut.index(bytes.len() + 1)].to_vec()),
        (file, any::<proptest::sample::Index>(), any::<u8>()).prop_map(|(mut bytes, at, value)| {
            let at = at.index(bytes.len());
            bytes[at] = value;
            bytes
        }),
    ]
}

proptest! {
    #![proptest_config(Config { cases: cases() * 4, failure_persistence: Some(Box::new(FileFailurePersistence::Off)), ..Config::default() })]

    #[test]
    fn any_bytes_are_a_picture_or_a_reason(bytes in picture_bytes()) {
        if std::env::var_os("FUZZ_SHOW").is_some() { eprintln!("{} bytes", bytes.len()); }
        match quire::images::from_bytes(bytes) {
            Ok((picture, _)) => prop_assert!(picture.width > 0 && picture.height > 0 && (!picture.is_raster() || u64::from(picture.width) * u64::from(picture.height) <= quire::images::MAX_PIXELS)),
            Err(problem) => {
                let why = format!("{problem:?}");
                prop_assert!(why.len() > 10, "{}", why);
            }
        }
    }
}

/// Words inside `~~…~~` once vanished from every edition without a word: they are kept
/// (struck through: `<del>` in the EPUB, a rule in print), so no warning is needed.
#[test]
fn strikethrough_keeps_its_text() {
    let editions = pipeline(&format!("{}Before ~~struck~~ after.\n", common::HEAD)).expect("a clean manuscript builds");
    assert!(epub_text(&editions.epub).contains("<del>struck</del>"), "the struck-through word is not in the EPUB");
    assert!(!editions.warnings.iter().any(|w| w.message.contains("struck")), "{:?}", editions.warnings);
}

/// A bug the generator does not reach (it writes only bare keys): a control character in a
/// front-matter value whose key is quoted (`"title" = …`, valid TOML) is reported with no
/// line or column, as `--> in-memory.md` alone.
#[test]
#[ignore = "bug: the error for a control character under a quoted front-matter key has no position"]
fn a_control_character_under_a_quoted_key_is_placed() {
    let text = "+++\n\"title\" = \"A\\u0001b\"\nauthor = \"x\"\nlanguage = \"en\"\n+++\n\nText.\n";
    let Err(diagnostics) = pipeline(text) else { panic!("a control character is refused") };
    let error = diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(error.at.map(|at| at.line), Some(2), "{error}");
}

/// Inputs that once crashed the pipeline or broke an edition, kept as they were found.
#[test]
fn regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "md")).collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let outcome = std::panic::catch_unwind(|| holds(&text));
        assert!(outcome.is_ok(), "{} fails again", file.display());
    }
}
