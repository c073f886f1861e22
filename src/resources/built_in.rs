//! quire's own fonts and styles, compiled into the binary, so that an installed
//! `quire` needs no files beside it. A folder of the user's own overrides them
//! file by file (see [`super::Resources`]).

/// Each built-in file by its path in a resources folder (`fonts/…`, `styles/…`).
const FILES: &[(&str, &[u8])] = &[
    ("fonts/LinLibertine_R.otf", include_bytes!("../../fonts/LinLibertine_R.otf")),
    ("fonts/LinLibertine_RI.otf", include_bytes!("../../fonts/LinLibertine_RI.otf")),
    ("fonts/LinLibertine_RB.otf", include_bytes!("../../fonts/LinLibertine_RB.otf")),
    ("fonts/LinLibertine_RBI.otf", include_bytes!("../../fonts/LinLibertine_RBI.otf")),
    ("fonts/LinLibertine_M.otf", include_bytes!("../../fonts/LinLibertine_M.otf")),
    ("fonts/DejaVuSans.ttf", include_bytes!("../../fonts/DejaVuSans.ttf")),
    ("fonts/OFL.txt", include_bytes!("../../fonts/OFL.txt")),
    ("fonts/DejaVu-LICENSE.txt", include_bytes!("../../fonts/DejaVu-LICENSE.txt")),
    ("styles/fonts.toml", include_bytes!("../../styles/fonts.toml")),
    ("styles/reader-a5.toml", include_bytes!("../../styles/reader-a5.toml")),
    ("styles/booklet-a5.toml", include_bytes!("../../styles/booklet-a5.toml")),
    ("styles/booklet-half-letter.toml", include_bytes!("../../styles/booklet-half-letter.toml")),
    ("styles/large-print.toml", include_bytes!("../../styles/large-print.toml")),
    ("styles/epub.css", include_bytes!("../../styles/epub.css")),
    ("styles/labels.toml", include_bytes!("../../styles/labels.toml")),
];

/// The style every other style is read over: what a style file leaves out, it takes from here.
pub const DEFAULT_STYLE: &str = include_str!("../../styles/reader-a5.toml");

/// The built-in file at `relative` (e.g. `styles/fonts.toml`), if there is one.
pub fn file(relative: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(name, _)| *name == relative).map(|(_, bytes)| *bytes)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// A file added to fonts/ or styles/ and forgotten here would work in the
    /// repository and be missing from an installed binary.
    #[test]
    fn every_file_of_the_repository_s_fonts_and_styles_is_built_in_unchanged() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for folder in ["fonts", "styles"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let name = format!("{folder}/{}", entry.unwrap().file_name().to_string_lossy());
                let on_disk = std::fs::read(root.join(&name)).unwrap();
                assert_eq!(super::file(&name), Some(on_disk.as_slice()), "{name} is not built in, or differs");
                count += 1;
            }
        }
        assert_eq!(count, super::FILES.len());
    }
}
