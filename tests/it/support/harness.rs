//! Runs the real `self-heal` binary in a temp dir, like just's `Test::new()`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Env vars that would leak the developer's or CI's own setup into a test.
const SCRUBBED_PREFIXES: &[&str] = &[
    "GITHUB_",
    "INPUT_",
    "SELF_HEAL_",
    "OPENAI_",
    "RUNNER_",
    "ACTIONS_",
];

pub struct Test {
    pub dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    /// Standard input that never ends: this head, then filler until the pipe closes.
    endless_stdin: Option<String>,
    /// `RLIMIT_DATA` for the binary (through `prlimit`, util-linux).
    data_limit: Option<u64>,
    cwd: Option<PathBuf>,
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn report(&self, path: &Path) -> serde_json::Value {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
            panic!(
                "no report at {}: {e}\nstdout:\n{}\nstderr:\n{}",
                path.display(),
                self.stdout,
                self.stderr
            )
        });
        serde_json::from_str(&text).expect("report is JSON")
    }
}

impl Default for Test {
    fn default() -> Self {
        Self::new()
    }
}

impl Test {
    pub fn new() -> Test {
        Test {
            dir: tempfile::tempdir().expect("tempdir"),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            endless_stdin: None,
            data_limit: None,
            cwd: None,
        }
    }

    /// A temp dir holding a copy of `sample_projects/<name>` at `<tmp>/repo`, a git repo.
    pub fn with_sample(name: &str) -> Test {
        let t = Test::new();
        copy_dir(&sample_dir(name), &t.repo());
        init_and_commit(&t.repo(), "sample");
        t
    }

    pub fn repo(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn arg(mut self, a: impl AsRef<str>) -> Test {
        self.args.push(a.as_ref().to_string());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, a: I) -> Test {
        self.args
            .extend(a.into_iter().map(|s| s.as_ref().to_string()));
        self
    }

    pub fn env(mut self, k: &str, v: impl AsRef<str>) -> Test {
        self.env.push((k.to_string(), v.as_ref().to_string()));
        self
    }

    pub fn stdin(mut self, s: &str) -> Test {
        self.stdin = Some(s.to_string());
        self
    }

    /// Standard input as an endless producer writes it: `head`, then 64 KiB lines
    /// of filler for as long as the binary reads.
    pub fn endless_stdin(mut self, head: &str) -> Test {
        self.endless_stdin = Some(head.to_string());
        self
    }

    /// Runs the binary with at most `bytes` of heap and other private writable memory:
    /// holding more (a log read whole) fails the allocation and aborts the run.
    pub fn data_limit(mut self, bytes: u64) -> Test {
        self.data_limit = Some(bytes);
        self
    }

    pub fn current_dir(mut self, p: PathBuf) -> Test {
        self.cwd = Some(p);
        self
    }

    pub fn run(&self) -> Output {
        let bin = env!("CARGO_BIN_EXE_self-heal");
        let mut cmd = match self.data_limit {
            Some(bytes) => {
                let mut c = Command::new("prlimit");
                c.arg(format!("--data={bytes}")).arg("--").arg(bin);
                c
            }
            None => Command::new(bin),
        };
        cmd.args(&self.args).current_dir(
            self.cwd
                .clone()
                .unwrap_or_else(|| self.dir.path().to_path_buf()),
        );
        for (k, _) in std::env::vars() {
            if SCRUBBED_PREFIXES.iter().any(|p| k.starts_with(p)) {
                cmd.env_remove(&k);
            }
        }
        cmd.env("NO_COLOR", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.stdin(if self.stdin.is_some() || self.endless_stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn self-heal");
        if let Some(input) = &self.stdin {
            use std::io::Write;
            let mut sin = child.stdin.take().expect("stdin");
            sin.write_all(input.as_bytes()).expect("write stdin");
        }
        let producer = self.endless_stdin.clone().map(|head| {
            let mut sin = child.stdin.take().expect("stdin");
            std::thread::spawn(move || {
                use std::io::Write;
                let line = format!("{}\n", "filler ".repeat(9362));
                let chunk = line.repeat(16);
                // Ends when the binary exits and the pipe breaks (SIGPIPE is ignored
                // in Rust programs, so the write fails instead).
                if sin.write_all(head.as_bytes()).is_ok() {
                    while sin.write_all(chunk.as_bytes()).is_ok() {}
                }
            })
        });
        let out = child.wait_with_output().expect("wait self-heal");
        if let Some(p) = producer {
            p.join().expect("the stdin producer");
        }
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample_dir(name: &str) -> PathBuf {
    manifest_dir().join("sample_projects").join(name)
}

/// The shared fixtures: `SELF_HEAL_FIXTURES`, else `../shared/fixtures`, else `/work/shared/fixtures`.
pub fn fixtures_dir() -> PathBuf {
    if let Ok(p) = std::env::var("SELF_HEAL_FIXTURES") {
        return PathBuf::from(p);
    }
    let sibling = manifest_dir().join("../shared/fixtures");
    if sibling.is_dir() {
        return sibling;
    }
    PathBuf::from("/work/shared/fixtures")
}

/// `git add -A` and a commit as the test user.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(
        dir,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            message,
        ],
    );
}

/// A new repository on `main` in `dir` with everything in it committed.
pub fn init_and_commit(dir: &Path, message: &str) {
    git(dir, &["init", "-q", "-b", "main"]);
    commit_all(dir, message);
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == "__pycache__" || name == ".pytest_cache" {
            continue;
        }
        let dest = to.join(&name);
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Every file under `dir` (including `.git` internals) with its bytes: compare two of
/// these to prove a run left the tree byte-for-byte unchanged.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            let ft = entry.file_type().expect("type");
            if ft.is_dir() {
                stack.push(path);
            } else {
                let bytes = if ft.is_symlink() {
                    std::fs::read_link(&path)
                        .expect("link")
                        .to_string_lossy()
                        .as_bytes()
                        .to_vec()
                } else {
                    std::fs::read(&path).expect("read")
                };
                out.insert(path.strip_prefix(dir).expect("prefix").to_path_buf(), bytes);
            }
        }
    }
    out
}

/// Like [`snapshot`] but without `.self-heal/` (report, memory) which a run may write.
pub fn snapshot_sources(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".self-heal"))
        .collect()
}

/// Panics with the paths that differ (not the bytes) when two snapshots differ.
pub fn assert_same_tree(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let mut diff: Vec<String> = Vec::new();
    for (path, bytes) in before {
        match after.get(path) {
            None => diff.push(format!("removed {}", path.display())),
            Some(b) if b != bytes => diff.push(format!("changed {}", path.display())),
            _ => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        diff.push(format!("added {}", path.display()));
    }
    assert!(diff.is_empty(), "{what}: the tree changed: {diff:?}");
}
