//! Where a project's code and tests are, as its build files say (`Lang::source_roots`):
//! Maven's `sourceDirectory`/`testSourceDirectory` and modules, Gradle's `sourceSets`,
//! pyproject/setup.cfg package directories, package.json/tsconfig entry points, Cargo
//! workspace members. Localization reads these first and counts what is under a test
//! root as test code, whatever its directory is called.

use super::context::{join, normalize, RepoView};

/// Directories relative to the checkout's root, `/`-separated, without a trailing `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceRoots {
    pub main: Vec<String>,
    pub test: Vec<String>,
}

impl SourceRoots {
    /// Adds `dir` (relative to `base`) to `main` or `test`, once; a path that climbs
    /// out of the checkout is dropped.
    pub fn add(&mut self, base: &str, dir: &str, test: bool) {
        let dir = dir.trim().trim_start_matches("./").trim_end_matches('/');
        if dir.is_empty() || dir.starts_with('/') || dir.contains('$') || dir.contains('*') {
            return;
        }
        let Some(p) = normalize(&join(base, dir)) else {
            return;
        };
        let list = if test { &mut self.test } else { &mut self.main };
        if !list.contains(&p) {
            list.push(p);
        }
    }

    pub fn extend(&mut self, other: SourceRoots) {
        for m in other.main {
            if !self.main.contains(&m) {
                self.main.push(m);
            }
        }
        for t in other.test {
            if !self.test.contains(&t) {
                self.test.push(t);
            }
        }
    }
}

/// Every registered language's roots for the checkout, the given language's first.
pub fn source_roots(repo: &dyn RepoView, first: Option<super::Language>) -> SourceRoots {
    let mut out = SourceRoots::default();
    for l in first
        .into_iter()
        .chain(super::Language::all().filter(|l| Some(*l) != first))
    {
        out.extend(l.source_roots(repo));
    }
    out
}

/// The text of every `<tag>…</tag>` in `xml` (no nesting, comments dropped).
pub(crate) fn xml_values(xml: &str, tag: &str) -> Vec<String> {
    let xml = strip_xml_comments(xml);
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml.as_str();
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let Some(j) = rest.find(&close) else { break };
        out.push(rest[..j].trim().to_string());
        rest = &rest[j + close.len()..];
    }
    out
}

fn strip_xml_comments(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(j) => rest = &rest[i + j + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Quoted strings (`"a"`, `'b'`) in `text`.
pub(crate) fn quoted_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' || c == '\'' {
            let start = i + 1;
            let mut end = None;
            for (j, d) in chars.by_ref() {
                if d == c {
                    end = Some(j);
                    break;
                }
            }
            if let Some(e) = end {
                out.push(text[start..e].to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::context::Files;

    #[test]
    fn maven_custom_directories_and_modules() {
        let repo = Files(&[
            (
                "pom.xml",
                "<project><modules><module>core</module><!-- <module>old</module> --></modules>\
                 <build><sourceDirectory>src</sourceDirectory><testSourceDirectory>test</testSourceDirectory></build></project>",
            ),
            ("core/pom.xml", "<project><build></build></project>"),
        ]);
        let r = source_roots(&repo, Some(crate::lang::Language::named("java")));
        assert!(r.main.contains(&"src".to_string()), "{r:?}");
        assert!(r.test.contains(&"test".to_string()), "{r:?}");
        assert!(r.main.contains(&"core/src/main/java".to_string()), "{r:?}");
        assert!(r.test.contains(&"core/src/test/java".to_string()), "{r:?}");
        assert!(!r.main.iter().any(|m| m.starts_with("old")), "{r:?}");
    }

    #[test]
    fn gradle_python_cargo_and_node_roots() {
        let repo = Files(&[
            (
                "build.gradle",
                "sourceSets {\n  main {\n    java { srcDirs = ['lib'] }\n  }\n  test {\n    java.srcDir 'checks'\n  }\n}\n",
            ),
            (
                "pyproject.toml",
                "[tool.setuptools.packages.find]\nwhere = [\"python\"]\n[tool.pytest.ini_options]\ntestpaths = [\"qa\"]\n",
            ),
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/a\", \"tool\"]\n"),
            ("package.json", "{\"main\": \"lib/index.js\", \"exports\": {\".\": \"./lib/index.js\"}}"),
            ("tsconfig.json", "{\"compilerOptions\": {\"rootDir\": \"source\"}}"),
        ]);
        let r = source_roots(&repo, None);
        for m in ["lib", "python", "crates/a/src", "tool/src", "source"] {
            assert!(r.main.contains(&m.to_string()), "{m}: {r:?}");
        }
        for t in ["checks", "qa", "crates/a/tests"] {
            assert!(r.test.contains(&t.to_string()), "{t}: {r:?}");
        }
    }
}
