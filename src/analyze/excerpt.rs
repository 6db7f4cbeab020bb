//! The excerpt a model gets: the failed step's command on top, then every
//! distinct failure in one line, then the log's own lines, chosen by how
//! much they say about the failure (see [`super::retain`]) until the token
//! budget is used: each recognised failure's block first (its report
//! section, or the parser's detail lines), then the lines that look like
//! errors with the blocks under them, then the end of the failed step, then
//! the lines around them. Printed in the log's order, a repeated line once.
//!
//! Tokens are counted as `ceil(chars / 4)`: close to what BPE tokenizers of
//! current chat models give for English and code, needs no vocabulary, and
//! errs on the side of a smaller excerpt for log text full of symbols.

use super::retain::{Kept, Retained, Weights};
use super::site_packages;
use crate::failure::sink::{Found, Tier};
use std::collections::HashMap;

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

/// Builds the excerpt for `found` within `budget` tokens from the header,
/// one summary line per distinct failure, and the log's own lines that
/// `kept` holds, chosen by value (see [`select`]).
pub fn build(h: &Header, found: &[Found], kept: &Retained, budget: usize) -> String {
    let mut out = Out {
        text: String::new(),
        used: 0,
        budget,
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
        out.push(&l);
    }
    let groups = group(found);
    if found.is_empty() {
        out.push("no failure recognised; from the log:");
    } else {
        let total = found.len() as u64 + h.dropped;
        let title = if groups.len() < found.len() {
            format!("{total} failures, {} distinct:", groups.len())
        } else {
            format!("{total} failure{}:", if total == 1 { "" } else { "s" })
        };
        out.push(&title);
        // The summary says what the quoted lines belong to; the log's lines
        // are the evidence (and the prompt lists the failing tests on its
        // own), so it takes at most an eighth of the budget: on the LogChunks
        // logs a third left a failure's own lines out for a list of the
        // lint findings quoted below it. The first failure is always named.
        let limit = out.used + budget / 8;
        let mut shown_failures = 0u64;
        for (i, g) in groups.iter().enumerate() {
            let line = cut_to_tokens(&summary_line(i, g), 400);
            let cap = if i == 0 { budget } else { limit };
            if out.used + tokens(&line) + 1 > cap {
                break;
            }
            out.push(&line);
            shown_failures += g.members.len() as u64;
        }
        let hidden = total - shown_failures;
        if hidden > 0 {
            let more = format!("… and {hidden} more");
            if out.used + tokens(&more) < budget {
                out.push(&more);
            }
        }
    }
    let candidates = candidates(&groups, kept);
    // An empty line sets the log's lines apart from the summary.
    let room = budget.saturating_sub(out.used + 1);
    let chosen = select(&candidates, room);
    if !chosen.is_empty() {
        out.push("");
        for l in chosen {
            let fits = out.push(&l);
            debug_assert!(fits, "select() keeps to its room");
        }
    }
    out.text
}

struct Out {
    text: String,
    used: usize,
    budget: usize,
}

impl Out {
    /// Appends a line if it fits (each line costs its tokens plus one for
    /// the newline, so the whole never exceeds the budget).
    fn push(&mut self, s: &str) -> bool {
        let t = tokens(s) + 1;
        if self.used + t > self.budget {
            return false;
        }
        self.text.push_str(s);
        self.text.push('\n');
        self.used += t;
        true
    }
}

/// Longest quoted line, in tokens (the rest is cut with an ellipsis).
const LINE_TOKENS: usize = 100;
/// A failure's own block (a parser's finding, its report section or its
/// detail lines) is worth this much at its first line: above anything the
/// log's lines can be worth by themselves.
const FOUND_VALUE: f32 = 100.0;
/// ...and halves every this many tokens, so that every failure's block
/// starts before any one of them takes the rest of the budget.
const FOUND_HALF_TOKENS: f32 = 600.0;

/// What a repeated line's other copies add to its best one's value, and
/// the most it can reach, times the best (see [`shared_lines`]).
const SHARED_SHARE: f32 = 0.5;
const SHARED_CAP: f32 = 2.0;

/// Failures whose block is looked up in the kept lines (each lookup scans
/// them; a budget has room for far fewer blocks).
const MAX_LINKED: usize = 100;

