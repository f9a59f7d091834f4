//! WXS is not JavaScript: WeChat's compiler (`wcc`) takes an ES5-like subset and refuses
//! the rest with an error (`let`, arrow functions, template literals, classes,
//! destructuring, spread, `for … of`, method shorthand, regular-expression literals,
//! `new`, `try`, …; probed against wcc itself, tests/wcc/corpus/errors). Each WXS module,
//! a `.wxs` file or an inline `<wxs>`, is parsed with the JavaScript parser and walked;
//! every construct outside the subset is a `bad-wxs` error at its place (for inline WXS,
//! in the `.wxml` file). Default parameter values are accepted, as wcc accepts them.

use crate::diag::{Diagnostic, Severity, Source, Span};
use swc_core::common::sync::Lrc;
use swc_core::common::{FileName, Globals, SourceMap, Spanned, GLOBALS};
use swc_core::ecma::ast::*;
use swc_core::ecma::parser::{parse_file_as_script, EsSyntax, Syntax};
use swc_core::ecma::visit::{Visit, VisitWith};

/// Findings reported per module at most (one mistake tends to repeat).
const MAX_FINDINGS: usize = 20;

/// Nesting checked on the caller's thread (even a 2 MB one, in a debug build); deeper
/// code is checked on a thread with a large stack.
const SHALLOW: usize = 24;

/// Checks the WXS `code` found at byte `at` of `source` (0 for a `.wxs` file).
pub fn check(source: &Source, code: &str, at: usize) -> Vec<Diagnostic> {
    let guarded = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| GLOBALS.set(&Globals::new(), || walk(source, code, at)))).unwrap_or_else(|panic| vec![super::internal_error(source.name, source.text, &*panic)]);
    match super::depth::check(source, code, at) {
        Err(d) => vec![d],
        Ok(depth) if depth < SHALLOW => guarded(),
        Ok(_) => super::on_big_stack(guarded),
    }
}

fn walk(source: &Source, code: &str, at: usize) -> Vec<Diagnostic> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(source.name.to_string())), code.to_string());
    let base = fm.start_pos.0;
    let pos = |lo: swc_core::common::BytePos| at + lo.0.saturating_sub(base) as usize;
    let mut errors = Vec::new();
    let parsed = parse_file_as_script(&fm, Syntax::Es(EsSyntax::default()), EsVersion::latest(), None, &mut errors);
    let mut diags: Vec<Diagnostic> = Vec::new();
    let syntax = |e: &swc_core::ecma::parser::error::Error| {
        let p = pos(e.span().lo);
        source.diag(Severity::Error, "bad-wxs", Span::new(p, p + 1), format!("WXS syntax: {}", e.kind().msg()))
    };
    diags.extend(errors.iter().map(syntax));
    let script = match parsed {
        Ok(s) => s,
        Err(e) => {
            diags.push(syntax(&e));
            return diags;
        }
    };
    let mut w = Walker { found: Vec::new() };
    script.visit_with(&mut w);
    for (lo, what) in w.found.into_iter().take(MAX_FINDINGS) {
        let p = pos(lo);
        diags.push(source.diag(Severity::Error, "bad-wxs", Span::new(p, p + 1), format!("{what}: WXS is a subset of ES5 and WeChat's compiler refuses this")));
    }
    diags
}

