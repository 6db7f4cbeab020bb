//! Talking to the Actions runner: the step outputs, the job summary, annotations,
//! masks, groups. [`write_to_workflow`] is the one place a run's report becomes them.

use super::markdown::{diff_block, failure_table, validation_section};
use super::Report;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// Appends `name<<DELIM\nvalue\nDELIM` entries to the `GITHUB_OUTPUT` file. The heredoc
/// form carries multiline values; the delimiter is derived from random-ish state and
/// checked against every value, so a value can never end the block early.
pub fn write_outputs<N: AsRef<str>, V: AsRef<str>>(
    path: &Path,
    outputs: &[(N, V)],
) -> std::io::Result<()> {
    let mut text = String::new();
    for (name, value) in outputs {
        let (name, value) = (name.as_ref(), value.as_ref());
        if name.is_empty() || name.contains(['\n', '\r', '<', '=']) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("invalid output name {name:?}"),
            ));
        }
        let delim = delimiter_for(value);
        text.push_str(&format!("{name}<<{delim}\n{value}\n{delim}\n"));
    }
    append(path, &text)
}

fn delimiter_for(value: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut seed = format!("{nanos}{}{:p}", std::process::id(), value);
    loop {
        let hex: String = Sha256::digest(seed.as_bytes())
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        let delim = format!("ghadelimiter_{hex}");
        if !value.contains(&delim) {
            return delim;
        }
        seed.push('x');
    }
}

/// Appends markdown to `GITHUB_STEP_SUMMARY`.
pub fn append_summary(path: &Path, markdown: &str) -> std::io::Result<()> {
    let mut text = markdown.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    append(path, &text)
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// Escaping of a command's message (runner's `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a command's property value (runner's `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=F,line=L::message`, for the located failure.
pub fn error_annotation(file: &str, line: Option<u32>, message: &str) -> String {
    let mut props = format!("file={}", escape_property(file));
    if let Some(l) = line {
        props.push_str(&format!(",line={l}"));
    }
    format!("::error {props}::{}", escape_data(message))
}

/// `::add-mask::value`: the runner hides the value in later log lines.
pub fn add_mask(value: &str) -> String {
    format!("::add-mask::{}", escape_data(value))
}

pub fn group(name: &str) -> String {
    format!("::group::{}", escape_data(name))
}

pub fn endgroup() -> &'static str {
    "::endgroup::"
}

/// The step outputs of docs/report.md, from the report and the paths it and the patch
/// were written to. Empty values are still written so `steps.x.outputs.y` is defined.
pub fn action_outputs(
    report: &Report,
    report_path: &str,
    patch_path: &str,
) -> Vec<(String, String)> {
    let ci_run_url = report
        .pr
        .as_ref()
        .and_then(|pr| pr.ci_run_url.clone())
        .unwrap_or_default();
    let (pr_url, pr_number, branch) = match &report.pr {
        // `publish: branch` records the branch with no PR (number 0).
        Some(pr) if pr.number == 0 => (String::new(), String::new(), pr.branch.clone()),
        Some(pr) => (pr.url.clone(), pr.number.to_string(), pr.branch.clone()),
        None => (String::new(), String::new(), String::new()),
    };
    vec![
        ("status".into(), report.status.as_str().into()),
        ("pr-url".into(), pr_url),
        ("pr-number".into(), pr_number),
        ("branch".into(), branch),
        ("diagnosis".into(), report.diagnosis.clone()),
        ("report".into(), report_path.into()),
        ("patch".into(), patch_path.into()),
        ("ci-run-url".into(), ci_run_url),
    ]
}

/// Where a run's report goes in Actions, as plain values from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct WorkflowFiles<'a> {
    /// `GITHUB_OUTPUT`.
    pub output: Option<&'a Path>,
    /// `GITHUB_STEP_SUMMARY`.
    pub summary: Option<&'a Path>,
    pub report_path: &'a Path,
    pub patch_path: &'a Path,
    /// The failed run's page, for the summary.
    pub run_url: Option<&'a str>,
}

/// The report's step outputs and job summary, written the same way whatever the run
/// ended with; returns the workflow commands to print (a mask per secret value, then
/// an annotation per located failure).
pub fn write_to_workflow(
    report: &Report,
    files: &WorkflowFiles<'_>,
    masks: &[String],
) -> std::io::Result<Vec<String>> {
    let mut commands: Vec<String> = masks.iter().map(|s| add_mask(s)).collect();
    commands.extend(failure_annotations(&report.failures, 10));
    if let Some(out) = files.output {
        let outputs = action_outputs(
            report,
            &files.report_path.display().to_string(),
            &files.patch_path.display().to_string(),
        );
        write_outputs(out, &outputs)?;
    }
    if let Some(summary) = files.summary {
        append_summary(summary, &summary_markdown(report, files.run_url))?;
    }
    Ok(commands)
}

