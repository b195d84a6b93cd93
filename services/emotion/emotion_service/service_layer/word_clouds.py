"""Word clouds per emotion from a user's analysed diaries (decision 12 of docs/web-api.md)."""

from __future__ import annotations

import asyncio
import datetime
from dataclasses import dataclass

from emotion_service.adapters.orm import WordCloud
from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion
from emotion_service.domain.wordclouds import DiaryKeywords, aggregate_keywords, render_word_cloud
from emotion_service.service_layer.dependencies import Dependencies
from gridam_domain.storage import ObjectStorage, content_addressed_key
from gridam_runtime.errors import FailedPrecondition
from gridam_runtime.limits import Limit, Limiter


@dataclass(frozen=True)
class WordClouds:
    clouds: list[WordCloud]  # EMOTIONS order
    generated_at: datetime.datetime | None
    next_generation: datetime.datetime | None


# Drawings in a row while deletions keep arriving; each later deletion redraws on its own.
MAX_DRAWINGS = 3


class WordCloudMaker:
    def __init__(self, deps: Dependencies, storage: ObjectStorage, limiter: Limiter) -> None:
        self._d = deps
        self._storage = storage
        self._limiter = limiter
        self._generations = Limit("word_cloud_generations", deps.settings.limit_word_cloud_generations, "WORDCLOUD4291")

    def _result(self, clouds: list[WordCloud]) -> WordClouds:
        if not clouds:
            return WordClouds([], None, None)
        order = {e.name: i for i, e in enumerate(EMOTIONS)}
        clouds = sorted(clouds, key=lambda c: order[c.emotion])
        generated = max(c.generated_at for c in clouds)
        interval = datetime.timedelta(hours=self._d.settings.word_cloud_interval_hours)
        return WordClouds(clouds, generated, generated + interval)

    async def get(self) -> WordClouds:
        return await asyncio.to_thread(self._get)

    def _get(self) -> WordClouds:
        identity = self._d.authenticator.require()
        with self._d.uow() as uow:
            return self._result(uow.word_clouds.for_author(identity.user_id))

    async def generate(self) -> WordClouds:
        return await asyncio.to_thread(self._generate)

    def _generate(self) -> WordClouds:
        identity = self._d.authenticator.require()
        self._limiter.hit(self._generations, identity.user_id)
        return self.regenerate(identity.user_id)

    async def forget_author(self, author_id: int) -> None:
        """A deleted account (docs/account-deletion.md; the user service's relay only): its
        word clouds and their images, and its generation limit. Refused with EMOTION4091 while
        analyses of the author remain (their purges are still owed): a purge's redraw must find
        no cloud left to draw again. A repeat finds nothing more to do."""
        await asyncio.to_thread(self._forget_author, author_id)

    def _forget_author(self, author_id: int) -> None:
        with self._d.uow() as uow:
            if uow.analyses.has_author(author_id):
                raise FailedPrecondition("EMOTION4091", "analyses of the author are still to be purged")
            keys = {c.image_key for c in uow.word_clouds.for_author(author_id)} - {""}
            uow.word_clouds.replace(author_id, [])
            uow.commit()
        for key in keys:
            self._storage.delete(key)
        self._limiter.reset(self._generations, author_id)

    async def refresh_after_deletion(self, author_id: int) -> None:
        """A deleted diary's words must leave the clouds: redraw them if the author has any."""
        await asyncio.to_thread(self._refresh_after_deletion, author_id)

    def _refresh_after_deletion(self, author_id: int) -> None:
        with self._d.uow() as uow:
            has_clouds = bool(uow.word_clouds.for_author(author_id))
        if has_clouds:
            self.regenerate(author_id)

    def regenerate(self, author_id: int) -> WordClouds:
        """Draw the author's clouds; again while diaries were deleted during the drawing.

        A deletion's own redraw (refresh_after_deletion) only runs once its analysis is gone,
        and skips an author without clouds: a drawing that began before the deletion and is
        stored after it would keep the deleted diary's words for good."""
        for _ in range(MAX_DRAWINGS):
            clouds, drawn_without = self._draw(author_id)
            with self._d.uow() as uow:
                if uow.analyses.deleted_ids(author_id) <= drawn_without:
                    break
        return self._result(clouds)

    def _draw(self, author_id: int) -> tuple[list[WordCloud], set[int]]:
        """Render every emotion's cloud, store the images, swap the rows in one transaction,
        then remove the images no row points at any more; also the deleted diaries left out."""
        rows = self._d.history.keywords(author_id)
        with self._d.uow() as uow:
            # The read model may still hold a diary deleted a moment ago (see adapters/history.py).
            deleted = uow.analyses.deleted_ids(author_id)
            old_keys = {c.image_key for c in uow.word_clouds.for_author(author_id)}
        aggregated = aggregate_keywords(
            (
                DiaryKeywords(Emotion[dominant], [(str(w), float(x)) for w, x in keywords or []])
                for diary_id, dominant, keywords in rows
                if diary_id not in deleted
            ),
            top_n=self._d.settings.word_cloud_words,
        )
        now = self._d.clock().replace(microsecond=0)
        clouds = []
        for emotion, words in aggregated.items():
            png = render_word_cloud(emotion, words)
            image_key = ""
            if png is not None:
                # Content-addressed per user: rows always point at complete objects.
                image_key = content_addressed_key(f"word-clouds/{author_id}", png, "png")
                self._storage.put(image_key, png, "image/png")
            clouds.append(
                WordCloud(
                    author_id=author_id,
                    emotion=emotion.name,
                    words=[[w.word, w.weight] for w in words],
                    image_key=image_key,
                    generated_at=now,
                )
            )
        with self._d.uow() as uow:
            uow.word_clouds.replace(author_id, clouds)
            uow.commit()
        for key in old_keys - {c.image_key for c in clouds} - {""}:
            self._storage.delete(key)
        return clouds, deleted
