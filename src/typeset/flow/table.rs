//! Tables: collected as rows of cells, each cell a paragraph; set as a
//! browser's automatic table layout does, then stacked a row at a time.
//!
//! **Column widths.** Each cell's text gives two widths: its *max-content*
//! width (the whole text on one line) and its *min-content* width (its widest
//! word, which no line can be narrower than). A column takes the largest of
//! each over its cells. If the columns' max-content widths fit the measure,
//! each column is that wide; otherwise each gets its min-content width plus
//! a share of the room left in proportion to how much more it would like
//! (max − min), as CSS 2.1's automatic layout does. Cells are then broken
//! into lines at their column's width, ragged right.
//!
//! **Size.** Cells are set at the style's table size, a little below the
//! body's; a table whose natural width (every column at max-content)
//! exceeds the measure, at its smaller size; if even its
//! min-content widths do not fit, the columns are narrowed below their
//! widest words and the typesetter warns: the last resort.
//!
//! **Rules and pages.** Rules in the booktabs manner: a heavier one above
//! and below, a lighter one under the head row; none between rows or
//! columns. A row is a block of lines that never splits; the page may break
//! between rows, and the page that follows begins with the head row again
//! (`VItem::BreakRepeating`).

use std::borrow::Cow;

use crate::layout::{Role, Tag};
use crate::model::{plain_text, Align, Table};
use crate::resources::fonts::FaceStyle;
use crate::typeset::inline::line::SetLine;
use crate::typeset::inline::linebreak::{Item, Params, FORCED_PENALTY, INFINITE_PENALTY};
use crate::typeset::inline::prepare::{Prepared, TextStyle};

use super::collect::{Collector, Material};
use super::pagebreak::{self, VItem};
use super::stack::set_ragged;
use super::{Flow, FlowLine, LineRule};

/// A table as collected: its cells' text at the table's size and at the
/// style's smaller size, each a `T` (collected text, then prepared).
#[derive(Debug, PartialEq)]
pub(crate) struct TableBlock<T> {
    pub alignments: Vec<Align>,
    /// The first row is the head, repeated on each page the table runs onto.
    pub has_head: bool,
    /// At the table's size, then at the smaller size.
    pub sizes: [TableText<T>; 2],
    /// What the typesetter calls the table in a warning.
    pub name: String,
    pub indent: f32,
    pub measure: f32,
    pub section: usize,
    pub outer_rule: f32,
    pub head_rule: f32,
    /// Each cell's tag, by row and column (the head's cells are `TH`).
    pub cells: Vec<Vec<Tag>>,
    /// Each row's first cell with text, as one of the book's runs (an index
    /// into `Collected::run_keys`): where a page that begins with the row begins.
    pub row_runs: Vec<Option<u32>>,
}

/// A table's cells at one size, and the spacing that goes with that size.
#[derive(Debug, PartialEq)]
pub(crate) struct TableText<T> {
    /// Every row has a cell for every column (empty where the manuscript has none).
    pub rows: Vec<Vec<T>>,
    pub size: f32,
    pub leading: f32,
    pub column_gap: f32,
    /// White between a rule and the text beside it.
    pub rule_space: f32,
    /// Extra white between two rows.
    pub row_space: f32,
}

impl<T> TableBlock<T> {
    pub fn map_text<U>(self, make: &mut impl FnMut(T) -> U) -> TableBlock<U> {
        let TableBlock { alignments, has_head, sizes, name, indent, measure, section, outer_rule, head_rule, cells, row_runs } = self;
        let sizes = sizes.map(|text| TableText {
            rows: text.rows.into_iter().map(|row| row.into_iter().map(&mut *make).collect()).collect(),
            size: text.size,
            leading: text.leading,
            column_gap: text.column_gap,
            rule_space: text.rule_space,
            row_space: text.row_space,
        });
        TableBlock { alignments, has_head, sizes, name, indent, measure, section, outer_rule, head_rule, cells, row_runs }
    }
}

