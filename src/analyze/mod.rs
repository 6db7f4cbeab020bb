//! Failure analysis: every language's log parsers, triage, excerpt under a budget.
//!
//! The [`Engine`] takes cleaned lines one at a time and keeps bounded state,
//! so a log of any size is analysed in constant memory ([`analyze_reader`]);
//! [`analyze`] runs the same engine over logs already in memory.

mod analysis;
pub mod changes;
mod chunk;
pub mod diagnostics;
mod evidence;
pub mod excerpt;
pub mod generic;
mod retain;
mod signal;
mod site_packages;
pub mod text;
pub mod triage;

pub use crate::failure::sink::{MAX_DETAILS, MAX_FAILURES};
pub use crate::failure::{Failure, FailureKind};
pub use analysis::Analysis;

use crate::failure::paths;
use crate::failure::sink::{Found, Sink, Tier};
use crate::failure::LogParser;
use crate::lang::{Language, LANGUAGES};
use crate::logs::{Cleaner, LogFile};
use std::io::BufRead;
use std::path::PathBuf;

/// Knobs for [`analyze`].
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// The checkout, used to normalise paths and mark those not in it.
    pub workdir: Option<PathBuf>,
    /// Budget for [`Analysis::context`], in tokens (docs/log-analysis.md says how they are counted).
    pub budget_tokens: usize,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            workdir: None,
            budget_tokens: 1500,
        }
    }
}

/// Finds every failure in the given logs (already read and cleaned by [`crate::logs`]).
pub fn analyze(logs: &[LogFile], opts: &AnalyzeOptions) -> Analysis {
    let mut e = Engine::new();
    for f in logs {
        e.start_file(f.job.clone(), f.step.clone());
        // `lines()` splits like the streaming reader (no empty last line).
        for l in f.text.lines() {
            e.raw_line(crate::logs::clean::truncate(l, crate::logs::MAX_LINE));
        }
    }
    e.finish(opts)
}

/// Analyses one raw log text (cleaning included).
pub fn analyze_text(text: &str, opts: &AnalyzeOptions) -> Analysis {
    analyze(
        &[LogFile {
            job: None,
            step: None,
            text: text.to_string(),
        }],
        opts,
    )
}

/// Streams a raw log (any size) through the analysis in bounded memory.
pub fn analyze_reader<R: BufRead>(r: R, opts: &AnalyzeOptions) -> std::io::Result<Analysis> {
    let mut e = Engine::new();
    e.start_file(None, None);
    crate::logs::for_each_line(r, |l| e.raw_line(l))?;
    Ok(e.finish(opts))
}

/// Streams each path (text log, directory of step logs, run-logs zip, or `-`
/// for standard input) through one analysis in bounded memory, masking
/// `secrets` in every cleaned line. Why input was cut, if it was, is in
/// [`Analysis::input_cut`] (see [`crate::logs::stream`]).
pub fn analyze_paths(
    paths: &[PathBuf],
    secrets: &crate::secrets::Secrets,
    opts: &AnalyzeOptions,
) -> Result<Analysis, crate::logs::LogError> {
    let mut e = Engine::new();
    e.secrets = secrets.clone();
    let mut cuts = Vec::new();
    for p in paths {
        let streamed = crate::logs::stream_path(p, &mut |ev| match ev {
            crate::logs::Event::Start { job, step } => e.start_file(job, step),
            crate::logs::Event::Line(l) => e.raw_line(l),
        })?;
        cuts.extend(streamed.cut);
    }
    if opts.workdir.is_none() {
        // No checkout given: the repository root is where the failures'
        // paths are, so they come out relative to it whatever the current
        // directory (a log inside the project, read from a parent folder).
        e.close();
        let root = guess_root(paths, &e.sink.items);
        let opts = AnalyzeOptions {
            workdir: root,
            ..opts.clone()
        };
        return Ok(Analysis {
            input_cut: cuts,
            ..e.finish(&opts)
        });
    }
    Ok(Analysis {
        input_cut: cuts,
        ..e.finish(opts)
    })
}

