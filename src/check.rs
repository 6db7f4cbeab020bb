//! `self-heal check`: pre-flight of config, model endpoint and key, GitHub API, git and
//! the validation tools. Each check is one PASS/WARN/FAIL/SKIP line; no check changes
//! anything. Only FAIL lines fail the check: they name something configured (or needed)
//! that is broken; WARN names a limitation the run works around (no model: recipes only).

use crate::config::{Config, LlmProvider, Publish, ValidationMode};
use std::fmt;
use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    /// Works, with a limitation worth knowing (does not fail the check).
    Warn,
    /// Not applicable to this configuration (does not fail the check).
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub verdict: Verdict,
    pub what: &'static str,
    pub detail: String,
}

impl fmt::Display for CheckLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = match self.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Warn => "WARN",
            Verdict::Skip => "SKIP",
        };
        write!(f, "{v} {}: {}", self.what, self.detail)
    }
}

fn line(verdict: Verdict, what: &'static str, detail: impl Into<String>) -> CheckLine {
    CheckLine {
        verdict,
        what,
        detail: detail.into(),
    }
}

/// Every check as the lines to print (secrets masked), and whether any failed.
pub async fn run_and_render(cfg: &Config) -> (Vec<String>, bool) {
    let lines = run_checks(cfg).await;
    let failed = lines.iter().any(|l| l.verdict == Verdict::Fail);
    let text = lines
        .iter()
        .map(|l| cfg.secrets.mask(&l.to_string()))
        .collect();
    (text, failed)
}

/// Runs every check. Secrets never appear in the details.
pub async fn run_checks(cfg: &Config) -> Vec<CheckLine> {
    let mut out = vec![line(
        Verdict::Pass,
        "config",
        format!(
            "workdir {}, report {}",
            cfg.workdir.display(),
            cfg.report.display()
        ),
    )];
    // Keys of the checkout's file that do nothing: the run works, but not as written.
    out.extend(
        cfg.warnings
            .iter()
            .map(|w| line(Verdict::Warn, "config", w.clone())),
    );
    out.extend(check_model(cfg).await);
    out.push(check_github(cfg).await);
    out.extend(check_git(cfg));
    out.push(check_validation(cfg));
    for log in &cfg.logs {
        out.push(if log.exists() {
            line(Verdict::Pass, "log", log.display().to_string())
        } else {
            line(
                Verdict::Fail,
                "log",
                format!("{}: no such file or directory", log.display()),
            )
        });
    }
    out
}

async fn check_model(cfg: &Config) -> Vec<CheckLine> {
    let Some(llm) = &cfg.llm else {
        // Recipes fix known failure shapes without a model, so a run without one is
        // still useful: a warning, not a failure.
        return vec![line(
            Verdict::Warn,
            "model",
            "no model configured: only deterministic recipes can fix; set openai-api-key, openai-base-url or github-token for model fixes",
        )];
    };
    let http = match crate::http::build_client(
        std::time::Duration::from_secs(15),
        llm.base_url.starts_with("https://"),
    ) {
        Ok(c) => c,
        Err(e) => return vec![line(Verdict::Fail, "model", e.to_string())],
    };
    let what = format!("{} (model {})", llm.base_url, llm.model);
    if llm.provider == LlmProvider::Custom {
        return check_own_server(cfg, llm, &http, &what).await;
    }
    // GitHub Models lists its catalog outside the inference path.
    let url = match llm.provider {
        LlmProvider::GitHubModels => llm.base_url.replace("/inference", "/catalog/models"),
        _ => format!("{}/models", llm.base_url),
    };
    let mut req = http.get(&url);
    if !llm.api_key.is_empty() {
        req = req.bearer_auth(&llm.api_key);
    }
    let status = match req.send().await {
        Ok(resp) => resp.status().as_u16(),
        Err(e) => {
            return vec![line(
                Verdict::Fail,
                "model",
                format!("{what}: unreachable ({})", without_url(e)),
            )]
        }
    };
    vec![status_line(&what, status, key_note(&llm.api_key))]
}

