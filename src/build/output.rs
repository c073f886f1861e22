//! Writing editions to disk so that a failed or interrupted build never leaves a
//! half-written file where a good one was: write beside it, then rename.
//!
//! An edition's files are written beside their places as soon as the edition
//! is made ([`Staged`]), on its worker, while the other editions are still in
//! the making: flushing them to the disk took a tenth of an article's build
//! when it waited for every edition. Only once all are made are they put in
//! place, each by a rename; a build that fails takes its staged files away.

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
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let staged = Staged { temporary: folder.join(format!(".{name}.{}.tmp", std::process::id())), path: path.to_path_buf() };
        let mut file = std::fs::File::create(&staged.temporary)?;
        file.write_all(bytes)?;
        if flushed {
            file.sync_all()?;
        }
        Ok(staged)
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
