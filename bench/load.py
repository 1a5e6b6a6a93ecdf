#!/usr/bin/env python3
"""Closed-loop load generator for a per-connection health check (xinetd / systemd Accept=yes).

Each of C threads repeatedly: connect, send the request, read to EOF, close; until N checks
in total are done. Latency = connect start to EOF. An answer is "ok" when it has a status
line, a complete header block and, if Content-Length is present, the whole body; "truncated"
when the connection ended cleanly before that; "reset" when the peer reset it (ECONNRESET /
EPIPE) at any point; "refused" / "timeout" / "error" otherwise.

    load.py --port P [--host 127.0.0.1] [--total N] [--concurrency C] [--timeout S]
            [--request 'GET / HTTP/1.0\\r\\n\\r\\n'] [--json FILE] [--label NAME]
    load.py --target NAME=PORT --target NAME=PORT ... [--rounds R] [--total N] ...

With several targets, each gets N checks, measured interleaved (R rounds; in each round every
target gets its share, in a random order) so that drift in machine load hits all alike; the
JSON is then {NAME: result}.
"""
import argparse
import collections
import json
import random
import socket
import sys
import threading
import time

from stats import quantile


def classify(data):
    # Header block ends at the first empty line; like HAProxy, accept bare LF line ends
    # (the psql script's `echo -e "...\r\n"` produces CR LF LF).
    lines, body, rest = [], None, data
    while True:
        line, nl, rest = rest.partition(b"\n")
        if not nl:
            return "truncated", None
        line = line.rstrip(b"\r")
        if not line:
            body = rest
            break
        lines.append(line)
    if not lines:
        return "truncated", None
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return "truncated", None
    code = int(parts[1])
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            try:
                if len(body) < int(v.strip()):
                    return "truncated", code
            except ValueError:
                pass
    return "ok", code


def one_check(host, port, request, timeout):
    t0 = time.perf_counter()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    data = b""
    try:
        s.connect((host, port))
        s.sendall(request)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        outcome, code = classify(data)
    except (ConnectionResetError, BrokenPipeError):
        # Keep the status code if the status line made it before the reset.
        outcome, code = "reset", classify(data)[1]
    except ConnectionRefusedError:
        outcome, code = "refused", None
    except socket.timeout:
        outcome, code = "timeout", None
    except OSError:
        outcome, code = "error", None
    finally:
        s.close()
    return time.perf_counter() - t0, outcome, code


class Stats:
    def __init__(self):
        self.latencies, self.attempts = [], []
        self.outcomes, self.codes = collections.Counter(), collections.Counter()
        self.elapsed = 0.0

    def result(self, label, concurrency):
        ok, el = self.outcomes["ok"], self.elapsed
        lat, att = self.latencies, self.attempts
        return {
            "label": label, "total": sum(self.outcomes.values()), "concurrency": concurrency,
            "elapsed_s": el, "checks_per_s": ok / el if el else 0.0,
            "p50_ms": quantile(lat, .5) * 1e3, "p99_ms": quantile(lat, .99) * 1e3,
            "max_ms": max(lat) * 1e3 if lat else float("nan"),
            # Every attempt that ended with an answer, a reset or a truncation (for a checker
            # whose answers never arrive whole, this is still its cost per check).
            "attempts_per_s": len(att) / el if el else 0.0,
            "p50_all_ms": quantile(att, .5) * 1e3, "p99_all_ms": quantile(att, .99) * 1e3,
            "outcomes": dict(self.outcomes), "codes": dict(self.codes),
        }


def run_batch(host, port, request, timeout, n, concurrency, st):
    """n checks against one port with `concurrency` threads; adds to st."""
    lock = threading.Lock()
    remaining = [n]

    def worker():
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            lat, outcome, code = one_check(host, port, request, timeout)
            with lock:
                st.outcomes[outcome] += 1
                if code is not None:
                    st.codes[str(code) if outcome == "ok" else f"{code} ({outcome})"] += 1
                if outcome == "ok":
                    st.latencies.append(lat)
                if outcome in ("ok", "reset", "truncated"):
                    st.attempts.append(lat)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    st.elapsed += time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, help="one target (same as --target NAME=PORT)")
    ap.add_argument("--target", action="append", default=[], metavar="NAME=PORT",
                    help="several targets are measured interleaved: ROUNDS rounds, each running "
                         "TOTAL/ROUNDS checks against every target in a random order")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--total", type=int, default=500, help="checks per target")
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--request", default="GET / HTTP/1.0\\r\\n\\r\\n")
    ap.add_argument("--json")
    ap.add_argument("--label", default="")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    request = a.request.encode().decode("unicode_escape").encode("latin-1")
    targets = [(t.partition("=")[0], int(t.partition("=")[2])) for t in a.target]
    if a.port:
        targets.append((a.label or str(a.port), a.port))
    if not targets:
        ap.error("give --port or --target")
    rounds = max(1, min(a.rounds, a.total)) if len(targets) > 1 else 1
    stats = {name: Stats() for name, _ in targets}
    rnd = random.Random(a.seed)
    for r in range(rounds):
        n = a.total // rounds + (1 if r < a.total % rounds else 0)
        order = targets[:]
        rnd.shuffle(order)
        for name, port in order:
            run_batch(a.host, port, request, a.timeout, n, a.concurrency, stats[name])
    results = {name: stats[name].result(name, a.concurrency) for name, _ in targets}
    for name, res in results.items():
        print(f"{a.label + ' ' + name:28} c={a.concurrency} n={res['total']} {res['checks_per_s']:7.1f} checks/s "
              f"p50 {res['p50_ms']:6.2f} ms p99 {res['p99_ms']:6.2f} ms outcomes {res['outcomes']} codes {res['codes']}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results if len(targets) > 1 or a.target else results[targets[0][0]], f)


if __name__ == "__main__":
    sys.exit(main())
