"""Exports and imports on the diary service layer (SQLite units of work, local storage): the
archive an export job writes, written again from where a stopped job left it, imported into
another account with the analyses and card images kept and nothing added twice; Day One's
format; archives refused whole. The emotion and card services are test doubles that store and list what the
pipeline would."""

from __future__ import annotations

import asyncio
import datetime
import io
import json
import os
import secrets
import zipfile
import zoneinfo

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from PIL import Image

from diary_service.adapters.orm import ANALYSIS_DONE, Diary, FeedComment, FeedPost, PostReaction
from diary_service.service_layer import archive
from diary_service.service_layer.diaries import CARD
from diary_service.service_layer.exports import EXPORT, EXPORT_EXPIRE, ExportBuilder, ExportDependencies, Exports
from diary_service.service_layer.imports import IMPORT, ImportDependencies, ImportRunner, Imports
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.common.v1 import emotion_pb2 as common_pb
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam_domain.storage import LocalFolderStorage, content_addressed_key
from gridam_runtime.context import Identity
from gridam_runtime.errors import AlreadyExists, InvalidArgument
from tests.support.pngs import art_png

NOW = datetime.datetime(2026, 11, 30, 3)
OWNER, NEWCOMER = 7, 8
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


class SignedIn:
    """Test double of the Authenticator: the user the test says is calling."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    def require(self) -> Identity:
        return Identity(self.user_id, f"user{self.user_id}", "session", 0)


class FixedServiceToken:
    def token(self) -> str:
        return "service-token"


def analysis_of(text: str) -> emotion_pb.Analysis:
    """What the emotion service double answers for a diary never analysed before."""
    sad = 0.7 if "비" in text else 0.1
    rest = (1 - sad) / 8
    distribution = [
        common_pb.EmotionShare(emotion=value, fraction=sad if value == common_pb.EMOTION_SAD else rest)
        for value in range(1, 10)
    ]
    return emotion_pb.Analysis(
        distribution=distribution,
        dominant=common_pb.EMOTION_SAD if sad > rest else common_pb.EMOTION_HAPPY,
        hashtags=["새로분석"],
        feedback="오늘도 수고했어요.",
        keywords=[emotion_pb.Keyword(word="하루", weight=1.0)],
        language="ko",
        risk_level=emotion_pb.RISK_LEVEL_NONE,
    )


class EmotionDouble:
    """Test double of the emotion service: AnalyzeDiary stores once (the restored analysis when
    one is given), GetAnalysis answers it; `fail_after` calls of GetAnalysis, it breaks."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.stored: dict[int, emotion_pb.Analysis] = {}
        self.fail_after = fail_after
        self.reads = 0

    async def AnalyzeDiary(self, request):
        if request.diary_id not in self.stored:
            self.stored[request.diary_id] = request.restored if request.HasField("restored") else analysis_of(request.text)
        return emotion_pb.AnalyzeDiaryResponse(analysis=self.stored[request.diary_id], stored=True)

    async def GetAnalysis(self, request):
        self.reads += 1
        if self.fail_after is not None and self.reads > self.fail_after:
            raise RuntimeError("the worker stopped here")
        if request.diary_id not in self.stored:
            raise NotFoundRpc()
        return emotion_pb.GetAnalysisResponse(analysis=self.stored[request.diary_id])


class NotFoundRpc(Exception):
    """Stands in for grpc's NOT_FOUND AioRpcError in the double (the export reads it by code)."""

    def code(self):
        import grpc

        return grpc.StatusCode.NOT_FOUND