impl<'a> Collector<'a> {
    /// A table, `indent` from the text's left edge and at most `measure` wide, between spaces.
    pub(super) fn table(&mut self, table: &'a Table, indent: f32, measure: f32) {
        let s = self.style;
        let t = &s.table;
        let has_head = !table.header.is_empty();
        let rows: Vec<&'a Vec<Vec<crate::model::Inline>>> = has_head.then_some(&table.header).into_iter().chain(&table.rows).collect();
        let columns = rows.iter().map(|row| row.len()).chain([table.alignments.len()]).max().unwrap_or(0);
        if rows.is_empty() || columns == 0 {
            return;
        }
        self.open(Role::Table);
        // Each cell an element of its row, the head's cells headers of their columns.
        let cells: Vec<Vec<Tag>> = (0..rows.len())
            .map(|r| {
                self.open(Role::TR);
                let role = if has_head && r == 0 { Role::TH } else { Role::TD };
                let row = (0..columns).map(|_| Tag::Element(self.element(role))).collect();
                self.close();
                row
            })
            .collect();
        self.close();
        let text_at = |size: f32, leading: f32| TableText {
            rows: rows
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    let face = if has_head && r == 0 { FaceStyle::Bold } else { FaceStyle::Regular };
                    (0..columns)
                        .map(|c| {
                            let inlines = row.get(c).map_or(Cow::Owned(Vec::new()), |cell| Cow::Borrowed(cell.as_slice()));
                            self.text(inlines, TextStyle { size, face, indent: 0.0, hyphenate: false })
                        })
                        .collect()
                })
                .collect(),
            size,
            leading,
            column_gap: t.column_gap_em * size,
            rule_space: t.rule_space_lines * leading,
            row_space: t.row_space_lines * leading,
        };
        let first_row = rows[0].iter().map(|cell| plain_text(cell)).collect::<Vec<_>>().join(" | ");
        let block = TableBlock {
            alignments: table.alignments.clone(),
            has_head,
            sizes: [text_at(t.size_pt, t.leading_pt), text_at(t.small_size_pt, t.small_leading_pt)],
            name: format!("the table that begins “{}”", shorten(&first_row, 60)),
            indent,
            measure,
            section: self.section,
            outer_rule: t.outer_rule_pt,
            head_rule: t.head_rule_pt,
            cells,
            row_runs: rows.iter().map(|row| row.iter().find(|cell| !cell.is_empty()).and_then(|cell| self.run_of(cell))).collect(),
        };
        let space = s.body.leading_pt * t.space_around_lines;
        self.push_space(space);
        self.collected.material.push(Material::Table(block));
        self.push_space(space);
    }
}

fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_owned();
    }
    text.chars().take(chars).collect::<String>() + "…"
}

/// A cell's min-content width (its widest unbreakable run) and max-content
/// width (all of it on one line).
fn content_widths(prepared: &Prepared) -> (f32, f32) {
    let (mut min, mut max) = (0.0f32, 0.0f32);
    let (mut run, mut line) = (0.0f32, 0.0f32);
    let mut after_box = false;
    for item in &prepared.items {
        match *item {
            Item::Box { width } => {
                run += width;
                line += width;
                after_box = true;
            }
            Item::Glue { width, stretch, .. } => {
                if after_box {
                    min = min.max(run);
                    run = 0.0;
                }
                if stretch.is_finite() {
                    line += width;
                }
                after_box = false;
            }
            Item::Penalty { width, cost, .. } if cost < INFINITE_PENALTY => {
                min = min.max(run + width);
                max = max.max(line);
                run = 0.0;
                if cost <= FORCED_PENALTY {
                    line = 0.0;
                }
            }
            Item::Penalty { .. } => {}
        }
    }
    (min.max(run), max.max(line))
}

/// Each column's min- and max-content widths.
fn column_widths(text: &TableText<Prepared>, columns: usize) -> (Vec<f32>, Vec<f32>) {
    let (mut min, mut max) = (vec![0.0f32; columns], vec![0.0f32; columns]);
    for row in &text.rows {
        for (c, cell) in row.iter().enumerate() {
            let (lo, hi) = content_widths(cell);
            min[c] = min[c].max(lo);
            max[c] = max[c].max(hi);
        }
    }
    (min, max)
}

