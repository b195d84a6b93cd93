"""What the benchmarks share: the CPU meter (CPU seconds of whole process trees, read from /proc,
and a speed check of this machine's cores), the wrk runner and its parser, the result of one
measured path, the report's table and verdicts, and the private stack a benchmark runs on
(MariaDB, Redis and every GriDam process, started by DevStack in a temporary folder).

Benchmarks are modules of this package, run from the repository root:
`.venv/bin/python -m bench.<name>` (what `make bench` does).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import pathlib
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from gridam_devtools.devstack import DevStack
from tests.support.servers import MariaDb, Redis, stack_env

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class BenchError(RuntimeError):
    """The run itself went wrong (not a missed target)."""


# --------------------------------------------------------------------------- CPU sampling


def proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, utime+stime seconds) of one process, or None when it is gone."""
    try:
        raw = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _all_processes() -> dict[int, tuple[int, float]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat is not None:
                table[int(entry)] = stat
    return table


def _tree_cpu(root: int, table: dict[int, tuple[int, float]]) -> float:
    """CPU seconds of a process and all its live descendants (uvicorn workers, ...)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1]
        todo.extend(children.get(pid, ()))
    return total


def _system_times() -> tuple[int, int, int]:
    """(busy, stolen, total) jiffies of all cores, from /proc/stat's first line."""
    values = [int(v) for v in pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, steal = values[3] + values[4], values[7]
    total = sum(values[:8])
    return total - idle - steal, steal, total


class CpuMeter:
    """CPU seconds used by named process trees between start() and stop()."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots

    def _sample(self) -> dict[str, float]:
        table = _all_processes()
        return {name: _tree_cpu(pid, table) for name, pid in self.roots.items()}

    def start(self) -> None:
        self._before = self._sample()
        self._system_before = _system_times()
        self._wall_before = time.monotonic()

    def stop(self) -> dict[str, float]:
        """Cores used by each tree over the window (CPU seconds ÷ wall seconds)."""
        after = self._sample()
        busy, steal, total = (a - b for a, b in zip(_system_times(), self._system_before, strict=True))
        wall = time.monotonic() - self._wall_before
        self.machine_busy = busy / max(1, total)
        self.stolen = steal / max(1, total)
        return {name: max(0.0, after[name] - self._before[name]) / wall for name in self.roots}


def speed_check() -> float:
    """Milliseconds for a fixed pure-Python workload, best of 3 (lower is faster). This machine's
    cores are shared with other guests and their speed drifts by 1.5× or more from one minute to
    the next; the check, taken before and after the measured runs, tells runs apart."""
    def work() -> float:
        begin, x = time.perf_counter(), 0
        for i in range(1_000_000):
            x += i * i % 7
        return (time.perf_counter() - begin) * 1e3

    return min(work() for _ in range(3))


# --------------------------------------------------------------------------- results


@dataclass
class PathResult:
    name: str
    label: str  # short column title
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    cores: dict[str, float] = field(default_factory=dict)  # process -> cores used while measured
    machine_busy: float = math.nan  # fraction of all cores busy (steal excluded)
    stolen: float = math.nan  # fraction of all cores' time taken by the hypervisor
    notes: list[str] = field(default_factory=list)
    rounds: list[PathResult] = field(default_factory=list)  # the measured runs a combined result is made of
    cpu_us: dict[str, float] | None = None  # CPU µs per request by process, when not cores ÷ rps (combined runs)

    @classmethod
    def combine(cls, rounds: list[PathResult]) -> PathResult:
        """Several measured runs of one path: the median of each figure (the runs disagree by
        ±10-25 % on this shared machine); CPU use averaged over the measured seconds."""
        if len(rounds) == 1:
            return rounds[0]
        seconds = sum(r.seconds for r in rounds)
        names = {n for r in rounds for n in r.cores}
        return cls(
            name=rounds[0].name,
            label=rounds[0].label,
            requests=sum(r.requests for r in rounds),
            seconds=seconds,
            rps=statistics.median(r.rps for r in rounds),
            p50_ms=statistics.median(r.p50_ms for r in rounds),
            p90_ms=statistics.median(r.p90_ms for r in rounds),
            p99_ms=statistics.median(r.p99_ms for r in rounds),
            max_ms=max(r.max_ms for r in rounds),
            cores={n: sum(r.cores.get(n, 0.0) * r.seconds for r in rounds) / seconds for n in names},
            # CPU per request over all runs: CPU seconds ÷ requests (not mean cores ÷ median rate).
            cpu_us={
                n: sum(r.cores.get(n, 0.0) / r.rps * r.requests for r in rounds) / sum(r.requests for r in rounds) * 1e6
                for n in names
            },
            machine_busy=sum(r.machine_busy * r.seconds for r in rounds) / seconds,
            stolen=sum(r.stolen * r.seconds for r in rounds) / seconds,
            notes=rounds[0].notes,
            rounds=rounds,
        )

    @property
    def other_cores(self) -> float:
        """Busy cores not accounted to the measured processes (other work on the machine, IRQs)."""
        return self.machine_busy * os.cpu_count() - sum(self.cores.values())

    def cpu_us_per_request(self, names: list[str]) -> float:
        if self.cpu_us is not None:
            return sum(self.cpu_us.get(n, 0.0) for n in names)
        return sum(self.cores.get(n, 0.0) for n in names) / self.rps * 1e6

    def as_json(self, server_parts: list[str]) -> dict:
        return {
            "path": self.name,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_s": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p90_ms": round(self.p90_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "max_ms": round(self.max_ms, 3),
            "cores_by_process": {k: round(v, 3) for k, v in self.cores.items()},
            "cpu_us_per_request_by_process": {k: round(self.cpu_us_per_request([k]), 1) for k in self.cores},
            "server_cpu_us_per_request": round(self.cpu_us_per_request(server_parts), 1),
            "machine_busy_fraction": round(self.machine_busy, 3),
            "machine_busy_cores": round(self.machine_busy * os.cpu_count(), 3),
            "other_processes_cores": round(self.other_cores, 3),
            "stolen_cores": round(self.stolen * os.cpu_count(), 3),
            "notes": self.notes,
            **({"runs": [r.as_json(server_parts) for r in self.rounds]} if self.rounds else {}),
        }


# --------------------------------------------------------------------------- wrk

_UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}

WRK_SCRIPT = """\
-- Generated by bench/harness.py: bearer token, and a count of every answer that
-- is not 2xx (wrk's own "Non-2xx or 3xx" line lets 3xx through).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer TOKEN"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("BENCH_NON_2XX %d\\n", total))
end
"""


def _duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise BenchError(f"cannot read wrk duration {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    percentiles = {int(p): _duration_ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.M)}
    requests = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)", output, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    maximum = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M)
    if not (percentiles and requests and rps):
        raise BenchError(f"cannot parse wrk output:\n{output}")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx_3xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    non_2xx = re.search(r"BENCH_NON_2XX (\d+)", output)
    return {
        "requests": int(requests.group(1)),
        "seconds": _duration_ms(requests.group(2) + requests.group(3)) / 1e3,
        "rps": float(rps.group(1)),
        "p50_ms": percentiles.get(50, math.nan),
        "p90_ms": percentiles.get(90, math.nan),
        "p99_ms": percentiles.get(99, math.nan),
        "max_ms": _duration_ms(maximum.group(1)) if maximum else math.nan,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket_errors.groups()), strict=True)
        )
        if socket_errors
        else {},
        "non_2xx": max(int(non_2xx.group(1)) if non_2xx else 0, int(non_2xx_3xx.group(1)) if non_2xx_3xx else 0),
    }


def run_wrk(url: str, script: pathlib.Path, *, threads: int, connections: int, seconds: float) -> tuple[dict, float, str]:
    """Run wrk once; (parsed figures, wrk's own CPU seconds, raw output)."""
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
        "--latency", "-s", str(script), url,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return parse_wrk(result.stdout), cpu, result.stdout


def check_clean(figures: dict, what: str) -> None:
    errors = {k: v for k, v in figures["socket_errors"].items() if v}
    if figures["non_2xx"] or errors:
        raise BenchError(f"{what}: {figures['non_2xx']} non-2xx answers, socket errors {errors or 'none'}")


def measure_wrk(
    url: str, script: pathlib.Path, args: argparse.Namespace, roots: dict[str, int], name: str, label: str
) -> PathResult:
    """One measured wrk run (`args.seconds`, `args.connections`, `args.wrk_threads`) while the CPU
    of the `roots` process trees is sampled."""
    meter = CpuMeter(roots)
    meter.start()
    figures, wrk_cpu, raw = run_wrk(
        url, script, threads=args.wrk_threads, connections=args.connections, seconds=args.seconds
    )
    cpu = meter.stop()
    check_clean(figures, name)
    if args.verbose:
        print(raw)
    cpu["load generator (wrk)"] = wrk_cpu / figures["seconds"]
    return PathResult(
        name=name,
        label=label,
        requests=figures["requests"],
        seconds=figures["seconds"],
        rps=figures["rps"],
        p50_ms=figures["p50_ms"],
        p90_ms=figures["p90_ms"],
        p99_ms=figures["p99_ms"],
        max_ms=figures["max_ms"],
        cores=cpu,
        machine_busy=meter.machine_busy,
        stolen=meter.stolen,
        notes=[f"wrk -t{args.wrk_threads} -c{args.connections} --latency, Lua script counting non-2xx"],
    )


# --------------------------------------------------------------------------- report


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (`q` in 0..1) of unsorted samples; NaN without samples."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def table(rows: list[tuple[str, ...]], indent: str = "") -> list[str]:
    """Aligned lines of a text table, a rule under the header row; the first column left-aligned,
    the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(indent + " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            lines.append(indent + "-+-".join("-" * w for w in widths))
    return lines


def print_checks(checks: dict[str, tuple[bool, str]]) -> None:
    for ok, text in checks.values():
        print(f"{verdict(ok)}  {text}")
    print()


def summary(benchmark: str, config: dict, targets: dict, checks: dict[str, tuple[bool, str]], **figures) -> dict:
    """The JSON a benchmark writes: what ran where, its figures, and each target's verdict."""
    return {
        "benchmark": benchmark,
        "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": {"cores": os.cpu_count() or 1, "machine": platform.machine(), "python": platform.python_version()},
        "config": config,
        "targets": targets,
        **figures,
        "checks": {name: {"pass": ok, "text": text} for name, (ok, text) in checks.items()},
        "pass": all(ok for ok, _ in checks.values()),
    }


# --------------------------------------------------------------------------- stack


@dataclass
class Infra:
    root: pathlib.Path
    mariadb: MariaDb
    redis: Redis
    stack: DevStack | None = None


def build_env(root: pathlib.Path, mariadb: MariaDb, redis: Redis, args: argparse.Namespace) -> dict[str, str]:
    env = stack_env(root / "stack", mariadb, redis) | {
        "GRIDAM_LOG_LEVEL": args.log_level,
        # One token serves the whole run, which can outlast the default 15 minutes.
        "GRIDAM_ACCESS_TOKEN_TTL_SECONDS": "7200",
    }
    if args.workers is not None:
        env["GRIDAM_WORKERS"] = str(args.workers)
    if args.no_access_log:
        env["GRIDAM_ACCESS_LOG"] = "false"
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep or not key.startswith("GRIDAM_"):
            raise SystemExit(f"--env wants GRIDAM_NAME=value, got {item!r}")
        env[key] = value
    return env


def git_revision() -> str:
    """The commit the stack ran from, with '+changes' when the work tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def print_logs(folder: pathlib.Path) -> None:
    for log in sorted(folder.rglob("*.log")):
        print(f"--- {log}\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)


def run_on_stack(args: argparse.Namespace, measure: Callable[[Infra, dict[str, str]], dict],
                 extra_env: dict[str, str] | None = None, errors: tuple[type[Exception], ...] = ()) -> int:
    """What a benchmark on a private stack does around its measurements: start MariaDB, Redis and
    the stack (DevStack) in a temporary folder, run `measure(infra, env)`, write the summary it
    returns to `args.output`, and stop and remove everything, also on Ctrl-C or a failure
    (`errors`: the benchmark's own failures besides BenchError and the like). Exit status: 0 when
    every target passes, 1 when one fails, 2 when the run itself failed, 130 on Ctrl-C."""
    if shutil.which("wrk") is None:
        print("wrk not found (Debian package wrk)", file=sys.stderr)
        return 2
    # Ctrl-C reaches every process of the terminal's group; SIGTERM is turned into the same
    # KeyboardInterrupt so the finally block below always tears everything down.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    root = pathlib.Path(tempfile.mkdtemp(prefix="gridam-bench-"))
    root.chmod(0o755)  # mariadbd runs as mysql
    infra = Infra(root, MariaDb(root / "mariadb"), Redis(root / "redis"))
    failed = False
    try:
        print(f"starting MariaDB, Redis and the stack under {root} ...", flush=True)
        infra.mariadb.start()
        infra.redis.start()
        env = build_env(root, infra.mariadb, infra.redis, args) | (extra_env or {})
        infra.stack = DevStack(env, log_dir=root / "stack")
        infra.stack.start()
        summary = measure(infra, env)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        print(f"figures written to {args.output}")
        return 0 if summary["pass"] else 1
    except KeyboardInterrupt:
        print("\ninterrupted; stopping everything", file=sys.stderr)
        failed = True
        return 130
    except (BenchError, RuntimeError, subprocess.CalledProcessError, *errors) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        print_logs(root)
        failed = True
        return 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the cleanup
        if infra.stack is not None:
            infra.stack.stop()
        infra.redis.stop()
        infra.mariadb.stop()
        if args.keep or (failed and args.verbose):
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def record_speed_check(result: dict, before: float, after: float) -> dict:
    """The CPU speed check before and after the measurements, in the summary; a warning when it moved."""
    result["speed_check_ms"] = {"before": round(before, 1), "after": round(after, 1)}
    if max(before, after) > 1.25 * min(before, after):
        print("WARNING: the cores' speed changed during the run (speed check above): the figures are disturbed")
    return result
