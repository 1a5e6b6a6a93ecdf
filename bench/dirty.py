#!/usr/bin/env python3
"""Memory each running instance costs: /proc/PID/smaps_rollup of each program caught while it waits for
the server's first reply (a local listener that accepts, reads the start-up or SSL request, and never
answers). At that point libpq is loaded, the program's own start-up is done and every page it dirtied is
counted. Private dirty is what N concurrent checks really cost (clean pages of the executable and of libpq
are shared page cache); RSS and PSS are shown next to it.

    dirty.py [--runs N] [--json FILE] 'NAME=CMD ARGS' ...

Rounds interleave the programs in a random order. PGHOST/PGPORT are set to the listener for each program.
"""
import argparse
import json
import os
import random
import shlex
import socket
import statistics
import subprocess
import sys
import time

FIELDS = ("Rss", "Pss", "Private_Dirty", "Private_Clean", "Shared_Clean")


def rollup(pid):
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in FIELDS:
                values[key] = int(rest.split()[0])
    return values


def measure(argv, listener, port):
    env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(port), PGSSLMODE="disable", PGCONNECT_TIMEOUT="5")
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    conn = None
    try:
        conn, _ = listener.accept()
        conn.settimeout(3)
        conn.recv(1024)  # the start-up packet: the program now waits in poll(2) for our reply
        time.sleep(0.02)
        return rollup(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        if conn:
            conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    programs = [(c.partition("=")[0], shlex.split(c.partition("=")[2])) for c in a.commands]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(5)
    port = listener.getsockname()[1]
    rng = random.Random(a.seed)
    samples = {name: {k: [] for k in FIELDS} for name, _ in programs}
    for _ in range(a.runs):
        order = programs[:]
        rng.shuffle(order)
        for name, argv in order:
            values = measure(argv, listener, port)
            for k in FIELDS:
                samples[name][k].append(values.get(k, 0))
    result = {name: {k: statistics.median(v) for k, v in s.items()} for name, s in samples.items()}
    base = programs[0][0]
    print(f"{'command':22} {'private dirty':>14} {'RSS':>9} {'PSS':>9}  dirty/{base}  rss/{base}")
    for name, _ in programs:
        r, b = result[name], result[base]
        print(f"{name:22} {r['Private_Dirty']/1024:11.2f} MB {r['Rss']/1024:6.2f} MB {r['Pss']/1024:6.2f} MB"
              f"  {r['Private_Dirty']/b['Private_Dirty']:6.3f}  {r['Rss']/b['Rss']:6.3f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"runs": a.runs, "median_kb": result}, f)


if __name__ == "__main__":
    sys.exit(main())
