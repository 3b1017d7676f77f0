#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs OpenTAPI's benchmarks and reports on them (stdlib only).

    bench/run.py [--build DIR] [--quick] [--only NAME,...]   run, print the table, write bench/results.json
    bench/run.py report [--results FILE]                     PNGs into docs/performance/, refresh docs/performance.md

The measuring is done by the C programs in bench/ (built by meson into BUILD/bench/); each prints
one JSON document (see bench/stats.h). This script runs them one after the other — waiting before
each for the machine to be quiet — gathers their documents with a description of the machine into
bench/results.json, and prints one table: operation, OpenTAPI, baseline, ratio, target, met?
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results.json")
DOC = os.path.join(ROOT, "docs", "performance.md")
PICS = os.path.join(ROOT, "docs", "performance")

# name, program, extra arguments, timeout in seconds, required (else: run only when built).
# A bench program takes the options of bench_parse_args() (bench/ot.h) and prints the JSON of
# bench/stats.h to --out FILE; adding one is a line here and a block in bench/meson.build.
BENCHES = [
    ("roundtrip", "roundtrip", [], 120, True),
    ("pipeline", "pipeline", [], 180, True),
    ("bulk", "bulk", [], 180, True),
    ("durable", "durable", [], 180, True),
    ("scale", "scale", [], 240, True),
    ("dbus-peer", "dbus-peer", [], 180, True),
    ("hostile", "hostile", [], 180, True),
    ("ipphone-fanout", "ipphone_fanout", [], 240, False),
]

DURABLE_DIR = "/var/tmp"


