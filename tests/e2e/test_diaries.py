"""Diaries, their durable emotion analysis, statistics and word clouds through the gateway (HTTP)."""

from __future__ import annotations

import io
import json
import random
import signal
import time

import pytest
from PIL import Image

from tests.support.api import Api, User
from tests.support.days import today
from tests.support.waiting import wait_until
from tests.support.web import (
    ANALYSIS_TIMEOUT_SECONDS,
    KOREAN_LABELS,
    NINE,
    assert_error,
    diary_form,
    jpeg_with_gps,
    metric,
    stored_files,
    wait_for_analysis,
    write,
)

pytestmark = pytest.mark.usefixtures("one_korean_day")


def unique_photo() -> bytes:
    """A JPEG no other test uploads (storage is content-addressed, shared objects are kept)."""
    image = Image.new("RGB", (640, 480), tuple(random.randrange(256) for _ in range(3)))
    image.putpixel((0, 0), (random.randrange(256), 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def my_diaries(api: Api, user: User) -> list[dict]:
    body = api.get("/api/diary/list", user).json()
    assert body["success"] is True
    return body["result"]


def analysed_diaries(api: Api, user: User, timeout: float = ANALYSIS_TIMEOUT_SECONDS) -> list[dict]:
    """The list once every diary in it shows its analysis: the diary records it in the analysis
    job's last step, after the emotion service stored it (and a killed worker leaves that step
    to the next one, after the lease expires)."""
    wait_until(lambda: all(d["analysisState"] == "DONE" for d in my_diaries(api, user)),
               "diaries marked analysed", timeout=timeout, interval=0.3)
    return my_diaries(api, user)


# --- writing and reading ----------------------------------------------------------------


def test_written_diary_is_listed_found_by_date_and_analysed(api: Api):
    user = api.new_user()
    diary_id = write(api, user)
    [item] = my_diaries(api, user)
    assert item["diaryId"] == diary_id and item["date"] == today()
    assert (item["title"], item["imageUrl"]) == ("산책한 날", None)
    by_date = api.get(f"/api/diary?date={today()}", user).json()["result"]
    assert by_date["content"] == "공원에서 친구와 산책하며 커피를 마셔서 정말 행복했다."

    analysis = wait_for_analysis(api, user, diary_id)
    assert analysis["emotion"] in KOREAN_LABELS
    [fractions] = analysis["emotions"]
    assert set(fractions) == NINE and abs(sum(fractions.values()) - 1) <= 0.001
    assert 1 <= len(analysis["hashtags"]) <= 3
    assert analysis["feedback"] and analysis["safetyFlag"] is False and analysis["riskLevel"] == "none"
    # The list shows the analysis' hashtags once the diary recorded it.
    [item] = analysed_diaries(api, user)
    assert item["hashtags"] == [t["tagName"] for t in analysis["hashtags"]]


def listed_once_reachable(api: Api, user: User) -> dict:
    """/api/diary/list once the gateway's channel found the diary service started again (it
    answers 503 until then, within its capped back-off of 2 s); the body without its timestamp."""
    deadline = time.monotonic() + 30
    while (reply := api.get("/api/diary/list", user)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert reply.status_code == 200, reply.text
    return {key: value for key, value in reply.json().items() if key != "timestamp"}


LIST_CALLS = 'grpc_server_handled_total{grpc_code="OK",grpc_method="ListDiaries",grpc_service="gridam.diary.v1.DiaryService"}'


def test_the_list_joins_every_page_of_the_diary_service_into_the_same_answer(api: Api):
    """The diary service answers ListDiaries in pages (GRIDAM_DIARY_LIST_PAGE_SIZE, 100); the
    gateway reads them all, so /api/diary/list is the whole list however small a page is. Here
    the service runs with pages of 2 for 5 diaries (3 pages, the last one short)."""
    user = api.new_user()
    written = [write(api, user, title=f"일기 {n}", content=f"{n}번째 일기. 오늘은 조금 피곤했다.") for n in range(5)]
    analysed_diaries(api, user)  # nothing about them changes any more
    whole = listed_once_reachable(api, user)  # one page of the default size
    assert [d["diaryId"] for d in whole["result"]] == written[::-1]
    stack = api.stack
    stack.process("diary-service").process.send_signal(signal.SIGKILL)
    stack.process("diary-service").process.wait()
    port = int(stack.env["GRIDAM_DIARY_SERVICE_ADDR"].rpartition(":")[2])  # where callers find it
    paged = None
    try:
        paged = stack.start_instance("diary-service", port, metrics_port=stack.metrics_port("diary-service"),
                                     env={"GRIDAM_DIARY_LIST_PAGE_SIZE": "2"})
        assert listed_once_reachable(api, user) == whole
        assert metric(api, "diary-service", LIST_CALLS) == 3  # the pages the gateway read
    finally:
        if paged is not None:
            paged.process.send_signal(signal.SIGKILL)
            paged.process.wait()
        stack.restart_service("diary-service")
    assert listed_once_reachable(api, user) == whole  # and the stack is as the next test expects it


def test_photo_is_stored_without_exif_and_served_by_signed_url(api: Api):
    user = api.new_user()
    diary_id = write(api, user, image=jpeg_with_gps())
    [item] = my_diaries(api, user)
    assert item["diaryId"] == diary_id and "sig=" in item["imageUrl"]
    photo = api.http.get(item["imageUrl"])  # the browser sends no token (decision 13)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert 0x8825 not in Image.open(io.BytesIO(photo.content)).getexif()  # no GPS
    tampered = item["imageUrl"].replace("sig=", "sig=A")
    assert api.http.get(tampered).status_code == 403


def test_by_date_returns_the_latest_diary_of_the_day_and_404_for_an_empty_day(api: Api):
    user = api.new_user()
    write(api, user, title="아침", content="아침 일기")
    write(api, user, title="저녁", content="저녁 일기")
    assert api.get(f"/api/diary?date={today()}", user).json()["result"]["title"] == "저녁"
    assert_error(api.get("/api/diary?date=2001-01-01", user), 404, "DIARY4042")
    for not_a_day in ("2001-13-01", "20010101", "2001-W01-1", "２００１-01-01"):  # YYYY-MM-DD only
        assert_error(api.get(f"/api/diary?date={not_a_day}", user), 400, "DIARY4003")
    assert [d["title"] for d in my_diaries(api, user)] == ["저녁", "아침"]


def test_another_user_can_neither_read_nor_delete_a_diary(api: Api):
    alice, mallory = api.new_user(), api.new_user()
    diary_id = write(api, alice, content="비밀 일기: 아무도 보면 안 된다.")
    wait_for_analysis(api, alice, diary_id)
    assert my_diaries(api, mallory) == []
    assert_error(api.get(f"/api/diary?date={today()}", mallory), 404, "DIARY4042")
    assert_error(api.get(f"/api/diary/{diary_id}/analysis", mallory), 404, "DIARY4041")
    reply = assert_error(api.delete(f"/api/diary/{diary_id}", mallory), 404, "DIARY4041")
    assert "비밀" not in json.dumps(reply, ensure_ascii=False)
    assert [d["diaryId"] for d in my_diaries(api, alice)] == [diary_id]
    assert_error(api.get("/api/diary/list"), 401, "AUTH4011")


def test_invalid_requests_get_an_envelope_and_store_nothing(api: Api):
    user = api.new_user()
    files_before = stored_files(api.stack)
    not_json = {"request": ("blob", b"{title: oops", "application/json")}
    bad_utf8 = {"request": ("blob", b'{"title": "\xff\xfe", "content": "x"}', "application/json")}
    wrong_types = {"request": ("blob", b'{"title": 1, "content": ["x"]}', "application/json")}
    cases = [
        ({"image": ("a.jpg", jpeg_with_gps(), "image/jpeg")}, 400, "DIARY4004"),  # no request part
        (not_json, 400, "COMMON4001"),
        (bad_utf8, 400, "COMMON4001"),
        (wrong_types, 400, "DIARY4005"),
        (diary_form("제목", "가" * 5001), 400, "DIARY4002"),
        (diary_form("", "내용"), 400, "DIARY4001"),
        (diary_form("제목", "내용", image=b"%PDF-1.4 not an image"), 400, "IMAGE4001"),
    ]
    for files, status, code in cases:
        assert_error(api.post("/api/diary", user, files=files), status, code)
    assert_error(api.post("/api/diary", user, json={"title": "t", "content": "c"}), 415, "COMMON4151")
    assert_error(api.delete("/api/diary/abc", user), 400, "DIARY4006")
    assert my_diaries(api, user) == []
    assert stored_files(api.stack) == files_before


def test_a_file_input_left_empty_is_a_diary_without_a_photo(api: Api):
    user = api.new_user()
    request = json.dumps({"title": "사진 없는 날", "content": "사진 칸을 비워 두고 썼다."}).encode()
    # What a browser sends for a form whose file input was left empty (httpx cannot write filename="").
    body = (b'--b\r\nContent-Disposition: form-data; name="request"; filename="blob"\r\n'
            b"Content-Type: application/json\r\n\r\n" + request + b"\r\n"
            b'--b\r\nContent-Disposition: form-data; name="image"; filename=""\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n")
    reply = api.post("/api/diary", user, content=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert reply.status_code == 200, reply.text
    [item] = my_diaries(api, user)
    assert (item["diaryId"], item["imageUrl"]) == (reply.json()["result"]["diaryId"], None)
    # A named file with no bytes is still a broken image.
    files = diary_form("사진 없는 날", "내용", image=b"")
    assert_error(api.post("/api/diary", user, files=files), 400, "IMAGE4001")


def analysed_total(api: Api, user: User) -> int:
    stats = api.get(f"/api/v1/statistics/emotions?year={today()[:4]}", user).json()["result"]
    return sum(m["total"] for m in stats["months"])


def test_deleting_a_diary_deletes_its_analysis_and_photo(api: Api):
    user, other = api.new_user(), api.new_user()
    photo, shared_photo = unique_photo(), unique_photo()
    diary_id = write(api, user, image=photo)
    kept_id = write(api, other, image=shared_photo)
    shared_id = write(api, user, image=shared_photo)  # the same stored object as another user's diary
    for i in (diary_id, shared_id):
        wait_for_analysis(api, user, i)
    assert analysed_total(api, user) == 2
    files_with_photo = stored_files(api.stack)
    assert api.delete(f"/api/diary/{diary_id}", user).json()["success"] is True
    assert [d["diaryId"] for d in my_diaries(api, user)] == [shared_id]
    assert_error(api.get(f"/api/diary/{diary_id}/analysis", user), 404, "DIARY4041")
    assert_error(api.delete(f"/api/diary/{diary_id}", user), 404, "DIARY4041")
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_SECONDS
    while analysed_total(api, user) != 1 or not any("diary-photos" in f for f in files_with_photo - stored_files(api.stack)):
        assert time.monotonic() < deadline, "the purge job did not run"
        time.sleep(0.3)
    # A photo another diary still uses stays.
    assert api.delete(f"/api/diary/{shared_id}", user).json()["success"] is True
    while analysed_total(api, user) != 0:
        assert time.monotonic() < deadline, "the purge job did not run"
        time.sleep(0.3)
    [kept] = my_diaries(api, other)
    assert kept["diaryId"] == kept_id and api.http.get(kept["imageUrl"]).status_code == 200


# --- the durable pipeline ------------------------------------------------------------------


def test_every_diary_is_analysed_exactly_once_while_workers_are_killed(api: Api):
    """SIGKILL the pipeline worker at random moments while diaries are written; every diary
    still gets exactly one analysis."""
    user = api.new_user()
    rng = random.Random(7)
    written = []
    for _round in range(3):
        for i in range(4):
            written.append(write(api, user, title=f"일기 {len(written)}", content=f"오늘은 친구와 영화를 봤다. 재미있었다 {i}"))
        time.sleep(rng.uniform(0.0, 0.4))
        worker = api.stack.process("diary-worker")
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait()
        api.stack.start_worker()
    for diary_id in written:
        wait_for_analysis(api, user, diary_id, timeout=90)  # a killed worker's lease must expire first
    stats = api.get(f"/api/v1/statistics/emotions?year={today()[:4]}&month={int(today()[5:7])}", user).json()["result"]
    assert stats["months"][0]["total"] == len(written)  # one analysis per diary, no duplicates
    analysed_diaries(api, user, timeout=90)


RETRIED_ANALYSES = 'gridam_jobs_finished_total{kind="analyse",outcome="retry"}'


def test_analysis_is_retried_until_the_emotion_service_is_back(api: Api):
    user = api.new_user()
    emotion = api.stack.process("emotion-service")
    emotion.process.send_signal(signal.SIGKILL)
    emotion.process.wait()
    try:
        retries_before = metric(api, "diary-worker", RETRIED_ANALYSES)
        diary_id = write(api, user, content="서비스가 멈춘 사이에 쓴 일기. 그래도 분석은 된다.")
        wait_until(lambda: metric(api, "diary-worker", RETRIED_ANALYSES) > retries_before, "the analysis failed and was put back")
        assert_error(api.get(f"/api/diary/{diary_id}/analysis", user), 503, "COMMON5030")
    finally:
        api.stack.restart_service("emotion-service")
    # The gateway's channel reconnects within its capped back-off (2 s).
    deadline = time.monotonic() + 10
    while api.get(f"/api/diary/{diary_id}/analysis", user).status_code == 503:
        assert time.monotonic() < deadline, "the gateway did not reconnect to the restarted service"
        time.sleep(0.2)
    wait_for_analysis(api, user, diary_id)


# --- safety --------------------------------------------------------------------------------


def test_self_harm_is_urgent_with_crisis_resources_and_hopelessness_a_concern(api: Api):
    user = api.new_user()
    flagged = wait_for_analysis(api, user, write(api, user, title="힘든 밤", content="요즘 너무 힘들다. 그냥 죽고 싶다는 생각만 든다."))
    assert flagged["safetyFlag"] is True and "109" in flagged["feedback"] and "1577-0199" in flagged["feedback"]
    assert flagged["riskLevel"] == "urgent"
    sad_day = wait_for_analysis(api, user, write(api, user, title="슬픈 날", content="시험을 망쳐서 하루 종일 슬펐다. 내일은 나아지겠지."))
    assert sad_day["safetyFlag"] is False and sad_day["riskLevel"] == "none"
    # Hopelessness without death content: worth a gentle check-in, not a crisis.
    hopeless = wait_for_analysis(api, user, write(api, user, title="무기력", content="요즘은 모든 게 다 의미 없게 느껴진다. 아무것도 나아지지 않을 것 같다."))
    assert hopeless["safetyFlag"] is False and hopeless["riskLevel"] == "concern"


# --- statistics and word clouds --------------------------------------------------------------


def test_statistics_count_the_dominant_emotions_of_the_month(api: Api):
    user = api.new_user()
    ids = [write(api, user, content="친구와 맛있는 저녁을 먹어서 정말 행복하고 즐거웠다.") for _ in range(2)]
    analyses = [wait_for_analysis(api, user, i) for i in ids]
    year, month = int(today()[:4]), int(today()[5:7])
    stats = api.get(f"/api/v1/statistics/emotions?year={year}&month={month}", user).json()["result"]
    [this_month] = stats["months"]
    assert this_month["total"] == 2
    dominant_keys = [k for k, v in this_month["counts"].items() if v]
    assert {a["emotion"] for a in analyses} == {d["emotion"] for d in this_month["distribution"] if d["count"]}
    assert len(dominant_keys) >= 1 and sum(this_month["counts"].values()) == 2
    [day] = [d for d in stats["days"] if d["date"] == today()]
    assert day["count"] == 2 and day["emotion"] == analyses[-1]["emotion"]
    assert stats["currentStreak"] == 1 and stats["longestStreak"] == 1
    year_stats = api.get(f"/api/v1/statistics/emotions?year={year}", user).json()["result"]
    assert len(year_stats["months"]) == 12 and sum(m["total"] for m in year_stats["months"]) == 2
    assert_error(api.get(f"/api/v1/statistics/emotions?year={year}&month=13", user), 400, "COMMON4000")


def test_word_clouds_are_generated_only_for_oneself_and_served_signed(api: Api):
    user, other = api.new_user(), api.new_user()
    empty = api.get("/api/v1/word-cloud", user).json()["result"]
    assert empty == {"imageUrls": [], "keywords": [], "generatedAt": None, "nextGeneration": None}
    for content in ("바다 여행에서 친구와 바다 수영을 했다. 행복했다.", "친구와 바다 앞 카페에서 케이크를 먹었다. 즐거웠다."):
        wait_for_analysis(api, user, write(api, user, content=content))
    assert_error(api.post(f"/api/v1/word-cloud/generate/{other.login_id}", user), 403, "WORDCLOUD4031")
    result = api.post(f"/api/v1/word-cloud/generate/{user.login_id}", user).json()["result"]
    assert result["imageUrls"] and result["generatedAt"] and result["nextGeneration"]
    words = [w["word"] for cloud in result["keywords"] for w in cloud["words"]]
    assert any("바다" in w for w in words)
    for cloud in result["keywords"]:
        weights = [w["weight"] for w in cloud["words"]]
        assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    image = api.http.get(result["imageUrls"][0]["url"])
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (800, 600)
    assert api.get("/api/v1/word-cloud", user).json()["result"]["keywords"] == result["keywords"]
    assert api.get("/api/v1/word-cloud", other).json()["result"]["imageUrls"] == []


def test_a_logged_out_session_cannot_reach_diaries_statistics_or_word_clouds(api: Api):
    """Revocation reaches every service, not only the user service (both profiles; with Redis
    the other services learn of it from its pub/sub message, within moments)."""
    user = api.new_user()
    write(api, user)
    assert api.post("/api/auth/logout", user, json={"accessToken": user.access_token}).json()["success"] is True
    for method, path in (
        ("GET", "/api/diary/list"),
        ("GET", f"/api/v1/statistics/emotions?year={today()[:4]}"),
        ("GET", "/api/v1/word-cloud"),
    ):
        wait_until(lambda method=method, path=path: api.request(method, path, user).status_code == 401, f"{path} refused", timeout=10, interval=0.05)
        assert_error(api.request(method, path, user), 401, "AUTH4011")


def test_the_profile_counts_the_users_diaries(api: Api):
    user = api.new_user()

    def diary_count() -> int:
        return api.get("/api/users/profile", user).json()["result"]["diaryCount"]

    first = write(api, user)
    write(api, user)
    wait_until(lambda: diary_count() == 2, "diaryCount 2", timeout=ANALYSIS_TIMEOUT_SECONDS, interval=0.3)
    assert api.delete(f"/api/diary/{first}", user).json()["success"] is True
    wait_until(lambda: diary_count() == 1, "diaryCount 1", timeout=ANALYSIS_TIMEOUT_SECONDS, interval=0.3)


def test_search_finds_my_diaries_by_title_or_content_newest_first_with_cursors(api: Api):
    me, other = api.new_user(), api.new_user()
    first = write(api, me, title="Rainy Monday", content="비가 와서 우산을 챙겼다")
    second = write(api, me, title="산책", content="공원에서 RAIN 소리를 들었다")
    write(api, me, title="맑은 날", content="햇살이 좋았다")
    write(api, other, title="rain", content="남의 일기")

    def search(user: User, query: str, **params) -> dict:
        body = api.get("/api/diary/search", user, params={"q": query, **params}).json()
        assert body["success"] is True, body
        return body["result"]

    found = search(me, "rain")
    assert [d["diaryId"] for d in found["diaryList"]] == [second, first]  # case-insensitive, newest first, mine only
    assert found["hasNext"] is False and found["nextCursor"] is None
    assert [d["diaryId"] for d in search(me, "우산")["diaryList"]] == [first]
    page_one = search(me, "RaIn", size=1)
    assert [d["diaryId"] for d in page_one["diaryList"]] == [second] and page_one["hasNext"] is True
    page_two = search(me, "rain", size=1, cursor=page_one["nextCursor"])
    assert [d["diaryId"] for d in page_two["diaryList"]] == [first] and page_two["hasNext"] is False
    assert search(me, "100%")["diaryList"] == [] and search(me, "_")["diaryList"] == []  # wildcards are literal
    for bad in ({"q": ""}, {"q": "   "}, {"q": "가" * 101}):
        assert_error(api.get("/api/diary/search", me, params=bad), 400, "DIARY4007")
    assert_error(api.get("/api/diary/search", me, params={"q": "x", "cursor": 0}), 400, "COMMON4000")
    assert_error(api.get("/api/diary/search", me), 400, "COMMON4000")
