"""gRPC servicer: proto in, service-layer call in a worker thread, proto out. No rules here."""

from __future__ import annotations

import asyncio

from google.protobuf.timestamp_pb2 import Timestamp

from diary_service.adapters.orm import ANALYSIS_DONE, ANALYSIS_FAILED, Diary
from diary_service.service_layer.diaries import Diaries
from diary_service.service_layer.feed import Feed, PostView
from gridam.diary.v1 import diary_service_pb2 as pb
from gridam.diary.v1 import diary_service_pb2_grpc

ANALYSIS_STATES = {ANALYSIS_DONE: pb.ANALYSIS_STATE_DONE, ANALYSIS_FAILED: pb.ANALYSIS_STATE_FAILED}


def _diary(diary: Diary) -> pb.Diary:
    created = Timestamp()
    created.FromDatetime(diary.created_at)
    return pb.Diary(
        id=diary.id,
        author_id=diary.author_id,
        title=diary.title,
        content=diary.content,
        date=diary.date.isoformat(),
        photo_key=diary.photo_key,
        hashtags=diary.hashtags or [],
        created_at=created,
        analysis_state=ANALYSIS_STATES.get(diary.analysis_state, pb.ANALYSIS_STATE_PENDING),
    )


AUDIENCE_NAMES = {pb.AUDIENCE_PUBLIC: "PUBLIC", pb.AUDIENCE_FOLLOWERS: "FOLLOWERS", pb.AUDIENCE_PRIVATE: "PRIVATE"}
AUDIENCE_VALUES = {name: value for value, name in AUDIENCE_NAMES.items()}


def _post(view: PostView) -> pb.Post:
    post = view.post
    created = Timestamp()
    created.FromDatetime(post.created_at)
    return pb.Post(
        id=post.id,
        author_id=post.author_id,
        author_login_id=post.author_login_id,
        card_id=post.card_id,
        diary_id=post.diary_id,
        content=post.content,
        audience=AUDIENCE_VALUES[post.audience],
        created_at=created,
        reaction_counts=view.reaction_counts,
        my_reaction=view.my_reaction,
    )


class DiaryServicer(diary_service_pb2_grpc.DiaryServiceServicer):
    def __init__(self, diaries: Diaries, feed: Feed) -> None:
        self._diaries = diaries
        self._feed = feed

    async def CreateDiary(self, request, context):
        diary = await asyncio.to_thread(self._diaries.create, request.title, request.content, request.photo)
        return pb.CreateDiaryResponse(diary=_diary(diary))

    async def ListDiaries(self, request, context):
        diaries = await asyncio.to_thread(self._diaries.list)
        return pb.ListDiariesResponse(diaries=[_diary(d) for d in diaries])

    async def GetDiary(self, request, context):
        diary = await asyncio.to_thread(self._diaries.get, request.diary_id)
        return pb.GetDiaryResponse(diary=_diary(diary))

    async def GetDiaryByDate(self, request, context):
        diary = await asyncio.to_thread(self._diaries.by_date, request.date)
        return pb.GetDiaryByDateResponse(diary=_diary(diary))

    async def DeleteDiary(self, request, context):
        await asyncio.to_thread(self._diaries.delete, request.diary_id)
        return pb.DeleteDiaryResponse()

    async def CreatePost(self, request, context):
        audience = AUDIENCE_NAMES.get(request.audience, "")
        post = await self._feed.create(request.card_id, request.content, audience)
        return pb.CreatePostResponse(post=_post(post))

    async def ListUserPosts(self, request, context):
        return pb.ListUserPostsResponse(posts=[_post(p) for p in await self._feed.of_user(request.author_id)])

    async def GetPost(self, request, context):
        return pb.GetPostResponse(post=_post(await self._feed.get(request.post_id)))

    async def DeletePost(self, request, context):
        await self._feed.delete(request.post_id)
        return pb.DeletePostResponse()

    async def ListTimeline(self, request, context):
        posts, next_cursor = await self._feed.timeline(request.size or 20, request.cursor)
        return pb.ListTimelineResponse(posts=[_post(p) for p in posts], next_cursor=next_cursor)

    async def ToggleReaction(self, request, context):
        mine, counts = await self._feed.toggle_reaction(request.post_id, request.reaction_type)
        return pb.ToggleReactionResponse(my_reaction=mine, reaction_counts=counts)
