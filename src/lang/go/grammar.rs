//! Go: functions and methods; a method is qualified by its receiver's type
//! (`Server.Handle` for `func (s *Server[T]) Handle`), as Go's stack traces name it.

use crate::syntax::{text_of, walk, Grammar};
use tree_sitter::{Language, Node};

pub struct Go;

impl Grammar for Go {
    fn name(&self) -> &'static str {
        "go"
    }
    fn language(&self) -> Language {
        tree_sitter_go::LANGUAGE.into()
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["go"]
    }
    fn function_kinds(&self) -> &'static [&'static str] {
        &["function_declaration", "method_declaration"]
    }
    fn container_kinds(&self) -> &'static [&'static str] {
        &[]
    }
    fn import_kinds(&self) -> &'static [&'static str] {
        &["import_declaration", "package_clause"]
    }
    fn call_kinds(&self) -> &'static [&'static str] {
        &["call_expression"]
    }
    fn leading_kinds(&self) -> &'static [&'static str] {
        &["comment"]
    }
    fn identifier_kinds(&self) -> &'static [&'static str] {
        &["identifier", "field_identifier", "type_identifier"]
    }
    fn receiver(&self, node: Node, src: &[u8]) -> Option<String> {
        let recv = node.child_by_field_name("receiver")?;
        let mut found = None;
        walk(recv, |n| {
            if found.is_none() && n.kind() == "type_identifier" {
                found = Some(text_of(n, src).to_string());
            }
            found.is_none()
        });
        found
    }
}
