//! WXML to render code: every file becomes a JavaScript function from data to a
//! virtual tree (`{tag, attrs, children, generics?, model?}` for elements, strings for
//! text; `model` maps a two-way-bound property to its `{{path}}`), with
//! `wx:if`/`wx:elif`/`wx:else`, `wx:for` (`wx:for-item`, `wx:for-index`), `block`,
//! `template` (`name`, `is`, `data`), `import` (not transitive) and `include`. The
//! semantics follow WeChat's own compiler (docs/wcc-oracle.md): text is string
//! concatenation (`undefined` renders empty, `null` as `null`), an attribute that is
//! one `{{ }}` keeps its value's type, a bare attribute is `true`, whitespace-only text
//! between tags is dropped, entities are kept as written.
//!
//! WXS modules (inline and `src`, `require` between them) run as given, each in a
//! function of `module`, `exports`, `require`, `getDate` and `getRegExp`, once per
//! package; a function-valued attribute becomes `$wxs:<event>` on event bindings and
//! `null` elsewhere, as wcc does. WXS outside its ES5 subset is an error where it is
//! written (js/wxs.rs), as wcc refuses it.

use super::expr::{parse_object_body, parse_template, Expr, Item, Part, Prop};
use super::parse::{parse, Element, Node, MAX_DIAGNOSTICS};
use crate::diag::{Diagnostic, Severity, Source, Span};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The runtime the generated code calls (`$r`), shared by every file of a package.
pub const RUNTIME: &str = r#"{
  g: function (o, k) { return o == null ? undefined : o[k]; },
  s: function (v) { return v === undefined ? "" : String(v); },
  it: function (v, f) {
    if (v == null) return;
    if (Array.isArray(v) || typeof v === "string") { for (var i = 0; i < v.length; i++) { this.step(); f(v[i], i); } }
    else if (typeof v === "number") { for (var n = 0; n < v; n++) { this.step(); f(n, n); } }
    else if (typeof v === "object") { for (var k in v) if (Object.prototype.hasOwnProperty.call(v, k)) { this.step(); f(v[k], k); } }
  },
  /** The nodes of one keyed `wx:for` item: each carries the key (and its place, when
   *  the item is several nodes), then joins the output. */
  key: function (nodes, k, out) {
    for (var j = 0; j < nodes.length; j++) {
      var n = nodes[j];
      if (n !== null && typeof n === "object") n.key = nodes.length > 1 ? String(k) + "\u0000" + j : String(k);
      out.push(n);
    }
  },
  /** What `x.constructor` is in WXS: the name of the type (js/wxs.rs `lower`). */
  ctor: function (v) {
    if (v === null || v === undefined) return v.constructor;
    if (Array.isArray(v)) return "Array";
    if (v instanceof Date) return "Date";
    if (v instanceof RegExp) return "RegExp";
    var t = typeof v;
    return t === "string" ? "String" : t === "number" ? "Number" : t === "boolean" ? "Boolean" : t === "function" ? "Function" : "Object";
  },
  f: function (fn, args) { return typeof fn === "function" ? fn.apply(null, args) : undefined; },
  at: function (a) {
    for (var k in a) {
      if (typeof a[k] === "function") {
        if (/^(bind|catch|capture-bind|capture-catch|mut-bind)/.test(k)) a["$wxs:" + k] = a[k];
        else { a[k] = null; continue; }
        delete a[k];
      }
    }
    return a;
  },
  res: function (from, p) {
    var parts = p.charAt(0) === "/" ? [] : from.split("/").slice(0, -1);
    var segs = p.split("/");
    for (var i = 0; i < segs.length; i++) {
      if (segs[i] === "" || segs[i] === ".") continue;
      if (segs[i] === "..") parts.pop(); else parts.push(segs[i]);
    }
    return parts.join("/");
  },
  depth: 0,
  /** Nodes one render may make (WeChat's runtime stops at 16,000 too). */
  n: 0,
  maxNodes: 16000,
  el: function (node) {
    if (++this.n > this.maxNodes) throw new Error("Dom limit exceeded: more than " + this.maxNodes + " nodes");
    return node;
  },
  /** Loop turns and template and include expansions one render may take: this bounds
   *  what makes no nodes, such as a template that calls itself twice (2^64 calls) or
   *  `wx:for="{{1000000000}}"`. */
  w: 0,
  maxWork: 1000000,
  step: function () {
    if (++this.w > this.maxWork) throw new Error("Render limit exceeded: more than " + this.maxWork + " loop turns, templates and includes");
  },
  /** Templates and includes nest at most this deep: `template is` may recurse. */
  maxDepth: 64,
  enter: function () { this.step(); if (this.depth >= this.maxDepth) return false; this.depth++; return true; },
  leave: function () { this.depth--; },
  tpl: function (visible, name, data, out) {
    var t = visible[name];
    if (typeof t !== "function" || !this.enter()) return;
    try { var r = t(data || {}); for (var i = 0; i < r.length; i++) out.push(r[i]); } finally { this.leave(); }
  },
  inc: function (f, d, out) {
    if (!this.enter()) return;
    try { f(d, out); } finally { this.leave(); }
  }
}"#;

