//! A fixed-size ring of the most recent readings.

pub mod ring;

pub use ring::Ring;
