//! "What changed": the diff between a commit known to be good (the last green run's,
//! or the `since` setting's) and the failing code, limited to the files the failures
//! implicate and to a budget, masked. The model gets it as data; the PR body shows it
//! as "changed since the last green run".
//!
//! Implicated files, in the order they are shown: the failures' own files and the
//! files of their test ids; repository files the excerpt names (frames, compiler
//! notes); then changed files in the same directory as one of those (a Go or Java
//! package) and changed files whose name (without extension) or directory name (3+
//! characters) appears as a word in one of those (an import such as `from pager
//! import` or `from pager.core import`).

use super::Analysis;
use crate::git::{Git, GitError};
use crate::secrets::Secrets;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The commit to compare with and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// A revision git understands (a sha, `origin/main`, a tag).
    pub rev: String,
    /// For the reader: "the last green run 42", "`since` v1.2".
    pub label: String,
    /// Fetch `rev` from `origin` when the checkout lacks it (a shallow clone).
    pub fetch: bool,
}

/// The comparison, as the model, the report and the PR body get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ChangedSince {
    /// How the base was chosen ("the last green run 42").
    pub base: String,
    /// The base commit's sha, when it was found.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub commit: String,
    /// The implicated files that changed, in the order of the diff.
    #[serde(default)]
    pub files: Vec<String>,
    /// Changed files that no failure implicates (named, not shown; at most 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_files: Vec<String>,
    /// How many changed files were not implicated.
    #[serde(default)]
    pub other_count: usize,
    /// The unified diff of `files`, secrets masked, cut at the budget.
    #[serde(default)]
    pub diff: String,
    /// The diff was cut at the budget (the cut is marked in `diff`).
    #[serde(default)]
    pub truncated: bool,
    /// One line when there was nothing to compare with (no green run, a shallow clone
    /// without the base): then every other field is empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Marks where a diff over the budget was cut.
pub const CUT_MARKER: &str = "[… diff cut here: over the budget of";

/// Most changed files looked at (a merge of a huge branch is not evidence).
const MAX_CHANGED: usize = 5_000;
/// Largest implicated file read to look for names of changed files.
const MAX_SCAN_BYTES: u64 = 256 * 1024;

impl ChangedSince {
    /// Nothing to compare with, and why (one line).
    pub fn unavailable(note: impl Into<String>) -> ChangedSince {
        ChangedSince {
            note: note.into(),
            ..ChangedSince::default()
        }
    }

    /// One line for the reader: what was compared and what changed.
    pub fn summary(&self) -> String {
        if !self.note.is_empty() {
            return self.note.clone();
        }
        let at = if self.commit.is_empty() {
            String::new()
        } else {
            format!(" ({})", short(&self.commit))
        };
        let others = match self.other_count {
            0 => String::new(),
            n => format!(
                "; {n} other changed file{} not implicated by the failures: {}{}",
                if n == 1 { "" } else { "s" },
                self.other_files.join(", "),
                if n > self.other_files.len() {
                    ", …"
                } else {
                    ""
                }
            ),
        };
        if self.files.is_empty() {
            return format!(
                "Compared with {}{at}: none of the files the failures implicate changed{others}.",
                self.base
            );
        }
        format!(
            "Compared with {}{at}: {} changed{others}.",
            self.base,
            self.files.join(", ")
        )
    }
}

