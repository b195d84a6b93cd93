"""Benchmark of the read paths people open every day, side by side in one run, through the gateway
on the distributed profile (MariaDB + Redis): the feed timeline (first and second page), the diary
list, the diary of a day, the card gallery, the card of a day, the unread notifications and a post's
comments, with the profile read (`GET /api/users/profile`) as the reference floor; at two data sizes.

    .venv/bin/python -m bench.read_paths_bench [--users 10000] [--follows 50] [--posts 20000,200000]
        [--sample 200] [--connections 4] [--seconds 8] [--runs 2] [--warmup 2] [--paths card-gallery,card-date]
        [--py-spy FOLDER [--py-spy-paths timeline,diary-list,...] [--py-spy-seconds 15]]
    .venv/bin/python -m bench.read_paths_bench --quick     # small data, short runs: does it still run?

What it does:
  1. starts a private MariaDB and Redis and the stack (DevStack: bench/harness.py);
  2. seeds straight into the services' databases (bulk inserts, as bench.timeline_bench): `--users`
     users each following `--follows` others (bench.timeline_bench.seed_users), a FOLLOW
     notification per follow; then, per data set, posts up to its count (ids and times increasing,
     one a second, audiences 50/30/20 % PUBLIC/FOLLOWERS/PRIVATE). Proportions (PROPORTIONS below):
     every post shares a diary of its author, stored with its analysis (emotion service) and its card
     (card service; one diary in ten has a second, redrawn version); one more diary, analysed and
     with a card, is kept unshared for every 4 posts; a post has 0-4 comments (2 on average, one in
     4 after the first a reply), a comment 0 or 1 like, a post 0-3 reactions (1.5 on average); each of
     those and each card tells its recipient, as the diary service would (its own notice functions),
     and the newest UNREAD_PER_USER notifications of each person are unread, the rest read;
  3. the `--sample` readers (logged in through POST /api/auth/login) own the same data at every
     size — DIARIES_PER_READER diaries, one a day, 4 in 5 shared — so each path reads the same per
     person and the data sets differ only by everybody else's posts: the figures at two sizes show
     what the size of the tables costs;
  4. for each data set: every reader's first timeline page (for its nextCursor and the posts whose
     comments are read), then per path a warm-up, then `--runs` rounds in which each path in turn is
     loaded by wrk (1 thread, `--connections` connections, closed loop) cycling through the readers'
     requests, each with the reader's own token, while the CPU of every process is sampled; medians;
  5. prints per data set each path's requests/s, p50/p99, CPU µs per request by process and the
     rows MariaDB read per request (its Handler_read_* counters: steady where the CPU figures are
     disturbed by other work), the growth of each path's CPU per request and rows read from the
     smallest to the largest data set, PASS/FAIL
     against the targets (issue 24: timeline ≥ 500 pages/s with p99 < 30 ms and ≤ 2,500 µs of CPU a
     page; every other path ≤ 2× the profile read's CPU; growth ≤ 1.2×), and writes
     bench/results/read_paths_bench.json;
  6. with --py-spy, afterwards (not during the measured runs) loads each path of `--py-spy-paths`
     again while `py-spy record --native` samples the gateway and the services (raw collapsed
     stacks into FOLDER) and prints each process's top Python functions (self and inclusive share
     of its on-CPU samples: the stacks of waiting threads left out, C time counted to the Python
     that called it). py-spy pauses a process at each sample, so the load runs slower meanwhile.
     py-spy is not a project dependency: `.venv/bin/python -m pip install py-spy`.

Everything is stopped and removed at the end, also on Ctrl-C. Exit status: 0 when every target
passes, 1 when one fails, 2 when the run itself failed, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx
import sqlalchemy as sa

from bench.harness import (
    ROOT,
    WRK_SCRIPT,
    BenchError,
    Infra,
    PathResult,
    check_clean,
    git_revision,
    measure_wrk,
    print_checks,
    record_speed_check,
    run_on_stack,
    run_wrk,
    speed_check,
    summary,
    table,
)
from bench.timeline_bench import AUDIENCE_WEIGHTS, AUDIENCES, INSERT_CHUNK, REQUESTS_SCRIPT, Population, log_in, seed_users
from card_service.adapters.orm import Card
from diary_service.adapters.orm import ANALYSIS_DONE, REACTION_TYPES, CommentLike, Diary, FeedComment, FeedPost, Notification, PostReaction
from diary_service.service_layer import notifications as notices
from emotion_service.adapters.orm import DiaryAnalysis
from gridam_domain.emotions import EMOTIONS, Emotion
from gridam_runtime import db
from user_service.adapters.orm import User

RESULTS_FILE = ROOT / "bench" / "results" / "read_paths_bench.json"

# Targets of issue 24, at the largest data set.
TARGET_TIMELINE_RPS = 500.0
TARGET_TIMELINE_P99_MS = 30.0
TARGET_TIMELINE_CPU_US = 2500.0
TARGET_VS_PROFILE = 2.0  # every other path's CPU per request ÷ the profile read's
TARGET_GROWTH = 1.2  # CPU per request at the largest ÷ at the smallest data set

# The data set's shape (docstring, step 2).
DIARIES_PER_READER = 25
UNSHARED_PER_POST = 0.25  # one unshared diary for every 4 posts
REDRAWN_SHARE = 0.1  # diaries with a second card version
COMMENTS_PER_POST = (0, 1, 2, 3, 4)  # drawn uniformly: 2 on average
REPLY_SHARE = 0.25
LIKED_COMMENT_SHARE = 0.5
REACTIONS_PER_POST = (0, 1, 2, 3)  # 1.5 on average
UNREAD_PER_USER = 12
PROPORTIONS = (
    f"a diary with its analysis and card per post, 1 unshared diary per {round(1 / UNSHARED_PER_POST)} posts, "
    f"{REDRAWN_SHARE:.0%} of cards redrawn once; {statistics.fmean(COMMENTS_PER_POST):g} comments per post "
    f"({REPLY_SHARE:.0%} of the later ones replies), {LIKED_COMMENT_SHARE:g} likes per comment, "
    f"{statistics.fmean(REACTIONS_PER_POST):g} reactions per post; notifications for each follow, comment, reply, "
    f"like, reaction and card, the newest {UNREAD_PER_USER} per person unread; readers own {DIARIES_PER_READER} "
    "diaries each (one a day, 4 in 5 shared) at every size"
)

PAGE_SIZE = 20
GALLERY_SIZE = 9
UNREAD_PAGE_SIZE = 4
# Server processes whose CPU makes a request's cost (wrk and the stack's idle services apart).
SERVERS = ["gateway", "diary service", "user service", "card service", "mariadb", "redis"]
SHORT = {"gateway": "gw", "diary service": "diary", "user service": "user", "card service": "card",
         "mariadb": "MariaDB", "redis": "Redis"}
PROFILE = "profile"
TIMELINE_PATHS = ("timeline", "timeline-2")

WORDS = ("산책", "커피", "친구", "회사", "비", "가족", "운동", "음악", "시험", "여행", "고양이", "저녁", "봄", "영화")
SENTENCES = (
    "오늘은 아침부터 비가 와서 조금 우울했지만 따뜻한 커피 한 잔이 위로가 되었다.",
    "친구와 오랜만에 통화를 했는데 예전 이야기를 하다 보니 시간이 금방 지나갔다.",
    "회사에서 발표를 무사히 끝내서 마음이 한결 가벼워졌고 저녁에는 산책을 했다.",
    "Today felt long, but a walk by the river in the evening calmed me down a lot.",
    "시험 결과가 걱정되어 잠이 잘 오지 않았다. 내일은 조금 더 일찍 일어나야겠다.",
)


# --------------------------------------------------------------------------- seeding


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def _distribution(rng: random.Random) -> dict[str, float]:
    weights = [rng.random() ** 3 for _ in EMOTIONS]
    total = sum(weights)
    return {e.name: round(w / total, 4) for e, w in zip(EMOTIONS, weights, strict=True)}


def _row(model: type, instance: object) -> dict:
    """The column values of an ORM instance built by the service's own code, as an insert row."""
    return {c.key: getattr(instance, c.key) for c in sa.inspect(model).column_attrs}


