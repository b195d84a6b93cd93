"""Object storage behind one small interface.

Services store uploaded images (avatars, diary photos), generated card images and word clouds
through `ObjectStorage`; the gateway reads them back to serve signed URLs (web-api.md, decision 13).
Today the only backend is `LocalFolderStorage` (a local folder or a mounted volume); an S3-style
backend can implement the same abstract methods later.

The methods are synchronous (plain file I/O): async code calls them through
``asyncio.to_thread`` / a worker pool.

Keys are relative, slash-separated names such as ``avatars/ab/ab12…ef.jpg``. They are validated
strictly (see `validate_key`) so that a key can never name anything outside the storage root.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import io
import mimetypes
import os
import re
import secrets
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1024 * 1024

MAX_KEY_LENGTH = 200
_KEY_RE = re.compile(r"[a-z0-9][a-z0-9._/-]*")
_EXTENSION_RE = re.compile(r"[a-z0-9]{1,10}")
# A MIME type as in RFC 6838 (type/subtype) with optional parameters; printable ASCII only.
_CONTENT_TYPE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(;[ -~]*)?")
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class OpenedObject:
    """A stored object opened for reading in chunks (the caller closes `file`)."""

    file: BinaryIO
    size: int
    content_type: str


class ObjectStorage(abc.ABC):
    """Bytes plus a content type, addressed by a validated key."""

    @abc.abstractmethod
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing any existing object whole."""

    @contextlib.contextmanager
    def writer(self, key: str, content_type: str) -> Iterator[BinaryIO]:
        """A file to write a large object into piece by piece (an export archive, an uploaded
        import); stored under ``key`` when the block ends without an error, else discarded.
        This default gathers it in memory, backends write it where it will lie."""
        buffer = io.BytesIO()
        yield buffer
        self.put(key, buffer.getvalue(), content_type)

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        """Store the file at ``source`` under ``key``, copied in chunks."""
        with open(source, "rb") as src, self.writer(key, content_type) as dst:
            shutil.copyfileobj(src, dst, CHUNK_BYTES)

    def open(self, key: str) -> BinaryIO | None:
        """The object as a seekable file to read (a large one in chunks), or None; this default
        holds it in memory, backends read it from where it lies."""
        stored = self.get(key)
        return None if stored is None else io.BytesIO(stored.data)

    def open_object(self, key: str) -> OpenedObject | None:
        """As `open`, with the object's length and content type (to serve it in chunks)."""
        stored = self.get(key)
        if stored is None:
            return None
        return OpenedObject(io.BytesIO(stored.data), len(stored.data), stored.content_type)

    @abc.abstractmethod
    def get(self, key: str) -> StoredObject | None:
        """The object stored under ``key``, or None when there is none."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object under ``key``; a missing object is not an error."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    @abc.abstractmethod
    def stale(self, prefix: str, before: float) -> Iterator[str]:
        """The keys under the folder ``prefix`` of objects stored before ``before`` (a Unix time),
        after discarding the unfinished writes there not written to since before it (a `writer`
        whose process died): what a sweep of abandoned objects looks at."""


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe storage key, else raise ValueError.

    A key is 1..200 characters of ``[a-z0-9._/-]``, starts with ``[a-z0-9]`` (so never with
    ``/``), and consists of non-empty ``/``-separated segments none of which starts with a dot
    (so no ``.``, ``..`` or hidden names); ``..`` may not appear anywhere. Upper case is refused
    rather than folded, so one object never has two names.
    """
    if not isinstance(key, str):
        raise ValueError("storage key must be a string")
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"storage key must be 1..{MAX_KEY_LENGTH} characters")
    if not _KEY_RE.fullmatch(key):
        raise ValueError(f"storage key has forbidden characters: {key!r}")
    if ".." in key:
        raise ValueError(f"storage key may not contain '..': {key!r}")
    for segment in key.split("/"):
        if not segment:
            raise ValueError(f"storage key has an empty segment: {key!r}")
        if segment.startswith("."):
            raise ValueError(f"storage key segment may not start with '.': {key!r}")
    return key


def _validate_content_type(content_type: str) -> str:
    if (
        not isinstance(content_type, str)
        or len(content_type) > 255
        or not _CONTENT_TYPE_RE.fullmatch(content_type)
    ):
        raise ValueError(f"invalid content type: {content_type!r}")
    return content_type


def content_addressed_key(prefix: str, data: bytes, extension: str) -> str:
    """A key derived from the SHA-256 of ``data``: ``<prefix>/<h[:2]>/<h>.<extension>``.

    E.g. ``content_addressed_key("avatars", data, "jpg")`` → ``avatars/ab/ab12…ef.jpg``. The same
    bytes always get the same key (uploading twice stores once) and the name is unguessable
    without the bytes. The two-character fan-out keeps directories small. ``prefix`` may be empty
    or nested (``"diary-photos/42"``); a leading dot on ``extension`` is ignored.
    """
    ext = extension[1:] if extension.startswith(".") else extension
    if not _EXTENSION_RE.fullmatch(ext):
        raise ValueError(f"invalid extension: {extension!r}")
    digest = hashlib.sha256(data).hexdigest()
    prefix = prefix.rstrip("/")
    key = f"{digest[:2]}/{digest}.{ext}"
    if prefix:
        key = f"{prefix}/{key}"
    return validate_key(key)


