//! `nianbao check`: fixture cases → a field-by-field diff per case.

use std::io::Write;

use nianbao::fixtures::{self, Verdict};
use nianbao::pipeline;

use crate::args::CheckArgs;

/// Differences printed per case (the rest are counted).
const SHOWN: usize = 30;

/// Checks every case; returns the exit code (0 all same or blessed, 1 not).
pub fn run(args: &CheckArgs, quiet: bool) -> anyhow::Result<u8> {
    let mut cases = Vec::new();
    for root in &args.fixtures {
        let found = fixtures::cases(root)
            .map_err(|e| anyhow::anyhow!("fixtures {}: {e}", pipeline::shown(root)))?;
        if found.is_empty() {
            anyhow::bail!(
                "fixtures {}: no case (a folder with one input and {})",
                pipeline::shown(root),
                fixtures::EXPECTED
            );
        }
        cases.extend(found);
    }
    let mut out = std::io::stdout().lock();
    let (mut same, mut differ, mut broken, mut blessed) = (0, 0, 0, 0);
    for case in &cases {
        let name = pipeline::shown(case);
        match fixtures::check(case, args.bless) {
            Verdict::Same => {
                same += 1;
                if !quiet {
                    writeln!(out, "ok      {name}")?;
                }
            }
            Verdict::NoExpected => {
                if args.bless {
                    blessed += 1;
                    writeln!(out, "written {name}/{}", fixtures::EXPECTED)?;
                } else {
                    differ += 1;
                    writeln!(
                        out,
                        "MISSING {name}/{} (write it with --bless)",
                        fixtures::EXPECTED
                    )?;
                }
            }
            Verdict::Broken(why) => {
                broken += 1;
                writeln!(out, "BROKEN  {name}: {why}")?;
            }
            Verdict::Differs(diffs) => {
                if args.bless {
                    blessed += 1;
                } else {
                    differ += 1;
                }
                let n = diffs.len();
                writeln!(
                    out,
                    "{} {name}: {n} field{} differ{}",
                    if args.bless { "BLESSED" } else { "DIFF   " },
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "s" } else { "" }
                )?;
                for d in diffs.iter().take(SHOWN) {
                    writeln!(out, "    {}", fixtures::describe(d))?;
                }
                if n > SHOWN {
                    writeln!(out, "    … and {} more", n - SHOWN)?;
                }
            }
        }
    }
    writeln!(
        out,
        "{} case{}: {same} as expected, {differ} differ, {broken} cannot be checked{}",
        cases.len(),
        if cases.len() == 1 { "" } else { "s" },
        if args.bless {
            format!(", {blessed} expected file(s) written")
        } else {
            String::new()
        }
    )?;
    Ok(if differ + broken > 0 { 1 } else { 0 })
}
