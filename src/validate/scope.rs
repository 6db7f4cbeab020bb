//! Test scoping by language name (the ecosystems hold the rules, see
//! [`crate::lang`]) and matching test ids across runs.

use super::results::command::{self, ScopeRequest};
use super::results::ScopedCommand;
use crate::lang::{self, Language};
use std::path::Path;

pub use crate::lang::python::python;
pub use crate::lang::sh_quote;

/// The command that runs only `tests`, for the language named `language` (or an
/// alias); None when the language is unknown, has no scoping, or nothing is to run.
pub fn scope(language: Option<&str>, tests: &[String]) -> Option<String> {
    lang::scoped_command(Some(Language::from_name(language?)?), tests)
}

/// The scoped run of `tests` for the project at `root` whose full test command is
/// `command`, in the framework its ecosystem finds there, with how to read its report
/// back; None when the language has no such framework (Python: see [`scope`]) or
/// nothing is to run.
pub fn scoped_run(
    root: &Path,
    language: Option<Language>,
    command: Option<&str>,
    tests: &[String],
) -> Option<ScopedCommand> {
    let scoping = lang::scoping(language, root, command)?;
    let mut req = ScopeRequest::new(scoping.framework, tests);
    req.base = scoping.base.as_deref();
    req.go_module = scoping.go_module.as_deref();
    command::scoped(&req)
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
