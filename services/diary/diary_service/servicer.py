"""gRPC servicer: proto in, service-layer call in a worker thread, proto out. No rules here."""

from __future__ import annotations

import asyncio

from google.protobuf.timestamp_pb2 import Timestamp

from diary_service.adapters.orm import ANALYSIS_DONE, ANALYSIS_FAILED, Diary
from diary_service.service_layer.diaries import Diaries
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


class DiaryServicer(diary_service_pb2_grpc.DiaryServiceServicer):
    def __init__(self, diaries: Diaries) -> None:
        self._diaries = diaries

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
