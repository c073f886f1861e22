//! Bytes the writers make from a few inputs and may keep between builds: the
//! font subsets (a pure function of the font and the glyphs or characters kept;
//! each face was subset once for the EPUB and once for each PDF edition, a tenth
//! of the article's build), the PDF's deflated font programs and the EPUB's
//! font entries. The writers ask a [`KeptBytes`] for them by their inputs; the
//! build's store keeps them in its cache (`build::cache`), and [`KeepNothing`]
//! makes them every time.

/// A 128-bit digest of `bytes`, for an input too large to hash again for
/// every key it is in (a font file): two Fx hashes with different seeds.
pub fn digest(bytes: &[u8]) -> [u8; 16] {
    use std::hash::Hasher;
    let [low, high] = [0x3c_6e_f3_72_u64, 0xa5_4f_f5_3a].map(|seed| {
        let mut hasher = rustc_hash::FxHasher::with_seed(seed as usize);
        hasher.write_usize(bytes.len());
        hasher.write(bytes);
        hasher.finish()
    });
    (u128::from(high) << 64 | u128::from(low)).to_le_bytes()
}

/// Gives the bytes made from `inputs`: kept ones, or those `make` makes.
pub trait KeptBytes: Sync {
    /// `kind` names the maker, and must change when what it makes from the
    /// same inputs changes (a new subsetter, a new splice).
    fn get_or_make(&self, kind: &str, inputs: &[&[u8]], make: &mut dyn FnMut() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String>;
}

/// Keeps nothing: everything is made each time.
pub struct KeepNothing;

impl KeptBytes for KeepNothing {
    fn get_or_make(&self, _kind: &str, _inputs: &[&[u8]], make: &mut dyn FnMut() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
        make()
    }
}

/// Keeps what it is given in memory, counting what it had to make (for tests).
#[cfg(test)]
#[derive(Default)]
pub struct Remembered {
    kept: std::sync::Mutex<std::collections::BTreeMap<Vec<Vec<u8>>, Vec<u8>>>,
    pub made: std::sync::atomic::AtomicUsize,
}

#[cfg(test)]
impl KeptBytes for Remembered {
    fn get_or_make(&self, kind: &str, inputs: &[&[u8]], make: &mut dyn FnMut() -> Result<Vec<u8>, String>) -> Result<Vec<u8>, String> {
        let key: Vec<Vec<u8>> = std::iter::once(kind.as_bytes()).chain(inputs.iter().copied()).map(<[u8]>::to_vec).collect();
        if let Some(bytes) = self.kept.lock().unwrap().get(&key) {
            return Ok(bytes.clone());
        }
        self.made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let bytes = make()?;
        self.kept.lock().unwrap().insert(key, bytes.clone());
        Ok(bytes)
    }
}

