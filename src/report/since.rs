//! The "changed since the last green run" section of the PR body and comments.

use crate::analyze::changes::{cut_to_budget, ChangedSince};

/// Most of the diff shown in a PR body (GitHub's limit is 65,536 for the whole body,
/// and the fix's own diff comes first).
pub const MAX_SINCE_CHARS: usize = 12_000;

/// The section's body: the summary line, then the diff in a fenced block (cut at
/// `max_chars` with a marker), or the one-line note when nothing was compared.
pub fn changed_since_markdown(c: &ChangedSince, max_chars: usize) -> String {
    let mut out = format!("{}\n", one_line(&c.summary()));
    if c.note.is_empty() && !c.diff.trim().is_empty() {
        let (diff, _) = cut_to_budget(&c.diff, max_chars, false);
        out.push('\n');
        out.push_str(&fenced("diff", &diff));
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A fence longer than any backtick run in `body`, so the diff cannot close it.
fn fenced(lang: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let nl = if body.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{lang}\n{body}{nl}{fence}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_only_or_summary_and_fenced_diff() {
        let none = ChangedSince::unavailable("Not compared: no green run.");
        assert_eq!(
            changed_since_markdown(&none, 100),
            "Not compared: no green run.\n"
        );
        let c = ChangedSince {
            base: "the last green run 7".into(),
            commit: "0123456789abcdef".into(),
            files: vec!["a.py".into()],
            diff: "-```\n+x\n".into(),
            ..Default::default()
        };
        let md = changed_since_markdown(&c, 1000);
        assert!(
            md.starts_with("Compared with the last green run 7 (0123456): a.py changed."),
            "{md}"
        );
        assert!(md.contains("````diff\n-```\n+x\n````\n"), "{md}");
    }
}
