"""Account deletion (docs/account-deletion.md) through the web API: a rich account is deleted, and
then every store is searched for any trace of it — every table and column of every service's
database (job tables and deletion markers included) and the media store; on the distributed
profile with CDC running also every Redis key and value, the latest value of every key of the
CDC's Kafka topics and every MongoDB collection of the read model. The workers that run the
deletion's jobs are SIGKILLed mid-way and the deletion still finishes once they are restarted."""

from __future__ import annotations

import itertools
import json
import re
import signal
from collections.abc import Iterator

import httpx
import orjson
import pytest
import redis
import sqlalchemy as sa
from confluent_kafka import Consumer, TopicPartition
from pymongo import MongoClient

from tests.support.api import Api, User
from tests.support.waiting import wait_until
from tests.support.web import assert_error, jpeg_with_gps, metric, numeric_id, pipeline_stopped, share, wait_for_analysis, wait_for_card, write

DIARY_TEXT = "아무에게도 말하지 못한 비밀 이야기를 오늘 일기에 적었다 7f3a"
COMMENT_TEXT = DIARY_TEXT[:30]
# Columns that hold a user's numeric id, and a diary's (besides the `id` of `users` and `diaries`).
USER_ID_COLUMNS = {"author_id", "user_id", "recipient_id", "follower_id", "followee_id"}
DIARY_ID_COLUMNS = {"diary_id"}
# What the subject of a job names, by kind (diary_jobs, user_jobs).
USER_SUBJECTS = {"count", "account_deleted", "notify_follow"}
DIARY_SUBJECTS = {"analyse", "card", "purge"}
DELETION_RETRIES = 'gridam_jobs_finished_total{kind="account_deleted",outcome="retry"}'
TRACE_TIMEOUT_SECONDS = 240  # the purges, then the deletion markers' hold (conftest: 40 s), on a busy machine


class Person:
    """The account to delete and what would betray it."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.user_id = numeric_id(user)
        self.diary_ids: set[int] = set()
        self.strings = [user.login_id, user.phone, DIARY_TEXT, COMMENT_TEXT]

    def in_text(self, text: str) -> list[str]:
        return [needle for needle in self.strings if needle in text]

    def in_row(self, table: str, row: dict) -> list[str]:
        """The traces in one row of any table: the strings anywhere, the numeric ids in the columns
        that hold them (`subject_id` of a job by its kind)."""
        found = self.in_text(repr(row))
        for column, value in row.items():
            if column in USER_ID_COLUMNS or (column == "id" and table == "users"):
                found += [f"{column}={value}"] if value == self.user_id else []
            if column in DIARY_ID_COLUMNS or (column == "id" and table == "diaries"):
                found += [f"{column}={value}"] if value in self.diary_ids else []
        if "subject_id" in row and "kind" in row:
            if row["kind"] in USER_SUBJECTS and row["subject_id"] == self.user_id:
                found.append(f"{row['kind']} job of the person")
            if row["kind"] in DIARY_SUBJECTS and row["subject_id"] in self.diary_ids:
                found.append(f"{row['kind']} job of a diary")
        return found


# --- the stores ---------------------------------------------------------------------------


def database_urls(stack) -> list[str]:
    urls = [value for key, value in stack.env.items() if re.fullmatch(r"GRIDAM_[A-Z]+_DATABASE_URL", key) and value]
    return urls or [f"sqlite:///{path}" for path in sorted(stack.data_dir.glob("*.db"))]


def sql_traces(stack, person: Person) -> list[str]:
    found = []
    for url in database_urls(stack):
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                for table in sa.inspect(connection).get_table_names():
                    for row in connection.execute(sa.text(f"SELECT * FROM {table}")).mappings():
                        found += [f"{url.rsplit('/', 1)[1]}:{table}: {t}" for t in person.in_row(table, dict(row))]
        finally:
            engine.dispose()
    return found


def media_traces(stack, person: Person, objects: list) -> list[str]:
    media = stack.data_dir / "media"
    left = [f"media: {path}" for path in objects if path.exists()]
    named = [f"media: {path}" for path in media.rglob("*") if str(person.user_id) in path.relative_to(media).parts]
    return left + named


def redis_values(client: redis.Redis, key: bytes) -> list:
    """What a key holds, whatever its type: a string's value, a list's, set's or sorted set's
    members, a hash's fields and values."""
    kind = client.type(key).decode()
    if kind == "string":
        return [client.get(key)]
    if kind == "list":
        return client.lrange(key, 0, -1)
    if kind == "zset":
        return client.zrange(key, 0, -1)
    if kind == "set":
        return list(client.smembers(key))
    if kind == "hash":
        return [item for pair in client.hgetall(key).items() for item in pair]
    return []


