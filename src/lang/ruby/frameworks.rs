//! RSpec and Minitest as test frameworks, and which one a project uses.
//!
//! | framework | scoped selection | report |
//! |---|---|---|
//! | RSpec | the examples' locations (`./spec/x_spec.rb:12`) | `--format json --out` (progress on stdout too) |
//! | Minitest | `--name=/^(?:Class#test_a|…)$/` over every `test/**/*_test.rb`, `test_*.rb` | `-v` lines on the output |
//!
//! Both are what Debian's `ruby-rspec` (3.12) and `ruby-minitest` (5.17) do. A
//! Minitest scoped run loads the test files itself rather than through rake, whose
//! `TESTOPTS` reach the test process through an unquoted shell line. The full command
//! gains the same report flags when it is one plain call: `rspec` (or `bundle exec
//! rspec`), `rake test`/`rake` (`TESTOPTS=-v`), `ruby … x_test.rb` (`-v`).

use crate::lang::framework::{
    anchored, plain_words, ResultsAt, ScopedCommand, TestFramework, FULL_REPORT_FILE,
    SCOPED_REPORT_FILE,
};
use crate::lang::reports::{Outcome, ReadError, TestRun};
use serde::Deserialize;
use std::path::Path;

/// RSpec.
#[derive(Debug, Clone)]
pub struct RSpec {
    /// The command that starts rspec (`bundle exec rspec`).
    pub base: Vec<String>,
}

impl Default for RSpec {
    fn default() -> Self {
        RSpec {
            base: vec!["rspec".to_string()],
        }
    }
}

/// Minitest, its files loaded by `ruby -Ilib -Itest`.
#[derive(Debug, Clone, Default)]
pub struct Minitest {
    /// `bundle exec`, when the project's command runs through it.
    pub bundle: bool,
}

/// The Ruby that loads every test file, then lets Minitest run what `--name` selects.
pub const LOAD_TESTS: &str =
    r#"Dir.glob("test/**/{*_test,test_*}.rb").sort.each { |f| require File.expand_path(f) }"#;

/// The framework of the project at `root` whose full command is `command`: the one
/// the command names (`rspec`; `rake`, `ruby`), else RSpec where the project has
/// specs, else Minitest where it has tests.
pub fn of_project(root: &Path, command: Option<&str>) -> Option<super::Framework> {
    let words: Vec<&str> = command
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default();
    let bundle = words.starts_with(&["bundle", "exec"]);
    if let Some(i) = words
        .iter()
        .position(|w| *w == "rspec" || w.ends_with("/rspec"))
    {
        let base = words[..=i].iter().map(|w| w.to_string()).collect();
        return Some(std::sync::Arc::new(RSpec { base }));
    }
    let minitest = Minitest { bundle };
    if words.iter().any(|w| matches!(*w, "rake" | "ruby")) {
        return Some(std::sync::Arc::new(minitest));
    }
    if root.join(".rspec").is_file() || has_files(&root.join("spec"), "_spec.rb") {
        return Some(std::sync::Arc::new(RSpec::default()));
    }
    has_files(&root.join("test"), "_test.rb")
        .then(|| std::sync::Arc::new(minitest) as super::Framework)
}

/// Whether `dir` or a directory below it holds a file named `*{suffix}`.
pub fn has_files(dir: &Path, suffix: &str) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    rd.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            has_files(&p, suffix)
        } else {
            e.file_name().to_string_lossy().ends_with(suffix)
        }
    })
}

impl TestFramework for RSpec {
    /// `rspec --format progress --format json --out FILE ./spec/a_spec.rb:12 …`.
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut argv = self.base.clone();
        argv.extend(report_flags(SCOPED_REPORT_FILE));
        argv.extend(tests.iter().map(|t| t.to_string()));
        Some(in_file(argv, SCOPED_REPORT_FILE))
    }

    /// The report flags appended to a plain `rspec …` without its own formatter.
    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let mut words = plain_words(command)?;
        let at = words
            .iter()
            .position(|w| w == "rspec" || w.ends_with("/rspec"))?;
        let before: Vec<&str> = words[..at].iter().map(String::as_str).collect();
        if !(before.is_empty() || before == ["bundle", "exec"]) {
            return None;
        }
        if words.iter().any(|w| {
            matches!(w.as_str(), "-f" | "-o" | "--out" | "--format") || w.starts_with("--format=")
        }) {
            return None;
        }
        words.extend(report_flags(FULL_REPORT_FILE));
        Some(in_file(words, FULL_REPORT_FILE))
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        read_rspec_json(report)
    }
}

