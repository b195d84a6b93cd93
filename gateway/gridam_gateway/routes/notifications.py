"""Notifications (docs/web-api.md §7, decisions 6 and 7), plus marking them read (our design:
`PATCH /api/notifications/notifications/checked`, documented in the README)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gridam.diary.v1 import diary_service_pb2 as pb
from gridam_gateway.envelope import JsonResponse, local_time, ok
from gridam_gateway.errors import ApiError
from gridam_gateway.media import media_url
from gridam_gateway.paging import CURSOR, page, page_size
from gridam_gateway.profiles import ProfileSummary, profile_summaries
from gridam_gateway.schemas import CheckNotificationsBody
from gridam_gateway.security import SignedInRoute

router = APIRouter(prefix="/api/notifications/notifications", tags=["notifications"], route_class=SignedInRoute)


# Shown for someone whose account is gone by the time the notification is read.
GONE_NAME = "알 수 없는 사용자"
# What a notification's message says in place of who acted (diary service; decision 18).
ACTOR = "{actor}"


def _message(n: pb.Notification, actor: ProfileSummary | None) -> str:
    return n.message.replace(ACTOR, actor.nickname if actor is not None else GONE_NAME)


async def _page(request: Request, unchecked_only: bool, size: int, cursor: int | None) -> dict[str, object]:
    reply = await request.app.state.diaries.ListNotifications(
        pb.ListNotificationsRequest(unchecked_only=unchecked_only, size=size, cursor=cursor or 0)
    )
    # The actors' nicknames and avatars as they are now; None for a user who is gone.
    actors = await profile_summaries(
        request.app.state.users, request.app.state.profile_summaries, {n.actor_login_id for n in reply.notifications if n.actor_login_id}
    )
    items = []
    for n in reply.notifications:
        actor = actors.get(n.actor_login_id)
        items.append(
            {
                "id": n.id,
                "noticeType": pb.NoticeType.Name(n.notice_type).removeprefix("NOTICE_TYPE_"),
                "entityId": n.entity_id,
                # The card for CARD_READY; otherwise the avatar of who acted.
                "imageUrl": media_url(request, n.image_key or (actor.avatar_key if actor is not None else "")),
                "message": _message(n, actor),
                "content": n.content,
                "checked": n.checked,
                "createdAt": local_time(n.created_at),
            }
        )
    return page("notiList", items, reply.next_cursor)


@router.get("/unchecked", summary="읽지 않은 알림 (최신순, 커서 페이지)")
async def unchecked(request: Request, size: int = page_size(4), cursor: int | None = CURSOR) -> JsonResponse:
    return ok(await _page(request, True, size, cursor))


@router.get("/recent", summary="최근 알림 (읽은 알림 포함, 최신순, 커서 페이지)")
async def recent(request: Request, size: int = page_size(3), cursor: int | None = CURSOR) -> JsonResponse:
    return ok(await _page(request, False, size, cursor))


@router.patch("/checked", summary="알림 읽음 처리 (notificationIds 최대 100개, 또는 all: true)")
async def check(body: CheckNotificationsBody, request: Request) -> JsonResponse:
    if not body.all and not body.notificationIds:
        raise ApiError("NOTICE4001")
    reply = await request.app.state.diaries.CheckNotifications(
        pb.CheckNotificationsRequest(notification_ids=body.notificationIds or [], all=body.all)
    )
    return ok({"checkedCount": reply.checked_count}, "알림을 읽음 처리했습니다.")
