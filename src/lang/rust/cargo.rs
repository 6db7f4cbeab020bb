//! `cargo test` and `cargo nextest run` as test frameworks: libtest's exact name
//! filters or a nextest filter expression for a scoped run, `--no-fail-fast` for
//! the full one so every test binary runs; both read back by [`super::libtest`].

use super::libtest;
use crate::lang::framework::{
    base_or, insert_at, plain_words, words, ResultsAt, ScopedCommand, TestFramework,
};
use crate::lang::reports::{ReadError, TestRun};

#[derive(Debug, Clone, Default)]
pub struct Cargo {
    /// `cargo nextest run` instead of `cargo test`.
    pub nextest: bool,
    /// The command that starts the tests; None for the plain one.
    pub base: Option<Vec<String>>,
}

impl Cargo {
    pub fn test() -> Cargo {
        Cargo::default()
    }

    pub fn nextest() -> Cargo {
        Cargo {
            nextest: true,
            base: None,
        }
    }

    fn sub(&self) -> &'static [&'static str] {
        if self.nextest {
            &["cargo", "nextest", "run"]
        } else {
            &["cargo", "test"]
        }
    }
}

/// The report is libtest's lines on stdout and cargo's (or nextest's) on stderr.
fn output(argv: Vec<String>) -> ScopedCommand {
    ScopedCommand {
        results: ResultsAt::Output,
        ..ScopedCommand::stdout(argv)
    }
}

impl TestFramework for Cargo {
    /// `cargo test --no-fail-fast -- --exact a b`, or nextest's `-E 'test(=a) | test(=b)'`.
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut argv = base_or(&self.base, self.sub());
        if self.nextest {
            let expr: Vec<String> = tests.iter().map(|t| format!("test(={t})")).collect();
            argv.extend(words(&["--no-fail-fast", "-E"]));
            argv.push(expr.join(" | "));
        } else {
            argv.extend(words(&["--no-fail-fast", "--", "--exact"]));
            argv.extend(tests.iter().map(|t| t.to_string()));
        }
        Some(output(argv))
    }

    /// `--no-fail-fast` after `cargo test` / `cargo nextest run`.
    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let words = plain_words(command)?;
        let sub = self.sub();
        if words.len() < sub.len() || !words.iter().zip(sub).all(|(w, s)| w == s) {
            return None;
        }
        // libtest's quiet dots and other formats carry no names.
        if words
            .iter()
            .any(|x| x == "-q" || x == "--quiet" || x.starts_with("--format"))
        {
            return None;
        }
        let argv = if words.iter().any(|x| x == "--no-fail-fast") {
            words
        } else {
            insert_at(&words, sub.len(), &["--no-fail-fast"])
        };
        Some(output(argv))
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        Ok(libtest::read(report))
    }

    /// A test binary that stopped before its summary (a crash, an abort): its
    /// failures may be missing. nextest reports each test itself.
    fn incomplete(&self, output: &str) -> Option<String> {
        if self.nextest {
            return None;
        }
        let lines = || output.lines().map(str::trim);
        let started = lines()
            .filter(|l| l.starts_with("Running ") || l.starts_with("Doc-tests "))
            .count();
        let finished = lines().filter(|l| l.starts_with("test result: ")).count();
        (finished < started).then(|| {
            format!("{finished} of {started} test binaries reported a result (one stopped early)")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_filters_and_filter_expressions() {
        assert_eq!(
            Cargo::test()
                .scoped(&["ring::tests::wraps", "total"])
                .unwrap()
                .shell(),
            "cargo test --no-fail-fast -- --exact ring::tests::wraps total"
        );
        assert_eq!(
            Cargo::nextest().scoped(&["a::b", "c"]).unwrap().shell(),
            "cargo nextest run --no-fail-fast -E 'test(=a::b) | test(=c)'"
        );
    }

    #[test]
    fn the_full_command_runs_every_binary_only_when_plain() {
        let full = |f: Cargo, c: &str| f.full(c).map(|sc| sc.shell());
        assert_eq!(
            full(Cargo::test(), "cargo test --workspace").unwrap(),
            "cargo test --no-fail-fast --workspace"
        );
        assert_eq!(
            full(Cargo::nextest(), "cargo nextest run").unwrap(),
            "cargo nextest run --no-fail-fast"
        );
        for c in [
            "cargo test -q",
            "RUSTFLAGS=-D cargo test",
            "cargo",
            "x cargo test",
        ] {
            assert_eq!(full(Cargo::test(), c), None, "{c}");
        }
    }

    #[test]
    fn a_full_report_is_incomplete_when_a_binary_stopped_early() {
        let two = "     Running unittests src/lib.rs\ntest result: FAILED. 1 passed; 1 failed\n     Running tests/a.rs\n";
        assert!(Cargo::test()
            .incomplete(two)
            .unwrap()
            .contains("1 of 2 test binaries"));
        let done = format!("{two}test result: ok. 1 passed\n");
        assert_eq!(Cargo::test().incomplete(&done), None);
    }
}
