//! `POST /client/v1/scan`: the QR code in an image (PNG or JPEG, the request body), for
//! `wx.scanCode` and the shell's "scan". Decoding runs off the async threads, with the
//! image's size bounded before any pixel is allocated.

use super::auth::ClientUser;
use super::ClientReply;
use axum::extract::Request;
use axum::Json;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use image::{ImageFormat, ImageReader, Limits};
use openmini_core::{ApiError, Code};
use serde_json::json;
use std::io::Cursor;

/// Largest image accepted.
pub const MAX_IMAGE_BYTES: usize = 5 << 20;
/// Largest width and height, in pixels.
const MAX_SIDE: u32 = 8192;

pub async fn scan(_u: ClientUser, req: Request) -> ClientReply {
    let bytes = axum::body::to_bytes(req.into_body(), MAX_IMAGE_BYTES)
        .await
        .map_err(|_| ApiError::with(Code::DataFormat, format!("the image is larger than {MAX_IMAGE_BYTES} bytes")))?;
    let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageFormat::Png
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        ImageFormat::Jpeg
    } else {
        return Err(ApiError::with(Code::DataFormat, "the body must be a PNG or JPEG image").into());
    };
    // A decoder that panics on a hostile image costs that request, not the server.
    let raw = tokio::task::spawn_blocking(move || decode(&bytes, format))
        .await
        .map_err(|_| ApiError::with(Code::NoCodeFound, "the image could not be read"))??;
    Ok(Json(json!({
        "result": String::from_utf8_lossy(&raw),
        "scanType": "QR_CODE",
        "charSet": "utf-8",
        "rawData": B64.encode(&raw),
        "errMsg": "scanCode:ok",
    })))
}

/// The payload of the first readable QR code in the image.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<Vec<u8>, ApiError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 << 20);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| ApiError::with(Code::DataFormat, format!("cannot read the image: {e}")))?.to_luma8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| img.get_pixel(x as u32, y as u32).0[0]);
    for grid in prepared.detect_grids() {
        let mut raw = Vec::new();
        if grid.decode_to(&mut raw).is_ok() {
            return Ok(raw);
        }
    }
    Err(ApiError::with(Code::NoCodeFound, "no readable QR code in the image"))
}
