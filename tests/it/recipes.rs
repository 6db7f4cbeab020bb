//! The "Did you mean" recipe on real tiny Python projects: the failure is produced by a real
//! pytest run, the recipe's edit is applied, and pytest must then pass.

use self_heal::analyze::{Analysis, Failure, FailureKind};
use self_heal::repair::recipes::{self, levenshtein, RecipeFix, RecipeOptions};
use self_heal::repair::Edit;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> PathBuf {
    which::which("python3")
        .expect("python3 is required for these tests (scripts/test.sh installs it)")
}

fn require_pytest() {
    let ok = Command::new(python())
        .args(["-m", "pytest", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "pytest is missing: install it with `python3 -m pip install pytest` (scripts/test.sh does this)"
    );
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// Runs the real pytest in `dir`; (passed, output).
fn pytest(dir: &Path) -> (bool, String) {
    require_pytest();
    let out = Command::new(python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(dir)
        // Stale bytecode of a same-second, same-size edit would hide the fix.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run pytest");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The failure as the pytest parser reports it: the deepest `file:line:` frame inside the
/// project, and the `E   SomeError: ...` line as the message.
fn failure_from_pytest(dir: &Path, output: &str, test: Option<&str>) -> Failure {
    let frame = regex::Regex::new(r"(?m)^(\S+\.py):(\d+): ").expect("regex");
    let (file, line) = frame
        .captures_iter(output)
        .filter(|c| dir.join(&c[1]).is_file() && !c[1].starts_with('/'))
        .map(|c| (c[1].to_string(), c[2].parse::<u32>().expect("line")))
        .last()
        .unwrap_or_else(|| panic!("no project frame in pytest output:\n{output}"));
    let message = output
        .lines()
        .find_map(|l| {
            let l = l.strip_prefix("E")?.trim();
            l.contains("Error:").then(|| l.to_string())
        })
        .unwrap_or_else(|| panic!("no error line in pytest output:\n{output}"));
    Failure {
        kind: FailureKind::TestFailure,
        tool: "pytest".into(),
        test: test.map(str::to_string),
        file: Some(file),
        line: Some(line),
        message,
        ..Default::default()
    }
}

fn analysis(failures: Vec<Failure>) -> Analysis {
    Analysis {
        language: Some(self_heal::lang::Language::named("python")),
        failures,
        ..Analysis::default()
    }
}

/// Plain string replacement, as the edit engine does it: `search` must match exactly once.
fn apply(dir: &Path, edits: &[Edit]) {
    for e in edits {
        let path = dir.join(&e.path);
        let text = std::fs::read_to_string(&path).expect("read edited file");
        assert_eq!(
            text.matches(&e.search).count(),
            1,
            "search must match once in {}: {:?}",
            e.path,
            e.search
        );
        std::fs::write(&path, text.replacen(&e.search, &e.replace, 1)).expect("write");
    }
}

/// Full cycle: pytest fails with `error`, the recipe suggests `name`, its edits put `fragment`
/// in place, and applying them makes pytest pass. Returns the fix for further checks.
fn heal(files: &[(&str, &str)], test: &str, error: &str, name: &str, fragment: &str) -> RecipeFix {
    let dir = project(files);
    let (passed, out) = pytest(dir.path());
    assert!(!passed, "project should fail before the fix:\n{out}");
    assert!(out.contains(error), "expected {error} in:\n{out}");
    let failure = failure_from_pytest(dir.path(), &out, Some(test));
    assert!(
        !failure.message.contains("Did you mean"),
        "pytest must not print the hint; the recipe computes it: {}",
        failure.message
    );
    let fixes = recipes::find(dir.path(), &analysis(vec![failure.clone()]));
    let fix = fixes
        .first()
        .unwrap_or_else(|| panic!("no recipe for {failure:?}"))
        .clone();
    assert_eq!(fix.recipe, "python-did-you-mean");
    assert!(
        fix.edits.iter().any(|e| e.replace.contains(fragment)),
        "edits should contain {fragment:?}: {:?}",
        fix.edits
    );
    assert!(
        fix.diagnosis.contains(&format!("`{name}`")),
        "{}",
        fix.diagnosis
    );
    apply(dir.path(), &fix.edits);
    let (passed, out) = pytest(dir.path());
    assert!(passed, "pytest should pass after {:?}:\n{out}", fix.edits);
    fix
}

const INIT: (&str, &str) = ("calc/__init__.py", "");

#[test]
fn local_variable_typo_is_fixed_on_its_line() {
    let fix = heal(
        &[
            INIT,
            (
                "calc/core.py",
                "def total(items):\n    result = 0\n    for item in items:\n        result += item\n    return reslt\n",
            ),
            (
                "tests/test_calc.py",
                "from calc.core import total\n\n\ndef test_total():\n    assert total([1, 2, 3]) == 6\n",
            ),
        ],
        "tests/test_calc.py::test_total",
        "NameError",
        "result",
        "    return result",
    );
    assert_eq!(
        fix.edits,
        vec![Edit {
            path: "calc/core.py".into(),
            search: "    return reslt".into(),
            replace: "    return result".into(),
        }]
    );
    assert!(
        fix.diagnosis.contains("calc/core.py:5"),
        "{}",
        fix.diagnosis
    );
}

#[test]
fn global_function_typo() {
    heal(
        &[
            INIT,
            (
                "calc/core.py",
                "def double(x):\n    return x * 2\n\n\ndef double_all(xs):\n    out = []\n    for x in xs:\n        out.append(doubel(x))\n    return out\n",
            ),
            (
                "tests/test_calc.py",
                "from calc.core import double_all\n\n\ndef test_double_all():\n    assert double_all([1, 2]) == [2, 4]\n",
            ),
        ],
        "tests/test_calc.py::test_double_all",
        "NameError",
        "double",
        "double(x)",
    );
}

#[test]
fn builtin_typo() {
    heal(
        &[
            INIT,
            ("calc/stats.py", "def mean(xs):\n    return sum(xs) / lenn(xs)\n"),
            (
                "tests/test_stats.py",
                "from calc.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n",
            ),
        ],
        "tests/test_stats.py::test_mean",
        "NameError",
        "len",
        "len(xs)",
    );
}

#[test]
fn installed_module_attribute() {
    let fix = heal(
        &[
            INIT,
            (
                "calc/geo.py",
                "import math\n\n\ndef hypot(a, b):\n    return math.sqr(a * a + b * b)\n",
            ),
            (
                "tests/test_geo.py",
                "from calc.geo import hypot\n\n\ndef test_hypot():\n    assert hypot(3, 4) == 5\n",
            ),
        ],
        "tests/test_geo.py::test_hypot",
        "AttributeError",
        "sqrt",
        "math.sqrt(",
    );
    assert!(
        fix.diagnosis.contains("AttributeError"),
        "{}",
        fix.diagnosis
    );
}

#[test]
fn repo_module_attribute() {
    heal(
        &[
            INIT,
            ("calc/rates.py", "VAT_RATE = 0.2\n\n\ndef vat(x):\n    return x * VAT_RATE\n"),
            (
                "calc/price.py",
                "from calc import rates\n\n\ndef gross(net):\n    return net + rates.vatt(net)\n",
            ),
            (
                "tests/test_price.py",
                "from calc.price import gross\n\n\ndef test_gross():\n    assert gross(100) == 120\n",
            ),
        ],
        "tests/test_price.py::test_gross",
        "AttributeError",
        "vat",
        "rates.vat(",
    );
}

#[test]
fn object_attribute_from_a_class_in_another_file() {
    heal(
        &[
            INIT,
            (
                "calc/bank.py",
                "class Account:\n    def __init__(self, owner):\n        self.owner = owner\n        self.balance = 0\n\n    def deposit(self, amount):\n        self.balance += amount\n",
            ),
            (
                "calc/report.py",
                "def summary(acct):\n    return f\"{acct.owner}: {acct.balanse}\"\n",
            ),
            (
                "tests/test_report.py",
                "from calc.bank import Account\nfrom calc.report import summary\n\n\ndef test_summary():\n    a = Account(\"ann\")\n    a.deposit(5)\n    assert summary(a) == \"ann: 5\"\n",
            ),
        ],
        "tests/test_report.py::test_summary",
        "AttributeError",
        "balance",
        "acct.balance",
    );
}

#[test]
fn builtin_type_attribute() {
    heal(
        &[
            INIT,
            (
                "calc/bag.py",
                "def collect(xs):\n    out = []\n    for x in xs:\n        out.apend(x)\n    return out\n",
            ),
            (
                "tests/test_bag.py",
                "from calc.bag import collect\n\n\ndef test_collect():\n    assert collect([1]) == [1]\n",
            ),
        ],
        "tests/test_bag.py::test_collect",
        "AttributeError",
        "append",
        "out.append(x)",
    );
}

#[test]
fn ci_runner_paths_are_mapped_into_the_checkout() {
    let dir = project(&[INIT, ("calc/core.py", CORE)]);
    let a = failing(
        "/home/runner/work/proj/proj/calc/core.py",
        5,
        "NameError: name 'reslt' is not defined",
    );
    let fixes = recipes::find(dir.path(), &a);
    assert_eq!(fixes.len(), 1, "{fixes:?}");
    assert_eq!(fixes[0].edits[0].path, "calc/core.py");
    assert_eq!(fixes[0].edits[0].replace, "    return result");
}

#[test]
fn import_of_misspelt_name_fixes_import_and_uses() {
    let fix = heal(
        &[
            INIT,
            ("calc/core.py", "def add(a, b):\n    return a + b\n"),
            (
                "tests/test_add.py",
                "from calc.core import ad\n\n\ndef test_add():\n    assert ad(1, 2) == 3\n",
            ),
        ],
        "tests/test_add.py",
        "ImportError",
        "add",
        "import add",
    );
    assert_eq!(fix.edits.len(), 2, "{:?}", fix.edits);
    assert_eq!(fix.edits[0].replace, "from calc.core import add");
}

#[test]
fn package_relative_import_typo() {
    heal(
        &[
            ("calc/__init__.py", "from .core import totl\n"),
            ("calc/core.py", "def total(xs):\n    return sum(xs)\n"),
            (
                "tests/test_pkg.py",
                "import calc\n\n\ndef test_total():\n    assert calc.total([1, 2]) == 3\n",
            ),
        ],
        "tests/test_pkg.py",
        "ImportError",
        "total",
        "import total",
    );
}

#[test]
fn method_name_missing_self_gets_self_prefix() {
    heal(
        &[
            INIT,
            (
                "calc/counter.py",
                "class Counter:\n    def __init__(self):\n        self.count = 0\n\n    def bump(self):\n        self.count = count + 1\n        return self.count\n",
            ),
            (
                "tests/test_counter.py",
                "from calc.counter import Counter\n\n\ndef test_bump():\n    assert Counter().bump() == 1\n",
            ),
        ],
        "tests/test_counter.py::test_bump",
        "NameError",
        "self.count",
        "self.count + 1",
    );
}

fn failing(file: &str, line: u32, message: &str) -> Analysis {
    analysis(vec![Failure {
        kind: FailureKind::TestFailure,
        tool: "pytest".into(),
        test: Some("tests/test_calc.py::test_total".into()),
        file: Some(file.into()),
        line: Some(line),
        message: message.into(),
        ..Default::default()
    }])
}

const CORE: &str = "def total(items):\n    result = 0\n    for item in items:\n        result += item\n    return reslt\n\n\ndef other():\n    return zzqqxx\n";

#[test]
fn no_close_name_means_no_recipe() {
    let dir = project(&[INIT, ("calc/core.py", CORE)]);
    let a = failing("calc/core.py", 9, "NameError: name 'zzqqxx' is not defined");
    assert!(recipes::find(dir.path(), &a).is_empty());
}

#[test]
fn name_not_on_the_reported_line_means_no_recipe() {
    let dir = project(&[INIT, ("calc/core.py", CORE)]);
    let a = failing("calc/core.py", 2, "NameError: name 'reslt' is not defined");
    assert!(recipes::find(dir.path(), &a).is_empty());
    // A line past the end, a file outside the project, or an unrelated error: nothing either.
    let a = failing("calc/core.py", 99, "NameError: name 'reslt' is not defined");
    assert!(recipes::find(dir.path(), &a).is_empty());
    let a = failing("../core.py", 5, "NameError: name 'reslt' is not defined");
    assert!(recipes::find(dir.path(), &a).is_empty());
    let a = failing("calc/core.py", 5, "AssertionError: assert 1 == 2");
    assert!(recipes::find(dir.path(), &a).is_empty());
}

#[test]
fn plain_traceback_hint_is_used() {
    let dir = project(&[
        INIT,
        (
            "calc/core.py",
            "def total(items):\n    result = 0\n    resulz = 1\n    return reslt\n",
        ),
    ]);
    // CPython's own hint wins over our computation (here both candidates are close).
    let a = failing(
        "calc/core.py",
        4,
        "NameError: name 'reslt' is not defined. Did you mean: 'resulz'?",
    );
    let fixes = recipes::find(dir.path(), &a);
    assert_eq!(fixes[0].edits[0].replace, "    return resulz");
}

#[test]
fn widens_search_until_unique_and_skips_strings_and_comments() {
    let src = "def f(a):\n    return totl  # totl\n\n\ndef g(a):\n    return totl  # totl\n\n\ntotal = 1\n";
    let dir = project(&[INIT, ("calc/core.py", src)]);
    let a = failing("calc/core.py", 6, "NameError: name 'totl' is not defined");
    let fixes = recipes::find(dir.path(), &a);
    let edit = &fixes[0].edits[0];
    assert_eq!(src.matches(&edit.search).count(), 1, "{edit:?}");
    assert!(edit.search.contains("def g(a):"), "{edit:?}");
    assert!(
        edit.replace.contains("    return total  # totl"),
        "{edit:?}"
    );
    let applied = src.replacen(&edit.search, &edit.replace, 1);
    assert!(
        applied.contains("def f(a):\n    return totl  # totl"),
        "f untouched"
    );
}

#[test]
fn several_typos_are_offered_together_first() {
    let src = "def total(items):\n    result = 0\n    return reslt\n\n\ndef size(xs):\n    return lenn(xs)\n";
    let dir = project(&[INIT, ("calc/core.py", src)]);
    let mut a = failing("calc/core.py", 3, "NameError: name 'reslt' is not defined");
    a.failures
        .extend(failing("calc/core.py", 7, "NameError: name 'lenn' is not defined").failures);
    let fixes = recipes::find(dir.path(), &a);
    assert_eq!(fixes.len(), 3, "{fixes:?}");
    assert_eq!(fixes[0].edits.len(), 2);
    let mut text = src.to_string();
    for e in &fixes[0].edits {
        assert_eq!(text.matches(&e.search).count(), 1);
        text = text.replacen(&e.search, &e.replace, 1);
    }
    assert!(
        text.contains("return result") && text.contains("return len(xs)"),
        "{text}"
    );
}

/// Without an interpreter the text scan finds the same names in plain code.
#[test]
fn text_scan_fallback_matches_the_ast_answer() {
    let src = "import math\n\nRATE = 2\n\n\nclass Calc:\n    def __init__(self):\n        self.value = 0\n\n    def scaled(self, factor):\n        bonus = factor * RATE\n        return self.valeu * bonus\n\n\ndef mean(xs):\n    acc = sum(xs)\n    return acc / lenn(xs) + RATEE + accc\n";
    let dir = project(&[INIT, ("calc/core.py", src)]);
    let cases = [
        (17, "NameError: name 'lenn' is not defined", "len(xs)"),
        (17, "NameError: name 'RATEE' is not defined", "+ RATE +"),
        (17, "NameError: name 'accc' is not defined", "+ acc\n"),
        (
            12,
            "AttributeError: 'Calc' object has no attribute 'valeu'",
            "self.value",
        ),
    ];
    let no_python = RecipeOptions {
        python: None,
        ..RecipeOptions::default()
    };
    for (line, msg, want) in cases {
        let a = failing("calc/core.py", line, msg);
        for opts in [RecipeOptions::default(), no_python.clone()] {
            let fixes = recipes::find_with(dir.path(), &a, &opts);
            let fix = fixes
                .first()
                .unwrap_or_else(|| panic!("no fix for {msg} with {opts:?}"));
            let applied = src.replacen(&fix.edits[0].search, &fix.edits[0].replace, 1);
            assert!(applied.contains(want), "{msg} ({opts:?}): {applied}");
        }
    }
    // An installed module's names need an interpreter: no guess without one.
    let a = failing(
        "calc/core.py",
        1,
        "AttributeError: module 'math' has no attribute 'mth'",
    );
    assert!(recipes::find_with(dir.path(), &a, &no_python).is_empty());
}

/// A virtualenv whose site-packages has a `.pth` entry for `dir` (what an editable install
/// of a project leaves behind), so `dir`'s modules are importable even under `python -I`.
fn venv_importing(dir: &Path) -> (tempfile::TempDir, PathBuf) {
    let venv = tempfile::tempdir().expect("tempdir");
    let ok = Command::new(python())
        .args(["-m", "venv", "--without-pip"])
        .arg(venv.path())
        .status()
        .expect("python3 -m venv runs");
    assert!(ok.success(), "python3 -m venv failed");
    let py = venv.path().join("bin/python3");
    let out = Command::new(&py)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .output()
        .expect("venv python runs");
    let purelib = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    std::fs::create_dir_all(&purelib).expect("mkdir site-packages");
    std::fs::write(
        purelib.join("project.pth"),
        format!("{}\n", dir.to_str().expect("utf8")),
    )
    .expect("write .pth");
    (venv, py)
}

/// The module name comes from the CI log; importing it to list its names would run the
/// repository's code before anyone approved anything.
#[test]
fn module_attribute_never_imports_a_non_stdlib_module() {
    let marker_dir = tempfile::tempdir().expect("tempdir");
    let marker = marker_dir.path().join("imported");
    let side_effect = format!(
        "open({:?}, 'w').write('ran')\nvalue = 1\n",
        marker.to_str().expect("utf8")
    );
    let dir = project(&[
        INIT,
        (
            "calc/use.py",
            "import sidefx\n\n\ndef f():\n    return sidefx.valeu\n",
        ),
        ("vendor/sidefx.py", &side_effect),
    ]);
    let (_venv, py) = venv_importing(&dir.path().join("vendor"));

    // The module really is importable (and has the side effect) with the same flags.
    let probe = Command::new(&py)
        .args(["-I", "-c", "import sidefx"])
        .current_dir(dir.path())
        .status()
        .expect("venv python runs");
    assert!(probe.success());
    assert!(marker.exists(), "the test module must be importable");
    std::fs::remove_file(&marker).expect("rm marker");

    let opts = RecipeOptions {
        python: Some(py.clone()),
        ..RecipeOptions::default()
    };
    let a = failing(
        "calc/use.py",
        5,
        "AttributeError: module 'sidefx' has no attribute 'valeu'",
    );
    let fixes = recipes::find_with(dir.path(), &a, &opts);
    assert!(!marker.exists(), "the recipe imported sidefx");
    assert!(fixes.is_empty(), "no names known, no guess: {fixes:?}");

    // A standard-library name this platform lacks must not find the repository's file.
    std::fs::write(dir.path().join("vendor/winreg.py"), &side_effect).expect("write");
    std::fs::write(
        dir.path().join("calc/use.py"),
        "import winreg\n\n\ndef f():\n    return winreg.valeu\n",
    )
    .expect("write");
    let a = failing(
        "calc/use.py",
        5,
        "AttributeError: module 'winreg' has no attribute 'valeu'",
    );
    let fixes = recipes::find_with(dir.path(), &a, &opts);
    assert!(!marker.exists(), "the recipe imported vendor/winreg.py");
    assert!(fixes.is_empty(), "{fixes:?}");

    // A standard-library module is still listed with the same interpreter.
    let dir = project(&[
        INIT,
        (
            "calc/geo.py",
            "import math\n\n\ndef hypot(a, b):\n    return math.sqr(a * a + b * b)\n",
        ),
    ]);
    let a = failing(
        "calc/geo.py",
        5,
        "AttributeError: module 'math' has no attribute 'sqr'",
    );
    let fixes = recipes::find_with(dir.path(), &a, &opts);
    let fix = fixes.first().expect("math.sqr is fixed");
    assert!(fix.edits[0].replace.contains("math.sqrt("), "{fix:?}");
}

/// The interpreter gets `-I` and the validation environment: secrets never reach it.
/// The lookup runs in a child test process started with secrets in its environment.
#[test]
fn name_lookup_runs_python_isolated_without_secrets() {
    let dir = project(&[
        INIT,
        (
            "calc/geo.py",
            "import math\n\n\ndef hypot(a, b):\n    return math.sqr(a * a + b * b)\n",
        ),
    ]);
    let rec = tempfile::tempdir().expect("tempdir");
    let wrapper = rec.path().join("python3");
    let env_file = rec.path().join("env");
    let args_file = rec.path().join("args");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nenv > {env:?}\nprintf '%s\\n' \"$1\" > {args:?}\nexec {py:?} \"$@\"\n",
            env = env_file.to_str().expect("utf8"),
            args = args_file.to_str().expect("utf8"),
            py = python().to_str().expect("utf8"),
        ),
    )
    .expect("write wrapper");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "recipes::name_lookup_probe",
            "--test-threads=1",
        ])
        .env("RECIPE_PROBE_DIR", dir.path())
        .env("RECIPE_PROBE_PYTHON", &wrapper)
        .env("GITHUB_TOKEN", "ghs_probeToken")
        .env("SELF_HEAL_API_KEY", "sk-probe")
        .output()
        .expect("child test runs");
    let out = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{out}");
    assert!(out.contains("1 passed"), "the probe must have run: {out}");

    let args = std::fs::read_to_string(&args_file).expect("wrapper ran");
    assert_eq!(args.trim(), "-I");
    let env = std::fs::read_to_string(&env_file).expect("wrapper ran");
    assert!(
        env.lines().any(|l| l.starts_with("RECIPE_PROBE_DIR=")),
        "ordinary variables pass: {env}"
    );
    assert!(
        !env.contains("ghs_probeToken"),
        "GITHUB_TOKEN reached python"
    );
    assert!(
        !env.contains("sk-probe"),
        "SELF_HEAL_API_KEY reached python"
    );
}

