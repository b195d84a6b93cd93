"""Real user journeys through the gateway's web API at a fixed rate, every request in a history file.

A journey is one visit of a user: a new user signs up (the real SMS flow) and logs in, or a known one
comes back (as the app does: its kept session refreshed, or a login when it had logged out), writes a
diary (some with a photo), looks at the analysis and card of an earlier diary, shares a ready card,
follows someone, reacts to and comments on a post, reads the feed, the calendar, the statistics and a
search, sometimes deletes an older diary, and sometimes logs out.

History lines (JSON): at (epoch s), user, op (method and route), request_id, status (0: no answer),
code (the envelope's code or the transport error), and for an acknowledged write `ack` and its ids.
"""

from __future__ import annotations

import json
import pathlib
import random
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
import jwt

from tests.support.api import Api, User, client_address, new_login_id
from tests.support.days import today
from tests.support.web import diary_form, jpeg_with_gps

_ROUTE_IDS = re.compile(r"/(\d+|u[0-9a-f]{12})(?=/|$)")
# Answers that are the documented outcome, not a failure: an analysis or card not made yet, a post
# deleted (with its diary) by its author meanwhile.
AS_DESIGNED = ("EMOTION4041", "EMOTIONCARD4001", "FEED4041")
REACTIONS = ("좋아요", "공감해요", "슬퍼요", "힘내요")
WORDS = ("바다", "산책", "커피", "친구", "비", "고양이", "시험", "여행")
# Visits that end with a logout. The others keep the session, as the app does (a refresh token lives
# 14 days), so most returns refresh it instead of logging in: a login hashes the password (argon2,
# the costliest request), which a journey per login would make the bulk of the stack's CPU.
LOGOUT_SHARE = 0.2
# A kept session that is gone (expired, or revoked after a rotated token was presented again, e.g.
# when the answer of the previous refresh was lost in a fault): the app asks for a login.
SESSION_GONE = ("AUTH4012", "AUTH4013")


class History:
    """The history file, appended to by every journey thread."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path
        self._out = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, entry: dict) -> None:
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self._out.write(line + "\n")

    def close(self) -> None:
        with self._lock:
            self._out.close()


def read_history(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class Member:
    """A user of the soak and what it knows of its own diaries."""

    user: User
    numeric_id: int = 0
    diaries: list[str] = field(default_factory=list)  # live, oldest first
    shared: set[str] = field(default_factory=set)  # diaries whose card was shared
    reacted: set[int] = field(default_factory=set)  # posts: the same reaction again would take it back


class Abort(Exception):
    """A request of the journey failed: the rest of the visit is given up (the failure is in the history)."""


class RecordingApi(Api):
    """tests.support.api.Api whose every request carries a fresh X-Request-Id and is written to the history."""

    def __init__(self, stack, history: History) -> None:
        super().__init__(stack)
        self.history = history
        self.user = ""
        self.http.timeout = httpx.Timeout(15)
        self.http.event_hooks = {"request": [self._tag], "response": [self._record]}

    @staticmethod
    def _tag(request: httpx.Request) -> None:
        request.headers["X-Request-Id"] = uuid.uuid4().hex

    def _record(self, response: httpx.Response) -> None:
        response.read()
        try:
            code = response.json().get("code", "") if response.headers.get("content-type", "").startswith("application/json") else ""
        except ValueError:
            code = "not JSON"
        request = response.request
        self.history.write({"at": time.time(), "user": self.user, "op": f"{request.method} {_ROUTE_IDS.sub('/{id}', request.url.path)}",
                            "request_id": request.headers["X-Request-Id"], "status": response.status_code, "code": str(code)})

    def call(self, method: str, path: str, user: User | None = None, *, ok: tuple[str, ...] = (), **kwargs) -> dict | None:
        """The envelope's result; None for an answer in `ok` (documented "not yet" codes); Abort otherwise."""
        try:
            reply = self.request(method, path, user, **kwargs)
        except httpx.HTTPError as exc:
            self.history.write({"at": time.time(), "user": self.user, "op": f"{method} {_ROUTE_IDS.sub('/{id}', path.split('?')[0])}",
                                "request_id": "", "status": 0, "code": type(exc).__name__})
            raise Abort from exc
        body = reply.json() if reply.headers.get("content-type", "").startswith("application/json") else {}
        if reply.status_code == 200 and body.get("success"):
            return body.get("result") or {}
        if body.get("code") in ok:
            return None
        raise Abort(f"{method} {path}: {reply.status_code} {body.get('code')}")

    def ack(self, what: str, **ids) -> None:
        self.history.write({"at": time.time(), "user": self.user, "op": "ack", "ack": what, **ids})

    def attempt(self, what: str, **ids) -> None:
        """A write about to be asked for: if its answer is lost (a timeout, a 5xx) it may still have been
        applied, and the checker accepts either outcome (an indeterminate operation, as Jepsen's :info)."""
        self.history.write({"at": time.time(), "user": self.user, "op": "attempt", "attempt": what, **ids})


