#!/usr/bin/env python3
"""Wall time and peak memory of one command, as one JSON line on stdout.

    measure.py [--timeout S] [--stdout FILE] -- COMMAND ARGS...

- wall_s: elapsed seconds;
- cpu_s: user + system CPU seconds of the command and all its descendants;
- max_rss_mib: the largest resident set of any single process of the command
  (getrusage(RUSAGE_CHILDREN).ru_maxrss, what GNU time's %M reports);
- tree_pss_mib: the largest sum of the proportional set sizes (PSS: a page
  shared by k processes counts 1/k in each, so forked workers are not counted
  twice) of the command's process tree, sampled from /proc every 50 ms; RSS
  where smaps_rollup cannot be read;
- rc: the exit status ("timeout" when killed after --timeout seconds).

The command's stdout goes to --stdout (default /dev/null), its stderr to ours.
Stdlib only; Linux (/proc) for tree_pss_mib.
"""
import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
            ppid = int(st[st.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def proc_mem(pid):
    """PSS in bytes, or RSS when smaps_rollup is not readable; 0 for a gone process."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def tree_mem(root):
    kids = children_map()
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        total += proc_mem(pid)
        stack.extend(kids.get(pid, []))
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=float, default=None)
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args(argv)
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_tree = 0
    with open(a.stdout, "wb") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, start_new_session=True)
        rc = None
        while rc is None:
            peak_tree = max(peak_tree, tree_mem(p.pid))
            if a.timeout is not None and time.monotonic() - t0 > a.timeout:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                rc = "timeout"
                break
            try:
                rc = p.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "cmd": cmd, "rc": rc, "wall_s": round(wall, 2),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2),
        "max_rss_mib": round(after.ru_maxrss / 1024, 1),
        "tree_pss_mib": round(peak_tree / 2**20, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