/// Whether `text` holds `word` not as part of a longer name (`test_1` is
/// not in `test_10`).
fn contains_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// A line the excerpt may quote: a kept log line, or a finding's detail
/// line when its block is not among them.
#[derive(Debug, Clone)]
struct Candidate {
    /// Detail sections first (by failure), then the log's lines by position.
    order: (u8, u64, u64),
    value: f32,
    text: String,
    /// A title line (`--- test`): printed only with a line of its section.
    title: bool,
}

/// The test's own name (`test_y` of `tests/t.py::T::test_y[1]`,
/// `method` of `method(pkg.Class)`), to find its block in the log.
fn own_name(test: &str) -> &str {
    let t = test.trim();
    let t = t.split('[').next().unwrap_or(t);
    let t = match t.find('(') {
        Some(0) | None => t,
        Some(i) => &t[..i],
    };
    let cut = ["::", " › ", " > ", ".", "/", "#"]
        .iter()
        .filter_map(|sep| t.rfind(sep).map(|i| i + sep.len()))
        .max()
        .unwrap_or(0);
    t[cut..].trim()
}

/// A line repeated in several blocks (the common frames of one crash in
/// every failing test, one assertion's message under each of them) says
/// more than one block's copy: it is worth its best copy's value plus
/// [`SHARED_SHARE`] of the others', up to [`SHARED_CAP`] times the best.
/// It is printed once whatever it is worth, so this costs one line's room.
fn shared_lines(kept: &Retained, out: &mut [Candidate]) {
    // Per text: sum and best of its copies' values (one per block), the
    // last block counted, and how many blocks.
    let mut sums: HashMap<&str, (f32, f32, u32, u32)> = HashMap::new();
    for (k, c) in kept.lines.iter().zip(out.iter()) {
        let t = k.text.trim();
        if k.block == u32::MAX || k.anchored <= 0.0 || t.is_empty() {
            continue;
        }
        let e = sums.entry(t).or_insert((0.0, 0.0, u32::MAX, 0));
        if e.2 != k.block {
            e.0 += c.value;
            e.1 = e.1.max(c.value);
            e.2 = k.block;
            e.3 += 1;
        }
    }
    for (k, c) in kept.lines.iter().zip(out.iter_mut()) {
        if k.block == u32::MAX {
            continue;
        }
        if let Some(&(sum, best, _, n)) = sums.get(k.text.trim()) {
            if n > 1 {
                let v = (best + SHARED_SHARE * (sum - best)).min(SHARED_CAP * best);
                c.value = c.value.max(v);
            }
        }
    }
}

