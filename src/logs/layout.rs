//! The run-logs zip layout: top-level `<n>_<job>.txt` files holding a whole
//! job, and `<job>/<n>_<step>.txt` files holding one step each.

use super::LogFile;
use std::collections::HashSet;

/// Prefix of the legacy duplicate job logs some archives carry.
const LEGACY_PREFIX: &str = "-2147483648_";

/// Splits `12_Run tests.txt` into (12, "Run tests").
fn split_numbered(file: &str) -> (Option<i64>, String) {
    let stem = file
        .strip_suffix(".txt")
        .or_else(|| file.strip_suffix(".log"))
        .unwrap_or(file);
    if let Some((n, rest)) = stem.split_once('_') {
        if let Ok(n) = n.parse::<i64>() {
            return (Some(n), rest.to_string());
        }
    }
    (None, stem.to_string())
}

/// Turns (path in archive, cleaned text) pairs into ordered [`LogFile`]s:
/// step files are preferred; a top-level job file is dropped when its job has
/// step files (it holds the same lines), and legacy duplicates are dropped
/// when the regular job file exists.
pub(super) fn arrange(entries: Vec<(String, String)>) -> Vec<LogFile> {
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    let order = plan(&names);
    let mut texts: Vec<Option<(String, String)>> = entries.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|p| {
            let (_, text) = texts[p.index].take()?;
            Some(LogFile {
                job: p.job,
                step: p.step,
                text,
            })
        })
        .collect()
}

/// One entry to read, in reading order (see [`plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Position of the entry in the list given to [`plan`].
    pub index: usize,
    pub job: Option<String>,
    pub step: Option<String>,
}

/// The reading order of a run-logs layout from the entry names alone, so
/// entries can be streamed one at a time (the rules of [`arrange`]).
pub fn plan(names: &[&str]) -> Vec<Planned> {
    let mut jobs_with_steps: HashSet<String> = HashSet::new();
    let mut top_level_jobs: HashSet<String> = HashSet::new();
    // A job folder sorts where its top-level `<n>_<job>.txt` would.
    let mut job_order: std::collections::HashMap<String, i64> = Default::default();
    for name in names {
        match name.split_once('/') {
            Some((job, rest)) if !rest.is_empty() => {
                jobs_with_steps.insert(job.to_string());
            }
            _ => {
                if !name.starts_with(LEGACY_PREFIX) {
                    let (n, job) = split_numbered(name);
                    if let Some(n) = n {
                        job_order.entry(job.clone()).or_insert(n);
                    }
                    top_level_jobs.insert(job);
                }
            }
        }
    }
    // (job order, step order, name) for a stable, execution-like order.
    let mut out: Vec<((i64, String, i64, String), Planned)> = Vec::new();
    for (index, name) in names.iter().enumerate() {
        match name.split_once('/') {
            Some((job, rest)) if !rest.is_empty() => {
                let file = rest.rsplit('/').next().unwrap_or(rest);
                let (n, step) = split_numbered(file);
                out.push((
                    (
                        job_order.get(job).copied().unwrap_or(i64::MAX),
                        job.to_string(),
                        n.unwrap_or(i64::MAX),
                        name.to_string(),
                    ),
                    Planned {
                        index,
                        job: Some(job.to_string()),
                        step: Some(step),
                    },
                ));
            }
            _ => {
                let legacy = name.starts_with(LEGACY_PREFIX);
                let (n, job) = split_numbered(name);
                if jobs_with_steps.contains(&job) || (legacy && top_level_jobs.contains(&job)) {
                    continue;
                }
                out.push((
                    (n.unwrap_or(i64::MAX), job.clone(), 0, name.to_string()),
                    Planned {
                        index,
                        job: Some(job),
                        step: None,
                    },
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: &str) -> (String, String) {
        (n.to_string(), format!("text of {n}\n"))
    }

    #[test]
    fn prefers_step_files_and_drops_duplicates() {
        let files = arrange(vec![
            e("1_build.txt"),
            e("build/2_Run tests.txt"),
            e("build/1_Set up job.txt"),
            e("build/10_Post Run actionscheckout@v4.txt"),
            e("0_lint.txt"),
            e("-2147483648_lint.txt"),
            e("-2147483648_orphan.txt"),
        ]);
        let got: Vec<(Option<&str>, Option<&str>)> = files
            .iter()
            .map(|f| (f.job.as_deref(), f.step.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("orphan"), None),
                (Some("lint"), None),
                (Some("build"), Some("Set up job")),
                (Some("build"), Some("Run tests")),
                (Some("build"), Some("Post Run actionscheckout@v4")),
            ]
        );
    }
}
