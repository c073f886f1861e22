//! A cache of things a build makes that depend only on a few inputs and cost
//! more to make than to read back: the EPUB's drawn cover (a tenth of the
//! article's whole build) and the editions' font subsets (another tenth). Entries are files named by a hash of everything
//! that made them, so an entry is never stale, only unused; a cache that
//! cannot be read or written is simply not used.
//!
//! Where: `$QUIRE_CACHE_DIR`, else `$XDG_CACHE_HOME/quire`, else
//! `~/.cache/quire`. `QUIRE_CACHE_DIR=""` turns the cache off.

use std::hash::Hasher;
use std::path::PathBuf;

use rustc_hash::FxHasher;

use super::output::write_atomically;
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
        format!("{:016x}{:016x}", self.hashers[0].finish(), self.hashers[1].finish())
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

/// The font subsets, deflated font programs and EPUB font entries of every
/// edition, kept in the cache under `subset/`.
pub struct CachedBytes;

impl KeptBytes for CachedBytes {
    fn get_or_make(&self, kind: &str, inputs: &[&[u8]], make: &mut dyn FnMut() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
        // Hashing the fonts whole is the store's one cost: not paid without a cache.
        if folder().is_none() {
            return make();
        }
        let mut key = Key::new(kind);
        for input in inputs {
            key.add(input);
        }
        cached("subset", &key, make)
    }
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
}
