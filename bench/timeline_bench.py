"""Benchmark of `GET /api/feed/timeline` through the gateway on MariaDB, with 10× fewer posts
and with all of them, side by side; and of the timeline query alone.

    .venv/bin/python -m bench.timeline_bench [--users 10000] [--follows 50] [--posts 20000,200000]
        [--connections 4] [--seconds 10] [--runs 3] [--warmup 3] [--sample 200] [--query-calls 2000]
        [--log-level WARNING] [--env GRIDAM_X=value ...]

What it does:
  1. starts a private MariaDB and Redis and the stack (DevStack: bench/harness.py);
  2. seeds straight into the services' databases: `--users` users in the user service's `users`
     table, all with one argon2 hash of one password (hashed once), each following `--follows`
     others drawn at random (`follows`, and the users' counters); then posts in the diary
     service's `feed_posts`: authors drawn uniformly, ids and timestamps increasing, audiences
     50 % PUBLIC, 30 % FOLLOWERS, 20 % PRIVATE, synthetic card and diary ids (the timeline
     never reads cards);
  3. logs `--sample` of the users in through POST /api/auth/login (4 at a time);
  4. for each count of `--posts` in turn (the table grows to it with newer posts; ANALYZE TABLE
     after seeding):
     a. reads each sampled user's first page once, for its nextCursor;
     b. wrk (1 thread, `--connections` connections, closed loop) cycles through those users'
        first pages (3 requests in 4) and second pages (the nextCursor of 4a), each with the
        user's own token, size 20: a warm-up, then `--runs` measured runs with the CPU of every
        process sampled; the report gives the median of each figure;
     c. the query alone: DiaryReads.timeline from this process on the diary database, for
        the same users' first and second pages (21 posts asked for, as the service asks),
        `--query-calls` calls on a kept connection of an autocommit engine (as the service):
        latency, the CPU MariaDB and this process spent per call, and the rows MariaDB read per
        call (Handler_read_* counters);
  5. prints the figures by data set, the ratios largest ÷ smallest, PASS/FAIL against the
     targets (p99 < 50 ms at the largest; p50 and server CPU per request < 1.5× the smallest's),
     and writes bench/results/timeline_bench.json.

Everything is stopped and removed at the end, also on Ctrl-C. Exit status: 0 when every target
passes, 1 when one fails, 2 when the run itself failed, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import pathlib
import random
import statistics
import sys
import time
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.pool import PoolProxiedConnection

from bench.harness import (
    ROOT,
    WRK_SCRIPT,
    BenchError,
    Infra,
    PathResult,
    check_clean,
    git_revision,
    measure_wrk,
    print_checks,
    proc_stat,
    record_speed_check,
    run_on_stack,
    run_wrk,
    speed_check,
    summary,
    table,
)
from diary_service.adapters.orm import FeedPost
from diary_service.adapters.reads import DiaryReads
from gridam_runtime import db
from user_service.adapters.orm import Follow, User

RESULTS_FILE = ROOT / "bench" / "results" / "timeline_bench.json"
TIMELINE_PATH = "/api/feed/timeline"
PAGE_SIZE = 20  # the web client's page; the service asks the repository for one more

TARGET_P99_MS = 50.0
TARGET_GROWTH = 1.5

PASSWORD = "bench-secret-123"
AUDIENCES = ("PUBLIC", "FOLLOWERS", "PRIVATE")
AUDIENCE_WEIGHTS = (5, 3, 2)
INSERT_CHUNK = 20_000
SERVERS = ["gateway", "diary service", "user service", "mariadb", "redis"]

# Appended to profile_bench's script (which counts non-2xx answers): the requests in turn,
# each with its own user's token.
REQUESTS_SCRIPT = """
-- Added by bench/timeline_bench.py.
local requests = {
%s
}
local formatted = {}
local turn = 0
function request()
  turn = turn %% #requests + 1
  if formatted[turn] == nil then
    formatted[turn] = wrk.format(nil, requests[turn][1], {["Authorization"] = "Bearer " .. requests[turn][2]})
  end
  return formatted[turn]
