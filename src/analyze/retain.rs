//! The log's own lines worth quoting, kept while the log streams by.
//!
//! Every line that looks like evidence (see [`super::signal`]) is an anchor:
//! it is kept, with the block that follows it (deeper-indented lines,
//! frames, a report's section up to the next header) and a few lines
//! before it, each valued by how close it is to its anchor and how strong
//! that anchor is. The steps of the log are followed too (`##[group]Run`,
//! a Travis `$ command`, each file), and the last lines of a step that
//! failed are kept with a value falling with their distance from its end.
//!
//! Memory is bounded whatever the log: a pool of at most [`MAX_POOL`] lines
//! (the least valuable are dropped when it is full), a few lines of lookback,
//! and the current step's last lines. The excerpt
//! ([`super::excerpt`]) picks from what is kept by value.

use super::signal::{self, Signal, Signals};
use crate::failure::util::FastTrim;
use std::collections::{HashMap, VecDeque};

/// Most lines kept for the excerpt (of any length up to [`MAX_TEXT`]).
pub const MAX_POOL: usize = 4096;
/// Longest kept line, in bytes (the excerpt cuts lines shorter still).
const MAX_TEXT: usize = 1024;
/// Lines before an anchor that share its value (falling with distance).
const BEFORE: usize = 8;
/// Most lines an anchor's block or context runs after it.
const AFTER: u32 = 120;
/// Lines after an anchor that are not part of its block, at most.
const AFTER_LOOSE: u32 = 12;
/// A block's value halves every this many tokens: a short block is kept
/// whole, a long one fades out so it cannot take every other block's room.
const HALF_TOKENS: f32 = 400.0;
/// The current step's last lines kept (for a failed step's end), by count
/// and by bytes.
const TAIL_LINES: usize = 512;
const TAIL_BYTES: usize = 48 * 1024;
/// How much of a failed step's last block is kept as one (see
/// [`final_block`]), in tokens from its end.
const FINAL_BLOCK_TOKENS: usize = 400;
/// ...and what its lines are worth, times the step end's top value: just
/// under the verdict line, above the anchors of older error lines.
const FINAL_BLOCK_VALUE: f32 = 1.9;
/// How a failed step's last lines fall in value, a line at a time: slowly
/// enough that a tool's forty findings above its final block still outrank
/// the error words of the setup steps before it (`useful error messages`,
/// `error-ex@1.3.2`). 0.93 lost those findings on LogChunks; 0.95 to 0.97
/// keep them alike; 0.98 gives the tail's top too little over its end.
const FAILED_TAIL_FALL: f32 = 0.96;
/// Failed steps whose last lines are kept.
const MAX_FAILED_TAILS: usize = 3;
/// Distinct lines whose repeats are counted (a repeated error is worth less).
const MAX_COUNTED: usize = 1 << 16;
/// The first failure-looking line of a step counts this much more.
const FIRST_BOOST: f32 = 1.5;
/// Most line buffers kept for reuse.
const MAX_SPARE: usize = TAIL_LINES + 2 * BEFORE;
/// Most steps told apart; later ones count as the last.
const MAX_STEPS: usize = 1 << 16;
/// What a line of pytest's `warnings summary` is worth: below every failure block,
/// error line and step end (a warning is not why a run failed), so the excerpt
/// quotes warnings only with the room those leave.
const WARNING_VALUE: f32 = 0.01;

/// How a step ended, as far as the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepEnd {
    /// Still running, or the log never says.
    Unknown,
    Passed,
    Failed,
}

/// One kept line.
#[derive(Debug, Clone)]
pub struct Kept {
    /// Position in the cleaned log (all files in order).
    pub no: u64,
    pub step: usize,
    /// Value from anchors; multiplied by the step's weight at the end.
    pub anchored: f32,
    /// Value from the end of a failed (or the last) step, taken as is.
    pub tail: f32,
    /// The block the line belongs to: its own if it is an anchor, else the
    /// anchor's that gave it the most value.
    pub block: u32,
    /// The innermost report block (a [`Signal::mark`] anchor's) the line is
    /// in, whatever gave it its value: how a parser's finding finds its lines.
    pub mark_block: u32,
    /// The line opened a block (an anchor).
    pub anchor: bool,
    /// A pass, a skip or a zero count (`--- PASS`, `✓`, `0 failed`).
    pub noise: bool,
    /// In pytest's `warnings summary`: not a failure, worth [`WARNING_VALUE`] only.
    pub warning: bool,
    pub text: String,
}

