use super::*;
use crate::localize::evidence::{Coverage, FailingTest, FileLines, Frame, TestRun};

fn func(name: &str, lines: (u32, u32)) -> FunctionInfo {
    FunctionInfo {
        name: name.rsplit(['.', ':']).next().unwrap_or(name).to_string(),
        qualified: name.to_string(),
        role: Role::Function,
        start_line: lines.0,
        end_line: lines.1,
        def_line: lines.0,
        ..FunctionInfo::default()
    }
}

fn file(path: &str, is_test: bool, functions: Vec<FunctionInfo>) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        is_test,
        functions,
        text: String::new(),
        ..SourceFile::default()
    }
}

/// `[("m.py", &[1, 2])]` → file lines.
fn lines(spec: &[(&str, &[u32])]) -> FileLines {
    spec.iter()
        .map(|(f, l)| (f.to_string(), l.iter().copied().collect()))
        .collect()
}

fn run(id: &str, spec: &[(&str, &[u32])]) -> TestRun {
    TestRun::single(id, lines(spec))
}

fn ranked(l: &Localization) -> Vec<&str> {
    l.suspects.iter().map(|s| s.function.as_str()).collect()
}

fn clue_kinds(s: &Suspect) -> Vec<String> {
    s.evidence
        .iter()
        .map(|c| {
            serde_json::to_value(c).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// The test asserts on a value; no frame is in the source. `total` (far down a long
/// module) is run only by the failing test; `load` by every test; a helper in a second
/// module by the failing test and one passing test.
#[test]
fn the_buggy_function_without_a_frame_ranks_first_by_its_spectrum() {
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run(
                "tests/test_m.py::test_total",
                &[
                    ("m.py", &[3, 4, 402, 403, 404]),
                    ("util.py", &[11, 12]),
                    ("tests/test_m.py", &[6, 7]),
                ],
            )],
            passing: vec![
                run(
                    "tests/test_m.py::test_load",
                    &[("m.py", &[3, 4]), ("tests/test_m.py", &[2, 3])],
                ),
                run(
                    "tests/test_m.py::test_fmt",
                    &[("m.py", &[3, 4]), ("util.py", &[11, 12])],
                ),
            ],
        }),
        files: vec![
            file(
                "m.py",
                false,
                vec![func("load", (2, 5)), func("total", (400, 405))],
            ),
            file("util.py", false, vec![func("fmt", (10, 13))]),
            file(
                "tests/test_m.py",
                true,
                vec![func("test_load", (1, 4)), func("test_total", (5, 8))],
            ),
        ],
        frames: vec![Frame {
            file: "tests/test_m.py".into(),
            line: 7,
        }],
        failing_tests: vec![FailingTest {
            file: Some("tests/test_m.py".into()),
            name: "test_total".into(),
        }],
        ..Evidence::default()
    };
    let l = localize(&e);
    assert_eq!(l.mode, Mode::Spectrum);
    assert_eq!(ranked(&l), vec!["total", "fmt", "load", "test_total"]);
    let top = &l.suspects[0];
    assert_eq!((top.start_line, top.end_line), (400, 405));
    assert_eq!(
        top.evidence,
        vec![Clue::Spectrum {
            failed: 1,
            passed: 0,
            failed_total: 1,
            passed_total: 2,
            ochiai: 1.0,
            lines: vec![402, 403, 404],
        }]
    );
    // The failing test is a suspect, after all the code under test; the passing test
    // that ran too is none.
    let last = l.suspects.last().unwrap();
    assert!(last.test_code);
    assert!(clue_kinds(last).contains(&"failing_test".to_string()));
}

/// `parse` in module A raises; the value was built wrong by `tokenize` in B, two calls
/// away and no longer on the stack; `build` in between is shared by every test.
#[test]
fn a_bug_two_calls_from_the_raise_ranks_next_to_the_raise_above_shared_code() {
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run(
                "t::test_bad",
                &[
                    ("a.py", &[11, 12, 13]),
                    ("mid.py", &[21, 22]),
                    ("vendor/b/tok.py", &[31, 32, 36]),
                ],
            )],
            passing: vec![
                run(
                    "t::test_1",
                    &[
                        ("a.py", &[11, 12]),
                        ("mid.py", &[21, 22]),
                        ("vendor/b/tok.py", &[31, 32]),
                    ],
                ),
                run(
                    "t::test_2",
                    &[
                        ("a.py", &[11, 12]),
                        ("mid.py", &[21, 22]),
                        ("vendor/b/tok.py", &[31, 32]),
                    ],
                ),
                run("t::test_3", &[("mid.py", &[21, 22])]),
            ],
        }),
        files: vec![
            file("a.py", false, vec![func("parse", (10, 14))]),
            file("mid.py", false, vec![func("build", (20, 23))]),
            file(
                "vendor/b/tok.py",
                false,
                vec![func("Tokenizer.tokenize", (30, 40))],
            ),
        ],
        frames: vec![Frame {
            file: "a.py".into(),
            line: 13,
        }],
        ..Evidence::default()
    };
    let l = localize(&e);
    assert_eq!(ranked(&l), vec!["parse", "Tokenizer.tokenize", "build"]);
    assert_eq!(l.suspects[1].evidence.len(), 1, "{:?}", l.suspects[1]);
    assert!(l.suspects[1].score > l.suspects[2].score + 0.3);
    // With the tokenizer changed since the last green run, it goes first.
    let mut e2 = e.clone();
    e2.changed = lines(&[("vendor/b/tok.py", &[36])]);
    assert_eq!(ranked(&localize(&e2))[0], "Tokenizer.tokenize");
}

