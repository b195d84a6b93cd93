"""After the load and a drain: the history checked against the stores, and the report.

Invariants (each a list of violations; empty = holds):
- every write the API acknowledged exists: users, diaries, posts, follows, reactions, comments, and
  every acknowledged deletion is applied (the diary, its analysis and its cards are gone); a diary
  whose deletion was asked for but not answered (a timeout, a 5xx: it may have been applied) may be
  gone, with its posts;
- every live diary has exactly one analysis and at least one card;
- no notification is duplicated (one per event: a card ready, a follow, a reaction of one person);
- the MongoDB read model equals MySQL;
- no orphan media (every stored file is named by a diary, a card, an avatar or a word cloud).
Parked jobs are listed with their reason.
"""

from __future__ import annotations

import collections
import pathlib
import re
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from pymongo import MongoClient

from gridam_domain.read_model import COLLECTION
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from soak.load import AS_DESIGNED
from soak.stack import Fault, SoakStack
from tests.support.cdc import read_model_state, sql_state

DRAIN_TIMEOUT_S = 240
SIDECAR_SUFFIX = LocalFolderStorage._SIDECAR_SUFFIX
QUIET_S = 5.0  # recovered: a success after which RECOVERED_SHARE of the requests succeed for this long
RECOVERED_SHARE = 0.95


@dataclass
class Findings:
    invariants: dict[str, list[str]] = field(default_factory=dict)
    parked: list[str] = field(default_factory=list)
    drained_in_s: float = 0.0
    pending_jobs: int = 0  # still owed after the drain (a backlog, not a loss)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.invariants.values())


class Stores:
    def __init__(self, stack: SoakStack) -> None:
        env = stack.dev.env
        self.engines = {s: db.create_engine(env[f"GRIDAM_{s.upper()}_DATABASE_URL"]) for s in ("user", "diary", "emotion", "card")}
        self.mongo = MongoClient(stack.servers["ferretdb"].url, serverSelectionTimeoutMS=5000)
        self.read_model = self.mongo[env["GRIDAM_ANALYTICS_MONGODB_DATABASE"]][COLLECTION]
        self.media = stack.media

    def rows(self, service: str, statement: str) -> list[sa.Row]:
        with self.engines[service].connect() as connection:
            return list(connection.execute(sa.text(statement)))

    def ids(self, service: str, statement: str) -> set:
        return {tuple(row) if len(row) > 1 else row[0] for row in self.rows(service, statement)}

    def pending_jobs(self) -> int:
        return sum(self.rows(s, f"SELECT COUNT(*) FROM {t} WHERE state = 'pending'")[0][0]
                   for s, t in (("diary", "diary_jobs"), ("user", "user_jobs")))

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()
        self.mongo.close()


