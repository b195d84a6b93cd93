"""Side-by-side benchmark of the statistics read on the read model (FerretDB): the query of the
diaries collection by `analysis.author_id` (what the emotion service sent until the summary
documents, f4dcdb0: one such read per request) against the lookups of the author's summary
documents by `_id` (`ReadModelAnalysisHistory.summaries` now).

    .venv/bin/python -m bench.stats_read_bench [--sizes 300,1000,5000] [--authors 100] [--requests 30]

For each size it fills a fresh database of a private FerretDB with that many analysed diaries
(diary, analysis and card parts, as the projector writes them, spread over `--authors` authors)
and the authors' summary documents, then alternates the two reads `--requests` times each for
random authors, checks that they answer the same, and prints milliseconds per request (median
and 90th percentile) for both. Compare the two columns of one run only: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial

from pymongo import MongoClient

from cdc_service.domain.envelope import CREATE
from cdc_service.domain.read_model import diary_partition, merge, part_write, summary_write
from emotion_service.adapters.history import ReadModelAnalysisHistory, Summary
from gridam_domain.read_model import AUTHORS_COLLECTION, COLLECTION, Document
from tests.support.cdc import PARTITIONS
from tests.support.cdc_changes import analysis_row, card_row, change, diary_row
from tests.support.servers import FerretDb

DOMINANTS = ("HAPPY", "SAD", "JOY", "CALM", "ANXIOUS")


def fill(database, diaries: int, authors: int) -> None:
    documents: list[Document] = []
    summaries: dict[str, list] = {}
    for diary in range(1, diaries + 1):
        author = diary % authors + 1
        date = f"2026-{diary % 12 + 1:02d}-{diary % 28 + 1:02d}"
        row = diary_row(diary, author_id=author, date=date)
        analysis = analysis_row(diary, author_id=author, dominant=DOMINANTS[diary % len(DOMINANTS)]) | {"date": date}
        changes = [
            change("diaries", CREATE, row, seq=3 * diary),
            change("diary_analyses", CREATE, analysis, seq=3 * diary + 1),
            change("cards", CREATE, card_row(diary, diary_id=diary, author_id=author), seq=3 * diary + 2),
        ]
        writes = [part_write(c) for c in changes]
        documents.append(merge(None, writes).new_document(writes[0].document_id))
        summary = summary_write(changes[1], diary_partition(diary, PARTITIONS))
        assert summary is not None
        summaries.setdefault(summary.document_id, []).append(summary)
    database[COLLECTION].insert_many(documents)
    database[AUTHORS_COLLECTION].insert_many([merge(None, writes).new_document(key) for key, writes in summaries.items()])


def scanned(database, author_id: int) -> list[Summary]:
    """The read before the summary documents (a query FerretDB answers by reading every document)."""
    projection = {"analysis.diary_id": 1, "analysis.date": 1, "analysis.dominant": 1}
    rows = [document["analysis"] for document in database[COLLECTION].find({"analysis.author_id": author_id}, projection)]
    return sorted(((r["diary_id"], datetime.date.fromisoformat(r["date"]), r["dominant"]) for r in rows), key=lambda s: (s[1], s[0]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="300,1000,5000")
    parser.add_argument("--authors", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    root = pathlib.Path(tempfile.mkdtemp(prefix="gridam-stats-bench-"))
    ferretdb = FerretDb(root / "ferretdb")
    ferretdb.start()
    try:
        with MongoClient(ferretdb.url) as client:
            print(f"{'analyses':>9} {'scan median':>12} {'scan p90':>9} {'by _id median':>14} {'by _id p90':>11}  (ms per request)")
            for size in (int(s) for s in args.sizes.split(",")):
                database = client[f"stats_{size}"]
                fill(database, size, args.authors)
                history = ReadModelAnalysisHistory(database[COLLECTION], PARTITIONS)
                reads: dict[str, Callable[[int], list[Summary]]] = {"scan": partial(scanned, database), "by _id": history.summaries}
                times: dict[str, list[float]] = {"scan": [], "by _id": []}
                rng = random.Random(size)
                for _ in range(args.requests):
                    author = rng.randint(1, args.authors)
                    answers = {}
                    for name, read in reads.items():
                        started = time.perf_counter()
                        answers[name] = read(author)
                        times[name].append((time.perf_counter() - started) * 1000)
                    assert answers["scan"] == answers["by _id"] and answers["scan"], author
                cells = [f(times[name]) for name in ("scan", "by _id") for f in (statistics.median, _p90)]
                print(f"{size:>9,} {cells[0]:>12.1f} {cells[1]:>9.1f} {cells[2]:>14.1f} {cells[3]:>11.1f}", flush=True)
    finally:
        ferretdb.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


if __name__ == "__main__":
    raise SystemExit(main())
