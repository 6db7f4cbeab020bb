//! The settings as clap flags: each subcommand takes the rows of [`super::SETTINGS`]
//! whose `commands` name it, so `--help` lists only that command's flags and a new
//! row is a new flag without touching the binary.

use super::{for_command, Commands, Row};
use clap::{Arg, Args};
use std::collections::BTreeMap;

/// The settings of docs/settings.md that subcommand `CMD` (a [`Commands`] set) takes, as
/// flags, from [`settings::SETTINGS`]; each setting is also read from `INPUT_*`,
/// `SELF_HEAL_*` and `.github/self-heal.toml` (see docs/settings.md), whatever the command.
#[derive(Default, Clone)]
pub struct Settings<const CMD: u8> {
    values: BTreeMap<String, String>,
    yes: bool,
}

impl<const CMD: u8> Settings<CMD> {
    fn settings() -> impl Iterator<Item = &'static dyn Row> {
        for_command(Commands::from_bits(CMD))
    }

    /// `-y` stands for `--approve auto`: taken where `--approve` is.
    fn takes_yes() -> bool {
        Self::settings().any(|s| s.name() == "approve")
    }
}

impl<const CMD: u8> clap::FromArgMatches for Settings<CMD> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let values = Self::settings()
            .filter_map(|s| {
                let v = m.get_one::<String>(s.name())?;
                Some((s.name().to_string(), v.clone()))
            })
            .collect();
        Ok(Settings {
            values,
            yes: Self::takes_yes() && m.get_flag("yes"),
        })
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl<const CMD: u8> Args for Settings<CMD> {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        for s in Self::settings() {
            let mut arg = Arg::new(s.name())
                .long(s.name())
                .value_name(s.value_name())
                .help(s.help());
            if s.switch() {
                arg = arg.num_args(0..=1).default_missing_value("true");
            }
            if s.secret() {
                arg = arg.hide_env_values(true);
            }
            cmd = cmd.arg(arg);
            // `-y` sits next to the setting it stands for.
            if s.name() == "approve" {
                cmd = cmd.arg(
                    Arg::new("yes")
                        .long("yes")
                        .short('y')
                        .action(clap::ArgAction::SetTrue)
                        .help("Approve automatically (same as --approve auto)"),
                );
            }
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<const CMD: u8> Settings<CMD> {
    /// The flags given, by setting name (`-y` as `yes = true`).
    pub fn flags(&self) -> BTreeMap<String, String> {
        let mut map = self.values.clone();
        if self.yes {
            map.insert("yes".into(), "true".into());
        }
        map
    }
}
