"""The results of scripts/bench: runs.csv (every run), results.md (the
machine, then per figure the median with min-max, ratios computed per
interleaved run pair, and the kernel's counters), compact.md (a figure per
row, a configuration per column), summary.txt (one line per workload and
the targets the project holds itself to) and ratios.png (gnuplot). Every
figure is a time or a cost: lower is better."""

import csv
import math
import os
import shutil
import statistics
import subprocess

# The targets (issue: benchmarks), as (label, metric, numerator config,
# denominator config, comparison, bound): the ratio is numerator's median
# over denominator's, per run pair.
TARGETS = [
    ("kernel entry: hosted-redirect vs native (x cheaper)", "entry.getpid", "native", "hosted-redirect", ">=", 100),
    ("kernel entry: hosted-redirect vs hosted-trap (x cheaper)", "entry.getpid", "hosted-trap", "hosted-redirect", ">=", 300),
    ("futex ping-pong: hosted-redirect vs native (x faster)", "pingpong.round_trip", "native", "hosted-redirect", ">=", 20),
    ("thread creation: hosted-redirect vs native (x faster)", "threads.thread", "native", "hosted-redirect", ">=", 5),
    ("GC: hosted-redirect vs native (x the time)", "gc.binary_trees", "hosted-redirect", "native", "<=", 1.1),
    ("allocation: hosted-redirect vs native (x the time)", "memory.heap_cycle", "hosted-redirect", "native", "<=", 1.1),
    ("hello start to exit: hosted-redirect vs native (x the time)", "hello.start_exit", "hosted-redirect", "native", "<=", 1.5),
    ("gVisor vs hosted-trap, kernel entry (x slower)", "entry.getpid", "gvisor", "hosted-trap", ">", 1),
]


def median_range(values):
    return statistics.median(values), min(values), max(values)


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3g" % v


def fmt_size(n):
    return "%.1f MiB" % (n / 1048576.0)


class Results:
    def __init__(self, configs, runs):
        self.configs = configs
        self.values = {}    # metric -> config -> {run: value}
        self.units = {}
        self.counters = {}  # workload -> config -> name -> [values]
        self.failed = {}    # (workload, config) -> failed runs
        self.metrics = []
        for r in runs:
            if r["status"] != 0:
                key = (r["workload"], r["config"])
                self.failed[key] = self.failed.get(key, 0) + 1
                continue
            for metric, value, unit in r["rows"]:
                if metric not in self.values:
                    self.values[metric] = {}
                    self.metrics.append(metric)
                self.values[metric].setdefault(r["config"], {})[r["run"]] = value
                self.units[metric] = unit
            for name, v in r["counters"].items():
                (self.counters.setdefault(r["workload"], {}).setdefault(r["config"], {})
                 .setdefault(name, []).append(v))

    def stat(self, metric, config):
        runs = self.values.get(metric, {}).get(config)
        return median_range(list(runs.values())) if runs else None

    def ratio(self, metric, num, den):
        """num/den per run pair (the same run of both): median, min, max."""
        a = self.values.get(metric, {}).get(num, {})
        b = self.values.get(metric, {}).get(den, {})
        pairs = [a[r] / b[r] for r in a if r in b and b[r] > 0]
        return median_range(pairs) if pairs else None


def workload_of(metric):
    return metric.split(".")[0]


def write_csv(path, runs):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run", "workload", "config", "metric", "value", "unit", "wall_s", "status",
                    "traps", "redirects", "switches"])
        for r in runs:
            c = r["counters"]
            common = [r["wall"], r["status"], c.get("traps", ""), c.get("redirects", ""), c.get("switches", "")]
            if not r["rows"]:
                w.writerow([r["run"], r["workload"], r["config"], "", "", ""] + ["%.6f" % common[0]] + common[1:])
            for metric, value, unit in r["rows"]:
                w.writerow([r["run"], r["workload"], r["config"], metric, "%.6g" % value, unit,
                            "%.6f" % common[0]] + common[1:])


def ratio_text(rt):
    if not rt:
        return "-"
    return "%s [%s-%s]" % (fmt(rt[0]), fmt(rt[1]), fmt(rt[2]))