/// One `::error` line per located failure (file known), at most `max` of them:
/// the runner shows only the first few annotations per step anyway.
pub fn failure_annotations(failures: &[crate::analyze::Failure], max: usize) -> Vec<String> {
    failures
        .iter()
        .filter_map(|f| {
            let file = f.file.as_deref()?;
            let msg = match &f.test {
                Some(t) => format!("{t}: {}", f.message),
                None => f.message.clone(),
            };
            Some(error_annotation(file, f.line, &msg))
        })
        .take(max)
        .collect()
}

/// The job summary: status, failures, diagnosis, diff, validation, PR.
pub fn summary_markdown(report: &Report, run_url: Option<&str>) -> String {
    let mut out = format!("## self-heal: {}\n\n", report.status.as_str());
    if !report.reason.is_empty() {
        out.push_str(&format!("{}\n\n", report.reason.trim()));
    }
    if let Some(url) = run_url {
        out.push_str(&format!("Failed run: {url}\n\n"));
    }
    match &report.pr {
        // `publish: branch` records its branch with number 0 and no URL.
        Some(pr) if pr.number == 0 => {
            out.push_str(&format!("Branch: `{}` (no pull request)\n\n", pr.branch));
        }
        Some(pr) => out.push_str(&format!(
            "Pull request: [#{}]({}) from `{}`\n\n",
            pr.number, pr.url, pr.branch
        )),
        None => {}
    }
    if let Some(url) = report.pr.as_ref().and_then(|pr| pr.ci_run_url.as_deref()) {
        out.push_str(&format!("Checks on the fix: [the CI run]({url})\n\n"));
    }
    if !report.failures.is_empty() {
        out.push_str("### Failures\n\n");
        out.push_str(&failure_table(&report.failures));
        out.push('\n');
    }
    if !report.diagnosis.trim().is_empty() {
        out.push_str(&format!("### Diagnosis\n\n{}\n\n", report.diagnosis.trim()));
    }
    if !report.patch.trim().is_empty() {
        out.push_str("### Proposed change\n\n");
        // The summary limit is 1 MiB per step; stay far below it.
        out.push_str(&diff_block(&report.patch, 200_000));
        out.push('\n');
    }
    if let Some(last) = report.attempts.last() {
        out.push_str(&format!(
            "### Validation (attempt {} of {})\n\n",
            last.n,
            report.attempts.len()
        ));
        out.push_str(&validation_section(Some(&last.validation)));
        out.push('\n');
    }
    if report.llm.requests > 0 {
        out.push_str(&format!(
            "LLM: {} requests, {} prompt + {} completion tokens\n",
            report.llm.requests, report.llm.prompt_tokens, report.llm.completion_tokens
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_escapes() {
        assert_eq!(
            error_annotation("a,b:c.py", Some(3), "50% done\nnext"),
            "::error file=a%2Cb%3Ac.py,line=3::50%25 done%0Anext"
        );
    }

    #[test]
    fn annotations_only_for_located_failures() {
        use crate::analyze::Failure;
        let located = Failure {
            file: Some("src/a.py".into()),
            line: Some(4),
            test: Some("t::x".into()),
            message: "boom".into(),
            ..Failure::default()
        };
        let loose = Failure {
            message: "somewhere".into(),
            ..Failure::default()
        };
        assert_eq!(
            failure_annotations(&[loose, located.clone(), located], 1),
            vec!["::error file=src/a.py,line=4::t::x: boom".to_string()]
        );
    }

    #[test]
    fn the_summary_links_the_pull_request_or_names_the_branch_and_the_dispatched_run() {
        let mut report = Report::default();
        report.pr = Some(crate::report::PrInfo {
            number: 7,
            url: "https://github.example/o/r/pull/7".into(),
            branch: "self-heal/fix".into(),
            ci_run_url: Some("https://github.example/o/r/actions/runs/9".into()),
        });
        let md = summary_markdown(&report, None);
        assert!(
            md.contains(
                "Pull request: [#7](https://github.example/o/r/pull/7) from `self-heal/fix`"
            ),
            "{md}"
        );
        assert!(
            md.contains(
                "Checks on the fix: [the CI run](https://github.example/o/r/actions/runs/9)"
            ),
            "{md}"
        );

        // `publish: branch`: a branch, no PR and no empty link.
        report.pr = Some(crate::report::PrInfo {
            number: 0,
            url: String::new(),
            branch: "self-heal/fix".into(),
            ci_run_url: None,
        });
        let md = summary_markdown(&report, None);
        assert!(
            md.contains("Branch: `self-heal/fix` (no pull request)"),
            "{md}"
        );
        assert!(!md.contains("Pull request"), "{md}");
        assert!(!md.contains("Checks on the fix"), "{md}");
    }

    #[test]
    fn outputs_heredoc_roundtrip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out");
        write_outputs(&p, &[("diagnosis", "line1\nline2"), ("status", "fixed")]).expect("write");
        let text = std::fs::read_to_string(&p).expect("read");
        let mut lines = text.lines();
        let first = lines.next().expect("line");
        let delim = first.strip_prefix("diagnosis<<").expect("heredoc");
        assert_eq!(lines.next(), Some("line1"));
        assert_eq!(lines.next(), Some("line2"));
        assert_eq!(lines.next(), Some(delim));
        assert!(text.contains("status<<"));
    }
}
