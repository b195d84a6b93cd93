"""gRPC servicer: proto in, service-layer call, proto out. No rules here.

`CardServicer` serves gridam.card.v2. `CardV1Servicer` serves v1 for one release (callers not
yet rolled out, docs/protos.md) over it: it reads v1's emotion keys and cursors into v2's typed
emotions and page tokens, asks the v2 servicer, and writes the reply back in v1's terms; the
messages without an emotion or a page are the same on the wire and are read as they are.
Removed in the next release.
"""

from __future__ import annotations

from card_service.adapters.orm import Card
from card_service.adapters.reads import CardRow
from card_service.service_layer.cards import Cards
from gridam.card.v1 import card_service_pb2 as v1
from gridam.card.v1 import card_service_pb2_grpc as v1_grpc
from gridam.card.v2 import card_service_pb2 as pb
from gridam.card.v2 import card_service_pb2_grpc
from gridam_domain.emotions import EMOTIONS, Emotion
from gridam_runtime.emotions import from_proto, to_proto
from gridam_runtime.errors import InvalidArgument
from gridam_runtime.server import ServicerContext
from gridam_runtime.timestamps import timestamp
from gridam_runtime.versions import recast

DEFAULT_PAGE_SIZE = 9


# A card stores its emotions by their names (adapters/orm.py): each name's proto value, in the
# proto's order (shares_to_proto's), looked up by name without an Emotion in between.
_PROTO_BY_NAME = {emotion.name: to_proto(emotion) for emotion in EMOTIONS}


def card_message(card: Card | CardRow) -> pb.Card:
    created = timestamp(card.created_at)
    message = pb.Card(
        id=card.id,
        diary_id=card.diary_id,
        image_key=card.image_key,
        version=card.version,
        author_id=card.author_id,
        date=card.date.isoformat(),
        dominant=_PROTO_BY_NAME[card.dominant],
        hashtags=card.hashtags,
        feedback=card.feedback,
        safety_flag=card.safety_flag,
        created_at=created,
    )
    # Added in place: a list of EmotionShares given to the constructor is built, then copied.
    add, shares = message.distribution.add, card.distribution
    for name, value in _PROTO_BY_NAME.items():
        if name in shares:
            add(emotion=value, fraction=shares[name])
    return message


def page_cursor(token: str) -> int:
    """The card id a page token names (0: the first page); COMMON4002 for a token this service
    did not issue."""
    if not token:
        return 0
    if not token.isascii() or not token.isdigit() or token.startswith("0") or int(token) >= 2**63:
        raise InvalidArgument("COMMON4002", "not a page token of this service")
    return int(token)


def page_token(cursor: int) -> str:
    return str(cursor) if cursor else ""


class CardServicer(card_service_pb2_grpc.CardServiceServicer):
    def __init__(self, cards: Cards) -> None:
        self._cards = cards

    async def MakeCard(self, request: pb.MakeCardRequest, context: ServicerContext) -> pb.MakeCardResponse:
        card = await self._cards.make(request.diary_id)
        if card is None:
            return pb.MakeCardResponse(made=False)
        return pb.MakeCardResponse(card=card_message(card), made=True)

    async def GetCard(self, request: pb.GetCardRequest, context: ServicerContext) -> pb.GetCardResponse:
        return pb.GetCardResponse(card=card_message(await self._cards.get(request.card_id)))

    async def GetCardByDiary(self, request: pb.GetCardByDiaryRequest, context: ServicerContext) -> pb.GetCardByDiaryResponse:
        return pb.GetCardByDiaryResponse(card=card_message(await self._cards.by_diary(request.diary_id)))

    async def GetCardByDate(self, request: pb.GetCardByDateRequest, context: ServicerContext) -> pb.GetCardByDateResponse:
        card = await self._cards.by_date(request.date)
        return pb.GetCardByDateResponse(card=card_message(card)) if card else pb.GetCardByDateResponse()

    async def ListCards(self, request: pb.ListCardsRequest, context: ServicerContext) -> pb.ListCardsResponse:
        size = request.page_size or DEFAULT_PAGE_SIZE
        cards, next_cursor = await self._cards.page(size, page_cursor(request.page_token))
        return pb.ListCardsResponse(cards=[card_message(c) for c in cards], next_page_token=page_token(next_cursor))

    async def ListSharedCards(self, request: pb.ListSharedCardsRequest, context: ServicerContext) -> pb.ListSharedCardsResponse:
        size = request.page_size or DEFAULT_PAGE_SIZE
        cards, next_cursor = await self._cards.shared_page(request.author_id, size, page_cursor(request.page_token))
        return pb.ListSharedCardsResponse(cards=[card_message(c) for c in cards], next_page_token=page_token(next_cursor))

    async def RegenerateCard(self, request: pb.RegenerateCardRequest, context: ServicerContext) -> pb.RegenerateCardResponse:
        return pb.RegenerateCardResponse(card=card_message(await self._cards.regenerate(request.diary_id)))

    async def ForgetAuthor(self, request: pb.ForgetAuthorRequest, context: ServicerContext) -> pb.ForgetAuthorResponse:
        await self._cards.forget_author(request.user_id)
        return pb.ForgetAuthorResponse()

    async def DeleteCards(self, request: pb.DeleteCardsRequest, context: ServicerContext) -> pb.DeleteCardsResponse:
        await self._cards.delete(request.diary_id)
        return pb.DeleteCardsResponse()

    async def ListDiaryCards(self, request: pb.ListDiaryCardsRequest, context: ServicerContext) -> pb.ListDiaryCardsResponse:
        return pb.ListDiaryCardsResponse(cards=[card_message(c) for c in await self._cards.versions(request.diary_id)])

    async def RestoreCards(self, request: pb.RestoreCardsRequest, context: ServicerContext) -> pb.RestoreCardsResponse:
        cards = await self._cards.restore(request.diary_id, list(request.cards))
        if cards is None:
            return pb.RestoreCardsResponse(restored=False)
        return pb.RestoreCardsResponse(restored=True, cards=[card_message(c) for c in cards])


