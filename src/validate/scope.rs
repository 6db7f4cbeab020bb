//! Test scoping: the command that runs only the failing tests, per ecosystem,
//! and reading pytest's report of which tests failed.

use std::collections::BTreeMap;

/// Quotes `s` for `sh` (single quotes, `'` as `'\''`), leaving plain words bare.
pub fn sh_quote(s: &str) -> String {
    // `#` only starts a comment at the start of a word.
    let plain = !s.is_empty()
        && !s.starts_with('#')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,#".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The Python interpreter name to put in commands: `python` where it exists
/// (virtualenvs, setup-python), else `python3` (Debian images).
pub fn python() -> &'static str {
    if which::which("python").is_ok() {
        "python"
    } else {
        "python3"
    }
}

/// The command that runs only `tests`, for `language`; None when the language has
/// no scoping here or there is nothing to run.
pub fn scope(language: Option<&str>, tests: &[String]) -> Option<String> {
    let tests: Vec<&str> = tests
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if tests.is_empty() {
        return None;
    }
    match canonical_language(language?)? {
        "python" => Some(format!(
            "{} -m pytest -q -p no:cacheprovider {}",
            python(),
            tests
                .iter()
                .map(|t| sh_quote(t))
                .collect::<Vec<_>>()
                .join(" ")
        )),
        "go" => go_scope(&tests),
        "rust" => Some(if tests.len() == 1 {
            format!("cargo test {}", sh_quote(tests[0]))
        } else {
            // libtest takes several name filters after `--`.
            format!(
                "cargo test -- {}",
                tests
                    .iter()
                    .map(|t| sh_quote(t))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }),
        "javascript" => {
            let alternatives: Vec<String> = tests.iter().map(|t| regex::escape(t)).collect();
            Some(format!(
                "npx jest -t {}",
                sh_quote(&format!("^({})$", alternatives.join("|")))
            ))
        }
        "java" => java_scope(&tests),
        _ => None,
    }
}

pub fn canonical_language(lang: &str) -> Option<&'static str> {
    Some(match lang.trim().to_ascii_lowercase().as_str() {
        "python" | "py" => "python",
        "go" | "golang" => "go",
        "rust" | "cargo" => "rust",
        "javascript" | "js" | "typescript" | "ts" | "node" | "jest" => "javascript",
        "java" | "kotlin" | "maven" | "gradle" => "java",
        _ => return None,
    })
}

/// Go ids as `pkg TestName`, `pkg.TestName` or `pkg/TestName` (subtests after `/`
/// run through their top-level test); one `go test` per package.
fn go_scope(tests: &[&str]) -> Option<String> {
    let mut by_pkg: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tests {
        let (pkg, name) = split_go_id(t);
        let top = name.split('/').next().unwrap_or(&name).to_string();
        if top.is_empty() {
            continue;
        }
        let names = by_pkg.entry(pkg).or_default();
        if !names.contains(&top) {
            names.push(top);
        }
    }
    if by_pkg.is_empty() {
        return None;
    }
    let cmds: Vec<String> = by_pkg
        .into_iter()
        .map(|(pkg, names)| {
            let escaped: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
            format!(
                "go test -run {} {}",
                sh_quote(&format!("^({})$", escaped.join("|"))),
                sh_quote(&pkg)
            )
        })
        .collect();
    Some(cmds.join(" && "))
}

fn split_go_id(id: &str) -> (String, String) {
    if let Some((pkg, name)) = id.rsplit_once(char::is_whitespace) {
        return (go_pkg(pkg.trim()), name.to_string());
    }
    // The test name is the first segment starting with Test/Example/Benchmark/Fuzz.
    let is_name = |s: &str| {
        ["Test", "Example", "Benchmark", "Fuzz"]
            .iter()
            .any(|p| s.starts_with(p))
    };
    for (i, c) in id.char_indices() {
        if (c == '.' || c == '/') && is_name(&id[i + 1..]) {
            return (go_pkg(&id[..i]), id[i + 1..].to_string());
        }
    }
    ("./...".to_string(), id.to_string())
}

fn go_pkg(pkg: &str) -> String {
    if pkg.is_empty() {
        "./...".to_string()
    } else if pkg.contains('.') && !pkg.starts_with('.') {
        // An import path (`example.com/m/pkg`) is what `go test` takes as is.
        pkg.to_string()
    } else if pkg.starts_with("./") || pkg == "." {
        pkg.to_string()
    } else {
        format!("./{pkg}")
    }
}