/// Run only by [`name_lookup_runs_python_isolated_without_secrets`], in its own process.
#[test]
#[ignore = "started by name_lookup_runs_python_isolated_without_secrets"]
fn name_lookup_probe() {
    let dir = PathBuf::from(std::env::var_os("RECIPE_PROBE_DIR").expect("RECIPE_PROBE_DIR"));
    let py = PathBuf::from(std::env::var_os("RECIPE_PROBE_PYTHON").expect("RECIPE_PROBE_PYTHON"));
    let opts = RecipeOptions {
        python: Some(py),
        ..RecipeOptions::default()
    };
    let a = failing(
        "calc/geo.py",
        5,
        "AttributeError: module 'math' has no attribute 'sqr'",
    );
    assert!(!recipes::find_with(&dir, &a, &opts).is_empty());
}

/// Asks the interpreter itself: each wrong name is evaluated with exactly the candidates as
/// globals (and no builtins), and the `Did you mean` CPython prints for the NameError is
/// read back. That is the C code (`Python/suggestions.c`) on every version from 3.10 on.
/// Distances of ASCII pairs are compared with `traceback._levenshtein_distance` where the
/// interpreter has it (3.12+), else with its 3.12 source below (a port of the C function).
const CPYTHON_CHECK: &str = r#"
import io, json, sys
_MAX_STRING_SIZE = 40
_MOVE_COST = 2
_CASE_COST = 1
def _substitution_cost(ch_a, ch_b):
    if ch_a == ch_b:
        return 0
    if ch_a.lower() == ch_b.lower():
        return _CASE_COST
    return _MOVE_COST
