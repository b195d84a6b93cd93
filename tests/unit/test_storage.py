"""LocalFolderStorage and content-addressed keys."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from gridam_domain.storage import LocalFolderStorage, ObjectStorage, StoredObject, content_addressed_key, validate_key


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "objects"


@pytest.fixture
def store(root: Path) -> LocalFolderStorage:
    return LocalFolderStorage(root)


def all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# -- roundtrip ---------------------------------------------------------------------------------
def test_is_an_object_storage(store):
    assert isinstance(store, ObjectStorage)


def test_put_get_delete_roundtrip(store, root):
    key = "avatars/ab/photo.jpg"
    assert store.get(key) is None and not store.exists(key)

    store.put(key, b"\xff\xd8jpeg-bytes", "image/jpeg")

    assert store.exists(key)
    assert store.get(key) == StoredObject(data=b"\xff\xd8jpeg-bytes", content_type="image/jpeg")
    # The object is a plain file holding exactly the bytes (usable by backups, inspection).
    assert (root / "avatars" / "ab" / "photo.jpg").read_bytes() == b"\xff\xd8jpeg-bytes"

    store.delete(key)

    assert store.get(key) is None and not store.exists(key)
    assert all_files(root) == []  # the content-type sidecar went too


def test_content_type_is_stored_not_guessed(store):
    store.put("cards/1/card", b"png", "image/png")
    store.put("words/cloud.jpg", b"actually a png", "image/png")
    store.put("docs/a.txt", b"hi", "text/plain; charset=utf-8")
    assert store.get("cards/1/card").content_type == "image/png"
    assert store.get("words/cloud.jpg").content_type == "image/png"
    assert store.get("docs/a.txt").content_type == "text/plain; charset=utf-8"


def test_empty_object_is_an_object(store):
    store.put("empty.bin", b"", "application/octet-stream")
    assert store.exists("empty.bin")
    assert store.get("empty.bin") == StoredObject(b"", "application/octet-stream")


def test_delete_of_missing_key_is_a_no_op(store):
    store.delete("never/stored.jpg")
    store.put("a.jpg", b"x", "image/jpeg")
    store.delete("a.jpg/child")  # parent is a file
    store.delete("a.jpg")
    store.delete("a.jpg")
    assert not store.exists("a.jpg")


def test_a_directory_is_not_an_object(store):
    store.put("avatars/ab/x.jpg", b"x", "image/jpeg")
    assert not store.exists("avatars")
    assert store.get("avatars") is None
    assert store.get("avatars/ab/x.jpg/y") is None


def test_bytes_like_data_is_accepted(store):
    store.put("a.bin", bytearray(b"abc"), "application/octet-stream")
    store.put("b.bin", memoryview(b"def"), "application/octet-stream")
    assert store.get("a.bin").data == b"abc" and store.get("b.bin").data == b"def"


def test_storage_survives_a_new_instance(root):
    LocalFolderStorage(root).put("x/y.png", b"png", "image/png")
    assert LocalFolderStorage(str(root)).get("x/y.png") == StoredObject(b"png", "image/png")


def test_missing_sidecar_falls_back_to_the_extension(store, root):
    store.put("a/b.png", b"png", "image/png")
    store.put("a/c.unknownext", b"??", "image/png")
    for sidecar in root.joinpath("a").glob(".*"):
        sidecar.unlink()
    assert store.get("a/b.png") == StoredObject(b"png", "image/png")
    assert store.get("a/c.unknownext").content_type == "application/octet-stream"


# -- atomicity ---------------------------------------------------------------------------------
def test_put_leaves_no_temp_files(store, root):
    for i in range(5):
        store.put(f"p/{i}.jpg", bytes([i]) * 1000, "image/jpeg")
    names = all_files(root)
    assert not any(name.endswith(".tmp") for name in names)
    objects = [n for n in names if not Path(n).name.startswith(".")]
    assert objects == [f"p/{i}.jpg" for i in range(5)]


def test_existing_object_is_replaced_whole(store, root):
    store.put("k.bin", b"A" * 100_000, "application/octet-stream")
    store.put("k.bin", b"short", "text/plain")
    assert store.get("k.bin") == StoredObject(b"short", "text/plain")
    assert not any(n.endswith(".tmp") for n in all_files(root))


def test_a_large_object_is_written_piece_by_piece_and_seen_only_when_complete(store, root):
    with store.writer("imports/7/up.zip", "application/zip") as out:
        for piece in range(4):
            out.write(bytes([piece]) * 300_000)
            assert not store.exists("imports/7/up.zip")  # readers see nothing half-written
    assert store.get("imports/7/up.zip") == StoredObject(b"".join(bytes([p]) * 300_000 for p in range(4)), "application/zip")
    opened = store.open_object("imports/7/up.zip")
    with opened.file:
        assert (opened.size, opened.content_type, opened.file.read(2)) == (1_200_000, "application/zip", b"\0\0")
    assert store.open_object("imports/7/none.zip") is None
    assert not any(n.endswith(".tmp") for n in all_files(root))


def test_a_large_object_whose_writing_fails_is_not_stored(store, root):
    with pytest.raises(ConnectionResetError):
        with store.writer("imports/7/up.zip", "application/zip") as out:
            out.write(b"PK" * 1000)
            raise ConnectionResetError  # the upload broke off
    assert not store.exists("imports/7/up.zip")
    assert all_files(root) == []


def test_put_file_copies_a_file(store, tmp_path):
    source = tmp_path / "archive.zip"
    source.write_bytes(os.urandom(3 * 1024 * 1024 + 5))
    store.put_file("exports/1/a.zip", source, "application/zip")
    assert store.get("exports/1/a.zip") == StoredObject(source.read_bytes(), "application/zip")


def test_put_writes_via_rename_of_a_fsynced_temp_file(store, root, monkeypatch):
    """The target path is only ever reached by os.replace from a complete temp file."""
    store.put("k.bin", b"old", "application/octet-stream")
    replaced: list[tuple[str, bytes]] = []
    fsynced: list[int] = []
    real_replace, real_fsync = os.replace, os.fsync

    def spy_replace(src, dst):
        if Path(dst).name == "k.bin":
            assert Path(src).parent == Path(dst).parent  # same directory: rename is atomic
            assert Path(dst).read_bytes() == b"old"  # still the old object until the rename
            replaced.append((Path(src).name, Path(src).read_bytes()))
        real_replace(src, dst)

    def spy_fsync(fd):
        fsynced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "replace", spy_replace)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    store.put("k.bin", b"new", "application/octet-stream")

    assert len(replaced) == 1 and replaced[0][1] == b"new" and replaced[0][0].endswith(".tmp")
    assert len(fsynced) >= 2  # the data file (and the sidecar / directory)
    assert store.get("k.bin").data == b"new"


@pytest.mark.parametrize("failing_call", [1, 2])
def test_failed_write_keeps_the_old_object_and_leaves_no_temp(store, root, monkeypatch, failing_call):
    """A crash while writing (sidecar or data temp file) leaves the old object untouched."""
    store.put("k.bin", b"old", "application/octet-stream")
    calls = []
    real_fsync = os.fsync

    def crash_on_nth(fd):
        calls.append(fd)
        if len(calls) == failing_call:
            raise OSError("disk on fire")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", crash_on_nth)
    with pytest.raises(OSError, match="disk on fire"):
        store.put("k.bin", b"new new new", "text/plain")
    monkeypatch.undo()

    assert store.get("k.bin") == StoredObject(b"old", "application/octet-stream")
    assert not any(n.endswith(".tmp") for n in all_files(root))


def test_concurrent_puts_of_one_key_end_with_one_whole_object(store, root):
    payloads = [bytes([i]) * 200_000 for i in range(8)]

    def writer(data: bytes) -> None:
        for _ in range(5):
            store.put("race.bin", data, "application/octet-stream")

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("race.bin").data in payloads
    assert not any(n.endswith(".tmp") for n in all_files(root))


# -- key validation ----------------------------------------------------------------------------
BAD_KEYS = [
    "../x",
    "a/../../x",
    "/etc/passwd",
    "a//b",
    "a/",
    "A.JPG",
    "avatars/Ab.jpg",
    "",
    ".",
    "..",
    ".hidden",
    "a/.hidden",
    "a/./b",
    "a/..",
    "a..b",
    "-leading-dash",
    "_x",
    "a\\b",
    "a b",
    "a\x00b",
    "a\nb",
    "ä.jpg",
    "x" * 201,
    "c:/windows",
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_bad_keys_are_rejected_everywhere(store, root, key):
    with pytest.raises(ValueError):
        validate_key(key)
    with pytest.raises(ValueError):
        store.put(key, b"x", "image/jpeg")
    with pytest.raises(ValueError):
        store.get(key)
    with pytest.raises(ValueError):
        store.exists(key)
    with pytest.raises(ValueError):
        store.delete(key)
    assert all_files(root.parent) == []  # nothing written anywhere


def test_traversal_cannot_write_outside_the_root(store, root, tmp_path):
    for key in ("../escape", "/tmp/escape", "a/../../escape"):
        with pytest.raises(ValueError):
            store.put(key, b"x", "text/plain")
    assert not (tmp_path / "escape").exists()
    assert list(tmp_path.rglob("escape")) == []


@pytest.mark.parametrize("key", ["a", "0", "avatars/ab/" + "f" * 64 + ".jpg", "x" * 200, "a-b_c.d/e.f-g", "9/8/7"])
def test_good_keys_are_accepted(store, key):
    assert validate_key(key) == key
    store.put(key, b"ok", "image/png")
    assert store.get(key).data == b"ok"


def test_non_string_key_is_rejected(store):
    with pytest.raises(ValueError):
        store.get(b"abc")  # type: ignore[arg-type]  # the wrong type on purpose


@pytest.mark.parametrize("content_type", ["", "jpeg", "image/jpeg\nX-Evil: 1", "image/jpeg\r", "image/ jpeg", "이미지/jpeg"])
def test_bad_content_types_are_rejected(store, content_type):
    with pytest.raises(ValueError):
        store.put("a.jpg", b"x", content_type)
    assert not store.exists("a.jpg")


# -- content-addressed keys --------------------------------------------------------------------
def test_content_addressed_key_shape():
    data = b"some image bytes"
    digest = hashlib.sha256(data).hexdigest()
    key = content_addressed_key("avatars", data, "jpg")
    assert key == f"avatars/{digest[:2]}/{digest}.jpg"
    assert validate_key(key) == key


def test_content_addressed_key_is_stable_and_content_dependent():
    assert content_addressed_key("avatars", b"a", "png") == content_addressed_key("avatars", b"a", "png")
    assert content_addressed_key("avatars", b"a", "png") != content_addressed_key("avatars", b"b", "png")


def test_content_addressed_key_prefix_and_extension_forms():
    digest = hashlib.sha256(b"x").hexdigest()
    assert content_addressed_key("diary-photos/42/", b"x", ".jpg") == f"diary-photos/42/{digest[:2]}/{digest}.jpg"
    assert content_addressed_key("", b"x", "png") == f"{digest[:2]}/{digest}.png"


@pytest.mark.parametrize(
    ("prefix", "extension"),
    [("../avatars", "jpg"), ("/avatars", "jpg"), ("Avatars", "jpg"), ("avatars", "JPG"), ("avatars", "jp/g"), ("avatars", ""), ("avatars", "../x")],
)
def test_content_addressed_key_rejects_bad_parts(prefix, extension):
    with pytest.raises(ValueError):
        content_addressed_key(prefix, b"x", extension)


def test_content_addressed_put_is_idempotent(store, root):
    data = b"same bytes"
    key = content_addressed_key("avatars", data, "jpg")
    store.put(key, data, "image/jpeg")
    store.put(key, data, "image/jpeg")
    assert store.get(key) == StoredObject(data, "image/jpeg")
    assert [n for n in all_files(root) if not Path(n).name.startswith(".")] == [key]
