//! How a run ends. Every stage ends the run with an [`Ending`] (or a usage error),
//! and [`Ending::write`] is the one place a report's status and reason are written.

use crate::approve::pending::PendingError;
use crate::config::Usage;
use crate::github::comment::CommentError;
use crate::github::publish::PublishError;
use crate::github::publish_fix::Published;
use crate::github::suggest::{SuggestError, Suggested};
use crate::report::{PrInfo, Report, Status};

/// Why a stage ends the run early: bad usage or configuration (exit 2, no report), or
/// an [`Ending`] that becomes the report.
#[derive(Debug)]
pub enum Stop {
    Usage(Usage),
    End(Ending),
}

impl From<Ending> for Stop {
    fn from(ending: Ending) -> Stop {
        Stop::End(ending)
    }
}

impl From<Usage> for Stop {
    fn from(usage: Usage) -> Stop {
        Stop::Usage(usage)
    }
}

/// Every way a run ends with a report. The fix endings carry `validated`, the loop's
/// account of how the fix was proven, which their reason begins with.
#[derive(Debug)]
pub enum Ending {
    /// The logs show no failure.
    NoFailures,
    /// Nothing for self-heal to repair: the loop guard, an excluded workflow, no pull
    /// request to review.
    Skipped(String),
    /// The failures are of these kinds, none of which a code edit repairs.
    NotInCode(Vec<String>),
    /// The source, the checkout or the repair's setup failed.
    Error(String),
    /// The loop ended without a validated fix: not fixed, flaky, or the sandbox failed.
    Stopped {
        status: Status,
        reason: String,
    },
    /// A dry run: nothing changed; the comment on the pull request failed, if it did.
    DryRun {
        validated: String,
        comment: Option<CommentError>,
    },
    /// Approved and written to the working tree.
    Applied {
        validated: String,
    },
    NotApplied(PendingError),
    /// Declined locally, kept for `approve-ui` (or not, when saving it failed).
    Pending {
        validated: String,
        why: String,
        saved: Result<(), std::io::Error>,
    },
    /// Declined, so not published.
    Declined {
        validated: String,
        why: String,
    },
    Published {
        validated: String,
        published: Published,
    },
    NotPublished(PublishError),
    /// Posted as a review of suggestions on the failed build's pull request.
    Suggested {
        validated: String,
        suggested: Suggested,
    },
    NotSuggested(SuggestError),
    /// Ctrl-C, between steps.
    Interrupted,
}

impl Ending {
    pub fn status(&self) -> Status {
        match self {
            Ending::NoFailures => Status::NoFailures,
            Ending::Skipped(_) | Ending::NotInCode(_) => Status::Skipped,
            Ending::Stopped { status, .. } => *status,
            Ending::Applied { .. } | Ending::Published { .. } => Status::Fixed,
            Ending::DryRun { .. }
            | Ending::Pending { .. }
            | Ending::Declined { .. }
            | Ending::Suggested { .. } => Status::Proposed,
            Ending::Error(_)
            | Ending::NotApplied(_)
            | Ending::NotPublished(_)
            | Ending::NotSuggested(_)
            | Ending::Interrupted => Status::Error,
        }
    }

    /// The report's status, reason and, for a published or suggested fix, its pull
    /// request.
    pub fn write(self, report: &mut Report) {
        report.status = self.status();
        let (reason, pr) = self.reason_and_pr();
        report.reason = reason;
        report.pr = pr;
    }

    fn reason_and_pr(self) -> (String, Option<PrInfo>) {
        let reason = match self {
            Ending::NoFailures => "the log shows no failure to repair".into(),
            Ending::Skipped(reason) | Ending::Error(reason) => reason,
            Ending::NotInCode(kinds) => format!(
                "the failure is not in the code ({}); a code edit cannot repair it",
                kinds.join(", ")
            ),
            Ending::Stopped { reason, .. } => reason,
            Ending::DryRun { validated, comment } => match comment {
                None => format!("{validated}; dry run, nothing changed"),
                Some(e) => format!("{validated}; dry run, nothing changed; {e}"),
            },
            Ending::Applied { validated } => format!("{validated}; applied to the working tree"),
            Ending::NotApplied(e) => format!("validated fix not applied: {e}"),
            Ending::Pending {
                validated,
                why,
                saved,
            } => match saved {
                Ok(()) => format!(
                    "{validated}; not applied ({why}); review it with `self-heal approve-ui`"
                ),
                Err(e) => format!(
                    "{validated}; not applied ({why}); could not save it for approve-ui: {e}"
                ),
            },
            Ending::Declined { validated, why } => format!("{validated}; not published ({why})"),
            Ending::Published {
                validated,
                published,
            } => return published_reason(validated, published),
            Ending::NotPublished(e) => format!("validated fix not published: {e}"),
            Ending::Suggested {
                validated,
                suggested,
            } => {
                let Suggested {
                    number,
                    url,
                    branch,
                    suggestions,
                    outside,
                } = suggested;
                let outside = match outside {
                    0 => String::new(),
                    n => format!(" ({n} hunk(s) outside its diff in the review body)"),
                };
                let pr = PrInfo {
                    number,
                    url,
                    branch,
                    ci_run_url: None,
                };
                return (
                    format!("{validated}; posted a review with {suggestions} suggestion(s) on pull request #{number}{outside}"),
                    Some(pr),
                );
            }
            Ending::NotSuggested(SuggestError::Files(e)) => {
                format!("validated fix not suggested: {e}")
            }
            Ending::NotSuggested(SuggestError::Review { number, error }) => {
                format!("validated fix not suggested on #{number}: {error}")
            }
            Ending::Interrupted => "interrupted; the working tree was not changed".into(),
        };
        (reason, None)
    }
}

