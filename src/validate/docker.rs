//! Docker validation: one container per validation, the sandbox copied in with
//! `docker cp` (the daemon may be the runner's, which cannot see our paths), each
//! step run with `docker exec`, the container removed afterwards.

use super::exec::{self, Outcome};
use super::ValidateError;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the sandbox goes inside the container.
const WORKDIR: &str = "/work";
/// Time allowed for the docker plumbing commands (create, cp, start, rm).
const PLUMBING_TIMEOUT: Duration = Duration::from_secs(300);

pub fn docker_binary() -> Result<PathBuf, ValidateError> {
    which::which("docker").map_err(|_| {
        ValidateError::Docker(
            "the docker command is not installed or not on PATH; install docker or set validation to subprocess"
                .to_string(),
        )
    })
}

pub struct Container {
    docker: String,
    id: String,
    env: Vec<(OsString, OsString)>,
}

impl Container {
    pub async fn start(
        docker: &Path,
        image: &str,
        root: &Path,
    ) -> Result<Container, ValidateError> {
        let docker = docker.to_string_lossy().into_owned();
        // The docker client needs DOCKER_HOST & co, never our secrets.
        let env = exec::scrubbed_env();
        let create = plumbing(
            &docker,
            &[
                "create",
                "--workdir",
                WORKDIR,
                "--env",
                "PYTHONDONTWRITEBYTECODE=1",
                image,
                "tail",
                "-f",
                "/dev/null",
            ],
            root,
            &env,
        )
        .await?;
        let id = create
            .trim()
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_string();
        if id.is_empty() {
            return Err(ValidateError::Docker(
                "docker create printed no container id".into(),
            ));
        }
        let container = Container { docker, id, env };
        let src = format!("{}/.", root.display());
        let dst = format!("{}:{WORKDIR}", container.id);
        let id = container.id.clone();
        let steps: [Vec<&str>; 2] = [
            vec!["cp", src.as_str(), dst.as_str()],
            vec!["start", id.as_str()],
        ];
        for args in steps {
            if let Err(e) = plumbing(&container.docker, &args, root, &container.env).await {
                container.remove().await;
                return Err(e);
            }
        }
        Ok(container)
    }

    /// Runs `script` with `sh -c` in the container; `shown` is the command as reported.
    pub async fn exec(
        &self,
        script: &str,
        shown: &str,
        timeout: Duration,
    ) -> Result<Outcome, ValidateError> {
        let args: Vec<String> = ["exec", "-w", WORKDIR, self.id.as_str(), "sh", "-c", script]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let out = exec::run(&self.docker, &args, Path::new("."), &self.env, timeout)
            .await
            .map_err(|e| ValidateError::Spawn {
                command: shown.to_string(),
                reason: e.to_string(),
            })?;
        if matches!(out.exit, exec::Exit::TimedOut(_)) {
            // Killing the docker client leaves the process running in the container.
            let _ = plumbing(&self.docker, &["kill", &self.id], Path::new("."), &self.env).await;
        }
        Ok(out)
    }

    pub async fn remove(self) {
        let _ = plumbing(
            &self.docker,
            &["rm", "-f", &self.id],
            Path::new("."),
            &self.env,
        )
        .await;
    }
}

/// Runs a docker plumbing command; its output on success, a one-line error otherwise.
async fn plumbing(
    docker: &str,
    args: &[&str],
    cwd: &Path,
    env: &[(OsString, OsString)],
) -> Result<String, ValidateError> {
    let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let what = format!("docker {}", args.first().copied().unwrap_or(""));
    let out = exec::run(docker, &owned, cwd, env, PLUMBING_TIMEOUT)
        .await
        .map_err(|e| ValidateError::Docker(format!("{what}: {e}")))?;
    if !out.exit.success() {
        let msg = out.capture.last(400);
        let msg = msg.trim().lines().last().unwrap_or("").to_string();
        return Err(ValidateError::Docker(format!(
            "{what} failed ({}): {msg}",
            out.exit.describe()
        )));
    }
    Ok(out.capture.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn missing_docker_binary_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Container::start(Path::new("/nonexistent/docker"), "img", dir.path())
            .await
            .err()
            .expect("must fail");
        let msg = err.to_string();
        assert!(
            msg.starts_with("docker validation unavailable: docker create"),
            "{msg}"
        );
    }
}