/// Streams logs already on disk (downloaded from a run) through one analysis
/// in bounded memory, masking `secrets` in every cleaned line, under the
/// names their [`crate::logs::Source`] gives; why input was cut is in
/// [`Analysis::input_cut`].
pub fn analyze_sources(
    sources: &[crate::logs::Source],
    secrets: &crate::secrets::Secrets,
    opts: &AnalyzeOptions,
) -> Result<Analysis, crate::logs::LogError> {
    let mut e = Engine::new();
    e.secrets = secrets.clone();
    let mut cuts = Vec::new();
    for s in sources {
        let mut skip = false;
        let streamed = crate::logs::stream_path(&s.path, &mut |ev| match ev {
            crate::logs::Event::Start { job, step } => {
                skip = s
                    .only_jobs
                    .as_ref()
                    .is_some_and(|only| !job.as_ref().is_some_and(|j| only.iter().any(|o| o == j)));
                if !skip {
                    match &s.job {
                        Some(j) => e.start_file(Some(j.clone()), s.step.clone()),
                        None => e.start_file(job, step),
                    }
                }
            }
            crate::logs::Event::Line(l) if !skip => e.raw_line(l),
            crate::logs::Event::Line(_) => {}
        })?;
        if streamed.cut.is_some() {
            cuts.push(format!(
                "{}: read only the first {} bytes (the cap on log input); the rest was not analysed",
                s.label, streamed.bytes
            ));
        }
    }
    Ok(Analysis {
        input_cut: cuts,
        ..e.finish(opts)
    })
}

/// The directory in which the most of the failures' relative paths exist:
/// among each log's folder and its ancestors (nearest first), then the
/// current directory. `None` when no path exists anywhere.
fn guess_root(logs: &[PathBuf], items: &[Found]) -> Option<PathBuf> {
    let files: Vec<String> = items
        .iter()
        .filter_map(|f| f.failure.file.as_deref())
        .map(paths::normalize)
        .filter(|p| paths::in_repo(p))
        .take(50)
        .collect();
    let mut candidates: Vec<PathBuf> = Vec::new();
    for l in logs {
        let abs = std::fs::canonicalize(l).ok();
        let mut dir = abs.as_deref().and_then(std::path::Path::parent);
        for _ in 0..8 {
            let Some(d) = dir else { break };
            candidates.push(d.to_path_buf());
            dir = d.parent();
        }
    }
    let cwd = std::env::current_dir().ok();
    candidates.extend(cwd.clone());
    let mut best: Option<(usize, PathBuf)> = None;
    for c in candidates {
        let n = files.iter().filter(|f| paths::exists_in(&c, f)).count();
        if n > 0 && best.as_ref().is_none_or(|(b, _)| n > *b) {
            best = Some((n, c));
        }
    }
    best.map(|(_, c)| c).or(cwd)
}

/// Cleaned text is handed to the whole-text parsers (Go's, Rust's, diagnostics)
/// in chunks of about this size, cut at a blank line (diagnostics are
/// separated by blank lines) or, failing that, at twice the size.
const CHUNK_BYTES: usize = 1 << 20;
/// Most lines of a `Run` step's script kept as its command.
const MAX_COMMAND_LINES: usize = 40;

#[derive(Debug, Default, Clone)]
struct FileInfo {
    job: Option<String>,
    step: Option<String>,
    /// The first step of this file that ended with `##[error]`.
    failed_title: Option<String>,
    failed_command: Option<String>,
    /// The `shell:` line of that step (`/usr/bin/bash -e {0}`).
    failed_shell: Option<String>,
    exit_code: Option<String>,
    /// The last step seen, for logs whose failure has no `##[error]` marker.
    last_title: Option<String>,
    last_command: Option<String>,
    last_shell: Option<String>,
    had_error: bool,
}

/// The streaming analysis: feed lines, then [`Engine::finish`].
pub struct Engine {
    cleaner: Cleaner,
    /// Every language's parsers, in [`LANGUAGES`] order.
    parsers: Vec<Box<dyn LogParser>>,
    generic: generic::Generic,
    chunk: chunk::Chunk,
    sink: Sink,
    /// Finished input files; `cur` is the one being read.
    files: Vec<FileInfo>,
    cur: FileInfo,
    started: bool,
    /// Inside the header group of a `Run` step (script, shell, env).
    in_run_header: bool,
    cmd_lines: Vec<String>,
    cmd_done: bool,
    /// The log's lines kept for the excerpt.
    retain: retain::Retainer,
    /// Masked (`***`) in every cleaned line before anything sees it.
    secrets: crate::secrets::Secrets,
    /// Failures of the whole-text parsers whose block may still be looked up.
    blocks_left: usize,
    /// Per step (file or `Run` section): did it fail?
    segments: Vec<bool>,
    /// The current file was ended (by [`Engine::close`]).
    closed: bool,
}

