//! `nianbao extract`: inputs → dataset files, and a summary.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use nianbao::error::printable;
use nianbao::pipeline::{self, Formats, Manifest, Options};

use crate::args::{ExtractArgs, Format};

/// Runs an extraction; returns the exit code (0 all ok, 1 some input failed).
pub fn run(args: &ExtractArgs, quiet: bool) -> anyhow::Result<u8> {
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = Options {
        out: args.out.clone(),
        jobs,
        formats: Formats {
            jsonl: args.format.contains(&Format::Jsonl),
            csv: args.format.contains(&Format::Csv),
            xlsx: args.format.contains(&Format::Xlsx),
        },
        texts: args.text,
        max_bytes: args.max_bytes,
    };
    extract(&args.inputs, &opts, quiet)
}

/// Extracts `inputs` with `opts`, printing warnings and a summary.
pub fn extract(inputs: &[PathBuf], opts: &Options, quiet: bool) -> anyhow::Result<u8> {
    let started = Instant::now();
    // A mistyped path is a usage error: nothing is written (the last run's
    // outputs stay as they were).
    for p in inputs {
        if let Err(e) = std::fs::symlink_metadata(p) {
            anyhow::bail!(
                "input {}: {e}; nothing written under {}",
                pipeline::shown(p),
                opts.out.display()
            );
        }
    }
    let found = pipeline::discover(inputs, Some(&opts.out));
    if found.inputs.is_empty() && found.missing.is_empty() {
        let reasons: Vec<String> = found
            .skipped
            .iter()
            .take(3)
            .map(|s| format!("{}: {}", s.path, s.reason))
            .collect();
        anyhow::bail!(
            "no input to extract in {} ({} skipped{}{}); nothing written under {}",
            inputs
                .iter()
                .map(|p| pipeline::shown(p))
                .collect::<Vec<_>>()
                .join(", "),
            found.skipped.len(),
            if reasons.is_empty() { "" } else { ": " },
            reasons.join("; "),
            opts.out.display()
        );
    }
    if !quiet {
        for s in found.skipped.iter().take(5) {
            eprintln!(
                "nianbao: skipped {}: {}",
                printable(&s.path),
                printable(&s.reason)
            );
        }
        if found.skipped.len() > 5 {
            eprintln!(
                "nianbao: skipped {} more files (listed in manifest.json)",
                found.skipped.len() - 5
            );
        }
    }
    let show_progress = !quiet && std::io::stderr().is_terminal();
    let progress = move |done: usize, total: usize| {
        if show_progress {
            eprint!("\rextracting {done}/{total}");
            let _ = std::io::stderr().flush();
        }
    };
    let manifest = pipeline::run(found, opts, &progress)
        .with_context(|| format!("writing outputs under {}", opts.out.display()))?;
    if show_progress {
        eprintln!();
    }
    if !quiet {
        print_summary(&manifest, opts, started.elapsed().as_secs_f64());
    }
    Ok(if manifest.counts.failed > 0 { 1 } else { 0 })
}

fn print_summary(m: &Manifest, opts: &Options, secs: f64) {
    let c = &m.counts;
    println!(
        "nianbao {}: {} inputs in {:.2}s with {} threads",
        m.tool_version, c.inputs, secs, opts.jobs
    );
    println!(
        "  reports   {:>6}   ({} with warnings)",
        c.reports, c.with_warnings
    );
    println!("  failed    {:>6}", c.failed);
    println!("  skipped   {:>6}", c.skipped);
    println!("  figures   {:>6}", c.figures);
    println!(
        "  cells     {:>6}   ({} checks failed)",
        c.cells, c.checks_failed
    );
    for f in m.inputs.iter().filter(|i| i.outcome == "failed").take(8) {
        println!(
            "  ✗ {} [{}] {}",
            printable(&f.path),
            f.stage.map(|s| s.to_string()).unwrap_or_default(),
            printable(f.error.as_deref().unwrap_or(""))
        );
    }
    println!(
        "outputs in {}/: {}",
        opts.out.display(),
        m.outputs.join(", ")
    );
}
