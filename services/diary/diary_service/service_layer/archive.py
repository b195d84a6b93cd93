"""The archives of docs/export-import.md: GriDam's own export (written by exports.py, read back
by imports.py) and Day One's JSON export, read and checked whole before anything is imported.

Reading trusts nothing in the file: the zip's structure, the sizes it declares and the ones it
really inflates to (a zip bomb), the format and its version, JSON and UTF-8, every field the
import uses, and every image by its content. Any fault is an `InvalidArgument` with an IMPORT
code, raised before the caller writes anything.
"""

from __future__ import annotations

import datetime
import json
import re
import zipfile
import zoneinfo
from dataclasses import dataclass, field
from typing import IO, Any

from gridam_domain import text as text_policy
from gridam_domain.dates import parse_day
from gridam_domain.emotions import EMOTION_KEYS
from gridam_domain.images import MAX_UPLOAD_BYTES, PNG_SIGNATURE, sanitize_image
from gridam_runtime.errors import InvalidArgument

FORMAT = "gridam-export"
VERSION = 1
DIARIES, FEED, PROFILE, README = "diaries.json", "feed.json", "profile.json", "README.txt"
DAY_ONE_JOURNAL = "Journal.json"
GRIDAM, DAY_ONE = "gridam", "dayone"
RISK_LEVELS = ("none", "concern", "urgent")

# What an archive may hold. The gateway takes an upload of up to GRIDAM_MAX_IMPORT_BODY_BYTES
# (2 GiB) into the media store; it is read from there a member at a time, so these bound disk
# and time, not memory — but for the JSON, parsed whole (64 MB: ~10,000 diaries of the longest).
MAX_MEMBERS = 200_000
MAX_INFLATED_BYTES = 4 * 1024 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100  # inflated / compressed, for members over 1 MB: text compresses 5-10 times
RATIO_FLOOR = 1024 * 1024
TITLE_MAX_CHARS, CONTENT_MAX_CHARS = 100, 5000

NOT_A_ZIP, FOREIGN, BAD_VERSION, BAD_JSON, BAD_IMAGE, TOO_LONG, TOO_LARGE = (
    "IMPORT4001", "IMPORT4002", "IMPORT4003", "IMPORT4004", "IMPORT4005", "IMPORT4006", "IMPORT4131",
)

# Storage folders -> archive folders (a content-addressed object keeps its hash as its name).
ARCHIVE_FOLDERS = {"diary-photos": "photos", "cards": "cards", "word-clouds": "word-clouds", "avatars": "profile"}

README_TEXT = f"""GriDam export
format: {FORMAT}
version: {VERSION}

This archive holds everything GriDam kept of your account when it was made. All text is UTF-8
JSON; dates are YYYY-MM-DD (the day in Korea), times ISO 8601 with their offset.

diaries.json   {{"format", "version", "diaries": [diary]}}, oldest first. A diary:
               date, title, content, createdAt, photo (a file of this archive or null),
               hashtags, analysis (null when the diary had none: emotions (nine fractions
               summing to 1), dominant, hashtags, keywords [{{word, weight}}], feedback,
               riskLevel (none, concern, urgent), safetyFlag, language) and cards (every
               version of its emotion card: version, image, createdAt, dominant, hashtags,
               feedback).
feed.json      {{"format", "version", "posts": [...], "myComments": [...]}}: your posts with
               their comments and the reactions counted by type; your comments on others' posts.
profile.json   {{"format", "version", "profile", "followers", "following", "wordClouds"}}.
photos/        diary photos; cards/ emotion card images; word-clouds/ word cloud images;
profile/       your profile image. Files are named by the SHA-256 of their content.

To move your diaries into another GriDam account, upload this file unchanged in
"가져오기" (POST /api/users/import). Diaries already there are not added twice.
"""


def archive_path(key: str) -> str:
    """Where the object stored under `key` lies in an archive."""
    folder = ARCHIVE_FOLDERS[key.split("/", 1)[0]]
    return f"{folder}/{key.rsplit('/', 1)[-1]}"