end
"""


# --------------------------------------------------------------------------- seeding


@dataclass
class Population:
    user_ids: list[int]
    login_ids: dict[int, str]
    followees: dict[int, list[int]]


def seed_users(url: str, users: int, follows: int, rng: random.Random) -> Population:
    """`users` users sharing one password, each following `follows` others drawn at random."""
    engine = db.create_engine(url)
    password_hash = PasswordHasher().hash(PASSWORD)  # the user service's own parameters
    now = db.utcnow()
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(User),
                [{"login_id": f"tl{n:05d}", "password_hash": password_hash, "nickname": f"타임라인{n}",
                  "created_at": now, "updated_at": now} for n in range(users)],
            )
            login_ids = dict(connection.execute(sa.select(User.id, User.login_id)).all())
            user_ids = sorted(login_ids)
            followees = {}
            for user in user_ids:
                drawn = [other for other in rng.sample(user_ids, follows + 1) if other != user]
                followees[user] = drawn[:follows]
            rows = [{"follower_id": user, "followee_id": other, "created_at": now}
                    for user, others in followees.items() for other in others]
            for start in range(0, len(rows), INSERT_CHUNK):
                connection.execute(sa.insert(Follow), rows[start : start + INSERT_CHUNK])
            followers = sa.select(sa.func.count()).where(Follow.followee_id == User.id).scalar_subquery()
            connection.execute(sa.update(User).values(following_count=follows, follower_count=followers))
    finally:
        engine.dispose()
    return Population(user_ids, login_ids, followees)


def seed_posts(
    url: str, population: Population, first: int, count: int, epoch: datetime.datetime, rng: random.Random
) -> None:
    """Posts number `first` to `first + count - 1`, post n written n seconds after `epoch`."""
    engine = db.create_engine(url)
    try:
        with engine.begin() as connection:
            for chunk in range(first, first + count, INSERT_CHUNK):
                rows = []
                for n in range(chunk, min(chunk + INSERT_CHUNK, first + count)):
                    author = rng.choice(population.user_ids)
                    rows.append({
                        "id": n, "author_id": author, "author_login_id": population.login_ids[author],
                        "card_id": n, "diary_id": n, "content": f"오늘의 감정 카드 #{n}",
                        "audience": rng.choices(AUDIENCES, AUDIENCE_WEIGHTS)[0],
                        "created_at": epoch + datetime.timedelta(seconds=n),
                    })
                connection.execute(sa.insert(FeedPost), rows)
            connection.exec_driver_sql("ANALYZE TABLE feed_posts")  # fresh index statistics, as a live table has
    finally:
        engine.dispose()


async def _log_in(http_url: str, login_ids: list[str], concurrency: int) -> list[str]:
    gate = asyncio.Semaphore(concurrency)

    async def one(http: httpx.AsyncClient, login_id: str) -> str:
        async with gate:
            reply = await http.post("/api/auth/login", json={"loginId": login_id, "password": PASSWORD})
        if reply.status_code != 200 or not reply.json().get("success"):
            raise BenchError(f"login of {login_id} -> {reply.status_code} {reply.text}")
        return reply.json()["result"]["accessToken"]

    async with httpx.AsyncClient(base_url=http_url, timeout=60) as http:
        return await asyncio.gather(*(one(http, login_id) for login_id in login_ids))


def log_in(http_url: str, login_ids: list[str]) -> list[str]:
    """Access tokens through the real API (argon2 verification included: 4 at a time)."""
    return asyncio.run(_log_in(http_url, login_ids, 4))


# --------------------------------------------------------------------------- measurement


def first_page_cursors(http_url: str, tokens: list[str]) -> list[int | None]:
    """Each user's nextCursor after the first page (None when the first page is the last)."""
    cursors = []
    with httpx.Client(base_url=http_url, timeout=30) as http:
        for token in tokens:
            reply = http.get(TIMELINE_PATH, params={"size": PAGE_SIZE}, headers={"Authorization": f"Bearer {token}"})
            if reply.status_code != 200:
                raise BenchError(f"GET {TIMELINE_PATH} -> {reply.status_code} {reply.text}")
            cursors.append(reply.json()["result"]["nextCursor"])
    if sum(c is not None for c in cursors) < len(cursors) / 2:
        raise BenchError("most sampled users have a single page: too few posts for this benchmark")
    return cursors


