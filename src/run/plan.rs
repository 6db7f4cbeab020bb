//! Stage 5, plan: whether there is anything to repair, and what the repair loop needs
//! (the path policy, where and how validation runs, the model client, memory and
//! prompt templates).

use super::Ending;
use crate::analyze::Analysis;
use crate::config::{Config, ValidationMode};
use crate::lang::{self, Language};
use crate::llm::{LlmClient, LlmSettings, Templates};
use crate::progress::Sink;
use crate::repair::fit;
use crate::repair::memory::{self, Memory};
use crate::repair::repair_loop::LoopInput;
use crate::repair::PathPolicy;
use crate::validate::{DockerOptions, Runner, ValidationPlan};
use std::path::{Path, PathBuf};

/// Ends the run when the logs show no failure, or none a code edit can repair. No
/// failure in logs cut at a cap is no finding: the failure may be in what was cut.
pub fn triage(analysis: &Analysis) -> Result<(), Ending> {
    if analysis.failures.is_empty() && !analysis.input_cut.is_empty() {
        return Err(Ending::InputCut(analysis.input_cut.clone()));
    }
    if analysis.failures.is_empty() {
        return Err(Ending::NoFailures);
    }
    if !analysis.failures.iter().any(|f| f.kind.is_fixable()) {
        let mut kinds: Vec<String> = analysis
            .failures
            .iter()
            .map(|f| f.kind.as_str().to_string())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        return Err(Ending::NotInCode(kinds));
    }
    Ok(())
}

/// Everything the loop borrows, owned here.
pub struct Plan {
    policy: PathPolicy,
    runner: Runner,
    validation: ValidationPlan,
    llm: Option<LlmClient>,
    /// The model's context window in tokens, when known ([`super::window`]).
    context_window: Option<usize>,
    templates: Templates,
    memory_hint: Option<String>,
}

impl Plan {
    /// `fingerprint` finds an earlier fix of the same failure in memory; `progress`
    /// hears about the model server's context window.
    pub async fn new(
        cfg: &Config,
        analysis: &Analysis,
        fingerprint: &str,
        progress: &dyn Sink,
    ) -> Result<Plan, Ending> {
        let policy = PathPolicy::new(&cfg.allowed_paths, cfg.allow_test_edits)
            .map_err(|e| Ending::Error(e.to_string()))?;
        let runner = match cfg.validation {
            ValidationMode::Subprocess => Runner::Subprocess,
            ValidationMode::None => Runner::None,
            ValidationMode::Docker => Runner::Docker(docker_options(cfg, analysis)),
        };
        let language = analysis.language;
        let (project_dir, step_command) = project_of(&cfg.workdir, analysis);
        let project_root = cfg
            .workdir
            .join(project_dir.as_deref().unwrap_or(Path::new("")));
        let validation = ValidationPlan {
            failing_tests: analysis
                .failures
                .iter()
                .filter_map(|f| f.test.clone())
                .collect(),
            test_command: cfg
                .test_command
                .clone()
                .or(step_command)
                .or_else(|| lang::detect_test_command(&project_root, language)),
            // The failed step's command runs under the step's own shell.
            test_shell: cfg
                .test_command
                .is_none()
                .then(|| analysis.shell.clone())
                .flatten(),
            language,
            setup_command: cfg.setup_command.clone(),
            timeout: cfg.test_timeout,
            scope_only: false,
            pre_existing_failures: Vec::new(),
            project_dir,
        };
        let (llm, context_window) = match &cfg.llm {
            None => (None, None),
            Some(endpoint) => {
                let https = endpoint.base_url.starts_with("https://");
                let http = crate::http::build_client(cfg.llm_timeout, https)
                    .map_err(|e| Ending::Error(e.to_string()))?;
                let window = super::window::context_window(cfg, endpoint, &http, progress).await;
                let mut settings =
                    LlmSettings::new(&endpoint.base_url, &endpoint.api_key, &endpoint.model);
                settings.timeout = cfg.llm_timeout;
                // The reply's share of the window: a reply that runs past it is cut.
                settings.max_completion_tokens = window.map(|tokens| {
                    u32::try_from(fit::Window { tokens }.reply_tokens()).unwrap_or(u32::MAX)
                });
                (Some(LlmClient::new(settings, http)), window)
            }
        };
        let memory_hint = Memory::load(&cfg.workdir)
            .lookup(fingerprint)
            .map(memory::hint);
        Ok(Plan {
            policy,
            runner,
            validation,
            llm,
            context_window,
            templates: Templates::load(&cfg.workdir),
            memory_hint,
        })
    }

    /// The loop's input for `analysis`.
    pub fn input<'a>(&'a self, cfg: &'a Config, analysis: &'a Analysis) -> LoopInput<'a> {
        LoopInput {
            workdir: &cfg.workdir,
            analysis,
            policy: &self.policy,
            plan: &self.validation,
            runner: &self.runner,
            max_attempts: cfg.max_attempts,
            llm: self.llm.as_ref(),
            templates: &self.templates,
            // The excerpt is budgeted in tokens; source files get about four times as much.
            context_budget_chars: cfg.context_tokens * 4 * 4,
            context_window: self.context_window,
            memory_hint: self.memory_hint.clone(),
            secrets: &cfg.secrets,
            allow_test_edits: cfg.allow_test_edits,
            skip_baseline: false,
        }
    }

    /// Every HTTP request the model client sent, its retries and format fallbacks
    /// included.
    pub fn llm_requests(&self) -> u32 {
        self.llm.as_ref().map_or(0, |c| c.requests_sent())
    }
}

fn docker_options(cfg: &Config, analysis: &Analysis) -> DockerOptions {
    // Unknown language: the checkout's, as detection finds it; else no image, which
    // validation reports (set validation-image).
    let image = cfg.validation_image.clone().unwrap_or_else(|| {
        analysis
            .language
            .or_else(|| Language::detect(&cfg.workdir))
            .map(|l| l.docker_image().to_string())
            .unwrap_or_default()
    });
    let mut opts = DockerOptions::new(image);
    opts.network = cfg.validation_network;
    if let Some(m) = &cfg.validation_memory {
        opts.memory = m.clone();
    }
    if let Some(c) = &cfg.validation_cpus {
        opts.cpus = c.clone();
    }
    if let Some(p) = cfg.validation_pids {
        opts.pids = p;
    }
    opts
}

/// Where the tests run and the failed step's command as it runs there: the step's own
/// `cd dir && ...` (dropped from the command), else the project the located failures
/// are in ([`lang::project::project_dir`]); None for the checkout's root.
fn project_of(workdir: &Path, analysis: &Analysis) -> (Option<PathBuf>, Option<String>) {
    if let Some((dir, rest)) = analysis
        .command
        .as_deref()
        .and_then(|c| lang::project::leading_cd(workdir, c))
    {
        return (Some(dir), Some(rest));
    }
    let files: Vec<&str> = analysis
        .failures
        .iter()
        .filter(|f| !f.outside_repo)
        .filter_map(|f| f.file.as_deref())
        .collect();
    let ids: Vec<&str> = analysis
        .failures
        .iter()
        .filter_map(|f| f.test.as_deref())
        .collect();
    let dir = lang::project::project_dir(workdir, analysis.language, &files, &ids);
    (dir, analysis.command.clone())
}
