//! A small HTTP/1.1 server for the fetcher's tests, on loopback only.
//!
//! Each server binds one loopback address (127.0.0.x: a different "host"
//! each), answers every request from a handler, and logs every request
//! with the moments its head arrived and its answer ended, so tests can
//! assert politeness from the server's side. Connections are closed after
//! each answer. Besides plain answers it can reset the connection, stall
//! after the headers, answer slowly, or send a body that never ends.

#![allow(dead_code)] // each test binary uses part of it

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A whole answer.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Reset the connection (RST) without answering.
    Reset,
    /// Send the headers and a little of the body, then nothing until the
    /// client gives up.
    Stall,
    /// Wait, then reply.
    Slow(Duration, Box<Reply>),
    /// A chunked body that never ends.
    Endless,
}

impl Reply {
    /// 200 with an HTML body.
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::with(200, &[("Content-Type", "text/html; charset=utf-8")], body)
    }

    /// A status with headers and a body.
    pub fn with(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        Reply::Answer {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }

    /// A status with no body.
    pub fn status(status: u16) -> Reply {
        Reply::with(status, &[], Vec::new())
    }

    /// A redirect.
    pub fn redirect(status: u16, to: &str) -> Reply {
        Reply::with(status, &[("Location", to)], Vec::new())
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query.
    pub path: String,
    /// Request headers (names lower-cased).
    pub headers: HashMap<String, String>,
    /// When its connection was accepted (each request has its own).
    pub start: Instant,
    /// When the answer was sent, or the client went away.
    pub end: Instant,
}

type Handler = dyn Fn(&str, usize, &HashMap<String, String>) -> Reply + Send + Sync;

/// A running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
    /// Connections accepted and not yet logged in `hits`.
    active: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves on `ip` (a loopback address) at a free port. The handler gets
    /// the path, how many times that path was asked for before, and the
    /// request headers.
    pub fn start(
        ip: &str,
        handler: impl Fn(&str, usize, &HashMap<String, String>) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind((ip, 0)).expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let counts = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
        let active = Arc::new(AtomicUsize::new(0));
        {
            let (hits, stop, active) = (hits.clone(), stop.clone(), active.clone());
            thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let accepted = Instant::now();
                    let Ok(conn) = conn else { continue };
                    active.fetch_add(1, Ordering::SeqCst);
                    let (hits, handler, counts, stop, active) = (
                        hits.clone(),
                        handler.clone(),
                        counts.clone(),
                        stop.clone(),
                        active.clone(),
                    );
                    thread::spawn(move || {
                        let pending = Pending(&active);
                        serve(conn, accepted, &*handler, &counts, &hits, pending, &stop)
                    });
                }
            });
        }
        Server {
            addr,
            hits,
            active,
            stop,
        }
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request so far, in order of arrival. A request is logged when
    /// its connection is done with, which for one the client gave up on
    /// (a timeout) is when the server notices: so this first waits, up to
    /// five seconds, for the connections in hand to be logged.
    pub fn hits(&self) -> Vec<Hit> {
        let waited = Instant::now();
        while self.active.load(Ordering::SeqCst) > 0 && waited.elapsed() < Duration::from_secs(5) {
            thread::sleep(Duration::from_millis(2));
        }
        let mut h = self.hits.lock().unwrap().clone();
        h.sort_by_key(|h| h.start);
        h
    }

    /// Requests for one path.
    pub fn hits_of(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// A connection not yet logged; dropping it says it is.
struct Pending<'a>(&'a AtomicUsize);

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve(
    mut conn: TcpStream,
    start: Instant,
    handler: &Handler,
    counts: &Mutex<HashMap<String, usize>>,
    hits: &Mutex<Vec<Hit>>,
    pending: Pending<'_>,
    stop: &AtomicBool,
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let nth = {
        let mut c = counts.lock().unwrap();
        let n = c.entry(path.clone()).or_default();
        *n += 1;
        *n - 1
    };
    let reply = handler(&path, nth, &headers);
    let sent_whole = matches!(reply, Reply::Answer { .. } | Reply::Slow(..));
    let end = act(&mut conn, reply, stop);
    hits.lock().unwrap().push(Hit {
        path,
        headers,
        start,
        end,
    });
    drop(pending);
    if sent_whole {
        // Let the client read everything before the socket goes.
        let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
        let mut sink = [0u8; 512];
        while let Ok(n) = conn.read(&mut sink) {
            if n == 0 {
                break;
            }
        }
    }
}

/// Carries out a reply; returns when the answer was complete (or the client
/// went away).
fn act(conn: &mut TcpStream, reply: Reply, stop: &AtomicBool) -> Instant {
    match reply {
        Reply::Answer {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (k, v) in &headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let _ = conn.write_all(out.as_bytes());
            let _ = conn.write_all(&body);
            let _ = conn.flush();
            let end = Instant::now();
            let _ = conn.shutdown(std::net::Shutdown::Write);
            end
        }
        Reply::Reset => {
            let sock = socket2::SockRef::from(&*conn);
            let _ = sock.set_linger(Some(Duration::ZERO));
            Instant::now()
        }
        Reply::Stall => {
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n<html>",
            );
            wait_for_close(conn, stop, Duration::from_secs(60));
            Instant::now()
        }
        Reply::Slow(wait, reply) => {
            thread::sleep(wait);
            act(conn, *reply, stop)
        }
        Reply::Endless => {
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            );
            let chunk = vec![b'x'; 64 * 1024];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            let started = Instant::now();
            while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                if conn.write_all(&framed).is_err() {
                    break;
                }
            }
            Instant::now()
        }
    }
}

/// Holds the connection open until the peer closes it.
fn wait_for_close(conn: &mut TcpStream, stop: &AtomicBool, max: Duration) {
    let _ = conn.set_read_timeout(Some(Duration::from_millis(1)));
    let started = Instant::now();
    let mut buf = [0u8; 512];
    while !stop.load(Ordering::SeqCst) && started.elapsed() < max {
        match conn.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// Gzip-compresses bytes (for a server that sends Content-Encoding: gzip).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Runs the nianbao binary in `dir` and waits for it.
pub fn run_nianbao(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run nianbao")
}

/// A small report page numbered `n` (its figures: `n` 条 and `n` 件).
pub fn numbered_report(n: usize) -> Vec<u8> {
    format!(
        "<html><head><meta charset=utf-8><title>第{n}号报告</title></head><body><div id=zoom>\
         <p>某某县第{n}局2023年政府信息公开工作年度报告</p><p>一、总体情况</p>\
         <p>全年主动公开政府信息{n}条,受理依申请公开{n}件,办结率100%。</p></div></body></html>"
    )
    .into_bytes()
}

/// The JSON lines of a file (none when it is missing).
pub fn json_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
