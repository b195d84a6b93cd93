"""Benchmark of the export job (docs/export-import.md): one account of 500 and one of 5,000 diaries
exported through the real diary worker, side by side — the time, the progress reports seen, the
archive's size and the worker's peak memory. The job holds a page of diaries and one image at a
time, so its memory must stay flat while the diaries grow ten times.

    .venv/bin/python -m bench.export_bench [--sizes 500,5000] [--photo-share 0.2] [--card-side 128]
    .venv/bin/python -m bench.export_bench --quick     # 50 and 500 diaries: does it still run?

What it does:
  1. starts a private MariaDB and Redis and the stack (DevStack: bench/harness.py);
  2. seeds straight into the databases (bulk inserts, as bench.timeline_bench and
     bench.read_paths_bench): a user per size, each with that many diaries (one a day), every one
     analysed (emotion service) and with its card (card service; REDRAWN_SHARE of them redrawn once,
     so two versions), `--photo-share` of them with a photo; every photo (a photo-like picture,
     240 px, stored as an upload stores it: ~17 KB of JPEG) and card image (a PNG of noise, `--card-side` pixels a side) is written into the media store,
     each different, so the archive holds them all;
  3. per size, in turn: starts a fresh diary worker (so its peak RSS, VmHWM in /proc/<pid>/status,
     is this export's alone) and lets it settle, asks POST /api/users/export as the user, polls GET
     /api/users/export/{id} every POLL_SECONDS (the distinct progress values seen are the reports)
     while sampling the worker's RSS, until DONE; then downloads the archive through the gateway's
     signed URL (streamed) and checks that it is the stored object, whole;
  4. round trip: imports the largest archive, through POST /api/users/import as a person would
     (streamed upload), into a fresh account, polls its progress until DONE, and compares the two
     accounts row by row in the databases and byte by byte in the media store: every diary (date,
     title, content, photo), its analysis (emotions, hashtags, keywords, feedback, risk level) and
     every card version's image;
  5. prints per size: diaries, images, seconds, progress reports, archive MB, the worker's RSS at
     rest and at its peak, the gateway's peak RSS while serving the download, and the ratios of
     the largest size to the smallest; then the import's figures and the differences found;
     PASS when the worker's peak RSS grows at most TARGET_RSS_RATIO times and the imported
     account equals the exported one; writes bench/results/export_bench.json.

Exit status: 0 when the target passes, 1 when it fails, 2 when the run itself failed, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import io
import math
import pathlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from PIL import Image, ImageChops

from bench.harness import ROOT, BenchError, Infra, git_revision, print_checks, run_on_stack, summary, table
from bench.timeline_bench import INSERT_CHUNK, log_in, seed_users
from card_service.adapters.orm import Card
from diary_service.adapters.orm import ANALYSIS_DONE, Diary
from emotion_service.adapters.orm import DiaryAnalysis
from gridam_domain.emotions import EMOTION_KEYS
from gridam_domain.images import sanitize_image
from gridam_domain.storage import LocalFolderStorage, content_addressed_key
from gridam_runtime import db

RESULTS_FILE = ROOT / "bench" / "results" / "export_bench.json"
TARGET_RSS_RATIO = 1.25  # the worker's peak RSS at the largest size ÷ at the smallest
REDRAWN_SHARE = 0.1
POLL_SECONDS = 0.2
PHOTO_MIN_PSNR_DB = 38.0  # an import re-encodes a photo at JPEG quality 88; ~40 dB is visually lossless
SETTLE_SECONDS = 3.0
JOB_TIMEOUT_SECONDS = 3600
CONTENT = "오늘은 아침부터 비가 와서 조금 우울했지만 따뜻한 커피 한 잔이 위로가 되었다. 저녁에는 산책을 했다. "


def noise_image(rng: random.Random, side: int, kind: str) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3)).save(out, kind)
    return out.getvalue()


def photo(rng: random.Random, side: int = 240) -> bytes:
    """A picture with a photo's structure (smooth shapes and some grain, unlike pure noise, which
    no photo is), sanitised as the diary service stores an upload."""
    scene = Image.frombytes("RGB", (side // 8, side // 8), rng.randbytes((side // 8) ** 2 * 3))
    grain = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    Image.blend(scene.resize((side, side), Image.Resampling.BICUBIC), grain, 0.08).save(out, "JPEG", quality=95)
    return sanitize_image(out.getvalue()).data


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in KiB."""
    figures = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            figures[name] = int(value.split()[0])
    return figures