def _levenshtein_distance(a, b, max_cost):
    if a == b:
        return 0
    pre = 0
    while a[pre:] and b[pre:] and a[pre] == b[pre]:
        pre += 1
    a = a[pre:]
    b = b[pre:]
    post = 0
    while a[:post or None] and b[:post or None] and a[post-1] == b[post-1]:
        post -= 1
    a = a[:post or None]
    b = b[:post or None]
    if not a or not b:
        return _MOVE_COST * (len(a) + len(b))
    if len(a) > _MAX_STRING_SIZE or len(b) > _MAX_STRING_SIZE:
        return max_cost + 1
    if len(b) < len(a):
        a, b = b, a
    if (len(b) - len(a)) * _MOVE_COST > max_cost:
        return max_cost + 1
    row = list(range(_MOVE_COST, _MOVE_COST * (len(a) + 1), _MOVE_COST))
    result = 0
    for bindex in range(len(b)):
        bchar = b[bindex]
        distance = result = bindex * _MOVE_COST
        minimum = sys.maxsize
        for index in range(len(a)):
            substitute = distance + _substitution_cost(bchar, a[index])
            distance = row[index]
            insert_delete = min(result, distance) + _MOVE_COST
            result = min(insert_delete, substitute)
            row[index] = result
            if result < minimum:
                minimum = result
        if minimum > max_cost:
            return max_cost + 1
    return result
