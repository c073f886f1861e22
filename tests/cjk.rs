//! Chinese and Japanese: set in the CJK face `fonts.toml` lists among its
//! fallbacks (Noto Sans CJK from Debian's `fonts-noto-cjk`, which CI installs),
//! broken between characters as UAX #14 says and justified to the measure;
//! without the face, a warning that names the characters and the package.

use std::path::{Path, PathBuf};
use std::process::Command;

const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn manuscript() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/manuscripts/chinese-and-japanese.md")).unwrap()
}

/// A folder with the manuscript and, if `fallback` is given, a font list
/// with that `fallback` line; built to PDF. Returns the folder, quire's
/// stderr and the PDF.
fn build(name: &str, fallback: Option<&str>) -> (PathBuf, String, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("quire-cjk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("styles")).unwrap();
    std::fs::write(dir.join("text.md"), manuscript()).unwrap();
    if let Some(fallback) = fallback {
        let list = format!("regular = \"LinLibertine_R.otf\"\nitalic = \"LinLibertine_RI.otf\"\nbold = \"LinLibertine_RB.otf\"\nbold_italic = \"LinLibertine_RBI.otf\"\nmono = \"LinLibertine_M.otf\"\n{fallback}\n");
        std::fs::write(dir.join("styles/fonts.toml"), list).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_quire")).arg("build").arg(dir.join("text.md")).arg("--out").arg(dir.join("out")).args(["--format", "pdf"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    let pdf = std::fs::read(dir.join("out/text.pdf")).unwrap();
    (dir, stderr, pdf)
}

/// `PROGRAM ARGS… PDF` (and `-`, standard output, for pdftotext).
fn run(program: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = Command::new(program);
    command.args(args).arg(pdf);
    if program == "pdftotext" {
        command.arg("-");
    }
    let output = command.output().unwrap_or_else(|e| panic!("{program}: {e}"));
    String::from_utf8(output.stdout).unwrap()
}

/// Each line pdftotext finds: its right edge and its text.
fn lines(bbox_layout: &str) -> Vec<(f32, String)> {
    let attribute = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    bbox_layout
        .split("<line ")
        .skip(1)
        .map(|line| {
            let line = line.split("</line>").next().unwrap();
            let words: String = line.split("<word ").skip(1).map(|w| w.split('>').nth(1).unwrap().split('<').next().unwrap()).collect::<Vec<_>>().join(" ");
            (attribute(line, "xMax"), words)
        })
        .collect()
}

fn paragraph_texts() -> Vec<String> {
    manuscript().split("\n\n").filter(|p| p.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !p.starts_with(['#', '-'])).map(|p| p.trim().to_owned()).collect()
}

#[test]
fn chinese_and_japanese_are_set_in_the_cjk_fallback_broken_between_characters_and_justified() {
    assert!(Path::new(NOTO_CJK).exists(), "{NOTO_CJK} is missing: apt install fonts-noto-cjk (.ci/run does)");
    let fallback = format!("fallback = [\"DejaVuSans.ttf\", {{ path = \"{NOTO_CJK}\", index = 2 }}]");
    let (dir, stderr, _) = build("noto", Some(&fallback));
    assert!(!stderr.contains("blank box"), "no character is left without a glyph:\n{stderr}");
    for c in paragraph_texts().concat().chars().filter(|c| !c.is_ascii()) {
        let warning = stderr.lines().find(|l| l.contains(&format!("{c:?}"))).unwrap_or_else(|| panic!("no word about {c:?}"));
        assert!(warning.contains("fallback face (NotoSansCJK-Regular.ttc)"), "{c:?} is set in the CJK face: {warning}");
    }
    let pdf = dir.join("out/text.pdf");
    let fonts = run("pdffonts", &[], &pdf);
    assert!(fonts.contains("NotoSansCJKsc-Regular"), "the Simplified Chinese face of the collection is embedded:\n{fonts}");

    // The text reads back exactly, paragraph by paragraph (lines joined: no hyphen, no space is added).
    let text: String = run("pdftotext", &[], &pdf).lines().collect();
    for paragraph in paragraph_texts() {
        assert!(text.contains(&paragraph), "{paragraph:?} does not read back from the PDF:\n{text}");
    }

    let lines = lines(&run("pdftotext", &["-bbox-layout"], &pdf));
    // The English paragraph's first line ends in a letter: its right edge is the measure's
    // (the second ends in a comma, which hangs into the margin).
    let latin_right = lines.iter().find(|(_, t)| t.starts_with("The measure")).map(|(x, _)| *x).unwrap();
    assert!(latin_right > 200.0, "{lines:?}");
    let cjk: Vec<&(f32, String)> = lines.iter().filter(|(_, t)| t.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)) && !t.contains("日本語") && t != "第一章").collect();
    assert!(cjk.len() >= 8, "both paragraphs take several lines: {cjk:?}");
    for (right, text) in &cjk {
        assert!(*right <= latin_right + 0.5, "the line {text:?} ends at {right}, beyond the measure ({latin_right})");
        assert!(!text.starts_with(['。', '、', '，', '」', 'ー', 'ョ', 'ッ']), "kinsoku: no line starts with {text:?}");
    }
    // Justified: every line but a paragraph's last ends at the margin.
    let full = cjk.iter().filter(|(right, _)| (latin_right - right).abs() < 1.0).count();
    assert!(full >= cjk.len() - 2, "the CJK lines fill the measure: {cjk:?} (margin at {latin_right})");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_cjk_fallback_is_a_warning_and_without_a_cjk_face_the_warning_names_the_characters_and_the_package() {
    let (dir, stderr, _) = build("none", Some("fallback = [{ path = \"/nonexistent/NotoSansCJK-Regular.ttc\", index = 2 }, \"DejaVuSans.ttf\"]"));
    assert!(stderr.contains("fallback font `/nonexistent/NotoSansCJK-Regular.ttc` does not exist"), "the missing file is named:\n{stderr}");
    assert!(stderr.contains("fonts.toml:"), "at its line of the list:\n{stderr}");
    for c in ['春', '今', 'ョ'] {
        let at = stderr.find(&format!("{c:?}")).unwrap_or_else(|| panic!("{c:?} is not named:\n{stderr}"));
        let warning = &stderr[at..stderr[at..].find("\n\n").map_or(stderr.len(), |end| at + end)];
        assert!(warning.contains("blank box") && warning.contains("fonts-noto-cjk"), "{warning}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_face_index_beyond_the_collection_is_a_warning_naming_the_file() {
    if !Path::new(NOTO_CJK).exists() {
        panic!("{NOTO_CJK} is missing: apt install fonts-noto-cjk (.ci/run does)");
    }
    let (dir, stderr, _) = build("index", Some(&format!("fallback = {{ path = \"{NOTO_CJK}\", index = 40 }}")));
    assert!(stderr.contains("no face 40") && stderr.contains("NotoSansCJK-Regular.ttc"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
