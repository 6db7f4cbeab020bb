//! The attempt loop: recipes first, then one model request per attempt, each edit
//! proven in a fresh sandbox copy. The user's working tree is never touched here.

use super::context::{self, RepairContext};
use super::edits::{self, Edit, FileChange};
use super::evidence;
use super::fit;
use super::focus::Focus;
use super::policy::PathPolicy;
use super::recipes;
use crate::analyze::Analysis;
use crate::llm::{
    self, ChangedInput, LlmClient, LlmError, PreviousAttempt, PromptInput, Templates,
};
use crate::progress::{with_output, Sink, Step};
use crate::report::{Attempt, AttemptSource, LlmStats, Status, Timings};
use crate::validate::{self, Runner, Sandbox, Validation, ValidationPlan};
use std::path::Path;
use std::time::Instant;

/// Everything one repair needs, borrowed from the caller.
pub struct LoopInput<'a> {
    pub workdir: &'a Path,
    pub analysis: &'a Analysis,
    pub policy: &'a PathPolicy,
    pub plan: &'a ValidationPlan,
    pub runner: &'a Runner,
    pub max_attempts: u32,
    /// None: no model configured; only recipes can fix.
    pub llm: Option<&'a LlmClient>,
    pub templates: &'a Templates,
    pub context_budget_chars: usize,
    /// The model's context window in tokens, when known: the prompt is cut to fit it.
    pub context_window: Option<usize>,
    /// An earlier accepted fix for the same failure fingerprint.
    pub memory_hint: Option<String>,
    /// Masked out of everything sent to the model.
    pub secrets: &'a crate::secrets::Secrets,
    /// Tell the model it may edit tests (the path policy enforces it either way).
    pub allow_test_edits: bool,
    /// Skip the baseline run that tells a real failure from a flaky one.
    pub skip_baseline: bool,
}

/// A fix that passed validation; `changes` are relative to the workdir's current content.
#[derive(Debug, Clone)]
pub struct ValidatedFix {
    pub source: AttemptSource,
    pub diagnosis: String,
    pub edits: Vec<Edit>,
    pub changes: Vec<FileChange>,
    pub validation: Validation,
}

#[derive(Debug, Clone)]
pub struct LoopOutcome {
    /// `Fixed` here means "validated"; the caller decides between fixed and proposed.
    pub status: Status,
    pub reason: String,
    pub attempts: Vec<Attempt>,
    pub fix: Option<ValidatedFix>,
    pub llm: LlmStats,
    pub timings: Timings,
    /// The ranked suspects the model was shown (None when no model was asked).
    pub localization: Option<crate::localize::Localization>,
}

const NO_MODEL: &str = "no model configured: set openai-api-key (OpenAI), openai-base-url (any OpenAI-compatible server such as Ollama or vLLM) or github-token (GitHub Models)";

