//! pandoc's title block: up to three lines opening the file, `% Title`, `% Author; Author`,
//! `% Date`, a line that starts with a space continuing the one before. Read as front
//! matter; a field left empty (`%` alone) gives nothing.

/// What a title block says, and where it ends.
#[derive(Debug, PartialEq)]
pub(super) struct TitleBlock {
    pub title: String,
    pub authors: Vec<String>,
    /// The date as written, and its byte offset.
    pub date: Option<(String, usize)>,
    /// The byte offset just past the block's last line.
    pub end: usize,
}

pub(super) fn read(text: &str) -> Option<TitleBlock> {
    if !text.starts_with('%') {
        return None;
    }
    // Each field's text and where it starts.
    let mut fields: Vec<(String, usize)> = Vec::new();
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(field) = body.strip_prefix('%') {
            if fields.len() == 3 {
                break;
            }
            fields.push((field.trim().to_owned(), end + 1 + (field.len() - field.trim_start().len())));
        } else if body.starts_with([' ', '\t']) && !body.trim().is_empty() && !fields.is_empty() {
            let separator = if fields.len() == 2 { "; " } else { " " };
            if let Some((field, _)) = fields.last_mut() {
                if !field.is_empty() {
                    field.push_str(separator);
                }
                field.push_str(body.trim());
            }
        } else {
            break;
        }
        end += line.len();
    }
    let mut fields = fields.into_iter();
    let title = fields.next().map(|(t, _)| t).unwrap_or_default();
    let authors = fields.next().map(|(a, _)| a.split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect()).unwrap_or_default();
    let date = fields.next().filter(|(d, _)| !d.is_empty());
    Some(TitleBlock { title, authors, date, end })
}

/// The text with the title block's lines blanked (their line ends kept), so that the
/// parser does not read them as a paragraph and every offset stays the file's.
pub(super) fn blank(text: &mut String, end: usize) {
    let blanked: String = text[..end].chars().map(|c| if c == '\n' || c == '\r' { c.to_string() } else { " ".repeat(c.len_utf8()) }).collect();
    text.replace_range(..end, &blanked);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_lines_and_continuations() {
        let text = "% The Title\n  continued\n% Ann Lee; Bob\n  Cy\n% 13 November 2015\n\nText.\n";
        let block = read(text).unwrap();
        assert_eq!(block.title, "The Title continued");
        assert_eq!(block.authors, ["Ann Lee", "Bob", "Cy"]);
        assert_eq!(block.date, Some(("13 November 2015".into(), 46)));
        assert_eq!(&text[block.end..], "\nText.\n");
        assert_eq!(&text[46..62], "13 November 2015");
        let mut blanked = text.to_owned();
        blank(&mut blanked, block.end);
        assert_eq!(blanked.len(), text.len());
        assert!(blanked[..block.end].trim().is_empty());
    }

    #[test]
    fn empty_fields_and_no_block() {
        let block = read("%\n% Ann\n\nText").unwrap();
        assert_eq!((block.title.as_str(), block.authors.len(), block.date), ("", 1, None));
        assert_eq!(read("Text\n% not a block"), None);
    }
}