def redis_traces(stack, person: Person, before: set[bytes]) -> list[str]:
    """Every key and value; a numeric id counts in a key's segments or as a whole value. Keys that
    existed before the person did are left out of the id check: the test stacks share one Redis,
    and another stack's user may have the same number."""
    client = redis.Redis.from_url(stack.env["GRIDAM_REDIS_URL"])
    found = []
    try:
        for key in client.scan_iter(count=1000):
            values = redis_values(client, key)
            text = key.decode(errors="replace") + " " + " ".join(v.decode(errors="replace") for v in values if v is not None)
            found += [f"redis {key!r}: {t}" for t in person.in_text(text)]
            if key not in before and str(person.user_id) in key.decode(errors="replace").split(":"):
                found.append(f"redis {key!r}: the user id")
    finally:
        client.close()
    return found


def kafka_traces(stack, person: Person) -> list[str]:
    """The latest value of every key of the CDC's change topics (what log compaction keeps)."""
    prefix = stack.env["GRIDAM_CDC_TOPIC_PREFIX"] + "."
    consumer = Consumer({"bootstrap.servers": stack.env["GRIDAM_KAFKA_BOOTSTRAP_SERVERS"], "group.id": "deletion-check", "enable.auto.commit": False})
    found = []
    try:
        topics = [name for name in consumer.list_topics(timeout=10).topics if name.startswith(prefix) and not name.endswith("reader-position")]
        for topic in topics:
            latest: dict[bytes, bytes | None] = {}
            for partition in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
                if high <= low:
                    continue
                consumer.assign([TopicPartition(topic, partition, low)])
                while True:
                    message = consumer.poll(10)
                    assert message is not None, f"{topic}[{partition}] not read to its end"
                    if message.error():
                        continue
                    latest[message.key()] = message.value()
                    if message.offset() >= high - 1:
                        break
            for key, value in latest.items():
                if value is None:  # a tombstone
                    continue
                row = orjson.loads(value)
                row = row["after"] or row["before"] or {}
                found += [f"kafka {topic} {key!r}: {t}" for t in person.in_row(topic.rsplit(".", 1)[1], row)]
    finally:
        consumer.close()
    return found


def mongo_traces(stack, person: Person) -> list[str]:
    client = MongoClient(stack.env["GRIDAM_ANALYTICS_MONGODB_URL"], serverSelectionTimeoutMS=5000)
    found = []
    try:
        database = client[stack.env["GRIDAM_ANALYTICS_MONGODB_DATABASE"]]
        for name in database.list_collection_names():
            for document in database[name].find():
                text = json.dumps(document, default=str, ensure_ascii=False)
                found += [f"mongo {name} {document['_id']}: {t}" for t in person.in_text(text)]
                if document.get("author_id") == person.user_id or str(document["_id"]).isdigit() and int(document["_id"]) in person.diary_ids:
                    found.append(f"mongo {name} {document['_id']}: a document of the person")
    finally:
        client.close()
    return found


def traces(stack, person: Person, objects: list, redis_before: set[bytes]) -> list[str]:
    found = sql_traces(stack, person) + media_traces(stack, person, objects)
    if "GRIDAM_REDIS_URL" in stack.env:
        found += redis_traces(stack, person, redis_before)
    if stack.env.get("GRIDAM_CDC_MYSQL_URL"):
        found += kafka_traces(stack, person) + mongo_traces(stack, person)
    return found


def redis_keys(stack) -> set[bytes]:
    if "GRIDAM_REDIS_URL" not in stack.env:
        return set()
    client = redis.Redis.from_url(stack.env["GRIDAM_REDIS_URL"])
    try:
        return set(client.scan_iter(count=1000))
    finally:
        client.close()


