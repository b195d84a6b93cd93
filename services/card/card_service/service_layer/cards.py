"""Making, reading, regenerating and deleting emotion cards.

Drawing a card: the diary's analysis (from the emotion service) → a prompt that never
depicts self-harm (domain/prompts.py) → the gpu-worker draws the art within a deadline → the art
is composed with the date, emotion, hashtags and feedback (domain/composition.py) → the PNG is
stored content-addressed → a card row records it. The row is written last, so a failure
anywhere leaves no half-made card, and an image whose row is not recorded (the diary was
deleted meanwhile, or the write failed) is removed again.

Who may call each use case (the diary pipeline for the internal ones) and the bounds of its
request (page sizes) are declared on its RPC in the proto and checked before the servicer runs
(gridam_runtime.access, gridam_runtime.validation); what stays here is per object: a card is
its author's.
"""

from __future__ import annotations

import asyncio
import datetime
import logging

import grpc
from sqlalchemy.exc import IntegrityError

from card_service.adapters.orm import Card
from card_service.adapters.reads import CardRow
from card_service.domain.composition import compose_card
from card_service.domain.prompts import build_prompt, card_hashtags
from card_service.service_layer.dependencies import Dependencies
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.common.v1 import emotion_pb2
from gridam.diary.v1 import diary_service_pb2 as diary_pb
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.imagegen.v2 import imagegen_service_pb2 as imagegen_pb
from gridam_domain.dates import parse_day
from gridam_domain.emotions import Emotion
from gridam_domain.images import PNG_SIGNATURE, sanitize_image
from gridam_domain.paging import split_page
from gridam_domain.storage import content_addressed_key
from gridam_runtime import context
from gridam_runtime.emotions import from_proto, shares_from_proto, to_proto
from gridam_runtime.errors import Aborted, InvalidArgument, NotFound, PermissionDenied, Unavailable, error_info
from gridam_runtime.latest_diaries import day_key
from gridam_runtime.limits import Limit

log = logging.getLogger("gridam.card.cards")

NOT_READY = "EMOTIONCARD4001"


def _distribution(analysis: emotion_pb.Analysis) -> dict[str, float]:
    """An analysis' distribution as a card stores it: by the emotions' names (adapters/orm.py)."""
    return {emotion.name: fraction for emotion, fraction in shares_from_proto(analysis.distribution).items()}


