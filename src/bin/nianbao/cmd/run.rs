//! `nianbao run`: crawl and/or fetch, then extract, from one TOML
//! configuration; without one, the bundled default (extract the fixture
//! pages into output/), which is also what `nianbao` with no command does.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use nianbao::crawl;
use nianbao::pipeline::{self, Formats};
use nianbao::{fetch, store};
use serde::Deserialize;

use crate::args::RunArgs;
use crate::cmd;

/// A run configuration (`nianbao.toml`). Relative paths are relative to the
/// file's own directory. Unknown keys are errors (a typo must not be
/// silently ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The page store that crawl and fetch write and extract reads.
    pub store: Option<PathBuf>,
    /// The dataset directory (default: `output` beside the file).
    pub out: Option<PathBuf>,
    #[serde(default)]
    pub crawl: CrawlConfig,
    #[serde(default)]
    pub fetch: FetchConfig,
    #[serde(default)]
    pub extract: ExtractConfig,
    #[serde(default)]
    pub politeness: Politeness,
}

/// `[crawl]`: the listing pages to start from.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrawlConfig {
    #[serde(default)]
    pub start: Vec<String>,
    #[serde(rename = "match")]
    pub pattern: Option<String>,
    pub max_pages: Option<usize>,
    #[serde(default)]
    pub all_hosts: bool,
    #[serde(default)]
    pub refresh_listings: bool,
}

/// `[fetch]`: report URLs, given or listed in files.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchConfig {
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub url_files: Vec<PathBuf>,
}

/// `[extract]`: local inputs (extracted together with the store) and how.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractConfig {
    #[serde(default)]
    pub inputs: Vec<PathBuf>,
    pub jobs: Option<usize>,
    pub formats: Option<Vec<String>>,
    #[serde(default)]
    pub text: bool,
    pub max_bytes: Option<u64>,
}

/// `[politeness]`: the fetch flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Politeness {
    pub delay: Option<String>,
    pub per_host: Option<usize>,
    pub concurrency: Option<usize>,
    pub retries: Option<u32>,
    pub timeout: Option<String>,
    pub max_bytes: Option<u64>,
    pub user_agent: Option<String>,
    pub robots: Option<bool>,
    pub refresh: Option<bool>,
    pub backoff: Option<String>,
    pub allow_private: Option<bool>,
}

impl Config {
    /// Reads a configuration file, paths made relative to its directory.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the configuration {}", path.display()))?;
        let mut c: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let place = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        c.store.as_mut().map(place);
        c.out.as_mut().map(place);
        c.fetch.url_files.iter_mut().for_each(place);
        c.extract.inputs.iter_mut().for_each(place);
        c.out.get_or_insert_with(|| dir.join("output"));
        Ok(c)
    }

    /// The bundled default: extract fixtures/pages into output/.
    pub fn bundled() -> anyhow::Result<Config> {
        let input = PathBuf::from("fixtures/pages");
        ensure!(
            input.is_dir(),
            "the default job reads {} (run it from the project root, or use `nianbao extract` or `nianbao run --config FILE`)",
            input.display()
        );
        Ok(Config {
            out: Some(PathBuf::from("output")),
            extract: ExtractConfig {
                inputs: vec![input],
                ..ExtractConfig::default()
            },
            ..Config::default()
        })
    }
}

impl Politeness {
    fn options(&self) -> anyhow::Result<fetch::Options> {
        let d = fetch::Options::default();
        let duration = |key: &str, v: &Option<String>, default: Duration| match v {
            None => Ok(default),
            Some(s) => {
                fetch::parse_duration(s).map_err(|e| anyhow::anyhow!("[politeness] {key}: {e}"))
            }
        };
        let at_least_one = |key: &str, v: Option<usize>, default: usize| match v {
            Some(0) => bail!("[politeness] {key}: must be at least 1"),
            v => Ok(v.unwrap_or(default)),
        };
        Ok(fetch::Options {
            delay: duration("delay", &self.delay, d.delay)?,
            per_host: at_least_one("per_host", self.per_host, d.per_host)?,
            concurrency: at_least_one("concurrency", self.concurrency, d.concurrency)?,
            retries: self.retries.unwrap_or(d.retries),
            timeout: duration("timeout", &self.timeout, d.timeout)?,
            max_bytes: self.max_bytes.unwrap_or(d.max_bytes),
            user_agent: self.user_agent.clone().unwrap_or(d.user_agent.clone()),
            robots: self.robots.unwrap_or(d.robots),
            refresh: self.refresh.unwrap_or(d.refresh),
            backoff: duration("backoff", &self.backoff, d.backoff)?,
            allow_private: self.allow_private.unwrap_or(d.allow_private),
            ..d
        })
    }
}

/// Runs `nianbao run`; returns the exit code.
pub fn run(args: &RunArgs, quiet: bool) -> anyhow::Result<u8> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::bundled()?,
    };
    execute(&config, quiet).with_context(|| match &args.config {
        Some(p) => format!("running {}", p.display()),
        None => "running the bundled default".to_string(),
    })
}

