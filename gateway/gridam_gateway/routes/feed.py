"""Feed posts of emotion cards (docs/web-api.md §4, decisions 3 and 7)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gridam.diary.v1 import diary_service_pb2 as pb
from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_gateway.envelope import JsonResponse, local_time, ok
from gridam_gateway.errors import ApiError
from gridam_gateway.paging import CURSOR, MAX_ID, page, page_size
from gridam_gateway.schemas import CommentBody, FeedUploadBody, ReactionBody
from gridam_gateway.security import SignedInRoute

router = APIRouter(prefix="/api/feed", tags=["feed"], route_class=SignedInRoute)

AUDIENCES = {"PUBLIC": pb.AUDIENCE_PUBLIC, "FOLLOWERS": pb.AUDIENCE_FOLLOWERS, "PRIVATE": pb.AUDIENCE_PRIVATE}
AUDIENCE_NAMES = {value: name.removeprefix("AUDIENCE_") for name, value in pb.Audience.items()}


def feed_item(post: pb.Post) -> dict[str, object]:
    return {
        "id": post.id,
        "userId": post.author_login_id,
        "content": post.content,
        "createdAt": local_time(post.created_at),
        "emotionCardId": post.card_id,
        "audience": AUDIENCE_NAMES[post.audience],
        "reactions": dict(post.reaction_counts),
        "myReaction": post.my_reaction or None,
    }


def _id(value: str, code: str) -> int:
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise ApiError(code)
    return int(value)


@router.post(
    "/upload/{emotion_card_id}",
    summary="감정 카드를 피드에 공유 (audience가 public보다 우선; 마음이 힘든 날의 카드는 confirmSensitive: true 필요)",
)
async def upload(emotion_card_id: str, body: FeedUploadBody, request: Request) -> JsonResponse:
    audience = body.audience or ("PUBLIC" if body.public else "PRIVATE")
    if audience not in AUDIENCES:
        raise ApiError("FEED4002")
    reply = await request.app.state.diaries.CreatePost(
        pb.CreatePostRequest(
            card_id=_id(emotion_card_id, "EMOTIONCARD4002"),
            content=body.content,
            audience=AUDIENCES[audience],
            confirm_sensitive=body.confirmSensitive,
        )
    )
    return ok({"feedId": reply.post.id, "message": "감정카드가 게시되었습니다."}, "감정카드가 게시되었습니다.")


@router.get("/timeline", summary="팔로우한 사람들과 내 피드 (최신순, 커서 페이지)")
async def timeline(request: Request, size: int = page_size(20), cursor: int | None = CURSOR) -> JsonResponse:
    reply = await request.app.state.diaries.ListTimeline(pb.ListTimelineRequest(size=size, cursor=cursor or 0))
    return ok(page("feedList", [feed_item(p) for p in reply.posts], reply.next_cursor))


@router.get("/user/{user_id}", summary="사용자의 피드 (내가 볼 수 있는 글만)")
async def user_feed(user_id: str, request: Request) -> JsonResponse:
    profile = (await request.app.state.users.GetProfile(user_pb.GetProfileRequest(user_id=user_id[:40]))).profile
    reply = await request.app.state.diaries.ListUserPosts(pb.ListUserPostsRequest(author_id=profile.id))
    return ok({"feedList": [feed_item(p) for p in reply.posts]})


@router.get("/{feed_id}", summary="피드 상세 (볼 수 없는 글은 404)")
async def feed_detail(feed_id: str, request: Request) -> JsonResponse:
    reply = await request.app.state.diaries.GetPost(pb.GetPostRequest(post_id=_id(feed_id, "FEED4042")))
    return ok(feed_item(reply.post))


@router.delete("/{feed_id}", summary="내 피드 삭제")
async def delete_post(feed_id: str, request: Request) -> JsonResponse:
    await request.app.state.diaries.DeletePost(pb.DeletePostRequest(post_id=_id(feed_id, "FEED4042")))
    return ok(None, "피드가 삭제되었습니다.")


@router.post("/{feed_id}/reaction", summary="반응 토글 (좋아요/공감해요/슬퍼요/힘내요; 같은 반응을 다시 보내면 취소)")
async def react(feed_id: str, body: ReactionBody, request: Request) -> JsonResponse:
    reply = await request.app.state.diaries.ToggleReaction(
        pb.ToggleReactionRequest(post_id=_id(feed_id, "FEED4042"), reaction_type=body.reactionType)
    )
    return ok({"myReaction": reply.my_reaction or None, "reactions": dict(reply.reaction_counts)})


def comment_item(comment: pb.Comment) -> dict[str, object]:
    return {
        "id": comment.id,
        "userId": comment.author_login_id,
        "content": comment.content,
        "likes": comment.likes,
        "liked": comment.liked,
        "parentCommentId": comment.parent_comment_id or None,
        "createdAt": local_time(comment.created_at),
    }


@router.post("/{feed_id}/comment", summary="댓글 또는 답글 작성 (1~500자; parentCommentId는 같은 피드의 댓글)")
async def create_comment(feed_id: str, body: CommentBody, request: Request) -> JsonResponse:
    reply = await request.app.state.diaries.CreateComment(
        pb.CreateCommentRequest(
            post_id=_id(feed_id, "FEED4042"), content=body.content, parent_comment_id=body.parentCommentId or 0
        )
    )
    return ok(comment_item(reply.comment), "댓글이 등록되었습니다.")


@router.get("/{feed_id}/comment/list", summary="댓글 목록 (답글 포함, 오래된 순)")
async def list_comments(feed_id: str, request: Request) -> JsonResponse:
    reply = await request.app.state.diaries.ListComments(pb.ListCommentsRequest(post_id=_id(feed_id, "FEED4042")))
    return ok({"commentList": [comment_item(c) for c in reply.comments]})


async def _set_like(feed_id: str, comment_id: str, liked: bool, request: Request) -> JsonResponse:
    reply = await request.app.state.diaries.SetCommentLike(
        pb.SetCommentLikeRequest(
            post_id=_id(feed_id, "FEED4042"), comment_id=_id(comment_id, "FEED4043"), liked=liked
        )
    )
    return ok({"likes": reply.likes, "liked": reply.liked})


@router.post("/{feed_id}/comment/{comment_id}/like", summary="댓글 좋아요 (이미 좋아요면 그대로)")
async def like_comment(feed_id: str, comment_id: str, request: Request) -> JsonResponse:
    return await _set_like(feed_id, comment_id, True, request)


@router.delete("/{feed_id}/comment/{comment_id}/like", summary="댓글 좋아요 취소")
async def unlike_comment(feed_id: str, comment_id: str, request: Request) -> JsonResponse:
    return await _set_like(feed_id, comment_id, False, request)
