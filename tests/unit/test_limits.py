"""The one limiter (gridam_runtime.limits): limits read from the settings as count/seconds, a
refusal past the count with the seconds until the window ends, and every decision counted per
limit in Prometheus."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from card_service.config import CardSettings
from diary_service.config import DiarySettings
from emotion_service.config import EmotionSettings
from gridam_runtime.errors import ResourceExhausted
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limit, Limiter, Rate
from gridam_runtime.settings import load_settings
from user_service.config import UserSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def decisions(limit: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("gridam_rate_limit_decisions_total", {"limit": limit, "outcome": outcome}) or 0.0


def test_a_limit_refuses_past_its_count_until_its_window_ends():
    clock = Clock()
    limiter = Limiter(InProcessRateLimiter(clock))
    limit = Limit("test_writes", Rate(3, 60), "TEST4291")
    allowed, refused = decisions("test_writes", "allowed"), decisions("test_writes", "refused")
    for _ in range(3):
        limiter.hit(limit, 7)
    clock.now += 20
    with pytest.raises(ResourceExhausted) as failure:
        limiter.hit(limit, 7)
    assert (failure.value.reason, failure.value.retry_after_seconds) == ("TEST4291", 40)
    limiter.hit(limit, 8)  # another subject has its own window
    clock.now += 40
    limiter.hit(limit, 7)  # a new window
    assert decisions("test_writes", "allowed") - allowed == 5
    assert decisions("test_writes", "refused") - refused == 1


def test_limits_are_settings_written_count_per_seconds(monkeypatch):
    monkeypatch.setenv("GRIDAM_LIMIT_CARD_REGENERATIONS", "3/600")
    monkeypatch.setenv("GRIDAM_LIMIT_DIARY_WRITES", " 5 / 60 ")
    monkeypatch.setenv("GRIDAM_LIMIT_WORD_CLOUD_GENERATIONS", "1/86400")
    monkeypatch.setenv("GRIDAM_LIMIT_PASSWORD_CHANGES", "2/900")
    assert CardSettings().limit_card_regenerations == Rate(3, 600)
    assert DiarySettings().limit_diary_writes == Rate(5, 60)
    assert EmotionSettings().limit_word_cloud_generations == Rate(1, 86400)
    assert UserSettings().limit_password_changes == Rate(2, 900)


@pytest.mark.parametrize("bad", ["0/60", "5/0", "5", "five/60", "-1/60", "5/60/2"])
def test_a_bad_limit_stops_the_process_naming_the_variable(monkeypatch, capsys, bad):
    monkeypatch.setenv("GRIDAM_LIMIT_DIARY_WRITES", bad)
    with pytest.raises(SystemExit) as stopped:
        load_settings(DiarySettings)
    assert stopped.value.code == 2
    assert "GRIDAM_LIMIT_DIARY_WRITES" in capsys.readouterr().err
