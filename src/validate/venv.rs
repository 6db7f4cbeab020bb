//! Virtualenvs in the sandbox: a private copy of each venv at the top of the
//! checkout (or one level down, a monorepo project's `backend/.venv`), relocated to
//! the sandbox, and validation's environment pointed at it.
//!
//! A venv is a directory of the checkout or of one of its directories holding a
//! `pyvenv.cfg`, whatever its name (`.venv`, `venv`, `env`, ...), ignored or not: either way
//! the main copy leaves it out and it is copied here, file by file with
//! `fs::copy` (never a link to the original's files), keeping the files'
//! modification times so the `.pyc` caches stay valid. Its symlinks follow a
//! rule of their own: a link into the checkout is re-pointed into the sandbox,
//! a link out of it (`bin/python3 -> /usr/bin/python3.11`, the base interpreter
//! the venv runs on) is kept as it is. Venvs deeper in the tree are copied (or
//! not) like any other directory.
//!
//! A venv hard-codes absolute paths; in the copy only, these are rewritten:
//! - the venv's own path, in the text files of `bin/` (the scripts' shebangs
//!   `#!/repo/.venv/bin/python`, `activate*`'s `VIRTUAL_ENV`) and in `pyvenv.cfg`;
//! - the checkout's path, in the top level of `site-packages`: `*.pth`,
//!   `*.egg-link` and the editable-install finders `__editable__*.py`. Without
//!   it, a project installed with `pip install -e .` would import the
//!   original, unfixed sources in the sandbox.
//!
//! Each path is matched as given, in its canonical form, and as the venv
//! recorded it (`bin/activate`), and only as a whole path (`/repo` does not
//! match in `/repo2` or `/x/repo`). Files that hold a NUL byte (binaries) or are
//! bigger than 1 MiB are never rewritten.

use super::ValidateError;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// The largest virtualenv the sandbox gets a copy of, in bytes (its files, not
/// what its links point at). A bigger one is left to the ordinary copy: out when
/// ignored, else copied like any directory (unrelocated, without its links out).
pub const VENV_COPY_LIMIT: u64 = 1 << 30;

/// Files bigger than this are not rewritten: no launcher script, `.pth` or finder is.
const MAX_REWRITE: u64 = 1 << 20;

/// In a venv's copy: the canonical path of the original venv. Validation reads it
/// to point an active venv's `VIRTUAL_ENV` and `PATH` entry at the copy.
const ORIGIN_FILE: &str = ".self-heal-venv-origin";

/// The virtualenvs of at most `limit` bytes among the directories of `root` and their
/// subdirectories (a monorepo project's `backend/.venv`), relative to `root`, sorted.
pub(super) fn find(root: &Path, limit: u64) -> Vec<PathBuf> {
    let is_venv =
        |d: &Path| std::fs::symlink_metadata(d.join("pyvenv.cfg")).is_ok_and(|m| m.is_file());
    let mut found: Vec<PathBuf> = Vec::new();
    for top in subdirs(root) {
        if is_venv(&top) {
            found.push(top);
            continue;
        }
        let name = top.file_name().unwrap_or_default();
        if name == ".git" || name == "node_modules" || name == "target" {
            continue;
        }
        found.extend(subdirs(&top).into_iter().filter(|d| is_venv(d)));
    }
    let mut rels: Vec<PathBuf> = found
        .into_iter()
        .filter(|d| size_within(d, limit))
        .filter_map(|d| d.strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    rels.sort();
    rels
}

fn walk(dir: &Path) -> ignore::Walk {
    let mut b = ignore::WalkBuilder::new(dir);
    b.standard_filters(false).follow_links(false);
    b.build()
}

fn size_within(dir: &Path, limit: u64) -> bool {
    let mut size = 0u64;
    for entry in walk(dir).flatten() {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            size += entry.metadata().map(|m| m.len()).unwrap_or(0);
            if size > limit {
                return false;
            }
        }
    }
    true
}

