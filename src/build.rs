//! One build: read the manuscript, run the shared passes, write every edition asked for.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::model::Book;
use crate::diagnostics::Severity;
use crate::style::Style;
use crate::fonts::FontFamily;
use crate::{booklet, epub, fonts, hyphenate, layout, manuscript, notes, output, pdf, typeset, typography};

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

/// Reads a manuscript and runs the passes every edition shares.
pub fn load(path: &Path) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    let source = std::fs::read_to_string(path).unwrap_or_default();
    let parsed = manuscript::read(path)?;
    let (book, mut more) = notes::number_notes(parsed.book, path, &source)?;
    let mut warnings = parsed.warnings;
    warnings.append(&mut more);
    Ok((typography::apply(book), warnings))
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let path = manuscript_file(&options.manuscript)?;
    let (book, mut warnings) = load(&path).map_err(BuildError::Manuscript)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    let failed = |e: &dyn std::fmt::Display| BuildError::Failed(e.to_string());

    let styles = options.resources.join("styles");
    let font_files = fonts::read_font_files(&styles).map_err(|e| failed(&e))?;
    let family = fonts::load_family(&options.resources.join("fonts"), &font_files).map_err(|e| failed(&e))?;

    // Every edition is made in memory first; files are written only when all succeeded.
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if options.editions.contains(&Edition::Epub) {
        let stylesheet = std::fs::read_to_string(styles.join("epub.css"))
            .map_err(|e| BuildError::Failed(format!("{}: {e}", styles.join("epub.css").display())))?;
        let assets = epub::EpubAssets {
            stylesheet,
            fonts: family.faces.iter().map(|f| (f.file_name.clone(), f.data.to_vec())).collect(),
            cover_png: epub::render_cover(&book.metadata, &family).map_err(|e| failed(&e))?,
            modified: build_time(&book),
        };
        let bytes = epub::write_epub(&book, &assets).map_err(|e| failed(&e))?;
        outputs.push((options.out_dir.join(format!("{stem}.epub")), bytes));
    }

    if options.editions.contains(&Edition::Pdf) {
        let style_path = options.style.clone().unwrap_or_else(|| styles.join("reader-a5.toml"));
        let style = Style::read(&style_path).map_err(|e| failed(&e))?;
        let document = typeset_for_print(&book, &path, &style, &family, Shape::Reader, &mut warnings);
        let bytes = pdf::write_pdf(&document).map_err(|e| failed(&format!("cannot write the PDF: {e}")))?;
        outputs.push((options.out_dir.join(format!("{stem}.pdf")), bytes));
    }

    for paper in options.editions.iter().filter_map(|e| e.paper()) {
        let style = Style::read(&styles.join(paper.style_file)).map_err(|e| failed(&e))?;
        let pamphlet = typeset_for_print(&book, &path, &style, &family, Shape::Pamphlet, &mut warnings);
        let sheets = booklet::impose_document(&pamphlet, paper, options.marks).map_err(|e| failed(&format!("{}: {e}", paper.style_file)))?;
        let write = |document: &layout::Document| pdf::write_pdf(document).map_err(|e| failed(&format!("cannot write the {} booklet: {e}", paper.name)));
        let name = format!("{stem}-booklet-{}", paper.name);
        outputs.push((options.out_dir.join(format!("{name}.pdf")), write(&sheets)?));
        if options.two_pass {
            let (fronts, backs) = booklet::split_sides(&sheets);
            outputs.push((options.out_dir.join(format!("{name}-fronts.pdf")), write(&fronts)?));
            outputs.push((options.out_dir.join(format!("{name}-backs.pdf")), write(&backs)?));
        }
    }

    let mut written = Vec::new();
    for (file, bytes) in outputs {
        output::write_atomically(&file, &bytes).map_err(|e| BuildError::Failed(format!("{}: cannot write: {e}", file.display())))?;
        written.push(file);
    }
    Ok(BuildReport { written, warnings })
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
fn typeset_for_print(book: &Book, path: &Path, style: &Style, family: &FontFamily, shape: Shape, warnings: &mut Vec<Diagnostic>) -> layout::Document {
    let m = &book.metadata;
    let mut warn = |diagnostic: Diagnostic| {
        if !warnings.iter().any(|w| w.message == diagnostic.message) {
            warnings.push(diagnostic);
        }
    };
    let hyphenator = hyphenate::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions);
    if hyphenator.is_none() {
        warn(Diagnostic::warning(path, None, format!("no hyphenation patterns for `{}`; the PDF is set without hyphenation", m.language)));
    }
    let typeset = match shape {
        Shape::Reader => typeset::typeset(book, style, family, hyphenator.as_ref()),
        Shape::Pamphlet => typeset::typeset_pamphlet(book, style, family, hyphenator.as_ref()),
    };
    let mut reported = std::collections::BTreeSet::new();
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