/// Every kept log line with its value, the blocks of the failures the
/// parsers found raised above the rest, and the detail lines of those whose
/// block is not in the log's kept lines.
fn candidates(groups: &[Group], kept: &Retained) -> Vec<Candidate> {
    let weights = Weights::new(&kept.steps);
    let mut out: Vec<Candidate> = kept
        .lines
        .iter()
        .map(|k| Candidate {
            order: (1, k.no, 0),
            value: weights.value(k),
            // Only a warning's installed-package prefix is shortened: a failure's
            // lines are quoted as the log has them (a frame in a package is evidence,
            // and whoever compares the excerpt with the log finds it verbatim).
            text: if k.warning {
                site_packages::shorten(k.text.trim_end()).into_owned()
            } else {
                k.text.trim_end().to_string()
            },
            title: false,
        })
        .collect();
    shared_lines(kept, &mut out);
    // Report blocks (by their mark anchor), other anchors' blocks, and the
    // lines of each.
    let mut by_mark: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut by_block: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, k) in kept.lines.iter().enumerate() {
        if k.mark_block != u32::MAX {
            by_mark.entry(k.mark_block).or_default().push(i);
        }
        if k.block != u32::MAX {
            by_block.entry(k.block).or_default().push(i);
        }
    }
    let by_text: HashMap<&str, usize> = kept
        .lines
        .iter()
        .enumerate()
        .map(|(i, k)| (k.text.trim(), i))
        .collect();
    let mut used: std::collections::HashSet<(bool, u32)> = Default::default();
    for (gi, g) in groups.iter().enumerate().take(MAX_LINKED) {
        let f = g.members[0];
        // The fallback's findings are error lines the kept lines hold already,
        // valued with everything else; only a parser's findings come first.
        if f.tier == Tier::Fallback {
            continue;
        }
        // Earlier failures first, each block whole before the next block's tail.
        let top = FOUND_VALUE - gi.min(50) as f32 * 0.01;
        let name = f
            .failure
            .test
            .as_deref()
            .map(own_name)
            .filter(|n| n.len() >= 3);
        let msg = crate::failure::sink::cap(f.failure.message.clone(), 60);
        let msg = msg.trim_end_matches('…').trim();
        // Built once for all kept lines: `str::contains` builds its searcher
        // on every call (about 1,100 instructions each, 0.2 G a run).
        let msg = (msg.len() >= 8).then(|| memchr::memmem::Finder::new(msg));
        let names_it = |k: &Kept| {
            k.anchor
                && (name.is_some_and(|n| contains_word(&k.text, n))
                    || msg
                        .as_ref()
                        .is_some_and(|m| m.find(k.text.as_bytes()).is_some()))
        };
        // Its report block (a pytest section, a `--- FAIL:` block), else the
        // block under the line that names it (`FAILED test - msg`).
        let block = kept
            .lines
            .iter()
            .find(|k| {
                // Only anchors can name it: the set is looked up for few lines.
                k.mark_block != u32::MAX
                    && k.anchor
                    && !used.contains(&(true, k.mark_block))
                    && names_it(k)
            })
            .map(|k| (true, k.mark_block))
            .or_else(|| {
                kept.lines
                    .iter()
                    .find(|k| {
                        k.block != u32::MAX
                            && k.anchor
                            && !used.contains(&(false, k.block))
                            && names_it(k)
                    })
                    .map(|k| (false, k.block))
            });
        if let Some(key) = block {
            used.insert(key);
            let lines = if key.0 { &by_mark } else { &by_block };
            let mut spent = 0.0f32;
            for &i in lines.get(&key.1).map(Vec::as_slice).unwrap_or(&[]) {
                if kept.lines[i].noise || kept.lines[i].warning {
                    continue;
                }
                let v = top * 0.5f32.powf(spent / FOUND_HALF_TOKENS);
                spent += (tokens(&out[i].text).min(LINE_TOKENS) + 1) as f32;
                out[i].value = out[i].value.max(v);
            }
            continue;
        }
        // No report block in the log for it: the parser's detail lines (a log
        // line among them that is kept is raised instead of repeated).
        let details: Vec<&str> = f
            .details
            .iter()
            .map(|d| d.trim_end())
            .filter(|d| !d.trim().is_empty())
            .collect();
        if details.is_empty() {
            continue;
        }
        let mut title = format!(
            "--- {}",
            f.failure
                .test
                .clone()
                .unwrap_or_else(|| format!("failure {}", gi + 1))
        );
        if g.members.len() > 1 {
            title.push_str(&format!(
                " (and {} more with this cause)",
                g.members.len() - 1
            ));
        }
        out.push(Candidate {
            order: (0, gi as u64, 0),
            value: top,
            text: title,
            title: true,
        });
        let mut spent = 0.0f32;
        for (j, d) in details.into_iter().enumerate() {
            let v = top * 0.5f32.powf(spent / FOUND_HALF_TOKENS);
            spent += (tokens(d).min(LINE_TOKENS) + 1) as f32;
            if let Some(&i) = by_text.get(d.trim()) {
                out[i].value = out[i].value.max(v);
                continue;
            }
            out.push(Candidate {
                order: (0, gi as u64, j as u64 + 1),
                value: v,
                text: d.to_string(),
                title: false,
            });
        }
    }
    out
}