/// How much a step's anchors count: a failed step's most, a passed one's
/// least; with no step known to have failed, every step alike.
#[derive(Debug, Clone, Copy)]
pub struct Weights<'a> {
    steps: &'a [StepEnd],
    any_failed: bool,
}

impl<'a> Weights<'a> {
    pub fn new(steps: &'a [StepEnd]) -> Self {
        Weights {
            steps,
            any_failed: steps.contains(&StepEnd::Failed),
        }
    }

    /// A kept line's value.
    pub fn value(&self, k: &Kept) -> f32 {
        let w = match self.steps.get(k.step).copied().unwrap_or(StepEnd::Unknown) {
            StepEnd::Failed => 2.0,
            StepEnd::Unknown if self.any_failed => 0.6,
            StepEnd::Unknown => 1.0,
            StepEnd::Passed => 0.3,
        };
        if k.warning {
            return k.tail;
        }
        // A pass or a zero count near an error is context, not evidence.
        let noise = if k.noise { 0.1 } else { 1.0 };
        (k.anchored * w * noise).max(k.tail)
    }
}

/// An anchor's block still open: the lines after it take their value from it.
#[derive(Debug)]
struct Window {
    weight: f32,
    indent: usize,
    mark: bool,
    block: u32,
    /// Tokens of the block so far.
    tokens: f32,
    /// Lines after it that did not continue the block.
    loose: u32,
    blanks: u32,
    seen: u32,
    /// Lines of the block that are neither empty nor a rule.
    content: u32,
    /// The anchor was an error-tagged line (`[error] ...`): the lines tagged
    /// alike after it are its message's (see [`signal::level_tag`]).
    error_tag: bool,
}

/// What was kept, handed to the excerpt at the end.
#[derive(Debug, Default)]
pub struct Retained {
    /// By line number, one entry per line.
    pub lines: Vec<Kept>,
    /// How each step ended, by step index.
    pub steps: Vec<StepEnd>,
}

/// The streaming side: feed every cleaned line, then [`Retainer::finish`].
/// Lines are judged in batches (see [`super::signal`]), so a few are held
/// until the batch is full.
#[derive(Debug)]
pub struct Retainer {
    signals: Signals,
    /// The held lines, joined by `\n`.
    batch: String,
    /// Where each held line ends in `batch`: the scan needs no search for them
    /// (and a line is one line whatever bytes it holds).
    ends: Vec<usize>,
    state: State,
}

/// Lines held before a batch is judged, in bytes.
const BATCH_BYTES: usize = 64 * 1024;

impl Default for Retainer {
    fn default() -> Self {
        Self::new()
    }
}

impl Retainer {
    pub fn new() -> Self {
        Retainer {
            signals: Signals::default(),
            batch: String::with_capacity(BATCH_BYTES + 1024),
            ends: Vec::with_capacity(BATCH_BYTES / 16),
            state: State::new(),
        }
    }

    /// A new input file: a new step.
    pub fn start_file(&mut self) {
        self.judge_batch();
        self.state.start_file();
    }

    /// Feeds one cleaned line.
    pub fn line(&mut self, l: &str) {
        if !self.ends.is_empty() {
            self.batch.push('\n');
        }
        self.batch.push_str(l);
        self.ends.push(self.batch.len());
        if self.batch.len() >= BATCH_BYTES {
            self.judge_batch();
        }
    }

    fn judge_batch(&mut self) {
        if self.ends.is_empty() {
            return;
        }
        let Retainer {
            signals,
            batch,
            ends,
            state,
        } = self;
        signals.scan_lines(batch, ends, |l, sig| state.line(l, sig));
        batch.clear();
        ends.clear();
    }

    /// Ends the input and hands over what was kept.
    pub fn finish(mut self) -> Retained {
        self.judge_batch();
        let mut kept = self.state.finish();
        // Passes among the kept lines are worth little whatever they follow.
        for k in kept.lines.iter_mut() {
            k.noise = !k.anchor && self.signals.is_noise(&k.text);
        }
        kept
    }
}