class CardDouble:
    """Test double of the card service: the card versions of each diary, images in the storage."""

    def __init__(self, storage, emotion: EmotionDouble | None = None) -> None:
        self.storage = storage
        self.emotion = emotion
        self.cards: dict[int, list[card_pb.Card]] = {}
        self.restores: list[card_pb.RestoreCardsRequest] = []

    def draw(self, diary_id: int, versions: int = 1) -> None:
        for version in range(1, versions + 1):
            png = art_png(64, 64, seed=diary_id * 10 + version)
            key = content_addressed_key(f"cards/{OWNER}", png, "png")
            self.storage.put(key, png, "image/png")
            created = Timestamp()
            created.FromDatetime(NOW)
            self.cards.setdefault(diary_id, []).append(
                card_pb.Card(id=diary_id * 10 + version, diary_id=diary_id, image_key=key, version=version, dominant=common_pb.EMOTION_SAD,
                             hashtags=["비"], feedback="괜찮아요", created_at=created)
            )

    async def ListDiaryCards(self, request):
        return card_pb.ListDiaryCardsResponse(cards=self.cards.get(request.diary_id, []))

    async def RestoreCards(self, request):
        """Keeps what an import sends; restores nothing for a safety-flagged analysis, as the
        card service (whose rule tests/unit/card/test_card_restore.py checks)."""
        self.restores.append(request)
        return card_pb.RestoreCardsResponse(restored=not self.emotion.stored[request.diary_id].safety_flag)


@pytest.fixture(autouse=True)
def rpc_errors_are_the_double(monkeypatch):
    import grpc

    monkeypatch.setattr(grpc.aio, "AioRpcError", NotFoundRpc)


@pytest.fixture
def storage(tmp_path):
    return LocalFolderStorage(tmp_path / "media")


def write_diaries(uow, storage, count: int, *, author: int = OWNER) -> list[int]:
    ids = []
    with uow() as unit:
        for n in range(count):
            photo_key = ""
            if n % 3 == 0:
                photo = art_png(40, 30, seed=n)
                photo_key = content_addressed_key("diary-photos", photo, "png")
                storage.put(photo_key, photo, "image/png")
            diary = unit.add_diary(Diary(author_id=author, title=f"제목 {n}", content=f"비 오는 날 {n}번째 이야기",
                                           date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n), photo_key=photo_key,
                                           hashtags=[], analysis_state="pending", created_at=NOW))
            ids.append(diary.id)
        unit.commit()
    return ids


def run_jobs(engine, jobs, kinds, handler) -> int:
    ran = 0
    while claimed := jobs.claim(engine, "worker", kinds, 1):
        asyncio.run(handler(claimed[0]))
        ran += 1
    return ran


def exported(uow, jobs, engine, storage, emotion, cards, *, profile: dict | None = None) -> tuple[int, zipfile.ZipFile]:
    row = asyncio.run(Exports(ExportDependencies(uow, SignedIn(OWNER))).start(json.dumps(profile or {})))
    builder = ExportBuilder(uow, jobs, emotion, cards, storage, FixedServiceToken(), ttl_seconds=3600)
    run_jobs(engine, jobs, [EXPORT], builder.build)
    done = asyncio.run(Exports(ExportDependencies(uow, SignedIn(OWNER))).get(row.id))
    assert done.state == "done" and done.archive_key
    return row.id, zipfile.ZipFile(io.BytesIO(storage.get(done.archive_key).data))


