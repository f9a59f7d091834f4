//! `Content-Type` by file extension, for package files and the embedded web apps.
//! Browsers refuse module scripts and stylesheets served with the wrong type (and we
//! send `X-Content-Type-Options: nosniff`), so this list matters.

/// The type of a file named `path`; `application/octet-stream` when unknown.
pub fn of(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "wxs" => "text/javascript; charset=utf-8",
        "css" | "wxss" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "wxml" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "bmp" => "image/bmp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "m4a" => "audio/mp4",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn types_by_extension() {
        assert_eq!(super::of("main/view.js"), "text/javascript; charset=utf-8");
        assert_eq!(super::of("main/css/app.css"), "text/css; charset=utf-8");
        assert_eq!(super::of("manifest.json"), "application/json");
        assert_eq!(super::of("main/files/a.PNG"), "image/png");
        assert_eq!(super::of("x.jpeg"), "image/jpeg");
        assert_eq!(super::of("index.html"), "text/html; charset=utf-8");
        assert_eq!(super::of("noext"), "application/octet-stream");
        assert_eq!(super::of("dir.js/noext"), "application/octet-stream");
    }
}