/// What is kept so far and how the log's steps went.
#[derive(Debug)]
struct State {
    no: u64,
    steps: Vec<StepEnd>,
    /// Line of an open Travis `The command "...` whose `exited with` is to come.
    travis_open: Option<u64>,
    /// The last lines (lookback), each with whether its text is the tail's:
    /// it is copied from there only if the line is kept (pytest's warnings,
    /// never in the tail, carry their own).
    pending: VecDeque<(Kept, bool)>,
    windows: Vec<Window>,
    /// The current step's last lines: number, text, and whether the line
    /// looked like a failure (an anchor).
    tail: VecDeque<(u64, String, bool)>,
    tail_bytes: usize,
    /// The current step's first line (`$ command`, `##[group]Run`), when kept.
    step_first: Option<(u64, String)>,
    failed_tails: usize,
    pool: Vec<Kept>,
    counts: HashMap<u64, u32>,
    next_block: u32,
    /// Line buffers to reuse (lookback lines nothing wanted, a finished
    /// step's last lines): no allocation per line in steady state.
    spare: Vec<String>,
    /// The current step has had its first anchor.
    step_anchored: bool,
    /// Inside pytest's `=== warnings summary ===`, up to the next banner.
    in_warnings: bool,
}

/// pytest's `===== warnings summary =====` header.
fn is_warnings_header(l: &str) -> bool {
    let t = l.trim_start_fast();
    if !t.starts_with("==") {
        return false;
    }
    let t = t.trim_end_fast();
    t.ends_with("==") && t.trim_matches('=').trim() == "warnings summary"
}

