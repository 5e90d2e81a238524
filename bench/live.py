#!/usr/bin/env python3
"""live.py: how soon a change to the tree is searchable, measured from
outside as a user would see it (no sync=1): the change is made, then the
new words are searched for until they are found.

  bench/live.py EPSEARCHD CONTENT_DIR [--saves N] [--bulk N] [--copies N]

--copies N lays N copies of CONTENT_DIR side by side, for a tree larger
than the one at hand (4 copies of the real 309-episode catalogue give
the 1,000 files of the bulk change).

Prints a CSV line per measure on stdout: measure,value,unit.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def get(conn, path):
    conn.request("GET", path)
    resp = conn.getresponse()
    return json.loads(resp.read())


def search_total(conn, words):
    q = urllib.parse.urlencode({"q": words, "limit": 1})
    return get(conn, "/search?" + q)["total"]


def wait_found(conn, words, want=1, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if search_total(conn, words) >= want:
            return time.monotonic()
    raise SystemExit("never found: " + words)


def episode_files(root):
    for d, _, names in os.walk(root):
        for n in sorted(names):
            if n.endswith(".md"):
                yield os.path.join(d, n)


def retitle(text, title):
    """Replaces the title, a folded one's continuation lines included."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            end = i + 1
            while end < len(lines) and lines[end].startswith(" "):
                end += 1
            lines[i:end] = ["title: " + title]
            break
    return "\n".join(lines)


def atomic_save(path, text):
    tmp = path + ".tmp~"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def saves(conn, files, count):
    """Atomic saves of one file, each with a new unique title."""
    target = files[0]
    original = open(target).read()
    latencies = []
    for i in range(count):
        word = "zqsave%dx" % i
        atomic_save(target, retitle(original, "Saved " + word))
        t0 = time.monotonic()
        latencies.append((wait_found(conn, word) - t0) * 1000)
    return latencies


def bulk(conn, files, count):
    """Rewrites count files at once, as a branch switch does."""
    chosen = files[:count]
    texts = [open(p).read() for p in chosen]
    t0 = time.monotonic()
    for i, (p, t) in enumerate(zip(chosen, texts)):
        atomic_save(p, retitle(t, "Bulk zqbulk%dx" % i))
    # "bulk" is in every new title: found count times when all are in.
    elapsed = (wait_found(conn, "zqbulk%dx" % (count - 1)) - t0) * 1000
    wait_found(conn, "bulk", want=count)
    for i in range(count):
        if search_total(conn, "zqbulk%dx" % i) < 1:
            raise SystemExit("bulk change %d not found" % i)
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("epsearchd")
    ap.add_argument("content")
    ap.add_argument("--saves", type=int, default=100)
    ap.add_argument("--bulk", type=int, default=1000)
    ap.add_argument("--copies", type=int, default=4)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="epsearch-bench-")
    tree = os.path.join(work, "tree")
    for i in range(args.copies):
        shutil.copytree(args.content, os.path.join(tree, "copy%d" % i))
    files = list(episode_files(tree))
    if len(files) < args.bulk:
        raise SystemExit("need %d files, the tree has %d"
                         % (args.bulk, len(files)))
    sock = os.path.join(work, "s.sock")
    daemon = subprocess.Popen([args.epsearchd, "--content", tree,
                               "--socket", sock, "--db",
                               os.path.join(work, "db.sqlite3"),
                               "--log-level", os.environ.get("EPSEARCHD_LOG_LEVEL", "warning")])
    try:
        while not os.path.exists(sock):
            time.sleep(0.01)
        conn = UnixHTTPConnection(sock)
        search_total(conn, "warmup")  # waits for the first scan
        lat = sorted(saves(conn, files, args.saves))
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print("save_to_searchable_median,%.1f,ms" % statistics.median(lat))
        print("save_to_searchable_p99,%.1f,ms" % p99)
        print("save_to_searchable_max,%.1f,ms" % lat[-1])
        print("bulk_%d_files_to_searchable,%.0f,ms"
              % (args.bulk, bulk(conn, files, args.bulk)))
        status = get(conn, "/status")
        print("daemon_latency_median,%.1f,ms" % status["latency_ms"]["median"])
        print("daemon_latency_p99,%.1f,ms" % status["latency_ms"]["p99"])
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait()
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
