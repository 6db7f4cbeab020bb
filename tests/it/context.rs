//! What the model gets to read: the failing test, the located code, the repo modules they import.

use self_heal::analyze::{Analysis, Failure, FailureKind};
use self_heal::repair::context::{gather, RepairContext, INSTRUCTIONS_CAP};
use self_heal::repair::PathPolicy;
use std::path::Path;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn failure(test: Option<&str>, file: Option<&str>, line: Option<u32>) -> Analysis {
    Analysis {
        failures: vec![Failure {
            kind: FailureKind::TestFailure,
            tool: "pytest".into(),
            test: test.map(str::to_string),
            file: file.map(str::to_string),
            line,
            message: "NameError: name 'totl' is not defined".into(),
            ..Default::default()
        }],
        ..Analysis::default()
    }
}

fn paths(ctx: &RepairContext) -> Vec<&str> {
    ctx.files.iter().map(|f| f.path.as_str()).collect()
}

/// Every numbered line must be the file's real line `n`; returns the numbers shown.
fn check_numbering(root: &Path, ctx: &RepairContext) -> Vec<(String, usize)> {
    let mut shown = Vec::new();
    for f in &ctx.files {
        let text = std::fs::read_to_string(root.join(&f.path)).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for l in f.numbered.lines() {
            if l == "    ..." || (l.starts_with("... (") && l.ends_with(" more lines)")) {
                continue;
            }
            let (num, code) = l
                .split_once("| ")
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            let n: usize = num
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad number {l:?}"));
            assert_eq!(num.len(), 4.max(n.to_string().len()), "width of {l:?}");
            assert_eq!(code, lines[n - 1], "{}:{n}", f.path);
            shown.push((f.path.clone(), n));
        }
    }
    shown
}

const TEST_FILE: &str = "import pytest\nfrom calc.core import total\nimport calc.util as u\nfrom pkg.mod import helper\n\n\ndef test_other():\n    assert u.one() == 1\n\n\n@pytest.mark.slow\ndef test_total():\n    data = [1, 2, 3]\n    assert total(data) == 6\n\n\ndef test_third():\n    pass\n";

fn sample() -> tempfile::TempDir {
    project(&[
        ("calc/__init__.py", ""),
        (
            "calc/core.py",
            "from .helpers import clamp\n\n\ndef total(xs):\n    return clamp(totl)\n",
        ),
        (
            "calc/helpers.py",
            "from . import deep\n\n\ndef clamp(x):\n    return x\n",
        ),
        ("calc/deep.py", "DEEP = 1\n"),
        ("calc/util.py", "def one():\n    return 1\n"),
        ("src/pkg/__init__.py", ""),
        ("src/pkg/mod.py", "def helper():\n    return 2\n"),
        ("tests/test_calc.py", TEST_FILE),
        ("unrelated.py", "X = 1\n"),
    ])
}

#[test]
fn follows_imports_two_levels_in_priority_order() {
    let dir = sample();
    let a = failure(
        Some("tests/test_calc.py::test_total"),
        Some("calc/core.py"),
        Some(5),
    );
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "tests/test_calc.py",
            "calc/core.py",
            "calc/util.py",
            "src/pkg/mod.py",
            "calc/helpers.py"
        ],
        "test, located file, the test's imports, then theirs; calc/deep.py is a third level"
    );
    let shown = check_numbering(dir.path(), &ctx);
    let test_lines: Vec<usize> = shown
        .iter()
        .filter(|(p, _)| p == "tests/test_calc.py")
        .map(|(_, n)| *n)
        .collect();
    // The imports at the top and the failing function with its decorator, not the others.
    assert_eq!(test_lines, vec![1, 2, 3, 4, 11, 12, 13, 14]);
    assert!(
        ctx.files[0].numbered.contains("    ...\n"),
        "gap marker between parts"
    );
    assert!(ctx.files[1]
        .numbered
        .contains("   5|     return clamp(totl)"));
    assert!(ctx.instructions.is_none());
}

#[test]
fn window_around_the_located_line_of_a_big_file() {
    let big: String = (1..=300).map(|i| format!("x{i} = {i}\n")).collect();
    let dir = project(&[("big.py", &big)]);
    let ctx = gather(
        dir.path(),
        &failure(None, Some("big.py"), Some(150)),
        100_000,
    );
    let shown: Vec<usize> = check_numbering(dir.path(), &ctx)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(shown, (110..=190).collect::<Vec<_>>());
}