/// `progress` gets the steps and the output of the commands that prove a fix.
pub async fn repair(input: &LoopInput<'_>, progress: &dyn Sink) -> LoopOutcome {
    let mut out = LoopOutcome {
        status: Status::NotFixed,
        reason: String::new(),
        attempts: Vec::new(),
        fix: None,
        llm: LlmStats::default(),
        timings: Timings::default(),
        localization: None,
    };

    // The sandbox the failure was reproduced in, kept for the coverage run.
    let mut reproduced_in: Option<Sandbox> = None;
    if !input.skip_baseline && *input.runner != Runner::None {
        let step = Step::begin(progress, "reproducing the failure in a sandbox");
        let started = Instant::now();
        let reproduced = with_output(progress, reproduce(input)).await;
        out.timings.validation_ms += elapsed_ms(started);
        out.timings.reproduce_ms = elapsed_ms(started);
        drop(step);
        match reproduced {
            Ok((true, sandbox)) => reproduced_in = Some(sandbox),
            Ok((false, _)) => {
                out.status = Status::Flaky;
                out.reason = "the failing tests pass on the unchanged code in a sandbox; the failure looks flaky or environment-specific".into();
                return out;
            }
            Err(e) => {
                // Nothing was learnt about the code: say what stopped the tests.
                out.status = Status::Error;
                out.reason = sandbox_reason(&e);
                return out;
            }
        }
    }

    let found = recipes::find_in_project(
        input.workdir,
        input.plan.project_dir.as_deref(),
        input.analysis,
        &recipes::RecipeOptions {
            host_runs_project_code: *input.runner == Runner::Subprocess,
            ..recipes::RecipeOptions::default()
        },
        Some(input.policy),
    );
    // A recipe that could not run (its tool is missing) is one line; the model is next.
    for note in &found.notes {
        progress.say(note);
    }
    for fix in found.fixes.iter().cloned() {
        let n = out.attempts.len() as u32 + 1;
        let step = Step::begin(progress, &format!("attempt {n}: recipe {}", fix.recipe));
        let started = Instant::now();
        let (attempt, tried) = with_output(
            progress,
            try_edits(input, n, AttemptSource::Recipe, fix.diagnosis, fix.edits),
        )
        .await;
        out.timings.validation_ms += elapsed_ms(started);
        drop(step);
        out.attempts.push(attempt);
        let validated = match tried {
            Tried::Validated(v) => Some(*v),
            Tried::Failed => None,
            Tried::SandboxBroken(reason) => return sandbox_broken(out, reason),
        };
        if let Some(v) = validated {
            out.status = Status::Fixed;
            out.reason = format!("deterministic fix ({}) validated", fix.recipe);
            out.fix = Some(v);
            return out;
        }
    }

    let Some(llm_client) = input.llm else {
        out.reason = if out.attempts.is_empty() {
            format!("no deterministic fix applies and {NO_MODEL}")
        } else {
            format!("the deterministic fix did not validate and {NO_MODEL}")
        };
        for note in &found.notes {
            out.reason.push_str("; ");
            out.reason.push_str(note);
        }
        return out;
    };

    // Execution evidence: the failing tests (and passing ones beside them) under the
    // language's coverage tool (`lang/<name>/coverage.rs`); without it the ranking is
    // static. Never a reason to stop: a missing tool is one line.
    let coverage = measure_coverage(input, reproduced_in, &mut out, progress).await;
    let (workspace, evidence) = evidence::gather(input.workdir, input.analysis, &[], coverage);
    let localization = crate::localize::localize(&evidence);
    let mut focus = Focus::new(&workspace, &localization);
    // Nothing ranked (no grammar for the project's files, no test found): the files the
    // failures name, as before.
    let fallback = focus
        .is_empty()
        .then(|| context::gather(input.workdir, input.analysis, input.context_budget_chars));
    if !focus.is_empty() {
        out.localization = Some(localization.clone());
    }
    let instructions = match &fallback {
        Some(ctx) => ctx.instructions.clone(),
        None => context::instructions(input.workdir),
    };
    let mut needs: Vec<String> = Vec::new();
    let mut window = input.context_window.map(|tokens| fit::Window { tokens });
    let mut chars_per_token = fit::DEFAULT_CHARS_PER_TOKEN;
    let mut previous: Vec<PreviousAttempt> = out
        .attempts
        .iter()
        .map(|a| PreviousAttempt {
            diagnosis: a.diagnosis.clone(),
            edits: a.edits.clone(),
            result: attempt_result(a),
        })
        .collect();
    // Every prompt sent: a retry must carry something new, never the same prompt again.
    let mut sent: Vec<llm::Prompt> = Vec::new();

    for llm_n in 1..=input.max_attempts {
        let n = out.attempts.len() as u32 + 1;
        // "of", not "N/M": the client's HTTP retries print `retry N/M`.
        // Ends (in Actions: closes the attempt's group) on every way out of the body.
        let of = format!("(model attempt {llm_n} of {})", input.max_attempts);
        let step = Step::begin(
            progress,
            &format!(
                "attempt {n}: asking the model (model attempt {llm_n} of {}; {}, llm-timeout {} s)",
                input.max_attempts,
                llm_client.model(),
                llm_client.timeout().as_secs_f64(),
            ),
        );
        // A server that refuses the prompt as too long says how long its window is:
        // cut to that and ask once more.
        let mut may_refit = true;
        let (prompt, ctx, completion) = loop {
            let fit = Fit {
                window,
                chars_per_token,
            };
            let source = Source {
                fallback: fallback.as_ref(),
                focus: &focus,
                attempt: llm_n,
                needs: &needs,
                instructions: &instructions,
            };
            let (prompt, ctx, shown) = match fitted_prompt(input, &source, &previous, fit, progress)
            {
                Ok(fitted) => fitted,
                Err(reason) => {
                    out.status = Status::Error;
                    out.reason = reason;
                    return out;
                }
            };
            if sent.contains(&prompt) {
                out.reason = format!(
                    "stopped after {} attempts: no new evidence for another; the next prompt would repeat an earlier one word for word (does an overridden template leave out {{{{previous_attempts}}}}?)",
                    out.attempts.len()
                );
                return out;
            }
            out.llm.requests += 1;
            let started = Instant::now();
            let completion = llm_client.complete(&prompt).await;
            out.timings.llm_ms += elapsed_ms(started);
            sent.push(prompt.clone());
            let chars = prompt_chars(&prompt);
            let counted = match &completion {
                Ok(reply) => reply.usage.prompt_tokens,
                Err(e) => e.usage().prompt_tokens,
            };
            if let Some(ratio) = fit::observed_chars_per_token(chars, counted) {
                chars_per_token = ratio;
            }
            match completion
                .as_ref()
                .err()
                .and_then(LlmError::context_overflow)
            {
                Some((server_tokens, server_window)) if may_refit => {
                    may_refit = false;
                    let learnt = fit::Window {
                        tokens: server_window,
                    };
                    window = Some(learnt);
                    llm_client
                        .limit_reply(u32::try_from(learnt.reply_tokens()).unwrap_or(u32::MAX));
                    if let Some(ratio) = fit::observed_chars_per_token(chars, server_tokens as u64)
                    {
                        chars_per_token = ratio;
                    }
                    progress.say(&format!(
                        "the server's context window is {server_window} tokens and the prompt took {server_tokens}: cutting it to fit"
                    ));
                }
                _ => {
                    let secs = started.elapsed().as_secs_f64();
                    match &completion {
                        Ok(reply) => progress.say(&format!(
                            "the model answered in {secs:.1} s ({} prompt + {} completion tokens)",
                            reply.usage.prompt_tokens, reply.usage.completion_tokens
                        )),
                        // The error can quote the reply, and a reply can echo a secret.
                        Err(e) => progress.say(&format!(
                            "the model request ended after {secs:.1} s: {}",
                            input.secrets.mask(first_line(&e.to_string()))
                        )),
                    }
                    if let Some(shown) = shown {
                        focus = shown;
                    }
                    break (prompt, ctx, completion);
                }
            }
        };
        let reply = match completion {
            Ok(reply) => reply,
            Err(LlmError::BadReply { reason, usage }) => {
                add_usage(&mut out.llm, usage);
                let attempt = Attempt {
                    n,
                    source: AttemptSource::Llm,
                    error: Some(format!("the reply was not a usable edit: {reason}")),
                    ..Attempt::default()
                };
                previous.push(PreviousAttempt {
                    diagnosis: String::new(),
                    edits: Vec::new(),
                    result: attempt_result(&attempt),
                });
                out.attempts.push(attempt);
                continue;
            }
            Err(e) => {
                out.status = Status::Error;
                out.reason = e.to_string();
                return out;
            }
        };
        if let Some(field) = llm::echoed_example(&prompt.system, &reply) {
            add_usage(&mut out.llm, reply.usage);
            let error =
                format!("the model repeated the format example instead of answering ({field})");
            // The copy is not shown again (it would invite another); the retry says
            // what happened and which files are real.
            previous.push(PreviousAttempt {
                diagnosis: String::new(),
                edits: Vec::new(),
                result: echo_feedback(&error, &editable_paths(input, &ctx)),
            });
            out.attempts.push(Attempt {
                n,
                source: AttemptSource::Llm,
                diagnosis: reply.diagnosis,
                edits: reply.edits,
                error: Some(error),
                ..Attempt::default()
            });
            continue;
        }
        add_usage(&mut out.llm, reply.usage);
        needs = reply.need.clone();
        // The suite may run for minutes: the line names it, not the model.
        step.now(&format!("attempt {n}: validating the model's edit {of}"));
        let started = Instant::now();
        let (attempt, tried) = with_output(
            progress,
            try_edits(input, n, AttemptSource::Llm, reply.diagnosis, reply.edits),
        )
        .await;
        out.timings.validation_ms += elapsed_ms(started);
        let validated = match tried {
            Tried::Validated(v) => Some(*v),
            Tried::Failed => None,
            Tried::SandboxBroken(reason) => {
                out.attempts.push(attempt);
                return sandbox_broken(out, reason);
            }
        };
        previous.push(PreviousAttempt {
            diagnosis: attempt.diagnosis.clone(),
            edits: attempt.edits.clone(),
            result: attempt_result(&attempt),
        });
        out.attempts.push(attempt);
        if let Some(v) = validated {
            out.status = Status::Fixed;
            out.reason = format!("the model's fix validated on attempt {llm_n}");
            out.fix = Some(v);
            return out;
        }
    }
    out.reason = match out.attempts.last() {
        Some(last) => format!(
            "no fix validated in {} attempts; last: {}",
            out.attempts.len(),
            first_line(&attempt_result(last))
        ),
        None => "no attempt was made".into(),
    };
    out
}