/// Turns a path as written in `src` into a package path, relative to the file that
/// names it (`./a`, `../a`, `a`) or to the package root (`/a`); `.wxml` is implied.
/// `None` if it leaves the package.
pub fn resolve(from: &str, src: &str) -> Option<String> {
    let mut p = resolve_any(from, src)?;
    if !p.ends_with(".wxml") {
        p.push_str(".wxml");
    }
    Some(p)
}

struct Gen<'a, 's> {
    src: &'a Source<'s>,
    path: &'a str,
    files: &'a BTreeMap<String, String>,
    diags: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted.
    dropped: usize,
    out: String,
    n: usize,
    /// How deep the element being generated is (its children array is `c<level>`).
    level: usize,
    /// Loop variables in scope: (name in WXML, JS variable).
    scope: Vec<(String, String)>,
    templates: Vec<(String, String)>,
    imports: Vec<String>,
    /// WXS modules of this file: (module name, key in `$X`).
    wxs: Vec<(String, String)>,
    /// Inline WXS bodies of this file: (key, code).
    inline_wxs: Vec<(String, String)>,
}

fn js_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn is_control(name: &str) -> bool {
    matches!(name, "wx:if" | "wx:elif" | "wx:else" | "wx:for" | "wx:for-items" | "wx:for-item" | "wx:for-index" | "wx:key")
}

impl Gen<'_, '_> {
    fn var(&mut self, prefix: &str) -> String {
        self.n += 1;
        format!("{prefix}{}", self.n)
    }

    fn warn(&mut self, code: &'static str, at: usize, msg: impl Into<String>) {
        self.report(Severity::Warning, code, at, msg);
    }

    fn error(&mut self, code: &'static str, at: usize, msg: impl Into<String>) {
        self.report(Severity::Error, code, at, msg);
    }

