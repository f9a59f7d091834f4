//! What every target checks besides "no panic, no hang": diagnostics point at a real
//! place, and the render code is well-formed.

#![allow(dead_code)]

use openmini_compiler::diag::Diagnostic;
use std::collections::BTreeMap;

/// Splits the input at NUL bytes into at most `n` files' texts (lossy UTF-8: the
/// parsers take `&str`; the build refuses non-UTF-8 files before they get here).
pub fn texts(data: &[u8], n: usize) -> Vec<String> {
    data.splitn(n, |b| *b == 0).map(|p| String::from_utf8_lossy(p).into_owned()).collect()
}

/// Every diagnostic names one of the files, at a line and column that exist.
pub fn check_diags(diags: &[Diagnostic], files: &BTreeMap<String, String>) {
    for d in diags {
        assert!(!d.code.is_empty() && !d.message.is_empty(), "{d:?}");
        assert!(d.line >= 1 && d.col >= 1 && d.excerpt_col >= 1, "{d:?}");
        if let Some(text) = files.get(&d.file) {
            let lines = text.split('\n').count();
            assert!(d.line <= lines, "line {} of {} in {d:?}", d.line, lines);
            let line = text.split('\n').nth(d.line - 1).unwrap_or("");
            assert!(d.col <= line.chars().count() + 1, "col past the line's end: {d:?}");
        } else {
            assert!(d.file.is_empty() || files.is_empty() || d.file == "app.json", "unknown file in {d:?}");
        }
    }
}

/// The generated JavaScript's brackets balance outside string literals (strings come
/// from `serde_json`, so double-quoted; the runtime's one regular expression is
/// balanced). Catches text or names reaching the code unescaped.
pub fn check_js_balance(js: &str) {
    let b = js.as_bytes();
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    assert!(b[i] != b'\n', "newline in a string literal at {i}");
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                assert!(i < b.len(), "unclosed string literal");
            }
            c @ (b'(' | b'[' | b'{') => stack.push(c),
            c @ (b')' | b']' | b'}') => {
                let open = stack.pop();
                let want = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                assert_eq!(open, Some(want), "unbalanced `{}` at byte {i}", c as char);
            }
            _ => {}
        }
        i += 1;
    }
    assert!(stack.is_empty(), "{} brackets left open", stack.len());
}
