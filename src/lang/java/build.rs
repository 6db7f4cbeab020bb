//! Maven (Surefire) and Gradle as test frameworks: `-Dtest=pkg.Class#m1+m2` or
//! `--tests pkg.Class.m` for a scoped run, `-fae` or `--continue` for the full one so
//! every module runs its tests; both read back from every module's JUnit XML
//! ([`crate::lang::reports::junit`]).

use super::ids;
use crate::lang::framework::{
    base_or, insert_at, plain_words, ResultsAt, ScopedCommand, TestFramework,
};
use crate::lang::reports::{junit, ReadError, TestRun};
use std::collections::BTreeMap;

/// Maven with Surefire: `TEST-*.xml` under every module's `target/surefire-reports`.
#[derive(Debug, Clone, Default)]
pub struct Maven {
    /// The build has no `<modules>`: its reports are where a plain `mvn test` leaves them.
    pub single_module: bool,
    /// The command that starts the build; None for the plain one.
    pub base: Option<Vec<String>>,
}

/// Gradle: `TEST-*.xml` under every module's `build/test-results/<task>`.
#[derive(Debug, Clone, Default)]
pub struct Gradle {
    /// The command that starts the build (`./gradlew test`); None for `gradle test`.
    pub base: Option<Vec<String>>,
}

fn surefire(argv: Vec<String>) -> ScopedCommand {
    ScopedCommand {
        argv,
        results: ResultsAt::JUnitDirs("surefire-reports".into()),
        stale: vec!["target/surefire-reports".into()],
    }
}

fn gradle(argv: Vec<String>) -> ScopedCommand {
    ScopedCommand {
        argv,
        results: ResultsAt::JUnitDirs("test-results".into()),
        stale: vec!["build/test-results".into()],
    }
}

impl TestFramework for Maven {
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in tests {
            let (class, method) = java_test(t);
            let ms = by_class.entry(class).or_default();
            if let Some(m) = method {
                ms.push(m);
            }
        }
        let sel: Vec<String> = by_class
            .into_iter()
            .map(|(c, ms)| {
                if ms.is_empty() {
                    c
                } else {
                    format!("{c}#{}", ms.join("+"))
                }
            })
            .collect();
        let mut argv = base_or(&self.base, &["mvn", "-B", "-ntp", "test"]);
        argv.push(format!("-Dtest={}", sel.join(",")));
        // Modules without a selected test must not fail the build.
        argv.push("-Dsurefire.failIfNoSpecifiedTests=false".into());
        Some(surefire(argv))
    }

    /// `-fae` after `mvn`, so every module runs its tests.
    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let words = plain_words(command)?;
        let has = |f: &str| words.iter().any(|w| w == f);
        if !matches!(words.first().map(String::as_str), Some("mvn" | "./mvnw"))
            || has("-ff")
            || has("--fail-fast")
        {
            return None;
        }
        let argv = if has("-fae") || has("--fail-at-end") {
            words
        } else {
            insert_at(&words, 1, &["-fae"])
        };
        Some(surefire(argv))
    }

    /// Surefire's reports of a one-module build that runs unchanged.
    fn report_of(&self, command: &str) -> Option<ScopedCommand> {
        if !self.single_module || !command.contains("mvn") {
            return None;
        }
        // Only where the reports are, not the selection, is used from it.
        self.scoped(&["x"])
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        junit::read(report)
    }

    fn incomplete(&self, output: &str) -> Option<String> {
        outside_the_tests(output)
    }

    fn same_test(&self, wanted: &str, ran: &str) -> bool {
        ids::same_test(wanted, ran)
    }
}

impl TestFramework for Gradle {
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        let mut argv = base_or(&self.base, &["gradle", "test"]);
        for t in tests {
            let (class, method) = java_test(t);
            argv.push("--tests".into());
            argv.push(match method {
                Some(m) => format!("{class}.{m}"),
                None => class,
            });
        }
        Some(gradle(argv))
    }

    /// `--continue` after `gradle`, so every module runs its tests.
    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let words = plain_words(command)?;
        if !matches!(
            words.first().map(String::as_str),
            Some("gradle" | "./gradlew")
        ) {
            return None;
        }
        let argv = if words.iter().any(|w| w == "--continue") {
            words
        } else {
            insert_at(&words, 1, &["--continue"])
        };
        Some(gradle(argv))
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        junit::read(report)
    }

    fn incomplete(&self, output: &str) -> Option<String> {
        outside_the_tests(output)
    }

    fn same_test(&self, wanted: &str, ran: &str) -> bool {
        ids::same_test(wanted, ran)
    }
}

/// A module or task that failed outside the tests (compilation) or was skipped:
/// its tests did not run, so the reports do not name every failure.
fn outside_the_tests(output: &str) -> Option<String> {
    let l = output.lines().map(str::trim).find(|l| {
        (l.contains("Failed to execute goal") && !l.contains("surefire"))
            || (l.starts_with("[INFO]") && l.ends_with(" SKIPPED"))
            || (l.contains("Execution failed for task '") && !l.contains("test'"))
    })?;
    Some(format!("the build failed outside the tests: {l}"))
}

/// An id in any of its forms ([`super::ids`]) → (class, method) as `-Dtest` and
/// `--tests` select them: no JUnit 5 `()` after the method.
pub(crate) fn java_test(id: &str) -> (String, Option<String>) {
    let (class, method) = ids::split(id);
    (class, method.map(|m| m.trim_end_matches("()").to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtest_and_tests_selections() {
        assert_eq!(
            Maven::default()
                .scoped(&["com.ex.ATest#a", "com.ex.ATest#b", "b(com.ex.BTest)"])
                .unwrap()
                .shell(),
            "mvn -B -ntp test -Dtest=com.ex.ATest#a+b,com.ex.BTest#b -Dsurefire.failIfNoSpecifiedTests=false"
        );
        assert_eq!(
            Gradle::default()
                .scoped(&["com.ex.ATest#a()"])
                .unwrap()
                .shell(),
            "gradle test --tests com.ex.ATest.a"
        );
    }

    #[test]
    fn full_commands_run_every_module_only_when_plain() {
        let mvn = |c: &str| Maven::default().full(c).map(|sc| sc.shell());
        assert_eq!(mvn("mvn -B test").unwrap(), "mvn -fae -B test");
        assert_eq!(mvn("mvn -ff test"), None);
        assert_eq!(
            Gradle::default().full("./gradlew test").unwrap().shell(),
            "./gradlew --continue test"
        );
    }

    #[test]
    fn a_full_report_is_incomplete_when_a_module_stopped_early() {
        for text in [
            "[INFO] b ........ SKIPPED\n",
            "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.1:compile\n",
        ] {
            assert!(Maven::default().incomplete(text).is_some(), "{text}");
        }
        let tests_only = "[INFO] a ........ FAILURE\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2:test (default-test) on project a\n";
        assert_eq!(Maven::default().incomplete(tests_only), None);
        assert!(Gradle::default()
            .incomplete("Execution failed for task ':lib:compileJava'.")
            .is_some());
        assert_eq!(
            Gradle::default().incomplete("Execution failed for task ':lib:test'."),
            None
        );
    }
}
