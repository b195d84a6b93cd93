"""Statistics and word clouds (docs/web-api.md §8, decision 12)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from google.protobuf.timestamp_pb2 import Timestamp

from gridam.emotion.v2 import emotion_service_pb2 as pb
from gridam_gateway.emotions import KOREAN, key, label
from gridam_gateway.envelope import JsonResponse, local_time, ok
from gridam_gateway.errors import ApiError
from gridam_gateway.media import media_url
from gridam_gateway.security import SignedInRoute, current_user
from gridam_runtime.context import Identity

router = APIRouter(prefix="/api/v1", tags=["statistics"], route_class=SignedInRoute)


def _iso(ts: Timestamp) -> str | None:
    if not ts.seconds and not ts.nanos:
        return None
    return local_time(ts)


def _word_clouds(
    request: Request, reply: pb.GetWordCloudsResponse | pb.GenerateWordCloudsResponse
) -> dict[str, object]:
    return {
        "imageUrls": [
            {"emotion": label(c.emotion), "url": media_url(request, c.image_key)} for c in reply.clouds if c.image_key
        ],
        "keywords": [
            {"emotion": label(c.emotion), "words": [{"word": w.word, "weight": w.weight} for w in c.words]}
            for c in reply.clouds
        ],
        "generatedAt": _iso(reply.generated_at),
        "nextGeneration": _iso(reply.next_generation),
    }


@router.get("/word-cloud", summary="내 워드클라우드 (감정별 이미지와 키워드; 생성 전에는 빈 목록)")
async def word_clouds(request: Request) -> JsonResponse:
    reply = await request.app.state.emotions.GetWordClouds(pb.GetWordCloudsRequest())
    return ok(_word_clouds(request, reply))


@router.post("/word-cloud/generate/{user_id}", summary="내 워드클라우드 새로 생성 (본인 userId만)")
async def generate_word_clouds(user_id: str, request: Request, caller: Identity = Depends(current_user)) -> JsonResponse:
    if user_id != caller.login_id:
        raise ApiError("WORDCLOUD4031")
    reply = await request.app.state.emotions.GenerateWordClouds(pb.GenerateWordCloudsRequest(), timeout=60.0)
    return ok(_word_clouds(request, reply), "워드클라우드를 생성했습니다.")


@router.get(
    "/statistics/emotions",
    summary="감정 통계: 월별 대표 감정 분포, 일별 기록, 연속 작성일",
    description=(
        "`month`를 주면 그 달, 0이면 그 해 전체. `months[].counts`는 9개 감정(영문 키)별 일기 수, "
        "`months[].distribution`은 달력 통계 팝업용 `{emotion(한글), key, count, ratio}` 목록, "
        "`days[]`는 날짜별 일기 수와 그날 마지막 일기의 대표 감정(한글, 없으면 null), "
        "`currentStreak`/`longestStreak`는 일기를 쓴 연속 일수(분석된 일기 기준, Asia/Seoul)."
    ),
)
async def statistics(
    request: Request,
    year: int = Query(ge=1900, le=9998, description="연도, 예: 2026"),
    month: int = Query(0, ge=0, le=12, description="월 1~12, 0이면 한 해 전체"),
) -> JsonResponse:
    reply = await request.app.state.emotions.GetStatistics(pb.GetStatisticsRequest(year=year, month=month))
    months = []
    for m in reply.months:
        counts = {key(c.emotion): c.count for c in m.counts}
        months.append(
            {
                "month": m.month,
                "total": m.total,
                "counts": counts,
                "distribution": [
                    {"emotion": KOREAN[k], "key": k, "count": n, "ratio": round(n / m.total, 4) if m.total else 0.0}
                    for k, n in counts.items()
                ],
            }
        )
    return ok(
        {
            "year": year,
            "month": month,
            "months": months,
            "days": [
                {"date": d.date, "count": d.count, "emotion": label(d.dominant) if d.dominant else None} for d in reply.days
            ],
            "currentStreak": reply.current_streak,
            "longestStreak": reply.longest_streak,
        }
    )
