//! The JavaScript test runners as test frameworks, and which one a project uses.
//!
//! | runner | scoped selection | report |
//! |---|---|---|
//! | jest | `-t '^(?:a b|c d)$'` (full names joined by spaces, as jest matches) | `--json --outputFile` |
//! | vitest | `-t` likewise | `--reporter=json --outputFile.json` |
//! | mocha | `--grep` on the full title | `--reporter tap` on stdout |
//! | node --test | `--test-name-pattern` per test | `--test-reporter=tap` on stdout |
//!
//! The full command gains the same report flags when it is one plain call of the
//! runner: appended for jest, vitest and mocha, after `--test` for node. `npm test`
//! (`npm run test`, `npm t`) counts as its script when that is such a call: the
//! flags go after `--`.

use super::{jest_json, tap};
use crate::lang::framework::{
    anchored, base_or, insert_at, plain_words, words, ResultsAt, ScopedCommand, TestFramework,
    FULL_REPORT_FILE, SCOPED_REPORT_FILE,
};
use crate::lang::reports::{ReadError, TestRun};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    Jest,
    Vitest,
    Mocha,
    NodeTest,
}

/// A JavaScript test runner as a project runs it.
#[derive(Debug, Clone)]
pub struct JsRunner {
    pub runner: Runner,
    /// The command that starts the runner (`npm test --`); None for its plain one.
    pub base: Option<Vec<String>>,
    /// `package.json`'s test script, which `npm test` runs.
    pub script: Option<String>,
}

impl JsRunner {
    pub fn new(runner: Runner) -> JsRunner {
        JsRunner {
            runner,
            base: None,
            script: None,
        }
    }

    /// The runner of the project at `root` whose full command is `command`: the one
    /// the command names, else `package.json`'s test script's, else the one among
    /// the dependencies.
    pub fn of_project(root: &Path, command: Option<&str>) -> Option<JsRunner> {
        let text = std::fs::read_to_string(root.join("package.json")).unwrap_or_default();
        let pkg: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let script = pkg
            .get("scripts")
            .and_then(|s| s.get("test"))
            .and_then(|t| t.as_str());
        let dep = |name: &str| {
            ["dependencies", "devDependencies"]
                .iter()
                .any(|k| pkg.get(k).and_then(|d| d.get(name)).is_some())
        };
        let runner = command
            .and_then(named_runner)
            .or_else(|| script.and_then(named_runner))
            .or_else(|| {
                [
                    ("vitest", Runner::Vitest),
                    ("jest", Runner::Jest),
                    ("mocha", Runner::Mocha),
                ]
                .into_iter()
                .find(|(name, _)| dep(name))
                .map(|(_, f)| f)
            })?;
        // The scoped run starts as the project starts the runner: its config, its
        // flags (`--passWithNoTests`, `--config`, `--project`), only the selection added.
        let npm = command.is_none_or(|c| {
            let w: Vec<&str> = c.split_whitespace().collect();
            matches!(
                w.as_slice(),
                ["npm", "test"] | ["npm", "t"] | ["npm", "run", "test"]
            )
        });
        let base = command
            .filter(|_| !npm)
            .and_then(|c| own_call(c, runner))
            .or_else(|| script.filter(|_| npm).and_then(|s| own_call(s, runner)));
        Some(JsRunner {
            runner,
            base,
            script: script.map(str::to_string),
        })
    }

    /// The full command when it is one plain call of the runner (not through npm).
    fn plain_full(&self, words: Vec<String>) -> Option<ScopedCommand> {
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let runner_first = |name: &str| -> Option<()> {
            let first = w
                .iter()
                .position(|x| *x == name || x.ends_with(&format!("/{name}")))?;
            // `npx jest`, `jest`, `node_modules/.bin/jest`: nothing else before it.
            (first == 0 || (first == 1 && w[0] == "npx")).then_some(())
        };
        match self.runner {
            Runner::Jest | Runner::Vitest => {
                let jest = self.runner == Runner::Jest;
                runner_first(if jest { "jest" } else { "vitest" })?;
                if w.iter().any(|x| {
                    x.starts_with("--json")
                        || x.starts_with("--reporter")
                        || x.starts_with("--outputFile")
                }) {
                    return None;
                }
                let mut argv = words.clone();
                if jest {
                    argv.push("--json".into());
                    argv.push(format!("--outputFile={FULL_REPORT_FILE}"));
                } else {
                    argv.push("--reporter=default".into());
                    argv.push("--reporter=json".into());
                    argv.push(format!("--outputFile.json={FULL_REPORT_FILE}"));
                }
                Some(in_file(argv, FULL_REPORT_FILE))
            }
            Runner::Mocha => {
                runner_first("mocha")?;
                if w.iter().any(|x| *x == "-R" || x.starts_with("--reporter")) {
                    return None;
                }
                let mut argv = words.clone();
                argv.extend(["--reporter".to_string(), "tap".to_string()]);
                Some(ScopedCommand::stdout(argv))
            }
            Runner::NodeTest => {
                if w.first() != Some(&"node") || w.iter().any(|x| x.starts_with("--test-reporter"))
                {
                    return None;
                }
                let at = w.iter().position(|x| *x == "--test")?;
                Some(ScopedCommand::stdout(insert_at(
                    &words,
                    at + 1,
                    &["--test-reporter=tap"],
                )))
            }
        }
    }
}

