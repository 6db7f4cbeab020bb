//! Test frameworks: how a language's test runner runs exactly some tests, how the
//! project's full command is made to name every failing test, and how what the run
//! left behind is read back. Each language's folder holds its frameworks (pytest,
//! `go test`, cargo/nextest, jest/vitest/mocha/node:test, Maven/Gradle) and
//! [`super::Lang::framework`] picks the one a project uses. Pure: they build argv
//! and read text; running it (and removing [`ScopedCommand::stale`] first) is
//! `validate`'s.

use super::reports::{ReadError, TestRun, Verdict};
use std::sync::Arc;

/// One language's test runner, as a project at hand runs it.
pub trait TestFramework: Send + Sync {
    /// The run of exactly `tests` (trimmed, non-empty ids in the analysis's form), and
    /// where its report is; None when nothing is to run.
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand>;

    /// The project's full test `command`, adapted so the run leaves a report naming
    /// every failing test; None when it is not one plain invocation of this framework
    /// (a pipeline, a script, shell syntax, another tool first): it then runs unchanged.
    fn full(&self, _command: &str) -> Option<ScopedCommand> {
        None
    }

    /// Where the unchanged full `command` leaves a report anyway (Surefire's of a
    /// one-module build); only where it is, not what it selects, is used.
    fn report_of(&self, _command: &str) -> Option<ScopedCommand> {
        None
    }

    /// Whether `ran`, an id in this framework's report, is a run of `wanted`, an id
    /// from the analysis of a log: the two may write one test differently (JVM
    /// ids, [`super::java::ids`]).
    fn same_test(&self, wanted: &str, ran: &str) -> bool {
        wanted == ran
    }

    /// Reads a report this framework's run left on stdout, in its output or in a file
    /// ([`ResultsAt::JUnitDirs`] are read by [`super::reports::junit::read_all`]).
    fn read(&self, report: &str) -> Result<TestRun, ReadError>;

    /// Why a full run's report, though readable, may not name every failure (a test
    /// binary or a module that stopped early), from the run's `output`.
    fn incomplete(&self, _output: &str) -> Option<String> {
        None
    }

    /// The output of an adapted full run as the plain command prints it, for people
    /// (`go test -json` events → `go test`'s text); None to show it as it is.
    fn render(&self, _output: &str) -> Option<String> {
        None
    }

    /// For a scoped run judged by its exit code ([`ResultsAt::ExitCode`]): whether
    /// `code` and the run's `output` mean it found none of the tests (rather than
    /// running them and failing, or breaking while loading them).
    fn found_nothing(&self, _code: i32, _output: &str) -> bool {
        false
    }

    /// The lines of a run's output that name its failing tests, kept whole wherever
    /// they are (the output itself is kept only as its head and tail).
    fn output_lines(&self) -> Option<OutputLines> {
        None
    }

    /// The tests a failed unchanged full run reports failing, from the lines
    /// [`TestFramework::output_lines`] kept and the last summary line; None when they
    /// cannot be read completely.
    fn failed_in_output(&self, _lines: &[String], _summary: Option<&str>) -> Option<Vec<String>> {
        None
    }
}

/// A framework, shared by the steps of one validation.
pub type Framework = Arc<dyn TestFramework>;

/// The run of exactly `tests` (ids as the analysis reports them; trimmed here, empty
/// ones dropped) in `framework`; None when nothing is left to run.
pub fn scoped(framework: &dyn TestFramework, tests: &[String]) -> Option<ScopedCommand> {
    let tests: Vec<&str> = tests
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if tests.is_empty() {
        return None;
    }
    framework.scoped(&tests)
}

/// The verdict on `run`, meant to run `wanted`, with the ids compared as `framework`
/// writes them.
pub fn verdict(framework: &dyn TestFramework, run: &TestRun, wanted: &[String]) -> Verdict {
    run.verdict_by(wanted, |w, r| framework.same_test(w, r))
}

