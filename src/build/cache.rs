//! A cache of things a build makes that depend only on a few inputs and cost
//! more to make than to read back: the EPUB's drawn cover (a tenth of the
//! article's whole build), and each edition's [`Pack`] of font subsets and
//! deflated streams (a PDF's pages, pictures and fonts, an EPUB's entries: a
//! fifth of a PDF's making). Entries are named by a hash of everything that
//! made them, so an entry is never stale, only unused; a cache that cannot be
//! read or written is simply not used.
//!
//! Where: `$QUIRE_CACHE_DIR`, else `$XDG_CACHE_HOME/quire`, else
//! `~/.cache/quire`. `QUIRE_CACHE_DIR=""` turns the cache off.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rustc_hash::{FxHashMap, FxHasher};

use super::output::{write_atomically, Staged};
use crate::resources::kept::KeptBytes;

/// A key made from every input of a cached thing. Two Fx hashes with
/// different seeds give 128 bits: fast enough to take fonts whole (a few
/// megabytes in well under a millisecond), and wide enough not to collide.
pub struct Key {
    hashers: [FxHasher; 2],
}

impl Key {
    /// A key for `kind`, which also names its folder in the cache.
    pub fn new(kind: &str) -> Key {
        let mut key = Key { hashers: [FxHasher::with_seed(0x51_7c_c1_b7), FxHasher::with_seed(0x2f_b4_0e_93)] };
        key.add(kind.as_bytes());
        // The program itself: a new version may make the same inputs differently.
        key.add(env!("CARGO_PKG_VERSION").as_bytes());
        key
    }

    /// Adds one input; inputs are length-prefixed, so ("ab", "c") ≠ ("a", "bc").
    pub fn add(&mut self, bytes: &[u8]) -> &mut Key {
        for hasher in &mut self.hashers {
            hasher.write_usize(bytes.len());
            hasher.write(bytes);
        }
        self
    }

    fn file_name(&self) -> String {
        format!("{:032x}", self.value())
    }

    fn value(&self) -> u128 {
        (u128::from(self.hashers[0].finish()) << 64) | u128::from(self.hashers[1].finish())
    }
}

fn folder() -> Option<PathBuf> {
    match std::env::var_os("QUIRE_CACHE_DIR") {
        Some(dir) if dir.is_empty() => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => std::env::var_os("XDG_CACHE_HOME")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").filter(|dir| !dir.is_empty()).map(|home| PathBuf::from(home).join(".cache")))
            .map(|dir| dir.join("quire")),
    }
}

/// The bytes cached under `kind` and `key`, or those `make` makes, cached for
/// the next build. An error from `make` is returned and nothing is cached.
pub fn cached<E>(kind: &str, key: &Key, make: impl FnOnce() -> Result<Vec<u8>, E>) -> Result<Vec<u8>, E> {
    let Some(path) = folder().map(|dir| dir.join(kind).join(key.file_name())) else { return make() };
    if let Ok(bytes) = std::fs::read(&path) {
        return Ok(bytes);
    }
    let bytes = make()?;
    // A cache is a convenience: a read-only home or a full disk only costs time.
    let _ = write_atomically(&path, &bytes);
    Ok(bytes)
}

/// What one edition keeps between builds, in one file of the cache's `pack/`
/// folder named for the edition's file: its font subsets and deflated streams
/// (a PDF's pages, pictures, fonts and object streams; an EPUB's entries), by a hash of what was
/// deflated. Deflating the pages was a fifth of a PDF's making, and from one
/// build to the next most pages stay the same, or all do. Only the entries a
/// build used are written back, so a pack holds one build's worth, never
/// stale entries piling up.
pub struct Pack {
    path: Option<PathBuf>,
    /// The entries read from the pack, taken out as they are used.
    read: Mutex<FxHashMap<u128, Vec<u8>>>,
    /// The entries this build used, read or made.
    used: Mutex<FxHashMap<u128, Vec<u8>>>,
    made_any: AtomicBool,
}

/// A pack file begins with this and ends with a 128-bit hash of everything
/// before that hash: a pack cut short or damaged is not read.
const PACK_MAGIC: &[u8] = b"quire pack 1\n";

impl Pack {
    /// The pack of the edition written to `file`; an empty one when there is
    /// none or it cannot be read, and one that keeps nothing without a cache.
    pub fn open(file: &Path) -> Pack {
        let path = folder().map(|dir| {
            let mut key = Key::new("pack");
            key.add(std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf()).as_os_str().as_encoded_bytes());
            dir.join("pack").join(key.file_name())
        });
        let read = path.as_deref().and_then(|path| std::fs::read(path).ok()).and_then(|bytes| pack_entries(&bytes)).unwrap_or_default();
        Pack { path, read: Mutex::new(read), used: Mutex::new(FxHashMap::default()), made_any: AtomicBool::new(false) }
    }

    /// Writes the entries this build used, when they are not those it read.
    pub fn keep(self) {
        let Some(path) = &self.path else { return };
        let left_unused = !lock(&self.read).is_empty();
        if !self.made_any.load(Ordering::Relaxed) && !left_unused {
            return;
        }
        let used = self.used.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut entries: Vec<(&u128, &Vec<u8>)> = used.iter().collect();
        entries.sort_by_key(|(key, _)| **key);
        let mut bytes = PACK_MAGIC.to_vec();
        for (key, entry) in entries {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&(entry.len() as u64).to_le_bytes());
            bytes.extend_from_slice(entry);
        }
        let sum = Key::new("pack sum").add(&bytes).value();
        bytes.extend_from_slice(&sum.to_le_bytes());
        // Not flushed to the disk: a pack a crash cuts short fails its sum and is not read.
        let _ = Staged::write_unflushed(path, &bytes).and_then(Staged::put_in_place);
    }
}

