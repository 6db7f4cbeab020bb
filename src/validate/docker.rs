//! Docker validation: one container per validation, the sandbox and the step
//! scripts copied in with `docker cp` (the daemon may be the runner's, which
//! cannot see our paths, and nothing of the host is mounted), each step run with
//! `docker exec`, the container and its volumes removed on every path.
//!
//! The container is the sandbox: the image's entrypoint is replaced by a shell
//! waiting on its open stdin (so any image with `sh` works, whatever its
//! entrypoint does), the image's user, `PATH` and `HOME` are kept, test commands
//! run without a network unless `validation-network` allows one (`setup-command`
//! runs before it is cut), memory, CPU and process limits apply, no privileges
//! are added and no socket or host path is passed in.

use super::exec::{self, Outcome};
use super::ValidateError;
use crate::lang::framework::OutputLines;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Where the sandbox goes inside the container.
pub(super) const WORKDIR: &str = "/work";
/// Where the step scripts go inside the container (outside the sandbox, so a
/// command listing the tree does not see them).
pub const STEPS_DIR: &str = "/.self-heal-steps";
/// Label on every validation container, so leftovers can be found (`docker ps -a
/// --filter label=self-heal.validation`).
pub const LABEL: &str = "self-heal.validation";
/// Time allowed for the docker plumbing commands (inspect, create, cp, start, rm).
const PLUMBING_TIMEOUT: Duration = Duration::from_secs(300);
/// Pulling an image can take long on a slow link.
const PULL_TIMEOUT: Duration = Duration::from_secs(1200);

/// The `validation-*` settings of a docker validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerOptions {
    pub image: String,
    /// `validation-network`: test commands keep the network (setup always has it).
    pub network: bool,
    /// `validation-memory`, docker's syntax (`4g`); swap is not added on top.
    pub memory: String,
    /// `validation-cpus` (`2`, `1.5`).
    pub cpus: String,
    /// `validation-pids`: most processes and threads at once.
    pub pids: u32,
}

/// Default `validation-memory`.
pub const DEFAULT_MEMORY: &str = "4g";
/// Default `validation-pids`: room for a JVM build, not for a fork bomb.
pub const DEFAULT_PIDS: u32 = 1024;

impl DockerOptions {
    /// The defaults: no network for tests, 4 GB, 2 CPUs (fewer on a smaller
    /// machine: docker refuses more than it has), 1024 processes.
    pub fn new(image: impl Into<String>) -> DockerOptions {
        DockerOptions {
            image: image.into(),
            network: false,
            memory: DEFAULT_MEMORY.to_string(),
            cpus: default_cpus(),
            pids: DEFAULT_PIDS,
        }
    }
}

/// Default `validation-cpus`: 2, or the machine's count when it has fewer.
pub fn default_cpus() -> String {
    let n = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    n.min(2).to_string()
}

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
    /// Chosen before `docker create`, so the container can be removed even if
    /// we are interrupted before its id comes back.
    name: String,
    image: String,
    env: Vec<(OsString, OsString)>,
    /// The image's `USER` when it is not root: the steps run as that user.
    user: Option<String>,
    /// Still attached to a network (for setup-command), cut before the tests.
    networked: bool,
    keep_network: bool,
    removed: bool,
}