def drain(stores: Stores) -> float:
    """Wait until no job is pending and the read model equals MySQL (or DRAIN_TIMEOUT_S); seconds taken."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_TIMEOUT_S:
        if stores.pending_jobs() == 0 and sql_state(stores.engines.__getitem__) == read_model_state(stores.read_model):
            break
        time.sleep(1)
    return time.monotonic() - started


def check(stack: SoakStack, history: list[dict]) -> Findings:
    stores = Stores(stack)
    try:
        findings = Findings(drained_in_s=drain(stores), pending_jobs=stores.pending_jobs())
        _check_stores(stores, history, findings)
        return findings
    finally:
        stores.close()


#: History entries that are not requests: what the load recorded beside them.
NOT_REQUESTS = ("ack", "attempt", "journey")


def deleted_diaries(history: list[dict], present: set) -> set:
    """The diaries a deletion took: every acknowledged one, and those asked for without an answer
    (indeterminate) that are indeed gone. An unanswered deletion of a diary still there changes nothing."""
    acknowledged = {e["diary_id"] for e in history if e["op"] == "ack" and e["ack"] == "deletion"}
    unanswered = {e["diary_id"] for e in history if e["op"] == "attempt" and e["attempt"] == "deletion"}
    return acknowledged | (unanswered - present)


def _check_stores(stores: Stores, history: list[dict], findings: Findings) -> None:
    acks = collections.defaultdict(list)
    for entry in history:
        if entry["op"] == "ack":
            acks[entry["ack"]].append(entry)
    findings.counts = {kind: len(entries) for kind, entries in sorted(acks.items())}
    users = stores.ids("user", "SELECT login_id FROM users")
    diaries = stores.ids("diary", "SELECT id FROM diaries")
    posts = stores.ids("diary", "SELECT id FROM feed_posts")
    deleted = {a["diary_id"] for a in acks["deletion"]}
    gone = deleted_diaries(history, diaries)
    deleted_posts = {a["post_id"] for a in acks["post"] if a["diary_id"] in gone}
    follows = stores.ids("user", "SELECT follower_id, followee_id FROM follows")
    reactions = stores.ids("diary", "SELECT post_id, user_id FROM post_reactions")
    comments = stores.ids("diary", "SELECT id FROM feed_comments")
    analyses = collections.Counter(r[0] for r in stores.rows("emotion", "SELECT diary_id FROM diary_analyses"))
    cards = collections.Counter(r[0] for r in stores.rows("card", "SELECT diary_id FROM cards"))

    def gone_post(post_id: int) -> bool:  # its diary was deleted (which takes the post along)
        return post_id in deleted_posts

    lost = [f"user {a['login_id']}" for a in acks["user"] if a["login_id"] not in users]
    lost += [f"diary {a['diary_id']}" for a in acks["diary"] if a["diary_id"] not in diaries and a["diary_id"] not in gone]
    lost += [f"post {a['post_id']}" for a in acks["post"] if a["post_id"] not in posts and not gone_post(a["post_id"])]
    lost += [f"follow {a['follower_id']}->{a['followee_id']}" for a in acks["follow"] if (a["follower_id"], a["followee_id"]) not in follows]
    lost += [f"reaction of {a['user_id']} on post {a['post_id']}" for a in acks["reaction"]
             if (a["post_id"], a["user_id"]) not in reactions and not gone_post(a["post_id"])]
    lost += [f"comment {a['comment_id']}" for a in acks["comment"] if a["comment_id"] not in comments and not gone_post(a["post_id"])]
    lost += [f"deletion of diary {d} not applied ({what} left)" for d in sorted(deleted)
             for what, present in (("diary", d in diaries), ("analysis", analyses[d] > 0), ("card", cards[d] > 0)) if present]
    findings.invariants["acknowledged writes exist, deletions applied"] = lost

    findings.invariants["each live diary: exactly one analysis, at least one card"] = [
        f"diary {d}: {analyses[d]} analyses, {cards[d]} cards" for d in sorted(diaries) if analyses[d] != 1 or cards[d] < 1
    ]

    notices = stores.rows("diary", "SELECT recipient_id, notice_type, diary_id, post_id, actor_login_id FROM notifications")
    events = collections.Counter(
        (r.recipient_id, r.notice_type, r.diary_id if r.notice_type == "CARD_READY" else r.post_id, r.actor_login_id)
        for r in notices if r.notice_type in ("CARD_READY", "FOLLOW", "REACTION")
    )
    findings.invariants["no duplicated notification"] = [f"{event}: {n} notifications" for event, n in events.items() if n > 1]

    expected, actual = sql_state(stores.engines.__getitem__), read_model_state(stores.read_model)
    differing = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    findings.invariants["MongoDB read model equals MySQL"] = [
        f"diary {k}: MySQL {'has it' if k in expected else 'lacks it'}, MongoDB {'has it' if k in actual else 'lacks it'}"
        for k in differing[:50]
    ]

    named = {r[0] for r in stores.rows("diary", "SELECT photo_key FROM diaries") if r[0]}
    named |= {r[0] for r in stores.rows("card", "SELECT image_key FROM cards")}
    named |= {r[0] for r in stores.rows("user", "SELECT avatar_key FROM users") if r[0]}
    named |= {r[0] for r in stores.rows("emotion", "SELECT image_key FROM word_clouds")}
    stored = {_object_key(p.relative_to(stores.media)) for p in stores.media.rglob("*") if p.is_file()}
    findings.invariants["no orphan media"] = sorted(stored - named)[:50]

    findings.parked = [
        f"{table} #{r.id} {r.kind} subject {r.subject_id} after {r.attempts} attempts: {r.last_error}"
        for service, table in (("diary", "diary_jobs"), ("user", "user_jobs"))
        for r in stores.rows(service, f"SELECT id, kind, subject_id, attempts, last_error FROM {table} WHERE state = 'failed'")
    ]


def _object_key(path: pathlib.PurePath) -> str:
    """The storage key a file of the media folder belongs to (LocalFolderStorage keeps an object's
    content type beside it, in `.name.content-type`)."""
    name = path.name
    if name.startswith(".") and name.endswith(SIDECAR_SUFFIX):
        name = name[1 : -len(SIDECAR_SUFFIX)]
    return str(path.with_name(name))


# --- the report ------------------------------------------------------------------------------

RECOVERY_LIMIT_S = {"restart": 60.0}  # a server restart; every process fault: DEFAULT_RECOVERY_LIMIT_S
DEFAULT_RECOVERY_LIMIT_S = 15.0
WINDOW_AFTER_HEALING_S = 15.0  # a request this soon after healing still counts as inside the fault's window


def _ok(entry: dict) -> bool:
    return entry["status"] == 200 or entry["code"] in AS_DESIGNED


def seconds(duration: str) -> float:
    """A Prometheus duration (`10m`, `1h30m`, `0s`) in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+)(ms|s|m|h|d)", duration))


