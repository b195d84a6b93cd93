"""Export and import through the web API (docs/export-import.md), as a person moving their diary:
an account with diaries, photos, analyses, cards, a shared post with another person's comment is
exported, the archive opens as documented, and imported into a fresh account gives the same
diaries, analyses, photos and card images (every version kept, the newest shown byte for byte); importing it twice adds nothing; an archive of 12 MB (over the
upload limit of images) imports and exports again with the pipeline worker SIGKILLed in the
middle of each job, and downloads byte for byte; a Day One journal written here imports; broken
and foreign archives are refused whole."""

from __future__ import annotations

import io
import json
import random
import signal
import time
import zipfile

from PIL import Image

from gridam_domain.emotions import EMOTION_KEYS
from tests.support.api import Api, User
from tests.support.web import assert_error, diary_form, jpeg_with_gps, share, wait_for_analysis, wait_for_card, write

JOB_TIMEOUT_SECONDS = 120  # a killed worker's lease (5 s) must expire first, on a busy machine


def kill_worker_mid_job(api: Api, user: User, path: str) -> int:
    """SIGKILL the pipeline worker once the job at `path` has begun and not finished (progress
    strictly between 0 and 100), start it again; the progress it was killed at."""
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    while not 0 < (progress := api.get(path, user).json()["result"]["progress"]) < 100:
        assert progress == 0, f"{path} finished before the worker could be killed"
        assert time.monotonic() < deadline, f"{path} never started"
        time.sleep(0.02)
    worker = api.stack.process("diary-worker").process
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    api.stack.start_worker()
    return progress


def wait_done(api: Api, user: User, path: str) -> dict:
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    seen = []
    while True:
        reply = api.get(path, user)
        assert reply.status_code == 200, reply.text
        result = reply.json()["result"]
        seen.append(result["progress"])
        assert 0 <= result["progress"] <= 100
        if result["state"] == "DONE":
            assert result["progress"] == 100 and seen == sorted(seen)
            return result
        assert result["state"] == "RUNNING", result
        assert time.monotonic() < deadline, f"{path} not done: {result}"
        time.sleep(0.3)


def upload(api: Api, user: User, data: bytes):
    return api.post("/api/users/import", user, files={"file": ("archive.zip", data, "application/zip")})


def diaries_of(api: Api, user: User) -> list[dict]:
    return sorted(api.get("/api/diary/list", user).json()["result"], key=lambda d: (d["date"], d["title"]))


def analysis_of(api: Api, user: User, diary_id: str) -> dict:
    analysis = wait_for_analysis(api, user, diary_id)
    return {key: analysis[key] for key in ("emotion", "emotions", "hashtags", "feedback", "riskLevel")}


def picture(api: Api, url: str) -> Image.Image:
    reply = api.http.get(url)
    assert reply.status_code == 200
    return Image.open(io.BytesIO(reply.content))


