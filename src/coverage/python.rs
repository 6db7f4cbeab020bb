//! Python: coverage.py's JSON (`coverage json --show-contexts`, format 3), as coverage.py
//! writes it and as self-heal's pytest plugin writes it (`python_coverage.py`: coverage.py
//! with its own settings, or a tracer that needs nothing when the project's Python
//! lacks coverage.py).
//!
//! Contexts name the test that ran a line: the plugin's are pytest node ids
//! (`tests/test_m.py::TestX::test_y[1]`), pytest-cov's `--cov-context=test` adds a
//! phase (`…|run`), and coverage.py's `dynamic_context = test_function` gives the
//! dotted function (`test_m.TestX.test_y`). [`context_names_test`] matches any of them
//! to a node id; the empty context (imports, collection) is no test.

use super::{malformed, relative_to, CoverageError, CoverageReport};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The pytest plugin (and fallback tracer), written at run time to a temp folder put
/// on `PYTHONPATH`; pytest loads it with `-p` [`PLUGIN_MODULE`].
pub const PLUGIN: &str = include_str!("python_coverage.py");
/// The module name the plugin file must be written as (`<dir>/selfheal_coverage.py`).
pub const PLUGIN_MODULE: &str = "selfheal_coverage";

#[derive(Deserialize)]
struct Doc {
    files: BTreeMap<String, FileEntry>,
}

#[derive(Deserialize)]
struct FileEntry {
    executed_lines: Vec<u32>,
    #[serde(default)]
    contexts: BTreeMap<String, Vec<String>>,
}

/// Reads coverage.py JSON; paths are made relative to `root` (files outside it are
/// dropped).
pub fn read(json: &str, root: &str) -> Result<CoverageReport, CoverageError> {
    let doc: Doc = serde_json::from_str(json).map_err(|e| malformed("coverage.py JSON", e))?;
    let mut report = CoverageReport::default();
    for (path, entry) in doc.files {
        let Some(rel) = relative_to(&path, root) else {
            continue;
        };
        report
            .all
            .entry(rel.clone())
            .or_default()
            .extend(entry.executed_lines.iter().copied());
        for (line, contexts) in entry.contexts {
            let Ok(line) = line.parse::<u32>() else {
                continue;
            };
            for ctx in contexts {
                let test = test_of_context(&ctx);
                if test.is_empty() {
                    continue;
                }
                report
                    .per_test
                    .entry(test.to_string())
                    .or_default()
                    .entry(rel.clone())
                    .or_default()
                    .insert(line);
            }
        }
    }
    Ok(report)
}

/// The test a context names: pytest-cov's phase suffix (`|run`) dropped.
fn test_of_context(ctx: &str) -> &str {
    match ctx.rsplit_once('|') {
        Some((test, "setup" | "run" | "teardown")) => test,
        _ => ctx,
    }
}

/// Whether a context (node id, or coverage.py's dotted test function) names the test
/// with pytest node id `node_id`. Parameters (`[1-a]`) are ignored on both sides;
/// node ids relative to another folder match by a `/`-bounded suffix.
pub fn context_names_test(context: &str, node_id: &str) -> bool {
    let strip = |s: &str| -> String {
        let s = test_of_context(s);
        s.split('[').next().unwrap_or(s).to_string()
    };
    let ctx = strip(context);
    let id = strip(node_id);
    if ctx.is_empty() || id.is_empty() {
        return false;
    }
    if ctx.contains("::") {
        return ctx == id || ctx.ends_with(&format!("/{id}")) || id.ends_with(&format!("/{ctx}"));
    }
    // `tests/test_m.py::TestX::test_y` → `test_m.TestX.test_y`, matched at a dot.
    let Some((file, rest)) = id.split_once("::") else {
        return false;
    };
    let module = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".py");
    let dotted = format!("{module}.{}", rest.replace("::", "."));
    ctx == dotted || ctx.ends_with(&format!(".{dotted}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_and_parameters() {
        assert!(context_names_test(
            "tests/t.py::test_a|run",
            "tests/t.py::test_a"
        ));
        assert!(context_names_test(
            "tests/t.py::test_a[2]",
            "tests/t.py::test_a[1]"
        ));
        assert!(context_names_test(
            "t.py::TestX::test_a",
            "backend/t.py::TestX::test_a"
        ));
        assert!(context_names_test(
            "test_m.TestX.test_y",
            "tests/test_m.py::TestX::test_y"
        ));
        assert!(context_names_test(
            "tests.test_m.test_y",
            "tests/test_m.py::test_y"
        ));
        assert!(!context_names_test(
            "test_m.test_yy",
            "tests/test_m.py::test_y"
        ));
        assert!(!context_names_test(
            "other_test_m.test_y",
            "tests/test_m.py::test_y"
        ));
        assert!(!context_names_test("", "tests/test_m.py::test_y"));
    }

    #[test]
    fn rejects_what_is_not_coverage_json() {
        assert!(read("{}", "/r").is_err());
        assert!(read("not json", "/r").is_err());
        assert_eq!(
            read(r#"{"files": {}}"#, "/r").unwrap(),
            CoverageReport::default()
        );
    }
}
