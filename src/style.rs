//! When output may be coloured, and the one line style every message shares.
//!
//! Colour is for people at a terminal: a file, a pipe or a CI log gets plain text.
//! `NO_COLOR` (set and not empty) turns it off everywhere, `CLICOLOR_FORCE` (set and
//! not `0`) turns it on without a terminal, `CLICOLOR=0` or `TERM=dumb` turns it off
//! on a terminal; `NO_COLOR` wins over `CLICOLOR_FORCE` (as in no-color.org and the
//! anstream crate).
//!
//! [`Messages`] formats `tracing` events (the model client's retry warnings) like the
//! CLI's own `self-heal: ...` lines, so a redirected stderr holds one style and no
//! escape codes.

use std::ffi::OsString;
use std::fmt;
use std::io::IsTerminal;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The variables that decide colour, read once (plain values, so tests pass their own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColourEnv {
    pub no_color: Option<OsString>,
    pub clicolor_force: Option<OsString>,
    pub clicolor: Option<OsString>,
    pub term: Option<OsString>,
}

impl ColourEnv {
    pub fn from_env() -> ColourEnv {
        ColourEnv {
            no_color: std::env::var_os("NO_COLOR"),
            clicolor_force: std::env::var_os("CLICOLOR_FORCE"),
            clicolor: std::env::var_os("CLICOLOR"),
            term: std::env::var_os("TERM"),
        }
    }

    /// Whether a stream that is (or is not) a terminal gets colour.
    pub fn colour(&self, is_terminal: bool) -> bool {
        let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
        if set(&self.no_color) {
            return false;
        }
        if set(&self.clicolor_force) && self.clicolor_force.as_deref() != Some("0".as_ref()) {
            return true;
        }
        if self.clicolor.as_deref() == Some("0".as_ref())
            || self.term.as_deref() == Some("dumb".as_ref())
        {
            return false;
        }
        is_terminal
    }
}

/// Whether `stream` of this process gets colour now.
pub fn colour_for(stream: Stream) -> bool {
    let tty = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    ColourEnv::from_env().colour(tty)
}

const YELLOW: &str = "\x1b[33m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

/// `self-heal: warning: <message>`: a `tracing` event formatted like every other
/// message line; the label is coloured only when `ansi` (see [`colour_for`]).
/// Install with `tracing_subscriber::fmt().with_ansi(ansi).event_format(Messages { ansi })`.
#[derive(Debug, Clone, Copy)]
pub struct Messages {
    pub ansi: bool,
}

impl<S, N> FormatEvent<S, N> for Messages
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let (label, colour) = match *event.metadata().level() {
            Level::ERROR => (Some("error"), RED),
            Level::WARN => (Some("warning"), YELLOW),
            Level::INFO => (None, ""),
            Level::DEBUG | Level::TRACE => (Some("debug"), ""),
        };
        write!(writer, "self-heal: ")?;
        if let Some(label) = label {
            if self.ansi && !colour.is_empty() {
                write!(writer, "{colour}{label}{RESET}: ")?;
            } else {
                write!(writer, "{label}: ")?;
            }
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn env(pairs: &[(&str, &str)]) -> ColourEnv {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        };
        ColourEnv {
            no_color: get("NO_COLOR"),
            clicolor_force: get("CLICOLOR_FORCE"),
            clicolor: get("CLICOLOR"),
            term: get("TERM"),
        }
    }

    #[test]
    fn colour_only_on_a_terminal_unless_told() {
        assert!(env(&[]).colour(true));
        assert!(!env(&[]).colour(false));
        assert!(!env(&[("NO_COLOR", "1")]).colour(true));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(env(&[("NO_COLOR", "")]).colour(true));
        assert!(env(&[("CLICOLOR_FORCE", "1")]).colour(false));
        assert!(!env(&[("CLICOLOR_FORCE", "0")]).colour(false));
        assert!(!env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]).colour(true));
        assert!(!env(&[("CLICOLOR", "0")]).colour(true));
        assert!(!env(&[("TERM", "dumb")]).colour(true));
        assert!(env(&[("TERM", "dumb"), ("CLICOLOR_FORCE", "1")]).colour(false));
    }

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(ansi: bool) -> String {
        let sink = Sink::default();
        let writer = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(ansi)
            .event_format(Messages { ansi })
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!("LLM request failed (HTTP 503); retry 1/3 in 1s");
            tracing::info!("retrying without temperature");
            tracing::error!(code = 7, "gave up");
        });
        let bytes = sink.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn events_read_like_the_other_message_lines() {
        assert_eq!(
            logged(false),
            "self-heal: warning: LLM request failed (HTTP 503); retry 1/3 in 1s\n\
             self-heal: retrying without temperature\n\
             self-heal: error: gave up code=7\n"
        );
    }

    #[test]
    fn only_the_label_is_coloured_and_only_when_asked() {
        let out = logged(true);
        assert!(
            out.starts_with("self-heal: \x1b[33mwarning\x1b[0m: LLM request failed"),
            "{out:?}"
        );
        assert!(!logged(false).contains('\x1b'));
    }
}
