//! `quire watch`: which files a build depends on, and waiting until one of them changes.
//!
//! Folders are watched, not files: an editor often saves by writing a new file and
//! renaming it over the old one, which a watch on the old file would lose, and a chapter
//! or picture added to the folder must be seen too. What a build reads is all in the
//! manuscript's folder (a picture outside it is refused), in the `--resources` folder, or
//! is the `--style` file; so those are watched, and in them a change counts when it is to a
//! kind of file a build reads ([`READ`], or anything in `fonts/` and `styles/`), but never
//! to the editions' own (the output folder), hidden files (`.git/`, an editor's
//! `.book.md.swp`, quire's own temporaries) or editors' backups (`book.md~`, `#book.md#`).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::BuildOptions;

/// How long the files must be quiet before a rebuild: one save is several events
/// (open, write, close, a rename, the attributes), and they are taken as one.
const QUIET: Duration = Duration::from_millis(200);

/// How often a watched folder is looked for while nothing happens: a folder removed takes
/// its watch with it, so its going and its coming back are seen only so.
const LOOK_AGAIN: Duration = Duration::from_secs(1);

/// The kinds of file a build reads, by extension: manuscripts and book.toml, front matter
/// and bibliographies, the pictures it places (and those it names in a warning), fonts, styles.
const READ: &[&str] = &[
    "md", "markdown", "toml", "yaml", "yml", "json", "bib", "ris", "csl", "png", "jpg", "jpeg", "svg", "gif", "webp", "tif", "tiff", "bmp", "avif", "ttf", "otf", "woff", "woff2", "css",
];

/// What ends a wait for changes.
#[derive(Debug, PartialEq)]
pub enum Wake {
    /// These files, which a build may read, were created, written, renamed or deleted.
    Changed(Vec<PathBuf>),
    /// [`Watch::stopper`]'s function was called (Ctrl-C).
    Stopped,
    /// The watcher reported a problem (the folder was removed, too many folders to watch).
    Failed(String),
}

/// A watch on the files one build's options read.
pub struct Watch {
    wakes: mpsc::Receiver<Wake>,
    sender: mpsc::Sender<Wake>,
    inputs: Inputs,
    /// Watched folders that were removed, looked for again every [`LOOK_AGAIN`].
    gone: Vec<PathBuf>,
    /// Watching stops when this is dropped.
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

/// Why a watch could not start.
#[derive(Debug)]
pub struct WatchError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot watch {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for WatchError {}

/// The places a build reads from, as absolute paths, and the output folder it writes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    /// Watched with their subfolders: the manuscript's folder (a book's own), `--resources`.
    pub folders: Vec<PathBuf>,
    /// Files watched on their own, through their folder: `--style`.
    pub files: Vec<PathBuf>,
    /// Where the editions go; nothing written there is a reason to rebuild.
    pub out_dir: PathBuf,
}

impl Inputs {
    /// What a build with `options` reads. The output folder is made if it is missing,
    /// so that it can be told apart from the manuscript's folder by its real path.
    pub fn of(options: &BuildOptions) -> Result<Inputs, WatchError> {
        let real = |path: &Path| path.canonicalize().map_err(|e| WatchError { path: path.to_path_buf(), message: e.to_string() });
        let manuscript = &options.manuscript;
        let folder = if manuscript.is_dir() {
            manuscript.as_path()
        } else {
            manuscript.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
        };
        let mut folders = vec![real(folder)?];
        if let Some(resources) = &options.resources {
            folders.push(real(resources)?);
        }
        let files = options.style.iter().map(|style| real(style)).collect::<Result<Vec<_>, _>>()?;
        std::fs::create_dir_all(&options.out_dir).map_err(|e| WatchError { path: options.out_dir.clone(), message: e.to_string() })?;
        Ok(Inputs { folders, files, out_dir: real(&options.out_dir)? })
    }

