//! Saddle-stitch imposition: which pamphlet page goes on which half of which
//! side of which sheet, so that a stack printed double-sided, folded once and
//! stapled through the fold reads 1, 2, 3, … in order.
//!
//! This module only counts; [`crate::impose`] moves the pages' contents.
//!
//! # Why the back side needs no rotation
//!
//! A sheet is landscape and carries two portrait pages side by side; the fold
//! runs down its middle. The printer feeds the paper portrait, so the sheet's
//! left and right edges are the paper's *short* edges, and the fold, down the
//! middle between them, runs parallel to them. "Flip on
//! short edge" turns the paper over around the axis parallel to those short
//! edges, which on the landscape sheet is the vertical axis: exactly like
//! turning the page of a book. So behind the front's right half lies the
//! back's left half, the right way up, and behind the front's left half lies
//! the back's right half. (Flip on *long* edge turns the sheet over its
//! horizontal axis instead and would print every back upside down; that is
//! why the README asks for the short edge.)
//!
//! # The standard layout
//!
//! With `n` pages (a multiple of 4) and sheets `k = 0 … n/4 − 1`, sheet 0
//! outermost, pages numbered from 1:
//!
//! - front: left `n − 2k`, right `2k + 1`
//! - back:  left `2k + 2`, right `n − 2k − 1`
//!
//! Page `2k + 1` is the recto of sheet `k`'s right leaf; turning it shows
//! `2k + 2` behind it, as the short-edge flip puts it.

/// What one half of one side of a sheet carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The pamphlet page with this 0-based index.
    Page(usize),
    /// A padding page: nothing is printed on it.
    Blank,
}

/// One sheet of paper: `[left half, right half]` of each side, as seen when
/// that side faces you the right way up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sheet {
    pub front: [Slot; 2],
    pub back: [Slot; 2],
}

/// The page count rounded up to a multiple of 4: each sheet folds into four pages.
pub fn padded(pages: usize) -> usize {
    pages.div_ceil(4) * 4
}

/// The sheets for a pamphlet of `pages` pages, outermost sheet first.
///
/// The last page is the back cover, so it stays last: padding blanks go
/// between the last page of text and the back cover, never inside the text.
/// No pages give no sheets.
pub fn impose(pages: usize) -> Vec<Sheet> {
    let n = padded(pages);
    // The page printed at 1-based reading position `position`.
    let at = |position: usize| -> Slot {
        let index = position - 1;
        if index + 1 == n {
            Slot::Page(pages - 1)
        } else if index + 1 < pages {
            Slot::Page(index)
        } else {
            Slot::Blank
        }
    };
    (0..n / 4)
        .map(|k| Sheet {
            front: [at(n - 2 * k), at(2 * k + 1)],
            back: [at(2 * k + 2), at(n - 2 * k - 1)],
        })
        .collect()
}

/// The sheets of a pamphlet of `pages` pages in signatures of `sheets` sheets,
/// each signature a saddle-stitched gathering of its own of `4 × sheets` pages,
/// in reading order, each signature's outermost sheet first. The last signature
/// takes the pages left over, padded as [`impose`] pads: the back cover stays last.
pub fn impose_in_signatures(pages: usize, sheets: usize) -> Vec<Vec<Sheet>> {
    let per_signature = 4 * sheets.max(1);
    (0..pages)
        .step_by(per_signature)
        .map(|first| impose(per_signature.min(pages - first)).into_iter().map(|sheet| sheet.shifted(first)).collect())
        .collect()
}

