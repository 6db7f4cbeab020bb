//! The one HTTP client (reqwest + rustls/ring), built by us so a missing CA bundle is a clear error.
