//! Code images: a real QR symbol (the `qrcode` crate, error correction M) drawn on a
//! square PNG of the requested width, whole pixels per module, centred, with at least
//! the 4-module quiet zone, in the requested colour on white or on a transparent
//! background.
//!
//! Speed (`openmini bench codes`): rows are drawn once per module row and copied, grey
//! opaque images are written as 8-bit greyscale (a third of RGB's bytes), and the PNG
//! uses the fast deflate without filtering: a bilevel image compresses well without.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use openmini_core::traffic::codes::Look;
use openmini_core::{ApiError, Code};
use qrcode::{Color, EcLevel, QrCode};

/// Modules of quiet zone on each side, at least.
pub const QUIET: usize = 4;

/// The PNG of a QR symbol holding `text`.
pub fn png(text: &str, look: &Look) -> Result<Vec<u8>, ApiError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| ApiError::with(Code::InvalidArgs, format!("the code's content does not fit a QR symbol: {e}")))?;
    let n = code.width();
    let dark = code.into_colors();
    let width = look.width as usize;
    let scale = width / (n + 2 * QUIET);
    if scale == 0 {
        return Err(ApiError::with(Code::InvalidArgs, "the image is too small for the code's content"));
    }
    let offset = (width - scale * n) / 2;
    let [r, g, b] = look.color;
    let (channels, color_type, light, ink): (usize, ExtendedColorType, &[u8], Vec<u8>) = if look.transparent {
        (4, ExtendedColorType::Rgba8, &[255, 255, 255, 0], vec![r, g, b, 255])
    } else if r == g && g == b {
        (1, ExtendedColorType::L8, &[255], vec![r])
    } else {
        (3, ExtendedColorType::Rgb8, &[255, 255, 255], vec![r, g, b])
    };
    let stride = width * channels;
    let mut pixels = vec![0u8; stride * width];
    // Background everywhere first.
    if light.iter().all(|v| *v == light[0]) {
        pixels.fill(light[0]);
    } else {
        for px in pixels.chunks_exact_mut(channels) {
            px.copy_from_slice(light);
        }
    }
    let mut row = pixels[..stride].to_vec();
    for my in 0..n {
        row.chunks_exact_mut(channels).for_each(|px| px.copy_from_slice(light));
        for mx in 0..n {
            if dark[my * n + mx] == Color::Dark {
                let x0 = (offset + mx * scale) * channels;
                for px in row[x0..x0 + scale * channels].chunks_exact_mut(channels) {
                    px.copy_from_slice(&ink);
                }
            }
        }
        let y0 = offset + my * scale;
        for y in y0..y0 + scale {
            pixels[y * stride..(y + 1) * stride].copy_from_slice(&row);
        }
    }
    let mut out = Vec::with_capacity(width * width / 8 + 1024);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::NoFilter)
        .write_image(&pixels, look.width, look.width, color_type)
        .map_err(|e| ApiError::with(Code::SystemBusy, format!("PNG encoding failed: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> (image::RgbaImage, String) {
        let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap().to_rgba8();
        let luma = image::DynamicImage::ImageRgba8(img.clone()).to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(luma.width() as usize, luma.height() as usize, |x, y| {
            // Transparent pixels are the background: light.
            let a = img.get_pixel(x as u32, y as u32).0[3];
            if a == 0 { 255 } else { luma.get_pixel(x as u32, y as u32).0[0] }
        });
        let grids = prepared.detect_grids();
        let (_, text) = grids[0].decode().unwrap();
        (img, text)
    }

    #[test]
    fn symbols_decode_at_every_width_and_colour() {
        let text = "http://127.0.0.1:8080/c/u/wx0123456789abcdef?p=pages%2Fitem%2Fitem&s=id%3D42%26from%3Dposter&m=AAAAAAAAAAAAAAAA";
        for (width, color, transparent) in [(280, [0, 0, 0], false), (430, [200, 30, 30], false), (1280, [0, 0, 255], true), (333, [90, 90, 90], false)] {
            let look = Look { width, color, transparent };
            let png = png(text, &look).unwrap();
            let (img, got) = decode(&png);
            assert_eq!((img.width(), img.height()), (width, width));
            assert_eq!(got, text);
            // The corner is quiet zone: white, or transparent.
            let corner = img.get_pixel(0, 0).0;
            assert_eq!(corner, if transparent { [255, 255, 255, 0] } else { [255, 255, 255, 255] });
            // Some pixel has the line colour, fully opaque.
            assert!(img.pixels().any(|p| p.0 == [color[0], color[1], color[2], 255]), "{width} {color:?}");
        }
    }
}

#[cfg(test)]
mod speed {
    use super::*;

    /// `cargo test --release -p openmini-server --lib qr::speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn time_the_parts() {
        let look = Look { width: 430, color: [0, 0, 0], transparent: false };
        let text = |i: usize| format!("http://127.0.0.1:41234/c/u/wx0123456789abcdef?p=pages%2Findex%2Findex&s=id%3D{i}%26from%3Dbench&m=AAAAAAAAAAAAAAAA");
        let n = 2000;
        let t = std::time::Instant::now();
        for i in 0..n {
            let _ = QrCode::with_error_correction_level(text(i).as_bytes(), EcLevel::M).unwrap();
        }
        let sym = t.elapsed();
        let t = std::time::Instant::now();
        for i in 0..n {
            let _ = png(&text(i), &look).unwrap();
        }
        let all = t.elapsed();
        eprintln!("symbol {:?}/image, whole image {:?}/image", sym / n as u32, all / n as u32);
    }
}
