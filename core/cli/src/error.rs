//! The one error type of the CLI: what to print on stderr and which of the
//! exit codes `--help` documents ([`crate::EXIT_CODES`]) the process ends
//! with. Every command returns it; `main` prints it once.

use std::fmt;
use std::io;

/// Why a command failed. Each kind is one documented exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The command ran and its answer is "no" or it could not finish:
    /// `verify` found a difference or could not recompute, a thread pool
    /// could not start, a benchmark's passes disagreed.
    Failed,
    /// The command line: unknown command or option, missing or repeated
    /// argument, a value that does not parse or is outside the option's range.
    Usage,
    /// The inputs: JSON or CSV syntax, an unknown field, a field or model
    /// parameter out of range, a file over its size limit.
    Invalid,
    /// A file (or stdout) could not be read or written.
    Io,
}

impl Failure {
    /// The process exit code, as `--help` lists it.
    pub fn exit_code(self) -> u8 {
        match self {
            Failure::Failed => 1,
            Failure::Usage => 2,
            Failure::Invalid => 3,
            Failure::Io => 4,
        }
    }
}

/// A failed command: its kind and the lines to print on stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    failure: Failure,
    lines: Vec<String>,
    /// Usage errors end with a pointer to `--help`, unless the text already
    /// carries one (clap's own messages do).
    help_hint: bool,
}

impl Error {
    fn new(failure: Failure, message: impl Into<String>) -> Self {
        Self {
            failure,
            lines: vec![message.into()],
            help_hint: false,
        }
    }

    /// See [`Failure::Failed`].
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Failure::Failed, message)
    }

    /// See [`Failure::Usage`].
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            help_hint: true,
            ..Self::new(Failure::Usage, message)
        }
    }

    /// See [`Failure::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Failure::Invalid, message)
    }

    /// Several invalid inputs at once (one line each, e.g. one per field).
    pub fn invalid_lines(lines: Vec<String>) -> Self {
        Self {
            lines,
            ..Self::new(Failure::Invalid, String::new())
        }
    }

    /// See [`Failure::Io`]: `what` failed (`cannot read x.json`) because of `error`.
    pub fn io(what: impl fmt::Display, error: &io::Error) -> Self {
        Self::new(Failure::Io, format!("{what}: {error}"))
    }

    /// A command-line error from clap, already worded and with its usage line.
    pub(crate) fn from_clap(error: &clap::Error) -> Self {
        let text = error.render().to_string();
        let text = text.trim_end();
        let text = text.strip_prefix("error: ").unwrap_or(text);
        Self::new(Failure::Usage, text)
    }

    pub fn failure(&self) -> Failure {
        self.failure
    }

    pub fn exit_code(&self) -> u8 {
        self.failure.exit_code()
    }

    /// The message without the `error: ` prefixes.
    pub fn message(&self) -> String {
        self.lines.join("\n")
    }
}

/// What `main` prints on stderr: `error: ` before each line.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            // Continuation lines of one message (clap's usage block) stay as
            // they are; each line of a list of problems is its own error.
            if i == 0 || self.failure == Failure::Invalid {
                write!(f, "error: ")?;
            }
            write!(f, "{line}")?;
        }
        if self.help_hint {
            write!(f, "\n\nRun `scalewise --help` for usage.")?;
        }
        Ok(())
    }
}

impl From<scalewise_core::review::ValidationErrors> for Error {
    fn from(errors: scalewise_core::review::ValidationErrors) -> Self {
        Self::invalid_lines(errors.0.iter().map(ToString::to_string).collect())
    }
}

impl From<scalewise_core::CoreError> for Error {
    fn from(error: scalewise_core::CoreError) -> Self {
        use scalewise_core::CoreError;
        match error {
            CoreError::Invalid(errors) => errors.into(),
            CoreError::Analysis(_) => Self::invalid(error.to_string()),
            CoreError::Record(_) | CoreError::Finished => Self::failed(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_prints_its_lines_and_exits_with_its_code() {
        let check = |error: Error, code: u8, text: &str| {
            assert_eq!(error.exit_code(), code);
            assert_eq!(error.to_string(), text);
        };
        check(Error::failed("differs"), 1, "error: differs");
        check(
            Error::usage("missing REVIEW.json"),
            2,
            "error: missing REVIEW.json\n\nRun `scalewise --help` for usage.",
        );
        check(
            Error::invalid_lines(vec!["a: bad".into(), "b: worse".into()]),
            3,
            "error: a: bad\nerror: b: worse",
        );
        let missing = io::Error::new(io::ErrorKind::NotFound, "gone");
        check(
            Error::io("cannot read x", &missing),
            4,
            "error: cannot read x: gone",
        );
    }
}