/// Which lines of a run's output a framework reads its failing tests from.
#[derive(Debug, Clone, Copy)]
pub struct OutputLines {
    /// A line naming one failing test (pytest's `FAILED x::y - msg`).
    pub entry: fn(&str) -> bool,
    /// The run's closing summary line; the last one is kept.
    pub summary: fn(&str) -> bool,
}

/// Where the report of a run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsAt {
    Stdout,
    /// stdout and stderr together: libtest prints results on stdout, cargo its
    /// build errors and nextest everything on stderr.
    Output,
    /// A file, relative to the project root.
    File(String),
    /// Every `TEST-*.xml` in directories of this name anywhere under the project
    /// (one per module in a multi-module build).
    JUnitDirs(String),
    /// No report: the run is judged by its exit code ([`TestFramework::found_nothing`]).
    ExitCode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedCommand {
    pub argv: Vec<String>,
    pub results: ResultsAt,
    /// Paths (relative to the project) holding an earlier run's report, to remove first.
    pub stale: Vec<String>,
}

impl ScopedCommand {
    /// The command as one `sh` line.
    pub fn shell(&self) -> String {
        self.argv
            .iter()
            .map(|a| sh_quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `argv` whose report is on stdout.
    pub fn stdout(argv: Vec<String>) -> ScopedCommand {
        ScopedCommand {
            argv,
            results: ResultsAt::Stdout,
            stale: Vec::new(),
        }
    }
}

/// Where a scoped run's JSON report goes (jest, vitest, rspec), relative to the project.
pub const SCOPED_REPORT_FILE: &str = ".self-heal-results.json";

/// Where a full run's JSON report goes, relative to the project.
pub const FULL_REPORT_FILE: &str = ".self-heal-full.json";

/// Quotes `s` for `sh` (single quotes, `'` as `'\''`), leaving plain words bare.
pub fn sh_quote(s: &str) -> String {
    // `#` only starts a comment at the start of a word.
    let plain = !s.is_empty()
        && !s.starts_with('#')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,#".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Owned words.
pub fn words(s: &[&str]) -> Vec<String> {
    s.iter().map(|w| w.to_string()).collect()
}

/// `base`, or the framework's plain command `default` when there is none.
pub fn base_or(base: &Option<Vec<String>>, default: &[&str]) -> Vec<String> {
    match base {
        Some(b) => b.clone(),
        None => words(default),
    }
}

/// `^(?:a|b)$` over regex-escaped alternatives.
pub fn anchored(alts: &[String]) -> String {
    let alts: Vec<String> = alts.iter().map(|a| regex::escape(a)).collect();
    if alts.len() == 1 {
        format!("^{}$", alts[0])
    } else {
        format!("^(?:{})$", alts.join("|"))
    }
}

/// The words of a one-line command without shell syntax (quotes, pipes, `&&`,
/// redirections, variables, globs, assignments); None otherwise.
pub fn plain_words(command: &str) -> Option<Vec<String>> {
    let c = command.trim();
    if c.is_empty() || c.contains(|ch: char| "\n|&;<>()$`'\"\\*?{}[]#~".contains(ch)) {
        return None;
    }
    let words: Vec<String> = c.split_whitespace().map(str::to_string).collect();
    if words[0].contains('=') {
        return None;
    }
    Some(words)
}

/// `words` with `add` inserted at `at`.
pub fn insert_at(words: &[String], at: usize, add: &[&str]) -> Vec<String> {
    let mut argv = words.to_vec();
    for (i, a) in add.iter().enumerate() {
        argv.insert(at + i, a.to_string());
    }
    argv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_sh() {
        assert_eq!(sh_quote("tests/test_a.py::t"), "tests/test_a.py::t");
        assert_eq!(sh_quote("t[a b]"), "'t[a b]'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn plain_words_refuse_shell_syntax() {
        assert_eq!(
            plain_words(" go test  ./... "),
            Some(words(&["go", "test", "./..."]))
        );
        for c in [
            "go test | tee x",
            "A=1 go test",
            "go test && x",
            "cd a; b",
            "",
        ] {
            assert_eq!(plain_words(c), None, "{c}");
        }
    }
}