/// The raise is at line 500; the buggy line at 42 of another function of the same
/// file, run by the failing test alone. A passing test also reaches the raise (it
/// checks that bad input raises), so the raise is less suspect than the buggy line.
#[test]
fn a_buggy_line_far_from_the_raise_in_the_same_file_comes_whole_and_first() {
    let mut normalize = func("normalize", (38, 60));
    normalize.def_line = 40; // two decorator lines above
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run(
                "t::test_x",
                &[("big.py", &[40, 41, 42, 43, 498, 499, 500])],
            )],
            passing: vec![
                run(
                    "t::test_bad_input",
                    &[("big.py", &[40, 41, 43, 498, 499, 500])],
                ),
                run("t::test_ok", &[("big.py", &[40, 41, 43, 498, 499])]),
            ],
        }),
        files: vec![file(
            "big.py",
            false,
            vec![normalize, func("validate", (495, 520))],
        )],
        frames: vec![Frame {
            file: "big.py".into(),
            line: 500,
        }],
        ..Evidence::default()
    };
    let l = localize(&e);
    assert_eq!(ranked(&l), vec!["normalize", "validate"]);
    assert_eq!((l.suspects[0].start_line, l.suspects[0].end_line), (38, 60));
    match &l.suspects[0].evidence[0] {
        Clue::Spectrum { lines, ochiai, .. } => {
            assert_eq!(lines, &vec![42]);
            assert_eq!(*ochiai, 1.0);
        }
        other => panic!("{other:?}"),
    }
    assert!(l.suspects[1].evidence.contains(&Clue::Frame {
        line: 500,
        innermost: true
    }));
}

#[test]
fn signature_and_decorator_lines_run_at_import_are_not_execution() {
    // Every test imports the module (def lines 2 and 10 run), only the failing one calls `b`.
    let mut a = func("a", (1, 5));
    a.def_line = 2;
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run("f", &[("m.py", &[2, 10, 11])])],
            passing: vec![run("p", &[("m.py", &[2, 3, 10])])],
        }),
        files: vec![file("m.py", false, vec![a, func("b", (10, 12))])],
        ..Evidence::default()
    };
    let l = localize(&e);
    assert_eq!(ranked(&l), vec!["b"]);
}

#[test]
fn without_coverage_the_static_evidence_ranks_alone() {
    let mut lib = file(
        "src/parse.rs",
        false,
        vec![
            func("Parser::next", (10, 30)),
            func("Parser::expect", (40, 60)),
            func("Parser::other", (70, 80)),
        ],
    );
    lib.text = (1..=80)
        .map(|i| match i {
            45 => {
                "        return Err(format!(\"unexpected end of input while parsing {}\", what));"
                    .to_string()
            }
            _ => "    x();".to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let e = Evidence {
        coverage: None,
        files: vec![lib],
        frames: vec![Frame {
            file: "src/parse.rs".into(),
            line: 20,
        }],
        changed: lines(&[("src/parse.rs", &[21, 22])]),
        messages: vec!["thread 'main' panicked: unexpected end of input while parsing list".into()],
        ..Evidence::default()
    };
    let l = localize(&e);
    assert_eq!(l.mode, Mode::Static);
    assert_eq!(ranked(&l), vec!["Parser::next", "Parser::expect"]);
    assert_eq!(clue_kinds(&l.suspects[0]), vec!["frame", "changed"]);
    assert_eq!(
        l.suspects[1].evidence,
        vec![Clue::Literal {
            line: 45,
            text: "unexpected end of input while parsing".into()
        }]
    );
    assert!(l.notes[0].contains("nothing ran under coverage"));
    // Empty coverage counts as none.
    let mut e2 = e.clone();
    e2.coverage = Some(Coverage::default());
    assert_eq!(localize(&e2).mode, Mode::Static);
}

#[test]
fn test_code_is_only_failing_tests_and_what_they_ran_and_never_above_code() {
    let mut fixture = func("db", (1, 3));
    fixture.decorators = vec!["@pytest.fixture".into()];
    let mut failing = func("TestX.test_bad", (10, 14));
    failing.calls = vec!["compute".into(), "helper".into()];
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run(
                "tests/test_x.py::TestX::test_bad",
                &[("tests/test_x.py", &[2, 11, 12, 21]), ("x.py", &[5])],
            )],
            passing: vec![run(
                "tests/test_x.py::TestX::test_good",
                &[("tests/test_x.py", &[2, 16, 21]), ("x.py", &[5])],
            )],
        }),
        files: vec![
            file(
                "tests/test_x.py",
                true,
                vec![
                    fixture,
                    failing,
                    func("TestX.test_good", (15, 18)),
                    func("helper", (20, 22)),
                    func("unused_helper", (24, 26)),
                ],
            ),
            file("x.py", false, vec![func("compute", (4, 6))]),
        ],
        failing_tests: vec![FailingTest {
            file: Some("tests/test_x.py".into()),
            name: "tests/test_x.py::TestX::test_bad".into(),
        }],
        ..Evidence::default()
    };
    let l = localize(&e);
    // `compute` is run by every test (low spectrum) but ranks above the failing test,
    // which the spectrum alone would put first.
    assert_eq!(
        ranked(&l),
        vec!["compute", "TestX.test_bad", "db", "helper"]
    );
    assert_eq!(
        clue_kinds(&l.suspects[0]),
        vec!["spectrum", "called_by_test"]
    );
    assert!(l.suspects[1..].iter().all(|s| s.test_code));
    assert_eq!(clue_kinds(&l.suspects[2]), vec!["fixture", "spectrum"]);
}