def test_an_account_round_trips_through_its_export_into_a_fresh_account(api: Api):
    owner, friend = api.new_user(), api.new_user()
    written = [
        write(api, owner, title="비 오는 날", content="하루 종일 비가 와서 조금 우울했지만 따뜻한 차를 마셨다.", image=jpeg_with_gps()),
        write(api, owner, title="시험 끝", content="드디어 시험이 끝나서 친구들과 떡볶이를 먹으러 갔다. 정말 신났다!"),
    ]
    for diary_id in written:
        wait_for_card(api, owner, diary_id)
    exam = api.patch(f"/api/diary?diaryId={written[1]}", owner,  # the same text again: a second version of its card
                     files=diary_form("시험 끝", "드디어 시험이 끝나서 친구들과 떡볶이를 먹으러 갔다. 정말 신났다!"))
    assert exam.status_code == 200 and exam.json()["result"]["version"] == 2, exam.text
    feed_id = share(api, owner, content="오늘의 카드")
    assert api.post(f"/api/feed/{feed_id}/comment", friend, json={"content": "힘내요 응원할게요"}).status_code == 200
    assert api.post(f"/api/follows/{friend.login_id}", owner).status_code == 200

    started = api.post("/api/users/export", owner)
    assert started.status_code == 200, started.text
    export_id = started.json()["result"]["exportId"]
    assert_error(api.post("/api/users/export", owner), 409, "EXPORT4091")
    assert_error(api.get(f"/api/users/export/{export_id}", friend), 404, "EXPORT4041")
    export = wait_done(api, owner, f"/api/users/export/{export_id}")
    assert export["diariesDone"] == export["diariesTotal"] == 3 and export["imagesDone"] >= 4
    assert export["expiresAt"].endswith("+09:00")

    archive = api.http.get(export["downloadUrl"])
    assert archive.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(archive.content))
    assert "version: 1" in zf.read("README.txt").decode()
    diaries = json.loads(zf.read("diaries.json"))["diaries"]
    assert sorted(d["title"] for d in diaries) == sorted(d["title"] for d in diaries_of(api, owner))
    rainy = next(d for d in diaries if d["title"] == "비 오는 날")
    assert rainy["analysis"]["riskLevel"] in ("none", "concern") and rainy["cards"][0]["version"] == 1
    assert Image.open(io.BytesIO(zf.read(rainy["photo"]))).size == (1200, 800)
    assert zf.read(rainy["cards"][0]["image"])[:4] == b"\x89PNG"
    assert [c["version"] for c in next(d for d in diaries if d["title"] == "시험 끝")["cards"]] == [1, 2]
    feed = json.loads(zf.read("feed.json"))
    assert [c["content"] for c in feed["posts"][0]["comments"]] == ["힘내요 응원할게요"]
    profile = json.loads(zf.read("profile.json"))
    assert profile["profile"]["userId"] == owner.login_id
    assert [f["userId"] for f in profile["following"]] == [friend.login_id]

    newcomer = api.new_user()
    imported = upload(api, newcomer, archive.content)
    assert imported.status_code == 200, imported.text
    assert imported.json()["result"]["format"] == "gridam"
    done = wait_done(api, newcomer, f"/api/users/import/{imported.json()['result']['importId']}")
    assert done["diariesAdded"] == 3

    theirs, mine = diaries_of(api, owner), diaries_of(api, newcomer)
    assert [(d["date"], d["title"], d["content"]) for d in mine] == [(d["date"], d["title"], d["content"]) for d in theirs]
    for original, restored in zip(theirs, mine, strict=True):
        assert analysis_of(api, newcomer, restored["diaryId"]) == analysis_of(api, owner, original["diaryId"])
        assert (original["imageUrl"] is None) == (restored["imageUrl"] is None)
        if original["imageUrl"]:
            assert picture(api, restored["imageUrl"]).size == picture(api, original["imageUrl"]).size
        card = wait_for_card(api, newcomer, restored["diaryId"])
        newest = next(d for d in diaries if d["title"] == restored["title"])["cards"][-1]
        # The archive's card, not one drawn anew: its newest version, byte for byte.
        assert card["version"] == newest["version"]
        assert api.http.get(card["cardImageUrl"]).content == zf.read(newest["image"])

    again = upload(api, newcomer, archive.content)
    assert again.status_code == 200, again.text
    assert wait_done(api, newcomer, f"/api/users/import/{again.json()['result']['importId']}")["diariesAdded"] == 0
    assert len(diaries_of(api, newcomer)) == 3


