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

/// The oldest browsers the container supports (the WebViews of host apps): newer syntax
/// (media query ranges, nesting, new colour functions) is written the old way for them.
fn targets() -> lightningcss::targets::Targets {
    let v = |major: u32| Some(major << 16);
    lightningcss::targets::Browsers { chrome: v(61), android: v(61), safari: v(11), ios_saf: v(11), ..Default::default() }.into()
}

/// Compiles the stylesheet `path` of the package for `scope`. Returns the CSS (minified)
/// and every problem found.
pub fn compile(files: &BTreeMap<String, String>, path: &str, scope: &Scope) -> (String, Vec<Diagnostic>) {
    let mut cx = Ctx { files, diags: Vec::new(), stack: vec![path.to_string()] };
    let rules = rules(&mut cx, path, scope.is_component());
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
