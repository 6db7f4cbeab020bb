//! Compiler and linter diagnostics outside Go and Rust: tsc, eslint (stylish,
//! compact, unix), prettier `--check`, mypy, flake8/pycodestyle/ruff/pylint,
//! black and isort `--check`, dotnet/msbuild (`file(12,5): error CS0001: ...`),
//! and gcc-style `file:12:5: error: ...` lines.
//!
//! `.go` and `.rs` locations are left to Go's and Rust's own parsers (`lang/go/log.rs`,
//! `lang/rust/log.rs`), so
//! running all three parsers on one log reports each finding once.

pub mod eval;

use crate::failure::util::FastTrim;
use crate::failure::util::{clean_path, clip, lines, num, MAX_FAILURES};
pub use crate::failure::Located;
use crate::failure::{Failure, FailureKind, TextLines};
use regex::Regex;
use std::sync::LazyLock;

/// Failures in cleaned log text (timestamps, ANSI and CR progress already removed).
pub fn parse(text: &str) -> Vec<Failure> {
    parse_located(text).into_iter().map(|l| l.failure).collect()
}

/// Like [`parse`], with columns. A compiler's warnings (dotnet/msbuild `warning CS…`)
/// are never failures: a build that denies them (`TreatWarningsAsErrors`, `-Werror`)
/// prints them as errors.
pub fn parse_located(text: &str) -> Vec<Located> {
    read(text).finish(false)
}

/// Every diagnostic: the failures, or, when there is none, the compiler's warnings
/// (what the tool reports; never what failed a run).
pub fn diagnostics_located(text: &str) -> Vec<Located> {
    read(text).finish(true)
}

/// [`parse`] on a chunk's lines.
pub fn parse_lines(chunk: &TextLines<'_>) -> Vec<Failure> {
    read_lines(chunk.lines.iter().copied())
        .finish(false)
        .into_iter()
        .map(|l| l.failure)
        .collect()
}

fn read(text: &str) -> DiagParser {
    read_lines(lines(text))
}

fn read_lines<'a>(lines: impl Iterator<Item = &'a str>) -> DiagParser {
    let mut p = DiagParser::default();
    for line in lines {
        p.line(line);
        if p.errors.len() >= MAX_FAILURES {
            break;
        }
    }
    p
}

/// `file.ts(12,5): error TS2322: msg`, `X.cs(229,30): warning CS0618: msg [proj]`.
/// A path has no spaces unless it starts with a drive letter; text before it
/// (`##[error]pkg: [task] src/x.ts(4,30): ...`) is skipped: the whole rule is
/// `^(?:.*\s)?` then this one then `(.*)$` (the message), which
/// [`paren_loc_captures`] runs from the starts that rule would try, in its
/// order, without backtracking over the line's head or its message.
static PAREN_LOC_AT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^((?:[A-Za-z]:\\[^:*?"<>|]+?)|[^\s:*?"<>|()]+)\((\d+)(?:,(\d+))?(?:,\d+,\d+)?\): ?(error|warning|info)(?: ([A-Za-z]+)(\d+))?: ?"#,
    )
    .expect("static regex")
});

/// A byte no path of [`PAREN_LOC_AT`]'s second form holds (whitespace aside).
fn is_path_stop(b: u8) -> bool {
    matches!(
        b,
        b':' | b'*' | b'?' | b'"' | b'<' | b'>' | b'|' | b'(' | b')'
    )
}

/// The captures of `^(?:.*\s)?` + [`PAREN_LOC_AT`] on `t`, the same the one
/// regex gives: its greedy head tries the start after each whitespace from the
/// right, then the line's start, and the first start from which the rest
/// matches wins. Starts that can open neither form of the path (a drive
/// letter, or path bytes up to a `(`) are skipped without running the regex.
/// The message (the whole rule's last group, `(.*)$`, which matches whatever
/// is left) is the rest of the line after the match.
fn paren_loc_captures(t: &str) -> Option<(regex::Captures<'_>, &str)> {
    let b = t.as_bytes();
    let viable = |s: usize| {
        let r = &b[s..];
        if r.len() >= 3 && r[0].is_ascii_alphabetic() && r[1] == b':' && r[2] == b'\\' {
            return true;
        }
        let run = r
            .iter()
            .position(|&c| is_path_stop(c) || c.is_ascii_whitespace() || c >= 0x80)
            .unwrap_or(r.len());
        // At a non-ASCII byte the run may go on (or stop at Unicode
        // whitespace): the regex decides.
        run < r.len() && (r[run] >= 0x80 || r[run] == b'(' && run > 0)
    };
    let try_at = |s: usize| {
        if !viable(s) {
            return None;
        }
        let c = PAREN_LOC_AT.captures(&t[s..])?;
        let end = s + c.get(0).map_or(0, |m| m.end());
        Some((c, &t[end..]))
    };
    for (i, c) in t.char_indices().rev() {
        if c.is_whitespace() {
            if let Some(c) = try_at(i + c.len_utf8()) {
                return Some(c);
            }
        }
    }
    try_at(0)
}