def test_an_export_holds_every_diary_with_its_analysis_cards_photos_and_feed(uow, jobs, engine, storage):
    ids = write_diaries(uow, storage, 250)  # three parts
    emotion, cards = EmotionDouble(), CardDouble(storage)
    for diary_id in ids[:200]:
        asyncio.run(emotion.AnalyzeDiary(emotion_pb.AnalyzeDiaryRequest(diary_id=diary_id, text="비")))
    cards.draw(ids[0], versions=2)
    with uow() as unit:
        post = unit.add_post(FeedPost(author_id=OWNER, author_login_id="user7", card_id=1, diary_id=ids[0],
                                       content="오늘의 카드", audience="PUBLIC", created_at=NOW))
        unit.reactions.add(PostReaction(post_id=post.id, user_id=9, reaction_type="힘내요", created_at=NOW))
        unit.comments.add(FeedComment(post_id=post.id, author_id=9, author_login_id="dal", content="힘내", created_at=NOW))
        theirs = unit.add_post(FeedPost(author_id=9, author_login_id="dal", card_id=2, diary_id=999, content="달",
                                         audience="PUBLIC", created_at=NOW))
        unit.comments.add(FeedComment(post_id=theirs.id, author_id=OWNER, author_login_id="user7", content="좋아요",
                                      created_at=NOW))
        unit.commit()

    _, zf = exported(uow, jobs, engine, storage, emotion, cards, profile={"profile": {"userId": "user7"}})

    diaries = json.loads(zf.read("diaries.json"))
    assert (diaries["format"], diaries["version"]) == ("gridam-export", 1)
    assert [d["title"] for d in diaries["diaries"]] == [f"제목 {n}" for n in range(250)]
    first, last = diaries["diaries"][0], diaries["diaries"][-1]
    assert first["analysis"]["dominant"] == "SAD" and abs(sum(first["analysis"]["emotions"].values()) - 1) < 1e-6
    assert last["analysis"] is None  # never analysed
    assert [c["version"] for c in first["cards"]] == [1, 2]
    for path in [first["photo"], *(c["image"] for c in first["cards"])]:
        assert zf.read(path)[:8] == b"\x89PNG\r\n\x1a\n"
    assert sum(1 for d in diaries["diaries"] if d["photo"]) == 84
    feed = json.loads(zf.read("feed.json"))
    assert feed["posts"][0]["reactions"] == {"힘내요": 1} and feed["posts"][0]["comments"][0]["content"] == "힘내"
    assert [c["content"] for c in feed["myComments"]] == ["좋아요"]
    assert json.loads(zf.read("profile.json"))["profile"]["userId"] == "user7"
    assert "version: 1" in zf.read("README.txt").decode()
    assert not [key for key in (storage.root / "exports").rglob("part-*")]  # the parts are gone


def test_a_stopped_export_goes_on_from_its_last_part_and_one_runs_at_a_time(uow, jobs, engine, storage):
    write_diaries(uow, storage, 250)
    breaking, cards = EmotionDouble(fail_after=150), CardDouble(storage)
    exports = Exports(ExportDependencies(uow, SignedIn(OWNER)))
    row = asyncio.run(exports.start("{}"))
    with pytest.raises(AlreadyExists) as running:
        asyncio.run(exports.start("{}"))
    assert running.value.reason == "EXPORT4091"
    [job] = jobs.claim(engine, "worker-1", [EXPORT], 1)
    with pytest.raises(RuntimeError):  # the worker stops in the second part
        asyncio.run(ExportBuilder(uow, jobs, breaking, cards, storage, FixedServiceToken(), 3600).build(job))
    stopped = asyncio.run(exports.get(row.id))
    assert (stopped.parts, stopped.diaries_done, stopped.state) == (1, 100, "running")

    emotion = EmotionDouble()
    resumed = ExportBuilder(uow, jobs, emotion, cards, storage, FixedServiceToken(), 3600)
    asyncio.run(resumed.build(job))  # the same job, as when its lease has run out

    assert emotion.reads == 150  # the first part was not read again
    done = asyncio.run(exports.get(row.id))
    zf = zipfile.ZipFile(io.BytesIO(storage.get(done.archive_key).data))
    assert len(json.loads(zf.read("diaries.json"))["diaries"]) == 250
    assert asyncio.run(exports.start("{}")).id != row.id  # finished: a new one may start


def test_an_export_is_deleted_after_its_expiry(uow, jobs, engine, storage):
    write_diaries(uow, storage, 3)
    export_id, _ = exported(uow, jobs, engine, storage, EmotionDouble(), CardDouble(storage))
    key = asyncio.run(Exports(ExportDependencies(uow, SignedIn(OWNER))).get(export_id)).archive_key
    builder = ExportBuilder(uow, jobs, EmotionDouble(), CardDouble(storage), storage, FixedServiceToken(), 3600)
    assert jobs.claim(engine, "worker", [EXPORT_EXPIRE], 1) == []  # not due for an hour
    with engine.begin() as connection:
        connection.execute(jobs.table.update().values(available_at=datetime.datetime(2000, 1, 1)))
    assert run_jobs(engine, jobs, [EXPORT_EXPIRE], builder.expire) == 1
    assert not storage.exists(key)
    assert asyncio.run(Exports(ExportDependencies(uow, SignedIn(OWNER))).get(export_id)).state == "expired"


