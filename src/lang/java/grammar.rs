//! Java: methods and constructors in classes, interfaces, enums and records (nested
//! classes qualify: `Outer.Inner.method`); annotations live in `modifiers`; Javadoc
//! is the block comment above.

use crate::syntax::Grammar;
use tree_sitter::Language;

pub struct Java;

impl Grammar for Java {
    fn name(&self) -> &'static str {
        "java"
    }
    fn language(&self) -> Language {
        tree_sitter_java::LANGUAGE.into()
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["java"]
    }
    fn function_kinds(&self) -> &'static [&'static str] {
        &[
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
        ]
    }
    fn container_kinds(&self) -> &'static [&'static str] {
        &[
            "class_declaration",
            "interface_declaration",
            "enum_declaration",
            "record_declaration",
            "annotation_type_declaration",
        ]
    }
    fn import_kinds(&self) -> &'static [&'static str] {
        &["import_declaration", "package_declaration"]
    }
    fn call_kinds(&self) -> &'static [&'static str] {
        &[
            "method_invocation",
            "object_creation_expression",
            "explicit_constructor_invocation",
        ]
    }
    fn leading_kinds(&self) -> &'static [&'static str] {
        &["block_comment", "line_comment"]
    }
    fn decorator_kinds(&self) -> &'static [&'static str] {
        &["annotation", "marker_annotation"]
    }
    fn decorator_holders(&self) -> &'static [&'static str] {
        &["modifiers"]
    }
    fn identifier_kinds(&self) -> &'static [&'static str] {
        &["identifier", "type_identifier"]
    }
    fn callee(&self, call: tree_sitter::Node, src: &[u8]) -> Option<String> {
        match call.kind() {
            // `new Foo<T>(…)`: the class, without its type arguments.
            "object_creation_expression" => {
                let t = call.child_by_field_name("type")?;
                let t = if t.kind() == "generic_type" {
                    t.named_child(0)?
                } else {
                    t
                };
                let name = crate::syntax::text_of(t, src);
                Some(name.rsplit('.').next().unwrap_or(name).to_string())
            }
            "explicit_constructor_invocation" => call
                .child_by_field_name("constructor")
                .map(|c| crate::syntax::text_of(c, src).to_string()),
            _ => crate::syntax::default_callee(call, src),
        }
    }
}