    /// At most [`MAX_DIAGNOSTICS`] per file, like the parser: 100,000 bad attributes get
    /// a count, not 100,000 diagnostics.
    fn report(&mut self, severity: Severity, code: &'static str, at: usize, msg: impl Into<String>) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags.push(self.src.diag(severity, code, Span::new(at, at + 1), msg));
        } else {
            self.dropped += 1;
        }
    }

    fn expr(&self, e: &Expr) -> String {
        match e {
            Expr::Str { v } => js_str(v),
            Expr::Num { v } => {
                if v.is_finite() {
                    format!("{v}")
                } else {
                    "NaN".into()
                }
            }
            Expr::Bool { v } => v.to_string(),
            Expr::Null => "null".into(),
            Expr::Undefined => "undefined".into(),
            Expr::Name { v } => match self.scope.iter().rev().find(|(n, _)| n == v) {
                Some((_, js)) => js.clone(),
                None => match self.wxs.iter().find(|(n, _)| n == v) {
                    Some((_, key)) => format!("$mod({})", js_str(key)),
                    None => format!("$r.g(d,{})", js_str(v)),
                },
            },
            Expr::Member { obj, prop } => format!("$r.g({},{})", self.expr(obj), js_str(prop)),
            Expr::Index { obj, index } => format!("$r.g({},{})", self.expr(obj), self.expr(index)),
            Expr::Call { callee, args } => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                format!("$r.f({},[{}])", self.expr(callee), args.join(","))
            }
            Expr::Unary { op, arg } => format!("({op}{})", self.expr(arg)),
            Expr::Binary { op, left, right } => format!("({}{op}{})", self.expr(left), self.expr(right)),
            Expr::Cond { test, then, other } => format!("({}?{}:{})", self.expr(test), self.expr(then), self.expr(other)),
            Expr::Array { items } => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        Item::Value { v } => self.expr(v),
                        Item::Spread { v } => format!("...({}||[])", self.expr(v)),
                    })
                    .collect();
                format!("[{}]", items.join(","))
            }
            Expr::Object { props } => self.object(props),
        }
    }

    fn object(&self, props: &[Prop]) -> String {
        let props: Vec<String> = props
            .iter()
            .map(|p| match p {
                Prop::Pair { key, v } => format!("{}:{}", js_str(key), self.expr(v)),
                Prop::Spread { v } => format!("...{}", self.expr(v)),
            })
            .collect();
        format!("({{{}}})", props.join(","))
    }

    /// A value with interpolations: one `{{ }}` alone keeps its type; otherwise the
    /// parts are concatenated as text.
    fn template_value(&mut self, raw: &str, at: usize) -> String {
        match parse_template(raw) {
            Ok(parts) => match parts.as_slice() {
                [Part::Expr { v }] => self.expr(v),
                parts => self.concat(parts),
            },
            Err(e) => {
                self.error("bad-expression", at + e.offset, e.message);
                js_str(raw)
            }
        }
    }

    /// The inside of a value that must be exactly one `{{expr}}` (or plain text).
    fn single(&mut self, raw: &str, at: usize) -> String {
        self.template_value(raw, at)
    }

    fn nodes(&mut self, nodes: &[Node], out: &str) {
        let mut i = 0;
        while i < nodes.len() {
            match &nodes[i] {
                Node::Text { text, span } => {
                    if !text.trim().is_empty() {
                        let v = self.text(text, span.start);
                        let _ = writeln!(self.out, "{out}.push({v});");
                    }
                }
                Node::Comment { .. } => {}
                Node::Element(el) => {
                    if el.attr("wx:if").is_some() && el.attr("wx:for").is_none() {
                        i = self.if_chain(nodes, i, out);
                        continue;
                    }
                    if el.attr("wx:elif").is_some() || el.attr("wx:else").is_some() {
                        self.error("else-without-if", el.span.start, format!("`<{}>` has wx:elif/wx:else without a wx:if before it", el.name));
                    } else {
                        self.element(el, out);
                    }
                }
            }
            i += 1;
        }
    }

    /// Text and interpolations joined as a string (`undefined` renders empty).
    fn concat(&self, parts: &[Part]) -> String {
        if parts.is_empty() {
            return js_str("");
        }
        let pieces: Vec<String> = parts
            .iter()
            .map(|p| match p {
                Part::Text { v } => js_str(v),
                Part::Expr { v } => format!("$r.s({})", self.expr(v)),
            })
            .collect();
        format!("({})", pieces.join("+"))
    }

    fn text(&mut self, text: &str, at: usize) -> String {
        match parse_template(text) {
            Ok(parts) => self.concat(&parts),
            Err(e) => {
                self.error("bad-expression", at + e.offset, e.message);
                js_str(text)
            }
        }
    }

    /// `wx:if` at `nodes[i]` and its `wx:elif`/`wx:else` siblings (whitespace and
    /// comments between them allowed). Returns the index after the chain.
    fn if_chain(&mut self, nodes: &[Node], i: usize, out: &str) -> usize {
        let mut j = i;
        let mut first = true;
        while let Node::Element(el) = &nodes[j] {
            let (kw, cond) = if first {
                ("if", el.attr("wx:if"))
            } else if let Some(a) = el.attr("wx:elif") {
                ("else if", Some(a))
            } else if el.attr("wx:else").is_some() {
                ("else", None)
            } else {
                break;
            };
            match cond {
                Some(a) => {
                    let c = self.single(a.value.as_deref().unwrap_or(""), a.value_start);
                    let _ = writeln!(self.out, "{}{kw}({c}){{", if first { "" } else { "}" });
                }
                None => {
                    let _ = writeln!(self.out, "}}else{{");
                }
            }
            self.element(el, out);
            first = false;
            j += 1;
            if kw == "else" {
                break;
            }
            // Skip blank text and comments to the next sibling.
            let mut k = j;
            while k < nodes.len() && matches!(&nodes[k], Node::Comment { .. } | Node::Text { .. } if is_blank(&nodes[k])) {
                k += 1;
            }
            match nodes.get(k) {
                Some(Node::Element(next)) if next.attr("wx:elif").is_some() || next.attr("wx:else").is_some() => j = k,
                _ => break,
            }
        }
        let _ = writeln!(self.out, "}}");
        j
    }

    /// One element with its `wx:for`, or its content for `block`.
    fn element(&mut self, el: &Element, out: &str) {
        match el.name.as_str() {
            "import" | "wxs" => return,
            "template" if el.attr("name").is_some() => return,
            "include" => {
                if let Some(p) = self.target(el) {
                    let _ = writeln!(self.out, "$r.inc($F[{}],d,{out});", js_str(&p));
                }
                return;
            }
            _ => {}
        }
        if let Some(list) = el.attr("wx:for").or(el.attr("wx:for-items")) {
            let list_js = self.single(list.value.as_deref().unwrap_or(""), list.value_start);
            let item = el.attr("wx:for-item").and_then(|a| a.value.clone()).unwrap_or_else(|| "item".into());
            let index = el.attr("wx:for-index").and_then(|a| a.value.clone()).unwrap_or_else(|| "index".into());
            let (iv, xv) = (self.var("i"), self.var("x"));
            let _ = writeln!(self.out, "$r.it({list_js},function({iv},{xv}){{");
            // With `wx:key`, the item's nodes carry its key, so the container keeps each
            // item's nodes (and component state) with the item when the list changes.
            let key = el.attr("wx:key").and_then(|a| a.value.as_deref().map(|v| (v.trim().to_string(), a.value_start)));
            let key_js = key.filter(|(k, _)| !k.is_empty()).map(|(k, at)| {
                if k == "*this" {
                    iv.clone()
                } else if k.contains("{{") {
                    self.template_value(&k, at)
                } else {
                    format!("$r.g({iv},{})", js_str(&k))
                }
            });
            let target = match &key_js {
                Some(_) => {
                    let kv = self.var("k");
                    let _ = writeln!(self.out, "var {kv}=[];");
                    kv
                }
                None => out.to_string(),
            };
            self.scope.push((item, iv));
            self.scope.push((index, xv));
            if let Some(cond) = el.attr("wx:if") {
                let c = self.single(cond.value.as_deref().unwrap_or(""), cond.value_start);
                let _ = writeln!(self.out, "if({c}){{");
                self.body(el, &target);
                let _ = writeln!(self.out, "}}");
            } else {
                self.body(el, &target);
            }
            self.scope.truncate(self.scope.len() - 2);
            if let Some(k) = key_js {
                let _ = writeln!(self.out, "$r.key({target},{k},{out});");
            }
            let _ = writeln!(self.out, "}});");
        } else {
            self.body(el, out);
        }
    }

    /// `<wxs module="m" src="…"/>` or `<wxs module="m">code</wxs>`.
    fn wxs_module(&mut self, el: &Element) {
        let Some(name) = el.attr("module").and_then(|a| a.value.clone()).filter(|n| is_ident(n)) else {
            self.error("bad-wxs", el.span.start, "`<wxs>` needs a `module` name (letters, digits, _ and $)");
            return;
        };
        let key = match el.attr("src").and_then(|a| a.value.clone()) {
            Some(src) => match resolve_any(self.path, &src) {
                Some(p) if self.files.contains_key(&p) => p,
                Some(p) => {
                    self.error("missing-file", el.span.start, format!("`{src}` ({p}) is not in the package"));
                    return;
                }
                None => {
                    self.error("path-escapes", el.span.start, format!("`{src}` leaves the package"));
                    return;
                }
            },
            None => {
                let code = el.children.iter().map(|c| if let Node::Text { text, .. } = c { text.as_str() } else { "" }).collect::<String>();
                for c in &el.children {
                    if let Node::Text { text, span } = c {
                        self.diags.extend(crate::js::wxs::check(self.src, text, span.start));
                    }
                }
                let key = format!("{}#{name}", self.path);
                self.inline_wxs.push((key.clone(), code));
                key
            }
        };
        if self.wxs.iter().any(|(n, _)| *n == name) {
            self.error("duplicate-wxs", el.span.start, format!("WXS module `{name}` is declared twice"));
            return;
        }
        self.wxs.push((name, key));
    }

    fn target(&mut self, el: &Element) -> Option<String> {
        let Some(src) = el.attr("src").and_then(|a| a.value.clone()) else {
            self.error("missing-src", el.span.start, format!("`<{}>` needs a src", el.name));
            return None;
        };
        match resolve(self.path, &src) {
            Some(p) if self.files.contains_key(&p) => Some(p),
            Some(p) => {
                self.warn("missing-file", el.span.start, format!("`{src}` ({p}) is not in the package"));
                None
            }
            None => {
                self.error("path-escapes", el.span.start, format!("`{src}` leaves the package"));
                None
            }
        }
    }

    fn body(&mut self, el: &Element, out: &str) {
        if el.name == "block" {
            self.nodes(&el.children, out);
            return;
        }
        if el.name == "template" {
            if let Some(is) = el.attr("is") {
                let name = self.single(is.value.as_deref().unwrap_or(""), is.value_start);
                let data = match el.attr("data").and_then(|a| a.value.as_deref().map(|v| (v, a.value_start))) {
                    Some((v, at)) => match v.trim().strip_prefix("{{").and_then(|s| s.strip_suffix("}}")) {
                        Some(inner) => match parse_object_body(inner) {
                            Ok(props) => self.object(&props),
                            Err(e) => {
                                self.error("bad-expression", at + 2 + e.offset, e.message);
                                "{}".into()
                            }
                        },
                        None => "{}".into(),
                    },
                    None => "{}".into(),
                };
                let _ = writeln!(self.out, "$r.tpl($V,{name},{data},{out});");
            }
            return;
        }
        let (mut attrs, mut generics, mut models) = (Vec::new(), Vec::new(), Vec::new());
        for a in &el.attrs {
            if is_control(&a.name) {
                continue;
            }
            if let Some(slot) = a.name.strip_prefix("generic:") {
                // A generic's implementation is a component name, not an expression.
                generics.push(format!("{}:{}", js_str(slot), js_str(a.value.as_deref().unwrap_or(""))));
                continue;
            }
            let v = match &a.value {
                None => "true".to_string(),
                Some(v) => self.template_value(v, a.value_start),
            };
            // `model:value="{{path}}"`: the value, and the binding the container writes back.
            let name = match a.name.strip_prefix("model:") {
                Some(prop) => {
                    models.push(format!("{}:{}", js_str(prop), js_str(a.value.as_deref().unwrap_or(""))));
                    prop
                }
                None => a.name.as_str(),
            };
            attrs.push(format!("{}:{v}", js_str(name)));
        }
        // One children array per depth, not per element: a function with a variable for
        // each of 100,000 elements needs a frame larger than V8's whole stack.
        self.level += 1;
        let kids = format!("c{}", self.level);
        let _ = writeln!(self.out, "var {kids}=[];");
        self.nodes(&el.children, &kids);
        self.level -= 1;
        let mut extra = String::new();
        if !generics.is_empty() {
            let _ = write!(extra, ",generics:{{{}}}", generics.join(","));
        }
        if !models.is_empty() {
            let _ = write!(extra, ",model:{{{}}}", models.join(","));
        }
        let _ = writeln!(self.out, "{out}.push($r.el({{tag:{},attrs:$r.at({{{}}}),children:{kids}{extra}}}));", js_str(&el.name), attrs.join(","));
    }

    /// WXS module declarations at any depth.
    fn collect_wxs(&mut self, nodes: &[Node]) {
        for n in nodes {
            if let Node::Element(el) = n {
                if el.name == "wxs" {
                    self.wxs_module(el);
                } else {
                    self.collect_wxs(&el.children);
                }
            }
        }
    }

    /// Template definitions and imports at any depth.
    fn collect(&mut self, nodes: &[Node]) {
        for n in nodes {
            if let Node::Element(el) = n {
                if el.name == "template" {
                    if let Some(name) = el.attr("name").and_then(|a| a.value.clone()) {
                        let saved = std::mem::take(&mut self.scope);
                        let mut f = String::new();
                        std::mem::swap(&mut f, &mut self.out);
                        self.nodes(&el.children, "o");
                        std::mem::swap(&mut f, &mut self.out);
                        self.scope = saved;
                        self.templates.push((name, f));
                        continue;
                    }
                }
                if el.name == "import" {
                    if let Some(p) = self.target(el) {
                        self.imports.push(p);
                    }
                    continue;
                }
                if el.name == "wxs" {
                    continue;
                }
                self.collect(&el.children);
            }
        }
    }
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == '$') && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$')
}

