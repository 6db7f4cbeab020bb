//! jest `--json` (and vitest's json reporter, which writes the same shape):
//! `testResults[]` per file with `assertionResults[]` of
//! `{ancestorTitles, title, status}`. Ids are the ancestors and the title
//! joined by the runner's separator (jest ` › `, vitest ` > `). A file that
//! failed without results (syntax error, failed import) is an error of the run.

use crate::lang::reports::{Outcome, ReadError, TestRun};
use serde::Deserialize;

#[derive(Deserialize)]
struct Report {
    #[serde(rename = "testResults")]
    test_results: Vec<FileResult>,
}

#[derive(Deserialize)]
struct FileResult {
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(rename = "assertionResults", default)]
    assertion_results: Vec<Assertion>,
}

#[derive(Deserialize)]
struct Assertion {
    #[serde(rename = "ancestorTitles", default)]
    ancestor_titles: Vec<String>,
    title: String,
    status: String,
}

/// Reads the report; text before the JSON (npm's banner, warnings) is skipped.
pub fn read(text: &str, sep: &str) -> Result<TestRun, ReadError> {
    let start = text.find("{\"").or_else(|| text.find('{')).unwrap_or(0);
    let report: Report =
        serde_json::from_str(text[start..].trim()).map_err(|e| ReadError::Malformed {
            format: "jest JSON",
            reason: e.to_string(),
        })?;
    let mut run = TestRun::default();
    for f in report.test_results {
        if f.assertion_results.is_empty() && f.status == "failed" {
            let first = f
                .message
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            run.errors
                .push(format!("{}: {}", f.name, first.trim()).trim().to_string());
        }
        for a in f.assertion_results {
            let mut parts = a.ancestor_titles;
            parts.push(a.title);
            let o = match a.status.as_str() {
                "passed" => Outcome::Passed,
                "failed" => Outcome::Failed,
                _ => Outcome::Skipped,
            };
            run.record(parts.join(sep), o);
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_that_failed_to_run_is_an_error() {
        let text = r#"{"testResults":[{"name":"/w/a.test.js","status":"failed","message":"  ● Test suite failed to run\n\n    Cannot find module './x'","assertionResults":[]}]}"#;
        let r = read(text, " › ").unwrap();
        assert!(r.ran_nothing());
        assert_eq!(r.errors, vec!["/w/a.test.js: ● Test suite failed to run"]);
    }

    #[test]
    fn not_json_is_an_error() {
        assert!(read("Tests: 1 failed", " › ").is_err());
    }
}
