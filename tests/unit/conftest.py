"""Test doubles the unit tests of several service layers share, one per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.doubles.sens_sms_provider import SensSmsProviderDouble


@pytest.fixture(scope="session")
def sens_provider() -> Iterator[SensSmsProviderDouble]:
    """The SENS test double the user service layer sends its phone codes to."""
    double = SensSmsProviderDouble()
    double.start()
    yield double
    double.stop()
