"""Which of the diary service's jobs are never given up (parked): those whose loss would leave
something wrong for good — a deleted diary not forgotten, an export or import not finished, an
author's diary count left as it was until their next diary."""

from __future__ import annotations

from diary_service.bootstrap import _job_queue
from diary_service.config import DiarySettings
from diary_service.service_layer.diaries import ANALYSE, CARD, COUNT, PURGE


def test_purges_and_diary_counts_are_retried_for_as_long_as_it_takes(tmp_path):
    policy = _job_queue(DiarySettings(data_dir=tmp_path)).policy
    assert {PURGE, COUNT} <= policy.never_parked
    # An analysis or a card that keeps failing is parked and shown (GridamJobsParked), not retried forever.
    assert not {ANALYSE, CARD} & policy.never_parked
