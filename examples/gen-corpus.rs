//! Writes a deterministic benchmark corpus of report pages.
//!
//!     cargo run --release --example gen-corpus -- DIR N [SEED]
//!
//! The pages are described in `benches/corpus.rs`: about 20 KB each, a report
//! body in portal boilerplate of four CMS layouts, half with the standard
//! tables, a third GBK. The same N and SEED always give the same bytes.

use std::fs;
use std::path::Path;

#[path = "../benches/corpus.rs"]
#[allow(dead_code)]
mod corpus;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gen-corpus DIR N [SEED]");
        std::process::exit(2);
    }
    let dir = Path::new(&args[1]);
    let n: usize = args[2].parse().expect("N is a number");
    let seed: u64 = args
        .get(3)
        .map_or(2026, |s| s.parse().expect("SEED is a number"));
    fs::create_dir_all(dir).expect("create DIR");
    let mut rng = corpus::rng(seed);
    let mut total = 0usize;
    for i in 0..n {
        let bytes = corpus::page_bytes(&mut rng, i);
        total += bytes.len();
        fs::write(dir.join(format!("page{i:05}.html")), bytes).expect("write page");
    }
    eprintln!("{n} pages, {total} bytes in {}", dir.display());
}
