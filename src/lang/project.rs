//! Where a project's tests run when it is not at the checkout's root: a monorepo's
//! `backend/go.mod`, `web/package.json`. GitHub's logs do not print a step's
//! `working-directory`, so it is taken from the step's own `cd dir && ...`, else from
//! the files the failures are in: the outermost directory above them that holds one
//! of the language's [`manifests`](super::Ecosystem::manifests). Outermost, because a
//! Maven reactor, a cargo workspace or an npm workspace runs its tests from the top.

use super::Language;
use std::path::{Component, Path, PathBuf};

/// The directory, relative to `root`, that the tests of `language` run in for failures in
/// `files` (relative to `root`) of the tests `ids`; None for the root itself: it holds a
/// manifest of the language, a test id names a file from the root (`tests/test_a.py::t`
/// ran from there), nothing is known, or no file is in a project.
pub fn project_dir(
    root: &Path,
    language: Option<Language>,
    files: &[&str],
    ids: &[&str],
) -> Option<PathBuf> {
    let manifests = language?.manifests();
    let holds = |dir: &Path| manifests.iter().any(|m| root.join(dir).join(m).is_file());
    if holds(Path::new("")) {
        return None;
    }
    let from_root = |id: &&str| {
        id.split_once("::")
            .and_then(|(file, _)| plain_relative(file))
            .is_some_and(|f| root.join(f).is_file())
    };
    if ids.iter().any(from_root) {
        return None;
    }
    files.iter().find_map(|file| {
        let rel = plain_relative(file)?;
        // Ancestors go from the nearest up: the last one holding a manifest is outermost.
        rel.ancestors()
            .skip(1)
            .filter(|d| !d.as_os_str().is_empty() && holds(d))
            .last()
            .map(Path::to_path_buf)
    })
}

/// `cd web && npm test` → (`web`, `npm test`): a leading `cd` into a plain relative
/// directory of `root`, followed by `&&`, `;` or a new line.
pub fn leading_cd(root: &Path, command: &str) -> Option<(PathBuf, String)> {
    let rest = command.trim_start().strip_prefix("cd ")?.trim_start();
    let end = rest.find(|c: char| c.is_whitespace() || c == ';' || c == '&')?;
    let dir = rest[..end].trim_matches(['"', '\'']);
    let after = rest[end..].trim_start();
    let tail = after
        .strip_prefix("&&")
        .or_else(|| after.strip_prefix(';'))
        .or_else(|| rest[end..].starts_with('\n').then_some(after))?;
    let rel = plain_relative(dir)?;
    let tail = tail.trim_start();
    (root.join(&rel).is_dir() && !tail.is_empty() && !rel.as_os_str().is_empty())
        .then(|| (rel, tail.to_string()))
}

/// `a/./b/` → `a/b`; None for an absolute path, `..`, or a shell word (`$X`, `~`, globs).
fn plain_relative(path: &str) -> Option<PathBuf> {
    if path.contains(['$', '~', '*', '?', '`', '{']) {
        return None;
    }
    let mut out = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        dir
    }

    #[test]
    fn the_outermost_project_above_the_failing_file_is_where_tests_run() {
        let t = tree(&[
            "backend/go.mod",
            "backend/words/count_test.go",
            "web/package.json",
            "web/packages/ui/package.json",
            "web/packages/ui/src/a.test.js",
        ]);
        let at = |l, f: &str| project_dir(t.path(), Some(l), &[f], &[]);
        assert_eq!(
            at(Language::named("go"), "backend/words/count_test.go"),
            Some("backend".into())
        );
        assert_eq!(
            at(
                Language::named("javascript"),
                "web/packages/ui/src/a.test.js"
            ),
            Some("web".into()),
            "a workspace runs from its top"
        );
        assert_eq!(
            at(Language::named("javascript"), "./web/x.js"),
            Some("web".into())
        );
        // A file in no project, a path leaving the checkout, no language: the root.
        assert_eq!(
            at(Language::named("rust"), "backend/words/count_test.go"),
            None
        );
        assert_eq!(
            at(Language::named("go"), "../backend/words/count_test.go"),
            None
        );
        assert_eq!(
            project_dir(t.path(), None, &["backend/words/count_test.go"], &[]),
            None
        );
    }

    #[test]
    fn a_manifest_at_the_root_keeps_the_root() {
        let t = tree(&["go.mod", "tools/go.mod", "tools/x_test.go"]);
        assert_eq!(
            project_dir(
                t.path(),
                Some(Language::named("go")),
                &["tools/x_test.go"],
                &[]
            ),
            None
        );
    }

    /// A repository with no manifest at its root whose pytest ran from the root: the
    /// node id names the file from there, so a plugin's own `setup.py` is not the project.
    #[test]
    fn test_ids_that_name_files_from_the_root_keep_the_root() {
        let t = tree(&["plugins/foo/setup.py", "plugins/foo/tests/test_a.py"]);
        let file = ["plugins/foo/tests/test_a.py"];
        assert_eq!(
            project_dir(
                t.path(),
                Some(Language::named("python")),
                &file,
                &["plugins/foo/tests/test_a.py::t"]
            ),
            None
        );
        assert_eq!(
            project_dir(
                t.path(),
                Some(Language::named("python")),
                &file,
                &["tests/test_a.py::t"]
            ),
            Some("plugins/foo".into())
        );
    }

    #[test]
    fn a_leading_cd_names_the_directory_and_the_rest_is_the_command() {
        let t = tree(&["web/package.json"]);
        let cd = |c: &str| leading_cd(t.path(), c);
        let want = |rest: &str| Some((PathBuf::from("web"), rest.to_string()));
        assert_eq!(cd("cd web && npm test"), want("npm test"));
        assert_eq!(cd("cd ./web/; npx jest --ci"), want("npx jest --ci"));
        assert_eq!(cd("cd web\nnpm test -- --ci"), want("npm test -- --ci"));
        assert_eq!(cd("cd \"web\" && npm test"), want("npm test"));
        for no in [
            "cd missing && npm test",
            "cd /abs && npm test",
            "cd .. && npm test",
            "cd $DIR && npm test",
            "cd web",
            "cd web || exit 1",
            "npm test",
            "cd . && npm test",
        ] {
            assert_eq!(cd(no), None, "{no}");
        }
    }
}
