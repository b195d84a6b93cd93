"""Decisions 15-18 of the web contract, found by driving the real web client in a browser,
checked here as that client calls the API and with the fields it reads:

15. the phone-verification and sign-up screens show `message` only from an HTTP 200 answer;
16. `card-image` tells an unknown diary (DIARY4041) from a card not drawn yet (EMOTIONCARD4001);
17. every date-time carries its UTC offset;
18. notifications name people by their nickname.
"""

from __future__ import annotations

import datetime

from tests.support.api import Api, User, client_address, new_login_id, new_phone
from tests.support.waiting import wait_until
from tests.support.web import assert_error, pipeline_stopped, share, wait_for_card, write

SEOUL = datetime.timedelta(hours=9)


def screen_failure(reply, code: str) -> dict:
    """What the sign-up screens need (decision 15): HTTP 200, `success: false`, the code and a
    Korean message (the client shows `response.data.message`)."""
    body = assert_error(reply, 200, code)
    assert any("가" <= ch <= "힣" for ch in body["message"]), body
    return body


# --- decision 15 -------------------------------------------------------------------------


def test_sign_up_screens_get_their_failures_as_http_200_with_the_korean_message(api: Api):
    def send(phone: str, address: str):
        return api.http.post("/api/auth/sms/send", json={"phoneNum": phone}, headers={"X-Forwarded-For": address})

    address = client_address()
    screen_failure(send("12345", address), "SMS4001")
    phone = new_phone()
    assert send(phone, address).json()["success"] is True
    throttled = send(phone, address)
    screen_failure(throttled, "SMS4292")
    assert int(throttled.headers["Retry-After"]) > 0  # a rate limit still says when to come back

    verify = {"phoneNum": phone, "certificationCode": "000000" if api.last_code(phone) != "000000" else "111111"}
    for _ in range(5):
        screen_failure(api.http.post("/api/auth/sms/verify", json=verify), "SMS4002")
    exhausted = api.http.post("/api/auth/sms/verify", json=verify | {"certificationCode": api.last_code(phone)})
    assert screen_failure(exhausted, "SMS4291")["message"] == "인증 시도 횟수를 초과했습니다. 인증번호를 다시 받아주세요."
    assert int(exhausted.headers["Retry-After"]) > 0

    # The sign-up form as the client spreads it into the body.
    form = {"loginId": new_login_id(), "password": "secret123", "checkPassword": "secret123", "nickname": "하루",
            "phoneNum": phone, "authCode": "123456", "auth": True}
    screen_failure(api.http.post("/api/auth/signup", json=form), "USER4006")  # never verified
    screen_failure(api.http.post("/api/auth/signup", json=form | {"checkPassword": "other123"}), "USER4005")
    screen_failure(api.http.post("/api/auth/signup", json={"loginId": "abc"}), "COMMON4000")
    taken = api.signup()
    verified = new_phone()
    api.verify_phone(verified)
    screen_failure(api.http.post("/api/auth/signup", json=form | {"loginId": taken.login_id, "phoneNum": verified}), "USER4091")

    # Other endpoints keep their statuses: a wrong password is still 400 AUTH4001 (decision 10).
    assert_error(api.http.post("/api/auth/login", json={"loginId": taken.login_id, "password": "wrong123"}), 400, "AUTH4001")


# --- decision 16 -------------------------------------------------------------------------


