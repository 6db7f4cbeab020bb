//! `validation: docker` for real: a local Docker engine, images built from the
//! bootstrapped base (`tests/action/images/`, nothing pulled), the real binary on
//! sample projects, and the sandbox's promises checked from inside and outside
//! the container: no network for the tests, limits, the image's user, no socket,
//! nothing left behind on success, failure, timeout, Ctrl-C or a broken sandbox.
//!
//! Needs the engine and the images `scripts/test-action.sh` sets up (it runs this
//! module with `--ignored --test-threads 1`: the leftover checks look at every
//! validation container on the engine), so it is ignored in a plain `cargo test`.

use crate::support::fake_openai::{FakeOpenAi, Reply};
use crate::support::harness::{sample_dir, Output, Test};
use self_heal::report::{Report, Status};
use self_heal::validate::{
    validate, DockerOptions, Runner, ValidateError, ValidationPlan, DOCKER_LABEL,
};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

const PYTHON_IMAGE: &str = "self-heal-validate-python:test";
const USER_IMAGE: &str = "self-heal-validate-user:test";
const GO_IMAGE: &str = "self-heal-validate-go:test";
const RUST_IMAGE: &str = "self-heal-validate-rust:test";
const NODE_IMAGE: &str = "self-heal-validate-node:test";
const JAVA_IMAGE: &str = "self-heal-validate-java:test";
const RUBY_IMAGE: &str = "self-heal-validate-ruby:test";
const NOSHELL_IMAGE: &str = "self-heal-validate-noshell:test";
/// Our own Action image: its ENTRYPOINT runs self-heal, which exits at once.
const ENTRYPOINT_IMAGE: &str = "self-heal-action:test";

/// One sample project per ecosystem, validated in docker and as a subprocess.
/// To add one: the sample under `sample_projects/` (with `ci.log` and
/// `expected.json`), its image folder under `tests/action/images/`, and a row here.
struct DockerSample {
    sample: &'static str,
    image: &'static str,
    /// The ecosystem's default `validation-image` (docs/settings.md): when set, the docker
    /// run gives no `--validation-image`, and `image` stands in under this name
    /// (tagged for the test), so the run proves the default is picked.
    default_image: Option<&'static str>,
    /// A recipe fixes it without a model; else the fake model answers with
    /// `expected.json`'s fix.
    recipe: bool,
}

const SAMPLES: &[DockerSample] = &[
    DockerSample {
        sample: "py-name-error",
        image: PYTHON_IMAGE,
        default_image: Some("python:3.11"),
        recipe: true,
    },
    DockerSample {
        sample: "py-logic-error",
        image: ENTRYPOINT_IMAGE,
        default_image: None,
        recipe: false,
    },
    DockerSample {
        sample: "rust-panic",
        image: RUST_IMAGE,
        default_image: Some("rust:1"),
        recipe: false,
    },
    DockerSample {
        sample: "java-junit5-hop",
        image: JAVA_IMAGE,
        default_image: Some("maven:3-eclipse-temurin-17"),
        recipe: false,
    },
    // node:test's TAP read back from the container: the scoped run's report and
    // the full run adapted to `--test-reporter=tap`.
    DockerSample {
        sample: "js-node-test",
        image: NODE_IMAGE,
        default_image: Some("node:20"),
        recipe: false,
    },
    // Minitest's `-v` lines read back from the container, rake from Debian.
    DockerSample {
        sample: "ruby-minitest",
        image: RUBY_IMAGE,
        default_image: Some("ruby:3"),
        recipe: false,
    },
];

/// `image` under the name `name` for as long as this lives. A name the engine
/// already has (a real `python:3.11`) is used as it is and left alone.
struct StandIn {
    name: &'static str,
    tagged: bool,
}

impl StandIn {
    fn new(image: &str, name: &'static str) -> StandIn {
        let exists = Command::new("docker")
            .args(["image", "inspect", name])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !exists {
            docker(&["tag", image, name]);
        }
        StandIn {
            name,
            tagged: !exists,
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if self.tagged {
            // Removes only the tag: the image keeps its own name.
            let _ = Command::new("docker").args(["rmi", self.name]).output();
        }
    }
}

/// The Maven repository (and npm cache) the other tests fill
/// (`tests/it/results.rs`), so a subprocess validation downloads nothing twice.
fn sample_cache() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("SELF_HEAL_SAMPLE_CACHE") {
        return p.into();
    }
    std::env::var("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cache"))
        .join("self-heal-samples")
}

fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker (run scripts/docker-env.sh up)");
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn require_image(image: &str) {
    let ok = Command::new("docker")
        .args(["image", "inspect", image])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "image {image} missing: run scripts/docker-env.sh validation-images (scripts/test-action.sh does)"
    );
}

/// Every validation container on the engine, running or not.
fn validation_containers() -> Vec<String> {
    docker(&["ps", "-aq", "--filter", &format!("label={DOCKER_LABEL}")])
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn volumes() -> Vec<String> {
    let mut v: Vec<String> = docker(&["volume", "ls", "-q"])
        .split_whitespace()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

fn assert_nothing_left(volumes_before: &[String], when: &str) {
    assert_eq!(
        validation_containers(),
        Vec::<String>::new(),
        "a validation container was left behind ({when})"
    );
    assert_eq!(
        volumes(),
        volumes_before,
        "a volume was left behind ({when})"
    );
}

/// The typed report a run wrote.
fn report(t: &Test, out: &Output) -> Report {
    serde_json::from_value(out.report(&t.path("report.json"))).expect("report.json is a Report")
}

/// `self-heal run --dry-run` on `t`'s repo with its `ci.log`.
fn run_dry(t: &Test, llm: Option<&FakeOpenAi>, extra: &[&str]) -> Output {
    run_dry_env(t, llm, extra, &[])
}

fn run_dry_env(
    t: &Test,
    llm: Option<&FakeOpenAi>,
    extra: &[&str],
    env: &[(&str, String)],
) -> Output {
    let mut test = Test::new()
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
        .args(["--workdir", t.repo().to_str().unwrap()])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(extra.iter().copied());
    if let Some(llm) = llm {
        test = test
            .args(["--openai-base-url", &llm.base_url()])
            .env("OPENAI_API_KEY", "sk-docker-test-0123456789");
    }
    for (k, v) in env {
        test = test.env(k, v);
    }
    test.run()
}

fn expected_reply(sample: &str) -> Reply {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(sample_dir(sample).join("expected.json")).unwrap(),
    )
    .unwrap();
    let fix: Vec<(String, String, String)> = expected["fix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["search"].as_str().unwrap().to_string(),
                e["replace"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let edits: Vec<(&str, &str, &str)> = fix
        .iter()
        .map(|(p, s, r)| (p.as_str(), s.as_str(), r.as_str()))
        .collect();
    Reply::reply_edits("the fix from expected.json", &edits)
}

/// `s` repaired with `validation` (`docker`: in its default image when it has
/// one, else with `--validation-image`); asserts the fix is proposed after a
/// passing validation in the right place and returns the report.
fn validate_sample(s: &DockerSample, validation: &str, env: &[(&str, String)]) -> Report {
    let t = Test::with_sample(s.sample);
    let llm = (!s.recipe).then(|| FakeOpenAi::start([expected_reply(s.sample)]));
    let mut args = vec!["--validation", validation];
    let image = match (validation, s.default_image) {
        ("docker", Some(name)) => name,
        _ => {
            args.extend(["--validation-image", s.image]);
            s.image
        }
    };
    let out = run_dry_env(&t, llm.as_ref(), &args, env);
    let r = report(&t, &out);
    assert_eq!(
        r.status,
        Status::Proposed,
        "{} {validation}: {out:?}",
        s.sample
    );
    let v = &r.attempts.last().expect("an attempt").validation;
    assert!(v.passed, "{v:?}");
    let tail = v.output_tail.as_str();
    if validation == "docker" {
        assert!(
            tail.starts_with(&format!(
                "[docker sandbox: image {image}, network off for the tests"
            )),
            "{} picks {image}: {tail}",
            s.sample
        );
    } else {
        assert!(!tail.contains("docker sandbox"), "{tail}");
    }
    r
}

/// Each ecosystem's sample repaired with docker validation, in the ecosystem's
/// default image where the row has one; after each, no container or volume is
/// left. (The same samples as subprocesses are the other modules' tests; both
/// side by side are `timings_of_docker_and_subprocess_validation`.)
#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn samples_validate_in_docker_and_leave_nothing_behind() {
    let before = volumes();
    for s in SAMPLES {
        require_image(s.image);
        let _stand_in = s.default_image.map(|name| StandIn::new(s.image, name));
        validate_sample(s, "docker", &[]);
        assert_nothing_left(&before, &format!("after {} in docker", s.sample));
    }
}

/// The numbers of the "Docker vs subprocess validation" table in docs/measurements.md:
/// `validation_ms` of each project repaired with either runner,
/// `SELF_HEAL_TIMING_REPS` times (default 3), as `timing-row:` lines.
#[test]
#[ignore = "a measurement for docs/measurements.md: scripts/docker-timings.sh runs it, scripts/test-action.sh skips it"]
fn timings_of_docker_and_subprocess_validation() {
    let reps: usize = std::env::var("SELF_HEAL_TIMING_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    // SELF_HEAL_TIMING_ONLY=jest: only the rows whose name contains it.
    let only = std::env::var("SELF_HEAL_TIMING_ONLY").unwrap_or_default();
    let cache = sample_cache();
    // Subprocess: Maven's repository of the other tests, and a jest on PATH
    // as the Node image has one (installed from the jest sample's lock).
    let jest = tempfile::tempdir().unwrap();
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(sample_dir("js-jest-hop").join(f), jest.path().join(f)).unwrap();
    }
    let npm = Command::new("npm")
        .args(["ci", "--prefer-offline", "--no-audit", "--no-fund"])
        .current_dir(jest.path())
        .env("npm_config_cache", cache.join("npm"))
        .output()
        .expect("npm");
    assert!(
        npm.status.success(),
        "{}",
        String::from_utf8_lossy(&npm.stderr)
    );
    // npx looks for a command in the project and in npm's global prefix (the
    // image's is /usr/local, where its jest is): a prefix of our own here.
    let prefix = jest.path().join("prefix");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    std::os::unix::fs::symlink(
        jest.path().join("node_modules/.bin/jest"),
        prefix.join("bin/jest"),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        prefix.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let env = [
        (
            "MAVEN_OPTS",
            format!("-Dmaven.repo.local={}", cache.join("m2").display()),
        ),
        ("npm_config_prefix", prefix.display().to_string()),
        ("PATH", path),
    ];
    let median = |mut v: Vec<u64>| {
        v.sort_unstable();
        let s = |ms: u64| format!("{:.1} s", ms as f64 / 1000.0);
        format!("{} ({}–{})", s(v[v.len() / 2]), s(v[0]), s(v[v.len() - 1]))
    };
    for s in SAMPLES.iter().filter(|s| s.sample.contains(&only)) {
        require_image(s.image);
        let _stand_in = s.default_image.map(|name| StandIn::new(s.image, name));
        let mut cols = Vec::new();
        for validation in ["docker", "subprocess"] {
            let ms = (0..reps)
                .map(|_| validate_sample(s, validation, &env).timings.validation_ms)
                .collect();
            cols.push(median(ms));
        }
        println!(
            "timing-row: | `{}` ({}) | {} | {} | {} |",
            s.sample,
            if s.recipe { "recipe" } else { "model" },
            s.default_image.unwrap_or(s.image),
            cols[0],
            cols[1]
        );
    }
    // (row name, the project, its image, the default image it stands in for)
    type Row = (&'static str, fn() -> Project, &'static str, &'static str);
    let projects: [Row; 2] = [
        ("a Go module, `go test`", go_project, GO_IMAGE, "golang:1"),
        (
            "a jest project, `npm test`",
            jest_project,
            NODE_IMAGE,
            "node:20",
        ),
    ];
    for (name, make, image, default_image) in projects {
        if !name.contains(&only) {
            continue;
        }
        require_image(image);
        let _stand_in = StandIn::new(image, default_image);
        let mut cols = Vec::new();
        for validation in ["docker", "subprocess"] {
            let ms = (0..reps)
                .map(|_| {
                    let p = make();
                    let llm = FakeOpenAi::start([p.reply]);
                    let out = run_dry_env(&p.t, Some(&llm), &["--validation", validation], &env);
                    let r = report(&p.t, &out);
                    assert_eq!(r.status, Status::Proposed, "{name} {validation}: {out:?}");
                    r.timings.validation_ms
                })
                .collect();
            cols.push(median(ms));
        }
        println!(
            "timing-row: | {name} (model) | {default_image} | {} | {} |",
            cols[0], cols[1]
        );
    }
}

/// The one place the image's ENTRYPOINT matters: docker would run it instead of
/// our keep-alive shell, and the container would exit at once.
#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn an_image_with_an_entrypoint_is_a_sandbox_like_any_other() {
    require_image(ENTRYPOINT_IMAGE);
    let entrypoint = docker(&[
        "image",
        "inspect",
        "--format",
        "{{json .Config.Entrypoint}}",
        ENTRYPOINT_IMAGE,
    ]);
    assert!(entrypoint.contains("/entrypoint.sh"), "{entrypoint}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("marker.txt"), "from the sandbox\n").unwrap();
    let plan = ValidationPlan {
        test_command: Some("cat marker.txt && pwd".into()),
        timeout: Duration::from_secs(120),
        ..Default::default()
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let v = rt
        .block_on(validate(
            dir.path(),
            &plan,
            &Runner::Docker(DockerOptions::new(ENTRYPOINT_IMAGE)),
        ))
        .expect("validates");
    assert!(v.passed, "{}", v.output_tail);
    assert!(
        v.output_tail.contains("from the sandbox\n/work\n"),
        "{}",
        v.output_tail
    );
}

#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn the_sandbox_cuts_the_network_limits_resources_and_keeps_the_images_user() {
    require_image(USER_IMAGE);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("checkout.txt"), "x").unwrap();
    // cgroup v2 files first, then v1's.
    let limits = "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes\n\
                  cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max\n\
                  cat /sys/fs/cgroup/cpu.max 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us";
    let plan = ValidationPlan {
        setup_command: Some("echo setup-net: $(ls /sys/class/net)".into()),
        test_command: Some(format!(
            "echo test-net: $(ls /sys/class/net)\n\
             echo user: $(id -un) home: $HOME\n\
             image-tool\n\
             touch built-here && echo checkout-writable\n\
             test ! -e /var/run/docker.sock && test ! -e /run/docker.sock && echo no-docker-socket\n\
             grep -q ' /work ' /proc/mounts || echo work-is-not-a-mount\n\
             grep -E '^(CapEff|NoNewPrivs):' /proc/self/status\n\
             {limits}"
        )),
        timeout: Duration::from_secs(120),
        ..Default::default()
    };
    let opts = DockerOptions {
        memory: "256m".into(),
        cpus: "1".into(),
        pids: 200,
        ..DockerOptions::new(USER_IMAGE)
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let v = rt
        .block_on(validate(dir.path(), &plan, &Runner::Docker(opts.clone())))
        .expect("validates");
    let out = &v.output_tail;
    assert!(v.passed, "{out}");
    assert!(
        out.contains("setup-net: eth0 lo"),
        "setup has the network: {out}"
    );
    assert!(
        out.contains("test-net: lo\n"),
        "tests have loopback only: {out}"
    );
    assert!(
        out.contains(
            "user: tester home: /home/tester\nimage-tool ran as tester with HOME=/home/tester"
        ),
        "the image's USER, HOME and PATH: {out}"
    );
    for line in [
        "checkout-writable",
        "no-docker-socket",
        "work-is-not-a-mount",
        "CapEff:\t0000000000000000",
        "NoNewPrivs:\t1",
        "268435456",
        "\n200\n",
        "100000",
    ] {
        assert!(out.contains(line), "{line:?} missing: {out}");
    }
    assert!(
        out.starts_with("[docker sandbox: image self-heal-validate-user:test, network off for the tests, memory 256m, cpus 1, pids 200]"),
        "{out}"
    );
    // The checkout itself was never mounted: nothing came back.
    assert!(!dir.path().join("built-here").exists());

    // validation-network: the tests keep it.
    let v = rt
        .block_on(validate(
            dir.path(),
            &plan,
            &Runner::Docker(DockerOptions {
                network: true,
                ..opts
            }),
        ))
        .expect("validates");
    assert!(
        v.output_tail.contains("test-net: eth0 lo"),
        "{}",
        v.output_tail
    );
    assert!(validation_containers().is_empty());
}

#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn failure_timeout_and_broken_steps_remove_the_container_and_its_volume() {
    require_image(USER_IMAGE);
    let before = volumes();
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let run = |cmd: &str, secs: u64| {
        let plan = ValidationPlan {
            test_command: Some(cmd.into()),
            timeout: Duration::from_secs(secs),
            ..Default::default()
        };
        rt.block_on(validate(
            dir.path(),
            &plan,
            &Runner::Docker(DockerOptions::new(USER_IMAGE)),
        ))
    };
    let v = run("echo failing; exit 1", 60).expect("a test result");
    assert!(!v.passed);
    assert_nothing_left(&before, "failure");

    let v = run("sleep 600", 2).expect("a test result");
    assert!(
        !v.passed && v.output_tail.contains("[timed out after 2s]"),
        "{}",
        v.output_tail
    );
    assert_nothing_left(&before, "timeout");

    let err = run("no-such-tool-xyz", 60).expect_err("not a test result");
    let ValidateError::Environment { reason, .. } = &err else {
        panic!("{err}");
    };
    assert!(
        reason.contains(
            "`no-such-tool-xyz` is not installed in image `self-heal-validate-user:test`"
        ) && reason.contains("validation-image"),
        "{reason}"
    );
    assert_nothing_left(&before, "a missing tool");

    // A shell the image lacks is named, with sh standing in only for bash.
    let plan = ValidationPlan {
        test_command: Some("Write-Output hi".into()),
        test_shell: Some("pwsh -command \". '{0}'\"".into()),
        timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let err = rt
        .block_on(validate(
            dir.path(),
            &plan,
            &Runner::Docker(DockerOptions::new(USER_IMAGE)),
        ))
        .expect_err("no pwsh in the image");
    assert!(err.to_string().contains("the step's shell `pwsh`"), "{err}");
    assert_nothing_left(&before, "a missing shell");
}

#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn ctrl_c_during_a_docker_step_removes_the_container() {
    require_image(USER_IMAGE);
    let before = volumes();
    let t = Test::with_sample("py-name-error");
    let mut child = Command::new(env!("CARGO_BIN_EXE_self-heal"))
        .current_dir(t.repo())
        .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
        .args(["--report", t.path("report.json").to_str().unwrap()])
        .args(["--validation", "docker", "--validation-image", USER_IMAGE])
        // The recipe's attempt: the scoped run passes, then this full command hangs.
        .args(["--test-command", "sleep 600"])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn self-heal");
    // Wait (bounded) until `sleep 600` runs inside a validation container.
    let deadline = Instant::now() + Duration::from_secs(180);
    let container = loop {
        let found = validation_containers().into_iter().find(|c| {
            Command::new("docker")
                .args(["top", c])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("sleep 600"))
                .unwrap_or(false)
        });
        if let Some(c) = found {
            break c;
        }
        assert!(
            Instant::now() < deadline,
            "no validation container ran `sleep 600`"
        );
        assert!(child.try_wait().unwrap().is_none(), "self-heal ended early");
        std::thread::sleep(Duration::from_millis(200));
    };
    let mounts = docker(&[
        "inspect",
        "--format",
        "{{range .Mounts}}{{.Name}} {{end}}",
        &container,
    ]);
    assert!(
        !mounts.trim().is_empty(),
        "the image's VOLUME gives the container a volume"
    );
    // SAFETY: kill(2) on the child we spawned; no memory is shared.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(3), "interrupted is an error exit");
    let r: Report =
        serde_json::from_str(&std::fs::read_to_string(t.path("report.json")).unwrap()).unwrap();
    assert_eq!(r.status, Status::Error, "{r:?}");
    assert!(r.reason.contains("interrupted"), "{r:?}");
    assert_nothing_left(&before, "Ctrl-C");
    for name in mounts.split_whitespace() {
        let gone = !Command::new("docker")
            .args(["volume", "inspect", name])
            .output()
            .unwrap()
            .status
            .success();
        assert!(gone, "volume {name} survived");
    }
}

#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn a_broken_sandbox_is_its_own_outcome_never_a_reproduction_or_the_models_fault() {
    require_image(NOSHELL_IMAGE);
    // (image, DOCKER_HOST, what the reason must say)
    let cases = [
        (
            "self-heal-validate-python:test",
            Some("unix:///nonexistent/docker.sock"),
            "cannot reach the Docker engine",
        ),
        (
            "self-heal-test/no-such-image:never",
            None,
            "image `self-heal-test/no-such-image:never` is not on this Docker engine and cannot be pulled",
        ),
        (
            NOSHELL_IMAGE,
            None,
            "image `self-heal-validate-noshell:test` has no shell (sh) to run the steps with",
        ),
    ];
    for (image, env, expected) in cases {
        let t = Test::with_sample("py-logic-error");
        let llm = FakeOpenAi::start([expected_reply("py-logic-error")]);
        let mut test = Test::new()
            .current_dir(t.repo())
            .args(["run", "--log", "ci.log", "--dry-run", "--yes"])
            .args(["--report", t.path("report.json").to_str().unwrap()])
            .args(["--validation", "docker", "--validation-image", image])
            .args(["--openai-base-url", &llm.base_url()])
            .env("OPENAI_API_KEY", "sk-docker-test-0123456789");
        if let Some(host) = env {
            test = test.env("DOCKER_HOST", host);
        }
        let out = test.run();
        let r = report(&t, &out);
        assert_eq!(r.status, Status::Error, "{image}: {out:?}");
        assert_eq!(out.code, 3);
        let reason = r.reason.as_str();
        assert!(
            reason.starts_with("the tests cannot run in the sandbox: ")
                && reason.contains(expected),
            "{reason}"
        );
        for wrong in ["model", "reproduc", "validation failed", "flaky"] {
            assert!(!reason.contains(wrong), "{wrong:?} in {reason}");
        }
        assert_eq!(
            llm.request_count(),
            0,
            "no attempt is made on a broken sandbox"
        );
        assert!(r.attempts.is_empty(), "{r:?}");
    }
    assert!(validation_containers().is_empty());
}

/// A project built in the test, with its real CI log and the fix the fake model gives.
struct Project {
    t: Test,
    reply: Reply,
    /// The buggy file and its text, which a dry run must leave alone.
    buggy: (&'static str, &'static str),
}

/// A tiny Go module with a wrong `Add` and its CI log from the real `go test`
/// on this machine (the Go image is made from the same toolchain).
fn go_project() -> Project {
    let t = Test::new();
    let repo = t.repo();
    std::fs::create_dir_all(repo.join("calc")).unwrap();
    std::fs::write(repo.join("go.mod"), "module example.com/calc\n\ngo 1.22\n").unwrap();
    let buggy = "package calc\n\n// Add returns the sum of a and b.\nfunc Add(a, b int) int {\n\treturn a - b\n}\n";
    std::fs::write(repo.join("calc/calc.go"), buggy).unwrap();
    std::fs::write(
        repo.join("calc/calc_test.go"),
        "package calc\n\nimport \"testing\"\n\nfunc TestAdd(t *testing.T) {\n\tif got := Add(2, 3); got != 5 {\n\t\tt.Fatalf(\"Add(2, 3) = %d, want 5\", got)\n\t}\n}\n",
    )
    .unwrap();
    let go = Command::new("go")
        .args(["test", "./..."])
        .current_dir(&repo)
        .env("GOTOOLCHAIN", "local")
        .output()
        .expect("go on this machine (the Go image is built from it)");
    assert!(!go.status.success(), "the module's test must fail");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&go.stdout),
        String::from_utf8_lossy(&go.stderr)
    );
    commit_with_log(&repo, "go test ./...", &output);
    Project {
        t,
        reply: Reply::reply_edits(
            "Add subtracts",
            &[("calc/calc.go", "return a - b", "return a + b")],
        ),
        buggy: ("calc/calc.go", buggy),
    }
}