# ---- the machine ---------------------------------------------------------------------------


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def run_text(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(build):
    cpu = read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.*)$", cpu, re.M)
    mhz = re.findall(r"^cpu MHz\s*:\s*(.*)$", cpu, re.M)
    flags = re.search(r"^flags\s*:\s*(.*)$", cpu, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", read("/proc/meminfo"), re.M)
    osr = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', read("/etc/os-release"), re.M))
    df = run_text(["df", "-T", DURABLE_DIR]).splitlines()
    fs = df[1].split() if len(df) > 1 else []
    dev = fs[0] if fs else ""
    rotational = ""
    if dev.startswith("/dev/"):
        base = re.sub(r"p?\d+$", "", os.path.basename(dev)) if not os.path.exists(
            "/sys/block/" + os.path.basename(dev)) else os.path.basename(dev)
        rotational = read("/sys/block/%s/queue/rotational" % base).strip()
    opts = {}
    try:
        with open(os.path.join(build, "meson-info", "intro-buildoptions.json")) as f:
            for o in json.load(f):
                if o["name"] in ("buildtype", "optimization", "debug", "b_sanitize"):
                    opts[o["name"]] = o["value"]
    except (OSError, ValueError, KeyError):
        pass
    virt = [v for v in (run_text(["systemd-detect-virt", "--container"]),
                        run_text(["systemd-detect-virt", "--vm"])) if v and v != "none"]
    if len(virt) < 2 and flags and " hypervisor" in flags.group(1):
        virt.append("a virtual machine (CPU flag 'hypervisor')")
    return {
        "cpu": models[0] if models else platform.processor(),
        "cpus": len(models) or os.cpu_count(),
        "cpu_mhz": mhz[0] if mhz else "",
        "virtualization": ", ".join(virt),
        "memory_mib": int(mem.group(1)) // 1024 if mem else None,
        "kernel": platform.release(),
        "os": osr.get("PRETTY_NAME", ""),
        "compiler": run_text(["cc", "--version"]).splitlines()[0] if run_text(["cc", "--version"]) else "",
        "build": opts,
        "durable_dir": DURABLE_DIR,
        "durable_fs": fs[1] if len(fs) > 1 else "",
        "durable_device": dev,
        "durable_device_rotational": rotational,
        "durable_mount": run_text(["findmnt", "-n", "-o", "TARGET,OPTIONS", "-T", DURABLE_DIR]),
    }


def git_state(build):
    """The commit of the source tree the build was configured from (+local changes)."""
    try:
        with open(os.path.join(build, "meson-info", "meson-info.json")) as f:
            src = json.load(f)["directories"]["source"]
    except (OSError, ValueError, KeyError):
        src = ROOT
    commit = run_text(["git", "-C", src, "rev-parse", "--short", "HEAD"])
    if not commit:
        return "unknown (%s is not a git checkout)" % src
    dirty = run_text(["git", "-C", src, "status", "--porcelain", "--untracked-files=no"])
    return commit + ("+local changes" if dirty else "")


# ---- a quiet machine ---------------------------------------------------------------------------


def cpu_busy(interval=1.0):
    """Share of CPU time (0..1) not idle over interval seconds, all CPUs."""
    def sample():
        f = read("/proc/stat").splitlines()[0].split()[1:]
        v = [int(x) for x in f]
        return sum(v), v[3] + (v[4] if len(v) > 4 else 0)
    t0, i0 = sample()
    time.sleep(interval)
    t1, i1 = sample()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_quiet(limit=0.15, patience=30):
    """Waits (up to patience s) until the machine is less than limit busy; returns the last
    measured share, so the results say how loaded the machine was."""
    start = time.time()
    busy = cpu_busy()
    while busy > limit and time.time() - start < patience:
        busy = cpu_busy()
    return busy


def hold_latency_qos():
    """Asks the kernel for a CPU wake-up latency of 0 µs for as long as the returned descriptor
    is open (PM QoS, /dev/cpu_dma_latency: what tuned's latency-performance profile does). The
    idle CPUs then poll instead of halting. In a virtual machine whose idle vCPUs halt, waking one
    costs a trip through the host scheduler — tens of µs, and only when the other side happened to
    be idle — which would make every cross-process round trip bimodal; with the request both the
    baselines and OpenTAPI see the kernel's wake-up cost, not the hypervisor's. Returns
    (descriptor or None, description)."""
    try:
        fd = os.open("/dev/cpu_dma_latency", os.O_WRONLY)
        os.write(fd, struct.pack("i", 0))
        return fd, "0 µs while each bench runs (idle CPUs poll; /dev/cpu_dma_latency held by bench/run.py)"
    except OSError as e:
        return None, "not set (%s): idle CPUs may halt" % e.strerror


# ---- running -------------------------------------------------------------------------------------


def run_benches(args):
    bindir = os.path.join(args.build, "bench")
    missing = [prog for _, prog, _, _, req in BENCHES
               if req and not os.access(os.path.join(bindir, prog), os.X_OK)]
    if missing:
        sys.exit("bench: %s not built in %s (is subdir('bench') in meson.build? run ninja -C %s)"
                 % (", ".join(missing), bindir, args.build))
    extra = ["--reps", "2", "--ops-scale", "0.2"] if args.quick else []
    only = set(args.only.split(",")) if args.only else None
    doc = {
        "generated": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git": git_state(args.build),
        "machine": machine(args.build),
        "command": " ".join(["bench/run.py"] + sys.argv[1:]),
        "benches": [],
    }
    started = time.time()
    for name, prog, bargs, timeout, required in BENCHES:
        if only and name not in only:
            continue
        if not required and not os.access(os.path.join(bindir, prog), os.X_OK):
            continue
        busy = wait_quiet()
        print("bench: %s (machine %.0f%% busy before it)" % (name, busy * 100), file=sys.stderr)
        # held while the bench runs only: polling idle CPUs would look busy to wait_quiet
        qos_fd, doc["machine"]["cpu_wakeup_latency_qos"] = (
            (None, "not set (--no-latency-qos)") if args.no_latency_qos else hold_latency_qos())
        with tempfile.NamedTemporaryFile(prefix="opentapi-bench-", suffix=".json", delete=False) as tmp:
            out = tmp.name
        t0 = time.time()
        cmd = [os.path.join(bindir, prog), "--out", out, "--disk", DURABLE_DIR] + bargs + extra
        try:
            rc = subprocess.run(cmd, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout after %d s" % timeout
        entry = {"bench": name, "seconds": round(time.time() - t0, 1), "background_busy": round(busy, 3)}
        try:
            with open(out) as f:
                entry.update(json.load(f))
        except (OSError, ValueError):
            entry["error"] = "exit status %s, no results" % rc
            print("bench: %s failed (%s)" % (name, rc), file=sys.stderr)
        if rc != 0 and "error" not in entry:
            entry["error"] = "exit status %s" % rc
        if qos_fd is not None:
            os.close(qos_fd)
        os.unlink(out)
        doc["benches"].append(entry)
    doc["seconds"] = round(time.time() - started, 1)
    with open(args.results, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print()
    print(table_text(doc))
    print("\n%d targets: %d met, %d not met. %s written (%.0f s)." % (
        *count_targets(doc), os.path.relpath(args.results, os.getcwd()), doc["seconds"]))
    failed = [b["bench"] for b in doc["benches"] if b.get("error")]
    if failed:
        sys.exit("bench: failed: %s" % ", ".join(failed))


# ---- the table -----------------------------------------------------------------------------------


def measures(doc):
    for b in doc["benches"]:
        for m in b.get("measures", []):
            yield b, m


def head_value(series, head):
    if series is None:
        return None
    if head == "p50":
        return series.get("lat_us", {}).get("p50")
    if head == "p99":
        return series.get("lat_us", {}).get("p99")
    return series.get("median")


def fmt_value(v, unit):
    if v is None:
        return "—"
    u = {"us": "µs"}.get(unit, unit)
    if abs(v) >= 100000:
        s = "{:,.0f}".format(v).replace(",", " ")
    elif abs(v) >= 100:
        s = "%.0f" % v
    elif abs(v) >= 10:
        s = "%.1f" % v
    else:
        s = "%.2f" % v
    return "%s %s" % (s, u)


def fmt_ratio(r):
    if r is None:
        return "—"
    return "%.3g" % r if r < 10 else "%.0f" % r


def rows(doc, with_info=True):
    out = []
    for b, m in measures(doc):
        if not with_info and m.get("target") is None:
            continue
        head = m.get("headline", "median")
        ot, base = m["opentapi"], m.get("baseline")
        t = m.get("target")
        out.append({
            "id": m["id"],
            "operation": m["label"],
            "opentapi": fmt_value(head_value(ot, head), ot["unit"]),
            "baseline": fmt_value(head_value(base, head), base["unit"]) if base else "—",
            "baseline_label": base["label"] if base else "",
            "ratio": fmt_ratio(m.get("ratio")),
            "target": t["text"] if t else "",
            "met": "" if m.get("met") is None else ("yes" if m["met"] else "NO"),
        })
    for b in doc["benches"]:
        if b.get("error") or "skipped" in b.get("params", {}):
            why = b.get("error") or b["params"]["skipped"]
            out.append({"id": b["bench"], "operation": "%s: %s" % (b["bench"], why), "opentapi": "—",
                        "baseline": "—", "baseline_label": "", "ratio": "—", "target": "",
                        "met": "skipped" if "skipped" in b.get("params", {}) else "FAILED"})
    return out


def count_targets(doc):
    met = sum(1 for _, m in measures(doc) if m.get("met") is True)
    missed = sum(1 for _, m in measures(doc) if m.get("met") is False)
    return met + missed, met, missed


def table_text(doc):
    cols = [("operation", "operation"), ("opentapi", "OpenTAPI"), ("baseline", "baseline"),
            ("ratio", "ratio"), ("target", "target"), ("met", "met?")]
    rs = rows(doc)
    width = {k: max(len(h), *(len(r[k]) for r in rs)) if rs else len(h) for k, h in cols}
    lines = ["  ".join(h.ljust(width[k]) for k, h in cols),
             "  ".join("-" * width[k] for k, _ in cols)]
    for r in rs:
        lines.append("  ".join(r[k].ljust(width[k]) for k, _ in cols).rstrip())
    return "\n".join(lines)


def table_markdown(doc, with_info=True):
    lines = ["| operation | OpenTAPI | baseline | ratio | target | met? |",
             "|---|---:|---:|---:|---|---|"]
    for r in rows(doc, with_info):
        base = r["baseline"] + (" (%s)" % r["baseline_label"] if r["baseline_label"] else "")
        met = {"yes": "✅ yes", "NO": "❌ **no**"}.get(r["met"], r["met"])
        lines.append("| %s | %s | %s | %s | %s | %s |" % (
            r["operation"], r["opentapi"], base, r["ratio"], r["target"], met))
    return "\n".join(lines)


# ---- report: pictures and docs/performance.md ----------------------------------------------------


def find(doc, mid):
    for _, m in measures(doc):
        if m["id"] == mid:
            return m
    return None


def bench_doc(doc, name):
    for b in doc["benches"]:
        if b["bench"] == name:
            return b
    return None


def cdf_file(tmp, name, series):
    path = os.path.join(tmp, name + ".dat")
    with open(path, "w") as f:
        for p, v in series["lat_us"]["cdf"]:
            f.write("%g %g\n" % (v, p))
    return path


GNUPLOT_HEAD = """set terminal pngcairo size 900,540 enhanced font 'DejaVu Sans,11'
set output '%s'
set grid
set key %s
set title '%s'
"""


def esc(text):
    """Text for gnuplot's enhanced mode: _ and ^ are literal."""
    return text.replace("'", "").replace("_", "\\_").replace("^", "\\^")


def gnuplot(script):
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        sys.exit("gnuplot failed:\n" + r.stderr + "\n" + script)


def plot_cdfs(tmp, out, title, curves):
    title = esc(title)
    """Latency distributions: x = latency (log), y = share of operations at or below it."""
    curves = [(label, s) for label, s in curves if s and s.get("lat_us")]
    if not curves:
        return False
    plots = []
    for i, (label, s) in enumerate(curves):
        plots.append("'%s' using 1:2 with lines lw 2 title '%s'" % (
            cdf_file(tmp, "%s-%d" % (os.path.basename(out), i), s), esc(label)))
    gnuplot(GNUPLOT_HEAD % (out, "bottom right", title) + """set logscale x
set xlabel 'latency (µs, log scale)'
set ylabel 'percentile (operations at or below)'
set yrange [0:100]
set ytics 10
plot """ + ", \\\n     ".join(plots) + "\n")
    return True


def plot_bars(tmp, out, title, ylabel, groups, names, logy=False):
    """groups: [(x label, [value per name])]."""
    title = esc(title)
    path = os.path.join(tmp, os.path.basename(out) + ".dat")
    with open(path, "w") as f:
        for x, vals in groups:
            f.write('"%s" %s\n' % (x, " ".join("%g" % (v if v else 0) for v in vals)))
    plots = []
    for i, n in enumerate(names):
        plots.append("'%s' using %d:xtic(1) title '%s'" % (path, i + 2, esc(n)))
    gnuplot(GNUPLOT_HEAD % (out, "top left", title) + """set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel '%s'
%s
set yrange [%s:*]
plot """ % (ylabel, "set logscale y" if logy else "", "1" if logy else "0") + ", \\\n     ".join(plots) + "\n")


def plot_scale(tmp, doc):
    b = bench_doc(doc, "scale")
    if not b or not b.get("extra", {}).get("points"):
        return []
    pts, mem = b["extra"]["points"], b["extra"].get("memory", [])
    made = []
    clients = sorted({p["clients"] for p in pts})
    # latency against phones, one colour per client count (p50 solid, p99 dashed)
    plots = []
    for i, c in enumerate(clients):
        path = os.path.join(tmp, "scale-c%d.dat" % c)
        with open(path, "w") as f:
            for p in sorted((p for p in pts if p["clients"] == c), key=lambda p: p["phones"]):
                f.write("%d %g %g\n" % (p["phones"], p["p50_us"], p["p99_us"]))
        plural = "s" if c > 1 else ""
        plots.append("'%s' using 1:2 with linespoints lw 2 lc %d dt 1 title 'p50, %d client%s'" % (path, i + 1, c, plural))
        plots.append("'%s' using 1:3 with linespoints lw 2 lc %d dt 2 title 'p99, %d client%s'" % (path, i + 1, c, plural))
    out = os.path.join(PICS, "scale-latency.png")
    gnuplot(GNUPLOT_HEAD % (out, "outside right", esc("Round trip (64 B phoneSetData → PHONE_REPLY) as phones and clients grow"))
            + """set logscale xy
set xlabel 'phones (log scale)'
set ylabel 'latency (µs, log scale)'
plot """ + ", \\\n     ".join(plots) + "\n")
    made.append(out)
    if not mem:
        return made
    # memory (measured before any request): against clients per phone count, and against phones
    byp, byc = [], {}
    for i, m in enumerate(mem):
        path = os.path.join(tmp, "mem-p%d.dat" % m["phones"])
        with open(path, "w") as f:
            for c in m["clients"]:
                f.write("%d %g\n" % (c["clients"], c["rss_kib"] / 1024.0))
                byc.setdefault(c["clients"], []).append((m["phones"], c["rss_kib"] / 1024.0))
        byp.append("'%s' using 1:2 with linespoints lw 2 lc %d title '%d phone%s'" % (
            path, i + 1, m["phones"], "s" if m["phones"] > 1 else ""))
    plots = []
    for i, c in enumerate(sorted(byc)):
        path = os.path.join(tmp, "mem-c%d.dat" % c)
        with open(path, "w") as f:
            for ph, v in sorted(byc[c]):
                f.write("%d %g\n" % (ph, v))
        plots.append("'%s' using 1:2 with linespoints lw 2 lc %d title '%d client%s'" % (
            path, i + 1, c, "s" if c > 1 else ""))
    out = os.path.join(PICS, "scale-memory.png")
    gnuplot(GNUPLOT_HEAD % (out, "top left", "tapisrv resident memory (Rss, before any request)") + """set multiplot layout 1,2 title 'tapisrv resident memory (Rss, measured before any request)'
unset title
set logscale x
set ylabel 'MiB'
set yrange [0:*]
set xlabel 'connected clients (log scale)'
plot """ + ", \\\n     ".join(byp) + """
set xlabel 'phones, all open (log scale)'
plot """ + ", \\\n     ".join(plots) + "\nunset multiplot\n")
    made.append(out)
    return made


def report(args):
    with open(args.results) as f:
        doc = json.load(f)
    if not shutil.which("gnuplot"):
        sys.exit("bench-report: gnuplot is not installed (apt-get install gnuplot-nox)")
    os.makedirs(PICS, exist_ok=True)
    pics = []
    with tempfile.TemporaryDirectory() as tmp:
        rt_s, rt_e = find(doc, "roundtrip.server.64"), find(doc, "roundtrip.embedded.64")
        db64, db64k = find(doc, "dbus.64"), find(doc, "dbus.65536")
        out = os.path.join(PICS, "roundtrip-latency.png")
        if plot_cdfs(tmp, out, "64 B request → reply: latency distribution", [
                ("raw AF_UNIX ping-pong", rt_s and rt_s["baseline"]),
                ("OpenTAPI embedded", rt_e and rt_e["opentapi"]),
                ("OpenTAPI server mode", rt_s and rt_s["opentapi"]),
                ("D-Bus (sd-bus via dbus-daemon)", db64 and db64["baseline"])]):
            pics.append((out, "Latency distribution of one 64 B request and its reply"))
        out = os.path.join(PICS, "dbus-latency.png")
        if plot_cdfs(tmp, out, "Set data, get an int back: OpenTAPI server mode vs D-Bus", [
                ("OpenTAPI 64 B", db64 and db64["opentapi"]),
                ("D-Bus 64 B", db64 and db64["baseline"]),
                ("OpenTAPI 64 KiB", db64k and db64k["opentapi"]),
                ("D-Bus 64 KiB", db64k and db64k["baseline"])]):
            pics.append((out, "OpenTAPI against a D-Bus service, 64 B and 64 KiB"))
        d1, d8 = find(doc, "durable.1w.4096"), find(doc, "durable.8w.4096.lat")
        out = os.path.join(PICS, "durable-latency.png")
        if plot_cdfs(tmp, out, "Durable 4 KiB write: latency distribution", [
                ("raw pwrite+fdatasync, 1 writer", d1 and d1["baseline"]),
                ("OpenTAPI durable, 1 writer", d1 and d1["opentapi"]),
                ("raw, 8 writers", d8 and d8["baseline"]),
                ("OpenTAPI durable, 8 writers", d8 and d8["opentapi"])]):
            pics.append((out, "Durable writes: latency distribution"))
        groups = []
        for n in (1, 16, 256):
            m = find(doc, "pipeline.server.n%d" % n)
            if m:
                groups.append(("N = %d" % n, [m["baseline"]["median"], m["opentapi"]["median"]]))
        if groups:
            out = os.path.join(PICS, "pipeline.png")
            plot_bars(tmp, out, "Requests in flight: throughput (median of repetitions)",
                      "requests (messages) per second, log scale", groups,
                      ["raw pipelined 64 B messages", "OpenTAPI server mode"], logy=True)
            pics.append((out, "Pipelined requests per second"))
        groups = []
        for size, name in ((65536, "64 KiB"), (1048576, "1 MiB"), (16777216, "16 MiB")):
            m, mm = find(doc, "bulk.server.%d" % size), find(doc, "bulk.server.%d.memcpy" % size)
            if m and mm:
                groups.append((name, [mm["baseline"]["median"], m["baseline"]["median"], m["opentapi"]["median"]]))
        if groups:
            out = os.path.join(PICS, "bulk.png")
            plot_bars(tmp, out, "Bulk phoneSetData bandwidth (median of repetitions)", "MiB/s, log scale",
                      groups, ["memcpy", "raw stream-socket copy", "OpenTAPI server mode"], logy=True)
            pics.append((out, "Bulk bandwidth"))
        for p in plot_scale(tmp, doc):
            pics.append((p, "Scale: latency" if "latency" in p else "Scale: server memory"))
    write_doc(doc, pics)
    for p, _ in pics:
        print("bench-report: wrote %s" % os.path.relpath(p, os.getcwd()))
    print("bench-report: refreshed %s" % os.path.relpath(DOC, os.getcwd()))


BEGIN = "<!-- bench-report: begin (generated from bench/results.json by `make bench-report`; edits here are lost) -->"
END = "<!-- bench-report: end -->"


def machine_text(doc):
    m = doc["machine"]
    build = m.get("build", {})
    lines = [
        "- CPU: %s, %s CPUs%s%s" % (m["cpu"], m["cpus"], " at %s MHz" % m["cpu_mhz"] if m.get("cpu_mhz") else "",
                                   "; virtualization: %s" % m["virtualization"] if m.get("virtualization") else ""),
        "- memory: %s MiB; kernel %s; %s; %s" % (m.get("memory_mib"), m["kernel"], m.get("os", ""), m.get("compiler", "")),
        "- build: `%s` (optimization %s)" % (build.get("buildtype", "?"), build.get("optimization", "?")),
        "- durable bench state: `%s` on %s (%s%s), mounted `%s`" % (
            m["durable_dir"], m.get("durable_device", "?"), m.get("durable_fs", "?"),
            ", queue/rotational = %s" % m["durable_device_rotational"] if m.get("durable_device_rotational") else "",
            m.get("durable_mount", "")),
        "- run: %s, commit %s, %s s in all" % (doc["generated"], doc.get("git", "?"), doc.get("seconds", "?")),
    ]
    busy = ["%s %.0f%%" % (b["bench"], 100 * b.get("background_busy", 0)) for b in doc["benches"]]
    lines.append("- CPU wake-up latency request during the run: %s" % m.get("cpu_wakeup_latency_qos", "?"))
    lines.append("- other load on the machine just before each bench (share of CPU busy): " + ", ".join(busy))
    return "\n".join(lines)


def notes_text(doc):
    out = []
    for b in doc["benches"]:
        for n in b.get("notes", []):
            out.append("- %s: %s" % (b["bench"], n))
    return "\n".join(out)


def write_doc(doc, pics):
    total, met, missed = count_targets(doc)
    body = [BEGIN, "", "### Latest results", "",
            "%d targets: **%d met, %d not met**. Ratios are the median over the repetitions of "
            "each repetition's ratio (OpenTAPI and its baseline run back to back in every "
            "repetition); OpenTAPI and baseline columns are the median of the repetitions' "
            "values (for latencies: each repetition's p50)." % (total, met, missed), "",
            table_markdown(doc), "", "### Machine", "", machine_text(doc), ""]
    notes = notes_text(doc)
    if notes:
        body += ["### Notes from the benches", "", notes, ""]
    body += ["### Pictures", ""]
    for p, caption in pics:
        body.append("![%s](performance/%s)" % (caption, os.path.basename(p)))
        body.append("")
    body.append(END)
    text = "\n".join(body)
    try:
        with open(DOC) as f:
            old = f.read()
    except OSError:
        old = "# Performance\n\n%s\n%s\n" % (BEGIN, END)
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + text + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    with open(DOC, "w") as f:
        f.write(new)


# ---- command line ----------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", nargs="?", default="run", choices=["run", "report", "table"])
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="meson build directory")
    p.add_argument("--results", default=RESULTS, help="the results file (default bench/results.json)")
    p.add_argument("--quick", action="store_true", help="2 repetitions, a fifth of the operations")
    p.add_argument("--only", help="comma-separated benches to run")
    p.add_argument("--no-latency-qos", action="store_true",
                   help="leave the CPUs' idle states alone (see hold_latency_qos)")
    args = p.parse_args()
    if args.what == "run":
        run_benches(args)
    elif args.what == "table":
        with open(args.results) as f:
            print(table_text(json.load(f)))
    else:
        report(args)


if __name__ == "__main__":
    main()
