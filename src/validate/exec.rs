//! Running one validation command (a step launcher, see steps.rs): scrubbed environment, own process
//! group killed on timeout, output streamed into a bounded head + tail buffer.

use crate::lang::framework::OutputLines;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// Bytes kept from the start of the output.
pub const HEAD_BYTES: usize = 2 * 1024;
/// Bytes kept from the end of the output.
pub const TAIL_BYTES: usize = 8 * 1024;
/// How long to keep reading after the command ended (a background process may
/// hold the pipe open).
const DRAIN_GRACE: Duration = Duration::from_secs(2);
/// At most this many of a framework's report lines are remembered.
const MAX_REPORT_LINES: usize = 10_000;
/// Longest line considered when looking for report lines.
const MAX_LINE: usize = 4 * 1024;
/// Longest output line streamed to [`OUTPUT`].
const MAX_STREAMED_LINE: usize = 500;

/// Where the commands stream their output lines while a run shows its progress.
pub use crate::progress::OUTPUT;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut(Duration),
}

impl Exit {
    pub fn success(&self) -> bool {
        matches!(self, Exit::Code(0))
    }

    pub fn describe(&self) -> String {
        match self {
            Exit::Code(c) => format!("exit code {c}"),
            Exit::Signal(s) => format!("killed by signal {s}"),
            Exit::TimedOut(d) => format!("timed out after {}s", d.as_secs()),
        }
    }
}

/// What a command printed, bounded: the first and last bytes, and the lines its
/// test framework reads failing tests from ([`OutputLines`]: pytest's `FAILED x::y`
/// and summary) seen anywhere.
#[derive(Debug, Default)]
pub struct Capture {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    total: u64,
    line: Vec<u8>,
    line_overflow: bool,
    /// Which lines to keep; None keeps none.
    keep: Option<OutputLines>,
    pub lines: Vec<String>,
    pub summary: Option<String>,
    /// Each finished line is sent here too (see [`OUTPUT`]).
    stream: Option<tokio::sync::mpsc::UnboundedSender<String>>,
}

impl Capture {
    pub fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        self.scan_lines(bytes);
        if self.head.len() < HEAD_BYTES {
            let n = (HEAD_BYTES - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
        }
        if bytes.len() >= TAIL_BYTES {
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - TAIL_BYTES..]);
        } else {
            let over = (self.tail.len() + bytes.len()).saturating_sub(TAIL_BYTES);
            self.tail.drain(..over);
            self.tail.extend(bytes);
        }
    }

    fn scan_lines(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.finish_line();
            } else if self.line.len() < MAX_LINE {
                self.line.push(b);
            } else {
                self.line_overflow = true;
            }
        }
    }

    fn finish_line(&mut self) {
        let raw = String::from_utf8_lossy(&self.line);
        let line = strip_ansi(raw.trim_end_matches('\r'));
        let line = line.as_str();
        if let Some(tx) = &self.stream {
            let _ = tx.send(line.chars().take(MAX_STREAMED_LINE).collect());
        }
        if let Some(keep) = self.keep.filter(|_| !self.line_overflow) {
            if (keep.entry)(line) && self.lines.len() < MAX_REPORT_LINES {
                self.lines.push(line.to_string());
            } else if (keep.summary)(line) {
                self.summary = Some(line.to_string());
            }
        }
        self.line.clear();
        self.line_overflow = false;
    }

    /// Flushes a last line without a newline.
    pub fn finish(&mut self) {
        if !self.line.is_empty() {
            self.finish_line();
        }
    }

    /// Head, a marker for what was dropped, and tail, as lossy UTF-8.
    pub fn text(&self) -> String {
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        let kept = (self.head.len() + tail.len()) as u64;
        if kept >= self.total {
            let mut all = self.head.clone();
            all.extend_from_slice(&tail);
            return String::from_utf8_lossy(&all).into_owned();
        }
        format!(
            "{}\n[... {} bytes omitted ...]\n{}",
            String::from_utf8_lossy(&self.head),
            self.total - kept,
            String::from_utf8_lossy(&tail)
        )
    }

    /// The last `n` bytes as lossy UTF-8.
    pub fn last(&self, n: usize) -> String {
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        let all = if (self.head.len() + tail.len()) as u64 >= self.total {
            let mut a = self.head.clone();
            a.extend_from_slice(&tail);
            a
        } else {
            tail
        };
        let from = all.len().saturating_sub(n);
        String::from_utf8_lossy(&all[from..]).into_owned()
    }
}

/// Removes ANSI escape sequences (`--color=yes`, `PY_COLORS=1`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        // ESC [ params final-byte
        if chars.next() == Some('[') {
            for d in chars.by_ref() {
                if ('@'..='~').contains(&d) {
                    break;
                }
            }
        }
    }
    out
}

pub struct Outcome {
    pub exit: Exit,
    pub capture: Capture,
}