/// Maven ids as `pkg.Class#method`, `method(pkg.Class)` or `pkg.Class`.
fn java_scope(tests: &[&str]) -> Option<String> {
    let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tests {
        let (class, method) = if let Some((m, rest)) = t.split_once('(') {
            (rest.trim_end_matches(')').to_string(), Some(m.to_string()))
        } else if let Some((c, m)) = t.split_once('#') {
            (c.to_string(), Some(m.to_string()))
        } else {
            (t.to_string(), None)
        };
        let simple = class.rsplit('.').next().unwrap_or(&class).to_string();
        let methods = by_class.entry(simple).or_default();
        if let Some(m) = method {
            methods.push(m);
        }
    }
    let spec: Vec<String> = by_class
        .into_iter()
        .map(|(c, ms)| {
            if ms.is_empty() {
                c
            } else {
                format!("{c}#{}", ms.join("+"))
            }
        })
        .collect();
    Some(format!(
        "mvn -q -B test -Dsurefire.failIfNoSpecifiedTests=false -Dtest={}",
        sh_quote(&spec.join(","))
    ))
}

/// The tests a pytest run reports as failed or errored, from its `FAILED`/`ERROR`
/// lines; None when the report cannot be trusted to be complete (no summary line,
/// or fewer lines than the summary counts).
pub fn pytest_failures(report_lines: &[String], summary: Option<&str>) -> Option<Vec<String>> {
    let summary = summary?;
    let mut expected = 0usize;
    let words: Vec<&str> = summary
        .split(|c: char| c.is_whitespace() || c == ',' || c == '=')
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            if matches!(pair[1], "failed" | "error" | "errors") {
                expected += n;
            }
        }
    }
    let mut ids: Vec<String> = Vec::new();
    for line in report_lines {
        let rest = line
            .strip_prefix("FAILED ")
            .or_else(|| line.strip_prefix("ERROR "))
            .unwrap_or(line);
        let id = node_id(rest);
        if !id.is_empty() && !ids.contains(&id) {
            ids.push(id);
        }
    }
    (ids.len() >= expected && expected > 0).then_some(ids)
}

/// The node id of a `FAILED` line's rest: up to ` - message`, minding `[params - x]`.
fn node_id(rest: &str) -> String {
    let mut depth = 0i32;
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => depth -= 1,
            b' ' if depth <= 0 && rest[i..].starts_with(" - ") => {
                return rest[..i].trim().to_string();
            }
            _ => {}
        }
    }
    rest.trim().to_string()
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
    fn quoting_survives_sh() {
        assert_eq!(sh_quote("tests/test_a.py::t"), "tests/test_a.py::t");
        assert_eq!(sh_quote("t[a b]"), "'t[a b]'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn go_ids_group_by_package() {
        let ids = vec![
            "pkg/calc TestAdd".to_string(),
            "pkg/calc.TestSub/neg".to_string(),
        ];
        assert_eq!(
            scope(Some("go"), &ids).as_deref(),
            Some("go test -run '^(TestAdd|TestSub)$' ./pkg/calc")
        );
    }

    #[test]
    fn java_ids_both_forms() {
        let ids = vec![
            "com.x.CalcTest#adds".to_string(),
            "subtracts(com.x.CalcTest)".to_string(),
        ];
        assert_eq!(
            scope(Some("java"), &ids).as_deref(),
            Some("mvn -q -B test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=CalcTest#adds+subtracts")
        );
    }

    #[test]
    fn pytest_report_parsing_needs_a_complete_report() {
        let lines = vec![
            "FAILED tests/test_a.py::test_x - assert 1 == 2".to_string(),
            "FAILED tests/test_a.py::test_p[a - b] - boom".to_string(),
        ];
        assert_eq!(
            pytest_failures(&lines, Some("2 failed, 3 passed in 0.10s")),
            Some(vec![
                "tests/test_a.py::test_x".to_string(),
                "tests/test_a.py::test_p[a - b]".to_string()
            ])
        );
        assert_eq!(pytest_failures(&lines, Some("3 failed in 0.1s")), None);
        assert_eq!(pytest_failures(&lines, None), None);
    }

    #[test]
    fn same_test_allows_rootdir_prefix() {
        assert!(same_test("tests/test_a.py::t", "pkg/tests/test_a.py::t"));
        assert!(!same_test("a.py::t", "xa.py::t"));
    }
}
