//! Crawling a portal's 年度报告 column: from listing pages to every report
//! and every file attached to a report, into the page store.
//!
//! A crawl starts at listing pages, follows their paging ([`links`]: 下一页,
//! numbered pages, page-number query parameters, TRS `createPageHTML`
//! script paging) and the links whose title is a report's, and from each
//! report the links to attached files. Every page goes through the
//! [`Fetcher`], so politeness, retries, robots.txt and the store hold as
//! for `fetch`; pages are stored with their kind (`listing`, `report`,
//! `attachment`), the page that linked to them (`referrer`) and the link's
//! title. Pages already stored ok are read back from the store instead of
//! being requested, so a re-run (or the run after a killed one) makes no
//! request for them and still finds everything they link to.
//!
//! Scope: listings and reports are followed on the start URL's host only
//! (unless [`Options::all_hosts`]); attachments of a report are taken
//! wherever they are (portals serve files from their own file hosts), but no
//! link is followed from them. Each distinct URL (fragment dropped) is
//! taken once, up to [`Options::max_pages`] pages in all.

pub mod links;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use reqwest::Url;

use crate::decode;
use crate::error::{Error, Result};
use crate::fetch::{self, Fetcher, host};
use crate::html::Dom;
use crate::store::{FetchOutcome, PageKind, Record};
use links::{LinkKind, Rules};

/// Pages one crawl takes at most, by default.
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// How a crawl behaves (politeness is the fetcher's).
#[derive(Debug, Clone)]
pub struct Options {
    /// How links are told apart (the report pattern).
    pub rules: Rules,
    /// Pages taken at most (listings, reports and attachments, whether
    /// requested now or already stored).
    pub max_pages: usize,
    /// Follow listings and reports onto other hosts too.
    pub all_hosts: bool,
    /// Fetch listing pages again even when they are stored (to find reports
    /// published since); reports and attachments stored stay as they are.
    pub refresh_listings: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rules: Rules::default(),
            max_pages: DEFAULT_MAX_PAGES,
            all_hosts: false,
            refresh_listings: false,
        }
    }
}

/// Progress of a crawl.
#[derive(Debug)]
pub enum Event<'a> {
    /// Pages done and pages taken so far (the total grows as pages are found).
    Progress {
        /// Pages done.
        done: usize,
        /// Pages taken.
        total: usize,
    },
    /// A page was fetched now; its manifest line.
    Fetched(&'a Record),
}

/// What a crawl did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The page outcomes (`urls` is the pages taken; `stored_before` those
    /// read back from the store without a request).
    pub fetch: fetch::Summary,
    /// Listing pages taken.
    pub listings: usize,
    /// Report pages taken.
    pub reports: usize,
    /// Attachments taken.
    pub attachments: usize,
    /// Reports by the year their link title names (0: none named).
    pub report_years: BTreeMap<i32, usize>,
    /// Distinct links left out as notices about reports.
    pub notices: usize,
    /// Distinct links left out for leading to another host.
    pub off_host: usize,
    /// Distinct links left out because `max_pages` was reached.
    pub over_budget: usize,
}

/// A page to take.
#[derive(Debug, Clone)]
struct Item {
    /// The URL as given (start URLs) or as resolved from a link.
    url: String,
    kind: PageKind,
    /// The host the crawl started from (scope of its listings and reports).
    scope: String,
    referrer: Option<String>,
    title: Option<String>,
}

/// What visiting a page gave.
struct Visit {
    item: Item,
    /// The manifest line written now; `None` when the page was stored before.
    record: Option<Record>,
    /// Where the page came from after redirects.
    landed: Option<String>,
    /// Links found, sorted.
    found: Vec<(LinkKind, links::Link)>,
}

/// Pages waiting for one host, listings first (they find the rest).
#[derive(Default)]
struct HostQueue {
    listings: VecDeque<Item>,
    others: VecDeque<Item>,
    active: usize,
}

/// The crawl's bookkeeping: what was seen, what waits, what was left out.
struct Frontier {
    seen: HashSet<String>,
    left_out: HashSet<String>,
    queues: HashMap<String, HostQueue>,
    /// The hosts in scope of each start host: itself, and the host its start
    /// page redirected to (example.gov.cn → www.example.gov.cn).
    scopes: HashMap<String, HashSet<String>>,
    /// Hosts in the order first seen (fair, deterministic scheduling).
    hosts: Vec<String>,
    taken: usize,
    max_pages: usize,
    summary: Summary,
}