@contextlib.contextmanager
def service_engines(env: dict[str, str]) -> Iterator[dict[str, sa.Engine]]:
    """The diary, emotion and card services' databases, disposed of at the end."""
    engines = {name: db.create_engine(env[f"GRIDAM_{name.upper()}_DATABASE_URL"]) for name in ("diary", "emotion", "card")}
    try:
        yield engines
    finally:
        for engine in engines.values():
            engine.dispose()


def seed_account(env: dict[str, str], storage: LocalFolderStorage, user_id: int, diaries: int, args: argparse.Namespace,
                 rng: random.Random) -> dict[str, int]:
    """`diaries` diaries of `user_id` with analyses, cards and photos, straight into the databases."""
    first_day = datetime.date(2010, 1, 1)
    now = db.utcnow()
    rows = {"diary": [], "emotion": [], "card": []}
    photos = cards = 0
    with service_engines(env) as engines:
        with engines["diary"].begin() as connection:
            next_id = (connection.execute(sa.select(sa.func.max(Diary.id))).scalar() or 0) + 1
        for n in range(diaries):
            diary_id, day = next_id + n, first_day + datetime.timedelta(days=n)
            photo_key = ""
            if rng.random() < args.photo_share:
                picture = photo(rng)
                photo_key = content_addressed_key("diary-photos", picture, "jpg")
                storage.put(photo_key, picture, "image/jpeg")
                photos += 1
            rows["diary"].append({"id": diary_id, "author_id": user_id, "title": f"{day.isoformat()}의 일기",
                                  "content": (CONTENT * rng.randint(1, 6)).strip(), "date": day, "photo_key": photo_key,
                                  "hashtags": ["비", "산책"], "analysis_state": ANALYSIS_DONE, "created_at": now})
            weights = [rng.random() ** 3 for _ in EMOTION_KEYS]
            distribution = {key: w / sum(weights) for key, w in zip(EMOTION_KEYS, weights, strict=True)}
            dominant = max(distribution, key=distribution.get)
            analysis = {"diary_id": diary_id, "author_id": user_id, "date": day, "dominant": dominant,
                        "distribution": distribution, "hashtags": ["비", "산책"], "keywords": [["비", 1.0], ["산책", 0.8]],
                        "feedback": "오늘 하루도 수고 많았어요.", "safety_flag": False, "language": "ko",
                        "classifier": "bench", "created_at": now, "risk_level": "none"}
            rows["emotion"].append(analysis)
            for version in range(1, 3 if rng.random() < REDRAWN_SHARE else 2):
                image = noise_image(rng, args.card_side, "PNG")
                key = content_addressed_key(f"cards/{user_id}", image, "png")
                storage.put(key, image, "image/png")
                cards += 1
                rows["card"].append({key_: analysis[key_] for key_ in ("diary_id", "author_id", "date", "dominant",
                                     "distribution", "hashtags", "keywords", "feedback", "safety_flag", "language",
                                     "created_at")} | {"version": version, "image_key": key})
        for database, model in (("diary", Diary), ("emotion", DiaryAnalysis), ("card", Card)):
            with engines[database].begin() as connection:
                for start in range(0, len(rows[database]), INSERT_CHUNK):
                    connection.execute(sa.insert(model), rows[database][start : start + INSERT_CHUNK])
    return {"diaries": diaries, "photos": photos, "cards": cards}


@dataclass
class Run:
    size: int
    seeded: dict[str, int]
    seconds: float
    reports: list[int]
    polls: int
    archive_bytes: int
    images: int
    rest_kib: int
    peak_kib: int
    download_seconds: float
    gateway_peak_kib: int
    archive: pathlib.Path


@dataclass
class RoundTrip:
    diaries: int
    seconds: float
    reports: list[int]
    peak_kib: int
    photos: int
    lowest_photo_psnr_db: float
    differences: list[str]


