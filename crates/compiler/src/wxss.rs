//! WXSS through a real CSS parser (lightningcss): `rpx` (750rpx is the screen width)
//! becomes `vw`, `@import` is inlined (relative or package-absolute paths, cycles and
//! depth refused), and in a component's stylesheet the selectors mini programs do not
//! allow there (tag, id and attribute selectors) get a warning. Invalid rules are
//! reported at `file:line:col` and dropped; the rest of the sheet still compiles.
//!
//! Selectors are rewritten for the container's DOM (docs/bundle.md, "Styles"): a tag
//! `view` is the element `wx-view`, `page` is the page's root (`:host` of the page's
//! shadow root), and a component's classes carry the component's prefix (`.a` →
//! `.P--a`, `:host` → `.P`), which is how style isolation works: the container writes
//! the same prefix onto the classes of the component's elements, and also the bare
//! names where page styles may apply (`apply-shared`, `addGlobalClass`).

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

/// Whose stylesheet it is, which decides how its selectors are scoped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `app.wxss`: applies to every page.
    App,
    /// A page's stylesheet, or one that is only ever imported.
    Page,
    /// A custom component's: its classes get `prefix` (see [`prefix_of`]).
    Component { prefix: String },
}

impl Scope {
    fn is_component(&self) -> bool {
        matches!(self, Scope::Component { .. })
    }
}

/// The class prefix of the component at `path` (without extension): short, stable for
/// the path, a valid CSS identifier, and unlikely to occur in a class name by chance.
pub fn prefix_of(path: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(path.as_bytes());
    format!("c{}", hex::encode(&h[..4]))
}

/// Rewrites selectors for the container's DOM (see the module comment).
struct Scoper<'s> {
    prefix: Option<&'s str>,
}

impl Scoper<'_> {
    fn rewrite(&self, sel: &mut lightningcss::selector::Selector<'_>) {
        use lightningcss::selector::Component as C;
        for c in sel.iter_mut_raw_match_order() {
            match c {
                C::LocalName(l) if l.lower_name.as_ref() == "page" => *c = C::Host(None),
                C::LocalName(l) => {
                    let name: lightningcss::values::ident::Ident = format!("wx-{}", l.lower_name.as_ref()).into();
                    l.name = name.clone();
                    l.lower_name = name;
                }
                C::Class(class) => {
                    if let Some(p) = self.prefix {
                        *class = format!("{p}--{}", class.as_ref()).into();
                    }
                }
                C::Host(inner) => {
                    if let Some(p) = self.prefix {
                        // `:host` is the component's own element, which carries class `P`;
                        // in `:host(.x)` the `.x` is a class its user gave it, not scoped.
                        let mut parts = vec![C::Class(p.to_string().into())];
                        if let Some(inner) = inner {
                            Scoper { prefix: None }.rewrite(inner);
                            parts.extend(inner.iter_raw_match_order().cloned());
                        }
                        *c = if parts.len() == 1 { parts.remove(0) } else { C::Is(Box::new([parts.into()])) };
                    }
                }
                C::Negation(list) | C::Where(list) | C::Is(list) | C::Has(list) | C::Any(_, list) => {
                    for s in list.iter_mut() {
                        self.rewrite(s);
                    }
                }
                C::Slotted(s) => self.rewrite(s),
                _ => {}
            }
        }
    }
}

impl<'i> Visitor<'i> for Scoper<'_> {
    type Error = Infallible;

    fn visit_types(&self) -> VisitTypes {
        visit_types!(SELECTORS)
    }

    fn visit_selector(&mut self, selector: &mut lightningcss::selector::Selector<'i>) -> Result<(), Infallible> {
        self.rewrite(selector);
        Ok(())
    }
}

fn diag(file: &str, severity: Severity, code: &'static str, line: usize, col: usize, message: String, text: &str) -> Diagnostic {
    // The line, or for a long one the 100 characters around the column.
    let (line, col) = (line.max(1), col.max(1));
    let from = col.saturating_sub(60);
    let excerpt: String = text.lines().nth(line - 1).unwrap_or("").chars().skip(from).take(100).collect();
    Diagnostic { severity, code, message, file: file.to_string(), line, col, excerpt, excerpt_col: col - from }
}

