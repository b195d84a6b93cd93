"""Emotion-card endpoints (docs/web-api.md §3, decisions 4, 7, 9 and 13)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from gridam.card.v2 import card_service_pb2 as pb
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_gateway.emotions import key, label
from gridam_gateway.envelope import JsonResponse, ok
from gridam_gateway.media import media_url
from gridam_gateway.paging import CURSOR, page, page_size
from gridam_gateway.routes.diaries import parse_diary_id
from gridam_gateway.security import SignedInRoute, current_user
from gridam_runtime.context import Identity

router = APIRouter(prefix="/api/emotion-cards", tags=["emotion cards"], route_class=SignedInRoute)


def card_info(request: Request, card: pb.Card) -> dict[str, object]:
    """The emotion-card object the web client reads (§3), plus a few extra fields it ignores."""
    return {
        "emotionCardId": card.id,
        "diaryId": str(card.diary_id),
        "cardImageUrl": media_url(request, card.image_key),
        "emotion": label(card.dominant),
        "emotions": [{key(share.emotion): share.fraction for share in card.distribution}],
        "hashtags": [{"tagName": tag} for tag in card.hashtags],
        "feedback": card.feedback,
        "date": card.date,
        "version": card.version,
    }


def _page_token(cursor: int | None) -> str:
    return str(cursor) if cursor else ""


@router.get("/card-image", summary="일기의 감정 카드 (생성 전에는 404 EMOTIONCARD4001, 내 일기가 아니거나 없으면 404 DIARY4041)")
async def card_of_diary(request: Request, diaryId: str = Query(max_length=20)) -> JsonResponse:
    reply = await request.app.state.cards.GetCardByDiary(pb.GetCardByDiaryRequest(diary_id=parse_diary_id(diaryId)))
    return ok(card_info(request, reply.card))


@router.get("/date", summary="날짜별 내 감정 카드 (그날 가장 최근 일기의 카드; 없으면 result null)")
async def card_of_day(request: Request, date: str = Query(max_length=10, description="YYYY-MM-DD")) -> JsonResponse:
    reply = await request.app.state.cards.GetCardByDate(pb.GetCardByDateRequest(date=date))
    return ok(card_info(request, reply.card) if reply.HasField("card") else None)


@router.get("", summary="감정 카드 갤러리 (내 카드; 다른 사용자는 내가 볼 수 있는 피드에 공유된 카드만 — 없으면 403)")
async def gallery(
    request: Request,
    caller: Identity = Depends(current_user),
    size: int = page_size(9),
    cursor: int | None = CURSOR,
    userId: str | None = Query(None, max_length=40),
) -> JsonResponse:
    if userId is not None and userId != caller.login_id:
        # Another user's cards: only those shared in posts the caller may see (403 when none).
        owner = (await request.app.state.users.GetProfile(user_pb.GetProfileRequest(user_id=userId))).profile
        reply = await request.app.state.cards.ListSharedCards(
            pb.ListSharedCardsRequest(author_id=owner.id, page_size=size, page_token=_page_token(cursor))
        )
    else:
        reply = await request.app.state.cards.ListCards(pb.ListCardsRequest(page_size=size, page_token=_page_token(cursor)))
    # The card service's page token is the decimal id the web API shows as the cursor (card.v2's proto).
    return ok(page("cardInfoList", [card_info(request, c) for c in reply.cards], int(reply.next_page_token or 0)))