/// A jest project (a top-level test, no node_modules of its own: the image's
/// jest runs it) and its CI log from the real jest in the Node image (made from
/// this machine's node).
fn jest_project() -> Project {
    let t = Test::new();
    let repo = t.repo();
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::create_dir_all(repo.join("test")).unwrap();
    std::fs::write(
        repo.join("package.json"),
        "{\n  \"name\": \"calc\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"scripts\": { \"test\": \"jest\" }\n}\n",
    )
    .unwrap();
    let buggy = "// add returns the sum of a and b.\nexports.add = (a, b) => a - b;\n";
    std::fs::write(repo.join("src/calc.js"), buggy).unwrap();
    std::fs::write(
        repo.join("test/calc.test.js"),
        "const { add } = require('../src/calc');\n\ntest('adds two numbers', () => {\n  expect(add(2, 3)).toBe(5);\n});\n",
    )
    .unwrap();
    // The CI log: `npm test` in the image, on a copy of the project.
    let jest = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "tar -C '{}' -c . | docker run --rm -i --network none -e CI=true {NODE_IMAGE} \\
             sh -c 'mkdir /w && cd /w && tar x && npm test 2>&1'",
            repo.display()
        ))
        .output()
        .expect("docker");
    let output = String::from_utf8_lossy(&jest.stdout).into_owned();
    assert!(
        !jest.status.success() && output.contains("✕ adds two numbers"),
        "the project's test must fail: {output}"
    );
    commit_with_log(&repo, "npm test", &output);
    Project {
        t,
        reply: Reply::reply_edits("add subtracts", &[("src/calc.js", "a - b", "a + b")]),
        buggy: ("src/calc.js", buggy),
    }
}