@dataclass
class AlertCheck:
    alert: str
    for_: str
    expected: bool  # the fault lasts at least the rule's `for:` window, so the rule should fire
    fired_after_s: float | None = None  # from the fault's start
    resolved: bool = False
    paged: bool = False  # a [FIRING] message with this alert reached the Slack sink
    resolved_in_slack: bool = False


@dataclass
class FaultOutcome:
    fault: Fault
    inside: tuple[int, int]  # (successes, requests) inside the fault's window
    recovery_s: float | None  # None: not recovered before the next fault
    recovery_limit_s: float
    alerts: list[AlertCheck]

    @property
    def recovered_in_time(self) -> bool:
        return self.recovery_s is not None and self.recovery_s <= self.recovery_limit_s


@dataclass
class Outcome:
    requests: list[dict]
    outside: tuple[int, int]
    inside: tuple[int, int]
    faults: list[FaultOutcome]
    findings: Findings
    exits: list[tuple[float, str, int]]  # processes that exited on their own and were started again

    @property
    def success_outside(self) -> float:
        return self.outside[0] / self.outside[1] if self.outside[1] else 1.0


def recovery_s(requests: list[dict], fault: Fault, until: float) -> float | None:
    """Seconds from healing to the first success after which RECOVERED_SHARE of the requests of the
    next QUIET_S succeed (None: not before `until`). Not "all": on a busy machine a stray timeout
    elsewhere would otherwise count as the fault's."""
    after = [r for r in requests if fault.healed_at <= r["at"] < until]
    for i, entry in enumerate(after):
        window = [r for r in after[i:] if r["at"] < entry["at"] + QUIET_S]
        if _ok(entry) and sum(map(_ok, window)) >= RECOVERED_SHARE * len(window):
            return max(0.0, entry["at"] - fault.healed_at)
    return None


def _tally(requests: list[dict]) -> tuple[int, int]:
    return sum(map(_ok, requests)), len(requests)


