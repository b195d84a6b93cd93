"""One contract, two implementations: the diary search and the analysis history that statistics
and word clouds read give the same answers from the services' SQL tables (embedded profile) and
from the MongoDB read model that the CDC pipeline keeps (distributed profile).

The data goes in through SQL only, as the services write it; the read model is filled by the
real pipeline (MariaDB binlog -> reader -> Kafka -> projector -> FerretDB), including updates and
deletes, before both sides are asked the same questions."""

from __future__ import annotations

import datetime
import json
import time

import pytest
import sqlalchemy as sa
from pymongo import MongoClient, monitoring

from diary_service.adapters.orm import diary_jobs
from diary_service.adapters.search import ReadModelDiarySearch, SqlDiarySearch
from diary_service.unit_of_work import UnitOfWork as DiaryUnitOfWork
from emotion_service.adapters.history import ReadModelAnalysisHistory, SqlAnalysisHistory
from emotion_service.service_layer.statistics import compute, period
from emotion_service.unit_of_work import UnitOfWork as EmotionUnitOfWork
from gridam_domain.read_model import AUTHORS_COLLECTION, COLLECTION, author_document_id, document_id
from gridam_runtime import db
from gridam_runtime.jobs import JobQueue
from tests.support.cdc import PARTITIONS, TIMEOUT_SECONDS, CdcWorld

pytestmark = pytest.mark.integration

ME, OTHER = 11, 12
DIARIES = [  # (author, day, title, content, dominant, keywords)
    (ME, "2026-10-03", "Rainy Monday", "비가 와서 우산을 챙겼다", "SAD", [["비", 1.0], ["우산", 0.5]]),
    (ME, "2026-10-03", "점심", "친구와 rain 이야기를 했다", "JOY", [["친구", 1.0]]),
    (ME, "2026-10-17", "산책", "공원을 한 바퀴 걸었다", "HAPPY", [["공원", 1.0], ["산책", 0.8]]),
    (ME, "2026-11-02", "100% 만족", "시험이 끝났다_드디어", "HAPPY", [["시험", 1.0]]),
    (ME, "2026-11-20", "RAIN again", "I stayed home and read", "NONE", [["home", 1.0], ["read", 0.4]]),
    (ME, "2026-12-01", "첫눈", "눈이 와서 설렜다", "SURPRISE", [["눈", 1.0]]),
    (ME, "2026-12-24", "지울 일기", "곧 지워질 비 오는 날", "ANXIOUS", [["비", 0.7]]),
    (OTHER, "2026-10-03", "rain", "남의 일기", "SAD", [["남", 1.0]]),
]


class Contract:
    """Both implementations of each port over one world."""

    def __init__(self, world: CdcWorld) -> None:
        diary_engine = world.engine
        emotion_engine = db.create_engine(world.mariadb.url(world.schemas["emotion"]))
        self._engines = [emotion_engine]
        diary_sessions = db.session_factory(diary_engine)
        emotion_sessions = db.session_factory(emotion_engine)
        collection = world.read_model()
        self.search = {
            "sql": SqlDiarySearch(lambda: DiaryUnitOfWork(diary_sessions, JobQueue(diary_jobs))),
            "read model": ReadModelDiarySearch(collection, PARTITIONS),
        }
        self.history = {
            "sql": SqlAnalysisHistory(lambda: EmotionUnitOfWork(emotion_sessions)),
            "read model": ReadModelAnalysisHistory(collection, PARTITIONS),
        }
        self.emotion_engine = emotion_engine
        self.read_model_database = collection.database.name

    def close(self) -> None:
        for engine in self._engines:
            engine.dispose()