/// The lines to print, in order, within `room` tokens: candidates are taken
/// by value (a later line first among equals), a line whose text is already
/// taken is skipped (repeats say nothing new), and a skipped stretch of the
/// log is shown as `…` (or as an empty line when only empty lines were
/// skipped). Blank lines are never taken for themselves.
fn select(cands: &[Candidate], room: usize) -> Vec<String> {
    // Positions in print order.
    let mut by_order: Vec<usize> = (0..cands.len()).collect();
    by_order.sort_by_key(|&i| cands[i].order);
    let at = |p: usize| &cands[by_order[p]];
    let mut pos = vec![0usize; cands.len()];
    let mut titles: HashMap<u64, usize> = HashMap::new();
    for (p, &i) in by_order.iter().enumerate() {
        pos[i] = p;
        if cands[i].title {
            titles.insert(cands[i].order.1, p);
        }
    }
    // Whether positions `p` and `p + 1` are next to each other in the log
    // (or in one detail section): no gap line between them.
    let adjacent = |p: usize| -> bool {
        let (a, b) = (at(p).order, at(p + 1).order);
        match (a.0, b.0) {
            (1, 1) => b.1 == a.1 + 1,
            (0, 0) => a.1 == b.1,
            _ => false,
        }
    };
    let mut idx: Vec<usize> = (0..cands.len())
        .filter(|&i| !cands[i].title && !cands[i].text.trim().is_empty() && cands[i].value > 0.0)
        .collect();
    idx.sort_by(|&a, &b| {
        cands[b]
            .value
            .total_cmp(&cands[a].value)
            .then(cands[b].order.cmp(&cands[a].order))
    });
    let mut chosen: std::collections::BTreeSet<usize> = Default::default();
    let mut texts: std::collections::HashSet<String> = Default::default();
    let mut used = 0usize;
    let mut runs = 0usize;
    // A line alone between two taken lines of one stretch is taken next when
    // it fits: it costs about what the `…` in its place would, and the reader
    // gets the stretch as the log has it (the `See config.log` between two
    // error blocks, the border of a captured-output section).
    let mut bridges: Vec<usize> = Vec::new();
    let mut order = idx.into_iter();
    loop {
        let (i, bridge) = match bridges.pop() {
            Some(i) => (i, true),
            None => match order.next() {
                Some(i) => (i, false),
                None => break,
            },
        };
        let c = &cands[i];
        if bridge && (c.title || c.text.trim().is_empty() || chosen.contains(&pos[i])) {
            continue;
        }
        let text = cut_to_tokens(&c.text, LINE_TOKENS);
        if texts.contains(text.trim()) {
            continue;
        }
        let p = pos[i];
        let mut cost = tokens(&text) + 1;
        // A detail section's title comes with its first line.
        let title = (c.order.0 == 0)
            .then(|| titles.get(&c.order.1).copied())
            .flatten()
            .filter(|t| !chosen.contains(t));
        if let Some(t) = title {
            cost += tokens(&at(t).text) + 1;
        }
        let before = p > 0 && chosen.contains(&(p - 1)) && adjacent(p - 1);
        let after = p + 1 < cands.len() && chosen.contains(&(p + 1)) && adjacent(p);
        let new_runs = match (before, after) {
            (true, true) => runs - 1,
            (false, false) => runs + 1,
            _ => runs,
        };
        // Every run but the first is preceded by a gap line (at most 2 tokens).
        let gaps = |r: usize| 2 * r.saturating_sub(1);
        if used + cost + gaps(new_runs) > room {
            continue;
        }
        texts.insert(text.trim().to_string());
        used += cost;
        runs = new_runs;
        chosen.insert(p);
        if let Some(t) = title {
            chosen.insert(t);
        }
        let lone = |q: usize| !chosen.contains(&q) && adjacent(q - 1) && adjacent(q);
        if p >= 2 && chosen.contains(&(p - 2)) && lone(p - 1) {
            bridges.push(by_order[p - 1]);
        }
        if p + 2 < cands.len() && chosen.contains(&(p + 2)) && lone(p + 1) {
            bridges.push(by_order[p + 1]);
        }
    }
    let mut lines = Vec::new();
    let mut prev: Option<usize> = None;
    for &p in &chosen {
        if let Some(q) = prev {
            let joined = p == q + 1 && adjacent(q);
            if !joined {
                // Only empty lines skipped, or a new section: an empty line.
                let (a, b) = (at(q).order, at(p).order);
                let blank_gap = a.0 == 1
                    && b.0 == 1
                    && b.1 - a.1 == (p - q) as u64
                    && (q + 1..p).all(|r| at(r).text.trim().is_empty());
                lines.push(
                    if blank_gap || a.0 != b.0 || at(p).title {
                        ""
                    } else {
                        "…"
                    }
                    .to_string(),
                );
            }
        }
        lines.push(cut_to_tokens(&at(p).text, LINE_TOKENS));
        prev = Some(p);
    }
    lines
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::retain::Retainer;

    fn excerpt(log: &str, budget: usize) -> String {
        let mut r = Retainer::new();
        for l in log.lines() {
            r.line(l);
        }
        let h = Header {
            job: None,
            step: None,
            command: None,
            exit_code: None,
            dropped: 0,
        };
        build(&h, &[], &r.finish(), budget)
    }

    #[test]
    fn a_line_every_block_repeats_is_quoted_before_one_block_s_own_lines() {
        let shared = "    at sharedHelper (src/helper.js:10:5)";
        let mut log = String::from("$ run tests\n");
        for i in 0..6 {
            log.push_str(&format!("FAIL: case number {i}\n"));
            for j in 0..30 {
                log.push_str(&format!("    detail {i}.{j} of what this case printed\n"));
            }
            log.push_str(shared);
            log.push_str("\n\n");
        }
        // Far from the end, so only the blocks give them value.
        for i in 0..200 {
            log.push_str(&format!("teardown step {i}\n"));
        }
        let e = excerpt(&log, 200);
        assert!(tokens(&e) <= 200);
        assert!(e.contains("detail 0.0"), "{e}");
        assert!(e.contains(shared.trim()), "{e}");
    }

    #[test]
    fn a_lone_line_between_two_taken_lines_is_taken_before_lesser_ones() {
        let line = |no: u64, value: f32, text: &str| Candidate {
            order: (1, no, 0),
            value,
            text: text.to_string(),
            title: false,
        };
        let cands = vec![
            line(
                1,
                9.0,
                "configure: error: C compiler cannot create executables",
            ),
            line(2, 1.0, "See `config.log' for more details"),
            line(
                3,
                9.0,
                "thread 'main' panicked at 'command did not execute successfully'",
            ),
            line(4, 0.5, "   0: std::panicking::begin_panic"),
            line(10, 5.0, "   7: build_script_build::run at build.rs:370"),
            line(20, 4.0, "   8: build_script_build::main at build.rs:304"),
        ];
        // Room for the two errors and two frames with the three `…` between
        // them, or for the errors, the line between them and one frame.
        let room = [0usize, 2, 4, 5]
            .iter()
            .map(|&i| tokens(&cands[i].text) + 1)
            .sum::<usize>()
            + 2 * 3;
        let chosen = select(&cands, room);
        assert_eq!(
            chosen[..3],
            [
                cands[0].text.clone(),
                cands[1].text.clone(),
                cands[2].text.clone()
            ],
            "{chosen:#?}"
        );
        assert!(!chosen.contains(&cands[5].text), "{chosen:#?}");
    }

    #[test]
    fn the_summary_leaves_the_budget_to_the_log_s_lines() {
        let mut log = String::from("$ python -m pytest\n");
        for i in 0..30 {
            log.push_str(&format!(
                "FAILED tests/test_mod{i}.py::test_case_{i} - AssertionError: value {i} was not the expected one\n"
            ));
        }
        log.push_str("============ 30 failed in 1.20s ============\n");
        let opts = crate::analyze::AnalyzeOptions::default();
        let a = crate::analyze::analyze_text(&log, &opts);
        assert_eq!(a.failures.len(), 30);
        let summary: Vec<&str> = a
            .context
            .lines()
            .filter(|l| {
                l.split_once(". [")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
            })
            .collect();
        let spent: usize = summary.iter().map(|l| tokens(l) + 1).sum();
        assert!(
            !summary.is_empty() && spent <= opts.budget_tokens / 8,
            "{}",
            a.context
        );
        assert!(a.context.contains("… and "), "{}", a.context);
        // What the summary leaves out is quoted from the log.
        assert!(
            a.context
                .contains("FAILED tests/test_mod29.py::test_case_29"),
            "{}",
            a.context
        );
    }

    #[test]
    fn a_failed_step_s_output_outranks_error_words_in_the_setup() {
        let mut log = String::from("$ sudo -V\n");
        for i in 0..20 {
            log.push_str(&format!(
                "Allow some information gathering to give useful error messages {i}\n"
            ));
            log.push_str(&format!("Option {i} is set to its default value\n"));
        }
        log.push_str("$ npm install\n");
        for i in 0..20 {
            log.push_str(&format!("  ├── error-ex@1.3.{i}\n  ├── pkg{i}@1.0.0\n"));
        }
        log.push_str("$ npm test\n\nstandard: Use JavaScript Standard Style\n");
        for i in 0..40 {
            log.push_str(&format!(
                "  /home/travis/build/app/lib/mod{i}.js:{i}:3: A space is required after '{{'.\n"
            ));
        }
        log.push_str("npm ERR! Test failed.  See above for more details.\n");
        log.push_str("The command \"npm test\" exited with 1.\n");
        let e = excerpt(&log, 1000);
        assert!(tokens(&e) <= 1000);
        for i in 0..40 {
            assert!(e.contains(&format!("lib/mod{i}.js:{i}:3:")), "mod{i}: {e}");
        }
        assert!(e.contains("standard: Use JavaScript Standard Style"), "{e}");
    }
}
