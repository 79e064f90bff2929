//! Politeness per host: how many requests may be in flight to it, and when
//! the next one may start.
//!
//! Every request to a host (robots.txt, retries and redirect hops included)
//! first takes one of the host's `--per-host` slots, then waits for its turn.
//! Turns are planned: each start is booked `delay` after the previous
//! booking (or now, when the host has been idle), and the task sleeps until
//! then. Booking from the previous *planned* start, not from when a timer
//! happened to fire, keeps timer lateness from adding up over a long crawl.
//! And since a start can be late (a busy machine, a millisecond timer), a
//! start is also never closer than `delay` to the previous *actual* start:
//! the last stretch of that wait, under a millisecond, is spent yielding to
//! other tasks instead of on a timer that would round it up to a whole
//! millisecond and so, again, let lateness add up.
//! A `Retry-After` from the host pushes every later turn back; a robots.txt
//! `Crawl-delay` longer than `--delay` replaces it.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};
use tokio::time::Instant;

use super::robots::Rules;

/// The politeness key of a URL: its host. `http://` and `https://` of one
/// host (and its ports) are one site, paced as one, with one robots.txt
/// (the one read first).
pub fn origin(url: &reqwest::Url) -> String {
    url.host_str().unwrap_or("").to_ascii_lowercase()
}

/// One host's politeness state.
#[derive(Debug)]
pub struct Host {
    slots: Semaphore,
    schedule: Mutex<Schedule>,
    /// The host's robots.txt, fetched once.
    pub robots: OnceCell<Rules>,
}

#[derive(Debug)]
struct Schedule {
    delay: Duration,
    /// The earliest start that may still be booked.
    next: Option<Instant>,
    /// When the last request actually started.
    last: Option<Instant>,
}

impl Host {
    /// A host with `per_host` slots and `delay` between starts.
    pub fn new(per_host: usize, delay: Duration) -> Host {
        Host {
            slots: Semaphore::new(per_host.max(1)),
            schedule: Mutex::new(Schedule {
                delay,
                next: None,
                last: None,
            }),
            robots: OnceCell::new(),
        }
    }

    /// Waits for a free slot, then for this request's turn, then for a place
    /// among all requests in flight (`in_flight`). The slot and the place are
    /// held until the returned permits are dropped (when the answer is read);
    /// the instant is the start this turn was given.
    pub async fn turn<'a>(
        &'a self,
        in_flight: &'a Semaphore,
    ) -> (SemaphorePermit<'a>, SemaphorePermit<'a>, Instant) {
        let permit = self
            .slots
            .acquire()
            .await
            .expect("host semaphore is never closed");
        let at = self.book();
        tokio::time::sleep_until(at).await;
        let place = in_flight.acquire().await.expect("never closed");
        let start = loop {
            let remaining = {
                let mut s = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                match s.last.map(|l| l + s.delay) {
                    Some(earliest) if now < earliest => earliest - now,
                    _ => {
                        s.last = Some(now);
                        break now;
                    }
                }
            };
            if remaining > Duration::from_millis(1) {
                tokio::time::sleep(remaining - Duration::from_millis(1)).await;
            } else {
                tokio::task::yield_now().await;
            }
        };
        (permit, place, start)
    }

    /// Books the next start: the planned one, or now if that has passed.
    fn book(&self) -> Instant {
        let mut s = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let at = s.next.map_or(now, |n| n.max(now));
        s.next = Some(at + s.delay);
        at
    }

    /// Raises the delay between starts (a robots.txt Crawl-delay).
    pub fn slow_down(&self, delay: Duration) {
        let mut s = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
        if delay > s.delay {
            if let Some(next) = s.next {
                // The booking already made used the old delay.
                s.next = Some(next + (delay - s.delay));
            }
            s.delay = delay;
        }
    }

    /// No start before `until` (a Retry-After from this host).
    pub fn hold_off(&self, until: Instant) {
        let mut s = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
        s.next = Some(s.next.map_or(until, |n| n.max(until)));
    }

    /// The delay in force.
    pub fn delay(&self) -> Duration {
        self.schedule
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FLIGHT: Semaphore = Semaphore::const_new(100);

    #[tokio::test(start_paused = true)]
    async fn turns_are_spaced_from_the_planned_start() {
        let host = Host::new(1, Duration::from_millis(50));
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..5 {
            let (p, _, at) = host.turn(&FLIGHT).await;
            assert_eq!(at, Instant::now());
            starts.push(at - t0);
            // A request that takes 20 ms: the next start is still 50 ms after this one.
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(p);
        }
        let ms: Vec<u128> = starts.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, [0, 50, 100, 150, 200]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_host_starts_at_once_and_retry_after_holds_it_off() {
        let host = Host::new(1, Duration::from_millis(50));
        let t0 = Instant::now();
        drop(host.turn(&FLIGHT).await);
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(host.turn(&FLIGHT).await);
        assert_eq!((Instant::now() - t0).as_millis(), 500);
        host.hold_off(Instant::now() + Duration::from_secs(2));
        drop(host.turn(&FLIGHT).await);
        assert_eq!((Instant::now() - t0).as_millis(), 2500);
        host.slow_down(Duration::from_secs(1));
        drop(host.turn(&FLIGHT).await);
        assert_eq!((Instant::now() - t0).as_millis(), 3500);
    }

    #[tokio::test(start_paused = true)]
    async fn slots_bound_requests_in_flight() {
        let host = std::sync::Arc::new(Host::new(2, Duration::ZERO));
        let a = host.turn(&FLIGHT).await;
        let _b = host.turn(&FLIGHT).await;
        let h = host.clone();
        let third = tokio::spawn(async move {
            let _c = h.turn(&FLIGHT).await;
            Instant::now()
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let freed = Instant::now();
        drop(a);
        assert!(third.await.unwrap() >= freed);
    }
}