#[test]
fn aggregated_failing_coverage_counts_its_tests_and_says_so() {
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![TestRun {
                id: "3 failing tests".into(),
                tests: 3,
                lines: lines(&[("m.py", &[2, 6])]),
            }],
            passing: vec![run("p", &[("m.py", &[6])])],
        }),
        files: vec![file(
            "m.py",
            false,
            vec![func("a", (1, 3)), func("b", (5, 7))],
        )],
        ..Evidence::default()
    };
    let l = localize(&e);
    assert_eq!(ranked(&l), vec!["a", "b"]);
    assert_eq!(l.suspects[1].score, round(3.0 / (3.0f64 * 4.0).sqrt()));
    assert!(
        l.notes.iter().any(|n| n.contains("aggregated")),
        "{:?}",
        l.notes
    );
}

#[test]
fn names_in_the_failure_and_in_the_test_name_raise_a_function() {
    let e = Evidence {
        files: vec![file(
            "dates.py",
            false,
            vec![
                func("parse_date", (1, 9)),
                func("format_date", (10, 19)),
                func("load", (20, 29)),
            ],
        )],
        messages: vec![
            "AttributeError: 'NoneType' has no attribute 'tzinfo' in format_date()".into(),
        ],
        failing_tests: vec![FailingTest {
            file: None,
            name: "tests/test_dates.py::test_parse_date_keeps_tz[utc]".into(),
        }],
        ..Evidence::default()
    };
    let l = localize(&e);
    let mut r = ranked(&l);
    r.sort();
    assert_eq!(r, vec!["format_date", "parse_date"]);
    assert!(l
        .suspects
        .iter()
        .all(|s| clue_kinds(s) == vec!["named_in_failure"]));
}

#[test]
fn the_report_shape_and_the_why_line() {
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run("f", &[("m.py", &[2])])],
            passing: vec![run("p", &[("m.py", &[7])])],
        }),
        files: vec![file("m.py", false, vec![func("Cls.a", (1, 3))])],
        frames: vec![Frame {
            file: "m.py".into(),
            line: 2,
        }],
        ..Evidence::default()
    };
    let l = localize(&e);
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!(json["mode"], "spectrum");
    assert_eq!(json["suspects"][0]["function"], "Cls.a");
    assert_eq!(json["suspects"][0]["rank"], 1);
    assert_eq!(json["suspects"][0]["evidence"][0]["kind"], "spectrum");
    assert_eq!(json["suspects"][0]["evidence"][1]["kind"], "frame");
    assert_eq!(
        l.suspects[0].why(),
        "m.py `Cls.a`: run by 1 of 1 failing and 0 of 1 passing tests (line 2); the error was raised here (line 2)"
    );
}

#[test]
fn names_test_matches_ids_at_separators_only() {
    let f = func("TestX.test_y", (1, 2));
    assert!(names_test("tests/t.py::TestX::test_y", &f));
    assert!(names_test("pkg.TestX.test_y", &f));
    assert!(names_test("test_y[param-1]", &f));
    assert!(!names_test("tests/t.py::TestX::test_yy", &f));
    assert!(!names_test("other_test_y", &f));
    let block = func("suite works", (1, 2));
    assert!(names_test("suite works", &block));
}

#[test]
fn a_const_fn_may_have_run_at_compile_time() {
    let mut f = func("build_tchar", (1, 9));
    f.signature = "const fn build_tchar() -> [bool; 256]".into();
    assert!(may_run_at_compile_time(&f));
    f.signature = "pub(crate) const fn parse(s: &str) -> u8".into();
    assert!(may_run_at_compile_time(&f));
    f.signature = "fn constant() -> u8".into();
    assert!(!may_run_at_compile_time(&f));
    f.signature = "def const(fn): ...".into();
    assert!(!may_run_at_compile_time(&f));
}
