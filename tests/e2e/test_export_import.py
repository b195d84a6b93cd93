"""Export and import through the web API (docs/export-import.md), as a person moving their diary:
an account with diaries, photos, analyses, cards, a shared post with another person's comment is
exported while the pipeline worker is SIGKILLed, the archive opens as documented, and imported
into a fresh account (the worker SIGKILLed again) gives the same diaries, analyses and photos;
importing it twice adds nothing; a Day One journal written here imports; broken and foreign
archives are refused whole."""

from __future__ import annotations

import io
import json
import signal
import time
import zipfile

from PIL import Image

from tests.support.api import Api, User
from tests.support.web import assert_error, jpeg_with_gps, share, wait_for_analysis, wait_for_card, write

JOB_TIMEOUT_SECONDS = 120  # a killed worker's lease (5 s) must expire first, on a busy machine


def kill_worker(api: Api) -> None:
    worker = api.stack.process("diary-worker").process
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    api.stack.start_worker()


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
    feed_id = share(api, owner, content="오늘의 카드")
    assert api.post(f"/api/feed/{feed_id}/comment", friend, json={"content": "힘내요 응원할게요"}).status_code == 200
    assert api.post(f"/api/follows/{friend.login_id}", owner).status_code == 200

    started = api.post("/api/users/export", owner)
    assert started.status_code == 200, started.text
    export_id = started.json()["result"]["exportId"]
    assert_error(api.post("/api/users/export", owner), 409, "EXPORT4091")
    assert_error(api.get(f"/api/users/export/{export_id}", friend), 404, "EXPORT4041")
    kill_worker(api)
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
    feed = json.loads(zf.read("feed.json"))
    assert [c["content"] for c in feed["posts"][0]["comments"]] == ["힘내요 응원할게요"]
    profile = json.loads(zf.read("profile.json"))
    assert profile["profile"]["userId"] == owner.login_id
    assert [f["userId"] for f in profile["following"]] == [friend.login_id]

    newcomer = api.new_user()
    imported = upload(api, newcomer, archive.content)
    assert imported.status_code == 200, imported.text
    assert imported.json()["result"]["format"] == "gridam"
    kill_worker(api)
    done = wait_done(api, newcomer, f"/api/users/import/{imported.json()['result']['importId']}")
    assert done["diariesAdded"] == 3

    theirs, mine = diaries_of(api, owner), diaries_of(api, newcomer)
    assert [(d["date"], d["title"], d["content"]) for d in mine] == [(d["date"], d["title"], d["content"]) for d in theirs]
    for original, restored in zip(theirs, mine):
        assert analysis_of(api, newcomer, restored["diaryId"]) == analysis_of(api, owner, original["diaryId"])
        assert (original["imageUrl"] is None) == (restored["imageUrl"] is None)
        if original["imageUrl"]:
            assert picture(api, restored["imageUrl"]).size == picture(api, original["imageUrl"]).size
        wait_for_card(api, newcomer, restored["diaryId"])  # the card drawn anew

    again = upload(api, newcomer, archive.content)
    assert again.status_code == 200, again.text
    assert wait_done(api, newcomer, f"/api/users/import/{again.json()['result']['importId']}")["diariesAdded"] == 0
    assert len(diaries_of(api, newcomer)) == 3


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
