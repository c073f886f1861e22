//! Tagging: the document's logical structure (`layout::Structure`), built as
//! the collector reads the model, and the tag each line and piece carries to
//! its page, so that the PDF can say what its content is (a tagged PDF).
//!
//! The collector opens and closes the containers (sections, lists, tables,
//! notes) and makes one element for each block it collects; a block's lines
//! carry that element's tag. Links are elements of their own, made as their
//! pieces are placed: only then is it known where a link's text is.

use crate::layout::{Artifact, ElementId, Role, Structure, Tag};
use crate::model::labels::Labels;
use crate::typeset::inline::prepare::{Anchor, Piece};

/// The structure being built and where the collector is in it.
#[derive(Debug, Clone)]
pub(crate) struct Tagging {
    pub structure: Structure,
    /// The open containers, innermost last; the document's element at the bottom.
    open: Vec<ElementId>,
    /// The level of the last heading tagged: a heading is never more than one
    /// level below the one before it (PDF/UA's headings skip no level).
    last_heading: u8,
    /// The words that describe links ("Back to note reference 3").
    pub labels: Labels,
    /// Each note's element and the number it is printed with.
    note_marks: Vec<(ElementId, String)>,
}

impl Default for Tagging {
    fn default() -> Tagging {
        Tagging::new(Structure::new(), Labels::default())
    }
}

impl Tagging {
    /// Tagging that goes on in `structure`, its new elements under the document's.
    pub fn new(structure: Structure, labels: Labels) -> Tagging {
        Tagging { structure, open: vec![0], last_heading: 0, labels, note_marks: Vec::new() }
    }

    fn current(&self) -> ElementId {
        self.open.last().copied().unwrap_or(0)
    }

    /// A new element of `role` in the open container.
    pub fn element(&mut self, role: Role) -> ElementId {
        let parent = self.current();
        self.structure.add(role, parent)
    }

    /// A new container of `role`, open until [`Tagging::close`].
    pub fn open(&mut self, role: Role) -> ElementId {
        let id = self.element(role);
        self.open.push(id);
        id
    }

    pub fn close(&mut self) {
        if self.open.len() > 1 {
            self.open.pop();
        }
    }

    /// The role of a heading that wants to be of level `wanted`: at most one
    /// level below the heading before it, and between 1 and 6.
    pub fn heading(&mut self, wanted: u8) -> Role {
        let level = wanted.clamp(1, (self.last_heading + 1).min(6));
        self.last_heading = level;
        Role::H(level)
    }

    /// Tags `element` as being in language `lang`.
    pub fn set_lang(&mut self, element: ElementId, lang: Option<&str>) {
        if let Some(lang) = lang {
            self.structure.elements[element].lang = Some(lang.to_owned());
        }
    }

    /// The tag of `piece`, set in a block tagged `tag`, and, for a link, what
    /// the link does in words. A link's piece is an element of its own under
    /// the block's (a note reference's, a `Reference` holding the `Link`; a
    /// note's own number, the note's label).
    pub fn piece(&mut self, piece: &Piece, tag: Tag) -> (Tag, Option<(ElementId, String)>) {
        let (Some(anchor), Tag::Element(block)) = (piece.anchor(), tag) else { return (tag, None) };
        let text = piece.glyphs.text().trim();
        let (parent, description) = match anchor {
            Anchor::Uri(url) => (block, url.to_string()),
            // A link within the book (to a section, a bibliography's entry) says what it links.
            Anchor::Destination(_) => (block, text.to_owned()),
            Anchor::NoteRef { .. } => (self.structure.add(Role::Reference, block), Labels::fill(&self.labels.note_reference, &[("number", text)])),
            Anchor::NoteLabel { .. } => {
                let note = self.structure.elements[block].parent.unwrap_or(block);
                let label = self.structure.add(Role::Lbl, note);
                let number = text.trim_end_matches('.');
                (label, Labels::fill(&self.labels.back_to_note_reference, &[("number", number)]))
            }
            Anchor::Backlink { occurrence, .. } => {
                let number = self.note_number_of(block);
                (block, Labels::fill(&self.labels.back_to_reference_of_note, &[("occurrence", &occurrence.to_string()), ("number", &number)]))
            }
        };
        let link = self.structure.add(Role::Link, parent);
        (Tag::Element(link), Some((link, description)))
    }

    /// Opens a note's element, named `id`, printed with the number `mark`.
    pub fn open_note(&mut self, id: String, mark: String) {
        let note = self.open(Role::Note);
        self.structure.elements[note].id = Some(id);
        self.note_marks.push((note, mark));
    }

    /// The printed number of the note a block is in.
    fn note_number_of(&self, block: ElementId) -> String {
        let note = self.structure.elements[block].parent.unwrap_or(block);
        self.note_marks.iter().rev().find(|(id, _)| *id == note).map(|(_, mark)| mark.clone()).unwrap_or_default()
    }
}

/// What the lines of a table's head repeated on a later page are: a repetition.
pub(crate) const REPEATED: Tag = Tag::Artifact(Artifact::Layout);
