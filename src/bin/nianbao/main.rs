//! The `nianbao` binary: parses flags, wires up the library, prints results
//! and picks the exit code (0 ok, 1 some input failed, 2 usage or fatal error).

mod args;
mod cmd;

/// mimalloc instead of the system allocator: extraction allocates many small,
/// short-lived strings per page, and glibc's malloc/free took about a tenth
/// of the run time in profiles of the bench corpus.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (nianbao … | head) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("nianbao: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<u8> {
    match &cli.command {
        Some(Command::Extract(args)) => cmd::extract::run(args, cli.quiet),
        Some(Command::Fetch(args)) => cmd::fetch::run(args, cli.quiet),
        None => default_job(cli.quiet),
    }
}

/// The bundled default: extract fixtures/pages into output/.
fn default_job(quiet: bool) -> anyhow::Result<u8> {
    let input = PathBuf::from("fixtures/pages");
    anyhow::ensure!(
        input.is_dir(),
        "the default job reads {} (run it from the project root, or use `nianbao extract`)",
        input.display()
    );
    let opts = nianbao::pipeline::Options {
        out: PathBuf::from("output"),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        formats: nianbao::pipeline::Formats {
            jsonl: true,
            csv: true,
        },
        texts: false,
        max_bytes: nianbao::pipeline::DEFAULT_MAX_BYTES,
    };
    cmd::extract::extract(&[input], &opts, quiet)
}
