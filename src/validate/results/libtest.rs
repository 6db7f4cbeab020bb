//! Rust test results from `cargo test` (libtest's `test path ... ok` lines)
//! and `cargo nextest run` (`PASS [ 0.004s] crate path`, `FAIL`, `SIGSEGV`,
//! `TIMEOUT`...). Ids are libtest's test paths (`module::tests::name`). A crate
//! that did not compile is an error of the run. libtest's `--quiet` dots carry
//! no names: run without `-q`.

use super::{Outcome, TestRun};

/// nextest's status words for a finished test.
const NEXTEST_FAIL: &[&str] = &[
    "FAIL", "SIGSEGV", "SIGABRT", "SIGKILL", "SIGBUS", "TIMEOUT", "ABORT",
];

fn nextest(t: &str) -> Option<(Outcome, &str)> {
    let (word, rest) = t.split_once(' ')?;
    let outcome = if word == "PASS" || word == "FLAKY" || word == "LEAK" {
        Outcome::Passed
    } else if word == "SKIP" {
        Outcome::Skipped
    } else if NEXTEST_FAIL.contains(&word) {
        Outcome::Failed
    } else {
        return None;
    };
    // `[   0.004s]`, then an optional `(1/2)` counter, binary id, test path.
    let rest = rest.trim_start().strip_prefix('[')?;
    let (_, rest) = rest.split_once(']')?;
    let name = rest.split_whitespace().last()?;
    Some((outcome, name))
}

pub fn read(text: &str) -> TestRun {
    let mut run = TestRun::default();
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("test ") {
            if let Some((name, result)) = rest.split_once(" ... ") {
                let outcome = match result.split([' ', ',']).next().unwrap_or("") {
                    "ok" => Outcome::Passed,
                    "FAILED" => Outcome::Failed,
                    "ignored" => Outcome::Skipped,
                    _ => continue,
                };
                run.record(name.trim().to_string(), outcome);
                continue;
            }
        }
        if let Some((o, name)) = nextest(t) {
            run.record(name.to_string(), o);
            continue;
        }
        if t.starts_with("error: could not compile") {
            run.errors.push(t.to_string());
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_and_nextest_lines() {
        let text = "\
running 3 tests
test a::b ... ok
test a::c ... FAILED
test a::d ... ignored, slow
        PASS [   0.004s] (1/3) my-crate x::y
        FAIL [   0.010s] (2/3) my-crate::it x::z
     SIGSEGV [   0.010s] my-crate x::w
error: could not compile `other` (lib) due to 1 previous error
";
        let r = read(text);
        assert_eq!(r.passed(), vec!["a::b", "x::y"]);
        assert_eq!(r.failed(), vec!["a::c", "x::z", "x::w"]);
        assert_eq!(r.skipped(), vec!["a::d"]);
        assert_eq!(r.errors.len(), 1);
    }
}