/// Crawl, fetch, extract, as `c` says. Exit code 1 when any page or input failed.
pub fn execute(c: &Config, quiet: bool) -> anyhow::Result<u8> {
    let urls = cmd::fetch::read_urls(&c.fetch.urls, &c.fetch.url_files)?;
    let pattern = c
        .crawl
        .pattern
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .context("[crawl] match")?;
    let formats = match &c.extract.formats {
        None => Formats {
            jsonl: true,
            csv: true,
            xlsx: true,
        },
        Some(list) => {
            for f in list {
                ensure!(
                    matches!(f.as_str(), "jsonl" | "csv" | "xlsx"),
                    "[extract] formats: unknown format {f:?} (jsonl, csv, xlsx)"
                );
            }
            Formats {
                jsonl: list.iter().any(|f| f == "jsonl"),
                csv: list.iter().any(|f| f == "csv"),
                xlsx: list.iter().any(|f| f == "xlsx"),
            }
        }
    };
    let polite = c.politeness.options()?;
    let web = !c.crawl.start.is_empty() || !urls.is_empty();
    let mut code = 0;
    let mut inputs = Vec::new();
    if web {
        let Some(store_dir) = &c.store else {
            bail!("`store` is required to crawl or fetch (the directory pages are stored in)");
        };
        let fetcher = cmd::fetch::open(store_dir, polite, quiet)?;
        let runtime = cmd::fetch::runtime()?;
        cmd::fetch::stop_on_interrupt(&runtime, &fetcher);
        if !c.crawl.start.is_empty() {
            let opts = crawl::Options {
                rules: crawl::links::Rules::with_pattern(pattern),
                max_pages: c.crawl.max_pages.unwrap_or(crawl::DEFAULT_MAX_PAGES),
                all_hosts: c.crawl.all_hosts,
                refresh_listings: c.crawl.refresh_listings,
            };
            let started = Instant::now();
            let s = cmd::crawl::crawl(&runtime, &fetcher, &c.crawl.start, &opts, quiet)?;
            if !quiet {
                cmd::crawl::print_summary(&s, started.elapsed().as_secs_f64(), store_dir);
            }
            code = code.max(u8::from(
                s.fetch.failed_total() + s.fetch.blocked_total() > 0,
            ));
        }
        if !urls.is_empty() {
            let started = Instant::now();
            let s = cmd::fetch::fetch(&runtime, &fetcher, &urls, quiet)?;
            if !quiet {
                cmd::fetch::print_summary(&s, started.elapsed().as_secs_f64(), store_dir);
            }
            code = code.max(u8::from(s.failed_total() + s.blocked_total() > 0));
        }
        if fetcher.is_stopping() {
            // Interrupted: the store is left for the next run, and the last
            // outputs are not replaced by a partial extraction.
            if !quiet {
                println!("nianbao run: interrupted; nothing extracted");
            }
            return Ok(cmd::fetch::INTERRUPTED);
        }
        cmd::fetch::default_interrupt();
        inputs.push(store_dir.clone());
    } else if let Some(store_dir) = &c.store {
        ensure!(
            store::is_store(store_dir),
            "store {} is not a page store (no manifest.jsonl) and nothing is to be crawled or fetched into it",
            store_dir.display()
        );
        inputs.push(store_dir.clone());
    }
    inputs.extend(c.extract.inputs.iter().cloned());
    ensure!(
        !inputs.is_empty(),
        "nothing to do: give [crawl] start, [fetch] urls or url_files, a store, or [extract] inputs"
    );
    let opts = pipeline::Options {
        out: c.out.clone().unwrap_or_else(|| PathBuf::from("output")),
        jobs: c
            .extract
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1),
        formats,
        texts: c.extract.text,
        max_bytes: c.extract.max_bytes.unwrap_or(pipeline::DEFAULT_MAX_BYTES),
    };
    let extracted = cmd::extract::extract(&inputs, &opts, quiet)?;
    Ok(code.max(extracted))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The configuration example in README.md is valid and complete.
    #[test]
    fn the_readme_example_is_a_valid_configuration() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        let block = readme
            .split("```toml\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .expect("a toml block in README.md");
        let c: Config = toml::from_str(block).expect("the example parses");
        assert_eq!(c.crawl.start.len(), 2);
        assert_eq!(c.fetch.url_files, [PathBuf::from("more-urls.txt")]);
        let opts = c.politeness.options().expect("valid politeness");
        assert_eq!(opts.delay, Duration::from_secs(2));
        assert!(opts.user_agent.contains("contact"));
    }

    #[test]
    fn bad_values_are_named() {
        let c: Config = toml::from_str("[politeness]\nper_host = 0\n").unwrap();
        let e = c.politeness.options().unwrap_err().to_string();
        assert!(e.contains("[politeness] per_host"), "{e}");
        let e = toml::from_str::<Config>("[crawl]\nstart = \"http://x/\"\n").unwrap_err();
        assert!(e.to_string().contains("start"), "{e}");
    }
}
