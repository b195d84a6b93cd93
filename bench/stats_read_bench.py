"""Side-by-side benchmark of the analytics reads of the read model (FerretDB): for the statistics,
the diary search and the word clouds, the former query of the diaries collection (by
`analysis.author_id`, or `diary.author_id` and the text as `$regex`, which FerretDB answers by
reading every document) against the reads by `_id` the services send now (the author's summary
documents; for the search and the word clouds then the diary documents they list, one by one:
`ReadModelAnalysisHistory.summaries` and `.keywords`, `ReadModelDiarySearch.search`).

    .venv/bin/python -m bench.stats_read_bench [--sizes 300,1000,5000] [--authors 100] [--requests 30]

For each size it fills a fresh database of a private FerretDB with that many analysed diaries
(diary, analysis and card parts, as the projector writes them, spread over `--authors` authors;
one diary in four mentions the searched word) and the authors' summary documents, then for random
authors alternates, `--requests` times, each read's two forms (a search asks for the first page,
20 diaries and one more, as the diary service does), checks that they answer the same, and prints
milliseconds per request (median and 90th percentile) for both; then what reading 20 of its
diary documents costs in each way of naming their `_id`s (FerretDB serves only `{_id: x}` from its
index). Compare the columns of one run only: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import random
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database

from cdc_service.domain.envelope import CREATE
from cdc_service.domain.read_model import PartWrite, diary_partition, merge, part_write, summary_write
from diary_service.adapters.search import ReadModelDiarySearch
from emotion_service.adapters.history import ReadModelAnalysisHistory
from gridam_domain.read_model import AUTHORS_COLLECTION, COLLECTION, Document, document_id
from tests.support.cdc import PARTITIONS
from tests.support.cdc_changes import analysis_row, card_row, change, diary_row
from tests.support.servers import FerretDb

DOMINANTS = ("HAPPY", "SAD", "JOY", "CALM", "ANXIOUS")
PLACES = ("바다", "공원", "도서관", "카페")
SEARCHED = "바다"  # in one diary in four of each author (PLACES), their first among them
PAGE = 21  # the diary service asks for a page of 20 and one more (is there a next page?)


def fill(database: Database[Document], diaries: int, authors: int) -> None:
    documents: list[Document] = []
    summaries: dict[str, list[PartWrite]] = {}
    for diary in range(1, diaries + 1):
        author = diary % authors + 1
        date = f"2026-{diary % 12 + 1:02d}-{diary % 28 + 1:02d}"
        place = PLACES[(diary - 1) // authors % len(PLACES)]  # by the author's count of diaries
        row = diary_row(diary, author_id=author, date=date) | {"content": f"친구와 {place}에 갔다."}
        analysis = analysis_row(diary, author_id=author, dominant=DOMINANTS[diary % len(DOMINANTS)]) | {"date": date}
        changes = [
            change("diaries", CREATE, row, seq=3 * diary),
            change("diary_analyses", CREATE, analysis, seq=3 * diary + 1),
            change("cards", CREATE, card_row(diary, diary_id=diary, author_id=author), seq=3 * diary + 2),
        ]
        writes = [part_write(c) for c in changes]
        documents.append(merge(None, writes).new_document(writes[0].document_id))
        for c in changes:
            if (summary := summary_write(c, diary_partition(diary, PARTITIONS))) is not None:
                summaries.setdefault(summary.document_id, []).append(summary)
    database[COLLECTION].insert_many(documents)
    database[AUTHORS_COLLECTION].insert_many([merge(None, writes).new_document(key) for key, writes in summaries.items()])


# The former reads: queries of the diaries collection (FerretDB reads every document for each).


def queried_summaries(database: Database[Document], author_id: int) -> list[tuple[int, datetime.date, str]]:
    projection = {"analysis.diary_id": 1, "analysis.date": 1, "analysis.dominant": 1}
    rows = [document["analysis"] for document in database[COLLECTION].find({"analysis.author_id": author_id}, projection)]
    return sorted(((r["diary_id"], datetime.date.fromisoformat(r["date"]), r["dominant"]) for r in rows), key=lambda s: (s[1], s[0]))


def queried_search(database: Database[Document], author_id: int) -> list[int]:
    pattern = {"$regex": re.escape(SEARCHED), "$options": "i"}
    query = {"diary.author_id": author_id, "$or": [{"diary.title": pattern}, {"diary.content": pattern}]}
    return [document["diary"]["id"] for document in database[COLLECTION].find(query, {"diary": 1}).sort("_id", -1).limit(PAGE)]


def queried_keywords(database: Database[Document], author_id: int) -> list[Any]:
    projection = {"analysis.diary_id": 1, "analysis.dominant": 1, "analysis.keywords": 1}
    rows = [document["analysis"] for document in database[COLLECTION].find({"analysis.author_id": author_id}, projection)]
    return sorted((r["diary_id"], r["dominant"], [[k["word"], k["weight"]] for k in r["keywords"] or []]) for r in rows)


Read = Callable[[int], Any]  # an author id -> the answer


def reads(database: Database[Document]) -> dict[str, tuple[Read, Read]]:
    """Each read's former query and its reads by `_id`, answering in the same shape."""
    history = ReadModelAnalysisHistory(database[COLLECTION], PARTITIONS)
    search = ReadModelDiarySearch(database[COLLECTION], PARTITIONS)
    return {
        "statistics": (partial(queried_summaries, database), history.summaries),
        "search": (partial(queried_search, database), lambda author: [d.id for d in search.search(author, SEARCHED, None, PAGE)]),
        "word clouds": (partial(queried_keywords, database), lambda author: sorted(history.keywords(author))),
    }


