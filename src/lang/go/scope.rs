//! Go: the values a line can name, from the tree-sitter Go grammar. For `undefined: cnt`
//! the right name is a value bound there: a parameter or named result of the enclosing
//! functions and literals, a local declared before the line (`:=`, `var`, `const`,
//! range and `for` clause variables, an `if`/`switch` initializer, a type switch's
//! alias, a `select` receive), a package-level `var`, `const` or `func` (of any file of
//! the package: package scope has no order), an imported package's name, or a builtin
//! function or constant. Never a type, a keyword, or a name declared after the line or
//! in a block that closed before it.

use crate::syntax::{text_of, ParsedFile};
use tree_sitter::Node;

/// Go's builtin functions and untyped constants (`iota` only means something in a
/// `const` block). Its predeclared types are no values and are left out.
pub const BUILTIN_VALUES: &[&str] = &[
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover", "true", "false", "nil",
];

/// The names bound where `name` is used on `line` (1-based) of a Go file, in the file
/// itself (its locals, package-level values and imports, builtins excluded). The use
/// point is the first `name` token on the line, else the line's first character; None
/// when the file cannot be parsed or has no such line.
pub fn values_at(text: &str, line: u32, name: &str) -> Option<Vec<String>> {
    let file = ParsedFile::parse(&super::grammar::Go, text).ok()?;
    let at = use_point(text, line, name)?;
    let root = file.root();
    let src = text.as_bytes();
    let mut out = Vec::new();
    let mut node = root.descendant_for_byte_range(at, at)?;
    // Each enclosing node's children that end before the use point are declarations
    // already made there (a statement's own names are bound only after it: `x := cnt`).
    while let Some(parent) = node.parent() {
        if parent.id() == root.id() {
            break;
        }
        let mut cursor = parent.walk();
        for child in parent.children(&mut cursor) {
            if child.end_byte() <= at {
                declared(child, src, &mut out);
                if parent.kind() == "type_switch_statement"
                    && parent
                        .child_by_field_name("alias")
                        .is_some_and(|a| a.id() == child.id())
                {
                    identifiers(child, src, &mut out);
                }
            }
        }
        node = parent;
    }
    out.extend(package_level(root, src));
    out.extend(imports(root, src));
    out.retain(|n| n != "_");
    out.sort();
    out.dedup();
    Some(out)
}

/// A Go file's package name and its package-level values (`var`, `const`, `func`; no
/// methods, no types), which every file of that package can name.
pub fn package_values(text: &str) -> Option<(String, Vec<String>)> {
    let file = ParsedFile::parse(&super::grammar::Go, text).ok()?;
    let root = file.root();
    let src = text.as_bytes();
    let mut cursor = root.walk();
    let package = root
        .children(&mut cursor)
        .find(|c| c.kind() == "package_clause")
        .and_then(|c| c.named_child(0))
        .map(|n| text_of(n, src).to_string())?;
    Some((package, package_level(root, src)))
}

/// The byte offset of the first `name` token on the line, else of its first non-blank.
fn use_point(text: &str, line: u32, name: &str) -> Option<usize> {
    let wanted = line.checked_sub(1)? as usize;
    let mut start = 0;
    let mut body = None;
    for (i, l) in text.split('\n').enumerate() {
        if i == wanted {
            body = Some(l);
            break;
        }
        start += l.len() + 1;
    }
    let body = body?;
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = body.as_bytes();
    let token = body.match_indices(name).map(|(i, _)| i).find(|&i| {
        !name.is_empty()
            && (i == 0 || !is_ident(bytes[i - 1]))
            && bytes.get(i + name.len()).is_none_or(|&b| !is_ident(b))
    });
    let first = body.len() - body.trim_start().len();
    Some(start + token.unwrap_or(first))
}

fn package_level(root: Node, src: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        match child.kind() {
            "function_declaration" => {
                if let Some(n) = child.child_by_field_name("name") {
                    out.push(text_of(n, src).to_string());
                }
            }
            _ => declared(child, src, &mut out),
        }
    }
    out
}

/// The names a file's imports bind: the explicit name, else the path's last element
/// without a major-version element (`/v2`), a `.vN` suffix (`yaml.v3`) or a `go-`
/// prefix (`go-cmp`), the usual spellings of a package whose name is not its path's.
fn imports(root: Node, src: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for decl in root
        .children(&mut cursor)
        .filter(|c| c.kind() == "import_declaration")
    {
        let mut specs = Vec::new();
        crate::syntax::walk(decl, |n| {
            if n.kind() == "import_spec" {
                specs.push(n);
                return false;
            }
            true
        });
        for spec in specs {
            if let Some(name) = spec.child_by_field_name("name") {
                if name.kind() == "package_identifier" {
                    out.push(text_of(name, src).to_string());
                }
                continue;
            }
            let Some(path) = spec.child_by_field_name("path") else {
                continue;
            };
            let path = text_of(path, src).trim_matches(['"', '`']);
            let mut parts: Vec<&str> = path.split('/').collect();
            if parts.len() > 1
                && parts.last().is_some_and(|p| {
                    p.strip_prefix('v')
                        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                })
            {
                parts.pop();
            }
            let Some(last) = parts.last() else { continue };
            let last = match last.rsplit_once(".v") {
                Some((base, v)) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => base,
                _ => last,
            };
            let last = last.strip_prefix("go-").unwrap_or(last);
            if !last.is_empty() && last.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                out.push(last.to_string());
            }
        }
    }
    out
}

