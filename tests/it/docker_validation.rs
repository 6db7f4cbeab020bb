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
use crate::support::harness::{git, sample_dir, Output, Test};
use self_heal::validate::{
    validate, DockerOptions, Runner, ValidateError, ValidationPlan, DOCKER_LABEL,
};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

const PYTHON_IMAGE: &str = "self-heal-validate-python:test";
const USER_IMAGE: &str = "self-heal-validate-user:test";
const GO_IMAGE: &str = "self-heal-validate-go:test";
const NOSHELL_IMAGE: &str = "self-heal-validate-noshell:test";
/// Our own Action image: its ENTRYPOINT runs self-heal, which exits at once.
const ENTRYPOINT_IMAGE: &str = "self-heal-action:test";

/// One sample project per ecosystem, validated in docker and as a subprocess.
/// To add one: the sample under `sample_projects/` (with `ci.log` and
/// `expected.json`), its image folder under `tests/action/images/`, and a row here.
struct DockerSample {
    sample: &'static str,
    image: &'static str,
    /// A recipe fixes it without a model; else the fake model answers with
    /// `expected.json`'s fix.
    recipe: bool,
}

const SAMPLES: &[DockerSample] = &[
    DockerSample {
        sample: "py-name-error",
        image: PYTHON_IMAGE,
        recipe: true,
    },
    DockerSample {
        sample: "py-logic-error",
        image: ENTRYPOINT_IMAGE,
        recipe: false,
    },
];

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

fn report(t: &Test, out: &Output) -> Value {
    out.report(&t.path("report.json"))
}

/// `self-heal run --dry-run` on `t`'s repo with its `ci.log`.
fn run_dry(t: &Test, llm: Option<&FakeOpenAi>, extra: &[&str]) -> Output {
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

#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn samples_validate_in_docker_and_leave_nothing_behind() {
    let before = volumes();
    for s in SAMPLES {
        require_image(s.image);
        let mut ms = Vec::new();
        for validation in ["docker", "subprocess"] {
            let t = Test::with_sample(s.sample);
            let llm = (!s.recipe).then(|| FakeOpenAi::start([expected_reply(s.sample)]));
            let out = run_dry(
                &t,
                llm.as_ref(),
                &["--validation", validation, "--validation-image", s.image],
            );
            let r = report(&t, &out);
            assert_eq!(
                r["status"], "proposed",
                "{} {validation}: {out:?}",
                s.sample
            );
            let v = &r["attempts"].as_array().unwrap().last().unwrap()["validation"];
            assert_eq!(v["passed"], true, "{v}");
            let tail = v["output_tail"].as_str().unwrap();
            if validation == "docker" {
                assert!(
                    tail.starts_with(&format!(
                        "[docker sandbox: image {}, network off for the tests",
                        s.image
                    )),
                    "{tail}"
                );
            } else {
                assert!(!tail.contains("docker sandbox"), "{tail}");
            }
            ms.push(r["timings"]["validation_ms"].as_u64().unwrap());
        }
        // Numbers for the README, not assertions.
        println!(
            "timing: validation of {} (reproduce + {} attempt) docker {} ms, subprocess {} ms",
            s.sample,
            if s.recipe { "recipe" } else { "model" },
            ms[0],
            ms[1]
        );
    }
    assert_nothing_left(&before, "after the samples");
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
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(t.path("report.json")).unwrap()).unwrap();
    assert!(r["reason"].as_str().unwrap().contains("interrupted"), "{r}");
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
        assert_eq!(r["status"], "error", "{image}: {out:?}");
        assert_eq!(out.code, 3);
        let reason = r["reason"].as_str().unwrap();
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
        assert!(r["attempts"].as_array().unwrap().is_empty());
    }
    assert!(validation_containers().is_empty());
}

/// A tiny Go module with a wrong `Add`, its CI log from the real `go test` on
/// this machine, and the fix validated in the Go image built from the host's
/// toolchain.
#[test]
#[ignore = "needs the Docker engine and images from scripts/test-action.sh, which runs it"]
fn a_go_project_is_validated_in_a_go_image() {
    require_image(GO_IMAGE);
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
    let log = format!(
        "##[group]Run go test ./...\ngo test ./...\nshell: /usr/bin/bash -e {{0}}\n##[endgroup]\n{}{}##[error]Process completed with exit code 1.\n",
        String::from_utf8_lossy(&go.stdout),
        String::from_utf8_lossy(&go.stderr)
    );
    std::fs::write(repo.join("ci.log"), log).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(
        &repo,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "go",
        ],
    );

    let llm = FakeOpenAi::start([Reply::reply_edits(
        "Add subtracts",
        &[("calc/calc.go", "return a - b", "return a + b")],
    )]);
    let out = run_dry(
        &t,
        Some(&llm),
        &["--validation", "docker", "--validation-image", GO_IMAGE],
    );
    let r = report(&t, &out);
    assert_eq!(r["status"], "proposed", "{out:?}");
    let v = &r["attempts"][0]["validation"];
    assert_eq!(v["passed"], true, "{v}");
    let commands: Vec<&str> = v["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
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
    let tail = v["output_tail"].as_str().unwrap();
    assert!(tail.contains("ok  \texample.com/calc/calc"), "{tail}");
    assert_eq!(
        std::fs::read_to_string(repo.join("calc/calc.go")).unwrap(),
        buggy,
        "a dry run changes nothing"
    );
    assert!(validation_containers().is_empty());
}