/// The forms under which files may name the original checkout and its venv:
/// (checkout root, venv path) pairs, longest first.
fn path_forms(src_root: &Path, given_root: &Path, name: &Path) -> Vec<(PathBuf, PathBuf)> {
    let venv = src_root.join(name);
    let mut forms = vec![
        (src_root.to_path_buf(), venv.clone()),
        (given_root.to_path_buf(), given_root.join(name)),
    ];
    if let Some(recorded) = recorded_path(&venv) {
        let same = match (recorded.canonicalize(), venv.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        // The checkout is as many levels up as `name` has components (`backend/.venv`).
        let checkout = recorded.ancestors().nth(name.components().count());
        if let (true, Some(checkout)) = (same, checkout) {
            forms.push((checkout.to_path_buf(), recorded.clone()));
        }
    }
    // The file system's root as "the checkout" would match every path.
    forms.retain(|(r, _)| r.is_absolute() && r.parent().is_some());
    forms.sort_by(|a, b| {
        (b.0.as_os_str().len(), &b.0, &b.1).cmp(&(a.0.as_os_str().len(), &a.0, &a.1))
    });
    forms.dedup();
    forms
}

/// The venv's path as its `bin/activate` records it (`VIRTUAL_ENV="/x/.venv"`).
fn recorded_path(venv: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(venv.join("bin/activate")).ok()?;
    let mut rest = text.as_str();
    while let Some(at) = rest.find("VIRTUAL_ENV=") {
        rest = &rest[at + "VIRTUAL_ENV=".len()..];
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue; // `$(cygpath ...)` and the like
        };
        let value = rest[1..].split(q).next()?;
        if value.starts_with('/') && !value.contains('$') {
            return Some(PathBuf::from(value));
        }
    }
    None
}

/// Copies the venv `name` (relative) of `src_root` (canonical; `given_root` is the same
/// directory as the caller named it) into `dst_root` and relocates the copy.
pub(super) fn copy(
    src_root: &Path,
    given_root: &Path,
    dst_root: &Path,
    name: &Path,
) -> Result<(), ValidateError> {
    let err = |what: &str, p: &Path, e: std::io::Error| {
        ValidateError::Sandbox(format!("{what} {}: {e}", p.display()))
    };
    let forms = path_forms(src_root, given_root, name);
    for entry in walk(&src_root.join(name)) {
        let entry = entry.map_err(|e| ValidateError::Sandbox(e.to_string()))?;
        let src = entry.path();
        let Ok(rel) = src.strip_prefix(src_root) else {
            continue;
        };
        let dst = dst_root.join(rel);
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() {
            std::fs::create_dir_all(&dst).map_err(|e| err("cannot create", &dst, e))?;
        } else if ft.is_file() {
            std::fs::copy(src, &dst).map_err(|e| err("cannot copy", src, e))?;
            super::sandbox::keep_modified(src, &dst);
        } else if ft.is_symlink() {
            let Ok(target) = std::fs::read_link(src) else {
                continue;
            };
            let link_to = link_target(src, &target, &forms, dst_root);
            #[cfg(unix)]
            std::os::unix::fs::symlink(&link_to, &dst).map_err(|e| err("cannot link", &dst, e))?;
            #[cfg(not(unix))]
            let _ = link_to;
        }
    }
    let dst_venv = dst_root.join(name);
    relocate(&dst_venv, dst_root, &forms).map_err(|e| err("cannot relocate", &dst_venv, e))?;
    let origin = src_root.join(name);
    std::fs::write(
        dst_venv.join(ORIGIN_FILE),
        origin.as_os_str().as_encoded_bytes(),
    )
    .map_err(|e| err("cannot write", &dst_venv, e))
}

/// Where the copy of the link `src -> target` points: into the sandbox when the
/// target is in the checkout (a relative target stays relative), else where the
/// original points (a relative one made absolute, so it still reaches it).
fn link_target(
    src: &Path,
    target: &Path,
    forms: &[(PathBuf, PathBuf)],
    dst_root: &Path,
) -> PathBuf {
    let absolute = match src.parent() {
        Some(dir) if target.is_relative() => normalize(&dir.join(target)),
        _ => normalize(target),
    };
    let inside = forms
        .iter()
        .find_map(|(root, _)| absolute.strip_prefix(root).ok());
    match inside {
        Some(_) if target.is_relative() => target.to_path_buf(),
        Some(rel) => dst_root.join(rel),
        None => absolute,
    }
}

