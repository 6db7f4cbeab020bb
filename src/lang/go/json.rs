//! `go test -json` (test2json): one JSON object per line with `Action`,
//! `Package` and `Test`. [`event`] decodes a line for both readers of it: [`read`]
//! (a run's outcomes) and the log parser (`log.rs`, the `Output` of each event). Ids are `package.TestName` (`package.TestX/sub` for
//! subtests), as the analysis names Go tests; like `go test` and the analysis,
//! a parent of a failing subtest is failing too. A package that failed without a failing
//! test (build failure, panic in init, TestMain) is an error of the run.
//! A package whose `-run` pattern matched no test completely ("no tests to
//! run") ran nothing, though a parent test whose subtests were all filtered
//! out is reported as passed.

use crate::lang::reports::{Outcome, ReadError, TestRun};
use serde::Deserialize;

/// One `go test -json` event.
#[derive(Deserialize)]
pub struct Event {
    #[serde(rename = "Action")]
    pub action: String,
    #[serde(rename = "Package", default)]
    pub package: Option<String>,
    #[serde(rename = "Test", default)]
    pub test: Option<String>,
    #[serde(rename = "Output", default)]
    pub output: Option<String>,
    /// `go test -json` since Go 1.24 reports build failures so.
    #[serde(rename = "ImportPath", default)]
    pub import_path: Option<String>,
}

/// The event on a line, when it is one (build errors are plain text between them).
pub fn event(line: &str) -> Option<Event> {
    let line = line.trim();
    if !line.starts_with('{') || !line.contains("\"Action\"") {
        return None;
    }
    serde_json::from_str(line).ok()
}

pub fn read(text: &str) -> Result<TestRun, ReadError> {
    let mut run = TestRun::default();
    let mut events = 0usize;
    // Packages with a test that failed, and the last output line per package.
    let mut failed_pkgs: Vec<String> = Vec::new();
    let mut last_output: std::collections::HashMap<String, String> = Default::default();
    let mut nothing_run: Vec<String> = Vec::new();
    for line in text.lines() {
        // `go test -json` still prints build errors as plain text before the events.
        let Some(e) = event(line) else {
            continue;
        };
        events += 1;
        let pkg = e.package.clone().unwrap_or_default();
        match (e.action.as_str(), &e.test) {
            ("pass" | "fail" | "skip", Some(t)) => {
                let o = match e.action.as_str() {
                    "pass" => Outcome::Passed,
                    "fail" => Outcome::Failed,
                    _ => Outcome::Skipped,
                };
                if o == Outcome::Failed && !failed_pkgs.contains(&pkg) {
                    failed_pkgs.push(pkg.clone());
                }
                let id = if pkg.is_empty() {
                    t.clone()
                } else {
                    format!("{pkg}.{t}")
                };
                run.record(id, o);
            }
            ("fail", None) if !pkg.is_empty() && !failed_pkgs.contains(&pkg) => {
                let why = last_output
                    .get(&pkg)
                    .cloned()
                    .unwrap_or_else(|| "package failed".into());
                run.errors.push(format!("{pkg}: {why}"));
            }
            ("build-fail", _) => {
                let p = e.import_path.clone().unwrap_or(pkg);
                run.errors.push(format!("{p}: build failed"));
            }
            ("output", _) => {
                if let Some(o) = e.output.as_deref().map(str::trim) {
                    if o.ends_with("[no tests to run]") || o == "testing: warning: no tests to run"
                    {
                        nothing_run.push(pkg.clone());
                    }
                    if !o.is_empty() && !o.starts_with("FAIL") && !o.starts_with("---") {
                        last_output.insert(pkg, o.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    if events == 0 && !text.trim().is_empty() && !text.contains("[build failed]") {
        return Err(ReadError::Malformed {
            format: "go test -json",
            reason: "no JSON events".into(),
        });
    }
    if events == 0 && text.contains("[build failed]") {
        run.errors.push("build failed".into());
    }
    for t in run.tests.iter_mut() {
        if nothing_run.iter().any(|p| {
            t.id.strip_prefix(p.as_str())
                .is_some_and(|r| r.starts_with('.'))
        }) {
            t.outcome = Outcome::Skipped;
        }
    }
    Ok(run)
}

/// The text `go test` would have printed: each event's `Output`, other lines
/// (build errors) as they are; for showing a `-json` run to people.
pub fn render(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if let Some(e) = event(line) {
            if let Some(o) = e.output {
                out.push_str(&o);
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_gives_back_the_plain_output() {
        let text = "# m/p\n{\"Action\":\"output\",\"Package\":\"m/p\",\"Output\":\"ok  \\tm/p\\t0.1s\\n\"}\n{\"Action\":\"pass\",\"Package\":\"m/p\"}\n";
        assert_eq!(render(text), "# m/p\nok  \tm/p\t0.1s\n");
    }

    #[test]
    fn build_failure_is_an_error_not_a_pass() {
        let text = r#"# example.com/m/p
p/p.go:3:9: undefined: x
{"Action":"start","Package":"example.com/m/p"}
{"Action":"output","Package":"example.com/m/p","Output":"FAIL\texample.com/m/p [build failed]\n"}
{"Action":"fail","Package":"example.com/m/p","Elapsed":0}
"#;
        let r = read(text).unwrap();
        assert!(r.ran_nothing());
        assert_eq!(r.errors, vec!["example.com/m/p: package failed"]);
    }

    #[test]
    fn a_parent_whose_subtests_were_filtered_out_ran_nothing() {
        let text = r#"{"Action":"run","Package":"m/p","Test":"TestMake"}
{"Action":"pass","Package":"m/p","Test":"TestMake","Elapsed":0}
{"Action":"output","Package":"m/p","Output":"testing: warning: no tests to run\n"}
{"Action":"pass","Package":"m/p","Elapsed":0.008}
"#;
        assert!(read(text).unwrap().ran_nothing());
    }

    #[test]
    fn plain_text_is_not_json() {
        assert!(read("--- FAIL: TestX (0.00s)\n").is_err());
    }
}