import traceback
if hasattr(traceback, "_levenshtein_distance"):
    _levenshtein_distance = traceback._levenshtein_distance
    sys.stderr.write("distances from traceback._levenshtein_distance\n")

def printed_suggestion(wrong, cands):
    g = {"__builtins__": {}}
    for c in cands:
        g[c] = 1
    try:
        exec(compile(wrong, "<case>", "eval"), g)
    except NameError as e:
        buf, old = io.StringIO(), sys.stderr
        sys.stderr = buf
        try:
            sys.excepthook(type(e), e, e.__traceback__)
        finally:
            sys.stderr = old
        parts = buf.getvalue().rsplit("Did you mean: ", 1)
        return parts[1].split("'")[1] if len(parts) == 2 else None
    raise SystemExit("no NameError for %r" % wrong)

cases = json.loads(sys.stdin.read())
out = []
for wrong, cands, pairs in cases:
    out.append([printed_suggestion(wrong, cands), [_levenshtein_distance(a, b, m) for a, b, m in pairs]])
print(json.dumps(out))
"#;

#[test]
fn suggestions_match_cpython() {
    // Deterministic pseudo-random identifiers around a few seeds, with case changes,
    // swaps, insertions and deletions, like real typos.
    let seeds = [
        "total",
        "result",
        "items",
        "sqrt",
        "balance",
        "calculate_tax",
        "Account",
        "x",
        "ab",
        "len",
        "getUserName",
        "MAX_SIZE",
        "données",
        "parse_json_response",
        "i",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mutate = |s: &str, rand: &mut dyn FnMut(usize) -> usize| -> String {
        let mut c: Vec<char> = s.chars().collect();
        let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ_".chars().collect();
        for _ in 0..(1 + rand(3)) {
            match rand(4) {
                0 if !c.is_empty() => {
                    let i = rand(c.len());
                    c[i] = if c[i].is_lowercase() {
                        c[i].to_ascii_uppercase()
                    } else {
                        c[i].to_ascii_lowercase()
                    };
                }
                1 if c.len() > 1 => {
                    c.remove(rand(c.len()));
                }
                2 if c.len() > 1 => {
                    let i = rand(c.len() - 1);
                    c.swap(i, i + 1);
                }
                _ => {
                    let at = rand(c.len() + 1);
                    c.insert(at, letters[rand(letters.len())]);
                }
            }
        }
        let s: String = c.into_iter().collect();
        // No leading underscore: CPython 3.13 hides such names from attribute suggestions.
        if s.chars().next().is_some_and(|ch| ch.is_alphabetic()) {
            s
        } else {
            format!("a{s}")
        }
    };
    let mut cases = Vec::new();
    for round in 0..60 {
        let seed = seeds[round % seeds.len()];
        let wrong = mutate(seed, &mut rand);
        let mut cands: Vec<String> = (0..(1 + rand(8)))
            .map(|_| mutate(seed, &mut rand))
            .collect();
        cands.push(seeds[rand(seeds.len())].to_string());
        if rand(2) == 0 {
            cands.push(seed.to_string());
        }
        cands.sort();
        cands.dedup();
        // The interpreter must raise a NameError for the wrong name: not a keyword, not defined.
        let keywords = [
            "as", "if", "in", "is", "or", "and", "def", "del", "for", "not", "try",
        ];
        if cands.contains(&wrong) || keywords.contains(&wrong.as_str()) {
            continue;
        }
        // The Python copy of the distance counts code points, the C one bytes: compare on ASCII.
        let pairs: Vec<(String, String, usize)> = cands
            .iter()
            .filter(|c| c.is_ascii() && wrong.is_ascii())
            .map(|c| (wrong.clone(), c.clone(), rand(20)))
            .collect();
        cases.push((wrong, cands, pairs));
    }
    let mut child = Command::new(python())
        .args(["-c", CPYTHON_CHECK])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run python");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(serde_json::to_string(&cases).expect("json").as_bytes())
            .expect("write cases");
    }
    let out = child.wait_with_output().expect("python output");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: Vec<(Option<String>, Vec<usize>)> =
        serde_json::from_slice(&out.stdout).expect("python json");
    let mut suggested = 0;
    for ((wrong, cands, pairs), (want, dists)) in cases.iter().zip(expected) {
        // The interpreter's globals list starts with the `__builtins__` we gave it.
        let globals: Vec<&str> = std::iter::once("__builtins__")
            .chain(cands.iter().map(String::as_str))
            .collect();
        let got = levenshtein::suggest(wrong, globals.iter().copied()).map(|s| s.name);
        assert_eq!(got, want, "suggestion for {wrong:?} among {cands:?}");
        suggested += usize::from(got.is_some());
        for ((a, b, max), want) in pairs.iter().zip(dists) {
            assert_eq!(
                levenshtein::distance(a, b, *max),
                want,
                "distance({a:?}, {b:?}, {max})"
            );
        }
    }
    // The generated cases must exercise both outcomes to mean anything.
    assert!(
        suggested > 10 && suggested < cases.len(),
        "{suggested} of {}",
        cases.len()
    );
}

