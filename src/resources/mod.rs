//! The fonts and styles every edition reads. quire's own are built into the
//! binary; folders of the user's own override them file by file, so a single
//! `styles/reader-a5.toml` beside a manuscript changes that style and nothing else.

pub mod built_in;
pub mod fonts;
pub mod labels;
pub mod shaping;
pub mod style;
pub mod kept;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, LineIndex};
use fonts::FontFamily;
use style::Style;

/// Where the build and the check find a resource file (`fonts/…`, `styles/…`):
/// in the first of its folders that has it, otherwise among the built-in files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    /// Folders that may hold `fonts/` and `styles/`, the one that wins first.
    folders: Vec<PathBuf>,
}

/// One resource file, read.
struct Found {
    /// The file's path, or for a built-in file a label such as `(built in)/styles/fonts.toml`.
    path: PathBuf,
    /// The folder it was found in; `None` for a built-in file.
    folder: Option<PathBuf>,
    bytes: Cow<'static, [u8]>,
}

impl Found {
    fn text(&self) -> Result<&str, String> {
        std::str::from_utf8(&self.bytes).map_err(|e| format!("{}: not UTF-8 text: {e}", self.path.display()))
    }
}

/// How messages name a built-in file, which has no path on disk.
fn built_in_label(relative: &str) -> PathBuf {
    Path::new("(built in)").join(relative)
}

impl Resources {
    /// quire's own fonts and styles only.
    pub fn built_in() -> Resources {
        Resources::default()
    }

    /// `folder` over the built-in files.
    pub fn folder(folder: impl Into<PathBuf>) -> Resources {
        Resources { folders: vec![folder.into()] }
    }

    /// The resources for the manuscript file `manuscript`: the folder given with
    /// `--resources` first, then the manuscript's own folder, then the built-in files.
    pub fn for_manuscript(manuscript: &Path, chosen: Option<&Path>) -> Resources {
        let beside = match manuscript.parent() {
            Some(parent) if parent.as_os_str().is_empty() => Path::new("."),
            Some(parent) => parent,
            None => Path::new("."),
        };
        Resources { folders: chosen.into_iter().chain([beside]).map(Path::to_path_buf).collect() }
    }

    /// The file at `relative`; `Ok(None)` when no folder has it and it is not built in.
    /// A file that exists but cannot be read is an error, not a reason to look further.
    fn find(&self, relative: &str) -> Result<Option<Found>, (PathBuf, std::io::Error)> {
        for folder in &self.folders {
            let path = folder.join(relative);
            match std::fs::read(&path) {
                Ok(bytes) => return Ok(Some(Found { path, folder: Some(folder.clone()), bytes: Cow::Owned(bytes) })),
                Err(_) if !path.exists() => continue,
                Err(e) => return Err((path, e)),
            }
        }
        Ok(built_in::file(relative).map(|bytes| Found { path: built_in_label(relative), folder: None, bytes: Cow::Borrowed(bytes) }))
    }

    /// Where `relative` would be read from, without reading it.
    fn folder_of(&self, relative: &str) -> Option<Option<&Path>> {
        match self.folders.iter().find(|folder| folder.join(relative).exists()) {
            Some(folder) => Some(Some(folder)),
            None => built_in::file(relative).map(|_| None),
        }
    }

    /// The book face named by `styles/fonts.toml`, each file looked up as any other.
    /// A font that cannot be found or read is an error at the line of `fonts.toml`
    /// that names it.
    pub fn fonts(&self) -> Result<FontFamily, Diagnostic> {
        const LIST: &str = "styles/fonts.toml";
        let list_help = "styles/fonts.toml names the four faces: regular, italic, bold, bold_italic";
        let list = match self.find(LIST) {
            Ok(Some(list)) => list,
            Ok(None) => unreachable!("{LIST} is built in"),
            Err((path, e)) => return Err(Diagnostic::error(&path, None, format!("cannot read the font list: {e}")).with_help(list_help)),
        };
        let text = list.text().map_err(|e| Diagnostic::error(&list.path, None, e).with_help(list_help))?;
        let files = fonts::parse_font_files(&list.path, text).map_err(|(e, offset)| {
            let at = offset.map(|offset| LineIndex::new(text, 1).position(offset));
            Diagnostic::error(&list.path, at, e.message).with_help(list_help)
        })?;
        // A font the list names but no folder has is reported where the list's own
        // folder would hold it: that is where the user meant to put it.
        let missing_at = |name: &str| match &list.folder {
            Some(folder) => folder.join("fonts").join(name),
            None => built_in_label(&format!("fonts/{name}")),
        };
        let load = |name: &str| {
            let error = |message: String| {
                let at = text.find(&format!("\"{name}\"")).map(|offset| LineIndex::new(text, 1).position(offset + 1));
                Diagnostic::error(&list.path, at, message)
                    .with_help("put the font in fonts/, or correct its name in styles/fonts.toml")
                    .with_source(text)
            };
            match self.find(&format!("fonts/{name}")) {
                Ok(Some(found)) => fonts::parse_font(&found.path, found.bytes, 0)
                    .map_err(|e| error(format!("font file `{}`: {}", e.path.display(), e.message))),
                Ok(None) => Err(error(format!("font file `{}` does not exist", missing_at(name).display()))),
                Err((path, e)) => Err(error(format!("font file `{}`: cannot read the font: {e}", path.display()))),
            }
        };
        let faces = [&files.regular, &files.italic, &files.bold, &files.bold_italic].into_iter().map(|name| load(name)).collect::<Result<_, _>>()?;
        let mono = files.mono.as_deref().map(load).transpose()?;
        let (fallbacks, warnings) = self.fallbacks(&list.path, text, files.fallback.entries());
        Ok(FontFamily { faces, fallbacks, mono, warnings, shaped: Default::default() })
    }

