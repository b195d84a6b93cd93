"""What the unit tests of several service layers share: the in-process world of the user, diary
and card layers (tests/support/in_process.py), with the SENS test double of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.in_process import World, in_process_world


@pytest.fixture
def world(tmp_path, sens_provider) -> Iterator[World]:
    with in_process_world(tmp_path, sens_provider) as built:
        yield built