LOOKED_UP, LOOKUP_RUNS = 20, 5


def lookup_forms(diaries: Collection[Document], ids: list[int]) -> dict[str, float]:
    """Milliseconds to read the documents of `ids` in each way of asking for them by `_id` (only
    one by one is served from FerretDB's index)."""
    keys = [document_id(diary_id) for diary_id in ids]
    pattern = {"$regex": re.escape(SEARCHED), "$options": "i"}
    forms: dict[str, Callable[[], object]] = {
        "one find_one each": lambda: [diaries.find_one({"_id": key}) for key in keys],
        "$in": lambda: list(diaries.find({"_id": {"$in": keys}})),
        "$or of _ids": lambda: list(diaries.find({"$or": [{"_id": key} for key in keys]})),
        "find_one each with the regex": lambda: [
            diaries.find_one({"_id": key, "$or": [{"diary.title": pattern}, {"diary.content": pattern}]}) for key in keys
        ],
    }
    spent = {}
    for name, read in forms.items():
        runs = []
        for _ in range(LOOKUP_RUNS):
            started = time.perf_counter()
            read()
            runs.append((time.perf_counter() - started) * 1000)
        spent[name] = statistics.median(runs)
    return spent


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
            print(f"{'analyses':>9} {'read':<12} {'query median':>13} {'query p90':>10} {'by _id median':>14} {'by _id p90':>11}  (ms per request)")
            for size in (int(s) for s in args.sizes.split(",")):
                database: Database[Document] = client[f"stats_{size}"]
                fill(database, size, args.authors)
                for name, (queried, by_id) in reads(database).items():
                    times: tuple[list[float], list[float]] = ([], [])
                    rng = random.Random(size)
                    for _ in range(args.requests):
                        author = rng.randint(1, args.authors)
                        answers = []
                        for read, spent in ((queried, times[0]), (by_id, times[1])):
                            started = time.perf_counter()
                            answers.append(read(author))
                            spent.append((time.perf_counter() - started) * 1000)
                        assert answers[0] == answers[1] and answers[0], (name, author)
                    cells = [f(t) for t in times for f in (statistics.median, _p90)]
                    print(f"{size:>9,} {name:<12} {cells[0]:>13.1f} {cells[1]:>10.1f} {cells[2]:>14.1f} {cells[3]:>11.1f}", flush=True)
                forms = lookup_forms(database[COLLECTION], random.Random(size).sample(range(1, size + 1), LOOKED_UP))
                print(f"{'':>9} {LOOKED_UP} documents by _id, ms (median of {LOOKUP_RUNS}): " + ", ".join(f"{k} {v:.0f}" for k, v in forms.items()))
    finally:
        ferretdb.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


if __name__ == "__main__":
    raise SystemExit(main())
