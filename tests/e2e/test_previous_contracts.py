"""The card and emotion services serve their v1 contracts beside v2 for one release
(docs/protos.md): a caller not yet rolled out, calling v1 over gRPC, gets what the web client
sees of the same card and analysis, in v1's terms (emotion keys, numeric cursors)."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gridam.card.v1 import card_service_pb2 as card_v1
from gridam.card.v1 import card_service_pb2_grpc as card_v1_grpc
from gridam.emotion.v1 import emotion_service_pb2 as emotion_v1
from gridam.emotion.v1 import emotion_service_pb2_grpc as emotion_v1_grpc
from gridam.emotion.v2 import emotion_service_pb2 as emotion_v2
from gridam.emotion.v2 import emotion_service_pb2_grpc as emotion_v2_grpc
from gridam_devtools.devstack import SERVICES
from gridam_domain.emotions import Emotion
from tests.support.api import Api
from tests.support.web import numeric_id, wait_for_analysis, wait_for_card, write

pytestmark = [pytest.mark.usefixtures("one_korean_day"), pytest.mark.parametrize("stack", ["embedded"], indirect=True)]


def address(api: Api, key: str) -> str:
    return api.stack.address(next(s for s in SERVICES if s.key == key))


def test_a_v1_caller_of_the_card_and_emotion_services_still_works(api: Api):
    user = api.new_user()
    diary_ids = [write(api, user, content=f"친구와 바다에 가서 정말 행복했다. {n}번째 날.") for n in range(2)]
    web_cards = [wait_for_card(api, user, diary_id) for diary_id in diary_ids]
    web_analysis = wait_for_analysis(api, user, diary_ids[0])
    metadata = [("authorization", f"Bearer {user.access_token}")]

    with grpc.insecure_channel(address(api, "CARD")) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("gridam.card.v1.CardService", "gridam.card.v2.CardService"):
            assert health.Check(health_pb2.HealthCheckRequest(service=name), timeout=10).status == health_pb2.HealthCheckResponse.SERVING
        cards = card_v1_grpc.CardServiceStub(channel)
        card = cards.GetCardByDiary(card_v1.GetCardByDiaryRequest(diary_id=int(diary_ids[0])), metadata=metadata, timeout=10).card
        assert Emotion[card.dominant].korean == web_cards[0]["emotion"]
        assert dict(card.distribution) == web_cards[0]["emotions"][0]
        first = cards.ListCards(card_v1.ListCardsRequest(size=1), metadata=metadata, timeout=10)
        web_first = api.get("/api/emotion-cards?size=1", user).json()["result"]
        assert [c.id for c in first.cards] == [c["emotionCardId"] for c in web_first["cardInfoList"]]
        assert first.next_cursor == web_first["nextCursor"]
        second = cards.ListCards(card_v1.ListCardsRequest(size=1, cursor=first.next_cursor), metadata=metadata, timeout=10)
        assert {c.id for c in (*first.cards, *second.cards)} == {c["emotionCardId"] for c in web_cards}
        assert second.next_cursor == 0

    with grpc.insecure_channel(address(api, "EMOTION")) as channel:
        request = emotion_v1.GetAnalysisRequest(diary_id=int(diary_ids[0]))
        old = emotion_v1_grpc.EmotionServiceStub(channel).GetAnalysis(request, metadata=metadata, timeout=10)
        new = emotion_v2_grpc.EmotionServiceStub(channel).GetAnalysis(
            emotion_v2.GetAnalysisRequest(diary_id=int(diary_ids[0])), metadata=metadata, timeout=10
        )
        assert old.SerializeToString() == new.SerializeToString()  # the same on the wire
        assert emotion_v1.Emotion.Name(old.analysis.dominant) == f"EMOTION_{Emotion(web_analysis['emotion']).name}"
        assert old.author_id == numeric_id(user)
