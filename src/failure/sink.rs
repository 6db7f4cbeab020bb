//! Where parsers put what they find: deduplicated, counted, bounded.

use super::Failure;
use std::collections::HashMap;

/// How much a finding should be believed when better ones exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// A test runner, compiler or linter said so in its own format.
    Strong,
    /// A bare traceback or an unclassified diagnostic: used only when nothing strong was found.
    Weak,
    /// The generic fallback's error lines: used only when nothing else was found
    /// (except infra and timeout signals, which are always kept).
    Fallback,
}

/// A failure plus the lines that explain it (kept for the excerpt).
#[derive(Debug, Clone)]
pub struct Found {
    pub failure: Failure,
    /// Lines worth showing a model: message lines, the failing source line, in-repo frames.
    pub details: Vec<String>,
    pub tier: Tier,
    /// Which input file (job/step) it came from; set by the engine.
    pub origin: usize,
    /// Which step (a file, or a `##[group]Run` section of one) it came from.
    pub segment: usize,
}

impl Found {
    pub fn new(failure: Failure, tier: Tier) -> Self {
        Found {
            failure,
            details: Vec::new(),
            tier,
            origin: 0,
            segment: 0,
        }
    }
}

/// Most distinct failures kept; more are counted, not stored.
pub const MAX_FAILURES: usize = 1000;
/// Most detail lines kept per failure.
pub const MAX_DETAILS: usize = 40;
/// Longest detail line kept, in bytes (the excerpt cuts lines shorter still).
pub const MAX_DETAIL_LINE: usize = 1024;
/// Longest message kept, in bytes.
pub const MAX_MESSAGE: usize = 500;

type Key = (String, Option<String>, Option<String>, Option<u32>, String);

/// Collects findings; an identical finding (same tool, test, place and
/// message) only increments `repeats` of the first one.
#[derive(Debug, Default)]
pub struct Sink {
    pub items: Vec<Found>,
    index: HashMap<Key, usize>,
    /// Distinct findings dropped because [`MAX_FAILURES`] was reached.
    pub dropped: u64,
    pub origin: usize,
    pub segment: usize,
}

impl Sink {
    /// Whether an identical finding is already kept (it would only be counted).
    pub fn contains(&self, f: &Found) -> bool {
        self.index.contains_key(&(
            f.failure.tool.clone(),
            f.failure.test.clone(),
            f.failure.file.clone(),
            f.failure.line,
            cap(f.failure.message.clone(), MAX_MESSAGE),
        ))
    }

    pub fn push(&mut self, mut f: Found) {
        f.failure.message = cap(std::mem::take(&mut f.failure.message), MAX_MESSAGE);
        f.details.truncate(MAX_DETAILS);
        for d in f.details.iter_mut() {
            if d.len() > MAX_DETAIL_LINE {
                let keep = crate::logs::clean::truncate(d, MAX_DETAIL_LINE).len();
                d.truncate(keep);
                d.push('…');
            }
        }
        f.origin = self.origin;
        f.segment = self.segment;
        let k: Key = (
            f.failure.tool.clone(),
            f.failure.test.clone(),
            f.failure.file.clone(),
            f.failure.line,
            f.failure.message.clone(),
        );
        if let Some(&i) = self.index.get(&k) {
            let it = &mut self.items[i];
            it.failure.repeats = it.failure.repeats.saturating_add(1 + f.failure.repeats);
            if f.tier < it.tier {
                it.tier = f.tier;
            }
            return;
        }
        if self.items.len() >= MAX_FAILURES {
            self.dropped += 1;
            return;
        }
        self.index.insert(k, self.items.len());
        self.items.push(f);
    }
}

/// One line, at most `max` bytes, cut on a char boundary with an ellipsis.
pub fn cap(mut s: String, max: usize) -> String {
    if let Some(i) = s.find('\n') {
        s.truncate(i);
    }
    let t = s.trim();
    if t.len() != s.len() {
        s = t.to_string();
    }
    if s.len() > max {
        let mut i = max;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        s.truncate(i);
        s.push('…');
    }
    s
}

/// One language's reader of its tools' output (each language's `log.rs`). The
/// analysis engine feeds every cleaned line to [`LogParser::line`] and calls
/// [`LogParser::finish`] at the end of each input file; a parser that needs the text
/// whole (a package named only after its tests) takes it instead in
/// [`LogParser::text`], in chunks of about a megabyte cut at a blank line (as a
/// [`TextLines`]: the chunk's lines, split once for every such parser as
/// `failure::util::lines` splits them, and the text to search whole), and the
/// engine adds the log's lines around each failure it returns.
pub trait LogParser {
    fn line(&mut self, _l: &str, _out: &mut Sink) {}
    fn finish(&mut self, _out: &mut Sink) {}
    fn text(&mut self, _chunk: &TextLines<'_>) -> Vec<Failure> {
        Vec::new()
    }
}

/// A chunk of cleaned text as the whole-text parsers get it: its lines,
/// and the text they were cut from, so that a parser can search the whole
/// chunk once for what it would otherwise look for on every line.
pub struct TextLines<'a> {
    text: &'a str,
    /// Where each line but the last ends in `text` (at its `\n`).
    ends: &'a [usize],
    /// The lines (see [`LogParser`]); one more than `ends`.
    pub lines: Vec<&'a str>,
}

impl<'a> TextLines<'a> {
    /// `lines` must be `text` split at `ends` (each line possibly cut
    /// shorter, as `failure::util::line_view` does).
    pub fn new(text: &'a str, ends: &'a [usize], lines: Vec<&'a str>) -> Self {
        debug_assert_eq!(lines.len(), ends.len() + 1);
        TextLines { text, ends, lines }
    }

    /// Per line: `false` when `needle` (which holds no `\n`) is not in it.
    /// One search over the chunk costs far less than one per line, whose
    /// fixed cost dominates on lines a few dozen bytes long.
    pub fn may_hold(&self, needle: &memchr::memmem::Finder<'_>) -> Vec<bool> {
        let mut out = vec![false; self.lines.len()];
        // Hits come in order: the line of each is found by walking on.
        let mut i = 0;
        for at in needle.find_iter(self.text.as_bytes()) {
            while i < self.ends.len() && self.ends[i] < at {
                i += 1;
            }
            if let Some(o) = out.get_mut(i) {
                *o = true;
            }
        }
        out
    }
}

/// Runs a line-driven `parser` over a whole cleaned text (tests and small inputs).
pub fn parse_text(mut parser: impl LogParser, text: &str) -> Vec<Failure> {
    let mut sink = Sink::default();
    for l in text.lines() {
        parser.line(l, &mut sink);
    }
    parser.finish(&mut sink);
    sink.items.into_iter().map(|f| f.failure).collect()
}