/// What the prompt must fit: the window when known, and the server's tokens per
/// character as last counted.
#[derive(Debug, Clone, Copy)]
struct Fit {
    window: Option<fit::Window>,
    chars_per_token: f64,
}

fn prompt_chars(prompt: &llm::Prompt) -> usize {
    prompt.system.chars().count() + prompt.user.chars().count()
}

/// The prompt for the next request, cut to the window when one is known (see
/// [`fit`]); Err: the window cannot hold even the smallest cut.
fn fitted_prompt<'f>(
    input: &LoopInput<'_>,
    source: &Source<'_, 'f>,
    previous: &[PreviousAttempt],
    fit: Fit,
    progress: &dyn Sink,
) -> Result<(llm::Prompt, RepairContext, Option<Focus<'f>>), String> {
    let build = |ctx: &RepairContext, scale: f64| {
        let prompt_input = fit::scale_input(&prompt_input(input, ctx, previous), scale);
        let prompt = llm::build_prompt(input.templates, &prompt_input);
        llm::Prompt {
            system: input.secrets.mask(&prompt.system),
            user: input.secrets.mask(&prompt.user),
        }
    };
    let tokens = |p: &llm::Prompt| fit::estimate_tokens(prompt_chars(p), fit.chars_per_token);
    let cut_to = |scale: f64| {
        let budget = (input.context_budget_chars as f64 * scale) as usize;
        let (ctx, shown) = source.context(input, budget);
        (build(&ctx, scale), ctx, shown)
    };
    let whole = cut_to(1.0);
    let Some(window) = fit.window else {
        return Ok(whole);
    };
    let allowance = window.prompt_tokens();
    let full = tokens(&whole.0);
    if full <= allowance {
        return Ok(whole);
    }
    // What never shrinks: the instructions, the headings, the test ids.
    let floor = tokens(&cut_to(0.0).0);
    let too_small = |estimate: usize| {
        format!(
            "the model's context window ({} tokens, {} of them kept for the reply) cannot hold the prompt: even cut down it is about {estimate} tokens; give the server a larger context (llama-server -c, Ollama num_ctx) and set context-window to it",
            window.tokens,
            window.reply_tokens()
        )
    };
    if floor >= allowance {
        return Err(too_small(floor));
    }
    let mut scale = fit::first_scale(full, floor, allowance);
    let mut estimate = full;
    for _ in 0..fit::ROUNDS {
        let cut = cut_to(scale);
        estimate = tokens(&cut.0);
        if estimate <= allowance {
            progress.say(&format!(
                "the prompt is cut to fit the model's context window of {} tokens: about {full} → {estimate} tokens, {} kept for the reply",
                window.tokens,
                window.reply_tokens()
            ));
            return Ok(cut);
        }
        scale *= fit::SHRINK;
    }
    Err(too_small(estimate))
}

