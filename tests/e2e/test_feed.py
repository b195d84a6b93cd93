"""Feed posts through the gateway: sharing a card, visibility for the owner, a follower and a
stranger, the timeline and its cursors, deleting (decision 3 of the web API)."""

from __future__ import annotations

from tests.support.api import Api, User
from tests.support.web import assert_error, pipeline_stopped, share, wait_for_analysis, wait_for_card, write


def feed_ids(api: Api, viewer: User, author: User) -> set[int]:
    body = api.get(f"/api/feed/user/{author.login_id}", viewer).json()
    assert body["success"] is True
    return {item["id"] for item in body["result"]["feedList"]}


def test_visibility_for_the_owner_a_follower_and_a_stranger(api: Api):
    author, follower, stranger = api.new_user(), api.new_user(), api.new_user()
    assert api.post(f"/api/follows/{author.login_id}", follower).json()["success"] is True
    public = share(api, author, public=True)
    followers_only = share(api, author, audience="FOLLOWERS", public=True)  # audience wins over public
    private = share(api, author, public=False)

    assert feed_ids(api, author, author) == {public, followers_only, private}
    assert feed_ids(api, follower, author) == {public, followers_only}
    assert feed_ids(api, stranger, author) == {public}

    item = api.get(f"/api/feed/{public}", stranger).json()["result"]
    assert item["userId"] == author.login_id and "T" in item["createdAt"] and isinstance(item["emotionCardId"], int)
    assert api.get(f"/api/feed/{followers_only}", follower).status_code == 200
    for viewer, post in ((stranger, followers_only), (stranger, private), (follower, private)):
        body = assert_error(api.get(f"/api/feed/{post}", viewer), 404, "FEED4041")
        assert "오늘의 카드" not in str(body)  # nothing about it leaks
    assert_error(api.get("/api/feed/user/nobody_here_123", stranger), 404, "USER4041")


def test_only_the_cards_owner_can_post_it_and_bad_input_is_refused(api: Api):
    owner, other = api.new_user(), api.new_user()
    card = wait_for_card(api, owner, write(api, owner))
    assert_error(api.post(f"/api/feed/upload/{card['emotionCardId']}", other, json={"content": "내 거", "public": True}), 404, "EMOTIONCARD4041")
    assert_error(api.post(f"/api/feed/upload/{card['emotionCardId']}", owner, json={"content": "가" * 501, "public": True}), 400, "FEED4001")
    assert_error(api.post(f"/api/feed/upload/{card['emotionCardId']}", owner, json={"content": "x", "audience": "FRIENDS"}), 400, "FEED4002")
    assert_error(api.post(f"/api/feed/upload/{card['emotionCardId']}", owner, json={"content": "x", "audience": 1}), 400, "COMMON4000")
    assert_error(api.post(f"/api/feed/upload/{card['emotionCardId']}", owner, json={"content": 3, "public": True}), 400, "COMMON4000")
    assert_error(api.post("/api/feed/upload/abc", owner, json={"content": "x"}), 404, "EMOTIONCARD4002")
    assert feed_ids(api, owner, owner) == set()


def test_a_hard_days_card_is_shared_only_with_an_explicit_confirmation(api: Api):
    user = api.new_user()
    diary_id = write(api, user, title="힘든 날", content="요즘 계속 죽고 싶다는 생각만 든다. 오늘도 아무것도 못 했다.")
    analysis = wait_for_analysis(api, user, diary_id)
    assert analysis["riskLevel"] == "urgent" and analysis["safetyFlag"] is True and "109" in analysis["feedback"]
    card = wait_for_card(api, user, diary_id)
    assert card["hashtags"] == [] and "109" in card["feedback"]  # the calm card: nothing of the diary on it

    upload = f"/api/feed/upload/{card['emotionCardId']}"
    for body in ({"content": "오늘", "public": True}, {"content": "오늘", "public": False, "confirmSensitive": False}):
        refused = assert_error(api.post(upload, user, json=body), 400, "FEED4007")
        assert refused["message"] == "마음이 힘든 날의 카드예요. 정말 공유하려면 한 번 더 확인해 주세요."
    assert feed_ids(api, user, user) == set()
    confirmed = api.post(upload, user, json={"content": "오늘", "public": True, "confirmSensitive": True})
    assert confirmed.status_code == 200 and confirmed.json()["success"] is True, confirmed.text
    # An ordinary card still shares as the web client sends it, without the field.
    ordinary = share(api, user)
    assert feed_ids(api, user, user) == {confirmed.json()["result"]["feedId"], ordinary}


