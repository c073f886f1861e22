//! The size of the memory pages a build asks Linux for, suited to the book.
//!
//! mimalloc asks for transparent huge pages (2 MB) where it may. For a small
//! book that is faster: an article's build faulted in 400 pages where it
//! faulted in 3 500 small ones, and took 44 ms where it took 60 (median of 21,
//! this project's two-core machine). For a long book it is slower: each huge
//! page is zeroed whole however little of it is used (280 MB zeroed for a
//! 50-chapter book), and when memory is fragmented the kernel compacts it to
//! find them, which took the 50-chapter book's system time from 0.25 s to
//! 0.83 s and its build from 0.90 s to 1.12 s (medians of 7). At 10 and 25
//! chapters huge pages were still faster (0.15 s against 0.18, 0.38 against 0.44).

use std::path::Path;

/// A manuscript of more text than this is built in small pages: between the
/// 25-chapter book (410 kB, 2 300 blocks), still faster in huge pages, and the
/// 50-chapter one (820 kB, 4 600 blocks), no longer.
const SMALL_PAGES_ABOVE_BYTES: u64 = 512 * 1024;

/// Turns huge pages off for the rest of the process if the manuscript at
/// `path` (a file, or a book's folder) is large. Asked of the files' sizes,
/// before they are read: reading and parsing a long book is itself faster in
/// small pages (the 50-chapter book's reader PDF, 0.226 s → 0.218 s).
pub fn suit_pages_to(path: &Path) {
    if manuscript_bytes(path) > SMALL_PAGES_ABOVE_BYTES {
        small_pages_only();
    }
}

/// The size of the manuscript file, or of the `.md` files in a book's folder
/// and its subfolders (a book's parts), as the file system gives it.
fn manuscript_bytes(path: &Path) -> u64 {
    fn markdown_in(folder: &Path, depth: usize) -> u64 {
        let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
        entries
            .filter_map(Result::ok)
            .map(|entry| {
                let path = entry.path();
                match entry.metadata() {
                    Ok(meta) if meta.is_dir() && depth > 0 => markdown_in(&path, depth - 1),
                    Ok(meta) if meta.is_file() && path.extension().is_some_and(|x| x == "md") => meta.len(),
                    _ => 0,
                }
            })
            .sum()
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => markdown_in(path, 1),
        Ok(meta) => meta.len(),
        Err(_) => 0,
    }
}

/// mimalloc's own switch for this (`MIMALLOC_ALLOW_THP=0`) is read only from
/// the environment, at start.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