def wrk_script(folder: pathlib.Path, tokens: list[str], cursors: list[int | None], rng: random.Random) -> pathlib.Path:
    """First pages 3 requests in 4, second pages the fourth, users shuffled."""
    requests = []
    for token, cursor in zip(tokens, cursors, strict=True):
        requests += [(f"{TIMELINE_PATH}?size={PAGE_SIZE}", token)] * 3
        if cursor is not None:
            requests.append((f"{TIMELINE_PATH}?size={PAGE_SIZE}&cursor={cursor}", token))
    rng.shuffle(requests)
    table = ",\n".join(f'  {{"{path}", "{token}"}}' for path, token in requests)
    script = folder / "timeline.lua"
    script.write_text(WRK_SCRIPT.replace("TOKEN", tokens[0]) + REQUESTS_SCRIPT % table)
    return script


def handler_reads(connection: PoolProxiedConnection) -> int:
    """Rows this connection's statements have read from storage so far (index and table)."""
    cursor = connection.cursor()
    try:
        cursor.execute("SHOW SESSION STATUS LIKE 'Handler_read%'")
        return sum(int(value) for _, value in cursor.fetchall())
    finally:
        cursor.close()


def measure_query(url: str, mariadb_pid: int, pages: list[tuple[int, list[int], int | None]], calls: int) -> dict:
    """DiaryReads.timeline alone, `calls` times over `pages` (user, followees, cursor), on a
    connection of the autocommit read engine this thread keeps, as the service's reading threads."""
    engine = db.create_engine(url, autocommit=True)
    connections = db.HeldReadConnections(engine)
    reads = DiaryReads(connections)
    try:
        connection = connections.connection()  # the one this thread's reads use
        before = handler_reads(connection)
        for me, followees, cursor in pages:
            reads.timeline(me, followees, cursor, PAGE_SIZE + 1)
        rows_read = (handler_reads(connection) - before) / len(pages)
        connections.give_back(connection)
        latencies = []
        mariadb_before, python_before = proc_stat(mariadb_pid)[1], time.process_time()
        for n in range(calls):
            me, followees, cursor = pages[n % len(pages)]
            begin = time.perf_counter()
            reads.timeline(me, followees, cursor, PAGE_SIZE + 1)
            latencies.append((time.perf_counter() - begin) * 1e3)
        mariadb_cpu, python_cpu = proc_stat(mariadb_pid)[1] - mariadb_before, time.process_time() - python_before
    finally:
        connections.close()
        engine.dispose()
    cut = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "calls": calls,
        "mean_ms": round(statistics.fmean(latencies), 3),
        "p50_ms": round(cut[49], 3),
        "p99_ms": round(cut[98], 3),
        "mariadb_cpu_us_per_call": round(mariadb_cpu / calls * 1e6, 1),
        "python_cpu_us_per_call": round(python_cpu / calls * 1e6, 1),
        "rows_read_per_call": round(rows_read, 1),
    }


@dataclass
class DataSet:
    posts: int
    gateway: PathResult
    query: dict


