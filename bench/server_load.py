#!/usr/bin/env python3
"""Load benchmark for `opastin serve`.

Starts the release binary on 127.0.0.1 with port 0, reads the ready line for the port, then
measures with a native client (bench/load_client.c: C, epoll, one thread — compiled here with
`gcc -O2` into bench/results/), as a separate process (not the server measuring itself):

  * start-up: time to the ready line and to the first answer;
  * requests/s and p50/p99 latency with 1, 64 and 512 connections, each connection keeping a
    window of pipelined requests in flight for a bounded time, and with 64 connections each
    waiting for its reply before sending the next (one in flight, as a chat widget does);
  * 10,000 idle connections: how many the server holds (each must still answer a ping);
  * the server's resident memory (VmRSS from /proc/PID/status) idle, under load, holding
    the idle connections, right after the runs and 6 s later (once it has trimmed its heap).

Python only orchestrates (build check, server start, RSS sampling, report). Only 127.0.0.1
traffic, bounded in count and time. The server needs `ulimit -n` >= 10,100 for 10,000
connections; `opastin serve` raises its soft limit to the hard limit at start, and this script
and the client raise theirs the same way.

    swift build -c release --product opastin && python3 bench/server_load.py
    python3 bench/server_load.py --seconds 5 --window 16 --idle 2000
    python3 bench/server_load.py --rounds 3      # each configuration three times, with medians
"""

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT_SOURCE = ROOT / "bench/load_client.c"
RESULTS = ROOT / "bench/results"

# Requests like residents' messages, in several languages and scripts.
TEXTS = [
    "Miten pääsen suomen kielen kurssille?",
    "kak zapisatsya na kursy finskogo yazyka",
    "Как записаться на курсы финского языка?",
    "أين أجد دروس اللغة الفنلندية؟",
    "Var hittar jag svenskakurser?",
    "I need advice about my rental apartment",
    "paivakoti",
    "Sidee ku heli karaa turjubaan?",
    "Where can I get a health check when I arrive?",
    "Tarvitsen tulkin lääkärikäynnille",
    "hei",
    "how do I find a job in Vaasa",
]

def load_texts():
    """The messages of the repo's evaluation and dev sets (in and out of scope, six languages,
    romanised and misspelt ones), so the load is as varied as real traffic; the short list
    above if they are missing."""
    texts = []
    for name in ("evaluation.jsonl", "dev.jsonl"):
        path = ROOT / "Tests/Evaluation" / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts or TEXTS


REQUESTS = [json.dumps({"id": i, "text": text}, ensure_ascii=False) for i, text in enumerate(load_texts())]


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def build_client():
    """Compiles the native client (when its source is newer) and writes the request file."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    binary = RESULTS / "load_client"
    if not binary.exists() or binary.stat().st_mtime < CLIENT_SOURCE.stat().st_mtime:
        subprocess.run(["gcc", "-O2", "-Wall", "-o", str(binary), str(CLIENT_SOURCE)], check=True)
    requests = RESULTS / "requests.jsonl"
    requests.write_text("".join(line + "\n" for line in REQUESTS), encoding="utf-8")
    return binary, requests


class RSSSampler:
    """Samples the server's resident memory every 0.25 s while a run goes on."""

    def __init__(self, pid):
        self.pid, self.samples, self.stop = pid, [], threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        while not self.stop.is_set():
            self.samples.append(rss_mib(self.pid))
            self.stop.wait(0.25)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()

    @property
    def maximum(self):
        return max(self.samples) if self.samples else float("nan")


def load_run(client, requests, port, pid, connections, window, seconds):
    with RSSSampler(pid) as rss:
        finished = subprocess.run(
            [str(client), "load", "127.0.0.1", str(port), str(connections), str(window), str(seconds),
             str(requests)],
            capture_output=True, text=True, timeout=seconds + 60, check=True)
    run = json.loads(finished.stdout)
    run["rss_max_mib"] = rss.maximum
    return run


