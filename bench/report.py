#!/usr/bin/env python3
"""Turn one bench/run results directory into a markdown report (printed and written to
RESULTS/report.md).

    report.py RESULTS_DIR

Reads: meta.json, hf-<node>.json (hyperfine), il-<node>.json (interleave.py: per-run
rusage), dirty.json (dirty.py: memory per running instance), e2e-<node>-<prog>-c<C>.json (load.py).
"""
import json
import os
import statistics
import sys

PROGS = [("pgsql-state", "pgsql-state (Embedded, shipped)"),
         ("pgsql-state-static", "pgsql-state (ordinary, static runtime)"),
         ("C", "C reference (libpq floor)"), ("psql-script", "psql script (bench/psql-check.sh)")]
NODES = ["primary", "standby"]
# The shipped (Embedded) build against C; the ordinary build is shown against the same targets.
TARGET_WALL = 1.03
TARGET_CPU = 1.03
TARGET_RSS = 1.1
TARGET_SCRIPT = 4.0


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def quantile(xs, q):
    xs = sorted(xs)
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def fmt_ms(med, lo, hi):
    return f"{med:.2f} ({lo:.2f}–{hi:.2f})"


def verdict(ratio, target, higher_is_better=False):
    if ratio is None:
        return "n/a"
    ok = ratio >= target if higher_is_better else ratio <= target
    return f"{ratio:.2f}× {'✅' if ok else '❌'}"


