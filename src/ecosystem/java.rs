//! Java and the JVM languages: maven (surefire) and gradle projects.

use super::{sh_quote, Ecosystem, Language};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Java;

impl Ecosystem for Java {
    fn language(&self) -> Language {
        Language::Java
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["kotlin", "maven", "gradle"]
    }

    fn tools(&self) -> &'static [&'static str] {
        &[
            "maven", "gradle", "junit", "javac", "surefire", "failsafe", "ant", "sbt", "kotlinc",
        ]
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["java", "kt", "scala", "groovy"]
    }

    fn fence_tag(&self, ext: &str) -> Option<&'static str> {
        match ext {
            "java" => Some("java"),
            "kt" => Some("kotlin"),
            _ => None,
        }
    }

    fn detect_test_command(&self, root: &Path, _declared: bool) -> Option<String> {
        let has = |p: &str| root.join(p).exists();
        if has("pom.xml") {
            Some("mvn -q -B test".to_string())
        } else if has("build.gradle") || has("build.gradle.kts") {
            Some(if has("gradlew") {
                "./gradlew test".to_string()
            } else {
                "gradle test".to_string()
            })
        } else {
            None
        }
    }

    fn scoped_command(&self, tests: &[&str]) -> Option<String> {
        scope(tests)
    }

    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool> {
        matches!(ext, "java" | "kt").then(|| stem.ends_with("Test") || stem.ends_with("Tests"))
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["javac-symbol"]
    }

    fn docker_image(&self) -> &'static str {
        "maven:3-eclipse-temurin-17"
    }
}

/// Maven ids as `pkg.Class#method`, `method(pkg.Class)` or `pkg.Class`.
fn scope(tests: &[&str]) -> Option<String> {
    let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in tests {
        let (class, method) = if let Some((m, rest)) = t.split_once('(') {
            (rest.trim_end_matches(')').to_string(), Some(m.to_string()))
        } else if let Some((c, m)) = t.split_once('#') {
            (c.to_string(), Some(m.to_string()))
        } else {
            (t.to_string(), None)
        };
        let simple = class.rsplit('.').next().unwrap_or(&class).to_string();
        let methods = by_class.entry(simple).or_default();
        if let Some(m) = method {
            methods.push(m);
        }
    }
    let spec: Vec<String> = by_class
        .into_iter()
        .map(|(c, ms)| {
            if ms.is_empty() {
                c
            } else {
                format!("{c}#{}", ms.join("+"))
            }
        })
        .collect();
    Some(format!(
        "mvn -q -B test -Dsurefire.failIfNoSpecifiedTests=false -Dtest={}",
        sh_quote(&spec.join(","))
    ))
}

#[cfg(test)]
mod tests {
    use super::super::{scoped_command, Language};

    #[test]
    fn java_ids_both_forms() {
        let ids = vec![
            "com.x.CalcTest#adds".to_string(),
            "subtracts(com.x.CalcTest)".to_string(),
        ];
        assert_eq!(
            scoped_command(Some(Language::Java), &ids).as_deref(),
            Some("mvn -q -B test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=CalcTest#adds+subtracts")
        );
    }
}
