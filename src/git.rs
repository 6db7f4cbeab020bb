//! The one way self-heal runs git: `git -C DIR`, no prompts, literal pathspecs,
//! C locale, stderr masked with the run's secrets.
//!
//! A token reaches git only through [`token_env`]: an `http.<url>.extraheader`
//! in `GIT_CONFIG_*` variables of that one child, never on a command line (which
//! other users can read in /proc) nor in `.git/config` (which stays on disk).

use crate::secrets::Secrets;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("cannot run git: {0}")]
    Spawn(String),
    /// `command` is git's subcommand; `stderr` is masked.
    #[error("git {command} failed: {stderr}")]
    Failed { command: String, stderr: String },
}

/// A checkout and the secrets git's output must not show.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
    secrets: Secrets,
    token: String,
}

impl Git {
    /// `token` (may be empty) is what [`Git::token_env`] hands to git; it and its
    /// encodings are masked in every error.
    pub fn new(dir: &Path, token: &str) -> Git {
        Git {
            dir: dir.to_path_buf(),
            secrets: Secrets::new([token]),
            token: token.to_string(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs git; returns stdout trimmed.
    pub fn run(
        &self,
        args: &[&str],
        env: &[(String, String)],
        stdin: Option<&[u8]>,
    ) -> Result<String, GitError> {
        Ok(self.run_raw(args, env, stdin)?.trim().to_string())
    }

    /// Output as git wrote it; only the final newline is removed (a path may
    /// begin or end with spaces).
    pub fn run_raw(
        &self,
        args: &[&str],
        env: &[(String, String)],
        stdin: Option<&[u8]>,
    ) -> Result<String, GitError> {
        let mut cmd = self.command(args, env);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let spawn = |e: std::io::Error| GitError::Spawn(e.to_string());
        let mut child = cmd.spawn().map_err(spawn)?;
        if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(input).map_err(spawn)?;
        }
        let out = child.wait_with_output().map_err(spawn)?;
        if !out.status.success() {
            return Err(GitError::Failed {
                command: args.first().copied().unwrap_or("").to_string(),
                stderr: self
                    .secrets
                    .mask(String::from_utf8_lossy(&out.stderr).trim()),
            });
        }
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text.strip_suffix('\n').unwrap_or(&text).to_string())
    }

    /// `git -C dir ARGS` with `env`, no prompt, plain paths and C messages; stdout and
    /// stderr piped, stdin left to the caller.
    fn command(&self, args: &[&str], env: &[(String, String)]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C")
            .arg(&self.dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            // Changed paths are file names, never globs.
            .env("GIT_LITERAL_PATHSPECS", "1")
            .env("LC_ALL", "C")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs git and keeps at most `max` bytes of its stdout; `true` when more was
    /// written (git is then stopped: a diff of a generated file must not fill memory).
    pub fn run_capped(
        &self,
        args: &[&str],
        env: &[(String, String)],
        max: usize,
    ) -> Result<(String, bool), GitError> {
        use std::io::Read;
        let mut cmd = self.command(args, env);
        cmd.stdin(Stdio::null());
        let spawn = |e: std::io::Error| GitError::Spawn(e.to_string());
        let mut child = cmd.spawn().map_err(spawn)?;
        let mut out = Vec::new();
        let mut more = false;
        if let Some(stdout) = child.stdout.take() {
            let mut limited = stdout.take(max as u64 + 1);
            limited.read_to_end(&mut out).map_err(spawn)?;
            more = out.len() > max;
            out.truncate(max);
        }
        if more {
            // Stop it rather than read the rest: its exit status no longer matters.
            let _ = child.kill();
        }
        let mut err = Vec::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = stderr.by_ref().take(64 * 1024).read_to_end(&mut err);
        }
        let status = child.wait().map_err(spawn)?;
        if !more && !status.success() {
            return Err(GitError::Failed {
                command: args.first().copied().unwrap_or("").to_string(),
                stderr: self.secrets.mask(String::from_utf8_lossy(&err).trim()),
            });
        }
        Ok((String::from_utf8_lossy(&out).into_owned(), more))
    }

    /// The environment that gives this runner's token to one git command talking
    /// to `remote_url`, after the `GIT_CONFIG_*` entries this process already has
    /// (the entrypoint uses them for `safe.directory`).
    pub fn token_env(&self, remote_url: &str) -> Vec<(String, String)> {
        let existing = std::env::var("GIT_CONFIG_COUNT")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        token_env(remote_url, &self.token, existing)
    }
}

/// The environment that hands `token` to one git command: an
/// `http.<url>.extraheader` through `GIT_CONFIG_*`, appended after `existing`
/// entries already in the environment. An empty value first resets headers git
/// collected from config, so the header `actions/checkout` persisted is not sent
/// twice next to ours. Nothing here touches argv or `.git/config`.
pub fn token_env(remote_url: &str, token: &str, existing: usize) -> Vec<(String, String)> {
    if token.is_empty() {
        return Vec::new();
    }
    let key = format!("http.{remote_url}.extraheader");
    let header = format!(
        "AUTHORIZATION: basic {}",
        crate::secrets::base64(format!("x-access-token:{token}").as_bytes())
    );
    vec![
        ("GIT_CONFIG_COUNT".into(), (existing + 2).to_string()),
        (format!("GIT_CONFIG_KEY_{existing}"), key.clone()),
        (format!("GIT_CONFIG_VALUE_{existing}"), String::new()),
        (format!("GIT_CONFIG_KEY_{}", existing + 1), key),
        (format!("GIT_CONFIG_VALUE_{}", existing + 1), header),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_env_appends_after_existing_entries() {
        let env = token_env("https://example.test/o/r.git", "tok123", 1);
        let get = |k: &str| {
            env.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("GIT_CONFIG_COUNT"), Some("3"));
        assert_eq!(
            get("GIT_CONFIG_KEY_1"),
            Some("http.https://example.test/o/r.git.extraheader")
        );
        assert_eq!(get("GIT_CONFIG_VALUE_1"), Some(""));
        assert_eq!(
            get("GIT_CONFIG_VALUE_2"),
            Some("AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46dG9rMTIz")
        );
        assert!(token_env("u", "", 0).is_empty());
    }

    #[test]
    fn errors_mask_the_token() {
        let dir = tempfile::tempdir().expect("tempdir");
        let token = "ghs_maskedInGitErrors0123";
        let git = Git::new(dir.path(), token);
        let err = git
            .run(&["definitely-not-a-command", token], &[], None)
            .unwrap_err();
        assert!(!err.to_string().contains(token), "{err}");
    }
}