def importer(uow, storage, user: int = NEWCOMER) -> Imports:
    return Imports(ImportDependencies(uow, SignedIn(user), storage, "Asia/Seoul"))


def upload(storage, data: bytes, user: int = NEWCOMER) -> str:
    """The archive stored as the gateway stores an upload: its key for StartImport."""
    key = f"imports/{user}/{secrets.token_hex(16)}.zip"
    with storage.writer(key, "application/zip") as out:
        out.write(data)
    return key


def uploads_left(storage) -> list:
    return [p for p in (storage.root / "imports").rglob("*") if p.is_file()] if (storage.root / "imports").exists() else []


def run_import(uow, jobs, engine, storage, emotion, cards=None) -> int:
    runner = ImportRunner(uow, jobs, emotion, cards or CardDouble(storage, emotion), storage, FixedServiceToken(), "Asia/Seoul")
    return run_jobs(engine, jobs, [IMPORT], runner.run)


def test_an_export_imports_into_another_account_once_with_its_analyses(uow, jobs, engine, storage):
    ids = write_diaries(uow, storage, 30)
    emotion, cards = EmotionDouble(), CardDouble(storage)
    kept = analysis_of("맑음")
    kept.hashtags[:] = ["보관된분석"]
    urgent = analysis_of("맑음")
    urgent.risk_level, urgent.safety_flag = emotion_pb.RISK_LEVEL_URGENT, True
    for diary_id in ids[:20]:
        analysis = urgent if diary_id == ids[2] else kept
        asyncio.run(emotion.AnalyzeDiary(emotion_pb.AnalyzeDiaryRequest(diary_id=diary_id, text="", restored=analysis)))
    cards.draw(ids[0], versions=2)
    cards.draw(ids[1])
    cards.draw(ids[2])  # an urgent diary's card: the calm one is drawn anew instead
    _, zf = exported(uow, jobs, engine, storage, emotion, cards)
    data = zf.fp.getvalue()
    exported_pngs = {d["date"]: [zf.read(c["image"]) for c in d["cards"]]
                     for d in json.loads(zf.read("diaries.json"))["diaries"] if d["cards"]}

    row = asyncio.run(importer(uow, storage).start(upload(storage, data)))
    assert (row.format, row.diaries_total, row.images_total) == ("gridam", 30, 10)
    restoring = CardDouble(storage, emotion)
    run_import(uow, jobs, engine, storage, emotion, restoring)

    with uow() as unit:
        mine = sorted(unit.diaries.list_for_author(NEWCOMER), key=lambda d: d.date)
        theirs = sorted(unit.diaries.list_for_author(OWNER), key=lambda d: d.date)
    assert [(d.date, d.title, d.content) for d in mine] == [(d.date, d.title, d.content) for d in theirs]
    assert all(d.analysis_state == ANALYSIS_DONE for d in mine)
    assert [emotion.stored[d.id] for d in mine[:20]] == [kept, kept, urgent] + [kept] * 17  # the archive's, kept
    assert [emotion.stored[d.id].hashtags for d in mine[20:]] == [["새로분석"]] * 10  # none in it: analysed anew
    assert [bool(d.photo_key) for d in mine] == [bool(d.photo_key) for d in theirs]
    assert all(storage.exists(d.photo_key) for d in mine if d.photo_key)
    by_id = {d.id: d for d in mine}
    sent = {by_id[r.diary_id].date.isoformat(): r for r in restoring.restores}
    assert {day: [c.png for c in r.cards] for day, r in sent.items()} == exported_pngs  # byte for byte
    assert [c.version for c in sent[mine[0].date.isoformat()].cards] == [1, 2]
    owed_cards = jobs.claim(engine, "worker", [CARD], 100)  # drawn anew: no archived card, or urgent
    assert sorted(job.subject_id for job in owed_cards) == sorted(d.id for d in mine[2:])
    done = asyncio.run(importer(uow, storage).get(row.id))
    assert (done.state, done.diaries_added, done.images_done) == ("done", 30, 10)

    again = asyncio.run(importer(uow, storage).start(upload(storage, data)))
    run_import(uow, jobs, engine, storage, emotion)
    with uow() as unit:
        assert len(unit.diaries.list_for_author(NEWCOMER)) == 30
    assert asyncio.run(importer(uow, storage).get(again.id)).diaries_added == 0


