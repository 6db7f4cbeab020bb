//! Go parser against go-junit-report's fixtures: each `NNN-*.txt` go test output
//! and the JUnit report it should give.

use self_heal::analyze::diagnostics::eval::go_fixtures;
use self_heal::lang::go::log as go;

pub use crate::support::harness::fixtures_dir;

#[test]
fn go_junit_fixtures_recall_and_precision() {
    let dir = fixtures_dir().join("go-test/testdata");
    let ev = go_fixtures(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let (total, files, diffs) = (ev.counts, ev.files, ev.diffs);
    eprintln!(
        "go-test: {files} fixtures, expected {} found {} matched {}; recall {:.3} precision {:.3}\n{diffs:#?}",
        total.expected,
        total.found,
        total.matched,
        total.recall(),
        total.precision(),
    );
    assert!(files >= 40, "expected the go-test fixtures, found {files}");
    assert!(total.expected > 30, "the reports should list failures");
    assert!(total.recall() >= 0.95, "recall {:.3}", total.recall());
    assert!(
        total.precision() >= 0.95,
        "precision {:.3}",
        total.precision()
    );
}

#[test]
fn go_failure_points_at_the_failing_assertion() {
    let dir = fixtures_dir().join("go-test/testdata");
    let text = std::fs::read_to_string(dir.join("008-parallel.txt")).expect("fixture");
    let f = go::parse(&text);
    let p2 = f
        .iter()
        .find(|f| f.test.as_deref() == Some("package/parallel.TestP2"))
        .expect("TestP2 reported");
    assert_eq!(p2.file.as_deref(), Some("pkg_test.go"));
    assert_eq!(p2.line, Some(19));
    assert_eq!(p2.message, "P2 error");
}

#[test]
fn go_build_errors_carry_file_line_and_package() {
    let dir = fixtures_dir().join("go-test/testdata");
    let text = std::fs::read_to_string(dir.join("102-broken.gojson.txt")).expect("fixture");
    let f = go::parse_detailed(&text);
    let locs: Vec<_> = f
        .iter()
        .map(|g| {
            (
                g.package.as_deref(),
                g.failure.file.as_deref(),
                g.failure.line,
            )
        })
        .collect();
    assert_eq!(
        locs,
        [
            (Some("package/name/broken"), Some("main.go"), Some(4)),
            (Some("package/name/broken"), Some("main.go"), Some(5)),
            (Some("package/name/broken"), Some("main.go"), Some(5)),
        ]
    );
    assert!(
        f.iter()
            .all(|g| g.failure.message.contains("undefined")
                || g.failure.message.contains("not used"))
    );
}

#[test]
fn go_panic_in_init_uses_first_module_frame() {
    let dir = fixtures_dir().join("go-test/testdata");
    let text = std::fs::read_to_string(dir.join("105-panic.gojson.txt")).expect("fixture");
    let f = go::parse(&text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].message, "panic: init");
    assert_eq!(
        f[0].file.as_deref(),
        Some("/src/package/name/panic/main_test.go")
    );
    assert_eq!(f[0].line, Some(6));
}

#[test]
fn go_race_points_at_the_racing_line() {
    let dir = fixtures_dir().join("go-test/testdata");
    let text = std::fs::read_to_string(dir.join("017-race.txt")).expect("fixture");
    let f = go::parse(&text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].message, "WARNING: DATA RACE");
    assert!(f[0]
        .file
        .as_deref()
        .is_some_and(|p| p.ends_with("race/race_test.go")));
    assert_eq!(f[0].line, Some(9));
}

/// Multi-line assertion messages kept whole: testify's `Error:` with its
/// expected/actual and `Messages:`, qt's `error:`/`got:`/`want:` block (once an
/// empty message). Real `go test` outputs (text, `-v`, `-json`) of testify 1.x and
/// go-quicktest/qt on one failing function (`tests/it/data/go-messages`).
#[test]
fn testify_and_qt_messages_are_kept_whole() {
    for form in ["text", "verbose", "json"] {
        let p = crate::support::harness::manifest_dir()
            .join(format!("tests/it/data/go-messages/testify-qt.{form}.txt"));
        let text = std::fs::read_to_string(&p).expect("capture");
        let f = go::parse(&text);
        let msg = |test: &str| {
            f.iter()
                .find(|f| f.test.as_deref() == Some(test))
                .map(|f| f.message.clone())
                .unwrap_or_else(|| panic!("{form}: no {test} in {f:#?}"))
        };
        assert_eq!(
            msg("example.com/calc.TestAddTestify"),
            "Not equal: expected: 5 actual  : -1 (adding 2 and 3)",
            "{form}"
        );
        assert_eq!(
            msg("example.com/calc.TestAddQt"),
            "values are not equal; got: int(-1); want: int(5)",
            "{form}"
        );
    }
}
