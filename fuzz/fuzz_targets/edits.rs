//! Edit application: path policy + search/replace planning on a small checkout, with
//! paths, search and replace texts from the input. Accepted paths stay in the root and
//! never touch a protected path; planning never writes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use self_heal::repair::edits::{plan_edits, unified_diff, Edit};
use self_heal::repair::policy::{is_protected, normalize, PathPolicy};
use std::path::PathBuf;
use std::sync::OnceLock;

const A_PY: &str = "def f(x):\n    return x + 1\n\n\ndef g():\n    return f(1)\n";

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir").keep();
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join("src/a.py"), A_PY).unwrap();
        std::fs::write(dir.join("src/crlf.py"), "a = 1\r\nb = 2\r\n").unwrap();
        std::fs::write(dir.join(".git/config"), "[core]\n").unwrap();
        #[cfg(unix)]
        let _ = std::os::unix::fs::symlink("/tmp", dir.join("out"));
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // path \x1f search \x1f replace, edits separated by \x1e.
    let edits: Vec<Edit> = text
        .split('\u{1e}')
        .take(8)
        .map(|e| {
            let mut parts = e.splitn(3, '\u{1f}');
            Edit {
                path: parts.next().unwrap_or_default().to_string(),
                search: parts.next().unwrap_or_default().to_string(),
                replace: parts.next().unwrap_or_default().to_string(),
            }
        })
        .collect();
    let root = root();
    let policy = PathPolicy::new(&[], false).unwrap();
    for e in &edits {
        if let Ok(abs) = policy.check(root, &e.path) {
            assert!(abs.starts_with(root), "{abs:?} outside the root");
            let norm = normalize(&e.path).expect("accepted paths normalise");
            assert!(!is_protected(&norm), "{norm} is protected");
        }
    }
    if let Ok(changes) = plan_edits(root, &edits, &policy) {
        let _ = unified_diff(&changes);
    }
    assert_eq!(
        std::fs::read_to_string(root.join("src/a.py")).unwrap(),
        A_PY,
        "planning wrote to the checkout"
    );
});