/// Brackets and blocks nest at most this deep in a stylesheet: lightningcss parses
/// nesting by recursion, and `:is(` or `@media {` a few hundred deep overflows a
/// thread's stack (a crash, not an error). Real stylesheets nest a handful deep.
pub const MAX_NESTING: usize = 32;

/// Where (line, column) `text` first nests deeper than [`MAX_NESTING`], if it does;
/// strings, comments and escapes are skipped as CSS reads them.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'*') => i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 1),
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                    return Some((text[..i].matches('\n').count() + 1, text[line_start..i].chars().count() + 1));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
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

/// One stylesheet inlines at most this many imports, and this much imported text: a
/// file imported many times over by files imported many times over (a diamond, ten
/// imports of the next file, 16 deep) would otherwise be inlined 10^16 times.
pub const MAX_IMPORTS: usize = 256;
pub const MAX_IMPORTED_BYTES: usize = 16 << 20;

/// Problems reported per stylesheet at most (then one line says how many more): each
/// costs a look at its line, and a sheet of 16 MB can hold a million bad rules.
pub const MAX_DIAGNOSTICS: usize = 200;

struct Ctx<'a> {
    files: &'a BTreeMap<String, String>,
    diags: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted.
    dropped: usize,
    stack: Vec<String>,
    /// Imports inlined so far, and their bytes (see [`MAX_IMPORTS`]).
    imported: usize,
    imported_bytes: usize,
    /// Selectors that lowering nesting adds, so far (see [`MAX_NESTED_SELECTORS`]).
    nested: u64,
}

/// Selectors that lowering nesting may add to a stylesheet (see [`nested_selectors`]).
pub const MAX_NESTED_SELECTORS: u64 = 100_000;

/// The selectors that writing out the nesting of `rules` adds to those written (each
/// nested rule's list times the combinations of the lists around it), counted high.
fn nested_selectors(rules: &CssRuleList<'_>, around: u64) -> u64 {
    let style = |s: &lightningcss::rules::style::StyleRule<'_>| {
        let own = s.selectors.0.len() as u64;
        let all = around.saturating_mul(own);
        all.saturating_sub(own).saturating_add(nested_selectors(&s.rules, all))
    };
    rules.0.iter().fold(0u64, |sum, rule| {
        sum.saturating_add(match rule {
            CssRule::Style(s) => style(s),
            CssRule::Nesting(n) => style(&n.style),
            CssRule::Media(m) => nested_selectors(&m.rules, around),
            CssRule::Supports(m) => nested_selectors(&m.rules, around),
            CssRule::Container(m) => nested_selectors(&m.rules, around),
            CssRule::LayerBlock(m) => nested_selectors(&m.rules, around),
            CssRule::Scope(m) => nested_selectors(&m.rules, around),
            CssRule::StartingStyle(m) => nested_selectors(&m.rules, around),
            CssRule::MozDocument(m) => nested_selectors(&m.rules, around),
            _ => 0,
        })
    })
}

impl Ctx<'_> {
    fn report(&mut self, make: impl FnOnce() -> Diagnostic) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags.push(make());
        } else {
            self.dropped += 1;
        }
    }
}

