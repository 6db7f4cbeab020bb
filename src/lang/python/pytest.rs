//! pytest as a test framework: a scoped run of node ids judged by its exit code, and
//! the failing tests of a full run read from its `FAILED`/`ERROR` lines and closing
//! summary, which the analysis reads the same way ([`summary_entry`]).

use super::python;
use crate::lang::framework::{OutputLines, ResultsAt, ScopedCommand, TestFramework};
use crate::lang::reports::{ReadError, TestRun};

pub struct Pytest;

impl TestFramework for Pytest {
    /// `python -m pytest -q -p no:cacheprovider ids...`: pytest's exit code says it
    /// all (0 passed, 1 failed, 4/5 found nothing), so no report is read.
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut argv: Vec<String> = [python(), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        argv.extend(tests.iter().map(|t| t.to_string()));
        Some(ScopedCommand {
            argv,
            results: ResultsAt::ExitCode,
            stale: Vec::new(),
        })
    }

    fn read(&self, _report: &str) -> Result<TestRun, ReadError> {
        Err(ReadError::Malformed {
            format: "pytest",
            reason: "pytest's runs are judged by their exit code and output lines".into(),
        })
    }

    /// pytest: 5 = nothing collected; 4 = a usage error, which is "found nothing"
    /// only when pytest says a node id or file was not found (a conftest that fails
    /// to import exits 4 too, and that is a failure of the code).
    fn found_nothing(&self, code: i32, output: &str) -> bool {
        code == 5
            || (code == 4
                && output.lines().any(|l| {
                    l.starts_with("ERROR: not found: ")
                        || l.starts_with("ERROR: file or directory not found: ")
                }))
    }

    fn output_lines(&self) -> Option<OutputLines> {
        Some(OutputLines {
            entry: |l| l.starts_with("FAILED ") || l.starts_with("ERROR "),
            summary: is_summary,
        })
    }

    fn failed_in_output(&self, lines: &[String], summary: Option<&str>) -> Option<Vec<String>> {
        failures(lines, summary)
    }
}

/// pytest's closing line: `2 failed, 3 passed in 0.12s` (with or without `=`).
pub fn is_summary(line: &str) -> bool {
    let l = line.trim().trim_matches('=').trim();
    // Long runs add the wall time: `in 65.12s (0:01:05)`.
    let l = match l.rsplit_once(" (") {
        Some((head, tail)) if tail.ends_with(')') && tail.contains(':') => head,
        _ => l,
    };
    (l.contains(" passed") || l.contains(" failed") || l.contains(" error"))
        && l.contains(" in ")
        && l.ends_with('s')
        && l.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The tests a pytest run reports as failed or errored, from its `FAILED`/`ERROR`
/// lines; None when the report cannot be trusted to be complete (no summary line,
/// or fewer lines than the summary counts).
pub fn failures(report_lines: &[String], summary: Option<&str>) -> Option<Vec<String>> {
    let summary = summary?;
    let mut expected = 0usize;
    let words: Vec<&str> = summary
        .split(|c: char| c.is_whitespace() || c == ',' || c == '=')
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            if matches!(pair[1], "failed" | "error" | "errors") {
                expected += n;
            }
        }
    }
    let mut ids: Vec<String> = Vec::new();
    for line in report_lines {
        let rest = line
            .strip_prefix("FAILED ")
            .or_else(|| line.strip_prefix("ERROR "))
            .unwrap_or(line);
        let id = summary_entry(rest).0.to_string();
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    (ids.len() >= expected && expected > 0).then_some(ids)
}

/// The rest of a `FAILED`/`ERROR` line split into the node id and the message after
/// ` - `, minding parameters that hold one (`test_p[a - b] - boom`).
pub fn summary_entry(rest: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    for (i, b) in rest.bytes().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => depth -= 1,
            b' ' if depth <= 0 && rest[i..].starts_with(" - ") => {
                return (rest[..i].trim(), Some(rest[i + 3..].trim()));
            }
            _ => {}
        }
    }
    (rest.trim(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_id_or_an_empty_collection_is_found_nothing() {
        let missing = "no tests ran in 0.01s\nERROR: not found: /w/t/test_a.py::test_b\n(no match in any of [<Module test_a.py>])\n";
        assert!(Pytest.found_nothing(4, missing));
        assert!(Pytest.found_nothing(4, "ERROR: file or directory not found: t/test_zz.py\n"));
        assert!(Pytest.found_nothing(5, "no tests ran in 0.01s\n"));
        let conftest = "ImportError while loading conftest '/w/t/conftest.py'.\nt/conftest.py:1: in <module>\n    import nonexistent_mod\nE   ModuleNotFoundError: No module named 'nonexistent_mod'\n";
        assert!(!Pytest.found_nothing(4, conftest));
        assert!(!Pytest.found_nothing(1, missing));
    }

    #[test]
    fn pytest_report_parsing_needs_a_complete_report() {
        let lines = vec![
            "FAILED tests/test_a.py::test_x - assert 1 == 2".to_string(),
            "FAILED tests/test_a.py::test_p[a - b] - boom".to_string(),
        ];
        assert_eq!(
            failures(&lines, Some("2 failed, 3 passed in 0.10s")),
            Some(vec![
                "tests/test_a.py::test_x".to_string(),
                "tests/test_a.py::test_p[a - b]".to_string()
            ])
        );
        assert_eq!(failures(&lines, Some("3 failed in 0.1s")), None);
        assert_eq!(failures(&lines, None), None);
    }

    #[test]
    fn summary_entries_split_at_the_message_outside_parameters() {
        assert_eq!(
            summary_entry("t.py::test_p[a - b] - boom - again"),
            ("t.py::test_p[a - b]", Some("boom - again"))
        );
        assert_eq!(summary_entry("t.py::test_x "), ("t.py::test_x", None));
        assert_eq!(
            summary_entry("t.py::t[a[b] - c] - m").0,
            "t.py::t[a[b] - c]"
        );
    }

    #[test]
    fn summaries_are_told_from_other_lines() {
        assert!(is_summary("==== 2 failed, 3 passed in 0.12s ===="));
        assert!(is_summary("1 passed in 65.12s (0:01:05)"));
        assert!(!is_summary("FAILED t.py::x - assert 2 passed in 1s"));
    }
}