struct Walker {
    found: Vec<(swc_core::common::BytePos, &'static str)>,
}

impl Walker {
    fn no(&mut self, node: &impl Spanned, what: &'static str) {
        if self.found.len() < MAX_FINDINGS {
            self.found.push((node.span().lo, what));
        }
    }
}

impl Visit for Walker {
    fn visit_var_decl(&mut self, n: &VarDecl) {
        if n.kind != VarDeclKind::Var {
            self.no(n, "`let` and `const` (use `var`)");
        }
        n.visit_children_with(self);
    }
    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        self.no(n, "arrow functions (use `function`)");
        n.visit_children_with(self);
    }
    fn visit_tpl(&mut self, n: &Tpl) {
        self.no(n, "template literals (join strings with `+`)");
        n.visit_children_with(self);
    }
    fn visit_class(&mut self, n: &Class) {
        self.no(n, "classes");
        n.visit_children_with(self);
    }
    fn visit_pat(&mut self, n: &Pat) {
        match n {
            Pat::Array(_) | Pat::Object(_) => self.no(n, "destructuring"),
            Pat::Rest(_) => self.no(n, "rest parameters (`...`)"),
            _ => {}
        }
        n.visit_children_with(self);
    }
    fn visit_expr_or_spread(&mut self, n: &ExprOrSpread) {
        if let Some(s) = n.spread {
            self.no(&s, "spread (`...`)");
        }
        n.visit_children_with(self);
    }
    fn visit_spread_element(&mut self, n: &SpreadElement) {
        self.no(n, "spread (`...`)");
        n.visit_children_with(self);
    }
    fn visit_for_of_stmt(&mut self, n: &ForOfStmt) {
        self.no(n, "`for … of` (use an index loop)");
        n.visit_children_with(self);
    }
    fn visit_for_in_stmt(&mut self, n: &ForInStmt) {
        self.no(n, "`for … in`");
        n.visit_children_with(self);
    }
    fn visit_prop(&mut self, n: &Prop) {
        match n {
            // wcc takes `{ a }` inside expressions (libraries rely on it) though not as a
            // whole statement's value: accepted, as WeChat runs it.
            Prop::Shorthand(_) => {}
            Prop::Method(_) => self.no(n, "method shorthand (write `f: function () {…}`)"),
            Prop::Getter(_) | Prop::Setter(_) => self.no(n, "getters and setters"),
            Prop::Assign(_) | Prop::KeyValue(_) => {}
        }
        n.visit_children_with(self);
    }
    fn visit_prop_name(&mut self, n: &PropName) {
        match n {
            PropName::Computed(_) => self.no(n, "computed keys (`[k]: v`)"),
            PropName::Num(_) | PropName::BigInt(_) => self.no(n, "number keys (quote them)"),
            PropName::Ident(_) | PropName::Str(_) => {}
        }
        n.visit_children_with(self);
    }
    fn visit_bin_expr(&mut self, n: &BinExpr) {
        match n.op {
            BinaryOp::Exp => self.no(n, "`**` (use Math.pow)"),
            BinaryOp::NullishCoalescing => self.no(n, "`??`"),
            BinaryOp::In => self.no(n, "`in`"),
            BinaryOp::InstanceOf => self.no(n, "`instanceof`"),
            _ => {}
        }
        n.visit_children_with(self);
    }
    fn visit_assign_expr(&mut self, n: &AssignExpr) {
        if matches!(n.op, AssignOp::ExpAssign | AssignOp::AndAssign | AssignOp::OrAssign | AssignOp::NullishAssign) {
            self.no(n, "`**=`, `&&=`, `||=` and `??=`");
        }
        n.visit_children_with(self);
    }
    fn visit_opt_chain_expr(&mut self, n: &OptChainExpr) {
        self.no(n, "optional chaining (`?.`)");
        n.visit_children_with(self);
    }
    fn visit_function(&mut self, n: &Function) {
        if n.is_generator || n.is_async {
            self.no(n, "generators and async functions");
        }
        n.visit_children_with(self);
    }
    fn visit_lit(&mut self, n: &Lit) {
        match n {
            Lit::Regex(_) => self.no(n, "regular expression literals (use getRegExp)"),
            Lit::BigInt(_) => self.no(n, "BigInt literals"),
            Lit::Num(num) => {
                // wcc reads plain decimals only (`010` is its one legacy form).
                let raw = num.raw.as_deref().unwrap_or("");
                let plain = raw.bytes().all(|c| c.is_ascii_digit() || c == b'.') && !raw.starts_with('.');
                if !plain {
                    self.no(n, "this number form (write plain decimals: no hex, binary, octal `0o`, exponent, `_` or leading `.`)");
                }
            }
            _ => {}
        }
    }
    fn visit_new_expr(&mut self, n: &NewExpr) {
        self.no(n, "`new` (use getDate() and getRegExp())");
        n.visit_children_with(self);
    }
    fn visit_this_expr(&mut self, n: &ThisExpr) {
        self.no(n, "`this`");
    }
    fn visit_try_stmt(&mut self, n: &TryStmt) {
        self.no(n, "`try`");
        n.visit_children_with(self);
    }
    fn visit_throw_stmt(&mut self, n: &ThrowStmt) {
        self.no(n, "`throw`");
        n.visit_children_with(self);
    }
    fn visit_labeled_stmt(&mut self, n: &LabeledStmt) {
        self.no(n, "labels");
        n.visit_children_with(self);
    }
    fn visit_with_stmt(&mut self, n: &WithStmt) {
        self.no(n, "`with`");
        n.visit_children_with(self);
    }
    fn visit_callee(&mut self, n: &Callee) {
        match n {
            Callee::Import(_) => self.no(n, "`import()`"),
            Callee::Super(_) => self.no(n, "`super`"),
            Callee::Expr(_) => {}
        }
        n.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(code: &str) -> Vec<(usize, usize)> {
        let src = Source::new("m.wxs", code);
        check(&src, code, 0).iter().map(|d| (d.line, d.col)).collect()
    }

    #[test]
    fn es5_wxs_passes() {
        let code = "var a = 1, s = 'x' + a;\nfunction f(x, y) { y = y || 2; return [x, y].map(function (v) { return v * 2; }); }\nfunction g(a, b = 2) { return a + b; }\nvar o = { k: 1, 'q-r': [1, , 2], f: f };\nfor (var i = 0; i < 3; i++) { if (i == 1) continue; }\nvar r = getRegExp('a+', 'g'); var d = getDate(); var t = typeof a; var n = 010 + 1.5 + 5.;\nswitch (a) { case 1: break; default: }\nmodule.exports = { f: f, o: o };\n";
        assert_eq!(found(code), vec![]);
    }

    #[test]
    fn newer_syntax_is_refused_where_it_is() {
        assert_eq!(found("let a = 1;"), vec![(1, 1)]);
        assert_eq!(found("var a = 1;\nvar f = (x) => x;"), vec![(2, 9)]);
        assert_eq!(found("var s = `x`;"), vec![(1, 9)]);
        assert_eq!(found("var a = 1; var b = f({a});"), vec![]);
        assert_eq!(found("var x = [1], y = [...x];"), vec![(1, 19)]);
        assert_eq!(found("for (var v of [1]) {}"), vec![(1, 1)]);
        assert_eq!(found("var r = /a+/g;"), vec![(1, 9)]);
        assert_eq!(found("var d = new Date();"), vec![(1, 9)]);
        assert_eq!(found("var n = 0x1F;"), vec![(1, 9)]);
        assert_eq!(found("var o = {f() {}};"), vec![(1, 10)]);
        assert_eq!(found("class A {}").len(), 1);
        assert_eq!(found("var {a} = {a: 1};").len(), 1);
        assert_eq!(found("var a = 2 ** 3;").len(), 1);
        assert_eq!(found("var a = b?.c;").len(), 1);
        // Syntax errors too.
        let src = Source::new("m.wxs", "module.exports = { a: ;");
        let d = check(&src, src.text, 0);
        assert_eq!((d[0].code, d[0].line, d[0].col), ("bad-wxs", 1, 23), "{d:?}");
    }

    #[test]
    fn deep_wxs_is_checked_without_overflowing_a_small_stack() {
        let deep = format!("var a = {}1{};", "(".repeat(1_500), ")".repeat(1_500));
        let too = format!("var a = {}1;", "-(".repeat(100_000));
        let small = std::thread::Builder::new().stack_size(2 << 20);
        let (ok, refused) = small
            .spawn(move || {
                let ok = check(&Source::new("m.wxs", &deep), &deep, 0).len();
                let refused: Vec<&str> = check(&Source::new("m.wxs", &too), &too, 0).iter().map(|d| d.code).collect();
                (ok, refused)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!((ok, refused), (0, vec!["too-deep"]));
    }

    #[test]
    fn inline_wxs_is_positioned_in_the_wxml_file() {
        let wxml = "<view/>\n<wxs module=\"m\">\nvar a = 1;\nconst b = 2;\n</wxs>";
        let src = Source::new("p.wxml", wxml);
        let at = wxml.find("\nvar").unwrap();
        let d = check(&src, &wxml[at..wxml.find("</wxs>").unwrap()], at);
        assert_eq!((d[0].file.as_str(), d[0].line, d[0].col), ("p.wxml", 4, 1), "{d:?}");
    }
}

/// WXS semantics the container must reproduce, as WXS runs as JavaScript here:
///
/// - `x.constructor` (or `x["constructor"]`) is the name of the value's type as a string
///   (`"Array"`, `"Object"`, `"String"`, `"Number"`, `"Boolean"`, `"Function"`,
///   `"Date"`, `"RegExp"`), which is how WXS code tells arrays from objects (checked
///   against wcc, tests/wcc/corpus/12-wxs-constructor): each such access becomes
///   `__wxsCtor(x)`, a helper every WXS module receives;
/// - in a string literal, a backslash escapes only `n`, `r`, `t` (and, here, `\\`, a
///   quote and a line break): before anything else it stays a backslash, so `'\d'` is
///   the two characters `\d` — how @vant/weapp and tdesign write
///   `getRegExp('^-?\d+(\.\d+)?$')` (tests/wcc/corpus/13-wxs-string-escapes). wcc
///   itself turns `'\\'` and `'\''` into the four characters `\x5c` and `\x27`, a
///   bug nothing relies on; here they are one backslash and a quote, as written.
///
/// Everything else of the code is kept as written.
pub fn lower(code: &str) -> String {
    if !code.contains("constructor") && !code.contains('\\') {
        return code.to_string();
    }
    let run = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| GLOBALS.set(&Globals::new(), || splice(code)))).ok().flatten();
    let out = match super::depth::check(&Source::new("", code), code, 0) {
        Ok(depth) if depth < SHALLOW => run(),
        Ok(_) => super::on_big_stack(run),
        Err(_) => None,
    };
    // Code that does not parse is reported by `check`; it is left as it is.
    out.unwrap_or_else(|| code.to_string())
}

/// A string literal's source (quotes included) with the backslashes WXS keeps doubled
/// (see [`lower`]).
fn wxs_string(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(n @ ('n' | 'r' | 't' | '\\' | '\'' | '"' | '\n' | '\r' | '\u{2028}' | '\u{2029}')) => {
                out.push('\\');
                out.push(n);
            }
            Some(n) => {
                out.push_str("\\\\");
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn splice(code: &str) -> Option<String> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), code.to_string());
    let base = fm.start_pos.0;
    let mut errors = Vec::new();
    let script = parse_file_as_script(&fm, Syntax::Es(EsSyntax::default()), EsVersion::latest(), None, &mut errors).ok()?;
    if !errors.is_empty() {
        return None;
    }
    struct Finder {
        /// (start of the member expression, end of its object, end of the expression)
        found: Vec<(u32, u32, u32)>,
        /// String literals with a backslash: (start, end, the source WXS means).
        strings: Vec<(u32, u32, String)>,
    }
    impl Visit for Finder {
        fn visit_str(&mut self, s: &Str) {
            if let Some(raw) = s.raw.as_deref().filter(|r| r.contains('\\')) {
                let fixed = wxs_string(raw);
                if fixed != raw {
                    self.strings.push((s.span.lo.0, s.span.hi.0, fixed));
                }
            }
        }
        fn visit_member_expr(&mut self, m: &MemberExpr) {
            let is_ctor = match &m.prop {
                MemberProp::Ident(i) => &*i.sym == "constructor",
                MemberProp::Computed(c) => matches!(&*c.expr, Expr::Lit(Lit::Str(s)) if s.value.as_str() == Some("constructor")),
                _ => false,
            };
            if is_ctor {
                self.found.push((m.span.lo.0, m.obj.span().hi.0, m.span.hi.0));
            }
            m.visit_children_with(self);
        }
    }
    let mut f = Finder { found: Vec::new(), strings: Vec::new() };
    script.visit_with(&mut f);
    // Edits from the end: `__wxsCtor(` before each expression, `)` for its
    // `.constructor`; strings rewritten (never overlapping those: a `.constructor` is
    // not inside a string, and `a['constructor']` has no backslash).
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (lo, obj_hi, hi) in f.found {
        let (lo, obj_hi, hi) = ((lo - base) as usize, (obj_hi - base) as usize, (hi - base) as usize);
        edits.push((lo, lo, "__wxsCtor(".into()));
        edits.push((obj_hi, hi, ")".into()));
    }
    for (lo, hi, text) in f.strings {
        edits.push(((lo - base) as usize, (hi - base) as usize, text));
    }
    edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut out = code.to_string();
    for (from, to, text) in edits {
        if to > out.len() || !out.is_char_boundary(from) || !out.is_char_boundary(to) {
            return None;
        }
        out.replace_range(from..to, &text);
    }
    Some(out)
}

