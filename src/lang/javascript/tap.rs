//! TAP as `node --test` prints it (Node 20's default off a terminal: test
//! points nested four spaces per level under `# Subtest: name`, each with a
//! YAML block) and as mocha's `--reporter tap` prints it (flat, full titles).
//! Ids are the names from the outermost suite down joined with ` > ` (mocha:
//! its full title). `# SKIP` and `# TODO` points did not run; suites, which
//! only stand for their tests, are dropped. A test file that failed to load
//! (older Node names a point after the file) is an error of the run.

use crate::lang::reports::{Outcome, TestRun};

/// A test point: `ok 1 - name # SKIP reason` → (passed, name, directive).
fn point(t: &str) -> Option<(bool, &str, &str)> {
    let (ok, rest) = if let Some(r) = t.strip_prefix("not ok") {
        (false, r)
    } else {
        (true, t.strip_prefix("ok")?)
    };
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let (name, directive) = match rest.find(" # ") {
        Some(i) => (&rest[..i], rest[i + 3..].trim()),
        None => (rest, ""),
    };
    Some((ok, name.trim(), directive))
}

/// A subtest named like a test file (older Node wraps each file so).
fn is_test_file(s: &str) -> bool {
    (s.contains('/') || s.contains('\\'))
        && [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]
            .iter()
            .any(|e| s.ends_with(e))
}

pub fn read(text: &str) -> TestRun {
    let mut run = TestRun::default();
    let mut names: Vec<String> = Vec::new();
    // Indent of the YAML block being skipped (`---` .. `...`).
    let mut yaml: Option<usize> = None;
    // Levels that had a test point since the last point one level up.
    let mut had_child: Vec<bool> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if let Some(y) = yaml {
            if t == "..." && indent <= y {
                yaml = None;
            }
            continue;
        }
        if t == "---" {
            yaml = Some(indent);
            continue;
        }
        if let Some(reason) = t.strip_prefix("Bail out!") {
            run.errors.push(format!("Bail out!{reason}"));
            continue;
        }
        if let Some(name) = t.strip_prefix("# Subtest: ") {
            let level = indent / 4;
            names.truncate(level);
            names.resize(level, String::new());
            names.push(name.trim().to_string());
            continue;
        }
        let Some((ok, name, directive)) = point(t) else {
            continue;
        };
        let level = indent / 4;
        if had_child.len() <= level + 1 {
            had_child.resize(level + 2, false);
        }
        let parent = std::mem::take(&mut had_child[level + 1]);
        had_child[level] = true;
        let mut parts: Vec<&str> = names.iter().take(level).map(String::as_str).collect();
        if parts.first().is_some_and(|p| is_test_file(p)) {
            parts.remove(0);
        }
        if parent {
            // A suite (or file): its tests are the results.
            continue;
        }
        if parts.is_empty() && is_test_file(name) {
            if !ok {
                run.errors.push(format!("{name} failed to run"));
            }
            continue;
        }
        parts.push(name);
        let d = directive.to_ascii_uppercase();
        let outcome = if d.starts_with("SKIP") || d.starts_with("TODO") {
            Outcome::Skipped
        } else if ok {
            Outcome::Passed
        } else {
            Outcome::Failed
        };
        run.record(parts.join(" > ").replace("\\#", "#"), outcome);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_node_wraps_files_and_yaml_is_skipped() {
        let text = "\
TAP version 13
# Subtest: /w/test/a.test.js
    # Subtest: adds
    not ok 1 - adds
      ---
      error: |-
        ok 2 - not a test point
      ...
    1..1
not ok 1 - /w/test/a.test.js
# Subtest: /w/test/broken.test.js
not ok 2 - /w/test/broken.test.js
  ---
  error: 'SyntaxError'
  ...
ok 3 - todo later # TODO
";
        let r = read(text);
        assert_eq!(r.failed(), vec!["adds"]);
        assert_eq!(r.skipped(), vec!["todo later"]);
        assert_eq!(r.errors, vec!["/w/test/broken.test.js failed to run"]);
    }
}