impl Sheet {
    /// The same sheet for pages `offset` further on.
    fn shifted(self, offset: usize) -> Sheet {
        let shift = |slot: Slot| match slot {
            Slot::Page(index) => Slot::Page(index + offset),
            Slot::Blank => Slot::Blank,
        };
        Sheet { front: self.front.map(shift), back: self.back.map(shift) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A leaf of the folded booklet: the side facing the reader first, then the side behind it.
    type Leaf = (Slot, Slot);

    /// Prints, stacks, folds and reads the sheets, the way a person would.
    ///
    /// The printed stack lies with sheet 0 on top, fronts up. Each sheet has a
    /// left and a right leaf. Duplex printing flipped on the short edge puts the
    /// back's left half behind the front's right half (see the module comment).
    /// Folding the stack in half (left halves go underneath) keeps the right
    /// leaves on top in stack order, then puts the left leaves below them in
    /// reverse order, each turned over: its back faces up. Reading the booklet
    /// is going through the leaves top to bottom, face up then face down.
    fn fold_and_read(sheets: &[Sheet]) -> Vec<Slot> {
        let behind = |sheet: &Sheet, front_half: usize| sheet.back[1 - front_half];
        let mut leaves: Vec<Leaf> = sheets.iter().map(|s| (s.front[1], behind(s, 1))).collect();
        leaves.extend(sheets.iter().rev().map(|s| (behind(s, 0), s.front[0])));
        leaves.into_iter().flat_map(|(up, down)| [up, down]).collect()
    }

    fn expected_reading(pages: usize) -> Vec<Slot> {
        let mut reading: Vec<Slot> = (0..pages.saturating_sub(1)).map(Slot::Page).collect();
        reading.resize(padded(pages) - 1, Slot::Blank);
        reading.push(Slot::Page(pages - 1));
        reading
    }

    #[test]
    fn whole_sheets_read_in_order_after_folding() {
        for pages in [4, 8, 12, 16, 20, 24, 28, 32, 64] {
            let sheets = impose(pages);
            assert_eq!(sheets.len(), pages / 4, "{pages} pages");
            let reading = fold_and_read(&sheets);
            assert_eq!(reading, (0..pages).map(Slot::Page).collect::<Vec<_>>(), "{pages} pages");
        }
    }

    #[test]
    fn blanks_go_before_the_back_cover() {
        for pages in 1..=40 {
            let sheets = impose(pages);
            assert_eq!(sheets.len(), padded(pages) / 4);
            assert_eq!(fold_and_read(&sheets), expected_reading(pages), "{pages} pages");
            let blanks = sheets.iter().flat_map(|s| s.front.iter().chain(&s.back)).filter(|s| **s == Slot::Blank).count();
            assert_eq!(blanks, padded(pages) - pages);
        }
    }

    #[test]
    fn the_standard_pairs() {
        // 1-based: front = [n − 2k, 2k + 1], back = [2k + 2, n − 2k − 1]; here 0-based.
        let p = Slot::Page;
        assert_eq!(impose(8), vec![
            Sheet { front: [p(7), p(0)], back: [p(1), p(6)] },
            Sheet { front: [p(5), p(2)], back: [p(3), p(4)] },
        ]);
        // 10 pages: two blanks, then the back cover (page 9) on the outside of sheet 0.
        let sheets = impose(10);
        assert_eq!(sheets[0], Sheet { front: [p(9), p(0)], back: [p(1), Slot::Blank] });
        assert_eq!(sheets[1].front, [Slot::Blank, p(2)]);
    }

    #[test]
    fn signatures_each_fold_and_read_in_order_one_after_another() {
        // 200 pages in signatures of 4 sheets: twelve of 16 pages, then one of 8.
        let signatures = impose_in_signatures(200, 4);
        assert_eq!(signatures.iter().map(Vec::len).collect::<Vec<_>>(), [4; 12].into_iter().chain([2]).collect::<Vec<_>>());
        let reading: Vec<Slot> = signatures.iter().flat_map(|s| fold_and_read(s)).collect();
        assert_eq!(reading, (0..200).map(Slot::Page).collect::<Vec<_>>());
        // Signature 2 (pages 17–32, 0-based 16–31): its outer sheet carries 32 and 17, 18 and 31.
        let p = Slot::Page;
        assert_eq!(signatures[1][0], Sheet { front: [p(31), p(16)], back: [p(17), p(30)] });
        assert_eq!(signatures[1][1], Sheet { front: [p(29), p(18)], back: [p(19), p(28)] });
        // 70 pages in 16-page signatures: the last has 6 pages, padded to 8, the back cover last.
        let last = impose_in_signatures(70, 4).pop().unwrap();
        assert_eq!(fold_and_read(&last), [p(64), p(65), p(66), p(67), p(68), Slot::Blank, Slot::Blank, p(69)]);
        assert!(impose_in_signatures(0, 4).is_empty());
    }

    #[test]
    fn nothing_to_impose() {
        assert!(impose(0).is_empty());
        assert_eq!(padded(0), 0);
        assert_eq!(padded(5), 8);
    }
}