/// The rules of `path` with its imports inlined.
fn rules<'a>(cx: &mut Ctx<'a>, path: &str, component: bool) -> Vec<CssRule<'a>> {
    let Some(text) = cx.files.get(path) else { return Vec::new() };
    if let Some((line, col)) = too_deep(text) {
        let msg = format!("brackets and blocks nest more than {MAX_NESTING} deep; the stylesheet is left out");
        cx.report(|| diag(path, Severity::Error, "too-deep", line, col, msg, text));
        return Vec::new();
    }
    let warnings = Arc::new(RwLock::new(Vec::new()));
    let opts = ParserOptions { filename: path.to_string(), error_recovery: true, warnings: Some(warnings.clone()), ..ParserOptions::default() };
    let sheet = match StyleSheet::parse(text, opts) {
        Ok(s) => s,
        Err(e) => {
            let (line, col) = e.loc.as_ref().map_or((1, 1), |l| (l.line as usize + 1, l.column as usize));
            cx.report(|| diag(path, Severity::Error, "bad-css", line, col, e.kind.to_string(), text));
            return Vec::new();
        }
    };
    if let Ok(w) = warnings.read() {
        for e in w.iter() {
            let (line, col) = e.loc.as_ref().map_or((1, 1), |l| (l.line as usize + 1, l.column as usize));
            cx.report(|| diag(path, Severity::Error, "bad-css", line, col, format!("{} (rule dropped)", e.kind), text));
        }
    }
    // Nesting is lowered for the container's browsers by writing out every combination
    // (`.a,.b{.c,.d{…}}` → `.a .c,.a .d,.b .c,.b .d`): ten selectors ten deep would be
    // 10^10 of them. Refused past a bound, before anything is printed.
    let added = nested_selectors(&sheet.rules, 1);
    cx.nested = cx.nested.saturating_add(added);
    if cx.nested > MAX_NESTED_SELECTORS {
        let msg = format!("nested rules would be written out as more than {MAX_NESTED_SELECTORS} selectors (every combination of the lists); the stylesheet is left out");
        cx.report(|| diag(path, Severity::Error, "nesting-too-large", 1, 1, msg, text));
        return Vec::new();
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
                        let msg = format!("`{url}` imports itself (through {})", cx.stack.join(" → "));
                        cx.report(|| diag(path, Severity::Error, "import-cycle", line, col, msg, text));
                    }
                    Some(_) if cx.stack.len() >= MAX_IMPORT_DEPTH => {
                        cx.report(|| diag(path, Severity::Error, "import-depth", line, col, format!("imports nest more than {MAX_IMPORT_DEPTH} deep"), text));
                    }
                    Some(t) if cx.imported >= MAX_IMPORTS || cx.imported_bytes + cx.files.get(&t).map_or(0, String::len) > MAX_IMPORTED_BYTES => {
                        if cx.imported != usize::MAX {
                            let msg = format!("more than {MAX_IMPORTS} imports or {MAX_IMPORTED_BYTES} bytes of imported WXSS; `{url}` and later imports are left out");
                            cx.report(|| diag(path, Severity::Error, "too-many-imports", line, col, msg, text));
                            cx.imported = usize::MAX;
                        }
                    }
                    Some(t) if cx.files.contains_key(&t) => {
                        cx.imported += 1;
                        cx.imported_bytes += cx.files.get(&t).map_or(0, String::len);
                        cx.stack.push(t.clone());
                        out.extend(rules(cx, &t, component));
                        cx.stack.pop();
                    }
                    Some(t) => cx.report(|| diag(path, Severity::Error, "missing-file", line, col, format!("`{url}` ({t}) is not in the package"), text)),
                    None => cx.report(|| diag(path, Severity::Error, "path-escapes", line, col, format!("`{url}` leaves the package"), text)),
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
                                cx.report(|| diag(
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

/// The oldest browsers the container supports (the WebViews of host apps): newer syntax
/// (media query ranges, nesting, new colour functions) is written the old way for them.
fn targets() -> lightningcss::targets::Targets {
    let v = |major: u32| Some(major << 16);
    lightningcss::targets::Browsers { chrome: v(61), android: v(61), safari: v(11), ios_saf: v(11), ..Default::default() }.into()
}

/// Compiles the stylesheet `path` of the package for `scope`. Returns the CSS (minified)
/// and every problem found.
pub fn compile(files: &BTreeMap<String, String>, path: &str, scope: &Scope) -> (String, Vec<Diagnostic>) {
    // A panic inside lightningcss (a bug there that we cannot fix here) is this
    // stylesheet's error, not the end of the build.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_unguarded(files, path, scope))).unwrap_or_else(|panic| {
        let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
        (String::new(), vec![diag(path, Severity::Error, "css-internal", 1, 1, format!("the CSS compiler failed on this stylesheet ({why}); please report it"), "")])
    })
}