impl Frontier {
    /// Queues a page unless it was seen before or the budget is spent.
    fn take(&mut self, key: String, item: Item) {
        if !self.seen.insert(page_key(&key)) {
            return;
        }
        if self.taken >= self.max_pages {
            self.summary.over_budget += 1;
            return;
        }
        self.taken += 1;
        match item.kind {
            PageKind::Listing => self.summary.listings += 1,
            PageKind::Report => {
                self.summary.reports += 1;
                let year = item.title.as_deref().and_then(links::title_year);
                *self
                    .summary
                    .report_years
                    .entry(year.unwrap_or(0))
                    .or_default() += 1;
            }
            PageKind::Attachment => self.summary.attachments += 1,
        }
        let origin = Url::parse(&item.url)
            .map(|u| host::origin(&u))
            .unwrap_or_default();
        let q = self.queues.entry(origin.clone()).or_insert_with(|| {
            self.hosts.push(origin);
            HostQueue::default()
        });
        match item.kind {
            PageKind::Listing => q.listings.push_back(item),
            _ => q.others.push_back(item),
        }
    }

    /// Counts a link left out, once per URL.
    fn leave_out(&mut self, url: &Url, why: LinkKind) {
        if self.seen.contains(&page_key(url.as_str())) || !self.left_out.insert(url.to_string()) {
            return;
        }
        match why {
            LinkKind::Notice => self.summary.notices += 1,
            _ => self.summary.off_host += 1,
        }
    }
}

/// What makes two URLs one page to the crawl: host, path and query, without
/// scheme and port (`http://a/x`, `https://a/x` and `http://a:8080/x` are
/// one page: a portal serves the same pages on both schemes).
fn page_key(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => format!(
            "{}{}{}",
            u.host_str().unwrap_or(""),
            u.path(),
            u.query().map(|q| format!("?{q}")).unwrap_or_default()
        ),
        Err(_) => url.to_string(),
    }
}

