"""gRPC servicer: proto in, service-layer call, proto out. No rules here."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from card_service.adapters.orm import Card
from card_service.service_layer.cards import Cards
from gridam.card.v1 import card_service_pb2 as pb
from gridam.card.v1 import card_service_pb2_grpc
from gridam_runtime.server import ServicerContext


def card_message(card: Card) -> pb.Card:
    created = Timestamp()
    created.FromDatetime(card.created_at)
    return pb.Card(
        id=card.id,
        diary_id=card.diary_id,
        image_key=card.image_key,
        version=card.version,
        author_id=card.author_id,
        date=card.date.isoformat(),
        dominant=card.dominant,
        distribution=card.distribution,
        hashtags=card.hashtags,
        feedback=card.feedback,
        safety_flag=card.safety_flag,
        created_at=created,
    )


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
        cards, next_cursor = await self._cards.page(request.size or 9, request.cursor)
        return pb.ListCardsResponse(cards=[card_message(c) for c in cards], next_cursor=next_cursor)

    async def ListSharedCards(self, request: pb.ListSharedCardsRequest, context: ServicerContext) -> pb.ListSharedCardsResponse:
        cards, next_cursor = await self._cards.shared_page(request.author_id, request.size or 9, request.cursor)
        return pb.ListSharedCardsResponse(cards=[card_message(c) for c in cards], next_cursor=next_cursor)

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
