//! The readers on real outputs of the real tools (tests/data/coverage/README.md says
//! how each was made), then through `syntax` and `localize` on the project that made
//! them: the function the fix changes must come first or next to the raise.

use crate::coverage::CoverageReport;
use crate::lang::grammar_for as for_path;
use crate::lang::rust::coverage as rust;
use crate::lang::{go::coverage as go, java::coverage as java};
use crate::lang::{javascript::coverage as javascript, python::coverage as python};
use crate::localize::{self, Coverage, Evidence, FailingTest, SourceFile, TestRun};
use crate::syntax::ParsedFile;
use std::path::Path;

fn data(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/coverage")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn lines(r: &CoverageReport, file: &str) -> Vec<u32> {
    r.all
        .get(file)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default()
}

/// The project's files as localization weighs them.
fn files(project: &str, paths: &[(&str, bool)]) -> Vec<SourceFile> {
    paths
        .iter()
        .map(|(p, is_test)| {
            let text = data(&format!("{project}/{p}"));
            let parsed = ParsedFile::parse(for_path(p).unwrap(), &text).unwrap();
            SourceFile::from_syntax(p, *is_test, &parsed)
        })
        .collect()
}

fn ranked(l: &localize::Localization) -> Vec<String> {
    l.suspects
        .iter()
        .map(|s| format!("{}:{}", s.path, s.function))
        .collect()
}

#[test]
fn python_the_plugin_engines_and_coverage_run_agree() {
    let plugin = python::read(&data("python/plugin-coveragepy.json"), "/tmp/covpy").unwrap();
    for other in [
        "python/plugin-tracer-settrace.json",
        "python/plugin-tracer-monitoring.json",
    ] {
        let r = python::read(&data(other), "/tmp/covpy").unwrap();
        assert_eq!(r, plugin, "{other}");
    }
    assert_eq!(
        lines(&plugin, "calc/core.py"),
        vec![1, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 19, 20, 21, 23, 24, 25, 26]
    );
    assert_eq!(
        plugin.per_test.keys().collect::<Vec<_>>(),
        vec![
            "tests/test_core.py::TestStats::test_spread",
            "tests/test_core.py::test_mean",
            "tests/test_core.py::test_mean_empty",
            "tests/test_core.py::test_total",
        ]
    );
    // The fixture runs inside its test's context.
    let mean = &plugin.per_test["tests/test_core.py::test_mean"];
    assert!(mean["tests/test_core.py"].contains(&8), "{mean:?}");
    // coverage.py's own dynamic contexts name the same tests by their functions.
    let dynamic = python::read(
        &data("python/coverage-run-dynamic-context.json"),
        "/tmp/covpy",
    )
    .unwrap();
    assert_eq!(dynamic.all["calc/core.py"], plugin.all["calc/core.py"]);
    for (ctx, lines) in &dynamic.per_test {
        let id = plugin
            .per_test
            .keys()
            .find(|id| python::context_names_test(ctx, id))
            .unwrap_or_else(|| panic!("{ctx}"));
        assert_eq!(
            lines.get("calc/core.py"),
            plugin.per_test[id].get("calc/core.py"),
            "{ctx}"
        );
    }
}

#[test]
fn python_end_to_end_the_buggy_function_ranks_first() {
    let report = python::read(&data("python/plugin-tracer-settrace.json"), "/tmp/covpy").unwrap();
    let failing = "tests/test_core.py::test_mean";
    let e = Evidence {
        coverage: Some(report.split(|id| python::context_names_test(id, failing))),
        files: files(
            "python/project",
            &[
                ("calc/core.py", false),
                ("calc/util.py", false),
                ("tests/test_core.py", true),
            ],
        ),
        messages: vec!["assert 3.0 == 2".into()],
        failing_tests: vec![FailingTest {
            file: Some("tests/test_core.py".into()),
            name: failing.into(),
        }],
        ..Evidence::default()
    };
    let l = localize::localize(&e);
    assert_eq!(
        ranked(&l),
        vec![
            "calc/core.py:mean",
            "calc/core.py:total",
            "calc/util.py:clean",
            "tests/test_core.py:test_mean",
            "tests/test_core.py:data",
        ]
    );
    assert_eq!((l.suspects[0].start_line, l.suspects[0].end_line), (12, 16));
}