#[test]
fn respects_the_budget_at_line_boundaries() {
    let dir = sample();
    let a = failure(
        Some("tests/test_calc.py::test_total"),
        Some("calc/core.py"),
        Some(5),
    );
    let full = gather(dir.path(), &a, 100_000);
    let full_len: usize = full.files.iter().map(|f| f.numbered.len()).sum();
    for budget in [0, 30, 90, 150, 250, full_len - 20] {
        let ctx = gather(dir.path(), &a, budget);
        let used: usize = ctx.files.iter().map(|f| f.numbered.len()).sum();
        assert!(used <= budget, "budget {budget}: used {used}");
        check_numbering(dir.path(), &ctx);
        if budget >= 90 && budget < full_len {
            assert!(
                ctx.files
                    .iter()
                    .any(|f| f.numbered.contains(" more lines)")),
                "budget {budget}: truncation must be marked: {ctx:?}"
            );
        }
    }
    // The highest priority comes first under a tight budget.
    let ctx = gather(dir.path(), &a, 150);
    assert_eq!(paths(&ctx), vec!["tests/test_calc.py"]);
}

#[test]
fn never_reads_outside_the_root_or_secret_files() {
    let outside = project(&[("secret.py", "TOKEN = 'x'\n")]);
    let dir = project(&[
        (".env", "TOKEN=abc\n"),
        (
            "tests/test_a.py",
            "from . import conf\n\n\ndef test_a():\n    assert False\n",
        ),
        ("bin.py", "\u{0}\u{1}binary"),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.py"),
        dir.path().join("tests/conf.py"),
    )
    .expect("symlink");
    let escape = format!(
        "../{}/secret.py",
        outside.path().file_name().expect("name").to_string_lossy()
    );
    let abs = outside
        .path()
        .join("secret.py")
        .to_string_lossy()
        .into_owned();
    for file in [
        escape.as_str(),
        abs.as_str(),
        ".env",
        "bin.py",
        "tests/conf.py",
        "/etc/passwd",
    ] {
        let ctx = gather(
            dir.path(),
            &failure(Some("tests/test_a.py::test_a"), Some(file), Some(1)),
            100_000,
        );
        assert_eq!(
            paths(&ctx),
            vec!["tests/test_a.py"],
            "{file} must not be read"
        );
        for f in &ctx.files {
            assert!(!f.numbered.contains("TOKEN"), "{file}: leaked {f:?}");
        }
    }
}

#[test]
fn reads_repository_instructions_capped() {
    let dir = project(&[("AGENTS.md", "Never touch migrations.\n")]);
    let ctx = gather(dir.path(), &Analysis::default(), 1000);
    assert_eq!(
        ctx.instructions.as_deref(),
        Some("Never touch migrations.\n")
    );
    let long: String = (0..1000).map(|i| format!("rule {i}\n")).collect();
    let dir = project(&[(".github/self-heal.md", &long)]);
    let ins = gather(dir.path(), &Analysis::default(), 1000)
        .instructions
        .expect("instructions");
    assert!(ins.len() <= INSTRUCTIONS_CAP, "{}", ins.len());
    assert!(
        ins.starts_with("rule 0\n") && ins.ends_with(" more lines)\n"),
        "{ins}"
    );
}

#[test]
fn class_based_and_parametrized_test_ids() {
    let src = "import os\n\n\nclass TestA:\n    def test_x(self):\n        assert 1\n\n\nclass TestB:\n    def test_x(self):\n        assert 2\n";
    let dir = project(&[("tests/test_cls.py", src)]);
    let ctx = gather(
        dir.path(),
        &failure(Some("tests/test_cls.py::TestB::test_x[1-2]"), None, None),
        10_000,
    );
    let shown: Vec<usize> = check_numbering(dir.path(), &ctx)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        shown,
        vec![1, 9, 10, 11],
        "imports, the class line, the method"
    );
}

