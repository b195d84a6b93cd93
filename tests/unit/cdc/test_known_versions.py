"""The projector's memory of the documents it owns: the most recently used ones, forgotten at once
when its partitions are taken away."""

from __future__ import annotations

from cdc_service.service_layer.projector import KnownVersions


def test_the_least_recently_used_document_is_forgotten_first():
    known = KnownVersions(capacity=2)
    known.put("a", {"diary": 1})
    known.put("b", {"diary": 2})
    assert known.get("a") == {"diary": 1}  # now more recent than b

    known.put("c", {"diary": 3})

    assert (known.get("a"), known.get("b"), known.get("c")) == ({"diary": 1}, None, {"diary": 3})


def test_a_document_written_again_has_its_new_versions():
    known = KnownVersions(capacity=2)
    known.put("a", {"diary": 1})
    known.put("a", {"diary": 1, "analysis": 5})

    assert known.get("a") == {"diary": 1, "analysis": 5}


def test_clear_forgets_everything():
    known = KnownVersions(capacity=2)
    known.put("a", {"diary": 1})

    known.clear()

    assert known.get("a") is None