impl Container {
    /// Creates and starts the container with the sandbox at `/work` and `steps`
    /// (the step scripts) at [`STEPS_DIR`]. `setup_first`: a setup command runs
    /// first and gets the network; [`Container::isolate`] cuts it afterwards.
    pub async fn start(
        docker: &Path,
        opts: &DockerOptions,
        root: &Path,
        steps: &Path,
        setup_first: bool,
    ) -> Result<Container, ValidateError> {
        if opts.image.trim().is_empty() {
            return Err(ValidateError::Docker(
                "no image to validate in: the run's language is unknown; set validation-image"
                    .to_string(),
            ));
        }
        let docker = docker.to_string_lossy().into_owned();
        // The docker client needs DOCKER_HOST & co, never our secrets.
        let env = exec::scrubbed_env();
        let user = image_user(&docker, &opts.image, &env).await?;
        let networked = opts.network || setup_first;
        let container = Container {
            docker,
            name: unique_name(),
            image: opts.image.clone(),
            env,
            user: user.clone(),
            networked,
            keep_network: opts.network,
            removed: false,
        };
        let label = format!("{LABEL}=1");
        let pids = opts.pids.to_string();
        let mut create: Vec<&str> = vec![
            "create",
            "--name",
            &container.name,
            "--label",
            &label,
            // A shell reading its open stdin stays up with nothing but sh in the
            // image; the image's own entrypoint (which may run a program and
            // exit) never starts.
            "--interactive",
            "--entrypoint",
            "sh",
            // Root only for the keep-alive shell and the chown below: with
            // no-new-privileges, `exec -u 0` into a container of another user
            // gets no capabilities. The steps run as the image's user.
            "--user",
            "0:0",
            "--workdir",
            WORKDIR,
            "--env",
            "PYTHONDONTWRITEBYTECODE=1",
            "--memory",
            &opts.memory,
            "--memory-swap",
            &opts.memory,
            "--cpus",
            &opts.cpus,
            "--pids-limit",
            &pids,
            "--security-opt",
            "no-new-privileges",
        ];
        if !networked {
            create.extend(["--network", "none"]);
        }
        create.push(&opts.image);
        let create: Vec<String> = create.iter().map(|s| s.to_string()).collect();
        container.plumb(&create).await?;

        let src = format!("{}/.", root.display());
        let dst = format!("{}:{WORKDIR}", container.name);
        container.plumb(&["cp", &src, &dst]).await?;
        let src = format!("{}/.", steps.display());
        let dst = format!("{}:{STEPS_DIR}", container.name);
        container.plumb(&["cp", &src, &dst]).await?;
        if let Err(e) = container.plumb(&["start", &container.name.clone()]).await {
            let msg = e.to_string();
            if msg.contains("executable file not found")
                || msg.contains("\"sh\": no such file")
                || msg.contains("exec: \"sh\"")
            {
                return Err(ValidateError::Docker(format!(
                    "image `{}` has no shell (sh) to run the steps with; use an image that has /bin/sh",
                    container.image
                )));
            }
            return Err(e);
        }
        // `docker cp` makes root the owner: the image's user must be able to
        // write in its checkout (caches, build output).
        if let Some(user) = user {
            let name = container.name.clone();
            container
                .plumb(&["exec", &name, "chown", "-R", &user, WORKDIR])
                .await
                .map_err(|e| {
                    ValidateError::Docker(format!(
                        "cannot give {WORKDIR} to the image's user `{user}`: {e}"
                    ))
                })?;
        }
        Ok(container)
    }

    /// Where the steps run, for messages: "in image `python:3.11`".
    pub fn place(&self) -> String {
        format!("in image `{}`", self.image)
    }

    /// Cuts the network before the test commands (unless `validation-network`).
    pub async fn isolate(&mut self) -> Result<(), ValidateError> {
        if !self.networked || self.keep_network {
            return Ok(());
        }
        let name = self.name.clone();
        let nets = self
            .plumb(&[
                "inspect",
                "--format",
                "{{range $k, $v := .NetworkSettings.Networks}}{{println $k}}{{end}}",
                &name,
            ])
            .await?;
        for net in nets.lines().map(str::trim).filter(|n| !n.is_empty()) {
            self.plumb(&["network", "disconnect", "--force", net, &name])
                .await?;
        }
        self.networked = false;
        Ok(())
    }

    /// Runs the launcher at `launcher` (a path inside the container) with `sh`,
    /// keeping the output lines `keep` names.
    pub async fn exec(
        &self,
        launcher: &str,
        timeout: Duration,
        keep: Option<OutputLines>,
    ) -> std::io::Result<Outcome> {
        let mut args: Vec<String> = vec!["exec".into(), "-w".into(), WORKDIR.into()];
        if let Some(user) = &self.user {
            args.extend(["-u".to_string(), user.clone()]);
        }
        args.extend([self.name.clone(), "sh".into(), launcher.to_string()]);
        let out = exec::run(
            &self.docker,
            &args,
            Path::new("."),
            &self.env,
            timeout,
            keep,
        )
        .await?;
        if matches!(out.exit, exec::Exit::TimedOut(_)) {
            // Killing the docker client leaves the process running in the container.
            let _ = plumbing(&self.docker, &["kill", &self.name], &self.env).await;
        }
        Ok(out)
    }

    /// Copies `rel` (a file or folder under the container's checkout; `.` for all of
    /// it) back into the host's sandbox copy at `root`, where the test reports are
    /// read. A missing path is not an error: the reader then says the report is missing.
    pub async fn copy_out(&self, rel: &str, root: &Path) {
        let src = format!("{}:{WORKDIR}/{rel}", self.name);
        let dst = root.join(rel);
        let dst = if rel == "." {
            format!("{}/.", root.display())
        } else {
            dst.display().to_string()
        };
        let _ = self.plumb(&["cp", &src, &dst]).await;
    }

    /// Removes the files `rels` (under the container's checkout) that self-heal's
    /// own steps left there, so the project's next command does not see them.
    pub async fn remove_files(&self, rels: &[String]) {
        if rels.is_empty() {
            return;
        }
        let mut args = vec![
            "exec".to_string(),
            self.name.clone(),
            "rm".into(),
            "-f".into(),
        ];
        args.extend(rels.iter().map(|r| format!("{WORKDIR}/{r}")));
        let _ = self.plumb(&args).await;
    }

    /// Removes the container and its anonymous volumes.
    pub async fn remove(mut self) {
        let _ = plumbing(&self.docker, &["rm", "-f", "-v", &self.name], &self.env).await;
        self.removed = true;
    }

