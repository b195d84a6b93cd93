"""What the end-to-end tests do again and again through the web API: check an error envelope,
write a diary, wait for its analysis or card, share a card, look at the stored uploads."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import time
from collections.abc import Iterator

import jwt
from PIL import Image

from tests.support.api import Api, User

NINE = {"HAPPY", "JOY", "SAD", "ANXIOUS", "ANGRY", "SURPRISE", "DISGUST", "FEAR", "NONE"}
KOREAN_LABELS = {"행복", "기쁨", "슬픔", "불안", "화남", "놀람", "역겨움", "두려움", "없음"}
ANALYSIS_TIMEOUT_SECONDS = 40
CARD_TIMEOUT_SECONDS = 120  # generous: a shared CI machine, and a 2-place gpu-worker queue (conftest)


def assert_error(reply, status: int, code: str) -> dict:
    body = reply.json()
    assert reply.status_code == status, reply.text
    assert body["success"] is False and body["code"] == code, body
    assert body["message"] and all(word not in body["message"] for word in ("Traceback", "Error", "SELECT"))
    return body


def numeric_id(user: User) -> int:
    """The numeric user id (decision 6: FOLLOW's entityId), as the access token's subject."""
    return int(jwt.decode(user.access_token, options={"verify_signature": False})["sub"])


@contextlib.contextmanager
def pipeline_stopped(api: Api) -> Iterator[None]:
    """No pipeline job runs inside: the worker is killed, and started again on the way out.
    Killed, not stopped with SIGSTOP: a stopped process would keep SQLite's write lock if it
    held it."""
    worker = api.stack.process("diary-worker").process
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    try:
        yield
    finally:
        api.stack.start_worker()


def metric(api: Api, process: str, name: str) -> float:
    """The sum of the samples whose line starts with `name` on one stack process's /metrics."""
    port = api.stack.metrics_port(process)
    text = api.http.get(f"http://127.0.0.1:{port}/metrics").text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name))


def jpeg_with_gps(colour: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    """A photo with a GPS position in its EXIF; stored content-addressed, so a test that checks what
    becomes of its own file passes a colour no other test uses."""
    image = Image.new("RGB", (1200, 800), colour)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def stored_files(stack) -> set[str]:
    """The uploaded files in the stack's media store. Cards are left out: the card worker writes them
    in the background for diaries of earlier tests, at any moment, not because of a request under test."""
    media = stack.data_dir / "media"
    cards = media / "cards"
    # os.walk, not Path.rglob: the store removes folders a deletion leaves empty (storage._prune)
    # while this walks, and os.walk skips a folder that is gone where rglob raises.
    found = set()
    for folder, dirs, files in os.walk(media):
        if folder == str(cards):
            dirs.clear()
            continue
        found.update(os.path.join(folder, name) for name in (*dirs, *files))
    found.discard(str(cards))
    return found


def diary_form(title: str, content: str, image: bytes | None = None) -> dict:
    files = {"request": ("blob", json.dumps({"title": title, "content": content}).encode(), "application/json")}
    if image is not None:
        files["image"] = ("photo.jpg", image, "image/jpeg")
    return files


def write(api: Api, user: User, title: str = "산책한 날", content: str = "공원에서 친구와 산책하며 커피를 마셔서 정말 행복했다.", image=None) -> str:
    reply = api.post("/api/diary", user, files=diary_form(title, content, image))
    body = reply.json()
    assert reply.status_code == 200 and body["success"] is True, reply.text
    diary_id = body["result"]["diaryId"]
    assert isinstance(diary_id, str) and diary_id.isdigit()
    return diary_id


def wait_for_analysis(api: Api, user: User, diary_id: str, timeout: float = ANALYSIS_TIMEOUT_SECONDS) -> dict:
    return _wait_until_ready(api, user, f"/api/diary/{diary_id}/analysis", "EMOTION4041", timeout)


def wait_for_card(api: Api, user: User, diary_id: str, timeout: float = CARD_TIMEOUT_SECONDS) -> dict:
    return _wait_until_ready(api, user, f"/api/emotion-cards/card-image?diaryId={diary_id}", "EMOTIONCARD4001", timeout)


def _wait_until_ready(api: Api, user: User, path: str, not_ready_code: str, timeout: float) -> dict:
    """The result of `path` once the pipeline has made it; meanwhile every answer must be the
    documented 404 "not ready yet" with `not_ready_code`."""
    deadline = time.monotonic() + timeout
    while True:
        reply = api.get(path, user)
        if reply.status_code == 200:
            return reply.json()["result"]
        assert_error(reply, 404, not_ready_code)
        assert time.monotonic() < deadline, f"{path} not ready after {timeout}s"
        time.sleep(0.3)


def share(api: Api, user: User, audience: str | None = None, public: bool = True, content: str = "오늘의 카드") -> int:
    card = wait_for_card(api, user, write(api, user))
    body = {"content": content, "public": public} | ({"audience": audience} if audience else {})
    reply = api.post(f"/api/feed/upload/{card['emotionCardId']}", user, json=body)
    assert reply.status_code == 200 and reply.json()["success"] is True, reply.text
    feed_id = reply.json()["result"]["feedId"]
    assert isinstance(feed_id, int)
    return feed_id