# -- gridam.card.v1, for one release ----------------------------------------------------------


def v1_card(card: pb.Card) -> v1.Card:
    """A v2 card in v1's terms: its emotions as keys ("HAPPY"), the other fields as they are."""
    shared = pb.Card()
    shared.CopyFrom(card)
    shared.ClearField("dominant")
    shared.ClearField("distribution")
    old = recast(shared, v1.Card)
    old.dominant = from_proto(card.dominant).name
    old.distribution.update({from_proto(share.emotion).name: share.fraction for share in card.distribution})
    return old


def v2_archived_card(card: v1.ArchivedCard) -> pb.ArchivedCard:
    """A v1 archived card in v2's terms; CARD4001 when its emotion key is no emotion."""
    if card.dominant and card.dominant not in Emotion.__members__:
        raise InvalidArgument("CARD4001", f"unknown emotion {card.dominant[:20]!r} of version {card.version}")
    shared = v1.ArchivedCard()
    shared.CopyFrom(card)
    shared.ClearField("dominant")
    new = recast(shared, pb.ArchivedCard)
    if card.dominant:
        new.dominant = to_proto(Emotion[card.dominant])
    return new


class CardV1Servicer(v1_grpc.CardServiceServicer):
    """gridam.card.v1 over the v2 servicer, for one release (see the module docstring)."""

    def __init__(self, current: CardServicer) -> None:
        self._current = current

    async def MakeCard(self, request: v1.MakeCardRequest, context: ServicerContext) -> v1.MakeCardResponse:
        reply = await self._current.MakeCard(recast(request, pb.MakeCardRequest), context)
        return v1.MakeCardResponse(card=v1_card(reply.card), made=True) if reply.made else v1.MakeCardResponse(made=False)

    async def GetCard(self, request: v1.GetCardRequest, context: ServicerContext) -> v1.GetCardResponse:
        reply = await self._current.GetCard(recast(request, pb.GetCardRequest), context)
        return v1.GetCardResponse(card=v1_card(reply.card))

    async def GetCardByDiary(self, request: v1.GetCardByDiaryRequest, context: ServicerContext) -> v1.GetCardByDiaryResponse:
        reply = await self._current.GetCardByDiary(recast(request, pb.GetCardByDiaryRequest), context)
        return v1.GetCardByDiaryResponse(card=v1_card(reply.card))

    async def GetCardByDate(self, request: v1.GetCardByDateRequest, context: ServicerContext) -> v1.GetCardByDateResponse:
        reply = await self._current.GetCardByDate(recast(request, pb.GetCardByDateRequest), context)
        return v1.GetCardByDateResponse(card=v1_card(reply.card)) if reply.HasField("card") else v1.GetCardByDateResponse()

    async def ListCards(self, request: v1.ListCardsRequest, context: ServicerContext) -> v1.ListCardsResponse:
        reply = await self._current.ListCards(
            pb.ListCardsRequest(page_size=request.size, page_token=page_token(request.cursor)), context
        )
        return v1.ListCardsResponse(cards=[v1_card(c) for c in reply.cards], next_cursor=page_cursor(reply.next_page_token))

    async def ListSharedCards(self, request: v1.ListSharedCardsRequest, context: ServicerContext) -> v1.ListSharedCardsResponse:
        reply = await self._current.ListSharedCards(
            pb.ListSharedCardsRequest(author_id=request.author_id, page_size=request.size, page_token=page_token(request.cursor)),
            context,
        )
        return v1.ListSharedCardsResponse(cards=[v1_card(c) for c in reply.cards], next_cursor=page_cursor(reply.next_page_token))

    async def RegenerateCard(self, request: v1.RegenerateCardRequest, context: ServicerContext) -> v1.RegenerateCardResponse:
        reply = await self._current.RegenerateCard(recast(request, pb.RegenerateCardRequest), context)
        return v1.RegenerateCardResponse(card=v1_card(reply.card))

    async def ForgetAuthor(self, request: v1.ForgetAuthorRequest, context: ServicerContext) -> v1.ForgetAuthorResponse:
        await self._current.ForgetAuthor(recast(request, pb.ForgetAuthorRequest), context)
        return v1.ForgetAuthorResponse()

    async def DeleteCards(self, request: v1.DeleteCardsRequest, context: ServicerContext) -> v1.DeleteCardsResponse:
        await self._current.DeleteCards(recast(request, pb.DeleteCardsRequest), context)
        return v1.DeleteCardsResponse()

    async def ListDiaryCards(self, request: v1.ListDiaryCardsRequest, context: ServicerContext) -> v1.ListDiaryCardsResponse:
        reply = await self._current.ListDiaryCards(recast(request, pb.ListDiaryCardsRequest), context)
        return v1.ListDiaryCardsResponse(cards=[v1_card(c) for c in reply.cards])

    async def RestoreCards(self, request: v1.RestoreCardsRequest, context: ServicerContext) -> v1.RestoreCardsResponse:
        cards = [v2_archived_card(card) for card in request.cards]
        reply = await self._current.RestoreCards(pb.RestoreCardsRequest(diary_id=request.diary_id, cards=cards), context)
        return v1.RestoreCardsResponse(restored=reply.restored, cards=[v1_card(c) for c in reply.cards])
