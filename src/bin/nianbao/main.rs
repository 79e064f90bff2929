//! The `nianbao` binary: parses flags, wires up the library, prints results
//! and picks the exit code (0 ok, 1 some input failed, 2 usage or fatal error).

mod args;
mod cmd;

/// mimalloc instead of the system allocator: extraction allocates many small,
/// short-lived strings per page, and glibc's malloc/free took about a tenth
/// of the run time in profiles of the bench corpus.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

fn main() -> ExitCode {
    no_huge_pages();
    prompt_purge();
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

/// Asks Linux not to back this process's memory with transparent huge pages.
/// Its allocations are small and short-lived: with huge pages mimalloc's
/// arenas more than doubled the peak RSS (16 → 36 MB with one job, 18 →
/// 50 MB with two, on the 2000-page bench corpus), and every 2 MB
/// fault on a host whose memory another process had just fragmented went
/// through direct compaction: the first run after the Python peer in the
/// bench took 0.38 s instead of 0.30 s, all of it in the kernel.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes nothing
    // but this process's huge-page policy; a kernel without it returns an
    // error, which leaves things as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc's `mi_option_purge_delay` (its place in the option enum of
/// mimalloc 3's header; the bindings name it only under mimalloc 2).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc give memory that is free back to the system after 10 ms
/// (mimalloc 2's default) instead of mimalloc 3's second. A big page frees
/// its parse tree before the next stage allocates the text: with a second's
/// delay the two added up (130 MB instead of 98 MB peak on an 18 MB page),
/// and the bench corpus ran no slower with 10 ms.
fn prompt_purge() {
    // SAFETY: sets one integer option; mimalloc reads options as it runs.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
    }
}

fn run(cli: &Cli) -> anyhow::Result<u8> {
    match &cli.command {
        Some(Command::Extract(args)) => cmd::extract::run(args, cli.quiet),
        Some(Command::Fetch(args)) => cmd::fetch::run(args, cli.quiet),
        Some(Command::Crawl(args)) => cmd::crawl::run(args, cli.quiet),
        Some(Command::Run(args)) => cmd::run::run(args, cli.quiet),
        Some(Command::Check(args)) => cmd::check::run(args, cli.quiet),
        Some(Command::Schema) => {
            use std::io::Write;
            let all = nianbao::dictionary::entries(nianbao::dictionary::Files {
                jsonl: true,
                csv: true,
                xlsx: true,
            });
            std::io::stdout()
                .lock()
                .write_all(&nianbao::dictionary::to_csv(&all)?)?;
            Ok(0)
        }
        // The bundled default: extract fixtures/pages into output/.
        None => cmd::run::run(&args::RunArgs { config: None }, cli.quiet),
    }
}
