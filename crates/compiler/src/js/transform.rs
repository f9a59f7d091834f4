//! One JavaScript file through swc: parsed (every syntax error a diagnostic with its
//! position), ES module syntax turned into CommonJS, newer syntax lowered to ES5 when the
//! project asks for it, printed again; and the static `require("…")` calls it makes.
//!
//! A file that needs neither (a plain script, no lowering) is kept byte for byte: its
//! line numbers in the container's stack traces are the developer's own.

use crate::diag::{Diagnostic, Severity, Source, Span};
use swc_core::common::comments::SingleThreadedComments;
use swc_core::common::sync::Lrc;
use swc_core::common::{FileName, Globals, Mark, SourceFile, SourceMap, Spanned, SyntaxContext, GLOBALS};
use swc_core::ecma::ast::{CallExpr, Callee, EsVersion, Expr, Lit, Program};
use swc_core::ecma::codegen::text_writer::JsWriter;
use swc_core::ecma::codegen::{Config as EmitConfig, Emitter};
use swc_core::ecma::parser::{parse_file_as_program, EsSyntax, Syntax};
use swc_core::ecma::preset_env::transform_from_es_version;
use swc_core::ecma::transforms::base::helpers::{inject_helpers, Helpers, HELPERS};
use swc_core::ecma::transforms::base::{assumptions::Assumptions, fixer::fixer, hygiene::hygiene, resolver};
use swc_core::ecma::transforms::module::common_js::{common_js, FeatureFlag};
use swc_core::ecma::transforms::module::import_analysis::import_analyzer;
use swc_core::ecma::transforms::module::path::Resolver;
use swc_core::ecma::transforms::module::util::{Config as CjsConfig, ImportInterop};
use swc_core::ecma::visit::{Visit, VisitWith};

/// Where swc's helpers (`_class_call_check`, `_interop_require_default`, …) are required
/// from; the package defines them once (helpers.rs).
pub const HELPER_PREFIX: &str = "@swc/helpers/_/";

/// Syntax errors reported per file at most.
const MAX_SYNTAX_ERRORS: usize = 10;

/// A `require` with a literal path; `at` is the byte offset of the path in the source
/// (`None` for the requires of helpers the compiler added).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub spec: String,
    pub at: Option<usize>,
}

/// A compiled file: the body of its module function and what it requires.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub code: String,
    pub requires: Vec<Require>,
}

/// Compiles one file. `lower`: newer syntax to ES5. `None` with the diagnostics when the
/// file does not parse.
pub fn compile(name: &str, text: &str, lower: bool) -> (Option<Compiled>, Vec<Diagnostic>) {
    let source = Source::new(name, text);
    if let Err(d) = super::depth::check(&source, text, 0) {
        return (None, vec![d]);
    }
    GLOBALS.set(&Globals::new(), || run(&source, text, lower))
}

fn run(source: &Source, text: &str, lower: bool) -> (Option<Compiled>, Vec<Diagnostic>) {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(source.name.to_string())), text.to_string());
    let comments = SingleThreadedComments::default();
    let (program, diags) = parse(source, &fm, Some(&comments));
    let Some(mut program) = program else { return (None, diags) };
    let offset = |pos: swc_core::common::BytePos| (pos.0.saturating_sub(fm.start_pos.0)) as usize;
    let is_module = matches!(&program, Program::Module(m) if m.body.iter().any(|i| i.is_module_decl()));
    if !is_module && !lower && !text.starts_with("#!") {
        // Nothing to change: the developer's text as written.
        let requires = requires_of(&program, None, &offset);
        let code = text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
        return (Some(Compiled { code, requires }), diags);
    }
    // Helpers are required (`external`), not inlined: the package defines each once.
    HELPERS.set(&Helpers::new(true), || {
        let unresolved = Mark::new();
        let top_level = Mark::new();
        program.mutate(resolver(unresolved, top_level, false));
        if lower {
            program.mutate(transform_from_es_version(unresolved, Some(&comments), EsVersion::Es5, Assumptions::default(), false));
        }
        if is_module {
            // Marks the interop helpers the CommonJS pass will call, so they get required.
            program.mutate(import_analyzer(ImportInterop::Swc, false));
        }
        program.mutate(inject_helpers(unresolved));
        if is_module {
            let cfg = CjsConfig { import_interop: Some(ImportInterop::Swc), ..Default::default() };
            let features = FeatureFlag { support_block_scoping: !lower, support_arrow: !lower };
            program.mutate(common_js(Resolver::Default, unresolved, cfg, features));
        }
        // Before hygiene, which renames by context and leaves them empty.
        let requires = requires_of(&program, Some(SyntaxContext::empty().apply_mark(unresolved)), &offset);
        program.mutate(hygiene());
        program.mutate(fixer(Some(&comments)));
        let target = if lower { EsVersion::Es5 } else { EsVersion::latest() };
        let code = emit(&cm, &comments, &program, target, is_minified(text));
        (Some(Compiled { code, requires }), diags)
    })
}

