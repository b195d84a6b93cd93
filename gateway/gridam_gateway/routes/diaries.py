"""Diary endpoints (docs/web-api.md §2, decision 9) and each diary's emotion analysis."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile

from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.diary.v1 import diary_service_pb2 as pb
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam_gateway.emotions import analysis_result
from gridam_gateway.envelope import JsonResponse, ok
from gridam_gateway.errors import ApiError
from gridam_gateway.media import media_url
from gridam_gateway.paging import CURSOR, page, page_size
from gridam_gateway.security import SignedInRoute
from gridam_gateway.uploads import read_file_part, read_form

router = APIRouter(prefix="/api/diary", tags=["diaries"], route_class=SignedInRoute)

# The JSON part is small; anything bigger than this is not a diary (content is at most 5,000 characters).
MAX_REQUEST_PART_BYTES = 64 * 1024
MAX_DIARY_ID = 2**63 - 1

DIARY_FORM_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["request"],
                    "properties": {
                        "request": {
                            "type": "string",
                            "description": 'application/json: {"title": "제목(1~100자)", "content": "내용(1~5000자)"}',
                        },
                        "image": {"type": "string", "format": "binary", "description": "선택: JPEG/PNG/WEBP/GIF, 10MB 이하"},
                    },
                },
                "encoding": {"request": {"contentType": "application/json"}},
            }
        },
    }
}


def diary_item(request: Request, diary: pb.Diary) -> dict[str, object]:
    return {
        "diaryId": str(diary.id),  # a string for the web client (§0.4)
        "title": diary.title,
        "content": diary.content,
        "date": diary.date,
        "imageUrl": media_url(request, diary.photo_key) if diary.photo_key else None,
        "hashtags": list(diary.hashtags),
        "analysisState": pb.AnalysisState.Name(diary.analysis_state).removeprefix("ANALYSIS_STATE_"),
    }


def parse_diary_id(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_DIARY_ID:
        raise ApiError("DIARY4006")
    return int(value)


async def _read_diary_form(request: Request) -> tuple[str, str, bytes]:
    form = await read_form(request)
    try:
        part = form.get("request")
        if part is None:
            raise ApiError("DIARY4004")
        raw = await part.read(MAX_REQUEST_PART_BYTES + 1) if isinstance(part, UploadFile) else part.encode()
        if len(raw) > MAX_REQUEST_PART_BYTES:
            raise ApiError("COMMON4131")
        try:
            body = orjson.loads(raw)  # rejects invalid UTF-8 as well as broken JSON
        except orjson.JSONDecodeError:
            raise ApiError("COMMON4001") from None
        if not isinstance(body, dict) or not isinstance(body.get("title"), str) or not isinstance(body.get("content"), str):
            raise ApiError("DIARY4005")
        photo = b""
        image = form.get("image")
        # A form's file input left empty still sends its part, with no file name and no bytes.
        left_empty = isinstance(image, UploadFile) and not image.filename and not image.size
        if image is not None and not left_empty:
            photo = await read_file_part(form, "image")
        return body["title"], body["content"], photo
    finally:
        await form.close()


@router.post("", summary="일기 작성 (multipart: request JSON + 선택 image)", openapi_extra=DIARY_FORM_DOC)
async def create_diary(request: Request) -> JsonResponse:
    title, content, photo = await _read_diary_form(request)
    reply = await request.app.state.diaries.CreateDiary(
        pb.CreateDiaryRequest(title=title, content=content, photo=photo), timeout=15.0
    )
    return ok({"diaryId": str(reply.diary.id)}, "일기가 저장되었습니다. 감정 분석을 시작합니다.")


@router.patch(
    "",
    summary="감정 카드 재생성 (새 버전의 카드 이미지 URL을 돌려줌)",
    description="웹 클라이언트는 작성 때와 같은 multipart(request, image)를 보내지만, 내용은 바뀌지 않고 카드만 새로 그립니다.",
    openapi_extra=DIARY_FORM_DOC,
)
async def regenerate_card(request: Request, diaryId: str = Query(max_length=20)) -> JsonResponse:
    diary_id = parse_diary_id(diaryId)
    reply = await request.app.state.cards.RegenerateCard(card_pb.RegenerateCardRequest(diary_id=diary_id), timeout=90.0)
    card = reply.card
    return ok(
        {"imageUrl": media_url(request, card.image_key), "emotionCardId": card.id, "version": card.version},
        "감정 카드를 새로 만들었습니다.",
    )


@router.get("/list", summary="내 일기 전체 (최신순)")
async def list_diaries(request: Request) -> JsonResponse:
    # The web client expects all of them in one answer (§2.3); the diary service answers a page at
    # a time (page_size 0: its default, GRIDAM_DIARY_LIST_PAGE_SIZE, 100), so the pages are read one
    # after another and joined. Keyset pages: none is repeated or skipped if a diary is written or
    # deleted meanwhile.
    items: list[dict[str, object]] = []
    token = ""
    while True:
        reply = await request.app.state.diaries.ListDiaries(pb.ListDiariesRequest(page_token=token))
        items += [diary_item(request, d) for d in reply.diaries]
        if not reply.next_page_token:
            return ok(items)
        if reply.next_page_token == token:  # a page that does not move on would never end
            raise RuntimeError("ListDiaries answered the page token it was given")
        token = reply.next_page_token


@router.get("/search", summary="내 일기 검색 (제목·내용, 대소문자 무시, 최신순, 커서 페이지)")
async def search_diaries(
    request: Request,
    q: str = Query(max_length=200, description="찾을 말 (1~100자)"),
    size: int = page_size(20),
    cursor: int | None = CURSOR,
) -> JsonResponse:
    reply = await request.app.state.diaries.SearchDiaries(pb.SearchDiariesRequest(query=q, size=size, cursor=cursor or 0))
    return ok(page("diaryList", [diary_item(request, d) for d in reply.diaries], reply.next_cursor))


@router.get("", summary="날짜별 일기 (그날의 가장 최근 일기)")
async def diary_by_date(request: Request, date: str = Query(max_length=10, description="YYYY-MM-DD")) -> JsonResponse:
    reply = await request.app.state.diaries.GetDiaryByDate(pb.GetDiaryByDateRequest(date=date))
    return ok(diary_item(request, reply.diary))


@router.get("/{diary_id}/analysis", summary="일기의 감정 분석 결과 (웹 API 확장; 분석 전에는 404 EMOTION4041)")
async def diary_analysis(diary_id: str, request: Request) -> JsonResponse:
    diary_id_number = parse_diary_id(diary_id)
    # Ownership first: another user's diary is "not found", never "not analysed yet".
    await request.app.state.diaries.GetDiary(pb.GetDiaryRequest(diary_id=diary_id_number))
    reply = await request.app.state.emotions.GetAnalysis(emotion_pb.GetAnalysisRequest(diary_id=diary_id_number))
    return ok({"diaryId": diary_id, **analysis_result(reply.analysis)})


@router.delete("/{diary_id}", summary="일기 삭제 (분석 결과와 사진도 삭제)")
async def delete_diary(diary_id: str, request: Request) -> JsonResponse:
    await request.app.state.diaries.DeleteDiary(pb.DeleteDiaryRequest(diary_id=parse_diary_id(diary_id)))
    return ok(None, "일기가 삭제되었습니다.")