def seed(world: CdcWorld, emotion_engine: sa.Engine) -> dict[str, int]:
    """The diaries and their analyses as the services store them; returns title -> diary id."""
    ids = {}
    for author, day, title, content, dominant, keywords in DIARIES:
        with world.engine.begin() as connection:
            ids[title] = connection.execute(
                sa.text(
                    "INSERT INTO diaries (author_id, title, content, date, photo_key, hashtags, analysis_state, created_at)"
                    " VALUES (:author, :title, :content, :day, '', :tags, 'done', :created)"
                ),
                {"author": author, "title": title, "content": content, "day": day, "tags": json.dumps([title[:2]]), "created": f"{day} 12:00:00"},
            ).lastrowid
        with emotion_engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO diary_analyses (diary_id, author_id, date, dominant, distribution, hashtags, keywords, feedback,"
                    " safety_flag, risk_level, language, classifier, created_at)"
                    " VALUES (:id, :author, :day, :dominant, :distribution, '[]', :keywords, '좋아요', 0, 'none', 'ko', 'offline',"
                    " :created)"
                ),
                {"id": ids[title], "author": author, "day": day, "dominant": dominant, "distribution": json.dumps({dominant: 1.0}),
                 "keywords": json.dumps(keywords), "created": f"{day} 12:00:01"},
            )
    # Changes after the fact: an edited title, a deleted diary with its analysis.
    world.sql("UPDATE diaries SET title = 'Rainy Monday (고침)' WHERE id = :id", id=ids["Rainy Monday"])
    world.sql("DELETE FROM diaries WHERE id = :id", id=ids["지울 일기"])
    with emotion_engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM diary_analyses WHERE diary_id = :id"), {"id": ids["지울 일기"]})
    return ids


def wait_for_read_model(world: CdcWorld, contract: Contract) -> None:
    """Until the read model holds exactly the diaries and analyses of the SQL tables, and the
    authors' summary documents their diaries and analyses."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    collection = world.read_model()
    while True:
        rows = {row["id"]: row["title"] for row in world.rows().values()}
        with contract.emotion_engine.connect() as connection:
            analysed = set(connection.scalars(sa.text("SELECT diary_id FROM diary_analyses")))
        documents = list(collection.find({}, {"diary.title": 1, "analysis.diary_id": 1}))
        projected = {int(d["_id"]): d["diary"]["title"] for d in documents if d.get("diary")}
        projected_analyses = {int(d["_id"]) for d in documents if d.get("analysis")}
        summaries = list(collection.database[AUTHORS_COLLECTION].find())
        summarised = {part: {int(k) for d in summaries for k, entry in (d.get(part) or {}).items() if entry} for part in ("diaries", "analyses")}
        if projected == rows and summarised["diaries"] == set(rows) and projected_analyses == analysed == summarised["analyses"]:
            return
        assert time.monotonic() < deadline, f"read model not converged: {projected} vs {rows}\n{world.log()[-2000:]}"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def contract(mariadb, kafka, ferretdb, tmp_path_factory):
    world = CdcWorld(mariadb, kafka, tmp_path_factory.mktemp("contract"), ferretdb)
    contract = Contract(world)
    try:
        seed(world, contract.emotion_engine)
        world.start_reader()
        world.start_projector()
        wait_for_read_model(world, contract)
        yield contract
    finally:
        contract.close()
        world.close()


def _diary_view(diary) -> tuple:
    return (diary.id, diary.author_id, diary.title, diary.content, diary.date, diary.photo_key, list(diary.hashtags),
            diary.analysis_state, diary.created_at.replace(microsecond=0))


@pytest.mark.parametrize("text", ["rain", "RAIN", "Rainy", "비", "우산", "산책", "100%", "_", "고침", "없는 말", "남의"])
def test_search_gives_the_same_diaries(contract: Contract, text: str):
    answers = {name: [_diary_view(d) for d in impl.search(ME, text, None, 50)] for name, impl in contract.search.items()}
    assert answers["sql"] == answers["read model"]


def test_search_pages_the_same_way(contract: Contract):
    for name, impl in contract.search.items():
        first = impl.search(ME, "rain", None, 2)
        rest = impl.search(ME, "rain", first[-1].id, 2)
        assert [d.title for d in first + rest] == ["RAIN again", "점심", "Rainy Monday (고침)"], name


def test_search_finds_what_the_tables_hold(contract: Contract):
    # Not only equal, but right: the deleted diary and other people's diaries are never found.
    titles = [d.title for d in contract.search["read model"].search(ME, "비", None, 50)]
    assert titles == ["Rainy Monday (고침)"]


@pytest.mark.parametrize(
    "start,end",
    [(None, None), ("2026-10-01", "2026-11-01"), ("2026-11-01", "2026-12-01"), ("2026-12-01", "2027-01-01"), ("2026-10-03", "2026-10-04")],
)
def test_history_gives_the_same_summaries(contract: Contract, start, end):
    bounds = [None if b is None else datetime.date.fromisoformat(b) for b in (start, end)]
    answers = {name: impl.summaries(ME, *bounds) for name, impl in contract.history.items()}
    assert answers["sql"] == answers["read model"]


def test_history_gives_the_same_dates_keywords_and_statistics(contract: Contract):
    sql, read_model = contract.history["sql"], contract.history["read model"]
    for author in (ME, OTHER, 99):
        assert sorted(sql.dates(author)) == sorted(read_model.dates(author))
        assert sorted(sql.keywords(author)) == sorted(read_model.keywords(author))
    today = datetime.date(2026, 12, 31)
    for year, month in ((2026, 10), (2026, 11), (2026, 12), (2026, 0)):
        start, end = period(year, month)
        statistics = {
            name: compute(impl.summaries(ME, start, end), impl.dates(ME), start, end, today) for name, impl in contract.history.items()
        }
        assert statistics["sql"] == statistics["read model"]
    assert sorted(day.isoformat() for day in read_model.dates(ME)) == ["2026-10-03", "2026-10-17", "2026-11-02", "2026-11-20", "2026-12-01"]


class Finds(monitoring.CommandListener):
    """The (collection, filter) of every find a client sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.sent.append((event.command["find"], event.command["filter"]))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def summary_finds() -> list[tuple[str, dict]]:
    return [(AUTHORS_COLLECTION, {"_id": author_document_id(ME, partition)}) for partition in range(PARTITIONS)]


