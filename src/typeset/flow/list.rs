//! Lists and definition lists: each level's text further in, with the
//! item's label (number, bullet or task box) hung in the indent, on the
//! first line of the item, right-aligned against the text.

use std::borrow::Cow;

use crate::layout::Role;
use crate::model::{Definition, Inline, List};
use crate::resources::fonts::FaceStyle;
use crate::resources::style::ListStyle;
use crate::typeset::inline::prepare::TextStyle;

use super::collect::{Collector, Keep, Place, Spacing};

/// White between a label and the item's text, in ems of the text's size.
const LABEL_GAP_EM: f32 = 0.4;

/// A digit or a full stop of the book face is about half an em wide: an
/// ordered list's indent is at least its widest number's so the numbers
/// stay in the margin of the text and never over it.
const LABEL_CHARACTER_EM: f32 = 0.55;

impl<'a> Collector<'a> {
    /// How far in a list's items stand inside `place`, given its widest
    /// label of `label_chars` characters. Deep lists stop going further in
    /// where the text would have less than the style's fraction of the measure.
    fn list_left(&self, place: Place, label_chars: usize) -> f32 {
        let s = self.style;
        let step = (s.lists.indent_em * s.body.size_pt).max(label_width(label_chars, place.size) + LABEL_GAP_EM * place.size);
        let deepest = s.measure() * (1.0 - s.lists.min_measure_fraction) - place.right;
        (place.left + step).min(deepest.max(place.left))
    }

    pub(super) fn list(&mut self, list: &'a List, place: Place) {
        let s = self.style;
        let labels: Vec<String> = (0..list.items.len()).map(|n| label(&s.lists, list.start, n, place.lists, list.items[n].task)).collect();
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
        let inner = Place { left: self.list_left(place, widest), lists: place.lists + 1, ..place };
        let around = s.body.leading_pt * s.lists.space_around_lines;
        if place.lists == 0 {
            self.push_space(around);
        }
        self.open(Role::L);
        for (n, (item, label)) in list.items.iter().zip(labels).enumerate() {
            if n > 0 && !list.tight {
                self.push_space(s.body.leading_pt * s.lists.loose_space_lines);
            }
            self.open(Role::LI);
            self.hung_label(&label, inner);
            self.open(Role::LBody);
            self.blocks(&item.blocks, inner, true);
            self.close();
            self.close();
        }
        self.close();
        if place.lists == 0 {
            self.push_space(around);
        }
    }

    /// `label` set on the first line of the next block, ending a little
    /// before `place`'s left edge.
    fn hung_label(&mut self, label: &str, place: Place) {
        let style = TextStyle { size: place.size, face: FaceStyle::Regular, indent: 0.0, hyphenate: false };
        let text = self.text(Cow::Owned(vec![Inline::Text(label.to_owned())]), style);
        let right = place.left - LABEL_GAP_EM * place.size;
        let setting = crate::typeset::flow::collect::Setting {
            keep: Keep::Hung { right },
            measure: self.style.measure(),
            ..self.place_setting(Spacing::Ragged, place, place.leading)
        };
        self.push_block(Role::Lbl, text, setting);
    }

    /// Terms in bold; their definitions stand in under them.
    pub(super) fn definitions(&mut self, definitions: &'a [Definition], place: Place) {
        let inner = Place { left: self.list_left(place, 0), lists: place.lists + 1, ..place };
        // A list whose items' labels are the terms.
        self.open(Role::L);
        for definition in definitions {
            self.open(Role::LI);
            let term = TextStyle { size: place.size, face: FaceStyle::Bold, indent: 0.0, hyphenate: true };
            let setting = self.place_setting(Spacing::Ragged, place, place.leading);
            self.push_block(Role::Lbl, self.text(Cow::Borrowed(&definition.term), term), setting);
            self.open(Role::LBody);
            for detail in &definition.details {
                self.blocks(detail, inner, true);
            }
            self.close();
            self.close();
        }
        self.close();
    }
}

/// About how wide a label of `chars` figures and stops is at `size`: room
/// enough for it (a list's, a note's number).
pub(super) fn label_width(chars: usize, size: f32) -> f32 {
    chars as f32 * LABEL_CHARACTER_EM * size
}

/// The label of item `n` of a list at nesting `depth`: its number (from the
/// list's start), or the bullet of its level; a task item's box instead of
/// a bullet, or after its number.
fn label(style: &ListStyle, start: Option<u64>, n: usize, depth: usize, task: Option<bool>) -> String {
    let task = task.map(|done| if done { &style.task_done } else { &style.task_open });
    match (start, task) {
        (Some(k), Some(task)) => format!("{}. {task}", k + n as u64),
        (Some(k), None) => format!("{}.", k + n as u64),
        (None, Some(task)) => task.clone(),
        (None, None) => style.bullets.get(depth % style.bullets.len().max(1)).cloned().unwrap_or_else(|| "•".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style() -> ListStyle {
        ListStyle {
            indent_em: 1.5,
            min_measure_fraction: 0.5,
            bullets: vec!["•".into(), "–".into(), "◦".into()],
            task_done: "☑".into(),
            task_open: "☐".into(),
            loose_space_lines: 0.5,
            space_around_lines: 0.3,
        }
    }

    #[test]
    fn bullets_go_by_level_and_numbers_from_the_start() {
        let s = style();
        let bullets: Vec<String> = (0..4).map(|depth| label(&s, None, 0, depth, None)).collect();
        assert_eq!(bullets, ["•", "–", "◦", "•"]);
        assert_eq!(label(&s, Some(3), 2, 0, None), "5.");
        assert_eq!(label(&s, None, 0, 0, Some(true)), "☑");
        assert_eq!(label(&s, Some(1), 0, 0, Some(false)), "1. ☐");
    }
}
