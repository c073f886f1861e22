//! Long words and web addresses in prose: an address breaks at its own
//! punctuation with no hyphen added, a word that fits no line is cut at the
//! measure with a warning that names it and its place, and no glyph of any
//! of them leaves the text block.

use std::path::PathBuf;

mod common;
use std::process::Command;

use quire::{build, Edition, Style};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A 3,000-character address of many short parts, as a real site's can be.
fn long_address() -> String {
    let mut address = String::from("https://example.org/archive");
    let mut n: u32 = 7;
    let query = "?query=value&page=2#notes";
    while address.len() + 16 < 3_000 - query.len() {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let part: String = (0..3 + n % 9).map(|i| char::from(b'a' + ((n >> (i % 16)) % 26) as u8)).collect();
        address.push_str(["/", "_", "-", "/", "."][(n % 5) as usize]);
        address.push_str(&part);
    }
    while address.len() < 3_000 - query.len() {
        address.push('x');
    }
    address + query
}

const NUMBER: &str = "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890";

fn manuscript(address: &str) -> String {
    format!(
        "+++\ntitle = \"Long words\"\nauthor = \"A. Writer\"\nlanguage = \"en\"\n+++\n\n# Long words\n\n\
         The address <{address}> is long.\n\n\
         Inline code breaks too: `some_module::some_function_with_a_long_name(argument_one).and_then(|x| x.unwrap_or_default())` and `/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`.\n\n\
         A number with no place to break: {NUMBER} and the sentence goes on.\n"
    )
}

struct Word {
    x_min: f32,
    x_max: f32,
    y_min: f32,
    text: String,
}

fn words(pdf: &std::path::Path, page: usize) -> Vec<Word> {
    let bbox = Command::new("pdftotext").args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()]).arg(pdf).arg("-").output().unwrap();
    let html = String::from_utf8(bbox.stdout).unwrap();
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|word| {
            let [x_min, x_max, y_min] = ["xMin", "xMax", "yMin"].map(|name| {
                let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                word[start..].split('"').next().unwrap().parse().unwrap()
            });
            let text = word.split_once('>').and_then(|(_, rest)| rest.split_once("</word>")).map(|(t, _)| unescape(t)).unwrap_or_default();
            Word { x_min, x_max, y_min, text }
        })
        .collect()
}

/// pdftotext's `-bbox` output is HTML.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

#[test]
fn a_long_address_breaks_at_its_punctuation_and_an_unbreakable_word_is_cut_with_a_warning() {
    let dir = std::env::temp_dir().join(format!("quire-long-words-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let address = long_address();
    assert_eq!(address.len(), 3_000);
    std::fs::write(dir.join("long.md"), manuscript(&address)).unwrap();
    let options = common::build_options(&dir.join("long.md"), &dir.join("out"), vec![Edition::Pdf]);
    let report = build(&options).expect("the manuscript builds");
    // One warning, for the number: the address and the code break at their punctuation.
    let cut: Vec<_> = report.warnings.iter().filter(|w| w.message.contains("wider than a line")).collect();
    assert_eq!(cut.len(), 1, "{:?}", report.warnings);
    assert!(cut[0].message.contains(&NUMBER[..40]), "{}", cut[0].message);
    assert_eq!(cut[0].at.map(|at| at.line), Some(13), "the warning points at the number's line");

    let pdf = dir.join("out/long.pdf");
    let style = Style::read(&root().join("styles/reader-a5.toml")).unwrap();
    let pages = lopdf::Document::load(&pdf).unwrap().get_pages().len();
    let mut text = String::new();
    for page in 1..=pages {
        let left = style.left_margin(page - 1);
        for word in words(&pdf, page) {
            // A line's last mark may hang into the margin by its protrusion.
            let hang = word.text.chars().last().map_or(0.0, |c| style.justification.protrusion_of(c, style.body.size_pt));
            assert!(
                word.x_min > left - 0.5 && word.x_max < left + style.measure() + hang + 0.5,
                "page {page}: {:?} at {}–{} pt leaves the measure {left}–{}",
                word.text,
                word.x_min,
                word.x_max,
                left + style.measure()
            );
            // The running head and the folio are not the text.
            if word.y_min > style.top() - 1.0 && word.y_min < style.page_height() - style.bottom() {
                text.push_str(&word.text);
            }
        }
    }
    // Joined without the line ends, the address reads as typed: no hyphen was added to it.
    assert!(text.contains(&address), "the address is not whole in the PDF's text");
    assert!(text.contains(NUMBER));
    assert!(text.contains("some_module::some_function_with_a_long_name(argument_one).and_then(|x|"));
    let _ = std::fs::remove_dir_all(&dir);
}