/// Validates `p` in docker with no `--validation-image`, so in `default_image`
/// (stood in for by `image`): the fix is proposed, `passed_line` is in the
/// output, nothing is left, the tree is unchanged. Returns the commands run.
fn validate_project_by_default(
    p: Project,
    image: &str,
    default_image: &'static str,
    passed_line: &str,
) -> Vec<String> {
    require_image(image);
    let _stand_in = StandIn::new(image, default_image);
    let before = volumes();
    let llm = FakeOpenAi::start([p.reply]);
    let out = run_dry(&p.t, Some(&llm), &["--validation", "docker"]);
    let commands = assert_proposed_in(&p.t, &out, default_image, passed_line, &before);
    let (path, buggy) = p.buggy;
    assert_eq!(
        std::fs::read_to_string(p.t.repo().join(path)).unwrap(),
        buggy,
        "a dry run changes nothing"
    );
    commands
}

/// Go's default image (`golang:1`) is the Go image made from the host's toolchain.
#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn a_go_project_is_validated_in_a_go_image() {
    let commands = validate_project_by_default(
        go_project(),
        GO_IMAGE,
        "golang:1",
        "ok  \texample.com/calc/calc",
    );
    // The full command, made to report every failing test (`-json`).
    assert!(
        commands
            .last()
            .is_some_and(|c| c.contains("go test -json ./...")),
        "{commands:?}"
    );
    assert!(
        commands[0].starts_with("go test") && commands[0].contains("TestAdd"),
        "the scoped run: {commands:?}"
    );
}