class Journeys:
    """Starts `rate` journeys a second on `concurrency` threads until stopped. A journey that cannot
    start because every thread is busy is counted in `dropped` (the load generator, not the stack, is short)."""

    def __init__(self, stack, history: History, *, rate: float, concurrency: int = 24, photo_share: float = 0.3,
                 seed: int = 23) -> None:
        self.stack = stack
        self.history = history
        self.rate = rate
        self.photo_share = photo_share
        self.random = random.Random(seed)
        self.members: list[Member] = []
        self.idle: list[Member] = []
        self.posts: list[int] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="journey")
        self._busy = threading.BoundedSemaphore(concurrency)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="journeys", daemon=True)
        self._local = threading.local()
        self.started = self.finished = self.aborted = self.dropped = 0
        self.photo = jpeg_with_gps()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._stop.is_set():
            if self._busy.acquire(blocking=False):
                self.started += 1
                self._pool.submit(self._journey)
            else:
                self.dropped += 1
            next_at += 1 / self.rate
            self._stop.wait(max(0.0, next_at - time.monotonic()))

    def _api(self) -> RecordingApi:
        if not hasattr(self._local, "api"):
            self._local.api = RecordingApi(self.stack, self.history)
        return self._local.api

    def _journey(self) -> None:
        api = self._api()
        member, outcome = None, "aborted"
        try:
            with self._lock:
                rnd = random.Random(self.random.random())
                if self.idle and (len(self.members) >= 50 and rnd.random() < 0.85):
                    member = self.idle.pop(rnd.randrange(len(self.idle)))
            if member is None:
                member = self._sign_up(api)
            else:
                api.user = member.user.login_id
                self._come_back(api, member)
            self._visit(api, member, rnd)
            outcome = "finished"
        except Abort:
            pass
        except Exception as exc:  # a journey bug must not stop the load; it is in the history
            self.history.write({"at": time.time(), "user": api.user, "op": "journey", "status": -1, "code": repr(exc)[:300]})
        finally:
            with self._lock:
                if member is not None:
                    self.idle.append(member)
                setattr(self, outcome, getattr(self, outcome) + 1)
            self._busy.release()

    def _sign_up(self, api: RecordingApi) -> Member:
        api.user = new_login_id()
        try:
            user = api.signup(api.user)  # the real SMS flow; asserts on anything but success
        except (AssertionError, httpx.HTTPError, ValueError, IndexError) as exc:
            raise Abort from exc
        member = Member(user)
        self._log_in(api, member)
        with self._lock:
            self.members.append(member)
        api.ack("user", login_id=user.login_id, user_id=member.numeric_id)
        return member

    def _log_in(self, api: RecordingApi, member: Member) -> None:
        result = api.call("POST", "/api/auth/login", json={"loginId": member.user.login_id, "password": member.user.password},
                          headers={"X-Forwarded-For": client_address()})
        member.user.access_token, member.user.refresh_token = result["accessToken"], result["refreshToken"]
        if not member.numeric_id:
            member.numeric_id = int(jwt.decode(member.user.access_token, options={"verify_signature": False})["sub"])

    def _come_back(self, api: RecordingApi, member: Member) -> None:
        user = member.user
        if user.refresh_token:
            tokens = api.call("POST", "/api/auth/reissue", json={"refreshToken": user.refresh_token}, ok=SESSION_GONE)
            if tokens is not None:
                user.access_token, user.refresh_token = tokens["accessToken"], tokens["refreshToken"]
                return
        self._log_in(api, member)

    def _visit(self, api: RecordingApi, me: Member, rnd: random.Random) -> None:
        user = me.user
        api.call("GET", "/api/users/profile", user)
        words = rnd.sample(WORDS, 2)
        image = self.photo if rnd.random() < self.photo_share else None
        diary = api.call("POST", "/api/diary", user, files=diary_form(f"{words[0]} 일기", f"오늘은 {words[0]}와 {words[1]} 때문에 행복했다.", image))
        me.diaries.append(diary["diaryId"])
        api.ack("diary", diary_id=int(diary["diaryId"]), author_id=me.numeric_id, photo=image is not None)
        if len(me.diaries) > 1:  # an earlier diary: its analysis and card are usually ready by now
            earlier = me.diaries[-2]
            api.call("GET", f"/api/diary/{earlier}/analysis", user, ok=AS_DESIGNED)
            card = api.call("GET", f"/api/emotion-cards/card-image?diaryId={earlier}", user, ok=AS_DESIGNED)
            if card is not None and earlier not in me.shared:
                post = api.call("POST", f"/api/feed/upload/{card['emotionCardId']}", user, json={"content": "오늘의 카드", "public": True})
                me.shared.add(earlier)
                api.ack("post", post_id=post["feedId"], diary_id=int(earlier))
                with self._lock:
                    self.posts.append(post["feedId"])
        with self._lock:
            others = [m for m in self.members if m is not me]
            posts = list(self.posts[-200:])
        if others:
            star = rnd.choice(others)
            api.call("POST", f"/api/follows/{star.user.login_id}", user)
            api.ack("follow", follower_id=me.numeric_id, followee_id=star.numeric_id)
        if posts:
            post = rnd.choice(posts)
            reaction = rnd.choice(REACTIONS)
            # FEED4041: the post was deleted with its diary meanwhile.
            if post not in me.reacted and api.call("POST", f"/api/feed/{post}/reaction", user, json={"reactionType": reaction},
                                                   ok=AS_DESIGNED) is not None:
                me.reacted.add(post)
                api.ack("reaction", post_id=post, user_id=me.numeric_id)
            comment = api.call("POST", f"/api/feed/{post}/comment", user, json={"content": f"{reaction} 응원해요"}, ok=AS_DESIGNED)
            if comment is not None:
                api.ack("comment", comment_id=comment["id"], post_id=post)
        api.call("GET", "/api/feed/timeline?size=10", user)
        api.call("GET", f"/api/emotion-cards/date?date={today()}", user)
        api.call("GET", "/api/v1/statistics/emotions", user, params={"year": today()[:4]})
        api.call("GET", "/api/diary/search", user, params={"q": words[0]})
        if len(me.diaries) > 3 and rnd.random() < 0.3:
            doomed = me.diaries[0]
            api.attempt("deletion", diary_id=int(doomed))
            # Not asked again if unanswered: it may have been applied (the checker accepts either),
            # and a second deletion would then be answered DIARY4041 as it should.
            me.diaries.remove(doomed)
            api.call("DELETE", f"/api/diary/{doomed}", user)
            api.ack("deletion", diary_id=int(doomed))
        if rnd.random() < LOGOUT_SHARE:
            api.call("POST", "/api/auth/logout", user, json={"accessToken": user.access_token})
            user.access_token = user.refresh_token = ""