def fresh_worker(infra: Infra):
    """A diary worker started anew and settled, so that its peak RSS is the next job's alone."""
    old = infra.stack.process("diary-worker").process
    old.terminate()
    old.wait(30)
    worker = infra.stack.start_worker().process
    time.sleep(SETTLE_SECONDS)
    return worker


def start_job(http: httpx.Client, path: str, id_field: str, **post: Any) -> str:
    """POST `path` (an export or an import): the path of the job it started, to poll."""
    reply = http.post(path, **post)
    if reply.status_code != 200:
        raise BenchError(f"POST {path} -> {reply.status_code} {reply.text}")
    return f"{path}/{reply.json()['result'][id_field]}"


def follow_job(http: httpx.Client, path: str, worker, what: str) -> tuple[dict, list[int], int]:
    """Poll a job every POLL_SECONDS until DONE: its last result, the distinct progress values
    seen, and the number of polls."""
    began = time.perf_counter()
    reports, polls = [], 0
    while True:
        result = http.get(path).json()["result"]
        polls += 1
        if not reports or reports[-1] != result["progress"]:
            reports.append(result["progress"])
        if result["state"] == "DONE":
            return result, reports, polls
        if worker.poll() is not None or time.perf_counter() - began > JOB_TIMEOUT_SECONDS:
            raise BenchError(f"{what}: {result} (worker exit {worker.poll()})")
        time.sleep(POLL_SECONDS)


def export_once(infra: Infra, token: str, size: int, seeded: dict[str, int]) -> Run:
    stack = infra.stack
    worker = fresh_worker(infra)
    rest = memory_kib(worker.pid)["VmRSS"]
    headers = {"Authorization": f"Bearer {token}"}
    archive = infra.root / f"export-{size}.zip"
    with httpx.Client(base_url=stack.http_url, headers=headers, timeout=60) as http:
        began = time.perf_counter()
        path = start_job(http, "/api/users/export", "exportId")
        result, reports, polls = follow_job(http, path, worker, f"export of {size} diaries")
        seconds = time.perf_counter() - began
        peak = memory_kib(worker.pid)["VmHWM"]
        key = result["downloadUrl"].split("/api/media/", 1)[1].split("?", 1)[0]
        stored = stack.data_dir / "media" / key
        gateway = stack.process("gateway").process.pid
        gateway_before = memory_kib(gateway)["VmHWM"]
        began = time.perf_counter()
        received = 0
        with http.stream("GET", result["downloadUrl"]) as download, archive.open("wb") as out:
            for chunk in download.iter_bytes(1024 * 1024):
                out.write(chunk)
                received += len(chunk)
        download_seconds = time.perf_counter() - began
        if received != stored.stat().st_size:
            raise BenchError(f"downloaded {received} bytes of {stored.stat().st_size}")
        gateway_peak = memory_kib(gateway)["VmHWM"]
    return Run(size, seeded, seconds, reports, polls, received, result["imagesDone"], rest, peak, download_seconds,
               max(gateway_peak - gateway_before, 0), archive)