/// The value names a node binds by itself (not those of blocks nested in it).
fn declared(node: Node, src: &[u8], out: &mut Vec<String>) {
    match node.kind() {
        "short_var_declaration" => {
            if let Some(left) = node.child_by_field_name("left") {
                identifiers(left, src, out);
            }
        }
        // `for k, v := range m` and `case v := <-ch` bind; `for k = range m` does not.
        "range_clause" | "receive_statement" if has_token(node, ":=") => {
            if let Some(left) = node.child_by_field_name("left") {
                identifiers(left, src, out);
            }
        }
        "for_clause" => {
            if let Some(init) = node.child_by_field_name("initializer") {
                declared(init, src, out);
            }
        }
        "var_declaration" | "const_declaration" | "var_spec_list" => {
            let mut cursor = node.walk();
            for spec in node.named_children(&mut cursor) {
                declared(spec, src, out);
            }
        }
        "var_spec" | "const_spec" => {
            let mut cursor = node.walk();
            for name in node.children_by_field_name("name", &mut cursor) {
                if name.kind() == "identifier" {
                    out.push(text_of(name, src).to_string());
                }
            }
        }
        // Parameters, named results and a method's receiver.
        "parameter_list" => {
            let mut cursor = node.walk();
            for param in node.named_children(&mut cursor) {
                let mut c = param.walk();
                for name in param.children_by_field_name("name", &mut c) {
                    out.push(text_of(name, src).to_string());
                }
            }
        }
        _ => {}
    }
}

fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.kind() == token);
    found
}

/// The plain identifiers of an expression list (`a, b` of `a, b := f()`).
fn identifiers(list: Node, src: &[u8], out: &mut Vec<String>) {
    if list.kind() == "identifier" {
        out.push(text_of(list, src).to_string());
        return;
    }
    let mut cursor = list.walk();
    for n in list.named_children(&mut cursor) {
        if n.kind() == "identifier" {
            out.push(text_of(n, src).to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(src: &str, line: u32, name: &str) -> Vec<String> {
        values_at(src, line, name).expect("parses")
    }

    #[test]
    fn the_issue_example_sees_the_local_and_no_type() {
        let src = "package tally\n\nimport \"strings\"\n\ntype Word string\n\nvar limit = 3\n\n\
                   func Count(words []string, n int) (total int) {\n\tcount := 0\n\
                   \tfor _, w := range words {\n\t\tif len(w) > n {\n\t\t\tcount++\n\t\t}\n\t}\n\
                   \treturn cnt\n}\n";
        let names = at(src, 16, "cnt");
        assert_eq!(
            names,
            ["Count", "count", "limit", "n", "strings", "total", "words"]
        );
        // Inside the loop the range variable is bound too.
        assert!(at(src, 13, "count").contains(&"w".to_string()));
    }

    #[test]
    fn names_bound_on_the_line_or_later_or_in_closed_blocks_are_not_values_there() {
        let src =
            "package p\n\nfunc f(a int) int {\n\tif x := a; x > 0 {\n\t\ty := x\n\t\t_ = y\n\t}\n\
                   \tb := cnt + a\n\tc := b\n\treturn c\n}\n";
        // Line 8 declares b: b is bound only after it, and c later; x and y closed.
        assert_eq!(at(src, 8, "cnt"), ["a", "f"]);
        // In the `if` body, the initializer's x is bound, y not yet.
        assert_eq!(at(src, 5, "x"), ["a", "f", "x"]);
    }

    #[test]
    fn every_kind_of_binding_is_found() {
        let src = "package p\n\nimport (\n\tf \"fmt\"\n\t_ \"embed\"\n\t\"gopkg.in/yaml.v3\"\n\
                   \t\"example.com/m/v2\"\n\t\"github.com/google/go-cmp\"\n)\n\nconst (\n\tA, B = 1, 2\n)\n\
                   \nfunc (r *T) M(xs ...int) {\n\tvar u, v int\n\tfor i := 0; i < 3; i++ {\n\
                   \t\tswitch t := any(u).(type) {\n\t\tcase int:\n\t\t\tselect {\n\
                   \t\t\tcase m := <-ch:\n\t\t\t\t_ = here\n\t\t\t}\n\t\t}\n\t}\n}\n";
        let names = at(src, 22, "here");
        for want in [
            "f", "yaml", "m", "cmp", "A", "B", "r", "xs", "u", "v", "i", "t",
        ] {
            assert!(names.contains(&want.to_string()), "{want} in {names:?}");
        }
        // The method's name is no value of its own, and blank imports bind nothing.
        assert!(!names.iter().any(|n| n == "M" || n == "embed" || n == "_"));
    }

    #[test]
    fn package_values_leave_out_types_and_methods() {
        let (pkg, names) = package_values(
            "package q\n\ntype T int\n\nfunc (T) M() {}\n\nfunc F() {}\n\nvar V, W = 1, 2\n",
        )
        .unwrap();
        assert_eq!(pkg, "q");
        assert_eq!(names, ["F", "V", "W"]);
    }
}
