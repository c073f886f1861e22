//! The finished lopdf document as bytes: a plain draft, hashed for the `/ID`,
//! then the file itself, with the objects other than streams in deflated object
//! streams and a deflated cross-reference stream (PDF 1.5). A tagged book has an
//! object for every paragraph, note and link of its structure; written out one
//! by one they made the file a third larger.
//!
//! The file is built from the draft's own bytes: the draft already holds every
//! object serialised once, so each is cut out of it rather than written again.
//! lopdf's object-stream writer serialised each object three times and cloned
//! it, which was a quarter of the PDF writer's instructions on a long book. The
//! bytes are exactly lopdf's (`save_with_options` with object and xref streams,
//! the xref stream deflated after it); a document laid out otherwise than quire
//! makes them is left to lopdf.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use super::content::digits;
use super::structure::internal;
use super::{fnv1a, fnv1a_pair, PdfError, FNV_OFFSET};
use crate::resources::kept::KeptBytes;

/// As many objects in one object stream as lopdf was asked to put there.
const OBJECTS_PER_STREAM: usize = 200;

/// Objects the writer made as their bytes, not as lopdf objects: a tagged
/// book's structure elements, one for every paragraph, heading, note and link
/// (7 500 in the 50-chapter book), and its parent tree. As lopdf dictionaries
/// they were the most of the reader PDF's 10 MB more at its peak, and were
/// serialised once more. Each keeps its number in `lo.objects` with a `null`
/// in its place.
#[derive(Default)]
pub(super) struct Written {
    bodies: std::collections::HashMap<u32, Vec<u8>>,
}

impl Written {
    /// Puts `body`, an object's bytes, in the document as object `id`.
    pub(super) fn insert(&mut self, lo: &mut lopdf::Document, id: ObjectId, body: Vec<u8>) {
        lo.objects.insert(id, Object::Null);
        self.bodies.insert(id.0, body);
    }
}

/// A dictionary written as [`write_dictionary`] writes it, an entry at a time.
pub(super) struct DictionaryBytes(Vec<u8>);

impl DictionaryBytes {
    pub(super) fn new() -> DictionaryBytes {
        DictionaryBytes(b"<<".to_vec())
    }

    pub(super) fn entry(&mut self, key: &[u8], value: &Object) {
        write_name(&mut self.0, key);
        if need_separator(value) {
            self.0.push(b' ');
        }
        write_object(&mut self.0, value);
    }

    pub(super) fn name(&mut self, key: &[u8], name: &[u8]) {
        write_name(&mut self.0, key);
        write_name(&mut self.0, name);
    }

    pub(super) fn reference(&mut self, key: &[u8], id: ObjectId) {
        self.entry(key, &Object::Reference(id));
    }

    /// An array entry, its items written as they come rather than held together first.
    pub(super) fn array(&mut self, key: &[u8], items: impl IntoIterator<Item = Object>) {
        write_name(&mut self.0, key);
        self.0.push(b'[');
        for (k, item) in items.into_iter().enumerate() {
            if k > 0 && need_separator(&item) {
                self.0.push(b' ');
            }
            write_object(&mut self.0, &item);
        }
        self.0.push(b']');
    }

    pub(super) fn finish(mut self) -> Vec<u8> {
        self.0.extend_from_slice(b">>");
        self.0
    }
}

/// Serialises `lo` with a trailer `/ID` that is a hash of the file's objects
/// written without one, so it identifies the content and never changes between
/// identical builds.
/// The object streams' deflated bytes are kept in `store`.
pub(super) fn save_with_content_id(lo: &mut lopdf::Document, written: Written, store: &dyn KeptBytes) -> Result<Vec<u8>, PdfError> {
    lo.trailer.remove(b"ID");
    // lopdf, below, knows nothing of what was written as bytes.
    let bytes_written = !written.bodies.is_empty();
    if let Some(draft) = write_draft(lo, &written) {
        drop(written);
        set_content_id(lo, &draft.bytes);
        if let Some(out) = from_draft(lo, &draft, store) {
            return Ok(out);
        }
    }
    if bytes_written {
        return Err(internal("a document with objects written as bytes could not be laid out as a file"));
    }
    let mut draft = Vec::new();
    lo.save_to(&mut draft).map_err(|e| internal(&format!("serialising failed ({e})")))?;
    set_content_id(lo, &draft);
    drop(draft);
    save_by_lopdf(lo).map_err(|e| internal(&format!("serialising failed ({e})")))
}