/// JavaScript's default image (`node:20`) is the Node image made from the host's
/// node, with jest.
#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn a_jest_project_is_validated_in_a_node_image() {
    require_image(NODE_IMAGE);
    let commands = validate_project_by_default(
        jest_project(),
        NODE_IMAGE,
        "node:20",
        "Tests:       1 passed, 1 total",
    );
    // The full command, made to write jest's report of every failing test.
    assert_eq!(
        commands.last().map(String::as_str),
        Some("npm test -- --json --outputFile=.self-heal-full.json"),
        "{commands:?}"
    );
    assert!(
        commands[0].contains("jest") && commands[0].contains("adds two numbers"),
        "the scoped run: {commands:?}"
    );
}

/// Writes `ci.log` as GitHub logs a failed `run:` step, and commits everything.
fn commit_with_log(repo: &std::path::Path, command: &str, output: &str) {
    let log = format!(
        "##[group]Run {command}\n{command}\nshell: /usr/bin/bash -e {{0}}\n##[endgroup]\n{output}\n##[error]Process completed with exit code 1.\n"
    );
    std::fs::write(repo.join("ci.log"), log).unwrap();
    crate::support::harness::init_and_commit(repo, "sample");
}

/// The run proposed the fix after a passing docker validation in `image`, whose
/// output shows `passed_line`, and left no container or volume: the validation's commands.
fn assert_proposed_in(
    t: &Test,
    out: &Output,
    image: &str,
    passed_line: &str,
    volumes_before: &[String],
) -> Vec<String> {
    let r = report(t, out);
    assert_eq!(r.status, Status::Proposed, "{out:?}");
    let v = &r.attempts.first().expect("an attempt").validation;
    assert!(v.passed, "{v:?}");
    let tail = v.output_tail.as_str();
    assert!(
        tail.starts_with(&format!(
            "[docker sandbox: image {image}, network off for the tests"
        )),
        "{tail}"
    );
    assert!(tail.contains(passed_line), "{tail}");
    assert_nothing_left(volumes_before, image);
    v.commands.clone()
}
