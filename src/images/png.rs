//! PNG: the header is read and its size checked before a pixel is decoded; then
//! the pixels are decoded to 8 bits a channel (palettes expanded, 16-bit samples
//! cut to 8) and the opacity split off, as PDF takes an image and its soft mask.

use std::io::Cursor;

use super::{check_pixels, Raster, MAX_PIXELS};

/// Width, height and pixels of a PNG, or why it cannot be read.
pub(super) fn decode(bytes: &[u8]) -> Result<(u32, u32, Raster), String> {
    // The decoder's own allocation limit, past what the largest allowed picture
    // needs (RGBA, 8 bits), so the pixel check below is the one that speaks.
    let limits = png::Limits { bytes: (MAX_PIXELS * 4 + 1024) as usize };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let header = decoder.read_header_info().map_err(|e| why(&e))?;
    let (width, height) = (header.width, header.height);
    check_pixels(width, height)?;
    let mut reader = decoder.read_info().map_err(|e| why(&e))?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(|e| why(&e))?;
    buffer.truncate(frame.buffer_size());
    let (colour, depth) = reader.output_color_type();
    if depth != png::BitDepth::Eight {
        return Err(format!("its samples come out {depth:?} bits deep after expansion, not 8"));
    }
    let (channels, with_alpha) = match colour {
        png::ColorType::Grayscale => (1, false),
        png::ColorType::GrayscaleAlpha => (1, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (3, true),
        png::ColorType::Indexed => return Err("its palette could not be expanded".into()),
    };
    let pixels_count = width as usize * height as usize;
    let stride = channels + usize::from(with_alpha);
    if buffer.len() < pixels_count * stride {
        return Err("it holds fewer pixels than its header says".into());
    }
    let raster = if with_alpha {
        let mut pixels = Vec::with_capacity(pixels_count * channels);
        let mut alpha = Vec::with_capacity(pixels_count);
        for pixel in buffer.chunks_exact(stride).take(pixels_count) {
            pixels.extend_from_slice(&pixel[..channels]);
            alpha.push(pixel[channels]);
        }
        // A mask that masks nothing is left out.
        let alpha = alpha.iter().any(|&a| a != 255).then_some(alpha);
        Raster { channels: channels as u8, pixels, alpha }
    } else {
        buffer.truncate(pixels_count * channels);
        Raster { channels: channels as u8, pixels: buffer, alpha: None }
    };
    Ok((width, height, raster))
}

fn why(error: &png::DecodingError) -> String {
    match error {
        png::DecodingError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => "the PNG file is cut short (truncated)".into(),
        png::DecodingError::IoError(e) => format!("the PNG could not be read ({e})"),
        png::DecodingError::Format(e) => format!("the PNG is malformed ({e})"),
        png::DecodingError::Parameter(e) => format!("the PNG could not be decoded ({e})"),
        png::DecodingError::LimitsExceeded => "the PNG would need more memory to decode than quire allows".into(),
    }
}
