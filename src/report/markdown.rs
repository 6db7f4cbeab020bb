//! Markdown pieces shared by the job summary, the PR body and the review body:
//! the failure table, fenced blocks, the (cut) diff, the validation evidence.

use crate::analyze::Failure;
use crate::validate::Validation;

const MAX_OUTPUT_TAIL_CHARS: usize = 4_000;

/// `| test | location | message |`, with cells made safe for a table row.
pub fn failure_table(failures: &[Failure]) -> String {
    if failures.is_empty() {
        return "No individual failure was located in the logs.\n".to_string();
    }
    let mut out = String::from("| test | file:line | message |\n|---|---|---|\n");
    for f in failures {
        let test = f.test.as_deref().unwrap_or("");
        let loc = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            _ => String::new(),
        };
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            code_cell(test),
            code_cell(&loc),
            table_cell(&f.message)
        ));
    }
    out
}

fn code_cell(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        // Backticks inside would end the code span early.
        format!("`{}`", table_cell(&s.replace('`', "'")))
    }
}

/// One table cell: no newlines, pipes escaped, long text cut.
pub fn table_cell(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one_line.chars().take(300).collect();
    let cut = if cut.len() < one_line.len() {
        format!("{cut}…")
    } else {
        cut
    };
    cut.replace('|', "\\|")
}

/// A fenced block whose fence is longer than any backtick run in `body`.
pub fn fenced(lang: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    let nl = if body.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{lang}\n{body}{nl}{fence}\n")
}

/// The diff in a ```diff block, cut at a line boundary with a note when too long.
pub fn diff_block(diff: &str, max_chars: usize) -> String {
    if diff.trim().is_empty() {
        return "(empty diff)\n".to_string();
    }
    if diff.len() <= max_chars {
        return fenced("diff", diff);
    }
    let mut end = 0;
    for (i, line) in diff.split_inclusive('\n').scan(0usize, |pos, l| {
        let start = *pos;
        *pos += l.len();
        Some((start, l))
    }) {
        if i + line.len() > max_chars {
            break;
        }
        end = i + line.len();
    }
    let shown = &diff[..end];
    let total = diff.lines().count();
    let kept = shown.lines().count();
    format!(
        "{}\n_Diff truncated: {kept} of {total} lines shown; the branch has the full change._\n",
        fenced("diff", shown)
    )
}

pub fn validation_section(v: Option<&Validation>) -> String {
    let Some(v) = v else {
        return "Not validated.\n".to_string();
    };
    let mut out = format!(
        "Result: **{}**\n\n",
        if v.passed { "passed" } else { "failed" }
    );
    if !v.commands.is_empty() {
        out.push_str(&fenced("sh", &v.commands.join("\n")));
    }
    let tail = v.output_tail.trim_end();
    if !tail.is_empty() {
        let start = tail
            .char_indices()
            .rev()
            .nth(MAX_OUTPUT_TAIL_CHARS)
            .map(|(i, _)| i)
            .unwrap_or(0);
        out.push_str("\n<details><summary>Output (tail)</summary>\n\n");
        out.push_str(&fenced("text", &tail[start..]));
        out.push_str("\n</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_outgrows_backticks() {
        let s = fenced("diff", "+ let x = ```;\n");
        assert!(s.starts_with("````diff\n"), "{s}");
    }

    #[test]
    fn long_diff_is_cut_on_a_line() {
        let diff: String = (0..1000).map(|i| format!("+line {i}\n")).collect();
        let out = diff_block(&diff, 100);
        assert!(out.contains("Diff truncated"));
        assert!(out.contains("+line 0\n"));
        assert!(!out.contains("+line 999"));
    }

    #[test]
    fn table_escapes_pipes_and_newlines() {
        let f = Failure {
            message: "a | b\nc".into(),
            ..Failure::default()
        };
        let t = failure_table(&[f]);
        assert!(t.contains("a \\| b c"), "{t}");
    }
}
