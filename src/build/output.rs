//! Writing editions to disk so that a failed or interrupted build never leaves a
//! half-written file where a good one was: write beside it, then rename.
//!
//! An edition's files are written beside their places as soon as the edition
//! is made ([`Staged`]), while the other editions are still in the making:
//! flushing them to the disk took a tenth of an article's build when it waited
//! for every edition. Each is written and flushed on a thread of its own
//! ([`Flushing`]), which waits for the disk while the edition's worker makes
//! the next edition: on the worker, the waits were a sixth of the article's
//! build (7 ms of the two workers' 40). Only once all are made and on the disk
//! are they put in place, each by a rename; a build that fails takes its staged files away.

use std::io::Write;
use std::path::{Path, PathBuf};

pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    Staged::write(path, bytes)?.put_in_place()
}

/// A file written in full beside its place, under a hidden temporary name,
/// and flushed to the disk: put in place by [`Staged::put_in_place`], or
/// removed when dropped.
#[derive(Debug)]
pub struct Staged {
    temporary: PathBuf,
    path: PathBuf,
}

impl Staged {
    pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
        Staged::write_flushed_or_not(path, bytes, true)
    }

    /// [`Staged::write`] without waiting for the disk: for what is only a
    /// convenience and can tell for itself when a crash cut it short (the cache's packs).
    pub fn write_unflushed(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
        Staged::write_flushed_or_not(path, bytes, false)
    }

    fn write_flushed_or_not(path: &Path, bytes: &[u8], flushed: bool) -> std::io::Result<Staged> {
        Staged::beside(path)?.filled(bytes, flushed)
    }

    /// The staged file's names, its folder made: nothing written yet.
    fn beside(path: &Path) -> std::io::Result<Staged> {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Staged { temporary: folder.join(format!(".{name}.{}.tmp", std::process::id())), path: path.to_path_buf() })
    }

    /// Writes `bytes` to the staged file, and waits for the disk if `flushed`.
    /// Allocates nothing: on a thread of its own ([`Flushing`]), allocating
    /// made the allocator set up a heap for it (3 MB more for an article's build).
    fn filled(self, bytes: &[u8], flushed: bool) -> std::io::Result<Staged> {
        let mut file = std::fs::File::create(&self.temporary)?;
        file.write_all(bytes)?;
        if flushed {
            file.sync_all()?;
        }
        Ok(self)
    }

    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the file at its place, whole.
    pub fn put_in_place(self) -> std::io::Result<()> {
        std::fs::rename(&self.temporary, &self.path)?;
        std::mem::forget(self);
        Ok(())
    }
}

/// A file being [staged](Staged::write) on a thread of its own: what the
/// disk's wait was, and the file staged, given by [`Flushing::wait`]. Dropped
/// unwaited for (a build that failed), it waits, and takes the file away.
#[derive(Debug)]
pub struct Flushing {
    path: PathBuf,
    writing: Option<std::thread::JoinHandle<std::io::Result<Staged>>>,
    /// Staged on the calling thread when no thread could be started.
    written: Option<std::io::Result<Staged>>,
}

impl Flushing {
    pub fn start(path: PathBuf, bytes: Vec<u8>) -> Flushing {
        let staged = match Staged::beside(&path) {
            Ok(staged) => staged,
            Err(error) => return Flushing { path, writing: None, written: Some(Err(error)) },
        };
        let bytes = std::sync::Arc::new(bytes);
        let theirs = std::sync::Arc::clone(&bytes);
        match std::thread::Builder::new().spawn(move || staged.filled(&theirs, true)) {
            Ok(thread) => Flushing { path, writing: Some(thread), written: None },
            // No thread to wait for the disk: it is waited for here.
            Err(_) => Flushing { written: Some(Staged::write(&path, &bytes)), path, writing: None },
        }
    }

    /// Where the file goes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file written and flushed beside its place, once it is.
    pub fn wait(mut self) -> std::io::Result<Staged> {
        if let Some(written) = self.written.take() {
            return written;
        }
        match self.writing.take().map(std::thread::JoinHandle::join) {
            Some(Ok(staged)) => staged,
            _ => Err(std::io::Error::other("the thread writing the file stopped")),
        }
    }
}

impl Drop for Flushing {
    fn drop(&mut self) {
        if let Some(thread) = self.writing.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temporary);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_whole_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("quire-output-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("book.epub");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_previous_file() {
        let dir = std::env::temp_dir().join(format!("quire-output-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("book.pdf");
        std::fs::write(&path, b"good").unwrap();
        // A directory where the file should go makes the rename fail.
        let blocked = dir.join("blocked");
        std::fs::create_dir_all(blocked.join("inside")).unwrap();
        assert!(write_atomically(&blocked, b"new").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"good");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Written on its own thread, a file is staged as on the caller's: in
    /// full once waited for, hidden until put in place; one dropped unwaited
    /// for (a build that failed) leaves nothing behind.
    #[test]
    fn a_file_flushed_on_its_own_thread_is_staged_whole_and_gone_if_dropped() {
        let dir = std::env::temp_dir().join(format!("quire-output-flushing-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (kept, dropped) = (dir.join("book.pdf"), dir.join("book.epub"));
        std::fs::write(&kept, b"old").unwrap();
        let bytes: Vec<u8> = (0..3_000_000u32).map(|n| n as u8).collect();
        let flushing = Flushing::start(kept.clone(), bytes.clone());
        let unwanted = Flushing::start(dropped.clone(), b"never".to_vec());
        assert_eq!(flushing.path(), kept);
        let staged = flushing.wait().unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"old", "a flushed file leaves the one in place until it is put there");
        drop(unwanted);
        staged.put_in_place().unwrap();
        assert!(std::fs::read(&kept).unwrap() == bytes, "the file put in place is not the bytes given");
        let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["book.pdf".to_string()], "nothing but the file put in place is left");
        // A file that cannot be written says so when waited for.
        let blocked = dir.join("book.pdf").join("inside.pdf");
        assert!(Flushing::start(blocked, b"new".to_vec()).wait().is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_staged_file_is_hidden_until_put_in_place_and_gone_if_dropped() {
        let dir = std::env::temp_dir().join(format!("quire-output-staged-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (kept, dropped) = (dir.join("book.pdf"), dir.join("book.epub"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&kept, b"old").unwrap();
        let staged = Staged::write(&kept, b"new").unwrap();
        let unwanted = Staged::write(&dropped, b"never").unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"old", "a staged file leaves the one in place until it is put there");
        drop(unwanted);
        staged.put_in_place().unwrap();
        assert_eq!(std::fs::read(&kept).unwrap(), b"new");
        let names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["book.pdf".to_string()], "nothing but the file put in place is left");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
