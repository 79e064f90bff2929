//! One file per subcommand; each is a short wiring function.

pub mod check;
pub mod crawl;
pub mod extract;
pub mod fetch;
pub mod run;