# --- the account ----------------------------------------------------------------------------


_ACCOUNTS = itertools.count()


def rich_account(api: Api) -> tuple[Person, dict]:
    """Diaries with a photo and cards, word clouds, an avatar, a shared post with others' comments
    and reactions, a comment of theirs on a friend's post with a reply, likes, follows both ways.
    Returns the person and what the test checks on others' side."""
    person = Person(api.new_user(nickname="떠나는사람"))
    me = person.user
    friend, fan = api.new_user(nickname="친구"), api.new_user(nickname="팬")
    # Images of this account alone: stored content-addressed, the same bytes uploaded by another
    # test's user would be one object, rightly kept after this account is gone.
    own_photo = jpeg_with_gps(colour=(10, 10 + 60 * next(_ACCOUNTS), 250))
    avatar = api.patch("/api/users/profile-image", me, files={"image": ("a.jpg", own_photo, "image/jpeg")})
    assert avatar.json()["success"] is True, avatar.text
    photo_diary = write(api, me, "비밀", DIARY_TEXT, image=own_photo)
    wait_for_card(api, me, photo_diary)
    post = share(api, me)  # a shared card with others' comments and reactions
    friends_comment = api.post(f"/api/feed/{post}/comment", friend, json={"content": "정말 멋진 하루였네요 응원해요"}).json()["result"]
    api.post(f"/api/feed/{post}/reaction", friend, json={"reactionType": "좋아요"})
    friends_post = share(api, friend)
    mine = api.post(f"/api/feed/{friends_post}/comment", me, json={"content": COMMENT_TEXT}).json()["result"]
    reply = api.post(f"/api/feed/{friends_post}/comment", fan, json={"content": "저도 같은 생각이에요 :)", "parentCommentId": mine["id"]}).json()["result"]
    api.post(f"/api/feed/{friends_post}/reaction", me, json={"reactionType": "공감해요"})
    api.post(f"/api/feed/{friends_post}/comment/{friends_comment['id']}/like", me)
    for a, b in ((me, friend), (friend, me), (fan, me)):
        assert api.post(f"/api/follows/{b.login_id}", a).json()["success"] is True
    for day in range(3):  # more diaries, their cards still owed when the account goes
        write(api, me, f"다른 날 {day}", f"{DIARY_TEXT} {day}")
    person.diary_ids = {int(d["diaryId"]) for d in api.get("/api/diary/list", me).json()["result"]}
    for diary_id in person.diary_ids:
        wait_for_analysis(api, me, str(diary_id))
    clouds = api.post(f"/api/v1/word-cloud/generate/{me.login_id}", me)
    assert clouds.status_code == 200 and clouds.json()["success"] is True, clouds.text
    wait_until(lambda: any(n["noticeType"] == "FOLLOW" for n in
                           api.get("/api/notifications/notifications/recent", me, params={"size": 20}).json()["result"]["notiList"]),
               "the follow notifications")
    return person, {"friend": friend, "fan": fan, "post": post, "friends_post": friends_post, "reply": reply}


def stored_objects(api: Api, person: Person) -> list:
    me = person.user
    urls = [api.get("/api/users/profile", me).json()["result"]["profileImgUrl"]]
    urls += [d["imageUrl"] for d in api.get("/api/diary/list", me).json()["result"] if d["imageUrl"]]
    urls += [c["cardImageUrl"] for c in api.get("/api/emotion-cards?size=20", me).json()["result"]["cardInfoList"]]
    urls += [c["url"] for c in api.get("/api/v1/word-cloud", me).json()["result"]["imageUrls"]]
    objects = [api.stack.data_dir / "media" / url.split("/api/media/", 1)[1].split("?", 1)[0] for url in urls]
    assert len(objects) >= 5 and all(path.is_file() for path in objects), objects  # avatar, photo, two cards, clouds
    return objects