/// The module paths a file names with literals — `require("…")`, `import … from "…"`,
/// `export … from "…"` and `import("…")` — without compiling it (npm.rs follows them to
/// find the files a plain JavaScript package needs). A file that does not parse, or
/// nests too deeply, names none here (the JavaScript stage reports it). Recurses with
/// the nesting of the code: call it on a thread with a big stack (`on_big_stack`).
pub fn imports(name: &str, text: &str) -> Vec<String> {
    use swc_core::ecma::ast::{ExportAll, ImportDecl, NamedExport};
    struct Finder(Vec<String>);
    impl Visit for Finder {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            let named = match &c.callee {
                Callee::Expr(e) => matches!(&**e, Expr::Ident(id) if &*id.sym == "require"),
                Callee::Import(_) => true,
                Callee::Super(_) => false,
            };
            if let Some(Expr::Lit(Lit::Str(s))) = c.args.first().filter(|a| named && a.spread.is_none()).map(|a| &*a.expr) {
                if let Some(a) = s.value.as_atom() {
                    self.0.push(a.to_string());
                }
            }
            c.visit_children_with(self);
        }
        fn visit_import_decl(&mut self, d: &ImportDecl) {
            self.0.extend(d.src.value.as_atom().map(|a| a.to_string()));
        }
        fn visit_named_export(&mut self, d: &NamedExport) {
            self.0.extend(d.src.as_ref().and_then(|s| s.value.as_atom()).map(|a| a.to_string()));
        }
        fn visit_export_all(&mut self, d: &ExportAll) {
            self.0.extend(d.src.value.as_atom().map(|a| a.to_string()));
        }
    }
    let source = Source::new(name, text);
    if super::depth::check(&source, text, 0).is_err() {
        return Vec::new();
    }
    GLOBALS.set(&Globals::new(), || {
        let cm: Lrc<SourceMap> = Default::default();
        let fm = cm.new_source_file(Lrc::new(FileName::Custom(name.to_string())), text.to_string());
        let (program, _) = parse(&source, &fm, None);
        let mut f = Finder(Vec::new());
        if let Some(p) = program {
            p.visit_with(&mut f);
        }
        f.0
    })
}

/// Parses `fm` as a script or module (whichever it is); `return` at the top is allowed,
/// as the file runs inside a function. Recovered errors are errors too.
pub fn parse(source: &Source, fm: &SourceFile, comments: Option<&SingleThreadedComments>) -> (Option<Program>, Vec<Diagnostic>) {
    let syntax = Syntax::Es(EsSyntax { allow_return_outside_function: true, ..Default::default() });
    let mut recovered = Vec::new();
    let result = parse_file_as_program(fm, syntax, EsVersion::latest(), comments.map(|c| c as _), &mut recovered);
    let at = |span: swc_core::common::Span| span.lo.0.saturating_sub(fm.start_pos.0) as usize;
    let mut diags: Vec<Diagnostic> = recovered.iter().map(|e| bad_js(source, at(e.span()), &e.kind().msg())).collect();
    let program = match result {
        Ok(p) => Some(p),
        Err(e) => {
            diags.push(bad_js(source, at(e.span()), &e.kind().msg()));
            None
        }
    };
    diags.sort_by_key(|d| (d.line, d.col));
    diags.dedup_by_key(|d| (d.line, d.col));
    // One mistake can cascade: the first few say enough.
    diags.truncate(MAX_SYNTAX_ERRORS);
    (if diags.is_empty() { program } else { None }, diags)
}

fn bad_js(source: &Source, at: usize, msg: &str) -> Diagnostic {
    source.diag(Severity::Error, "bad-js", Span::new(at, at + 1), format!("JavaScript syntax: {msg}"))
}

/// Whether a file was published minified (long lines): printed again, it stays compact
/// rather than doubling in size; other files come out readable.
fn is_minified(text: &str) -> bool {
    let lines = text.lines().count().max(1);
    text.len() > 1024 && text.len() / lines > 200
}

fn emit(cm: &Lrc<SourceMap>, comments: &SingleThreadedComments, program: &Program, target: EsVersion, minify: bool) -> String {
    let mut buf = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: EmitConfig::default().with_target(target).with_minify(minify),
            cm: cm.clone(),
            comments: Some(comments),
            wr: JsWriter::new(cm.clone(), "\n", &mut buf, None),
        };
        // Writing into a Vec cannot fail.
        let _ = emitter.emit_program(program);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// The `require("literal")` calls of a program, in order. `unresolved`: after the
