//! What a test run did: which tests ran, passed, failed, were skipped, as each
//! framework's report says ([`super::framework::TestFramework::read`]), so a scoped
//! run that ran nothing is never taken for a pass and a failure that was there
//! before is known. The readers are their languages' (`go/json.rs`,
//! `javascript/jest_json.rs`, `rust/libtest.rs`, ...); [`junit`] XML, which several
//! build tools write, is here.
//!
//! Test ids are those of the analysis ([`crate::failure::Failure::test`]) so the
//! two compare directly: `pkg.Class#method`, `example.com/m/pkg.TestX/sub`,
//! jest `describe › test`, vitest and node:test `suite > test`, mocha's full
//! title, libtest's `module::test`.

pub mod junit;

/// What happened to one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Passed,
    Failed,
    /// Not run: skipped, filtered out by a pattern, `todo`, ignored.
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub id: String,
    pub outcome: Outcome,
}

/// Everything a report said about one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestRun {
    /// In report order; a test reported more than once (reruns) keeps its last outcome.
    pub tests: Vec<TestResult>,
    /// The run broke outside any test (a build error, a suite that failed to
    /// load, a package that failed without a failing test): one line each.
    pub errors: Vec<String>,
}

/// The verdict on a run that was meant to run `wanted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not one test ran (a pattern that matched nothing, a build that broke
    /// before any test): never a pass.
    RanNothing { errors: Vec<String> },
    /// Every test that ran passed and every wanted test was among them.
    Passed,
    /// Some wanted tests did not run although others did.
    Missing { missing: Vec<String> },
    /// These tests failed, sorted (or the run broke outside any test).
    Failed {
        failed: Vec<String>,
        errors: Vec<String>,
    },
}

impl TestRun {
    fn with(&self, o: Outcome) -> Vec<&str> {
        self.tests
            .iter()
            .filter(|t| t.outcome == o)
            .map(|t| t.id.as_str())
            .collect()
    }

    pub fn passed(&self) -> Vec<&str> {
        self.with(Outcome::Passed)
    }

    pub fn failed(&self) -> Vec<&str> {
        self.with(Outcome::Failed)
    }

    pub fn skipped(&self) -> Vec<&str> {
        self.with(Outcome::Skipped)
    }

    /// Tests that really ran (passed or failed), in report order.
    pub fn ran(&self) -> Vec<&str> {
        self.tests
            .iter()
            .filter(|t| t.outcome != Outcome::Skipped)
            .map(|t| t.id.as_str())
            .collect()
    }

    pub fn ran_nothing(&self) -> bool {
        self.tests.iter().all(|t| t.outcome == Outcome::Skipped)
    }

    /// Judges a run meant to run `wanted` (empty: any tests), ids compared exactly.
    pub fn verdict(&self, wanted: &[String]) -> Verdict {
        self.verdict_by(wanted, |w, r| w == r)
    }

    /// Judges a run meant to run `wanted`, `same(wanted, ran)` telling whether a
    /// test that ran is a wanted one.
    pub fn verdict_by(&self, wanted: &[String], same: impl Fn(&str, &str) -> bool) -> Verdict {
        if self.ran_nothing() {
            return Verdict::RanNothing {
                errors: self.errors.clone(),
            };
        }
        let mut failed: Vec<String> = self.failed().into_iter().map(str::to_string).collect();
        failed.sort();
        if !failed.is_empty() || !self.errors.is_empty() {
            return Verdict::Failed {
                failed,
                errors: self.errors.clone(),
            };
        }
        let ran = self.ran();
        let missing: Vec<String> = wanted
            .iter()
            .filter(|w| !ran.iter().any(|r| same(w, r)))
            .cloned()
            .collect();
        if missing.is_empty() {
            Verdict::Passed
        } else {
            Verdict::Missing { missing }
        }
    }

    /// Records one outcome; a later report of the same test replaces the earlier.
    pub(crate) fn record(&mut self, id: String, outcome: Outcome) {
        match self.tests.iter_mut().find(|t| t.id == id) {
            Some(t) => t.outcome = outcome,
            None => self.tests.push(TestResult { id, outcome }),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("not a {format} report: {reason}")]
    Malformed {
        format: &'static str,
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tests: &[(&str, Outcome)]) -> TestRun {
        let mut r = TestRun::default();
        for (id, o) in tests {
            r.record(id.to_string(), *o);
        }
        r
    }

    #[test]
    fn verdicts_tell_nothing_from_passed_from_failed() {
        let want = vec!["a".to_string()];
        assert_eq!(
            run(&[("a", Outcome::Skipped)]).verdict(&want),
            Verdict::RanNothing { errors: vec![] }
        );
        assert_eq!(
            run(&[("a", Outcome::Passed)]).verdict(&want),
            Verdict::Passed
        );
        assert_eq!(
            run(&[("b", Outcome::Passed)]).verdict(&want),
            Verdict::Missing {
                missing: vec!["a".into()]
            }
        );
        assert_eq!(
            run(&[("a", Outcome::Failed), ("b", Outcome::Passed)]).verdict(&want),
            Verdict::Failed {
                failed: vec!["a".into()],
                errors: vec![]
            }
        );
    }

    #[test]
    fn a_rerun_keeps_the_last_outcome() {
        let r = run(&[("T/a", Outcome::Failed), ("T/a", Outcome::Passed)]);
        assert_eq!(r.passed(), vec!["T/a"]);
        assert!(r.failed().is_empty());
    }
}