@dataclass
class Rows:
    """Rows of one seeding step, by table."""

    diaries: list[dict] = field(default_factory=list)
    analyses: list[dict] = field(default_factory=list)
    cards: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    likes: list[dict] = field(default_factory=list)
    reactions: list[dict] = field(default_factory=list)
    notifications: list[dict] = field(default_factory=list)


@dataclass
class ReaderData:
    dates: list[str] = field(default_factory=list)  # days with a diary


class Seeder:
    """Writes the data set in steps straight into the diary, card and emotion databases, with ids
    of its own (so a post, its diary, card and notifications agree without reading back)."""

    def __init__(self, env: dict[str, str], population: Population, readers: list[int], rng: random.Random,
                 epoch: datetime.datetime) -> None:
        self.engines = {name: db.create_engine(env[f"GRIDAM_{name.upper()}_DATABASE_URL"])
                        for name in ("user", "diary", "card", "emotion")}
        self.population, self.rng, self.epoch = population, rng, epoch
        self.readers = readers
        self.reader_set = set(readers)
        self.others = [u for u in population.user_ids if u not in self.reader_set]
        self.reader_data = {r: ReaderData() for r in readers}
        self.next_id = collections.Counter({"diary": 1, "card": 1, "post": 1, "comment": 1, "notification": 1})
        self.diary_counts: collections.Counter[int] = collections.Counter()
        self.newest: dict[int, collections.deque[int]] = {}  # recipient -> newest notification ids
        self.unread: set[int] = set()
        self.posts = 0

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()

    def _id(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] += 1
        return value

    def _notify(self, rows: Rows, notice: Notification, at: datetime.datetime) -> None:
        row = _row(Notification, notice) | {"id": self._id("notification"), "created_at": at, "checked": True}
        rows.notifications.append(row)
        self.newest.setdefault(row["recipient_id"], collections.deque(maxlen=UNREAD_PER_USER)).append(row["id"])

    def _diary(self, rows: Rows, author: int, day: datetime.date, at: datetime.datetime) -> tuple[dict, dict]:
        """A diary with its analysis, its card (sometimes a redrawn second version) and the
        CARD_READY notice; (diary row, newest card row)."""
        rng = self.rng
        diary_id = self._id("diary")
        hashtags = rng.sample(WORDS, 3)
        diary = {"id": diary_id, "author_id": author, "title": f"{day.isoformat()}의 일기",
                 "content": _text(rng, rng.randint(1, 4)), "date": day,
                 "photo_key": f"photos/{author}/{diary_id}.jpg" if rng.random() < 0.2 else "",
                 "hashtags": hashtags, "analysis_state": ANALYSIS_DONE, "created_at": at}
        distribution = _distribution(rng)
        dominant = max(distribution, key=distribution.get)
        feedback = "오늘 하루도 수고 많았어요. 작은 기쁨을 놓치지 마세요."
        keywords = [[word, round(1 - n * 0.2, 2)] for n, word in enumerate(hashtags)]
        rows.diaries.append(diary)
        rows.analyses.append({"diary_id": diary_id, "author_id": author, "date": day, "dominant": dominant,
                              "distribution": distribution, "hashtags": hashtags, "keywords": keywords,
                              "feedback": feedback, "safety_flag": False, "language": "ko",
                              "classifier": "bench", "created_at": at, "risk_level": "none"})
        card = {}
        for version in range(1, 3 if rng.random() < REDRAWN_SHARE else 2):
            card_id = self._id("card")
            card = {"id": card_id, "diary_id": diary_id, "version": version, "author_id": author, "date": day,
                    "image_key": f"cards/{author}/{card_id}.png", "dominant": dominant,
                    "distribution": distribution, "hashtags": hashtags, "keywords": keywords, "feedback": feedback,
                    "safety_flag": False, "language": "ko", "created_at": at}
            rows.cards.append(card)
        self._notify(rows, notices.card_ready_notice(author, diary_id, day.isoformat(), Emotion[dominant], hashtags,
                                                     card["image_key"]), at)
        self.diary_counts[author] += 1
        return diary, card

    def _post(self, rows: Rows, author: int, day: datetime.date | None) -> None:
        """The next post, written `id` seconds after the epoch, with its diary, comments, likes,
        reactions and their notices."""
        rng, logins = self.rng, self.population.login_ids
        post_id = self._id("post")
        at = self.epoch + datetime.timedelta(seconds=post_id)
        _, card = self._diary(rows, author, day or at.date(), at - datetime.timedelta(minutes=5))
        post = FeedPost(id=post_id, author_id=author, author_login_id=logins[author], card_id=card["id"],
                        diary_id=card["diary_id"], content=f"오늘의 감정 카드 #{post_id}",
                        audience=rng.choices(AUDIENCES, AUDIENCE_WEIGHTS)[0], created_at=at)
        rows.posts.append(_row(FeedPost, post))
        # Readers act on others' posts only at the first size, so their own data stay the same.
        actors = self.others if self.posts else self.population.user_ids
        comments: list[FeedComment] = []
        for n in range(rng.choice(COMMENTS_PER_POST)):
            writer = rng.choice(actors)
            parent = rng.choice(comments) if comments and rng.random() < REPLY_SHARE else None
            moment = at + datetime.timedelta(milliseconds=100 * (n + 1))
            comment = FeedComment(id=self._id("comment"), post_id=post_id, author_id=writer,
                                  author_login_id=logins[writer], parent_id=parent.id if parent else 0,
                                  content=_text(rng, 1)[: rng.randint(10, 80)], created_at=moment)
            comments.append(comment)
            rows.comments.append(_row(FeedComment, comment))
            # Who is told, as Feed.comment decides (visibility of the post to a replied-to author aside).
            if parent is not None and parent.author_id != writer:
                self._notify(rows, notices.reply_notice(post, parent, comment), moment)
            if author != writer and (parent is None or parent.author_id != author):
                self._notify(rows, notices.comment_notice(post, comment), moment)
            if rng.random() < LIKED_COMMENT_SHARE:
                liker = rng.choice(actors)
                rows.likes.append({"comment_id": comment.id, "user_id": liker, "post_id": post_id, "created_at": moment})
                if liker != writer:
                    self._notify(rows, notices.comment_like_notice(comment, liker, logins[liker]), moment)
        for n, reactor in enumerate(rng.sample(actors, rng.choice(REACTIONS_PER_POST))):
            kind = rng.choice(REACTION_TYPES)
            moment = at + datetime.timedelta(milliseconds=50 * (n + 1))
            rows.reactions.append({"post_id": post_id, "user_id": reactor, "reaction_type": kind, "created_at": moment})
            if reactor != author:
                self._notify(rows, notices.reaction_notice(post, reactor, logins[reactor], kind), moment)

    def follows(self) -> None:
        """A FOLLOW notice per follow, before any post."""
        rows, logins = Rows(), self.population.login_ids
        at = self.epoch - datetime.timedelta(days=1)
        for follower, followees in self.population.followees.items():
            for followee in followees:
                self._notify(rows, notices.follow_notice(follower, logins[follower], followee), at)
        self._write(rows)

    def grow(self, posts: int) -> None:
        """Posts up to `posts` in all; at the first step the readers' diaries and posts among them."""
        rows, rng = Rows(), self.rng
        count = posts - self.posts
        plan: list[tuple[int, datetime.date | None]] = []  # (author, day of the diary or None: the post's)
        if self.posts == 0:
            today = (self.epoch + datetime.timedelta(seconds=posts)).date()
            for reader in self.readers:
                days = [today - datetime.timedelta(days=n) for n in range(DIARIES_PER_READER)]
                self.reader_data[reader].dates = [d.isoformat() for d in days]
                shared = set(rng.sample(range(DIARIES_PER_READER), DIARIES_PER_READER * 4 // 5))
                plan += [(reader, days[n]) for n in shared]
                for n in set(range(DIARIES_PER_READER)) - shared:
                    at = datetime.datetime.combine(days[n], datetime.time(21)).replace(tzinfo=self.epoch.tzinfo)
                    self._diary(rows, reader, days[n], at)
            if len(plan) > count:
                raise BenchError(f"the first data set needs at least {len(plan):,} posts for the readers' own")
        plan += [(rng.choice(self.others), None) for _ in range(count - len(plan))]
        rng.shuffle(plan)
        for author, day in plan:
            self._post(rows, author, day)
            if author not in self.reader_set and rng.random() < UNSHARED_PER_POST:
                at = self.epoch + datetime.timedelta(seconds=self.next_id["post"] - 1, minutes=-30)
                self._diary(rows, author, at.date(), at)
        self.posts = posts
        self._write(rows)

    def _write(self, rows: Rows) -> None:
        for database, model, values in (
            ("diary", Diary, rows.diaries), ("emotion", DiaryAnalysis, rows.analyses), ("card", Card, rows.cards),
            ("diary", FeedPost, rows.posts), ("diary", FeedComment, rows.comments),
            ("diary", CommentLike, rows.likes), ("diary", PostReaction, rows.reactions),
            ("diary", Notification, rows.notifications),
        ):
            with self.engines[database].begin() as connection:
                for start in range(0, len(values), INSERT_CHUNK):
                    connection.execute(sa.insert(model), values[start : start + INSERT_CHUNK])
        # The newest notifications of each person are the unread ones.
        unread = {i for ids in self.newest.values() for i in ids}
        with self.engines["diary"].begin() as connection:
            table = Notification.__table__
            for flag, ids in ((True, sorted(self.unread - unread)), (False, sorted(unread - self.unread))):
                for start in range(0, len(ids), INSERT_CHUNK):
                    connection.execute(sa.update(table).where(table.c.id.in_(ids[start : start + INSERT_CHUNK]))
                                       .values(checked=flag))
        self.unread = unread
        if self.diary_counts:  # the users' own counter, as the user service keeps it
            with self.engines["user"].begin() as connection:
                counter = sa.update(User).where(User.id == sa.bindparam("uid")).values(diary_count=sa.bindparam("n"))
                connection.execute(counter, [{"uid": u, "n": n} for u, n in self.diary_counts.items()])
        for database, tables in (("diary", "diaries, feed_posts, feed_comments, comment_likes, post_reactions, "
                                           "notifications"), ("card", "cards"), ("emotion", "diary_analyses")):
            with self.engines[database].begin() as connection:
                connection.exec_driver_sql(f"ANALYZE TABLE {tables}")  # fresh statistics, as live tables have

    def table_sizes(self) -> dict[str, int]:
        sizes = {}
        for database, tables in (("diary", ("diaries", "feed_posts", "feed_comments", "comment_likes",
                                             "post_reactions", "notifications")),
                                 ("card", ("cards",)), ("emotion", ("diary_analyses",)), ("user", ("follows",))):
            with self.engines[database].connect() as connection:
                for name in tables:
                    sizes[name] = connection.exec_driver_sql(f"SELECT COUNT(*) FROM {name}").scalar_one()
        return sizes


# --------------------------------------------------------------------------- the paths


@dataclass(frozen=True)
class ReadPath:
    key: str
    label: str  # what the report calls it
    endpoint: str  # as docs/web-api.md names it


PATHS = (
    ReadPath("timeline", "timeline, first page", f"GET /api/feed/timeline?size={PAGE_SIZE}"),
    ReadPath("timeline-2", "timeline, second page", f"GET /api/feed/timeline?size={PAGE_SIZE}&cursor="),
    ReadPath("diary-list", "diary list", "GET /api/diary/list"),
    ReadPath("diary-date", "diary by date", "GET /api/diary?date="),
    ReadPath("card-gallery", "card gallery", f"GET /api/emotion-cards?size={GALLERY_SIZE}"),
    ReadPath("card-date", "card by date", "GET /api/emotion-cards/date?date="),
    ReadPath("unread", "unread notifications", f"GET /api/notifications/notifications/unchecked?size={UNREAD_PAGE_SIZE}"),
    ReadPath("comments", "a post's comments", "GET /api/feed/{id}/comment/list"),
    ReadPath(PROFILE, "profile (floor)", "GET /api/users/profile"),
)
PATH_KEYS = [p.key for p in PATHS]


def _get(http: httpx.Client, path: str, token: str) -> dict:
    reply = http.get(path, headers={"Authorization": f"Bearer {token}"})
    if reply.status_code != 200:
        raise BenchError(f"GET {path} -> {reply.status_code} {reply.text}")
    return reply.json()["result"]


def requests_by_path(http_url: str, seeder: Seeder, readers: list[int], tokens: list[str],
                     rng: random.Random, paths: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The (request path, token) pairs of each path of `paths` over the readers; the second
    timeline pages and the posts whose comments are read come from each reader's first page, read
    once here. Every path's requests are drawn and checked whichever are measured, so a run of a
    few paths reads the same readers' days and posts as a run of all."""
    by_path: dict[str, list[tuple[str, str]]] = {key: [] for key in PATH_KEYS}
    with httpx.Client(base_url=http_url, timeout=30) as http:
        for reader, token in zip(readers, tokens, strict=True):
            first = _get(http, f"/api/feed/timeline?size={PAGE_SIZE}", token)
            by_path["timeline"].append((f"/api/feed/timeline?size={PAGE_SIZE}", token))
            if first["nextCursor"]:
                by_path["timeline-2"].append((f"/api/feed/timeline?size={PAGE_SIZE}&cursor={first['nextCursor']}", token))
            for item in rng.sample(first["feedList"], min(2, len(first["feedList"]))):
                by_path["comments"].append((f"/api/feed/{item['id']}/comment/list", token))
            dates = seeder.reader_data[reader].dates
            for day in rng.sample(dates, 3):
                by_path["diary-date"].append((f"/api/diary?date={day}", token))
            for day in rng.sample(dates, 3):
                by_path["card-date"].append((f"/api/emotion-cards/date?date={day}", token))
            by_path["diary-list"].append(("/api/diary/list", token))
            by_path["card-gallery"].append((f"/api/emotion-cards?size={GALLERY_SIZE}", token))
            by_path["unread"].append((f"/api/notifications/notifications/unchecked?size={UNREAD_PAGE_SIZE}", token))
            by_path[PROFILE].append(("/api/users/profile", token))
        # Each path answers as it should before it is loaded (wrk then counts any non-2xx answer).
        for key, requests in by_path.items():
            if len(requests) < len(readers) / 2:
                raise BenchError(f"{key}: requests for only {len(requests)} of {len(readers)} readers: too little data")
            _get(http, requests[0][0], requests[0][1])
    by_path = {key: requests for key, requests in by_path.items() if key in paths}
    for requests in by_path.values():
        rng.shuffle(requests)
    return by_path


def wrk_script(folder: pathlib.Path, key: str, requests: list[tuple[str, str]]) -> pathlib.Path:
    lines = ",\n".join(f'  {{"{path}", "{token}"}}' for path, token in requests)
    script = folder / f"{key}.lua"
    script.write_text(WRK_SCRIPT.replace("TOKEN", requests[0][1]) + REQUESTS_SCRIPT % lines)
    return script


@dataclass
class DataSet:
    posts: int
    sizes: dict[str, int]
    results: dict[str, PathResult]
    rows_read: dict[str, float]  # per request


class RowsRead:
    """Rows MariaDB read from storage (its Handler_read_* counters, all sessions): unlike the CPU
    figures, the machine's other work does not move them, so they tell whether a path reads more
    as the tables grow. The stack's background pollers add a few rows a second."""

    def __init__(self, url: str) -> None:
        self._engine = db.create_engine(url)
        first = self._count()
        self._overhead = self._count() - first  # what reading the counters reads

    def _count(self) -> int:
        with self._engine.connect() as connection:
            return sum(int(v) for _, v in connection.exec_driver_sql("SHOW GLOBAL STATUS LIKE 'Handler_read%%'"))

    def start(self) -> None:
        self._before = self._count()

    def stop(self) -> int:
        return self._count() - self._before - self._overhead

    def close(self) -> None:
        self._engine.dispose()


def measure_data_set(infra: Infra, args: argparse.Namespace, roots: dict[str, int],
                     scripts: dict[str, pathlib.Path], posts: int, rows: RowsRead) -> tuple[dict[str, PathResult], dict[str, float]]:
    """Per path a warm-up, then `args.runs` rounds of every path in turn (interleaved, so a slow
    minute of the shared machine falls on all paths alike); the results and the rows read per request."""
    url = infra.stack.http_url + "/"
    for key, script in scripts.items():
        if args.warmup > 0:
            warm, _, _ = run_wrk(url, script, threads=args.wrk_threads, connections=args.connections, seconds=args.warmup)
            check_clean(warm, f"{key} warm-up")
    runs: dict[str, list[PathResult]] = {key: [] for key in scripts}
    read: collections.Counter[str] = collections.Counter()
    for n in range(args.runs):
        print(f"{posts:,} posts: round {n + 1} of {args.runs}, {len(scripts)} paths × {args.seconds:g}s ...", flush=True)
        for key, script in scripts.items():
            rows.start()
            runs[key].append(measure_wrk(url, script, args, roots, key, key))
            read[key] += rows.stop()
    results = {key: PathResult.combine(rounds) for key, rounds in runs.items()}
    return results, {key: read[key] / results[key].requests for key in scripts}


# --------------------------------------------------------------------------- py-spy


def _function(frame: str) -> str:
    """'handle (grpc/_server.py:123)' -> 'handle (grpc/_server.py)'; native frames as they are."""
    return re.sub(r":\d+\)$", ")", frame.strip())


# Frames of a thread that waits rather than runs: py-spy --native samples waiting threads too (the
# event loop in epoll, the worker threads on their queue, a thread waiting for the GIL or for
# MariaDB's answer). Unnamed libc addresses at the leaf are futex and syscall wrappers.
WAITING = re.compile(
    r"^(epoll_wait|epoll_pwait|poll|select|pselect|recv|recvfrom|recvmsg|read|nanosleep|clock_nanosleep|accept4?"
    r"|sem_wait|sem_timedwait|sem_clockwait|pthread_cond_wait|pthread_cond_timedwait|take_gil|drop_gil"
    r"|PyThread_acquire_lock_timed|_queue_SimpleQueue_get(_impl)?) \(|^0x[0-9a-f]+ \(libc\."
)


def top_functions(raw: pathlib.Path, count: int) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """(on-CPU samples, top self shares, top inclusive shares) of a py-spy raw (collapsed stacks)
    file. Stacks of waiting threads are left out; a sample's "self" is its deepest Python function
    (the C below it — gRPC's core, protobuf, the MariaDB driver — counted to the Python that called
    it), and "inclusive" counts each Python function once per stack."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        frames = [_function(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames or WAITING.match(frames[-1]) or any(f.startswith(("take_gil ", "PyThread_acquire_lock_timed "))
                                                          for f in frames):
            continue
        python = [f for f in frames if f.endswith(".py)")]
        if not python:
            continue
        n = int(samples)
        total += n
        own[python[-1]] += n
        for name in set(python):
            inclusive[name] += n
    def share(counts: collections.Counter[str]) -> list[tuple[str, float]]:
        return [(name, n / max(1, total)) for name, n in counts.most_common(count)]

    return total, share(own), share(inclusive)


def profile_paths(infra: Infra, args: argparse.Namespace, roots: dict[str, int],
                  scripts: dict[str, pathlib.Path]) -> dict:
    """Each path of --py-spy-paths loaded again while py-spy samples each server process."""
    py_spy = shutil.which("py-spy") or str(pathlib.Path(sys.executable).parent / "py-spy")
    if not pathlib.Path(py_spy).exists():
        raise BenchError("--py-spy needs py-spy: .venv/bin/python -m pip install py-spy")
    args.py_spy.mkdir(parents=True, exist_ok=True)
    processes = {name: roots[name] for name in ("gateway", "diary service", "user service", "card service")}
    found: dict = {}
    for key in args.py_spy_paths:
        print(f"py-spy: {key}, {args.py_spy_seconds}s ...", flush=True)
        load = subprocess.Popen(
            ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.py_spy_seconds + 3}s",
             "-s", str(scripts[key]), infra.stack.http_url + "/"], stdout=subprocess.DEVNULL)
        time.sleep(1)
        samplers = {}
        for name, pid in processes.items():
            out = args.py_spy / f"{key}-{name.replace(' ', '-')}.txt"
            samplers[name] = (out, subprocess.Popen(
                [py_spy, "record", "--pid", str(pid), "--duration", str(args.py_spy_seconds), "--rate", "100",
                 # With C frames: without them, a thread blocked in C (the event loop in gRPC's core,
                 # a worker waiting for MariaDB's answer) looks busy in the Python that called it.
                 "--format", "raw", "--native", "--subprocesses", "-o", str(out)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        for name, (out, sampler) in samplers.items():
            _, errors = sampler.communicate()
            if sampler.returncode != 0 or not out.exists():
                print(f"  py-spy on the {name} failed: {errors.strip()[-300:]}", file=sys.stderr)
        load.wait()
        found[key] = {}
        for name, (out, _) in samplers.items():
            if not out.exists():
                continue
            total, own, inclusive = top_functions(out, args.py_spy_top)
            found[key][name] = {"samples": total, "self": own, "inclusive": inclusive, "file": str(out)}
            print(f"  {key} — {name}: {total:,} samples on the CPU ({out})")
            print("    self:      " + "; ".join(f"{share:.0%} {fn}" for fn, share in own))
            print("    inclusive: " + "; ".join(f"{share:.0%} {fn}" for fn, share in inclusive))
    return found


# --------------------------------------------------------------------------- report


def _cpu(result: PathResult) -> float:
    return result.cpu_us_per_request(SERVERS)


def report(data_sets: list[DataSet], config: dict, args: argparse.Namespace) -> tuple[dict, dict]:
    cores = os.cpu_count() or 1
    small, large = data_sets[0], data_sets[-1]
    floor = _cpu(large.results[PROFILE])
    labels = {p.key: p.label for p in PATHS}
    print()
    print(f"Read paths through the gateway — {args.connections} connections (wrk, closed loop), {args.runs} × "
          f"{args.seconds:g}s per path and data set (rounds interleaved) after {args.warmup:g}s warm-up, {cores} cores")
    for key, value in config.items():
        print(f"  {key}: {value}")
    for d in data_sets:
        print()
        print(f"{d.posts:,} posts (" + ", ".join(f"{n} {v:,}" for n, v in d.sizes.items()) + ")")
        header = ("path", "requests/s", "p50 ms", "p99 ms",
                  "CPU µs/request: " + " + ".join(SHORT[n] for n in SERVERS) + " = servers", "× profile",
                  "rows read/request")
        rows = [header]
        floor_here = _cpu(d.results[PROFILE])
        for key, r in d.results.items():
            parts = " + ".join(f"{r.cpu_us_per_request([n]):,.0f}" for n in SERVERS)
            rows.append((labels[key], f"{r.rps:,.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}",
                         f"{parts} = {_cpu(r):,.0f}", f"{_cpu(r) / floor_here:.2f}×", f"{d.rows_read[key]:,.0f}"))
        print("\n".join(table(rows, indent="  ")))
        busy = statistics.fmean(r.machine_busy * cores for r in d.results.values())
        other = statistics.fmean(r.other_cores for r in d.results.values())
        print(f"  machine busy {busy:.2f} of {cores} cores on average, other processes {other:.2f} cores")
        if other > 0.25:
            print(f"WARNING: other work took {other:.2f} cores during the {d.posts:,}-post runs: figures disturbed")
    print()
    growth = {key: _cpu(large.results[key]) / _cpu(small.results[key]) for key in large.results}
    print(f"CPU per request, {large.posts:,} ÷ {small.posts:,} posts: "
          + ", ".join(f"{labels[k]} {g:.2f}×" for k, g in growth.items()))
    rows_growth = {key: large.rows_read[key] / max(1.0, small.rows_read[key]) for key in large.results}
    print(f"rows read per request, {large.posts:,} ÷ {small.posts:,} posts: "
          + ", ".join(f"{labels[k]} {g:.2f}×" for k, g in rows_growth.items()))
    print()

    checks: dict[str, tuple[bool, str]] = {}
    for key in TIMELINE_PATHS:
        if key not in large.results:
            continue
        r = large.results[key]
        checks[f"{key}_rps"] = (r.rps >= TARGET_TIMELINE_RPS,
                                f"{labels[key]} at {large.posts:,} posts: {r.rps:,.0f} pages/s ≥ {TARGET_TIMELINE_RPS:,.0f}")
        checks[f"{key}_p99"] = (r.p99_ms < TARGET_TIMELINE_P99_MS,
                                f"{labels[key]}: p99 {r.p99_ms:.1f} ms < {TARGET_TIMELINE_P99_MS:g} ms")
        checks[f"{key}_cpu"] = (_cpu(r) <= TARGET_TIMELINE_CPU_US,
                                f"{labels[key]}: {_cpu(r):,.0f} µs CPU per page ≤ {TARGET_TIMELINE_CPU_US:,.0f}")
    for key in large.results:
        if key in TIMELINE_PATHS or key == PROFILE:
            continue
        ratio = _cpu(large.results[key]) / floor
        checks[f"{key}_vs_profile"] = (ratio <= TARGET_VS_PROFILE,
                                       f"{labels[key]}: {_cpu(large.results[key]):,.0f} µs CPU per request, {ratio:.2f}× "
                                       f"the profile read's {floor:,.0f} ≤ {TARGET_VS_PROFILE:g}×")
    for key, g in growth.items():
        checks[f"{key}_growth"] = (g <= TARGET_GROWTH, f"{labels[key]}: CPU per request {large.posts:,} ÷ "
                                   f"{small.posts:,} posts {g:.2f}× ≤ {TARGET_GROWTH}×")
    print_checks(checks)
    figures = {
        "data_sets": [{"posts": d.posts, "table_rows": d.sizes,
                       "paths": {key: {"endpoint": next(p.endpoint for p in PATHS if p.key == key),
                                       "mariadb_rows_read_per_request": round(d.rows_read[key], 1),
                                       **r.as_json(SERVERS)} for key, r in d.results.items()}}
                      for d in data_sets],
        "cpu_growth_largest_over_smallest": {k: round(g, 3) for k, g in growth.items()},
        "rows_read_growth_largest_over_smallest": {k: round(g, 3) for k, g in rows_growth.items()},
    }
    return checks, figures


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The daily read paths through the gateway, side by side.")
    parser.add_argument("--quick", action="store_true",
                        help="small data and short runs, to check that it runs (figures mean nothing): "
                             "--users 1000 --follows 20 --posts 6000,12000 --sample 30 --seconds 2 --runs 1 --warmup 1")
    parser.add_argument("--users", type=int, default=10_000, help="users seeded (default 10000)")
    parser.add_argument("--follows", type=int, default=50, help="others each user follows (default 50)")
    parser.add_argument("--posts", default="20000,200000", help="post counts measured in turn, ascending (default 20000,200000)")
    parser.add_argument("--sample", type=int, default=200, help="readers logged in, whose pages are read (default 200)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per path and round (default 8)")
    parser.add_argument("--runs", type=int, default=2, help="rounds per data set; medians reported (default 2)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per path and data set (default 2)")
    parser.add_argument("--paths", default=",".join(PATH_KEYS),
                        help=f"paths measured, of {','.join(PATH_KEYS)}; the profile read always (default: all)")
    parser.add_argument("--py-spy", type=pathlib.Path, default=None, metavar="FOLDER",
                        help="afterwards, profile paths with py-spy into FOLDER (see --py-spy-paths)")
    parser.add_argument("--py-spy-paths", default="timeline,diary-list,card-gallery,unread,comments",
                        help=f"paths profiled with --py-spy, of {','.join(PATH_KEYS)}")
    parser.add_argument("--py-spy-seconds", type=int, default=15, help="seconds sampled per path (default 15)")
    parser.add_argument("--py-spy-top", type=int, default=12, help="functions printed per process (default 12)")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="GRIDAM_LOG_LEVEL (default WARNING)")
    parser.add_argument("--env", action="append", default=[], metavar="GRIDAM_NAME=value",
                        help="extra setting for the stack; repeatable")
    parser.add_argument("--output", type=pathlib.Path, default=RESULTS_FILE, help=f"JSON file (default {RESULTS_FILE})")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs) after the run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's own output")
    args = parser.parse_args()
    if args.quick:
        args.users, args.follows, args.posts, args.sample = 1000, 20, "6000,12000", 30
        args.seconds, args.runs, args.warmup = 2.0, 1, 1.0
    try:
        args.posts = [int(n) for n in args.posts.split(",")]
    except ValueError:
        parser.error("--posts wants comma-separated counts")
    if len(args.posts) < 2 or args.posts != sorted(set(args.posts)):
        parser.error("--posts wants at least two ascending counts")
    if args.posts[0] < args.sample * DIARIES_PER_READER:
        parser.error(f"the first count of --posts must hold the readers' posts (≥ {DIARIES_PER_READER} × --sample)")
    if not 0 < args.follows < args.users or not 0 < args.sample < args.users:
        parser.error("--follows must be below --users, --sample between 1 and --users")
    if args.runs < 1 or args.seconds < 1 or args.warmup < 0 or args.connections < 1:
        parser.error("--runs, --seconds and --connections must be at least 1, --warmup at least 0")
    asked = {k for k in args.paths.split(",") if k}
    if unknown := asked - set(PATH_KEYS):
        parser.error(f"--paths: unknown {sorted(unknown)}; known: {','.join(PATH_KEYS)}")
    args.paths = [k for k in PATH_KEYS if k in asked or k == PROFILE]
    args.py_spy_paths = [k for k in args.py_spy_paths.split(",") if k]
    if unknown := set(args.py_spy_paths) - set(PATH_KEYS):
        parser.error(f"--py-spy-paths: unknown {sorted(unknown)}; known: {','.join(PATH_KEYS)}")
    args.py_spy_paths = [k for k in args.py_spy_paths if k in args.paths]  # of the paths measured
    args.wrk_threads, args.workers, args.no_access_log = 1, None, False
    return args


def measure_read_paths(infra: Infra, env: dict[str, str], args: argparse.Namespace) -> dict:
    rng = random.Random(24)
    begin = time.monotonic()
    population = seed_users(env["GRIDAM_USER_DATABASE_URL"], args.users, args.follows, rng)
    readers = sorted(rng.sample(population.user_ids, args.sample))
    epoch = db.utcnow() - datetime.timedelta(seconds=args.posts[-1] + 1)  # the newest post is a second old
    seeder = Seeder(env, population, readers, rng, epoch)
    try:
        seeder.follows()
        print(f"seeded {args.users:,} users, {args.users * args.follows:,} follows and their notices in "
              f"{time.monotonic() - begin:.1f}s", flush=True)
        begin = time.monotonic()
        tokens = log_in(infra.stack.http_url, [population.login_ids[r] for r in readers])
        print(f"logged {len(tokens)} readers in through POST /api/auth/login in {time.monotonic() - begin:.1f}s", flush=True)

        processes = {m.name: m.process.pid for m in infra.stack.processes}
        roots = {
            "gateway": processes["gateway"],
            "diary service": processes["diary-service"],
            "user service": processes["user-service"],
            "card service": processes["card-service"],
            "mariadb": infra.mariadb.process.pid,
            "redis": infra.redis.process.pid,
            # Not on the measured paths, but running beside them.
            "emotion service": processes["emotion-service"],
            "gpu-worker": processes["gpu-worker"],
            "diary worker": processes["diary-worker"],
        }
        config = {
            "code": git_revision(),
            "profile": "distributed (MariaDB + Redis), stack started by DevStack, one gateway process",
            "data": f"{args.users:,} users each following {args.follows}; {PROPORTIONS}",
            "load": f"wrk, 1 thread, {args.connections} connections, {len(tokens)} readers' requests in turn, "
                    "each with the reader's own token",
        }
        speed_before = speed_check()
        data_sets = []
        rows = RowsRead(env["GRIDAM_DIARY_DATABASE_URL"])
        for posts in args.posts:
            begin = time.monotonic()
            seeder.grow(posts)
            sizes = seeder.table_sizes()
            print(f"seeded up to {posts:,} posts in {time.monotonic() - begin:.1f}s: "
                  + ", ".join(f"{n} {v:,}" for n, v in sizes.items()), flush=True)
            by_path = requests_by_path(infra.stack.http_url, seeder, readers, tokens, rng, args.paths)
            scripts = {key: wrk_script(infra.root, key, requests) for key, requests in by_path.items()}
            data_sets.append(DataSet(posts, sizes, *measure_data_set(infra, args, roots, scripts, posts, rows)))
        rows.close()
        speed_after = speed_check()
        config["CPU speed check"] = f"{speed_before:.0f} ms before, {speed_after:.0f} ms after (lower is faster)"
        checks, figures = report(data_sets, config, args)
        if args.py_spy is not None:
            figures["py_spy"] = profile_paths(infra, args, roots, scripts)
    finally:
        seeder.close()
    result = summary(
        "the daily read paths through the gateway on MariaDB, side by side, at two data sizes",
        config,
        {"timeline_pages_per_s_min": TARGET_TIMELINE_RPS, "timeline_p99_ms_max": TARGET_TIMELINE_P99_MS,
         "timeline_cpu_us_per_page_max": TARGET_TIMELINE_CPU_US, "other_paths_cpu_vs_profile_max": TARGET_VS_PROFILE,
         "cpu_growth_max": TARGET_GROWTH},
        checks,
        **figures,
    )
    return record_speed_check(result, speed_before, speed_after)


def main() -> int:
    args = parse_args()
    return run_on_stack(
        args,
        lambda infra, env: measure_read_paths(infra, env, args),
        # Every reader logs in from this one address.
        extra_env={"GRIDAM_LOGIN_MAX_ATTEMPTS_PER_ADDRESS": "1000000"},
        errors=(sa.exc.SQLAlchemyError,),
    )


if __name__ == "__main__":
    sys.exit(main())
