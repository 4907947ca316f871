#!/usr/bin/env python3
"""Load client for `opastin serve` (standard library only).

Starts the release binary on 127.0.0.1 with port 0, reads the ready line for the port, then
measures, as a separate client process (not the server measuring itself):

  * start-up: time to the ready line and to the first answer;
  * requests/s and p50/p99 latency with 1, 64 and 512 connections, each connection keeping a
    window of pipelined requests in flight for a bounded time;
  * 10,000 idle connections: how many the server holds (each must still answer a ping);
  * the server's resident memory (VmRSS from /proc/PID/status) idle, under load and holding
    the idle connections.

Only 127.0.0.1 traffic, bounded in count and time. The server needs `ulimit -n` >= 10,100 for
10,000 connections; `opastin serve` raises its soft limit to the hard limit at start, and this
script raises its own the same way.

    swift build -c release && python3 bench/server_load.py
    python3 bench/server_load.py --seconds 5 --window 16 --idle 2000
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
REQUESTS = [
    (json.dumps({"id": i, "text": TEXTS[i % len(TEXTS)]}, ensure_ascii=False) + "\n").encode()
    for i in range(len(TEXTS) * 4)
]


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


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


async def connection_load(port, window, deadline, latencies, counts):
    """One connection keeping `window` requests in flight until `deadline`, then draining."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent_at = deque()
    next_request = 0

    def send(count):
        nonlocal next_request
        now = time.perf_counter()
        batch = []
        for _ in range(count):
            batch.append(REQUESTS[next_request % len(REQUESTS)])
            next_request += 1
            sent_at.append(now)
        writer.write(b"".join(batch))

    send(window)
    answered = 0
    errors = 0
    while sent_at:
        chunk = await reader.read(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection during the load")
        replies = chunk.count(b"\n")
        errors += chunk.count(b'"error":')
        now = time.perf_counter()
        for _ in range(replies):
            latencies.append(now - sent_at.popleft())
        answered += replies
        if replies and now < deadline:
            send(replies)
    writer.close()
    counts.append((answered, errors))


async def load_run(port, pid, connections, window, seconds):
    latencies, counts = [], []
    started = time.perf_counter()
    deadline = started + seconds
    rss_samples = []

    async def sample_rss():
        while time.perf_counter() < deadline:
            rss_samples.append(rss_mib(pid))
            await asyncio.sleep(0.25)

    sampler = asyncio.ensure_future(sample_rss())
    await asyncio.wait_for(
        asyncio.gather(*(connection_load(port, window, deadline, latencies, counts) for _ in range(connections))),
        timeout=seconds + 30,
    )
    elapsed = time.perf_counter() - started
    await sampler
    answered = sum(a for a, _ in counts)
    errors = sum(e for _, e in counts)
    latencies.sort()
    return {
        "connections": connections,
        "window": window,
        "requests": answered,
        "errors": errors,
        "seconds": elapsed,
        "rps": answered / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "rss_max_mib": max(rss_samples) if rss_samples else float("nan"),
    }


async def first_answer(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUESTS[0])
    line = await reader.readline()
    writer.close()
    return json.loads(line)


async def hold_idle(port, pid, count, batch=500):
    """Opens `count` connections and leaves them silent; returns how many still answer a ping."""
    opened, refused, failed = [], 0, 0

    async def open_one():
        nonlocal failed
        try:
            opened.append(await asyncio.open_connection("127.0.0.1", port))
        except OSError:
            failed += 1

    started = time.perf_counter()
    for first in range(0, count, batch):
        await asyncio.gather(*(open_one() for _ in range(first, min(count, first + batch))))
    open_seconds = time.perf_counter() - started
    await asyncio.sleep(2)  # idle: nothing sent
    idle_rss = rss_mib(pid)

    async def ping(connection):
        reader, writer = connection
        try:
            writer.write(b'{"text":"hei"}\n')
            line = await asyncio.wait_for(reader.readline(), timeout=30)
            return "too_many_connections" not in line.decode() and b'"answer"' in line, "too_many_connections" in line.decode()
        except (OSError, asyncio.TimeoutError):
            return False, False

    results = []
    for first in range(0, len(opened), batch):
        results += await asyncio.gather(*(ping(c) for c in opened[first:first + batch]))
    held = sum(1 for ok, _ in results if ok)
    refused = sum(1 for _, too_many in results if too_many)
    for _, writer in opened:
        writer.close()
    return {
        "asked": count, "connected": len(opened), "held": held, "refused": refused,
        "connect_failed": failed, "open_seconds": open_seconds, "rss_mib": idle_rss,
    }


def start_server(binary, max_connections):
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(binary), "serve", "--tcp", "127.0.0.1:0", "--max-connections", str(max_connections),
         "--root", str(ROOT)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    ready = process.stdout.readline().decode().strip()
    ready_seconds = time.perf_counter() - started
    if not ready.startswith("opastin listening on tcp://"):
        process.kill()
        sys.exit(f"the server did not start: {ready!r}")
    port = int(ready.split()[3].rsplit(":", 1)[1])
    return process, port, ready, ready_seconds, started


async def main(args):
    limit = raise_fd_limit(args.idle + 200)
    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"{binary} not found; run `swift build -c release` first")
    if limit < args.idle + 100:
        print(f"note: this client's open-file limit is {limit}; idle connections capped", file=sys.stderr)
        args.idle = max(0, limit - 100)

    process, port, ready, ready_seconds, started = start_server(binary, max(args.idle, 10_000))
    try:
        reply = await first_answer(port)
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
        for connections in args.connections:
            run = await load_run(port, process.pid, connections, args.window, args.seconds)
            runs.append(run)
            print(f"{run['connections']:>11} {run['window']:>6} {run['requests']:>9} {run['errors']:>6} "
                  f"{run['rps']:>9.0f} {run['p50_ms']:>7.2f} {run['p99_ms']:>7.2f} {run['rss_max_mib']:>11.1f}")
        print()
        if args.idle:
            idle = await hold_idle(port, process.pid, args.idle)
            print(f"idle connections: {idle['held']} of {idle['asked']} held and answering "
                  f"(connected {idle['connected']}, refused {idle['refused']}, connect failures "
                  f"{idle['connect_failed']}; opened in {idle['open_seconds']:.1f} s); "
                  f"server RSS with them open: {idle['rss_mib']:.1f} MiB")
        print(f"resident memory after the runs: {rss_mib(process.pid):.1f} MiB")
        if args.json:
            print(json.dumps({"ready_ms": ready_seconds * 1000, "first_answer_ms": first_answer_seconds * 1000,
                              "rss_idle_mib": rss_idle, "runs": runs, "idle": idle if args.idle else None}))
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
    parser.add_argument("--seconds", type=float, default=8, help="load time per run (bounded)")
    parser.add_argument("--idle", type=int, default=10_000, help="idle connections to open (0: skip)")
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    asyncio.run(main(parser.parse_args()))