// ---------------------------------------------------------------------------------------
// Every ecosystem's recipes end to end: the real binary, a copy of the sample with its
// real CI log, the project's real tool, NO model configured, and the failed step's own
// command proving the fix.

mod tools {
    use crate::support::fake_openai::{FakeOpenAi, Reply};
    use crate::support::harness::{sample_dir, Output, Test};
    use self_heal::report::{AttemptSource, Report, Status};
    use serde_json::{json, Value};
    use std::path::Path;
    use std::process::Command;

    fn expected(sample: &str) -> Value {
        let text = std::fs::read_to_string(sample_dir(sample).join("expected.json"))
            .expect("expected.json");
        serde_json::from_str(&text).expect("expected.json is JSON")
    }

    /// The failed step's command in `dir`, as a runner runs it (`bash -e`).
    fn step(dir: &Path, command: &str) -> std::process::Output {
        let cache = dirs_cache();
        Command::new("bash")
            .args(["-e", "-c", command])
            .current_dir(dir)
            .env("CI", "true")
            .env("npm_config_cache", cache.join("npm"))
            .env("GOTOOLCHAIN", "local")
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .expect("bash runs")
    }

    fn dirs_cache() -> std::path::PathBuf {
        std::env::var_os("SELF_HEAL_SAMPLE_CACHE")
            .map(Into::into)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME").expect("HOME");
                Path::new(&home).join(".cache/self-heal-samples")
            })
    }

    /// A git copy of the sample with its npm dependencies installed (from the shared cache).
    fn sample(name: &str) -> Test {
        let t = Test::with_sample(name);
        crate::results::install_deps(name, &t.repo());
        t
    }

    fn run(t: &Test, fake: Option<&FakeOpenAi>, extra: &[&str]) -> (Output, Report) {
        let log = t.repo().join("ci.log");
        let mut test = Test::new()
            .current_dir(t.repo())
            .args(["run", "--log", log.to_str().unwrap()])
            .args(["--workdir", t.repo().to_str().unwrap()])
            .args(["--report", t.path("report.json").to_str().unwrap()])
            .args(extra.iter().copied());
        if let Some(fake) = fake {
            test = test
                .args(["--openai-base-url", &fake.base_url()])
                .env("OPENAI_API_KEY", "sk-test-key-0123456789");
        }
        let out = test.run();
        let r = serde_json::from_value(out.report(&t.path("report.json")))
            .expect("report.json is a Report");
        (out, r)
    }

    /// The sample's check fails, self-heal fixes it with the named recipe and no model,
    /// the files end up as expected.json's fix says, and the check then passes.
    fn fixed_without_a_model(name: &str) {
        fixed_without_a_model_in(name, None)
    }

    /// The sample as one project of a monorepo: in `dir`, with its log at the root and
    /// the step's script starting `cd DIR && ` (the tools must run in the project).
    fn in_monorepo(name: &str, dir: &str) -> Test {
        let t = Test::new();
        let repo = t.repo();
        let project = repo.join(dir);
        crate::support::harness::copy_dir(&crate::support::harness::sample_dir(name), &project);
        std::fs::write(repo.join("README.md"), "# a monorepo\n").unwrap();
        std::fs::write(repo.join(".gitignore"), "node_modules/\ntarget/\n").unwrap();
        let log = std::fs::read_to_string(project.join("ci.log")).unwrap();
        std::fs::remove_file(project.join("ci.log")).unwrap();
        let log = log
            .replacen("##[group]Run ", &format!("##[group]Run cd {dir} && "), 1)
            .replacen("\x1b[36;1m", &format!("\x1b[36;1mcd {dir} && "), 1);
        std::fs::write(repo.join("ci.log"), log).unwrap();
        crate::support::harness::init_and_commit(&repo, "monorepo");
        crate::results::install_deps(name, &project);
        t
    }

    fn fixed_without_a_model_in(name: &str, dir: Option<&str>) {
        let exp = expected(name);
        let recipe = exp["recipe_name"].as_str().expect("recipe_name");
        let command = exp["command"].as_str().expect("command");
        let t = match dir {
            None => sample(name),
            Some(d) => in_monorepo(name, d),
        };
        let prefix = dir.map(|d| format!("{d}/")).unwrap_or_default();
        let project = t.repo().join(dir.unwrap_or(""));
        assert!(
            !step(&project, command).status.success(),
            "{name}: `{command}` must fail before the fix"
        );
        // The expected content of each edited file.
        let mut want: std::collections::BTreeMap<String, String> = Default::default();
        for e in exp["fix"].as_array().unwrap() {
            let path = format!("{prefix}{}", e["path"].as_str().unwrap());
            let text = want
                .entry(path.clone())
                .or_insert_with(|| std::fs::read_to_string(t.repo().join(&path)).unwrap());
            let (s, r) = (
                e["search"].as_str().unwrap(),
                e["replace"].as_str().unwrap(),
            );
            assert_eq!(text.matches(s).count(), 1, "{name}: fix matches once");
            *text = text.replacen(s, r, 1);
        }
        let (out, r) = run(&t, None, &["--yes"]);
        assert_eq!(r.status, Status::Fixed, "{name}: {out:?}");
        assert_eq!(out.code, 0, "{name}: {out:?}");
        assert_eq!(r.llm.requests, 0, "{name}");
        let last = r.attempts.last().expect("an attempt");
        assert_eq!(last.source, AttemptSource::Recipe, "{name}: {r:?}");
        assert!(last.validation.passed, "{name}");
        // The reason names the recipe (expected.json's `recipe_name`, which the
        // snapshot must carry).
        let outcome = json!({"exit": out.code, "status": r.status, "reason": r.reason});
        assert!(
            outcome.to_string().contains(&format!("({recipe})")),
            "{name}: {outcome}"
        );
        let snapshot = match dir {
            None => format!("recipe-{name}"),
            Some(d) => format!("recipe-{name}-in-{}", d.replace('/', "-")),
        };
        insta::assert_json_snapshot!(snapshot, outcome);
        for (path, text) in &want {
            assert_eq!(
                &std::fs::read_to_string(t.repo().join(path)).unwrap(),
                text,
                "{name}: {path}"
            );
        }
        let changed: Vec<&str> = r.changed_files.iter().map(String::as_str).collect();
        assert_eq!(
            changed,
            want.keys().map(String::as_str).collect::<Vec<_>>(),
            "{name}: only the named files change"
        );
        // self-heal's own state (memory) is not the project's: prettier would check it.
        std::fs::remove_dir_all(t.repo().join(".self-heal")).ok();
        let after = step(&project, command);
        assert!(
            after.status.success(),
            "{name}: `{command}` passes after the fix: {}",
            String::from_utf8_lossy(&after.stderr)
        );
    }

    #[test]
    fn rustfmt() {
        fixed_without_a_model("rust-fmt-check");
    }

    /// In a monorepo, `cargo fmt` runs in the crate and prettier is the project's own
    /// `node_modules/.bin/prettier`: the fixes' paths are the checkout's.
    #[test]
    fn formatters_run_in_a_monorepo_project() {
        fixed_without_a_model_in("rust-fmt-check", Some("crates/billing"));
        fixed_without_a_model_in("js-prettier-check", Some("web"));
    }

    #[test]
    fn clippy_fix() {
        fixed_without_a_model("rust-clippy-fix");
    }

    #[test]
    fn rustc_similar_name() {
        fixed_without_a_model("rust-similar-name");
    }

    #[test]
    fn gofmt() {
        fixed_without_a_model("go-gofmt");
    }

    /// `gofmt -l` prints bare file names: the analysis reads them only after that command.
    #[test]
    fn gofmt_list() {
        fixed_without_a_model("go-gofmt-l");
    }

    /// `test -z "$(gofmt -s -l .)"` prints nothing: the recipe lists the files with the
    /// check's own paths and `-s` (a plain `gofmt -w` would leave `words[0:len(words)]`).
    #[test]
    fn gofmt_silent_check() {
        fixed_without_a_model("go-gofmt-silent");
    }

    #[test]
    fn go_undefined() {
        fixed_without_a_model("go-undefined");
    }

    #[test]
    fn javac_symbol() {
        fixed_without_a_model("java-cannot-find-symbol");
    }

    #[test]
    fn black() {
        fixed_without_a_model("py-black-check");
    }

    #[test]
    fn ruff_format() {
        fixed_without_a_model("py-ruff-format");
    }

    #[test]
    fn isort() {
        fixed_without_a_model("py-isort-check");
    }

    #[test]
    fn ruff_fix() {
        fixed_without_a_model("py-ruff-check");
    }

    #[test]
    fn prettier() {
        fixed_without_a_model("js-prettier-check");
    }

    #[test]
    fn eslint_fix() {
        fixed_without_a_model("js-eslint-fix");
    }

    #[test]
    fn tsc_did_you_mean() {
        fixed_without_a_model("ts-did-you-mean");
    }

    /// Without the project's prettier (no `npm ci`), the recipe says so in one line, never
    /// installs it, and the run goes on to the model, which is asked once.
    #[test]
    fn a_missing_tool_is_one_line_and_the_model_is_next() {
        let t = Test::with_sample("js-prettier-check");
        let fake = FakeOpenAi::start([Reply::reply_edits("no idea", &[]).usage(10, 1)]);
        let (out, r) = run(&t, Some(&fake), &["--yes", "--max-attempts", "1"]);
        let lines: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.contains("recipe prettier:"))
            .collect();
        assert_eq!(lines.len(), 1, "{out:?}");
        assert!(
            lines[0].contains("prettier is not installed"),
            "{}",
            lines[0]
        );
        assert!(!t.repo().join("node_modules").exists(), "nothing installed");
        assert_eq!(fake.request_count(), 1, "{out:?}");
        assert_eq!(r.llm.requests, 1);
    }

    /// A formatter failure in a test file is not fixed without allow-test-edits; with it,
    /// it is. The log names `tests/test_area.py`, which black would reformat.
    #[test]
    fn test_files_are_left_alone_unless_allowed() {
        let t = sample("py-black-check");
        let log = std::fs::read_to_string(t.repo().join("ci.log")).unwrap();
        std::fs::create_dir_all(t.repo().join("tests")).unwrap();
        std::fs::copy(
            t.repo().join("shapes/area.py"),
            t.repo().join("tests/test_area.py"),
        )
        .unwrap();
        std::fs::write(t.repo().join("shapes/area.py"), "def rectangle(width, height):\n    return width * height\n\n\ndef square(side):\n    return rectangle(side, side)\n").unwrap();
        std::fs::write(
            t.repo().join("ci.log"),
            log.replace("shapes/area.py", "tests/test_area.py"),
        )
        .unwrap();
        let before = std::fs::read_to_string(t.repo().join("tests/test_area.py")).unwrap();
        let (out, r) = run(&t, None, &["--yes"]);
        assert_eq!(r.status, Status::NotFixed, "{out:?}");
        assert_eq!(
            std::fs::read_to_string(t.repo().join("tests/test_area.py")).unwrap(),
            before
        );
        let (out, r) = run(&t, None, &["--yes", "--allow-test-edits"]);
        assert_eq!(r.status, Status::Fixed, "{out:?}");
        assert_eq!(r.attempts[0].source, AttemptSource::Recipe, "{r:?}");
    }

    /// A recipe whose fix does not make the check pass falls through to the model, whose
    /// prompt shows what the recipe tried. Here the check is black, but the project's
    /// black (a stand-in in `.venv/bin`) formats differently from the one the check runs.
    #[test]
    fn a_recipe_that_does_not_validate_is_shown_to_the_model() {
        let t = sample("py-black-check");
        let venv = t.repo().join(".venv/bin");
        std::fs::create_dir_all(&venv).unwrap();
        let fake_black = venv.join("black");
        // Rewrites the named files with a marker black itself would reject.
        std::fs::write(
            &fake_black,
            "#!/bin/sh\nfor f in \"$@\"; do case \"$f\" in -*) ;; *) printf 'x=1;y=2\\n' >> \"$f\";; esac; done\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_black, std::fs::Permissions::from_mode(0o755)).unwrap();
        let fake = FakeOpenAi::start([Reply::reply_edits("no idea", &[]).usage(10, 1)]);
        let (out, r) = run(&t, Some(&fake), &["--yes", "--max-attempts", "1"]);
        let attempts = &r.attempts;
        assert_eq!(attempts[0].source, AttemptSource::Recipe, "{out:?}");
        assert!(!attempts[0].validation.passed, "{r:?}");
        assert_eq!(fake.request_count(), 1, "{out:?}");
        let sent = fake.requests()[0].user_message();
        assert!(
            sent.contains("x=1;y=2"),
            "the prompt shows the recipe's edit: {sent}"
        );
    }
}