/// `a/b/../c/./d` → `a/c/d`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Rewrites the original's paths in the venv copy `venv` (see the module doc).
fn relocate(venv: &Path, dst_root: &Path, forms: &[(PathBuf, PathBuf)]) -> std::io::Result<()> {
    let bytes = |p: &Path| p.as_os_str().as_encoded_bytes().to_vec();
    let venv_pairs: Vec<(Vec<u8>, Vec<u8>)> =
        forms.iter().map(|(_, v)| (bytes(v), bytes(venv))).collect();
    let root_pairs: Vec<(Vec<u8>, Vec<u8>)> = forms
        .iter()
        .map(|(r, _)| (bytes(r), bytes(dst_root)))
        .collect();

    rewrite(&venv.join("pyvenv.cfg"), &venv_pairs)?;
    for file in files_in(&venv.join("bin")) {
        rewrite(&file, &venv_pairs)?;
    }
    for lib in subdirs(&venv.join("lib")) {
        let site = lib.join("site-packages");
        for file in files_in(&site) {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            let editable = name.starts_with("__editable__") && name.ends_with(".py");
            if !(name.ends_with(".pth") || name.ends_with(".egg-link") || editable) {
                continue;
            }
            if rewrite(&file, &root_pairs)? && editable {
                // A cached .pyc of the old text could be taken for the new one
                // (same second, same size): recompiled from the rewritten file.
                let stem = name.trim_end_matches(".py");
                for pyc in files_in(&site.join("__pycache__")) {
                    let n = pyc.file_name().unwrap_or_default().to_string_lossy();
                    if n.starts_with(&format!("{stem}.")) {
                        std::fs::remove_file(&pyc)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Regular files (not links) directly in `dir`.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    entries_of(dir, |t| t.is_file())
}

/// Directories (not links to one) directly in `dir`: `lib64 -> lib` is skipped.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    entries_of(dir, |t| t.is_dir())
}

fn entries_of(dir: &Path, keep: impl Fn(&std::fs::FileType) -> bool) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .filter(|e| e.file_type().is_ok_and(|t| keep(&t)))
        .map(|e| e.path())
        .collect()
}

/// Replaces the pairs' paths in the text file `path`; false when it is missing,
/// binary, too big, or names none of them.
fn rewrite(path: &Path, pairs: &[(Vec<u8>, Vec<u8>)]) -> std::io::Result<bool> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(false);
    };
    if !meta.is_file() || meta.len() > MAX_REWRITE {
        return Ok(false);
    }
    let text = std::fs::read(path)?;
    if text.contains(&0) {
        return Ok(false);
    }
    let Some(new) = replace_paths(&text, pairs) else {
        return Ok(false);
    };
    if let Err(e) = std::fs::write(path, &new) {
        // A read-only copy (the original's mode): writable for the rewrite only.
        if e.kind() != std::io::ErrorKind::PermissionDenied {
            return Err(e);
        }
        let mode = meta.permissions();
        let mut writable = mode.clone();
        #[allow(clippy::permissions_set_readonly_false)]
        writable.set_readonly(false);
        std::fs::set_permissions(path, writable)?;
        std::fs::write(path, &new)?;
        std::fs::set_permissions(path, mode)?;
    }
    Ok(true)
}

/// Bytes that may come right before a path in the files rewritten: the start of a
/// line, a shebang's `!`, a quote, an assignment, a list separator.
fn starts_path(b: u8) -> bool {
    matches!(
        b,
        b'\n'
            | b'\r'
            | b'\t'
            | b' '
            | b'"'
            | b'\''
            | b'!'
            | b'='
            | b':'
            | b';'
            | b','
            | b'('
            | b'['
            | b'{'
    )
}

/// Bytes that may come right after a whole path: a separator of the path's own
/// components, or the end of the string it is in.
fn ends_path(b: u8) -> bool {
    matches!(
        b,
        b'/' | b'\n'
            | b'\r'
            | b'\t'
            | b' '
            | b'"'
            | b'\''
            | b':'
            | b';'
            | b','
            | b')'
            | b']'
            | b'}'
    )
}

/// `text` with each whole-path occurrence of a pair's first path replaced by its
/// second, in one pass (a replacement is never matched again); None when none
/// occurs. `pairs` longest first, so the deepest form wins.
fn replace_paths(text: &[u8], pairs: &[(Vec<u8>, Vec<u8>)]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < text.len() {
        let hit = (text[i] == b'/' && (i == 0 || starts_path(text[i - 1])))
            .then(|| {
                pairs.iter().find(|(from, _)| {
                    !from.is_empty()
                        && text[i..].starts_with(from)
                        && text.get(i + from.len()).is_none_or(|b| ends_path(*b))
                })
            })
            .flatten();
        match hit {
            Some((from, to)) => {
                out.extend_from_slice(to);
                i += from.len();
                changed = true;
            }
            None => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    changed.then_some(out)
}

/// The venv copies in the sandbox at `root` (as [`find`] looks for them: in its
/// directories and theirs): (original venv, its copy).
fn copies(root: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let dirs = subdirs(root)
        .into_iter()
        .flat_map(|d| std::iter::once(d.clone()).chain(subdirs(&d)));
    for dir in dirs {
        let Ok(bytes) = std::fs::read(dir.join(ORIGIN_FILE)) else {
            continue;
        };
        #[cfg(unix)]
        let origin = {
            use std::os::unix::ffi::OsStringExt;
            PathBuf::from(OsString::from_vec(bytes))
        };
        #[cfg(not(unix))]
        let origin = PathBuf::from(String::from_utf8_lossy(&bytes).into_owned());
        if origin.is_absolute() && !same_dir(&origin, &dir) {
            out.push((origin, dir));
        }
    }
    out
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// Validation's environment in the sandbox at `root`: where the original of a venv
/// copied there is active (`VIRTUAL_ENV` is it, or a `PATH` entry is its `bin/`),
/// the copy takes its place. A venv that is not active is not put on `PATH`:
/// commands that name it (`.venv/bin/pytest`) reach the copy by its relative path.
pub(super) fn redirect_env(env: &mut [(OsString, OsString)], root: &Path) {
    let copies = copies(root);
    if copies.is_empty() {
        return;
    }
    for (key, value) in env.iter_mut() {
        if key == "VIRTUAL_ENV" {
            if let Some((_, copy)) = copies.iter().find(|(o, _)| same_dir(Path::new(value), o)) {
                *value = copy.clone().into_os_string();
            }
        } else if key == "PATH" {
            let mut changed = false;
            let entries: Vec<PathBuf> = std::env::split_paths(value)
                .map(|entry| {
                    match copies.iter().find(|(o, _)| {
                        !entry.as_os_str().is_empty() && same_dir(&entry, &o.join("bin"))
                    }) {
                        Some((_, copy)) => {
                            changed = true;
                            copy.join("bin")
                        }
                        None => entry,
                    }
                })
                .collect();
            if let (true, Ok(joined)) = (changed, std::env::join_paths(entries)) {
                *value = joined;
            }
        }
    }
}

/// Removes the venv copies from the sandbox at `root`: for docker validation,
/// where the links to this machine's interpreter lead nowhere and the image's
/// Python is the one to use.
pub(super) fn remove_copies(root: &Path) -> std::io::Result<()> {
    for (_, copy) in copies(root) {
        std::fs::remove_dir_all(copy)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(Vec<u8>, Vec<u8>)> {
        p.iter()
            .map(|(a, b)| (a.as_bytes().to_vec(), b.as_bytes().to_vec()))
            .collect()
    }

    fn replaced(text: &str, p: &[(&str, &str)]) -> Option<String> {
        replace_paths(text.as_bytes(), &pairs(p)).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn only_whole_paths_are_replaced_and_once() {
        let p = [("/repo/.venv", "/tmp/sb/.venv")];
        assert_eq!(
            replaced("#!/repo/.venv/bin/python\n", &p).as_deref(),
            Some("#!/tmp/sb/.venv/bin/python\n")
        );
        assert_eq!(
            replaced("VIRTUAL_ENV=\"/repo/.venv\"\nexport VIRTUAL_ENV\n", &p).as_deref(),
            Some("VIRTUAL_ENV=\"/tmp/sb/.venv\"\nexport VIRTUAL_ENV\n")
        );
        for untouched in [
            "#!/repo/.venv2/bin/python\n",
            "#!/x/repo/.venv/bin/python\n",
            "#!/usr/bin/python3\n",
        ] {
            assert_eq!(replaced(untouched, &p), None, "{untouched}");
        }
        // A replacement that contains the original is not replaced again.
        let p = [("/tmp", "/tmp/sb")];
        assert_eq!(
            replaced("/tmp/src\n/tmp\n", &p).as_deref(),
            Some("/tmp/sb/src\n/tmp/sb\n")
        );
    }

    #[test]
    fn the_longest_form_wins() {
        let p = [("/home/u/repo", "/sb"), ("/repo", "/other")];
        assert_eq!(
            replaced("x = ['/home/u/repo/src', '/repo/src']", &p).as_deref(),
            Some("x = ['/sb/src', '/other/src']")
        );
    }

    #[test]
    fn links_into_the_checkout_move_into_the_sandbox_and_links_out_stay() {
        let forms = vec![(PathBuf::from("/repo"), PathBuf::from("/repo/.venv"))];
        let sb = Path::new("/sb");
        let link = Path::new("/repo/.venv/bin/python3");
        assert_eq!(
            link_target(link, Path::new("/usr/bin/python3.11"), &forms, sb),
            PathBuf::from("/usr/bin/python3.11")
        );
        assert_eq!(
            link_target(link, Path::new("python3.11"), &forms, sb),
            PathBuf::from("python3.11")
        );
        assert_eq!(
            link_target(link, Path::new("/repo/src/pkg"), &forms, sb),
            PathBuf::from("/sb/src/pkg")
        );
        // Relative, but out of the checkout: still the same file from the sandbox.
        assert_eq!(
            link_target(link, Path::new("../../../opt/py/bin/python3"), &forms, sb),
            PathBuf::from("/opt/py/bin/python3")
        );
    }

    /// What setuptools writes for `pip install -e .` of a flat layout (a finder
    /// with the package's path) and of a src layout (a path in a `.pth`).
    #[test]
    fn editable_installs_and_scripts_are_relocated_in_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("repo");
        let site = src.join(".venv/lib/python3.11/site-packages");
        std::fs::create_dir_all(site.join("__pycache__")).unwrap();
        std::fs::create_dir_all(src.join(".venv/bin")).unwrap();
        let repo = src.display().to_string();
        std::fs::write(src.join(".venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        std::fs::write(
            src.join(".venv/bin/activate"),
            format!("VIRTUAL_ENV=\"{repo}/.venv\"\nexport VIRTUAL_ENV\n"),
        )
        .unwrap();
        std::fs::write(
            src.join(".venv/bin/pytest"),
            format!("#!{repo}/.venv/bin/python\nimport sys\n"),
        )
        .unwrap();
        let binary = [b"\x7fELF\0".as_slice(), repo.as_bytes()].concat();
        std::fs::write(src.join(".venv/bin/tool"), &binary).unwrap();
        std::fs::write(
            site.join("__editable__.calc-0.1.pth"),
            format!("{repo}/src\n"),
        )
        .unwrap();
        let finder = format!("MAPPING = {{'calc': '{repo}/calc'}}\nNAMESPACES = {{}}\n");
        std::fs::write(site.join("__editable___calc_0_1_finder.py"), &finder).unwrap();
        std::fs::write(
            site.join("__pycache__/__editable___calc_0_1_finder.cpython-311.pyc"),
            b"stale",
        )
        .unwrap();
        std::fs::write(site.join("other.py"), format!("P = '{repo}/src'\n")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/usr/bin/python3", src.join(".venv/bin/python3")).unwrap();
            std::os::unix::fs::symlink(src.join("calc"), site.join("calc-link")).unwrap();
        }
        let canon = src.canonicalize().unwrap();
        let dst = dir.path().join("sb");
        std::fs::create_dir_all(&dst).unwrap();
        copy(&canon, &src, &dst, Path::new(".venv")).unwrap();

        let sb = dst.display().to_string();
        let read = |rel: &str| std::fs::read_to_string(dst.join(".venv").join(rel)).unwrap();
        let dsite = "lib/python3.11/site-packages";
        assert_eq!(
            read("bin/pytest"),
            format!("#!{sb}/.venv/bin/python\nimport sys\n")
        );
        assert!(read("bin/activate").starts_with(&format!("VIRTUAL_ENV=\"{sb}/.venv\"")));
        assert_eq!(
            std::fs::read(dst.join(".venv/bin/tool")).unwrap(),
            binary,
            "binaries untouched"
        );
        assert_eq!(
            read(&format!("{dsite}/__editable__.calc-0.1.pth")),
            format!("{sb}/src\n")
        );
        assert_eq!(
            read(&format!("{dsite}/__editable___calc_0_1_finder.py")),
            format!("MAPPING = {{'calc': '{sb}/calc'}}\nNAMESPACES = {{}}\n")
        );
        assert!(
            files_in(&dst.join(".venv").join(dsite).join("__pycache__")).is_empty(),
            "the finder's stale .pyc is gone"
        );
        assert_eq!(
            read(&format!("{dsite}/other.py")),
            format!("P = '{repo}/src'\n")
        );
        #[cfg(unix)]
        {
            let link = |rel: &str| std::fs::read_link(dst.join(".venv").join(rel)).unwrap();
            assert_eq!(link("bin/python3"), PathBuf::from("/usr/bin/python3"));
            assert_eq!(link(&format!("{dsite}/calc-link")), dst.join("calc"));
        }
        // The original is as it was.
        assert_eq!(
            std::fs::read_to_string(site.join("__editable__.calc-0.1.pth")).unwrap(),
            format!("{repo}/src\n")
        );
        assert!(!src.join(".venv").join(ORIGIN_FILE).exists());

        // An active original venv is replaced by the copy in the environment.
        let path =
            std::env::join_paths([canon.join(".venv/bin"), PathBuf::from("/usr/bin")]).unwrap();
        let mut env = vec![
            (
                OsString::from("VIRTUAL_ENV"),
                src.join(".venv").into_os_string(),
            ),
            (OsString::from("PATH"), path),
            (OsString::from("HOME"), src.join(".venv").into_os_string()),
        ];
        redirect_env(&mut env, &dst);
        assert_eq!(env[0].1, dst.join(".venv").into_os_string());
        let entries: Vec<PathBuf> = std::env::split_paths(&env[1].1).collect();
        assert_eq!(
            entries,
            vec![dst.join(".venv/bin"), PathBuf::from("/usr/bin")]
        );
        assert_eq!(
            env[2].1,
            src.join(".venv").into_os_string(),
            "only those two"
        );

        remove_copies(&dst).unwrap();
        assert!(!dst.join(".venv").exists());
        assert!(src.join(".venv/pyvenv.cfg").exists());
    }

    #[test]
    fn only_venvs_within_the_limit_are_found() {
        let dir = tempfile::tempdir().unwrap();
        for (name, size) in [("env", 10usize), ("big", 1000), ("plain", 10)] {
            let d = dir.path().join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("data"), vec![b'x'; size]).unwrap();
            if name != "plain" {
                std::fs::write(d.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
            }
        }
        assert_eq!(find(dir.path(), 100), vec![PathBuf::from("env")]);
        assert_eq!(
            find(dir.path(), 10_000),
            vec![PathBuf::from("big"), PathBuf::from("env")]
        );
    }
}
