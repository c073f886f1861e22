//! One small manuscript per problem `quire check` knows, each run through the real
//! binary: the exact diagnostics (severity, message, line, column) and the exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

#[derive(Debug, PartialEq)]
struct Found {
    severity: String,
    message: String,
    at: Option<(usize, usize)>,
}

fn manuscripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(QUIRE).args(args).current_dir(dir).env_remove("NO_COLOR").output().expect("quire runs")
}

/// Reads rustc-style reports back: `severity: message` then `  --> file:line:col`.
fn parse(stderr: &str, file: &str) -> Vec<Found> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((severity, message)) = line.split_once(": ") else { continue };
        if !["error", "warning"].contains(&severity) {
            continue;
        }
        let Some(location) = lines.get(i + 1).and_then(|l| l.strip_prefix("  --> ")) else { continue };
        let at = location.strip_prefix(&format!("{file}:")).map(|rest| {
            let (line, column) = rest.split_once(':').expect("line:column");
            (line.parse().unwrap(), column.parse().unwrap())
        });
        found.push(Found { severity: severity.into(), message: message.into(), at });
    }
    found
}

fn error(message: &str, line: usize, column: usize) -> Found {
    Found { severity: "error".into(), message: message.into(), at: Some((line, column)) }
}

fn warning(message: &str, line: usize, column: usize) -> Found {
    Found { severity: "warning".into(), message: message.into(), at: Some((line, column)) }
}