def measure_data_set(
    infra: Infra, args: argparse.Namespace, roots: dict[str, int], population: Population,
    sample: list[int], tokens: list[str], posts: int, rng: random.Random,
) -> DataSet:
    http_url = infra.stack.http_url
    cursors = first_page_cursors(http_url, tokens)
    script = wrk_script(infra.root, tokens, cursors, rng)
    url = http_url + TIMELINE_PATH
    name = f"timeline, {posts:,} posts"
    if args.warmup > 0:
        print(f"{name}: warm-up {args.warmup:g}s ...", flush=True)
        warm, _, _ = run_wrk(url, script, threads=args.wrk_threads, connections=args.connections, seconds=args.warmup)
        check_clean(warm, f"{name} warm-up")
    runs = []
    for n in range(args.runs):
        print(f"{name}: measuring {args.seconds:g}s (run {n + 1} of {args.runs}) ...", flush=True)
        runs.append(measure_wrk(url, script, args, roots, name, f"{posts // 1000}k posts"))
    pages = [(user, population.followees[user], None) for user in sample]
    pages += [(user, population.followees[user], cursor) for user, cursor in zip(sample, cursors, strict=True) if cursor]
    print(f"{name}: the query alone, {args.query_calls:,} calls ...", flush=True)
    query = measure_query(infra.stack.env["GRIDAM_DIARY_DATABASE_URL"], infra.mariadb.process.pid, pages, args.query_calls)
    return DataSet(posts, PathResult.combine(runs), query)


# --------------------------------------------------------------------------- report


