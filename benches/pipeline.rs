//! Criterion benches, stage by stage and whole, on small, medium and large
//! pages:
//!
//! * small: the project's seed report as text (8 KB);
//! * medium: a generated portal page with the standard tables (about 15 KB);
//! * large: a generated portal page whose report body is repeated twenty
//!   times (about 150 KB).
//!
//!     cargo bench --bench pipeline [FILTER]
//!
//! And PDFs (`pdf/…`): the three-page fixture report, in pages a second.
//!
//! The whole-run comparison against the Python peer is `benches/compare.py`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nianbao::decode::{self, normalize};
use nianbao::extract::{self, Document, Kind, content, figures, sections, tables};
use nianbao::sink::{self, Outcome, Sink};

#[allow(dead_code)]
mod corpus;

struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    kind: Kind,
}

fn cases() -> Vec<Case> {
    let seed = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/pages/xianning-2013-text/page.txt"
    ))
    .expect("seed fixture");
    // Pages 0 to 8 of the default corpus; page 8 is a UTF-8 TRS page with
    // the standard tables.
    let mut rng = corpus::rng(2026);
    let medium = (0..=8)
        .map(|i| corpus::page(&mut rng, i))
        .last()
        .expect("nine pages");
    let page = medium.clone();
    // Repeat the report body (inside #zoom) to make a large page.
    let (head, rest) = page
        .split_once("<div class=\"TRS_Editor\">")
        .expect("a TRS page");
    let (body, tail) = rest.split_once("</div></div>").expect("its body");
    let large = format!(
        "{head}<div class=\"TRS_Editor\">{}</div></div>{tail}",
        body.repeat(20)
    );
    vec![
        Case {
            name: "small",
            bytes: seed,
            kind: Kind::Text,
        },
        Case {
            name: "medium",
            bytes: medium.into_bytes(),
            kind: Kind::Html,
        },
        Case {
            name: "large",
            bytes: large.into_bytes(),
            kind: Kind::Html,
        },
    ]
}

fn doc(c: &Case) -> Document<'_> {
    Document {
        bytes: c.bytes.as_slice().into(),
        path: c.name,
        kind: c.kind,
        content_type: None,
        url: None,
    }
}

fn stages(cr: &mut Criterion) {
    for c in cases() {
        let mut g = cr.benchmark_group(c.name);
        g.throughput(Throughput::Bytes(c.bytes.len() as u64));
        let html = c.kind == Kind::Html;
        g.bench_function("decode", |b| {
            b.iter(|| decode::decode(black_box(&c.bytes), None, html).unwrap())
        });
        let text = decode::decode(&c.bytes, None, html).unwrap().text;
        if html {
            g.bench_function("parse", |b| {
                b.iter(|| nianbao::html::Dom::parse(black_box(&text)))
            });
            g.bench_function("body", |b| b.iter(|| content::split(black_box(&text))));
        }
        let body = if html {
            content::split(&text).body
        } else {
            text.clone()
        };
        g.bench_function("text", |b| {
            b.iter(|| normalize::fold(&normalize::normalize(black_box(&body))))
        });
        let norm = normalize::normalize(&body);
        let folded = normalize::fold(&norm);
        let index = normalize::CharIndex::new(&norm);
        let secs = sections::find(&norm, &folded, &index);
        g.bench_function("figures", |b| {
            b.iter(|| figures::extract(black_box(&norm), &folded, &secs, &index))
        });
        let grids = if html {
            content::split(&text).tables
        } else {
            Vec::new()
        };
        g.bench_function("tables", |b| {
            b.iter(|| tables::extract(black_box(&norm), &folded, &grids))
        });
        let cells = tables::extract(&norm, &folded, &grids).cells;
        g.bench_function("checks", |b| {
            b.iter(|| nianbao::check::run(&mut black_box(cells.clone())))
        });
        let x = extract::extract(doc(&c)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let sinks: Vec<Box<dyn Sink>> = vec![
            Box::new(sink::jsonl::ReportsJsonl::create(dir.path()).unwrap()),
            Box::new(sink::csv::CsvTables::create(dir.path()).unwrap()),
        ];
        let o = Outcome::Extracted(Box::new(x.clone()));
        // Rendering runs on the workers, in parallel; appending is the part
        // that runs in turn.
        g.bench_function("render", |b| {
            b.iter(|| {
                for s in &sinks {
                    black_box(s.render(black_box(&o)).unwrap());
                }
            })
        });
        // Appending: into fresh files' write buffers (created, and dropped,
        // outside the timing), so that the disk's writeback of what earlier
        // iterations wrote does not count; whole runs include the writes.
        let fresh = tempfile::tempdir().unwrap();
        g.bench_function("append", |b| {
            b.iter_batched(
                || {
                    let sinks: Vec<Box<dyn Sink>> = vec![
                        Box::new(sink::jsonl::ReportsJsonl::create(fresh.path()).unwrap()),
                        Box::new(sink::csv::CsvTables::create(fresh.path()).unwrap()),
                    ];
                    let parts: Vec<_> = sinks.iter().map(|s| s.render(&o).unwrap()).collect();
                    (sinks, parts)
                },
                |(sinks, parts)| {
                    for (s, p) in sinks.iter().zip(parts) {
                        s.write(p).unwrap();
                    }
                    sinks
                },
                criterion::BatchSize::PerIteration,
            )
        });
        g.bench_with_input(BenchmarkId::new("whole", c.bytes.len()), &c, |b, c| {
            b.iter(|| extract::extract(doc(c)).unwrap())
        });
        g.finish();
    }
}

/// PDFs: the fixture report (three pages with the standard tables, a
/// CID-keyed font), text layer alone and the whole extraction; throughput
/// in pages.
fn pdf(cr: &mut Criterion) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/pages/pdf-tables-2021-cid-font/report.pdf"
    ))
    .expect("PDF fixture");
    let pages = decode::pdf::text(&bytes).expect("its text layer").pages;
    let mut g = cr.benchmark_group("pdf");
    g.throughput(Throughput::Elements(u64::from(pages)));
    g.bench_function("text_layer", |b| {
        b.iter(|| decode::pdf::text(black_box(&bytes)).expect("text"))
    });
    g.bench_function("extract", |b| {
        b.iter(|| {
            extract::extract(black_box(Document {
                bytes: bytes.as_slice().into(),
                path: "report.pdf",
                kind: Kind::Pdf,
                content_type: None,
                url: None,
            }))
            .expect("report")
        })
    });
    g.finish();
}

criterion_group!(benches, stages, pdf);
criterion_main!(benches);
