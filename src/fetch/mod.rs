//! Fetching report pages into a page store: polite, patient, resumable.
//!
//! `fetch` never decodes and `extract` never touches the network; they meet
//! in the [`store`]. A [`Fetcher`] owns one HTTP client, the per-host
//! politeness state ([`host`]), the robots.txt rules ([`robots`]) and the
//! retry policy ([`retry`]). [`Fetcher::get`] takes one URL from start to
//! stored body (robots check, retries, redirects hop by hop, each hop a
//! request to its own host with that host's spacing) and appends its outcome
//! to the store's manifest; [`Fetcher::fetch_all`] runs a URL list, one queue
//! per host so that every host is kept busy, all on one async runtime.
//!
//! The library never prints: progress arrives as [`Event`]s.

pub mod block;
pub mod guard;
pub mod host;
pub mod retry;
pub mod robots;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::error::{Error, Result};
use crate::store::{self, FetchOutcome, PageKind, Record, Store};
use host::Host;
use retry::{Failure, Jitter};
use robots::{Rules, Verdict};

/// The user agent sent unless `--user-agent` says otherwise: the tool, its
/// version and its repository. It names no contact: whoever runs a crawl
/// should add theirs (`--user-agent "nianbao/0.1 (+…; contact: you@…)"`).
pub const DEFAULT_USER_AGENT: &str = concat!(
    "nianbao/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/nianbao/nianbao; annual-report archiver)"
);

/// How long requests in flight may still take once a run is stopped.
pub const STOP_GRACE: Duration = Duration::from_secs(3);

/// Redirect hops followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// How a fetch behaves. The defaults are the CLI's.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time between the starts of consecutive requests to one host.
    pub delay: Duration,
    /// Requests in flight to one host at most.
    pub per_host: usize,
    /// Requests in flight in all at most.
    pub concurrency: usize,
    /// Retries after the first attempt of a request.
    pub retries: u32,
    /// Limit for one request, from sending it to the last byte of the body.
    pub timeout: Duration,
    /// Limit for making a connection.
    pub connect_timeout: Duration,
    /// Largest body accepted, after content decoding.
    pub max_bytes: u64,
    /// The User-Agent header.
    pub user_agent: String,
    /// Whether robots.txt is fetched and obeyed.
    pub robots: bool,
    /// Revalidate pages already stored (ETag / Last-Modified) instead of
    /// skipping them.
    pub refresh: bool,
    /// The wait before the first retry (doubled for each further one, with
    /// jitter).
    pub backoff: Duration,
    /// The longest Retry-After that is waited for; longer ones fail the URL.
    pub max_retry_after: Duration,
    /// Reach loopback, private and link-local addresses from any URL, not
    /// only from the hosts of the run's own URLs (see [`guard`]).
    pub allow_private: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            delay: Duration::from_secs(1),
            per_host: 1,
            concurrency: 32,
            retries: 3,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_bytes: 20_000_000,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            robots: true,
            refresh: false,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(600),
            allow_private: false,
        }
    }
}

/// Progress of [`Fetcher::fetch_all`].
#[derive(Debug)]
pub enum Event<'a> {
    /// The list is known: `total` distinct URLs, `stored` of them already
    /// stored (and skipped, unless refreshing).
    Start {
        /// Distinct URLs.
        total: usize,
        /// URLs already stored ok.
        stored: usize,
    },
    /// One URL is done; its manifest line.
    Done(&'a Record),
}

/// What a run of [`Fetcher::fetch_all`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Distinct URLs given.
    pub urls: usize,
    /// Already stored ok by an earlier run: skipped, no request made.
    pub stored_before: usize,
    /// Fetched (or revalidated) and stored in this run.
    pub ok: usize,
    /// Disallowed by robots.txt.
    pub robots: usize,
    /// Failed, counted by reason.
    pub failed: BTreeMap<String, usize>,
    /// Answered with a block page, a challenge or a script shell: by host,
    /// then by reason.
    pub blocked: BTreeMap<String, BTreeMap<String, usize>>,
    /// HTTP requests made (robots.txt, retries and hops included).
    pub requests: u64,
    /// The run was interrupted ([`Fetcher::stop`]): URLs not reached are
    /// left for the next run.
    pub interrupted: bool,
}