/// A report written to `file`, removed before the run.
fn in_file(argv: Vec<String>, file: &str) -> ScopedCommand {
    ScopedCommand {
        argv,
        results: ResultsAt::File(file.to_string()),
        stale: vec![file.to_string()],
    }
}

impl TestFramework for JsRunner {
    fn scoped(&self, tests: &[&str]) -> Option<ScopedCommand> {
        if tests.is_empty() {
            return None;
        }
        Some(match self.runner {
            Runner::Jest => {
                let names: Vec<String> = tests.iter().map(|t| t.replace(" › ", " ")).collect();
                let mut argv = base_or(&self.base, &["npx", "jest"]);
                argv.extend([
                    "--json".to_string(),
                    format!("--outputFile={SCOPED_REPORT_FILE}"),
                    "-t".to_string(),
                    anchored(&names),
                ]);
                in_file(argv, SCOPED_REPORT_FILE)
            }
            Runner::Vitest => {
                let names: Vec<String> = tests.iter().map(|t| t.replace(" > ", " ")).collect();
                let mut argv = base_or(&self.base, &["npx", "vitest", "run"]);
                argv.extend([
                    "--reporter=default".to_string(),
                    "--reporter=json".to_string(),
                    format!("--outputFile.json={SCOPED_REPORT_FILE}"),
                    "-t".to_string(),
                    anchored(&names),
                ]);
                in_file(argv, SCOPED_REPORT_FILE)
            }
            Runner::Mocha => {
                let names: Vec<String> = tests.iter().map(|t| t.to_string()).collect();
                let mut argv = base_or(&self.base, &["npx", "mocha"]);
                argv.extend(words(&["--reporter", "tap", "--grep"]));
                argv.push(anchored(&names));
                ScopedCommand::stdout(argv)
            }
            Runner::NodeTest => {
                let mut argv = base_or(&self.base, &["node", "--test"]);
                argv.push("--test-reporter=tap".into());
                for t in tests {
                    argv.push(format!("--test-name-pattern={}", node_pattern(t)));
                }
                ScopedCommand::stdout(argv)
            }
        })
    }

    fn full(&self, command: &str) -> Option<ScopedCommand> {
        let words = plain_words(command)?;
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let npm = matches!(
            w.as_slice(),
            ["npm", "test", ..] | ["npm", "t", ..] | ["npm", "run", "test", ..]
        );
        if !npm {
            return self.plain_full(words);
        }
        // The script must itself be one plain runner call, and the command add
        // nothing after `npm test` but what npm passes on.
        let script = plain_words(self.script.as_deref()?)?;
        let head = if w[1] == "run" { 3 } else { 2 };
        if w.len() > head && w[head] != "--" {
            return None;
        }
        let inner = self.plain_full(script.clone())?;
        if self.runner == Runner::NodeTest {
            // Its flag must come before the files: not through npm.
            return None;
        }
        let added = &inner.argv[script.len()..];
        let mut argv = words.clone();
        if argv.len() == head {
            argv.push("--".into());
        }
        argv.extend(added.iter().cloned());
        Some(ScopedCommand { argv, ..inner })
    }

    fn read(&self, report: &str) -> Result<TestRun, ReadError> {
        match self.runner {
            Runner::Jest => jest_json::read(report, " › "),
            Runner::Vitest => jest_json::read(report, " > "),
            Runner::Mocha | Runner::NodeTest => Ok(tap::read(report)),
        }
    }
}

