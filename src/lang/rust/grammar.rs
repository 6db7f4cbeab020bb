//! Rust: `fn` items, in `impl` blocks (qualified by the type: `Foo::method`), traits
//! and inline `mod`s; doc comments and `#[…]` attributes above belong to the item.
//! Calls inside macro invocations (`assert_eq!(f(1), 2)`) are token trees to the
//! grammar: an identifier followed by a parenthesised group counts as a call.

use crate::syntax::{text_of, Call, Grammar};
use tree_sitter::{Language, Node};

pub struct Rust;

impl Grammar for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }
    fn language(&self) -> Language {
        tree_sitter_rust::LANGUAGE.into()
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["rs"]
    }
    fn function_kinds(&self) -> &'static [&'static str] {
        &["function_item", "function_signature_item"]
    }
    fn container_kinds(&self) -> &'static [&'static str] {
        &["impl_item", "trait_item", "mod_item"]
    }
    fn import_kinds(&self) -> &'static [&'static str] {
        &["use_declaration", "extern_crate_declaration"]
    }
    fn call_kinds(&self) -> &'static [&'static str] {
        &["call_expression", "macro_invocation"]
    }
    fn leading_kinds(&self) -> &'static [&'static str] {
        &["line_comment", "block_comment", "attribute_item"]
    }
    fn decorator_kinds(&self) -> &'static [&'static str] {
        &["attribute_item"]
    }
    fn identifier_kinds(&self) -> &'static [&'static str] {
        &["identifier", "field_identifier", "type_identifier"]
    }
    fn separator(&self) -> &'static str {
        "::"
    }
    fn is_import(&self, node: Node, _src: &[u8]) -> bool {
        // `mod x;` brings in a file, as an import does.
        self.import_kinds().contains(&node.kind())
            || (node.kind() == "mod_item" && node.child_by_field_name("body").is_none())
    }
    fn container_name(&self, node: Node, src: &[u8]) -> Option<String> {
        if node.kind() == "mod_item" && node.child_by_field_name("body").is_none() {
            return None;
        }
        if node.kind() == "impl_item" {
            // `impl<T> Trait for Foo<T>`: the type, as a backtrace names it (`Foo::m`).
            let t = node.child_by_field_name("type")?;
            let name = text_of(t, src);
            let name = name.split('<').next().unwrap_or(name).trim();
            return (!name.is_empty()).then(|| name.to_string());
        }
        crate::syntax::field_text(node, "name", src)
    }
    fn callee(&self, call: Node, src: &[u8]) -> Option<String> {
        if call.kind() == "macro_invocation" {
            return crate::syntax::field_text(call, "macro", src)
                .map(|m| m.rsplit("::").next().unwrap_or(&m).to_string());
        }
        crate::syntax::default_callee(call, src)
    }
    fn extra_calls(&self, node: Node, src: &[u8], out: &mut Vec<Call>) {
        if node.kind() != "token_tree" {
            return;
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        for pair in children.windows(2) {
            if pair[0].kind() == "identifier"
                && pair[1].kind() == "token_tree"
                && text_of(pair[1], src).starts_with('(')
            {
                out.push(Call {
                    name: text_of(pair[0], src).to_string(),
                    line: crate::syntax::line_of(pair[0]),
                });
            }
        }
    }
}