@dataclass(frozen=True)
class ArchivedCard:
    """One version of a diary's emotion card, as exported (the image: a PNG of this archive)."""

    version: int
    image: str
    dominant: str  # an emotion's name (EMOTION_KEYS), or "": the analysis' dominant one
    hashtags: tuple[str, ...]
    feedback: str
    created_at: datetime.datetime | None = None  # naive UTC


@dataclass(frozen=True)
class ArchivedDiary:
    date: datetime.date
    title: str
    content: str
    photo: str  # the member holding the photo, or ""
    analysis: dict[str, Any] | None = None
    created_at: datetime.datetime | None = None  # naive UTC
    cards: tuple[ArchivedCard, ...] = ()  # oldest first; none from Day One


@dataclass
class Archive:
    format: str
    diaries: list[ArchivedDiary] = field(default_factory=list)

    @property
    def images(self) -> int:
        return sum(1 for diary in self.diaries if diary.photo)


def _fault(reason: str, detail: str) -> InvalidArgument:
    return InvalidArgument(reason, detail)


def open_zip(file: IO[bytes]) -> zipfile.ZipFile:
    """The zip in `file`, its declared sizes checked (members, total, ratio)."""
    try:
        archive = zipfile.ZipFile(file)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _fault(NOT_A_ZIP, "not a zip file") from None
    if len(members) > MAX_MEMBERS:
        raise _fault(TOO_LARGE, f"{len(members)} files")
    if sum(m.file_size for m in members) > MAX_INFLATED_BYTES:
        raise _fault(TOO_LARGE, "inflates beyond the limit")
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise _fault(TOO_LARGE, f"{member.filename} inflates {member.file_size // max(member.compress_size, 1)} times")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, never more than `limit` inflated, whatever its header claims."""
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except KeyError:
        raise _fault(FOREIGN, f"no {name}") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        raise _fault(NOT_A_ZIP, f"{name} cannot be read") from None
    if len(data) > limit:
        raise _fault(TOO_LARGE, f"{name} is larger than {limit} bytes")
    return data


def _json(archive: zipfile.ZipFile, name: str) -> Any:
    raw = read_member(archive, name, MAX_JSON_BYTES)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fault(BAD_JSON, f"{name} is not UTF-8") from None
    except ValueError:
        raise _fault(BAD_JSON, f"{name} is not JSON") from None


def _check_image(archive: zipfile.ZipFile, name: str) -> None:
    sanitize_image(read_member(archive, name, MAX_UPLOAD_BYTES), max_side=64)


def image_bytes(archive: zipfile.ZipFile, name: str) -> bytes:
    return read_member(archive, name, MAX_UPLOAD_BYTES)


def _text(value: Any, what: str, max_chars: int, *, multiline: bool = True) -> str:
    if not isinstance(value, str):
        raise _fault(BAD_JSON, f"{what} is not text")
    cleaned = text_policy.clean(value, multiline=multiline)
    if not cleaned:
        raise _fault(BAD_JSON, f"{what} is empty")
    if len(cleaned) > max_chars:
        raise _fault(TOO_LONG, f"{what} is longer than {max_chars} characters")
    return cleaned


def _instant(value: Any) -> datetime.datetime | None:
    """An ISO 8601 instant as naive UTC (None when absent or not one)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(datetime.UTC).replace(tzinfo=None)


def _analysis(value: Any, where: str) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        emotions = {key: float(value["emotions"][key]) for key in EMOTION_KEYS}
        keywords = [(str(k["word"]), float(k["weight"])) for k in value.get("keywords", [])]
        analysis = {
            "emotions": emotions,
            "dominant": str(value["dominant"]),
            "hashtags": [str(tag) for tag in value.get("hashtags", [])],
            "keywords": keywords,
            "feedback": str(value.get("feedback", "")),
            "riskLevel": str(value.get("riskLevel", "none")),
            "safetyFlag": bool(value.get("safetyFlag", False)),
            "language": str(value.get("language", "ko")),
        }
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _fault(BAD_JSON, f"{where}: analysis is incomplete") from None
    if (
        analysis["dominant"] not in EMOTION_KEYS
        or analysis["riskLevel"] not in RISK_LEVELS
        or any(not 0 <= f <= 1 for f in emotions.values())
        or abs(sum(emotions.values()) - 1) > 0.01
    ):
        raise _fault(BAD_JSON, f"{where}: analysis is out of range")
    return analysis