/// Where an attempt's source comes from: the ranked suspects (`focus`), or, when
/// nothing could be ranked, the files the failures name (`fallback`).
struct Source<'s, 'f> {
    fallback: Option<&'s RepairContext>,
    focus: &'s Focus<'f>,
    attempt: u32,
    needs: &'s [String],
    instructions: &'s Option<String>,
}

impl<'f> Source<'_, 'f> {
    /// The context within `budget` characters, and the focus as it would be after
    /// sending it (what it has shown): kept only for the prompt actually sent, so a
    /// cut that is thrown away does not count as shown.
    fn context(&self, input: &LoopInput<'_>, budget: usize) -> (RepairContext, Option<Focus<'f>>) {
        match self.fallback {
            Some(ctx) if budget >= input.context_budget_chars => (ctx.clone(), None),
            Some(_) => (context::gather(input.workdir, input.analysis, budget), None),
            None => {
                let mut focus = self.focus.clone();
                let files = focus.files(self.attempt, self.needs, budget);
                (
                    RepairContext {
                        files,
                        instructions: self.instructions.clone(),
                    },
                    Some(focus),
                )
            }
        }
    }
}

/// The files the model was shown that the path policy lets a fix edit.
fn editable_paths(input: &LoopInput<'_>, ctx: &RepairContext) -> Vec<String> {
    ctx.files
        .iter()
        .map(|f| f.path.clone())
        .filter(|p| input.policy.check(input.workdir, p).is_ok())
        .collect()
}

