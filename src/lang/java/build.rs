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

/// The CI command's words when it is plain words started by one of `exes`.
fn build_command(command: Option<&str>, exes: &[&str]) -> Option<Vec<String>> {
    let words = plain_words(command?)?;
    exes.contains(&words.first()?.as_str()).then_some(words)
}

/// The start of a scoped run from the CI's Maven command (`mvn`/`./mvnw` and plain
/// words only): its executable and the options that decide how the project builds
/// (`-Dmaven.compiler.source=8`, `-Pci`, `-s settings.xml`, `-pl`, ...) are kept,
/// its goals and any test selection or skipping are not; `-B -ntp test` follow.
/// None for any other command: the plain `mvn -B -ntp test`.
pub fn maven_base(command: Option<&str>) -> Option<Vec<String>> {
    let words = build_command(command, &["mvn", "./mvnw", "mvnw"])?;
    let (exe, rest) = words.split_first()?;
    // Properties that select, skip or fail on the tests: the scoped run sets its own.
    let selects = |prop: &str| {
        let name = prop.split('=').next().unwrap_or(prop);
        matches!(
            name,
            "test"
                | "it.test"
                | "skipTests"
                | "maven.test.skip"
                | "skipITs"
                | "failIfNoTests"
                | "surefire.failIfNoSpecifiedTests"
                | "maven.test.failure.ignore"
        )
    };
    let mut base = vec![exe.clone()];
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let w = w.as_str();
        let with_value = [
            "-P",
            "--activate-profiles",
            "-s",
            "--settings",
            "-gs",
            "--global-settings",
            "-f",
            "--file",
            "-pl",
            "--projects",
            "-T",
            "--threads",
        ];
        if w == "-D" {
            if let Some(prop) = it.next() {
                if !selects(prop) {
                    base.extend(["-D".to_string(), prop.clone()]);
                }
            }
        } else if let Some(prop) = w.strip_prefix("-D") {
            if !selects(prop) {
                base.push(w.to_string());
            }
        } else if with_value.contains(&w) {
            if let Some(v) = it.next() {
                base.extend([w.to_string(), v.clone()]);
            }
        } else if (w.starts_with("-P") && w.len() > 2)
            || (w.starts_with("-T") && w.len() > 2)
            || w.starts_with("--settings=")
            || w.starts_with("--file=")
            || w.starts_with("--projects=")
            || w.starts_with("--activate-profiles=")
            || ["-am", "--also-make", "-U", "-o", "--offline", "-e"].contains(&w)
        {
            base.push(w.to_string());
        }
    }
    base.extend(["-B", "-ntp", "test"].map(str::to_string));
    Some(base)
}

