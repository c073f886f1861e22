//! The bibliography in print: each work a paragraph in the notes' type, ragged,
//! hung from its first line (the rest of its lines further in), as Chicago sets a
//! bibliography, and each the destination its citations' links lead to.

use std::borrow::Cow;

use crate::model::BibliographyEntry;
use crate::resources::fonts::FaceStyle;
use crate::typeset::inline::prepare::TextStyle;

use super::collect::{Collector, Place, Setting, Spacing};

/// How far the turned lines of an entry stand in, in ems of the notes' size.
const HANG_EM: f32 = 1.5;

impl<'a> Collector<'a> {
    pub(super) fn bibliography(&mut self, entries: &'a [BibliographyEntry], place: Place) {
        let s = self.style;
        let (size, leading) = (s.notes.size_pt, s.notes.leading_pt);
        let inner = Place { size, leading, ..place };
        // Set as verse sets a long line: ragged, the lines after the first turned over further in.
        let spacing = Spacing::Verse { turnover: HANG_EM * size };
        for entry in entries {
            let style = TextStyle { size, face: FaceStyle::Regular, indent: 0.0, hyphenate: true };
            let setting = Setting { destination: Some(entry.id.clone()), ..self.place_setting(spacing, inner, leading) };
            self.push_text(self.text(Cow::Borrowed(&entry.content), style), setting);
            self.push_space(leading * 0.3);
        }
    }
}
