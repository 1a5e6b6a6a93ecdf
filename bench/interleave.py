#!/usr/bin/env python3
"""Interleaved start-up benchmark driver: runs bench/spawnbench (C, see spawnbench.c),
summarises per command: wall time, user+system CPU, peak RSS (median and IQR).

    interleave.py --spawnbench PATH [--runs N] [--warmup W] [--json FILE] 'NAME=CMD ARGS' ...
"""
import argparse
import json
import statistics
import subprocess
import sys

from stats import quantile


def summary(xs):
    return {"median": statistics.median(xs), "p25": quantile(xs, .25), "p75": quantile(xs, .75),
            "mean": statistics.fmean(xs), "stdev": statistics.pstdev(xs), "n": len(xs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spawnbench", required=True)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_args()
    out = subprocess.run([a.spawnbench, str(a.runs), str(a.warmup), str(a.seed)] + a.commands,
                         check=True, capture_output=True, text=True).stdout
    names = [c.partition("=")[0] for c in a.commands]
    samples = {n: {"wall_ms": [], "cpu_ms": [], "rss_kb": [], "exit": []} for n in names}
    for line in out.splitlines():
        name, wall, cpu, rss, ex = line.split("\t")
        s = samples[name]
        s["wall_ms"].append(int(wall) / 1e3)
        s["cpu_ms"].append(int(cpu) / 1e3)
        s["rss_kb"].append(int(rss))
        s["exit"].append(int(ex))
    result = {n: {"wall_ms": summary(s["wall_ms"]), "cpu_ms": summary(s["cpu_ms"]),
                  "rss_kb": summary(s["rss_kb"]), "exits": sorted(set(s["exit"])), "samples": s}
              for n, s in samples.items()}
    base = names[0]
    print(f"{'command':22} {'wall p50':>9} {'IQR':>13} {'cpu p50':>8} {'IQR':>13} {'rss p50':>8}"
          f"  wall/{base} cpu/{base} rss/{base}  exits")
    for n in names:
        r = result[n]
        w, c, m = r["wall_ms"], r["cpu_ms"], r["rss_kb"]
        b = result[base]
        print(f"{n:22} {w['median']:7.2f}ms {w['p25']:5.2f}-{w['p75']:5.2f}ms"
              f" {c['median']:6.2f}ms {c['p25']:5.2f}-{c['p75']:5.2f}ms {m['median']/1024:6.1f}MB"
              f"  {w['median']/b['wall_ms']['median']:5.3f}  {c['median']/b['cpu_ms']['median']:5.3f}"
              f"  {m['median']/b['rss_kb']['median']:5.3f}  {r['exits']}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f)


if __name__ == "__main__":
    sys.exit(main())