/// A name used on the line of `with open(...) as output_file:` is not bound by it
/// yet: the `as` target is never the suggestion (it was, and the validation failed).
/// The diagnosis of a computed suggestion never claims to be CPython's: the log had none.
#[test]
fn a_name_bound_on_the_failing_line_or_later_is_not_a_candidate() {
    let files = [
        (
            "report.py",
            "def save(data, path):\n    with open(output_fil, \"w\") as output_file:\n        output_file.write(data)\n",
        ),
        (
            "test_report.py",
            "from report import save\n\n\ndef test_save(tmp_path):\n    save(\"x\", str(tmp_path / \"r.txt\"))\n",
        ),
    ];
    let dir = project(&files);
    let (passed, out) = pytest(dir.path());
    assert!(!passed && out.contains("NameError"), "{out}");
    assert!(!out.contains("Did you mean"), "{out}");
    let failure = failure_from_pytest(dir.path(), &out, Some("test_report.py::test_save"));
    let fixes = recipes::find(dir.path(), &analysis(vec![failure.clone()]));
    assert!(
        fixes.iter().all(|f| f
            .edits
            .iter()
            .all(|e| !e.replace.contains("open(output_file"))),
        "{fixes:#?}"
    );

    // A name bound on an earlier line is one; the diagnosis says whose suggestion it is.
    let fix = heal(
        &[
            (
                "report.py",
                "def save(data, path):\n    output_path = path\n    with open(output_pth, \"w\") as output_file:\n        output_file.write(data)\n",
            ),
            (
                "test_report.py",
                "from report import save\n\n\ndef test_save(tmp_path):\n    save(\"x\", str(tmp_path / \"r.txt\"))\n",
            ),
        ],
        "test_report.py::test_save",
        "NameError",
        "output_path",
        "open(output_path",
    );
    assert!(!fix.diagnosis.contains("CPython"), "{}", fix.diagnosis);
}