/// tsc `--pretty`: `src/x.ts:12:5 - error TS2322: msg`.
static TSC_PRETTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$").expect("static regex")
});
/// eslint compact: `/p/x.js: line 2, col 10, Error - msg (rule)`.
static ESLINT_COMPACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?): line (\d+), col (\d+), (Error|Warning) - (.*)$").expect("static regex")
});
/// eslint stylish problem under a file header: `  2:10  error  msg  rule`.
static ESLINT_STYLISH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$").expect("static regex")
});
/// A bare path on its own line: eslint stylish's file header. What
/// [`is_path_line`] tells, kept to test it against.
#[cfg(test)]
static PATH_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:[A-Za-z]:[\\/])?[^\s:*?<>|]+\.[A-Za-z0-9]{1,6})$").expect("static regex")
});
/// mypy: `x.py:12: error: msg  [code]` (column optional).
static MYPY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?\.pyi?):(\d+)(?::(\d+))?: (error|warning|note|info): (.*)$")
        .expect("static regex")
});
/// flake8, pycodestyle, ruff, pylint: `x.py:12:5: E501 msg` / `x.py:1:0: C0114: msg`.
static PY_LINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?\.pyi?):(\d+):(\d+): ([A-Z]{1,4}\d{1,4})(:?) (.*)$").expect("static regex")
});
/// gcc, clang, eslint unix and friends: `file.c:12:5: error: msg`.
static GCC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?\.[A-Za-z0-9+]{1,6}):(\d+):(?:(\d+):)? (fatal error|error|warning): (.*)$")
        .expect("static regex")
});
/// black: `error: cannot format x.py: Cannot parse: 1:3: text`.
static BLACK_ERROR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^error: cannot format (.+?): (?:Cannot parse(?: for target version [^:]+)?: (\d+):(\d+): )?(.*)$")
        .expect("static regex")
});
/// black's other spelling: `error:x.py:1:3:cannot format: Cannot parse: text`.
static BLACK_ERROR_COLON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^error:(\S.*?):(\d+):(\d+):(.*)$").expect("static regex"));
/// prettier 3 syntax errors: `[error] src/x.js: SyntaxError: msg (12:5)`.
static PRETTIER_ERROR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\[error\] (.+?): (.*?)(?: \((\d+):(\d+)\))?$").expect("static regex")
});

/// ruff 0.12+ full format: `F401 [*] `os` imported but unused`, location below.
static RUFF_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z]{1,4}\d{1,4} (?:\[\*\] )?\S").expect("static regex"));
static RUFF_ARROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*--> (.+?\.pyi?):(\d+):(\d+)$").expect("static regex"));

/// Heads each line of a `Run` step's script in the text the whole-text parsers get (and
/// marks, alone, the start of a step): output such as `gofmt -l`'s bare file names is a
/// failure only after the command that prints it.
pub const STEP_MARK: &str = "##[step] ";

