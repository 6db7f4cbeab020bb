//! The excerpt a model gets: the failed step's command on top, then every
//! distinct failure in one line, then as much supporting detail (messages,
//! failing source lines, in-repo frames) as the token budget allows.
//!
//! Tokens are counted as `ceil(chars / 4)`: close to what BPE tokenizers of
//! current chat models give for English and code, needs no vocabulary, and
//! errs on the side of a smaller excerpt for log text full of symbols.

use super::sink::Found;

/// Tokens of `s` by the rule above.
pub fn tokens(s: &str) -> usize {
    s.chars().count().div_ceil(4)
}

pub struct Header<'a> {
    pub job: Option<&'a str>,
    pub step: Option<&'a str>,
    pub command: Option<&'a str>,
    pub exit_code: Option<&'a str>,
    /// Distinct failures that did not fit the analysis' own cap.
    pub dropped: u64,
}

/// Failures that share kind, message and place: typically one bug breaking
/// many tests. Shown as one entry naming its tests.
struct Group<'a> {
    members: Vec<&'a Found>,
}

fn group(found: &[Found]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group> = Vec::new();
    type Key<'k> = (&'k str, &'k str, Option<&'k str>, Option<u32>);
    let mut index: std::collections::HashMap<Key, usize> = Default::default();
    for f in found {
        let fl = &f.failure;
        let k = (
            fl.kind.as_str(),
            fl.message.as_str(),
            fl.file.as_deref(),
            fl.line,
        );
        match index.get(&k) {
            Some(&i) => groups[i].members.push(f),
            None => {
                index.insert(k, groups.len());
                groups.push(Group { members: vec![f] });
            }
        }
    }
    groups
}

fn summary_line(i: usize, g: &Group) -> String {
    let fl = &g.members[0].failure;
    let mut s = format!("{}. [{}] ", i + 1, fl.kind.as_str());
    if g.members.len() == 1 {
        if let Some(t) = &fl.test {
            s.push_str(t);
            s.push_str(": ");
        }
    }
    s.push_str(&fl.message);
    if let Some(file) = &fl.file {
        s.push_str(" (");
        s.push_str(file);
        if let Some(l) = fl.line {
            s.push(':');
            s.push_str(&l.to_string());
        }
        if fl.outside_repo {
            s.push_str(", not in checkout");
        }
        s.push(')');
    }
    let occurrences: u64 = g.members.iter().map(|m| m.failure.repeats as u64 + 1).sum();
    if g.members.len() > 1 {
        // Name the tests, within a line's worth of room.
        let tests: Vec<&str> = g
            .members
            .iter()
            .filter_map(|m| m.failure.test.as_deref())
            .collect();
        s.push_str(&format!(" in {} tests: ", g.members.len()));
        let mut listed = 0;
        for t in &tests {
            if listed > 0 && s.len() + t.len() > 480 {
                break;
            }
            if listed > 0 {
                s.push_str(", ");
            }
            s.push_str(t);
            listed += 1;
        }
        if listed < tests.len() {
            s.push_str(&format!(" (+{} more)", tests.len() - listed));
        }
    }
    if occurrences > g.members.len() as u64 {
        s.push_str(&format!(" (x{occurrences})"));
    }
    s
}

/// Builds the excerpt for `found` within `budget` tokens; `tail` is shown
/// when there is no finding at all (the end of the failed step).
pub fn build(h: &Header, found: &[Found], tail: &[String], budget: usize) -> String {
    let mut out = String::new();
    let mut used = 0usize;
    let push = |out: &mut String, used: &mut usize, s: &str, force: bool| -> bool {
        let t = tokens(s) + 1;
        if !force && *used + t > budget {
            return false;
        }
        out.push_str(s);
        out.push('\n');
        *used += t;
        true
    };
    let mut head = Vec::new();
    match (h.job, h.step) {
        (Some(j), Some(s)) => head.push(format!("job: {j} / step: {s}")),
        (Some(j), None) => head.push(format!("job: {j}")),
        (None, Some(s)) => head.push(format!("step: {s}")),
        _ => {}
    }
    if let Some(c) = h.command {
        let c: String = c.lines().take(6).collect::<Vec<_>>().join("\n  ");
        head.push(format!("command: {c}"));
    }
    if let Some(e) = h.exit_code {
        head.push(format!("exit code: {e}"));
    }
    for l in head {
        // The header is small and always useful; cut it only to the budget itself.
        let l = cut_to_tokens(&l, budget / 3);
        push(&mut out, &mut used, &l, false);
    }
    if found.is_empty() {
        if !tail.is_empty() {
            push(
                &mut out,
                &mut used,
                "no failure recognised; end of the failed step:",
                false,
            );
            // Newest lines matter most: fill from the end.
            let mut kept: Vec<&String> = Vec::new();
            let mut t = used;
            for l in tail.iter().rev() {
                let c = tokens(l) + 1;
                if t + c > budget {
                    break;
                }
                t += c;
                kept.push(l);
            }
            for l in kept.into_iter().rev() {
                push(&mut out, &mut used, l, true);
            }
        }
        return out;
    }
    let total = found.len() as u64 + h.dropped;
    let groups = group(found);
    let title = if groups.len() < found.len() {
        format!("{total} failures, {} distinct:", groups.len())
    } else {
        format!("{total} failure{}:", if total == 1 { "" } else { "s" })
    };
    push(&mut out, &mut used, &title, false);
    let mut shown = 0;
    let mut shown_failures = 0u64;
    for (i, g) in groups.iter().enumerate() {
        let line = cut_to_tokens(&summary_line(i, g), 130);
        if !push(&mut out, &mut used, &line, false) {
            break;
        }
        shown += 1;
        shown_failures += g.members.len() as u64;
    }
    let hidden = total - shown_failures;
    if hidden > 0 {
        push(&mut out, &mut used, &format!("… and {hidden} more"), true);
    }
    // Details, in order, each group's block only if it starts within budget.
    let mut first = true;
    for (i, f) in groups.iter().take(shown).map(|g| g.members[0]).enumerate() {
        let lines: Vec<&String> = f
            .details
            .iter()
            .filter(|d| {
                !d.trim().is_empty() && d.trim() != format!("E {}", f.failure.message).trim()
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        let title = format!(
            "--- {}",
            f.failure
                .test
                .as_deref()
                .unwrap_or(&format!("failure {}", i + 1))
        );
        if used + tokens(&title) + tokens(lines[0]) + 2 > budget {
            continue;
        }
        if first {
            push(&mut out, &mut used, "", false);
            first = false;
        }
        push(&mut out, &mut used, &title, false);
        for d in lines {
            let d = cut_to_tokens(d, 100);
            if !push(&mut out, &mut used, &d, false) {
                break;
            }
        }
    }
    out
}

fn cut_to_tokens(s: &str, max_tokens: usize) -> String {
    let max_chars = max_tokens * 4;
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max_chars.saturating_sub(1)).collect();
    t.push('…');
    t
}