impl TestFramework for Minitest {
    /// `ruby -Ilib -Itest -e '<load every test file>' -- -v --name=/^(?:A#t|B#u)$/`.
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut argv: Vec<String> = Vec::new();
        if self.bundle {
            argv.extend(["bundle".to_string(), "exec".to_string()]);
        }
        let names: Vec<String> = tests.iter().map(|t| t.to_string()).collect();
        argv.extend(
            ["ruby", "-Ilib", "-Itest", "-e", LOAD_TESTS, "--", "-v"]
                .iter()
                .map(|w| w.to_string()),
        );
        argv.push(format!("--name=/{}/", anchored(&names)));
        Some(output(argv))
    }

    /// `TESTOPTS=-v` after a plain `rake` (`rake test`), `-v` after `ruby … x_test.rb`.
    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let mut words = plain_words(command)?;
        let start = if words.starts_with(&["bundle".to_string(), "exec".to_string()]) {
            2
        } else {
            0
        };
        let first = words.get(start)?.as_str();
        if words
            .iter()
            .any(|w| w == "-v" || w.starts_with("TESTOPTS="))
        {
            return None;
        }
        match first {
            "rake" if words[start + 1..].iter().all(|w| w == "test") => {
                words.push("TESTOPTS=-v".to_string());
            }
            "ruby" if words.last().is_some_and(|w| w.ends_with(".rb")) => {
                words.push("-v".to_string());
            }
            _ => return None,
        }
        Some(output(words))
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        Ok(read_minitest(report))
    }
}

fn report_flags(file: &str) -> Vec<String> {
    ["--format", "progress", "--format", "json", "--out", file]
        .iter()
        .map(|w| w.to_string())
        .collect()
}

fn in_file(argv: Vec<String>, file: &str) -> ScopedCommand {
    ScopedCommand {
        argv,
        results: ResultsAt::File(file.to_string()),
        stale: vec![file.to_string()],
    }
}

/// Minitest prints its results on stdout and a file that does not load on stderr.
fn output(argv: Vec<String>) -> ScopedCommand {
    ScopedCommand {
        results: ResultsAt::Output,
        ..ScopedCommand::stdout(argv)
    }
}

#[derive(Deserialize)]
struct RSpecReport {
    examples: Vec<Example>,
    #[serde(default)]
    summary: Option<Summary>,
    #[serde(default)]
    messages: Vec<String>,
}

#[derive(Deserialize)]
struct Example {
    file_path: String,
    line_number: u32,
    status: String,
}

#[derive(Deserialize)]
struct Summary {
    #[serde(default)]
    errors_outside_of_examples_count: u32,
}

/// RSpec's JSON formatter. Ids are `./spec/x_spec.rb:12`, the example's location as
/// RSpec prints it for a rerun (and as the analysis names it); files that failed to
/// load are errors of the run.
pub fn read_rspec_json(text: &str) -> Result<TestRun, ReadError> {
    let start = text.find("{\"").unwrap_or(0);
    let report: RSpecReport =
        serde_json::from_str(text[start..].trim()).map_err(|e| ReadError::Malformed {
            format: "RSpec JSON",
            reason: e.to_string(),
        })?;
    let mut run = TestRun::default();
    for e in report.examples {
        let outcome = match e.status.as_str() {
            "passed" => Outcome::Passed,
            "failed" => Outcome::Failed,
            _ => Outcome::Skipped,
        };
        run.record(format!("{}:{}", e.file_path, e.line_number), outcome);
    }
    let outside = report
        .summary
        .map_or(0, |s| s.errors_outside_of_examples_count);
    if outside > 0 {
        let why = report
            .messages
            .iter()
            .flat_map(|m| m.lines())
            .map(str::trim)
            .find(|l| l.starts_with("An error occurred"))
            .unwrap_or("an error occurred outside of examples");
        run.errors.push(why.to_string());
    }
    Ok(run)
}

