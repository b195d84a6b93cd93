"""Follow endpoints (docs/web-api.md §5, decision 7: positive numeric cursors)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gridam.user.v1 import user_service_pb2 as pb
from gridam_gateway.envelope import JsonResponse, ok
from gridam_gateway.media import media_url
from gridam_gateway.paging import CURSOR, page, page_size
from gridam_gateway.security import SignedInRoute

router = APIRouter(prefix="/api/follows", tags=["follows"], route_class=SignedInRoute)


def _page(request: Request, reply: pb.ListFollowersResponse | pb.ListFollowingResponse) -> dict[str, object]:
    users = [
        {
            "userId": e.profile.user_id,
            "userName": e.profile.nickname,
            "profileImgUrl": media_url(request, e.profile.avatar_key),
        }
        for e in reply.entries
    ]
    return page("followList", users, reply.next_cursor)


@router.get("/follower", summary="나를 팔로우하는 사람 (커서 페이지)")
async def followers(request: Request, size: int = page_size(20), cursor: int | None = CURSOR) -> JsonResponse:
    reply = await request.app.state.users.ListFollowers(pb.ListFollowersRequest(page_size=size, cursor=cursor or 0))
    return ok(_page(request, reply))


@router.get("/following", summary="내가 팔로우하는 사람 (커서 페이지)")
async def following(request: Request, size: int = page_size(20), cursor: int | None = CURSOR) -> JsonResponse:
    reply = await request.app.state.users.ListFollowing(pb.ListFollowingRequest(page_size=size, cursor=cursor or 0))
    return ok(_page(request, reply))


@router.post("/{user_id}", summary="팔로우")
async def follow(user_id: str, request: Request) -> JsonResponse:
    reply = await request.app.state.users.Follow(pb.FollowRequest(user_id=user_id[:40]))
    return ok({"userId": user_id, "created": reply.created}, "팔로우했습니다." if reply.created else "이미 팔로우하고 있습니다.")


@router.delete("/{user_id}", summary="언팔로우")
async def unfollow(user_id: str, request: Request) -> JsonResponse:
    reply = await request.app.state.users.Unfollow(pb.UnfollowRequest(user_id=user_id[:40]))
    return ok({"userId": user_id, "removed": reply.removed}, "언팔로우했습니다." if reply.removed else "팔로우하고 있지 않습니다.")
