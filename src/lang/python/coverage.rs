//! Python: coverage.py's JSON (`coverage json --show-contexts`, format 3), as coverage.py
//! writes it and as self-heal's pytest plugin writes it (`selfheal_coverage.py`: coverage.py
//! with its own settings, or a tracer that needs nothing when the project's Python
//! lacks coverage.py).
//!
//! Contexts name the test that ran a line: the plugin's are pytest node ids
//! (`tests/test_m.py::TestX::test_y[1]`), pytest-cov's `--cov-context=test` adds a
//! phase (`…|run`), and coverage.py's `dynamic_context = test_function` gives the
//! dotted function (`test_m.TestX.test_y`). [`context_names_test`] matches any of them
//! to a node id; the empty context (imports, collection) is no test.

use crate::coverage::{malformed, relative_to, CoverageError, CoverageReport};
use crate::lang::coverage::{
    lines_word, without_ids, CoverageOutput, CoveragePlan, CoverageRead, CoverageRequest,
    CoverageRunner, SupportFile, OUT_DIR,
};
use crate::lang::framework::sh_quote;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The pytest plugin (and fallback tracer), written at run time to a temp folder put
/// on `PYTHONPATH`; pytest loads it with `-p` [`PLUGIN_MODULE`].
pub const PLUGIN: &str = include_str!("selfheal_coverage.py");
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

/// pytest under the plugin: coverage.py where the project's Python imports it, else
/// the plugin's tracer; the failing tests' files run, the failing tests first.
pub struct PytestCoverage;

/// The plugin's output, in [`OUT_DIR`] (xdist workers add `.gwN`).
const OUT_FILE: &str = "python.json";

impl CoverageRunner for PytestCoverage {
    fn plan(&self, req: &CoverageRequest<'_>) -> Result<CoveragePlan, String> {
        let argv = &req.scoped.argv;
        if !argv
            .iter()
            .take(3)
            .any(|w| w.rsplit('/').next() == Some("pytest"))
        {
            return Err("the tests do not run with pytest".into());
        }
        let mut words = argv.clone();
        if req.max_neighbours > 0 {
            if let Some(mut base) = without_ids(argv, req.failing) {
                // Each failing test's file, once, in order: its other tests are the
                // neighbours the plugin runs after it.
                for id in req.failing {
                    let file = id.split("::").next().unwrap_or(id).to_string();
                    if !base[argv.len() - req.failing.len()..].contains(&file) {
                        base.push(file);
                    }
                }
                words = base;
            }
        }
        words.extend(["-p".to_string(), PLUGIN_MODULE.to_string()]);
        let line: Vec<String> = words.iter().map(|w| sh_quote(w)).collect();
        let command = format!(
            "PYTHONPATH=\"$SELF_HEAL_COV_SUPPORT${{PYTHONPATH:+:$PYTHONPATH}}\" \\\n\
             SELF_HEAL_COV_ROOT=\"$PWD\" SELF_HEAL_COV_OUT=\"$PWD/{OUT_DIR}/{OUT_FILE}\" \\\n\
             SELF_HEAL_COV_FAILING={} SELF_HEAL_COV_MAX_NEIGHBOURS={} \\\n\
             {}",
            lines_word(req.failing),
            req.max_neighbours,
            line.join(" ")
        );
        Ok(CoveragePlan {
            command,
            support: vec![SupportFile::text(&format!("{PLUGIN_MODULE}.py"), PLUGIN)],
            tool: "coverage.py, else self-heal's line tracer".into(),
        })
    }

    fn read(&self, out: &CoverageOutput<'_>) -> Result<CoverageRead, String> {
        let mut report = CoverageReport::default();
        let mut engine = String::new();
        let mut found = false;
        let mut names: Vec<String> = std::fs::read_dir(out.dir)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n == OUT_FILE || n.starts_with(&format!("{OUT_FILE}.")))
            .collect();
        names.sort();
        for name in names {
            let text = std::fs::read_to_string(out.dir.join(&name)).map_err(|e| e.to_string())?;
            let r = read(&text, out.seen_root).map_err(|e| e.to_string())?;
            if engine.is_empty() {
                engine = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v["meta"]["engine"].as_str().map(str::to_string))
                    .unwrap_or_default();
            }
            report.merge(r);
            found = true;
        }
        if !found {
            return Err("the pytest plugin wrote no coverage".into());
        }
        // Contexts are node ids as pytest printed them; the failing ids name the same
        // tests, perhaps from another folder or with other parameters.
        let per_test = std::mem::take(&mut report.per_test);
        for (ctx, lines) in per_test {
            let id = out
                .failing
                .iter()
                .find(|f| {
                    context_names_test(&ctx, f) && ctx.split('[').nth(1) == f.split('[').nth(1)
                })
                .cloned()
                .unwrap_or(ctx);
            crate::coverage::add_lines(report.per_test.entry(id).or_default(), lines);
        }
        Ok(CoverageRead {
            report,
            frames: Vec::new(),
            note: format!("per test ({engine})"),
        })
    }
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
