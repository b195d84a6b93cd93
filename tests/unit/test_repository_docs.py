"""The documentation stays a house a newcomer can read: the README is a front door, every link
between the pages resolves, every web-API decision, section and error code the code cites is in
docs/web-api.md, and nothing in the repository points outside it."""

from __future__ import annotations

import functools
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
WEB_API = ROOT / "docs" / "web-api.md"
README_MAX_LINES = 200
TEXT_SUFFIXES = {".py", ".md", ".proto", ".yaml", ".yml", ".toml", ".txt", ".cfg", ".ini", ".json", ".go", ".tpl", ".sh"}
TEXT_NAMES = {"Makefile", "Dockerfile", ".dockerignore", ".gitignore", ".hadolint.yaml"}
# Written in two parts so that this file does not cite them itself.
OUTSIDE = tuple(a + b for a, b in (("../", "shared"), ("shared", "/docs"), ("shared", "/data"), ("/wo", "rk/")))

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
# "decision 13", "decisions 1, 2, 8, 10", "decisions 4-5", "decisions 6 and 7" (not "Decisions:")
DECISIONS = re.compile(r"\b[Dd]ecisions? (\d+(?:(?:, | and |-|–)\d+)*)")
SECTION = re.compile(r"§ ?(\d+(?:\.\d+)*)")
DOC_PATH = re.compile(r"(?<![\w/.])docs/([\w.-]+\.md)")
REASON_CODE = re.compile(r'^\s*"([A-Z]+\d{3,4})": \(\d{3},', re.M)


@functools.cache
def repository_files() -> tuple[pathlib.Path, ...]:
    """Tracked files and new ones git does not ignore (so a file is checked before its commit)."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return tuple(ROOT / name for name in listing.split("\0") if name and (ROOT / name).is_file())


@functools.cache
def text_files() -> tuple[pathlib.Path, ...]:
    return tuple(
        p for p in repository_files()
        if (p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES) and "protos/gen" not in p.as_posix()
    )


def read(path: pathlib.Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def documents() -> list[pathlib.Path]:
    return [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def outside_fences(text: str) -> str:
    """Markdown without its fenced code blocks (a link there is code, not a link)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", lambda m: "_" if m.group() == "_" else "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: pathlib.Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in outside_fences(read(path)).splitlines():
        match = re.match(r"#{1,6} (.+)", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path: pathlib.Path) -> list[str]:
    broken = []
    for target in LINK.findall(outside_fences(read(path))):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no such heading)")
    return broken


def decisions_cited(text: str) -> set[int]:
    numbers: set[int] = set()
    for group in DECISIONS.findall(text):
        for part in re.split(r", | and ", group):
            bounds = re.split(r"[-–]", part)
            numbers.update(range(int(bounds[0]), int(bounds[-1]) + 1))
    return numbers


def web_api_decisions() -> set[int]:
    return {int(n) for n in re.findall(r"^### Decision (\d+)$", read(WEB_API), re.M)}


def web_api_sections() -> set[str]:
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)*)\.? ", read(WEB_API), re.M))


def test_readme_is_a_front_door():
    lines = read(ROOT / "README.md").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail into docs/"
    for command in ("make run", "make test"):
        assert command in read(ROOT / "README.md")


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(document):
    assert broken_links(document) == []


def test_no_file_cites_a_path_outside_the_repository():
    citing = [
        f"{p.relative_to(ROOT)}: {needle}"
        for p in text_files()
        for needle in OUTSIDE
        if needle in read(p)
    ]
    assert citing == []


def test_every_cited_docs_page_exists():
    missing = sorted(
        f"{p.relative_to(ROOT)}: docs/{name}"
        for p in text_files()
        for name in DOC_PATH.findall(read(p))
        if not (ROOT / "docs" / name).is_file() and not (p.parent / "docs" / name).is_file()
    )
    assert missing == []


def test_every_web_api_decision_cited_exists():
    known = web_api_decisions()
    assert known == set(range(1, max(known) + 1)), "decisions are numbered 1, 2, 3, … without gaps"
    unknown = sorted(
        f"{p.relative_to(ROOT)}: decision {n}"
        for p in text_files()
        for n in decisions_cited(read(p))
        if n not in known
    )
    assert unknown == []


def test_every_web_api_section_cited_exists():
    known = web_api_sections()
    unknown = sorted(
        f"{p.relative_to(ROOT)}: §{s}"
        for p in text_files()
        for s in SECTION.findall(read(p))
        if s not in known
    )
    assert unknown == []


def test_every_error_code_of_the_gateway_is_documented():
    codes = REASON_CODE.findall(read(ROOT / "gateway" / "gridam_gateway" / "errors.py"))
    assert len(codes) > 50  # the table was found
    documented = read(WEB_API)
    assert [c for c in codes if f"`{c}`" not in documented] == []


def test_the_checks_catch_what_they_guard(tmp_path):
    """Each helper above fails on a broken case (so the tests cannot pass vacuously)."""
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n## Sub part\n\n[ok](page.md#sub-part) [gone](nowhere.md) [bad](page.md#nope)\n"
                    "```\n[in code](ignored.md)\n```\n", encoding="utf-8")
    assert broken_links(page) == ["nowhere.md (no such file)", "page.md#nope (no such heading)"]
    assert decisions_cited("(decisions 4-5), decision 13 and decisions 6 and 7; Decisions 1, 2, 8, 10") == {
        1, 2, 4, 5, 6, 7, 8, 10, 13
    }
    assert 99 not in web_api_decisions() and "99.1" not in web_api_sections()
    assert slug("CDC: MySQL binlog → Kafka → MongoDB read model") == "cdc-mysql-binlog--kafka--mongodb-read-model"
    assert slug("Emotion analysis (`bench.emotion_bench`)") == "emotion-analysis-benchemotion_bench"