def evaluate(history: list[dict], faults: list[Fault], findings: Findings, alerts: dict[str, list[tuple[float, float]]],
             slack: list[dict], rules_for: dict[str, str], alerts_until: float,
             exits: list[tuple[float, str, int]]) -> Outcome:
    """The figures of the report. `alerts`: firing spans (alert_spans) up to `alerts_until`."""
    requests = sorted((e for e in history if e["op"] not in NOT_REQUESTS), key=lambda e: e["at"])
    applied = [f for f in faults if f.started_at]
    windows = [(f.started_at, f.healed_at + WINDOW_AFTER_HEALING_S) for f in applied]
    inside = [r for r in requests if any(a <= r["at"] < b for a, b in windows)]
    outside = [r for r in requests if not any(a <= r["at"] < b for a, b in windows)]
    titles = [(m["at"], str(a.get("title", ""))) for m in slack for a in m["body"].get("attachments", [])]
    outcomes = []
    for i, fault in enumerate(applied):
        until = applied[i + 1].started_at if i + 1 < len(applied) else float("inf")
        checks = []
        for alert in fault.alerts:
            rule_for = rules_for.get(alert, "")
            check = AlertCheck(alert, rule_for or "no such rule",
                               expected=bool(rule_for) and seconds(rule_for) <= fault.healed_at - fault.started_at)
            spans = [(a, b) for a, b in alerts.get(alert, []) if b >= fault.started_at and a <= until]
            if spans:
                # An alert may already be firing when the fault starts (an earlier fault's doing): its
                # Slack messages are those sent since its span began, and the report says it predates the fault.
                fired_at = spans[0][0]
                check.fired_after_s = fired_at - fault.started_at
                check.resolved = spans[0][1] < alerts_until - 15  # its first span ended before the soak's last look
                check.paged = any(at >= fired_at and t.startswith("[FIRING") and alert in t for at, t in titles)
                check.resolved_in_slack = any(at >= fired_at and t.startswith("[RESOLVED") and alert in t for at, t in titles)
            checks.append(check)
        outcomes.append(FaultOutcome(
            fault, _tally([r for r in requests if fault.started_at <= r["at"] < fault.healed_at + WINDOW_AFTER_HEALING_S]),
            recovery_s(requests, fault, until), RECOVERY_LIMIT_S.get(fault.kind, DEFAULT_RECOVERY_LIMIT_S), checks,
        ))
    return Outcome(requests, _tally(outside), _tally(inside), outcomes, findings, exits)


def _fired(after_s: float) -> str:
    return f"fired +{after_s:.0f} s" if after_s >= 0 else f"already firing ({-after_s:.0f} s before this fault)"


