//! Scoped runs in a project's test framework ([`crate::lang::framework`]) and
//! matching test ids across runs.

use crate::lang::framework::{self, ScopedCommand};
use crate::lang::Language;
use std::path::Path;

pub use crate::lang::framework::sh_quote;

/// The scoped run of `tests` for the project at `root` whose full test command is
/// `command`, in the framework its language finds there, with where its report is;
/// None when the language has no framework there or nothing is to run.
pub fn scoped_run(
    root: &Path,
    language: Option<Language>,
    command: Option<&str>,
    tests: &[String],
) -> Option<ScopedCommand> {
    let framework = language?.framework(root, command)?;
    framework::scoped(framework.as_ref(), tests)
}

/// Whether two test ids name the same test, allowing one to be relative to a
/// deeper rootdir (`tests/test_a.py::t` vs `pkg/tests/test_a.py::t`).
pub fn same_test(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    long.ends_with(short) && long[..long.len() - short.len()].ends_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_test_allows_rootdir_prefix() {
        assert!(same_test("tests/test_a.py::t", "pkg/tests/test_a.py::t"));
        assert!(!same_test("a.py::t", "xa.py::t"));
    }
}