/// A line's shape with its numbers blanked and every run of one symbol
/// drawn once, hashed: repeats of one message with other counts or ids are
/// the same line, and so are the redraws of a progress bar printed on new
/// lines (`[▬▬▬․․․] 9 failing`, `[####    ] 45%`), however far it got.
fn shape_hash(l: &str) -> u64 {
    use std::hash::Hasher;
    // The shape is written out and hashed in one call (a hasher call per
    // character cost more than the rest of the line's judging).
    let mut shape = String::with_capacity(l.len());
    let mut digit = false;
    let mut prev: Option<char> = None;
    for c in l.trim().chars() {
        if c.is_ascii_digit() {
            if !digit {
                shape.push('#');
            }
            digit = true;
            prev = None;
            continue;
        }
        digit = false;
        let symbol = !c.is_alphanumeric() && !c.is_whitespace();
        if symbol && prev == Some(c) {
            continue;
        }
        prev = symbol.then_some(c);
        shape.push(c);
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(shape.as_bytes());
    h.finish()
}

/// `v`'s place in [`f32::total_cmp`]'s order, as an integer.
fn total_order_key(v: f32) -> i32 {
    let b = v.to_bits() as i32;
    b ^ (((b >> 31) as u32) >> 1) as i32
}

fn capped(l: &str) -> String {
    crate::logs::clean::truncate(l, MAX_TEXT).to_string()
}

/// The failed step's last block of output (its last lines up to an empty
/// line, under the verdict line Travis adds), by index in `tail`, when one
/// of its lines looks like a failure: a test runner's or linter's summary,
/// a build tool's closing error with its trace. Such a block is quoted
/// whole before older error-looking lines, as far as [`FINAL_BLOCK_TOKENS`]
/// from its end go; an end with no failure word in it gets nothing more.
fn final_block(tail: &VecDeque<(u64, String, bool)>) -> std::ops::Range<usize> {
    let blank = |i: usize| tail[i].1.trim().is_empty();
    let mut end = tail.len();
    while end > 0 && blank(end - 1) {
        end -= 1;
    }
    // Travis's verdict is not the tool's output: the block is above it.
    if end > 0 && travis_exit(&tail[end - 1].1).is_some() {
        end -= 1;
        while end > 0 && blank(end - 1) {
            end -= 1;
        }
    }
    let mut start = end;
    let mut spent = 0usize;
    let mut failure = false;
    while start > 0 && !blank(start - 1) {
        let (_, text, anchor) = &tail[start - 1];
        spent += text.len().min(400) / 4 + 1;
        if spent > FINAL_BLOCK_TOKENS {
            break;
        }
        failure |= *anchor;
        start -= 1;
    }
    if failure {
        start..end
    } else {
        0..0
    }
}

/// Travis prints `The command "CMD" exited with N.` (the command may span
/// lines): the exit code when `l` ends such a line.
fn travis_exit(l: &str) -> Option<&str> {
    let rest = l
        .rsplit_once("\" exited with ")
        .or_else(|| l.rsplit_once("\" failed and exited with "))?
        .1;
    let code = rest.split_whitespace().next()?.trim_end_matches('.');
    (!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

impl State {
    fn new() -> Self {
        State {
            no: 0,
            steps: vec![StepEnd::Unknown],
            travis_open: None,
            pending: VecDeque::new(),
            windows: Vec::new(),
            tail: VecDeque::new(),
            tail_bytes: 0,
            step_first: None,
            failed_tails: 0,
            pool: Vec::new(),
            counts: HashMap::new(),
            next_block: 0,
            spare: Vec::new(),
            step_anchored: false,
            in_warnings: false,
        }
    }

    fn step(&self) -> usize {
        self.steps.len() - 1
    }

    /// A new input file: a new step.
    fn start_file(&mut self) {
        if self.no > 0 {
            self.new_step(None);
        }
    }

    fn new_step(&mut self, first: Option<&str>) {
        self.end_step();
        if self.steps.len() < MAX_STEPS {
            self.steps.push(StepEnd::Unknown);
        }
        self.step_first = first.map(|l| (self.no, capped(l)));
        self.step_anchored = false;
    }

    /// Closes the current step's windows and, if it failed, keeps its end.
    fn end_step(&mut self) {
        self.windows.clear();
        self.flush_pending(0);
        let step = self.step();
        if self.steps[step] == StepEnd::Failed && self.failed_tails < MAX_FAILED_TAILS {
            self.failed_tails += 1;
            self.keep_tail(6.0, FAILED_TAIL_FALL);
        }
        for (_, s, _) in self.tail.drain(..) {
            if self.spare.len() < MAX_SPARE {
                self.spare.push(s);
            }
        }
        self.tail_bytes = 0;
        self.step_first = None;
    }

    /// The current step's last lines into the pool: `top` for its last line,
    /// falling by `fall` per line, and a little for every line so that what
    /// the budget leaves goes to the end of the step.
    fn keep_tail(&mut self, top: f32, fall: f32) {
        let step = self.step();
        let mut v = top;
        let mut fill = 0.05f32;
        let n = self.tail.len();
        let final_block = final_block(&self.tail);
        // The step's verdict (`The command "x" exited with 1.`, the last
        // words before `##[error]`): one line, worth more than most blocks.
        let mut last = true;
        for (i, (no, text, _)) in std::mem::take(&mut self.tail).into_iter().enumerate().rev() {
            let mut t = v.max(fill);
            if last && !text.trim().is_empty() {
                last = false;
                t = 2.0 * top;
            } else if final_block.contains(&i) {
                t = t.max(FINAL_BLOCK_VALUE * top);
            }
            self.pool.push(Kept {
                no,
                step,
                anchored: 0.0,
                tail: t,
                block: u32::MAX,
                mark_block: u32::MAX,
                anchor: false,
                noise: false,
                warning: false,
                text,
            });
            v *= fall;
            fill *= 0.999;
        }
        if let Some((no, text)) = self.step_first.take() {
            if n > 0 {
                self.pool.push(Kept {
                    no,
                    step,
                    anchored: 0.0,
                    tail: top * 0.8,
                    block: u32::MAX,
                    mark_block: u32::MAX,
                    anchor: false,
                    noise: false,
                    warning: false,
                    text,
                });
            }
        }
        self.compact_if_full();
    }

    /// Takes one cleaned line and what the scan says of it.
    fn line(&mut self, l: &str, sig: Signal) {
        if let Some(title) = l.strip_prefix("##[group]") {
            if title.starts_with("Run ") {
                // The excerpt's header names the step and its command.
                self.new_step(None);
            }
            self.no += 1;
            return;
        }
        if l == "##[endgroup]" {
            self.no += 1;
            return;
        }
        if let Some(msg) = l.strip_prefix("##[error]") {
            let s = self.step();
            self.steps[s] = StepEnd::Failed;
            // The exit code is in the excerpt's header already.
            if msg.starts_with("Process completed with exit code") {
                self.no += 1;
                return;
            }
        } else if l.len() > 2 && l.starts_with("$ ") {
            // A Travis (or `set -x`-less shell) command: a new step.
            self.new_step(Some(l));
        }
        let no = self.no;
        self.no += 1;

        let mut kept = Kept {
            no,
            step: self.step(),
            anchored: 0.0,
            tail: 0.0,
            block: u32::MAX,
            mark_block: u32::MAX,
            anchor: false,
            noise: false,
            warning: false,
            text: String::new(),
        };
        // pytest's warnings summary lists warnings, not failures (its `invalid escape
        // sequence` and `DeprecationWarning` lines look like errors): no line of it
        // anchors a block, none is a failed step's end, each is worth WARNING_VALUE.
        if is_warnings_header(l) {
            self.windows.clear();
            self.in_warnings = true;
        } else if self.in_warnings && signal::is_banner(l) {
            self.in_warnings = false;
        }
        let in_tail = !self.in_warnings;
        if self.in_warnings {
            kept.warning = true;
            kept.tail = WARNING_VALUE;
            kept.text = self.spare.pop().unwrap_or_default();
            kept.text.clear();
            kept.text
                .push_str(crate::logs::clean::truncate(l, MAX_TEXT));
        } else {
            // Inside an open error-tagged message, a tagged line with nothing of
            // its own, or an indented one (the code it quotes may say `failed`),
            // is that message's, not a new one.
            let mut sig = sig;
            if !sig.mark && self.windows.iter().any(|w| w.error_tag) {
                if let Some((signal::Level::Error, body)) = signal::level_tag(l) {
                    if sig.continuation || signal::indent(body) > 0 {
                        sig.strength = 0;
                    }
                }
            }
            self.continue_windows(l, &sig, &mut kept);
            if sig.is_anchor() {
                self.anchor(l, &sig, &mut kept);
            }
            self.push_tail(no, l, sig.is_anchor());
        }
        self.pending.push_back((kept, in_tail));
        self.flush_pending(BEFORE);

        if l.starts_with("The command \"") {
            self.travis_open = Some(no);
        }
        if let Some(open) = self.travis_open {
            if no.saturating_sub(open) > 200 {
                self.travis_open = None;
            } else if let Some(code) = travis_exit(l) {
                self.travis_open = None;
                let s = self.step();
                self.steps[s] = if code == "0" {
                    StepEnd::Passed
                } else {
                    StepEnd::Failed
                };
                self.new_step(None);
            }
        }
    }

    fn continue_windows(&mut self, l: &str, sig: &Signal, kept: &mut Kept) {
        if self.windows.is_empty() {
            return;
        }
        let blank = l.trim_fast().is_empty();
        let header = sig.mark || signal::is_banner(l);
        let tag = signal::level_tag(l);
        let error_tag = matches!(tag, Some((signal::Level::Error, _)));
        let indent = signal::indent(tag.map_or(l, |(_, body)| body));
        let frame = !blank && signal::is_frame(tag.map_or(l, |(_, body)| body));
        // Bytes / 4: close to the excerpt's tokens without counting chars.
        let cost = l.len().min(400) as f32 / 4.0 + 1.0;
        let traceback = l.trim_start_fast().starts_with("Traceback (");
        let strong = sig.strength >= 2;
        self.windows.retain_mut(|w| {
            w.seen += 1;
            if w.seen > AFTER {
                return false;
            }
            if blank {
                w.blanks += 1;
                return w.blanks <= 2;
            }
            // The next report block ends this one (a nested one, deeper
            // indented, or a traceback inside it does not); a rule right
            // under the header (unittest's `FAIL: x` then `-----`) is its
            // underline.
            let ends = if sig.mark {
                indent <= w.indent && !traceback
            } else {
                header && w.content > 0
            };
            if w.mark && ends {
                return false;
            }
            if !header {
                w.content += 1;
            }
            let cont = w.mark || indent > w.indent || frame || w.error_tag && error_tag;
            if !cont {
                w.loose += 1;
                if w.loose > AFTER_LOOSE {
                    return false;
                }
            }
            w.tokens += cost;
            // An error line inside a block is worth its head; the block's
            // other lines fade with its length.
            let mut v = if strong {
                w.weight
            } else {
                w.weight * 0.5f32.powf(w.tokens / HALF_TOKENS)
            };
            if !cont {
                v *= 0.85f32.powi(w.loose as i32);
            }
            if v > kept.anchored {
                kept.anchored = v;
                kept.block = w.block;
            }
            if w.mark {
                kept.mark_block = w.block;
            }
            w.blanks = 0;
            true
        });
    }

    fn anchor(&mut self, l: &str, sig: &Signal, kept: &mut Kept) {
        let mut w = f32::from(sig.strength.max(2)) + if sig.mark { 2.0 } else { 0.0 };
        // A step's first failure is often the cause of the ones after it.
        if !self.step_anchored && (sig.strength >= 2 || sig.mark) {
            self.step_anchored = true;
            w *= FIRST_BOOST;
        }
        // The same message again (numbers aside) says less each time.
        let h = shape_hash(l);
        let full = self.counts.len() >= MAX_COUNTED;
        let seen = match self.counts.get_mut(&h) {
            Some(c) => {
                *c += 1;
                *c
            }
            None => {
                if !full {
                    self.counts.insert(h, 1);
                }
                1
            }
        };
        if seen > 3 {
            w /= (seen as f32 / 3.0).sqrt();
        }
        let block = self.next_block;
        self.next_block = self.next_block.wrapping_add(1);
        kept.anchored = kept.anchored.max(w);
        kept.block = block;
        kept.anchor = true;
        if sig.mark {
            kept.mark_block = block;
        }
        // The lines just before share some of its value.
        let mut v = w;
        for (p, _) in self.pending.iter_mut().rev() {
            v *= 0.8;
            if p.step != kept.step {
                break;
            }
            if v > p.anchored {
                p.anchored = v;
            }
        }
        self.windows.push(Window {
            weight: w,
            indent: signal::indent(signal::untagged(l)),
            mark: sig.mark,
            error_tag: matches!(signal::level_tag(l), Some((signal::Level::Error, _))),
            block,
            tokens: 0.0,
            loose: 0,
            blanks: 0,
            seen: 0,
            content: 0,
        });
        // A few open blocks at a time: the weakest gives way.
        if self.windows.len() > 6 {
            if let Some((i, _)) = self
                .windows
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.weight.total_cmp(&b.1.weight))
            {
                self.windows.remove(i);
            }
        }
    }

    fn push_tail(&mut self, no: u64, l: &str, anchor: bool) {
        let l = crate::logs::clean::truncate(l, MAX_TEXT);
        while self.tail.len() >= TAIL_LINES || self.tail_bytes + l.len() > TAIL_BYTES {
            match self.tail.pop_front() {
                Some((_, s, _)) => {
                    self.tail_bytes -= s.len();
                    if self.spare.len() < MAX_SPARE {
                        self.spare.push(s);
                    }
                }
                None => break,
            }
        }
        let mut buf = self.spare.pop().unwrap_or_default();
        buf.clear();
        buf.push_str(l);
        self.tail_bytes += buf.len();
        self.tail.push_back((no, buf, anchor));
    }

    /// Moves lookback lines older than `keep` lines into the pool.
    fn flush_pending(&mut self, keep: usize) {
        while self.pending.len() > keep {
            if let Some((mut p, in_tail)) = self.pending.pop_front() {
                if p.anchored > 0.0 || p.warning {
                    if in_tail {
                        // The lookback is far shorter than the tail, which is
                        // emptied only after the lookback is flushed.
                        let at = self.tail.binary_search_by_key(&p.no, |e| e.0);
                        debug_assert!(at.is_ok(), "lookback line {} not in the tail", p.no);
                        if let Ok(i) = at {
                            let mut text = self.spare.pop().unwrap_or_default();
                            text.clear();
                            text.push_str(&self.tail[i].1);
                            p.text = text;
                        }
                    }
                    self.pool.push(p);
                    self.compact_if_full();
                }
            }
        }
    }

    fn compact_if_full(&mut self) {
        if self.pool.len() < 2 * MAX_POOL {
            return;
        }
        // The MAX_POOL most valuable lines (the latest first among equals), in
        // that order: what a stable sort by value then line, cut at MAX_POOL,
        // keeps. Each value is computed once, and only the kept lines are sorted.
        let w = Weights::new(&self.steps);
        let mut keys: Vec<(std::cmp::Reverse<i32>, std::cmp::Reverse<u64>, u32)> = self
            .pool
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    std::cmp::Reverse(total_order_key(w.value(k))),
                    std::cmp::Reverse(k.no),
                    i as u32,
                )
            })
            .collect();
        keys.select_nth_unstable(MAX_POOL - 1);
        keys.truncate(MAX_POOL);
        keys.sort_unstable();
        let mut old: Vec<Option<Kept>> = std::mem::take(&mut self.pool)
            .into_iter()
            .map(Some)
            .collect();
        self.pool = keys
            .iter()
            .filter_map(|&(_, _, i)| old[i as usize].take())
            .collect();
    }

    /// Ends the input: the last step's end is kept (as the failed step's,
    /// when no step is known to have failed).
    fn finish(mut self) -> Retained {
        let nothing_failed = !self.steps.contains(&StepEnd::Failed);
        if nothing_failed {
            self.windows.clear();
            self.flush_pending(0);
            self.keep_tail(3.0, 0.9);
        } else {
            self.end_step();
        }
        let steps = std::mem::take(&mut self.steps);
        let mut lines = std::mem::take(&mut self.pool);
        lines.sort_by_key(|k| k.no);
        // One entry per line: the best of what each source gave it.
        let mut out: Vec<Kept> = Vec::with_capacity(lines.len());
        for k in lines {
            match out.last_mut() {
                Some(prev) if prev.no == k.no => {
                    if k.anchored > prev.anchored {
                        prev.anchored = k.anchored;
                        prev.block = k.block;
                    }
                    prev.tail = prev.tail.max(k.tail);
                    prev.anchor |= k.anchor;
                    prev.warning |= k.warning;
                    if prev.mark_block == u32::MAX {
                        prev.mark_block = k.mark_block;
                    }
                }
                _ => out.push(k),
            }
        }
        Retained { lines: out, steps }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Retained {
        let mut r = Retainer::new();
        for l in text.lines() {
            r.line(l);
        }
        r.finish()
    }

    fn value_of(r: &Retained, text: &str) -> f32 {
        r.lines
            .iter()
            .find(|k| k.text == text)
            .map_or(0.0, |k| Weights::new(&r.steps).value(k))
    }

    #[test]
    fn an_empty_line_that_opens_a_batch_is_still_a_line() {
        // A batch used to start with its first non-empty line: an empty line
        // right after a full batch was lost, and every later line's number
        // (what the excerpt's `…` gaps and blocks are drawn from) was one short.
        let mut r = Retainer::new();
        let filler = "x".repeat(99);
        let mut n = 0u64;
        loop {
            r.line(&filler);
            n += 1;
            if r.batch.is_empty() {
                break;
            }
        }
        r.line("");
        r.line("error: boom");
        let kept = r.finish();
        let boom = kept.lines.iter().find(|k| k.text == "error: boom").unwrap();
        assert_eq!(boom.no, n + 1);
    }

    #[test]
    fn a_failed_travis_step_ends_with_its_command() {
        let r = run("$ make deps\nok\nThe command \"make deps\" exited with 0.\n$ ./check.sh\nflag provided but not defined: -x\nUsage of check\nThe command \"./check.sh\" exited with 2.\n$ cache store\nuploading\n");
        assert_eq!(
            r.steps,
            [
                StepEnd::Unknown,
                StepEnd::Passed,
                StepEnd::Unknown,
                StepEnd::Failed,
                StepEnd::Unknown,
                StepEnd::Unknown
            ][..r.steps.len()]
        );
        assert!(value_of(&r, "flag provided but not defined: -x") > 1.0);
        assert!(
            value_of(&r, "$ ./check.sh") > 1.0,
            "the failed command's line"
        );
        assert!(
            value_of(&r, "The command \"./check.sh\" exited with 2.") > 1.0,
            "the exit line"
        );
        assert_eq!(value_of(&r, "uploading"), 0.0, "after the failure");
    }

    #[test]
    fn a_multi_line_travis_command_is_closed_by_its_exit_line() {
        let r = run("$ case x in\nbuilding\nerror: boom\nThe command \"case x in\n  a) b;;\nesac\n\" exited with 1.\nafter\n");
        assert!(r.steps.contains(&StepEnd::Failed), "{:?}", r.steps);
        assert!(value_of(&r, "error: boom") > value_of(&r, "building"));
    }

    #[test]
    fn a_block_is_kept_whole_and_context_fades() {
        let mut log = String::from("$ run\n");
        for i in 0..50 {
            log.push_str(&format!("setup line {i}\n"));
        }
        log.push_str("ERROR: the thing broke\n    detail one\n    detail two\n      at frame (x.js:1:2)\nunrelated 1\nunrelated 2\n");
        for i in 0..50 {
            log.push_str(&format!("more output {i}\n"));
        }
        let r = run(&log);
        let head = value_of(&r, "ERROR: the thing broke");
        let d2 = value_of(&r, "    detail two");
        let frame = value_of(&r, "      at frame (x.js:1:2)");
        let loose = value_of(&r, "unrelated 2");
        assert!(head > 0.0 && d2 > 0.0 && frame > 0.0);
        assert!(d2 > loose, "the block's lines outrank lines after it");
        assert!(value_of(&r, "setup line 49") > 0.0, "a line before it");
        assert!(value_of(&r, "setup line 49") < head);
    }

    #[test]
    fn repeats_of_one_message_count_less() {
        let mut log = String::new();
        for i in 0..20 {
            log.push_str(&format!(
                "error: attempt {i} broke\nfiller\nfiller\nfiller\nfiller\n"
            ));
        }
        // Far from the end, so only the anchors give them value.
        for i in 0..200 {
            log.push_str(&format!("more output {i}\n"));
        }
        let r = run(&log);
        let first = value_of(&r, "error: attempt 1 broke");
        let last = value_of(&r, "error: attempt 19 broke");
        assert!(last < first / 2.0, "{first} {last}");
    }

    #[test]
    fn a_progress_bar_redrawn_on_new_lines_is_one_repeated_line() {
        let mut log = String::from("$ npm test\n");
        let bar = |i: usize| {
            format!(
                "  [{}{}] {} failing",
                "#".repeat(i + 1),
                ".".repeat(40 - i),
                i / 4 + 1
            )
        };
        for i in 0..40 {
            log.push_str(&bar(i));
            log.push('\n');
        }
        // Far from the end, so only the anchors give them value.
        for i in 0..200 {
            log.push_str(&format!("more output {i}\n"));
        }
        let r = run(&log);
        let (first, last) = (value_of(&r, &bar(0)), value_of(&r, &bar(39)));
        assert!(first > 0.0);
        assert!(last < first / 2.0, "{first} {last}");
    }

    #[test]
    fn an_error_tagged_message_is_one_block() {
        let r = run("[info] Compiling 31 Scala sources\n\
            [error] /a/B.scala:66:31: not found: type Logger\n\
            [error] import akka.actor.typed.Logger\n\
            [error]   private var _log: OptionVal[Logger] = None\n\
            [error]     ctx.log.warning(\"Failed to delete snapshot\", meta)\n\
            [error]        ^\n\
            [error] 1 error found\n");
        let block = |t: &str| {
            r.lines
                .iter()
                .find(|k| k.text == t)
                .map(|k| k.block)
                .unwrap_or_else(|| panic!("{t} not kept"))
        };
        let head = block("[error] /a/B.scala:66:31: not found: type Logger");
        for t in [
            "[error] import akka.actor.typed.Logger",
            "[error]   private var _log: OptionVal[Logger] = None",
            "[error]     ctx.log.warning(\"Failed to delete snapshot\", meta)",
            "[error]        ^",
        ] {
            assert_eq!(block(t), head, "{t}");
        }
    }

    #[test]
    fn a_failed_step_s_last_block_is_kept_whole() {
        let log = |end: &str| {
            let mut log = String::from("$ ./build.sh\n");
            for i in 0..12 {
                log.push_str(&format!(
                    "Doc.cs({i},4): error CS0246: type T{i} not found\n"
                ));
            }
            log.push('\n');
            log.push_str(end);
            log.push_str("\nThe command \"./build.sh\" exited with 1.\n");
            log
        };
        let mut end = String::from("task aborted!\nThe test run failed. See the log\n");
        for i in 0..12 {
            end.push_str(&format!(
                "/opt/gems/tool-1.0/lib/tool/step{i}.rb:{i}:in `run'\n"
            ));
        }
        end.push_str("(See full trace by running with --trace)\n");
        let r = run(&log(&end));
        // Older error lines, each worth more than the block's own lines by
        // themselves.
        let warned = (0..12)
            .map(|i| {
                value_of(
                    &r,
                    &format!("Doc.cs({i},4): error CS0246: type T{i} not found"),
                )
            })
            .fold(0.0f32, f32::max);
        assert!(warned > 0.0);
        for l in end.lines() {
            assert!(
                value_of(&r, l) > warned,
                "{l}: {} vs {warned}",
                value_of(&r, l)
            );
        }
        // An end with no failure word in it is not raised above the errors.
        let mut quiet = String::new();
        for i in 0..14 {
            quiet.push_str(&format!("uploading artifact part {i}\n"));
        }
        let r = run(&log(&quiet));
        assert!(value_of(&r, "uploading artifact part 0") < warned);
    }

    #[test]
    fn the_pool_is_bounded() {
        let mut r = Retainer::new();
        for i in 0..(5 * MAX_POOL) {
            r.line(&format!(
                "error: distinct problem number {i} {}",
                "x".repeat(i % 7)
            ));
        }
        let kept = r.finish();
        assert!(
            kept.lines.len() <= 2 * MAX_POOL + TAIL_LINES + 1,
            "{}",
            kept.lines.len()
        );
    }
}