/// The `/ID` made from the draft's two FNV-1a hashes, one from the plain
/// offset and one seeded with "quire".
fn set_content_id(lo: &mut lopdf::Document, draft: &[u8]) {
    let [plain, seeded] = fnv1a_pair([FNV_OFFSET, fnv1a(FNV_OFFSET, b"quire")], draft);
    let mut id = plain.to_be_bytes().to_vec();
    id.extend(seeded.to_be_bytes());
    let id = Object::String(id, StringFormat::Hexadecimal);
    lo.trailer.set("ID", Object::Array(vec![id.clone(), id]));
}

/// lopdf's own way to the same bytes, for documents [`from_draft`] does not
/// handle; the tests hold the two to the same output.
pub(super) fn save_by_lopdf(lo: &mut lopdf::Document) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .max_objects_per_stream(OBJECTS_PER_STREAM)
        .compression_level(6)
        .build();
    lo.save_with_options(&mut bytes, options)?;
    deflate_xref_stream(&mut bytes);
    Ok(bytes)
}

/// The plain file lopdf's `save_to` writes (objects one by one, a
/// cross-reference table), with where each object's bytes are. `None` if the
/// document is not as quire makes them (object 0, generations, encryption,
/// object or xref streams of its own, linearisation, an xref stream asked for),
/// which is left to lopdf. Like lopdf's, it sets the trailer's `/Size`.
fn write_draft(lo: &mut lopdf::Document, written: &Written) -> Option<Draft> {
    let unusual = |(&(id, generation), object): (&ObjectId, &Object)| {
        id == 0
            || generation != 0
            || object.type_name().is_ok_and(|name| [&b"ObjStm"[..], b"XRef", b"Linearized"].contains(&name))
            || matches!(object, Object::Dictionary(d) if d.has(b"Linearized"))
    };
    let table = matches!(lo.reference_table.cross_reference_type, lopdf::xref::XrefType::CrossReferenceTable);
    if !table || lo.trailer.has(b"Encrypt") || lo.objects.iter().any(unusual) || lo.objects.is_empty() || lo.binary_mark.iter().any(|&b| b < 128) {
        return None;
    }
    let mut bytes = Vec::new();
    let _ = write!(bytes, "%PDF-{}\n%", lo.version);
    bytes.extend_from_slice(&lo.binary_mark);
    bytes.push(b'\n');
    let mut objects = Vec::with_capacity(lo.objects.len());
    for (&(id, _), object) in &lo.objects {
        let start = bytes.len();
        let _ = write!(bytes, "{id} 0 obj\n");
        if let Some(body) = written.bodies.get(&id) {
            // Written as a dictionary is: no separators.
            let at = bytes.len();
            bytes.extend_from_slice(body);
            let body = at..bytes.len();
            bytes.extend_from_slice(b"\nendobj\n");
            objects.push((id, start..bytes.len(), body));
            continue;
        }
        if need_separator(object) {
            bytes.push(b' ');
        }
        let body = bytes.len();
        write_object(&mut bytes, object);
        let body = body..bytes.len();
        if need_end_separator(object) {
            bytes.push(b' ');
        }
        bytes.extend_from_slice(b"\nendobj\n");
        objects.push((id, start..bytes.len(), body));
    }
    let xref_start = bytes.len();
    // Sections of consecutive numbers; the first begins with the free object 0.
    bytes.extend_from_slice(b"xref\n");
    let size = lo.max_id.max(objects.last().map_or(0, |o| o.0)) + 1;
    let mut section: Vec<Option<usize>> = vec![None];
    let mut first = 0;
    let mut next = objects.iter().peekable();
    for id in 1..size {
        match next.next_if(|o| o.0 == id) {
            Some((_, segment, _)) => {
                if section.is_empty() {
                    first = id;
                }
                section.push(Some(segment.start));
            }
            None if !section.is_empty() => write_xref_section(&mut bytes, first, std::mem::take(&mut section)),
            None => {}
        }
    }
    if !section.is_empty() {
        write_xref_section(&mut bytes, first, section);
    }
    lo.trailer.set("Size", Object::Integer(i64::from(lo.max_id) + 1));
    bytes.extend_from_slice(b"trailer\n");
    write_dictionary(&mut bytes, &lo.trailer);
    let _ = write!(bytes, "\nstartxref\n{xref_start}\n%%EOF");
    Some(Draft { bytes, objects })
}

