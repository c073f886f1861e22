//! Reading `styles/labels.toml`: the labels of each language, the book's chosen.

use std::collections::BTreeMap;

use crate::model::labels::Labels;

/// The labels for `language` (a BCP 47 tag: its primary subtag is looked up) in
/// the labels file `text`; English where the file has no table for it.
pub fn for_language(text: &str, language: &str) -> Result<Labels, String> {
    let tables: BTreeMap<String, Labels> = toml::from_str(text).map_err(|e| format!("styles/labels.toml: {}", e.message()))?;
    let primary = language.split('-').next().unwrap_or("").to_ascii_lowercase();
    Ok(tables.get(&primary).or_else(|| tables.get("en")).cloned().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built_in() -> &'static str {
        std::str::from_utf8(crate::resources::built_in::file("styles/labels.toml").unwrap()).unwrap()
    }

    #[test]
    fn every_language_of_the_file_has_every_label() {
        let tables: BTreeMap<String, Labels> = toml::from_str(built_in()).expect("each table has every label, and no other");
        for language in ["en", "fr", "de", "es", "it", "pt", "nl", "ru", "pl", "sv"] {
            assert!(tables.contains_key(language), "{language}");
        }
        assert_eq!(tables["en"], Labels::default(), "the built-in English is the file's");
    }

    #[test]
    fn a_language_by_its_primary_subtag_and_english_otherwise() {
        assert_eq!(for_language(built_in(), "fr-CA").unwrap().contents, "Table des matières");
        assert_eq!(for_language(built_in(), "de").unwrap().notes, "Anmerkungen");
        assert_eq!(for_language(built_in(), "ja").unwrap().contents, "Contents");
        assert_eq!(Labels::fill(&for_language(built_in(), "fr").unwrap().chapter, &[("number", "3")]), "Chapitre 3");
    }
}