#[test]
fn ci_runner_paths_map_into_the_checkout_but_interpreter_paths_do_not() {
    let dir = sample();
    let a = failure(
        None,
        Some("/home/runner/work/proj/proj/calc/core.py"),
        Some(5),
    );
    assert_eq!(paths(&gather(dir.path(), &a, 10_000)), vec!["calc/core.py"]);
    let dir = project(&[("json/decoder.py", "X = 1\n")]);
    let a = failure(None, Some("/usr/lib/python3.11/json/decoder.py"), Some(1));
    assert!(gather(dir.path(), &a, 10_000).files.is_empty());
}

/// One list for what the model may neither read nor edit: credential files that
/// the context once showed although the policy refused edits to them.
#[test]
fn credential_files_are_neither_shown_nor_editable() {
    let dir = project(&[
        (".htpasswd", "admin:$apr1$HASHSECRET\n"),
        (
            ".git-credentials",
            "https://x-access-token:HASHSECRET@github.com\n",
        ),
        ("deploy/.htpasswd", "ops:$apr1$HASHSECRET\n"),
        ("tests/test_a.py", "def test_a():\n    assert False\n"),
    ]);
    let policy = PathPolicy::new(&[], false).expect("policy");
    for file in [".htpasswd", ".git-credentials", "deploy/.htpasswd"] {
        let ctx = gather(
            dir.path(),
            &failure(Some("tests/test_a.py::test_a"), Some(file), Some(1)),
            100_000,
        );
        assert_eq!(paths(&ctx), vec!["tests/test_a.py"], "{file} was shown");
        assert!(
            policy.check(dir.path(), file).is_err(),
            "{file} is editable"
        );
    }
}

// ---------------------------------------------------------------------------------
// Other ecosystems: the test, the code under test and one more hop, from each
// ecosystem's own import rules.
// ---------------------------------------------------------------------------------

/// The budget the run gives the context by default (`context-tokens` 1500, × 16 chars).
const DEFAULT_BUDGET: usize = 1500 * 4 * 4;

fn failure_of(tool: &str, test: Option<&str>, file: Option<&str>, line: Option<u32>) -> Analysis {
    let mut a = failure(test, file, line);
    a.failures[0].tool = tool.into();
    a
}

/// Everything the model sees: paths and numbered text.
fn shown(ctx: &RepairContext) -> String {
    ctx.files
        .iter()
        .map(|f| format!("{}\n{}", f.path, f.numbered))
        .collect()
}

fn sample_expected(name: &str) -> serde_json::Value {
    let text =
        std::fs::read_to_string(crate::support::harness::sample_dir(name).join("expected.json"))
            .expect("expected.json");
    serde_json::from_str(&text).expect("json")
}

/// The context gathered for a sample from its own CI log, as the run gathers it.
fn sample_context(name: &str) -> RepairContext {
    let dir = crate::support::harness::sample_dir(name);
    let log = std::fs::read_to_string(dir.join("ci.log")).expect("ci.log");
    let opts = self_heal::analyze::AnalyzeOptions {
        workdir: Some(dir.clone()),
        ..Default::default()
    };
    let analysis = self_heal::analyze::analyze_text(&log, &opts);
    gather(&dir, &analysis, DEFAULT_BUDGET)
}