#[test]
fn go_profiles_per_test_and_module_paths() {
    let one = go::read(&data("go/TestSumOne.out")).unwrap();
    let tok = "example.com/calc/internal/tok/tok.go";
    // `start < len(s)-1` skips the last number: the append after the loop never runs.
    assert_eq!(lines(&one, tok), vec![6, 7, 8, 9, 10, 15, 18]);
    let many = go::read(&data("go/TestSumMany.out")).unwrap();
    // Line 14 closes the loop: in no block.
    assert_eq!(
        lines(&many, tok),
        (6..=13).chain(15..=18).chain(21..=24).collect::<Vec<_>>()
    );
    let all = go::read(&data("go/all-tests.out")).unwrap();
    assert!(lines(&all, "example.com/calc/calc.go").contains(&17));
    let map = |p: &str| go::module_file(p, "example.com/calc", "");
    let run =
        |f: &str, id: &str| TestRun::single(id, go::read(&data(f)).unwrap().map_paths(map).all);
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run("go/TestSumOne.out", "TestSumOne")],
            passing: vec![
                run("go/TestSumMany.out", "TestSumMany"),
                run("go/TestAdd.out", "TestAdd"),
            ],
        }),
        files: files(
            "go/project",
            &[
                ("calc.go", false),
                ("internal/tok/tok.go", false),
                ("calc_test.go", true),
            ],
        ),
        failing_tests: vec![FailingTest {
            file: None,
            name: "TestSumOne".into(),
        }],
        ..Evidence::default()
    };
    let l = localize::localize(&e);
    // The bug is a line both tests run: the spectrum ties Sum and Split, the test's
    // call to Sum breaks the tie; Acc.Add, run by another test only, is no suspect.
    assert_eq!(
        ranked(&l),
        vec![
            "calc.go:Sum",
            "internal/tok/tok.go:Split",
            "calc_test.go:TestSumOne"
        ]
    );
}

#[test]
fn java_jacoco_xml_to_source_roots() {
    let r = java::read(&data("java/lowercasesTheRestOfEachWord.xml")).unwrap();
    assert_eq!(lines(&r, "com/example/Words.java"), vec![9, 12]);
    assert_eq!(lines(&r, "com/example/Titles.java"), vec![12, 13, 14]);
    let roots = vec!["src/main/java".to_string()];
    let on_disk = |p: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/coverage/java/project")
            .join(p)
            .is_file()
    };
    let mapped = r.map_paths(|p| java::in_source_root(p, &roots, on_disk));
    assert_eq!(
        mapped.all.keys().collect::<Vec<_>>(),
        vec![
            "src/main/java/com/example/Titles.java",
            "src/main/java/com/example/Words.java"
        ]
    );
    let run = |f: &str, id: &str| {
        TestRun::single(
            id,
            java::read(&data(f))
                .unwrap()
                .map_paths(|p| java::in_source_root(p, &roots, on_disk))
                .all,
        )
    };
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run(
                "java/lowercasesTheRestOfEachWord.xml",
                "com.example.TitlesTest#lowercasesTheRestOfEachWord",
            )],
            passing: vec![run(
                "java/capitalizesEachWord.xml",
                "com.example.TitlesTest#capitalizesEachWord",
            )],
        }),
        files: files(
            "java/project",
            &[
                ("src/main/java/com/example/Titles.java", false),
                ("src/main/java/com/example/Words.java", false),
                ("src/test/java/com/example/TitlesTest.java", true),
            ],
        ),
        failing_tests: vec![FailingTest {
            file: Some("src/test/java/com/example/TitlesTest.java".into()),
            name: "TitlesTest.lowercasesTheRestOfEachWord".into(),
        }],
        ..Evidence::default()
    };
    let l = localize::localize(&e);
    let r = ranked(&l);
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(
        r[..2].contains(&"src/main/java/com/example/Words.java:Words.capitalize".to_string()),
        "{r:?}"
    );
    assert_eq!(
        r[2],
        "src/test/java/com/example/TitlesTest.java:TitlesTest.lowercasesTheRestOfEachWord"
    );
}