/// `undefined: cnt` in a function whose local is `count`: the only name in the file
/// one edit away is the type `int`, which is no value (the validation then failed
/// with `int (type) is not an expression`); the value in scope, `count`, is the fix.
/// Real `go build` output on a tiny module.
#[test]
fn go_undefined_never_proposes_a_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("go.mod"), "module example.com/tally\n\ngo 1.22\n").unwrap();
    std::fs::write(
        root.join("tally.go"),
        "package tally\n\n// Count counts the words longer than n.\n\
         func Count(words []string, n int) int {\n\tcount := 0\n\tfor _, w := range words {\n\
         \t\tif len(w) > n {\n\t\t\tcount++\n\t\t}\n\t}\n\treturn cnt\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new("go")
        .args(["build", "./..."])
        .current_dir(root)
        .output()
        .expect("go on PATH (scripts/install-test-deps.sh checks it)");
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(log.contains("undefined: cnt"), "{log}");
    let failures = self_heal::lang::go::log::parse(&log);
    assert!(
        failures
            .iter()
            .any(|f| f.message.contains("undefined: cnt")),
        "{failures:#?}"
    );
    let analysis = Analysis {
        language: Some(self_heal::lang::Language::named("go")),
        failures,
        ..Analysis::default()
    };
    let fixes = recipes::find(root, &analysis);
    assert!(
        fixes
            .iter()
            .all(|f| f.edits.iter().all(|e| !e.replace.contains("return int"))),
        "{fixes:#?}"
    );
    // The value bound there is the local `count`, found with the Go grammar's scopes.
    let go = fixes
        .iter()
        .find(|f| f.recipe == "go-undefined")
        .unwrap_or_else(|| panic!("{fixes:#?}"));
    assert_eq!(go.edits[0].replace.trim(), "return count", "{fixes:#?}");
    assert!(go.diagnosis.contains("`count`"), "{}", go.diagnosis);
}