/// Every sample whose expected.json lists `context_must_include` gets all of it in
/// the context gathered from its real CI log, within the default budget.
#[test]
fn every_sample_context_includes_what_its_fix_needs() {
    let root = crate::support::harness::manifest_dir().join("sample_projects");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .expect("sample_projects")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| root.join(n).join("expected.json").is_file())
        .collect();
    names.sort();
    let mut checked = 0;
    for name in names {
        let expected = sample_expected(&name);
        let Some(must) = expected["context_must_include"].as_array() else {
            continue;
        };
        // The localization samples (issue 19) are checked on what the binary really
        // sends, in tests/it/localization.rs.
        if !expected["localization"].is_null() {
            continue;
        }
        let ctx = sample_context(&name);
        let text = shown(&ctx);
        for s in must {
            let s = s.as_str().expect("strings");
            assert!(
                text.contains(s),
                "{name}: the context lacks {s:?}; it has {:?}",
                paths(&ctx)
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 15,
        "every non-Python sample lists what it needs: {checked}"
    );
}

#[test]
fn hop_samples_come_most_relevant_first() {
    assert_eq!(
        paths(&sample_context("go-wordfreq")),
        vec!["wordfreq_test.go", "wordfreq.go"]
    );
    assert_eq!(
        paths(&sample_context("rust-integration-hop")),
        vec!["tests/invoice.rs", "src/lib.rs", "src/tax.rs"]
    );
    assert_eq!(
        paths(&sample_context("java-junit5-hop")),
        vec![
            "src/test/java/com/example/TitlesTest.java",
            "src/main/java/com/example/Titles.java",
            "src/main/java/com/example/Words.java"
        ]
    );
    assert_eq!(
        paths(&sample_context("java-gradle-hop")),
        vec![
            "src/test/java/com/example/ReceiptTest.java",
            "src/main/java/com/example/Receipt.java",
            "src/main/java/com/example/Money.java"
        ]
    );
    assert_eq!(
        paths(&sample_context("js-jest-hop")),
        vec!["test/cart.test.js", "src/cart.js", "src/pricing.js"]
    );
    assert_eq!(
        paths(&sample_context("ts-type-error")),
        vec!["src/format.ts", "src/revenue.ts", "src/types.ts"]
    );
    // RSpec: the spec, what it requires, what that requires.
    assert_eq!(
        paths(&sample_context("ruby-rspec-hop")),
        vec![
            "spec/invoice_spec.rb",
            "lib/invoice.rb",
            "lib/invoice/line.rb"
        ]
    );
    // Minitest: the test of `WordCountTest#test_top` (found by its class) and the
    // located line in the code under test.
    assert_eq!(
        paths(&sample_context("ruby-minitest")),
        vec!["test/word_count_test.rb", "lib/word_count.rb"]
    );
}

#[test]
fn go_test_body_package_files_and_imported_module_packages() {
    let test = "package calc\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/internal/round\"\n)\n\nfunc TestOther(t *testing.T) {\n\t_ = round.Up(1)\n}\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n";
    let dir = project(&[
        ("go.mod", "module example.com/m\n\ngo 1.22\n"),
        ("calc/calc_test.go", test),
        (
            "calc/calc.go",
            "package calc\n\nfunc Add(a, b int) int { return a - b }\n",
        ),
        ("calc/aaa.go", "package calc\n\nconst A = 1\n"),
        (
            "internal/round/round.go",
            "package round\n\nfunc Up(x int) int { return x }\n",
        ),
        ("internal/round/round_test.go", "package round\n"),
        ("other/other.go", "package other\n"),
    ]);
    let a = failure_of("go", Some("example.com/m/calc.TestAdd"), None, None);
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "calc/calc_test.go",
            "calc/calc.go",
            "calc/aaa.go",
            "internal/round/round.go"
        ],
        "the test, its own file first, the package, the imported package; no tests of it"
    );
    let lines: Vec<usize> = check_numbering(dir.path(), &ctx)
        .into_iter()
        .filter(|(p, _)| p == "calc/calc_test.go")
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        lines,
        vec![1, 2, 3, 4, 5, 6, 7, 13, 14, 15, 16, 17],
        "header and TestAdd only"
    );
}

#[test]
fn rust_mod_crate_and_super_paths() {
    let dir = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"my-lib\"\nversion = \"0.1.0\"\n",
        ),
        ("src/lib.rs", "pub mod a;\nmod b;\n"),
        ("src/a.rs", "pub mod inner;\nuse crate::b::helper;\n"),
        (
            "src/a/inner.rs",
            "use super::super::b;\nuse super::sibling;\n",
        ),
        ("src/a/sibling.rs", "pub fn s() {}\n"),
        ("src/b/mod.rs", "pub fn helper() {}\n"),
        (
            "tests/it.rs",
            "use my_lib::a::inner;\n\n#[test]\nfn works() {\n    assert!(true);\n}\n",
        ),
    ]);
    let a = failure_of("cargo", Some("works"), Some("tests/it.rs"), Some(5));
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "tests/it.rs",
            "src/lib.rs",
            "src/a/inner.rs",
            "src/a.rs",
            "src/b/mod.rs",
            "src/a/sibling.rs"
        ]
    );
    let a = failure_of("cargo", Some("a::inner::tests::t"), Some("src/a.rs"), None);
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "src/a.rs",
            "src/a/inner.rs",
            "src/b/mod.rs",
            "src/a/sibling.rs"
        ]
    );
}

