"""What the emotion use cases are given (bootstrap.py builds it; tests build it on SQLite)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from emotion_service.adapters.history import AnalysisHistory
from emotion_service.config import EmotionSettings
from emotion_service.domain.analysis.analyser import DiaryAnalyser
from emotion_service.unit_of_work import UnitOfWork
from gridam_runtime.auth import Authenticator
from gridam_runtime.db import utcnow


@dataclass(frozen=True)
class Dependencies:
    settings: EmotionSettings
    uow: Callable[[], UnitOfWork]
    authenticator: Authenticator
    analyser: DiaryAnalyser
    classifier_name: str
    history: AnalysisHistory  # what statistics and word clouds read
    clock: Callable[[], datetime.datetime] = utcnow
