//! Go test files rewritten so that a test that panics still leaves a cover profile,
//! for the coverage run only (`coverage.sh` builds with `go test -overlay`; the
//! project's files are never written).
//!
//! A panic in a test kills the test binary (`testing.tRunner` re-panics), and the
//! coverage counters are written only at a normal exit: the failing test, the one
//! whose lines matter most, would be measured not at all. Each top-level
//! `func TestXxx(t *testing.T) {` and each `t.Run(…, func(t *testing.T) {` gets
//! [`RECOVER`] right after its `{`, on the same line, so no line moves (the panic's
//! frames and the profile's lines still match the checkout): the panic becomes a
//! test failure and the binary exits normally. Functions are found with the Go
//! grammar, never by text; a file that does not parse cleanly is not rewritten.

use super::grammar::Go;
use crate::syntax::{text_of, walk, ParsedFile};
use tree_sitter::Node;

/// What a recovered panic prints (the run's output is searched for it).
pub const MARKER: &str = "recovered by self-heal's coverage run";

/// The statement put at the top of each test body; `{t}` is the parameter.
const RECOVER: &str = " defer func() { if r := recover(); r != nil { {t}.Errorf(\"panic: %v [recovered by self-heal's coverage run]\", r) } }();";

/// The name given to a test's `*testing.T` when it has none (or `_`).
const UNNAMED: &str = "selfHealT";

/// `text` with every test and subtest recovering its panic; None when the file does
/// not parse cleanly, has no test to rewrite, or the result would not parse.
pub fn recovering(text: &str) -> Option<String> {
    let parsed = ParsedFile::parse(&Go, text).ok()?;
    if parsed.has_errors() {
        return None;
    }
    let src = text.as_bytes();
    let alias = testing_alias(parsed.root(), src)?;
    // (byte, bytes replaced, text): renames of unnamed parameters and insertions.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    walk(parsed.root(), |n| {
        let is_test = match n.kind() {
            "function_declaration" => n
                .child_by_field_name("name")
                .is_some_and(|name| is_test_name(text_of(name, src))),
            "func_literal" => is_run_argument(n, src),
            _ => false,
        };
        if is_test {
            if let Some(mut e) = recover_edits(n, src, &alias) {
                edits.append(&mut e);
            }
        }
        true
    });
    if edits.is_empty() {
        return None;
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (at, len, with) in edits {
        out.replace_range(at..at + len, &with);
    }
    let again = ParsedFile::parse(&Go, &out).ok()?;
    (!again.has_errors() && out.lines().count() == text.lines().count()).then_some(out)
}

/// How the file names package `testing`: `testing`, its alias, or "" for a dot
/// import; None when it does not import it (or only for side effects).
fn testing_alias(root: Node, src: &[u8]) -> Option<String> {
    let mut found = None;
    walk(root, |n| {
        if n.kind() == "import_spec" {
            let path = n.child_by_field_name("path").map(|p| text_of(p, src));
            if path.is_some_and(|p| p.trim_matches(['"', '`']) == "testing") {
                let name = n.child_by_field_name("name").map(|m| text_of(m, src));
                found = match name {
                    None => Some("testing".to_string()),
                    Some(".") => Some(String::new()),
                    Some("_") => None,
                    Some(other) => Some(other.to_string()),
                };
            }
        }
        found.is_none() && !matches!(n.kind(), "function_declaration" | "method_declaration")
    });
    found
}

/// `go test`'s rule: `Test` then nothing or a character that is not lower case.
fn is_test_name(name: &str) -> bool {
    name.strip_prefix("Test")
        .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_lowercase))
}

/// A function literal passed to `x.Run(…)`: a subtest's body.
fn is_run_argument(lit: Node, src: &[u8]) -> bool {
    let Some(args) = lit.parent().filter(|p| p.kind() == "argument_list") else {
        return false;
    };
    let Some(call) = args.parent().filter(|c| c.kind() == "call_expression") else {
        return false;
    };
    call.child_by_field_name("function")
        .filter(|f| f.kind() == "selector_expression")
        .and_then(|f| f.child_by_field_name("field"))
        .is_some_and(|f| text_of(f, src) == "Run")
}

