"""The data sets' files: reading JSON lines with errors that name the line, and a fingerprint of
files that a shipped artifact records, so a test can tell when it is stale."""
from __future__ import annotations

import hashlib
import json
import pathlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["files_digest", "read_jsonl"]

T = TypeVar("T")


def read_jsonl(path: str | pathlib.Path, make: Callable[[dict[str, Any]], T], what: str) -> list[T]:
    """`make(row)` for every non-blank line; a bad line raises ValueError("<path>:<line>: not <what> …")."""
    out = []
    for number, line in enumerate(pathlib.Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(make(json.loads(line)))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not {what} ({exc})") from exc
    return out


def files_digest(paths: Sequence[pathlib.Path]) -> str:
    """sha256 over the files' bytes, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(pathlib.Path(path).read_bytes())
    return digest.hexdigest()