fn write_xref_section(out: &mut Vec<u8>, first: u32, entries: Vec<Option<usize>>) {
    let _ = writeln!(out, "{first} {}", entries.len());
    for entry in entries {
        match entry {
            Some(offset) => {
                let _ = writeln!(out, "{offset:>010} 00000 n ");
            }
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
}

/// The draft: its bytes, and for each object (in number order) its number,
/// the bytes from `N 0 obj` to `endobj` and the bytes of the object itself.
struct Draft {
    bytes: Vec<u8>,
    objects: Vec<(u32, Range<usize>, Range<usize>)>,
}

/// The file as lopdf's `save_with_options` writes it with object and xref
/// streams, made from the draft's bytes.
fn from_draft(lo: &lopdf::Document, draft: &Draft, store: &dyn KeptBytes) -> Option<Vec<u8>> {
    if !lo.objects.keys().map(|&(id, _)| id).eq(draft.objects.iter().map(|o| o.0)) {
        return None;
    }
    let bodies: Vec<(u32, &Object, &[u8], &[u8])> = lo
        .objects
        .values()
        .zip(&draft.objects)
        .map(|(object, (id, segment, body))| (*id, object, &draft.bytes[segment.clone()], &draft.bytes[body.clone()]))
        .collect();
    let header = draft.objects.first()?.1.start;
    let mut out = Vec::with_capacity(draft.bytes.len());
    out.extend_from_slice(&draft.bytes[..header]);
    let mut entries: BTreeMap<u32, (u8, u32, u16)> = BTreeMap::new();
    let position = |out: &Vec<u8>| u32::try_from(out.len()).ok();
    for &(id, object, segment, _) in &bodies {
        if matches!(object, Object::Stream(_)) {
            entries.insert(id, (1, position(&out)?, 0));
            out.extend_from_slice(segment);
        }
    }
    let packed: Vec<(u32, &[u8])> = bodies.iter().filter(|b| !matches!(b.1, Object::Stream(_))).map(|b| (b.0, b.3)).collect();
    let mut stream_id = lo.max_id;
    let mut tables = Vec::new();
    for group in packed.chunks(OBJECTS_PER_STREAM) {
        stream_id += 1;
        let mut table = Vec::new();
        let mut at = 0;
        for (index, &(id, body)) in group.iter().enumerate() {
            if index > 0 {
                table.push(b' ');
            }
            let _ = write!(table, "{id} {at}");
            at += body.len() + 1;
            entries.insert(id, (2, stream_id, u16::try_from(index).ok()?));
        }
        table.push(b' ');
        let first = table.len();
        for &(_, body) in group {
            table.extend_from_slice(body);
            table.push(b' ');
        }
        tables.push((stream_id, group.len(), first, table));
    }
    // Always deflated, as lopdf does; each object stream on its own, on the cores the build leaves idle.
    let deflated = crate::parallel::map(&tables, |(_, _, _, table)| store.get_or_make(super::DEFLATED_KIND, &[table], &mut || super::deflate(table).ok_or_else(String::new)).ok());
    for ((stream_id, objects, first, _), deflated) in tables.into_iter().zip(deflated) {
        let deflated = deflated?;
        entries.insert(stream_id, (1, position(&out)?, 0));
        let _ = write!(out, "{stream_id} 0 obj\n<</Type/ObjStm/N {objects}/First {first}/Length {}/Filter/FlateDecode>>stream\n", deflated.len());
        out.extend_from_slice(&deflated);
        out.extend_from_slice(b"\nendstream \nendobj\n");
    }

    // The cross-reference stream, the file's last object, as lopdf writes it.
    let xref_id = stream_id + 1;
    let xref_start = out.len();
    entries.insert(xref_id, (1, position(&out)?, 0));
    let mut data = Vec::with_capacity(entries.len() * 7);
    let mut index = Vec::new();
    let mut previous = None;
    for (&id, &(kind, field, generation)) in &entries {
        if previous.map(|p: u32| p + 1) != Some(id) {
            index.push(Object::Integer(i64::from(id)));
            index.push(Object::Integer(0));
        }
        if let Some(Object::Integer(count)) = index.last_mut() {
            *count += 1;
        }
        previous = Some(id);
        data.push(kind);
        data.extend(field.to_be_bytes());
        data.extend(generation.to_be_bytes());
    }
    let mut trailer = lo.trailer.clone();
    trailer.set("Type", Object::Name(b"XRef".to_vec()));
    trailer.set("Size", Object::Integer(i64::from(xref_id) + 1));
    trailer.set("W", Object::Array(vec![Object::Integer(1), Object::Integer(4), Object::Integer(2)]));
    trailer.set("Index", Object::Array(index));
    trailer.remove(b"Filter");
    trailer.set("Length", Object::Integer(data.len() as i64));
    let _ = write!(out, "{xref_id} 0 obj\n");
    write_dictionary(&mut out, &trailer);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream \nendobj\n");
    let _ = write!(out, "\nstartxref\n{xref_start}\n%%EOF");
    deflate_xref_stream(&mut out);
    Some(out)
}

/// lopdf writes the cross-reference stream unfiltered (70 KB in a long book):
/// it is the file's last object, so deflating it in place moves no other
/// object and leaves `startxref` right. The bytes stay as they were if they
/// are not laid out as expected.
fn deflate_xref_stream(bytes: &mut Vec<u8>) {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    let Some(startxref) = find(bytes, b"startxref") else { return };
    let Some(offset) = std::str::from_utf8(&bytes[startxref + 9..]).ok().and_then(|t| t.split_whitespace().next()?.parse::<usize>().ok()) else { return };
    let Some(object) = bytes.get(offset..startxref) else { return };
    let (Some(open), Some(close)) = (find(object, b">>stream\n"), find(object, b"endstream")) else { return };
    let dict = &object[..open];
    let data = &object[open + 9..close];
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    let Some(length) = find(dict, b"/Length ") else { return };
    let digits = dict[length + 8..].iter().take_while(|b| b.is_ascii_digit()).count();
    if dict.windows(7).any(|w| w == b"/Filter") || !std::str::from_utf8(&dict[length + 8..length + 8 + digits]).is_ok_and(|n| n.parse() == Ok(data.len())) {
        return;
    }
    let (deflated, true) = super::compress(data.to_vec()) else { return };
    let mut tail = Vec::with_capacity(dict.len() + deflated.len() + 64);
    tail.extend_from_slice(&dict[..length]);
    tail.extend_from_slice(format!("/Filter/FlateDecode/Length {}", deflated.len()).as_bytes());
    tail.extend_from_slice(&dict[length + 8 + digits..]);
    tail.extend_from_slice(b">>stream\n");
    tail.extend_from_slice(&deflated);
    tail.extend_from_slice(b"\nendstream\nendobj\n");
    let end = bytes.split_off(startxref);
    bytes.truncate(offset);
    bytes.extend_from_slice(&tail);
    bytes.extend_from_slice(&end);
}

// lopdf's serialisation of an object, for the trailer (lopdf keeps its writer private).

fn need_separator(object: &Object) -> bool {
    matches!(object, Object::Null | Object::Boolean(_) | Object::Integer(_) | Object::Real(_) | Object::Reference(_))
}

fn need_end_separator(object: &Object) -> bool {
    need_separator(object) || matches!(object, Object::Name(_) | Object::Stream(_))
}

fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(value) => out.extend_from_slice(if *value { b"true" } else { b"false" }),
        Object::Integer(value) => integer(out, *value),
        Object::Real(value) => {
            let _ = write!(out, "{value}");
        }
        Object::Name(name) => write_name(out, name),
        Object::String(text, format) => write_string(out, text, format),
        Object::Array(array) => {
            out.push(b'[');
            for (k, object) in array.iter().enumerate() {
                if k > 0 && need_separator(object) {
                    out.push(b' ');
                }
                write_object(out, object);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict),
        Object::Stream(stream) => {
            write_dictionary(out, &stream.dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            digits(out, u64::from(*id));
            out.push(b' ');
            digits(out, u64::from(*generation));
            out.extend_from_slice(b" R");
        }
    }
}

/// Written by hand: `std`'s formatting was a third of the serialiser's time.
fn integer(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    digits(out, value.unsigned_abs());
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &byte in name {
        if b" \t\n\r\x0C()<>[]{}/%#".contains(&byte) || !(33..=126).contains(&byte) {
            let _ = write!(out, "#{byte:02X}");
        } else {
            out.push(byte);
        }
    }
}

fn write_string(out: &mut Vec<u8>, text: &[u8], format: &StringFormat) {
    match format {
        StringFormat::Literal => {
            // Backslashes, carriage returns and unbalanced parentheses are escaped.
            let mut escaped = Vec::new();
            let mut open = Vec::new();
            for (index, &byte) in text.iter().enumerate() {
                match byte {
                    b'(' => open.push(index),
                    b')' if open.pop().is_none() => escaped.push(index),
                    b'\\' | b'\r' => escaped.push(index),
                    _ => {}
                }
            }
            escaped.append(&mut open);
            out.push(b'(');
            for (index, &byte) in text.iter().enumerate() {
                if escaped.contains(&index) {
                    out.push(b'\\');
                    out.push(if byte == b'\r' { b'r' } else { byte });
                } else {
                    out.push(byte);
                }
            }
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &byte in text {
                let _ = write!(out, "{byte:02X}");
            }
            out.push(b'>');
        }
    }
}

fn write_dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        write_name(out, key);
        if need_separator(value) {
            out.push(b' ');
        }
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

#[cfg(test)]
mod tests {
    use lopdf::{dictionary, Stream};

    use super::*;

    /// Every kind of object lopdf writes, streams among them, more objects than
    /// two object streams hold, and a gap in the numbering (two xref sections).
    fn document() -> lopdf::Document {
        let mut lo = lopdf::Document::with_version("1.7");
        // As printpdf makes it: the draft has a cross-reference table.
        lo.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let mut kids = Vec::new();
        for n in 0..450i64 {
            let id = lo.add_object(dictionary! {
                "Type" => "StructElem",
                "S" => Object::Name(b"P#1 (odd)".to_vec()),
                "K" => Object::Array(vec![Object::Integer(n), Object::Real(n as f32 / 3.0), Object::Null, Object::Boolean(n % 2 == 0)]),
                "T" => Object::String(b"a (b) c) \\ (d\r".to_vec(), StringFormat::Literal),
                "Alt" => Object::String(vec![0xfe, 0xff, 0, b'x'], StringFormat::Hexadecimal),
            });
            kids.push(Object::Reference(id));
            if n % 100 == 0 {
                lo.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, vec![n as u8; 300]));
            }
        }
        lo.max_id += 3;
        let names = lo.add_object(Object::Array(kids));
        let catalog = lo.add_object(dictionary! { "Type" => "Catalog", "Kids" => Object::Reference(names), "Marked" => true });
        lo.trailer.set("Root", Object::Reference(catalog));
        lo
    }

    #[test]
    fn the_draft_and_the_file_cut_from_it_are_what_lopdf_writes() {
        let (mut lo, mut by_lopdf) = (document(), document());
        let draft = write_draft(&mut lo, &Written::default()).expect("a document as quire makes them");
        let mut lopdf_draft = Vec::new();
        by_lopdf.save_to(&mut lopdf_draft).unwrap();
        assert_eq!(String::from_utf8_lossy(&draft.bytes), String::from_utf8_lossy(&lopdf_draft));
        set_content_id(&mut lo, &draft.bytes);
        set_content_id(&mut by_lopdf, &lopdf_draft);
        let ours = from_draft(&lo, &draft, &crate::resources::kept::KeepNothing).expect("a document as quire makes them");
        let lopdfs = save_by_lopdf(&mut by_lopdf).unwrap();
        assert_eq!(ours.windows(12).filter(|w| w == b"/Type/ObjStm").count(), 3, "three object streams");
        assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&lopdfs));
        let back = lopdf::Document::load_mem(&ours).unwrap();
        assert!(lo.objects.iter().all(|(id, object)| back.objects.get(id).is_some_and(|read| format!("{read:?}") == format!("{object:?}"))), "every object reads back as it was");
    }

    /// Dictionaries and arrays written as bytes make the file they make as lopdf objects.
    #[test]
    fn objects_written_as_bytes_are_written_as_lopdf_objects_are() {
        let mut as_objects = document();
        let mut as_bytes = document();
        let mut written = Written::default();
        let ids: Vec<ObjectId> = as_bytes.objects.iter().filter(|(_, o)| matches!(o, Object::Dictionary(_) | Object::Array(_))).map(|(&id, _)| id).collect();
        assert!(ids.len() > 400);
        for id in ids {
            let mut dict = DictionaryBytes::new();
            match as_bytes.objects[&id].clone() {
                Object::Dictionary(d) => d.iter().for_each(|(key, value)| match value {
                    Object::Name(name) => dict.name(key, name),
                    Object::Array(items) => dict.array(key, items.iter().cloned()),
                    value => dict.entry(key, value),
                }),
                // An array as the one entry of a dictionary, the bytes then cut out of it.
                Object::Array(items) => {
                    dict.array(b"A", items);
                    let bytes = dict.finish();
                    written.insert(&mut as_bytes, id, bytes[4..bytes.len() - 2].to_vec());
                    continue;
                }
                _ => unreachable!(),
            }
            written.insert(&mut as_bytes, id, dict.finish());
        }
        let store = crate::resources::kept::KeepNothing;
        let from_bytes = save_with_content_id(&mut as_bytes, written, &store).unwrap();
        let from_objects = save_with_content_id(&mut as_objects, Written::default(), &store).unwrap();
        assert_eq!(String::from_utf8_lossy(&from_bytes), String::from_utf8_lossy(&from_objects));
    }

    #[test]
    fn the_two_hashes_of_one_pass_are_those_of_two() {
        let bytes: Vec<u8> = (0..10_000u32).map(|n| (n * 7919 % 251) as u8).collect();
        let seeds = [FNV_OFFSET, fnv1a(FNV_OFFSET, b"quire")];
        assert_eq!(fnv1a_pair(seeds, &bytes), [fnv1a(seeds[0], &bytes), fnv1a(seeds[1], &bytes)]);
    }

    #[test]
    fn an_unusual_document_is_left_to_lopdf() {
        let mut lo = document();
        lo.objects.insert((9999, 1), Object::Integer(1));
        assert!(write_draft(&mut lo, &Written::default()).is_none());
        let mut asks_for_xref_stream = document();
        asks_for_xref_stream.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceStream;
        assert!(write_draft(&mut asks_for_xref_stream, &Written::default()).is_none());
    }
}
