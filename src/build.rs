//! One build: read the manuscript, run the shared passes, write every edition asked for.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::model::Book;
use crate::diagnostics::Severity;
use crate::fonts::FontFamily;
use crate::style::Style;
use crate::timings::{stage, Timings};
use crate::{epub, fonts, hyphenate, manuscript, notes, output, pdf, typeset, typography};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edition {
    Epub,
    /// The reader-edition PDF, typeset by quire's own engine.
    Pdf,
}

impl Edition {
    pub const ALL: [Edition; 2] = [Edition::Epub, Edition::Pdf];
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

/// Reads a manuscript and runs the passes every edition shares.
pub fn load(path: &Path) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_timed(path, &mut Timings::new())
}

fn load_timed(path: &Path, timings: &mut Timings) -> Result<(Book, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (source, parsed) = timings.time(stage::PARSE, || (std::fs::read_to_string(path).unwrap_or_default(), manuscript::read(path)));
    let parsed = parsed?;
    timings.time(stage::NOTES_TYPOGRAPHY, || {
        let (book, mut more) = notes::number_notes(parsed.book, path, &source)?;
        let mut warnings = parsed.warnings;
        warnings.append(&mut more);
        Ok((typography::apply(book), warnings))
    })
}

pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut timings = Timings::new();
    let path = manuscript_file(&options.manuscript)?;
    let (book, mut warnings) = load_timed(&path, &mut timings).map_err(BuildError::Manuscript)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());

    let styles = options.resources.join("styles");
    let family = timings.time(stage::FONTS, || {
        let font_files = fonts::read_font_files(&styles).map_err(|e| failed(&e))?;
        fonts::load_family(&options.resources.join("fonts"), &font_files).map_err(|e| failed(&e))
    })?;

    // Every edition is made in memory first; files are written only when all succeeded.
    // The EPUB is made on a second thread while this one sets the PDF; each result
    // goes to its own slot, so the output does not depend on which finishes first.
    let wants = |edition| options.editions.contains(&edition);
    let (epub, pdf) = std::thread::scope(|scope| {
        let epub = wants(Edition::Epub).then(|| scope.spawn(|| epub_edition(&book, &family, &options.resources)));
        let pdf = wants(Edition::Pdf).then(|| pdf_edition(&book, &family, &styles, options, &path));
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
        let (bytes, pdf_timings, mut pdf_warnings) = pdf?;
        timings.merge(pdf_timings);
        warnings.append(&mut pdf_warnings);
        outputs.push((options.out_dir.join(format!("{stem}.pdf")), bytes));
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
    let licence = std::fs::read(resources.join("fonts").join("OFL.txt")).ok();
    let assets = epub::EpubAssets {
        stylesheet,
        fonts: family.faces.iter().map(|f| (f.file_name.clone(), f.data.to_vec())).collect(),
        font_licence: licence.map(|text| ("OFL.txt".to_owned(), text)),
        cover_png: timings.time(stage::EPUB_COVER, || epub::render_cover(&book.metadata, family)).map_err(|e| failed(&e))?,
        modified: build_time(book),
    };
    let bytes = epub::write_epub_timed(book, &assets, &mut timings).map_err(|e| failed(&e))?;
    Ok((bytes, timings))
}

fn pdf_edition(book: &Book, family: &FontFamily, styles: &Path, options: &BuildOptions, path: &Path) -> Result<(Vec<u8>, Timings, Vec<Diagnostic>), BuildError> {
    let mut timings = Timings::new();
    let mut warnings = Vec::new();
    let style_path = options.style.clone().unwrap_or_else(|| styles.join("reader-a5.toml"));
    let style = Style::read(&style_path).map_err(|e| failed(&e))?;
    let m = &book.metadata;
    let hyphenator = timings.time(stage::HYPHENATION, || {
        hyphenate::Hyphenator::new(&m.language, style.hyphenation.left_min, style.hyphenation.right_min, &m.hyphenation_exceptions)
    });
    if hyphenator.is_none() {
        warnings.push(Diagnostic::warning(path, None, format!("no hyphenation patterns for `{}`; the PDF is set without hyphenation", m.language)));
    }
    let typeset = typeset::typeset_timed(book, &style, family, hyphenator.as_ref(), &mut timings);
    for missing in &typeset.missing_glyphs {
        warnings.push(Diagnostic {
            severity: Severity::Warning,
            file: path.to_path_buf(),
            at: find_character(path, missing.character),
            message: format!("the font has no glyph for {:?} (U+{:04X}); it prints as a blank box", missing.character, missing.character as u32),
            help: Some("add a font that has it to fonts/ and name it in styles/fonts.toml, or replace the character".into()),
            source_line: None,
        });
    }
    let bytes = timings.time(stage::PDF, || pdf::write_pdf(&typeset.document)).map_err(|e| failed(&format!("cannot write the PDF: {e}")))?;
    Ok((bytes, timings, warnings))
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
        let options = BuildOptions { manuscript: root.join("manuscript"), out_dir: out.clone(), editions: Edition::ALL.to_vec(), resources: root, style: None };
        let report = build(&options).unwrap();
        for name in [
            stage::PARSE,
            stage::NOTES_TYPOGRAPHY,
            stage::EPUB_COVER,
            stage::EPUB_DOCUMENTS,
            stage::EPUB_FONTS,
            stage::EPUB_PACKAGE,
            stage::TEXT,
            stage::HYPHENATION,
            stage::LINE_BREAKING,
            stage::PAGE_BREAKING,
            stage::PDF,
            stage::OUTPUT,
        ] {
            assert!(report.timings.get(name).is_some(), "no time for {name}: {}", report.timings);
        }
        std::fs::remove_dir_all(out).unwrap();
    }
}