/// How `command` (the test script, or the full command) starts jest or vitest, as
/// the start of a scoped run: one plain call of the runner (`vitest run
/// --passWithNoTests`, `npx jest --ci -c jest.config.js`) with its own flags and
/// files, less what would keep it from ending or from passing a scoped run
/// (watch mode, coverage thresholds) and the reports self-heal adds; vitest gets
/// `run`; mocha keeps its interface and spec files, not its reporter or grep. None for anything else (a compound script, another runner): the
/// runner's plain command is used.
fn own_call(command: &str, runner: Runner) -> Option<Vec<String>> {
    let name = match runner {
        Runner::Jest => "jest",
        Runner::Vitest => "vitest",
        Runner::Mocha => "mocha",
        Runner::NodeTest => return None,
    };
    let words = plain_words(command)?;
    let at = words
        .iter()
        .position(|w| *w == name || w.ends_with(&format!("/{name}")))?;
    if !(at == 0 || (at == 1 && words[0] == "npx")) {
        return None;
    }
    // A script finds the runner in node_modules/.bin; a plain shell needs npx.
    let mut argv: Vec<String> = if words[at] == name {
        vec!["npx".into(), name.into()]
    } else {
        vec![words[at].clone()]
    };
    let mut rest = words[at + 1..].iter().peekable();
    if runner == Runner::Mocha {
        // Its interface (`--ui qunit`), requires and spec files decide what a test is
        // called and whether it loads at all; the scoped run adds its own reporter
        // and selection.
        while let Some(w) = rest.next() {
            let w = w.as_str();
            if matches!(
                w,
                "--reporter"
                    | "-R"
                    | "--reporter-option"
                    | "--reporter-options"
                    | "-O"
                    | "--grep"
                    | "-g"
                    | "--fgrep"
                    | "-f"
            ) {
                rest.next();
            } else if !(w.starts_with("--reporter")
                || w.starts_with("--grep=")
                || w.starts_with("--fgrep=")
                || matches!(w, "--watch" | "-w" | "--invert" | "-i"))
            {
                argv.push(w.to_string());
            }
        }
        return Some(argv);
    }
    if runner == Runner::Vitest {
        argv.push("run".into());
        if rest
            .peek()
            .is_some_and(|w| matches!(w.as_str(), "run" | "watch" | "dev"))
        {
            rest.next();
        }
    }
    let dropped = |w: &str| {
        matches!(w, "--watch" | "-w" | "--watchAll" | "--json" | "--coverage")
            || w.starts_with("--watch=")
            || w.starts_with("--coverage.")
            || w.starts_with("--coverage=")
            || w.starts_with("--outputFile")
    };
    argv.extend(rest.filter(|w| !dropped(w)).cloned());
    Some(argv)
}