/// Whether `rev` may be handed to git as a revision: no option (`-x`), no whitespace
/// or control characters, no `..` range; `none` is accepted (it turns the comparison off).
pub fn valid_rev(rev: &str) -> bool {
    !rev.is_empty()
        && rev.len() <= 256
        && !rev.starts_with('-')
        && !rev.contains("..")
        && !rev.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The local default: the merge-base of HEAD with the first of these that exists: the
/// default branch (`origin/HEAD`, set by `git clone` or `git remote set-head origin
/// --auto`), the branch's upstream, `origin/main`, `origin/master`. A mirror, a
/// `git init` + `remote add` + fetch, or actions/checkout's shallow clone has no
/// `origin/HEAD`, and still one of the others. `since` (not `none`) wins. `Err` is the
/// one-line reason there is none.
pub fn local_base(git: &Git, since: Option<&str>) -> Result<Base, String> {
    if let Some(rev) = since {
        return Ok(Base {
            rev: rev.to_string(),
            label: format!("`{rev}` (the `since` setting)"),
            fetch: false,
        });
    }
    if git
        .run(&["rev-parse", "--verify", "--quiet", "HEAD"], &[], None)
        .is_err()
    {
        return Err(
            "Not compared with an earlier commit: the workdir is not a git checkout with a commit."
                .into(),
        );
    }
    let default = default_branch(git).ok_or_else(|| {
        "Not compared with an earlier commit: the default branch is not known (no origin/HEAD, upstream, origin/main or origin/master; `git remote set-head origin --auto` sets origin/HEAD), give `--since REV`.".to_string()
    })?;
    let merge_base = git
        .run(&["merge-base", "HEAD", &default], &[], None)
        .map_err(|_| {
            format!("Not compared with an earlier commit: HEAD has no merge-base with {default}.")
        })?;
    Ok(Base {
        rev: merge_base,
        label: format!("the merge-base with {default}"),
        fetch: false,
    })
}

/// The branch local changes are compared with, in the order [`local_base`] gives.
fn default_branch(git: &Git) -> Option<String> {
    let symbolic = |args: &[&str]| git.run(args, &[], None).ok().filter(|s| !s.is_empty());
    let verified = |rev: &str| {
        git.run(&["rev-parse", "--verify", "--quiet", rev], &[], None)
            .is_ok()
            .then(|| rev.to_string())
    };
    symbolic(&[
        "symbolic-ref",
        "--quiet",
        "--short",
        "refs/remotes/origin/HEAD",
    ])
    .or_else(|| {
        symbolic(&[
            "rev-parse",
            "--abbrev-ref",
            "--symbolic-full-name",
            "@{upstream}",
        ])
    })
    .or_else(|| verified("origin/main"))
    .or_else(|| verified("origin/master"))
}

/// Compares `base` with `head` (a commit, or the working tree when `None`) for the
/// files `analysis` implicates: at most `budget_chars` of diff, masked with `secrets`.
/// Never fails: what went wrong becomes the one-line [`ChangedSince::note`].
pub fn compare(
    git: &Git,
    base: &Base,
    head: Option<&str>,
    analysis: &Analysis,
    budget_chars: usize,
    secrets: &Secrets,
) -> ChangedSince {
    let commit = match resolve(git, base) {
        Ok(c) => c,
        Err(why) => {
            return ChangedSince::unavailable(format!("Not compared with {}: {why}.", base.label))
        }
    };
    let mut range = vec![commit.clone()];
    range.extend(head.map(str::to_string));
    let mut args: Vec<&str> = vec!["diff", "--name-only", "-z", "--no-renames"];
    args.extend(range.iter().map(String::as_str));
    args.push("--");
    let changed: Vec<String> = match git.run_capped(&args, &[], 4 << 20) {
        Ok((names, _)) => names
            .split('\0')
            .filter(|n| !n.is_empty())
            .take(MAX_CHANGED)
            .map(str::to_string)
            .collect(),
        Err(e) => {
            return ChangedSince::unavailable(format!(
                "Not compared with {}: {}.",
                base.label,
                first_line(&e)
            ))
        }
    };
    let files = implicated(analysis, git.dir(), &changed);
    let chosen: BTreeSet<&String> = files.iter().collect();
    let others: Vec<&String> = changed.iter().filter(|c| !chosen.contains(c)).collect();
    let mut out = ChangedSince {
        base: base.label.clone(),
        commit,
        other_count: others.len(),
        other_files: others.iter().take(20).map(|s| secrets.mask(s)).collect(),
        ..ChangedSince::default()
    };
    if files.is_empty() {
        return out;
    }
    let mut args: Vec<&str> = vec![
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "-U3",
    ];
    args.extend(range.iter().map(String::as_str));
    args.push("--");
    args.extend(files.iter().map(String::as_str));
    // Twice the budget, so masking (which can shorten or lengthen) still leaves enough.
    let (raw, more) = match git.run_capped(&args, &[], budget_chars.saturating_mul(2) + 4096) {
        Ok(r) => r,
        Err(e) => {
            out.note = format!("Not compared with {}: {}.", base.label, first_line(&e));
            return out;
        }
    };
    let (diff, cut) = cut_to_budget(&secrets.mask(&raw), budget_chars, more);
    out.files = files.iter().map(|f| secrets.mask(f)).collect();
    out.diff = diff;
    out.truncated = cut;
    out
}

/// The diff cut on a line boundary at `budget` bytes, with [`CUT_MARKER`] when cut.
/// `more`: the text is itself only the start of a longer diff.
pub fn cut_to_budget(diff: &str, budget: usize, more: bool) -> (String, bool) {
    if diff.len() <= budget && !more {
        return (diff.to_string(), false);
    }
    let mut end = 0;
    for line in diff.split_inclusive('\n') {
        // Only whole lines: a partial last line could hold half a secret.
        if end + line.len() > budget || !line.ends_with('\n') {
            break;
        }
        end += line.len();
    }
    let mut s = diff[..end].to_string();
    s.push_str(&format!("{CUT_MARKER} {budget} characters]\n"));
    (s, true)
}

/// The base's full sha, fetching it from `origin` first when asked and absent.
fn resolve(git: &Git, base: &Base) -> Result<String, String> {
    let verify = |rev: &str| {
        git.run(
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
            &[],
            None,
        )
    };
    if let Ok(sha) = verify(&base.rev) {
        return Ok(sha);
    }
    if !base.fetch {
        return Err(format!("`{}` is not a commit in the checkout", base.rev));
    }
    let url = git
        .run(&["remote", "get-url", "origin"], &[], None)
        .map_err(|_| "the checkout has no origin to fetch the commit from".to_string())?;
    // The token reaches git through its environment only (see crate::git).
    let env = git.token_env(&url);
    git.run(
        &[
            "fetch",
            "--quiet",
            "--no-tags",
            "--depth=1",
            "origin",
            &base.rev,
        ],
        &env,
        None,
    )
    .map_err(|e| {
        format!(
            "commit {} is not in the checkout (a shallow clone?) and could not be fetched: {}",
            short(&base.rev),
            first_line(&e)
        )
    })?;
    verify(&base.rev).map_err(|_| format!("commit {} could not be fetched", short(&base.rev)))
}

/// The changed files the failures implicate, in the order described in the module docs.
pub fn implicated(analysis: &Analysis, root: &Path, changed: &[String]) -> Vec<String> {
    let changed_set: BTreeSet<&str> = changed.iter().map(String::as_str).collect();
    let mut direct: Vec<String> = Vec::new();
    let add = |p: &str, direct: &mut Vec<String>| {
        let p = p.trim_start_matches("./");
        if !p.is_empty() && !direct.iter().any(|d| d == p) {
            direct.push(p.to_string());
        }
    };
    for f in &analysis.failures {
        if let Some(file) = f.file.as_deref().filter(|_| !f.outside_repo) {
            add(file, &mut direct);
        }
        if let Some(test) = &f.test {
            let path = test.split("::").next().unwrap_or(test);
            if looks_like_file(path) {
                add(path, &mut direct);
            }
        }
    }
    // Repository files the excerpt quotes (tracebacks, compiler notes).
    for word in analysis
        .context
        .split(|c: char| c.is_whitespace() || "\"'`()[]{}<>,;=".contains(c))
        .take(20_000)
    {
        let word = word.split(':').next().unwrap_or(word).trim_matches('.');
        let word = word.trim_start_matches("./");
        if looks_like_file(word)
            && !word.starts_with('/')
            && (changed_set.contains(word) || root.join(word).is_file())
        {
            add(word, &mut direct);
        }
        if direct.len() >= 50 {
            break;
        }
    }
    let mut out: Vec<String> = direct
        .iter()
        .filter(|d| changed_set.contains(d.as_str()))
        .cloned()
        .collect();
    let push = |c: &String, out: &mut Vec<String>| {
        if !out.contains(c) {
            out.push(c.clone());
        }
    };
    let dirs: BTreeSet<&str> = direct.iter().map(|d| parent(d)).collect();
    for c in changed {
        if dirs.contains(parent(c)) && !parent(c).is_empty() {
            push(c, &mut out);
        }
    }
    let mut words: BTreeSet<String> = BTreeSet::new();
    for d in &direct {
        let path = root.join(d);
        let small =
            std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= MAX_SCAN_BYTES);
        if let Some(text) = small.then(|| std::fs::read(&path).ok()).flatten() {
            for w in
                String::from_utf8_lossy(&text).split(|c: char| !(c.is_alphanumeric() || c == '_'))
            {
                if w.len() >= 3 {
                    words.insert(w.to_string());
                }
            }
        }
    }
    for c in changed {
        let stem = Path::new(c)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        let package = parent(c).rsplit('/').next().unwrap_or("");
        let named = |w: &str| w.len() >= 3 && words.contains(w);
        if named(stem) || named(package) {
            push(c, &mut out);
        }
    }
    out
}