def report(outcome: Outcome, slack: list[dict], journeys: dict[str, int]) -> str:
    """The soak's report (Markdown)."""
    findings, requests = outcome.findings, outcome.requests

    def rate(tally: tuple[int, int]) -> str:
        return f"{100 * tally[0] / tally[1]:.2f} % of {tally[1]}" if tally[1] else "no requests"

    expected = [c for f in outcome.faults for c in f.alerts if c.expected]
    lines = ["## Summary", "", "| what | result |", "|---|---|",
             f"| requests | {len(requests)} |",
             f"| journeys started / completed / given up / not started (generator busy) | "
             f"{journeys['started']} / {journeys['finished']} / {journeys['aborted']} / {journeys['dropped']} |",
             f"| success rate outside fault windows | {rate(outcome.outside)} |",
             f"| success rate inside fault windows (start to healing + {WINDOW_AFTER_HEALING_S:g} s) | {rate(outcome.inside)} |",
             f"| faults recovered within their limit (15 s process, 60 s server) | "
             f"{sum(f.recovered_in_time for f in outcome.faults)} of {len(outcome.faults)} |",
             f"| alerts expected (fault held at least the rule's `for:`) / fired / paged in Slack / resolved | "
             f"{len(expected)} / {sum(c.fired_after_s is not None for c in expected)} / {sum(c.paged for c in expected)} / "
             f"{sum(c.resolved for c in expected)} |",
             f"| drain (jobs done, read model caught up) | {findings.drained_in_s:.0f} s |"]
    for name, violations in findings.invariants.items():
        lines.append(f"| {name} | {'holds' if not violations else f'VIOLATED ({len(violations)})'} |")
    lines.append(f"| parked jobs / jobs still pending after the drain | {len(findings.parked)} / {findings.pending_jobs} |")
    lines.append(f"| processes that exited on their own (started again, as Kubernetes would) | {len(outcome.exits)} |")
    lines.append(f"| Slack messages received | {len(slack)} |")

    lines += ["", "## Requests per outcome", "", "| status | code | count |", "|---|---|---|"]
    for (status, code), n in collections.Counter((r["status"], r["code"]) for r in requests).most_common():
        lines.append(f"| {status} | {code} | {n} |")
    lines += ["", "## Acknowledged writes", "", ", ".join(f"{k}: {v}" for k, v in findings.counts.items())]

    lines += ["", "## Faults", "",
              "| fault | at (s) | held (s) | success inside | recovery after healing (limit) | alert rules: for, fired, paged, resolved | note |",
              "|---|---|---|---|---|---|---|"]
    t0 = requests[0]["at"] if requests else 0.0
    for f in outcome.faults:
        fault = f.fault
        recovery = f"{f.recovery_s:.1f} s" if f.recovery_s is not None else "not before the next fault"
        checks = "; ".join(
            f"{c.alert} (for {c.for_}): "
            + (f"{_fired(c.fired_after_s)}, {'paged' if c.paged else 'NOT paged'}, "
               f"{'resolved' if c.resolved else 'still firing'}{' (resolved message sent)' if c.resolved_in_slack else ''}"
               if c.fired_after_s is not None else ("NOT fired" if c.expected else "not fired (held shorter than for:)"))
            for c in f.alerts
        ) or "no rule watches it"
        lines.append(f"| {fault.name} | {fault.started_at - t0:.0f} | {fault.healed_at - fault.started_at:.0f} | {rate(f.inside)} | "
                     f"{recovery} ({f.recovery_limit_s:g} s) | {checks} | {fault.note} |")

    lines += ["", "## Processes that exited on their own", ""]
    lines += [f"- +{at - t0:.0f} s {name} exited with {status}; started again" for at, name, status in outcome.exits] or ["- none"]
    lines += ["", "## Slack sink", ""]
    for message in slack:
        for attachment in message["body"].get("attachments", []):
            lines.append(f"- +{message['at'] - t0:.0f} s {message['webhook']} {message['body'].get('channel', '')}: {attachment.get('title', '')}")
    if not slack:
        lines.append("- nothing")
    lines += ["", "## Invariant violations", ""]
    for name, violations in findings.invariants.items():
        lines.append(f"- {name}: " + ("holds" if not violations else "; ".join(violations[:20])))
    lines += ["", "## Parked jobs", ""] + ([f"- {p}" for p in findings.parked] or ["- none"])
    return "\n".join(lines) + "\n"


def alert_spans(stack: SoakStack, start: float, end: float) -> dict[str, list[tuple[float, float]]]:
    """Firing spans of each alert between start and end, from Prometheus' ALERTS series."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for series in stack.monitoring.query_range('ALERTS{alertstate="firing"}', start, end):
        times = [float(t) for t, _ in series["values"]]
        begin = prev = times[0]
        for t in times[1:]:
            if t - prev > 15:  # a gap in the series: resolved, then firing again
                spans.setdefault(series["metric"]["alertname"], []).append((begin, prev))
                begin = t
            prev = t
        spans.setdefault(series["metric"]["alertname"], []).append((begin, prev))
    return {k: sorted(v) for k, v in spans.items()}


def write_report(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