#[test]
fn js_relative_index_extension_and_tsconfig_paths() {
    let dir = project(&[
        (
            "tsconfig.json",
            "{\n  // comments are allowed\n  \"compilerOptions\": {\n    \"baseUrl\": \".\",\n    \"paths\": { \"@lib/*\": [\"src/lib/*\"], },\n  },\n}\n",
        ),
        (
            "test/a.test.ts",
            "import { b } from '../src/b.js';\nimport u from '@lib/util';\nimport * as m from 'src/models';\nconst c = require('../src/c');\nimport x from 'left-pad';\n\ndescribe('a', () => {\n  it('adds', () => {\n    expect(b()).toBe(1);\n  });\n});\n",
        ),
        ("src/b.ts", "import { d } from './d';\nexport const b = () => d;\n"),
        ("src/d/index.ts", "export const d = 1;\n"),
        ("src/lib/util.tsx", "export default 1;\n"),
        ("src/models/index.js", "module.exports = {};\n"),
        ("src/c.mjs", "export const c = 1;\n"),
    ]);
    let a = failure_of("jest", Some("a › adds"), Some("test/a.test.ts"), Some(9));
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "test/a.test.ts",
            "src/b.ts",
            "src/lib/util.tsx",
            "src/models/index.js",
            "src/c.mjs",
            "src/d/index.ts"
        ]
    );
}

#[test]
fn java_test_to_class_imports_and_same_package() {
    let dir = project(&[
        (
            "src/test/java/com/acme/ShopTest.java",
            "package com.acme;\n\nimport com.acme.money.Cents;\nimport org.junit.jupiter.api.Test;\n\nclass ShopTest {\n    @Test\n    void other() {}\n\n    @Test\n    void sums() {\n        new Shop(new Basket(), Cents.of(1));\n    }\n}\n",
        ),
        ("src/main/java/com/acme/Shop.java", "package com.acme;\n\nclass Shop {}\n"),
        ("src/main/java/com/acme/Basket.java", "package com.acme;\n\nclass Basket {}\n"),
        ("src/main/java/com/acme/Unused.java", "package com.acme;\n\nclass Unused {}\n"),
        ("src/main/java/com/acme/money/Cents.java", "package com.acme.money;\n\nclass Cents {}\n"),
    ]);
    let a = failure_of("maven", Some("com.acme.ShopTest#sums"), None, None);
    let ctx = gather(dir.path(), &a, 100_000);
    assert_eq!(
        paths(&ctx),
        vec![
            "src/test/java/com/acme/ShopTest.java",
            "src/main/java/com/acme/Shop.java",
            "src/main/java/com/acme/money/Cents.java",
            "src/main/java/com/acme/Basket.java"
        ],
        "FooTest → Foo, imports, then the same-package classes it names"
    );
    let lines: Vec<usize> = check_numbering(dir.path(), &ctx)
        .into_iter()
        .filter(|(p, _)| p.ends_with("ShopTest.java"))
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        lines,
        vec![1, 2, 3, 4, 6, 10, 11, 12, 13],
        "header, class line, the test"
    );
}