/// A script that lists unformatted Go files: `gofmt -l .`, `gofmt -s -l .`, `go fmt ./...`
/// (each prints the files gofmt would change, one per line).
static GOFMT_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s;&|(`$])(?:gofmt(?:\s+-[a-z]+)*?\s+-[a-z]*l[a-z]*\b|go\s+fmt\b)")
        .expect("static regex")
});

/// Whether a step's script lists unformatted Go files (see [`GOFMT_LIST`]).
pub fn lists_gofmt_files(script: &str) -> bool {
    GOFMT_LIST.is_match(script)
}

/// Indented lines after a tsc error that continue its message (elaboration chain).
const TSC_CONTINUATION: usize = 5;

#[derive(Default)]
struct DiagParser {
    /// eslint stylish: the file whose problems follow.
    eslint_file: Option<String>,
    /// Index in `errors` of a tsc error whose indented elaboration may follow.
    tsc_open: Option<(usize, usize)>,
    /// ruff 0.12+ prints `F401 [*] msg` and the location on the next ` --> x.py:1:8` line.
    ruff_head: Option<String>,
    /// The current step's script lists unformatted Go files (`gofmt -l`).
    gofmt_list: bool,
    errors: Vec<Failure>,
    /// Columns of `errors`, index for index ([`Failure`] has no column).
    error_cols: Vec<Option<u32>>,
    /// Compiler warnings (dotnet, gcc): reported only when nothing failed harder.
    warnings: Vec<Failure>,
    warning_cols: Vec<Option<u32>>,
}

/// Line and column of a finding.
#[derive(Debug, Clone, Copy, Default)]
struct Pos {
    line: Option<u32>,
    col: Option<u32>,
}

impl From<Option<u32>> for Pos {
    fn from(line: Option<u32>) -> Self {
        Pos { line, col: None }
    }
}

/// `Pos` from capture groups `l` and `c` (the column group may be absent).
fn pos(c: &regex::Captures<'_>, l: usize, col: usize) -> Pos {
    Pos {
        line: c.get(l).and_then(|m| num(m.as_str())),
        col: c.get(col).and_then(|m| num(m.as_str())),
    }
}

impl DiagParser {
    fn line(&mut self, raw: &str) {
        let t = raw.trim_end_fast();
        if let Some(cmd) = t.strip_prefix(STEP_MARK.trim_end_fast()) {
            // A bare mark starts a step; each script line after it may list files.
            self.gofmt_list = !cmd.is_empty() && (self.gofmt_list || GOFMT_LIST.is_match(cmd));
            return;
        }
        if t.is_empty() {
            self.eslint_file = None;
            self.tsc_open = None;
            return;
        }
        let indented = t.starts_with(' ') || t.starts_with('\t');
        if let Some(head) = self.ruff_head.take() {
            if let Some(c) = RUFF_ARROW.captures(t) {
                let msg = clip(&head);
                // `ruff format --check` (0.9+): `unformatted: File would be reformatted`.
                let kind = if head.starts_with("unformatted: ") {
                    FailureKind::Format
                } else {
                    FailureKind::Lint
                };
                self.push(kind, "ruff", Some(&c[1]), pos(&c, 2, 3), msg, true);
                return;
            }
        }
        if indented {
            if self.eslint_file.is_some()
                && t.trim_start_fast()
                    .starts_with(|c: char| c.is_ascii_digit())
            {
                self.eslint_stylish(t);
                return;
            }
            if let Some((idx, n)) = self.tsc_open.take() {
                if n < TSC_CONTINUATION && !t.contains("): ") {
                    if let Some(f) = self.errors.get_mut(idx) {
                        f.message = clip(&format!("{}\n{}", f.message, t.trim_fast()));
                    }
                    self.tsc_open = Some((idx, n + 1));
                    return;
                }
            }
        }
        self.tsc_open = None;
        if !indented {
            // Any unindented line ends an eslint stylish block; a bare path starts one.
            self.eslint_file = None;
            // A space ends the check before anything else: most lines have one.
            if !t.contains(' ') && is_path_line(t) {
                if self.gofmt_list && t.ends_with(".go") {
                    self.push(
                        FailureKind::Format,
                        "gofmt",
                        Some(t),
                        None,
                        "not formatted as gofmt would (gofmt -l)".into(),
                        true,
                    );
                } else if !is_skipped_ext(t) {
                    self.eslint_file = Some(t.to_string());
                }
                return;
            }
        }
        let b = t.as_bytes()[0];
        if (b.is_ascii_uppercase() && ruff_code_start(t) && RUFF_HEAD.is_match(t))
            || t.starts_with("unformatted: File would be reformatted")
        {
            self.ruff_head = Some(t.to_string());
            return;
        }
        if b == b'[' {
            self.prettier(t);
        } else if (b == b'w' || b == b'W')
            && (t.starts_with("would reformat ") || t.starts_with("Would reformat: "))
        {
            let (tool, path) = match t.strip_prefix("would reformat ") {
                Some(p) => ("black", p),
                None => ("ruff", t.trim_start_matches("Would reformat: ")),
            };
            self.push(
                FailureKind::Format,
                tool,
                Some(path),
                None,
                "would reformat".into(),
                true,
            );
        } else if b == b'E'
            && t.starts_with("ERROR: ")
            && t.contains(" Imports are incorrectly sorted")
        {
            let rest = &t["ERROR: ".len()..];
            if let Some(i) = rest.find(" Imports are incorrectly sorted") {
                let msg = clip(&rest[i + 1..]);
                self.push(
                    FailureKind::Format,
                    "isort",
                    Some(&rest[..i]),
                    None,
                    msg,
                    true,
                );
            }
        } else if b == b'd' && t.starts_with("diff ") && t.ends_with(".go") {
            // `gofmt -d`: `diff a.go.orig a.go` heads each file's diff.
            if let Some((orig, path)) = t["diff ".len()..].split_once(' ') {
                if orig.strip_suffix(".orig") == Some(path) {
                    self.push(
                        FailureKind::Format,
                        "gofmt",
                        Some(path),
                        None,
                        "not formatted as gofmt would (gofmt -d)".into(),
                        true,
                    );
                }
            }
        } else {
            // Every rule below needs a `:` (location or severity separator).
            let c = Colons::of(t);
            if c.any {
                self.colon_rules(t, b, &c);
            }
        }
    }

    /// The rules for lines with a `:`, in order; `c` says which can match.
    fn colon_rules(&mut self, t: &str, b: u8, c: &Colons) {
        if (b == b'e' && t.starts_with("error:") && self.black(t))
            || (c.paren_space && c.paren_severity && t.contains('(') && self.paren_loc(t))
        {
            // Both parse as they test: nothing left to do.
        } else if tsc_pretty_severity(t) {
            if let Some(c) = TSC_PRETTY.captures(t) {
                let msg = clip(&format!("{} {}: {}", &c[4], &c[5], &c[6]));
                self.push(
                    FailureKind::CompileError,
                    "tsc",
                    Some(&c[1]),
                    pos(&c, 2, 3),
                    msg,
                    true,
                );
                self.tsc_open = Some((self.errors.len() - 1, 0));
            }
        } else if c.eslint_line && t.contains(", col ") {
            if let Some(c) = ESLINT_COMPACT.captures(t) {
                let sev = if &c[4] == "Warning" { "warning: " } else { "" };
                let msg = clip(&format!("{sev}{}", &c[5]));
                self.push(
                    FailureKind::Lint,
                    "eslint",
                    Some(&c[1]),
                    pos(&c, 2, 3),
                    msg,
                    true,
                );
            }
        } else if py_location(t) {
            self.python(t);
        } else if c.gcc {
            self.gcc(t);
        }
    }

    fn eslint_stylish(&mut self, t: &str) {
        let Some(c) = ESLINT_STYLISH.captures(t) else {
            return;
        };
        let file = self.eslint_file.clone();
        // Columns are padded for alignment: collapse them so the message reads `msg  rule`.
        let msg = c[4].split_whitespace().collect::<Vec<_>>().join(" ");
        let (text, rule) = match c[4].trim_fast().rsplit_once("  ") {
            Some((m, r)) if !r.trim_fast().contains(' ') => {
                (m.trim_fast().to_string(), Some(r.trim_fast().to_string()))
            }
            _ => (msg, None),
        };
        // eslint warnings don't fail a run by themselves; say so for whoever ranks failures.
        let sev = if &c[3] == "warning" { "warning: " } else { "" };
        let msg = match rule {
            Some(r) => format!("{sev}{text} ({r})"),
            None => format!("{sev}{text}"),
        };
        self.push(
            FailureKind::Lint,
            "eslint",
            file.as_deref(),
            pos(&c, 1, 2),
            clip(&msg),
            true,
        );
    }

    fn prettier(&mut self, t: &str) {
        if let Some(path) = t.strip_prefix("[warn] ") {
            let path = path.trim_fast();
            // `[warn] Code style issues found in 2 files. Run Prettier with --write to fix.`
            if path.contains(' ') || !path.contains('.') {
                return;
            }
            self.push(
                FailureKind::Format,
                "prettier",
                Some(path),
                None,
                "not formatted as prettier would (prettier --check)".into(),
                true,
            );
        } else if t.starts_with("[error] ") {
            if let Some(c) = PRETTIER_ERROR.captures(t) {
                if c[1].contains(' ') {
                    return;
                }
                self.push(
                    FailureKind::CompileError,
                    "prettier",
                    Some(&c[1]),
                    pos(&c, 3, 4),
                    clip(&c[2]),
                    true,
                );
            }
        }
    }

    /// Returns true when the line was one of black's error forms.
    fn black(&mut self, t: &str) -> bool {
        if let Some(c) = BLACK_ERROR.captures(t) {
            let reason = if c.get(2).is_some() {
                "Cannot parse: "
            } else {
                ""
            };
            let msg = clip(&format!("cannot format: {reason}{}", &c[4]));
            self.push(
                FailureKind::CompileError,
                "black",
                Some(&c[1]),
                pos(&c, 2, 3),
                msg,
                true,
            );
            return true;
        }
        if let Some(c) = BLACK_ERROR_COLON.captures(t) {
            if c[4].starts_with("cannot format") {
                self.push(
                    FailureKind::CompileError,
                    "black",
                    Some(&c[1]),
                    pos(&c, 2, 3),
                    clip(&c[4]),
                    true,
                );
                return true;
            }
        }
        false
    }

    /// Returns true when the line was a `file(line,col): severity` diagnostic.
    fn paren_loc(&mut self, t: &str) -> bool {
        let Some((c, text)) = paren_loc_captures(t) else {
            return false;
        };
        let file = c[1].trim_fast();
        if file.contains("): ") || is_skipped_ext(file) {
            return false;
        }
        let severity = &c[4];
        let prefix = c.get(5).map_or("", |m| m.as_str());
        let code = match (c.get(5), c.get(6)) {
            (Some(p), Some(n)) => format!("{}{}", p.as_str(), n.as_str()),
            _ => String::new(),
        };
        let message = if code.is_empty() {
            clip(&format!("{severity}: {text}"))
        } else {
            clip(&format!("{severity} {code}: {text}"))
        };
        let error = severity == "error";
        if prefix == "TS" || file.ends_with(".ts") || file.ends_with(".tsx") {
            self.push(
                FailureKind::CompileError,
                "tsc",
                Some(file),
                pos(&c, 2, 3),
                message,
                error,
            );
            if error {
                self.tsc_open = Some((self.errors.len() - 1, 0));
            }
            return true;
        }
        let tool = if prefix == "MSB" { "msbuild" } else { "dotnet" };
        let kind = match (prefix, error) {
            ("NU", _) => FailureKind::Dependency,
            (_, true) => FailureKind::CompileError,
            _ => FailureKind::Lint,
        };
        self.push(kind, tool, Some(file), pos(&c, 2, 3), message, error);
        true
    }

    fn python(&mut self, t: &str) {
        if let Some(c) = PY_LINT.captures(t) {
            let tool = if &c[5] == ":" { "pylint" } else { "flake8" };
            let kind = if c[4].starts_with("E9") {
                FailureKind::CompileError // E999 SyntaxError, E902 IOError
            } else {
                FailureKind::Lint
            };
            let msg = clip(&format!("{} {}", &c[4], &c[6]));
            self.push(kind, tool, Some(&c[1]), pos(&c, 2, 3), msg, true);
        } else if let Some(c) = MYPY.captures(t) {
            let sev = &c[4];
            let line = num(&c[2]);
            // A note at an error's location explains that error: fold it in.
            if sev == "note" {
                if let Some(last) = self.errors.last_mut() {
                    if last.tool == "mypy"
                        && last.line == line
                        && last.file.as_deref() == Some(&clean_path(&c[1]))
                    {
                        last.message = clip(&format!("{} ({})", last.message, &c[5]));
                        return;
                    }
                }
            }
            let kind = if sev == "error" {
                FailureKind::CompileError
            } else {
                FailureKind::Lint
            };
            let msg = clip(&format!("{sev}: {}", &c[5]));
            self.push(kind, "mypy", Some(&c[1]), pos(&c, 2, 3), msg, true);
        } else {
            self.gcc(t);
        }
    }

    fn gcc(&mut self, t: &str) {
        let Some(c) = GCC.captures(t) else { return };
        // javac shares this shape and belongs to the Java parser; warnings only
        // fail a C build under -Werror, which prints them as errors.
        let error = c[4].ends_with("error");
        if !error || is_skipped_ext(&c[1]) || is_jvm(&c[1]) || c[1].contains(' ') {
            return;
        }
        let kind = if error {
            FailureKind::CompileError
        } else {
            FailureKind::Lint
        };
        let msg = clip(&format!("{}: {}", &c[4], &c[5]));
        self.push(kind, "cc", Some(&c[1]), pos(&c, 2, 3), msg, error);
    }

    /// `must_report`: false for compiler warnings, never failures (listed only by
    /// [`diagnostics_located`], when nothing else is there).
    fn push(
        &mut self,
        kind: FailureKind,
        tool: &str,
        file: Option<&str>,
        pos: impl Into<Pos>,
        message: String,
        must_report: bool,
    ) {
        let pos = pos.into();
        let f = Failure {
            kind,
            tool: tool.into(),
            file: file.map(clean_path),
            line: pos.line,
            message,
            ..Default::default()
        };
        // black reports one parse failure in two spellings, one after the other.
        let dup = |v: &Vec<Failure>| {
            v.last().is_some_and(|l| {
                l.tool == f.tool
                    && l.file == f.file
                    && l.line == f.line
                    && l.kind == f.kind
                    && f.tool == "black"
            })
        };
        if must_report {
            if !dup(&self.errors) {
                self.errors.push(f);
                self.error_cols.push(pos.col);
            }
        } else if self.warnings.len() < MAX_FAILURES {
            self.warnings.push(f);
            self.warning_cols.push(pos.col);
        }
    }

    fn finish(mut self, warnings: bool) -> Vec<Located> {
        if self.errors.is_empty() && warnings {
            self.errors = std::mem::take(&mut self.warnings);
            self.error_cols = std::mem::take(&mut self.warning_cols);
        }
        self.errors.truncate(MAX_FAILURES);
        self.errors
            .into_iter()
            .zip(self.error_cols)
            .map(|(failure, column)| Located { failure, column })
            .collect()
    }
}

/// Whether `t` opens as [`RUFF_HEAD`] needs (one to four capitals, then a
/// digit, which for `\d` is any Unicode one: `is_numeric` takes them all):
/// most lines that start with a capital are prose, and this spares them the
/// regex.
fn ruff_code_start(t: &str) -> bool {
    let caps = t
        .bytes()
        .take(5)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    (1..=4).contains(&caps) && t[caps..].starts_with(|c: char| c.is_numeric())
}

/// A bare path on its own line (eslint stylish's file header): an optional
/// drive (`C:\`), then no whitespace, `:`, `*`, `?`, `<`, `>` or `|`, and a
/// name that ends with `.` and 1 to 6 ASCII letters or digits. The regex
/// that said this (`PATH_LINE`, in the tests) cost thousands of
/// instructions on each of the many space-free lines of a log.
fn is_path_line(t: &str) -> bool {
    let b = t.as_bytes();
    let drive =
        b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/');
    let body = if drive { &t[3..] } else { t };
    let Some(dot) = body.rfind('.') else {
        return false;
    };
    let ext = &body.as_bytes()[dot + 1..];
    dot > 0
        && (1..=6).contains(&ext.len())
        && ext.iter().all(u8::is_ascii_alphanumeric)
        && !body
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ':' | '*' | '?' | '<' | '>' | '|'))
}

/// What the `:` separators of a line announce, found in one pass instead of
/// one substring search per rule.
#[derive(Debug, Default)]
struct Colons {
    /// A `:` somewhere.
    any: bool,
    /// `): ` somewhere.
    paren_space: bool,
    /// `):` then an optional space and a severity: necessary for [`PAREN_LOC_AT`].
    paren_severity: bool,
    /// `: line ` (eslint compact).
    eslint_line: bool,
    /// `: error: `, `: warning: ` or `: fatal error: ` (gcc style).
    gcc: bool,
}

impl Colons {
    fn of(t: &str) -> Colons {
        let b = t.as_bytes();
        let mut c = Colons::default();
        for i in crate::byte_search::iter(b':', b) {
            c.any = true;
            let rest = &b[i + 1..];
            if i > 0 && b[i - 1] == b')' {
                c.paren_space |= rest.first() == Some(&b' ');
                let r = rest.strip_prefix(b" ").unwrap_or(rest);
                c.paren_severity |=
                    r.starts_with(b"error") || r.starts_with(b"warning") || r.starts_with(b"info");
            }
            c.eslint_line |= rest.starts_with(b" line ");
            c.gcc |= rest.starts_with(b" error: ")
                || rest.starts_with(b" warning: ")
                || rest.starts_with(b" fatal error: ");
        }
        c
    }
}

/// ` - error TS` or ` - warning TS` (tsc `--pretty`), found from the dashes.
fn tsc_pretty_severity(t: &str) -> bool {
    let b = t.as_bytes();
    crate::byte_search::iter(b'-', b).any(|i| {
        let rest = &b[i + 1..];
        i > 0
            && b[i - 1] == b' '
            && (rest.starts_with(b" error TS") || rest.starts_with(b" warning TS"))
    })
}

/// `.py:` or `.pyi:` followed by a line number: pytest's `x.py::test` node ids are not locations.
fn py_location(t: &str) -> bool {
    // `.py` cannot overlap itself, so its occurrences are the dots followed by `py`.
    crate::byte_search::iter(b'.', t.as_bytes()).any(|i| {
        if !t.as_bytes()[i + 1..].starts_with(b"py") {
            return false;
        }
        let rest = &t.as_bytes()[i + 3..];
        let rest = rest.strip_prefix(b"i").unwrap_or(rest);
        rest.first() == Some(&b':') && rest.get(1).is_some_and(u8::is_ascii_digit)
    })
}

fn is_jvm(path: &str) -> bool {
    [".java", ".kt", ".kts", ".scala", ".groovy"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// Locations in Go and Rust files belong to the Go and Rust parsers.
fn is_skipped_ext(path: &str) -> bool {
    path.ends_with(".go") || path.ends_with(".rs")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The captures of the one regex `paren_loc_captures` stands for, on
    /// lines built from the pieces such lines are made of (paths with spaces
    /// and parentheses, drive letters, Unicode spaces and letters, two
    /// locations on a line, odd location forms).
    #[test]
    fn paren_loc_finds_what_the_whole_line_regex_finds() {
        let whole = Regex::new(
            r#"^(?:.*\s)?((?:[A-Za-z]:\\[^:*?"<>|]+?)|[^\s:*?"<>|()]+)\((\d+)(?:,(\d+))?(?:,\d+,\d+)?\): ?(error|warning|info)(?: ([A-Za-z]+)(\d+))?: ?(.*)$"#,
        )
        .unwrap();
        let heads = [
            "",
            "##[error]",
            "pkg: [task] ",
            "  ",
            "a b ",
            "C:\\Program Files\\x ",
            "é ",
            "\u{3000}",
            "x\u{0b}",
            "(1,2): error: ",
            "a(b) ",
        ];
        let paths = [
            "src/x.ts",
            "X.cs",
            "C:\\a b\\c.cs",
            "a(b).cs",
            "é.cs",
            "a:b.cs",
            "",
            "D:\\x (1)\\y.cs",
            "p\u{0b}q.cs",
            "a\u{3000}b.cs",
        ];
        let locs = ["(12,5)", "(1,2,3,4)", "(1,2,3)", "(1)", "(x)", "(٣,4)"];
        let seps = [": ", ":", " : "];
        let sevs = ["error", "warning", "info", "information", "Error"];
        let codes = [" CS0001", " TS2322", "", " 12", " MSB", " é1"];
        let colons = [": ", ":", "", "  "];
        let tails = ["msg [proj]", "", " x.cs(1,2): warning CS1: again", "é"];
        let mut pick = crate::failure::util::test_picker(0x2545_f491_4f6c_dd1du64);
        let mut matched = 0;
        for _ in 0..20_000 {
            let line = format!(
                "{}{}{}{}{}{}{}{}",
                heads[pick(heads.len())],
                paths[pick(paths.len())],
                locs[pick(locs.len())],
                seps[pick(seps.len())],
                sevs[pick(sevs.len())],
                codes[pick(codes.len())],
                colons[pick(colons.len())],
                tails[pick(tails.len())],
            );
            let want = whole.captures(&line).map(|c| {
                (1..8)
                    .map(|i| c.get(i).map(|m| m.as_str()))
                    .collect::<Vec<_>>()
            });
            let got = paren_loc_captures(&line).map(|(c, text)| {
                let mut g: Vec<_> = (1..7).map(|i| c.get(i).map(|m| m.as_str())).collect();
                g.push(Some(text));
                g
            });
            matched += usize::from(want.is_some());
            assert_eq!(got, want, "{line:?}");
        }
        assert!(matched > 1000, "{matched}");
    }

    #[test]
    fn gofmt_list_names_are_format_failures_only_after_the_command() {
        let step = |cmd: &str| format!("{STEP_MARK}\n{STEP_MARK}{cmd}\ngeom/circle.go\nmain.go\n");
        for cmd in [
            "gofmt -l . | tee /dev/stderr | (! read)",
            "test -z \"$(gofmt -s -l . | tee /dev/stderr)\"",
            "go fmt ./...",
        ] {
            let f = parse(&step(cmd));
            let files: Vec<_> = f.iter().map(|f| f.file.as_deref().unwrap()).collect();
            assert_eq!(files, ["geom/circle.go", "main.go"], "{cmd}");
            assert!(f
                .iter()
                .all(|f| f.kind == FailureKind::Format && f.tool == "gofmt"));
        }
        // The same names after another command, or in the next step, are no failure.
        assert!(parse(&step("go build ./... && ls")).is_empty());
        let next =
            format!("{STEP_MARK}\n{STEP_MARK}gofmt -l .\n{STEP_MARK}\n{STEP_MARK}ls\nmain.go\n");
        assert!(parse(&next).is_empty());
    }

    #[test]
    fn tsc_both_styles_with_elaboration() {
        let log = "src/a.ts(5,12): error TS2345: Argument of type 'boolean' is not assignable.\n  Type 'boolean' is not assignable to type 'string'.\n\
src/b.ts:3:1 - error TS2304: Cannot find name 'x'.\n";
        let f = parse(log);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!((f[0].tool.as_str(), f[0].line), ("tsc", Some(5)));
        assert!(f[0]
            .message
            .ends_with("Type 'boolean' is not assignable to type 'string'."));
        assert_eq!(
            (f[1].file.as_deref(), f[1].line),
            (Some("src/b.ts"), Some(3))
        );
        assert_eq!(f[1].message, "error TS2304: Cannot find name 'x'.");
    }

    #[test]
    fn eslint_stylish_keeps_rule() {
        let log = "\n/p/x.js\n  2:10  error    'u' is defined but never used  no-unused-vars\n\n✖ 1 problem\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].file.as_deref(), Some("/p/x.js"));
        assert_eq!(
            f[0].message,
            "'u' is defined but never used (no-unused-vars)"
        );
    }

    #[test]
    fn prettier_black_isort_ruff_are_format() {
        let log = "[warn] src/x.js\n[warn] Code style issues found in the above file. Run Prettier with --write to fix.\n\
would reformat a/b.py\nERROR: /app/m.py Imports are incorrectly sorted and/or formatted.\nWould reformat: c.py\n";
        let f = parse(log);
        let got: Vec<_> = f
            .iter()
            .map(|f| (f.tool.as_str(), f.file.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                ("prettier", "src/x.js"),
                ("black", "a/b.py"),
                ("isort", "/app/m.py"),
                ("ruff", "c.py")
            ]
        );
        assert!(f.iter().all(|f| f.kind == FailureKind::Format));
    }

    #[test]
    fn mypy_note_folds_into_its_error() {
        let log = "a.py:3: error: Incompatible types  [assignment]\na.py:3: note: See docs\nb.py:1: note: Alone\n";
        let f = parse(log);
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0].message,
            "error: Incompatible types  [assignment] (See docs)"
        );
    }

    #[test]
    fn dotnet_warnings_yield_to_errors() {
        let log = "A.cs(1,2): warning CS0618: old [p.csproj]\nB.cs(3,4): error CS1002: ; expected [p.csproj]\n";
        let f = parse(log);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].kind, f[0].line), (FailureKind::CompileError, Some(3)));
        // A warning alone is no failure; it is still a diagnostic.
        let only_warn = "A.cs(1,2): warning CS0618: old [p.csproj]\n";
        assert!(parse(only_warn).is_empty());
        assert_eq!(diagnostics_located(only_warn).len(), 1);
    }

    #[test]
    fn ruff_code_check_lets_every_code_through() {
        for l in [
            "E501 line too long",
            "F401 [*] unused",
            "PLR2004 x",
            "E\u{663} x",
            "UP006 y",
        ] {
            assert!(RUFF_HEAD.is_match(l) && ruff_code_start(l), "{l:?}");
        }
        for l in ["Error: x", "EXAMPLE1 x", "Installing", "E", "E 1"] {
            assert!(!ruff_code_start(l) && !RUFF_HEAD.is_match(l), "{l:?}");
        }
    }

    /// [`is_path_line`] says what the regex it replaced says, on lines
    /// of every shape near its edges.
    #[test]
    fn path_line_check_agrees_with_its_regex() {
        let mut lines: Vec<String> = [
            "src/a.js",
            "C:\\x\\a.ts",
            "C:/x/a.ts",
            "c:a.ts",
            "1:/a.ts",
            "a.toolong7",
            "a.abcdef",
            ".js",
            "x.",
            "a.b.c",
            "a b.js",
            "a\tb.js",
            "a:b.js",
            "a*b.js",
            "a?b.js",
            "a<b.js",
            "a>b.js",
            "a|b.js",
            "é/ü.rs",
            "a\u{a0}b.js",
            "a.j-s",
            "a.jé",
            "dir/.eslintrc",
            "C:\\.js",
            "C:\\",
            "C:",
            "",
            "x.1",
            "./a.go",
            "a..js",
            "a.js.",
            "a/b/c/d.e.f.tsx",
            "\u{2003}a.js",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every prefix and suffix of a few of them, for the edges.
        for base in ["C:/dir/a.tsx", "src/x y.js", "é:/a.b"] {
            for i in 0..=base.len() {
                if base.is_char_boundary(i) {
                    lines.push(base[..i].to_string());
                    lines.push(base[i..].to_string());
                }
            }
        }
        for l in &lines {
            let want = PATH_LINE.captures(l).map(|c| c[1].to_string());
            let got = is_path_line(l).then(|| l.to_string());
            assert_eq!(got, want, "{l:?}");
        }
    }

    #[test]
    fn ruff_full_format_with_arrow() {
        let log = "F401 [*] `os` imported but unused\n --> pkg/a.py:1:8\n  |\n1 | import os\n";
        let f = parse(log);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].tool.as_str(), f[0].line), ("ruff", Some(1)));
        assert_eq!(f[0].file.as_deref(), Some("pkg/a.py"));
        assert!(f[0].message.starts_with("F401"));
    }

    #[test]
    fn go_and_rust_locations_are_left_alone() {
        assert!(parse("main.go:3:1: error: x\nsrc/a.rs:1:1: error: y\n").is_empty());
    }
}