fn compile_unguarded(files: &BTreeMap<String, String>, path: &str, scope: &Scope) -> (String, Vec<Diagnostic>) {
    let mut cx = Ctx { files, diags: Vec::new(), dropped: 0, stack: vec![path.to_string()], imported: 0, imported_bytes: 0, nested: 0 };
    let rules = rules(&mut cx, path, scope.is_component());
    if cx.dropped > 0 {
        if let Some(mut d) = cx.diags.last().cloned() {
            d.code = "too-many-errors";
            d.message = format!("{} more problems in this stylesheet are not shown", cx.dropped);
            cx.diags.push(d);
        }
    }
    let mut sheet = StyleSheet::new(vec![path.to_string()], CssRuleList(rules), ParserOptions::default());
    let _ = sheet.visit(&mut Rpx);
    let prefix = match scope {
        Scope::Component { prefix } => Some(prefix.as_str()),
        _ => None,
    };
    let _ = sheet.visit(&mut Scoper { prefix });
    let css = match sheet.to_css(PrinterOptions { minify: true, targets: targets(), ..PrinterOptions::default() }) {
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

    fn comp() -> Scope {
        Scope::Component { prefix: "cP".into() }
    }

    fn css_of(src: &str, scope: &Scope) -> String {
        let (css, diags) = compile(&files(&[("x.wxss", src)]), "x.wxss", scope);
        assert!(diags.iter().all(|d| d.severity == Severity::Warning), "{diags:?}");
        css
    }

    #[test]
    fn tags_become_container_elements_and_page_is_the_page_root() {
        let css = css_of("page { color: red }\nview > text, .a image, scroll-view::after { margin: 0 }\npage .x view:not(button) {}\n* { box-sizing: border-box }", &Scope::Page);
        assert_eq!(css, ":host{color:red}wx-view>wx-text,.a wx-image,wx-scroll-view:after{margin:0}:host .x wx-view:not(wx-button){}*{box-sizing:border-box}");
        // The same rules for app.wxss; classes stay as written outside components.
        assert_eq!(css_of(".btn.primary:hover { }", &Scope::App), ".btn.primary:hover{}");
    }

    #[test]
    fn component_classes_carry_the_prefix() {
        let css = css_of(".a .b-c, .a:not(.d) { color: red }\n:host { display: block }\n:host(.big) .a { }\n@media (min-width: 100px) { .m { width: 30rpx } }", &comp());
        assert_eq!(css, ".cP--a .cP--b-c,.cP--a:not(.cP--d){color:red}.cP{display:block}.cP.big .cP--a{}@media (min-width:100px){.cP--m{width:4vw}}");
        // Imported rules are the component's too.
        let f = files(&[("c/c.wxss", "@import \"../common.wxss\"; .own {}"), ("common.wxss", ".shared { }")]);
        let (css, _) = compile(&f, "c/c.wxss", &comp());
        assert_eq!(css, ".cP--shared{}.cP--own{}");
    }

    #[test]
    fn prefixes_are_stable_identifiers() {
        let p = prefix_of("miniprogram_npm/@vant/weapp/button/index");
        assert_eq!(p, prefix_of("miniprogram_npm/@vant/weapp/button/index"));
        assert_ne!(p, prefix_of("miniprogram_npm/@vant/weapp/cell/index"));
        assert!(p.len() == 9 && p.starts_with('c') && p[1..].chars().all(|c| c.is_ascii_hexdigit()), "{p}");
    }

    #[test]
    fn rpx_becomes_vw_and_imports_are_inlined() {
        let f = files(&[
            ("pages/a/a.wxss", "@import \"../../common/base.wxss\";\n.row { padding: 24rpx 30rpx; width: calc(100% - 750rpx); }"),
            ("common/base.wxss", "page { background: #f5f5f5; } .card { margin: 15rpx; }"),
        ]);
        let (css, diags) = compile(&f, "pages/a/a.wxss", &Scope::Page);
        assert!(diags.is_empty(), "{diags:?}");
        assert!(css.contains(":host{background:#f5f5f5}"), "{css}");
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
        let (css, diags) = compile(&f, "c/c.wxss", &comp());
        let found: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert!(found.contains(&("component-selector", 2)) && found.contains(&("component-selector", 3)) && found.contains(&("component-selector", 4)), "{found:?}");
        assert!(css.contains(".cP--ok{color:red}"), "{css}");
        let (_, diags) = compile(&f, "loop/a.wxss", &Scope::Page);
        assert_eq!(diags[0].code, "import-cycle");
        let (css, diags) = compile(&f, "bad/x.wxss", &Scope::App);
        assert!(css.contains(".a{color:red}"), "{css} {diags:?}");
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let f = files(&[("a.wxss", &s)]);
            let _ = compile(&f, "a.wxss", &comp());
        }

        #[test]
        fn never_panics_on_css_soup(s in "[-a-z0-9 .#:;{}()@\"'*>+~\\[\\]=%/]{0,200}") {
            let f = files(&[("a.wxss", &format!("@import \"a.wxss\"; {s} .x{{width:{s}rpx}}"))]);
            let _ = compile(&f, "a.wxss", &comp());
        }
    }
}