def counter_text(res, metric, config):
    per = res.counters.get(workload_of(metric), {}).get(config)
    if not per:
        return ["-", "-", "-"]
    return [fmt(statistics.median(per[n])) if n in per else "-" for n in ("traps", "redirects", "switches")]


def table_md(res, info, notes, sizes, runs_n):
    L = []
    L.append("# rewire benchmarks")
    L.append("")
    L.append("| machine | |")
    L.append("| --- | --- |")
    for k in ("cpu", "cores", "virtualised", "kernel", "mitigations", "go", "gvisor"):
        L.append("| %s | %s |" % (k, info[k]))
    L.append("| runs | %d per configuration, interleaved; %s s in all |" % (runs_n, info["seconds"]))
    L.append("")
    if notes:
        L.append("Left out here:")
        for c, why in notes.items():
            L.append("- %s: %s" % (c, why))
        L.append("")
    L.append("Each cell: median [min-max] of the runs. \"x native\": the configuration's figure over")
    L.append("native's, per run pair (below 1: cheaper than native). Counters: the kernel's, median")
    L.append("per run (traps into it, redirected calls, thread switches).")
    L.append("")
    for metric in res.metrics:
        unit = res.units[metric]
        L.append("### %s (%s)" % (metric, unit))
        L.append("")
        L.append("| configuration | median [min-max] | x native | traps | redirects | switches |")
        L.append("| --- | --- | --- | --- | --- | --- |")
        for c in res.configs:
            st = res.stat(metric, c)
            failed = res.failed.get((workload_of(metric), c), 0)
            cell = "%s [%s-%s]" % (fmt(st[0]), fmt(st[1]), fmt(st[2])) if st else "-"
            if failed:
                cell += " (%d failed)" % failed
            rt = res.ratio(metric, c, "native") if c != "native" else None
            L.append("| %s | %s | %s | %s |" % (c, cell, ratio_text(rt), " | ".join(counter_text(res, metric, c))))
        for plat in ("hosted", "kvm"):
            rt = res.ratio(metric, plat + "-trap", plat + "-redirect")
            if rt:
                L.append("| %s trap / redirect | | %s | | | |" % (plat, ratio_text(rt)))
        L.append("")
    if sizes:
        L.append("### hello: size of what runs")
        L.append("")
        L.append("| configuration | bytes | x the plain binary |")
        L.append("| --- | --- | --- |")
        plain = sizes.get("native") or next(iter(sizes.values()))
        for c, n in sizes.items():
            L.append("| %s | %d (%s) | %s |" % (c, n, fmt_size(n), fmt(n / plain)))
        L.append("")
    return "\n".join(L)


def compact_md(res):
    """One row per figure, one column per configuration: the median and,
    beside it, the ratio to native (what the README shows)."""
    L = ["| figure | " + " | ".join(res.configs) + " |",
         "| --- | " + " | ".join("---" for _ in res.configs) + " |"]
    for metric in res.metrics:
        cells = []
        for c in res.configs:
            st = res.stat(metric, c)
            rt = res.ratio(metric, c, "native") if c != "native" else None
            cells.append((fmt(st[0]) if st else "-") + (" (%sx)" % fmt(rt[0]) if rt else ""))
        L.append("| %s (%s) | %s |" % (metric, res.units[metric], " | ".join(cells)))
    return "\n".join(L) + "\n"


def summary_lines(res):
    out = []
    for w in dict.fromkeys(workload_of(m) for m in res.metrics):
        parts = []
        for metric in [m for m in res.metrics if workload_of(m) == w]:
            bits = []
            nat = res.stat(metric, "native")
            if nat:
                bits.append("native %s" % fmt(nat[0]))
            for c in res.configs:
                if c == "native":
                    continue
                st = res.stat(metric, c)
                if not st:
                    continue
                rt = res.ratio(metric, c, "native")
                bits.append("%s %s%s" % (c, fmt(st[0]), " (%sx)" % fmt(rt[0]) if rt else ""))
            parts.append("%s %s: %s" % (metric.split(".", 1)[1], res.units[metric], ", ".join(bits)))
        out.append("%s: %s" % (w, "; ".join(parts)))
    return out