#[test]
fn javascript_v8_per_process_files() {
    let root = "/tmp/covjs";
    let source = |rel: &str| Some(data(&format!("javascript/project/{rel}")));
    let collapse = javascript::read(
        &data("javascript/slugify-collapses-spaces.json"),
        root,
        source,
    )
    .unwrap();
    assert_eq!(
        collapse.all.keys().collect::<Vec<_>>(),
        vec!["lib/clean.js", "lib/slug.js", "test/slug.test.js"]
    );
    assert_eq!(lines(&collapse, "lib/clean.js"), vec![1, 2, 3, 4, 5]);
    // `shout` and `Counter` are defined (their declarations run) but never called.
    assert_eq!(
        lines(&collapse, "lib/slug.js"),
        vec![1, 2, 4, 5, 6, 7, 8, 10, 17, 23, 25]
    );
    let shout = javascript::read(&data("javascript/shout.json"), root, source).unwrap();
    // A function's own first line runs only when it is called (its range starts there).
    assert_eq!(
        lines(&shout, "lib/slug.js"),
        vec![1, 2, 4, 10, 11, 14, 15, 17, 23, 25]
    );

    let run = |f: &str, id: &str| {
        TestRun::single(id, javascript::read(&data(f), root, source).unwrap().all)
    };
    let e = Evidence {
        coverage: Some(Coverage {
            failing: vec![run(
                "javascript/slugify-collapses-spaces.json",
                "slugify collapses spaces",
            )],
            passing: vec![
                run("javascript/slugify-joins-words.json", "slugify joins words"),
                run("javascript/shout.json", "shout"),
            ],
        }),
        files: files(
            "javascript/project",
            &[
                ("lib/slug.js", false),
                ("lib/clean.js", false),
                ("test/slug.test.js", true),
            ],
        ),
        failing_tests: vec![FailingTest {
            file: None,
            name: "slugify collapses spaces".into(),
        }],
        ..Evidence::default()
    };
    let l = localize::localize(&e);
    let r = ranked(&l);
    assert!(r[..2].contains(&"lib/clean.js:clean".to_string()), "{r:?}");
    assert_eq!(
        r.last().unwrap(),
        "test/slug.test.js:slugify collapses spaces"
    );
}

#[test]
fn typescript_through_the_source_map_cache() {
    let r = javascript::read(&data("typescript/length.json"), "/tmp/covts", |_| None).unwrap();
    assert_eq!(
        r.all.keys().collect::<Vec<_>>(),
        vec!["src/range.ts", "test/range.test.ts"]
    );
    // `length` ran; `overlaps` only has its declaration evaluated (tsc keeps the doc
    // comment, line 6, in the module's code).
    assert_eq!(lines(&r, "src/range.ts"), vec![6, 7, 8, 9, 11]);
    let o = javascript::read(&data("typescript/overlaps.json"), "/tmp/covts", |_| None).unwrap();
    // Line 7 too: tsc's `exports.length = length;` maps to `export function length`,
    // a declaration line, which localization never counts as the function running.
    assert_eq!(lines(&o, "src/range.ts"), vec![6, 7, 11, 12, 15, 16]);
}

#[test]
fn rust_llvm_cov_export_and_the_backtrace_fallback() {
    let one = rust::read(&data("rust/sums_one_digit.json"), "/tmp/covrs").unwrap();
    assert_eq!(
        one.all.keys().collect::<Vec<_>>(),
        vec!["src/lex.rs", "src/lib.rs", "tests/sum.rs"]
    );
    // As `llvm-cov show` counts them: "7" is one digit, the push never runs.
    assert_eq!(lines(&one, "src/lex.rs"), vec![1, 2, 3, 4, 5, 7, 9, 10]);
    let many = rust::read(&data("rust/sums_many.json"), "/tmp/covrs").unwrap();
    assert_eq!(lines(&many, "src/lex.rs"), vec![1, 2, 3, 4, 5, 6, 7, 9, 10]);
    assert_eq!(lines(&many, "src/lib.rs"), vec![5, 6, 7]);

    let frames = rust::backtrace_frames(&data("rust/panic-backtrace.txt"), "/tmp/covrs");
    let shown: Vec<String> = frames
        .iter()
        .map(|f| format!("{}:{}", f.file, f.line))
        .collect();
    assert_eq!(
        shown,
        vec![
            "src/lex.rs:6",
            "src/lib.rs:6",
            "tests/sum.rs:13",
            "tests/sum.rs:12"
        ]
    );
    // Nothing instrumented: the static ranking over the frames puts the panic first.
    let e = Evidence {
        files: files(
            "rust/project",
            &[
                ("src/lex.rs", false),
                ("src/lib.rs", false),
                ("tests/sum.rs", true),
            ],
        ),
        frames,
        failing_tests: vec![FailingTest {
            file: Some("tests/sum.rs".into()),
            name: "sums_with_garbage".into(),
        }],
        ..Evidence::default()
    };
    let l = localize::localize(&e);
    assert_eq!(
        ranked(&l),
        vec![
            "src/lex.rs:split",
            "src/lib.rs:sum",
            "tests/sum.rs:sums_with_garbage"
        ]
    );
}

