//! nianbao turns China's 政府信息公开工作年度报告 (annual open-government-information
//! reports) into analysis-ready datasets.
//!
//! The stages, each a module:
//!
//! * [`decode`]: bytes → text (BOM, declared label, detection) and normalisation;
//! * [`html`]: pages parsed as browsers parse them (html5ever), in a flat arena, and the text renderer;
//! * [`extract`]: body finding, sections, figures, metadata, standard tables → [`model::Report`];
//! * [`check`]: blank inference and the tables' consistency checks;
//! * [`sink`]: the output files, and [`dictionary`], what each of their columns holds;
//! * [`pipeline`]: discovery, parallel extraction in input order, the manifest and [`summary`], the run report;
//! * [`fixtures`]: cases (an input and its expected report) compared field by field (`nianbao check`);
//! * [`store`]: the page store that `fetch` and `crawl` write and `extract` reads;
//! * [`fetch`]: polite, resumable downloads into the page store;
//! * [`crawl`]: from a portal's listing pages to every report and attachment, through the fetcher.
//!
//! ```
//! use nianbao::extract::{extract, Document, Kind};
//!
//! let page = "咸宁市2013年政府信息公开工作年度报告\n一、概述\n市长信箱共收到群众来信1339件,办结率98.2%。";
//! let x = extract(Document { bytes: page.as_bytes().into(), path: "x.txt", kind: Kind::Text, content_type: None, url: None }).unwrap();
//! assert_eq!(x.report.year, Some(2013));
//! assert_eq!(x.report.figures[0].value, 1339.0);
//! assert_eq!(x.report.figures[1].unit, "%");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod agency;
pub mod check;
pub mod crawl;
pub mod decode;
pub mod dictionary;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod fixtures;
pub mod html;
pub mod model;
pub mod panel;
pub mod pipeline;
pub mod sink;
pub mod store;
pub mod summary;
