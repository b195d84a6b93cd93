"""Benchmark of the CDC pipeline: MariaDB binlog -> reader -> Kafka -> projector -> MongoDB wire
server (FerretDB), while diaries are written at a steady rate.

    .venv/bin/python -m bench.cdc_bench [--rate 200] [--seconds 600] [--probe-interval 1]

What it does:
  1. starts a private MariaDB (binlog ROW, full metadata), Kafka and FerretDB
     (tests.support.servers), migrates the diary, emotion and card schemas, starts the reader
     and the projector as real processes (tests.support.cdc);
  2. writes `--rate` diaries a second for `--seconds`, each as the services do: the diary row,
     its analysis and its card (three row changes, three transactions), from 4 writer threads
     paced by the clock;
  3. once per `--probe-interval` writes a probe diary, and every 50 ms looks for the pending
     probes' documents in the read model (by `_id`): the time from a probe's commit to its
     document appearing is one end-to-end lag sample (50 ms resolution; the binlog's own
     timestamps have one-second resolution); a probe still missing at the end counts with the
     time waited for it;
  4. every 10 s samples the projector's backlog (Kafka's end offsets minus the group's committed
     offsets) and the row changes projected so far;
  5. after the writers stop, waits (up to `--drain-seconds`) for the backlog to empty;
  6. prints achieved write rate, projected rows per second, lag p50/p99 per minute and overall,
     the backlog over time, PASS/FAIL against the targets (lag p99 < 1 s; no backlog growing
     over the run), and writes bench/results/cdc_bench.json.

Exit status: 0 when every target passes, 1 when one fails, 2 when the run itself failed.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import statistics
import sys
import tempfile
import threading
import time

import sqlalchemy as sa
from confluent_kafka import Consumer, TopicPartition

from bench.harness import ROOT, verdict
from gridam_domain.read_model import document_id
from tests.support.cdc import CdcWorld
from tests.support.servers import FerretDb, Kafka, MariaDb

WRITERS = 4
BACKLOG_SAMPLE_SECONDS = 10
PROBE_POLL_SECONDS = 0.05  # how often pending probes are looked for: the lag's resolution
TABLES = (("diaries", "diary"), ("diary_analyses", "emotion"), ("cards", "card"))


def write_diary(world: CdcWorld, title: str) -> int:
    with world.engine.begin() as connection:
        diary_id = connection.execute(
            sa.text(
                "INSERT INTO diaries (author_id, title, content, date, photo_key, hashtags, analysis_state, created_at)"
                " VALUES (1, :title, '바다에 갔다. 파도가 높았다.', CURDATE(), '', '[\"바다\"]', 'done', NOW())"
            ),
            {"title": title},
        ).lastrowid
    with world.engine_of("emotion").begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO diary_analyses (diary_id, author_id, date, dominant, distribution, hashtags, keywords, feedback,"
                " safety_flag, risk_level, language, classifier, created_at) VALUES (:id, 1, CURDATE(), 'HAPPY',"
                " '{\"HAPPY\": 1.0}', '[\"바다\"]', '[[\"바다\", 1.0]]', '좋은 하루였네요.', 0, 'none', 'ko', 'offline', NOW())"
            ),
            {"id": diary_id},
        )
    with world.engine_of("card").begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO cards (diary_id, version, author_id, date, image_key, dominant, distribution, hashtags, keywords,"
                " feedback, safety_flag, language, created_at) VALUES (:id, 1, 1, CURDATE(), :key, 'HAPPY', '{\"HAPPY\": 1.0}',"
                " '[]', '[]', '좋은 하루였네요.', 0, 'ko', NOW())"
            ),
            {"id": diary_id, "key": f"cards/{diary_id}.png"},
        )
    return diary_id


class Load:
    """Writer threads paced to a total rate, and the probe loop."""

    def __init__(self, world: CdcWorld, rate: float, seconds: float, probe_interval: float) -> None:
        self.world, self.rate, self.seconds, self.probe_interval = world, rate, seconds, probe_interval
        self.written = 0
        self.lock = threading.Lock()
        self.lags: list[tuple[float, float]] = []  # (seconds into the run, lag seconds)
        self.errors: list[str] = []
        self.writing_seconds = 0.0  # until the last writer finished
        self.pending: dict[int, float] = {}  # probe diary id -> commit time

    def _writer(self, index: int, start: float) -> None:
        interval = WRITERS / self.rate
        n = 0
        while (due := start + index / self.rate + n * interval) < start + self.seconds:
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                write_diary(self.world, f"bench {index}-{n}")
            except Exception as exc:  # reported, never silently dropped
                self.errors.append(repr(exc))
                return
            with self.lock:
                self.written += 1
            n += 1
        with self.lock:
            self.writing_seconds = max(self.writing_seconds, time.monotonic() - start)

    def _probes(self, start: float) -> None:
        """A probe diary every `probe_interval`; the pending ones looked for every PROBE_POLL_SECONDS."""
        collection = self.world.read_model()
        next_probe = start
        while (now := time.monotonic()) < start + self.seconds:
            if now >= next_probe:
                self.pending[write_diary(self.world, "probe")] = time.monotonic()
                next_probe += self.probe_interval
            self.check_probes(collection, start)
            time.sleep(PROBE_POLL_SECONDS)

    def check_probes(self, collection, start: float) -> None:
        """Record the lag of every pending probe whose document has appeared. One lookup by `_id`
        per probe: a query on anything else makes FerretDB scan the whole collection, and the
        benchmark would then measure its own queries."""
        for diary_id in list(self.pending):
            document = collection.find_one({"_id": document_id(diary_id)}, {"diary.id": 1})
            if document is not None and document.get("diary"):
                committed = self.pending.pop(diary_id)
                self.lags.append((committed - start, time.monotonic() - committed))

    def run(self, on_tick) -> float:
        start = time.monotonic()
        threads = [threading.Thread(target=self._writer, args=(i, start), daemon=True) for i in range(WRITERS)]
        threads.append(threading.Thread(target=self._probes, args=(start,), daemon=True))
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            on_tick(time.monotonic() - start)
            time.sleep(BACKLOG_SAMPLE_SECONDS)
        return start


def backlog(world: CdcWorld, consumer: Consumer) -> int:
    """Change events in Kafka not yet committed by the projector's group."""
    total = 0
    for table, service in TABLES:
        topic = f"{world.prefix}.{world.schemas[service]}.{table}"
        partitions = [TopicPartition(topic, p) for p in consumer.list_topics(topic, timeout=10).topics[topic].partitions]
        committed = {tp.partition: tp.offset for tp in consumer.committed(partitions, timeout=10)}
        for tp in partitions:
            end = consumer.get_watermark_offsets(tp, timeout=10)[1]
            total += end - max(committed.get(tp.partition, 0), 0)
    return total


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200, help="diaries written per second (default 200)")
    parser.add_argument("--seconds", type=float, default=600, help="how long to write (default 600)")
    parser.add_argument("--probe-interval", type=float, default=1.0, help="seconds between lag probes (default 1)")
    parser.add_argument("--drain-seconds", type=float, default=300, help="how long to wait for the backlog to empty")
    args = parser.parse_args()
    if args.rate <= 0 or args.seconds < 10 or args.probe_interval <= 0:
        parser.error("--rate > 0, --seconds >= 10, --probe-interval > 0")

    root = pathlib.Path(tempfile.mkdtemp(prefix="gridam-cdc-bench-"))
    root.chmod(0o755)
    mariadb, kafka, ferretdb = MariaDb(root / "mariadb"), Kafka(root / "kafka"), FerretDb(root / "ferretdb")
    servers = [mariadb, kafka, ferretdb]
    world = None
    try:
        for server in servers:
            server.start()
        (root / "cdc").mkdir()
        world = CdcWorld(mariadb, kafka, root / "cdc", ferretdb)
        world.start_reader()
        world.start_projector()
        write_diary(world, "warm-up")
        world.wait_until_projected()
        group = Consumer({"bootstrap.servers": kafka.bootstrap_servers, "group.id": f"projector-{world.run_id}"})
        load = Load(world, args.rate, args.seconds, args.probe_interval)
        backlogs: list[tuple[float, int]] = []

        def tick(elapsed: float) -> None:
            backlogs.append((elapsed, backlog(world, group)))
            print(f"  {elapsed:5.0f} s: {load.written:,} diaries written, backlog {backlogs[-1][1]:,} changes, "
                  f"{len(load.lags)} lag probes", flush=True)

        print(f"writing {args.rate:g} diaries/s (3 row changes each) for {args.seconds:g} s ...", flush=True)
        start = load.run(tick)
        drain_start = time.monotonic()
        while (left := backlog(world, group)) > 0 and time.monotonic() - drain_start < args.drain_seconds:
            load.check_probes(world.read_model(), start)
            time.sleep(1)
        load.check_probes(world.read_model(), start)
        drained = time.monotonic() - drain_start
        # Probes still missing after the drain: their lag is at least this long (counted as such).
        unprojected = len(load.pending)
        load.lags += [(committed - start, time.monotonic() - committed) for committed in load.pending.values()]
        group.close()
        if load.errors:
            print("run failed:", *load.errors[:5], sep="\n  ", file=sys.stderr)
            return 2

        changes = 3 * (load.written + len(load.lags))
        lags = [lag for _, lag in load.lags]
        minutes = sorted({int(at // 60) for at, _ in load.lags})
        growth = [b for _, b in backlogs]
        half = len(growth) // 2
        growing = len(growth) >= 4 and statistics.mean(growth[half:]) > 1.5 * statistics.mean(growth[:half]) + 100
        report = {
            "rate_asked": args.rate,
            "seconds": args.seconds,
            "diaries_written": load.written,
            "write_rate": load.written / load.writing_seconds,
            # What reached MongoDB (the backlog left behind did not), over the run and its drain.
            "row_changes_per_second": (changes - left) / (load.writing_seconds + drained),
            "lag_p50_s": quantile(lags, 0.5),
            "lag_p99_s": quantile(lags, 0.99),
            "lag_by_minute": {m: {"p50": quantile([lag for at, lag in load.lags if int(at // 60) == m], 0.5),
                                  "p99": quantile([lag for at, lag in load.lags if int(at // 60) == m], 0.99)} for m in minutes},
            "backlog": backlogs,
            "backlog_left_after_drain": left,
            "drain_seconds": drained,
            "probes_never_projected": unprojected,
        }
        print(f"\nCDC pipeline, {args.rate:g} diaries/s asked for {args.seconds:g} s (MariaDB -> reader -> Kafka -> "
              f"projector -> FerretDB v1.24.2/SQLite), 2 cores")
        print(f"  written: {load.written:,} diaries ({report['write_rate']:.0f}/s), {changes:,} row changes")
        print(f"  projected: {report['row_changes_per_second']:.0f} row changes/s over the run and its drain "
              f"({drained:.0f} s to drain, {left:,} left)")
        print(f"  end-to-end lag (commit -> document), {len(lags)} probes: p50 {report['lag_p50_s']:.3f} s, "
              f"p99 {report['lag_p99_s']:.3f} s" + (f" ({unprojected} never projected: counted as 'at least' the time waited)" if unprojected else ""))
        for m, figures in report["lag_by_minute"].items():
            print(f"    minute {m + 1}: p50 {figures['p50']:.3f} s, p99 {figures['p99']:.3f} s")
        print("  backlog (changes waiting for the projector): " + ", ".join(f"{at:.0f}s {b:,}" for at, b in backlogs))
        results = [("lag p99 < 1 s", report["lag_p99_s"] < 1.0), ("no backlog growing over the run", not growing and left == 0)]
        for name, passed in results:
            print(f"{verdict(passed)}  {name}")
        out = ROOT / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "cdc_bench.json").write_text(json.dumps(report, indent=2))
        print(f"figures written to {out / 'cdc_bench.json'}")
        return 0 if all(passed for _, passed in results) else 1
    finally:
        if world is not None:
            world.close()
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
