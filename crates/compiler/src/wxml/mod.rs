//! WXML: a tolerant parser (WXML is not XML: `{{ a < b }}` inside text and attributes,
//! several interpolations in one attribute, unquoted boolean attributes, self-closing
//! custom tags, raw `<wxs>` bodies) and the expression language of `{{ }}`.

pub mod codegen;
pub mod expr;
pub mod parse;

pub use parse::{parse, Attr, Document, Element, Node};
