//! Java and the JVM languages: maven (surefire) and gradle projects.

pub mod build;
pub mod context;
pub mod coverage;
pub mod grammar;
pub mod ids;
pub mod log;
pub mod roots;

use super::framework::Framework;
use super::Lang;
use crate::failure::LogParser;
use build::{Gradle, Maven};
use std::path::Path;
use std::sync::Arc;

pub struct Java;

impl Lang for Java {
    fn name(&self) -> &'static str {
        "java"
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

    /// Surefire for a `pom.xml`, else Gradle (through `./gradlew` when the project has one).
    fn coverage(&self) -> Option<&'static dyn super::coverage::CoverageRunner> {
        Some(&coverage::JacocoCoverage)
    }

    fn framework(&self, root: &Path, command: Option<&str>) -> Option<Framework> {
        let has = |p: &str| root.join(p).exists();
        if has("pom.xml") {
            let single_module = std::fs::read_to_string(root.join("pom.xml"))
                .is_ok_and(|pom| !pom.contains("<modules>"));
            Some(Arc::new(Maven {
                single_module,
                base: build::maven_base(command),
            }))
        } else if has("build.gradle") || has("build.gradle.kts") {
            Some(Arc::new(Gradle {
                base: build::gradle_base(command).or_else(|| {
                    has("gradlew").then(|| vec!["./gradlew".to_string(), "test".to_string()])
                }),
            }))
        } else {
            None
        }
    }

    fn test_file_name(&self, stem: &str, ext: &str) -> Option<bool> {
        matches!(ext, "java" | "kt").then(|| stem.ends_with("Test") || stem.ends_with("Tests"))
    }

    fn recipes(&self) -> &'static [&'static str] {
        &["javac-symbol"]
    }

    fn manifests(&self) -> &'static [&'static str] {
        &[
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
        ]
    }

    fn docker_image(&self) -> &'static str {
        "maven:3-eclipse-temurin-17"
    }

    fn source_roots(
        &self,
        repo: &dyn crate::lang::context::RepoView,
    ) -> crate::lang::roots::SourceRoots {
        roots::source_roots(repo)
    }

    fn grammars(&self) -> &'static [&'static dyn crate::syntax::Grammar] {
        &[&grammar::Java]
    }

    fn log_parsers(&self) -> Vec<Box<dyn LogParser>> {
        vec![Box::new(log::Java::new())]
    }

    fn context(&self) -> &'static dyn super::context::SourceContext {
        &context::JavaContext
    }
}
