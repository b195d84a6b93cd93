"""Emotion cards through the gateway (HTTP): made by the pipeline, regenerated, listed, private."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import signal
import time

import pytest
from PIL import Image, ImageStat

from tests.support.api import Api, User
from tests.support.days import today
from tests.support.procfs import children
from tests.support.waiting import wait_until
from tests.support.web import CARD_TIMEOUT_SECONDS, KOREAN_LABELS, NINE, assert_error, diary_form, metric, numeric_id, wait_for_card, write

pytestmark = pytest.mark.usefixtures("one_korean_day")


def fetch_image(api: Api, url: str) -> Image.Image:
    reply = api.http.get(url)  # no token: the URL is signed (decision 13)
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
    assert reply.headers["cache-control"].startswith("private")
    return Image.open(io.BytesIO(reply.content))


def test_a_written_diary_gets_a_real_card_within_seconds(api: Api):
    user = api.new_user()
    diary_id = write(api, user, content="오랜만에 친구들과 바다에 가서 정말 행복했다. 노을이 예뻤다.")
    card = wait_for_card(api, user, diary_id, timeout=30)  # fails past 30 s
    assert card["diaryId"] == diary_id and card["version"] == 1
    assert isinstance(card["emotionCardId"], int) and card["emotion"] in KOREAN_LABELS
    [fractions] = card["emotions"]
    assert set(fractions) == NINE and abs(sum(fractions.values()) - 1) <= 0.001
    assert card["hashtags"] and all(set(tag) == {"tagName"} for tag in card["hashtags"])
    image = fetch_image(api, card["cardImageUrl"])
    assert image.size == (768, 1024)
    colours = image.convert("RGB").resize((64, 64)).getcolors(64 * 64)
    assert colours is None or len(colours) > 50  # a picture, not a flat colour
    assert_error(api.get("/api/emotion-cards/card-image?diaryId=999999999", user), 404, "DIARY4041")  # decision 16


def test_regeneration_makes_a_new_version_with_a_new_image(api: Api):
    user = api.new_user()
    diary_id = write(api, user)
    first = wait_for_card(api, user, diary_id)
    reply = api.patch(f"/api/diary?diaryId={diary_id}", user, files=diary_form("산책한 날", "같은 내용"))
    body = reply.json()
    assert reply.status_code == 200 and body["success"] is True, reply.text
    assert body["result"]["imageUrl"] and body["result"]["version"] == 2
    second = wait_for_card(api, user, diary_id)
    assert second["version"] == 2 and second["emotionCardId"] != first["emotionCardId"]
    old, new = fetch_image(api, first["cardImageUrl"]), fetch_image(api, body["result"]["imageUrl"])
    assert old.tobytes() != new.tobytes()
    # The gallery shows only the newest version of each diary's card.
    gallery = api.get("/api/emotion-cards?size=9", user).json()["result"]
    assert [c["version"] for c in gallery["cardInfoList"]] == [2]


def test_card_by_date_and_gallery_pages(api: Api):
    user = api.new_user()
    ids = [write(api, user, title=f"일기 {i}", content=f"오늘의 기록 {i}. 친구와 커피를 마셨다.") for i in range(3)]
    cards = [wait_for_card(api, user, i) for i in ids]
    by_date = api.get(f"/api/emotion-cards/date?date={today()}", user).json()["result"]
    assert by_date["diaryId"] == ids[-1]  # the latest diary of the day (decision 9)
    assert api.get("/api/emotion-cards/date?date=2001-01-01", user).json()["result"] is None
    assert api.get("/api/emotion-cards/date?date=2001-W01-1", user).status_code == 400
    first = api.get("/api/emotion-cards?size=2", user).json()["result"]
    assert first["hasNext"] is True and isinstance(first["nextCursor"], int)
    second = api.get(f"/api/emotion-cards?size=2&cursor={first['nextCursor']}", user).json()["result"]
    assert second["hasNext"] is False and second["nextCursor"] is None
    listed = [c["emotionCardId"] for c in first["cardInfoList"] + second["cardInfoList"]]
    assert listed == sorted((c["emotionCardId"] for c in cards), reverse=True)


def art_contrast(image: Image.Image) -> float:
    """Grey-level spread of the card's art (its top half, above the text panel)."""
    art = image.convert("L").crop((0, 0, image.width, image.height // 2))
    return ImageStat.Stat(art).stddev[0]


def test_a_safety_flagged_diary_gets_a_calm_card_with_crisis_resources(api: Api):
    user = api.new_user()
    flagged = wait_for_card(api, user, write(api, user, title="힘든 밤", content="더는 버틸 수가 없다. 죽고 싶다는 생각이 계속 든다."))
    ordinary = wait_for_card(api, user, write(api, user, title="힘든 밤", content="시험 때문에 밤새 불안하고 슬펐다. 내일은 나아지겠지."))
    assert "109" in flagged["feedback"] and "1577-0199" in flagged["feedback"]
    assert "109" not in ordinary["feedback"]
    # Nothing of the flagged diary is shown on its card (feed items show these tags to others).
    assert flagged["hashtags"] == [] and ordinary["hashtags"] != []
    # The calm, content-free art is a quiet gradient; an ordinary card's art has structure.
    calm, drawn = art_contrast(fetch_image(api, flagged["cardImageUrl"])), art_contrast(fetch_image(api, ordinary["cardImageUrl"]))
    assert calm < drawn / 2, (calm, drawn)


def a_batch_is_being_drawn(api: Api) -> bool:
    """Requests sent to the gpu-worker's processes outnumber the images that came back."""
    sent = metric(api, "gpu-worker", "gridam_imagegen_batch_size_sum")
    return sent > metric(api, "gpu-worker", "gridam_imagegen_images_total")


def test_every_card_is_made_once_when_the_gpu_worker_is_killed(api: Api):
    user = api.new_user()
    ids = [write(api, user, content=f"카드가 그려지는 중에 서버가 멈춘 날 {i}") for i in range(6)]

    wait_until(lambda: a_batch_is_being_drawn(api), "a batch in a worker process", interval=0.01)
    worker = api.stack.process("gpu-worker")
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait()
    api.stack.restart_service("gpu-worker")
    for diary_id in ids:
        assert wait_for_card(api, user, diary_id, timeout=90)["version"] == 1
    gallery = api.get("/api/emotion-cards?size=50", user).json()["result"]["cardInfoList"]
    assert sorted(c["diaryId"] for c in gallery) == sorted(ids)  # one card per diary, none twice


def card_images_of(api: Api, user: User) -> list[pathlib.Path]:
    return list((api.stack.data_dir / "media" / "cards" / str(numeric_id(user))).rglob("*.png"))


def test_a_diary_deleted_while_its_card_is_drawn_leaves_no_card_image(api: Api):
    user = api.new_user()
    ended = 'gridam_jobs_finished_total{kind="card",'  # any outcome: deleting cancels the job
    purged = 'gridam_jobs_finished_total{kind="purge",outcome="done"}'
    cards_before, purges_before = metric(api, "diary-worker", ended), metric(api, "diary-worker", purged)
    # The gpu-worker's drawing processes are stopped: its server takes the card and hands it to
    # one of them, and the art comes back only after the diary is gone.
    drawers = children(api.stack.process("gpu-worker").process.pid)
    for pid in drawers:
        os.kill(pid, signal.SIGSTOP)
    try:
        diary_id = write(api, user, content="지워질 일기. 카드가 그려지는 사이에 지웠다.")
        wait_until(lambda: a_batch_is_being_drawn(api), "its card in a worker process", timeout=CARD_TIMEOUT_SECONDS)
        assert api.delete(f"/api/diary/{diary_id}", user).json()["success"] is True
        wait_until(lambda: metric(api, "diary-worker", purged) > purges_before, "the deleted diary purged")
    finally:
        for pid in drawers:
            with contextlib.suppress(ProcessLookupError):  # replaced meanwhile as hung
                os.kill(pid, signal.SIGCONT)
    wait_until(lambda: metric(api, "diary-worker", ended) > cards_before, "the card job ended", timeout=CARD_TIMEOUT_SECONDS)
    # The card drawn for the deleted diary was not recorded, and its image is not kept either.
    assert card_images_of(api, user) == []
    assert api.get("/api/emotion-cards?size=9", user).json()["result"]["cardInfoList"] == []


def test_a_full_gpu_worker_queue_is_retried_until_every_card_is_made(api: Api):
    user = api.new_user()
    rejected_before = metric(api, "gpu-worker", 'gridam_imagegen_rejected_total{reason="queue_full"}')
    ids = [write(api, user, content=f"카드가 한꺼번에 몰린 날 {i}. 친구와 산책했다.") for i in range(10)]
    for diary_id in ids:
        wait_for_card(api, user, diary_id, timeout=120)
    # The queue (2 places, see conftest) did overflow, and every card was still made once.
    assert metric(api, "gpu-worker", 'gridam_imagegen_rejected_total{reason="queue_full"}') > rejected_before
    gallery = api.get("/api/emotion-cards?size=50", user).json()["result"]["cardInfoList"]
    assert sorted(c["diaryId"] for c in gallery) == sorted(ids)


def test_deleting_a_diary_deletes_its_card(api: Api):
    user = api.new_user()
    diary_id = write(api, user)
    card = wait_for_card(api, user, diary_id)
    assert api.delete(f"/api/diary/{diary_id}", user).json()["success"] is True
    deadline = time.monotonic() + CARD_TIMEOUT_SECONDS
    while api.http.get(card["cardImageUrl"]).status_code != 404:
        assert time.monotonic() < deadline, "the card image was not deleted"
        time.sleep(0.3)
    assert api.get("/api/emotion-cards?size=9", user).json()["result"]["cardInfoList"] == []