/// The columns' widths in `available` points (automatic table layout), and
/// whether they had to be narrower than their widest words.
fn distribute(min: &[f32], max: &[f32], available: f32) -> (Vec<f32>, bool) {
    let (sum_min, sum_max): (f32, f32) = (min.iter().sum(), max.iter().sum());
    if sum_max <= available {
        (max.to_vec(), false)
    } else if sum_min <= available {
        let share = (available - sum_min) / (sum_max - sum_min).max(f32::EPSILON);
        (min.iter().zip(max).map(|(lo, hi)| lo + (hi - lo) * share).collect(), false)
    } else {
        let scale = available / sum_min.max(f32::EPSILON);
        (min.iter().map(|lo| lo * scale).collect(), true)
    }
}

/// One line of a row as it goes into the flow: its slot's height, its
/// baseline in the slot, and the rules drawn across it.
struct RowLine {
    line: SetLine,
    height: f32,
    baseline: f32,
    rules: Vec<LineRule>,
    /// From which piece on each cell's text is (`FlowLine::tags`).
    tags: Vec<(usize, Tag)>,
    /// A row's first line begins with its first cell's first word.
    first_word: Option<(u32, u32)>,
}

impl Flow {
    /// Sets a table and adds its rows to the flow: each row kept whole, the
    /// head kept with the first row and repeated after a page break.
    pub(super) fn push_table(&mut self, block: TableBlock<Prepared>, params: &Params) {
        let columns = block.sizes[0].rows.first().map_or(0, Vec::len);
        let gaps = |text: &TableText<Prepared>| text.column_gap * columns.saturating_sub(1) as f32;
        let natural = |text: &TableText<Prepared>| column_widths(text, columns).1.iter().sum::<f32>() + gaps(text);
        let [normal, small] = block.sizes;
        let text = if natural(&normal) <= block.measure { normal } else { small };
        let (min, max) = column_widths(&text, columns);
        let (widths, too_narrow) = distribute(&min, &max, block.measure - gaps(&text));
        if too_narrow {
            self.warnings.push(format!(
                "{} is too wide for the page even at {} pt: its columns are narrower than their longest words",
                block.name, text.size
            ));
        }
        let mut lefts = Vec::with_capacity(columns);
        let mut x = 0.0;
        for width in &widths {
            lefts.push(x);
            x += width + text.column_gap;
        }
        let table_width = (x - text.column_gap).max(0.0);

        let (leading, pad) = (text.leading, text.rule_space);
        let rule = |y: f32, thickness: f32| LineRule { y, from: 0.0, to: table_width, thickness };
        let row_count = text.rows.len();
        let mut rows: Vec<Vec<RowLine>> = Vec::with_capacity(row_count);
        for (r, cells) in text.rows.into_iter().enumerate() {
            let set: Vec<Vec<SetLine>> = cells.into_iter().zip(&widths).map(|(cell, &width)| set_ragged(cell, width, params)).collect();
            let height = set.iter().map(Vec::len).max().unwrap_or(0).max(1);
            let mut lines: Vec<RowLine> = (0..height)
                .map(|i| {
                    let mut line = SetLine { pieces: Vec::new(), width: table_width, ..SetLine::default() };
                    let mut tags = Vec::new();
                    for (c, cell) in set.iter().enumerate() {
                        let Some(cell_line) = cell.get(i) else { continue };
                        if let Some(&tag) = block.cells.get(r).and_then(|row| row.get(c)) {
                            tags.push((line.pieces.len(), tag));
                        }
                        let room = widths[c] - cell_line.width;
                        let dx = lefts[c]
                            + match block.alignments.get(c) {
                                Some(Align::Right) => room.max(0.0),
                                Some(Align::Center) => (room / 2.0).max(0.0),
                                _ => 0.0,
                            };
                        line.pieces.extend(cell_line.pieces.iter().map(|(x, piece)| (x + dx, piece.clone())));
                    }
                    let first_word = if i == 0 { block.row_runs.get(r).copied().flatten().map(|run| (run, 0)) } else { None };
                    RowLine { line, height: leading, baseline: leading * 0.8, rules: Vec::new(), first_word, tags }
                })
                .collect();
            let first = lines.first_mut().expect("a row has a line");
            if r == 0 {
                first.height += pad;
                first.baseline += pad;
                first.rules.push(rule(pad / 2.0, block.outer_rule));
            }
            let last = lines.last_mut().expect("a row has a line");
            if block.has_head && r == 0 {
                last.rules.push(rule(last.height + pad / 2.0, block.head_rule));
                last.height += pad;
            }
            if r + 1 == row_count {
                last.rules.push(rule(last.height + pad / 2.0, block.outer_rule));
                last.height += pad;
            } else if !(block.has_head && r == 0) {
                last.height += text.row_space;
            }
            rows.push(lines);
        }

        let flow_line = |row_line: &RowLine| FlowLine {
            line: row_line.line.clone().into(),
            indent: block.indent,
            baseline: row_line.baseline,
            destination: None,
            section: block.section,
            rules: row_line.rules.clone(),
            picture: None,
            opens_block: false,
            body: false,
            tag: super::tagging::REPEATED,
            tags: row_line.tags.clone(),
            first_word: row_line.first_word,
            alternatives: None,
        };
        let head = if block.has_head && row_count > 1 {
            // The head as repeated after a break: with the rule above it, not
            // the rule below the table that the last row carries.
            let repeated: Vec<(f32, FlowLine)> = rows[0].iter().map(|l| (l.height, flow_line(l))).collect();
            let height = repeated.iter().map(|(h, _)| h).sum();
            self.repeated.push(repeated);
            Some((self.repeated.len() - 1, height))
        } else {
            None
        };
        for (r, lines) in rows.iter().enumerate() {
            if r > 0 {
                match head {
                    // Right after the head: the head stays with the first row.
                    Some(_) if r == 1 => self.push(VItem::Penalty { cost: pagebreak::INFINITE_PENALTY }, None),
                    Some((repeat, height)) => self.push(VItem::BreakRepeating { repeat, height }, None),
                    None => {}
                }
            }
            for (i, row_line) in lines.iter().enumerate() {
                if i > 0 {
                    self.push(VItem::Penalty { cost: pagebreak::INFINITE_PENALTY }, None);
                }
                self.push(VItem::Line { height: row_line.height }, Some(flow_line(row_line)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_take_their_max_content_width_when_it_fits_and_share_the_room_when_not() {
        let (min, max) = (vec![10.0, 20.0], vec![30.0, 100.0]);
        assert_eq!(distribute(&min, &max, 200.0), (vec![30.0, 100.0], false));
        // 70 points above the minimum to share, asked for 20 and 80.
        let (widths, narrowed) = distribute(&min, &max, 100.0);
        assert!(!narrowed);
        assert!((widths[0] - 24.0).abs() < 1e-3 && (widths[1] - 76.0).abs() < 1e-3, "{widths:?}");
        assert!(distribute(&min, &max, 20.0).1, "narrower than the widest words is the last resort");
    }

    #[test]
    fn a_cells_min_content_is_its_widest_word_and_max_content_all_of_it() {
        let prepared = Prepared {
            items: vec![
                Item::Box { width: 5.0 },
                Item::Glue { width: 1.0, stretch: 1.0, shrink: 0.0 },
                Item::Box { width: 8.0 },
                Item::Glue { width: 0.0, stretch: f32::INFINITY, shrink: 0.0 },
                Item::Penalty { width: 0.0, cost: FORCED_PENALTY, flagged: false },
            ],
            ..Prepared::default()
        };
        assert_eq!(content_widths(&prepared), (8.0, 14.0));
    }
}
