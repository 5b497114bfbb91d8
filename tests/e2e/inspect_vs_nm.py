#!/usr/bin/env python3
"""Checks that `rewire inspect --json` on a Go binary and on its -s -w twin
reports the same entry and size as `nm -S` for the functions the acceptance
list names. Prints "match" or the differences."""
import json
import subprocess
import sys

WANTED = ["runtime.futexsleep", "runtime.futexwakeup", "runtime.newosproc",
          "runtime.sysAllocOS", "runtime.sysAlloc", "time.Now"]


def nm_sizes(path):
    out = subprocess.run(["nm", "-S", path], check=True, capture_output=True,
                         text=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "Tt":
            table[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return table


def inspect(rewire, path, names):
    res = subprocess.run([rewire, "inspect", "--json", path] + names,
                         capture_output=True, text=True)
    doc = json.loads(res.stdout)
    return {s["name"]: (int(s["entry"], 16), s["size"]) for s in doc["symbols"]}


def main():
    rewire, full, stripped = sys.argv[1:4]
    nm = nm_sizes(full)
    names = [n for n in WANTED if n in nm]
    if "time.Now" not in names or len(names) < 5:
        print("nm lacks the functions:", names)
        return 1
    problems = []
    for path in (full, stripped):
        got = inspect(rewire, path, names)
        for n in names:
            if got.get(n) != nm[n]:
                problems.append(f"{path}: {n}: rewire {got.get(n)} nm {nm[n]}")
    if problems:
        print("\n".join(problems))
        return 1
    print("match:", ", ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
