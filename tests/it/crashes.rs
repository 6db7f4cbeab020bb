//! Crashes are failures, warnings are not: real outputs of a Go test binary that
//! died of `fatal error: stack overflow` (go 1.26, text and `-json`) and of a Rust
//! test binary killed by SIGSEGV next to two `unnecessary unsafe block` warnings
//! (`tests/it/data/crashes`, captured from tiny projects; paths made CI-like).

use crate::support::harness::manifest_dir;
use self_heal::failure::FailureKind;

fn capture(name: &str) -> String {
    let p = manifest_dir().join("tests/it/data/crashes").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The runtime's crash is the package's failure, at the recursion in its own file
/// (not the runtime's frames, not the last line of the goroutine dump).
#[test]
fn a_go_stack_overflow_is_a_failure_in_the_packages_own_file() {
    for (name, test) in [
        ("go-stack-overflow.txt", None),
        (
            "go-stack-overflow.json.txt",
            Some("example.com/deep.TestDepth"),
        ),
    ] {
        let f = self_heal::lang::go::log::parse_detailed(&capture(name));
        assert_eq!(f.len(), 1, "{name}: {f:#?}");
        assert_eq!(f[0].package.as_deref(), Some("example.com/deep"), "{name}");
        let f = &f[0].failure;
        assert_eq!(f.message, "fatal error: stack overflow", "{name}");
        assert!(
            f.file
                .as_deref()
                .is_some_and(|p| p.ends_with("/deep/deep.go")),
            "{name}: {f:?}"
        );
        assert!(matches!(f.line, Some(4 | 5)), "{name}: {f:?}");
        // `-json` names the test that was running; the text output only the package.
        assert_eq!(f.test.as_deref(), test, "{name}: {f:?}");
    }
}

/// The killed binary is the failure (named by its target, at its source), and the
/// two warnings are not failures.
#[test]
fn a_rust_test_binary_killed_by_a_signal_is_the_failure_not_the_warnings() {
    let f = self_heal::lang::rust::log::parse(&capture("rust-sigsegv.txt"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].kind, FailureKind::TestFailure);
    assert_eq!(f[0].file.as_deref(), Some("src/lib.rs"));
    assert!(
        f[0].message.contains("unittests src/lib.rs") && f[0].message.contains("SIGSEGV"),
        "{}",
        f[0].message
    );
    assert!(!f[0].message.contains("unsafe"), "{}", f[0].message);
}
