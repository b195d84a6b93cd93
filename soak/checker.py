"""After the load and a drain: the history checked against the stores, and the report.

Invariants (each a list of violations; empty = holds):
- every write the API acknowledged exists: users, diaries, posts, follows, reactions, comments, and
  every acknowledged deletion is applied (the diary, its analysis and its cards are gone);
- every live diary has exactly one analysis and at least one card;
- no notification is duplicated (one per event: a card ready, a follow, a reaction of one person);
- the MongoDB read model equals MySQL;
- no orphan media (every stored file is named by a diary, a card, an avatar or a word cloud).
Parked jobs are listed with their reason.
"""

from __future__ import annotations

import collections
import pathlib
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from pymongo import MongoClient

from gridam_runtime import db
from gridam_domain.read_model import COLLECTION
from gridam_domain.storage import LocalFolderStorage
from soak.load import AS_DESIGNED
from soak.stack import Fault, SoakStack
from tests.support.cdc import read_model_state, sql_state

DRAIN_TIMEOUT_S = 240
SIDECAR_SUFFIX = LocalFolderStorage._SIDECAR_SUFFIX
QUIET_S = 5.0  # recovered: a success after which nothing fails for this long


@dataclass
class Findings:
    invariants: dict[str, list[str]] = field(default_factory=dict)
    parked: list[str] = field(default_factory=list)
    drained_in_s: float = 0.0
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
        findings = Findings(drained_in_s=drain(stores))
        _check_stores(stores, history, findings)
        return findings
    finally:
        stores.close()


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
    deleted_posts = {a["post_id"] for a in acks["post"] if a["diary_id"] in deleted}
    follows = stores.ids("user", "SELECT follower_id, followee_id FROM follows")
    reactions = stores.ids("diary", "SELECT post_id, user_id FROM post_reactions")
    comments = stores.ids("diary", "SELECT id FROM feed_comments")
    analyses = collections.Counter(r[0] for r in stores.rows("emotion", "SELECT diary_id FROM diary_analyses"))
    cards = collections.Counter(r[0] for r in stores.rows("card", "SELECT diary_id FROM cards"))

    def gone_post(post_id: int) -> bool:  # its diary was deleted (which takes the post along)
        return post_id in deleted_posts

    lost = [f"user {a['login_id']}" for a in acks["user"] if a["login_id"] not in users]
    lost += [f"diary {a['diary_id']}" for a in acks["diary"] if a["diary_id"] not in diaries and a["diary_id"] not in deleted]
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

def _ok(entry: dict) -> bool:
    return entry["status"] == 200 or entry["code"] in AS_DESIGNED


def recovery_s(requests: list[dict], fault: Fault, until: float) -> float | None:
    """Seconds from healing to the first success after which nothing failed for QUIET_S (None: not within `until`)."""
    after = [r for r in requests if fault.healed_at <= r["at"] < until]
    for i, entry in enumerate(after):
        if _ok(entry) and all(_ok(r) for r in after[i:] if r["at"] < entry["at"] + QUIET_S):
            return max(0.0, entry["at"] - fault.healed_at)
    return None