    /// Whether a change to `path` (absolute) may change the editions.
    pub fn matters(&self, path: &Path) -> bool {
        if self.files.iter().any(|file| file == path) {
            return true;
        }
        // Editions written beside the manuscript (`--out .`) are told by their extension.
        let out_holds_a_folder = self.folders.iter().any(|folder| folder.starts_with(&self.out_dir));
        let edition = path.parent() == Some(self.out_dir.as_path()) && path.extension().is_some_and(|x| x == "epub" || x == "pdf");
        if path.starts_with(&self.out_dir) && (!out_holds_a_folder || edition) {
            return false;
        }
        let Some(inside) = self.folders.iter().find_map(|folder| path.strip_prefix(folder).ok()) else {
            return false;
        };
        let hidden = inside.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // vim writes `4913` to learn whether it may write in the folder; emacs autosaves to `#name#`.
        let backup = name.ends_with('~') || name.starts_with('#') || name == "4913" || [".swp", ".swx", ".tmp"].iter().any(|x| name.ends_with(x));
        // In a folder of fonts or styles every file may be read (a font's licence too);
        // elsewhere only the kinds of file a build reads, so that a log written beside
        // the manuscript (`quire watch > log.txt`) does not rebuild it.
        let resource = inside.components().any(|c| c.as_os_str() == "fonts" || c.as_os_str() == "styles");
        let read = path.extension().and_then(|x| x.to_str()).is_some_and(|x| READ.contains(&x.to_ascii_lowercase().as_str()));
        !hidden && !backup && (resource || read)
    }
}

impl Watch {
    /// Starts watching what a build with `options` reads. Changes are gathered from now on,
    /// so a save during the first build is not missed.
    pub fn new(options: &BuildOptions) -> Result<Watch, WatchError> {
        let inputs = Inputs::of(options)?;
        let (sender, wakes) = mpsc::channel();
        let events = sender.clone();
        let handler = move |result: DebounceEventResult| {
            let wake = match result {
                // Reading a file is an event too (the build's own reads): only changes count.
                Ok(events) => Wake::Changed(events.iter().filter(|e| !matches!(e.kind, EventKind::Access(_))).flat_map(|e| e.paths.iter().cloned()).collect()),
                Err(errors) => Wake::Failed(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
            };
            let _ = events.send(wake);
        };
        let failed = |path: &Path, e: notify::Error| WatchError { path: path.to_path_buf(), message: e.to_string() };
        let mut debouncer = new_debouncer(QUIET, None, handler).map_err(|e| failed(&options.manuscript, e))?;
        for folder in &inputs.folders {
            debouncer.watch(folder, RecursiveMode::Recursive).map_err(|e| failed(folder, e))?;
        }
        for file in &inputs.files {
            let folder = file.parent().unwrap_or(file);
            debouncer.watch(folder, RecursiveMode::NonRecursive).map_err(|e| failed(folder, e))?;
        }
        Ok(Watch { wakes, sender, inputs, gone: Vec::new(), debouncer })
    }

    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    /// A function that ends the wait in [`Watch::next`] with [`Wake::Stopped`], from any
    /// thread (a Ctrl-C handler).
    pub fn stopper(&self) -> impl Fn() + Send + 'static {
        let sender = self.sender.clone();
        move || {
            let _ = sender.send(Wake::Stopped);
        }
    }

    /// Waits until a file that matters changes, and returns them all; changes that came
    /// while the last build ran are taken together, for one rebuild. A watched folder
    /// removed, or back again, is a change of its own.
    pub fn next(&mut self) -> Wake {
        let mut changed = Vec::new();
        loop {
            let wake = if changed.is_empty() {
                match self.wakes.recv_timeout(LOOK_AGAIN) {
                    Ok(wake) => Some(wake),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        changed = self.folders_gone_or_back();
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => None,
                }
            } else {
                self.wakes.try_recv().ok()
            };
            match wake {
                Some(Wake::Changed(paths)) => changed.extend(paths.into_iter().filter(|p| self.inputs.matters(p))),
                Some(other) => return other,
                None if changed.is_empty() => return Wake::Failed("the watcher stopped".into()),
                None => break,
            }
        }
        // A folder removed with its files is one change, whichever is seen first.
        changed.extend(self.folders_gone_or_back());
        changed.sort();
        changed.dedup();
        Wake::Changed(changed)
    }

    /// The watched folders that have gone since last looked at, or come back (watched again).
    fn folders_gone_or_back(&mut self) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for folder in &self.inputs.folders {
            let was_gone = self.gone.contains(folder);
            if !was_gone && !folder.is_dir() {
                let _ = self.debouncer.unwatch(folder);
                self.gone.push(folder.clone());
                changed.push(folder.clone());
            } else if was_gone && folder.is_dir() && self.debouncer.watch(folder, RecursiveMode::Recursive).is_ok() {
                self.gone.retain(|f| f != folder);
                changed.push(folder.clone());
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> Inputs {
        Inputs { folders: vec!["/books/mine".into(), "/fonts-of-mine".into()], files: vec!["/styles/big.toml".into()], out_dir: "/books/mine/dist".into() }
    }

    #[test]
    fn what_a_build_reads_matters_and_what_it_writes_does_not() {
        let inputs = inputs();
        for path in ["/books/mine/01-chapter.md", "/books/mine/book.toml", "/books/mine/images/press.jpg", "/books/mine/styles/reader-a5.toml", "/fonts-of-mine/fonts/face.otf", "/fonts-of-mine/fonts/OFL.txt", "/books/mine/Cover.JPG", "/styles/big.toml"] {
            assert!(inputs.matters(Path::new(path)), "{path} matters");
        }
        for path in [
            "/books/mine/dist/mine.pdf",
            "/books/mine/dist/.mine.pdf.123.tmp",
            "/books/mine/.git/index",
            "/books/mine/.01-chapter.md.swp",
            "/books/mine/01-chapter.md~",
            "/books/mine/#01-chapter.md#",
            "/books/mine/4913",
            "/books/other.md",
            "/styles/small.toml",
            "/books/mine/log.txt",
            "/books/mine/notes.odt",
        ] {
            assert!(!inputs.matters(Path::new(path)), "{path} does not matter");
        }
        let beside = Inputs { out_dir: "/books/mine".into(), ..inputs };
        assert!(beside.matters(Path::new("/books/mine/01-chapter.md")));
        assert!(!beside.matters(Path::new("/books/mine/mine.epub")) && !beside.matters(Path::new("/books/mine/mine-booklet-a4.pdf")));
    }
}