/// The start of a scoped run from the CI's Gradle command (`gradle`/`./gradlew`
/// and plain words only), Maven's twin: its executable and the options that decide
/// how the project builds (`-Pprop=v`, `-Dorg.gradle.jvmargs=...`, `-p dir`,
/// `-b`/`-c`/`-I` files, `-x task`, `--offline`, `--no-daemon`) are kept; its tasks
/// and any test selection (`--tests`, `-Dtest.single=`) are not; `test` follows.
/// None for any other command: `./gradlew test` when the project has the wrapper,
/// else `gradle test`.
pub fn gradle_base(command: Option<&str>) -> Option<Vec<String>> {
    let words = build_command(command, &["gradle", "./gradlew", "gradlew"])?;
    let (exe, rest) = words.split_first()?;
    let selects = |prop: &str| {
        let name = prop.split('=').next().unwrap_or(prop);
        name == "test.single" || name.ends_with(".single")
    };
    let with_value = [
        "-P",
        "--project-prop",
        "-D",
        "--system-prop",
        "-p",
        "--project-dir",
        "-b",
        "--build-file",
        "-c",
        "--settings-file",
        "-I",
        "--init-script",
        "-x",
        "--exclude-task",
        "-g",
        "--gradle-user-home",
    ];
    let flags = [
        "--offline",
        "--no-daemon",
        "--daemon",
        "--no-build-cache",
        "--build-cache",
        "--refresh-dependencies",
        "--stacktrace",
        "-s",
        "--info",
        "-i",
    ];
    let mut base = vec![exe.clone()];
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let w = w.as_str();
        if with_value.contains(&w) {
            if let Some(v) = it.next() {
                if !(matches!(w, "-D" | "--system-prop") && selects(v)) {
                    base.extend([w.to_string(), v.clone()]);
                }
            }
        } else if let Some(prop) = w.strip_prefix("-D").filter(|p| !p.is_empty()) {
            if !selects(prop) {
                base.push(w.to_string());
            }
        } else if (w.starts_with("-P") && w.len() > 2)
            || (w.starts_with("--") && w.contains('=') && !w.starts_with("--tests="))
            || flags.contains(&w)
        {
            base.push(w.to_string());
        }
    }
    base.push("test".to_string());
    Some(base)
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
    fn a_scoped_maven_run_keeps_how_the_ci_command_builds() {
        // An old pom compiles for Java 5 unless the CI command says otherwise.
        let m = Maven {
            single_module: true,
            base: maven_base(Some(
                "./mvnw -B -ntp clean verify -Dmaven.compiler.source=8 -D maven.compiler.target=8 \
                 -Pci -s .mvn/settings.xml -Dtest=Old -DskipTests -fae",
            )),
        };
        assert_eq!(
            m.scoped(&["com.ex.ATest#a"]).unwrap().shell(),
            "./mvnw -Dmaven.compiler.source=8 -D maven.compiler.target=8 -Pci -s .mvn/settings.xml \
             -B -ntp test -Dtest=com.ex.ATest#a -Dsurefire.failIfNoSpecifiedTests=false"
        );
        // The Java language hands the CI command to the framework it finds.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pom.xml"), "<project/>").unwrap();
        let fw = crate::lang::Language::named("java")
            .framework(dir.path(), Some("mvn test -Dmaven.compiler.source=8"))
            .unwrap();
        let tests = ["com.ex.ATest#a".to_string()];
        assert_eq!(
            crate::lang::framework::scoped(fw.as_ref(), &tests)
                .unwrap()
                .shell(),
            "mvn -Dmaven.compiler.source=8 -B -ntp test -Dtest=com.ex.ATest#a \
             -Dsurefire.failIfNoSpecifiedTests=false"
        );
        for other in [
            None,
            Some("make test"),
            Some("mvn test | tee out"),
            Some(""),
        ] {
            assert_eq!(maven_base(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_scoped_gradle_run_keeps_how_the_ci_command_builds() {
        let g = Gradle {
            base: gradle_base(Some(
                "./gradlew clean build -PjavaVersion=8 -Dorg.gradle.jvmargs=-Xmx2g -P ci=true \
                 -x javadoc --offline --tests Old -Dtest.single=Old --continue",
            )),
        };
        assert_eq!(
            g.scoped(&["com.ex.ATest#a"]).unwrap().shell(),
            "./gradlew -PjavaVersion=8 -Dorg.gradle.jvmargs=-Xmx2g -P ci=true -x javadoc \
             --offline test --tests com.ex.ATest.a"
        );
        // The Java language hands the CI command to the framework it finds.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("build.gradle"), "apply plugin: 'java'").unwrap();
        let java = crate::lang::Language::named("java");
        let tests = ["com.ex.ATest#a".to_string()];
        let scoped = |command: Option<&str>| {
            let fw = java.framework(dir.path(), command).unwrap();
            crate::lang::framework::scoped(fw.as_ref(), &tests)
                .unwrap()
                .shell()
        };
        assert_eq!(
            scoped(Some("gradle check -PskipSlow")),
            "gradle -PskipSlow test --tests com.ex.ATest.a"
        );
        assert_eq!(
            scoped(Some("make test")),
            "gradle test --tests com.ex.ATest.a"
        );
        std::fs::write(dir.path().join("gradlew"), "#!/bin/sh\n").unwrap();
        assert_eq!(scoped(None), "./gradlew test --tests com.ex.ATest.a");
        for other in [
            None,
            Some("make test"),
            Some("gradle test | tee out"),
            Some(""),
        ] {
            assert_eq!(gradle_base(other), None, "{other:?}");
        }
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
