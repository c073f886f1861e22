//! Why a build failed, with the cause kept: what the user can act on is in the
//! message, and the error underneath stays reachable through `source()`.

use std::path::PathBuf;

use super::Edition;
use crate::diagnostics::Diagnostic;
use crate::epub::EpubError;
use crate::impose::ImposeError;
use crate::pdf::PdfError;

/// A failed build. Files already in the output folder are untouched.
#[derive(Debug)]
pub enum BuildError {
    /// The manuscript has errors; nothing was written.
    Manuscript(Vec<Diagnostic>),
    /// The manuscript folder cannot be listed.
    FolderUnreadable { folder: PathBuf, source: std::io::Error },
    /// The manuscript folder holds no `.md` file.
    NoManuscript { folder: PathBuf },
    /// A print style cannot be read or is not valid.
    Style(String),
    /// The EPUB's stylesheet cannot be read; the message names the file.
    Stylesheet(String),
    Epub(EpubError),
    /// A PDF edition cannot be written; `what` names it ("PDF", "a4 booklet").
    Pdf { what: String, source: PdfError },
    /// The booklet's pages do not fit its sheets; `style_file` set them.
    Imposition { style_file: &'static str, source: ImposeError },
    /// An edition was made but cannot be written to its file.
    Write { path: PathBuf, source: std::io::Error },
    /// An edition's thread stopped without a result: a bug in quire.
    Panicked(Edition),
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
            BuildError::FolderUnreadable { folder, source } => write!(f, "{}: cannot read the folder: {source}", folder.display()),
            BuildError::NoManuscript { folder } => write!(f, "{}: no .md manuscript in this folder", folder.display()),
            BuildError::Style(message) | BuildError::Stylesheet(message) => f.write_str(message),
            BuildError::Epub(e) => write!(f, "{e}"),
            BuildError::Pdf { what, source } => write!(f, "cannot write the {what}: {source}"),
            BuildError::Imposition { style_file, source } => write!(f, "{style_file}: {source}"),
            BuildError::Write { path, source } => write!(f, "{}: cannot write: {source}", path.display()),
            BuildError::Panicked(edition) => write!(f, "the {edition:?} edition failed unexpectedly"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::FolderUnreadable { source, .. } | BuildError::Write { source, .. } => Some(source),
            BuildError::Epub(e) => Some(e),
            BuildError::Pdf { source, .. } => Some(source),
            BuildError::Imposition { source, .. } => Some(source),
            BuildError::Manuscript(_) | BuildError::NoManuscript { .. } | BuildError::Style(_) | BuildError::Stylesheet(_) | BuildError::Panicked(_) => None,
        }
    }
}
