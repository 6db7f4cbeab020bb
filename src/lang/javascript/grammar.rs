//! JavaScript (and, through `typescript.rs`, TypeScript): function declarations,
//! methods, and arrow/function expressions that a declaration, property, assignment or
//! class field names (`const f = () => …` spans the whole declaration); `export` and
//! decorators belong to what they wrap; `import`, `export … from` and `require()` are
//! imports. Test blocks of jest, vitest, mocha and node's test runner (`describe`,
//! `it`, `test`, hooks) are functions named by their titles, joined as the runners
//! join them (`suite title test title`).

use crate::syntax::{field_text, text_of, BlockRole, Grammar, TestBlock};
use tree_sitter::{Language, Node};

pub struct JavaScript;

pub(super) const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "method_definition",
    "arrow_function",
    "function_expression",
    "function",
    "generator_function",
];

impl Grammar for JavaScript {
    fn name(&self) -> &'static str {
        "javascript"
    }
    fn language(&self) -> Language {
        tree_sitter_javascript::LANGUAGE.into()
    }
    fn extensions(&self) -> &'static [&'static str] {
        &["js", "jsx", "mjs", "cjs"]
    }
    fn function_kinds(&self) -> &'static [&'static str] {
        FUNCTION_KINDS
    }
    fn container_kinds(&self) -> &'static [&'static str] {
        &["class_declaration", "class"]
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
        ]
    }
    fn function_name(&self, node: Node, src: &[u8]) -> Option<String> {
        function_name(node, src)
    }
    fn definition_root<'t>(&self, node: Node<'t>) -> Node<'t> {
        definition_root(node)
    }
    fn qualify(&self, scopes: &[&str], name: &str, def: Node) -> String {
        qualify(scopes, name, def)
    }
    fn is_import(&self, node: Node, src: &[u8]) -> bool {
        is_import(node, src)
    }
    fn test_block(&self, call: Node, src: &[u8]) -> Option<TestBlock> {
        test_block(call, src)
    }
}

/// A function's own name, or the name its declaration, property, assignment or class
/// field gives it; None for an anonymous callback.
pub(super) fn function_name(node: Node, src: &[u8]) -> Option<String> {
    if matches!(
        node.kind(),
        "function_declaration" | "generator_function_declaration" | "method_definition"
    ) {
        return field_text(node, "name", src);
    }
    let parent = node.parent()?;
    let named_by = |field: &str| {
        parent
            .child_by_field_name(field)
            .map(|n| unquote(text_of(n, src)).to_string())
            .filter(|t| !t.is_empty())
    };
    match parent.kind() {
        "variable_declarator" => named_by("name"),
        "pair" => named_by("key"),
        "assignment_expression" => {
            let left = parent.child_by_field_name("left")?;
            match left.kind() {
                "member_expression" => field_text(left, "property", src),
                _ => Some(text_of(left, src).to_string()),
            }
        }
        "field_definition" => named_by("property"),
        "public_field_definition" => named_by("name"),
        _ => None,
    }
}

/// An arrow or function expression spans its whole declaration/statement.
pub(super) fn definition_root(node: Node) -> Node {
    let Some(parent) = node.parent() else {
        return node;
    };
    match parent.kind() {
        "variable_declarator" => match parent.parent() {
            Some(decl) if decl.named_child_count() == 1 => decl,
            _ => parent,
        },
        "pair" | "field_definition" | "public_field_definition" => parent,
        "assignment_expression" => match parent.parent() {
            Some(stmt) if stmt.kind() == "expression_statement" => stmt,
            _ => parent,
        },
        _ => node,
    }
}

/// Test blocks are named as the runners print them: titles joined by spaces.
pub(super) fn qualify(scopes: &[&str], name: &str, def: Node) -> String {
    let sep = if def.kind() == "call_expression" {
        " "
    } else {
        "."
    };
    let mut parts: Vec<&str> = scopes.to_vec();
    parts.push(name);
    parts.join(sep)
}

/// `import`, `export … from`, and a top-level declaration that `require()`s.
pub(super) fn is_import(node: Node, src: &[u8]) -> bool {
    match node.kind() {
        "import_statement" => true,
        "export_statement" => node.child_by_field_name("source").is_some(),
        "lexical_declaration" | "variable_declaration" => {
            node.parent().is_some_and(|p| p.kind() == "program")
                && text_of(node, src).contains("require(")
        }
        _ => false,
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'' || c == '`')
}

/// `describe("…", fn)`, `it("…", fn)`, `test.only("…", fn)`, `beforeEach(fn)`.
pub(super) fn test_block(call: Node, src: &[u8]) -> Option<TestBlock> {
    let f = call.child_by_field_name("function")?;
    let callee = match f.kind() {
        "identifier" => text_of(f, src),
        "member_expression" => {
            let prop = field_text(f, "property", src)?;
            if !matches!(
                prop.as_str(),
                "only" | "skip" | "concurrent" | "todo" | "failing"
            ) {
                return None;
            }
            let obj = f.child_by_field_name("object")?;
            (obj.kind() == "identifier").then(|| text_of(obj, src))?
        }
        _ => return None,
    };
    let role = match callee {
        "describe" | "fdescribe" | "xdescribe" | "context" | "suite" => BlockRole::Suite,
        "it" | "fit" | "xit" | "test" | "specify" => BlockRole::Test,
        "beforeEach" | "afterEach" | "beforeAll" | "afterAll" | "before" | "after" | "setup"
        | "teardown" => BlockRole::Hook,
        _ => return None,
    };
    let args = call.child_by_field_name("arguments")?;
    let mut cursor = args.walk();
    let list: Vec<Node> = args.named_children(&mut cursor).collect();
    let func = list.iter().find(|n| {
        matches!(
            n.kind(),
            "arrow_function" | "function_expression" | "function"
        )
    })?;
    let body = func
        .child_by_field_name("body")
        .map_or((func.start_byte(), func.end_byte()), |b| {
            (b.start_byte(), b.end_byte())
        });
    let name = if role == BlockRole::Hook {
        callee.to_string()
    } else {
        let title = list.first()?;
        match title.kind() {
            "string" | "template_string" => unquote(text_of(*title, src)).to_string(),
            _ => return None,
        }
    };
    Some(TestBlock { role, name, body })
}