def report(data_sets: list[DataSet], config: dict, args: argparse.Namespace) -> dict:
    cores = os.cpu_count() or 1
    small, large = data_sets[0], data_sets[-1]
    cpu = {d.posts: d.gateway.cpu_us_per_request(SERVERS) for d in data_sets}
    p50_ratio = large.gateway.p50_ms / small.gateway.p50_ms
    cost_ratio = cpu[large.posts] / cpu[small.posts]
    query_ratio = large.query["mariadb_cpu_us_per_call"] / max(1.0, small.query["mariadb_cpu_us_per_call"])
    checks = {
        "p99": (large.gateway.p99_ms < TARGET_P99_MS,
                f"p99 at {large.posts:,} posts {large.gateway.p99_ms:.1f} ms < {TARGET_P99_MS:g} ms"),
        "p50_growth": (p50_ratio < TARGET_GROWTH,
                       f"p50 at {large.posts:,} ÷ at {small.posts:,} posts {p50_ratio:.2f}× < {TARGET_GROWTH}×"),
        "cost_growth": (cost_ratio < TARGET_GROWTH,
                        f"server CPU per request at {large.posts:,} ÷ at {small.posts:,} posts {cost_ratio:.2f}× "
                        f"< {TARGET_GROWTH}×"),
    }

    print()
    print(f"GET {TIMELINE_PATH}?size={PAGE_SIZE} — {args.connections} connections (wrk, closed loop), "
          f"{args.runs} × {args.seconds:g}s measured per data set after {args.warmup:g}s warm-up, {cores} cores")
    for key, value in config.items():
        print(f"  {key}: {value}")
    print()
    header = ("posts", "requests/s", "p50 ms", "p90 ms", "p99 ms", "max ms",
              "CPU µs/request: gateway + diary + user + MariaDB + Redis = servers (+ wrk)")
    rows = [header]
    for d in data_sets:
        g = d.gateway
        parts = " + ".join(f"{g.cpu_us_per_request([n]):,.0f}" for n in SERVERS)
        rows.append((f"{d.posts:,}", f"{g.rps:,.0f}", f"{g.p50_ms:.1f}", f"{g.p90_ms:.1f}", f"{g.p99_ms:.1f}",
                     f"{g.max_ms:.0f}", f"{parts} = {cpu[d.posts]:,.0f} "
                     f"(+ {g.cpu_us_per_request(['load generator (wrk)']):,.0f})"))
    print("\n".join(table(rows, indent="  ")))
    for d in data_sets:
        if d.gateway.rounds:
            print(f"  {d.posts:,} posts, runs: "
                  + ", ".join(f"{r.rps:,.0f} req/s p50 {r.p50_ms:.1f} p99 {r.p99_ms:.1f} ms" for r in d.gateway.rounds))
    print(f"  ratio {large.posts:,} ÷ {small.posts:,} posts: requests/s {large.gateway.rps / small.gateway.rps:.2f}×, "
          f"p50 {p50_ratio:.2f}×, p99 {large.gateway.p99_ms / small.gateway.p99_ms:.2f}×, "
          f"server CPU per request {cost_ratio:.2f}×")
    for d in data_sets:
        g = d.gateway
        apart = sum(g.cores.get(n, 0.0) for n in g.cores if n not in SERVERS and not n.startswith("load"))
        print(f"  {d.posts:,} posts: machine busy {g.machine_busy * cores:.2f} of {cores} cores, stolen "
              f"{g.stolen * cores:.2f}, other processes {g.other_cores:.2f}, the stack's idle services {apart:.2f}")
        if g.other_cores > 0.25 or g.stolen * cores > 0.1:
            print(f"WARNING: other work took {g.other_cores:.2f} cores during the {d.posts:,}-post runs: figures "
                  "disturbed, run again on a quiet machine")
    print()
    print(f"the query alone (DiaryReads.timeline on MariaDB from one Python process, {PAGE_SIZE + 1} posts asked "
          "for, first and second pages of the sampled users, a session per call):")
    print("  posts | calls | mean ms | p50 ms | p99 ms | MariaDB CPU µs/call | Python CPU µs/call | rows read/call")
    for d in data_sets:
        q = d.query
        print(f"  {d.posts:,} | {q['calls']:,} | {q['mean_ms']:.2f} | {q['p50_ms']:.2f} | {q['p99_ms']:.2f} | "
              f"{q['mariadb_cpu_us_per_call']:,.0f} | {q['python_cpu_us_per_call']:,.0f} | {q['rows_read_per_call']:,.1f}")
    print(f"  ratio {large.posts:,} ÷ {small.posts:,} posts: mean {large.query['mean_ms'] / small.query['mean_ms']:.2f}×, "
          f"MariaDB CPU {query_ratio:.2f}×, rows read "
          f"{large.query['rows_read_per_call'] / max(1.0, small.query['rows_read_per_call']):.2f}×")
    print()
    print_checks(checks)

    return summary(
        f"GET {TIMELINE_PATH} via the gateway on MariaDB, by number of posts, and the query alone",
        config,
        {"p99_ms_max_at_largest": TARGET_P99_MS, "growth_max": TARGET_GROWTH},
        checks,
        data_sets=[{"posts": d.posts, "gateway": d.gateway.as_json(SERVERS), "query_alone": d.query} for d in data_sets],
        ratios_largest_over_smallest={
            "requests_per_s": round(large.gateway.rps / small.gateway.rps, 3),
            "p50": round(p50_ratio, 3),
            "p99": round(large.gateway.p99_ms / small.gateway.p99_ms, 3),
            "server_cpu_per_request": round(cost_ratio, 3),
            "query_mean": round(large.query["mean_ms"] / small.query["mean_ms"], 3),
            "query_mariadb_cpu": round(query_ratio, 3),
        },
    )


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="GET /api/feed/timeline on MariaDB by number of posts.")
    parser.add_argument("--users", type=int, default=10_000, help="users seeded (default 10000)")
    parser.add_argument("--follows", type=int, default=50, help="others each user follows, drawn at random (default 50)")
    parser.add_argument("--posts", default="20000,200000",
                        help="post counts measured in turn, ascending; the table grows to each (default 20000,200000)")
    parser.add_argument("--sample", type=int, default=200, help="users logged in whose timelines are read (default 200)")
    # 4 connections already draw the stack's full throughput on 2 cores (206 requests/s against 210
    # with 8, bench/README.md); more only queue, which is what a latency target should not measure.
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per data set; medians reported (default 3)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds per data set (default 3)")
    parser.add_argument("--query-calls", type=int, default=2000, help="calls of the query alone per data set (default 2000)")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="GRIDAM_LOG_LEVEL (default WARNING)")
    parser.add_argument("--env", action="append", default=[], metavar="GRIDAM_NAME=value",
                        help="extra setting for the stack; repeatable")
    parser.add_argument("--output", type=pathlib.Path, default=RESULTS_FILE, help=f"JSON file (default {RESULTS_FILE})")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs) after the run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's own output")
    args = parser.parse_args()
    try:
        args.posts = [int(n) for n in args.posts.split(",")]
    except ValueError:
        parser.error("--posts wants comma-separated counts")
    if len(args.posts) < 2 or args.posts != sorted(set(args.posts)) or args.posts[0] < 1:
        parser.error("--posts wants at least two ascending counts")
    if not 0 < args.follows < args.users or not 0 < args.sample <= args.users:
        parser.error("--follows must be below --users, --sample between 1 and --users")
    if args.runs < 1 or args.seconds < 1 or args.warmup < 0 or args.connections < 1 or args.query_calls < 1:
        parser.error("--runs, --seconds, --connections and --query-calls must be at least 1, --warmup at least 0")
    # What the harness's helpers read: one wrk thread, one gateway process, access log as configured.
    args.wrk_threads, args.workers, args.no_access_log = 1, None, False
    return args