def _cards(value: Any, where: str, names: set[str]) -> tuple[ArchivedCard, ...]:
    if value is None:
        return ()
    try:
        cards = tuple(
            ArchivedCard(
                version=int(card["version"]),
                image=str(card["image"]),
                dominant=str(card.get("dominant", "")),
                hashtags=tuple(str(tag) for tag in card.get("hashtags", [])),
                feedback=str(card.get("feedback", "")),
                created_at=_instant(card.get("createdAt")),
            )
            for card in value
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _fault(BAD_JSON, f"{where}: cards are incomplete") from None
    versions = [card.version for card in cards]
    if any(v < 1 for v in versions) or len(set(versions)) != len(versions):
        raise _fault(BAD_JSON, f"{where}: card versions are not distinct positive numbers")
    for card in cards:
        if card.image not in names:
            raise _fault(BAD_JSON, f"{where}: card image {card.image!r} is not in the archive")
        if card.dominant and card.dominant not in EMOTION_KEYS:
            raise _fault(BAD_JSON, f"{where}: a card's dominant emotion is not one of {', '.join(EMOTION_KEYS)}")
    return tuple(sorted(cards, key=lambda card: card.version))


def _day(value: object, where: str) -> datetime.date:
    """A diary's day: a string YYYY-MM-DD."""
    if isinstance(value, str):
        try:
            return parse_day(value)
        except ValueError:
            pass
    raise _fault(BAD_JSON, f"{where}: date is not YYYY-MM-DD")


def _gridam(archive: zipfile.ZipFile, names: set[str]) -> Archive:
    document = _json(archive, DIARIES)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _fault(FOREIGN, "diaries.json is not a GriDam export")
    if document.get("version") != VERSION:
        raise _fault(BAD_VERSION, f"version {document.get('version')!r}")
    entries = document.get("diaries")
    if not isinstance(entries, list):
        raise _fault(BAD_JSON, "diaries is not a list")
    result = Archive(GRIDAM)
    for index, entry in enumerate(entries):
        where = f"diary {index + 1}"
        if not isinstance(entry, dict):
            raise _fault(BAD_JSON, f"{where} is not an object")
        day = _day(entry.get("date"), where)
        photo = entry.get("photo") or ""
        if photo and (not isinstance(photo, str) or photo not in names):
            raise _fault(BAD_JSON, f"{where}: photo {photo!r} is not in the archive")
        result.diaries.append(
            ArchivedDiary(
                date=day,
                title=_text(entry.get("title"), f"{where}: title", TITLE_MAX_CHARS, multiline=False),
                content=_text(entry.get("content"), f"{where}: content", CONTENT_MAX_CHARS),
                photo=photo,
                analysis=_analysis(entry.get("analysis"), where),
                created_at=_instant(entry.get("createdAt")),
                cards=_cards(entry.get("cards"), where, names),
            )
        )
    return result


# A photo in a Day One entry's text: ![](dayone-moment://<identifier>)
MOMENT = re.compile(r"!\[[^\]]*\]\(dayone-moment://([A-Za-z0-9-]+)\)")


def _pieces(text: str, limit: int) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, each at the last paragraph break,
    else line break, else space before the limit (mid-word only when there is none)."""
    pieces = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = max(window.rfind("\n\n"), 0) or max(window.rfind("\n"), 0) or max(window.rfind(" "), 0) or limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return [piece for piece in [*pieces, text] if piece]


def _day_one_entry(entry: Any, where: str, names: set[str], default_zone: zoneinfo.ZoneInfo) -> list[ArchivedDiary]:
    """The diaries of one Day One entry. A GriDam diary holds one photo and 5,000 characters, so
    an entry with more is split, never cut: its text in pieces at paragraph breaks, then one
    diary per photo beyond those, all of its day, titled "<title> (2/3)" and so on."""
    if not isinstance(entry, dict):
        raise _fault(BAD_JSON, f"{where} is not an object")
    created = _instant(entry.get("creationDate"))
    if created is None:
        raise _fault(BAD_JSON, f"{where}: creationDate is not an ISO 8601 time")
    try:
        zone = zoneinfo.ZoneInfo(entry["timeZone"]) if entry.get("timeZone") else default_zone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        zone = default_zone
    text = entry.get("text")
    if not isinstance(text, str):
        raise _fault(BAD_JSON, f"{where}: text is missing")
    photos = {}
    for photo in entry.get("photos") or []:
        if not isinstance(photo, dict) or not isinstance(photo.get("identifier"), str):
            raise _fault(BAD_JSON, f"{where}: a photo has no identifier")
        name = f"photos/{photo.get('md5')}.{photo.get('type', 'jpeg')}"
        if name not in names:
            raise _fault(BAD_JSON, f"{where}: {name} is not in the archive")
        photos[photo["identifier"]] = name
    # The photos in the order the text shows them, then those it does not show; each once.
    ordered = list(dict.fromkeys([photos[i] for i in MOMENT.findall(text) if i in photos] + list(photos.values())))
    body = text_policy.clean(MOMENT.sub("", text), multiline=True)
    if not body:
        raise _fault(BAD_JSON, f"{where}: text is empty")
    title = _text((body.split("\n", 1)[0].lstrip("#").strip() or body.strip())[:TITLE_MAX_CHARS], f"{where}: title",
                  TITLE_MAX_CHARS, multiline=False)
    texts = _pieces(body, CONTENT_MAX_CHARS)
    count = max(len(texts), len(ordered))
    day = created.replace(tzinfo=datetime.UTC).astimezone(zone).date()
    diaries = []
    for index in range(count):
        part = f" ({index + 1}/{count})" if count > 1 else ""
        content = texts[index] if index < len(texts) else f"사진 {index + 1}/{len(ordered)} — Day One 기록 「{title}」"
        diaries.append(
            ArchivedDiary(
                date=day,
                title=_text(title[: TITLE_MAX_CHARS - len(part)] + part, f"{where}: title", TITLE_MAX_CHARS, multiline=False),
                content=_text(content, f"{where}: text", CONTENT_MAX_CHARS),
                photo=ordered[index] if index < len(ordered) else "",
                created_at=created,
            )
        )
    return diaries


def _day_one(archive: zipfile.ZipFile, names: set[str], default_zone: zoneinfo.ZoneInfo) -> Archive:
    document = _json(archive, DAY_ONE_JOURNAL)
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise _fault(FOREIGN, "Journal.json is not a Day One journal")
    result = Archive(DAY_ONE)
    for index, entry in enumerate(document["entries"]):
        result.diaries += _day_one_entry(entry, f"entry {index + 1}", names, default_zone)
    return result


def read_diaries(archive: zipfile.ZipFile, default_zone: zoneinfo.ZoneInfo) -> Archive:
    """The diaries of a GriDam or a Day One archive, every one of them checked."""
    names = {m.filename for m in archive.infolist() if not m.is_dir()}
    if DIARIES in names:
        return _gridam(archive, names)
    if DAY_ONE_JOURNAL in names:
        return _day_one(archive, names, default_zone)
    raise _fault(FOREIGN, "neither a GriDam nor a Day One archive")


def read_archive(file: IO[bytes], default_zone: zoneinfo.ZoneInfo) -> Archive:
    """The diaries of the archive in `file`, all of it checked, every photo and card image
    decoded; raises InvalidArgument(IMPORT…) on any fault. Reads a member at a time: `file` may
    be gigabytes."""
    archive = open_zip(file)
    with archive:
        result = read_diaries(archive, default_zone)
        cards = {c.image for d in result.diaries for c in d.cards}
        for image in sorted({d.photo for d in result.diaries if d.photo} | cards):
            try:
                _check_image(archive, image)
            except InvalidArgument as error:
                if error.reason.startswith("IMPORT"):
                    raise
                raise _fault(BAD_IMAGE, f"{image}: {error}") from None
            if image in cards and not image_bytes(archive, image).startswith(PNG_SIGNATURE):
                raise _fault(BAD_IMAGE, f"{image}: a card image is not a PNG")
    return result