/// Most failures whose verbatim block is looked up in the text (each lookup
/// scans a chunk; an excerpt has room for far fewer).
const MAX_BLOCKS: usize = 200;

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    pub fn new() -> Self {
        Engine {
            cleaner: Cleaner::new(),
            parsers: LANGUAGES.iter().flat_map(|l| l.log_parsers()).collect(),
            generic: generic::Generic::new(),
            chunk: chunk::Chunk::default(),
            sink: Sink::default(),
            files: Vec::new(),
            cur: FileInfo::default(),
            started: false,
            in_run_header: false,
            cmd_lines: Vec::new(),
            cmd_done: true,
            retain: retain::Retainer::new(),
            secrets: crate::secrets::Secrets::default(),
            blocks_left: MAX_BLOCKS,
            segments: Vec::new(),
            closed: false,
        }
    }

    /// Starts a new input file (a job or step log); flushes the previous one.
    pub fn start_file(&mut self, job: Option<String>, step: Option<String>) {
        if self.started && !self.closed {
            self.end_file();
        }
        self.started = true;
        self.closed = false;
        self.cleaner = Cleaner::new();
        self.sink.origin = self.files.len();
        self.new_segment();
        self.retain.start_file();
        self.cur = FileInfo {
            job,
            step,
            ..Default::default()
        };
    }

    fn end_file(&mut self) {
        self.flush_chunk();
        self.chunk.clear();
        for p in self.parsers.iter_mut() {
            p.finish(&mut self.sink);
        }
        self.generic.finish(&mut self.sink);
        self.finish_command();
        self.in_run_header = false;
        self.files.push(std::mem::take(&mut self.cur));
    }

    /// Feeds one raw line (cleaning included).
    pub fn raw_line(&mut self, raw: &str) {
        if !self.started {
            self.start_file(None, None);
        }
        if let Some(l) = self.cleaner.line(raw) {
            if self.secrets.appear_in(&l) {
                let masked = self.secrets.mask(&l);
                self.line(&masked);
            } else {
                self.line(&l);
            }
        }
    }

    fn new_segment(&mut self) {
        self.sink.segment = self.segments.len();
        self.segments.push(false);
    }

    fn segment_failed(&mut self) {
        if let Some(s) = self.segments.last_mut() {
            *s = true;
        }
    }

    fn finish_command(&mut self) {
        if self.cmd_done {
            return;
        }
        self.cmd_done = true;
        let cmd = self.cmd_lines.join("\n");
        // The whole-text parsers see the step's script too: some output (`gofmt -l`'s
        // bare file names) means a failure only after a given command.
        for c in &self.cmd_lines {
            self.chunk.push_line(&[diagnostics::STEP_MARK, c]);
        }
        let info = &mut self.cur;
        info.last_command = (!cmd.trim().is_empty()).then_some(cmd);
    }

    /// Feeds one cleaned line.
    fn line(&mut self, l: &str) {
        if let Some(title) = l.strip_prefix("##[group]") {
            if let Some(first) = title.strip_prefix("Run ") {
                self.finish_command();
                // A new step: what the last one ran no longer explains the output.
                self.chunk.push_line(&[diagnostics::STEP_MARK]);
                let info = &mut self.cur;
                info.last_title = Some(title.to_string());
                info.last_command = Some(first.to_string());
                info.last_shell = None;
                self.in_run_header = true;
                self.cmd_lines.clear();
                self.cmd_done = false;
                self.new_segment();
            }
            self.retain.line(l);
            self.generic.line(l, &mut self.sink);
            return;
        }
        if self.in_run_header {
            if l == "##[endgroup]" {
                self.in_run_header = false;
                self.finish_command();
            } else if !self.cmd_done {
                if let Some(shell) = l.strip_prefix("shell: ") {
                    self.finish_command();
                    self.cur.last_shell = Some(shell.trim().to_string());
                } else if l == "with:" || l == "env:" {
                    // An action step: its "command" is the action reference.
                    self.cmd_done = true;
                    self.cmd_lines.clear();
                    let info = &mut self.cur;
                    info.last_command = None;
                } else if self.cmd_lines.len() < MAX_COMMAND_LINES {
                    self.cmd_lines.push(l.to_string());
                }
            }
            return;
        }
        if l == "##[endgroup]" {
            return;
        }
        if let Some(msg) = l.strip_prefix("##[error]") {
            self.segment_failed();
            let info = &mut self.cur;
            info.had_error = true;
            if info.failed_title.is_none() && info.exit_code.is_none() {
                info.failed_title = info.last_title.clone();
                info.failed_command = info.last_command.clone();
                info.failed_shell = info.last_shell.clone();
            }
            if let Some(code) = msg.strip_prefix("Process completed with exit code ") {
                if info.exit_code.is_none() {
                    info.exit_code = Some(code.trim_end_matches('.').to_string());
                }
            }
            self.retain.line(l);
            self.generic.line(l, &mut self.sink);
            return;
        }
        // Travis: `The command "pytest" exited with 1.` (or `... failed and
        // exited with 128 during .`) names the failed command, wherever it is.
        if let Some(rest) = l.strip_prefix("The command \"") {
            let split = rest
                .rsplit_once("\" exited with ")
                .or_else(|| rest.rsplit_once("\" failed and exited with "));
            if let Some((cmd, code)) = split {
                let code = code.split_whitespace().next().unwrap_or("");
                let code = code.trim_end_matches('.');
                if code != "0" && !code.is_empty() {
                    self.segment_failed();
                    let info = &mut self.cur;
                    if info.failed_command.is_none() {
                        info.failed_command = Some(cmd.to_string());
                        info.exit_code = Some(code.to_string());
                        info.had_error = true;
                        // The step failed: what the fallback saw is its evidence.
                        self.generic.line(
                            &format!("##[error]Process completed with exit code {code}."),
                            &mut self.sink,
                        );
                    }
                }
            }
        }
        self.retain.line(l);
        for p in self.parsers.iter_mut() {
            p.line(l, &mut self.sink);
        }
        self.generic.line(l, &mut self.sink);

        if self.chunk.len() >= CHUNK_BYTES && l.is_empty() || self.chunk.len() >= 2 * CHUNK_BYTES {
            self.flush_chunk();
            self.chunk.clear();
        }
        self.chunk.push_line(&[l]);
    }

    fn flush_chunk(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        // The whole-text parsers in order: every language's, then the cross-tool one.
        let mut failures: Vec<Failure> = Vec::new();
        // Split once for every whole-text parser.
        let chunk = self.chunk.text_lines();
        for p in self.parsers.iter_mut() {
            failures.extend(p.text(&chunk));
        }
        failures.extend(diagnostics::parse_lines(&chunk));
        for f in failures {
            let tier = if f.kind == FailureKind::Unknown {
                Tier::Weak
            } else {
                Tier::Strong
            };
            let mut found = Found::new(f, tier);
            // The log's own lines for the excerpt; only for new failures,
            // and only for as many as an excerpt could ever show.
            if self.blocks_left > 0 && !self.sink.contains(&found) {
                self.blocks_left -= 1;
                found.details = evidence::block(self.chunk.text(), &found.failure);
            }
            self.sink.push(found);
        }
    }

    /// Ends the input and builds the [`Analysis`].
    /// Ends the input: every parser flushes what it holds.
    fn close(&mut self) {
        if !self.started {
            self.start_file(None, None);
        }
        if !self.closed {
            self.end_file();
            self.closed = true;
        }
    }

    pub fn finish(mut self, opts: &AnalyzeOptions) -> Analysis {
        self.close();
        let dropped = self.sink.dropped;
        let mut items = std::mem::take(&mut self.sink.items);
        let files = &self.files;
        for f in items.iter_mut() {
            let fi = files.get(f.origin);
            let cmd = fi.and_then(|i| i.failed_command.as_deref().or(i.last_command.as_deref()));
            triage::triage(f, cmd);
        }
        // Report the most specific findings only; a cancelled or timed-out
        // job says so even when tests also failed.
        if let Some(best) = items.iter().map(|f| f.tier).min() {
            items.retain(|f| {
                f.tier == best
                    || matches!(f.failure.kind, FailureKind::Infra | FailureKind::Timeout)
                        && f.tier == Tier::Fallback
            });
        }
        // Warnings are not failures: eslint or compiler warnings count only
        // when nothing else broke; a linter's findings in a step that passed
        // do not count when another step failed.
        let is_warning = |f: &Found| {
            let m = f.failure.message.as_str();
            m.starts_with("warning: ") || m.starts_with("warning ")
        };
        if items.iter().any(|f| !is_warning(f)) {
            items.retain(|f| !is_warning(f));
        }
        let segments = &self.segments;
        let failed = |f: &Found| segments.get(f.segment).copied().unwrap_or(false);
        if items.iter().any(failed) {
            items.retain(|f| {
                failed(f) || !matches!(f.failure.kind, FailureKind::Lint | FailureKind::Format)
            });
        }
        // The file the failures came from decides job/step/command.
        let origin = items
            .first()
            .map(|f| f.origin)
            .or_else(|| files.iter().position(|f| f.had_error))
            .unwrap_or(files.len().saturating_sub(1));
        let info = files.get(origin).cloned().unwrap_or_default();
        let (command, shell) = match &info.failed_command {
            Some(c) => (Some(c.clone()), info.failed_shell.clone()),
            None => (info.last_command.clone(), info.last_shell.clone()),
        };
        let mut index: Option<paths::RepoIndex> = None;
        for f in items.iter_mut() {
            normalise_path(&mut f.failure, opts.workdir.as_deref(), &mut index);
        }
        let step = info
            .step
            .clone()
            .or(info.failed_title.clone())
            .or(info.last_title.clone());
        let header = excerpt::Header {
            job: info.job.as_deref(),
            step: step.as_deref(),
            command: command.as_deref(),
            exit_code: info.exit_code.as_deref(),
            dropped,
        };
        let kept = std::mem::take(&mut self.retain).finish();
        let context = excerpt::build(&header, &items, &kept, opts.budget_tokens);
        let language = language_of(&items);
        Analysis {
            language,
            failures: items.into_iter().map(|f| f.failure).collect(),
            context,
            job: info.job,
            step,
            command,
            shell,
            changed_since: None,
            input_cut: Vec::new(),
        }
    }
}