def test_a_card_of_a_deleted_diary_cannot_be_shared(api: Api):
    owner = api.new_user()
    diary_id = write(api, owner)
    card = wait_for_card(api, owner, diary_id)
    with pipeline_stopped(api):  # the purge job, which forgets the card, does not run yet
        assert api.delete(f"/api/diary/{diary_id}", owner).json()["success"] is True
        assert_error(api.post(f"/api/feed/upload/{card['emotionCardId']}", owner, json={"content": "x"}), 404, "DIARY4041")
    assert feed_ids(api, owner, owner) == set()


def test_timeline_shows_followed_and_own_posts_newest_first_with_cursors(api: Api):
    me, friend, stranger = api.new_user(), api.new_user(), api.new_user()
    assert api.post(f"/api/follows/{friend.login_id}", me).json()["success"] is True
    posts = [share(api, friend), share(api, me, public=False), share(api, friend, audience="FOLLOWERS")]
    share(api, stranger)  # not followed: never on my timeline
    share(api, friend, public=False)  # private: never on my timeline

    first = api.get("/api/feed/timeline?size=2", me).json()["result"]
    assert [p["id"] for p in first["feedList"]] == [posts[2], posts[1]]
    assert first["hasNext"] is True and first["nextCursor"] == posts[1]
    second = api.get(f"/api/feed/timeline?size=2&cursor={first['nextCursor']}", me).json()["result"]
    assert [p["id"] for p in second["feedList"]] == [posts[0]]
    assert second["hasNext"] is False and second["nextCursor"] is None
    for bad in ("cursor=0", "cursor=-5", "cursor=abc", "size=0", "size=101", "cursor=99999999999999999999"):
        assert_error(api.get(f"/api/feed/timeline?{bad}", me), 400, "COMMON4000")
    # A cursor past everything is simply an empty page.
    assert api.get("/api/feed/timeline?cursor=1", me).json()["result"]["feedList"] == []


def test_another_users_gallery_shows_only_cards_shared_with_the_caller(api: Api):
    author, follower, stranger = api.new_user(), api.new_user(), api.new_user()
    assert_error(api.get(f"/api/emotion-cards?size=9&userId={author.login_id}", stranger), 403, "EMOTIONCARD4031")
    assert api.post(f"/api/follows/{author.login_id}", follower).json()["success"] is True
    public_card = wait_for_card(api, author, write(api, author))
    followers_card = wait_for_card(api, author, write(api, author))
    wait_for_card(api, author, write(api, author))  # never shared
    for card, audience in ((public_card, "PUBLIC"), (followers_card, "FOLLOWERS")):
        reply = api.post(f"/api/feed/upload/{card['emotionCardId']}", author, json={"content": "공유", "audience": audience})
        assert reply.json()["success"] is True

    def gallery(viewer: User) -> list[int]:
        body = api.get(f"/api/emotion-cards?size=9&userId={author.login_id}", viewer).json()
        assert body["success"] is True, body
        return [c["emotionCardId"] for c in body["result"]["cardInfoList"]]

    assert gallery(stranger) == [public_card["emotionCardId"]]
    assert gallery(follower) == [followers_card["emotionCardId"], public_card["emotionCardId"]]
    assert len(gallery(author)) == 3
    shared = api.get(f"/api/emotion-cards?size=9&userId={author.login_id}", stranger).json()["result"]["cardInfoList"]
    assert api.http.get(shared[0]["cardImageUrl"]).status_code == 200