def target_lines(res):
    out = []
    for label, metric, num, den, op, bound in TARGETS:
        rt = res.ratio(metric, num, den)
        if not rt:
            out.append("target %s: not measured here" % label)
            continue
        met = {"<=": rt[0] <= bound, ">=": rt[0] >= bound, ">": rt[0] > bound}[op]
        out.append("target %s %s %s: %s [%s-%s] %s" % (label, op, fmt(bound), fmt(rt[0]), fmt(rt[1]),
                                                         fmt(rt[2]), "met" if met else "MISSED"))
    return out


def plot(out, res):
    """ratios.png: every figure over native's (log scale), per
    configuration."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return "gnuplot not installed (Debian package gnuplot-nox): no plots"
    others = [c for c in res.configs if c != "native"]
    if not others or "native" not in res.configs:
        return "no plot: native and one more configuration needed"
    data = os.path.join(out, "ratios.dat")
    with open(data, "w") as f:
        f.write("metric " + " ".join(others) + "\n")
        for metric in res.metrics:
            row = []
            for c in others:
                rt = res.ratio(metric, c, "native")
                row.append("%.6g" % rt[0] if rt else "NaN")
            f.write(metric + " " + " ".join(row) + "\n")
    script = """
set terminal pngcairo size 1400,700 font ",10" noenhanced
set output '%(png)s'
set title 'Each figure over native (median of run pairs; below 1 = cheaper than native; log scale)'
set logscale y
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -35
set key top left
set ylabel 'x native'
plot for [i=2:%(cols)d] '%(dat)s' using i:xtic(1) title columnheader(i), 1 with lines lc rgb 'black' dt 2 notitle
""" % {"png": os.path.join(out, "ratios.png"), "dat": data, "cols": len(others) + 1}
    r = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
    if r.returncode:
        return "gnuplot failed: " + r.stderr.strip()
    return None


def write(out, info, configs, notes, sizes, runs):
    res = Results(configs, runs)
    write_csv(os.path.join(out, "runs.csv"), runs)
    runs_n = max((r["run"] for r in runs), default=0)
    md = table_md(res, info, notes, sizes, runs_n)
    problem = plot(out, res)
    lines = summary_lines(res) + target_lines(res)
    if problem:
        lines.append(problem)
    failed = sum(res.failed.values())
    lines.append("runs: %d, failed: %d" % (len(runs), failed))
    md += "\n## Summary\n\n" + "\n".join("- " + l for l in lines) + "\n"
    if not problem:
        md += "\n![each figure over native](ratios.png)\n"
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(out, "compact.md"), "w") as f:
        f.write(compact_md(res))
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def read_runs(folder):
    """The runs of a results folder's runs.csv, as write() took them."""
    runs = {}
    with open(os.path.join(folder, "runs.csv")) as f:
        for row in csv.DictReader(f):
            key = (int(row["run"]), row["workload"], row["config"])
            r = runs.setdefault(key, {"run": key[0], "workload": key[1], "config": key[2], "rows": [],
                                      "wall": float(row["wall_s"]), "status": int(row["status"]),
                                      "counters": {}})
            if row["metric"]:
                r["rows"].append((row["metric"], float(row["value"]), row["unit"]))
    return list(runs.values())


def compare(a, b, tolerance=0.2):
    """Lines comparing the ratios to native of two results folders, and
    whether every one is within tolerance (relative) of the other's."""
    ra, rb = read_runs(a), read_runs(b)
    configs = list(dict.fromkeys(r["config"] for r in ra + rb))
    res_a, res_b = Results(configs, ra), Results(configs, rb)
    lines, worst = [], 0.0
    for metric in res_a.metrics:
        for c in configs:
            if c == "native":
                continue
            x, y = res_a.ratio(metric, c, "native"), res_b.ratio(metric, c, "native")
            if not x or not y:
                continue
            diff = y[0] / x[0] - 1
            worst = max(worst, abs(diff))
            lines.append("%-22s %-16s %10s %10s %+6.0f%%%s" % (metric, c, fmt(x[0]), fmt(y[0]), diff * 100,
                                                              "" if abs(diff) <= tolerance else "  beyond"))
    lines.append("largest difference of a ratio to native: %.0f%% (tolerance %.0f%%)" % (worst * 100, tolerance * 100))
    return lines, worst <= tolerance
