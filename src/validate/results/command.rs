//! Scoped commands: run exactly some tests in each framework's own syntax,
//! with a machine-readable report that [`super::read`] understands. Pure:
//! they build argv; running it (and removing [`ScopedCommand::stale`] first)
//! is the caller's.
//!
//! | framework | selection | report |
//! |---|---|---|
//! | jest | `-t '^(?:a b|c d)$'` (full names joined by spaces, as jest matches) | `--json --outputFile` |
//! | vitest | `-t` likewise | `--reporter=json --outputFile.json` |
//! | mocha | `--grep` on the full title | `--reporter tap` on stdout |
//! | node --test | `--test-name-pattern` per test | `--test-reporter=tap` on stdout |
//! | go test | `-run '^TestX$/^sub$' ./pkg` | `-json` on stdout |
//! | cargo test | `-- --exact a b` | libtest lines (stdout and stderr) |
//! | cargo nextest | `-E 'test(=a) \| test(=b)'` | status lines (stderr) |
//! | Maven Surefire | `-Dtest=pkg.Class#m1+m2` | `TEST-*.xml` under `target/surefire-reports` |
//! | Gradle | `--tests pkg.Class.m` | `TEST-*.xml` under `build/test-results` |

use super::Format;
use std::collections::BTreeMap;

/// The frameworks are the ecosystems' (each ecosystem says which one a project uses).
pub use crate::lang::Framework;

