//! One file per subcommand; each is a short wiring function.

pub mod extract;
pub mod fetch;
