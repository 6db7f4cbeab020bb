//! Running the project's own tool in a scratch copy and reading back what it changed.
//!
//! The tool is found where the project keeps it (`node_modules/.bin`, `.venv/bin`) or on
//! PATH; it is never installed. It runs in a sandbox copy of the checkout with the
//! validation environment (no credentials), and only the files the failure named are read
//! back, each as one search/replace edit of its changed lines.

use super::{RecipeFix, RecipeInput};
use crate::repair::edits::Edit;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A program of the project: `project` paths under the root first (the configured
/// version), then `path_name` on PATH.
pub(super) fn program(root: &Path, project: &[&str], path_name: Option<&str>) -> Option<PathBuf> {
    project
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_file())
        .or_else(|| path_name.and_then(|n| which::which(n).ok()))
}

/// The Python tool `name` (black, ruff, isort) of the project: its virtualenv's, else PATH's.
pub(super) fn python_tool(root: &Path, name: &str) -> Option<PathBuf> {
    let venv: Vec<String> = [".venv", "venv", "env"]
        .iter()
        .map(|v| format!("{v}/bin/{name}"))
        .collect();
    let refs: Vec<&str> = venv.iter().map(String::as_str).collect();
    program(root, &refs, Some(name))
}

/// The one line a recipe gives when its tool is not there.
pub(super) fn missing(tool: &str, hint: &str) -> String {
    format!("{tool} is not installed for this project ({hint}); recipes never install tools")
}

/// Runs `cmd` (cwd and arguments set by the caller) with the validation environment, up to
/// `timeout`; returns (exit success, combined output) or why it could not run.
pub(super) fn run(mut cmd: Command, timeout: Duration) -> Result<(bool, String), String> {
    let shown = format!("{:?}", cmd.get_program());
    // The caller's own variables survive the reset to the validation environment.
    let own: Vec<(std::ffi::OsString, std::ffi::OsString)> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_os_string(), v?.to_os_string())))
        .collect();
    let mut child = cmd
        .env_clear()
        .envs(crate::validate::scrubbed_env())
        .env("CI", "true")
        .envs(own)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stderr = child.stderr.take().ok_or("no stderr")?;
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{shown} did not finish in {}s", timeout.as_secs()));
            }
        }
    };
    let mut text = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    text.push_str(&String::from_utf8_lossy(
        &err_reader.join().unwrap_or_default(),
    ));
    Ok((status.success(), text))
}

/// Copies the checkout, lets `build` make the tool's command for that copy, runs it, and
/// turns what it changed in `files` into a fix. None when it changed none of them.
pub(super) fn fix_in_copy(
    root: &Path,
    files: &[String],
    recipe: &str,
    what: &str,
    timeout: Duration,
    build: impl FnOnce(&Path) -> Command,
) -> Result<Option<RecipeFix>, String> {
    if files.is_empty() {
        return Ok(None);
    }
    let sandbox = crate::validate::Sandbox::create(root).map_err(|e| e.to_string())?;
    // Ignored dependency folders are not copied; the tool and its plugins live there.
    let (src, dst) = (root.join("node_modules"), sandbox.root.join("node_modules"));
    if src.is_dir() && !dst.exists() {
        let _ = std::os::unix::fs::symlink(&src, &dst);
    }
    let mut cmd = build(&sandbox.root);
    cmd.current_dir(&sandbox.root);
    let (_ok, output) = run(cmd, timeout)?;
    let mut edits = Vec::new();
    let mut changed = Vec::new();
    for rel in files {
        let (Ok(before), Ok(after)) = (
            std::fs::read_to_string(root.join(rel)),
            std::fs::read_to_string(sandbox.root.join(rel)),
        ) else {
            continue;
        };
        if let Some(edit) = whole_change(rel, &before, &after) {
            edits.push(edit);
            changed.push(rel.as_str());
        }
    }
    if edits.is_empty() {
        tracing::debug!("{recipe}: changed none of {files:?}: {output}");
        return Ok(None);
    }
    Ok(Some(RecipeFix {
        recipe: recipe.to_string(),
        diagnosis: format!(
            "{what} in {}; ran the project's own tool on {} (recipe {recipe}).",
            changed.join(", "),
            if changed.len() == 1 { "it" } else { "them" }
        ),
        edits,
    }))
}

/// A Python tool that rewrites files in place (`black`, `isort`, `ruff`): the project's
/// own `tool` run as `tool ARGS -- FILES` in a copy. `what` opens the diagnosis ("Not
/// formatted as black would").
pub(super) fn python_formatter(
    input: &RecipeInput<'_>,
    tool: &str,
    args: &[&str],
    files: &[String],
    recipe: &str,
    what: &str,
) -> Result<Vec<RecipeFix>, String> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let Some(bin) = python_tool(input.root, tool) else {
        return Err(missing(tool, "not in .venv/bin nor on PATH"));
    };
    let fix = fix_in_copy(
        input.root,
        files,
        recipe,
        what,
        input.opts.tool_timeout,
        |_| {
            let mut c = Command::new(&bin);
            c.args(args).arg("--").args(files);
            c
        },
    )?;
    Ok(fix.into_iter().collect())
}

/// One edit taking `before` to `after`: the changed lines, widened with neighbours until
/// the search text occurs once in `before`.
pub(super) fn whole_change(rel: &str, before: &str, after: &str) -> Option<Edit> {
    if before == after || before.is_empty() {
        return None;
    }
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let mut p = 0;
    while p < old.len() && p < new.len() && old[p] == new[p] {
        p += 1;
    }
    let mut s = 0;
    while s < old.len() - p && s < new.len() - p && old[old.len() - 1 - s] == new[new.len() - 1 - s]
    {
        s += 1;
    }
    let (mut a, mut b_old, mut b_new) = (p, old.len() - s, new.len() - s);
    let mut grow_up = true;
    loop {
        let search: String = old[a..b_old].concat();
        if !search.is_empty() && count(before, &search) == 1 {
            return Some(Edit {
                path: rel.to_string(),
                search,
                replace: new[a..b_new].concat(),
            });
        }
        if (grow_up && a > 0) || b_old >= old.len() {
            a = a.checked_sub(1)?;
        } else {
            b_old += 1;
            b_new += 1;
        }
        grow_up = !grow_up;
    }
}

/// Occurrences of `needle` in `hay`, overlapping ones included (none of an empty one).
pub(super) fn count(hay: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        n += 1;
        from += i + hay[from + i..]
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(1);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(before: &str, e: &Edit) -> String {
        assert_eq!(count(before, &e.search), 1, "{e:?}");
        before.replacen(&e.search, &e.replace, 1)
    }

    #[test]
    fn one_edit_reproduces_the_tool_output() {
        let cases = [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("x\nx\nx\n", "x\nx\ny\nx\n"),
            ("}\n}\n", "}\n}\n\n"),
            ("fn a(){}\n", "fn a() {}\n"),
            ("a\n", "a"),
            ("same\nsame\nsame\n", "same\nsame\n"),
        ];
        for (before, after) in cases {
            let e = whole_change("f", before, after).expect("a change");
            assert_eq!(apply(before, &e), after, "{before:?} -> {after:?}");
        }
        assert!(whole_change("f", "a\n", "a\n").is_none());
    }
}
