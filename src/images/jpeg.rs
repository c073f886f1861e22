//! JPEG: passed through to the PDF as it is (DCTDecode), so only its header is
//! read here, by hand: the markers up to the start of the scan, the frame header
//! (SOF) for the size and the number of colour channels, and Adobe's APP14 marker
//! for CMYK stored inverted. No crate: a JPEG decoder would decode what the PDF
//! reader decodes anyway, and the header is forty lines with every length checked.
//!
//! A truncated file is found by its end: a whole JPEG ends with the EOI marker.

pub(super) struct Header {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    pub inverted_cmyk: bool,
}

pub(super) fn header(bytes: &[u8]) -> Result<Header, String> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err("it does not start as a JPEG does".into());
    }
    let cut_short = || "the JPEG file is cut short (truncated)".to_string();
    let mut at = 2;
    let mut frame: Option<(u32, u32, u8)> = None;
    let mut adobe = false;
    loop {
        // Markers are 0xFF then a code; any number of 0xFF fill bytes may come first.
        if *bytes.get(at).ok_or_else(cut_short)? != 0xFF {
            return Err(format!("the JPEG is malformed (no marker at byte {at})"));
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at).ok_or_else(cut_short)?;
        at += 1;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD9 => return Err("the JPEG ends before its picture starts".into()),
            _ => {}
        }
        let length = u16::from_be_bytes([*bytes.get(at).ok_or_else(cut_short)?, *bytes.get(at + 1).ok_or_else(cut_short)?]) as usize;
        if length < 2 {
            return Err("the JPEG is malformed (a marker segment shorter than its length field)".into());
        }
        let segment = bytes.get(at + 2..at + length).ok_or_else(cut_short)?;
        match marker {
            // Baseline, extended and progressive Huffman frames: what PDF readers decode.
            0xC0..=0xC2 => {
                if segment.len() < 6 {
                    return Err("the JPEG's frame header is too short".into());
                }
                let precision = segment[0];
                let height = u32::from(u16::from_be_bytes([segment[1], segment[2]]));
                let width = u32::from(u16::from_be_bytes([segment[3], segment[4]]));
                let components = segment[5];
                if precision != 8 {
                    return Err(format!("its samples are {precision} bits deep; PDF readers take 8-bit JPEGs"));
                }
                if height == 0 {
                    return Err("its height is given only after the picture (a DNL marker), which PDF readers do not take".into());
                }
                if !matches!(components, 1 | 3 | 4) {
                    return Err(format!("it has {components} colour channels (1 grey, 3 RGB or 4 CMYK are read)"));
                }
                frame = Some((width, height, components));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err("it is a lossless, hierarchical or arithmetic-coded JPEG, which PDF readers do not decode".into());
            }
            0xEE if segment.starts_with(b"Adobe") => adobe = true,
            // Start of scan: the picture's data follows, to the end of the file.
            0xDA => {
                let (width, height, components) = frame.ok_or("the JPEG has no frame header before its picture data")?;
                let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
                if end < 2 || bytes[end - 2..end] != [0xFF, 0xD9] {
                    return Err(cut_short());
                }
                return Ok(Header { width, height, components, inverted_cmyk: adobe && components == 4 });
            }
            _ => {}
        }
        at += length;
    }
}
