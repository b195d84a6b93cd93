"""What the unit tests of several service layers share: the SENS test double (one per test
session) and the in-process world of the user, diary and card layers (tests/support/in_process.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.doubles.sens_sms_provider import SensSmsProviderDouble
from tests.support.in_process import World, in_process_world


@pytest.fixture(scope="session")
def sens_provider() -> Iterator[SensSmsProviderDouble]:
    """The SENS test double the user service layer sends its phone codes to."""
    double = SensSmsProviderDouble()
    double.start()
    yield double
    double.stop()


@pytest.fixture
def world(tmp_path, sens_provider) -> Iterator[World]:
    with in_process_world(tmp_path, sens_provider) as built:
        yield built
