"""Word-cloud drawings are bounded per user (issue 19, finding 5: generation was unlimited and
`nextGeneration` only a hint). SQLite and local storage; the authenticator is a test double."""

from __future__ import annotations

import datetime

import pytest

from emotion_service.config import EmotionSettings
from emotion_service.service_layer.word_clouds import WordCloudMaker
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime.context import Identity
from gridam_runtime.errors import ResourceExhausted
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter, Rate
from tests.support.emotion_layer import emotion_dependencies


class SignedIn:
    def require(self) -> Identity:
        return Identity(user_id=7, login_id="haru", session_id="s1", expires_at=2_000_000_000)


async def test_a_user_draws_word_clouds_a_bounded_number_of_times(tmp_path):
    settings = EmotionSettings(data_dir=tmp_path, limit_word_cloud_generations=Rate(2, 86400))
    with emotion_dependencies(tmp_path, clock=lambda: datetime.datetime(2026, 12, 7, 12), settings=settings,
                              authenticator=SignedIn()) as (deps, _):
        maker = WordCloudMaker(deps, LocalFolderStorage(tmp_path / "media"), Limiter(InProcessRateLimiter()))
        await maker.generate()
        await maker.generate()
        with pytest.raises(ResourceExhausted) as refused:
            await maker.generate()
    assert (refused.value.reason, refused.value.retry_after_seconds) == ("WORDCLOUD4291", 86400)
