//! Failure analysis: one parser per ecosystem, triage, excerpt under a budget.
//!
//! The [`Engine`] takes cleaned lines one at a time and keeps bounded state,
//! so a log of any size is analysed in constant memory ([`analyze_reader`]);
//! [`analyze`] runs the same engine over logs already in memory.

pub mod diagnostics;
pub mod excerpt;
mod failure;
pub mod generic;
pub mod go;
pub mod java;
pub mod js;
pub mod paths;
pub mod python;
pub mod rust;
mod sink;
pub mod triage;

pub use failure::{Analysis, Failure, FailureKind};
pub use sink::{MAX_DETAILS, MAX_FAILURES};

use crate::logs::{Cleaner, LogFile};
use sink::{Found, Sink, Tier};
use std::collections::VecDeque;
use std::io::BufRead;
use std::path::PathBuf;

/// Knobs for [`analyze`].
#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    /// The checkout, used to normalise paths and mark those not in it.
    pub workdir: Option<PathBuf>,
    /// Budget for [`Analysis::context`], in tokens (see README for how they are counted).
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

/// Cleaned text is handed to the whole-text parsers (go, rust, diagnostics)
/// in chunks of about this size, cut at a blank line (diagnostics are
/// separated by blank lines) or, failing that, at twice the size.
const CHUNK_BYTES: usize = 1 << 20;
/// Lines of the current step kept for the no-failure excerpt.
const TAIL_LINES: usize = 60;
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
    python: python::Python,
    java: java::Java,
    js: js::Js,
    generic: generic::Generic,
    chunk: String,
    sink: Sink,
    /// Finished input files; `cur` is the one being read.
    files: Vec<FileInfo>,
    cur: FileInfo,
    started: bool,
    /// Inside the header group of a `Run` step (script, shell, env).
    in_run_header: bool,
    cmd_lines: Vec<String>,
    cmd_done: bool,
    tail: VecDeque<String>,
    failed_tail: Option<Vec<String>>,
    last_tail: Vec<String>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    pub fn new() -> Self {
        Engine {
            cleaner: Cleaner::new(),
            python: python::Python::new(),
            java: java::Java::new(),
            js: js::Js::new(),
            generic: generic::Generic::new(),
            chunk: String::new(),
            sink: Sink::default(),
            files: Vec::new(),
            cur: FileInfo::default(),
            started: false,
            in_run_header: false,
            cmd_lines: Vec::new(),
            cmd_done: true,
            tail: VecDeque::new(),
            failed_tail: None,
            last_tail: Vec::new(),
        }
    }

    /// Starts a new input file (a job or step log); flushes the previous one.
    pub fn start_file(&mut self, job: Option<String>, step: Option<String>) {
        if self.started {
            self.end_file();
        }
        self.started = true;
        self.cleaner = Cleaner::new();
        self.sink.origin = self.files.len();
        self.cur = FileInfo {
            job,
            step,
            ..Default::default()
        };
    }

    fn end_file(&mut self) {
        self.flush_chunk();
        self.chunk.clear();
        self.python.finish(&mut self.sink);
        self.java.finish(&mut self.sink);
        self.js.finish(&mut self.sink);
        self.generic.finish(&mut self.sink);
        self.finish_command();
        self.in_run_header = false;
        if self.failed_tail.is_none() && self.cur.had_error {
            self.failed_tail = Some(self.tail.iter().cloned().collect());
        }
        self.files.push(std::mem::take(&mut self.cur));
        // The end of the last file stands in when nothing failed explicitly.
        self.last_tail = std::mem::take(&mut self.tail).into();
    }

    /// Feeds one raw line (cleaning included).
    pub fn raw_line(&mut self, raw: &str) {
        if !self.started {
            self.start_file(None, None);
        }
        let mut cleaner = std::mem::take(&mut self.cleaner);
        if let Some(l) = cleaner.line(raw) {
            self.line(&l);
        }
        self.cleaner = cleaner;
    }

    fn finish_command(&mut self) {
        if self.cmd_done {
            return;
        }
        self.cmd_done = true;
        let cmd = self.cmd_lines.join("\n");
        let info = &mut self.cur;
        info.last_command = (!cmd.trim().is_empty()).then_some(cmd);
    }

    /// Feeds one cleaned line.
    fn line(&mut self, l: &str) {
        if let Some(title) = l.strip_prefix("##[group]") {
            if let Some(first) = title.strip_prefix("Run ") {
                self.finish_command();
                let info = &mut self.cur;
                info.last_title = Some(title.to_string());
                info.last_command = Some(first.to_string());
                info.last_shell = None;
                self.in_run_header = true;
                self.cmd_lines.clear();
                self.cmd_done = false;
                self.tail.clear();
            }
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
            let info = &mut self.cur;
            info.had_error = true;
            if info.failed_title.is_none() && info.exit_code.is_none() {
                info.failed_title = info.last_title.clone();
                info.failed_command = info.last_command.clone();
                info.failed_shell = info.last_shell.clone();
                if self.failed_tail.is_none() {
                    self.failed_tail = Some(self.tail.iter().cloned().collect());
                }
            }
            if let Some(code) = msg.strip_prefix("Process completed with exit code ") {
                if info.exit_code.is_none() {
                    info.exit_code = Some(code.trim_end_matches('.').to_string());
                }
            }
            self.generic.line(l, &mut self.sink);
            return;
        }
        // Travis: `The command "pytest" exited with 1.` names the failed command.
        if let Some(rest) = l.strip_prefix("The command \"") {
            if let Some((cmd, code)) = rest.rsplit_once("\" exited with ") {
                let code = code.trim_end_matches('.');
                if code != "0" {
                    let info = &mut self.cur;
                    if info.failed_command.is_none() {
                        info.failed_command = Some(cmd.to_string());
                        info.exit_code = Some(code.to_string());
                        info.had_error = true;
                    }
                }
            }
        }
        // Reuse the oldest line's buffer: no allocation per line once full.
        let mut buf = if self.tail.len() == TAIL_LINES {
            self.tail.pop_front().unwrap_or_default()
        } else {
            String::new()
        };
        buf.clear();
        buf.push_str(crate::logs::clean::truncate(l, 1024));
        self.tail.push_back(buf);

        self.python.line(l, &mut self.sink);
        self.java.line(l, &mut self.sink);
        self.js.line(l, &mut self.sink);
        self.generic.line(l, &mut self.sink);

        if self.chunk.len() >= CHUNK_BYTES && l.is_empty() || self.chunk.len() >= 2 * CHUNK_BYTES {
            self.flush_chunk();
            self.chunk.clear();
        }
        self.chunk.push_str(l);
        self.chunk.push('\n');
    }

    fn flush_chunk(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        for p in [go::parse, rust::parse, diagnostics::parse] {
            for f in p(&self.chunk) {
                let tier = if f.kind == FailureKind::Unknown {
                    Tier::Weak
                } else {
                    Tier::Strong
                };
                self.sink.push(Found::new(f, tier));
            }
        }
    }

    /// Ends the input and builds the [`Analysis`].
    pub fn finish(mut self, opts: &AnalyzeOptions) -> Analysis {
        if !self.started {
            self.start_file(None, None);
        }
        self.end_file();
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
        let tail = self
            .failed_tail
            .take()
            .unwrap_or_else(|| std::mem::take(&mut self.last_tail));
        let context = excerpt::build(&header, &items, &tail, opts.budget_tokens);
        let language = language_of(&items);
        Analysis {
            language,
            failures: items.into_iter().map(|f| f.failure).collect(),
            context,
            job: info.job,
            step,
            command,
            shell,
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

/// The language most failures belong to, by the tool that reported them.
fn language_of(items: &[Found]) -> Option<String> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for f in items {
        let lang = match f.failure.tool.as_str() {
            "pytest" | "unittest" | "python" | "mypy" | "flake8" | "ruff" | "black" | "isort"
            | "pylint" | "pep8" | "pycodestyle" => "python",
            "maven" | "gradle" | "junit" | "javac" | "surefire" | "failsafe" | "ant" | "sbt"
            | "kotlinc" => "java",
            "jest" | "vitest" | "mocha" | "tsc" | "eslint" | "prettier" | "node" | "npm" => {
                "javascript"
            }
            "go" | "go test" | "go vet" | "govet" | "golangci-lint" | "gofmt" => "go",
            "cargo" | "rustc" | "clippy" | "rustfmt" | "cargo test" => "rust",
            // Unknown tool: the file's extension tells.
            _ => match f
                .failure
                .file
                .as_deref()
                .and_then(|p| p.rsplit_once('.'))
                .map(|x| x.1)
            {
                Some("py") => "python",
                Some("java" | "kt" | "scala" | "groovy") => "java",
                Some("js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs") => "javascript",
                Some("go") => "go",
                Some("rs") => "rust",
                _ => continue,
            },
        };
        match counts.iter_mut().find(|(l, _)| *l == lang) {
            Some(c) => c.1 += 1,
            None => counts.push((lang, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.first().map(|(l, _)| l.to_string())
}
