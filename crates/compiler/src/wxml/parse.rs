//! The WXML parser: one pass over the bytes with an explicit stack (no recursion, so
//! no input can overflow the stack), recovering from every error with a diagnostic:
//! a stray `</x>` is skipped, unclosed elements close at their parent's end, a `<` that
//! starts no tag is text. Inside `{{ }}` nothing is markup, so `{{ a < b }}` and
//! `"{{ c ? "x" : "y" }}"` parse as written.

use crate::diag::{Diagnostic, Severity, Source, Span};
use std::collections::HashMap;

/// Elements nest at most this deep; deeper ones are kept flat with an error.
pub const MAX_DEPTH: usize = 256;
/// Problems reported per file at most (then one line says how many more).
pub const MAX_DIAGNOSTICS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub name: String,
    /// `None` for a bare attribute (`<input disabled>`).
    pub value: Option<String>,
    pub span: Span,
    /// Where the value starts in the file (positions of expression errors).
    pub value_start: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// The start tag.
    pub span: Span,
    pub self_closing: bool,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    /// Text as written (entities are not decoded here).
    Text { text: String, span: Span },
    Comment { span: Span },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub nodes: Vec<Node>,
}

/// Elements whose body is raw text, not markup.
fn raw_body(name: &str) -> bool {
    name == "wxs"
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.')
}

/// How a start tag ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagEnd {
    Open,
    SelfClosed,
    /// The file ended inside the tag.
    Eof,
}

struct Parser<'s, 'a> {
    src: &'s Source<'a>,
    bytes: &'a [u8],
    pos: usize,
    diags: Vec<Diagnostic>,
    /// Problems past [`MAX_DIAGNOSTICS`], counted but not built (building one costs a
    /// pass over its line, which on a hostile file is long).
    dropped: usize,
    /// A `{{` in an unquoted value was found not to close before the end of the file.
    unclosed_mustache: bool,
}

