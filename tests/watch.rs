//! `quire watch` driven as a writer drives it: the real binary watching a manuscript in a
//! temporary folder, files saved, broken, deleted and restored, then Ctrl-C (SIGINT).
//!
//! Every rebuild ends in exactly one line on standard output, so each save is followed by
//! waiting for the next line (30 s at most: the machine may be busy) and, once the watch is
//! stopped, whatever it printed after the last awaited line must be nothing: a save that
//! rebuilt twice would leave a line over. No test measures a duration.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const QUIRE: &str = env!("CARGO_BIN_EXE_quire");

/// Long enough for a rebuild on a loaded machine; a wait only ever ends this early on failure.
const PATIENCE: Duration = Duration::from_secs(30);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-watch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `quire watch`, its standard output read line by line and its standard error kept.
struct Watching {
    child: Child,
    lines: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

/// A test that fails part-way leaves no watch running behind it.
impl Drop for Watching {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Watching {
    fn start(dir: &Path, args: &[&str]) -> Watching {
        let mut child = Command::new(QUIRE)
            .arg("watch")
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("quire runs");
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let kept = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                kept.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Watching { child, lines, stderr, stderr_reader: Some(stderr_reader) }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until standard error holds `needle`: it is read on its own thread, so what
    /// quire wrote there before a line on standard output may not have been read yet.
    fn wait_for_stderr(&self, needle: &str) {
        let mut waited = Duration::ZERO;
        while !self.stderr().contains(needle) {
            assert!(waited < PATIENCE, "{needle:?} not in quire watch's standard error:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
            waited += Duration::from_millis(20);
        }
    }

    /// The next line on standard output: one rebuild's.
    fn next_line(&self) -> String {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!("no line from quire watch in {PATIENCE:?}; its standard error:\n{}", self.stderr()),
            Err(RecvTimeoutError::Disconnected) => panic!("quire watch ended early; its standard error:\n{}", self.stderr()),
        }
    }

    /// Interrupted, the watch ends with 130, having printed nothing more and without a panic.
    fn stops_cleanly(self) {
        let (status, rest, stderr) = self.interrupt();
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert!(rest.is_empty(), "{rest:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }

    /// Sends SIGINT, as Ctrl-C does, and returns how the process ended, the lines it printed
    /// that were not yet read, and its standard error.
    fn interrupt(mut self) -> (ExitStatus, Vec<String>, String) {
        let sent = Command::new("kill").arg("-INT").arg(self.child.id().to_string()).status().expect("kill runs");
        assert!(sent.success());
        let mut waited = Duration::ZERO;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if waited > PATIENCE {
                let _ = self.child.kill();
                panic!("quire watch did not end on SIGINT; its standard error:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(50));
            waited += Duration::from_millis(50);
        };
        // The pipes close when the process has ended: every line it wrote is in the channel,
        // and all it wrote to standard error is read once its reader ends.
        let rest = self.lines.iter().collect();
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        let stderr = self.stderr.lock().unwrap().clone();
        (status, rest, stderr)
    }
}

fn epub_article(epub: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let name = zip.file_names().find(|n| n.ends_with("article.xhtml")).unwrap().to_owned();
    let mut text = String::new();
    zip.by_name(&name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[test]
fn one_save_is_one_rebuild_and_an_error_then_its_fix_recovers() {
    let dir = temp_dir("saves");
    let clean = std::fs::read_to_string(root().join("tests/manuscripts/clean.md")).unwrap();
    std::fs::write(dir.join("book.md"), &clean).unwrap();
    let watching = Watching::start(&dir, &["book.md", "-o", "dist"]);

    let first = watching.next_line();
    assert!(first.contains("] 4 editions of \"A short test\" in "), "{first}");
    assert!(first.starts_with('[') && first.ends_with(" → dist/"), "{first}");
    watching.wait_for_stderr("for changes; Ctrl-C to stop");

    // A save: one rebuild, which names the file and carries the new text.
    std::fs::write(dir.join("book.md"), format!("{clean}\nA paragraph written while watching.\n")).unwrap();
    let saved = watching.next_line();
    assert!(saved.contains("] book.md changed: 4 editions of \"A short test\" in "), "{saved}");
    assert!(epub_article(&dir.join("dist/book.epub")).contains("A paragraph written while watching."));
    let good = std::fs::read(dir.join("dist/book.pdf")).unwrap();

    // A file the build does not read, saved beside the manuscript, is no reason to rebuild:
    // the next line is the next save's.
    std::fs::write(dir.join("log.txt"), "notes to self").unwrap();

    // An error: reported, the editions kept as they were, and the watch goes on.
    std::fs::write(dir.join("book.md"), format!("{clean}\nA claim[^missing].\n")).unwrap();
    let broken = watching.next_line();
    assert!(broken.contains("] book.md changed: 1 error, 0 warnings; the editions in dist/ are kept as they were"), "{broken}");
    assert_eq!(std::fs::read(dir.join("dist/book.pdf")).unwrap(), good, "the PDF is the last good one");
    watching.wait_for_stderr("error: note reference `[^missing]` has no definition\n  --> book.md:11:8");

    // The fix: built again.
    std::fs::write(dir.join("book.md"), format!("{clean}\nA claim[^found].\n\n[^found]: Its source.\n")).unwrap();
    let fixed = watching.next_line();
    assert!(fixed.contains("] book.md changed: 4 editions of \"A short test\" in "), "{fixed}");
    assert_ne!(std::fs::read(dir.join("dist/book.pdf")).unwrap(), good, "the PDF is rebuilt");

    let (status, rest, stderr) = watching.interrupt();
    assert_eq!(status.code(), Some(130), "Ctrl-C ends the watch with 130: {stderr}");
    assert!(rest.is_empty(), "each save rebuilt once, and nothing else did: {rest:?}");
    assert!(stderr.ends_with("stopped watching\n"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("dist")).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "no temporary file is left: {leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_deleted_manuscript_is_a_message_and_its_return_a_rebuild() {
    let dir = temp_dir("deleted");
    let clean = std::fs::read_to_string(root().join("tests/manuscripts/clean.md")).unwrap();
    std::fs::write(dir.join("book.md"), &clean).unwrap();
    let watching = Watching::start(&dir, &["book.md", "--out", "out", "--format", "epub"]);
    let first = watching.next_line();
    assert!(first.contains("] 1 edition of \"A short test\" in ") && first.ends_with(" → out/"), "{first}");

    std::fs::remove_file(dir.join("book.md")).unwrap();
    let gone = watching.next_line();
    assert!(gone.contains("] book.md changed: 1 error, 0 warnings; the editions in out/ are kept as they were"), "{gone}");
    watching.wait_for_stderr("error: cannot read the manuscript:");
    assert!(dir.join("out/book.epub").is_file(), "the last EPUB stays");

    std::fs::write(dir.join("book.md"), &clean).unwrap();
    let back = watching.next_line();
    assert!(back.contains("] book.md changed: 1 edition of \"A short test\" in "), "{back}");

    watching.stops_cleanly();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A book: its book.toml and a chapter are watched through the book's folder, and an
/// output folder inside the book's folder never rebuilds it.
#[test]
fn a_books_plan_and_chapters_are_watched_and_its_editions_are_not() {
    let dir = temp_dir("book");
    let book = dir.join("small");
    std::fs::create_dir_all(&book).unwrap();
    for entry in std::fs::read_dir(root().join("tests/books/small")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), book.join(entry.file_name())).unwrap();
    }
    let watching = Watching::start(&dir, &["small", "-o", "small/dist", "--format", "pdf,epub"]);
    let first = watching.next_line();
    assert!(first.contains("] 2 editions of "), "{first}");

    let plan = std::fs::read_to_string(book.join("book.toml")).unwrap();
    let retitled = plan.lines().map(|l| if l.starts_with("title") { "title = \"A Retitled Book\"" } else { l }).collect::<Vec<_>>().join("\n");
    assert_ne!(retitled, plan, "book.toml has a title line");
    std::fs::write(book.join("book.toml"), retitled).unwrap();
    let line = watching.next_line();
    assert!(line.contains("] small/book.toml changed: 2 editions of \"A Retitled Book\" in "), "{line}");

    let chapter = book.join("01-one.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nAnother paragraph.\n")).unwrap();
    let line = watching.next_line();
    assert!(line.contains("] small/01-one.md changed: 2 editions of \"A Retitled Book\""), "{line}");

    let (status, rest, stderr) = watching.interrupt();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(rest.is_empty(), "the editions written into the book's folder rebuilt nothing: {rest:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_folder_that_is_not_there_cannot_be_watched() {
    let dir = temp_dir("missing");
    let output = Command::new(QUIRE).args(["watch", "no-such-folder/book.md"]).current_dir(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: cannot watch no-such-folder:"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A `--style` file outside the manuscript's folder is watched on its own: a change to it
/// rebuilds, a change to another file beside it does not, and a broken style is an error
/// like any other, after which the fixed style builds again.
#[test]
fn the_style_file_given_is_watched_and_its_neighbours_are_not() {
    let dir = temp_dir("style");
    std::fs::create_dir_all(dir.join("text")).unwrap();
    let clean = std::fs::read_to_string(root().join("tests/manuscripts/clean.md")).unwrap();
    std::fs::write(dir.join("text/book.md"), &clean).unwrap();
    let style = std::fs::read_to_string(root().join("styles/large-print.toml")).unwrap();
    std::fs::write(dir.join("big.toml"), &style).unwrap();
    let watching = Watching::start(&dir, &["text/book.md", "--style", "big.toml", "--format", "pdf", "-o", "out"]);
    assert!(watching.next_line().contains("] 1 edition of \"A short test\""));

    std::fs::write(dir.join("big.toml"), style.replace("size_pt = 14\nleading_pt = 18", "size_pt = 16\nleading_pt = 20")).unwrap();
    let line = watching.next_line();
    assert!(line.contains("] big.toml changed: 1 edition of \"A short test\""), "{line}");

    // Beside the style, but not the style: no rebuild, so the next line is the broken style's.
    std::fs::write(dir.join("other.toml"), "name = \"another style\"\n").unwrap();
    std::fs::write(dir.join("big.toml"), "[body\n").unwrap();
    let line = watching.next_line();
    assert!(line.contains("] big.toml changed: 1 error; the editions in out/ are kept as they were"), "{line}");
    watching.wait_for_stderr("error: big.toml:1:6: invalid style");
    std::fs::write(dir.join("big.toml"), &style).unwrap();
    let line = watching.next_line();
    assert!(line.contains("] big.toml changed: 1 edition of"), "{line}");

    let (status, rest, stderr) = watching.interrupt();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(rest.is_empty(), "{rest:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A book's folder removed takes its watch with it: its going is a message, and when it is
/// back (moved into place whole) it is watched and built again.
#[test]
fn a_deleted_book_folder_is_a_message_and_its_return_a_rebuild() {
    let dir = temp_dir("book-gone");
    let copy_book = |to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(root().join("tests/books/small")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    };
    copy_book(&dir.join("small"));
    let watching = Watching::start(&dir, &["small", "--format", "epub"]);
    assert!(watching.next_line().contains("] 1 edition of \"A Small Book\""));

    std::fs::remove_dir_all(dir.join("small")).unwrap();
    let gone = watching.next_line();
    assert!(gone.contains("changed: 1 error, 0 warnings; the editions in dist/ are kept as they were"), "{gone}");
    watching.wait_for_stderr("error: cannot read the manuscript:");

    copy_book(&dir.join("staging"));
    std::fs::rename(dir.join("staging"), dir.join("small")).unwrap();
    let back = watching.next_line();
    assert!(back.contains("] small changed: 1 edition of \"A Small Book\""), "{back}");
    // Watched again: a save in it rebuilds.
    std::fs::write(dir.join("small/02-two.md"), "# Two\n\nThe second chapter, rewritten.\n").unwrap();
    let saved = watching.next_line();
    assert!(saved.contains("] small/02-two.md changed: 1 edition of"), "{saved}");

    watching.stops_cleanly();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With `--quiet` a good build prints nothing, and a failed one its errors and its line.
#[test]
fn quiet_watching_prints_only_what_failed() {
    let dir = temp_dir("quiet");
    let clean = std::fs::read_to_string(root().join("tests/manuscripts/clean.md")).unwrap();
    std::fs::write(dir.join("book.md"), &clean).unwrap();
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    let watching = Watching::start(&dir, &["book.md", "-q", "--format", "epub"]);
    // The first build prints nothing: wait for its EPUB before saving.
    let mut waited = Duration::ZERO;
    while !dir.join("dist/book.epub").is_file() {
        assert!(waited < PATIENCE, "no EPUB: {}", watching.stderr());
        std::thread::sleep(Duration::from_millis(20));
        waited += Duration::from_millis(20);
    }
    std::fs::write(dir.join("book.md"), format!("{clean}\nA claim[^missing].\n")).unwrap();
    let line = watching.next_line();
    assert!(line.contains("] book.md changed: 1 error, 0 warnings;"), "the failed rebuild is the first line: {line}");
    let (status, rest, stderr) = watching.interrupt();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(rest.is_empty(), "{rest:?}");
    assert!(stderr.starts_with("error: note reference `[^missing]`") && !stderr.contains("watching"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