/// Strips runner prefixes; with a checkout, resolves paths printed relative
/// to a source root or sub-directory and marks those not in it.
fn normalise_path(
    f: &mut Failure,
    workdir: Option<&std::path::Path>,
    index: &mut Option<paths::RepoIndex>,
) {
    let Some(file) = f.file.take() else { return };
    let mut p = paths::normalize(&file);
    if let Some(w) = workdir {
        // An absolute path inside the checkout (a local run): make it relative.
        if p.starts_with('/') {
            let canon = std::fs::canonicalize(w).ok();
            for base in [Some(w.to_path_buf()), canon].into_iter().flatten() {
                if let Ok(r) = std::path::Path::new(&p).strip_prefix(&base) {
                    p = r.to_string_lossy().into_owned();
                    break;
                }
            }
        }
        if !paths::exists_in(w, &p) {
            let idx = index.get_or_insert_with(|| paths::RepoIndex::build(w));
            match idx
                .resolve(p.trim_start_matches('/'))
                .filter(|_| paths::in_repo(&p) || p.starts_with('/') && !paths::is_library(&p))
            {
                Some(r) => p = r.to_string(),
                None => f.outside_repo = true,
            }
        }
    } else if p.starts_with('/') {
        f.outside_repo = true;
    }
    f.file = Some(p);
}

/// The language most failures belong to, by the tool that reported them, else by the
/// failing file's extension.
fn language_of(items: &[Found]) -> Option<Language> {
    let mut counts: Vec<(Language, usize)> = Vec::new();
    for f in items {
        let lang = match Language::of_tool(f.failure.tool.as_str())
            .or_else(|| f.failure.file.as_deref().and_then(Language::of_path))
        {
            Some(l) => l,
            None => continue,
        };
        match counts.iter_mut().find(|(l, _)| *l == lang) {
            Some(c) => c.1 += 1,
            None => counts.push((lang, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.first().map(|(l, _)| *l)
}