def delete_account(api: Api, person: Person) -> None:
    me = person.user
    assert_error(api.request("DELETE", "/api/users/me", me, json={"password": "wrong-password1"}), 400, "USER4007")
    deleted = api.request("DELETE", "/api/users/me", me, json={"password": me.password})
    assert deleted.status_code == 200 and deleted.json()["success"] is True, deleted.text
    assert deleted.json()["result"]["loginIdFreeAt"].endswith("+09:00")
    # Signed out everywhere at once; the login id is not free yet (the cool-down).
    assert api.get("/api/users/profile", me).status_code == 401
    assert api.post("/api/auth/reissue", json={"refreshToken": me.refresh_token}).status_code == 401


def others_see_it_consistently(api: Api, person: Person, others: dict) -> None:
    """Once the jobs are done (the follow counts change at once)."""
    friend, fan = others["friend"], others["fan"]
    assert_error(api.get(f"/api/users/profile/{person.user.login_id}", friend), 404, "USER4041")
    assert api.get("/api/users/profile", friend).json()["result"]["followerCount"] == 0
    assert api.get("/api/users/profile", fan).json()["result"]["followingCount"] == 0
    listed = api.get(f"/api/feed/{others['friends_post']}/comment/list", friend).json()["result"]["commentList"]
    assert [(c["id"], c["parentCommentId"]) for c in listed] == [(others["reply"]["id"], None)]  # the reply stays, top-level
    assert api.get(f"/api/feed/{others['friends_post']}", friend).json()["result"]["reactions"] == {}
    assert_error(api.get(f"/api/feed/{others['post']}", friend), 404, "FEED4041")


def assert_forgotten(api: Api, person: Person, objects: list, redis_before: set[bytes]) -> None:
    left: list[str] = []

    def forgotten() -> bool:
        left[:] = traces(api.stack, person, objects, redis_before)
        return not left

    try:
        wait_until(forgotten, "every trace of the account gone", timeout=TRACE_TIMEOUT_SECONDS, interval=2)
    except AssertionError:
        raise AssertionError(f"traces left: {left}") from None


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
def embedded_api(stack) -> Iterator[Api]:
    client = Api(stack)
    yield client
    client.http.close()


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_a_deleted_account_leaves_no_trace_on_the_embedded_profile(embedded_api: Api):
    api = embedded_api
    person, others = rich_account(api)
    objects = stored_objects(api, person)
    delete_account(api, person)
    assert_forgotten(api, person, objects, set())
    others_see_it_consistently(api, person, others)


def test_a_deleted_account_leaves_no_trace_on_the_distributed_profile_with_cdc(read_model_stack):
    api = Api(read_model_stack)
    try:
        redis_before = redis_keys(read_model_stack)
        person, others = rich_account(api)
        objects = stored_objects(api, person)
        wait_until(lambda: mongo_traces(read_model_stack, person), "the person's diaries in the read model")
        delete_account(api, person)
        assert_forgotten(api, person, objects, redis_before)
        others_see_it_consistently(api, person, others)
    finally:
        api.http.close()


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_the_deletion_finishes_when_its_workers_are_killed_mid_way(embedded_api: Api):
    """The relay is SIGKILLed (with the user service it runs in) while its job is half done: the
    diary service has forgotten the person, the emotion service refuses until the purges have
    run, and the pipeline worker that owes them is down. Then that worker is SIGKILLed while the
    purges run. Once both are back, the deletion finishes with no trace."""
    api = embedded_api
    stack = api.stack
    person, _others = rich_account(api)
    objects = stored_objects(api, person)
    with pipeline_stopped(api):
        retries = metric(api, "user-service", DELETION_RETRIES)
        delete_account(api, person)
        wait_until(lambda: metric(api, "user-service", DELETION_RETRIES) > retries, "the relay's job half done, retried")
        relay = stack.process("user-service").process
        relay.send_signal(signal.SIGKILL)
        relay.wait()
        stack.restart_service("user-service")
    worker = stack.process("diary-worker").process

    def purged() -> bool:
        try:
            return metric(api, "diary-worker", 'gridam_jobs_finished_total{kind="purge",outcome="done"}') > 0
        except httpx.ConnectError:  # the worker just started: no metrics port yet
            return False

    wait_until(purged, "a purge done", timeout=60, interval=0.1)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    stack.start_worker()
    assert_forgotten(api, person, objects, set())
