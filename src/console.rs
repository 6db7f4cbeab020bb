//! How a run's progress is shown (the library only sends [`Event`]s): on a terminal a
//! live line (step, elapsed time, the command's latest output line); without one,
//! plain `self-heal:` lines and, while a step runs, one at least every
//! [`PLAIN_EVERY`]; in Actions, one `::group::` per step with the commands' output
//! streamed into it.

use crate::github::workflow_commands as wf;
use crate::progress::{Event, Sink};
use crate::secrets::Secrets;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Without a terminal, a step that runs this long without a line gets one.
pub const PLAIN_EVERY: Duration = Duration::from_secs(10);

enum Mode {
    /// `GITHUB_ACTIONS=true`: groups on stdout, where the runner reads commands.
    Actions,
    /// stderr is a terminal: the live line, redrawn by indicatif.
    Terminal {
        colour: bool,
    },
    Plain,
}

#[derive(Default)]
struct State {
    /// The open step: its label, when it began, the last output line.
    step: Option<(String, Instant)>,
    last_output: String,
    /// Last line written without a terminal (for [`PLAIN_EVERY`]).
    last_print: Option<Instant>,
    bar: Option<indicatif::ProgressBar>,
    /// The `::stop-commands::` token of the open group: the output streamed into it
    /// comes from the code under repair and must not run workflow commands.
    stop_token: Option<String>,
}

/// The binary's [`Sink`]: shows a run's [`Event`]s as the module comment says.
pub struct Console {
    mode: Mode,
    secrets: Secrets,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

/// Best effort, like every progress line: a closed stderr must not end the run.
fn line(text: &str) {
    let _ = writeln!(std::io::stderr(), "self-heal: {text}");
}

fn out(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

impl Console {
    pub fn new(in_actions: bool, secrets: Secrets) -> Console {
        let mode = if in_actions {
            Mode::Actions
        } else if std::io::stderr().is_terminal() {
            Mode::Terminal {
                colour: crate::style::colour_for(crate::style::Stream::Stderr),
            }
        } else {
            Mode::Plain
        };
        let console = Console {
            mode,
            secrets,
            state: Arc::default(),
            stop: Arc::default(),
        };
        if matches!(console.mode, Mode::Plain) {
            console.tick_plain();
        }
        console
    }

    /// Without a terminal nothing redraws: a thread writes the line for a long step.
    fn tick_plain(&self) {
        let state = Arc::clone(&self.state);
        let stop = Arc::clone(&self.stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(250));
                let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                let Some((label, began)) = s.step.clone() else {
                    continue;
                };
                if s.last_print.is_some_and(|t| t.elapsed() < PLAIN_EVERY) {
                    continue;
                }
                let mut text = format!("{label} (running {}s", began.elapsed().as_secs());
                if !s.last_output.is_empty() {
                    text.push_str(&format!("; last output: {}", s.last_output));
                }
                line(&format!("{text})"));
                s.last_print = Some(Instant::now());
            }
        });
    }

    /// Closes what is open (the bar, a group): before the report is printed.
    pub fn finish(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.end();
    }

    fn end(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.step.take().is_none() {
            return;
        }
        s.last_output.clear();
        if let Some(bar) = s.bar.take() {
            bar.finish_and_clear();
        }
        if matches!(self.mode, Mode::Actions) {
            if let Some(token) = s.stop_token.take() {
                out(&format!("::{token}::"));
            }
            out(wf::endgroup());
        }
    }

    fn begin(&self, label: &str) {
        self.end();
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.step = Some((label.to_string(), Instant::now()));
        match self.mode {
            Mode::Actions => {
                out(&wf::group(&format!("self-heal: {label}")));
                s.stop_token = crate::approve::new_token().ok();
                if let Some(token) = &s.stop_token {
                    out(&format!("::stop-commands::{token}"));
                }
            }
            Mode::Terminal { colour } => {
                line(label);
                let template = if colour {
                    "{spinner:.cyan} {prefix} [{elapsed}] {wide_msg:.dim}"
                } else {
                    "{spinner} {prefix} [{elapsed}] {wide_msg}"
                };
                let bar = indicatif::ProgressBar::new_spinner();
                if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
                    bar.set_style(style);
                }
                bar.set_prefix(label.to_string());
                bar.enable_steady_tick(Duration::from_millis(120));
                s.bar = Some(bar);
            }
            Mode::Plain => {
                line(label);
                s.last_print = Some(Instant::now());
            }
        }
    }

    fn say(&self, text: &str) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match &s.bar {
            Some(bar) => bar.suspend(|| line(text)),
            None => line(text),
        }
        s.last_print = Some(Instant::now());
    }

    fn output(&self, text: &str) {
        let text = self.secrets.mask(text);
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match self.mode {
            // Inside the group, with workflow commands stopped.
            Mode::Actions if s.step.is_some() => out(&text),
            Mode::Actions => {}
            Mode::Terminal { .. } => {
                if let Some(bar) = &s.bar {
                    if !text.trim().is_empty() {
                        bar.set_message(text.trim_end().to_string());
                    }
                }
            }
            Mode::Plain => {
                if !text.trim().is_empty() {
                    s.last_output = text.trim_end().to_string();
                }
            }
        }
    }
}

impl Sink for Console {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Say(text) => self.say(text),
            Event::Begin(label) => self.begin(label),
            Event::End => self.end(),
            Event::Output(text) => self.output(text),
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.finish();
    }
}