def test_an_import_stopped_between_a_diary_and_its_analysis_finishes_it_once(uow, jobs, engine, storage):
    write_diaries(uow, storage, 5)
    _, zf = exported(uow, jobs, engine, storage, EmotionDouble(), CardDouble(storage))
    row = asyncio.run(importer(uow, storage).start(upload(storage, zf.fp.getvalue())))

    class StopsOnThird(EmotionDouble):
        async def AnalyzeDiary(self, request):
            if len(self.stored) == 2:
                raise RuntimeError("the worker stopped here")
            return await super().AnalyzeDiary(request)

    [job] = jobs.claim(engine, "worker-1", [IMPORT], 1)
    stopping = StopsOnThird()
    runner = ImportRunner(uow, jobs, stopping, CardDouble(storage, stopping), storage, FixedServiceToken(), "Asia/Seoul")
    with pytest.raises(RuntimeError):
        asyncio.run(runner.run(job))
    stopped = asyncio.run(importer(uow, storage).get(row.id))
    assert stopped.diaries_done == 2 and stopped.pending_diary_id

    emotion = EmotionDouble()
    asyncio.run(ImportRunner(uow, jobs, emotion, CardDouble(storage, emotion), storage, FixedServiceToken(), "Asia/Seoul").run(job))
    with uow() as unit:
        mine = unit.diaries.list_for_author(NEWCOMER)
    assert len(mine) == 5 and all(d.analysis_state == ANALYSIS_DONE for d in mine)
    assert asyncio.run(importer(uow, storage).get(row.id)).diaries_added == 5


