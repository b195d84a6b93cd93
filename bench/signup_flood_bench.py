"""The sign-up flood of issue 19 (finding 2) against the running mesh: what it costs the user
service in memory and what it does to a real user's login.

    .venv/bin/python -m bench.signup_flood_bench [--requests 24] [--concurrency 8] [--logins 15]

What it does:
  1. starts the stack on its embedded profile (DevStack: SQLite, in-process limits) on free
     ports, data in a temp folder, and signs one real user up (SMS code read from the outbox);
  2. idle: that user logs in `--logins` times in a row; the median is the idle login time, and
     the peak of the user service's resident memory meanwhile (one login's argon2 hash holds
     64 MiB) is the baseline the floods are compared with;
  3. floods POST /api/auth/signup with rounds of `--requests` sign-ups, `--concurrency` at a
     time, each with a new login id and an unverified phone number, until the same user, logging
     in meanwhile, has logged in `--logins-during` times; the user service's resident memory is
     sampled every 10 ms from /proc:
       a. from one client address (as the issue's attacker did);
       b. from a new address each (a botnet, past the per-address limit);
     then a flood of wrong-password logins from new addresses (each one does hash, bounded
     by GRIDAM_PASSWORD_HASH_CONCURRENCY) for comparison;
  4. prints, per flood, the answers, the user service's memory before and at its peak, and the
     real user's login times, with PASS/FAIL against the issue's targets for the sign-up
     floods: memory under +50 MB over the idle peak, the median login during the flood under 2x
     the idle one.

Before the fix (the issue's measurement) 24 sign-ups, 8 at a time, took the user service from
137 to 531 MB and a real login from 0.2 to 1.5 s: every sign-up hashed its password (argon2,
64 MiB) before the phone verification was checked.

Exit status: 0 when the targets pass, 1 when one fails, 2 when the run itself failed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import pathlib
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

import httpx

from bench.harness import verdict
from gridam_devtools.devstack import DevStack
from tests.support.api import Api
from tests.support.servers import stack_env

TARGET_EXTRA_MB = 50.0
TARGET_LOGIN_RATIO = 2.0
PASSWORD = "secret123"
_addresses = itertools.count(1)


def address() -> str:
    n = next(_addresses)
    return f"172.{16 + (n >> 16) % 16}.{(n >> 8) & 255}.{n & 255}"


def rss_mb(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class MemorySampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, rss_mb(pid), threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.01):
            self.peak = max(self.peak, rss_mb(self.pid))


def login_seconds(http: httpx.Client, login_id: str, password: str = PASSWORD) -> tuple[float, int]:
    begin = time.perf_counter()
    reply = http.post("/api/auth/login", json={"loginId": login_id, "password": password}, headers={"X-Forwarded-For": address()})
    return time.perf_counter() - begin, reply.status_code


@dataclass
class Flood:
    name: str
    answers: Counter
    rss_before: float
    rss_peak: float
    logins: list[float]

    @property
    def extra_mb(self) -> float:
        return self.rss_peak - self.rss_before


def flood(api: Api, pid: int, real_login: str, name: str, baseline_mb: float, args, make_request) -> Flood:
    sampler = MemorySampler(pid)
    sampler.start()
    logins: list[float] = []
    done = threading.Event()

    def keep_logging_in() -> None:
        with httpx.Client(base_url=api.stack.http_url, timeout=60) as http:
            while not done.is_set():
                seconds, status = login_seconds(http, real_login)
                if status != 200:
                    raise RuntimeError(f"the real user's login failed during the flood: {status}")
                logins.append(seconds)

    replies: list[httpx.Response] = []
    with httpx.Client(base_url=api.stack.http_url, timeout=60, limits=httpx.Limits(max_connections=args.concurrency)) as http:
        watcher = threading.Thread(target=keep_logging_in, daemon=True)
        watcher.start()
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            while len(logins) < args.logins_during:
                replies += pool.map(lambda n: make_request(http, n), range(len(replies), len(replies) + args.requests))
        done.set()
        watcher.join()
    sampler.stop.set()
    sampler.join()
    answers = Counter(f"{r.status_code} {r.json().get('code')}" for r in replies)
    if any(r.status_code >= 500 for r in replies):
        raise RuntimeError(f"{name}: server errors {answers}")
    return Flood(name, answers, baseline_mb, sampler.peak, logins)


def sign_up(same_address: str | None):
    def request(http: httpx.Client, n: int) -> httpx.Response:
        body = {"loginId": "f" + uuid.uuid4().hex[:12], "password": PASSWORD, "checkPassword": PASSWORD,
                "nickname": "홍수", "phoneNum": "010" + str(uuid.uuid4().int)[:8], "authCode": "000000", "auth": True}
        return http.post("/api/auth/signup", json=body, headers={"X-Forwarded-For": same_address or address()})

    return request


def wrong_login(victim: str):
    def request(http: httpx.Client, n: int) -> httpx.Response:
        return http.post("/api/auth/login", json={"loginId": f"{victim}{n % 3}", "password": f"wrong{n:04d}x"},
                         headers={"X-Forwarded-For": address()})

    return request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=24)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--logins", type=int, default=15, help="idle logins measured")
    parser.add_argument("--logins-during", type=int, default=5, help="logins measured during each flood")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gridam-flood-") as tmp:
        data = pathlib.Path(tmp)
        stack = DevStack(stack_env(data / "stack"), log_dir=data)
        try:
            stack.start()
            api = Api(stack)
            user = api.signup()
            pid = stack.process("user-service").process.pid
            with httpx.Client(base_url=stack.http_url, timeout=60) as http:
                login_seconds(http, user.login_id)  # warm-up
                sampler = MemorySampler(pid)
                sampler.start()
                idle = [login_seconds(http, user.login_id)[0] for _ in range(args.logins)]
                sampler.stop.set()
                sampler.join()
            baseline = sampler.peak
            floods = [
                flood(api, pid, user.login_id, "sign-ups, one address", baseline, args, sign_up(address())),
                flood(api, pid, user.login_id, "sign-ups, an address each", baseline, args, sign_up(None)),
                flood(api, pid, user.login_id, "wrong logins, an address each", baseline, args, wrong_login("victim")),
            ]
        except Exception as error:  # noqa: BLE001 - the run itself failed
            print(f"run failed: {error}", file=sys.stderr)
            return 2
        finally:
            stack.stop()
    idle_median = statistics.median(idle)
    print(f"\nuser service, embedded profile; rounds of {args.requests} requests, {args.concurrency} at a time")
    print(f"idle login: median {idle_median * 1000:.0f} ms over {len(idle)} (max {max(idle) * 1000:.0f} ms);"
          f" user service peak RSS meanwhile {baseline:.0f} MB\n")
    print(f"{'flood':32} {'answers':44} {'idle peak':>9} {'peak':>7} {'extra':>7} {'login median':>13} {'max':>7} {'n':>3}")
    failed = False
    for result in floods:
        median = statistics.median(result.logins) if result.logins else float("nan")
        answers = ", ".join(f"{k} x{v}" for k, v in sorted(result.answers.items()))
        print(f"{result.name:32} {answers:44} {result.rss_before:7.0f}MB {result.rss_peak:5.0f}MB {result.extra_mb:+6.0f}MB"
              f" {median * 1000:10.0f} ms {max(result.logins, default=0) * 1000:5.0f}ms {len(result.logins):3}")
        if result.name.startswith("sign-ups"):
            ok = result.extra_mb < TARGET_EXTRA_MB and median < TARGET_LOGIN_RATIO * idle_median
            failed |= not ok
            print(f"  {verdict(ok)}: extra memory < {TARGET_EXTRA_MB:.0f} MB over the idle peak and login median < "
                  f"{TARGET_LOGIN_RATIO:.0f}x idle ({TARGET_LOGIN_RATIO * idle_median * 1000:.0f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