/// True for variables that may carry credentials; they never reach a test command.
pub fn is_secret_env(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    const MARKERS: &[&str] = &[
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "API-KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ];
    // Action inputs and our own settings are never needed by a test suite, and
    // either may hold a key under any name.
    n.starts_with("INPUT_") || n.starts_with("SELF_HEAL_") || MARKERS.iter().any(|m| n.contains(m))
}

/// The environment given to validation commands: ours minus secrets, plus
/// `PYTHONDONTWRITEBYTECODE=1`.
pub fn scrubbed_env() -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, v)| {
            let name = k.to_string_lossy();
            // A git `http.extraheader` passed through GIT_CONFIG_VALUE_n holds a token.
            let carries_auth = v
                .to_string_lossy()
                .to_ascii_lowercase()
                .contains("authorization:");
            !is_secret_env(&name) && !carries_auth
        })
        .collect();
    env.push(("PYTHONDONTWRITEBYTECODE".into(), "1".into()));
    env
}

/// Runs `program args` in `cwd` with `env` only, stdout and stderr merged by the
/// caller's script, in a new process group that is killed when the command ends,
/// times out or this future is dropped. `keep`: the lines of the output to keep whole.
pub async fn run(
    program: &str,
    args: &[String],
    cwd: &Path,
    env: &[(OsString, OsString)],
    timeout: Duration,
    keep: Option<OutputLines>,
) -> std::io::Result<Outcome> {
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd.spawn()?;
    let group = GroupGuard(child.id(), std::cell::Cell::new(false));
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();

    let mut capture = Capture {
        stream: OUTPUT.try_with(Clone::clone).ok(),
        keep,
        ..Capture::default()
    };
    let mut out_buf = vec![0u8; 16 * 1024];
    let mut err_buf = vec![0u8; 16 * 1024];
    let deadline = tokio::time::Instant::now() + timeout;
    let mut status = None;
    let mut timed_out = false;
    let mut drain_until: Option<tokio::time::Instant> = None;

    loop {
        if stdout.is_none() && stderr.is_none() && status.is_some() {
            break;
        }
        let until = drain_until.unwrap_or(deadline);
        tokio::select! {
            r = read_some(&mut stdout, &mut out_buf) => match r {
                Some(n) => capture.push(&out_buf[..n]),
                None => stdout = None,
            },
            r = read_some(&mut stderr, &mut err_buf) => match r {
                Some(n) => capture.push(&err_buf[..n]),
                None => stderr = None,
            },
            s = child.wait(), if status.is_none() => {
                status = Some(s?);
                // Leftover background processes of the command go with it.
                group.kill();
                drain_until = Some(tokio::time::Instant::now() + DRAIN_GRACE);
            },
            _ = tokio::time::sleep_until(until) => {
                if status.is_none() {
                    timed_out = true;
                    group.kill();
                    let _ = child.start_kill();
                    status = Some(child.wait().await?);
                }
                break;
            },
        }
    }
    capture.finish();
    let exit = if timed_out {
        Exit::TimedOut(timeout)
    } else {
        exit_of(status)
    };
    Ok(Outcome { exit, capture })
}

fn exit_of(status: Option<std::process::ExitStatus>) -> Exit {
    let Some(status) = status else {
        return Exit::Code(-1);
    };
    if let Some(c) = status.code() {
        return Exit::Code(c);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(s) = status.signal() {
            return Exit::Signal(s);
        }
    }
    Exit::Code(-1)
}

async fn read_some<R: tokio::io::AsyncRead + Unpin>(
    r: &mut Option<R>,
    buf: &mut [u8],
) -> Option<usize> {
    match r {
        Some(r) => match r.read(buf).await {
            Ok(0) | Err(_) => None,
            Ok(n) => Some(n),
        },
        None => std::future::pending().await,
    }
}

/// Kills the command's whole process group (its pid is the group id), also when
/// the validation future is dropped mid-way (Ctrl-C).
struct GroupGuard(Option<u32>, std::cell::Cell<bool>);

impl GroupGuard {
    /// Once only: after that the group id may be reused by an unrelated process.
    fn kill(&self) {
        if self.1.replace(true) {
            return;
        }
        #[cfg(unix)]
        if let Some(pid) = self.0.and_then(|p| i32::try_from(p).ok()) {
            if pid > 0 {
                // SAFETY: kill(2) with a negative pid signals a process group; it
                // touches no memory of ours.
                unsafe {
                    libc::kill(-pid, libc::SIGKILL);
                }
            }
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::framework::TestFramework;

    #[test]
    fn capture_reads_report_lines_in_colour_and_long_summaries() {
        let mut c = Capture {
            keep: crate::lang::python::pytest::Pytest.output_lines(),
            ..Capture::default()
        };
        c.push(b"\x1b[31mFAILED\x1b[0m t.py::a - x\nERROR t.py::b\r\n");
        c.push(b"===== 1 failed, 1 error in 65.12s (0:01:05) =====");
        c.finish();
        assert_eq!(c.lines, vec!["FAILED t.py::a - x", "ERROR t.py::b"]);
        assert_eq!(
            c.summary.as_deref(),
            Some("===== 1 failed, 1 error in 65.12s (0:01:05) =====")
        );
    }

    #[test]
    fn capture_keeps_head_and_tail_only() {
        let mut c = Capture::default();
        for i in 0..10_000 {
            c.push(format!("{i:08}\n").as_bytes());
        }
        let t = c.text();
        assert!(t.starts_with("00000000\n"));
        assert!(t.ends_with("00009999\n"));
        assert!(t.len() < HEAD_BYTES + TAIL_BYTES + 100);
        assert!(t.contains(&format!(
            "[... {} bytes omitted ...]",
            90_000 - HEAD_BYTES - TAIL_BYTES
        )));
    }
}