def day_one_archive(photo: bytes) -> bytes:
    """A Day One JSON export, written here by hand from its public format."""
    journal = {
        "metadata": {"version": "1.0"},
        "entries": [
            {
                "uuid": "5F0C4A6E2B7D4C0C9E0B1A2B3C4D5E6F",
                "creationDate": "2025-03-01T15:30:00Z",  # 3월 2일 00:30 in Seoul
                "timeZone": "Asia/Seoul",
                "text": "# 봄비\n\n창밖에 비가 내렸다.\n\n![](dayone-moment://A1B2C3D4E5F6)\n\n우산을 챙겼다.",
                "photos": [{"identifier": "A1B2C3D4E5F6", "md5": "0123456789abcdef0123456789abcdef", "type": "png"}],
            },
            {
                "uuid": "6A1D5B7F3C8E4D1DAF1C2B3C4D5E6F70",
                "creationDate": "2025-03-05T01:00:00Z",
                "timeZone": "America/New_York",  # 3월 4일 that evening there
                "text": "Long walk by the river.",
            },
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("Journal.json", json.dumps(journal))
        zf.writestr("photos/0123456789abcdef0123456789abcdef.png", photo)
    return buffer.getvalue()


def test_a_day_one_journal_imports_with_its_days_text_and_photo(uow, jobs, engine, storage):
    row = asyncio.run(importer(uow, storage).start(upload(storage, day_one_archive(art_png(32, 32)))))
    assert (row.format, row.diaries_total, row.images_total) == ("dayone", 2, 1)
    emotion = EmotionDouble()
    run_import(uow, jobs, engine, storage, emotion)
    with uow() as unit:
        rain, walk = sorted(unit.diaries.list_for_author(NEWCOMER), key=lambda d: d.date)
    assert (rain.date, rain.title) == (datetime.date(2025, 3, 2), "봄비")
    assert "창밖에 비가 내렸다." in rain.content and "dayone-moment" not in rain.content and "우산" in rain.content
    assert Image.open(io.BytesIO(storage.get(rain.photo_key).data)).size == (32, 32)  # the photo, re-encoded
    assert (walk.date, walk.title, walk.content, walk.photo_key) == (
        datetime.date(2025, 3, 4), "Long walk by the river.", "Long walk by the river.", "")
    assert all(d.id in emotion.stored for d in (rain, walk))  # analysed, Day One has no analysis


def test_a_day_one_entry_with_many_photos_and_a_long_text_is_split_not_cut(uow, jobs, engine, storage):
    paragraphs = [f"{n}번째 문단. " + "바다를 보며 오래 걸었다. " * 30 for n in range(30)]  # ~12,000 characters
    text = "# 제주 여행\n\n" + "\n\n".join(paragraphs[:10]) + "\n\n![](dayone-moment://P2)\n\n" + "\n\n".join(paragraphs[10:])
    photos = [art_png(20 + n, 20, seed=n) for n in range(4)]
    journal = {"entries": [{"creationDate": "2025-07-01T03:00:00Z", "timeZone": "Asia/Seoul", "text": text, "photos": [
        {"identifier": f"P{n}", "md5": f"{n:032x}", "type": "png"} for n in range(4)]}]}
    data = zipped({"Journal.json": json.dumps(journal), **{f"photos/{n:032x}.png": photos[n] for n in range(4)}})
    row = asyncio.run(importer(uow, storage).start(upload(storage, data)))
    assert (row.diaries_total, row.images_total) == (4, 4)
    run_import(uow, jobs, engine, storage, EmotionDouble())
    with uow() as unit:
        parts = sorted(unit.diaries.list_for_author(NEWCOMER), key=lambda d: d.title)
    assert [d.title for d in parts] == [f"제주 여행 ({n}/4)" for n in range(1, 5)]
    assert all(len(d.content) <= 5000 and d.date == datetime.date(2025, 7, 1) for d in parts)
    whole = "\n\n".join(d.content for d in parts[:3])
    assert all(p.strip() in whole for p in paragraphs) and "dayone-moment" not in whole  # every paragraph, none cut
    assert parts[3].content == "사진 4/4 — Day One 기록 「제주 여행」"
    sizes = [Image.open(io.BytesIO(storage.get(d.photo_key).data)).size[0] for d in parts]
    assert sizes == [22, 20, 21, 23]  # every photo: the one the text shows first, then the others in order

    again = asyncio.run(importer(uow, storage).start(upload(storage, data)))
    run_import(uow, jobs, engine, storage, EmotionDouble())
    assert asyncio.run(importer(uow, storage).get(again.id)).diaries_added == 0  # split the same way: nothing twice


def zipped(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in files.items():
            zf.writestr(name, body)
    return buffer.getvalue()


def gridam(diaries: list, version: int = 1, **files) -> bytes:
    return zipped({"diaries.json": json.dumps({"format": "gridam-export", "version": version, "diaries": diaries}), **files})


ONE = {"date": "2026-01-01", "title": "제목", "content": "내용", "photo": None, "analysis": None}


def a_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a zip at all", "IMPORT4001"),
        (zipped({"notes.txt": "hello"}), "IMPORT4002"),
        (zipped({"diaries.json": json.dumps({"format": "other", "version": 1, "diaries": []})}), "IMPORT4002"),
        (gridam([ONE], version=2), "IMPORT4003"),
        (zipped({"diaries.json": "{not json"}), "IMPORT4004"),
        (zipped({"diaries.json": b'{"format": "gridam-export", "version": 1, "diaries": [{"title": "\xff"}]}'}), "IMPORT4004"),
        (gridam([{**ONE, "date": "2026-13-01"}]), "IMPORT4004"),
        (gridam([{**ONE, "photo": "photos/missing.jpg"}]), "IMPORT4004"),
        (gridam([{**ONE, "photo": "photos/a.jpg"}], **{"photos/a.jpg": b"\xff\xd8 not really a jpeg"}), "IMPORT4005"),
        (gridam([{**ONE, "cards": [{"version": 1, "image": "cards/missing.png"}]}]), "IMPORT4004"),
        (gridam([{**ONE, "cards": [{"version": 1, "image": "cards/a.png"}, {"version": 1, "image": "cards/a.png"}]}],
                **{"cards/a.png": art_png(8, 8)}), "IMPORT4004"),
        (gridam([{**ONE, "cards": [{"version": 1, "image": "cards/a.png"}]}], **{"cards/a.png": a_jpeg()}), "IMPORT4005"),
        (gridam([{**ONE, "content": "가" * 5001}]), "IMPORT4006"),
        (zipped({"diaries.json": "{}", "bomb.bin": b"\0" * (20 * 1024 * 1024)}), "IMPORT4131"),
    ],
    ids=["not-zip", "foreign", "other-format", "version", "json", "utf8", "date", "missing-photo", "not-image",
         "missing-card", "card-versions", "card-not-png", "too-long", "bomb"],
)
def test_a_broken_or_foreign_archive_is_refused_and_nothing_is_written(uow, jobs, engine, storage, data, reason):
    with pytest.raises(InvalidArgument) as refused:
        asyncio.run(importer(uow, storage).start(upload(storage, data)))
    assert refused.value.reason == reason
    assert jobs.claim(engine, "worker", [IMPORT], 1) == []
    assert uploads_left(storage) == []  # the refused upload is deleted
    with uow() as unit:
        assert unit.transfers.running_import(NEWCOMER) is None


def test_an_upload_of_someone_else_or_none_is_refused(uow, jobs, engine, storage):
    theirs = upload(storage, day_one_archive(art_png(8, 8)), user=OWNER)
    with pytest.raises(InvalidArgument) as refused:
        asyncio.run(importer(uow, storage).start(theirs))
    assert refused.value.reason == "COMMON4000" and storage.exists(theirs)  # left for its owner
    with pytest.raises(InvalidArgument) as refused:
        asyncio.run(importer(uow, storage).start(f"imports/{NEWCOMER}/{'0' * 32}.zip"))
    assert refused.value.reason == "IMPORT4001"
    assert jobs.claim(engine, "worker", [IMPORT], 1) == []


def test_archive_paths_keep_each_files_hash_name():
    assert archive.archive_path("diary-photos/ab/abcd.jpg") == "photos/abcd.jpg"
    assert archive.archive_path("cards/7/ab/abcd.png") == "cards/abcd.png"


def test_an_abandoned_upload_is_swept_and_one_in_use_or_recent_is_kept(uow, jobs, engine, storage):
    """A gateway stopped between storing an upload and StartImport's answer leaves it in imports/
    with no import reading it: the diary server's sweep deletes it an hour later, with the
    temporary file of an upload broken off with its process; a running import's archive and a
    fresh upload stay."""
    in_use = upload(storage, day_one_archive(art_png(8, 8)))
    asyncio.run(importer(uow, storage).start(in_use))
    abandoned, fresh = upload(storage, b"PK whatever", user=OWNER), upload(storage, b"PK just now", user=OWNER)
    broken_off = storage.root / "imports" / str(OWNER) / ".x.zip.0123abcd.tmp"
    broken_off.write_bytes(b"PK half")
    hour_ago = NOW.replace(tzinfo=datetime.UTC).timestamp() - 3601
    for key in (in_use, abandoned):
        os.utime(storage.root / key, (hour_ago, hour_ago))
    os.utime(broken_off, (hour_ago, hour_ago))
    os.utime(storage.root / fresh, (hour_ago + 2, hour_ago + 2))

    sweep = Imports(ImportDependencies(uow, SignedIn(NEWCOMER), storage, "Asia/Seoul", clock=lambda: NOW))
    assert sweep.sweep_abandoned_uploads() == 1
    assert not storage.exists(abandoned) and not broken_off.exists()
    assert storage.exists(in_use) and storage.exists(fresh)
    assert sweep.sweep_abandoned_uploads() == 0
