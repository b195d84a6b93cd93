"""Comments, replies, comment likes and notifications through the gateway (docs/web-api.md
§4.7 and §7, decisions 6 and 7), with the abuse cases: content one may not see, forged ids
and cursors, empty and over-long comments, repeated likes."""

from __future__ import annotations

from tests.support.api import Api, User
from tests.support.waiting import wait_until
from tests.support.web import CARD_TIMEOUT_SECONDS, assert_error, metric, numeric_id, share, wait_for_card, write

COMMENT = "정말 멋진 하루였네요, 응원해요!"


def comment(api: Api, user: User, post: int, content: str = COMMENT, parent: int | None = None) -> dict:
    body = {"content": content} | ({"parentCommentId": parent} if parent else {})
    reply = api.post(f"/api/feed/{post}/comment", user, json=body)
    assert reply.status_code == 200 and reply.json()["success"] is True, reply.text
    return reply.json()["result"]


def comments(api: Api, user: User, post: int) -> list[dict]:
    body = api.get(f"/api/feed/{post}/comment/list", user).json()
    assert body["success"] is True, body
    return body["result"]["commentList"]


def notices(api: Api, user: User, which: str = "recent", **params) -> list[dict]:
    """Every notification of `user` in that list, following the cursors to the end."""
    items, cursor = [], None
    while True:
        query = {"size": 3, **params} | ({"cursor": cursor} if cursor else {})
        body = api.get(f"/api/notifications/notifications/{which}", user, params=query).json()
        assert body["success"] is True, body
        page = body["result"]
        items += page["notiList"]
        if not page["hasNext"]:
            assert page["nextCursor"] is None
            return items
        cursor = page["nextCursor"]
        assert isinstance(cursor, int) and cursor > 0


def of_type(items: list[dict], notice_type: str) -> list[dict]:
    return [n for n in items if n["noticeType"] == notice_type]


def wait_for_card_ready(api: Api, user: User, count: int = 1) -> list[dict]:
    """The CARD_READY notifications once there are `count`: the card job stores them when it
    completes, a moment after the card itself can be seen."""
    wait_until(lambda: len(of_type(notices(api, user), "CARD_READY")) >= count, f"{count} CARD_READY notifications",
               timeout=CARD_TIMEOUT_SECONDS, interval=0.3)
    return of_type(notices(api, user), "CARD_READY")


def test_comments_and_replies_are_one_flat_list_with_likes(api: Api):
    author, friend, stranger = api.new_user(), api.new_user(), api.new_user()
    post = share(api, author)
    first = comment(api, friend, post)
    assert first["userId"] == friend.login_id and first["content"] == COMMENT and first["likes"] == 0 and first["liked"] is False
    reply = comment(api, stranger, post, "저도 그런 날이 있었어요. 힘내세요!", parent=first["id"])
    assert reply["parentCommentId"] == first["id"]

    listed = comments(api, author, post)
    assert [(c["id"], c["userId"], c["parentCommentId"]) for c in listed] == [
        (first["id"], friend.login_id, None),
        (reply["id"], stranger.login_id, first["id"]),
    ]
    assert all(set(c) >= {"id", "userId", "content", "likes", "liked"} and "T" in c["createdAt"] for c in listed)

    like = f"/api/feed/{post}/comment/{first['id']}/like"
    assert api.post(like, author).json()["result"] == {"likes": 1, "liked": True}
    assert api.post(like, author).json()["result"] == {"likes": 1, "liked": True}  # liking twice counts once
    assert api.post(like, stranger).json()["result"] == {"likes": 2, "liked": True}
    by_author = {c["id"]: c for c in comments(api, author, post)}
    by_friend = {c["id"]: c for c in comments(api, friend, post)}
    assert by_author[first["id"]]["liked"] is True and by_author[first["id"]]["likes"] == 2
    assert by_friend[first["id"]]["liked"] is False and by_friend[reply["id"]]["likes"] == 0
    assert api.delete(like, author).json()["result"] == {"likes": 1, "liked": False}
    assert api.delete(like, author).json()["result"] == {"likes": 1, "liked": False}  # unliking twice too