/// Crawls from the listing pages `starts` into the fetcher's store.
/// `Err` only when the store cannot be written.
pub async fn crawl(
    fetcher: &Arc<Fetcher>,
    starts: &[String],
    opts: &Options,
    progress: &mut (dyn FnMut(Event<'_>) + Send),
) -> Result<Summary> {
    let mut frontier = Frontier {
        seen: HashSet::new(),
        left_out: HashSet::new(),
        queues: HashMap::new(),
        scopes: HashMap::new(),
        hosts: Vec::new(),
        taken: 0,
        max_pages: opts.max_pages,
        summary: Summary::default(),
    };
    // The start pages' hosts may be on any address; links may not lead to
    // private ones elsewhere.
    fetcher.trust(starts);
    // This crawl's own requests (a run's fetch phase counts its own).
    let requests_before = fetcher.requests();
    for start in starts {
        let parsed = Url::parse(start.trim())
            .ok()
            .and_then(|u| links::resolve(&u, ""));
        let key = parsed
            .as_ref()
            .map_or_else(|| start.clone(), |u| u.to_string());
        let scope = parsed
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        frontier
            .scopes
            .entry(scope.clone())
            .or_default()
            .insert(scope.clone());
        frontier.take(
            key,
            Item {
                url: crate::store::normalize_url(start),
                kind: PageKind::Listing,
                scope,
                referrer: None,
                title: None,
            },
        );
    }
    let rules = Arc::new(opts.rules.clone());
    // One more worker per host than its slots, as in fetch_all: while one
    // stores a body, the next request can go out.
    let workers = fetcher.options().per_host.max(1) + 1;
    let mut tasks = tokio::task::JoinSet::new();
    let mut done = 0;
    loop {
        for origin in &frontier.hosts {
            let q = frontier.queues.get_mut(origin).expect("queued host");
            // Once stopped, what is under way finishes and nothing starts.
            while q.active < workers && !fetcher.is_stopping() {
                let Some(item) = q.listings.pop_front().or_else(|| q.others.pop_front()) else {
                    break;
                };
                q.active += 1;
                let (fetcher, rules) = (fetcher.clone(), rules.clone());
                let origin = origin.clone();
                let reuse = !(fetcher.options().refresh
                    || (opts.refresh_listings && item.kind == PageKind::Listing));
                tasks.spawn(async move { (origin, visit(&fetcher, item, &rules, reuse).await) });
            }
        }
        progress(Event::Progress {
            done,
            total: frontier.taken,
        });
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (origin, visited) = joined.map_err(|e| Error::Internal {
            message: format!("a crawl task failed: {e}"),
        })?;
        let visit = match visited {
            Ok(v) => v,
            Err(e) => {
                tasks.abort_all();
                return Err(e);
            }
        };
        done += 1;
        if let Some(q) = frontier.queues.get_mut(&origin) {
            q.active -= 1;
        }
        match &visit.record {
            Some(rec) => {
                frontier.summary.fetch.count(rec);
                progress(Event::Fetched(rec));
            }
            None => frontier.summary.fetch.stored_before += 1,
        }
        let item = &visit.item;
        if item.referrer.is_none()
            && let Some(host) = visit
                .landed
                .as_deref()
                .and_then(|u| Url::parse(u).ok())
                .and_then(|u| u.host_str().map(str::to_string))
        {
            frontier
                .scopes
                .entry(item.scope.clone())
                .or_default()
                .insert(host);
        }
        let scope = frontier
            .scopes
            .get(&item.scope)
            .cloned()
            .unwrap_or_default();
        for (kind, link) in visit.found {
            let in_scope = opts.all_hosts || link.url.host_str().is_some_and(|h| scope.contains(h));
            let next_kind = match kind {
                LinkKind::Paging | LinkKind::Report if !in_scope => {
                    frontier.leave_out(&link.url, kind);
                    continue;
                }
                LinkKind::Notice => {
                    frontier.leave_out(&link.url, kind);
                    continue;
                }
                LinkKind::Paging => PageKind::Listing,
                LinkKind::Report => PageKind::Report,
                LinkKind::Attachment => PageKind::Attachment,
                LinkKind::Other => continue,
            };
            frontier.take(
                link.url.to_string(),
                Item {
                    url: link.url.to_string(),
                    kind: next_kind,
                    scope: item.scope.clone(),
                    referrer: Some(item.url.clone()),
                    title: (!link.title.is_empty()).then_some(link.title),
                },
            );
        }
    }
    frontier.summary.fetch.urls = frontier.taken;
    frontier.summary.fetch.requests = fetcher.requests() - requests_before;
    frontier.summary.fetch.interrupted = fetcher.is_stopping();
    Ok(frontier.summary)
}

/// Takes one page: read back from the store when it is stored ok and
/// `reuse` allows, else fetched; then, for listings and reports, its links.
async fn visit(
    fetcher: &Arc<Fetcher>,
    item: Item,
    rules: &Arc<Rules>,
    reuse: bool,
) -> Result<Visit> {
    let store = fetcher.store().clone();
    let stored = store
        .latest(&item.url)
        .filter(|r| r.outcome == FetchOutcome::Ok && (reuse || store.appended(&r.url)));
    // Read back only when the body is still what was stored.
    let from_store = async |rec: &Record| {
        let (store, rec) = (store.clone(), rec.clone());
        tokio::task::spawn_blocking(move || store.read_body(&rec))
            .await
            .ok()
            .flatten()
    };
    let stored_body = match &stored {
        Some(rec) => from_store(rec).await,
        None => None,
    };
    let (record, body, base, content_type) = match stored.as_ref().zip(stored_body) {
        Some((rec, body)) => (
            None,
            Some(body),
            rec.final_url.clone(),
            rec.content_type.clone(),
        ),
        None => {
            let mut rec = Record::new(&item.url, item.kind);
            rec.referrer = item.referrer.clone();
            rec.link_title = item.title.clone();
            let (rec, body) = fetcher.get_record(rec).await?;
            // A revalidated page (304) is read from the store.
            let body = match body {
                None if rec.outcome == FetchOutcome::Ok => from_store(&rec).await,
                body => body,
            };
            let (base, ct) = (rec.final_url.clone(), rec.content_type.clone());
            (Some(rec), body, base, ct)
        }
    };
    let landed = base.clone();
    let mut found = Vec::new();
    if let Some(body) = body.filter(|_| item.kind != PageKind::Attachment) {
        let base = base.unwrap_or_else(|| item.url.clone());
        let (listing, rules) = (item.kind == PageKind::Listing, rules.clone());
        found = tokio::task::spawn_blocking(move || {
            page_links(&body, content_type.as_deref(), &base, listing, &rules)
        })
        .await
        .map_err(|e| Error::Internal {
            message: format!("reading links: {e}"),
        })?;
    }
    Ok(Visit {
        item,
        record,
        landed,
        found,
    })
}

/// The links of a stored page, sorted; for listings also the pages its
/// paging script announces. Pages that are not text give none.
fn page_links(
    body: &[u8],
    content_type: Option<&str>,
    base: &str,
    listing: bool,
    rules: &Rules,
) -> Vec<(LinkKind, links::Link)> {
    let (Ok(base), Ok(decoded)) = (Url::parse(base), decode::decode(body, content_type, true))
    else {
        return Vec::new();
    };
    let dom = Dom::parse(&decoded.text);
    let mut out: Vec<(LinkKind, links::Link)> = links::links(&dom, &base)
        .into_iter()
        .map(|l| (rules.classify(&l, &base, listing), l))
        .filter(|(k, _)| *k != LinkKind::Other)
        .collect();
    if listing {
        // Lists written by a script from a datastore (Hanweb JCMS), and the
        // link to their next batch.
        let store = links::datastore(&decoded.text);
        for record in store.records {
            out.extend(
                links::links(&Dom::parse(record), &base)
                    .into_iter()
                    .map(|l| (rules.classify(&l, &base, true), l))
                    .filter(|(k, _)| *k != LinkKind::Other),
            );
        }
        for next in store.next {
            out.extend(
                links::links(&Dom::parse(next), &base)
                    .into_iter()
                    .map(|l| (LinkKind::Paging, l)),
            );
        }
        out.extend(
            links::script_pages(&decoded.text, &base)
                .into_iter()
                .map(|url| {
                    (
                        LinkKind::Paging,
                        links::Link {
                            url,
                            title: String::new(),
                        },
                    )
                }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(html: &str, page: &str) -> Vec<(LinkKind, String)> {
        page_links(
            html.as_bytes(),
            Some("text/html; charset=utf-8"),
            page,
            true,
            &Rules::default(),
        )
        .into_iter()
        .map(|(k, l)| (k, l.url.to_string()))
        .collect()
    }

    #[test]
    fn listing_links_come_from_markup_datastores_and_paging_scripts() {
        let page = "http://www.x.gov.cn/col/col376/index.html";
        let html = r#"<html><body><a href="/">首页</a>
            <div id="376"><script type="text/xml"><datastore>
            <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;columnid=376"></a>]]></nextgroup>
            <recordset>
            <record><![CDATA[<li><a href="/art/2024/1/20/art_376_9.html" title="某区2023年政府信息公开工作年度报告">某区2023年政府信息…</a></li>]]></record>
            <record><![CDATA[<li><a href="/art/2024/1/5/art_376_7.html">关于做好2023年政府信息公开工作年度报告编制工作的通知</a></li>]]></record>
            </recordset></datastore></script></div>
            <ul><li><a href="../../art/2023/1/20/art_376_8.html">某区2022年政府信息公开工作年度报告</a></li></ul>
            <script>createPageHTML(2, 0, "index", "html");</script></body></html>"#;
        assert_eq!(
            found(html, page),
            [
                (
                    LinkKind::Report,
                    "http://www.x.gov.cn/art/2023/1/20/art_376_8.html".to_string()
                ),
                (
                    LinkKind::Report,
                    "http://www.x.gov.cn/art/2024/1/20/art_376_9.html".to_string()
                ),
                (
                    LinkKind::Notice,
                    "http://www.x.gov.cn/art/2024/1/5/art_376_7.html".to_string()
                ),
                (
                    LinkKind::Paging,
                    "http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?page=1&columnid=376"
                        .to_string()
                ),
                (
                    LinkKind::Paging,
                    "http://www.x.gov.cn/col/col376/index.html".to_string()
                ),
                (
                    LinkKind::Paging,
                    "http://www.x.gov.cn/col/col376/index_1.html".to_string()
                ),
            ]
        );
    }

    #[test]
    fn binary_bodies_have_no_links() {
        assert!(found("%PDF-1.4\0\0binary", "http://www.x.gov.cn/a.pdf").is_empty());
    }
}
