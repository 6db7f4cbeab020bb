//! Triage: what kind of breakage each failure is, so the repair loop can
//! refuse to "fix" what no code edit can fix (infra, timeouts, registries).

use crate::failure::sink::Found;
use crate::failure::FailureKind;

/// Runner and platform trouble: nothing in the repository caused it.
const INFRA: &[&str] = &[
    "The runner has received a shutdown signal",
    "lost communication with the server",
    "The hosted runner encountered an error",
    "No space left on device",
    "The operation was canceled",
    "The job was canceled",
    "was cancelled",
    "Received request to deprovision",
    "502 Bad Gateway",
    "503 Service Unavailable",
    "504 Gateway Time",
    "500 Internal Server Error",
    "Temporary failure in name resolution",
    "Could not resolve host",
    "Connection reset by peer",
    "rate limit exceeded",
    "API rate limit",
    "toomanyrequests",
    "ECONNRESET",
    "ETIMEDOUT",
    "EAI_AGAIN",
    "Unable to connect to",
    "Failed to download action",
    "Cannot connect to the Docker daemon",
    "killed by signal 9",
    // git clone/fetch of a branch or remote that is not there (Travis, checkout).
    "not found in upstream origin",
    "Couldn't find remote ref",
    "Could not read from remote repository",
    "fatal: unable to access",
    "The requested URL returned error: 5",
    // Package registries down.
    "Service Unavailable",
    "Bad Gateway",
    "returned status code 5",
    "received HTTP code 5",
    // Runner lost.
    "The runner has received a shutdown signal",
    "The self-hosted runner",
    "runner lost",
    "Runner lost",
];

const TIMEOUT: &[&str] = &[
    "has exceeded the maximum execution time",
    "The job running on runner",
    "timed out after",
    "Timeout of ",
    "TimeoutError",
    "Timed out waiting",
    "exceeded timeout",
    "No output has been received in the last",
    "exceeded the maximum time limit",
];

/// Resolution and install failures of package managers.
const DEPENDENCY: &[&str] = &[
    "Could not find a version that satisfies the requirement",
    "No matching distribution found for",
    "ResolutionImpossible",
    "pip's dependency resolver",
    "Failed building wheel",
    "error: subprocess-exited-with-error",
    "npm ERR! code ERESOLVE",
    "npm ERR! code E404",
    "npm ERR! 404",
    "npm ERR! code ETARGET",
    "ERR_PNPM_",
    "error An unexpected error occurred: \"https://registry",
    "Could not resolve dependencies for project",
    "Could not resolve all files for configuration",
    "Could not resolve all dependencies for configuration",
    "Could not find artifact",
    "Could not transfer artifact",
    "Failed to read artifact descriptor",
    "failed to select a version for",
    "no matching package named",
    "failed to download from",
    "go: downloading",
    "verifying module:",
    "unknown revision",
    "Unable to locate package",
    "SolverProblemError",
    "Because no versions of",
    "version solving failed",
];

/// Does a step command install dependencies rather than build or test?
pub fn is_install_command(cmd: &str) -> bool {
    let c = cmd.to_ascii_lowercase();
    [
        "pip install",
        "pip3 install",
        "poetry install",
        "pipenv install",
        "uv sync",
        "uv pip install",
        "conda install",
        "conda env create",
        "npm ci",
        "npm install",
        "yarn install",
        "pnpm install",
        "bundle install",
        "apt-get install",
        "apt install",
        "go mod download",
        "dependency:resolve",
        "dependency:go-offline",
        "setup.py install",
        "setup.py develop",
    ]
    .iter()
    .any(|p| c.contains(p))
}

/// A step that installs and then tests: its import errors are the code's.
fn runs_tests(cmd: &str) -> bool {
    ["pytest", "unittest", "tox", "nox", " test", "make check"]
        .iter()
        .any(|p| cmd.contains(p))
}

fn any_in(hay: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| hay.contains(n))
}

/// Sets `kind` for one finding from its tool, message and evidence, and the
/// command of the step it failed in.
pub fn triage(f: &mut Found, command: Option<&str>) {
    let install = command.is_some_and(|c| is_install_command(c) && !runs_tests(c));
    let fl = &mut f.failure;
    let msg = fl.message.as_str();
    let evidence =
        |needles: &[&str]| any_in(msg, needles) || f.details.iter().any(|d| any_in(d, needles));
    let import_error = msg.starts_with("ModuleNotFoundError")
        || msg.starts_with("ImportError")
        || msg.contains("Cannot find module");
    if install && (import_error || evidence(DEPENDENCY) || fl.kind == FailureKind::Unknown) {
        // Anything that breaks while installing is the install's problem,
        // unless it looks like the platform's.
        fl.kind = if evidence(INFRA) {
            FailureKind::Infra
        } else {
            FailureKind::Dependency
        };
        return;
    }
    if fl.kind != FailureKind::Unknown {
        return;
    }
    fl.kind = if evidence(TIMEOUT) {
        FailureKind::Timeout
    } else if evidence(DEPENDENCY) {
        FailureKind::Dependency
    } else if evidence(INFRA) {
        FailureKind::Infra
    } else if msg.starts_with("SyntaxError") || msg.starts_with("IndentationError") {
        FailureKind::CompileError
    } else if import_error || fl.tool == "python" {
        // A traceback from running the project's code.
        FailureKind::TestFailure
    } else {
        FailureKind::Unknown
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::sink::Tier;
    use crate::failure::Failure;

    fn found(tool: &str, msg: &str) -> Found {
        Found::new(
            Failure {
                tool: tool.into(),
                message: msg.into(),
                ..Default::default()
            },
            Tier::Weak,
        )
    }

    #[test]
    fn classes() {
        let mut f = found("ci", "ERROR: No matching distribution found for foo==9.9");
        triage(&mut f, Some("pip install -r requirements.txt"));
        assert_eq!(f.failure.kind, FailureKind::Dependency);

        let mut f = found("ci", "The operation was canceled.");
        triage(&mut f, None);
        assert_eq!(f.failure.kind, FailureKind::Infra);

        let mut f = found(
            "ci",
            "The job running on runner GitHub Actions 2 has exceeded the maximum execution time of 360 minutes.",
        );
        triage(&mut f, None);
        assert_eq!(f.failure.kind, FailureKind::Timeout);

        let mut f = found("python", "ModuleNotFoundError: No module named 'x'");
        triage(&mut f, Some("python -m pytest"));
        assert_eq!(f.failure.kind, FailureKind::TestFailure);

        let mut f = found("python", "ModuleNotFoundError: No module named 'x'");
        triage(&mut f, Some("pip install -e . && python -c 'import x'"));
        assert_eq!(f.failure.kind, FailureKind::Dependency);
    }
}