def test_comment_abuse_is_refused_and_stores_nothing(api: Api):
    author, follower, stranger = api.new_user(), api.new_user(), api.new_user()
    assert api.post(f"/api/follows/{author.login_id}", follower).json()["success"] is True
    public = share(api, author)
    followers_only = share(api, author, audience="FOLLOWERS")
    private = share(api, author, public=False)
    kept = comment(api, follower, public)
    hidden = comment(api, follower, followers_only)

    path = f"/api/feed/{public}/comment"
    for content in ("", "   \n ", "가" * 501):
        assert_error(api.post(path, stranger, json={"content": content}), 400, "FEED4004")
    assert_error(api.post(path, stranger, json={"content": 12345678901}), 400, "COMMON4000")
    assert_error(api.post(path, stranger, json={}), 400, "COMMON4000")
    assert_error(api.post(path, stranger, json={"content": COMMENT, "parentCommentId": "1"}), 400, "COMMON4000")
    assert_error(api.post(path, stranger, json={"content": COMMENT, "parentCommentId": 0}), 400, "COMMON4000")
    # A reply must answer a comment of the same post.
    assert_error(api.post(path, follower, json={"content": COMMENT, "parentCommentId": hidden["id"]}), 400, "FEED4005")
    assert_error(api.post(path, follower, json={"content": COMMENT, "parentCommentId": 2**62}), 400, "FEED4005")

    # What the caller may not see: 404 and nothing about it.
    for post in (private, followers_only):
        body = assert_error(api.post(f"/api/feed/{post}/comment", stranger, json={"content": COMMENT}), 404, "FEED4041")
        assert COMMENT not in str(body)
        assert_error(api.get(f"/api/feed/{post}/comment/list", stranger), 404, "FEED4041")
    assert_error(api.post(f"/api/feed/{followers_only}/comment/{hidden['id']}/like", stranger), 404, "FEED4041")
    assert_error(api.delete(f"/api/feed/{followers_only}/comment/{hidden['id']}/like", stranger), 404, "FEED4041")
    # A visible post with another post's comment id, or ids that are no ids at all.
    assert_error(api.post(f"/api/feed/{public}/comment/{hidden['id']}/like", stranger), 404, "FEED4043")
    for bad in ("abc", "0", "-1", "99999999999999999999"):
        assert_error(api.post(f"/api/feed/{public}/comment/{bad}/like", stranger), 404, "FEED4043")
        assert_error(api.get(f"/api/feed/{bad}/comment/list", stranger), 404, "FEED4042")
    assert_error(api.post(f"/api/feed/{public}/comment", stranger, content=b"\xff\xfe{", headers={"Content-Type": "application/json"}), 400, "COMMON4001")

    assert [c["id"] for c in comments(api, author, public)] == [kept["id"]]
    assert [c["id"] for c in comments(api, follower, followers_only)] == [hidden["id"]]
    assert comments(api, author, private) == []
    assert comments(api, author, followers_only)[0]["likes"] == 0


def test_everyone_is_notified_of_what_concerns_them_and_never_of_their_own_actions(api: Api):
    author, friend, other = api.new_user(), api.new_user(), api.new_user()
    diary_id = write(api, author)
    card = wait_for_card(api, author, diary_id)
    ready = wait_for_card_ready(api, author)
    assert [n["entityId"] for n in ready] == [int(diary_id)]
    assert ready[0]["checked"] is False and ready[0]["message"] and "T" in ready[0]["createdAt"]
    assert api.http.get(ready[0]["imageUrl"]).status_code == 200  # the card itself

    post = api.post(f"/api/feed/upload/{card['emotionCardId']}", author, json={"content": "공유해요", "public": True}).json()["result"]["feedId"]
    comment(api, author, post, "제 피드에 제가 남기는 댓글입니다")  # own action: nobody is notified
    api.post(f"/api/feed/{post}/reaction", author, json={"reactionType": "좋아요"})
    first = comment(api, friend, post)
    comment(api, other, post, "답글로 응원을 보냅니다 :) 화이팅", parent=first["id"])
    api.post(f"/api/feed/{post}/comment/{first['id']}/like", author)
    api.post(f"/api/feed/{post}/reaction", friend, json={"reactionType": "힘내요"})
    api.post(f"/api/feed/{post}/reaction", friend, json={"reactionType": "공감해요"})  # changes the one reaction

    mine = notices(api, author)
    assert sorted(n["noticeType"] for n in mine) == ["CARD_READY", "COMMENT", "COMMENT", "REACTION"]
    assert all(n["entityId"] == post for n in mine if n["noticeType"] != "CARD_READY")
    reaction = of_type(mine, "REACTION")[0]
    assert reaction["message"].startswith("그리담님이") and "공감해요" in reaction["message"]  # the nickname (decision 18)
    assert {n["content"] for n in of_type(mine, "COMMENT")} == {COMMENT, "답글로 응원을 보냅니다 :) 화이팅"}
    assert [n["id"] for n in mine] == sorted((n["id"] for n in mine), reverse=True)  # newest first

    friends = notices(api, friend)
    assert sorted(n["noticeType"] for n in friends) == ["COMMENT_LIKE", "REPLY"]
    assert all(n["entityId"] == post and isinstance(n["imageUrl"], str) for n in friends)
    assert of_type(notices(api, other), "REPLY") == []

    # Taking a reaction or a like back withdraws its notification.
    api.post(f"/api/feed/{post}/reaction", friend, json={"reactionType": "공감해요"})
    api.delete(f"/api/feed/{post}/comment/{first['id']}/like", author)
    assert of_type(notices(api, author), "REACTION") == [] and of_type(notices(api, friend), "COMMENT_LIKE") == []

    # Deleting the post takes its comments and their notifications along; deleting the diary
    # its CARD_READY.
    assert api.delete(f"/api/feed/{post}", author).json()["success"] is True
    assert [n["noticeType"] for n in notices(api, author)] == ["CARD_READY"]
    assert notices(api, friend) == []
    assert api.delete(f"/api/diary/{diary_id}", author).json()["success"] is True
    assert notices(api, author) == []


