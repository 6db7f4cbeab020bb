#!/usr/bin/env python3
"""Regenerates the ci.log of the Go, Rust, JavaScript/TypeScript, Java and Ruby samples.

Driven by scripts/regen-sample-logs-eco.sh (which checks the toolchains first). For
each sample whose expected.json names an `ecosystem` other than python:

1. copies the sample to a stable work dir under the cache (so node_modules, target/
   and build caches survive between runs), installs its dependencies (npm ci from a
   shared npm cache; Maven resolves into a shared local repository);
2. really runs expected.json's `command` under `bash -e` (as a GitHub `run:` step),
   with CI=true and GITHUB_ACTIONS=true as on a runner; it must fail;
3. rewrites machine paths to the runner's, wraps the output as an Actions step log
   and writes ci.log (or, with --check, compares it ignoring timings and hashes);
4. for each `capture` in expected.json (one or a list), runs that variant too (a
   machine-readable report, another reporter) and stores its output, or the file it
   names, under tests/it/data/results/ (real input for the readers and parsers);
5. applies `fix` to a fresh copy (each `search` must match exactly once) and requires
   the same command to pass.
"""
import datetime
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "sample_projects")
CAPTURES = os.path.join(ROOT, "tests", "it", "data", "results")
CACHE = os.environ.get("SELF_HEAL_SAMPLE_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "self-heal-samples"
)
NPM_CACHE = os.path.join(CACHE, "npm")
M2 = os.path.join(CACHE, "m2")
GRADLE_HOME = os.path.join(CACHE, "gradle")
# Kept in the work dir between runs: npm's install and cargo's build output
# (Maven's target/ is not kept: its output differs when nothing needs compiling).
KEEP = {"node_modules", "target"}


def sh(cmd, cwd, env, capture=True):
    p = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    return p.returncode, (p.stdout or b"").decode("utf-8", "replace")


def base_env(eco):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUST_", "NODE_", "JEST_", "MAVEN_", "GO"))}
    for k in ("CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS"):
        env.pop(k, None)
    env.update(CI="true", GITHUB_ACTIONS="true", npm_config_cache=NPM_CACHE, npm_config_update_notifier="false")
    if eco == "go":
        # -count=1: a runner has no cached test results, so every package shows its time.
        env.update(GOTOOLCHAIN="local", GOFLAGS="-mod=mod -count=1")
    if eco == "java":
        # The repository location only; the command in the log stays the plain `mvn` one.
        env["MAVEN_OPTS"] = f"-Dmaven.repo.local={M2}"
        # Gradle's downloads likewise; no daemon left running after the script.
        env.update(GRADLE_USER_HOME=GRADLE_HOME, GRADLE_OPTS="-Dorg.gradle.daemon=false")
    return env


def sync(src, dst, eco):
    """Makes dst a copy of src's sources, keeping dependency and build dirs.

    Files get a fresh mtime, as in a fresh checkout, so build tools rebuild and
    print what they print in CI (`Compiling ...`)."""
    os.makedirs(dst, exist_ok=True)
    keep = {"javascript": {"node_modules"}, "rust": {"target"}}.get(eco, set())
    for name in os.listdir(dst):
        if name in keep:
            continue
        p = os.path.join(dst, name)
        shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    for name in os.listdir(src):
        if name in KEEP | {"ci.log", "expected.json"}:
            continue
        s, d = os.path.join(src, name), os.path.join(dst, name)
        shutil.copytree(s, d, copy_function=shutil.copy) if os.path.isdir(s) else shutil.copy(s, d)


def install(work, eco, env):
    lock = os.path.join(work, "package-lock.json")
    if eco == "javascript" and os.path.exists(lock):
        digest = hashlib.sha256(open(lock, "rb").read()).hexdigest()
        stamp = os.path.join(work, "node_modules", ".self-heal-lock-sha")
        if not (os.path.exists(stamp) and open(stamp).read() == digest):
            rc, out = sh("npm ci --prefer-offline --no-audit --no-fund", work, env)
            if rc != 0:
                sys.exit(f"   FAIL: npm ci in {work}:\n{out[-3000:]}")
            open(stamp, "w").write(digest)
    if eco == "java" and os.path.exists(os.path.join(work, "build.gradle")):
        # Resolve (download) the dependencies first, as a CI cache restore would, so
        # the log carries no download lines; then drop the build for a fresh one.
        rc, out = sh("gradle -q testClasses", work, env)
        if rc != 0:
            sys.exit(f"   FAIL: gradle testClasses in {work}:\n{out[-3000:]}")
        for d in ("build", ".gradle"):
            shutil.rmtree(os.path.join(work, d), ignore_errors=True)


def runner_paths(work, name):
    workspace = f"/home/runner/work/{name}/{name}"
    subs = {work: workspace, NPM_CACHE: "/home/runner/.npm", M2: "/home/runner/.m2/repository", GRADLE_HOME: "/home/runner/.gradle"}
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True).stdout.strip() if shutil.which("go") else ""
    if goroot:
        ver = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True).stdout.strip().removeprefix("go")
        subs[goroot] = f"/opt/hostedtoolcache/go/{ver}/x64"
    home = os.path.expanduser("~")
    subs[os.path.join(home, "go", "pkg", "mod")] = "/home/runner/go/pkg/mod"
    subs[os.path.join(home, ".cargo")] = "/home/runner/.cargo"
    subs[os.path.join(home, ".rustup")] = "/home/runner/.rustup"
    return sorted(subs.items(), key=lambda kv: -len(kv[0]))


def rewrite(text, subs):
    for a, b in subs:
        text = text.replace(a, b)
    return text


