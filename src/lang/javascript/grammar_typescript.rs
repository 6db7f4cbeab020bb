//! TypeScript and TSX: JavaScript's rules (`javascript.rs`) plus abstract classes,
//! interfaces and namespaces as containers, and type names as identifiers.

use super::grammar as javascript;
use crate::syntax::{Grammar, TestBlock};
use tree_sitter::{Language, Node};

pub struct TypeScript;
pub struct Tsx;

const CONTAINERS: &[&str] = &[
    "class_declaration",
    "class",
    "abstract_class_declaration",
    "interface_declaration",
    "internal_module",
    "module",
];

macro_rules! typescript_grammar {
    ($ty:ident, $name:literal, $lang:expr, $exts:expr) => {
        impl Grammar for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn language(&self) -> Language {
                $lang.into()
            }
            fn extensions(&self) -> &'static [&'static str] {
                $exts
            }
            fn function_kinds(&self) -> &'static [&'static str] {
                javascript::FUNCTION_KINDS
            }
            fn container_kinds(&self) -> &'static [&'static str] {
                CONTAINERS
            }
            fn import_kinds(&self) -> &'static [&'static str] {
                &["import_statement"]
            }
            fn call_kinds(&self) -> &'static [&'static str] {
                &["call_expression", "new_expression"]
            }
            fn leading_kinds(&self) -> &'static [&'static str] {
                &["comment", "decorator"]
            }
            fn decorator_kinds(&self) -> &'static [&'static str] {
                &["decorator"]
            }
            fn wrapper_kinds(&self) -> &'static [&'static str] {
                &["export_statement"]
            }
            fn identifier_kinds(&self) -> &'static [&'static str] {
                &[
                    "identifier",
                    "property_identifier",
                    "shorthand_property_identifier",
                    "type_identifier",
                ]
            }
            fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
                javascript::function_name(node, src)
            }
            fn definition_root<'t>(&self, node: Node<'t>) -> Node<'t> {
                javascript::definition_root(node)
            }
            fn qualify(&self, scopes: &[&str], name: &str, def: Node) -> String {
                javascript::qualify(scopes, name, def)
            }
            fn is_import(&self, node: Node, src: &[u8]) -> bool {
                javascript::is_import(node, src)
            }
            fn test_block(&self, call: Node, src: &[u8]) -> Option<TestBlock> {
                javascript::test_block(call, src)
            }
        }
    };
}

typescript_grammar!(
    TypeScript,
    "typescript",
    tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
    &["ts", "mts", "cts"]
);
typescript_grammar!(Tsx, "tsx", tree_sitter_typescript::LANGUAGE_TSX, &["tsx"]);
