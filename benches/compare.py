#!/usr/bin/env python3
"""nianbao against the Python peer, side by side, on a generated corpus.

    python3 benches/compare.py --peer PEER.py [--corpus DIR | --pages N] [--runs R] [--jobs J]

Builds the release binary and the corpus generator, writes N deterministic
pages (`cargo run --release --example gen-corpus -- DIR N`) or takes the
pages already in `--corpus DIR`, then runs the peer (a Python program doing
the same job, given by --peer or $NIANBAO_PEER; see CONTRIBUTING.md) and
`nianbao extract` alternately R times each with J worker processes/threads,
timing every run (wall clock and peak RSS, via /usr/bin/time -v when
present). Reports median throughput (MB/s, pages/s) of both and the ratio of
their median wall times. Shared machines are noisy: alternating runs and
comparing medians taken in the same run keeps the ratio honest.

nianbao writes what the peer writes (reports.jsonl and the CSV tables:
`--format jsonl,csv`); the spreadsheet nianbao also writes by default,
dataset.xlsx, is not part of the peer's job and is timed apart (--xlsx).

With --memory it also runs nianbao on 500 and on 5000 pages and compares their
peak RSS (the memory must stay flat in the corpus size); with --scaling it
compares --jobs 1 and --jobs 2.

The peer needs: pip install beautifulsoup4 lxml pandas charset-normalizer html5lib
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The peer's outputs: reports.jsonl and CSV.
SAME_JOB = ["--format", "jsonl,csv"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "nianbao")
GEN = os.path.join(ROOT, "target", "release", "examples", "gen-corpus")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, ok=(0, 1)):
    """Runs cmd; returns (wall seconds, peak RSS in KB or None). An exit code
    outside `ok` ends the comparison (nianbao exits 1 when some input failed;
    the peer must exit 0: a peer that cannot even start would look fast)."""
    time_bin = "/usr/bin/time"
    if os.path.exists(time_bin):
        t0 = time.perf_counter()
        p = subprocess.run([time_bin, "-v", *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if p.returncode not in ok:
            sys.exit(f"compare: {' '.join(cmd[:3])} … failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        return wall, int(m.group(1)) if m else None
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok:
        sys.exit(f"compare: {' '.join(cmd[:3])} … failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
    return time.perf_counter() - t0, None


def corpus(dir_, n):
    sh([GEN, dir_, str(n)], stderr=subprocess.DEVNULL)
    total = sum(os.path.getsize(os.path.join(dir_, f)) for f in os.listdir(dir_))
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--corpus", help="time on the pages in this directory instead of generating them")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--peer", default=os.environ.get("NIANBAO_PEER"), help="the peer script (default: $NIANBAO_PEER)")
    ap.add_argument("--memory", action="store_true", help="also compare peak RSS on 500 and 5000 pages")
    ap.add_argument("--scaling", action="store_true", help="also compare --jobs 1 and --jobs 2")
    ap.add_argument("--no-peer", action="store_true", help="time nianbao only")
    ap.add_argument("--xlsx", action="store_true", help="also time nianbao with its default formats (dataset.xlsx included)")
    a = ap.parse_args()
    if not a.no_peer and not a.peer:
        ap.error("--peer PATH (or $NIANBAO_PEER) is needed, or --no-peer")

    sh(["cargo", "build", "--release", "--quiet", "--bin", "nianbao", "--example", "gen-corpus"], cwd=ROOT)
    work = tempfile.mkdtemp(prefix="nianbao-bench-")
    try:
        if a.corpus:
            pages = os.path.abspath(a.corpus)
            names = [f for f in os.listdir(pages) if os.path.isfile(os.path.join(pages, f))]
            a.pages = len(names)
            size = sum(os.path.getsize(os.path.join(pages, f)) for f in names)
        else:
            pages = os.path.join(work, "pages")
            size = corpus(pages, a.pages)
        mb = size / 1e6
        print(f"corpus: {pages if a.corpus else 'generated'}, {a.pages} pages, {mb:.1f} MB ({size // a.pages} bytes a page); {a.jobs} jobs; {a.runs} runs each")
        ours, peer, rss = [], [], []
        for _ in range(a.runs):
            if not a.no_peer:
                peer.append(timed([sys.executable, a.peer, pages, os.path.join(work, "py-out"), "--jobs", str(a.jobs)], ok=(0,))[0])
            wall, kb = timed([BIN, "extract", pages, "--out", os.path.join(work, "nb-out"), "--jobs", str(a.jobs), "-q"] + SAME_JOB)
            ours.append(wall)
            rss.append(kb)
        o = statistics.median(ours)
        print(f"nianbao : median {o:.3f} s  {mb / o:7.1f} MB/s  {a.pages / o:8.0f} pages/s  (runs: {', '.join(f'{t:.2f}' for t in ours)}; peak RSS {max(r or 0 for r in rss) / 1024:.0f} MB)")
        if peer:
            p = statistics.median(peer)
            print(f"pypeer  : median {p:.3f} s  {mb / p:7.1f} MB/s  {a.pages / p:8.0f} pages/s  (runs: {', '.join(f'{t:.2f}' for t in peer)})")
            print(f"ratio   : nianbao is {p / o:.1f}x the Python peer's throughput")
        if a.xlsx:
            full = [timed([BIN, "extract", pages, "--out", os.path.join(work, "nb-xlsx"), "--jobs", str(a.jobs), "-q"])[0] for _ in range(a.runs)]
            f = statistics.median(full)
            print(f"with xlsx: median {f:.3f} s ({f - o:+.3f} s for dataset.xlsx)")
        if a.scaling:
            # Alternating, so that a noisy spell hits both alike.
            runs = {1: [], 2: []}
            for _ in range(max(a.runs, 5)):
                for jobs in (1, 2):
                    cmd = [BIN, "extract", pages, "--out", os.path.join(work, f"j{jobs}"), "--jobs", str(jobs), "-q"] + SAME_JOB
                    runs[jobs].append(timed(cmd)[0])
            j = {k: statistics.median(v) for k, v in runs.items()}
            print(f"scaling : --jobs 1 {j[1]:.3f} s, --jobs 2 {j[2]:.3f} s: {j[1] / j[2]:.2f}x  (medians of {len(runs[1])} alternating runs)")
        if a.memory:
            peaks = {}
            for n in (500, 5000):
                d = os.path.join(work, f"m{n}")
                corpus(d, n)
                peaks[n] = max(timed([BIN, "extract", d, "--out", os.path.join(work, f"mo{n}"), "--jobs", str(a.jobs), "-q"] + SAME_JOB)[1] or 0 for _ in range(2))
                shutil.rmtree(d)
            print(f"memory  : peak RSS {peaks[500] / 1024:.1f} MB on 500 pages, {peaks[5000] / 1024:.1f} MB on 5000: {peaks[5000] / max(peaks[500], 1):.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