/// The coverage command each language builds from the framework's scoped run, as
/// `validate::coverage` writes it for a local run and for `validation: docker` alike:
/// it names no path of this machine (the project is `$PWD`, the support files are
/// `$SELF_HEAL_COV_SUPPORT`, beside the step script wherever it runs), so the same
/// text runs in the container.
mod built_commands {
    use crate::lang::coverage::{CoverageRequest, SupportContents, ToolCache};
    use crate::lang::framework::ScopedCommand;
    use crate::lang::Language;
    use std::path::Path;

    fn plan(
        lang: &str,
        project: &Path,
        cache: &Path,
        argv: &[&str],
        failing: &[&str],
    ) -> Result<crate::lang::coverage::CoveragePlan, String> {
        let scoped = ScopedCommand::stdout(argv.iter().map(|s| s.to_string()).collect());
        let failing: Vec<String> = failing.iter().map(|s| s.to_string()).collect();
        let tools = ToolCache {
            dir: cache.to_path_buf(),
        };
        let req = CoverageRequest {
            failing: &failing,
            scoped: &scoped,
            project,
            max_neighbours: 7,
            tools: &tools,
        };
        let p = Language::named(lang).coverage().unwrap().plan(&req)?;
        let here = project.to_string_lossy();
        let cached = cache.to_string_lossy();
        assert!(!p.command.contains(here.as_ref()), "{}", p.command);
        assert!(!p.command.contains(cached.as_ref()), "{}", p.command);
        Ok(p)
    }