impl KeptBytes for Pack {
    fn get_or_make(&self, kind: &str, inputs: &[&[u8]], make: &mut dyn FnMut() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
        if self.path.is_none() {
            return make();
        }
        let mut key = Key::new(kind);
        for input in inputs {
            key.add(input);
        }
        let key = key.value();
        if let Some(bytes) = lock(&self.used).get(&key) {
            return Ok(bytes.clone());
        }
        let bytes = match lock(&self.read).remove(&key) {
            Some(bytes) => bytes,
            None => {
                self.made_any.store(true, Ordering::Relaxed);
                make()?
            }
        };
        lock(&self.used).insert(key, bytes.clone());
        Ok(bytes)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The entries of a pack file, or `None` if it is not a whole one.
fn pack_entries(bytes: &[u8]) -> Option<FxHashMap<u128, Vec<u8>>> {
    let body = bytes.strip_prefix(PACK_MAGIC)?;
    let (body, sum) = body.split_at_checked(body.len().checked_sub(16)?)?;
    if Key::new("pack sum").add(&bytes[..PACK_MAGIC.len() + body.len()]).value() != u128::from_le_bytes(sum.try_into().ok()?) {
        return None;
    }
    let mut entries = FxHashMap::default();
    let mut rest = body;
    while !rest.is_empty() {
        let (key, after) = rest.split_at_checked(16)?;
        let (length, after) = after.split_at_checked(8)?;
        let length = usize::try_from(u64::from_le_bytes(length.try_into().ok()?)).ok()?;
        let (entry, after) = after.split_at_checked(length)?;
        entries.insert(u128::from_le_bytes(key.try_into().ok()?), entry.to_vec());
        rest = after;
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_changes_with_any_input_and_with_how_inputs_are_cut() {
        let name = |parts: &[&str]| {
            let mut key = Key::new("cover");
            for part in parts {
                key.add(part.as_bytes());
            }
            key.file_name()
        };
        assert_eq!(name(&["a", "b"]), name(&["a", "b"]));
        assert_ne!(name(&["a", "b"]), name(&["a", "c"]));
        assert_ne!(name(&["ab", "c"]), name(&["a", "bc"]));
        assert_ne!(Key::new("cover").file_name(), Key::new("other").file_name());
    }

    #[test]
    fn a_pack_gives_back_what_the_last_build_made_and_only_what_it_used() {
        let dir = std::env::temp_dir().join(format!("quire-pack-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // The cache's folder comes from the environment; the pack is opened with it set, then read from its path.
        let pack_at = |path: PathBuf| Pack { path: Some(path.clone()), read: Mutex::new(std::fs::read(&path).ok().and_then(|b| pack_entries(&b)).unwrap_or_default()), used: Mutex::new(FxHashMap::default()), made_any: AtomicBool::new(false) };
        let path = dir.join("pack").join("edition");
        let made = std::sync::atomic::AtomicUsize::new(0);
        let get = |pack: &Pack, input: &str| {
            pack.get_or_make("test", &[input.as_bytes()], &mut || {
                made.fetch_add(1, Ordering::Relaxed);
                Ok(input.repeat(2).into_bytes())
            })
            .unwrap()
        };
        let first = pack_at(path.clone());
        assert_eq!(get(&first, "a"), b"aa");
        assert_eq!(get(&first, "b"), b"bb");
        assert_eq!(get(&first, "a"), b"aa", "an entry made once is given again");
        first.keep();
        assert_eq!(made.load(Ordering::Relaxed), 2);

        let second = pack_at(path.clone());
        assert_eq!(get(&second, "a"), b"aa");
        assert_eq!(made.load(Ordering::Relaxed), 2, "the next build reads it back, making nothing");
        second.keep();
        let third = pack_at(path.clone());
        assert_eq!(get(&third, "b"), b"bb");
        assert_eq!(made.load(Ordering::Relaxed), 3, "an entry the last build did not use is gone");

        let whole = std::fs::read(&path).unwrap();
        assert!(pack_entries(&whole).is_some());
        assert!(pack_entries(&whole[..whole.len() - 1]).is_none(), "a pack cut short is not read");
        let mut damaged = whole.clone();
        let inside = damaged.len() - 20;
        damaged[inside] ^= 1;
        assert!(pack_entries(&damaged).is_none(), "a damaged pack is not read");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
