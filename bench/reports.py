#!/usr/bin/env python3
"""Interleaved GET /primary|/replica, /status and /metrics against a pgsql-state HTTP port per node
(bench/reports and bench/run): every round asks each path once in a random order, so that load drift
hits every path alike. Latency = connect to EOF. Prints a markdown table.

    reports.py RUNS PRIMARY_PORT STANDBY_PORT
"""
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stats import quantile

runs, primary, standby = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

def ask(port, path):
    start = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return time.perf_counter() - start, data

for _ in range(100):  # xinetd listening?
    try:
        socket.create_connection(("127.0.0.1", primary), 0.2).close(); break
    except OSError:
        time.sleep(0.1)

nodes = [("primary", primary, ["/primary", "/status", "/metrics"]), ("standby", standby, ["/replica", "/status", "/metrics"])]
for _, port, paths in nodes:  # warm up, and a sanity check of every answer
    for path in paths:
        for _ in range(5):
            _, data = ask(port, path)
            assert data.startswith(b"HTTP/1.1 200 "), (path, data[:80])
times = {(node, path): [] for node, _, paths in nodes for path in paths}
sizes = {}
random.seed(1)
for _ in range(runs):
    for node, port, paths in nodes:
        for path in random.sample(paths, len(paths)):
            elapsed, data = ask(port, path)
            assert data.startswith(b"HTTP/1.1 200 "), (path, data[:80])
            times[(node, path)].append(elapsed * 1000)
            sizes[(node, path)] = len(data)
print()
print("| node | path | p50 ms | p90 ms | p99 ms | ÷ check p50 | answer bytes |")
print("|---|---|---|---|---|---|---|")
for node, _, paths in nodes:
    base = quantile(times[(node, paths[0])], 0.5)
    for path in paths:
        t = times[(node, path)]
        p50 = quantile(t, 0.5)
        print(f"| {node} | `{path}` | {p50:.2f} | {quantile(t, 0.9):.2f} | {quantile(t, 0.99):.2f} | {p50 / base:.2f}× | {sizes[(node, path)]} |")
