//! One build: read the manuscript, run the shared passes, write every edition asked for.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::model::Book;
use crate::diagnostics::Severity;
use crate::fonts::FontFamily;
use crate::style::Style;
use crate::timings::{stage, Timings};
use crate::{booklet, check, epub, hyphenate, layout, output, pdf, typeset};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    Epub,
    /// The reader-edition PDF, typeset by quire's own engine.
    Pdf,
    /// The pamphlet, imposed two A5 pages to an A4 sheet for double-sided printing.
    BookletA4,
    /// The pamphlet, half-letter pages two to a US Letter sheet.
    BookletLetter,
}

impl Edition {
    pub const ALL: [Edition; 4] = [Edition::Epub, Edition::Pdf, Edition::BookletA4, Edition::BookletLetter];

    /// The paper of a booklet edition; `None` for the others.
    pub fn paper(self) -> Option<&'static booklet::Paper> {
        match self {
            Edition::BookletA4 => Some(&booklet::A4),
            Edition::BookletLetter => Some(&booklet::LETTER),
            Edition::Epub | Edition::Pdf => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// A manuscript file, or a folder holding exactly one `.md` manuscript.
    pub manuscript: PathBuf,
    pub out_dir: PathBuf,
    pub editions: Vec<Edition>,
    /// Folder holding `fonts/` and `styles/`.
    pub resources: PathBuf,
    /// The print style; `styles/reader-a5.toml` in `resources` by default.
    pub style: Option<PathBuf>,
    /// Booklets: draw a fold mark at the head and foot of each sheet's fold.
    pub marks: bool,
    /// Booklets: also write `-fronts.pdf` and `-backs.pdf` for printers without duplex.
    pub two_pass: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub written: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took. Editions are made on two threads at once, so
    /// the stages add up to more than the build's wall time.
    pub timings: Timings,
}

#[derive(Debug)]
pub enum BuildError {
    /// The manuscript has errors; nothing was written.
    Manuscript(Vec<Diagnostic>),
    /// Fonts, styles or an edition failed; files already in the output folder are untouched.
    Failed(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Manuscript(diagnostics) => {
                for d in diagnostics.iter().filter(|d| d.is_error()) {
                    writeln!(f, "{d}\n")?;
                }
                let n = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the manuscript has {n} error{}; nothing was written", if n == 1 { "" } else { "s" })
            }
            BuildError::Failed(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Finds the manuscript file: the path itself, or the one `.md` file in a folder.
pub fn manuscript_file(path: &Path) -> Result<PathBuf, BuildError> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| BuildError::Failed(format!("{}: cannot read the folder: {e}", path.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(BuildError::Failed(format!("{}: no .md manuscript in this folder", path.display()))),
        _ => Err(BuildError::Failed(format!(
            "{}: more than one .md file ({}); name the manuscript to build",
            path.display(),
            found.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Reads a manuscript and runs the passes every edition shares (the checks of
/// `quire check` without the fonts).
pub fn load(path: &Path) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = match crate::manuscript::read_bytes(path) {
        Ok(bytes) => match crate::manuscript::decode(path, &bytes) {
            Ok(text) => check::check_text(path, text, None),
            Err(d) => return Err(vec![d]),
        },
        Err(d) => return Err(vec![d]),
    };
    match checked.book {
        Some(book) => Ok((book, checked.diagnostics)),
        None => Err(checked.diagnostics),
    }
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut timings = Timings::new();
    let path = manuscript_file(&options.manuscript)?;
    // The same checks as `quire check`: a manuscript with errors is never built.
    let checked = timings.time(stage::CHECK, || check::check(&path, &options.resources));
    let (Some(book), Some(family)) = (checked.book, checked.fonts) else {
        return Err(BuildError::Manuscript(checked.diagnostics));
    };
    let mut warnings = checked.diagnostics;
    let reported = checked.unsupported_characters;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    let styles = options.resources.join("styles");

    // Every edition is made in memory first; files are written only when all succeeded.
    // The EPUB is made on a second thread while this one sets the PDF; each result
    // goes to its own slot, so the output does not depend on which finishes first.
    let wants = |edition| options.editions.contains(&edition);
    let (epub, pdf) = std::thread::scope(|scope| {
        let epub = wants(Edition::Epub).then(|| scope.spawn(|| epub_edition(&book, &family, &options.resources)));
        let pdf = wants(Edition::Pdf).then(|| reader_pdf(&book, &family, &styles, options, &path, &reported, &mut warnings));
        let epub = epub.map(|thread| thread.join().unwrap_or_else(|_| Err(BuildError::Failed("the EPUB edition failed unexpectedly".into()))));
        (epub, pdf)
    });
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(epub) = epub {
        let (bytes, epub_timings) = epub?;
        timings.merge(epub_timings);
        outputs.push((options.out_dir.join(format!("{stem}.epub")), bytes));
    }
    if let Some(pdf) = pdf {
        let (bytes, pdf_timings) = pdf?;
        timings.merge(pdf_timings);
        outputs.push((options.out_dir.join(format!("{stem}.pdf")), bytes));
    }

    for paper in options.editions.iter().filter_map(|e| e.paper()) {
        let style = Style::read(&styles.join(paper.style_file)).map_err(|e| failed(&e))?;
        let pamphlet = typeset_for_print(&book, &path, &style, &family, Shape::Pamphlet, &reported, &mut warnings, &mut timings);
        let sheets = timings
            .time(stage::IMPOSITION, || booklet::impose_document(pamphlet, paper, options.marks))
            .map_err(|e| failed(&format!("{}: {e}", paper.style_file)))?;
        let name = format!("{stem}-booklet-{}", paper.name);
        let mut write = |document: &layout::Document| {
            timings.time(stage::PDF, || pdf::write_pdf(document)).map_err(|e| failed(&format!("cannot write the {} booklet: {e}", paper.name)))
        };
        outputs.push((options.out_dir.join(format!("{name}.pdf")), write(&sheets)?));
        if options.two_pass {
            let (fronts, backs) = booklet::split_sides(&sheets);
            outputs.push((options.out_dir.join(format!("{name}-fronts.pdf")), write(&fronts)?));
            outputs.push((options.out_dir.join(format!("{name}-backs.pdf")), write(&backs)?));
        }
    }

    let mut written = Vec::new();
    timings.time(stage::OUTPUT, || {
        for (file, bytes) in outputs {
            output::write_atomically(&file, &bytes).map_err(|e| BuildError::Failed(format!("{}: cannot write: {e}", file.display())))?;
            written.push(file);
        }
        Ok::<(), BuildError>(())
    })?;
    Ok(BuildReport { written, warnings, timings })
}

fn failed(e: &dyn std::fmt::Display) -> BuildError {
    BuildError::Failed(e.to_string())
}

fn epub_edition(book: &Book, family: &FontFamily, resources: &Path) -> Result<(Vec<u8>, Timings), BuildError> {
    let mut timings = Timings::new();
    let styles = resources.join("styles");
    let stylesheet = std::fs::read_to_string(styles.join("epub.css"))
        .map_err(|e| BuildError::Failed(format!("{}: {e}", styles.join("epub.css").display())))?;
    let licence = std::fs::read(resources.join("fonts").join("OFL.txt")).ok().map(|text| ("OFL.txt".to_owned(), text));
    let bytes = epub_bytes_timed(book, family, stylesheet, licence, &mut timings).map_err(|e| failed(&e))?;
    Ok((bytes, timings))
}

/// The reader PDF, with the time of its stages.
fn reader_pdf(
    book: &Book,
    family: &FontFamily,
    styles: &Path,
    options: &BuildOptions,
    path: &Path,
    reported: &[char],
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<u8>, Timings), BuildError> {
    let mut timings = Timings::new();
    let style_path = options.style.clone().unwrap_or_else(|| styles.join("reader-a5.toml"));
    let style = Style::read(&style_path).map_err(|e| failed(&e))?;
    let document = typeset_for_print(book, path, &style, family, Shape::Reader, reported, warnings, &mut timings);
    let bytes = timings.time(stage::PDF, || pdf::write_pdf(&document)).map_err(|e| failed(&format!("cannot write the PDF: {e}")))?;
    Ok((bytes, timings))
}

/// What the typesetter makes of the book.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// The reader edition's pages.
    Reader,
    /// The pamphlet's pages in reading order: covers, article, back cover.
    Pamphlet,
}

/// Typesets the book for print with `style`. Each warning is given once per
/// build, however many print editions run into it.
/// Characters in `reported` were already named by the manuscript check.
fn typeset_for_print(
    book: &Book,
    path: &Path,
    style: &Style,
    family: &FontFamily,
    shape: Shape,
    reported: &[char],
    warnings: &mut Vec<Diagnostic>,
    timings: &mut Timings,
) -> layout::Document {
    let m = &book.metadata;
    let mut warn = |diagnostic: Diagnostic| {
        if !warnings.iter().any(|w| w.message == diagnostic.message) {
            warnings.push(diagnostic);
        }
    };
    let hyphenator = timings.time(stage::HYPHENATION, || {
        hyphenate::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions)
    });
    if hyphenator.is_none() {
        warn(Diagnostic::warning(path, None, format!("no hyphenation patterns for `{}`; the PDF is set without hyphenation", m.language)));
    }
    let typeset = print_typeset(book, style, family, shape, hyphenator.as_ref(), timings);
    let mut reported: std::collections::BTreeSet<char> = reported.iter().copied().collect();
    for missing in &typeset.missing_glyphs {
        if !reported.insert(missing.character) {
            continue;
        }
        let (c, code) = (missing.character, missing.character as u32);
        let (message, help) = if missing.substituted {
            let fallback = family.fallback.as_ref().map_or("the fallback face", |f| f.postscript_name.as_str());
            (
                format!("the book face has no glyph for {c:?} (U+{code:04X}); the PDF sets it in {fallback}"),
                "choose a book face that has it in styles/fonts.toml, or replace the character",
            )
        } else {
            (
                format!("no font has a glyph for {c:?} (U+{code:04X}); it prints as a blank box"),
                "add a font that has it to fonts/ and name it as `fallback` in styles/fonts.toml, or replace the character",
            )
        };
        warn(Diagnostic {
            severity: Severity::Warning,
            file: path.to_path_buf(),
            at: find_character(path, c),
            message,
            help: Some(help.into()),
            source_line: None,
        });
    }
    typeset.document
}

/// The EPUB of a checked book, made in memory.
pub fn epub_bytes(book: &Book, family: &FontFamily, stylesheet: String) -> Result<Vec<u8>, String> {
    epub_bytes_timed(book, family, stylesheet, None, &mut Timings::new())
}

/// [`epub_bytes`] with the fonts' licence file to ship beside them, timing its stages.
fn epub_bytes_timed(
    book: &Book,
    family: &FontFamily,
    stylesheet: String,
    font_licence: Option<(String, Vec<u8>)>,
    timings: &mut Timings,
) -> Result<Vec<u8>, String> {
    let assets = epub::EpubAssets {
        stylesheet,
        fonts: family.faces.iter().map(|f| (f.file_name.clone(), f.data.to_vec())).collect(),
        font_licence,
        cover_png: timings.time(stage::EPUB_COVER, || epub::render_cover(&book.metadata, family))?,
        modified: build_time(book),
    };
    epub::write_epub_timed(book, &assets, timings)
}

/// The reader PDF of a checked book, made in memory, and what the typesetter could not do.
pub struct PdfEdition {
    pub bytes: Vec<u8>,
    pub missing_glyphs: Vec<typeset::MissingGlyph>,
    /// False when there are no hyphenation patterns for the book's language.
    pub hyphenated: bool,
}

pub fn pdf_edition(book: &Book, style: &Style, family: &FontFamily) -> Result<PdfEdition, String> {
    let m = &book.metadata;
    let hyphenator = hyphenate::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions);
    let typeset = print_typeset(book, style, family, Shape::Reader, hyphenator.as_ref(), &mut Timings::new());
    let bytes = pdf::write_pdf(&typeset.document).map_err(|e| format!("cannot write the PDF: {e}"))?;
    Ok(PdfEdition { bytes, missing_glyphs: typeset.missing_glyphs, hyphenated: hyphenator.is_some() })
}

/// The typesetter's pages for `shape`, dated as the build is.
fn print_typeset(
    book: &Book,
    style: &Style,
    family: &FontFamily,
    shape: Shape,
    hyphenator: Option<&hyphenate::Hyphenator>,
    timings: &mut Timings,
) -> typeset::Typeset {
    let mut typeset = match shape {
        Shape::Reader => typeset::typeset_timed(book, style, family, hyphenator, timings),
        Shape::Pamphlet => typeset::typeset_pamphlet_timed(book, style, family, hyphenator, timings),
    };
    if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
        typeset.document.info.date = build_time(book).format("%Y-%m-%d").to_string();
    }
    typeset
}

/// Where a character first occurs in the manuscript, to point a warning at it.
fn find_character(path: &Path, character: char) -> Option<crate::model::SourcePos> {
    let text = std::fs::read_to_string(path).ok()?;
    let offset = text.find(character)?;
    Some(crate::diagnostics::LineIndex::new(&text, 1).position(offset))
}

/// The time stamped into editions: `SOURCE_DATE_EPOCH` if set (reproducible-builds.org),
/// otherwise the manuscript's publication date. Never the clock.
pub fn build_time(book: &Book) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        if let Some(t) = chrono::Utc.timestamp_opt(epoch, 0).single() {
            return t;
        }
    }
    let (y, m, d) = book.metadata.date_parts().unwrap_or((1980, 1, 1));
    chrono::Utc.with_ymd_and_hms(y.max(1980), m, d, 0, 0, 0).single().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_reports_every_stage_of_both_editions() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let out = std::env::temp_dir().join(format!("quire-test-timings-{}", std::process::id()));
        let options = BuildOptions { manuscript: root.join("manuscript"), out_dir: out.clone(), editions: Edition::ALL.to_vec(), resources: root, style: None, marks: false, two_pass: false };
        let report = build(&options).unwrap();
        for name in [
            stage::CHECK,
            stage::EPUB_COVER,
            stage::EPUB_DOCUMENTS,
            stage::EPUB_FONTS,
            stage::EPUB_PACKAGE,
            stage::TEXT,
            stage::HYPHENATION,
            stage::LINE_BREAKING,
            stage::PAGE_BREAKING,
            stage::PDF,
            stage::IMPOSITION,
            stage::OUTPUT,
        ] {
            assert!(report.timings.get(name).is_some(), "no time for {name}: {}", report.timings);
        }
        std::fs::remove_dir_all(out).unwrap();
    }
}