/// Where the report of a scoped run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultsAt {
    Stdout,
    /// stdout and stderr together: libtest prints results on stdout, cargo its
    /// build errors and nextest everything on stderr.
    Output,
    /// A file, relative to the project root.
    File(String),
    /// Every `TEST-*.xml` in directories of this name anywhere under the project
    /// (one per module in a multi-module build).
    JUnitDirs(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedCommand {
    pub argv: Vec<String>,
    pub format: Format,
    pub results: ResultsAt,
    /// Paths (relative to the project) holding an earlier run's report, to remove first.
    pub stale: Vec<String>,
}

impl ScopedCommand {
    /// The command as one `sh` line.
    pub fn shell(&self) -> String {
        self.argv
            .iter()
            .map(|a| crate::validate::scope::sh_quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What to scope and how the project runs its tests.
#[derive(Debug, Clone)]
pub struct ScopeRequest<'a> {
    pub framework: Framework,
    /// Test ids as the analysis reports them.
    pub tests: &'a [String],
    /// The command that runs the tests (`npx jest`, `npm test --`, `./gradlew test`);
    /// None for the framework's plain one.
    pub base: Option<&'a [String]>,
    /// jest/vitest: where to write the JSON report, relative to the project.
    pub report_file: &'a str,
    /// Go: the module path from `go.mod`, so packages become `./dir` arguments.
    pub go_module: Option<&'a str>,
}

impl<'a> ScopeRequest<'a> {
    pub fn new(framework: Framework, tests: &'a [String]) -> Self {
        ScopeRequest {
            framework,
            tests,
            base: None,
            report_file: ".self-heal-results.json",
            go_module: None,
        }
    }
}

fn words(s: &[&str]) -> Vec<String> {
    s.iter().map(|w| w.to_string()).collect()
}

/// `^(?:a|b)$` over regex-escaped alternatives.
fn anchored(alts: &[String]) -> String {
    let alts: Vec<String> = alts.iter().map(|a| regex::escape(a)).collect();
    if alts.len() == 1 {
        format!("^{}$", alts[0])
    } else {
        format!("^(?:{})$", alts.join("|"))
    }
}

/// The command running exactly `req.tests`; None when there is nothing to run.
pub fn scoped(req: &ScopeRequest) -> Option<ScopedCommand> {
    let tests: Vec<&str> = req
        .tests
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if tests.is_empty() {
        return None;
    }
    let base = |default: &[&str]| -> Vec<String> {
        match req.base {
            Some(b) => b.to_vec(),
            None => words(default),
        }
    };
    let cmd = match req.framework {
        Framework::Jest => {
            let names: Vec<String> = tests.iter().map(|t| t.replace(" › ", " ")).collect();
            let mut argv = base(&["npx", "jest"]);
            argv.extend([
                "--json".to_string(),
                format!("--outputFile={}", req.report_file),
                "-t".to_string(),
                anchored(&names),
            ]);
            ScopedCommand {
                argv,
                format: Format::JestJson,
                results: ResultsAt::File(req.report_file.to_string()),
                stale: vec![req.report_file.to_string()],
            }
        }
        Framework::Vitest => {
            let names: Vec<String> = tests.iter().map(|t| t.replace(" > ", " ")).collect();
            let mut argv = base(&["npx", "vitest", "run"]);
            argv.extend([
                "--reporter=default".to_string(),
                "--reporter=json".to_string(),
                format!("--outputFile.json={}", req.report_file),
                "-t".to_string(),
                anchored(&names),
            ]);
            ScopedCommand {
                argv,
                format: Format::VitestJson,
                results: ResultsAt::File(req.report_file.to_string()),
                stale: vec![req.report_file.to_string()],
            }
        }
        Framework::Mocha => {
            let names: Vec<String> = tests.iter().map(|t| t.to_string()).collect();
            let mut argv = base(&["npx", "mocha"]);
            argv.extend(words(&["--reporter", "tap", "--grep"]));
            argv.push(anchored(&names));
            stdout(argv, Format::Tap)
        }
        Framework::NodeTest => {
            let mut argv = base(&["node", "--test"]);
            argv.push("--test-reporter=tap".into());
            for t in &tests {
                argv.push(format!("--test-name-pattern={}", node_pattern(t)));
            }
            stdout(argv, Format::Tap)
        }
        Framework::GoTest => go(&tests, base(&["go", "test"]), req.go_module),
        Framework::Cargo => {
            let mut argv = base(&["cargo", "test"]);
            argv.extend(words(&["--no-fail-fast", "--", "--exact"]));
            argv.extend(tests.iter().map(|t| t.to_string()));
            ScopedCommand {
                results: ResultsAt::Output,
                ..stdout(argv, Format::Libtest)
            }
        }
        Framework::Nextest => {
            let mut argv = base(&["cargo", "nextest", "run"]);
            let expr: Vec<String> = tests.iter().map(|t| format!("test(={t})")).collect();
            argv.extend(words(&["--no-fail-fast", "-E"]));
            argv.push(expr.join(" | "));
            ScopedCommand {
                results: ResultsAt::Output,
                ..stdout(argv, Format::Libtest)
            }
        }
        Framework::Maven => {
            let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for t in &tests {
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
            let mut argv = base(&["mvn", "-B", "-ntp", "test"]);
            argv.push(format!("-Dtest={}", sel.join(",")));
            // Modules without a selected test must not fail the build.
            argv.push("-Dsurefire.failIfNoSpecifiedTests=false".into());
            ScopedCommand {
                argv,
                format: Format::JUnitXml,
                results: ResultsAt::JUnitDirs("surefire-reports".into()),
                stale: vec!["target/surefire-reports".into()],
            }
        }
        Framework::Gradle => {
            let mut argv = base(&["gradle", "test"]);
            for t in &tests {
                let (class, method) = java_test(t);
                argv.push("--tests".into());
                argv.push(match method {
                    Some(m) => format!("{class}.{m}"),
                    None => class,
                });
            }
            ScopedCommand {
                argv,
                format: Format::JUnitXml,
                results: ResultsAt::JUnitDirs("test-results".into()),
                stale: vec!["build/test-results".into()],
            }
        }
    };
    Some(cmd)
}

/// Where a full run's JSON report goes (jest, vitest), relative to the project.
pub const FULL_REPORT_FILE: &str = ".self-heal-full.json";

/// The project's full test command `command`, adapted so the run leaves a report
/// naming every failing test, with how to read it; None when the command is not
/// one plain invocation of `framework` (a pipeline, a script, shell syntax,
/// another tool first), which is then run unchanged and judged by its exit code.
///
/// | framework | adapted |
/// |---|---|
/// | go test | `-json` after `go test` |
/// | cargo test / nextest | `--no-fail-fast` after `cargo test` / `cargo nextest run`, so every test binary runs |
/// | jest | `--json --outputFile=.self-heal-full.json` appended |
/// | vitest | `--reporter=default --reporter=json --outputFile.json=.self-heal-full.json` appended |
/// | mocha | `--reporter tap` appended |
/// | node --test | `--test-reporter=tap` after `--test` |
/// | Maven | `-fae` after `mvn`, so every module runs its tests; every module's `surefire-reports` |
/// | Gradle | `--continue` after `gradle`, every module's `test-results` |
///
/// `npm test` (`npm run test`, `npm t`) counts as its `script` when that is a plain
/// invocation of a JS runner: the flags go after `--`.
pub fn full(framework: Framework, command: &str, script: Option<&str>) -> Option<ScopedCommand> {
    let words = plain_words(command)?;
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let js = matches!(
        framework,
        Framework::Jest | Framework::Vitest | Framework::Mocha | Framework::NodeTest
    );
    let npm = matches!(
        w.as_slice(),
        ["npm", "test", ..] | ["npm", "t", ..] | ["npm", "run", "test", ..]
    );
    if js && npm {
        // The script must itself be one plain runner call, and the command add
        // nothing after `npm test` but what npm passes on.
        let script = plain_words(script?)?;
        let head = if w[1] == "run" { 3 } else { 2 };
        if w.len() > head && w[head] != "--" {
            return None;
        }
        let inner = full(framework, &script.join(" "), None)?;
        if framework == Framework::NodeTest {
            // Its flag must come before the files: not through npm.
            return None;
        }
        let added = &inner.argv[script.len()..];
        let mut argv = words.clone();
        if argv.len() == head {
            argv.push("--".into());
        }
        argv.extend(added.iter().cloned());
        return Some(ScopedCommand { argv, ..inner });
    }
    let pos = |needle: &[&str]| w.windows(needle.len()).position(|x| x == needle);
    let insert_after = |at: usize, add: &[&str]| -> Vec<String> {
        let mut argv = words.clone();
        for (i, a) in add.iter().enumerate() {
            argv.insert(at + i, a.to_string());
        }
        argv
    };
    let has = |f: &str| w.contains(&f);
    let cmd = match framework {
        Framework::GoTest => {
            if w.first() != Some(&"go") || w.get(1) != Some(&"test") {
                return None;
            }
            let argv = if has("-json") {
                words.clone()
            } else {
                insert_after(2, &["-json"])
            };
            stdout(argv, Format::GoJson)
        }
        Framework::Cargo | Framework::Nextest => {
            let sub: &[&str] = if framework == Framework::Cargo {
                &["cargo", "test"]
            } else {
                &["cargo", "nextest", "run"]
            };
            if pos(sub) != Some(0) {
                return None;
            }
            // libtest's quiet dots and other formats carry no names.
            if w.iter()
                .any(|x| *x == "-q" || *x == "--quiet" || x.starts_with("--format"))
            {
                return None;
            }
            let argv = if has("--no-fail-fast") {
                words.clone()
            } else {
                insert_after(sub.len(), &["--no-fail-fast"])
            };
            ScopedCommand {
                results: ResultsAt::Output,
                ..stdout(argv, Format::Libtest)
            }
        }
        Framework::Jest | Framework::Vitest => {
            let runner = if framework == Framework::Jest {
                "jest"
            } else {
                "vitest"
            };
            let first = w
                .iter()
                .position(|x| *x == runner || x.ends_with(&format!("/{runner}")))?;
            // `npx jest`, `jest`, `node_modules/.bin/jest`: nothing else before it.
            if first > 1 || (first == 1 && w[0] != "npx") {
                return None;
            }
            if w.iter().any(|x| {
                x.starts_with("--json")
                    || x.starts_with("--reporter")
                    || x.starts_with("--outputFile")
            }) {
                return None;
            }
            let mut argv = words.clone();
            if framework == Framework::Jest {
                argv.push("--json".into());
                argv.push(format!("--outputFile={FULL_REPORT_FILE}"));
            } else {
                argv.push("--reporter=default".into());
                argv.push("--reporter=json".into());
                argv.push(format!("--outputFile.json={FULL_REPORT_FILE}"));
            }
            ScopedCommand {
                argv,
                format: if framework == Framework::Jest {
                    Format::JestJson
                } else {
                    Format::VitestJson
                },
                results: ResultsAt::File(FULL_REPORT_FILE.into()),
                stale: vec![FULL_REPORT_FILE.into()],
            }
        }
        Framework::Mocha => {
            let first = w
                .iter()
                .position(|x| *x == "mocha" || x.ends_with("/mocha"))?;
            if first > 1 || (first == 1 && w[0] != "npx") {
                return None;
            }
            if w.iter().any(|x| *x == "-R" || x.starts_with("--reporter")) {
                return None;
            }
            let mut argv = words.clone();
            argv.extend(["--reporter".to_string(), "tap".to_string()]);
            stdout(argv, Format::Tap)
        }
        Framework::NodeTest => {
            if w.first() != Some(&"node") || w.iter().any(|x| x.starts_with("--test-reporter")) {
                return None;
            }
            let at = w.iter().position(|x| *x == "--test")?;
            stdout(insert_after(at + 1, &["--test-reporter=tap"]), Format::Tap)
        }
        Framework::Maven => {
            if !matches!(w.first(), Some(&"mvn") | Some(&"./mvnw"))
                || has("-ff")
                || has("--fail-fast")
            {
                return None;
            }
            let argv = if has("-fae") || has("--fail-at-end") {
                words.clone()
            } else {
                insert_after(1, &["-fae"])
            };
            ScopedCommand {
                argv,
                format: Format::JUnitXml,
                results: ResultsAt::JUnitDirs("surefire-reports".into()),
                stale: vec!["target/surefire-reports".into()],
            }
        }
        Framework::Gradle => {
            if !matches!(w.first(), Some(&"gradle") | Some(&"./gradlew")) {
                return None;
            }
            let argv = if has("--continue") {
                words.clone()
            } else {
                insert_after(1, &["--continue"])
            };
            ScopedCommand {
                argv,
                format: Format::JUnitXml,
                results: ResultsAt::JUnitDirs("test-results".into()),
                stale: vec!["build/test-results".into()],
            }
        }
    };
    Some(cmd)
}

/// The words of a one-line command without shell syntax (quotes, pipes, `&&`,
/// redirections, variables, globs, assignments); None otherwise.
fn plain_words(command: &str) -> Option<Vec<String>> {
    let c = command.trim();
    if c.is_empty() || c.contains(|ch: char| "\n|&;<>()$`'\"\\*?{}[]#~".contains(ch)) {
        return None;
    }
    let words: Vec<String> = c.split_whitespace().map(str::to_string).collect();
    if words[0].contains('=') {
        return None;
    }
    Some(words)
}

fn stdout(argv: Vec<String>, format: Format) -> ScopedCommand {
    ScopedCommand {
        argv,
        format,
        results: ResultsAt::Stdout,
        stale: Vec::new(),
    }
}

/// node:test matches `--test-name-pattern` against a test's own name on Node
/// 20 and against the name with its suites' names (space-joined) on later
/// releases: the pattern takes either.
fn node_pattern(id: &str) -> String {
    let parts: Vec<&str> = id.split(" > ").collect();
    let (leaf, suites) = parts.split_last().expect("split yields one part");
    if suites.is_empty() {
        return anchored(&[leaf.to_string()]);
    }
    format!(
        "^(?:{} )?{}$",
        regex::escape(&suites.join(" ")),
        regex::escape(leaf)
    )
}

/// `pkg.Class#method` or `method(pkg.Class)` → (class, method).
fn java_test(id: &str) -> (String, Option<String>) {
    if let Some((m, rest)) = id.split_once('(') {
        if let Some(c) = rest.strip_suffix(')') {
            if !c.is_empty() {
                return (c.to_string(), Some(m.to_string()));
            }
        }
    }
    match id.split_once('#') {
        Some((c, m)) => (c.to_string(), Some(m.trim_end_matches("()").to_string())),
        None => (id.to_string(), None),
    }
}

/// `example.com/m/pkg.TestX/sub` → (Some(package), `TestX/sub`).
fn go_split(id: &str) -> (Option<&str>, &str) {
    for prefix in [".Test", ".Example", ".Fuzz", ".Benchmark"] {
        if let Some(i) = id.find(prefix) {
            if i > 0 {
                return (Some(&id[..i]), &id[i + 1..]);
            }
        }
    }
    (None, id)
}

fn go(tests: &[&str], mut argv: Vec<String>, module: Option<&str>) -> ScopedCommand {
    // One alternation per nesting level: `-run` splits its pattern at `/`, so
    // tests of different depths share levels. The report says exactly what ran.
    let mut levels: Vec<Vec<String>> = Vec::new();
    let mut pkgs: Vec<String> = Vec::new();
    for t in tests {
        let (pkg, name) = go_split(t);
        let dir = match (pkg, module) {
            (None, _) => "./...".to_string(),
            (Some(p), Some(m)) if p == m => ".".to_string(),
            (Some(p), Some(m)) => match p.strip_prefix(m).and_then(|r| r.strip_prefix('/')) {
                Some(rest) => format!("./{rest}"),
                None => p.to_string(),
            },
            (Some(p), None) => p.to_string(),
        };
        if !pkgs.contains(&dir) {
            pkgs.push(dir);
        }
        for (i, part) in name.split('/').enumerate() {
            if levels.len() <= i {
                levels.push(Vec::new());
            }
            if !levels[i].iter().any(|p| p == part) {
                levels[i].push(part.to_string());
            }
        }
    }
    let run: Vec<String> = levels.iter().map(|alts| anchored(alts)).collect();
    argv.extend(["-json".to_string(), "-run".to_string(), run.join("/")]);
    argv.extend(pkgs);
    stdout(argv, Format::GoJson)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(f: Framework, tests: &[&str]) -> String {
        let tests: Vec<String> = tests.iter().map(|t| t.to_string()).collect();
        let mut req = ScopeRequest::new(f, &tests);
        req.go_module = Some("example.com/m");
        scoped(&req).unwrap().shell()
    }

    #[test]
    fn each_framework_in_its_own_syntax() {
        assert_eq!(
            argv(Framework::Jest, &["cart › adds (1+1)"]),
            r"npx jest --json --outputFile=.self-heal-results.json -t '^cart adds \(1\+1\)$'"
        );
        assert_eq!(
            argv(Framework::Vitest, &["a > b", "c > d"]),
            "npx vitest run --reporter=default --reporter=json \
             --outputFile.json=.self-heal-results.json -t '^(?:a b|c d)$'"
        );
        assert_eq!(
            argv(Framework::Mocha, &["pager window shows"]),
            "npx mocha --reporter tap --grep '^pager window shows$'"
        );
        assert_eq!(
            argv(Framework::NodeTest, &["s > t.x", "top"]),
            r"node --test --test-reporter=tap '--test-name-pattern=^(?:s )?t\.x$' '--test-name-pattern=^top$'"
        );
        assert_eq!(
            argv(
                Framework::GoTest,
                &["example.com/m/slug.TestMake/trailing_punctuation"]
            ),
            "go test -json -run '^TestMake$/^trailing_punctuation$' ./slug"
        );
        assert_eq!(
            argv(
                Framework::GoTest,
                &["example.com/m.TestA", "example.com/m.TestB", "TestC"]
            ),
            "go test -json -run '^(?:TestA|TestB|TestC)$' . ./..."
        );
        assert_eq!(
            argv(Framework::Cargo, &["ring::tests::wraps", "total"]),
            "cargo test --no-fail-fast -- --exact ring::tests::wraps total"
        );
        assert_eq!(
            argv(Framework::Nextest, &["a::b", "c"]),
            "cargo nextest run --no-fail-fast -E 'test(=a::b) | test(=c)'"
        );
        assert_eq!(
            argv(Framework::Maven, &["com.ex.ATest#a", "com.ex.ATest#b", "b(com.ex.BTest)"]),
            "mvn -B -ntp test -Dtest=com.ex.ATest#a+b,com.ex.BTest#b -Dsurefire.failIfNoSpecifiedTests=false"
        );
        assert_eq!(
            argv(Framework::Gradle, &["com.ex.ATest#a()"]),
            "gradle test --tests com.ex.ATest.a"
        );
    }

    #[test]
    fn full_commands_gain_the_report_flags_only_when_plain() {
        let f =
            |fw: Framework, c: &str, script: Option<&str>| full(fw, c, script).map(|sc| sc.shell());
        let some = |fw, c| f(fw, c, None).unwrap();
        assert_eq!(
            some(Framework::GoTest, "go test -v ./..."),
            "go test -json -v ./..."
        );
        assert_eq!(
            some(Framework::Cargo, "cargo test --workspace"),
            "cargo test --no-fail-fast --workspace"
        );
        assert_eq!(
            some(Framework::Nextest, "cargo nextest run"),
            "cargo nextest run --no-fail-fast"
        );
        assert_eq!(
            some(Framework::Jest, "npx jest --ci"),
            "npx jest --ci --json --outputFile=.self-heal-full.json"
        );
        assert_eq!(
            some(Framework::Vitest, "vitest run"),
            "vitest run --reporter=default --reporter=json --outputFile.json=.self-heal-full.json"
        );
        assert_eq!(
            some(Framework::Mocha, "npx mocha test/"),
            "npx mocha test/ --reporter tap"
        );
        assert_eq!(
            some(Framework::NodeTest, "node --test test/"),
            "node --test --test-reporter=tap test/"
        );
        assert_eq!(some(Framework::Maven, "mvn -B test"), "mvn -fae -B test");
        assert_eq!(
            some(Framework::Gradle, "./gradlew test"),
            "./gradlew --continue test"
        );
        assert_eq!(
            f(Framework::Jest, "npm test", Some("jest --ci")).unwrap(),
            "npm test -- --json --outputFile=.self-heal-full.json"
        );
        for (fw, c, script) in [
            (Framework::GoTest, "go vet ./... && go test ./...", None),
            (Framework::GoTest, "go test ./... | tee out", None),
            (Framework::Cargo, "cargo test -q", None),
            (Framework::Cargo, "RUSTFLAGS=-D cargo test", None),
            (Framework::Jest, "npm test", Some("eslint . && jest")),
            (Framework::Jest, "npm test", None),
            (Framework::NodeTest, "npm test", Some("node --test")),
            (
                Framework::NodeTest,
                "node --test --test-reporter=spec",
                None,
            ),
            (Framework::Maven, "mvn -ff test", None),
            (Framework::Mocha, "make test", None),
        ] {
            assert_eq!(f(fw, c, script), None, "{c}");
        }
    }

    #[test]
    fn nothing_to_run_is_no_command_and_a_base_is_kept() {
        assert!(scoped(&ScopeRequest::new(Framework::Jest, &[" ".to_string()])).is_none());
        let tests = vec!["a".to_string()];
        let base = vec!["npm".to_string(), "test".into(), "--".into()];
        let mut req = ScopeRequest::new(Framework::Jest, &tests);
        req.base = Some(&base);
        assert!(scoped(&req)
            .unwrap()
            .shell()
            .starts_with("npm test -- --json"));
    }
}
