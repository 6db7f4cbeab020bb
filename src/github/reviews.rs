//! `publish: suggest`: the fix as a review on the failed build's pull request, one
//! GitHub suggestion block per hunk, so the author applies it with a click.
//!
//! A suggestion replaces lines of the PR's head version (the right side), and GitHub
//! takes review comments only on lines inside the PR's own diff hunks. A hunk of the
//! fix that falls outside them (code the PR did not touch) cannot be a suggestion:
//! it goes into the review body as a diff to apply by hand, so the review still
//! carries the whole validated fix.

use super::client::{Body, GithubClient};
use super::error::{GithubError, Permission};
use super::models::PullRequest;
use super::pr_body::fenced;
use crate::types::FileChange;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// One hunk of the fix, on the lines of the file as the PR's head has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// Repository-root path.
    pub path: String,
    /// First and last replaced line (1-based, inclusive) of the head version.
    pub start_line: u32,
    pub end_line: u32,
    /// What those lines become (each line ending in a newline; empty: deleted).
    pub replacement: String,
    /// The hunk as a unified diff (with file headers), for the review body.
    pub diff: String,
}

/// A review comment: a suggestion on lines `start_line..=line` of the right side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewComment {
    pub path: String,
    pub body: String,
    pub line: u32,
    pub side: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_side: Option<&'static str>,
}

/// A file of the PR's diff (`GET /pulls/{n}/files`, the `diff-entry` shape).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PullFile {
    pub filename: String,
    /// Absent for binary files and very large diffs.
    #[serde(default)]
    pub patch: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Review {
    pub id: u64,
    #[serde(default)]
    pub html_url: String,
}

/// The hunks split by whether they can be suggestions on this PR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub comments: Vec<ReviewComment>,
    /// Hunks outside the PR's diff, or in files it did not change or that are new.
    pub outside: Vec<Hunk>,
}

/// The fix's hunks with no context (the smallest suggestion), paths prefixed with
/// `prefix` (the workdir's path in the repository, `git rev-parse --show-prefix`).
/// A pure insertion is anchored on a neighbouring line, as a suggestion must replace
/// at least one. A new file has no lines to anchor on: one hunk at line 0.
pub fn hunks(changes: &[FileChange], prefix: &str) -> Vec<Hunk> {
    let mut out = Vec::new();
    for change in changes {
        let path = format!("{prefix}{}", change.path.trim_start_matches("./"));
        let before = change.before.as_deref().unwrap_or("");
        let old: Vec<&str> = before.split_inclusive('\n').collect();
        let new: Vec<&str> = change.after.split_inclusive('\n').collect();
        if change.before.is_none() {
            out.push(Hunk {
                path: path.clone(),
                start_line: 0,
                end_line: 0,
                replacement: change.after.clone(),
                diff: unified(&path, 0, &[], 1, &new, true),
            });
            continue;
        }
        let diff = similar::TextDiff::from_lines(before, change.after.as_str());
        for group in diff.grouped_ops(0) {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            let (mut o0, mut o1) = (first.old_range().start, last.old_range().end);
            let (mut n0, mut n1) = (first.new_range().start, last.new_range().end);
            if o0 == o1 {
                // Insertion before old line o0 (0-based): take the line above, or the
                // first line when inserting at the top, into the suggestion.
                if o0 > 0 {
                    o0 -= 1;
                    n0 -= 1;
                } else if !old.is_empty() {
                    o1 += 1;
                    n1 += 1;
                } else {
                    continue;
                }
            }
            let replacement: String = new[n0..n1].concat();
            out.push(Hunk {
                path: path.clone(),
                start_line: o0 as u32 + 1,
                end_line: o1 as u32,
                diff: unified(&path, o0, &old[o0..o1], n0, &new[n0..n1], false),
                replacement: ensure_newline(replacement),
            });
        }
    }
    out
}

