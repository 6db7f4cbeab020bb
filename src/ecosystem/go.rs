//! Go: `go test` on modules (go.mod).

use super::{sh_quote, Ecosystem, Language};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Go;

impl Ecosystem for Go {
    fn language(&self) -> Language {
        Language::Go
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["golang"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &["go", "go test", "go vet", "govet", "golangci-lint", "gofmt"]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["go"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        (ext == "go").then_some("go")
    }

    fn detect_test_command(&self, root: &Path, _declared: bool) -> Option<String> {
        root.join("go.mod")
            .exists()
            .then(|| "go test ./...".to_string())
    }

    fn scoped_command(&self, tests: &[&str]) -> Option<String> {
        scope(tests)
    }

    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool> {
        (ext == "go").then(|| stem.ends_with("_test"))
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["gofmt", "go-undefined"]
    }

    fn docker_image(&self) -> &'static str {
        "golang:1"
    }
}

/// Go ids as `pkg TestName`, `pkg.TestName` or `pkg/TestName` (subtests after `/`
/// run through their top-level test); one `go test` per package.
fn scope(tests: &[&str]) -> Option<String> {
    let mut by_pkg: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tests {
        let (pkg, name) = split_go_id(t);
        let top = name.split('/').next().unwrap_or(&name).to_string();
        if top.is_empty() {
            continue;
        }
        let names = by_pkg.entry(pkg).or_default();
        if !names.contains(&top) {
            names.push(top);
        }
    }
    if by_pkg.is_empty() {
        return None;
    }
    let cmds: Vec<String> = by_pkg
        .into_iter()
        .map(|(pkg, names)| {
            let escaped: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
            format!(
                "go test -run {} {}",
                sh_quote(&format!("^({})$", escaped.join("|"))),
                sh_quote(&pkg)
            )
        })
        .collect();
    Some(cmds.join(" && "))
}

fn split_go_id(id: &str) -> (String, String) {
    if let Some((pkg, name)) = id.rsplit_once(char::is_whitespace) {
        return (go_pkg(pkg.trim()), name.to_string());
    }
    // The test name is the first segment starting with Test/Example/Benchmark/Fuzz.
    let is_name = |s: &str| {
        ["Test", "Example", "Benchmark", "Fuzz"]
            .iter()
            .any(|p| s.starts_with(p))
    };
    for (i, c) in id.char_indices() {
        if (c == '.' || c == '/') && is_name(&id[i + 1..]) {
            return (go_pkg(&id[..i]), id[i + 1..].to_string());
        }
    }
    ("./...".to_string(), id.to_string())
}

fn go_pkg(pkg: &str) -> String {
    if pkg.is_empty() {
        "./...".to_string()
    } else if pkg.contains('.') && !pkg.starts_with('.') {
        // An import path (`example.com/m/pkg`) is what `go test` takes as is.
        pkg.to_string()
    } else if pkg.starts_with("./") || pkg == "." {
        pkg.to_string()
    } else {
        format!("./{pkg}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::{scoped_command, Language};

    #[test]
    fn go_ids_group_by_package() {
        let ids = vec![
            "pkg/calc TestAdd".to_string(),
            "pkg/calc.TestSub/neg".to_string(),
        ];
        assert_eq!(
            scoped_command(Some(Language::Go), &ids).as_deref(),
            Some("go test -run '^(TestAdd|TestSub)$' ./pkg/calc")
        );
    }
}
