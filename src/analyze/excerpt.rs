//! The excerpt a model gets: the failed step's command on top, then every
//! distinct failure in one line, then as much supporting detail (messages,
//! failing source lines, in-repo frames) as the token budget allows.
//!
//! Tokens are counted as `ceil(chars / 4)`: close to what BPE tokenizers of
//! current chat models give for English and code, needs no vocabulary, and
//! errs on the side of a smaller excerpt for log text full of symbols.

use crate::failure::sink::Found;

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
    // Name the tests, within a line's worth of room. Failures without a test (a
    // formatter's, a compiler's) sharing a cause are only counted.
    let tests: Vec<&str> = g
        .members
        .iter()
        .filter_map(|m| m.failure.test.as_deref())
        .collect();
    if g.members.len() > 1 && !tests.is_empty() {
        s.push_str(&format!(" in {} tests: ", g.members.len()));
        s.push_str(&list_tests(&tests, 1200));
    }
    let untested_group = tests.is_empty() && g.members.len() > 1;
    if untested_group || occurrences > g.members.len() as u64 {
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
    // The summary leaves room for the blocks (up to half the budget): the
    // log's own lines are what a reader needs, the summary only says what
    // they belong to. Without blocks to show, the summary may use it all.
    let wanted: usize = groups
        .iter()
        .map(|g| {
            let d = &g.members[0].details;
            if d.is_empty() {
                return 0;
            }
            12 + d.iter().take(8).map(|l| tokens(l) + 1).sum::<usize>()
        })
        .sum();
    let summary_budget = budget - wanted.min(budget.saturating_sub(used) / 2);
    let mut shown = 0;
    let mut shown_failures = 0u64;
    for (i, g) in groups.iter().enumerate() {
        let line = cut_to_tokens(&summary_line(i, g), 400);
        let limit = if i == 0 { budget } else { summary_budget };
        if used + tokens(&line) + 1 > limit {
            break;
        }
        push(&mut out, &mut used, &line, false);
        shown += 1;
        shown_failures += g.members.len() as u64;
    }
    let hidden = total - shown_failures;
    if hidden > 0 {
        let more = format!("… and {hidden} more");
        if used + tokens(&more) < budget {
            push(&mut out, &mut used, &more, true);
        }
    }
    // Each shown group's block, verbatim, in the order of the summary. Lines
    // are handed out in rounds (every block its next line) so that one long
    // block cannot crowd out the others; a block is a prefix of its lines.
    struct Block {
        title: String,
        lines: Vec<String>,
        take: usize,
        open: bool,
    }
    let mut blocks: Vec<Block> = groups
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, g)| {
            let f = g.members[0];
            let mut title = format!(
                "--- {}",
                f.failure
                    .test
                    .clone()
                    .unwrap_or_else(|| format!("failure {}", i + 1))
            );
            if g.members.len() > 1 {
                title.push_str(&format!(
                    " (and {} more with this cause)",
                    g.members.len() - 1
                ));
            }
            let lines = f
                .details
                .iter()
                .filter(|d| !d.trim().is_empty())
                .map(|d| cut_to_tokens(d.trim_end(), 100))
                .collect::<Vec<_>>();
            Block {
                title,
                open: !lines.is_empty(),
                lines,
                take: 0,
            }
        })
        .collect();
    // The blank line before the blocks.
    let mut planned = used + 1;
    loop {
        let mut progress = false;
        for b in blocks.iter_mut().filter(|b| b.open) {
            let mut cost = tokens(&b.lines[b.take]) + 1;
            if b.take == 0 {
                cost += tokens(&b.title) + 1;
            }
            if planned + cost > budget {
                b.open = false;
                continue;
            }
            planned += cost;
            b.take += 1;
            b.open = b.take < b.lines.len();
            progress = true;
        }
        if !progress {
            break;
        }
    }
    if blocks.iter().any(|b| b.take > 0) {
        push(&mut out, &mut used, "", true);
        for b in blocks.iter().filter(|b| b.take > 0) {
            push(&mut out, &mut used, &b.title, true);
            for l in &b.lines[..b.take] {
                push(&mut out, &mut used, l, true);
            }
        }
    }
    out
}

/// Test ids sharing a prefix and suffix (their class or module) written
/// once: `pkg.ClassTest.{a, b, c}`, `{a, b}(pkg.ClassTest)`; cut to about
/// `max` characters with the rest counted.
fn list_tests(tests: &[&str], max: usize) -> String {
    const SEPS: &[char] = &['.', ':', '/', '#', '(', ' ', '›'];
    let first = tests.first().copied().unwrap_or("");
    let mut pre = first.len();
    let mut suf = first.len();
    for t in tests.iter().skip(1) {
        pre = pre.min(common_prefix(first, t));
        suf = suf.min(common_suffix(first, t));
    }
    // Cut the prefix after a separator and the suffix at one, so names stay whole.
    let pre = first[..pre].rfind(SEPS).map_or(0, |i| {
        i + first[i..].chars().next().map_or(1, char::len_utf8)
    });
    let suf_start = first.len() - suf;
    let suf = first[suf_start..]
        .find(SEPS)
        .map_or(0, |i| first.len() - (suf_start + i));
    let compress = tests.len() > 1 && pre + suf >= 8 && tests.iter().all(|t| t.len() > pre + suf);
    let (head, tail) = if compress {
        (&first[..pre], &first[first.len() - suf..])
    } else {
        ("", "")
    };
    let mut s = String::new();
    s.push_str(head);
    if compress {
        s.push('{');
    }
    let mut listed = 0;
    for t in tests {
        let name = if compress { &t[pre..t.len() - suf] } else { t };
        if listed > 0 && s.len() + name.len() > max {
            break;
        }
        if listed > 0 {
            s.push_str(", ");
        }
        s.push_str(name);
        listed += 1;
    }
    if listed < tests.len() {
        s.push_str(&format!(", +{} more", tests.len() - listed));
    }
    if compress {
        s.push('}');
        s.push_str(tail);
    }
    s
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
        .min(b.len())
}

fn common_suffix(a: &str, b: &str) -> usize {
    let n = a
        .bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count();
    // Back to a char boundary of both.
    let mut n = n.min(a.len()).min(b.len());
    while n > 0 && !(a.is_char_boundary(a.len() - n) && b.is_char_boundary(b.len() - n)) {
        n -= 1;
    }
    n
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