impl Summary {
    /// URLs that failed.
    pub fn failed_total(&self) -> usize {
        self.failed.values().sum()
    }

    /// URLs answered with a block page, a challenge or a script shell.
    pub fn blocked_total(&self) -> usize {
        self.blocked.values().flat_map(|r| r.values()).sum()
    }

    /// Counts one URL's outcome in this run.
    pub fn count(&mut self, rec: &Record) {
        match rec.outcome {
            FetchOutcome::Ok => self.ok += 1,
            FetchOutcome::Robots => self.robots += 1,
            FetchOutcome::Failed => {
                let reason = rec.reason.clone().unwrap_or_else(|| "failed".into());
                *self.failed.entry(reason).or_default() += 1;
            }
            FetchOutcome::Blocked => {
                let host = Url::parse(rec.final_url.as_deref().unwrap_or(&rec.url))
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default();
                let reason = rec.reason.clone().unwrap_or_else(|| "blocked".into());
                *self
                    .blocked
                    .entry(host)
                    .or_default()
                    .entry(reason)
                    .or_default() += 1;
            }
        }
    }
}

/// An answer to one request.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    location: Option<String>,
    retry_after: Option<String>,
    /// The body, read for 2xx answers only.
    body: Option<Vec<u8>>,
}

/// What to do with a body longer than the limit.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// Fail the request (pages: never store a truncated page as whole).
    Fail(u64),
    /// Keep the first bytes (robots.txt).
    Truncate(usize),
}

/// The HTTP client, politeness state and store of one run.
pub struct Fetcher {
    client: reqwest::Client,
    /// Which addresses may be reached (the client's resolver asks it too).
    guard: Arc<guard::Guard>,
    opts: Options,
    store: Arc<Store>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    in_flight: Semaphore,
    jitter: Mutex<Jitter>,
    requests: AtomicU64,
    log: Option<Mutex<Vec<RequestStart>>>,
    /// Set by [`Fetcher::stop`]: no new request starts.
    stopping: std::sync::atomic::AtomicBool,
    /// Wakes the requests in flight when the run stops.
    stopped: tokio::sync::Notify,
}

/// When a request started, by the fetcher's own clock (see
/// [`Fetcher::with_request_log`]).
#[derive(Debug, Clone)]
pub struct RequestStart {
    /// The host's politeness key (its host name).
    pub origin: String,
    /// The URL requested.
    pub url: String,
    /// The moment the request was started.
    pub at: Instant,
}

