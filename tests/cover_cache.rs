//! The EPUB's drawn cover is cached by a hash of what it is drawn from: a
//! second build reads it back, the same picture, and a cache that is off or
//! elsewhere changes nothing in the EPUB.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

fn build(cache: &str, out: &Path, manuscript: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["build", manuscript, "--format", "epub", "-q", "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("QUIRE_CACHE_DIR", cache)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .status()
        .unwrap();
    assert!(status.success());
}

fn cover_of(epub: &Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let name = zip.file_names().find(|name| name.starts_with("OEBPS/images/cover.")).unwrap().to_owned();
    let mut bytes = Vec::new();
    zip.by_name(&name).unwrap().read_to_end(&mut bytes).unwrap();
    bytes
}

fn entries(folder: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(folder).map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect()).unwrap_or_default()
}

#[test]
fn the_drawn_cover_is_read_back_from_the_cache_and_the_epub_is_the_same() {
    let work = std::env::temp_dir().join(format!("quire-cover-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let cache = work.join("cache");
    let cache_arg = cache.to_str().unwrap();

    build("", &work.join("uncached"), "manuscript");
    let uncached = std::fs::read(work.join("uncached/russia-1917.epub")).unwrap();
    assert!(entries(&cache.join("cover")).is_empty(), "QUIRE_CACHE_DIR=\"\" writes no cache");

    build(cache_arg, &work.join("first"), "manuscript");
    let stored = entries(&cache.join("cover"));
    assert_eq!(stored.len(), 1, "one cover cached: {stored:?}");
    assert_eq!(std::fs::read(&stored[0]).unwrap(), cover_of(&work.join("first/russia-1917.epub")));
    assert_eq!(std::fs::read(work.join("first/russia-1917.epub")).unwrap(), uncached, "a cached cover makes the same EPUB");

    // The second build takes the cover from the cache, not from drawing it.
    let marked: Vec<u8> = [&cover_of(&work.join("first/russia-1917.epub"))[..], b"read back"].concat();
    std::fs::write(&stored[0], &marked).unwrap();
    build(cache_arg, &work.join("second"), "manuscript");
    assert_eq!(cover_of(&work.join("second/russia-1917.epub")), marked);

    // Another title is another picture.
    build(cache_arg, &work.join("other"), "tests/books/twelve");
    assert_eq!(entries(&cache.join("cover")).len(), 2);
    std::fs::remove_dir_all(&work).unwrap();
}