/// The edits that make one test function recover: when its only parameter is a
/// `*testing.T` and its body is a block.
fn recover_edits(func: Node, src: &[u8], alias: &str) -> Option<Vec<(usize, usize, String)>> {
    let params = func.child_by_field_name("parameters")?;
    let mut cursor = params.walk();
    let decls: Vec<Node> = params
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    let [decl] = decls.as_slice() else {
        return None;
    };
    if decl.kind() != "parameter_declaration" {
        return None;
    }
    let ty = decl.child_by_field_name("type")?;
    if !is_testing_t(ty, src, alias) {
        return None;
    }
    let mut cursor = decl.walk();
    let names: Vec<Node> = decl.children_by_field_name("name", &mut cursor).collect();
    let mut edits = Vec::new();
    let t = match names.as_slice() {
        [] => {
            edits.push((ty.start_byte(), 0, format!("{UNNAMED} ")));
            UNNAMED.to_string()
        }
        [one] if text_of(*one, src) == "_" => {
            edits.push((
                one.start_byte(),
                one.end_byte() - one.start_byte(),
                UNNAMED.into(),
            ));
            UNNAMED.to_string()
        }
        [one] => text_of(*one, src).to_string(),
        _ => return None,
    };
    let body = func.child_by_field_name("body")?;
    if src.get(body.start_byte()) != Some(&b'{') || t.is_empty() {
        return None;
    }
    edits.push((body.start_byte() + 1, 0, RECOVER.replace("{t}", &t)));
    Some(edits)
}

/// `*testing.T` (as the file names the package).
fn is_testing_t(ty: Node, src: &[u8], alias: &str) -> bool {
    if ty.kind() != "pointer_type" {
        return false;
    }
    let Some(inner) = ty.named_child(0) else {
        return false;
    };
    match inner.kind() {
        "qualified_type" => {
            let package = inner
                .child_by_field_name("package")
                .map(|p| text_of(p, src));
            let name = inner.child_by_field_name("name").map(|p| text_of(p, src));
            !alias.is_empty() && package == Some(alias) && name == Some("T")
        }
        "type_identifier" => alias.is_empty() && text_of(inner, src) == "T",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(t: &str) -> String {
        RECOVER.replace("{t}", t)
    }

    #[test]
    fn a_test_and_its_subtests_recover_on_the_line_of_their_brace() {
        let src = "package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {\n\tt.Run(\"x\", func(t *testing.T) {\n\t\tpanic(1)\n\t})\n}\n";
        let out = recovering(src).unwrap();
        assert_eq!(
            out,
            format!(
                "package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {{{}\n\tt.Run(\"x\", func(t *testing.T) {{{}\n\t\tpanic(1)\n\t}})\n}}\n",
                rec("t"),
                rec("t")
            )
        );
        assert_eq!(out.lines().count(), src.lines().count());
    }

    #[test]
    fn the_parameter_keeps_its_name_and_an_unnamed_one_gets_one() {
        let src = "package p\n\nimport tt \"testing\"\n\nfunc TestNamed(tb *tt.T) { tb.Log(1) }\n\nfunc TestBlank(_ *tt.T) {}\n\nfunc TestNone(*tt.T) {\n}\n";
        let out = recovering(src).unwrap();
        assert!(
            out.contains(&format!(
                "func TestNamed(tb *tt.T) {{{} tb.Log(1) }}",
                rec("tb")
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "func TestBlank(selfHealT *tt.T) {{{}}}",
                rec("selfHealT")
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "func TestNone(selfHealT *tt.T) {{{}\n}}",
                rec("selfHealT")
            )),
            "{out}"
        );
        // A dot import names the type `*T`.
        let dot = "package p\n\nimport . \"testing\"\n\nfunc TestD(t *T) {}\n";
        assert!(recovering(dot).unwrap().contains(&rec("t")));
    }

    #[test]
    fn only_tests_and_run_bodies_are_rewritten() {
        // A helper taking *testing.T, a function named Testing…, a benchmark, a
        // literal passed elsewhere, TestMain, a method: none is a test to recover.
        let src = "package p\n\nimport \"testing\"\n\nfunc helper(t *testing.T) {}\n\nfunc Testify(t *testing.T) {}\n\nfunc BenchmarkX(b *testing.B) {}\n\nfunc TestMain(m *testing.M) {}\n\nfunc each(f func(t *testing.T)) {}\n\nfunc TestE(t *testing.T) {\n\teach(func(t *testing.T) {})\n}\n";
        let out = recovering(src).unwrap();
        assert_eq!(out.matches("recover()").count(), 1, "{out}");
        assert!(out.contains(&format!("func TestE(t *testing.T) {{{}", rec("t"))));
    }

    #[test]
    fn a_file_with_no_test_or_that_does_not_parse_is_not_rewritten() {
        assert_eq!(
            recovering("package p\n\nimport \"testing\"\n\nfunc helper(t *testing.T) {}\n"),
            None
        );
        assert_eq!(recovering("package p\n\nfunc TestX(t *T) {}\n"), None);
        assert_eq!(
            recovering("package p\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {\n"),
            None
        );
        assert_eq!(recovering(""), None);
    }
}