    /// The fallback faces `entries` name that can be loaded; one that cannot
    /// is a warning at its line of the list, and the next is tried. A name is
    /// looked up in fonts/ as any font; a path (with a `/`) is read as it is,
    /// such as a system font a package installed.
    fn fallbacks(&self, list_path: &Path, text: &str, entries: &[fonts::FaceFile]) -> (Vec<fonts::LoadedFont>, Vec<Diagnostic>) {
        let mut loaded = Vec::new();
        let mut warnings = Vec::new();
        for entry in entries {
            let name = entry.path();
            let found = if name.contains('/') {
                let path = PathBuf::from(name);
                match std::fs::read(&path) {
                    Ok(bytes) => Ok((path, std::borrow::Cow::Owned(bytes))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("`{}` does not exist", path.display())),
                    Err(e) => Err(format!("`{}`: cannot read the font: {e}", path.display())),
                }
            } else {
                match self.find(&format!("fonts/{name}")) {
                    Ok(Some(found)) => Ok((found.path, found.bytes)),
                    Ok(None) => Err(format!("`fonts/{name}` does not exist")),
                    Err((path, e)) => Err(format!("`{}`: cannot read the font: {e}", path.display())),
                }
            };
            match found.and_then(|(path, bytes)| fonts::parse_font(&path, bytes, entry.index()).map_err(|e| format!("`{}`: {}", e.path.display(), e.message))) {
                Ok(font) => loaded.push(font),
                Err(message) => {
                    let at = text.find(&format!("\"{name}\"")).map(|offset| LineIndex::new(text, 1).position(offset + 1));
                    warnings.push(
                        Diagnostic::warning(list_path, at, format!("fallback font {message}; the next fallback is tried"))
                            .with_help("install the font (for Noto CJK: apt install fonts-noto-cjk), or correct its path in the `fallback` list of styles/fonts.toml")
                            .with_source(text),
                    );
                }
            }
        }
        (loaded, warnings)
    }

    /// The print style `file_name` (e.g. `booklet-a5.toml`) from `styles/`, read
    /// over the default style.
    pub fn style(&self, file_name: &str) -> Result<Style, String> {
        let relative = format!("styles/{file_name}");
        match self.find(&relative).map_err(|(path, e)| format!("{}: cannot read the style: {e}", path.display()))? {
            Some(found) => Style::over_default(&found.path, found.text()?),
            None => Err(format!("{relative}: no such style, here or built in")),
        }
    }

    /// The EPUB's stylesheet, `styles/epub.css`.
    pub fn epub_stylesheet(&self) -> Result<String, String> {
        let found = self.find("styles/epub.css").map_err(|(path, e)| format!("{}: {e}", path.display()))?.expect("styles/epub.css is built in");
        found.text().map(str::to_owned)
    }

    /// The labels for `language` from `styles/labels.toml`.
    pub fn labels(&self, language: &str) -> Result<crate::model::labels::Labels, String> {
        let found = self.find("styles/labels.toml").map_err(|(path, e)| format!("{}: {e}", path.display()))?.expect("styles/labels.toml is built in");
        labels::for_language(found.text()?, language)
    }

    /// The book face's licence, `fonts/OFL.txt`, to ship beside the fonts, taken
    /// from the folder the regular face comes from: quire's licence must not
    /// travel with someone else's font.
    pub fn font_licence(&self) -> Option<(String, Vec<u8>)> {
        let list = self.find("styles/fonts.toml").ok()??;
        let files = fonts::parse_font_files(&list.path, list.text().ok()?).ok()?;
        let bytes = match self.folder_of(&format!("fonts/{}", files.regular))? {
            Some(folder) => std::fs::read(folder.join("fonts/OFL.txt")).ok()?,
            None => built_in::file("fonts/OFL.txt")?.to_vec(),
        };
        Some(("OFL.txt".to_owned(), bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_licence_shipped_is_the_one_beside_the_regular_face() {
        assert_eq!(Resources::built_in().font_licence().map(|(name, _)| name).as_deref(), Some("OFL.txt"));
        let dir = std::env::temp_dir().join(format!("quire-resources-licence-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("fonts")).unwrap();
        std::fs::create_dir_all(dir.join("styles")).unwrap();
        std::fs::write(dir.join("fonts/Mine.otf"), built_in::file("fonts/LinLibertine_R.otf").unwrap()).unwrap();
        let list = String::from_utf8(built_in::file("styles/fonts.toml").unwrap().to_vec()).unwrap();
        std::fs::write(dir.join("styles/fonts.toml"), list.replace("LinLibertine_R.otf", "Mine.otf")).unwrap();
        let mine = Resources::folder(&dir);
        let family = mine.fonts().unwrap();
        assert_eq!(family.faces[0].file_name, "Mine.otf");
        assert_eq!(family.faces[1].file_name, "LinLibertine_RI.otf", "the faces the folder lacks are the built-in ones");
        assert_eq!(mine.font_licence(), None, "quire's OFL.txt is not the licence of someone else's font");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