    async fn plumb<S: AsRef<str>>(&self, args: &[S]) -> Result<String, ValidateError> {
        let args: Vec<&str> = args.iter().map(|s| s.as_ref()).collect();
        plumbing(&self.docker, &args, &self.env).await
    }
}

impl Drop for Container {
    /// Every other path (an error, a timeout, Ctrl-C dropping the validation)
    /// ends here: remove the container before going on. Blocking, but short.
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let _ = std::process::Command::new(&self.docker)
            .args(["rm", "-f", "-v", &self.name])
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

fn unique_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "self-heal-validate-{}-{}-{nanos:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The image's `USER` when it is not root (None for root), pulling the image
/// when it is not here.
async fn image_user(
    docker: &str,
    image: &str,
    env: &[(OsString, OsString)],
) -> Result<Option<String>, ValidateError> {
    let inspect = [
        "image",
        "inspect",
        "--format",
        "{{json .Config.User}}",
        image,
    ];
    let user = match plumbing(docker, &inspect, env).await {
        Ok(out) => out,
        Err(ValidateError::Docker(msg)) if msg.to_ascii_lowercase().contains("no such image") => {
            pull(docker, image, env).await?;
            plumbing(docker, &inspect, env).await?
        }
        Err(e) => return Err(e),
    };
    let user: String = serde_json::from_str(user.trim()).unwrap_or_default();
    let user = user.trim();
    let root = user.is_empty()
        || user == "root"
        || user == "0"
        || user.starts_with("0:")
        || user.starts_with("root:");
    Ok((!root).then(|| user.to_string()))
}

async fn pull(
    docker: &str,
    image: &str,
    env: &[(OsString, OsString)],
) -> Result<(), ValidateError> {
    let args = vec!["pull".to_string(), "--quiet".to_string(), image.to_string()];
    let out = exec::run(docker, &args, Path::new("."), env, PULL_TIMEOUT, None)
        .await
        .map_err(|e| ValidateError::Docker(format!("docker pull: {e}")))?;
    if out.exit.success() {
        return Ok(());
    }
    Err(ValidateError::Docker(format!(
        "image `{image}` is not on this Docker engine and cannot be pulled ({}): {}",
        out.exit.describe(),
        error_line(&out)
    )))
}

fn last_line(out: &Outcome) -> String {
    let msg = out.capture.last(400);
    msg.trim().lines().last().unwrap_or("").trim().to_string()
}

/// The daemon's own message when there is one (`docker start` ends with a
/// summary line that says less), else the last line.
fn error_line(out: &Outcome) -> String {
    let text = out.capture.text();
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("Error response from daemon:"))
        .map(|l| l.chars().take(500).collect())
        .unwrap_or_else(|| last_line(out))
}

/// Runs a docker plumbing command; its output on success, a one-line error otherwise.
async fn plumbing(
    docker: &str,
    args: &[&str],
    env: &[(OsString, OsString)],
) -> Result<String, ValidateError> {
    let owned: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let what = match args {
        [first, second, ..] if ["image", "network"].contains(first) => {
            format!("docker {first} {second}")
        }
        [first, ..] => format!("docker {first}"),
        [] => "docker".to_string(),
    };
    let out = exec::run(docker, &owned, Path::new("."), env, PLUMBING_TIMEOUT, None)
        .await
        .map_err(|e| ValidateError::Docker(format!("{what}: {e}")))?;
    if !out.exit.success() {
        let msg = error_line(&out);
        let lower = msg.to_ascii_lowercase();
        if lower.contains("cannot connect to the docker daemon")
            || lower.contains("error during connect")
            || lower.contains("permission denied while trying to connect")
        {
            return Err(ValidateError::Docker(format!(
                "cannot reach the Docker engine ({msg}); start it, or set validation to subprocess"
            )));
        }
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

    /// No `validation-image` and no language known: no image, said so (it used to
    /// be Python's whatever the project).
    #[tokio::test]
    async fn no_image_is_a_clear_error_before_docker_runs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Container::start(
            Path::new("/nonexistent/docker"),
            &DockerOptions::new(""),
            dir.path(),
            dir.path(),
            false,
        )
        .await
        .err()
        .expect("must fail");
        assert_eq!(
            err.to_string(),
            "docker validation unavailable: no image to validate in: the run's language is unknown; set validation-image"
        );
    }

    #[tokio::test]
    async fn missing_docker_binary_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Container::start(
            Path::new("/nonexistent/docker"),
            &DockerOptions::new("img"),
            dir.path(),
            dir.path(),
            false,
        )
        .await
        .err()
        .expect("must fail");
        let msg = err.to_string();
        assert!(
            msg.starts_with("docker validation unavailable: docker image inspect"),
            "{msg}"
        );
    }

    #[test]
    fn default_cpus_fit_the_machine() {
        let n: usize = default_cpus().parse().unwrap();
        assert!((1..=2).contains(&n));
    }
}
