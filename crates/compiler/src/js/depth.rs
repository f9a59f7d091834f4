//! A bound on how deeply a JavaScript text can nest before it is handed to swc, whose
//! parser, passes, printer and even the dropping of its tree recurse once per level: a
//! few kilobytes of `((((` or a chain of ten thousand `else if`s would overflow the stack
//! and abort the whole build. No real program comes near the limit.
//!
//! The estimate over-counts on purpose: brackets (`(`, `[`, `{`, `${`) nest, and within a
//! bracket every operator, `.` and `else` since the last `,` or `;` may add one level to
//! the tree (`a + b + c …` is a left-deep tree as tall as it is long).

use crate::diag::{Diagnostic, Severity, Source, Span};

/// Levels of nesting accepted (the estimate above). The compiler's worker threads have
/// a stack sized for it (mod.rs).
pub const MAX_DEPTH: usize = 2_000;

/// How deep `code` (found at byte `at` of `source`) nests, by the estimate above; an
/// error if deeper than [`MAX_DEPTH`].
pub fn check(source: &Source, code: &str, at: usize) -> Result<usize, Diagnostic> {
    let deepest = match deepest(code) {
        Ok(depth) => return Ok(depth),
        Err(at) => at,
    };
    Err(source.diag(
        Severity::Error,
        "too-deep",
        Span::new(at + deepest, at + deepest + 1),
        format!("this code nests more than {MAX_DEPTH} levels deep (brackets and chains of operators); split it up"),
    ))
}

/// The estimated depth, or the offset where it first passes the limit.
fn deepest(code: &str) -> Result<usize, usize> {
    let mut max = 0;
    let b = code.as_bytes();
    // Per open bracket: the operators seen since its last `,`/`;`. The last entry is the
    // top level. `tpl` marks brackets that are `${` inside a template literal.
    let mut chains: Vec<(usize, bool)> = vec![(0, false)];
    let mut total = 0usize;
    let mut i = 0;
    // Whether a `/` here starts a regular expression (after an operator or bracket).
    let mut regex_ok = true;
    while i < b.len() {
        let c = b[i];
        let mut next_regex_ok = true;
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr(b, i, b'\n');
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = code[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'\'' | b'"' => {
                i = skip_string(b, i, c);
                next_regex_ok = false;
            }
            b'`' => {
                match skip_template(b, i + 1) {
                    (end, false) => i = end,
                    (end, true) => {
                        // `${`: an expression nested in the template.
                        chains.push((0, true));
                        total += 1;
                        i = end;
                    }
                }
                next_regex_ok = false;
                regex_ok = next_regex_ok;
                max = max.max(total);
                if total > MAX_DEPTH {
                    return Err(i.min(b.len().saturating_sub(1)));
                }
                continue;
            }
            b'/' if regex_ok => {
                i = skip_regex(b, i + 1);
                next_regex_ok = false;
                regex_ok = next_regex_ok;
                continue;
            }
            b'(' | b'[' | b'{' => {
                chains.push((0, false));
                total += 1;
            }
            b')' | b']' | b'}' => {
                if chains.len() > 1 {
                    let (n, tpl) = chains.pop().unwrap_or((0, false));
                    total -= n + 1;
                    if tpl && c == b'}' {
                        // Back inside the template literal.
                        match skip_template(b, i + 1) {
                            (end, false) => i = end,
                            (end, true) => {
                                chains.push((0, true));
                                total += 1;
                                i = end;
                            }
                        }
                        regex_ok = false;
                        continue;
                    }
                }
                next_regex_ok = c == b'}';
            }
            b',' | b';' => {
                if let Some(top) = chains.last_mut() {
                    total -= top.0;
                    top.0 = 0;
                }
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80) {
                    i += 1;
                }
                let word = &code[start..i];
                // Keywords that nest an expression or statement after them count as operators.
                if matches!(word, "else" | "typeof" | "void" | "delete" | "new" | "await" | "yield" | "in" | "instanceof" | "return" | "throw" | "case") {
                    if let Some(top) = chains.last_mut() {
                        top.0 += 1;
                        total += 1;
                    }
                    regex_ok = true;
                } else {
                    regex_ok = false;
                }
                max = max.max(total);
                if total > MAX_DEPTH {
                    return Err(start);
                }
                continue;
            }
            _ => {
                // An operator or `.`: one more possible level of the tree.
                if let Some(top) = chains.last_mut() {
                    top.0 += 1;
                    total += 1;
                }
                // `x++ / 2`, `a.b`: no regex after these.
                next_regex_ok = !matches!(c, b'.');
            }
        }
        max = max.max(total);
        if total > MAX_DEPTH {
            return Err(i);
        }
        regex_ok = next_regex_ok;
        i += 1;
    }
    Ok(max)
}

fn memchr(b: &[u8], from: usize, c: u8) -> usize {
    b[from..].iter().position(|&x| x == c).map_or(b.len(), |p| from + p)
}

/// Past the string starting at `i` (its closing quote, or a line end it cannot cross).
fn skip_string(b: &[u8], mut i: usize, quote: u8) -> usize {
    i += 1;
    while i < b.len() && b[i] != quote && b[i] != b'\n' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    i.min(b.len())
}

/// From inside a template literal at `i`: (offset after its end, false) or (offset after
/// a `${`, true).
fn skip_template(b: &[u8], mut i: usize) -> (usize, bool) {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return (i + 1, false),
            b'$' if b.get(i + 1) == Some(&b'{') => return (i + 2, true),
            _ => i += 1,
        }
    }
    (b.len(), false)
}

/// Past a regular expression literal whose body starts at `i` (classes may hold `/`).
fn skip_regex(b: &[u8], mut i: usize) -> usize {
    let mut class = false;
    while i < b.len() && b[i] != b'\n' {
        match b[i] {
            b'\\' => i += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i.min(b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_passes_and_deep_code_does_not() {
        assert_eq!(deepest("var a = [1, 2, 3].map(function (x) { return x * 2 + 1; }); // ((((\n/* [[[[ */ var s = '((((' + `${a}(((`;"), Ok(7));
        assert!(deepest(&"a + ".repeat(100_000)).is_err());
        assert!(deepest(&"(".repeat(100_000)).is_err());
        assert!(deepest(&format!("{}x", "!".repeat(100_000))).is_err());
        assert!(deepest(&"if (a) {} else ".repeat(100_000)).is_err());
        assert!(deepest(&"`${".repeat(100_000)).is_err());
        // Long but flat: sequences, statements, object literals.
        assert_eq!(deepest(&"a = b + c;\n".repeat(100_000)), Ok(2));
        assert!(deepest(&format!("x = {{{}}};", "k: 1 + 2, ".repeat(100_000))).is_ok_and(|d| d < 10));
        // A regex with brackets is not nesting.
        assert!(deepest(&"var r = /[(]+/g; ".repeat(10_000)).is_ok_and(|d| d < 10));
    }
}
