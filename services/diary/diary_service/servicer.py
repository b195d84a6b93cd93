"""gRPC servicer: proto in, service-layer call, proto out. No rules here."""

from __future__ import annotations

from diary_service.adapters.orm import ANALYSIS_DONE, ANALYSIS_FAILED, Diary, Notification
from diary_service.adapters.reads import DiaryRow, NotificationRow
from diary_service.service_layer import transfers
from diary_service.service_layer.diaries import Diaries
from diary_service.service_layer.feed import CommentView, Feed, PostView
from diary_service.service_layer.notifications import Notifications
from gridam.diary.v1 import diary_service_pb2 as pb
from gridam.diary.v1 import diary_service_pb2_grpc
from gridam_runtime.server import ServicerContext
from gridam_runtime.timestamps import timestamp

ANALYSIS_STATES = {ANALYSIS_DONE: pb.ANALYSIS_STATE_DONE, ANALYSIS_FAILED: pb.ANALYSIS_STATE_FAILED}


def _diary(diary: Diary | DiaryRow) -> pb.Diary:
    return pb.Diary(
        id=diary.id,
        author_id=diary.author_id,
        title=diary.title,
        content=diary.content,
        date=diary.date.isoformat(),
        photo_key=diary.photo_key,
        hashtags=diary.hashtags or [],
        created_at=timestamp(diary.created_at),
        analysis_state=ANALYSIS_STATES.get(diary.analysis_state, pb.ANALYSIS_STATE_PENDING),
    )


AUDIENCE_NAMES = {pb.AUDIENCE_PUBLIC: "PUBLIC", pb.AUDIENCE_FOLLOWERS: "FOLLOWERS", pb.AUDIENCE_PRIVATE: "PRIVATE"}
AUDIENCE_VALUES = {name: value for value, name in AUDIENCE_NAMES.items()}


def _post(view: PostView) -> pb.Post:
    post = view.post
    return pb.Post(
        id=post.id,
        author_id=post.author_id,
        author_login_id=post.author_login_id,
        card_id=post.card_id,
        diary_id=post.diary_id,
        content=post.content,
        audience=AUDIENCE_VALUES[post.audience],
        created_at=timestamp(post.created_at),
        reaction_counts=view.reaction_counts,
        my_reaction=view.my_reaction,
    )


def _comment(view: CommentView) -> pb.Comment:
    comment = view.comment
    return pb.Comment(
        id=comment.id,
        post_id=comment.post_id,
        author_id=comment.author_id,
        author_login_id=comment.author_login_id,
        parent_comment_id=comment.parent_id,
        content=comment.content,
        likes=view.likes,
        liked=view.liked,
        created_at=timestamp(comment.created_at),
    )


# Notice types as stored (adapters.orm.NOTICE_TYPES) to the enum's values.
NOTICE_TYPES = {
    "COMMENT": pb.NOTICE_TYPE_COMMENT,
    "REPLY": pb.NOTICE_TYPE_REPLY,
    "COMMENT_LIKE": pb.NOTICE_TYPE_COMMENT_LIKE,
    "REACTION": pb.NOTICE_TYPE_REACTION,
    "FOLLOW": pb.NOTICE_TYPE_FOLLOW,
    "CARD_READY": pb.NOTICE_TYPE_CARD_READY,
}


def _notification(notification: Notification | NotificationRow) -> pb.Notification:
    return pb.Notification(
        id=notification.id,
        notice_type=NOTICE_TYPES[notification.notice_type],
        entity_id=notification.entity_id,
        actor_login_id=notification.actor_login_id,
        image_key=notification.image_key,
        message=notification.message,
        content=notification.content,
        checked=notification.checked,
        created_at=timestamp(notification.created_at),
    )


