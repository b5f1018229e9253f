#!/usr/bin/env python3
"""Helpers for bench/run.sh: free ports, readiness, small clients, and the report.

Sub-commands (all print to stdout):
  freeports N                      N free TCP ports on 127.0.0.1, space separated
  waitport PORT SECONDS [PID]      exit 0 once 127.0.0.1:PORT accepts a connection
  waitping PORT SECONDS            exit 0 once a redis PING through PORT gets +PONG
  churn PORT COUNT                 connect + PING + close COUNT times; prints conn/s
  hold PID PORT COUNT              RSS of PID before/after COUNT idle proxied connections, opened in two halves;
                                   prints "before_kb after_kb per_conn_bytes second_half_per_conn_bytes"
  startup PORT SECONDS CMD...      start CMD, time until a PING through PORT gets +PONG,
                                   kill CMD by PID; prints milliseconds
  iperf JSONFILE                   bits/s received, from iperf3 -J output, as Gbit/s
  rediscsv CSVFILE                 redis-benchmark --csv -> lines "TEST rps p50 p99"
  wrk TEXTFILE                     wrk --latency output -> "rps p50_ms p99_ms"
  report SAMPLES MD JSON META      medians, ratios, markdown table + JSON
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

HOST = "127.0.0.1"
PING = b"PING\r\n"
PONG = b"+PONG\r\n"


def freeports(n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind((HOST, 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


def try_ping(port, timeout=1.0):
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(PING)
            buf = b""
            while len(buf) < len(PONG):
                chunk = s.recv(64)
                if not chunk:
                    return False
                buf += chunk
            return buf.startswith(PONG)
    except OSError:
        return False


def alive(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            return not any(l.startswith("State:") and "Z" in l.split()[1] for l in f)
    except OSError:
        return False


def waitport(port, seconds, pid=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pid is not None and not alive(pid):
            return 1
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return 0
        except OSError:
            time.sleep(0.02)
    return 1


def waitping(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if try_ping(port, 0.5):
            return 0
        time.sleep(0.01)
    return 1


def recv_pong(s):
    buf = b""
    while len(buf) < len(PONG):
        chunk = s.recv(64)
        if not chunk:
            raise ConnectionError("closed before +PONG")
        buf += chunk
    if not buf.startswith(PONG):
        raise ConnectionError("unexpected reply %r" % buf)


def churn(port, count):
    t0 = time.perf_counter()
    for _ in range(count):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(PING)
        recv_pong(s)
        s.close()
    dt = time.perf_counter() - t0
    print("%.1f" % (count / dt))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def hold(pid, port, count):
    # Warm the path (JIT, pools) so "before" is a steady state, not a cold process.
    for _ in range(20):
        if not try_ping(port):
            raise RuntimeError("warm-up PING failed")
    time.sleep(0.5)
    before = rss_kb(pid)
    socks = []

    def open_idle(n):
        opened = [socket.create_connection((HOST, port), timeout=5) for _ in range(n)]
        # One PING each, so that every connection is proxied end to end (backend connected).
        for s in opened:
            s.sendall(PING)
        for s in opened:
            recv_pong(s)
        socks.extend(opened)
        time.sleep(1.0)
        return rss_kb(pid)

    # Two halves: the first also pays what a process pays once (code compiled at the next tier, allocators and
    # collector settling to their working size); the second is what one more idle connection costs.
    half = count // 2
    mid = open_idle(half)
    after = open_idle(count - half)
    for s in socks:
        s.close()
    print(before, after, "%.0f" % ((after - before) * 1024 / count), "%.0f" % ((after - mid) * 1024 / (count - half)))


def startup(port, seconds, cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + seconds
        ok = False
        while time.monotonic() < deadline:
            if p.poll() is not None:
                break
            if try_ping(port, 0.5):
                ok = True
                break
            time.sleep(0.002)
        dt = time.perf_counter() - t0
    finally:
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
    if not ok:
        print("startup: no PONG within %ss (rc=%s)" % (seconds, p.returncode), file=sys.stderr)
        return 1
    print("%.1f" % (dt * 1000))
    return 0


def iperf(path):
    with open(path) as f:
        d = json.load(f)
    if "error" in d:
        raise RuntimeError(d["error"])
    print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))


def rediscsv(path):
    import csv
    with open(path) as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    idx = {h: i for i, h in enumerate(header)}
    for r in rows[1:]:
        if not r:
            continue
        test = r[0]
        rps = r[idx["rps"]]
        p50 = r[idx["p50_latency_ms"]] if "p50_latency_ms" in idx else "nan"
        p99 = r[idx["p99_latency_ms"]] if "p99_latency_ms" in idx else "nan"
        print(test, rps, p50, p99)


def wrk(path):
    # wrk --latency prints "Requests/sec: N" and a "Latency Distribution" block ("50% 1.23ms", "99% 4.56ms").
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    rps, pct = None, {}
    with open(path) as f:
        text = f.read()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "Requests/sec:":
            rps = float(parts[1])
        elif len(parts) == 2 and parts[0] in ("50%", "99%"):
            value = parts[1]
            for u in ("us", "ms", "s"):
                if value.endswith(u):
                    pct[parts[0]] = float(value[: -len(u)]) * units[u]
                    break
    errors = "Non-2xx or 3xx responses" in text or "Socket errors" in text
    if rps is None or "50%" not in pct or "99%" not in pct or errors:
        raise RuntimeError("wrk output incomplete or with errors: " + text[:300])
    print(rps, pct["50%"], pct["99%"])


# metric key -> (label, unit, higher_is_better)
METRICS = [
    ("iperf_fwd", "iperf3 1 stream, client->server", "Gbit/s", True),
    ("iperf_rev", "iperf3 1 stream, server->client (-R)", "Gbit/s", True),
    ("redis_set_p1", "redis SET -c 50 -P 1", "ops/s", True),
    ("redis_set_p1_p50", "redis SET -P 1 p50", "ms", False),
    ("redis_set_p1_p99", "redis SET -P 1 p99", "ms", False),
    ("redis_get_p1", "redis GET -c 50 -P 1", "ops/s", True),
    ("redis_get_p1_p50", "redis GET -P 1 p50", "ms", False),
    ("redis_get_p1_p99", "redis GET -P 1 p99", "ms", False),
    ("redis_set_p16", "redis SET -c 50 -P 16", "ops/s", True),
    ("redis_set_p16_p50", "redis SET -P 16 p50", "ms", False),
    ("redis_set_p16_p99", "redis SET -P 16 p99", "ms", False),
    ("redis_get_p16", "redis GET -c 50 -P 16", "ops/s", True),
    ("redis_get_p16_p50", "redis GET -P 16 p50", "ms", False),
    ("redis_get_p16_p99", "redis GET -P 16 p99", "ms", False),
    ("http_rps", "HTTP wrk -c 50, GET / (13 B)", "req/s", True),
    ("http_p50", "HTTP wrk p50", "ms", False),
    ("http_p99", "HTTP wrk p99", "ms", False),
    ("churn", "churn: connect+PING+close", "conn/s", True),
    ("rss_before", "proxy RSS before idle conns", "MiB", False),
    ("rss_after", "proxy RSS with idle conns", "MiB", False),
    ("rss_per_conn", "proxy RSS per idle proxied conn", "KiB", False),
    ("rss_marginal", "proxy RSS per idle proxied conn, second half", "KiB", False),
    ("startup", "start-up to first PONG", "ms", False),
]
# vaurien runs as three proxies: tcp (the baseline), redis and http (framing every request); each is compared
# with haproxy and direct, measured in the same run.
VAURIEN = [("vaurien", "tcp"), ("vaurien-redis", "redis"), ("vaurien-http", "http")]
PATHS = ["direct", "haproxy"] + [p for p, _ in VAURIEN]


def fmt(v):
    if v is None:
        return "n/a"
    if abs(v) >= 1000:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.3g" % v


def report(samples_path, md_path, json_path, meta_path):
    samples = {}
    with open(samples_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            key, path, val = parts
            try:
                v = float(val)
            except ValueError:
                continue
            if v != v:  # nan
                continue
            samples.setdefault(key, {}).setdefault(path, []).append(v)
    with open(meta_path) as f:
        meta = json.load(f)
    rows = []
    for key, label, unit, hib in METRICS:
        if key not in samples:
            continue
        s = samples[key]
        med = {p: (statistics.median(s[p]) if p in s else None) for p in PATHS}
        ratios = {}
        for p, _ in VAURIEN:
            v = med[p]
            ratios[p] = {
                "haproxy": v / med["haproxy"] if v is not None and med["haproxy"] else None,
                "direct": v / med["direct"] if v is not None and med["direct"] else None,
            }
        rows.append({
            "metric": key, "label": label, "unit": unit,
            "better": "higher" if hib else "lower",
            "median": med, "ratios": ratios,
            "samples": {p: s[p] for p in PATHS if p in s},
        })
    names = [n for _, n in VAURIEN]
    lines = [
        "Medians of %d runs per cell (%s mode; memory: %d), %s." % (meta["runs"], meta["mode"], meta.get("memory_runs", meta["runs"]), meta["date"]),
        "",
        "| metric | unit | better | direct | haproxy | " + " | ".join("vaurien " + n for n in names) + " | "
        + " | ".join(n + "/haproxy" for n in names) + " | " + " | ".join(n + "/direct" for n in names) + " |",
        "|---|---|---|" + "---:|" * (2 + 3 * len(names)),
    ]

    def ratio(v):
        return "n/a" if v is None else "%.2f" % v

    for r in rows:
        m = r["median"]
        cells = [r["label"], r["unit"], r["better"], fmt(m["direct"]), fmt(m["haproxy"])]
        cells += [fmt(m[p]) for p, _ in VAURIEN]
        cells += [ratio(r["ratios"][p]["haproxy"]) for p, _ in VAURIEN]
        cells += [ratio(r["ratios"][p]["direct"]) for p, _ in VAURIEN]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    with open(md_path, "w") as f:
        f.write(text)
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=2)
    sys.stdout.write(text)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "freeports":
        freeports(int(args[0]))
    elif cmd == "waitport":
        return waitport(int(args[0]), float(args[1]), int(args[2]) if len(args) > 2 else None)
    elif cmd == "waitping":
        return waitping(int(args[0]), float(args[1]))
    elif cmd == "churn":
        churn(int(args[0]), int(args[1]))
    elif cmd == "hold":
        hold(int(args[0]), int(args[1]), int(args[2]))
    elif cmd == "startup":
        return startup(int(args[0]), float(args[1]), args[2:])
    elif cmd == "iperf":
        iperf(args[0])
    elif cmd == "rediscsv":
        rediscsv(args[0])
    elif cmd == "wrk":
        wrk(args[0])
    elif cmd == "report":
        report(*args)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv) or 0)