def main():
    d = sys.argv[1]
    meta = load(os.path.join(d, "meta.json")) or {}
    out = []
    p = out.append
    p(f"# pgsql-state bench — {meta.get('date', '?')}")
    p("")
    p(f"Machine: {meta.get('nproc', '?')} CPUs, {meta.get('cpu', '?')}, kernel {meta.get('kernel', '?')}, "
      f"{meta.get('os', '?')}; load average at start {meta.get('loadavg', '?')}.")
    p(f"PostgreSQL {meta.get('pg_version', '?')}; {meta.get('swift', '?')}; "
      f"pgsql-state: {meta.get('pgsql_state', 'not measured')}.")
    if meta.get("pgsql_state_static"):
        p(f"pgsql-state, ordinary build: {meta['pgsql_state_static']}.")
    if meta.get("pgsql_state_libs"):
        p(f"Shared libraries of pgsql-state that are not libpq's own: {meta['pgsql_state_libs']}.")
    p("")
    p(f"Command mode, one check per process (`pgsql-state --format text --check role`, "
      f"`reference`, `psql-check.sh`), env PGHOST=<socket dir> PGPORT PGUSER=postgres. "
      f"Wall: hyperfine -N, {meta.get('runs', '?')} runs after {meta.get('warmup', '?')} warm-up, median (p25–p75). "
      f"CPU and peak RSS: per-run rusage of the child (user+system, ru_maxrss) from bench/spawnbench, "
      f"{meta.get('runs', '?')} rounds with all programs in a random order each round, median (p25–p75); "
      f"its interleaved wall median is shown as a cross-check of hyperfine's (which runs the programs one after another).")
    p("")
    p("| node | program | wall ms (hyperfine) | wall ms (interleaved) | CPU ms user+sys | peak RSS MB | exit |")
    p("|---|---|---|---|---|---|---|")
    ratios = {}
    for node in NODES:
        hf = load(os.path.join(d, f"hf-{node}.json"))
        il = load(os.path.join(d, f"il-{node}.json"))
        if not hf or not il:
            continue
        byname = {}
        for r in hf["results"]:
            byname[r["command"]] = r
        figs = {}
        for prog, label in PROGS:
            if prog not in byname or prog not in il:
                continue
            t = [x * 1e3 for x in byname[prog]["times"]]
            w = (statistics.median(t), quantile(t, .25), quantile(t, .75))
            iw = il[prog]["wall_ms"]
            c = il[prog]["cpu_ms"]
            m = il[prog]["rss_kb"]
            figs[prog] = {"wall": w[0], "cpu": c["median"], "rss": m["median"], "iwall": iw["median"]}
            exits = sorted(set(byname[prog].get("exit_codes", [])) | set(il[prog]["exits"]))
            p(f"| {node} | {label} | {fmt_ms(*w)} | {iw['median']:.2f} | "
              f"{fmt_ms(c['median'], c['p25'], c['p75'])} | "
              f"{m['median']/1024:.1f} ({m['p25']/1024:.1f}–{m['p75']/1024:.1f}) | {exits} |")
        ratios[node] = figs
    p("")
    p(f"Ratios (medians). Targets: pgsql-state/C ≤ {TARGET_WALL} wall and CPU, ≤ {TARGET_RSS} peak RSS; "
      f"script/pgsql-state ≥ {TARGET_SCRIPT} wall.")
    p("")
    p("| node | build | /C wall | (interleaved) | /C CPU | /C peak RSS | script/it wall | script/it CPU |")
    p("|---|---|---|---|---|---|---|---|")

    def r(a, b, k):
        return a[k] / b[k] if a and b else None
    for node, f in ratios.items():
        c, sh = f.get("C"), f.get("psql-script")
        for prog, label in PROGS[:2]:
            s = f.get(prog)
            if not s:
                continue
            script_cpu = r(sh, s, "cpu")
            script_cpu = f"{script_cpu:.2f}×" if script_cpu is not None else "n/a"
            p(f"| {node} | {label} | {verdict(r(s, c, 'wall'), TARGET_WALL)} | {verdict(r(s, c, 'iwall'), TARGET_WALL)} | "
              f"{verdict(r(s, c, 'cpu'), TARGET_CPU)} | {verdict(r(s, c, 'rss'), TARGET_RSS)} | "
              f"{verdict(r(sh, s, 'wall'), TARGET_SCRIPT, True)} | {script_cpu} |")
        e, st = f.get("pgsql-state"), f.get("pgsql-state-static")
        if e and st:
            p(f"| {node} | Embedded / ordinary | {r(e, st, 'wall'):.2f}× | {r(e, st, 'iwall'):.2f}× | "
              f"{r(e, st, 'cpu'):.2f}× | {r(e, st, 'rss'):.2f}× | | |")
    if meta.get("pgsql_state_size") and meta.get("pgsql_state_static_size"):
        p("")
        p(f"Executable size: Embedded {meta['pgsql_state_size']/1024:.0f} KiB, "
          f"ordinary {meta['pgsql_state_static_size']/1024:.0f} KiB.")
    dirty = load(os.path.join(d, "dirty.json"))
    if dirty:
        m = dirty["median_kb"]
        p("")
        p(f"Memory per running instance (bench/dirty.py: /proc/PID/smaps_rollup while the program waits for a "
          f"server's first reply, libpq loaded; median of {dirty['runs']} interleaved rounds). Private dirty is what "
          f"each concurrent check costs; clean pages are shared page cache.")
        p("")
        p("| program | private dirty MB | RSS MB | PSS MB | private dirty /C | RSS /C |")
        p("|---|---|---|---|---|---|")
        for prog, label in PROGS:
            if prog in m and "C" in m:
                x, c = m[prog], m["C"]
                p(f"| {label} | {x['Private_Dirty']/1024:.2f} | {x['Rss']/1024:.2f} | {x['Pss']/1024:.2f} | "
                  f"{x['Private_Dirty']/c['Private_Dirty']:.2f}× | {x['Rss']/c['Rss']:.2f}× |")
    p("")
    p(f"End to end through xinetd (`xinetd -dontfork`, one service per program and node, cps/instances unlimited; "
      f"pgsql-state in its default http format, the C reference with --http): bench/load.py, closed loop, "
      f"each check = connect, `GET / HTTP/1.0`, read to EOF; {meta.get('e2e_checks', '?')} checks per cell, "
      f"the programs of a node interleaved in 8 rounds (random order per round). "
      f"Latency percentiles over successful checks. The psql script does not read the request before "
      f"closing (as in the original), so the kernel may answer with a reset: the answer is then lost "
      f"(status codes seen before a reset are listed as `CODE (reset)`); checks/s counts whole answers, "
      f"attempts/s every attempt that ended; where no answer arrived whole, p50/p99 (in italics) are over all attempts.")
    p("")
    p("| node | program | concurrency | checks/s (attempts/s) | p50 ms | p99 ms | ok | reset | truncated | other | status codes |")
    p("|---|---|---|---|---|---|---|---|---|---|---|")
    e2e = {}
    for node in NODES:
        cells = {conc: load(os.path.join(d, f"e2e-{node}-c{conc}.json")) or {} for conc in (1, 8)}
        for prog, label in PROGS:
            for conc in (1, 8):
                e = cells[conc].get(prog)
                if not e:
                    continue
                e2e[(node, prog, conc)] = e
                o = dict(e["outcomes"])
                ok, rs, tr = o.pop("ok", 0), o.pop("reset", 0), o.pop("truncated", 0)
                other = ", ".join(f"{k} {v}" for k, v in o.items()) or "0"
                codes = ", ".join(f"{k} ×{v}" for k, v in sorted(e["codes"].items()))
                if ok:
                    lat = f"{e['p50_ms']:.2f} | {e['p99_ms']:.2f}"
                else:  # no whole answer: show the cost per attempt instead, marked
                    lat = f"*{e['p50_all_ms']:.2f}* | *{e['p99_all_ms']:.2f}*"
                p(f"| {node} | {label} | {conc} | {e['checks_per_s']:.0f} ({e['attempts_per_s']:.0f}) | {lat} | "
                  f"{ok} | {rs} | {tr} | {other} | {codes} |")
    if e2e:
        p("")
        p("| node | concurrency | pgsql-state/C checks/s | pgsql-state/C p50 | script/pgsql-state p50 |")
        p("|---|---|---|---|---|")
        for node in NODES:
            for conc in (1, 8):
                s, c, sh = (e2e.get((node, x, conc)) for x in ("pgsql-state", "C", "psql-script"))
                a = f"{s['checks_per_s']/c['checks_per_s']:.2f}×" if s and c and c["checks_per_s"] else "n/a"
                b = f"{s['p50_ms']/c['p50_ms']:.2f}×" if s and c else "n/a"
                if s and sh:
                    shp50 = sh["p50_ms"] if sh["outcomes"].get("ok") else sh["p50_all_ms"]
                    x = f"{shp50/s['p50_ms']:.2f}×" + ("" if sh["outcomes"].get("ok") else " (all attempts)")
                else:
                    x = "n/a"
                if s or c or sh:
                    p(f"| {node} | {conc} | {a} | {b} | {x} |")
    try:
        skipped = [l.strip() for l in open(os.path.join(d, "skipped.txt")) if l.strip()]
    except OSError:
        skipped = []
    if skipped:
        p("")
        p(f"**Skipped (time budget of the run exhausted):** {', '.join(skipped)}.")
    text = "\n".join(out) + "\n"
    with open(os.path.join(d, "report.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
