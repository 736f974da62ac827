//! The `scalewise` binary: parses the command line, runs the command and,
//! when it fails, prints its error once and exits with its code (the
//! library's docs say how commands and errors are organised).

use std::io::{self, Write};
use std::process::ExitCode;

use scalewise_cli::Cli;

fn main() -> ExitCode {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = Cli::parse_args(std::env::args_os().skip(1), &mut out)
        .and_then(|cli| cli.map_or(Ok(()), |cli| cli.command.run(&mut out)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Whatever reached stdout before the failure stays there.
            let _ = out.flush();
            eprintln!("{error}");
            ExitCode::from(error.exit_code())
        }
    }
}