/// Like [`resolve`], for files of any kind (`.wxs`): no extension is added.
pub fn resolve_any(from: &str, src: &str) -> Option<String> {
    let mut parts: Vec<&str> = if src.starts_with('/') { Vec::new() } else { from.split('/').collect() };
    if !src.starts_with('/') {
        parts.pop();
    }
    for seg in src.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn is_blank(n: &Node) -> bool {
    match n {
        Node::Text { text, .. } => text.trim().is_empty(),
        Node::Comment { .. } => true,
        Node::Element(_) => false,
    }
}

/// Compiles every `.wxml` file of a package (path → text) into one JavaScript
/// expression evaluating to `{pages: {path: render(data) → nodes}}`.
pub fn compile(files: &BTreeMap<String, String>) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut js = format!(
        "(function(){{\"use strict\";var $r={RUNTIME};var $T={{}},$F={{}},$I={{}},$X={{}},$C={{}};\n\
         function getDate(){{return new (Function.prototype.bind.apply(Date,[null].concat([].slice.call(arguments))))();}}\n\
         function getRegExp(p,f){{return new RegExp(p,f);}}\n\
         function $mod(k){{if(!(k in $C)){{var m={{exports:{{}}}};$C[k]=m.exports;\
         if($X[k])$X[k](m,m.exports,function(p){{return $mod($r.res(k.split(\"#\")[0],p));}},getDate,getRegExp,$r.ctor);$C[k]=m.exports;}}return $C[k];}}\n"
    );
    // WXS files: each a module factory, run on first use.
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".wxs")) {
        diags.extend(crate::js::wxs::check(&Source::new(path, text), text, 0));
        let _ = writeln!(js, "$X[{}]=function(module,exports,require,getDate,getRegExp,__wxsCtor){{\n{}\n}};", js_str(path), crate::js::wxs::lower(text));
    }
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".wxml")) {
        let src = Source::new(path, text);
        let (doc, mut d) = parse(&src);
        diags.append(&mut d);
        let mut g = Gen {
            src: &src,
            path,
            files,
            diags: Vec::new(),
            dropped: 0,
            out: String::new(),
            n: 0,
            level: 0,
            scope: Vec::new(),
            templates: Vec::new(),
            imports: Vec::new(),
            wxs: Vec::new(),
            inline_wxs: Vec::new(),
        };
        // WXS modules first: templates and the body may use them wherever declared.
        g.collect_wxs(&doc.nodes);
        g.collect(&doc.nodes);
        g.nodes(&doc.nodes, "o");
        for (key, code) in &g.inline_wxs {
            let _ = writeln!(js, "$X[{}]=function(module,exports,require,getDate,getRegExp,__wxsCtor){{\n{}\n}};", js_str(key), crate::js::wxs::lower(code));
        }
        let _ = writeln!(js, "$T[{}]={{}};", js_str(path));
        for (name, body) in &g.templates {
            let _ = writeln!(js, "$T[{p}][{n}]=function(d){{var $V=$I[{p}];var o=[];\n{body}return o;}};", p = js_str(path), n = js_str(name));
        }
        let imports: Vec<String> = g.imports.iter().map(|i| js_str(i)).collect();
        let _ = writeln!(js, "$I[{}]=[{}];", js_str(path), imports.join(","));
        let _ = writeln!(js, "$F[{p}]=function(d,o){{var $V=$I[{p}];if(!o){{o=[];$r.n=0;$r.w=0;$r.depth=0;}}\n{}return o;}};", g.out, p = js_str(path));
        if g.dropped > 0 {
            if let Some(mut d) = g.diags.last().cloned() {
                d.code = "too-many-errors";
                d.message = format!("{} more problems in this file are not shown", g.dropped);
                g.diags.push(d);
            }
        }
        diags.append(&mut g.diags);
    }
    // In reading order: by file, line and column.
    diags.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    // What `template is` sees in each file: the imported files' templates, then its own.
    js.push_str(
        "for(var p in $I){var v={};for(var i=0;i<$I[p].length;i++){Object.assign(v,$T[$I[p][i]]);}Object.assign(v,$T[p]);$I[p]=v;}\n\
         return {pages:$F};})()",
    );
    (js, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recursive `template is` and include cycles stop at the depth limit instead of
    /// overflowing the stack; checked by running the generated code in Node.
    #[test]
    fn recursion_is_bounded_at_render_time() {
        let mut files = BTreeMap::new();
        files.insert("a.wxml".to_string(), "<template name=\"t\"><view><template is=\"t\"/></view></template><template is=\"t\"/><include src=\"b\"/>".to_string());
        files.insert("b.wxml".to_string(), "<text>b</text><include src=\"a\"/>".to_string());
        let (js, diags) = compile(&files);
        assert!(diags.is_empty(), "{diags:?}");
        let script = format!("var p={js};var n=JSON.stringify(p.pages['a.wxml']({{}})).length;console.log(n>0?'ok':'empty');");
        let out = std::process::Command::new("node").arg("-e").arg(script).output();
        let Ok(out) = out else {
            panic!("node is needed to run generated code");
        };
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok", "{}", String::from_utf8_lossy(&out.stderr));
    }

    /// `wx:key` puts each item's key on its nodes (`*this`, a property, several nodes of a
    /// `block` item told apart by their place); without it there is none.
    #[test]
    fn keyed_lists_carry_their_keys() {
        let mut files = BTreeMap::new();
        files.insert(
            "k.wxml".to_string(),
            "<view wx:for=\"{{list}}\" wx:key=\"id\">{{item.id}}</view><text wx:for=\"{{tags}}\" wx:key=\"*this\">{{item}}</text>\
             <block wx:for=\"{{list}}\" wx:key=\"id\"><view/><view/></block><view wx:for=\"{{list}}\"/>"
                .to_string(),
        );
        let (js, diags) = compile(&files);
        assert!(diags.is_empty(), "{diags:?}");
        let script = format!(
            "var p={js};var o=p.pages['k.wxml']({{list:[{{id:7}},{{id:'x'}}],tags:['a','b']}});\
             console.log(JSON.stringify(o.map(function(n){{return n.key===undefined?null:n.key;}})))"
        );
        let out = std::process::Command::new("node").arg("-e").arg(script).output().expect("node");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            r#"["7","x","a","b","7\u00000","7\u00001","x\u00000","x\u00001",null,null]"#,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn resolves_paths_inside_the_package_only() {
        assert_eq!(resolve("pages/a/a.wxml", "../../common/t"), Some("common/t.wxml".into()));
        assert_eq!(resolve("pages/a/a.wxml", "./b.wxml"), Some("pages/a/b.wxml".into()));
        assert_eq!(resolve("pages/a/a.wxml", "/common/t.wxml"), Some("common/t.wxml".into()));
        assert_eq!(resolve("a.wxml", "../../etc/passwd"), None);
    }

    #[test]
    fn compiles_and_reports_positions() {
        let mut files = BTreeMap::new();
        files.insert("index.wxml".to_string(), "<view wx:for=\"{{list}}\">{{item}}</view>\n<text>{{ 1 + }}</text>\n<view wx:else/>".to_string());
        let (js, diags) = compile(&files);
        assert!(js.contains("$r.it("), "{js}");
        let found: Vec<_> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(found, vec![("bad-expression", 2), ("else-without-if", 3)]);
    }
}