def photo_psnr(storage: LocalFolderStorage, exported_key: str, imported_key: str) -> float:
    """How close the imported photo is to the exported one, in dB (inf when the pixels are equal).
    An imported photo is untrusted bytes, re-encoded as any upload (docs/export-import.md), so a
    JPEG comes back with the same size and nearly, not exactly, the same pixels."""
    exported, imported = (Image.open(io.BytesIO(storage.get(key).data)).convert("RGB") for key in (exported_key, imported_key))
    if exported.size != imported.size:
        return 0.0
    histogram = ImageChops.difference(exported, imported).histogram()
    squared = sum(count * (value % 256) ** 2 for value, count in enumerate(histogram))
    mse = squared / (exported.width * exported.height * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


def account_contents(env: dict[str, str], storage: LocalFolderStorage, user_id: int) -> dict[datetime.date, dict]:
    """Everything of a person that an export carries, per diary date: card images as SHA-256 of
    their bytes (the stored keys are the importer's to choose), photos as their stored keys."""
    def digest(key: str) -> str:
        return hashlib.sha256(storage.get(key).data).hexdigest()

    with service_engines(env) as engines:
        with engines["diary"].connect() as connection:
            diaries = connection.execute(sa.select(Diary.id, Diary.date, Diary.title, Diary.content, Diary.photo_key)
                                         .where(Diary.author_id == user_id)).all()
        with engines["emotion"].connect() as connection:
            analyses = {row.diary_id: row for row in connection.execute(
                sa.select(*DiaryAnalysis.__table__.columns).where(DiaryAnalysis.author_id == user_id))}
        with engines["card"].connect() as connection:
            cards: dict[int, list[tuple[int, str]]] = {}
            for card in connection.execute(sa.select(Card.diary_id, Card.version, Card.image_key)
                                           .where(Card.author_id == user_id).order_by(Card.version)):
                cards.setdefault(card.diary_id, []).append((card.version, digest(card.image_key)))
    contents = {}
    for diary in diaries:
        analysis = analyses.get(diary.id)
        contents[diary.date] = {
            "title": diary.title, "content": diary.content, "photo": diary.photo_key or None,
            "analysis": analysis and (analysis.dominant, {k: round(v, 6) for k, v in analysis.distribution.items()},
                                      analysis.hashtags, analysis.keywords, analysis.feedback, analysis.risk_level),
            "cards": cards.get(diary.id, []),
        }
    return contents


def round_trip(infra: Infra, env: dict[str, str], storage: LocalFolderStorage, run: Run, source_user: int,
               newcomer: int, token: str) -> RoundTrip:
    """Import `run`'s archive into the fresh account `newcomer` and compare it with `source_user`'s."""
    worker = fresh_worker(infra)
    with httpx.Client(base_url=infra.stack.http_url, headers={"Authorization": f"Bearer {token}"}, timeout=600) as http:
        began = time.perf_counter()
        with run.archive.open("rb") as archive:  # httpx streams a file part from the file
            path = start_job(http, "/api/users/import", "importId", files={"file": ("export.zip", archive, "application/zip")})
        result, reports, _ = follow_job(http, path, worker, f"import of {run.size} diaries")
        seconds = time.perf_counter() - began
    peak = memory_kib(worker.pid)["VmHWM"]
    print(f"imported {result['diariesAdded']:,} diaries in {seconds:,.0f} s; comparing the two accounts ...", flush=True)
    theirs, mine = account_contents(env, storage, source_user), account_contents(env, storage, newcomer)
    differences = [f"diaries on {sorted(theirs.keys() ^ mine.keys())[:5]} are in one account only"] if theirs.keys() != mine.keys() else []
    psnrs = []
    for day in sorted(theirs.keys() & mine.keys()):
        exported, imported = theirs[day].pop("photo"), mine[day].pop("photo")
        if (exported is None) != (imported is None):
            differences.append(f"{day} photo: {exported} != {imported}")
        elif exported:
            psnrs.append(photo_psnr(storage, exported, imported))
            if psnrs[-1] < PHOTO_MIN_PSNR_DB:
                differences.append(f"{day} photo: {psnrs[-1]:.1f} dB from the exported one")
        differences += [f"{day} {part}: {theirs[day][part]!r:.80} != {mine[day][part]!r:.80}"
                        for part in theirs[day] if theirs[day][part] != mine[day][part]]
    return RoundTrip(result["diariesAdded"], seconds, reports, peak, len(psnrs), min(psnrs, default=math.inf), differences)


def measure(infra: Infra, env: dict[str, str], args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    sizes = [int(size) for size in args.sizes.split(",")]
    population = seed_users(env["GRIDAM_USER_DATABASE_URL"], len(sizes) + 1, 1, rng)  # the last one imports
    storage = LocalFolderStorage(infra.stack.data_dir / "media")
    tokens = log_in(infra.stack.http_url, [population.login_ids[u] for u in population.user_ids])
    runs = []
    for user_id, token, size in zip(population.user_ids, tokens, sizes, strict=False):
        began = time.perf_counter()
        seeded = seed_account(env, storage, user_id, size, args, rng)
        print(f"seeded {size:,} diaries ({seeded['photos']:,} photos, {seeded['cards']:,} card images) "
              f"in {time.perf_counter() - began:.0f} s; exporting ...", flush=True)
        runs.append(export_once(infra, token, size, seeded))

    def mib(kib: int) -> str:
        return f"{kib / 1024:,.1f}"

    header = ("diaries", "images", "export s", "progress reports (polls)", "archive MB", "worker RSS at rest MiB",
              "worker peak RSS MiB", "download s", "gateway peak +MiB")
    rows = [header] + [
        (f"{r.size:,}", f"{r.images:,}", f"{r.seconds:,.1f}", f"{len(r.reports)} ({r.polls})",
         f"{r.archive_bytes / 1e6:,.1f}", mib(r.rest_kib), mib(r.peak_kib), f"{r.download_seconds:.2f}",
         mib(r.gateway_peak_kib))
        for r in runs
    ]
    trip = round_trip(infra, env, storage, runs[-1], population.user_ids[len(sizes) - 1], population.user_ids[-1], tokens[-1])
    small, large = runs[0], runs[-1]
    ratio = large.peak_kib / small.peak_kib
    rows.append((f"{large.size // small.size}×", f"{large.images / max(small.images, 1):.1f}×",
                 f"{large.seconds / small.seconds:.1f}×", "", f"{large.archive_bytes / small.archive_bytes:.1f}×",
                 f"{large.rest_kib / small.rest_kib:.2f}×", f"{ratio:.2f}×", "", ""))
    print()
    print("\n".join(table(rows)))
    for r in runs:
        print(f"{r.size:,} diaries: progress seen {r.reports}")
    print(f"import of the {large.size:,}-diary archive into a fresh account: {trip.seconds:,.1f} s, "
          f"worker peak RSS {mib(trip.peak_kib)} MiB, {len(trip.reports)} progress reports seen "
          f"({', '.join(map(str, trip.reports[:4]))}, …, {', '.join(map(str, trip.reports[-3:]))})")
    for difference in trip.differences[:20]:
        print(f"  differs: {difference}")
    checks = {
        "worker peak RSS": (ratio <= TARGET_RSS_RATIO,
                            f"{ratio:.2f}× at {large.size:,} vs {small.size:,} diaries (target ≤ {TARGET_RSS_RATIO}×)"),
        "round trip": (trip.diaries == large.size and not trip.differences,
                       f"{trip.diaries:,} of {large.size:,} diaries imported; {len(trip.differences)} differences in "
                       f"diaries, analyses and card images (byte for byte) and photos (pixels, lowest of "
                       f"{trip.photos:,}: {trip.lowest_photo_psnr_db:.1f} dB, target ≥ {PHOTO_MIN_PSNR_DB:.0f} dB)"),
    }
    print_checks(checks)
    config = {"sizes": sizes, "photo_share": args.photo_share, "card_side": args.card_side, "redrawn": REDRAWN_SHARE,
              "revision": git_revision()}
    return summary("export_bench", config, {"peak_rss_ratio": TARGET_RSS_RATIO}, checks,
                   runs=[{k: v for k, v in r.__dict__.items() if k != "archive"} for r in runs],
                   round_trip=trip.__dict__, peak_rss_ratio=round(ratio, 3))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="50 and 500 diaries: does the bench still run?")
    parser.add_argument("--sizes", default="500,5000", help="diaries per account, ascending (default 500,5000)")
    parser.add_argument("--photo-share", type=float, default=0.2, help="diaries with a photo (default 0.2)")
    parser.add_argument("--card-side", type=int, default=128, help="card images' side in pixels (default 128)")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--env", action="append", default=[], metavar="GRIDAM_NAME=value", help="stack setting")
    parser.add_argument("--output", type=pathlib.Path, default=RESULTS_FILE, help=f"JSON file (default {RESULTS_FILE})")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs) after the run")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    args.workers, args.no_access_log = None, True
    if args.quick:
        args.sizes = "50,500"
    return args


def main() -> int:
    args = parse_args()
    return run_on_stack(args, lambda infra, env: measure(infra, env, args))


if __name__ == "__main__":
    raise SystemExit(main())