    #[test]
    fn python_runs_the_failing_files_under_the_plugin() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan(
            "python",
            dir.path(),
            dir.path(),
            &[
                "python",
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/test_a.py::test_x",
                "tests/test_a.py::T::test_y",
            ],
            &["tests/test_a.py::test_x", "tests/test_a.py::T::test_y"],
        )
        .unwrap();
        assert!(
            p.command.ends_with(
                "python -m pytest -q -p no:cacheprovider tests/test_a.py -p selfheal_coverage"
            ),
            "{}",
            p.command
        );
        assert!(p.command.contains(
            "SELF_HEAL_COV_FAILING='tests/test_a.py::test_x\ntests/test_a.py::T::test_y'"
        ));
        assert!(p.command.contains("SELF_HEAL_COV_MAX_NEIGHBOURS=7"));
        assert!(p
            .command
            .starts_with("PYTHONPATH=\"$SELF_HEAL_COV_SUPPORT${PYTHONPATH:+:$PYTHONPATH}\""));
        assert_eq!(p.support[0].name, "selfheal_coverage.py");
        assert!(plan(
            "python",
            dir.path(),
            dir.path(),
            &["python", "-m", "unittest", "t"],
            &["t"]
        )
        .is_err());
    }

    #[test]
    fn go_names_each_test_by_package_and_anchored_run_pattern() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("go.mod"),
            "module example.com/m\n\ngo 1.22\n",
        )
        .unwrap();
        let p = plan(
            "go",
            dir.path(),
            dir.path(),
            &["go", "test", "-json", "-run", "x", "./slug"],
            &[
                "example.com/m/slug.TestMake/trailing_punctuation",
                "example.com/m.TestA",
            ],
        )
        .unwrap();
        assert_eq!(
            p.command,
            "SELF_HEAL_COV_TESTS='./slug\t^TestMake$/^trailing_punctuation$\texample.com/m/slug.TestMake/trailing_punctuation\n.\t^TestA$\texample.com/m.TestA' \
             SELF_HEAL_COV_MAX_NEIGHBOURS=7 sh \"$SELF_HEAL_COV_SUPPORT/go-coverage.sh\""
        );
    }

    #[test]
    fn java_puts_the_agent_in_java_tool_options_with_the_projects_packages() {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        // The jars as the cache keeps them: nothing is fetched.
        let jacoco = cache.path().join("jacoco");
        std::fs::create_dir_all(&jacoco).unwrap();
        for jar in [
            "org.jacoco.agent-0.8.15-runtime.jar",
            "org.jacoco.cli-0.8.15-nodeps.jar",
        ] {
            std::fs::write(jacoco.join(jar), "jar").unwrap();
        }
        let p = plan(
            "java",
            dir.path(),
            cache.path(),
            &[
                "mvn",
                "-B",
                "-ntp",
                "test",
                "-Dtest=com.acme.ledger.LedgerTest#posts",
            ],
            &[
                "com.acme.ledger.LedgerTest#posts",
                "org.acme.version.VersionTest#x",
            ],
        )
        .unwrap();
        assert!(p.command.starts_with(
            "JAVA_TOOL_OPTIONS=\"${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }-javaagent:$SELF_HEAL_COV_SUPPORT/jacocoagent.jar=destfile=$PWD/.self-heal-coverage/jacoco.exec,includes=com.acme.*:org.acme.*\" \
             mvn -B -ntp test -Dtest=com.acme.ledger.LedgerTest#posts -Djacoco.skip=true || rc=$?\n"
        ), "{}", p.command);
        assert!(p.command.contains("java -jar \"$SELF_HEAL_COV_SUPPORT/jacococli.jar\" report .self-heal-coverage/jacoco.exec \"$@\" --xml .self-heal-coverage/jacoco.xml"));
        assert_eq!(
            p.support[0].contents,
            SupportContents::Copy(jacoco.join("org.jacoco.agent-0.8.15-runtime.jar"))
        );
        let g = plan(
            "java",
            dir.path(),
            cache.path(),
            &["gradle", "test", "--tests", "a.B.c"],
            &["a.B#c"],
        )
        .unwrap();
        assert!(
            g.command
                .contains("includes=a.*\" gradle test --tests a.B.c || rc=$?"),
            "{}",
            g.command
        );
        assert!(!g.command.contains("jacoco.skip"));
    }

    #[test]
    fn node_v8_for_node_and_mocha_and_the_v8_provider_for_jest() {
        let dir = tempfile::tempdir().unwrap();
        let node = plan(
            "javascript",
            dir.path(),
            dir.path(),
            &["node", "--test", "--test-name-pattern=^a$"],
            &["a"],
        )
        .unwrap();
        assert_eq!(
            node.command,
            "NODE_V8_COVERAGE=\"$PWD/.self-heal-coverage/v8\" NODE_OPTIONS=\"${NODE_OPTIONS:+$NODE_OPTIONS }--enable-source-maps\" node --test '--test-name-pattern=^a$'"
        );
        let jest = plan(
            "javascript",
            dir.path(),
            dir.path(),
            &["npx", "jest", "-t", "^a$"],
            &["a"],
        )
        .unwrap();
        assert_eq!(
            jest.command,
            "npx jest -t '^a$' --coverage --coverageProvider=v8 --coverageReporters=json \
             --coveragePathIgnorePatterns=/node_modules/ '--coverageThreshold={}' \
             \"--coverageDirectory=$PWD/.self-heal-coverage/istanbul\""
        );
        let vitest = plan(
            "javascript",
            dir.path(),
            dir.path(),
            &["npx", "vitest", "run", "-t", "^a$"],
            &["a"],
        );
        assert_eq!(
            vitest.unwrap_err(),
            "vitest's v8 coverage needs @vitest/coverage-v8, which the project does not install"
        );
        std::fs::create_dir_all(dir.path().join("node_modules/@vitest/coverage-v8")).unwrap();
        let vitest = plan(
            "javascript",
            dir.path(),
            dir.path(),
            &["npx", "vitest", "run", "-t", "^a$"],
            &["a"],
        )
        .unwrap();
        assert!(
            vitest.command.contains("--coverage.provider=v8"),
            "{}",
            vitest.command
        );
        // The run holds failing tests: without this vitest writes no report at all.
        assert!(
            vitest.command.contains("--coverage.reportOnFailure=true"),
            "{}",
            vitest.command
        );
    }

    #[test]
    fn rust_hands_the_script_the_test_names_and_the_scoped_run() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan(
            "rust",
            dir.path(),
            dir.path(),
            &[
                "cargo",
                "test",
                "--no-fail-fast",
                "--",
                "--exact",
                "tests::a",
            ],
            &["tests::a"],
        )
        .unwrap();
        assert_eq!(
            p.command,
            "SELF_HEAL_COV_TESTS=tests::a SELF_HEAL_COV_MAX_NEIGHBOURS=7 SELF_HEAL_COV_SCOPED='cargo test --no-fail-fast -- --exact tests::a' \\\nsh \"$SELF_HEAL_COV_SUPPORT/rust-coverage.sh\""
        );
    }
}
