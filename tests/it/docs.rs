//! The documentation cannot drift from the project: the README stays short with the
//! first steps on top, every relative link resolves (file and `#anchor`), and no doc
//! or source comment names a Markdown file the project lacks. The settings table is
//! compared with `settings::SETTINGS` by a unit test in `src/settings.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The project's own documents: README, CONTRIBUTING, ARCHITECTURE and `docs/*.md`.
fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"]
        .iter()
        .map(|n| root().join(n))
        .collect();
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/") {
        let path = entry.expect("docs/ entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    docs.sort();
    docs
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Lines outside fenced code blocks.
fn prose(text: &str) -> impl Iterator<Item = &str> {
    let mut fenced = false;
    text.lines().filter(move |line| {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            return false;
        }
        !fenced
    })
}

fn anchors(text: &str) -> BTreeSet<String> {
    prose(text)
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

/// Targets of `[text](target)` links in the document's prose.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(')') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn readme_is_short_and_starts_with_install_the_workflow_and_a_first_repair() {
    let readme = read(&root().join("README.md"));
    assert!(
        readme.len() <= 25 * 1024,
        "README.md is {} bytes; keep it under 25 KiB and move details to docs/",
        readme.len()
    );
    let first_screen: String = readme.lines().take(75).collect::<Vec<_>>().join("\n");
    for needle in [
        "cargo install",
        "uses: OWNER/self-heal@v1",
        "self-heal run --log",
    ] {
        assert!(
            first_screen.contains(needle),
            "README's first 75 lines lack {needle:?}"
        );
    }
    let workflow = readme
        .split("```yaml\n")
        .nth(1)
        .and_then(|w| w.split("```").next())
        .expect("README has a workflow");
    assert!(
        workflow.lines().count() <= 12,
        "the README's workflow is {} lines, more than 12",
        workflow.lines().count()
    );
    assert!(
        readme.contains("scripts/test.sh"),
        "README names the test command (.ci/run runs it)"
    );
}

#[test]
fn every_relative_link_in_the_docs_resolves() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text = read(&doc);
        let dir = doc.parent().expect("a document's directory");
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                doc.clone()
            } else {
                dir.join(path)
            };
            if !file.exists() {
                broken.push(format!("{}: {target} (no such file)", doc.display()));
                continue;
            }
            if !anchor.is_empty()
                && file.extension().is_some_and(|e| e == "md")
                && !anchors(&read(&file)).contains(anchor)
            {
                broken.push(format!("{}: {target} (no such heading)", doc.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Markdown files a user's repository holds, which docs may name.
const USERS_FILES: &[&str] = &["AGENTS.md", ".github/self-heal.md"];

/// `*.md` names in a text (a word ending in `.md`).
fn markdown_names(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || "._/-".contains(c)))
        .filter(|w| w.ends_with(".md") && w.len() > 3)
        .map(|w| w.trim_start_matches("./").to_string())
        .collect()
}

fn source_comments(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            source_comments(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let comments: Vec<String> = read(&path)
                .lines()
                .map(str::trim_start)
                .filter(|l| l.starts_with("//"))
                .map(str::to_string)
                .collect();
            out.push((path, comments.join("\n")));
        }
    }
}

#[test]
fn no_doc_or_source_comment_names_a_markdown_file_the_project_lacks() {
    let mut texts: Vec<(PathBuf, String)> = documents()
        .into_iter()
        .map(|d| {
            let t = read(&d);
            (d, t)
        })
        .collect();
    source_comments(&root().join("src"), &mut texts);
    let mut missing = Vec::new();
    for (file, text) in &texts {
        let dir = file.parent().expect("a file's directory");
        for name in markdown_names(text) {
            let known = USERS_FILES.iter().any(|u| name.ends_with(u))
                || name.starts_with(".github/self-heal/prompts/")
                // `system.md`/`user.md`: the prompts a repository may override.
                || root().join("prompts").join(&name).exists()
                || root().join(&name).exists()
                || dir.join(&name).exists();
            if !known {
                missing.push(format!("{}: {name}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "names of Markdown files the project does not have:\n{}",
        missing.join("\n")
    );
}