fn looks_like_file(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && !ext.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

fn parent(p: &str) -> &str {
    p.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

fn short(sha: &str) -> &str {
    match sha.char_indices().nth(12) {
        Some((i, _)) if sha.chars().all(|c| c.is_ascii_hexdigit()) => &sha[..i.min(7)],
        _ => sha,
    }
}

fn first_line(e: &GitError) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or("git failed")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_that_could_be_options_are_refused() {
        for bad in ["-p", "--output=/tmp/x", "a b", "a..b", "", "x\ny"] {
            assert!(!valid_rev(bad), "{bad:?}");
        }
        for ok in ["main", "origin/main", "v1.2.3", "abc1234", "HEAD~2", "none"] {
            assert!(valid_rev(ok), "{ok:?}");
        }
    }

    #[test]
    fn a_diff_over_the_budget_is_cut_on_a_line_with_a_marker() {
        let diff: String = (0..1000).map(|i| format!("+line {i}\n")).collect();
        let (cut, truncated) = cut_to_budget(&diff, 100, false);
        assert!(truncated);
        assert!(cut.contains(CUT_MARKER), "{cut}");
        assert!(cut.starts_with("+line 0\n"));
        assert!(cut.len() < 100 + CUT_MARKER.len() + 40, "{}", cut.len());
        let (same, t) = cut_to_budget("+a\n", 100, false);
        assert_eq!((same.as_str(), t), ("+a\n", false));
    }

    #[test]
    fn implicated_files_come_from_failures_excerpt_packages_and_imports() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(
            dir.path().join("tests/test_pager.py"),
            "from pager.core import page_count\n",
        )
        .unwrap();
        let analysis = Analysis {
            failures: vec![crate::failure::Failure {
                test: Some("tests/test_pager.py::test_x".into()),
                ..Default::default()
            }],
            context: "see tests/helpers.py:3 and /usr/lib/x.py".into(),
            ..Default::default()
        };
        let changed: Vec<String> = [
            "README.md",
            "pager/core.py",
            "tests/helpers.py",
            "docs/x.md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            implicated(&analysis, dir.path(), &changed),
            ["tests/helpers.py", "pager/core.py"]
        );
    }
}