impl Fetcher {
    /// A fetcher writing into `store`.
    pub fn new(store: Arc<Store>, opts: Options) -> Result<Fetcher> {
        let guard = Arc::new(guard::Guard::new(opts.allow_private, &[]));
        let client = reqwest::Client::builder()
            .dns_resolver(guard.resolver())
            .user_agent(opts.user_agent.clone())
            // Redirects are followed here, hop by hop, so that each hop keeps
            // its host's spacing.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout.min(opts.timeout))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::Client {
                message: crate::error::chain(&e),
            })?;
        Ok(Fetcher {
            client,
            guard,
            in_flight: Semaphore::new(opts.concurrency.max(1)),
            opts,
            store,
            hosts: Mutex::new(HashMap::new()),
            jitter: Mutex::new(Jitter::new()),
            requests: AtomicU64::new(0),
            log: None,
            stopping: std::sync::atomic::AtomicBool::new(false),
            stopped: tokio::sync::Notify::new(),
        })
    }

    /// Keeps a log of every request's start (for diagnostics and tests of
    /// politeness: servers see requests a little late, by a varying lag).
    pub fn with_request_log(mut self) -> Fetcher {
        self.log = Some(Mutex::new(Vec::new()));
        self
    }

    /// The request log, in order of start (empty unless enabled).
    pub fn request_log(&self) -> Vec<RequestStart> {
        let mut log = self
            .log
            .as_ref()
            .map(|l| l.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default();
        log.sort_by_key(|r| r.at);
        log
    }

    /// The options it runs with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The store written to.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// HTTP requests made so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let key = host::origin(url);
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Host::new(self.opts.per_host, self.opts.delay)))
            .clone()
    }

    /// Fetches every URL of `urls` (duplicates once) of the given kind, skipping
    /// those already stored ok unless refreshing. One queue per host, worked
    /// by `per_host + 1` tasks (the host's slots still bound its requests in
    /// flight): hosts proceed in parallel, each at its own pace.
    pub async fn fetch_all(
        self: &Arc<Self>,
        urls: &[String],
        kind: PageKind,
        progress: &mut (dyn FnMut(Event<'_>) + Send),
    ) -> Result<Summary> {
        let mut seen = HashSet::new();
        let mut summary = Summary::default();
        let requests_before = self.requests();
        let mut queues: Vec<(String, Vec<String>)> = Vec::new();
        let mut queue_of: HashMap<String, usize> = HashMap::new();
        let urls: Vec<String> = urls.iter().map(|u| store::normalize_url(u)).collect();
        // The run's own URLs: their hosts may be on any address.
        self.guard.trust(&urls);
        for url in &urls {
            if !seen.insert(url.as_str()) {
                continue;
            }
            summary.urls += 1;
            // Stored means stored intact: a body deleted or changed on disk
            // is fetched again.
            let stored = self
                .store
                .latest(url)
                .is_some_and(|r| self.store.intact(&r));
            // Stored by an earlier phase of this run (a crawl before the
            // URL list): not asked for again, --refresh or not.
            if stored && (!self.opts.refresh || self.store.appended(url)) {
                summary.stored_before += 1;
                continue;
            }
            // Unparsable URLs share one queue; get() fails them without a request.
            let key = Url::parse(url)
                .map(|u| host::origin(&u))
                .unwrap_or_default();
            let i = *queue_of.entry(key.clone()).or_insert_with(|| {
                queues.push((key, Vec::new()));
                queues.len() - 1
            });
            queues[i].1.push(url.clone());
        }
        progress(Event::Start {
            total: summary.urls,
            stored: summary.stored_before,
        });
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Result<Record>>();
        let mut tasks = tokio::task::JoinSet::new();
        for (_, list) in queues {
            let list = Arc::new(list);
            let next = Arc::new(AtomicUsize::new(0));
            // One worker more than the host's slots: while one stores a body
            // (and waits on the disk), the next request can already go out.
            for _ in 0..(self.opts.per_host.max(1) + 1).min(list.len()) {
                let (me, list, next, tx) = (self.clone(), list.clone(), next.clone(), tx.clone());
                tasks.spawn(async move {
                    loop {
                        if me.is_stopping() {
                            return;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(url) = list.get(i) else { return };
                        let r = me.get(url, kind).await.map(|(rec, _)| rec);
                        let stop = r.is_err();
                        if tx.send(r).is_err() || stop {
                            return;
                        }
                    }
                });
            }
        }
        drop(tx);
        let mut error = None;
        while let Some(r) = rx.recv().await {
            match r {
                Ok(rec) => {
                    summary.count(&rec);
                    progress(Event::Done(&rec));
                }
                Err(e) => {
                    // The store cannot be written: nothing more can be recorded.
                    error = Some(e);
                    tasks.abort_all();
                    break;
                }
            }
        }
        while tasks.join_next().await.is_some() {}
        summary.requests = self.requests() - requests_before;
        summary.interrupted = self.is_stopping();
        match error {
            Some(e) => Err(e),
            None => Ok(summary),
        }
    }

    /// Takes one URL from start to outcome: robots.txt, retries, redirects,
    /// the body stored, the manifest line appended. Returns the line and the
    /// body (for callers that read it, such as a crawler). `Err` only when
    /// the store cannot be written.
    pub async fn get(&self, url: &str, kind: PageKind) -> Result<(Record, Option<Vec<u8>>)> {
        self.trust(&[url.to_string()]);
        self.get_record(Record::new(url, kind)).await
    }

    /// Stops the run (Ctrl-C): no request starts after this; requests in
    /// flight get [`STOP_GRACE`] to finish, then fail as `interrupted`.
    /// Every URL taken ends with its manifest line.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.stopped.notify_waiters();
    }

    /// Whether [`Fetcher::stop`] was called.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Returns [`STOP_GRACE`] after the run is stopped.
    async fn grace_over(&self) {
        let notified = self.stopped.notified();
        if !self.is_stopping() {
            notified.await;
        }
        tokio::time::sleep(STOP_GRACE).await;
    }

    /// Trusts the hosts of a run's own URLs (start URLs, a URL list): they
    /// may be on loopback or private addresses, which links and redirects
    /// may not lead to (see [`guard`]).
    pub fn trust(&self, urls: &[String]) {
        self.guard.trust(urls);
    }

    /// [`Fetcher::get`] for a record that already says more (a crawl's
    /// `referrer` and `link_title`).
    pub async fn get_record(&self, mut rec: Record) -> Result<(Record, Option<Vec<u8>>)> {
        let started = Instant::now();
        rec.url = store::normalize_url(&rec.url);
        let url = rec.url.clone();
        let body = self.run(&url, &mut rec).await?;
        rec.fetched_at = crate::model::timestamp(SystemTime::now());
        rec.elapsed_ms = started.elapsed().as_millis() as u64;
        match rec.outcome {
            FetchOutcome::Failed | FetchOutcome::Blocked => {}
            FetchOutcome::Robots => rec.error = None,
            FetchOutcome::Ok => {
                rec.reason = None;
                rec.error = None;
            }
        }
        self.store.append(&rec)?;
        Ok((rec, body))
    }

    async fn run(&self, url: &str, rec: &mut Record) -> Result<Option<Vec<u8>>> {
        fn fail(rec: &mut Record, reason: &str, error: String) -> Result<Option<Vec<u8>>> {
            rec.outcome = FetchOutcome::Failed;
            rec.reason = Some(reason.to_string());
            rec.error = Some(error);
            Ok(None)
        }
        let mut current = match Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
            Ok(u) => {
                return fail(
                    rec,
                    "bad_url",
                    format!("not an http(s) URL ({} scheme)", u.scheme()),
                );
            }
            Err(e) => return fail(rec, "bad_url", format!("not a URL: {e}")),
        };
        let previous = self
            .store
            .latest(url)
            // A 304 can only stand for a body that is still stored intact;
            // otherwise the page is asked for afresh.
            .filter(|r| self.opts.refresh && self.store.intact(r));
        let mut visited: HashSet<String> = HashSet::from([current.to_string()]);
        loop {
            rec.final_url = Some(current.to_string());
            if let Some(why) = self.guard.refusal(&current) {
                return fail(rec, "private_address", why);
            }
            if self.opts.robots {
                match self.robots_verdict(&current).await {
                    Verdict::Allowed => {}
                    Verdict::Disallowed => {
                        rec.outcome = FetchOutcome::Robots;
                        rec.reason = Some("disallowed".into());
                        return Ok(None);
                    }
                    Verdict::Unknown(e) => {
                        return fail(rec, "robots_unreachable", format!("{e}; not fetched blind"));
                    }
                }
            }
            // Revalidate the page as first asked for, not its redirect targets.
            let mut conditional = HeaderMap::new();
            if let Some(prev) = previous.as_ref().filter(|_| rec.redirects.is_empty()) {
                let mut put = |name, value: &Option<String>| {
                    if let Some(v) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                        conditional.insert(name, v);
                    }
                };
                put(header::IF_NONE_MATCH, &prev.etag);
                put(header::IF_MODIFIED_SINCE, &prev.last_modified);
            }
            let answer = match self
                .with_retries(
                    &current,
                    &conditional,
                    Limit::Fail(self.opts.max_bytes),
                    &mut rec.attempts,
                )
                .await
            {
                Ok(a) => a,
                Err((f, note)) => {
                    let mut msg = f.message(self.opts.timeout);
                    if let Some(n) = note {
                        msg = format!("{msg} ({n})");
                    }
                    return fail(rec, f.reason(), msg);
                }
            };
            rec.status = Some(answer.status);
            rec.content_type = answer.content_type.clone();
            match answer.status {
                301 | 302 | 303 | 307 | 308 => {
                    let Some(location) = answer.location else {
                        return fail(
                            rec,
                            "bad_redirect",
                            format!("HTTP {} without a Location header", answer.status),
                        );
                    };
                    let next = match current.join(&location) {
                        Ok(mut u) => {
                            // Credentials in a Location are neither used nor
                            // stored.
                            let _ = u.set_username("");
                            let _ = u.set_password(None);
                            u.set_fragment(None);
                            u
                        }
                        Err(e) => {
                            return fail(
                                rec,
                                "bad_redirect",
                                format!("redirect to an invalid URL {location:?}: {e}"),
                            );
                        }
                    };
                    if !matches!(next.scheme(), "http" | "https") {
                        return fail(
                            rec,
                            "bad_redirect",
                            format!("redirect to a {} URL ({next})", next.scheme()),
                        );
                    }
                    if rec.redirects.len() >= MAX_REDIRECTS {
                        return fail(
                            rec,
                            "too_many_redirects",
                            format!("more than {MAX_REDIRECTS} redirects"),
                        );
                    }
                    if !visited.insert(next.to_string()) {
                        let mut chain: Vec<&str> = vec![url];
                        chain.extend(rec.redirects.iter().map(String::as_str));
                        chain.push(next.as_str());
                        return fail(
                            rec,
                            "redirect_loop",
                            format!("redirect loop: {}", chain.join(" → ")),
                        );
                    }
                    rec.redirects.push(next.to_string());
                    current = next;
                }
                304 if previous.is_some() && rec.redirects.is_empty() => {
                    let prev = previous.expect("checked");
                    rec.outcome = FetchOutcome::Ok;
                    rec.sha256 = prev.sha256;
                    rec.body = prev.body;
                    rec.bytes = prev.bytes;
                    rec.content_type = prev.content_type;
                    rec.etag = answer.etag.or(prev.etag);
                    rec.last_modified = answer.last_modified.or(prev.last_modified);
                    return Ok(None);
                }
                200..=299 => {
                    let body = answer.body.unwrap_or_default();
                    if let Some((block, why)) =
                        block::classify(answer.status, answer.content_type.as_deref(), &body)
                    {
                        rec.outcome = FetchOutcome::Blocked;
                        rec.reason = Some(block.as_str().to_string());
                        rec.error = Some(why);
                        return Ok(None);
                    }
                    let ext = store::body_extension(
                        answer.content_type.as_deref(),
                        current.as_str(),
                        &body,
                    );
                    let store = self.store.clone();
                    let (stored, body) = tokio::task::spawn_blocking(move || {
                        let r = store.put_body(&body, ext);
                        (r, body)
                    })
                    .await
                    .map_err(|e| Error::Internal {
                        message: format!("storing a body: {e}"),
                    })?;
                    let (sha, rel) = stored?;
                    rec.outcome = FetchOutcome::Ok;
                    rec.sha256 = Some(sha);
                    rec.body = Some(rel);
                    rec.bytes = Some(body.len() as u64);
                    rec.etag = answer.etag;
                    rec.last_modified = answer.last_modified;
                    return Ok(Some(body));
                }
                s => {
                    if let Some((block, why)) = answer
                        .body
                        .as_deref()
                        .and_then(|b| block::classify(s, answer.content_type.as_deref(), b))
                    {
                        rec.outcome = FetchOutcome::Blocked;
                        rec.reason = Some(block.as_str().to_string());
                        rec.error = Some(why);
                        return Ok(None);
                    }
                    let words = reqwest::StatusCode::from_u16(s)
                        .ok()
                        .and_then(|c| c.canonical_reason())
                        .unwrap_or("");
                    let mut msg = format!("HTTP {s} {words}").trim_end().to_string();
                    if retry::retryable_status(s) {
                        msg.push_str(&format!(" (after {} retries)", self.opts.retries));
                    }
                    return fail(rec, &format!("http_{s}"), msg);
                }
            }
        }
    }

    /// One request, retried as [`retry`] says. On failure, the last failure
    /// and a note on why retrying stopped early.
    async fn with_retries(
        &self,
        url: &Url,
        headers: &HeaderMap,
        limit: Limit,
        attempts: &mut u32,
    ) -> std::result::Result<Answer, (Failure, Option<String>)> {
        let mut retry = 0;
        loop {
            *attempts += 1;
            let result = self.request(url, headers, limit).await;
            let can_retry = retry < self.opts.retries && !self.is_stopping();
            retry += 1;
            match result {
                Ok(a) if can_retry && retry::retryable_status(a.status) => {
                    let asked = a
                        .retry_after
                        .as_deref()
                        .and_then(|v| retry::retry_after(v, SystemTime::now()));
                    match asked {
                        Some(wait) if wait > self.opts.max_retry_after => return Ok(a),
                        Some(wait) => {
                            // The host asked for a pause: no request to it before then.
                            self.host(url).hold_off(Instant::now() + wait);
                        }
                        None => tokio::time::sleep(self.backoff(retry)).await,
                    }
                }
                Ok(a) => return Ok(a),
                Err(f) if can_retry && f.retryable() => {
                    tokio::time::sleep(self.backoff(retry)).await;
                }
                Err(f) => {
                    let note = f
                        .retryable()
                        .then(|| format!("after {} retries", self.opts.retries));
                    return Err((f, note));
                }
            }
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        let unit = self.jitter.lock().unwrap_or_else(|e| e.into_inner()).unit();
        retry::backoff(self.opts.backoff, retry, unit)
    }

    /// One request: the host's slot and turn, a place among the requests in
    /// flight, then the exchange within the timeout.
    async fn request(
        &self,
        url: &Url,
        headers: &HeaderMap,
        limit: Limit,
    ) -> std::result::Result<Answer, Failure> {
        let host = self.host(url);
        let (_slot, _place, at) = tokio::select! {
            turn = host.turn(&self.in_flight) => turn,
            () = self.stopped.notified(), if !self.is_stopping() => return Err(Failure::Interrupted),
        };
        if self.is_stopping() {
            return Err(Failure::Interrupted);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Some(log) = &self.log {
            log.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(RequestStart {
                    origin: host::origin(url),
                    url: url.to_string(),
                    at,
                });
        }
        tokio::select! {
            r = tokio::time::timeout(self.opts.timeout, self.exchange(url, headers, limit)) => {
                r.unwrap_or(Err(Failure::Timeout))
            }
            () = self.grace_over() => Err(Failure::Interrupted),
        }
    }

    async fn exchange(
        &self,
        url: &Url,
        headers: &HeaderMap,
        limit: Limit,
    ) -> std::result::Result<Answer, Failure> {
        let mut resp = self
            .client
            .get(url.clone())
            .headers(headers.clone())
            .send()
            .await
            .map_err(classify)?;
        let h = resp.headers();
        let get = |name: header::HeaderName| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_string())
        };
        let mut answer = Answer {
            status: resp.status().as_u16(),
            content_type: get(header::CONTENT_TYPE),
            etag: get(header::ETAG),
            last_modified: get(header::LAST_MODIFIED),
            location: get(header::LOCATION),
            retry_after: get(header::RETRY_AFTER),
            body: None,
        };
        if !(200..300).contains(&answer.status) {
            // The statuses challenges and block pages come with: their
            // first bytes, to tell (see [`block`]).
            if matches!(answer.status, 403 | 405 | 412 | 429 | 503 | 521) {
                let mut body = Vec::new();
                while let Ok(Some(chunk)) = resp.chunk().await {
                    body.extend_from_slice(&chunk);
                    if body.len() >= 64 * 1024 {
                        break;
                    }
                }
                answer.body = Some(body);
            }
            return Ok(answer);
        }
        if let (Limit::Fail(max), Some(len)) = (limit, resp.content_length())
            && len > max
        {
            return Err(Failure::TooLarge(max));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(classify)? {
            match limit {
                Limit::Fail(max) if (body.len() + chunk.len()) as u64 > max => {
                    return Err(Failure::TooLarge(max));
                }
                Limit::Truncate(max) if body.len() + chunk.len() >= max => {
                    body.extend_from_slice(&chunk[..max - body.len()]);
                    break;
                }
                _ => body.extend_from_slice(&chunk),
            }
        }
        answer.body = Some(body);
        Ok(answer)
    }

    async fn robots_verdict(&self, url: &Url) -> Verdict {
        let host = self.host(url);
        let rules = host.robots.get_or_init(|| self.load_robots(url)).await;
        rules.verdict(url.as_str())
    }

    /// Fetches and parses the robots.txt of `url`'s host (following up to
    /// five redirects, as RFC 9309 asks), and applies its Crawl-delay.
    async fn load_robots(&self, url: &Url) -> Rules {
        let token = robots::product_token(&self.opts.user_agent).to_string();
        let Ok(mut at) = url.join("/robots.txt") else {
            return Rules::AllowAll;
        };
        let mut attempts = 0;
        for _hop in 0..=5 {
            let answer = match self
                .with_retries(
                    &at,
                    &HeaderMap::new(),
                    Limit::Truncate(robots::MAX_ROBOTS_BYTES),
                    &mut attempts,
                )
                .await
            {
                Ok(a) => a,
                // A host the run may not reach: the page's own request is
                // refused the same way, with its own reason.
                Err((Failure::Private(_), _)) => return Rules::AllowAll,
                Err((f, _)) => {
                    return Rules::Unreachable(format!(
                        "robots.txt: {}",
                        f.message(self.opts.timeout)
                    ));
                }
            };
            if (300..400).contains(&answer.status)
                && let Some(next) = answer.location.as_deref().and_then(|l| at.join(l).ok())
            {
                at = next;
                continue;
            }
            let rules =
                Rules::from_answer(&token, answer.status, answer.body.as_deref().unwrap_or(&[]));
            if let Some(d) = rules.crawl_delay() {
                self.host(url).slow_down(d);
            }
            return rules;
        }
        // Too many redirects: RFC 9309 treats robots.txt as unavailable (4xx).
        Rules::AllowAll
    }
}

