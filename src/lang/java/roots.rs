//! Java's source roots: Maven's `sourceDirectory`/`testSourceDirectory` (the
//! `src/main/java`/`src/test/java` defaults otherwise) through its `modules`, and
//! Gradle's `sourceSets` `srcDir`/`srcDirs`.

use crate::lang::context::{join, RepoView};
use crate::lang::roots::{quoted_strings, xml_values, SourceRoots};

/// Module depth followed at most (a module's modules, ...).
const MAX_DEPTH: usize = 4;
/// Modules followed at most.
const MAX_MODULES: usize = 200;

pub fn source_roots(repo: &dyn RepoView) -> SourceRoots {
    let mut out = SourceRoots::default();
    let mut pending = vec![(String::new(), 0usize)];
    let mut seen = 0;
    while let Some((dir, depth)) = pending.pop() {
        seen += 1;
        if seen > MAX_MODULES {
            break;
        }
        if let Some(pom) = repo.read(&join(&dir, "pom.xml")) {
            let main = xml_values(&pom, "sourceDirectory");
            let test = xml_values(&pom, "testSourceDirectory");
            out.add(
                &dir,
                main.first().map_or("src/main/java", String::as_str),
                false,
            );
            out.add(
                &dir,
                test.first().map_or("src/test/java", String::as_str),
                true,
            );
            if depth < MAX_DEPTH {
                for m in xml_values(&pom, "module") {
                    pending.push((join(&dir, &m), depth + 1));
                }
            }
        }
        for build in ["build.gradle", "build.gradle.kts"] {
            if let Some(text) = repo.read(&join(&dir, build)) {
                gradle_source_sets(&text, &dir, &mut out);
            }
        }
    }
    out
}

/// `sourceSets { main { java { srcDirs = ['x'] } } test { java.srcDir 'y' } }`: the
/// directories named in each set's block (the first level of braces after its name).
fn gradle_source_sets(text: &str, dir: &str, out: &mut SourceRoots) {
    let Some(at) = text.find("sourceSets") else {
        return;
    };
    let body = &text[at..];
    for (set, is_test) in [("main", false), ("test", true)] {
        let mut from = 0;
        while let Some(i) = body[from..].find(set) {
            let start = from + i;
            from = start + set.len();
            let before = body[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let after = body[from..].trim_start();
            if !after.starts_with('{') {
                continue;
            }
            let block = block_of(&body[from..]);
            for line in block.lines().filter(|l| l.contains("srcDir")) {
                for s in quoted_strings(line) {
                    out.add(dir, &s, is_test);
                }
            }
            break;
        }
    }
}

/// The text from the first `{` to its matching `}`.
fn block_of(text: &str) -> &str {
    let Some(open) = text.find('{') else {
        return "";
    };
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open..open + i + 1];
                }
            }
            _ => {}
        }
    }
    &text[open..]
}
