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

/// A book with more blocks than this (paragraphs, headings, lists, notes…) is
/// built in small pages: between the 25-chapter book (2 300 blocks), still
/// faster in huge pages, and the 50-chapter one (4 600), no longer. A book of
/// few blocks, however long, is faster in huge pages: one paragraph of a
/// megabyte took 0.29 s in small pages and 0.25 s in huge ones.
const SMALL_PAGES_ABOVE_BLOCKS: usize = 3_000;

/// Turns huge pages off for the rest of the process if the manuscript at
/// `path` (a file, or a book's folder) has many blocks. Asked before the
/// build reads it, of its blank lines (where a block ends, near enough):
/// reading and parsing a long book is itself faster in small pages (the
/// 50-chapter book's reader PDF, 0.226 s → 0.218 s), and looking takes a
/// tenth of a millisecond.
pub fn suit_pages_to(path: &Path) {
    if blank_lines(path) > SMALL_PAGES_ABOVE_BLOCKS {
        small_pages_only();
    }
}

/// The blank lines of the manuscript file, or of the `.md` files in a book's
/// folder and its subfolders (a book's parts). What cannot be read counts
/// nothing: the build says why soon enough.
fn blank_lines(path: &Path) -> usize {
    fn in_file(path: &Path) -> usize {
        let Ok(bytes) = std::fs::read(path) else { return 0 };
        bytes.split(|&b| b == b'\n').filter(|line| line.iter().all(u8::is_ascii_whitespace)).count()
    }
    fn in_folder(folder: &Path, depth: usize) -> usize {
        let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
        entries
            .filter_map(Result::ok)
            .map(|entry| {
                let path = entry.path();
                match entry.metadata() {
                    Ok(meta) if meta.is_dir() && depth > 0 => in_folder(&path, depth - 1),
                    Ok(meta) if meta.is_file() && path.extension().is_some_and(|x| x == "md") => in_file(&path),
                    _ => 0,
                }
            })
            .sum()
    }
    if path.is_dir() {
        in_folder(path, 1)
    } else {
        in_file(path)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Blank lines, whitespace-only and CRLF ones among them, and the end of
    /// each file (which ends a block too), in a file and in a book's folder
    /// with a part's subfolder; other files count nothing.
    #[test]
    fn the_blocks_are_judged_by_the_blank_lines_of_every_chapter() {
        let folder = std::env::temp_dir().join(format!("quire-memory-test-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("part-1")).unwrap();
        std::fs::write(folder.join("01.md"), "# One\n\nA paragraph.\n \nAnother.\r\n\r\nLast.\n").unwrap();
        std::fs::write(folder.join("part-1/02.md"), "# Two\n\nText.\n").unwrap();
        std::fs::write(folder.join("notes.txt"), "\n\n\n\n").unwrap();
        assert_eq!(blank_lines(&folder.join("01.md")), 4);
        assert_eq!(blank_lines(&folder), 6);
        assert_eq!(blank_lines(&folder.join("missing.md")), 0);
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
