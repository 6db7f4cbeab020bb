//! JavaScript: jest, vitest, mocha.

use super::sink::Sink;

#[derive(Debug, Default)]
pub struct Js {}

impl Js {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn line(&mut self, _l: &str, _out: &mut Sink) {}
    pub fn finish(&mut self, _out: &mut Sink) {}
}