/// The runner a command names (`npx vitest run`, `jest --ci`, `node --test`).
fn named_runner(command: &str) -> Option<Runner> {
    let words: Vec<&str> = command
        .split(|c: char| c.is_whitespace() || c == '/' || c == '&' || c == ';' || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("vitest") {
        Some(Runner::Vitest)
    } else if has("jest") {
        Some(Runner::Jest)
    } else if has("mocha") {
        Some(Runner::Mocha)
    } else if has("node")
        && words
            .iter()
            .any(|w| *w == "--test" || w.starts_with("--test="))
    {
        Some(Runner::NodeTest)
    } else {
        None
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::framework;

    fn scoped(r: Runner, tests: &[&str]) -> String {
        JsRunner::new(r).scoped(tests).unwrap().shell()
    }

    #[test]
    fn each_runner_in_its_own_syntax() {
        assert_eq!(
            scoped(Runner::Jest, &["cart › adds (1+1)"]),
            r"npx jest --json --outputFile=.self-heal-results.json -t '^cart adds \(1\+1\)$'"
        );
        assert_eq!(
            scoped(Runner::Vitest, &["a > b", "c > d"]),
            "npx vitest run --reporter=default --reporter=json \
             --outputFile.json=.self-heal-results.json -t '^(?:a b|c d)$'"
        );
        assert_eq!(
            scoped(Runner::Mocha, &["pager window shows"]),
            "npx mocha --reporter tap --grep '^pager window shows$'"
        );
        assert_eq!(
            scoped(Runner::NodeTest, &["s > t.x", "top"]),
            r"node --test --test-reporter=tap '--test-name-pattern=^(?:s )?t\.x$' '--test-name-pattern=^top$'"
        );
    }

    #[test]
    fn the_scoped_run_starts_the_runner_as_the_project_does() {
        let own = |c: &str, r| own_call(c, r).map(|w| w.join(" "));
        assert_eq!(
            own(
                "vitest --passWithNoTests --config v.config.ts",
                Runner::Vitest
            )
            .as_deref(),
            Some("npx vitest run --passWithNoTests --config v.config.ts")
        );
        assert_eq!(
            own("npx vitest watch --coverage src", Runner::Vitest).as_deref(),
            Some("npx vitest run src")
        );
        assert_eq!(
            own("node_modules/.bin/jest --ci --watchAll", Runner::Jest).as_deref(),
            Some("node_modules/.bin/jest --ci")
        );
        // A mocha script's interface, checks and spec folder stay; its reporter and
        // any selection give way to the scoped run's.
        let mocha = own(
            "mocha --reporter spec --bail --check-leaks --ui qunit -g slow test/",
            Runner::Mocha,
        );
        assert_eq!(
            mocha.as_deref(),
            Some("npx mocha --bail --check-leaks --ui qunit test/")
        );
        let js = JsRunner {
            base: own_call("mocha -R dot --ui qunit test/", Runner::Mocha),
            ..JsRunner::new(Runner::Mocha)
        };
        assert_eq!(
            js.scoped(&["serialize expires"]).unwrap().shell(),
            "npx mocha --ui qunit test/ --reporter tap --grep '^serialize expires$'"
        );
        assert_eq!(own("tsc && vitest run", Runner::Vitest), None);
        assert_eq!(own("cross-env CI=1 jest", Runner::Jest), None);
    }

    #[test]
    fn full_commands_gain_the_report_flags_only_when_plain() {
        let f = |r: Runner, c: &str, script: Option<&str>| {
            let js = JsRunner {
                script: script.map(str::to_string),
                ..JsRunner::new(r)
            };
            js.full(c).map(|sc| sc.shell())
        };
        let some = |r, c| f(r, c, None).unwrap();
        assert_eq!(
            some(Runner::Jest, "npx jest --ci"),
            "npx jest --ci --json --outputFile=.self-heal-full.json"
        );
        assert_eq!(
            some(Runner::Vitest, "vitest run"),
            "vitest run --reporter=default --reporter=json --outputFile.json=.self-heal-full.json"
        );
        assert_eq!(
            some(Runner::Mocha, "npx mocha test/"),
            "npx mocha test/ --reporter tap"
        );
        assert_eq!(
            some(Runner::NodeTest, "node --test test/"),
            "node --test --test-reporter=tap test/"
        );
        assert_eq!(
            f(Runner::Jest, "npm test", Some("jest --ci")).unwrap(),
            "npm test -- --json --outputFile=.self-heal-full.json"
        );
        for (r, c, script) in [
            (Runner::Jest, "npm test", Some("eslint . && jest")),
            (Runner::Jest, "npm test", None),
            (Runner::NodeTest, "npm test", Some("node --test")),
            (Runner::NodeTest, "node --test --test-reporter=spec", None),
            (Runner::Mocha, "make test", None),
        ] {
            assert_eq!(f(r, c, script), None, "{c}");
        }
    }

    #[test]
    fn nothing_to_run_is_no_command_and_a_base_is_kept() {
        assert!(framework::scoped(&JsRunner::new(Runner::Jest), &[" ".to_string()]).is_none());
        let js = JsRunner {
            base: Some(words(&["npm", "test", "--"])),
            ..JsRunner::new(Runner::Jest)
        };
        assert!(js
            .scoped(&["a"])
            .unwrap()
            .shell()
            .starts_with("npm test -- --json"));
    }

    #[test]
    fn the_runner_comes_from_the_command_then_the_script_then_the_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = |json: &str| std::fs::write(dir.path().join("package.json"), json).unwrap();
        let of = |c: &str| JsRunner::of_project(dir.path(), Some(c)).map(|r| r.runner);
        pkg(r#"{"scripts":{"test":"mocha"},"devDependencies":{"jest":"1"}}"#);
        assert_eq!(of("npx vitest run"), Some(Runner::Vitest));
        assert_eq!(of("npm test"), Some(Runner::Mocha));
        assert_eq!(
            of("node --test --test-reporter=spec"),
            Some(Runner::NodeTest)
        );
        pkg(r#"{"devDependencies":{"jest":"1","typescript":"5"}}"#);
        assert_eq!(of("npm test"), Some(Runner::Jest));
        pkg(r#"{"devDependencies":{"typescript":"5"}}"#);
        assert_eq!(of("npx tsc --noEmit"), None);
    }
}
