//! Subcommands of the `scalewise` binary, as a library so they are unit
//! tested and `main.rs` only dispatches (`scalewise_cli::cmd_usl::run`, …).

pub mod cmd_export;
pub mod cmd_model;
pub mod cmd_usl;
pub mod cmd_verify;

/// A failed command: what to print on stderr and the process exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub exit_code: i32,
    pub message: String,
}

impl CliError {
    /// Bad invocation (exit 2, like most Unix tools).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit_code: 2,
            message: message.into(),
        }
    }

    /// The command ran but failed (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            exit_code: 1,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// `--flag value` pairs; every flag must be known and given once.
pub(crate) fn parse_flags(
    args: &[String],
    known: &[&str],
) -> Result<std::collections::BTreeMap<String, String>, CliError> {
    let mut flags = std::collections::BTreeMap::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let Some(name) = arg.strip_prefix("--") else {
            return Err(CliError::usage(format!("unexpected argument `{arg}`")));
        };
        if !known.contains(&name) {
            return Err(CliError::usage(format!(
                "unknown flag `--{name}` (known: {})",
                known
                    .iter()
                    .map(|k| format!("--{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let Some(value) = iter.next() else {
            return Err(CliError::usage(format!("flag `--{name}` needs a value")));
        };
        if flags.insert(name.to_string(), value.clone()).is_some() {
            return Err(CliError::usage(format!("flag `--{name}` given twice")));
        }
    }
    Ok(flags)
}

/// The value of `--name` parsed as `T`, or `default` when absent (`None`: required).
pub(crate) fn flag<T: std::str::FromStr>(
    flags: &std::collections::BTreeMap<String, String>,
    name: &str,
    default: Option<T>,
) -> Result<T, CliError> {
    match flags.get(name) {
        Some(text) => text.parse().map_err(|_| {
            CliError::usage(format!("flag `--{name}`: `{text}` is not a valid number"))
        }),
        None => default.ok_or_else(|| CliError::usage(format!("missing required flag `--{name}`"))),
    }
}