def header(eco, command):
    lines = [f"##[group]Run {command.splitlines()[0]}"]
    lines += ["\x1b[36;1m" + c + "\x1b[0m" for c in command.splitlines()]
    lines.append("shell: /usr/bin/bash -e {0}")
    env = {
        "go": [],
        "rust": ["  CARGO_TERM_COLOR: never"],
        "javascript": [],
        "java": ["  JAVA_HOME: /opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/17.0.13-11/x64",
                 "  JAVA_HOME_17_X64: /opt/hostedtoolcache/Java_Temurin-Hotspot_jdk/17.0.13-11/x64"],
        "ruby": [],
    }[eco]
    if env:
        lines.append("env:")
        lines += env
    lines.append("##[endgroup]")
    return lines


def wrap(lines):
    t0 = datetime.datetime(2026, 11, 28, 0, 0, 0)
    out = []
    for i, line in enumerate(lines):
        ticks = 1_000_000 + i * 123_457  # 100 ns ticks, 7 digits as Actions prints them
        t = t0 + datetime.timedelta(microseconds=ticks // 10)
        out.append(t.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ " % (ticks % 10_000_000) + line)
    return "\n".join(out) + "\n"


# What differs between two runs of the same code: timings, clock times, build hashes.
VOLATILE = [
    (re.compile(r"\x1b\[[0-9;]*m"), ""),
    (re.compile(r"\d+(\.\d+)?\s?(ms|s|sec)\b"), "T"),
    # jest adds its estimate once it has timings cached from an earlier run.
    (re.compile(r", estimated T"), ""),
    (re.compile(r"(duration_ms|Time elapsed|Finished at|Start at|Total time|Duration)[: ]+\S.*"), r"\1 X"),
    (re.compile(r"-[0-9a-f]{16}\b"), "-HASH"),
    (re.compile(r"' \(\d+\) panicked"), "' (N) panicked"),
    # Minitest's random order.
    (re.compile(r"--seed \d+"), "--seed N"),
    (re.compile(r"^\S+Z "), ""),
]


def stable(text):
    out = []
    for line in text.splitlines():
        for rx, rep in VOLATILE:
            line = rx.sub(rep, line)
        out.append(line)
    return out


def apply_fix(work, fix):
    for e in fix:
        path = os.path.join(work, e["path"])
        text = open(path, encoding="utf-8").read()
        n = text.count(e["search"])
        if n != 1:
            sys.exit(f"   FAIL: search text matches {n} times in {e['path']}")
        open(path, "w", encoding="utf-8").write(text.replace(e["search"], e["replace"]))


def one(dir_, check):
    name = os.path.basename(dir_)
    exp = json.load(open(os.path.join(dir_, "expected.json")))
    eco, command = exp["ecosystem"], exp["command"]
    print(f"== {name}", flush=True)
    env = base_env(eco)
    work = os.path.join(CACHE, "work", "broken", name)
    sync(dir_, work, eco)
    install(work, eco, env)
    rc, out = sh(command, work, env)
    if rc == 0:
        print(f"   FAIL: `{command}` passed on the unfixed sample", file=sys.stderr)
        return False
    subs = runner_paths(work, name)
    out = rewrite(out, subs)
    # A command that prints nothing (`test -z "$(gofmt -l .)"`) leaves no line at all.
    printed = out.rstrip("\n").split("\n") if out.strip("\n") else []
    log = wrap(header(eco, command) + printed + [f"##[error]Process completed with exit code {rc}."])
    path = os.path.join(dir_, "ci.log")
    ok = True
    if check:
        old = stable(open(path, encoding="utf-8").read()) if os.path.exists(path) else []
        # Parallel jobs (cargo compiling lib and tests) may print in either order.
        if old != stable(log) and sorted(old) != sorted(stable(log)):
            diff = difflib.unified_diff(old, stable(log), "committed", "fresh", n=0, lineterm="")
            print("   FAIL: committed ci.log differs from a fresh run:\n" + "\n".join(list(diff)[:12]), file=sys.stderr)
            ok = False
    else:
        open(path, "w", encoding="utf-8", newline="\n").write(log)

    caps = exp.get("capture") or []
    for cap in [caps] if isinstance(caps, dict) else caps:
        if check:
            break
        os.makedirs(CAPTURES, exist_ok=True)
        _, cout = sh(cap["command"], work, env)
        if "file" in cap:
            cout = open(os.path.join(work, cap["file"]), encoding="utf-8").read()
        dst = os.path.join(CAPTURES, cap["store"])
        open(dst, "w", encoding="utf-8", newline="\n").write(rewrite(cout, subs))

    fixed = os.path.join(CACHE, "work", "fixed", name)
    sync(dir_, fixed, eco)
    apply_fix(fixed, exp["fix"])
    install(fixed, eco, env)
    frc, fout = sh(command, fixed, env)
    if frc != 0:
        print(f"   FAIL: `{command}` still fails after the expected fix:\n{fout[-3000:]}", file=sys.stderr)
        return False
    last = [l for l in re.sub(r"\x1b\[[0-9;]*m", "", fout).strip().splitlines() if l.strip()][-1:] or [""]
    print(f"   ok: fails with exit {rc}, expected fix passes ({last[0].strip()[:70]})")
    return ok


def main():
    check = "--check" in sys.argv[1:]
    dirs = [os.path.abspath(a.rstrip("/")) for a in sys.argv[1:] if a != "--check"]
    if not dirs:
        for n in sorted(os.listdir(SAMPLES)):
            p = os.path.join(SAMPLES, n, "expected.json")
            if os.path.exists(p) and json.load(open(p)).get("ecosystem", "python") != "python":
                dirs.append(os.path.join(SAMPLES, n))
    os.makedirs(CACHE, exist_ok=True)
    ok = True
    for d in dirs:
        ok = one(d, check) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