impl<'a> Parser<'_, 'a> {
    fn error(&mut self, code: &'static str, span: Span, msg: impl Into<String>) {
        self.report(Severity::Error, code, span, msg);
    }

    fn report(&mut self, severity: Severity, code: &'static str, span: Span, msg: impl Into<String>) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags.push(self.src.diag(severity, code, span, msg));
        } else {
            self.dropped += 1;
        }
    }

    fn at(&self, s: &str) -> bool {
        self.bytes[self.pos..].starts_with(s.as_bytes())
    }

    /// From `{{` at `from`, the offset just past the matching `}}` (quotes inside are
    /// skipped), or `None` if the file ends first.
    fn skip_mustache(&self, from: usize) -> Option<usize> {
        let b = self.bytes;
        let mut i = from + 2;
        let mut quote: Option<u8> = None;
        while i < b.len() {
            match quote {
                Some(q) => {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == q {
                        quote = None;
                    }
                }
                None => {
                    if b[i] == b'\'' || b[i] == b'"' {
                        quote = Some(b[i]);
                    } else if b[i] == b'}' && b.get(i + 1) == Some(&b'}') {
                        // `}}}` closes an object literal and then the mustache.
                        let mut end = i + 2;
                        while b.get(end) == Some(&b'}') {
                            end += 1;
                        }
                        return Some(end);
                    }
                }
            }
            i += 1;
        }
        None
    }

    fn text(&self, start: usize, end: usize) -> String {
        String::from_utf8_lossy(&self.bytes[start..end]).into_owned()
    }

    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn name(&mut self) -> Option<String> {
        let start = self.pos;
        if self.pos < self.bytes.len() && is_name_start(self.bytes[self.pos]) {
            while self.pos < self.bytes.len() && is_name_char(self.bytes[self.pos]) {
                self.pos += 1;
            }
            Some(self.text(start, self.pos))
        } else {
            None
        }
    }

    /// An attribute value after `=`: quoted, or up to whitespace or the tag's end.
    fn value(&mut self) -> (String, usize) {
        let b = self.bytes;
        match b.get(self.pos) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = self.pos + 1;
                let mut i = start;
                while i < b.len() && b[i] != q {
                    if b[i] == b'{' && b.get(i + 1) == Some(&b'{') {
                        match self.skip_mustache(i) {
                            Some(end) => {
                                i = end;
                                continue;
                            }
                            None => break,
                        }
                    }
                    i += 1;
                }
                let v = self.text(start, i.min(b.len()));
                if i >= b.len() {
                    self.error("unclosed-attribute", Span::new(start - 1, start), "attribute value is not closed");
                    self.pos = b.len();
                } else {
                    self.pos = i + 1;
                }
                (v, start)
            }
            _ => {
                let start = self.pos;
                self.report(Severity::Warning, "unquoted-attribute", Span::new(start, start + 1), "attribute values should be quoted (WeChat's compiler requires it)");
                let mut i = start;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && !(b[i] == b'/' && b.get(i + 1) == Some(&b'>')) {
                    if b[i] == b'{' && b.get(i + 1) == Some(&b'{') && !self.unclosed_mustache {
                        match self.skip_mustache(i) {
                            Some(end) => {
                                i = end;
                                continue;
                            }
                            // The scan went to the end of the file; the next `{{` would
                            // scan as far again (quadratic on `a={{ a={{ …`). This value
                            // is an error already; later unquoted ones end at a space.
                            None => self.unclosed_mustache = true,
                        }
                    }
                    i += 1;
                }
                self.pos = i;
                (self.text(start, i), start)
            }
        }
    }

    /// After `<name`: attributes up to `>` or `/>`. A repeated name replaces the earlier
    /// one (found through an index, so 100,000 attributes are not compared pairwise).
    fn attrs(&mut self, out: &mut Vec<Attr>) -> TagEnd {
        let mut attrs: Vec<Option<Attr>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let end = loop {
            self.skip_ws();
            if self.pos >= self.bytes.len() {
                break TagEnd::Eof;
            }
            if self.at("/>") {
                self.pos += 2;
                break TagEnd::SelfClosed;
            }
            if self.at(">") {
                self.pos += 1;
                break TagEnd::Open;
            }
            let start = self.pos;
            while self.pos < self.bytes.len() {
                let c = self.bytes[self.pos];
                if c.is_ascii_whitespace() || c == b'=' || c == b'>' || (c == b'/' && self.at("/>")) || c == b'"' || c == b'\'' {
                    break;
                }
                self.pos += 1;
            }
            if self.pos == start {
                // A stray quote or `=`: skip it and go on.
                self.error("bad-attribute", Span::new(start, start + 1), "unexpected character in a tag");
                self.pos += 1;
                continue;
            }
            let name = self.text(start, self.pos);
            self.skip_ws();
            let (value, value_start) = if self.at("=") {
                self.pos += 1;
                self.skip_ws();
                let (v, s) = self.value();
                (Some(v), s)
            } else {
                (None, self.pos)
            };
            if let Some(earlier) = index.insert(name.clone(), attrs.len()) {
                self.report(Severity::Warning, "duplicate-attribute", Span::new(start, self.pos), format!("`{name}` is given twice; the last one counts"));
                attrs[earlier] = None;
            }
            attrs.push(Some(Attr { name, value, span: Span::new(start, self.pos), value_start }));
        };
        out.extend(attrs.into_iter().flatten());
        end
    }
}