#[cfg(test)]
mod ctor_tests {
    use super::lower;

    #[test]
    fn constructor_accesses_become_the_helper() {
        assert_eq!(lower("var a = x.constructor === 'Array';"), "var a = __wxsCtor(x) === 'Array';");
        assert_eq!(lower("f(a['constructor'], b . constructor)"), "f(__wxsCtor(a), __wxsCtor(b))");
        assert_eq!(lower("a.constructor.constructor"), "__wxsCtor(__wxsCtor(a))");
        assert_eq!(lower("g(x).y.constructor"), "__wxsCtor(g(x).y)");
        // Only member accesses; a word in a string or a key stays.
        assert_eq!(lower("var s = 'constructor'; var o = {constructor: 1};"), "var s = 'constructor'; var o = {constructor: 1};");
        // Code that does not parse is left for the checker to report.
        assert_eq!(lower("x.constructor ==="), "x.constructor ===");
        assert_eq!(lower("var 中 = '文'.constructor;"), "var 中 = __wxsCtor('文');");
    }

    #[test]
    fn backslashes_stay_before_what_wxs_does_not_escape() {
        assert_eq!(lower(r"var R = getRegExp('^-?\d+(\.\d+)?$');"), r"var R = getRegExp('^-?\\d+(\\.\\d+)?$');");
        assert_eq!(lower(r#"var s = "a\nb\t\\\'\"" + '\x41\b';"#), r#"var s = "a\nb\t\\\'\"" + '\\x41\\b';"#);
        // With a `.constructor` in the same module, both.
        assert_eq!(lower(r"f(x.constructor, '\w')"), r"f(__wxsCtor(x), '\\w')");
        assert_eq!(lower("var s = 'no backslash';"), "var s = 'no backslash';");
    }
}
