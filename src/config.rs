//! Settings from flags / Action inputs / env / `.github/self-heal.toml` / defaults.