/// resolver ran, only the global `require` counts (a local function of that name is not
/// the module system).
fn requires_of(program: &Program, unresolved: Option<SyntaxContext>, offset: &dyn Fn(swc_core::common::BytePos) -> usize) -> Vec<Require> {
    struct Finder<'a> {
        unresolved: Option<SyntaxContext>,
        offset: &'a dyn Fn(swc_core::common::BytePos) -> usize,
        out: Vec<Require>,
    }
    impl Visit for Finder<'_> {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if let Callee::Expr(callee) = &c.callee {
                if let Expr::Ident(id) = &**callee {
                    if &*id.sym == "require" && self.unresolved.is_none_or(|u| id.ctxt == u) {
                        if let Some(arg) = c.args.first().filter(|a| a.spread.is_none()) {
                            let found = match &*arg.expr {
                                Expr::Lit(Lit::Str(s)) => s.value.as_atom().map(|a| (a.to_string(), s.span)),
                                Expr::Tpl(t) if t.exprs.is_empty() && t.quasis.len() == 1 => {
                                    t.quasis[0].cooked.as_ref().and_then(|c| c.as_atom()).map(|a| (a.to_string(), t.span))
                                }
                                _ => None,
                            };
                            if let Some((spec, span)) = found {
                                let at = (!span.is_dummy()).then(|| (self.offset)(span.lo));
                                self.out.push(Require { spec, at });
                            }
                        }
                    }
                }
            }
            c.visit_children_with(self);
        }
    }
    let mut f = Finder { unresolved, offset, out: Vec::new() };
    program.visit_with(&mut f);
    f.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `word` stands in `code` as a word of its own (not inside `_create_class`).
    pub fn has_word(code: &str, word: &str) -> bool {
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        code.match_indices(word).any(|(i, _)| !ident(code[..i].chars().next_back()) && !ident(code[i + word.len()..].chars().next()))
    }

    fn ok(text: &str, lower: bool) -> Compiled {
        let (c, d) = compile("a.js", text, lower);
        assert!(d.is_empty(), "{d:?}");
        c.unwrap()
    }

    #[test]
    fn plain_scripts_stay_as_written() {
        let text = "// util\nvar x = require('./b')\nmodule.exports = { x: x }\n";
        let c = ok(text, false);
        assert_eq!(c.code, text);
        assert_eq!(c.requires, vec![Require { spec: "./b".into(), at: Some(text.find("'./b'").unwrap()) }]);
    }

    #[test]
    fn modules_become_commonjs_with_interop() {
        let text = "import x from './cjs';\nimport { y } from \"../y\";\nexport const z = x + y;\nexport default function f() {}\n";
        let c = ok(text, false);
        assert!(!c.code.contains("import ") && !c.code.contains("export "), "{}", c.code);
        assert!(c.code.contains("require(\"./cjs\")") && c.code.contains("exports"), "{}", c.code);
        let specs: Vec<_> = c.requires.iter().map(|r| (r.spec.as_str(), r.at.is_some())).collect();
        assert!(specs.contains(&("./cjs", true)) && specs.contains(&("../y", true)), "{specs:?}");
        // `import x from` a CommonJS module goes through the interop helper.
        assert!(specs.contains(&("@swc/helpers/_/_interop_require_default", false)), "{specs:?}");
        assert_eq!(c.requires.iter().find(|r| r.spec == "../y").unwrap().at, text.find("\"../y\""));
    }

    #[test]
    fn lowering_leaves_no_newer_syntax() {
        let text = "class A { m() { return [1, 2].map((v) => v ** 2); } }\nconst { a, ...rest } = { a: 1, b: 2 };\nlet s = `x${a}`;\nfor (const v of [1]) {}\nasync function f() { await 1; }\nmodule.exports = { A, s, o: rest?.b ?? 0, f };\n";
        let c = ok(text, true);
        for bad in ["class", "let", "const", "async", "await"] {
            assert!(!has_word(&c.code, bad), "`{bad}` in\n{}", c.code);
        }
        for bad in ["=>", "`", "?.", "??", "**", "..."] {
            assert!(!c.code.contains(bad), "`{bad}` in\n{}", c.code);
        }
        assert!(c.requires.iter().any(|r| r.spec == "@swc/helpers/_/_class_call_check"), "{:?}", c.requires);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let (c, d) = compile("a.js", "var a = 1;\nvar b = ;\n", false);
        assert!(c.is_none());
        assert_eq!((d[0].code, d[0].line, d[0].col), ("bad-js", 2, 9), "{d:?}");
        // A top-level return is fine: the file runs inside a function.
        ok("if (x) return;\n", false);
    }

    #[test]
    fn imports_lists_every_literal_module_path() {
        let text = "import a from './a';\nexport * from \"./b\";\nexport { c } from './c';\nconst d = require('d/x');\nimport('./e');\nrequire(name);\n";
        assert_eq!(imports("m.js", text), vec!["./a", "./b", "./c", "d/x", "./e"]);
        assert_eq!(imports("m.js", "var = ;"), Vec::<String>::new());
    }

    #[test]
    fn a_local_require_is_not_the_module_system() {
        let c = ok("function require(x) { return x }\nexport default require('./not-a-module')\n", false);
        assert!(c.requires.iter().all(|r| r.spec != "./not-a-module"), "{:?}", c.requires);
    }
}