fn published_reason(validated: String, published: Published) -> (String, Option<PrInfo>) {
    match published {
        Published::Branch { branch, ci_run_url } => (
            format!("{validated}; pushed branch {branch}"),
            Some(PrInfo {
                number: 0,
                url: String::new(),
                branch,
                ci_run_url,
            }),
        ),
        Published::PullRequest {
            number,
            url,
            branch,
            reused,
            ci_run_url,
        } => {
            let verb = if reused { "updated" } else { "opened" };
            (
                format!("{validated}; {verb} pull request #{number}"),
                Some(PrInfo {
                    number,
                    url,
                    branch,
                    ci_run_url,
                }),
            )
        }
        Published::Commented {
            number,
            url,
            branch,
            comment_url,
        } => (
            format!("{validated}; pull request #{number} already proposes a fix for this failure, commented there ({comment_url})"),
            Some(PrInfo {
                number,
                url,
                branch,
                ci_run_url: None,
            }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(ending: Ending) -> Report {
        let mut report = Report::default();
        ending.write(&mut report);
        report
    }

    #[test]
    fn a_fix_ending_says_how_it_was_proven_then_what_became_of_it() {
        let validated = || "validated by 2 test(s)".to_string();
        let r = written(Ending::DryRun {
            validated: validated(),
            comment: None,
        });
        assert_eq!(
            (r.status, r.reason.as_str()),
            (
                Status::Proposed,
                "validated by 2 test(s); dry run, nothing changed"
            )
        );
        let r = written(Ending::Applied {
            validated: validated(),
        });
        assert_eq!(r.status, Status::Fixed);
        assert!(r.reason.ends_with("; applied to the working tree"));
        let r = written(Ending::Declined {
            validated: validated(),
            why: "declined at the prompt".into(),
        });
        assert_eq!(
            (r.status, r.reason.as_str()),
            (
                Status::Proposed,
                "validated by 2 test(s); not published (declined at the prompt)"
            )
        );
    }

    #[test]
    fn a_published_fix_writes_its_pull_request() {
        let r = written(Ending::Published {
            validated: "validated".into(),
            published: Published::PullRequest {
                number: 7,
                url: "https://github.test/o/r/pull/7".into(),
                branch: "self-heal/1-abc".into(),
                reused: true,
                ci_run_url: None,
            },
        });
        assert_eq!(r.status, Status::Fixed);
        assert_eq!(r.reason, "validated; updated pull request #7");
        let pr = r.pr.expect("the PR is in the report");
        assert_eq!((pr.number, pr.branch.as_str()), (7, "self-heal/1-abc"));
        let r = written(Ending::Suggested {
            validated: "validated".into(),
            suggested: Suggested {
                number: 3,
                url: String::new(),
                branch: "feature".into(),
                suggestions: 2,
                outside: 1,
            },
        });
        assert_eq!(
            (r.status, r.reason.as_str()),
            (Status::Proposed, "validated; posted a review with 2 suggestion(s) on pull request #3 (1 hunk(s) outside its diff in the review body)")
        );
    }

    #[test]
    fn endings_before_a_fix_keep_their_reason_and_status() {
        assert_eq!(written(Ending::NoFailures).status, Status::NoFailures);
        let r = written(Ending::NotInCode(vec!["infra".into(), "lint".into()]));
        assert_eq!(
            (r.status, r.reason.as_str()),
            (
                Status::Skipped,
                "the failure is not in the code (infra, lint); a code edit cannot repair it"
            )
        );
        let r = written(Ending::Stopped {
            status: Status::Flaky,
            reason: "passes unchanged".into(),
        });
        assert_eq!(
            (r.status, r.reason.as_str()),
            (Status::Flaky, "passes unchanged")
        );
        assert_eq!(written(Ending::Interrupted).status.exit_code(), 3);
        assert!(written(Ending::Error("x".into())).pr.is_none());
    }
}