def test_unchecked_and_recent_pages_cursors_and_marking_read(api: Api):
    author, fans = api.new_user(), [api.new_user() for _ in range(3)]
    post = share(api, author)
    wait_for_card_ready(api, author)
    for fan in fans:
        comment(api, fan, post)
    everything = notices(api, author)  # three COMMENTs and one CARD_READY, three per page
    assert len(everything) == 4 and all(n["checked"] is False for n in everything)
    assert notices(api, author, "unchecked", size=4) == everything

    base = "/api/notifications/notifications/unchecked"
    for bad in ("cursor=0", "cursor=-3", "cursor=abc", "size=0", "size=101", "cursor=99999999999999999999"):
        assert_error(api.get(f"{base}?{bad}", author), 400, "COMMON4000")
    assert api.get(f"{base}?cursor=1", author).json()["result"] == {"notiList": [], "nextCursor": None, "hasNext": False}

    check = "/api/notifications/notifications/checked"
    stranger_ids = [n["id"] for n in notices(api, fans[0])]
    reply = api.patch(check, fans[0], json={"notificationIds": [everything[0]["id"]]})
    assert reply.json()["result"] == {"checkedCount": 0}  # another user's notification: untouched
    assert stranger_ids == []
    assert api.patch(check, author, json={"notificationIds": [everything[0]["id"], everything[1]["id"]]}).json()["result"] == {"checkedCount": 2}
    assert [n["id"] for n in notices(api, author, "unchecked")] == [n["id"] for n in everything[2:]]
    recent = notices(api, author)
    assert [n["checked"] for n in recent] == [True, True, False, False]
    assert api.patch(check, author, json={"all": True}).json()["result"] == {"checkedCount": 2}
    assert notices(api, author, "unchecked") == []
    for bad in ({}, {"notificationIds": []}, {"notificationIds": ["1"]}, {"notificationIds": [0]}, {"notificationIds": list(range(1, 102))}):
        assert api.patch(check, author, json=bad).status_code == 400
    assert_error(api.patch(check, author, json={}), 400, "NOTICE4001")


def wait_for_follows(api: Api, user: User, count: int) -> list[dict]:
    """FOLLOW notifications come from the user service's outbox relay, a moment after the follow."""
    wait_until(lambda: len(of_type(notices(api, user), "FOLLOW")) >= count, f"{count} FOLLOW notifications", interval=0.3)
    return of_type(notices(api, user), "FOLLOW")


def test_the_followed_user_is_notified_once_per_follow(api: Api):
    star, fan, other = api.new_user(), api.new_user(), api.new_user()
    assert api.post(f"/api/follows/{star.login_id}", fan).json()["success"] is True
    assert api.post(f"/api/follows/{star.login_id}", fan).json()["result"]["created"] is False  # again: not a new follow
    api.post(f"/api/follows/{star.login_id}", other)
    follows = wait_for_follows(api, star, 2)
    assert sorted(n["entityId"] for n in follows) == sorted([numeric_id(fan), numeric_id(other)])
    mine = next(n for n in follows if n["entityId"] == numeric_id(fan))
    assert mine["message"].startswith("그리담님이") and mine["checked"] is False  # the nickname (decision 18)
    # The follower hears nothing of their own follow, and neither a repeated follow nor
    # following again after unfollowing adds a notification.
    assert notices(api, fan) == []
    delivered = 'gridam_jobs_finished_total{kind="notify_follow",outcome="done"}'
    before = metric(api, "user-service", delivered)
    assert api.delete(f"/api/follows/{star.login_id}", fan).json()["result"]["removed"] is True
    assert api.post(f"/api/follows/{star.login_id}", fan).json()["result"]["created"] is True
    wait_until(lambda: metric(api, "user-service", delivered) > before, "the second follow delivered")
    assert len(of_type(notices(api, star), "FOLLOW")) == 2