/// Parses one WXML file. Always returns a document (possibly partial) and every
/// problem found.
pub fn parse(src: &Source<'_>) -> (Document, Vec<Diagnostic>) {
    let mut p = Parser { src, bytes: src.text.as_bytes(), pos: 0, diags: Vec::new(), dropped: 0, unclosed_mustache: false };
    // The open elements; the root is a pseudo-element holding the document's nodes.
    let mut stack: Vec<Element> = vec![Element { name: String::new(), attrs: vec![], children: vec![], span: Span::default(), self_closing: false }];
    let mut text_start = 0;
    let b = p.bytes;

    fn flush_text(p: &Parser<'_, '_>, stack: &mut [Element], from: usize, to: usize) {
        if to > from {
            let text = p.text(from, to);
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Text { text, span: Span::new(from, to) });
            }
        }
    }

    fn close_top(stack: &mut Vec<Element>) {
        if stack.len() > 1 {
            if let Some(done) = stack.pop() {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Element(done));
                }
            }
        }
    }

    while p.pos < b.len() {
        if p.at("{{") {
            match p.skip_mustache(p.pos) {
                Some(end) => p.pos = end,
                None => {
                    p.error("unclosed-mustache", Span::new(p.pos, p.pos + 2), "`{{` is not closed by `}}`");
                    p.pos = b.len();
                }
            }
            continue;
        }
        if b[p.pos] != b'<' {
            p.pos += 1;
            continue;
        }
        let lt = p.pos;
        if p.at("<!--") {
            flush_text(&p, &mut stack, text_start, lt);
            let end = src.text[lt + 4..].find("-->").map(|i| lt + 4 + i + 3);
            match end {
                Some(e) => p.pos = e,
                None => {
                    // WeChat's compiler lets a comment run to the end of the file.
                    p.report(Severity::Warning, "unclosed-comment", Span::new(lt, lt + 4), "comment is not closed by `-->`; it runs to the end of the file");
                    p.pos = b.len();
                }
            }
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Comment { span: Span::new(lt, p.pos) });
            }
            text_start = p.pos;
            continue;
        }
        if p.at("</") {
            p.pos += 2;
            p.skip_ws();
            let Some(name) = p.name() else {
                // `</` with no name: text.
                continue;
            };
            p.skip_ws();
            if p.at(">") {
                p.pos += 1;
            } else {
                p.error("bad-close-tag", Span::new(lt, p.pos), format!("`</{name}` is not closed by `>`"));
            }
            flush_text(&p, &mut stack, text_start, lt);
            text_start = p.pos;
            match stack.iter().rposition(|e| e.name == name) {
                Some(i) if i > 0 => {
                    while stack.len() > i + 1 {
                        let open = stack.last().map(|e| (e.name.clone(), e.span)).unwrap_or_default();
                        p.error("unclosed-tag", open.1, format!("`<{}>` is not closed (closed by `</{name}>`)", open.0));
                        close_top(&mut stack);
                    }
                    close_top(&mut stack);
                }
                _ => p.error("unexpected-close-tag", Span::new(lt, p.pos), format!("`</{name}>` closes nothing that is open")),
            }
            continue;
        }
        // `<` + name starts a tag; anything else is text.
        if !b.get(lt + 1).is_some_and(|c| is_name_start(*c)) {
            if p.bytes[lt + 1..].starts_with(b"{{") {
                p.error("expression-tag-name", Span::new(lt, lt + 3), "a tag name cannot be an expression");
            } else {
                p.report(Severity::Warning, "lt-in-text", Span::new(lt, lt + 1), "`<` in text: write `&lt;` (WeChat's compiler rejects a bare `<`)");
            }
            p.pos += 1;
            continue;
        }
        flush_text(&p, &mut stack, text_start, lt);
        p.pos += 1;
        let name = p.name().unwrap_or_default();
        if name.starts_with("wx-") {
            p.error("reserved-tag", Span::new(lt + 1, lt + 1 + name.len()), format!("`{name}`: tag names starting with `wx-` are reserved"));
        }
        let mut attrs = Vec::new();
        let end = p.attrs(&mut attrs);
        let span = Span::new(lt, p.pos);
        if end == TagEnd::Eof && p.dropped == 0 && p.diags.last().is_none_or(|d| d.code != "unclosed-attribute") {
            p.error("unclosed-start-tag", Span::new(lt, lt + 1 + name.len()), format!("`<{name}` is not closed by `>`"));
        }
        // A tag cut off by the end of the file holds nothing: keep it as it is.
        let self_closing = end != TagEnd::Open;
        let mut el = Element { name: name.clone(), attrs, children: vec![], span, self_closing };
        if self_closing {
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Element(el));
            }
        } else if raw_body(&name) {
            let close = format!("</{name}");
            let body_start = p.pos;
            let body_end = src.text[body_start..].find(&close).map(|i| body_start + i);
            match body_end {
                Some(e) => {
                    if e > body_start {
                        el.children.push(Node::Text { text: p.text(body_start, e), span: Span::new(body_start, e) });
                    }
                    p.pos = src.text[e..].find('>').map_or(b.len(), |i| e + i + 1);
                }
                None => {
                    p.error("unclosed-tag", span, format!("`<{name}>` is not closed"));
                    p.pos = b.len();
                }
            }
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Element(el));
            }
        } else if stack.len() > MAX_DEPTH {
            p.error("too-deep", span, format!("elements nest more than {MAX_DEPTH} deep; this one is kept at that depth"));
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Element(el));
            }
        } else {
            stack.push(el);
        }
        text_start = p.pos;
    }
    flush_text(&p, &mut stack, text_start, b.len());
    while stack.len() > 1 {
        let open = stack.last().map(|e| (e.name.clone(), e.span)).unwrap_or_default();
        p.error("unclosed-tag", open.1, format!("`<{}>` is not closed before the end of the file", open.0));
        close_top(&mut stack);
    }
    if p.dropped > 0 {
        if let Some(mut d) = p.diags.last().cloned() {
            d.code = "too-many-errors";
            d.message = format!("{} more problems in this file are not shown", p.dropped);
            p.diags.push(d);
        }
    }
    let root = stack.pop().unwrap_or(Element { name: String::new(), attrs: vec![], children: vec![], span: Span::default(), self_closing: false });
    (Document { nodes: root.children }, p.diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Document {
        let src = Source::new("t.wxml", text);
        let (doc, diags) = parse(&src);
        assert!(diags.is_empty(), "{text}: {diags:#?}");
        doc
    }

    fn el(n: &Node) -> &Element {
        match n {
            Node::Element(e) => e,
            other => panic!("not an element: {other:?}"),
        }
    }

    #[test]
    fn mustaches_are_not_markup() {
        let d = ok(r#"<view class="a {{ x < y ? "big" : 'small' }} b" hidden>{{ a < b }} & {{ '</view>' }}</view>"#);
        let v = el(&d.nodes[0]);
        assert_eq!(v.attr("class").unwrap().value.as_deref(), Some(r#"a {{ x < y ? "big" : 'small' }} b"#));
        assert_eq!(v.attr("hidden").unwrap().value, None);
        assert_eq!(v.children.len(), 1);
        assert!(matches!(&v.children[0], Node::Text { text, .. } if text == "{{ a < b }} & {{ '</view>' }}"));
    }

    #[test]
    fn self_closing_custom_tags_unquoted_values_and_wxs() {
        let src = Source::new("t.wxml", "<my-comp a=1 b={{x}} /><wxs module=\"m\">var a = 1 < 2; module.exports = {a:a};</wxs><import src=\"a.wxml\"/>");
        let (d, diags) = parse(&src);
        assert_eq!(diags.iter().map(|d| (d.code, d.severity)).collect::<Vec<_>>(), vec![("unquoted-attribute", Severity::Warning); 2]);
        assert_eq!(d.nodes.len(), 3);
        let c = el(&d.nodes[0]);
        assert!(c.self_closing);
        assert_eq!(c.attr("b").unwrap().value.as_deref(), Some("{{x}}"));
        let w = el(&d.nodes[1]);
        assert!(matches!(&w.children[0], Node::Text { text, .. } if text.contains("1 < 2")));
        let d = ok("<template name=\"t\"><text>{{ {a: {b: 1}} }}</text></template>");
        assert_eq!(el(&d.nodes[0]).children.len(), 1);
    }

    #[test]
    fn errors_recover_and_name_the_place() {
        let src = Source::new("p.wxml", "<view>\n  <text>hi\n</view>\n</button>\n<view a=\"x");
        let (doc, diags) = parse(&src);
        let codes: Vec<_> = diags.iter().map(|d| (d.code, d.line, d.col)).collect();
        assert_eq!(codes, vec![("unclosed-tag", 2, 3), ("unexpected-close-tag", 4, 1), ("unclosed-attribute", 5, 9)]);
        assert_eq!(doc.nodes.iter().filter(|n| matches!(n, Node::Element(_))).count(), 2);
    }

    #[test]
    fn depth_is_capped_without_recursion() {
        let text = "<view>".repeat(100_000);
        let src = Source::new("deep.wxml", &text);
        let (_, diags) = parse(&src);
        assert!(diags.iter().any(|d| d.code == "too-deep"));
        assert_eq!(diags.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(diags.last().unwrap().code, "too-many-errors");
    }

    /// Work stays linear in the input: 100,000 attributes are not compared pairwise,
    /// and `{{` left open in many unquoted values is not scanned to the end each time.
    #[test]
    fn floods_stay_linear() {
        let many: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\" x=\"{i}\"")).collect();
        let text = format!("<view{many}/>");
        let src = Source::new("t.wxml", &text);
        let (doc, diags) = parse(&src);
        let v = el(&doc.nodes[0]);
        assert_eq!(v.attrs.len(), 100_001);
        assert_eq!(v.attrs.last().unwrap().value.as_deref(), Some("99999"), "the last `x` counts, in its place");
        assert_eq!(v.attrs.iter().filter(|a| a.name == "x").count(), 1);
        assert_eq!((diags[0].code, diags.len()), ("duplicate-attribute", MAX_DIAGNOSTICS + 1));
        let open = format!("<view{}>", " a={{".repeat(200_000));
        let started = std::time::Instant::now();
        let (_, diags) = parse(&Source::new("t.wxml", &open));
        assert!(!diags.is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let src = Source::new("p.wxml", &s);
            let _ = parse(&src);
        }

        #[test]
        fn never_panics_on_markup_soup(s in "[<>/=\"' a-z{}!-]{0,200}") {
            let src = Source::new("p.wxml", &s);
            let (_, diags) = parse(&src);
            for d in diags {
                prop_assert!(d.line >= 1 && d.col >= 1);
            }
        }
    }
}