class Cards:
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps
        self._regenerations = Limit("card_regenerations", deps.settings.limit_card_regenerations, "CARD4291")

    # -- reads (the caller's own cards only) ---------------------------------------------

    async def get(self, card_id: int) -> Card:
        identity = await asyncio.to_thread(self._d.authenticator.require)

        def read() -> Card | None:
            with self._d.uow() as uow:
                return uow.cards.get(card_id)

        card = await asyncio.to_thread(read)
        if card is None or card.author_id != identity.user_id:
            raise NotFound("EMOTIONCARD4041", "no such card of the caller")
        return card

    # The card of a diary, of a day and the gallery are read on the event loop, not in a worker
    # thread: a token check from memory and one indexed read of at most a page on the autocommit
    # read engine (bounded by its timeouts) cost less than the hop to a thread and back, as the
    # diary service's list and day (docs/performance.md).
    async def by_diary(self, diary_id: int) -> CardRow:
        """The caller's diary's card; DIARY4041 when there is no such diary of the caller, and
        EMOTIONCARD4001 only while the caller's diary has no card yet (decision 16)."""
        identity = self._d.authenticator.require()
        card = self._d.plain.latest(diary_id)
        if card is not None and card.author_id == identity.user_id:
            return card
        if card is None:
            try:  # asked with the caller's token: someone else's diary is NOT_FOUND too
                await self._d.diaries.GetDiary(diary_pb.GetDiaryRequest(diary_id=diary_id))
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
            else:
                raise NotFound(NOT_READY, "no card of the caller's diary yet")
        raise NotFound("DIARY4041", "no such diary of the caller")

    async def by_date(self, day: str) -> CardRow | None:
        """The card of the caller's latest diary of that day (decision 9); None while that diary
        has no card yet.

        Which diary is the latest only the diary service knows (a newer one may have no card yet,
        and a deleted one's cards may not be deleted yet), so it is asked, with the caller's token,
        unless the caller has no card of that day at all: then that diary has none either.
        Usually the latest diary is the one of the caller's newest card that day, read first."""
        identity = self._d.authenticator.require()
        try:
            date = parse_day(day)
        except ValueError:
            raise InvalidArgument("DIARY4003", "date must be YYYY-MM-DD") from None
        card = self._d.plain.latest_of_day(identity.user_id, date)
        if card is None:
            return None
        latest = await self._latest_diary(identity.user_id, date)
        if latest == 0:  # no diary that day (they were deleted)
            return None
        if latest != card.diary_id:
            card = self._d.plain.latest(latest)
        return card if card is not None and card.author_id == identity.user_id else None

    async def _latest_diary(self, author_id: int, date: datetime.date) -> int:
        """The id of the caller's latest diary of `date` (0: none): from the copy when it knows
        it, else asked (and copied)."""
        copy = self._d.latest_diaries
        key = day_key(author_id, date)
        known = copy.get(key) if copy is not None else None
        if known is not None:
            return known
        generation = copy.generation if copy is not None else 0  # read before asking: a change meanwhile voids the answer
        try:
            latest = (await self._d.diaries.GetDiaryByDate(diary_pb.GetDiaryByDateRequest(date=date.isoformat()))).diary.id
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            latest = 0
        if copy is not None:
            copy.put(key, latest, generation)
        return latest

    async def page(self, size: int, cursor: int) -> tuple[list[CardRow], int]:
        identity = self._d.authenticator.require()
        return split_page(self._d.plain.page(identity.user_id, size + 1, cursor or None), size)

    async def shared_page(self, author_id: int, size: int, cursor: int) -> tuple[list[CardRow], int]:
        """Another user's cards the caller sees through that user's posts (decision 3): the
        diary service, asked with the caller's own token, says which posts are visible."""
        identity = self._d.authenticator.require()
        if author_id == identity.user_id:
            return await self.page(size, cursor)
        posts = (await self._d.diaries.ListUserPosts(diary_pb.ListUserPostsRequest(author_id=author_id))).posts
        diary_ids = sorted({p.diary_id for p in posts})
        if not diary_ids:
            raise PermissionDenied("EMOTIONCARD4031", "none of this user's cards is shared with the caller")
        return split_page(self._d.plain.page(author_id, size + 1, cursor or None, diary_ids), size)

    async def versions(self, diary_id: int) -> list[Card]:
        """Every version of a diary's card, oldest first (internal: the diary service's export)."""

        def read() -> list[Card]:
            with self._d.uow() as uow:
                return sorted(uow.cards.all_of(diary_id), key=lambda card: card.version)

        return await asyncio.to_thread(read)

    def _latest(self, diary_id: int) -> Card | None:
        with self._d.uow() as uow:
            return uow.cards.latest(diary_id)

    # -- making ---------------------------------------------------------------------------

    async def make(self, diary_id: int) -> Card | None:
        """Version 1 of a diary's card, made once (internal); None when the diary was deleted."""

        def existing() -> tuple[bool, Card | None]:
            with self._d.uow() as uow:
                return uow.cards.is_deleted(diary_id), uow.cards.latest(diary_id)

        deleted, card = await asyncio.to_thread(existing)
        if deleted:
            return None
        if card is not None:  # a retried job: same card, nothing new
            return card
        context.bearer_token.set(self._d.service_tokens.token())
        reply = await self._d.emotion.GetAnalysis(emotion_pb.GetAnalysisRequest(diary_id=diary_id))
        analysis = reply.analysis
        snapshot = Card(
            diary_id=diary_id,
            version=1,
            author_id=reply.author_id,
            date=datetime.date.fromisoformat(reply.date),
            dominant=from_proto(analysis.dominant).name,
            distribution=_distribution(analysis),
            hashtags=card_hashtags(analysis.hashtags, safety_flag=analysis.safety_flag),
            keywords=[[k.word, k.weight] for k in analysis.keywords],
            feedback=analysis.feedback,
            safety_flag=analysis.safety_flag,
            language=analysis.language,
        )
        return await self._draw_and_record(snapshot)

    async def regenerate(self, diary_id: int) -> Card:
        """A new version of one of the caller's cards, drawn from the same analysis."""
        identity = await asyncio.to_thread(self._d.authenticator.require)
        current = await asyncio.to_thread(self._latest, diary_id)
        if current is None or current.author_id != identity.user_id:
            raise NotFound(NOT_READY, "no card of the caller's diary yet")
        await asyncio.to_thread(self._d.limiter.hit, self._regenerations, identity.user_id)
        context.bearer_token.set(self._d.service_tokens.token())  # the gpu-worker takes service tokens only
        snapshot = Card(
            diary_id=current.diary_id,
            version=current.version + 1,
            author_id=current.author_id,
            date=current.date,
            dominant=current.dominant,
            distribution=current.distribution,
            hashtags=card_hashtags(current.hashtags, safety_flag=current.safety_flag),
            keywords=current.keywords,
            feedback=current.feedback,
            safety_flag=current.safety_flag,
            language=current.language,
        )
        card = await self._draw_and_record(snapshot)
        if card is None:
            raise NotFound(NOT_READY, "the diary was deleted")
        return card

    async def _draw(self, card: Card) -> bytes:
        prompt = build_prompt(
            {
                "dominant": Emotion[card.dominant],
                "distribution": {Emotion[key]: fraction for key, fraction in card.distribution.items()},
                "keywords": [(w, float(x)) for w, x in card.keywords],
                "hashtags": card.hashtags,
                "safety_flag": card.safety_flag,
                "language": card.language,
            },
            diary_id=card.diary_id,
            version=card.version,
        )
        settings = self._d.settings
        request = imagegen_pb.GenerateImageRequest(
            prompt=prompt.prompt,
            seed=prompt.seed,
            width=settings.art_width,
            height=settings.art_height,
            steps=settings.art_steps,
            palette=[emotion_pb2.EmotionShare(emotion=to_proto(e), fraction=share) for e, share in prompt.palette],
            motifs=list(prompt.motifs),
            calm=prompt.calm,
        )
        deadline = asyncio.get_running_loop().time() + settings.generation_timeout_seconds
        for attempt in range(settings.busy_retries + 1):
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                reply = await self._d.imagegen.GenerateImage(request, timeout=max(0.1, remaining))
                return reply.png
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED or attempt == settings.busy_retries:
                    raise
                info = error_info(error)
                hint = float(info.metadata.get("retry_after_seconds", "1")) if info is not None else 1.0
                if asyncio.get_running_loop().time() + hint >= deadline:
                    raise
                await asyncio.sleep(hint)  # the gpu-worker is full: wait as it asks, then try again
        raise Unavailable("CARD5031", "the gpu-worker stayed busy")

    async def _draw_and_record(self, card: Card) -> Card | None:
        art = await self._draw(card)
        png = await asyncio.to_thread(
            compose_card,
            art,
            date=card.date.isoformat(),
            emotion=Emotion[card.dominant],
            hashtags=card.hashtags,
            feedback=card.feedback,
        )
        recorded = await self._store_and_record([(card, png)], first=card.version == 1)
        return recorded[-1] if recorded else None

    async def _store_and_record(self, versions: list[tuple[Card, bytes]], *, first: bool) -> list[Card] | None:
        """Store the images, then record the rows in one transaction. `first`: the diary had no
        card, so one recorded meanwhile by another caller stands (its versions are returned).
        None when the diary was deleted."""
        cards = [card for card, _ in versions]
        diary_id = cards[0].diary_id
        for card, png in versions:
            card.image_key = content_addressed_key(f"cards/{card.author_id}", png, "png")
            if card.created_at is None:
                card.created_at = self._d.clock()

        def record() -> list[Card] | None:
            try:
                with self._d.uow() as uow:
                    if uow.cards.is_deleted(diary_id):
                        return None
                    for card in cards:
                        uow.cards.add(card)
                    uow.commit()
            except IntegrityError:  # someone recorded this version first
                with self._d.uow() as uow:
                    existing = sorted(uow.cards.all_of(diary_id), key=lambda card: card.version)
                if first and existing:
                    return existing
                raise Aborted("CARD4091", "the card was regenerated at the same time") from None
            # DeleteCards marks the diary deleted before deleting: whichever runs last cleans up.
            with self._d.uow() as uow:
                if uow.cards.is_deleted(diary_id):
                    uow.cards.delete_all_of(diary_id)
                    uow.commit()
                    return None
            return cards

        def forget_images(keys: set[str]) -> None:
            # A card not recorded leaves no image behind: it holds the diary's words, and the
            # diary may be gone. The same bytes may back a recorded card (a version-1 race).
            for key in keys:
                with self._d.uow() as uow:
                    in_use = uow.cards.image_in_use(key)
                if not in_use:
                    self._d.storage.delete(key)

        def store_and_record() -> list[Card] | None:
            # One thread for both: a caller giving up (cancelling us) cannot come between the
            # stored images and their rows, or their removal.
            keys = {card.image_key for card in cards}
            for card, png in versions:
                self._d.storage.put(card.image_key, png, "image/png")
            try:
                result = record()
            except BaseException:
                try:
                    forget_images(keys)
                except Exception:
                    log.warning("could not remove the images of unrecorded cards", exc_info=True,
                                extra={"diary_id": diary_id, "image_keys": sorted(keys)})
                raise
            forget_images(keys - {card.image_key for card in result or []})
            return result

        return await asyncio.to_thread(store_and_record)

    # -- restoring (an import) ------------------------------------------------------------

    async def restore(self, diary_id: int, archived: list[card_pb.ArchivedCard]) -> list[Card] | None:
        """An imported diary's card versions from its archive, images byte for byte (internal).
        Idempotent: cards the diary has already are returned as they are. None when nothing is
        restored: the diary was deleted, or its analysis is safety-flagged — an urgent diary's
        card is only ever the calm one, which the caller has drawn instead (MakeCard)."""
        versions = [card.version for card in archived]
        if not archived or min(versions) < 1 or len(set(versions)) != len(versions):
            raise InvalidArgument("CARD4001", "card versions must be distinct and from 1")
        for card in archived:
            if not card.png.startswith(PNG_SIGNATURE):
                raise InvalidArgument("CARD4001", f"the image of version {card.version} is not a PNG")
            await asyncio.to_thread(sanitize_image, card.png, max_side=64)  # decodes whole, or refuses

        def existing() -> tuple[bool, list[Card]]:
            with self._d.uow() as uow:
                return uow.cards.is_deleted(diary_id), sorted(uow.cards.all_of(diary_id), key=lambda c: c.version)

        deleted, cards = await asyncio.to_thread(existing)
        if deleted:
            return None
        if cards:  # restored before (a retried import), or drawn: left alone
            return cards
        context.bearer_token.set(self._d.service_tokens.token())
        reply = await self._d.emotion.GetAnalysis(emotion_pb.GetAnalysisRequest(diary_id=diary_id))
        analysis = reply.analysis
        if analysis.safety_flag:
            return None
        restored = []
        for card in sorted(archived, key=lambda c: c.version):
            restored.append(
                (
                    Card(
                        diary_id=diary_id,
                        version=card.version,
                        author_id=reply.author_id,
                        date=datetime.date.fromisoformat(reply.date),
                        dominant=from_proto(card.dominant or analysis.dominant).name,
                        distribution=_distribution(analysis),
                        hashtags=list(card.hashtags),
                        keywords=[[k.word, k.weight] for k in analysis.keywords],
                        feedback=card.feedback,
                        safety_flag=False,
                        language=analysis.language,
                        created_at=card.created_at.ToDatetime() if card.HasField("created_at") else None,
                    ),
                    card.png,
                )
            )
        return await self._store_and_record(restored, first=True)

    # -- deleting -------------------------------------------------------------------------

    async def delete(self, diary_id: int) -> None:
        """Forget every card of a deleted diary and remove their images (internal)."""

        def forget() -> set[str]:
            with self._d.uow() as uow:
                uow.cards.mark_deleted(diary_id, self._d.clock())
                uow.commit()
            with self._d.uow() as uow:
                keys = {c.image_key for c in uow.cards.all_of(diary_id)}
                uow.cards.delete_all_of(diary_id)
                uow.commit()
            with self._d.uow() as uow:
                return {k for k in keys if not uow.cards.image_in_use(k)}

        for key in await asyncio.to_thread(forget):
            await asyncio.to_thread(self._d.storage.delete, key)

    def expire_markers(self) -> int:
        """Forget the deletion markers older than `deleted_diary_marker_seconds` (run by the
        service's own sweep): no card job that read those diaries can still be running."""
        cutoff = self._d.clock() - datetime.timedelta(seconds=self._d.settings.deleted_diary_marker_seconds)
        with self._d.uow() as uow:
            expired = uow.cards.forget_deletions_before(cutoff)
            uow.commit()
        return expired

    async def forget_author(self, user_id: int) -> None:
        """A deleted account (docs/account-deletion.md; the user service's relay only): its
        regeneration limit. Its cards go with the purges of its diaries."""
        await asyncio.to_thread(self._d.limiter.reset, self._regenerations, user_id)