def measure_timelines(infra: Infra, env: dict[str, str], args: argparse.Namespace) -> dict:
    rng = random.Random(20_000)
    begin = time.monotonic()
    population = seed_users(env["GRIDAM_USER_DATABASE_URL"], args.users, args.follows, rng)
    print(f"seeded {args.users:,} users following {args.follows} others each "
          f"({args.users * args.follows:,} follows) in {time.monotonic() - begin:.1f}s", flush=True)
    sample = sorted(rng.sample(population.user_ids, args.sample))
    begin = time.monotonic()
    tokens = log_in(infra.stack.http_url, [population.login_ids[user] for user in sample])
    print(f"logged {len(tokens)} users in through POST /api/auth/login in {time.monotonic() - begin:.1f}s", flush=True)

    processes = {m.name: m.process.pid for m in infra.stack.processes}
    roots = {
        "gateway": processes["gateway"],
        "diary service": processes["diary-service"],
        "user service": processes["user-service"],
        "mariadb": infra.mariadb.process.pid,
        "redis": infra.redis.process.pid,
        # Not on the measured path, but running beside it.
        "emotion service": processes["emotion-service"],
        "card service": processes["card-service"],
        "gpu-worker": processes["gpu-worker"],
        "diary worker": processes["diary-worker"],
    }
    config = {
        "code": git_revision(),
        "profile": "distributed (MariaDB + Redis), stack started by DevStack, one gateway process",
        "log level": env["GRIDAM_LOG_LEVEL"],
        "extra settings": " ".join(args.env) or "none",
        "data": f"{args.users:,} users, each following {args.follows} drawn at random; posts by authors drawn "
                "uniformly, audiences 50/30/20 % PUBLIC/FOLLOWERS/PRIVATE; each data set adds newer posts",
        "load": f"wrk, 1 thread, {args.connections} connections, {len(tokens)} users' first pages (3 in 4) and "
                f"second pages, size {PAGE_SIZE}, each with the user's own token",
    }
    speed_before = speed_check()
    data_sets, seeded = [], 0
    epoch = db.utcnow() - datetime.timedelta(seconds=args.posts[-1] + 1)  # the newest post is a second old
    for posts in args.posts:
        begin = time.monotonic()
        seed_posts(env["GRIDAM_DIARY_DATABASE_URL"], population, seeded + 1, posts - seeded, epoch, rng)
        print(f"seeded posts {seeded + 1:,} to {posts:,} in {time.monotonic() - begin:.1f}s", flush=True)
        seeded = posts
        data_sets.append(measure_data_set(infra, args, roots, population, sample, tokens, posts, rng))
    speed_after = speed_check()
    config["CPU speed check"] = (f"{speed_before:.0f} ms before, {speed_after:.0f} ms after (a fixed Python loop; "
                                 "lower is faster)")
    return record_speed_check(report(data_sets, config, args), speed_before, speed_after)


def main() -> int:
    args = parse_args()
    return run_on_stack(
        args,
        lambda infra, env: measure_timelines(infra, env, args),
        # Every sampled user logs in from this one address.
        extra_env={"GRIDAM_LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "1000000"},
        errors=(sa.exc.SQLAlchemyError,),
    )


if __name__ == "__main__":
    sys.exit(main())