def report(history: list[dict], faults: list[Fault], findings: Findings, alerts: dict[str, list[tuple[float, float]]],
           slack: list[dict], rules_for: dict[str, str], journeys: dict[str, int], window_s: float = 15.0) -> str:
    """The soak's report (Markdown). A request is inside a fault window from the fault's start to
    `window_s` after its healing (time to reconnect); outside otherwise."""
    requests = sorted((e for e in history if e["op"] not in ("ack", "journey")), key=lambda e: e["at"])
    windows = [(f.started_at, f.healed_at + window_s) for f in faults if f.started_at]
    inside = [r for r in requests if any(a <= r["at"] < b for a, b in windows)]
    outside = [r for r in requests if not any(a <= r["at"] < b for a, b in windows)]

    def rate(rs: list[dict]) -> str:
        return f"{100 * sum(map(_ok, rs)) / len(rs):.2f} % of {len(rs)}" if rs else "no requests"

    lines = ["## Summary", "", "| what | result |", "|---|---|",
             f"| requests | {len(requests)} |",
             f"| journeys started / completed / given up / not started (generator busy) | "
             f"{journeys['started']} / {journeys['finished']} / {journeys['aborted']} / {journeys['dropped']} |",
             f"| success rate outside fault windows | {rate(outside)} |",
             f"| success rate inside fault windows | {rate(inside)} |",
             f"| drain (jobs done, read model caught up) | {findings.drained_in_s:.0f} s |"]
    for name, violations in findings.invariants.items():
        lines.append(f"| {name} | {'holds' if not violations else f'VIOLATED ({len(violations)})'} |")
    lines.append(f"| parked jobs | {len(findings.parked)} |")
    lines.append(f"| Slack messages received | {len(slack)} |")

    lines += ["", "## Requests per outcome", "", "| status | code | count |", "|---|---|---|"]
    for (status, code), n in collections.Counter((r["status"], r["code"]) for r in requests).most_common():
        lines.append(f"| {status} | {code} | {n} |")
    lines += ["", "## Acknowledged writes", "", ", ".join(f"{k}: {v}" for k, v in findings.counts.items())]

    lines += ["", "## Faults", "",
              "| fault | at (s) | held (s) | success inside | recovery after healing | alert rules (for:) | fired | resolved | note |",
              "|---|---|---|---|---|---|---|---|---|"]
    t0 = requests[0]["at"] if requests else 0.0
    for i, fault in enumerate(faults):
        if not fault.started_at:
            lines.append(f"| {fault.name} | {fault.at:.0f} | - | - | - | - | - | - | not applied (the soak ended first) |")
            continue
        until = faults[i + 1].started_at if i + 1 < len(faults) and faults[i + 1].started_at else float("inf")
        window = [r for r in requests if fault.started_at <= r["at"] < fault.healed_at + window_s]
        recovered = recovery_s(requests, fault, until)
        rules, fired, resolved = [], [], []
        for alert in fault.alerts:
            rules.append(f"{alert} ({rules_for.get(alert, 'no such rule')})")
            spans = [(a, b) for a, b in alerts.get(alert, []) if b >= fault.started_at and a <= until]
            fired.append(f"{alert} at +{spans[0][0] - fault.started_at:.0f} s" if spans else f"{alert}: no")
            resolved.append(("yes" if spans[-1][1] < until else "no (still firing)") if spans else "-")
        lines.append(
            f"| {fault.name} | {fault.started_at - t0:.0f} | {fault.healed_at - fault.started_at:.0f} | {rate(window)} | "
            f"{'%.1f s' % recovered if recovered is not None else 'not recovered before the next fault'} | "
            f"{', '.join(rules) or '-'} | {', '.join(fired) or '-'} | {', '.join(resolved) or '-'} | {fault.note} |"
        )

    lines += ["", "## Alerts (Prometheus ALERTS, firing spans)", ""]
    for alert, spans in sorted(alerts.items()):
        lines.append(f"- {alert} (for: {rules_for.get(alert)}): " + ", ".join(f"+{a - t0:.0f} s to +{b - t0:.0f} s" for a, b in spans))
    if not alerts:
        lines.append("- none fired")
    lines += ["", "## Slack sink", ""]
    for message in slack:
        body = message["body"]
        for attachment in body.get("attachments", [body]):
            lines.append(f"- +{message['at'] - t0:.0f} s {message['webhook']} {body.get('channel', '')}: {attachment.get('title', '')}")
    if not slack:
        lines.append("- nothing")
    lines += ["", "## Invariant violations", ""]
    for name, violations in findings.invariants.items():
        lines.append(f"- {name}: " + ("holds" if not violations else "; ".join(violations[:20])))
    lines += ["", "## Parked jobs", ""] + ([f"- {p}" for p in findings.parked] or ["- none"])
    return "\n".join(lines) + "\n"


def alert_spans(stack: SoakStack, start: float, end: float) -> dict[str, list[tuple[float, float]]]:
    """Firing spans of each GriDam alert between start and end, from Prometheus' ALERTS series."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for series in stack.monitoring.query_range('ALERTS{alertstate="firing"}', start, end):
        times = [float(t) for t, _ in series["values"]]
        step = 5.0
        begin = prev = times[0]
        for t in times[1:] + [None]:
            if t is None or t - prev > 2 * step:
                spans.setdefault(series["metric"]["alertname"], []).append((begin, prev))
                begin = t
            prev = t if t is not None else prev
    return {k: sorted(v) for k, v in spans.items()}


def write_report(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