def diary_finds(ids) -> list[tuple[str, dict]]:
    return [(COLLECTION, {"_id": document_id(diary_id)}) for diary_id in ids]


def test_statistics_read_only_the_authors_summary_documents_by_id(contract: Contract, ferretdb):
    """What the read-model history sends to the server (real FerretDB, observed on the wire): a
    lookup by `_id` of each of the author's summary documents, never a query of the diaries
    (FerretDB answers any other filter by reading the whole collection)."""
    finds = Finds()
    with MongoClient(ferretdb.url, event_listeners=[finds]) as client:
        history = ReadModelAnalysisHistory(client[contract.read_model_database][COLLECTION], PARTITIONS)
        summaries = history.summaries(ME)
    assert summaries == contract.history["sql"].summaries(ME)
    assert finds.sent == summary_finds()


def test_word_clouds_read_the_authors_analysed_diaries_by_id(contract: Contract, ferretdb):
    """The keywords: the author's summary documents, then each analysed diary of theirs by `_id`."""
    finds = Finds()
    with MongoClient(ferretdb.url, event_listeners=[finds]) as client:
        history = ReadModelAnalysisHistory(client[contract.read_model_database][COLLECTION], PARTITIONS)
        keywords = history.keywords(ME)
    assert sorted(keywords) == sorted(contract.history["sql"].keywords(ME))
    assert finds.sent == summary_finds() + diary_finds(sorted(diary_id for diary_id, _, _ in keywords))


def test_search_reads_the_authors_diaries_by_id_newest_first_until_the_page_is_full(contract: Contract, ferretdb):
    """The search: the author's summary documents, then their diaries by `_id`, newest first,
    below the cursor, and no more once the page (here 2) is full."""
    mine = [diary.id for diary in contract.search["sql"].search(ME, "", None, 50)]  # every diary of ME, newest first
    finds = Finds()
    with MongoClient(ferretdb.url, event_listeners=[finds]) as client:
        search = ReadModelDiarySearch(client[contract.read_model_database][COLLECTION], PARTITIONS)
        found = search.search(ME, "rain", mine[0], 2)
    assert [diary.id for diary in found] == [diary.id for diary in contract.search["sql"].search(ME, "rain", mine[0], 2)]
    read = mine[1 : mine.index(found[-1].id) + 1]
    assert finds.sent == summary_finds() + diary_finds(read)
    assert len(read) < len(mine) - 1  # it stopped before the author's oldest diaries