/// A server of one's own (llama.cpp, Ollama, LM Studio, vLLM): its `/models` list is
/// shown, with its context window where it says, and a WARN when the configured model
/// is not in it. Not a FAIL: llama.cpp answers with its one model whatever name a
/// request gives (the run works), while Ollama, vLLM and LM Studio refuse an unknown
/// name (the first request fails, with the server's message).
async fn check_own_server(
    cfg: &Config,
    llm: &crate::config::LlmEndpoint,
    http: &reqwest::Client,
    what: &str,
) -> Vec<CheckLine> {
    let answer = match crate::llm::probe_models(http, &llm.base_url, &llm.api_key, &llm.model).await
    {
        Ok(answer) => answer,
        Err(e) => {
            return vec![line(
                Verdict::Fail,
                "model",
                format!("{what}: unreachable ({e})"),
            )]
        }
    };
    let Some(models) = answer.models else {
        return vec![status_line(what, answer.status, key_note(&llm.api_key))];
    };
    let mut detail = format!("{what}: reachable, {}", key_note(&llm.api_key));
    detail.push_str(&format!("; serves {}", shown_ids(&models.ids)));
    match (cfg.context_window, models.context_window) {
        (Some(set), Some(reported)) => detail.push_str(&format!(
            "; context window {set} tokens (context-window; the server reports {reported})"
        )),
        (Some(set), None) => {
            detail.push_str(&format!("; context window {set} tokens (context-window)"))
        }
        (None, Some(reported)) => detail.push_str(&format!(
            "; context window {reported} tokens (reported by the server; the prompt is cut to fit)"
        )),
        (None, None) => detail.push_str(
            "; the server reports no context window (set context-window to the one it runs with)",
        ),
    }
    let mut lines = vec![line(Verdict::Pass, "model", detail)];
    if !models.lists(&llm.model) {
        let suggestion = models
            .ids
            .first()
            .map(|id| format!(": set model to {id}"))
            .unwrap_or_default();
        lines.push(line(
            Verdict::Warn,
            "model",
            format!(
                "{} is not among the models the server lists; llama.cpp's server answers with its one model whatever the name, Ollama, vLLM and LM Studio refuse an unknown one{suggestion}",
                llm.model
            ),
        ));
    }
    lines
}

/// The list as shown: the first few ids and how many more.
fn shown_ids(ids: &[String]) -> String {
    const SHOWN: usize = 8;
    if ids.is_empty() {
        return "no model (an empty list)".into();
    }
    let mut text = ids
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    text
}

fn key_note(key: &str) -> &'static str {
    if key.trim().is_empty() {
        "no key sent"
    } else {
        "key accepted"
    }
}

/// The line for a listing's status.
fn status_line(what: &str, status: u16, key_note: &str) -> CheckLine {
    match status {
        200..=299 => line(
            Verdict::Pass,
            "model",
            format!("{what}: reachable, {key_note}"),
        ),
        401 | 403 => line(
            Verdict::Fail,
            "model",
            format!("{what}: the key was rejected (HTTP {status})"),
        ),
        code => line(
            Verdict::Pass,
            "model",
            format!("{what}: reachable (HTTP {code} listing models; key not verified)"),
        ),
    }
}

/// reqwest errors print the URL (which may carry a key in a query); keep the reason only.
fn without_url(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut s = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(cause) = src {
        s = format!("{s}: {cause}");
        src = cause.source();
    }
    s
}

async fn check_github(cfg: &Config) -> CheckLine {
    let needs_github = cfg.logs.is_empty() || cfg.publish != Publish::None;
    let (Some(token), Some(repo)) = (&cfg.github_token, &cfg.repo) else {
        let verdict = if needs_github && cfg.logs.is_empty() && cfg.run_id.is_some() {
            Verdict::Fail
        } else {
            Verdict::Skip
        };
        return line(
            verdict,
            "github",
            "no github-token and repo (needed for --run-id and PRs, not for --log)",
        );
    };
    let http = match crate::http::build_client(
        std::time::Duration::from_secs(15),
        cfg.api_url.starts_with("https://"),
    ) {
        Ok(c) => c,
        Err(e) => return line(Verdict::Fail, "github", e.to_string()),
    };
    let url = format!("{}/repos/{repo}", cfg.api_url);
    let resp = http
        .get(&url)
        .bearer_auth(token)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .send()
        .await;
    match resp {
        Ok(r) if r.status().is_success() => line(Verdict::Pass, "github", format!("{} reachable, {repo} readable", cfg.api_url)),
        Ok(r) => line(
            Verdict::Fail,
            "github",
            format!("{repo}: HTTP {} (check the token and its permissions: contents, pull-requests, actions)", r.status().as_u16()),
        ),
        Err(e) => line(Verdict::Fail, "github", format!("{} unreachable ({})", cfg.api_url, without_url(e))),
    }
}