def test_card_image_tells_an_unknown_diary_from_a_card_not_drawn_yet(api: Api):
    alice, mallory = api.new_user(), api.new_user()
    with pipeline_stopped(api):
        diary_id = write(api, alice)
        # The client polls this while the card is drawn: "not ready", keep polling.
        assert_error(api.get(f"/api/emotion-cards/card-image?diaryId={diary_id}", alice), 404, "EMOTIONCARD4001")
        # Someone else's diary, or no diary at all: the diary is not found, nothing to wait for.
        assert_error(api.get(f"/api/emotion-cards/card-image?diaryId={diary_id}", mallory), 404, "DIARY4041")
        assert_error(api.get("/api/emotion-cards/card-image?diaryId=987654321", alice), 404, "DIARY4041")
    card = wait_for_card(api, alice, diary_id)
    assert card["diaryId"] == diary_id and card["cardImageUrl"]
    assert_error(api.get(f"/api/emotion-cards/card-image?diaryId={diary_id}", mallory), 404, "DIARY4041")
    assert api.delete(f"/api/diary/{diary_id}", alice).json()["success"] is True

    def forgotten() -> bool:
        # Until the purge job has forgotten the card it may still be shown; never "not ready".
        reply = api.get(f"/api/emotion-cards/card-image?diaryId={diary_id}", alice)
        if reply.status_code == 200:
            return False
        assert_error(reply, 404, "DIARY4041")
        return True

    wait_until(forgotten, "the deleted diary's card-image to answer DIARY4041")


# --- decisions 17 and 18 -----------------------------------------------------------------


def seoul_time(text: str) -> datetime.datetime:
    """A date-time the way the client reads it: `new Date(text)` needs the offset to be right
    in any time zone (decision 17); the feed still splits the day off at 'T'."""
    moment = datetime.datetime.fromisoformat(text)
    assert moment.utcoffset() == SEOUL, text
    assert text.endswith("+09:00") and "T" in text
    assert abs(datetime.datetime.now(datetime.UTC) - moment) < datetime.timedelta(minutes=10), text
    return moment


def all_notifications(api: Api, user: User) -> list[dict]:
    body = api.get("/api/notifications/notifications/unchecked", user, params={"size": 50}).json()
    assert body["success"] is True, body
    return body["result"]["notiList"]


def test_times_carry_their_offset_and_notifications_name_people_by_nickname(api: Api):
    author = api.new_user(nickname="글쓴이")
    friend = api.new_user(nickname="다정한친구")
    feed_id = share(api, author)

    profile = api.get("/api/users/profile", author)
    seoul_time(profile.json()["timestamp"])
    posts = api.get(f"/api/feed/user/{author.login_id}", author).json()["result"]["feedList"]
    seoul_time(posts[0]["createdAt"])
    assert api.post(f"/api/feed/{feed_id}/comment", friend, json={"content": "오늘 카드 정말 따뜻해 보여요!"}).json()["success"]
    assert api.post(f"/api/feed/{feed_id}/reaction", friend, json={"reactionType": "공감해요"}).json()["success"]
    assert api.post(f"/api/follows/{author.login_id}", friend).json()["success"]
    [listed] = api.get(f"/api/feed/{feed_id}/comment/list", author).json()["result"]["commentList"]
    seoul_time(listed["createdAt"])

    wait_until(lambda: {"COMMENT", "REACTION", "FOLLOW"} <= {n["noticeType"] for n in all_notifications(api, author)},
               "the comment, reaction and follow notifications", interval=0.3)
    notices = {n["noticeType"]: n for n in all_notifications(api, author)}
    assert notices["COMMENT"]["message"] == "다정한친구님이 회원님의 피드에 댓글을 남겼어요"
    assert notices["REACTION"]["message"] == "다정한친구님이 회원님의 피드에 '공감해요' 반응을 남겼어요"
    assert notices["FOLLOW"]["message"] == "다정한친구님이 회원님을 팔로우하기 시작했어요"
    for notice in notices.values():
        assert friend.login_id not in notice["message"] + notice["content"], notice
        seoul_time(notice["createdAt"])

    # The name is the nickname as it is now: the client shows the person the user knows.
    assert api.patch("/api/users/nickname", friend, json={"nickname": "새이름"}).json()["success"] is True
    renamed = {n["noticeType"]: n["message"] for n in all_notifications(api, author)}
    assert all(message.startswith("새이름님이") for kind, message in renamed.items() if kind != "CARD_READY"), renamed
