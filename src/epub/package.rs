//! Packaging for epub-builder: a zip writer whose bytes depend only on the content
//! (fixed entry times, fixed order), and the few fixes epub-builder 0.8.2's
//! templates need to pass EPUBCheck and accessibility checkers.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::resources::kept::KeptBytes;

/// What the finished package must say that epub-builder's templates cannot.
#[derive(Debug, Clone)]
pub struct PackageFixes {
    pub language: String,
    /// The book's identifier as written in the manuscript; replaces the UUID
    /// epub-builder writes when the identifier is not a UUID.
    pub identifier: String,
    pub builder_uuid: String,
    /// Zip entry time, from the manuscript or `SOURCE_DATE_EPOCH`.
    pub timestamp: (u16, u8, u8, u8, u8, u8),
    /// Package metadata epub-builder has no setter for, inserted before `</metadata>`.
    pub extra_metadata: Vec<String>,
    /// `nav.xhtml` and `toc.ncx` as quire writes them, in place of epub-builder's:
    /// its templates cannot leave the cover out of the contents, nest parts, or
    /// speak the book's language.
    pub navigation: String,
    pub ncx: String,
}

/// The files of the zip epub-builder made, in its order, less `mimetype` and folders.
pub fn read_entries(epub: &[u8]) -> Result<Vec<(String, Vec<u8>)>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(epub))?;
    let mut files = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if entry.is_dir() || entry.name() == "mimetype" {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes)?;
        files.push((entry.name().to_owned(), bytes));
    }
    Ok(files)
}

/// Writes the final zip: fixed entry times and order, `mimetype` first and
/// stored, and the fixes below applied to the package documents.
pub fn write_zip(files: Vec<(String, Vec<u8>)>, fixes: &PackageFixes, store: &dyn KeptBytes) -> Result<Vec<u8>, zip::result::ZipError> {
    let (y, mo, d, h, mi, s) = fixes.timestamp;
    let time = DateTime::from_date_and_time(y.clamp(1980, 2107), mo, d, h, mi, s).unwrap_or_default();
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).last_modified_time(time);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // Level 6 (zlib's default): on the book's fonts and text, level 9 took
        // 1.5 to 5 times as long for files under 0.3 % smaller.
        .compression_level(Some(6))
        .last_modified_time(time);

    let files: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(name, bytes)| {
            let bytes = match name.as_str() {
                "OEBPS/content.opf" => fix_package_document(&bytes, fixes),
                "OEBPS/nav.xhtml" => fixes.navigation.clone().into_bytes(),
                "OEBPS/toc.ncx" => fixes.ncx.clone().into_bytes(),
                _ => bytes,
            };
            (name, bytes)
        })
        .collect();
    // Each entry deflated on its own, as a zip of that one entry, on the cores the
    // build leaves idle, and kept in `store`: the fonts are the same in every build
    // until the characters shown change, and most of a book's chapters are too.
    // PNG is already compressed; deflating it again costs time for nothing.
    let is_stored = |name: &str| name.ends_with(".png");
    let entry_time = [y.to_le_bytes()[0], y.to_le_bytes()[1], mo, d, h, mi, s];
    let alone = |name: &str, bytes: &[u8]| -> Result<Vec<u8>, zip::result::ZipError> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(name, deflated)?;
        zip.write_all(bytes)?;
        Ok(zip.finish()?.into_inner())
    };
    let entries = crate::parallel::map(&files, |(name, bytes)| {
        if is_stored(name) {
            return Ok(None);
        }
        match store.get_or_make(ENTRY_KIND, &[name.as_bytes(), bytes, &entry_time], &mut || alone(name, bytes).map_err(|e| e.to_string())) {
            Ok(kept) => Ok(Some(kept)),
            Err(_) => alone(name, bytes).map(Some),
        }
    });

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // OCF: `mimetype` first and uncompressed, so readers can sniff the type.
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    for ((name, bytes), entry) in files.into_iter().zip(entries) {
        match entry? {
            Some(alone) => {
                let mut archive = zip::ZipArchive::new(Cursor::new(alone))?;
                zip.raw_copy_file(archive.by_index(0)?)?;
            }
            None => {
                zip.start_file(name, stored)?;
                zip.write_all(&bytes)?;
            }
        }
    }
    Ok(zip.finish()?.into_inner())
}

/// What a deflated zip entry is made with, for the store.
const ENTRY_KIND: &str = "epub-entry zip-6.0.0 level-6";

fn fix_package_document(bytes: &[u8], fixes: &PackageFixes) -> Vec<u8> {
    let mut opf = String::from_utf8_lossy(bytes).into_owned();
    // Ace rates a package without xml:lang as a serious violation.
    opf = opf.replacen(
        "<package version=\"3.0\"",
        &format!("<package version=\"3.0\" xml:lang=\"{}\" dir=\"ltr\"", fixes.language),
        1,
    );
    opf = opf.replacen(&format!("urn:uuid:{}", fixes.builder_uuid), &escape(&fixes.identifier), 1);
    let extra: String = fixes.extra_metadata.iter().map(|line| format!("    {line}\n")).collect();
    opf = opf.replacen("  </metadata>", &format!("{extra}  </metadata>"), 1);
    // epub-builder's blank template lines make the OPF hard to read; drop them.
    opf.lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n").into_bytes()
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::kept::{KeepNothing, Remembered};

    fn fixes() -> PackageFixes {
        PackageFixes { language: "en".into(), identifier: "id".into(), builder_uuid: "u".into(), timestamp: (2024, 5, 6, 7, 8, 9), extra_metadata: Vec::new(), navigation: String::new(), ncx: String::new() }
    }

    /// An entry taken from the store is the entry deflating it gives, and reads back whole.
    #[test]
    fn a_kept_entry_is_the_entry_written_anew() {
        let font: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let files = || vec![("OEBPS/fonts/Face.otf".to_string(), font.clone()), ("OEBPS/text.xhtml".to_string(), b"<p>text</p>".to_vec())];
        let anew = write_zip(files(), &fixes(), &KeepNothing).unwrap();
        let store = Remembered::default();
        assert_eq!(write_zip(files(), &fixes(), &store).unwrap(), anew);
        assert_eq!(write_zip(files(), &fixes(), &store).unwrap(), anew, "the kept entry differs");
        assert_eq!(store.made.load(std::sync::atomic::Ordering::Relaxed), 2, "an entry was deflated twice");
        assert_eq!(read_entries(&anew).unwrap(), files());
        let mut archive = zip::ZipArchive::new(Cursor::new(anew)).unwrap();
        assert_eq!(archive.by_name("OEBPS/fonts/Face.otf").unwrap().compression(), CompressionMethod::Deflated);
    }
}