fn check_git(cfg: &Config) -> Vec<CheckLine> {
    let version = Command::new("git").arg("--version").output();
    let mut out = Vec::new();
    match version {
        Ok(o) if o.status.success() => out.push(line(
            Verdict::Pass,
            "git",
            String::from_utf8_lossy(&o.stdout).trim().to_string(),
        )),
        _ => {
            out.push(line(Verdict::Fail, "git", "git not found on PATH"));
            return out;
        }
    }
    let inside = Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(&cfg.workdir)
        .output()
        .is_ok_and(|o| o.status.success());
    out.push(match (inside, cfg.publish) {
        (true, _) => line(
            Verdict::Pass,
            "checkout",
            format!("{} is a git work tree", cfg.workdir.display()),
        ),
        (false, Publish::None) => line(
            Verdict::Skip,
            "checkout",
            format!(
                "{} is not a git work tree (fine with publish none)",
                cfg.workdir.display()
            ),
        ),
        (false, _) => line(
            Verdict::Fail,
            "checkout",
            format!(
                "{} is not a git work tree; publish pr/branch needs one",
                cfg.workdir.display()
            ),
        ),
    });
    out
}

fn check_validation(cfg: &Config) -> CheckLine {
    match cfg.validation {
        ValidationMode::None => line(
            Verdict::Pass,
            "validation",
            "disabled by configuration (fixes are not proven)",
        ),
        ValidationMode::Docker => match Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .output()
        {
            Ok(o) if o.status.success() => line(
                Verdict::Pass,
                "validation",
                format!(
                    "docker engine {}",
                    String::from_utf8_lossy(&o.stdout).trim()
                ),
            ),
            _ => line(
                Verdict::Fail,
                "validation",
                "validation docker needs a reachable Docker engine",
            ),
        },
        ValidationMode::Subprocess => {
            let command = cfg
                .test_command
                .clone()
                .or_else(|| crate::validate::detect_test_command(&cfg.workdir, None));
            match command {
                None => projects_below(&cfg.workdir),
                Some(cmd) => match tool_for(&cmd, &cfg.workdir) {
                    Ok(found) => line(Verdict::Pass, "validation", format!("`{cmd}` ({found})")),
                    Err(why) => line(Verdict::Fail, "validation", format!("`{cmd}`: {why}")),
                },
            }
        }
    }
}

/// A checkout with no project at its root (a monorepo): the projects one or two levels
/// down, each with its test command and tool, where a run takes the failing one's.
fn projects_below(workdir: &Path) -> CheckLine {
    let mut walk = ignore::WalkBuilder::new(workdir);
    walk.max_depth(Some(2)).hidden(true).require_git(false);
    let mut found: Vec<(String, String, Result<String, String>)> = Vec::new();
    for entry in walk.build().flatten() {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if entry.depth() == 0 || !is_dir || entry.file_name() == "node_modules" {
            continue;
        }
        if let Some(cmd) = crate::validate::detect_test_command(entry.path(), None) {
            let rel = entry.path().strip_prefix(workdir).unwrap_or(entry.path());
            let tool = tool_for(&cmd, entry.path());
            found.push((rel.display().to_string(), cmd, tool));
        }
        if found.len() >= 8 {
            break;
        }
    }
    if found.is_empty() {
        return line(
            Verdict::Fail,
            "validation",
            "no test command found for this checkout; set test-command",
        );
    }
    let failed = found.iter().any(|(_, _, t)| t.is_err());
    let list: Vec<String> = found
        .iter()
        .map(|(dir, cmd, tool)| match tool {
            Ok(_) => format!("{dir}/ `{cmd}`"),
            Err(why) => format!("{dir}/ `{cmd}`: {why}"),
        })
        .collect();
    line(
        if failed { Verdict::Fail } else { Verdict::Pass },
        "validation",
        format!(
            "no project at the root; the tests run in the failing one's directory: {}",
            list.join("; ")
        ),
    )
}

/// Checks that the program a test command starts exists (and pytest is importable).
fn tool_for(cmd: &str, workdir: &Path) -> Result<String, String> {
    let program = cmd
        .split_whitespace()
        .find(|w| !w.contains('='))
        .unwrap_or("");
    let path = which::which_in(program, std::env::var_os("PATH"), workdir)
        .map_err(|_| format!("{program} not found on PATH"))?;
    // The language's own requirement (pytest importable for a pytest command).
    if let Some(Err(why)) =
        crate::lang::Language::all().find_map(|l| l.check_test_tool(cmd, program))
    {
        return Err(why);
    }
    Ok(path.display().to_string())
}