class LocalFolderStorage(ObjectStorage):
    """Objects as plain files under ``root`` (a local folder or a mounted volume).

    Layout: the object for key ``a/b/c.jpg`` is the file ``root/a/b/c.jpg`` holding exactly the
    stored bytes; its content type is the one-line sidecar ``root/a/b/.c.jpg.content-type``. Keys
    never have a segment starting with a dot, so sidecars and temp files cannot clash with keys.

    Writes are atomic: data goes to a temp file in the same directory, is fsynced, and is then
    renamed over the target (``os.replace``), so readers see the old object or the new one, never
    a half-written file, even after a crash. The sidecar is put in place before the object file,
    so when an object becomes visible its content type is already there. A crash between the two
    renames can only leave a stray sidecar (ignored) or, when overwriting a key with a *different*
    content type, the new type on the old bytes until the next put; content-addressed keys never
    change type. If a sidecar is missing the type is guessed from the key's extension.

    Safe for concurrent use from threads of one process; several processes writing the same key
    at once end with one whole object (last rename wins).
    """

    _SIDECAR_SUFFIX = ".content-type"

    def __init__(self, root: Path | str) -> None:
        self._root = Path(os.path.abspath(root))
        self._root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self._root

    # -- paths -------------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        validate_key(key)
        path = self._root.joinpath(*key.split("/"))
        # Defence in depth: the key rules already guarantee this.
        if os.path.commonpath([self._root, path]) != str(self._root):
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    @classmethod
    def _sidecar(cls, path: Path) -> Path:
        return path.with_name(f".{path.name}{cls._SIDECAR_SUFFIX}")

    # -- interface ---------------------------------------------------------------------------
    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        _validate_content_type(content_type)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("data must be bytes")
        sidecar_tmp = self._first_temp(path, content_type.encode("ascii"))
        try:
            object_tmp = self._write_temp(path, data)
        except BaseException:
            _unlink_quietly(sidecar_tmp)
            raise
        try:
            with self._lock:
                os.replace(sidecar_tmp, self._sidecar(path))
                os.replace(object_tmp, path)
        except BaseException:
            _unlink_quietly(sidecar_tmp)
            _unlink_quietly(object_tmp)
            raise
        _fsync_dir(path.parent)

    @contextlib.contextmanager
    def writer(self, key: str, content_type: str) -> Iterator[BinaryIO]:
        """As `put`, written piece by piece into a temp file beside the object: memory stays flat
        whatever the object's size, and readers see it only once the block ends."""
        path = self._path(key)
        _validate_content_type(content_type)
        sidecar_tmp = self._first_temp(path, content_type.encode("ascii"))
        object_tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            with open(object_tmp, "xb") as dst:
                yield dst
                dst.flush()
                os.fsync(dst.fileno())
            with self._lock:
                os.replace(sidecar_tmp, self._sidecar(path))
                os.replace(object_tmp, path)
        except BaseException:
            _unlink_quietly(sidecar_tmp)
            _unlink_quietly(object_tmp)
            raise
        _fsync_dir(path.parent)

    def open(self, key: str) -> BinaryIO | None:
        """The stored file opened for reading (a large object read in chunks), or None."""
        try:
            return open(self._path(key), "rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def open_object(self, key: str) -> OpenedObject | None:
        path = self._path(key)
        try:
            file = open(path, "rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        return OpenedObject(file, os.fstat(file.fileno()).st_size, self._read_content_type(path))

    def get(self, key: str) -> StoredObject | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        return StoredObject(data=data, content_type=self._read_content_type(path))

    def delete(self, key: str) -> None:
        path = self._path(key)
        with self._lock:
            # Object first: once it is gone the key reads as missing; a stray sidecar is harmless.
            for target in (path, self._sidecar(path)):
                try:
                    target.unlink()
                except (FileNotFoundError, NotADirectoryError):
                    pass
        _fsync_dir(path.parent)
        self._prune(path.parent)

    def _prune(self, folder: Path) -> None:
        """Remove the folders a deletion leaves empty: their names may be ids (a deleted
        account's `word-clouds/<user id>/`). A put racing it makes its folder again (_first_temp)."""
        while folder != self._root:
            try:
                folder.rmdir()
            except OSError:  # not empty, or gone
                return
            folder = folder.parent

    def _first_temp(self, path: Path, data: bytes) -> Path:
        """The object's folder made and a first temporary file written in it (a folder holding
        a file is never pruned); again if a deletion pruned the folder in between."""
        attempts = 0
        while True:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._write_temp(path, data)
            except FileNotFoundError:
                attempts += 1
                if attempts == 3:
                    raise

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def stale(self, prefix: str, before: float) -> Iterator[str]:
        folder = self._path(prefix)
        for parent, _, names in os.walk(folder):
            for name in names:
                path = Path(parent, name)
                try:
                    stored_at = path.stat().st_mtime
                except FileNotFoundError:  # deleted meanwhile
                    continue
                if stored_at >= before:
                    continue
                if name.endswith(".tmp"):  # a write that never finished (sidecars are the object's)
                    _unlink_quietly(path)
                elif not name.startswith("."):
                    yield path.relative_to(self._root).as_posix()

    # -- helpers -----------------------------------------------------------------------------
    def _read_content_type(self, path: Path) -> str:
        try:
            value = self._sidecar(path).read_text("ascii").strip()
            return _validate_content_type(value)
        except (OSError, ValueError):
            guessed, _ = mimetypes.guess_type(path.name)
            return guessed or DEFAULT_CONTENT_TYPE

    @staticmethod
    def _write_temp(path: Path, data: bytes) -> Path:
        """Write ``data`` to a new temp file beside ``path`` and fsync it; return its path."""
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            _unlink_quietly(tmp)
            raise
        return tmp


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
