//! Test support: fake servers on 127.0.0.1 and a harness that runs the real binary.
#![allow(dead_code)]

pub mod bugswarm;
pub mod context;
pub mod fake_github;
pub mod fake_openai;
pub mod harness;
pub mod recording_proxy;
pub mod zip_bomb;