/// Hostile trees: import cycles, thousands of imports, files too big or binary, and
/// symlinks out of the checkout end quietly inside the budget and the root.
#[test]
fn hostile_trees_stay_inside_the_root_and_the_budget() {
    let outside = project(&[
        ("leak.js", "const TOKEN = 'OUTSIDE';\n"),
        ("pkg/leak.go", "package pkg\n// OUTSIDE\n"),
    ]);
    // The hostile imports first, so the cap on imports per file does not hide them.
    let mut imports =
        "import big from './big';\nimport bin from './bin';\nimport leak from './leak';\n"
            .to_string();
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..3000 {
        imports.push_str(&format!("import m{i} from './m/m{i}';\n"));
        files.push((format!("src/m/m{i}.js"), format!("export default {i};\n")));
    }
    files.push(("src/main.test.js".into(), imports));
    files.push(("src/big.js".into(), "x".repeat(3 * 1024 * 1024)));
    files.push(("src/bin.js".into(), "\u{0}\u{1}OUTSIDE".into()));
    files.push(("go.mod".into(), "module example.com/h\n".into()));
    files.push((
        "h_test.go".into(),
        "package h\n\nimport \"example.com/h/pkg\"\nimport \"example.com/h/../../etc\"\n\nfunc TestH(t *testing.T) {}\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = project(&refs);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("leak.js"),
            dir.path().join("src/leak.js"),
        )
        .expect("symlink");
        std::os::unix::fs::symlink(outside.path().join("pkg"), dir.path().join("pkg"))
            .expect("symlink");
    }
    for budget in [500, DEFAULT_BUDGET, 1_000_000] {
        let a = failure_of("jest", Some("t"), Some("src/main.test.js"), Some(1));
        let ctx = gather(dir.path(), &a, budget);
        let used: usize = ctx.files.iter().map(|f| f.numbered.len()).sum();
        assert!(used <= budget, "budget {budget}: used {used}");
        assert!(
            ctx.files.len() <= 200,
            "a bounded number of files: {}",
            ctx.files.len()
        );
        let text = shown(&ctx);
        assert!(
            !text.contains("OUTSIDE"),
            "budget {budget}: read outside the root"
        );
        assert!(
            !paths(&ctx).contains(&"src/big.js"),
            "huge files are never read"
        );
        let a = failure_of(
            "go",
            Some("example.com/h TestH"),
            Some("h_test.go"),
            Some(6),
        );
        let ctx = gather(dir.path(), &a, budget);
        assert!(
            !shown(&ctx).contains("OUTSIDE"),
            "a symlinked package dir leads out"
        );
    }
    // Cycles end: each file is shown once.
    let dir = project(&[
        ("t.test.js", "import a from './a';\n"),
        ("a.js", "import b from './b';\n"),
        ("b.js", "import a from './a';\nimport t from './t.test';\n"),
        ("Cargo.toml", "[package]\nname = \"c\"\n"),
        ("src/lib.rs", "mod x;\nuse crate::x::y;\n"),
        ("src/x.rs", "use crate::x;\nuse super::x;\n"),
    ]);
    let a = failure_of("jest", Some("t"), Some("t.test.js"), Some(1));
    assert_eq!(
        paths(&gather(dir.path(), &a, 100_000)),
        vec!["t.test.js", "a.js", "b.js"]
    );
    let a = failure_of("rustc", None, Some("src/x.rs"), Some(1));
    assert_eq!(paths(&gather(dir.path(), &a, 100_000)), vec!["src/x.rs"]);
}

/// The real binary on the Go sample: the request the model gets carries the package's
/// code under test (`wordfreq.go`, where the bug is), not only the test the log names.
#[test]
fn the_model_request_for_a_go_failure_carries_the_code_under_test() {
    use crate::support::fake_openai::{FakeOpenAi, Reply};
    use crate::support::harness::Test;
    let expected = sample_expected("go-wordfreq");
    let fix = &expected["fix"][0];
    let (path, search, replace) = (
        fix["path"].as_str().expect("path"),
        fix["search"].as_str().expect("search"),
        fix["replace"].as_str().expect("replace"),
    );
    let fake = FakeOpenAi::start([Reply::reply_edits(
        "lower-case words",
        &[(path, search, replace)],
    )]);
    let t = Test::with_sample("go-wordfreq");
    let log = t.repo().join("ci.log");
    let out = Test::new()
        .current_dir(t.repo())
        .args([
            "run",
            "--dry-run",
            "--yes",
            "--log",
            log.to_str().expect("utf-8"),
        ])
        .args(["--workdir", t.repo().to_str().expect("utf-8")])
        .args(["--openai-base-url", &fake.base_url()])
        .env("OPENAI_API_KEY", "sk-test-key-0123456789")
        .run();
    let requests = fake.requests();
    assert!(!requests.is_empty(), "the model was never asked: {out:?}");
    let prompt: String = requests[0]
        .messages()
        .into_iter()
        .map(|(_, c)| c)
        .collect::<Vec<_>>()
        .join("\n");
    for s in expected["context_must_include"].as_array().expect("list") {
        let s = s.as_str().expect("string");
        assert!(prompt.contains(s), "the prompt lacks {s:?}:\n{prompt}");
    }
    assert!(
        prompt.contains("func TestCountIgnoresCase("),
        "the failing test's body"
    );
}
