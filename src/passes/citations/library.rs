//! The bibliography and the citation style a book names, read once: a BibTeX or
//! BibLaTeX file (through biblatex) or hayagriva's YAML, and a CSL file or the
//! bundled Chicago notes and bibliography. Every mistake is located in its file.

use std::path::{Path, PathBuf};

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{IndependentStyle, Locale, Style, StyleClass};
use hayagriva::Library;

use crate::diagnostics::{Diagnostic, LineIndex};

/// What the citations are rendered with.
pub struct Sources {
    pub library: Library,
    pub style: IndependentStyle,
    pub locales: Vec<Locale>,
    /// The bibliography file, for the diagnostics about its entries.
    pub file: PathBuf,
    pub text: String,
}

impl Sources {
    /// A notes style (Chicago's notes and bibliography): each citation is a note.
    pub fn is_notes_style(&self) -> bool {
        self.style.settings.class == StyleClass::Note
    }
}

/// Where the book says what it cites: the file that names the bibliography (the
/// manuscript or book.toml), its text, and the folder the paths start from.
pub struct Named<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub folder: &'a Path,
}

impl Named<'_> {
    fn at_key(&self, key: &str, message: String, help: &str) -> Diagnostic {
        let at = crate::manuscript::key_position(self.text, key);
        Diagnostic::error(self.file, at, message).with_help(help).with_source(self.text)
    }
}

/// Reads the bibliography `bibliography` and the style `csl` (Chicago's notes style if none).
pub fn read(named: &Named, bibliography: &str, csl: Option<&str>) -> Result<Sources, Vec<Diagnostic>> {
    let file = named.folder.join(bibliography);
    let text = std::fs::read_to_string(&file).map_err(|e| {
        vec![named.at_key("bibliography", format!("the bibliography `{bibliography}` cannot be read: {e}"), "give the path of a `.bib` or `.yaml` file from the manuscript's folder")]
    })?;
    let library = match extension(&file).as_str() {
        "bib" | "bibtex" | "biblatex" => read_biblatex(&file, &text)?,
        "yaml" | "yml" => read_yaml(&file, &text)?,
        other => {
            return Err(vec![named.at_key(
                "bibliography",
                format!("the bibliography `{bibliography}` is a `.{other}` file; quire reads BibTeX/BibLaTeX (`.bib`) and hayagriva's YAML (`.yaml`)"),
                "convert it to BibTeX (most reference managers export it) or name the `.bib` file",
            )])
        }
    };
    let style = match csl {
        Some(csl) => read_csl(named, csl)?,
        None => match ArchivedStyle::ChicagoNotes.get() {
            Style::Independent(style) => style,
            Style::Dependent(_) => unreachable!("the bundled Chicago style is independent"),
        },
    };
    Ok(Sources { library, style, locales: hayagriva::archive::locales(), file, text })
}

fn extension(file: &Path) -> String {
    file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

fn read_biblatex(file: &Path, text: &str) -> Result<Library, Vec<Diagnostic>> {
    let lines = LineIndex::new(text, 1);
    let located = |start: usize, message: String| {
        Diagnostic::error(file, Some(lines.position(start)), message)
            .with_help("correct the entry: `@book{key, author = {…}, title = {…}, date = {…}}`")
            .with_source(text)
    };
    let mut bibliography = biblatex::Bibliography::parse(text).map_err(|e| vec![located(e.span.start, format!("the bibliography cannot be read here: {}", e.kind))])?;
    for entry in bibliography.iter_mut() {
        join_subtitles(entry);
    }
    hayagriva::io::from_biblatex(&bibliography)
        .map_err(|errors| errors.into_iter().map(|e| located(e.span.start, format!("this field of the bibliography is malformed: {}", e.kind))).collect())
}

/// `title` and `subtitle` made one title, “Title: Subtitle”, as Chicago writes it (and
/// `booktitle`'s, `journaltitle`'s): the engine would leave the subtitle out.
fn join_subtitles(entry: &mut biblatex::Entry) {
    for (title, subtitle) in [("title", "subtitle"), ("booktitle", "booksubtitle"), ("journaltitle", "journalsubtitle")] {
        let (Some(mut joined), Some(sub)) = (entry.get(title).map(<[_]>::to_vec), entry.get(subtitle).map(<[_]>::to_vec)) else { continue };
        // The short form of a title is its main title (Chicago 13.32), unless the entry gives one.
        if title == "title" && entry.get("shorttitle").is_none() {
            entry.set("shorttitle", joined.clone());
        }
        let span = joined.last().map(|c| c.span.clone()).unwrap_or_default();
        // A title ending in a question or exclamation mark takes no colon (Chicago 8.163).
        let asks = matches!(joined.last().map(|c| &c.v), Some(biblatex::Chunk::Normal(t) | biblatex::Chunk::Verbatim(t)) if t.trim_end().ends_with(['?', '!']));
        joined.push(biblatex::Spanned { v: biblatex::Chunk::Normal(if asks { " " } else { ": " }.into()), span });
        joined.extend(sub);
        entry.set(title, joined);
        entry.remove(subtitle);
    }
}

fn read_yaml(file: &Path, text: &str) -> Result<Library, Vec<Diagnostic>> {
    hayagriva::io::from_yaml_str(text).map_err(|error| {
        let at = error.location().map(|l| crate::model::SourcePos { line: l.line(), column: l.column() });
        vec![Diagnostic::error(file, at, format!("the bibliography cannot be read: {error}"))
            .with_help("each entry is a key with `type`, `title`, `author`, … as hayagriva's format writes them")
            .with_source(text)]
    })
}

fn read_csl(named: &Named, csl: &str) -> Result<IndependentStyle, Vec<Diagnostic>> {
    // A style hayagriva bundles, by its name (`chicago-author-date`, `turabian-fullnote-8`).
    if !csl.ends_with(".csl") {
        if let Some(Style::Independent(style)) = ArchivedStyle::by_name(csl).map(ArchivedStyle::get) {
            return Ok(style);
        }
    }
    let path = named.folder.join(csl);
    let xml = std::fs::read_to_string(&path)
        .map_err(|e| vec![named.at_key("csl", format!("the citation style `{csl}` cannot be read: {e}"), "give the path of a `.csl` file from the manuscript's folder, or the name of a bundled style (`chicago-author-date`)")])?;
    match Style::from_xml(&xml) {
        Ok(Style::Independent(style)) => Ok(style),
        Ok(Style::Dependent(dependent)) => {
            // A dependent style only renames a parent; the bundled ones can stand in.
            let parent = ArchivedStyle::by_id(&dependent.parent_link.href.to_string()).map(ArchivedStyle::get);
            match parent {
                Some(Style::Independent(style)) => Ok(style),
                _ => Err(vec![named.at_key(
                    "csl",
                    format!("the citation style `{csl}` is a dependent style whose parent ({}) quire does not have", dependent.parent_link.href),
                    "name the parent style's own `.csl` file",
                )]),
            }
        }
        Err(error) => Err(vec![Diagnostic::error(&path, None, format!("the citation style `{csl}` is not a CSL style quire can read: {error}"))
            .with_help("check the file against the CSL 1.0.2 schema, or name another style")]),
    }
}