fn ensure_newline(mut s: String) -> String {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn unified(path: &str, o0: usize, old: &[&str], n0: usize, new: &[&str], created: bool) -> String {
    let from = if created {
        "/dev/null".to_string()
    } else {
        format!("a/{path}")
    };
    let start = |at: usize, len: usize| if len == 0 { at } else { at + 1 };
    let mut s = format!(
        "--- {from}\n+++ b/{path}\n@@ -{},{} +{},{} @@\n",
        start(o0, old.len()),
        old.len(),
        start(n0, new.len()),
        new.len()
    );
    for l in old {
        s.push('-');
        s.push_str(l);
        if !l.ends_with('\n') {
            s.push('\n');
        }
    }
    for l in new {
        s.push('+');
        s.push_str(l);
        if !l.ends_with('\n') {
            s.push('\n');
        }
    }
    s
}

/// The right-side line ranges (1-based, inclusive) of a PR file's diff hunks.
pub fn right_side_ranges(patch: &str) -> Vec<(u32, u32)> {
    patch
        .lines()
        .filter_map(|l| {
            let plus = l.strip_prefix("@@ -")?.split(" +").nth(1)?;
            let spec = plus.split(" @@").next()?;
            let (start, len) = match spec.split_once(',') {
                Some((s, n)) => (s.parse::<u32>().ok()?, n.parse::<u32>().ok()?),
                None => (spec.parse::<u32>().ok()?, 1),
            };
            (len > 0).then(|| (start, start + len - 1))
        })
        .collect()
}

/// A ```suggestion block whose fence outgrows any backtick run in the lines.
pub fn suggestion_block(replacement: &str) -> String {
    if replacement.is_empty() {
        // An empty suggestion deletes the lines.
        return "```suggestion\n```\n".to_string();
    }
    fenced("suggestion", replacement)
}

/// Which hunks become suggestions: those whose replaced lines lie inside one hunk
/// of the PR's diff of that file.
pub fn plan(hunks: &[Hunk], files: &[PullFile]) -> Plan {
    let mut plan = Plan::default();
    for h in hunks {
        let inside = h.start_line > 0
            && files
                .iter()
                .filter(|f| f.filename == h.path)
                .filter_map(|f| f.patch.as_deref())
                .flat_map(right_side_ranges)
                .any(|(a, b)| a <= h.start_line && h.end_line <= b);
        if !inside {
            plan.outside.push(h.clone());
            continue;
        }
        let multi = h.start_line < h.end_line;
        plan.comments.push(ReviewComment {
            path: h.path.clone(),
            body: suggestion_block(&h.replacement),
            line: h.end_line,
            side: "RIGHT",
            start_line: multi.then_some(h.start_line),
            start_side: multi.then_some("RIGHT"),
        });
    }
    plan
}

impl GithubClient {
    /// The PR's changed files with their diff hunks, all pages (GitHub lists 3000 at most).
    pub async fn list_pull_files(
        &self,
        repo: &str,
        number: u64,
    ) -> Result<Vec<PullFile>, GithubError> {
        let mut all = Vec::new();
        for page in 1..=30u32 {
            let got: Vec<PullFile> = self
                .call_json(
                    Method::GET,
                    &format!("repos/{repo}/pulls/{number}/files?per_page=100&page={page}"),
                    Body::None,
                    Permission::PullRequestsRead,
                )
                .await?;
            let n = got.len();
            all.extend(got);
            if n < 100 {
                break;
            }
        }
        Ok(all)
    }

    pub async fn get_pull(&self, repo: &str, number: u64) -> Result<PullRequest, GithubError> {
        self.call_json(
            Method::GET,
            &format!("repos/{repo}/pulls/{number}"),
            Body::None,
            Permission::PullRequestsRead,
        )
        .await
    }

    /// Posts a `COMMENT` review on `commit_id` with `comments` (suggestions).
    pub async fn create_review(
        &self,
        repo: &str,
        number: u64,
        commit_id: &str,
        body: &str,
        comments: &[ReviewComment],
    ) -> Result<Review, GithubError> {
        let mut req = json!({ "body": body, "event": "COMMENT", "comments": comments });
        if !commit_id.is_empty() {
            req["commit_id"] = json!(commit_id);
        }
        self.call_json(
            Method::POST,
            &format!("repos/{repo}/pulls/{number}/reviews"),
            Body::Json(&req),
            Permission::PullRequestsWrite,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: &str, after: &str) -> FileChange {
        FileChange {
            path: "src/a.py".into(),
            before: Some(before.into()),
            after: after.into(),
        }
    }

    #[test]
    fn replaced_inserted_and_deleted_lines() {
        let h = hunks(&[change("a\nb\nc\nd\n", "a\nB\nc\nd\n")], "");
        assert_eq!((h[0].start_line, h[0].end_line), (2, 2));
        assert_eq!(h[0].replacement, "B\n");
        assert!(
            h[0].diff.contains("@@ -2,1 +2,1 @@\n-b\n+B\n"),
            "{}",
            h[0].diff
        );

        // An insertion takes the line above into the suggestion.
        let h = hunks(&[change("a\nb\n", "a\nx\nb\n")], "sub/");
        assert_eq!(h[0].path, "sub/src/a.py");
        assert_eq!((h[0].start_line, h[0].end_line), (1, 1));
        assert_eq!(h[0].replacement, "a\nx\n");

        // At the top: the first line below.
        let h = hunks(&[change("a\n", "x\na\n")], "");
        assert_eq!(
            (h[0].start_line, h[0].end_line, h[0].replacement.as_str()),
            (1, 1, "x\na\n")
        );

        // A deletion suggests nothing in place of the lines.
        let h = hunks(&[change("a\nb\nc\n", "a\nc\n")], "");
        assert_eq!(
            (h[0].start_line, h[0].end_line, h[0].replacement.as_str()),
            (2, 2, "")
        );
        assert_eq!(suggestion_block(""), "```suggestion\n```\n");
    }

    #[test]
    fn only_hunks_inside_the_pr_diff_are_suggestions() {
        let h = hunks(
            &[change(
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
                "1\nTWO\n3\n4\n5\n6\n7\n8\nNINE\n10\n",
            )],
            "",
        );
        assert_eq!(h.len(), 2);
        let files = vec![PullFile {
            filename: "src/a.py".into(),
            patch: Some("@@ -1,3 +1,4 @@\n 1\n+new\n 2\n 3\n".into()),
        }];
        assert_eq!(
            right_side_ranges(files[0].patch.as_deref().unwrap()),
            vec![(1, 4)]
        );
        let p = plan(&h, &files);
        assert_eq!(p.comments.len(), 1);
        assert_eq!(p.comments[0].line, 2);
        assert_eq!(p.comments[0].start_line, None);
        assert_eq!(p.comments[0].body, "```suggestion\nTWO\n```\n");
        assert_eq!(p.outside.len(), 1);
        assert_eq!(p.outside[0].start_line, 9);
    }

    #[test]
    fn diff_ranges_parse_every_header_form() {
        assert_eq!(
            right_side_ranges("@@ -1 +1 @@\n@@ -5,0 +6,0 @@\n@@ -10,2 +12,3 @@ fn x\n"),
            vec![(1, 1), (12, 14)]
        );
    }
}