def first_answer(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall((REQUESTS[0] + "\n").encode())
        return json.loads(connection.makefile("rb").readline())


def hold_idle(client, port, pid, count):
    """Opens `count` connections and leaves them silent; returns how many still answer a ping."""
    process = subprocess.Popen([str(client), "idle", "127.0.0.1", str(port), str(count)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    opened = json.loads(process.stdout.readline())
    time.sleep(2)  # idle: nothing sent
    idle_rss = rss_mib(pid)
    process.stdin.write("go\n")
    process.stdin.flush()
    answered = json.loads(process.stdout.readline())
    process.wait(timeout=60)
    return {"asked": count, **opened, **answered, "rss_mib": idle_rss}


def print_medians(runs, rounds):
    """Each configuration's median over the rounds, and how many rounds met the DESIGN.md
    target at 64 connections (30,000 requests/s with p99 within 5 ms)."""
    print(f"\nmedians of {rounds} rounds:")
    configurations = sorted({(run["connections"], run["window"]) for run in runs}, key=lambda c: (-c[1], c[0]))
    for connections, window in configurations:
        mine = [run for run in runs if (run["connections"], run["window"]) == (connections, window)]
        median = lambda key: statistics.median(run[key] for run in mine)
        line = (f"{connections:>11} {window:>6} {'':>9} {'':>6} {median('rps'):>9.0f} {median('p50_ms'):>7.2f} "
                f"{median('p99_ms'):>7.2f}")
        if connections == 64:
            met = sum(run["rps"] >= 30_000 and run["p99_ms"] <= 5 for run in mine)
            line += f"   target (>= 30,000/s, p99 <= 5 ms) met in {met} of {len(mine)} rounds"
        print(line)


def start_server(binary, max_connections):
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(binary), "serve", "--tcp", "127.0.0.1:0", "--max-connections", str(max_connections),
         "--root", str(ROOT)],
        stdout=subprocess.PIPE, stderr=open(os.environ.get("OPASTIN_SERVER_LOG", os.devnull), "w"), cwd=ROOT,
    )
    ready = process.stdout.readline().decode().strip()
    ready_seconds = time.perf_counter() - started
    if not ready.startswith("opastin listening on tcp://"):
        process.kill()
        sys.exit(f"the server did not start: {ready!r}")
    port = int(ready.split()[3].rsplit(":", 1)[1])
    return process, port, ready, ready_seconds, started


def main(args):
    limit = raise_fd_limit(args.idle + 200)
    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"{binary} not found; run `swift build -c release --product opastin` first")
    if limit < args.idle + 100:
        print(f"note: this client's open-file limit is {limit}; idle connections capped", file=sys.stderr)
        args.idle = max(0, limit - 100)
    client, requests = build_client()

    process, port, ready, ready_seconds, started = start_server(binary, max(args.idle, 10_000))
    idle = None
    try:
        reply = first_answer(port)
        first_answer_seconds = time.perf_counter() - started
        rss_idle = rss_mib(process.pid)
        print(f"server: {ready}  (pid {process.pid}, {os.cpu_count()} CPUs; client and server share them)")
        print(f"start-up: ready line after {ready_seconds * 1000:.0f} ms, first answer after "
              f"{first_answer_seconds * 1000:.0f} ms (intent {reply.get('intent')})")
        print(f"resident memory idle: {rss_idle:.1f} MiB")
        print()
        print(f"{'connections':>11} {'window':>6} {'requests':>9} {'errors':>6} {'req/s':>9} "
              f"{'p50 ms':>7} {'p99 ms':>7} {'RSS max MiB':>11}")
        runs = []
        # Pipelined runs (throughput), then runs where each connection waits for its reply
        # before sending the next message, as a chat widget does (latency at that load).
        # With --rounds N the whole plan runs N times over, so that a slow spell of the shared
        # machine touches every configuration alike; the medians follow.
        plan = ([(c, args.window) for c in args.connections] + [(c, 1) for c in args.one_in_flight]) * args.rounds
        for connections, window in plan:
            run = load_run(client, requests, port, process.pid, connections, window, args.seconds)
            runs.append(run)
            print(f"{run['connections']:>11} {run['window']:>6} {run['requests']:>9} {run['errors']:>6} "
                  f"{run['rps']:>9.0f} {run['p50_ms']:>7.2f} {run['p99_ms']:>7.2f} {run['rss_max_mib']:>11.1f}")
            if run["connect_failed"] or run["closed"]:
                print(f"{'':>11} note: {run['connect_failed']} connections failed to open, "
                      f"{run['closed']} were closed by the server")
        if args.rounds > 1:
            print_medians(runs, args.rounds)
        print()
        if args.idle:
            idle = hold_idle(client, port, process.pid, args.idle)
            print(f"idle connections: {idle['held']} of {idle['asked']} held and answering "
                  f"(connected {idle['connected']}, refused {idle['refused']}, failed {idle['failed']}, "
                  f"connect failures {idle['connect_failed']}; opened in {idle['open_seconds']:.1f} s); "
                  f"server RSS with them open: {idle['rss_mib']:.1f} MiB")
        print(f"resident memory after the runs: {rss_mib(process.pid):.1f} MiB")
        # The server gives freed heap back within one 5 s check once most connections are gone.
        time.sleep(6)
        print(f"resident memory 6 s later: {rss_mib(process.pid):.1f} MiB")
        if args.json:
            print(json.dumps({"ready_ms": ready_seconds * 1000, "first_answer_ms": first_answer_seconds * 1000,
                              "rss_idle_mib": rss_idle, "runs": runs, "idle": idle}))
    finally:
        process.terminate()
        try:
            status = process.wait(timeout=30)
            print(f"server exit status after SIGTERM: {status}")
        except subprocess.TimeoutExpired:
            process.kill()
            print("server did not stop within 30 s of SIGTERM; killed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/opastin"))
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 64, 512])
    parser.add_argument("--window", type=int, default=8, help="requests in flight per connection")
    parser.add_argument("--one-in-flight", type=int, nargs="*", default=[64],
                        help="connection counts also run with one request in flight each")
    parser.add_argument("--seconds", type=float, default=8, help="load time per run (bounded)")
    parser.add_argument("--rounds", type=int, default=1, help="run every configuration this many times, then print medians")
    parser.add_argument("--idle", type=int, default=10_000, help="idle connections to open (0: skip)")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    main(parser.parse_args())