class DiaryServicer(diary_service_pb2_grpc.DiaryServiceServicer):
    def __init__(
        self, diaries: Diaries, feed: Feed, notifications: Notifications, transfers: transfers.Transfers | None = None
    ) -> None:
        self._diaries = diaries
        self._feed = feed
        self._notifications = notifications
        self._transfers = transfers  # exports and imports (None where a test does not need them)

    def _transfer_service(self) -> transfers.Transfers:
        if self._transfers is None:
            raise RuntimeError("this servicer was built without exports and imports")
        return self._transfers

    async def CreateDiary(self, request: pb.CreateDiaryRequest, context: ServicerContext) -> pb.CreateDiaryResponse:
        diary = await self._diaries.create(request.title, request.content, request.photo)
        return pb.CreateDiaryResponse(diary=_diary(diary))

    async def ListDiaries(self, request: pb.ListDiariesRequest, context: ServicerContext) -> pb.ListDiariesResponse:
        diaries, next_token = await self._diaries.list(request.page_size, request.page_token)
        return pb.ListDiariesResponse(diaries=[_diary(d) for d in diaries], next_page_token=next_token)

    async def SearchDiaries(self, request: pb.SearchDiariesRequest, context: ServicerContext) -> pb.SearchDiariesResponse:
        found, next_cursor = await self._diaries.search(request.query, request.size or 20, request.cursor)
        return pb.SearchDiariesResponse(diaries=[_diary(d) for d in found], next_cursor=next_cursor)

    async def GetDiary(self, request: pb.GetDiaryRequest, context: ServicerContext) -> pb.GetDiaryResponse:
        diary = await self._diaries.get(request.diary_id)
        return pb.GetDiaryResponse(diary=_diary(diary))

    async def GetDiaryByDate(self, request: pb.GetDiaryByDateRequest, context: ServicerContext) -> pb.GetDiaryByDateResponse:
        diary = await self._diaries.by_date(request.date)
        return pb.GetDiaryByDateResponse(diary=_diary(diary))

    async def DeleteDiary(self, request: pb.DeleteDiaryRequest, context: ServicerContext) -> pb.DeleteDiaryResponse:
        await self._diaries.delete(request.diary_id)
        return pb.DeleteDiaryResponse()

    async def CreatePost(self, request: pb.CreatePostRequest, context: ServicerContext) -> pb.CreatePostResponse:
        audience = AUDIENCE_NAMES.get(request.audience, "")
        post = await self._feed.create(
            request.card_id, request.content, audience, confirm_sensitive=request.confirm_sensitive
        )
        return pb.CreatePostResponse(post=_post(post))

    async def ListUserPosts(self, request: pb.ListUserPostsRequest, context: ServicerContext) -> pb.ListUserPostsResponse:
        return pb.ListUserPostsResponse(posts=[_post(p) for p in await self._feed.of_user(request.author_id)])

    async def GetPost(self, request: pb.GetPostRequest, context: ServicerContext) -> pb.GetPostResponse:
        return pb.GetPostResponse(post=_post(await self._feed.get(request.post_id)))

    async def DeletePost(self, request: pb.DeletePostRequest, context: ServicerContext) -> pb.DeletePostResponse:
        await self._feed.delete(request.post_id)
        return pb.DeletePostResponse()

    async def ListTimeline(self, request: pb.ListTimelineRequest, context: ServicerContext) -> pb.ListTimelineResponse:
        posts, next_cursor = await self._feed.timeline(request.size or 20, request.cursor)
        return pb.ListTimelineResponse(posts=[_post(p) for p in posts], next_cursor=next_cursor)

    async def ToggleReaction(self, request: pb.ToggleReactionRequest, context: ServicerContext) -> pb.ToggleReactionResponse:
        mine, counts = await self._feed.toggle_reaction(request.post_id, request.reaction_type)
        return pb.ToggleReactionResponse(my_reaction=mine, reaction_counts=counts)

    async def CreateComment(self, request: pb.CreateCommentRequest, context: ServicerContext) -> pb.CreateCommentResponse:
        view = await self._feed.comment(request.post_id, request.content, request.parent_comment_id)
        return pb.CreateCommentResponse(comment=_comment(view))

    async def ListComments(self, request: pb.ListCommentsRequest, context: ServicerContext) -> pb.ListCommentsResponse:
        return pb.ListCommentsResponse(comments=[_comment(c) for c in await self._feed.comments(request.post_id)])

    async def SetCommentLike(self, request: pb.SetCommentLikeRequest, context: ServicerContext) -> pb.SetCommentLikeResponse:
        view = await self._feed.set_comment_like(request.post_id, request.comment_id, request.liked)
        return pb.SetCommentLikeResponse(likes=view.likes, liked=view.liked)

    async def ListNotifications(self, request: pb.ListNotificationsRequest, context: ServicerContext) -> pb.ListNotificationsResponse:
        rows, next_cursor = await self._notifications.page(
            unchecked_only=request.unchecked_only, size=request.size or 20, cursor=request.cursor
        )
        return pb.ListNotificationsResponse(notifications=[_notification(n) for n in rows], next_cursor=next_cursor)

    async def CheckNotifications(self, request: pb.CheckNotificationsRequest, context: ServicerContext) -> pb.CheckNotificationsResponse:
        changed = await self._notifications.check(list(request.notification_ids), request.all)
        return pb.CheckNotificationsResponse(checked_count=changed)

    async def ForgetAuthor(self, request: pb.ForgetAuthorRequest, context: ServicerContext) -> pb.ForgetAuthorResponse:
        deleted = await self._diaries.forget_author(request.user_id, request.login_id)
        await self._feed.forget_limits(request.user_id)
        return pb.ForgetAuthorResponse(deleted_diaries=deleted)

    async def RecordFollow(self, request: pb.RecordFollowRequest, context: ServicerContext) -> pb.RecordFollowResponse:
        await self._notifications.record_follow(
            request.event_id, request.follower_id, request.follower_login_id, request.followee_id
        )
        return pb.RecordFollowResponse()

    async def StartExport(self, request: pb.StartExportRequest, context: ServicerContext) -> pb.StartExportResponse:
        row = await self._transfer_service().exports.start(request.profile_json)
        return pb.StartExportResponse(transfer=transfers.message(row))

    async def GetExport(self, request: pb.GetExportRequest, context: ServicerContext) -> pb.GetExportResponse:
        row = await self._transfer_service().exports.get(request.export_id)
        return pb.GetExportResponse(transfer=transfers.message(row))

    async def StartImport(self, request: pb.StartImportRequest, context: ServicerContext) -> pb.StartImportResponse:
        row = await self._transfer_service().imports.start(request.archive_key)
        return pb.StartImportResponse(transfer=transfers.message(row))

    async def GetImport(self, request: pb.GetImportRequest, context: ServicerContext) -> pb.GetImportResponse:
        row = await self._transfer_service().imports.get(request.import_id)
        return pb.GetImportResponse(transfer=transfers.message(row))