def noise_png(seed: int, side: int = 370) -> bytes:
    """A photo that does not compress (~400 KB): random pixels."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), random.Random(seed).randbytes(side * side * 3)).save(out, "PNG")
    return out.getvalue()


def generated_export(diaries: int, photo_every: int) -> tuple[bytes, list[dict]]:
    """A GriDam export written here as docs/export-import.md says: `diaries` diaries with their
    analyses, every `photo_every`-th with a photo of noise; the archive and its diaries."""
    emotions = dict.fromkeys(EMOTION_KEYS, 0.0)
    entries, out = [], io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(diaries):
            photo = None
            if n % photo_every == 0:
                photo = f"photos/noise{n:04d}.png"
                zf.writestr(zipfile.ZipInfo(photo), noise_png(n + 1), zipfile.ZIP_STORED)
            entries.append({
                "date": f"{2020 + n // 300}-{n % 300 // 28 + 1:02d}-{n % 28 + 1:02d}",
                "title": f"긴 기록 {n}",
                "content": f"{n}번째 날. 산책을 하고 저녁에는 책을 읽었다.",
                "createdAt": "2024-01-01T21:00:00+09:00",
                "photo": photo,
                "hashtags": ["산책"],
                "analysis": {"emotions": {**emotions, EMOTION_KEYS[0]: 0.6, EMOTION_KEYS[1]: 0.4}, "dominant": EMOTION_KEYS[0], "hashtags": ["산책"],
                             "keywords": [{"word": "산책", "weight": 1.0}], "feedback": "차분한 하루였네요.",
                             "riskLevel": "none", "safetyFlag": False, "language": "ko"},
                "cards": [],
            })
        zf.writestr("diaries.json", json.dumps({"format": "gridam-export", "version": 1, "diaries": entries}, ensure_ascii=False))
    return out.getvalue(), entries


def test_a_large_archive_streams_in_and_out_and_both_jobs_survive_a_kill_mid_way(api: Api):
    data, entries = generated_export(150, photo_every=5)
    assert len(data) > 12_000_000  # over the 10 MB upload limit of images
    user = api.new_user()
    started = upload(api, user, data)
    assert started.status_code == 200, started.text
    path = f"/api/users/import/{started.json()['result']['importId']}"
    assert 0 < kill_worker_mid_job(api, user, path) < 100
    assert wait_done(api, user, path)["diariesAdded"] == 150
    expected = sorted((e["date"], e["title"], e["content"], e["photo"] is not None) for e in entries)
    mine = diaries_of(api, user)
    assert [(d["date"], d["title"], d["content"], d["imageUrl"] is not None) for d in mine] == expected  # none twice
    assert not list((api.stack.data_dir / "media" / "imports").rglob("*.zip"))  # the upload deleted once done
    for diary in mine:  # the cards owed, drawn before the export (its job would queue behind them)
        wait_for_card(api, user, diary["diaryId"], timeout=JOB_TIMEOUT_SECONDS * 3)

    started = api.post("/api/users/export", user)
    path = f"/api/users/export/{started.json()['result']['exportId']}"
    assert 0 < kill_worker_mid_job(api, user, path) < 100
    export = wait_done(api, user, path)
    assert export["diariesDone"] == export["diariesTotal"] == 150
    reply = api.http.get(export["downloadUrl"])
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/zip"
    stored = api.stack.data_dir / "media" / export["downloadUrl"].split("/api/media/", 1)[1].split("?", 1)[0]
    assert reply.content == stored.read_bytes() and int(reply.headers["content-length"]) == stored.stat().st_size > 12_000_000
    exported = json.loads(zipfile.ZipFile(io.BytesIO(reply.content)).read("diaries.json"))["diaries"]
    assert sorted((d["date"], d["title"], d["content"], d["photo"] is not None) for d in exported) == expected


def day_one_journal() -> bytes:
    """A Day One JSON export written here from its public format: Journal.json and photos/<md5>.<type>."""
    photo = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 90, 160)).save(photo, "JPEG")
    journal = {
        "metadata": {"version": "1.0"},
        "entries": [
            {
                "uuid": "0D9F7E6C5B4A39281706F5E4D3C2B1A0",
                "creationDate": "2024-10-09T14:20:00Z",  # 23:20 in Seoul
                "timeZone": "Asia/Seoul",
                "text": "# 한글날\n\n도서관에서 책을 읽었다.\n\n![](dayone-moment://C0FFEE0123456789)",
                "photos": [{"identifier": "C0FFEE0123456789", "md5": "9e107d9d372bb6826bd81d3542a419d6", "type": "jpeg"}],
            },
        ],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("Journal.json", json.dumps(journal, ensure_ascii=False))
        zf.writestr("photos/9e107d9d372bb6826bd81d3542a419d6.jpeg", photo.getvalue())
    return out.getvalue()


def test_a_day_one_journal_imports_and_broken_archives_are_refused_whole(api: Api):
    user = api.new_user()
    foreign = io.BytesIO()
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("notes.txt", "not a diary")
    assert_error(upload(api, user, b"PK\x03\x04 broken"), 400, "IMPORT4001")
    assert_error(upload(api, user, foreign.getvalue()), 400, "IMPORT4002")
    assert_error(api.post("/api/users/import", user, files={"other": ("a.zip", b"x", "application/zip")}), 400, "IMPORT4007")
    assert diaries_of(api, user) == []

    started = upload(api, user, day_one_journal())
    assert started.status_code == 200, started.text
    assert started.json()["result"]["format"] == "dayone"
    wait_done(api, user, f"/api/users/import/{started.json()['result']['importId']}")
    [diary] = diaries_of(api, user)
    assert (diary["date"], diary["title"]) == ("2024-10-09", "한글날")
    assert "도서관에서 책을 읽었다." in diary["content"] and "dayone-moment" not in diary["content"]
    assert picture(api, diary["imageUrl"]).size == (300, 200)
    assert analysis_of(api, user, diary["diaryId"])["emotion"]  # analysed here: Day One has none
