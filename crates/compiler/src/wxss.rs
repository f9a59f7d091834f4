//! WXSS through a real CSS parser (lightningcss): `rpx` (750rpx is the screen width)
//! becomes `vw`, `@import` is inlined (relative or package-absolute paths, cycles and
//! depth refused), and in a component's stylesheet the selectors mini programs do not
//! allow there (tag, id and attribute selectors) get a warning. Invalid rules are
//! reported at `file:line:col` and dropped; the rest of the sheet still compiles.

use crate::diag::{Diagnostic, Severity};
use crate::wxml::codegen::resolve_any;
use lightningcss::printer::PrinterOptions;
use lightningcss::properties::custom::{Token, TokenOrValue};
use lightningcss::rules::{CssRule, CssRuleList};
use lightningcss::stylesheet::{ParserOptions, StyleSheet};
use lightningcss::values::length::LengthValue;
use lightningcss::visit_types;
use lightningcss::visitor::{Visit, VisitTypes, Visitor};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};

/// `@import` nests at most this deep.
pub const MAX_IMPORT_DEPTH: usize = 16;

fn diag(file: &str, severity: Severity, code: &'static str, line: usize, col: usize, message: String, text: &str) -> Diagnostic {
    let excerpt: String = text.lines().nth(line.saturating_sub(1)).unwrap_or("").chars().take(200).collect();
    Diagnostic { severity, code, message, file: file.to_string(), line: line.max(1), col: col.max(1), excerpt, excerpt_col: col.clamp(1, 200) }
}

/// `Nrpx` → `N/7.5 vw`: 750rpx is the width of the screen (the container's viewport).
struct Rpx;

impl<'i> Visitor<'i> for Rpx {
    type Error = Infallible;

    fn visit_types(&self) -> VisitTypes {
        visit_types!(TOKENS)
    }

    fn visit_token(&mut self, token: &mut TokenOrValue<'i>) -> Result<(), Infallible> {
        if let TokenOrValue::Token(Token::Dimension { value, unit, .. }) = token {
            if unit.eq_ignore_ascii_case("rpx") {
                *token = TokenOrValue::Length(LengthValue::Vw(*value / 7.5));
                return Ok(());
            }
        }
        // Into functions (`calc(100% - 30rpx)`) and nested blocks.
        token.visit_children(self)
    }
}

struct Ctx<'a> {
    files: &'a BTreeMap<String, String>,
    diags: Vec<Diagnostic>,
    stack: Vec<String>,
}

/// The rules of `path` with its imports inlined.
fn rules<'a>(cx: &mut Ctx<'a>, path: &str, component: bool) -> Vec<CssRule<'a>> {
    let Some(text) = cx.files.get(path) else { return Vec::new() };
    let warnings = Arc::new(RwLock::new(Vec::new()));
    let opts = ParserOptions { filename: path.to_string(), error_recovery: true, warnings: Some(warnings.clone()), ..ParserOptions::default() };
    let sheet = match StyleSheet::parse(text, opts) {
        Ok(s) => s,
        Err(e) => {
            let (line, col) = e.loc.as_ref().map_or((1, 1), |l| (l.line as usize + 1, l.column as usize));
            cx.diags.push(diag(path, Severity::Error, "bad-css", line, col, e.kind.to_string(), text));
            return Vec::new();
        }
    };
    if let Ok(w) = warnings.read() {
        for e in w.iter() {
            let (line, col) = e.loc.as_ref().map_or((1, 1), |l| (l.line as usize + 1, l.column as usize));
            cx.diags.push(diag(path, Severity::Error, "bad-css", line, col, format!("{} (rule dropped)", e.kind), text));
        }
    }
    let mut out = Vec::new();
    for rule in sheet.rules.0 {
        match rule {
            CssRule::Import(import) => {
                let (line, col) = (import.loc.line as usize + 1, import.loc.column as usize);
                let url = import.url.to_string();
                let target = resolve_any(path, &url).map(|p| if p.ends_with(".wxss") { p } else { format!("{p}.wxss") });
                match target {
                    Some(t) if cx.stack.contains(&t) => {
                        cx.diags.push(diag(path, Severity::Error, "import-cycle", line, col, format!("`{url}` imports itself (through {})", cx.stack.join(" → ")), text));
                    }
                    Some(_) if cx.stack.len() >= MAX_IMPORT_DEPTH => {
                        cx.diags.push(diag(path, Severity::Error, "import-depth", line, col, format!("imports nest more than {MAX_IMPORT_DEPTH} deep"), text));
                    }
                    Some(t) if cx.files.contains_key(&t) => {
                        cx.stack.push(t.clone());
                        out.extend(rules(cx, &t, component));
                        cx.stack.pop();
                    }
                    Some(t) => cx.diags.push(diag(path, Severity::Error, "missing-file", line, col, format!("`{url}` ({t}) is not in the package"), text)),
                    None => cx.diags.push(diag(path, Severity::Error, "path-escapes", line, col, format!("`{url}` leaves the package"), text)),
                }
            }
            CssRule::Style(style) => {
                if component {
                    let (line, col) = (style.loc.line as usize + 1, style.loc.column as usize);
                    for sel in style.selectors.0.iter() {
                        let shown = format!("{sel:?}");
                        use lightningcss::selector::Component as C;
                        for c in sel.iter_raw_match_order() {
                            let what = match c {
                                C::LocalName(_) => Some("tag"),
                                C::ID(_) => Some("id"),
                                C::AttributeInNoNamespace { .. } | C::AttributeInNoNamespaceExists { .. } | C::AttributeOther(_) => Some("attribute"),
                                _ => None,
                            };
                            if let Some(what) = what {
                                let _ = &shown;
                                cx.diags.push(diag(
                                    path,
                                    Severity::Warning,
                                    "component-selector",
                                    line,
                                    col,
                                    format!("{what} selectors do not apply inside components; use classes"),
                                    text,
                                ));
                                break;
                            }
                        }
                    }
                }
                out.push(CssRule::Style(style));
            }
            other => out.push(other),
        }
    }
    out
}