/// A duration as the CLI writes it (`300ms`, `2s`, `1.5m`).
pub fn show(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) && ms < 60_000 {
        format!("{}s", ms / 1000)
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{:.1}m", d.as_secs_f64() / 60.0)
    }
}

/// Parses a DURATION flag: a number with `ms`, `s`, `m` or `h` (`300ms`,
/// `2s`, `1.5m`); a bare number is seconds.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (examples: 300ms, 2s, 1m)"))?;
    let secs = match unit.trim() {
        "" => {
            return Err(format!(
                "{text:?} has no unit: write it with one (300ms, {num}s, 1m, 1h)"
            ));
        }
        "ms" => value / 1000.0,
        "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "{text:?}: unknown unit {other:?} (use ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{text:?} is out of range"))
}

/// Sorts a transport error into a [`Failure`].
fn classify(e: reqwest::Error) -> Failure {
    let msg = crate::error::chain(&e);
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(p) = s.downcast_ref::<guard::PrivateAddress>() {
            return Failure::Private(p.to_string());
        }
        source = s.source();
    }
    if msg.contains("message head is too large") || msg.contains("too many headers") {
        return Failure::HeaderFlood(msg);
    }
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() {
        Failure::Connect(msg)
    } else if e.is_decode() {
        Failure::Decode(msg)
    } else {
        Failure::Reset(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        // A bare number is refused, naming the accepted forms.
        let e = parse_duration("500").unwrap_err();
        assert!(e.contains("no unit") && e.contains("500s"), "{e}");
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("2 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(show(Duration::from_millis(50)), "50ms");
        assert_eq!(show(Duration::from_secs(30)), "30s");
    }
}
