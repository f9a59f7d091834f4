//! The expression language of `{{ }}`: literals, names, member and index access, calls
//! (of WXS functions), `!` and unary `-`, binary operators with JavaScript's
//! precedence, the conditional, array and object literals with spread. What WeChat's
//! compiler rejects is rejected here too (unary `+`, `typeof`, `in`, exponents,
//! assignment, regex and template literals, `?.`), so a package that compiles here
//! compiles there. Attribute values and text mix
//! literal text with interpolations (`"a {{x}} b"`), parsed by [`parse_template`].
//!
//! Recursive descent with a depth limit: hostile input gets an error, never a stack
//! overflow.

use serde::Serialize;

/// How deep expressions may nest (parentheses, literals, operands).
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Expr {
    Str { v: String },
    Num { v: f64 },
    Bool { v: bool },
    Null,
    Undefined,
    Name { v: String },
    Member { obj: Box<Expr>, prop: String },
    Index { obj: Box<Expr>, index: Box<Expr> },
    Call { callee: Box<Expr>, args: Vec<Expr> },
    Unary { op: &'static str, arg: Box<Expr> },
    Binary { op: &'static str, left: Box<Expr>, right: Box<Expr> },
    Cond { test: Box<Expr>, then: Box<Expr>, other: Box<Expr> },
    Array { items: Vec<Item> },
    Object { props: Vec<Prop> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Item {
    Value { v: Expr },
    Spread { v: Expr },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Prop {
    /// `key: value`, and the shorthand `key` (value = the name).
    Pair { key: String, v: Expr },
    Spread { v: Expr },
}

/// A piece of an attribute value or text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Part {
    Text { v: String },
    Expr { v: Expr },
}

/// An error at a byte offset of the parsed string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub message: String,
}

/// Binary operators by precedence, loosest first (JavaScript's order).
const LEVELS: &[&[&str]] = &[&["||"], &["&&"], &["===", "!==", "==", "!="], &["<=", ">=", "<", ">"], &["+", "-"], &["*", "/", "%"]];

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

type R<T> = Result<T, ExprError>;

impl<'a> P<'a> {
    fn err<T>(&self, msg: impl Into<String>) -> R<T> {
        Err(ExprError { offset: self.i, message: msg.into() })
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, tok: &str) -> bool {
        self.ws();
        if self.s[self.i..].starts_with(tok) {
            self.i += tok.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &str) -> R<()> {
        if self.eat(tok) {
            Ok(())
        } else {
            self.err(format!("expected `{tok}`"))
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("expression nests more than {MAX_DEPTH} deep (brackets, operands and chained operators count)"));
        }
        Ok(())
    }

    fn expr(&mut self) -> R<Expr> {
        self.enter()?;
        let test = self.binary(0)?;
        let e = if self.eat("?") {
            let then = self.expr()?;
            self.expect(":")?;
            let other = self.expr()?;
            Expr::Cond { test: Box::new(test), then: Box::new(then), other: Box::new(other) }
        } else {
            test
        };
        self.depth -= 1;
        Ok(e)
    }

    fn binary(&mut self, level: usize) -> R<Expr> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        // A chain (`a + b + c …`) is parsed in a loop but nests to the left: each link
        // counts as a level, or `1 + 1 + …` 100,000 times would make a tree too deep to
        // generate code from (or even to drop) without overflowing the stack.
        let depth = self.depth;
        'outer: loop {
            self.ws();
            for op in LEVELS[level] {
                if self.s[self.i..].starts_with(op) {
                    // `=` alone is not an operator here (`==` is); keep `<=` from `<`.
                    self.i += op.len();
                    self.enter()?;
                    let right = self.binary(level + 1)?;
                    left = Expr::Binary { op, left: Box::new(left), right: Box::new(right) };
                    continue 'outer;
                }
            }
            self.depth = depth;
            return Ok(left);
        }
    }

    /// `!` and `-` (WeChat's compiler has no unary `+` and no `typeof`).
    fn unary(&mut self) -> R<Expr> {
        self.ws();
        for op in ["!", "-"] {
            if self.s[self.i..].starts_with(op) && !self.s[self.i..].starts_with("!=") {
                self.i += op.len();
                self.enter()?;
                let arg = self.unary()?;
                self.depth -= 1;
                return Ok(Expr::Unary { op, arg: Box::new(arg) });
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> R<Expr> {
        let mut e = self.primary()?;
        // Like a chain of operators, `a.b.c…`, `f(1)(2)…` and `a[0][1]…` nest.
        let depth = self.depth;
        loop {
            self.ws();
            if self.s[self.i..].starts_with("...") {
                self.depth = depth;
                return Ok(e);
            }
            if self.b.get(self.i).is_some_and(|c| matches!(c, b'.' | b'[' | b'(')) {
                self.enter()?;
            }
            if self.eat(".") {
                self.ws();
                let name = self.ident().ok_or_else(|| ExprError { offset: self.i, message: "expected a property name after `.`".into() })?;
                e = Expr::Member { obj: Box::new(e), prop: name };
            } else if self.eat("[") {
                let index = self.expr()?;
                self.expect("]")?;
                e = Expr::Index { obj: Box::new(e), index: Box::new(index) };
            } else if self.eat("(") {
                let mut args = Vec::new();
                if !self.eat(")") {
                    loop {
                        args.push(self.expr()?);
                        if self.eat(")") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                e = Expr::Call { callee: Box::new(e), args };
            } else {
                self.depth = depth;
                return Ok(e);
            }
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.i;
        if self.i < self.b.len() && (self.b[self.i].is_ascii_alphabetic() || self.b[self.i] == b'_' || self.b[self.i] == b'$') {
            while self.i < self.b.len() && (self.b[self.i].is_ascii_alphanumeric() || self.b[self.i] == b'_' || self.b[self.i] == b'$') {
                self.i += 1;
            }
            Some(self.s[start..self.i].to_string())
        } else {
            None
        }
    }

    fn string(&mut self, q: u8) -> R<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.s[self.i..].chars().next() else {
                return self.err("string is not closed");
            };
            self.i += c.len_utf8();
            match c {
                c if c as u32 == q as u32 => return Ok(out),
                '\\' => {
                    let Some(e) = self.s[self.i..].chars().next() else {
                        return self.err("string is not closed");
                    };
                    self.i += e.len_utf8();
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'u' => {
                            let hex = self.s.get(self.i..self.i + 4).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
                            match hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32) {
                                Some(ch) => {
                                    out.push(ch);
                                    self.i += 4;
                                }
                                None => return self.err("bad \\u escape"),
                            }
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> R<Expr> {
        let start = self.i;
        let b = self.b;
        if b[self.i..].starts_with(b"0x") || b[self.i..].starts_with(b"0X") {
            self.i += 2;
            let hs = self.i;
            while self.i < b.len() && b[self.i].is_ascii_hexdigit() {
                self.i += 1;
            }
            return u64::from_str_radix(&self.s[hs..self.i], 16).map(|v| Expr::Num { v: v as f64 }).or_else(|_| self.err("bad hex number"));
        }
        while self.i < b.len() && (b[self.i].is_ascii_digit() || b[self.i] == b'.') {
            self.i += 1;
        }
        if self.i < b.len() && (b[self.i] == b'e' || b[self.i] == b'E') {
            return self.err("numbers with exponents are not supported in WXML (write the digits)");
        }
        self.s[start..self.i].parse::<f64>().map(|v| Expr::Num { v }).or_else(|_| {
            self.i = start;
            self.err("bad number")
        })
    }

    fn primary(&mut self) -> R<Expr> {
        self.ws();
        let Some(&c) = self.b.get(self.i) else {
            return self.err("expected an expression");
        };
        match c {
            b'\'' | b'"' => Ok(Expr::Str { v: self.string(c)? }),
            b'0'..=b'9' => self.number(),
            b'.' if self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit) => self.number(),
            b'(' => {
                self.i += 1;
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            b'[' => {
                self.i += 1;
                self.enter()?;
                let mut items = Vec::new();
                if !self.eat("]") {
                    loop {
                        if self.eat("...") {
                            items.push(Item::Spread { v: self.expr()? });
                        } else {
                            items.push(Item::Value { v: self.expr()? });
                        }
                        if self.eat("]") {
                            break;
                        }
                        self.expect(",")?;
                        if self.eat("]") {
                            break;
                        }
                    }
                }
                self.depth -= 1;
                Ok(Expr::Array { items })
            }
            b'{' => {
                self.i += 1;
                self.enter()?;
                let props = self.props(Some('}'))?;
                self.depth -= 1;
                Ok(Expr::Object { props })
            }
            _ => match self.ident() {
                Some(n) => Ok(match n.as_str() {
                    "true" => Expr::Bool { v: true },
                    "false" => Expr::Bool { v: false },
                    "null" => Expr::Null,
                    "undefined" => Expr::Undefined,
                    _ => Expr::Name { v: n },
                }),
                None => self.err(format!("unexpected `{}`", self.s[self.i..].chars().next().unwrap_or(' '))),
            },
        }
    }

    /// Object properties up to `close` (or the end of input when `None`).
    fn props(&mut self, close: Option<char>) -> R<Vec<Prop>> {
        let mut props = Vec::new();
        let at_end = |p: &mut P<'_>| match close {
            Some(c) => p.eat(&c.to_string()),
            None => {
                p.ws();
                p.i >= p.b.len()
            }
        };
        if at_end(self) {
            return Ok(props);
        }
        loop {
            self.ws();
            if self.eat("...") {
                props.push(Prop::Spread { v: self.expr()? });
            } else {
                let key = match self.b.get(self.i) {
                    Some(&q @ (b'\'' | b'"')) => self.string(q)?,
                    Some(c) if c.is_ascii_digit() => match self.number()? {
                        Expr::Num { v } => v.to_string(),
                        _ => unreachable!("number() returns numbers"),
                    },
                    _ => self.ident().ok_or_else(|| ExprError { offset: self.i, message: "expected a property name".into() })?,
                };
                if self.eat(":") {
                    props.push(Prop::Pair { key, v: self.expr()? });
                } else {
                    props.push(Prop::Pair { v: Expr::Name { v: key.clone() }, key });
                }
            }
            if at_end(self) {
                return Ok(props);
            }
            self.expect(",")?;
            if at_end(self) {
                return Ok(props);
            }
        }
    }
}

/// One expression (the inside of `{{ }}`).
pub fn parse_expr(s: &str) -> Result<Expr, ExprError> {
    let mut p = P { s, b: s.as_bytes(), i: 0, depth: 0 };
    let e = p.expr()?;
    p.ws();
    if p.i < s.len() {
        return p.err(format!("unexpected `{}` after the expression", s[p.i..].chars().next().unwrap_or(' ')));
    }
    Ok(e)
}

/// The inside of a `data` attribute of `<template is>`: an object literal's body
/// without its braces (`{{...item, index: i}}`).
pub fn parse_object_body(s: &str) -> Result<Vec<Prop>, ExprError> {
    let mut p = P { s, b: s.as_bytes(), i: 0, depth: 0 };
    p.props(None)
}

/// Text and interpolations: `"a {{x}} b"`. Offsets in errors count from `s`'s start.
pub fn parse_template(s: &str) -> Result<Vec<Part>, ExprError> {
    let mut parts = Vec::new();
    let mut rest = 0;
    while let Some(open) = s[rest..].find("{{").map(|i| rest + i) {
        if open > rest {
            parts.push(Part::Text { v: s[rest..open].to_string() });
        }
        let close = mustache_end(s, open + 2).ok_or(ExprError { offset: open, message: "`{{` is not closed by `}}`".into() })?;
        let inner = &s[open + 2..close];
        let e = parse_expr(inner).map_err(|e| ExprError { offset: open + 2 + e.offset, message: e.message })?;
        parts.push(Part::Expr { v: e });
        rest = close + 2;
    }
    if rest < s.len() {
        parts.push(Part::Text { v: s[rest..].to_string() });
    }
    Ok(parts)
}

/// The offset of the `}}` that closes a mustache whose inside starts at `from`:
/// quotes are skipped, and `}}}` closes an object literal before the mustache.
fn mustache_end(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let (mut i, mut quote, mut braces) = (from, None::<u8>, 0usize);
    while i < b.len() {
        match quote {
            Some(_) if b[i] == b'\\' => i += 1,
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None => match b[i] {
                b'\'' | b'"' => quote = Some(b[i]),
                b'{' => braces += 1,
                b'}' if braces > 0 => braces -= 1,
                b'}' if b.get(i + 1) == Some(&b'}') => return Some(i),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name(v: &str) -> Expr {
        Expr::Name { v: v.into() }
    }

    #[test]
    fn precedence_and_forms() {
        let e = parse_expr("a + b * 2 > 3 && !c || d ? x.y[z] : f(1, 'two')").unwrap();
        let Expr::Cond { test, then, other } = e else { panic!() };
        assert!(matches!(*test, Expr::Binary { op: "||", .. }));
        assert!(matches!(*then, Expr::Index { .. }));
        assert!(matches!(*other, Expr::Call { ref args, .. } if args.len() == 2));
        assert_eq!(parse_expr("a <= b").unwrap(), Expr::Binary { op: "<=", left: Box::new(name("a")), right: Box::new(name("b")) });
        assert_eq!(parse_expr("a !== b").unwrap(), Expr::Binary { op: "!==", left: Box::new(name("a")), right: Box::new(name("b")) });
        assert!(matches!(parse_expr("[1, ...list, 'x',]").unwrap(), Expr::Array { ref items } if items.len() == 3));
        assert!(matches!(parse_expr("{a: 1, b, ...c, 'd-e': {f: [g]}}").unwrap(), Expr::Object { ref props } if props.len() == 4));
        assert_eq!(parse_expr("'\\u4e2d文'").unwrap(), Expr::Str { v: "中文".into() });
        for rejected in ["1.5e3", "+a", "typeof a", "a = 1", "'a' in o", "a?.b", "/a/.test(s)", "`x`", "a ? b"] {
            assert!(parse_expr(rejected).is_err(), "{rejected} is not WXML (wcc rejects it too)");
        }
        assert_eq!(parse_object_body("...item, index: i").unwrap().len(), 2);
    }

    #[test]
    fn templates_mix_text_and_expressions() {
        let p = parse_template("a {{ x }} b {{ {c: 1} }}").unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(p[0], Part::Text { v: "a ".into() });
        assert!(matches!(&p[3], Part::Expr { v: Expr::Object { .. } }));
        assert_eq!(parse_template("{{ '}}' }}").unwrap(), vec![Part::Expr { v: Expr::Str { v: "}}".into() } }]);
        assert_eq!(parse_template("x {{ y").unwrap_err().offset, 2);
        let e = parse_template("ab{{ 1 + }}").unwrap_err();
        assert_eq!(e.offset, "ab{{ 1 + ".len());
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_crash() {
        assert!(parse_expr(&"(".repeat(100_000)).is_err());
        assert!(parse_expr(&"[".repeat(100_000)).is_err());
        assert!(parse_expr(&"!".repeat(100_000)).is_err());
        assert!(parse_expr(&format!("{}1", "a ? ".repeat(10_000))).is_err());
        // Chains nest too (to the left), so they count: a tree 100,000 deep could not
        // be turned into code, or even dropped, without overflowing the stack.
        for chain in [format!("a{}", ".b".repeat(100_000)), format!("1{}", " + 1".repeat(100_000)), format!("f{}", "(1)".repeat(100_000)), format!("a{}", "[0]".repeat(100_000))] {
            let e = parse_expr(&chain).unwrap_err();
            assert!(e.message.contains("nests more than") && e.offset < 1000, "{e:?}");
        }
        assert!(parse_expr(&format!("a{}", ".b".repeat(100))).is_ok());
        assert!(parse_expr(&format!("1{}", " + 1".repeat(100))).is_ok());
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,80}") {
            let _ = parse_expr(&s);
            let _ = parse_template(&s);
            let _ = parse_object_body(&s);
        }

        #[test]
        fn never_panics_on_expression_soup(s in "[-a-z0-9 +*/%<>=!&|?:.,'\"(){}\\[\\]]{0,60}") {
            let _ = parse_expr(&s);
            let _ = parse_template(&format!("x{{{{{s}}}}}y"));
        }
    }
}