/// What the retry tells a model that copied the format example.
fn echo_feedback(error: &str, editable: &[String]) -> String {
    let mut text = format!(
        "{error}. The example only shows the shape of a reply: answer with this failure's root cause and edits whose `search` is copied from a file shown above."
    );
    if !editable.is_empty() {
        text.push_str(&format!("\nPaths you may edit: {}", editable.join(", ")));
    }
    text
}

/// The report's reason when the sandbox itself failed: what stopped the tests,
/// never a verdict on the code or the model.
fn sandbox_reason(e: &validate::ValidateError) -> String {
    format!("the tests cannot run in the sandbox: {e}")
}

/// Ends the loop: another attempt would meet the same sandbox.
fn sandbox_broken(mut out: LoopOutcome, reason: String) -> LoopOutcome {
    out.status = Status::Error;
    out.reason = reason;
    out
}

/// What came of one attempt's validation.
enum Tried {
    Validated(Box<ValidatedFix>),
    /// The edit did not apply or the tests still fail: the next attempt may do better.
    Failed,
    /// The sandbox could not run the tests at all (the reason for the report).
    SandboxBroken(String),
}

fn elapsed_ms(since: Instant) -> u64 {
    since.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
}

fn add_usage(stats: &mut LlmStats, usage: llm::Usage) {
    stats.prompt_tokens += usage.prompt_tokens;
    stats.completion_tokens += usage.completion_tokens;
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// What the model is told about an attempt that failed.
fn attempt_result(a: &Attempt) -> String {
    match &a.error {
        Some(e) => e.clone(),
        None if a.validation.passed => "validation passed".into(),
        None => format!(
            "validation failed.\ncommands: {}\noutput:\n{}",
            a.validation.commands.join(" && "),
            a.validation.output_tail
        ),
    }
}

fn prompt_input(
    input: &LoopInput<'_>,
    ctx: &RepairContext,
    previous: &[PreviousAttempt],
) -> PromptInput {
    PromptInput {
        excerpt: input.analysis.context.clone(),
        failing_tests: input
            .analysis
            .failures
            .iter()
            .filter_map(|f| f.test.clone())
            .collect(),
        command: input
            .plan
            .test_command
            .clone()
            .or_else(|| input.analysis.command.clone()),
        files: ctx
            .files
            .iter()
            .map(|f| (f.path.clone(), f.numbered.clone()))
            .collect(),
        instructions: ctx.instructions.clone(),
        previous: previous.to_vec(),
        memory_hint: input.memory_hint.clone(),
        allow_test_edits: input.allow_test_edits,
        // "Nothing to compare with" is for the reader, not the model.
        changed_since: input
            .analysis
            .changed_since
            .as_ref()
            .filter(|c| c.note.is_empty())
            .map(|c| ChangedInput {
                summary: c.summary(),
                diff: c.diff.clone(),
            }),
    }
}

/// The failing tests under coverage in a sandbox (`validate::coverage::measure`),
/// as localization's input; its time goes into `timings.coverage_ms` and is said
/// with what was measured. Passing neighbours may start only within 3/4 of the time
/// the reproduction took after the failing tests, so the run stays near twice it.
async fn measure_coverage(
    input: &LoopInput<'_>,
    reproduced_in: Option<Sandbox>,
    out: &mut LoopOutcome,
    progress: &dyn Sink,
) -> Option<crate::localize::Coverage> {
    if *input.runner == Runner::None {
        return None;
    }
    let step = Step::begin(progress, "running the failing tests under coverage");
    let mut limits = validate::coverage::CoverageLimits {
        timeout: input.plan.timeout,
        ..validate::coverage::CoverageLimits::default()
    };
    // The reproduction was a sandbox copy, the runner's start and the failing tests;
    // coverage repeats those, so the passing ones get less than that again (tracing
    // costs a little too).
    if out.timings.reproduce_ms > 0 {
        limits.neighbour_time = std::time::Duration::from_millis(out.timings.reproduce_ms * 3 / 4);
    }
    let measured = validate::coverage::measure(
        input.workdir,
        reproduced_in,
        input.plan,
        input.runner,
        &limits,
        &crate::lang::coverage::ToolCache::user(),
    )
    .await;
    drop(step);
    out.timings.coverage_ms = measured.elapsed.as_millis().try_into().unwrap_or(u64::MAX);
    progress.say(&format!(
        "{} ({:.1} s)",
        measured.note,
        measured.elapsed.as_secs_f64()
    ));
    let failing = &input.plan.failing_tests;
    measured
        .report
        .map(|r| r.split(|id| failing.iter().any(|f| validate::scope::same_test(id, f))))
}

/// Runs the failing tests on the unchanged code: `true` when they still fail, with
/// the sandbox they ran in (the coverage run reuses it).
async fn reproduce(input: &LoopInput<'_>) -> Result<(bool, Sandbox), validate::ValidateError> {
    let sandbox = Sandbox::create(input.workdir)?;
    let plan = ValidationPlan {
        scope_only: true,
        ..input.plan.clone()
    };
    let v = validate::validate(&sandbox.root, &plan, input.runner).await?;
    Ok((!v.passed, sandbox))
}

/// One attempt from the original files: plan the edits, write them into a fresh
/// sandbox, validate there.
async fn try_edits(
    input: &LoopInput<'_>,
    n: u32,
    source: AttemptSource,
    diagnosis: String,
    edits_in: Vec<Edit>,
) -> (Attempt, Tried) {
    let mut attempt = Attempt {
        n,
        source,
        diagnosis,
        edits: edits_in,
        ..Attempt::default()
    };
    if attempt.edits.is_empty() {
        attempt.error = Some("the reply proposed no edits".into());
        return (attempt, Tried::Failed);
    }
    // The sandbox leaves out symlinks that leave the checkout, so a path through one
    // (`vendor -> ../outside`) looks like a new file there: check the real checkout too,
    // where the fix would be applied.
    for edit in &attempt.edits {
        if let Err(e) = input.policy.check(input.workdir, &edit.path) {
            attempt.error = Some(format!("edit rejected: {e}"));
            return (attempt, Tried::Failed);
        }
        // A token written into the code would be committed and pushed with the fix.
        let texts = [&edit.path, &edit.search, &edit.replace];
        if texts.iter().any(|t| input.secrets.appear_in(t)) {
            attempt.error = Some(format!(
                "edit rejected: {}: the edit holds a credential, which is never written",
                input.secrets.mask(&edit.path)
            ));
            return (attempt, Tried::Failed);
        }
    }
    let sandbox = match Sandbox::create(input.workdir) {
        Ok(s) => s,
        Err(e) => {
            let reason = sandbox_reason(&e);
            attempt.error = Some(reason.clone());
            return (attempt, Tried::SandboxBroken(reason));
        }
    };
    let changes = match edits::plan_edits(&sandbox.root, &attempt.edits, input.policy) {
        Ok(c) => c,
        Err(e) => {
            attempt.error = Some(format!("edit rejected: {e}"));
            return (attempt, Tried::Failed);
        }
    };
    if let Err(e) = edits::write_changes(&sandbox.root, &changes) {
        attempt.error = Some(format!("cannot write the edit in the sandbox: {e}"));
        return (attempt, Tried::Failed);
    }
    match validate::validate(&sandbox.root, input.plan, input.runner).await {
        Ok(v) => {
            attempt.validation = v.clone();
            if v.passed {
                let fix = ValidatedFix {
                    source,
                    diagnosis: attempt.diagnosis.clone(),
                    edits: attempt.edits.clone(),
                    changes,
                    validation: v,
                };
                return (attempt, Tried::Validated(Box::new(fix)));
            }
            (attempt, Tried::Failed)
        }
        Err(e) => {
            let reason = sandbox_reason(&e);
            if let validate::ValidateError::Environment { validation, .. } = e {
                attempt.validation = validation;
            }
            attempt.error = Some(reason.clone());
            (attempt, Tried::SandboxBroken(reason))
        }
    }
}
