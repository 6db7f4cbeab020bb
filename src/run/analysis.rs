//! Stage 2, analyse: the source's logs, streamed through the analysis in bounded
//! memory; the engine masks every line before anything is kept, so the excerpt,
//! report and prompt never hold a secret.

use super::source::Source;
use super::{Ending, Stop};
use crate::analyze::{self, Analysis, AnalyzeOptions};
use crate::config::Config;
use crate::progress::Sink;

/// The failures in the source's logs; why input was cut, if it was, goes to `progress`.
/// A remote run's downloads are deleted right after, whatever the outcome.
pub fn analyse(cfg: &Config, source: &mut Source, progress: &dyn Sink) -> Result<Analysis, Stop> {
    let options = AnalyzeOptions {
        workdir: Some(cfg.workdir.clone()),
        budget_tokens: cfg.context_tokens,
    };
    let analysed = match source {
        Source::Local => analyze::analyze_paths(&cfg.logs, &cfg.secrets, &options)
            .map_err(|e| Ending::Error(e.to_string())),
        Source::Remote(failed) => match failed.fetched.logs.take() {
            Some(downloads) => {
                for c in &downloads.cuts {
                    progress.say(c);
                }
                analyze::analyze_sources(&downloads.sources, &cfg.secrets, &options).map_err(|e| {
                    Ending::Error(format!(
                        "run {}: the downloaded logs: {e}",
                        failed.run.run_id
                    ))
                })
            }
            None => Ok((Analysis::default(), Vec::new())),
        },
    };
    let (analysis, cuts) = analysed?;
    for c in cuts {
        progress.say(&c);
    }
    Ok(analysis)
}