/// Compiles the stylesheet `path` of the package (`component`: it styles a component).
/// Returns the CSS (minified) and every problem found.
pub fn compile(files: &BTreeMap<String, String>, path: &str, component: bool) -> (String, Vec<Diagnostic>) {
    let mut cx = Ctx { files, diags: Vec::new(), stack: vec![path.to_string()] };
    let rules = rules(&mut cx, path, component);
    let mut sheet = StyleSheet::new(vec![path.to_string()], CssRuleList(rules), ParserOptions::default());
    let _ = sheet.visit(&mut Rpx);
    let css = match sheet.to_css(PrinterOptions { minify: true, ..PrinterOptions::default() }) {
        Ok(r) => r.code,
        Err(e) => {
            cx.diags.push(diag(path, Severity::Error, "css-print", 1, 1, e.kind.to_string(), ""));
            String::new()
        }
    };
    (css, cx.diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    #[test]
    fn rpx_becomes_vw_and_imports_are_inlined() {
        let f = files(&[
            ("pages/a/a.wxss", "@import \"../../common/base.wxss\";\n.row { padding: 24rpx 30rpx; width: calc(100% - 750rpx); }"),
            ("common/base.wxss", "page { background: #f5f5f5; } .card { margin: 15rpx; }"),
        ]);
        let (css, diags) = compile(&f, "pages/a/a.wxss", false);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(css.contains("page{background:#f5f5f5}"), "{css}");
        assert!(css.contains(".card{margin:2vw}"), "{css}");
        assert!(css.contains("padding:3.2vw 4vw"), "{css}");
        assert!(css.contains("100vw"), "{css}");
    }

    #[test]
    fn problems_have_positions_and_the_rest_still_compiles() {
        let f = files(&[
            ("c/c.wxss", ".ok { color: red; }\nview .x { color: blue; }\n#id { }\n[data-a] { }\n@import \"missing.wxss\";"),
            ("loop/a.wxss", "@import \"b.wxss\";"),
            ("loop/b.wxss", "@import \"a.wxss\";"),
            ("bad/x.wxss", ".a { color: red; }\n.b { color: }\n}}} .c { color: green; }"),
        ]);
        let (css, diags) = compile(&f, "c/c.wxss", true);
        let found: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert!(found.contains(&("component-selector", 2)) && found.contains(&("component-selector", 3)) && found.contains(&("component-selector", 4)), "{found:?}");
        assert!(css.contains(".ok{color:red}"));
        let (_, diags) = compile(&f, "loop/a.wxss", false);
        assert_eq!(diags[0].code, "import-cycle");
        let (css, diags) = compile(&f, "bad/x.wxss", false);
        assert!(css.contains(".a{color:red}"), "{css} {diags:?}");
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let f = files(&[("a.wxss", &s)]);
            let _ = compile(&f, "a.wxss", true);
        }

        #[test]
        fn never_panics_on_css_soup(s in "[-a-z0-9 .#:;{}()@\"'*>+~\\[\\]=%/]{0,200}") {
            let f = files(&[("a.wxss", &format!("@import \"a.wxss\"; {s} .x{{width:{s}rpx}}"))]);
            let _ = compile(&f, "a.wxss", true);
        }
    }
}
