//! Blocks set off from the running text: quotations (in from both sides,
//! in the quote's size, each nested one further in), verse (each line a
//! line, a line too long for the measure turned over with a hanging indent)
//! and thematic breaks (a centred ornament).

use std::borrow::Cow;

use crate::model::{Block, Inline};
use crate::resources::fonts::FaceStyle;
use crate::typeset::inline::prepare::TextStyle;

use super::collect::{Collector, Keep, Place, Spacing};

impl<'a> Collector<'a> {
    pub(super) fn quote(&mut self, blocks: &'a [Block], place: Place) {
        let s = self.style;
        let q = &s.quote;
        let step = q.indent_em * s.body.size_pt;
        // Nested quotes stop going further in where the text would be less than half the measure.
        let room = s.measure() - place.left - place.right - 2.0 * step;
        let step = if room >= s.measure() / 2.0 { step } else { 0.0 };
        let inner = Place { left: place.left + step, right: place.right + step, size: q.size_pt, leading: q.leading_pt, ..place };
        let space = s.body.leading_pt * q.space_around_lines;
        self.push_space(space);
        self.blocks(blocks, inner, true);
        self.push_space(space);
    }

    /// Each line of the poem a line of its own; what does not fit goes on
    /// below, further in, and stays with the rest of its line.
    pub(super) fn verse(&mut self, lines: &'a [Vec<Inline>], place: Place) {
        let s = self.style;
        let v = &s.verse;
        let inner = Place { left: (place.left + v.indent_em * s.body.size_pt).min(s.measure() / 2.0), ..place };
        let space = s.body.leading_pt * v.space_around_lines;
        self.push_space(space);
        // The poem one block of the structure, each line a paragraph in it.
        self.open(crate::layout::Role::Div);
        for line in lines {
            let style = TextStyle { size: place.size, face: FaceStyle::Regular, indent: 0.0, hyphenate: false };
            let keep = Keep::Together { up_to_lines: usize::MAX };
            let spacing = Spacing::Verse { turnover: v.turnover_em * s.body.size_pt };
            let setting = super::collect::Setting { keep, ..self.place_setting(spacing, inner, place.leading) };
            self.push_text(self.text(Cow::Borrowed(line), style), setting);
        }
        self.close();
        self.push_space(space);
    }

    /// A thematic break: the style's ornament, centred, with space around it.
    /// The ornament is a line, so the break shows at the top or foot of a page too.
    pub(super) fn rule(&mut self, place: Place) {
        let s = self.style;
        let space = s.body.leading_pt * s.rule.space_lines;
        self.push_space(space);
        let style = TextStyle { size: place.size, face: FaceStyle::Regular, indent: 0.0, hyphenate: false };
        let text = self.text(Cow::Owned(vec![Inline::Text(s.rule.ornament.clone())]), style);
        let setting = self.place_setting(Spacing::Centred, place, place.leading);
        self.push_ornament(text, setting);
        self.push_space(space);
    }
}
