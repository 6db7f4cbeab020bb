//! Java: Maven Surefire/Failsafe, Gradle, Ant/JUnit, javac.

use super::sink::Sink;

#[derive(Debug, Default)]
pub struct Java {}

impl Java {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn line(&mut self, _l: &str, _out: &mut Sink) {}
    pub fn finish(&mut self, _out: &mut Sink) {}
}