/// Minitest's `-v` lines (`Class#test_name = 0.00 s = F`, `.` passed, `F` failed, `E`
/// an error, `S` skipped); a run that stopped before its summary (a file that did not
/// load) is an error of the run, with its last line.
pub fn read_minitest(text: &str) -> TestRun {
    let mut run = TestRun::default();
    let mut summary = false;
    for line in text.lines().map(str::trim_end) {
        if let Some((rest, code)) = line.rsplit_once(" = ") {
            if let Some((id, time)) = rest.rsplit_once(" = ") {
                let outcome = match code {
                    "." => Some(Outcome::Passed),
                    "F" | "E" => Some(Outcome::Failed),
                    "S" => Some(Outcome::Skipped),
                    _ => None,
                };
                let timed = time
                    .strip_suffix(" s")
                    .is_some_and(|n| n.parse::<f64>().is_ok());
                if let Some(o) = outcome.filter(|_| timed && id.contains('#')) {
                    run.record(id.to_string(), o);
                    continue;
                }
            }
        }
        let mut words = line.split_whitespace();
        if words.next().is_some_and(|n| n.parse::<u32>().is_ok())
            && matches!(words.next(), Some("runs," | "run,"))
        {
            summary = true;
        }
    }
    if !summary {
        let last = text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("no output");
        run.errors
            .push(format!("the run ended before its summary: {last}"));
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_runs_in_each_frameworks_syntax() {
        assert_eq!(
            RSpec::default()
                .scoped(&["./spec/a_spec.rb:9", "./spec/b_spec.rb[1:2]"])
                .unwrap()
                .shell(),
            "rspec --format progress --format json --out .self-heal-results.json \
             ./spec/a_spec.rb:9 './spec/b_spec.rb[1:2]'"
        );
        assert_eq!(
            Minitest::default()
                .scoped(&["WordCountTest#test_top", "A::B#test_x"])
                .unwrap()
                .argv[5..],
            [
                "--",
                "-v",
                r"--name=/^(?:WordCountTest\#test_top|A::B\#test_x)$/"
            ]
        );
    }

    #[test]
    fn full_commands_gain_a_report_only_when_plain() {
        let rspec = |c: &str| RSpec::default().full(c).map(|sc| sc.shell());
        assert_eq!(
            rspec("bundle exec rspec spec/").unwrap(),
            "bundle exec rspec spec/ --format progress --format json --out .self-heal-full.json"
        );
        for c in [
            "rspec -f d",
            "rspec --format=doc",
            "x rspec",
            "rspec | tee o",
        ] {
            assert_eq!(rspec(c), None, "{c}");
        }
        let mt = |c: &str| Minitest::default().full(c).map(|sc| sc.shell());
        assert_eq!(mt("rake test").unwrap(), "rake test TESTOPTS=-v");
        assert_eq!(
            mt("bundle exec rake").unwrap(),
            "bundle exec rake TESTOPTS=-v"
        );
        assert_eq!(
            mt("ruby -Ilib -Itest test/a_test.rb").unwrap(),
            "ruby -Ilib -Itest test/a_test.rb -v"
        );
        for c in ["rake lint test", "rake test TESTOPTS=--seed=1", "make test"] {
            assert_eq!(mt(c), None, "{c}");
        }
    }

    #[test]
    fn minitest_lines_and_a_run_that_never_started() {
        let run = read_minitest(
            "Run options: -v --seed 4\n\n# Running:\n\n\
             WordCountTest#test_top = 0.00 s = E\n\
             Cart::add#test_0001_sums prices = 0.01 s = .\n\
             WordCountTest#test_skip = 0.00 s = S\n\n\
             3 runs, 1 assertions, 0 failures, 1 errors, 1 skips\n",
        );
        assert_eq!(run.failed(), ["WordCountTest#test_top"]);
        assert_eq!(run.passed(), ["Cart::add#test_0001_sums prices"]);
        assert_eq!(run.skipped(), ["WordCountTest#test_skip"]);
        assert!(run.errors.is_empty());
        let broken = read_minitest("lib/a.rb:3: syntax error, unexpected end (SyntaxError)\n");
        assert!(broken.ran_nothing());
        assert_eq!(broken.errors.len(), 1, "{broken:?}");
    }

    #[test]
    fn rspec_json_names_examples_by_location() {
        let text = r#"{"version":"3.12.0","examples":[
            {"id":"./spec/a_spec.rb[1:1]","file_path":"./spec/a_spec.rb","line_number":4,"status":"failed"},
            {"id":"./spec/a_spec.rb[1:2]","file_path":"./spec/a_spec.rb","line_number":9,"status":"pending"}],
            "summary":{"example_count":2,"errors_outside_of_examples_count":0}}"#;
        let run = read_rspec_json(text).unwrap();
        assert_eq!(run.failed(), ["./spec/a_spec.rb:4"]);
        assert_eq!(run.skipped(), ["./spec/a_spec.rb:9"]);
        let broken = r#"{"examples":[],"messages":["\nAn error occurred while loading ./spec/a_spec.rb.\nSyntaxError"],
            "summary":{"errors_outside_of_examples_count":1}}"#;
        let run = read_rspec_json(broken).unwrap();
        assert_eq!(
            run.errors,
            ["An error occurred while loading ./spec/a_spec.rb."]
        );
        assert!(read_rspec_json("1 example, 0 failures").is_err());
    }
}
