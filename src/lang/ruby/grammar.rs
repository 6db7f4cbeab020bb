//! Ruby: `def` and `def self.` in classes and modules (`A::B#m`, `A::B.s`), `require`
//! calls as imports, and RSpec blocks (`describe`, `it`, hooks) as test functions
//! named by their titles.

use crate::syntax::{field_text, text_of, BlockRole, Grammar, TestBlock};
use tree_sitter::{Language, Node};

pub struct Ruby;

impl Grammar for Ruby {
    fn name(&self) -> &'static str {
        "ruby"
    }
    fn language(&self) -> Language {
        tree_sitter_ruby::LANGUAGE.into()
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["rb", "rake", "gemspec"]
    }
    fn function_kinds(&self) -> &'static [&'static str] {
        &["method", "singleton_method"]
    }
    fn container_kinds(&self) -> &'static [&'static str] {
        &["class", "module"]
    }
    fn import_kinds(&self) -> &'static [&'static str] {
        &[]
    }
    fn call_kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn leading_kinds(&self) -> &'static [&'static str] {
        &["comment"]
    }
    fn identifier_kinds(&self) -> &'static [&'static str] {
        &["identifier", "constant"]
    }
    fn separator(&self) -> &'static str {
        "::"
    }
    fn qualify(&self, scopes: &[&str], name: &str, def: Node) -> String {
        let outer = scopes.join("::");
        let sep = match def.kind() {
            "call" => " ",
            "singleton_method" => ".",
            "method" => "#",
            _ => "::",
        };
        if outer.is_empty() {
            name.to_string()
        } else {
            format!("{outer}{sep}{name}")
        }
    }
    fn is_import(&self, node: Node, src: &[u8]) -> bool {
        node.kind() == "call"
            && node.child_by_field_name("receiver").is_none()
            && matches!(
                field_text(node, "method", src).as_deref(),
                Some("require" | "require_relative" | "load" | "autoload")
            )
    }
    fn test_block(&self, call: Node, src: &[u8]) -> Option<TestBlock> {
        let method = field_text(call, "method", src)?;
        let role = match method.as_str() {
            "describe" | "context" | "feature" | "shared_examples" => BlockRole::Suite,
            "it" | "specify" | "example" | "scenario" | "its" => BlockRole::Test,
            "before" | "after" | "around" | "let" | "let!" | "subject" => BlockRole::Hook,
            _ => return None,
        };
        let block = call.child_by_field_name("block")?;
        let body = block
            .child_by_field_name("body")
            .map_or((block.start_byte(), block.end_byte()), |b| {
                (b.start_byte(), b.end_byte())
            });
        let first = call
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0));
        let title = first.map(|t| {
            text_of(t, src)
                .trim_matches(|c| c == '"' || c == '\'' || c == ':')
                .to_string()
        });
        let name = match (role, title) {
            (BlockRole::Hook, Some(t)) => format!("{method} {t}"),
            (BlockRole::Hook, None) => method,
            (_, Some(t)) if !t.is_empty() => t,
            _ => return None,
        };
        Some(TestBlock { role, name, body })
    }
}