/// Checks `file` in `dir` and holds the run to the expected reports and exit code.
fn expect_in(dir: &Path, file: &str, code: i32, expected: &[Found]) -> String {
    let output = run(dir, &["check", file]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(parse(&stderr, file), expected, "{stderr}");
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(!stderr.contains('\x1b'), "no colour when piped: {stderr:?}");
    stderr
}

fn expect(name: &str, code: i32, expected: &[Found]) -> String {
    expect_in(&manuscripts(), &format!("{name}.md"), code, expected)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-catalogue-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const HEAD: &str = "+++\ntitle = \"A short test\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\n";

// Errors.

#[test]
fn note_reference_without_definition() {
    let stderr = expect("undefined-note", 1, &[error("note reference `[^source]` has no definition", 7, 10)]);
    // The report shows the line and puts the caret under the reference.
    assert!(stderr.contains("7 | The claim[^source] needs a source.\n  |          ^"), "{stderr}");
    assert!(stderr.contains("= help: add a line `[^source]: the note's text`"), "{stderr}");
    assert!(stderr.contains("undefined-note.md: 1 error, 0 warnings"), "{stderr}");
}

#[test]
fn note_defined_twice() {
    expect("duplicate-note", 1, &[error("note `[^a]` is defined twice (first at line 9)", 11, 1)]);
}

#[test]
fn empty_note() {
    expect("empty-note", 1, &[error("note `[^a]` is empty", 9, 1)]);
}

#[test]
fn front_matter_that_is_not_toml_names_the_key() {
    expect("front-matter-syntax", 1, &[error("invalid front matter at `title`: invalid basic string", 2, 22)]);
}

#[test]
fn front_matter_value_of_the_wrong_type_names_the_key_and_why() {
    let stderr = expect(
        "front-matter-type",
        1,
        &[error("invalid front matter: `date` is a datetime, but it must be text in double quotes", 4, 8)],
    );
    assert!(stderr.contains("= help: write `date = \"2017-10-25\"`"), "{stderr}");
}

#[test]
fn what_the_front_matter_leaves_out_is_assumed_with_a_warning() {
    let stderr = expect("missing-title", 0, &[warning("the manuscript has no title; the editions take “missing title” from the file name", 1, 1)]);
    assert!(stderr.contains("= help: add a line `title = \"…\"` to the front matter"), "{stderr}");
    expect("missing-author", 0, &[warning("the manuscript names no author; no edition names one", 1, 1)]);
    let stderr = expect("missing-language", 0, &[warning("the manuscript does not say its language; the editions assume English (`en`)", 1, 1)]);
    assert!(stderr.contains("= help: add a line `language = \"en\"` to the front matter"), "{stderr}");
}

#[test]
fn no_front_matter_at_all_takes_the_title_from_the_first_heading() {
    let stderr = expect(
        "no-front-matter",
        0,
        &[
            warning("the manuscript has no title; the editions take “A title in a heading” from its first heading", 1, 1),
            warning("the manuscript does not say its language; the editions assume English (`en`)", 1, 1),
            warning("the manuscript names no author; no edition names one", 1, 1),
        ],
    );
    assert!(stderr.contains("= help: open the file with front matter: a line `---`, a line `lang: en`, a line `---`"), "{stderr}");
}

#[test]
fn no_front_matter_and_no_heading_takes_the_title_from_the_file_name() {
    expect(
        "no-front-matter-no-heading",
        0,
        &[
            warning("the manuscript has no title; the editions take “no front matter no heading” from the file name", 1, 1),
            warning("the manuscript does not say its language; the editions assume English (`en`)", 1, 1),
            warning("the manuscript names no author; no edition names one", 1, 1),
        ],
    );
}

#[test]
fn yaml_front_matter_as_pandoc_writes_it() {
    let stderr = expect(
        "yaml-front-matter",
        0,
        &[warning("unknown front-matter key `outline` is ignored", 14, 1), warning("unknown front-matter key `autor` is ignored", 15, 1)],
    );
    assert!(stderr.contains("= help: did you mean `author`?"), "{stderr}");
}

#[test]
fn front_matter_never_closed_is_an_error_not_text() {
    let stderr = expect("unclosed-front-matter", 1, &[error("the front matter opened here is never closed", 1, 1)]);
    assert!(stderr.contains("= help: end it with a line `---` before the text"), "{stderr}");
    // A rule that opens the text, a blank line after it, is a rule.
    let dir = temp_dir("rule");
    std::fs::write(dir.join("rule.md"), "---\n\nText after a rule.\n").unwrap();
    expect_in(
        &dir,
        "rule.md",
        0,
        &[
            warning("the manuscript has no title; the editions take “rule” from the file name", 1, 1),
            warning("the manuscript does not say its language; the editions assume English (`en`)", 1, 1),
            warning("the manuscript names no author; no edition names one", 1, 1),
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn yaml_that_does_not_parse_is_placed_inside_the_block() {
    expect("yaml-syntax", 1, &[error("invalid front matter: illegal placement of ':' indicator", 4, 5)]);
}

#[test]
fn yaml_value_of_the_wrong_kind_names_the_key() {
    let stderr = expect("yaml-type", 1, &[error("invalid front matter: `title` is a mapping, but it must be text", 3, 3)]);
    assert!(stderr.contains("= help: write `title: …`"), "{stderr}");
}

#[test]
fn yaml_aliases_that_expand_without_end_are_refused() {
    // Ten aliases to the level above, nine levels deep: a billion values if expanded.
    expect("yaml-billion-laughs", 1, &[error("invalid front matter: its aliases expand to more than 10000 values", 6, 45)]);
}

#[test]
fn toml_takes_pandoc_names_and_a_list_of_authors_too() {
    let stderr = expect("toml-pandoc-keys", 0, &[warning("`lang` is ignored: the front matter gives `language` already", 4, 1)]);
    assert!(stderr.contains("= help: keep one of `lang` and `language`"), "{stderr}");
}

#[test]
fn links_that_must_not_be_live_keep_their_text_with_a_warning() {
    let kept = "its text stays, unlinked";
    let stderr = expect(
        "links",
        0,
        &[
            warning(&format!("link to `javascript:` is not kept; {kept}"), 10, 11),
            warning(&format!("link to `file:` is not kept; {kept}"), 10, 44),
            warning(&format!("link to `data:` is not kept; {kept}"), 10, 74),
            warning(&format!("link to `tel:` is not kept; {kept}"), 10, 118),
            warning(&format!("link `/about` is to a page of a web site, not to the book; {kept}"), 10, 139),
            warning(&format!("link `//evil.example/x` is to a page of a web site, not to the book; {kept}"), 10, 157),
            warning(&format!("link `chapter2.md` is to a file outside the book; {kept}"), 10, 185),
            warning(&format!("link `../secret.html` is to a file outside the book; {kept}"), 10, 211),
            warning(&format!("the link has no address; {kept}"), 10, 233),
            warning(&format!("link `#nowhere` is to no heading of the book; {kept}"), 10, 246),
            warning(&format!("link `#opening` is to no heading of the book; {kept}"), 14, 9),
            warning(&format!("link to `javascript:` is not kept; {kept}"), 14, 33),
        ],
    );
    assert!(stderr.contains("= help: only http, https and mailto links, and links to a heading (`#id`), are live in the editions"), "{stderr}");
}

#[test]
fn heading_attributes_give_the_anchor_and_are_not_printed() {
    expect(
        "heading-attributes",
        0,
        &[
            warning("heading id `#method` is used by another heading; the heading gets an id of its own", 15, 1),
            warning("heading id `#1st` is not a name an edition can use as an anchor; the heading gets an id of its own", 17, 1),
        ],
    );
}

#[test]
fn language_tag_that_is_not_bcp47() {
    expect("language-tag", 1, &[error("`en_AU` is not a BCP 47 language tag", 4, 12)]);
}

#[test]
fn image_that_does_not_exist() {
    expect("missing-image", 1, &[error("image file `images/front.png` does not exist", 9, 1)]);
}

#[test]
fn image_outside_the_manuscript_folder() {
    expect("image-outside", 1, &[error("image `../../etc/passwd` is outside the manuscript's folder", 9, 5)]);
}

#[cfg(unix)]
#[test]
fn image_that_links_outside_the_manuscript_folder() {
    let dir = temp_dir("symlink");
    let book = dir.join("book");
    std::fs::create_dir_all(book.join("images")).unwrap();
    std::fs::write(dir.join("private.png"), b"not the book's").unwrap();
    std::os::unix::fs::symlink(dir.join("private.png"), book.join("images/plate.png")).unwrap();
    std::fs::write(book.join("book.md"), format!("{HEAD}Text.\n\n![A plate](images/plate.png)\n")).unwrap();
    expect_in(&book, "book.md", 1, &[error("image `images/plate.png` links to a file outside the manuscript's folder", 9, 1)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn image_inside_the_folder_is_placed_and_a_file_that_is_no_picture_is_named() {
    let dir = temp_dir("image");
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::copy(manuscripts().join("images/disc.png"), dir.join("images/plate.png")).unwrap();
    std::fs::write(dir.join("images/text.png"), b"png").unwrap();
    std::fs::write(dir.join("book.md"), format!("{HEAD}Text.\n\n![A plate](images/plate.png)\n\n![Text](images/text.png)\n")).unwrap();
    expect_in(
        &dir,
        "book.md",
        0,
        &[
            warning("image `images/text.png` is no picture quire recognises: quire places PNG, JPEG and SVG pictures; its alt text stands in for it", 11, 1),
            // Found by typesetting, which `quire check` now does as `quire build` does.
            warning("image `images/plate.png` has too few pixels to fill the measure at 150 ppi; it is printed smaller, at its pixels' size at 150 ppi", 9, 1),
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn font_file_that_does_not_exist() {
    let dir = temp_dir("fonts");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.join("styles")).unwrap();
    std::fs::create_dir_all(dir.join("fonts")).unwrap();
    for face in ["LinLibertine_R.otf", "LinLibertine_RB.otf", "LinLibertine_RBI.otf"] {
        std::fs::copy(root.join("fonts").join(face), dir.join("fonts").join(face)).unwrap();
    }
    let list = std::fs::read_to_string(root.join("styles/fonts.toml")).unwrap();
    let list = list.replace("LinLibertine_RI.otf", "Missing_Italic.otf");
    std::fs::write(dir.join("styles/fonts.toml"), &list).unwrap();
    let line = list.lines().position(|l| l.contains("Missing_Italic")).unwrap() + 1;
    let column = list.lines().nth(line - 1).unwrap().find("Missing").unwrap() + 1;
    let clean = manuscripts().join("clean.md");
    let output = run(&dir, &["check", clean.to_str().unwrap(), "--resources", "."]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        parse(&stderr, "./styles/fonts.toml"),
        [error("font file `./fonts/Missing_Italic.otf` does not exist", line, column)],
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_that_is_not_utf8_names_the_byte_offset() {
    let dir = temp_dir("latin1");
    let mut bytes = format!("{HEAD}Caf").into_bytes();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\xe9 au lait.\n");
    std::fs::write(dir.join("latin1.md"), bytes).unwrap();
    let message = format!("the manuscript is not UTF-8 text (invalid byte 0xE9 at byte offset {offset})");
    expect_in(&dir, "latin1.md", 1, &[error(&message, 7, 4)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn windows_line_ends_and_a_byte_order_mark_keep_columns_exact() {
    let dir = temp_dir("crlf");
    let text = "\u{feff}+++\r\ntitle = \"T\"\r\nauthor = \"A\"\r\nlanguage = \"en_x\"\r\n+++\r\n\r\nText[^a] and  more.\r\n";
    std::fs::write(dir.join("crlf.md"), text).unwrap();
    expect_in(
        &dir,
        "crlf.md",
        1,
        &[
            error("`en_x` is not a BCP 47 language tag", 4, 12),
            error("note reference `[^a]` has no definition", 7, 5),
            warning("2 spaces in a row", 7, 13),
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn empty_manuscript() {
    expect("empty", 1, &[error("the manuscript is empty", 1, 1)]);
    expect("no-text", 1, &[error("the manuscript has no text after its front matter", 6, 1)]);
}

// Warnings: reported, but the check passes.

#[test]
fn note_never_referenced() {
    expect("unused-note", 0, &[warning("note `[^spare]` is never referenced and is left out", 11, 1)]);
}

#[test]
fn character_the_body_font_cannot_draw() {
    let message = |c: char| format!("the body font (LinLibertine_R.otf) has no glyph for '{c}' (U+{:04X}); the PDF prints it as a blank box", c as u32);
    expect("unsupported-character", 0, &[warning(&message('漢'), 7, 10), warning(&message('字'), 7, 11)]);
}

#[test]
fn straight_quotes_and_double_hyphens_when_smart_punctuation_is_off() {
    expect(
        "straight-punctuation",
        0,
        &[
            warning("straight quote `\"` left in the text (smart punctuation is off)", 8, 10),
            warning("straight quote `\"` left in the text (smart punctuation is off)", 8, 13),
            warning("`--` left in the text (smart punctuation is off)", 8, 15),
        ],
    );
}

#[test]
fn straight_quotes_are_reported_ten_times_then_counted() {
    let dir = temp_dir("many-quotes");
    let text = format!("{}\nsmart_punctuation = false\n+++\n\n{}\n", HEAD.trim_end().trim_end_matches("+++").trim_end(), "it's ".repeat(13));
    std::fs::write(dir.join("book.md"), text).unwrap();
    let mut expected: Vec<Found> =
        (0..10).map(|i| warning("straight quote `'` left in the text (smart punctuation is off)", 8, 3 + 5 * i)).collect();
    expected.push(warning("3 more straight quotes left in the text from here on", 8, 53));
    expect_in(&dir, "book.md", 0, &expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn double_spaces() {
    expect("double-space", 0, &[warning("2 spaces in a row", 7, 14)]);
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    let stderr = expect("unknown-key", 0, &[warning("unknown front-matter key `publsher` is ignored", 5, 1)]);
    assert!(stderr.contains("= help: did you mean `publisher`?"), "{stderr}");
}

#[test]
fn back_matter_naming_no_heading() {
    expect("back-matter", 0, &[warning("`back_matter` names “Further reading”, but no `#` heading has that text", 5, 15)]);
}

#[test]
fn raw_html_keeps_its_text_and_names_what_it_cannot_show() {
    expect(
        "raw-html",
        0,
        &[
            warning("`<u>` has no look in the editions: its text is set plain", 7, 92),
            warning("HTML block `<div>` is set as its text: its tags and layout are left out", 9, 1),
            warning("`<script>` is for a browser, not a reader: it is left out of every edition", 19, 1),
        ],
    );
}

#[test]
fn pandoc_markdown_is_read_and_citations_and_math_are_named() {
    expect(
        "pandoc-markdown",
        0,
        &[
            warning("the manuscript names no bibliography: this citation is set as written", 9, 12),
            warning("math is set as its TeX source: quire does not typeset math yet", 10, 6),
        ],
    );
}

#[test]
fn a_title_block_leaves_only_the_language_to_assume() {
    expect("title-block", 0, &[warning("the manuscript does not say its language; the editions assume English (`en`)", 1, 1)]);
}

#[test]
fn a_date_no_edition_can_read_is_a_warning_at_it() {
    let dir = temp_dir("date-in-words");
    std::fs::write(dir.join("book.md"), "---\ntitle: T\nauthor: A\nlang: en\ndate: last spring\n---\n\nText.\n").unwrap();
    expect_in(&dir, "book.md", 0, &[warning("`date` “last spring” is not a date the editions can read; no edition is dated", 5, 7)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn heading_levels_that_jump_are_named_with_the_level_meant() {
    let stderr = expect(
        "heading-jump",
        0,
        &[warning("heading level jumps from `#` to `###`", 11, 1), warning("heading level jumps from `##` to `####`", 17, 1)],
    );
    assert!(stderr.contains("= help: make it `##`, one level below"), "{stderr}");
}

#[test]
fn emphasis_left_unclosed_is_named_and_literal_marks_are_not() {
    let stderr = expect(
        "stray-emphasis",
        0,
        &[
            warning("`*` opens or closes no emphasis and is printed as it is", 7, 4),
            warning("`_` opens or closes no emphasis and is printed as it is", 7, 36),
        ],
    );
    assert!(stderr.contains("write `\\*` for the character itself"), "{stderr}");
}

#[test]
fn a_note_label_close_to_a_defined_one_is_suggested() {
    let stderr = expect("note-label-typo", 1, &[error("note reference `[^boats]` has no definition", 7, 15)]);
    assert!(stderr.contains("= help: did you mean `[^boat]`?"), "{stderr}");
}

// The command itself.

#[test]
fn a_clean_manuscript_and_the_bundled_article_pass_with_no_warnings() {
    let stderr = expect("clean", 0, &[]);
    assert!(stderr.contains("clean.md: 0 errors, 0 warnings"), "{stderr}");
    let output = run(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", "manuscript/"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.ends_with(": 0 errors, 0 warnings\n"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let output = run(&manuscripts(), &["check", "--no-such-option"]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&manuscripts(), &["check", "a.md", "b.md"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_manuscript_that_cannot_be_found_is_an_error() {
    let output = run(&manuscripts(), &["check", "no-such-file.md"]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with("error: cannot read the manuscript:"), "{stderr}");
}

#[test]
fn build_refuses_a_manuscript_with_errors_and_reports_the_same_diagnostics() {
    let dir = temp_dir("build-refuses");
    let output = run(&manuscripts(), &["build", "undefined-note.md", "--out", dir.to_str().unwrap()]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(parse(&stderr, "undefined-note.md"), [error("note reference `[^source]` has no definition", 7, 10)], "{stderr}");
    assert!(stderr.contains("1 error, 0 warnings; nothing was written"), "{stderr}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing was written");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// On a terminal the report is coloured, unless `NO_COLOR` is set. `script` gives the
/// binary a terminal; where it is missing this test cannot run and says so.
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let Ok(_) = Command::new("script").arg("--version").output() else {
        panic!("`script` (util-linux) is needed to give quire a terminal");
    };
    let on_terminal = |no_color: Option<&str>| {
        let command = format!("{QUIRE} check undefined-note.md");
        let mut script = Command::new("script");
        script.args(["-qec", &command, "/dev/null"]).current_dir(manuscripts()).env_remove("NO_COLOR");
        if let Some(value) = no_color {
            script.env("NO_COLOR", value);
        }
        let output = script.output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8(output.stdout).unwrap()
    };
    let coloured = on_terminal(None);
    assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured:?}");
    let plain = on_terminal(Some("1"));
    assert!(!plain.contains('\x1b') && plain.contains("error: note reference"), "{plain:?}");
}

#[test]
fn struck_through_text_needs_no_warning_now_every_edition_draws_its_line() {
    expect("strikethrough", 0, &[]);
}
