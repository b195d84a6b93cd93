"""The safety check's layers: disguises undone, risk levels, context, the semantic layer, and the
scores on the held-out part of the crisis evaluation set."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.evaluate import evaluate_safety
from emotion_service.domain.analysis.feedback import CONCERN_KO, CRISIS_EN, CRISIS_KO, FeedbackWriter
from emotion_service.domain.analysis.jsonl import files_digest
from emotion_service.domain.analysis.safety import RiskLevel, SafetyCheck
from emotion_service.domain.analysis.safety.disguise import LAUGH, reveal
from emotion_service.domain.analysis.safety.semantic import BANK, BANK_EMBEDDINGS, SemanticLayer

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def check() -> SafetyCheck:
    return SafetyCheck()


@pytest.mark.parametrize(("disguised", "plain"), [
    ("죽고싶ㄷㅏ", "죽고싶다"),
    ("ㅈ ㅜ ㄱ ㄱ ㅗ ㅅ ㅣ ㅍ ㄷ ㅏ", "죽고싶다"),
    ("ㅈㄱㅅㄷ", "죽고싶다"),
    ("자.살 충동", "자살 충동"),
    ("죽_고_싶_다", "죽고싶다"),
    ("i want to k!ll myself", "i want to kill myself"),
    ("s.u.i.c.i.d.e", "suicide"),
    ("i w4nt 2 d13", "i want to die"),
    ("i wanna diiieeee", "i wanna die"),
    ("gonna unalive myself", "gonna kill myself"),
    ("jukgo sipda", "죽고싶다"),
])
def test_disguises_are_undone(disguised, plain):
    assert reveal(disguised).replace(LAUGH, "").strip() == plain


def test_revealing_keeps_sentence_breaks_and_ordinary_text():
    assert reveal("했다.그리고 잤다") == "했다.그리고 잤다"
    assert reveal("ㅋㅋ 웃겨").replace(LAUGH, "").strip() == "웃겨"


@pytest.mark.parametrize("text", [
    "오늘도 회사에서 깨졌다. 그냥 내일 아침에 눈이 안 떠졌으면 좋겠다.",
    "요즘 다시 손목을 긋고 싶은 충동이 든다.",
    "엄마한테 나는 짐일 뿐이다. 내가 없어지면 다들 훨씬 편해질 거다.",
    "ㅈㄱㅅㄷ 진짜로",
    "I've been putting pills aside for a couple of weeks.",
    "Honestly, everyone would be happier if I wasn't around.",
    "cut again last night. long sleeves tomorrow.",
    "This might be my last entry, thank you for everything.",
])
def test_death_wishes_self_harm_plans_and_farewells_are_urgent(check, text):
    result = check.check(text)
    assert result.risk is RiskLevel.URGENT
    assert result.flagged
    assert all(reason.split(".")[-1] and reason not in text for reason in result.reasons)


@pytest.mark.parametrize("text", [
    "아무리 노력해도 나아질 희망이 없다.",
    "I feel like such a burden to my family.",
    "Nothing is ever going to change. I feel trapped.",
])
def test_distress_without_death_content_is_concern(check, text):
    result = check.check(text)
    assert result.risk is RiskLevel.CONCERN
    assert not result.flagged  # the card stays as drawn; the feedback invites reaching out


@pytest.mark.parametrize("text", [
    "죽고 싶은 건 아니고 그냥 푹 자고 싶다.",                       # negation
    "드라마 주인공이 죽고 싶다고 해서 펑펑 울었다.",                  # someone else
    "3년 전에는 매일 죽고 싶었다. 지금은 치료 덕분에 괜찮다.",         # a past that is over
    "Three years ago I wanted to die. Today I'm doing okay.",
    "I'm not suicidal, just exhausted from the week.",
    "She said the main character wants to die in the last episode.",
    "배고파 죽겠다. 점심 뭐 먹지.",                                     # idiom
    "This deadline is killing me, I'm dying for a holiday.",
    "사라지고 싶다는 게 아니라 아무도 없는 데 가고 싶다는 거다.",          # a "는데" that turns nothing back
    "자해하고 싶은 마음은 이제 전혀 안 든다.",
    "그땐 매일 끝낼 방법만 생각했는데 요즘은 주말 계획을 세운다.",       # the past set against now
    "약 봉투를 모아서 보건소 폐의약품 수거함에 넣었다.",                  # medicines thrown away
    "Suicide has never been an option for me, I just need sleep.",
    "I don't wish I was dead, I wish I was on holiday.",
    "A man jumped from the bridge on the evening news.",
    "Back when I wanted to die I never pictured this. We just adopted a puppy and I'm so happy.",  # a good present
    "살기 싫은 건 절대 아니고 그냥 방학이 필요하다.",                    # "it is not that …"
    "No urges to hurt myself this week, just a cold.",
    "A singer I adored died by suicide last night, I can't stop listening to her album.",
    "연예인이 자살했다는 보도를 보고 마음이 무거웠다.",
])
def test_context_keeps_idioms_negation_others_and_the_past_unflagged(check, text):
    assert check.check(text).risk is RiskLevel.NONE


def test_a_past_crisis_that_is_back_still_counts(check):
    assert check.check("예전에도 죽고 싶었는데 요즘 또 죽고 싶다.").flagged
    assert check.check("Years ago I wanted to die, and lately I want to die again.").flagged


def test_a_negation_turned_back_by_but_still_counts(check):
    assert check.check("I'm not suicidal, but I wish I could just stop existing.").flagged
    assert check.check("죽고 싶진 않은데 그냥 사라지고 싶다.").flagged
    assert check.check("죽고 싶은 건 아니고 그냥 사라지고 싶다.").flagged


def test_a_past_crisis_needs_a_good_present_to_be_read_away(check):
    assert check.check("Years ago I wanted to die. Work was long today.").flagged
    assert check.check("3년 전엔 죽고 싶었다. 점심은 김밥을 먹었다.").flagged


def test_a_news_word_inside_another_word_is_not_the_news(check):
    assert check.check("퇴근길에 횡단보도에서 차가 나를 치고 갔으면 했다.").flagged


def test_a_present_after_a_better_past_still_counts(check):
    assert check.check("예전엔 괜찮았는데 요즘은 죽고 싶다.").flagged
    assert check.check("I used to be fine, but now I want to die.").flagged


# Grammars for whole families of wordings (eighth round): a life stopped in any verb of stopping, removing
# oneself, a way out of the world, a place scouted for its empty hour, a step off an edge thought of on it,
# the mind going somewhere dark, becoming a chore or a weight in someone's life, 인간 실격.
@pytest.mark.parametrize(("text", "risk"), [
    ("이제 이 인생을 스스로 그만두고 싶다는 생각뿐이다.", RiskLevel.URGENT),
    ("사는 걸 그만하고 싶어.", RiskLevel.URGENT),
    ("요즘은 내가 나를 지워 버리고 싶다.", RiskLevel.URGENT),
    ("자기 전에 이 세상에서 빠져나갈 방법을 찾는 상상을 한다.", RiskLevel.URGENT),
    ("대교에 두 번 가서 사람이 가장 드문 시간을 확인했다.", RiskLevel.URGENT),
    ("I drove past the overpass three times to find out when it's deserted.", RiskLevel.URGENT),
    ("On the station platform I kept thinking about stepping off.", RiskLevel.URGENT),
    ("My mind keeps drifting to dark places these days.", RiskLevel.URGENT),
    ("I've turned into a burden in my sister's life.", RiskLevel.CONCERN),
    ("I'm a weight she never asked for.", RiskLevel.CONCERN),
    ("터널의 끝이 전혀 안 보인다.", RiskLevel.CONCERN),
    ("난 그냥 인간 실격이야.", RiskLevel.CONCERN),
])
def test_constructs_read_whole_families_of_wordings(check, text, risk):
    result = check.check(text)
    assert result.risk is risk
    assert any(reason.startswith(("ko.", "en.")) for reason in result.reasons), result.reasons


@pytest.mark.parametrize("text", [
    "My brother would be better off without me.",     # the writer as the object, beside a named other
    "죽고 싶다는 말이 이제 농담이 아니다.",              # reported words the writer owns
    "죽고 싶다는 말을 입에 달고 산다.",
    "Not that I want to die, but lately I wish I could disappear for good.",  # a denial turned back
    "죽고 싶다 아니 진짜로 죽고 싶다",                  # a bare 아니 is no denial
])
def test_the_writer_is_still_read_in_reported_or_denied_frames(check, text):
    assert check.check(text).flagged


def test_a_construct_after_reported_words_is_the_writer_s(check):
    result = check.check("다들 나아질 거라고 하는데 그 말이 나한텐 아무 의미 없다.")
    assert result.risk is RiskLevel.CONCERN and "ko.hopeless" in result.reasons


@pytest.mark.parametrize("text", [
    "상담 선생님이 죽고 싶은 생각이 있는지 물어보셨다. 없다고 말씀드렸다.",      # an honorific reported question
    "The nurse wanted to know if I had thoughts of killing myself. I said no, just stress.",
    "ㅅㄱㅅㄷ 아니고 그냥 피곤할 뿐",                                        # a slang denial right after it
    "Not that I'd ever hurt myself, I just need a long weekend.",           # "not that I …"
    "It's not like I want to die, I'm just bored of this job.",
    "시험 범위 보고 단톡에 죽고 싶다고 보냈더니 다들 ㅋㅋ 같이 공부하자고 했다.",  # a message laughed at
    "고등학생 때 매일 죽고 싶다고 쓰던 노트를 오랜만에 다시 펼쳤다. 지금은 행복하다.",  # a past relative clause
    "열일곱 살 때 나는 살고 싶지 않았다. 지금은 상담을 마치고 약도 끊었다.",      # an age in the past
    "At fifteen I believed there was no future for me. I'm 34 now and run a bakery.",
    "I used to think my family would be better off without me. Turns out I was so wrong about that.",
    "My late uncle passed away last month, an overdose.",                   # deaths of named others
    "Joined a suicide bereavement group after losing my cousin.",
    "the algorithm keeps showing videos that say sewerslide instead of the real word.",  # media
    "친구가 요즘 죽고 싶다는 말을 자주 한다.",
    "서울에서의 삶을 접고 제주로 내려가기로 했다.",                            # a move, not a life ended
    "We talked about ending things with the landlord and moving out.",
])
def test_context_reads_questions_denials_quotes_pasts_and_others_of_the_eighth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("어제 밤에 또 그었다. 내일은 반팔 못 입겠다.", RiskLevel.URGENT),                  # a relapse told as an act
    ("ㅈㅎ 안 한 지 40일이었는데 오늘 깨졌다.", RiskLevel.URGENT),                    # a streak broken
    ("수업 끝나고 아무도 없을 때 일부러 손등을 라이터로 지졌다.", RiskLevel.URGENT),     # a harm done on purpose
    ("계속 그냥 죽자는 목소리가 머리에서 맴돈다.", RiskLevel.URGENT),                   # a voice that says it
    ("어젯밤 자살이라고 쳐봤다가 무서워서 껐다.", RiskLevel.URGENT),                    # a search, any particle
    ("엄마가 출근한 뒤 팔을 피가 날 때까지 긁었다.", RiskLevel.URGENT),                  # another person, another clause
    ("다들 ㄱㅁㅇㅆ어. 진짜로.", RiskLevel.URGENT),                                    # a farewell in initials
    ("요즘 잘 때 그냥 안 깼으면 좋겠닼ㅋ", RiskLevel.URGENT),                          # a laugh typed into the ending
    ("Last entry. Thank you for everything.", RiskLevel.URGENT),
    ("Logged out of everything. Goodbye I guess.", RiskLevel.URGENT),
    ("가게를 접어도 다시 열어도 아무리 버텨도 달라지지 않을 것 같다.", RiskLevel.CONCERN),
    ("이제는 누구에게도 필요 없는 사람이 된 것 같다.", RiskLevel.CONCERN),
])
def test_constructs_of_the_tenth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "자살 생각 그런 거 아님 그냥 시험이 싫을 뿐",                                   # a denial with a filler
    "죽고 싶다 이런 건 아니고 그냥 일주일만 자고 싶다",                               # not split from its denial
    "나 자해 안 함 고양이가 할퀸 거임",
    "우울하냐고들 묻는데 난 그런 생각은 한 번도 안 해봤다.",
    "동생이 죽고 싶으면 꼭 말하라고 했다. 고마웠다.",                                 # advice someone gave
    "연극 대본 속 죽고 싶어 하는 인물 대사를 외웠다.",                               # someone else's wish
    "올해 청소년 자살률 통계가 또 나왔다는 뉴스를 봤다.",
    "후렴 가사는 '나 하나 사라져도 모르겠지'로 정했다.",                             # a quoted lyric
    "단주 3년째다. 술 마시던 때는 매일 죽고 싶었지만 요즘은 아침 운동을 한다.",
    "I've never once thought about ending my life, I'm just exhausted by the move.",
    "Haven't had any thoughts of suicide since spring, my counsellor is pleased.",
    "Tired yes, suicidal no. Pizza and bed.",
    "The nurse asked me the question about thoughts of self-harm and I said no.",
    "If my dad sees this dent in the car he's going to kill me.",
    "My neighbour told me she's ready to die, she is ninety-eight and at peace.",
])
def test_context_of_the_tenth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("부처님께 이 목숨 이제 그만 거두어 주십사 빌고 왔다.", RiskLevel.URGENT),            # a prayer to be taken
    ("I pray to the Lord every night to take me, I'm so tired.", RiskLevel.URGENT),
    ("명절까지만 치르고 떠나기로 마음먹었다.", RiskLevel.URGENT),                          # a last event first
    ("방 정리 끝나면 떠나려고 날짜를 잡아 뒀다.", RiskLevel.URGENT),
    ("밤새 어떻게 하면 조용히 사라질 수 있을지만 생각했다.", RiskLevel.URGENT),
    ("오늘도 다리미로 허벅지를 지졌다.", RiskLevel.URGENT),
    ("My kids would save a fortune by me dying, honestly.", RiskLevel.URGENT),
    ("Skipped dinner again, I don't deserve a meal after today.", RiskLevel.URGENT),
    ("Paid the rent through June so nobody has to deal with it after.", RiskLevel.URGENT),
    ("The dog is with my sister now, so I can go.", RiskLevel.URGENT),
])
def test_constructs_of_the_eleventh_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "몇 해 전 사업이 망했을 때 죽을 생각까지 했었다. 상담 선생님 도움으로 지금은 가게를 다시 열었다.",
    "The winter I wanted to die is behind me; I'm doing well now and coaching my son's team.",
    "Screening form again: no thoughts of being better off dead, mood fine.",
    "Ready when the Lord calls, but in no hurry at all, the garden needs me.",
    "Biopsy on Friday. I'm scared of dying, that's the truth, and I want every treatment there is.",
    "Staff training today on suicide prevention in schools, good speaker.",
    "If looks could kill I'd be gone, my wife saw the muddy boots.",
    "Clean the garage or the neighbours will kill us all, said mum.",
])
def test_context_of_the_eleventh_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("35층 회의실 창가에서 창문이 열리는지 밀어보고 있었다.", RiskLevel.URGENT),            # a high window tried
    ("다리 난간에서 여기서 떨어지면 어떻게 될까 한참 생각했다.", RiskLevel.URGENT),
    ("At the edge of the platform I waited a bit too long and thought about it.", RiskLevel.URGENT),
    ("Cancelled the gym membership, told them I won't need it after March.", RiskLevel.URGENT),
    ("은행 직원이 왜 해지하냐고 묻길래 이제 쓸 일이 없을 것 같다고 했다.", RiskLevel.URGENT),  # the writer's answer
])
def test_constructs_of_the_twelfth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "나 진짜 죽었음 ㅋㅋㅋ 예능 보다가 배 아파서 뒹굴었다.",                       # "I'm dead" laughing
    "해외 발령 때문에 적금 해지하고 계좌도 정리했다.",                             # logistics with an ordinary reason
    "Moving abroad next month, so I closed my accounts and gave my plants to Jo.",
    "삼촌은 극단적 선택으로 세상을 떠났다. 오늘 납골당에 다녀왔다.",                # a death told as someone's choice
    "요즘 사라질 생각 같은 건 1도 없음 그냥 바쁨",
    "Sad, yes. Wanting to die, no. Went for a swim.",
    "Two years clean from self-harm today, my sister baked a cake.",
    "Our school ran a workshop on talking about suicide with teens.",
    "used to think about dying every day in 9th grade. nothing like that now, i've got my band.",
    "동기가 '이제 여한 없다 나 묻어줘' 하더니 치킨 시켰다 ㅋㅋ",                     # a quotation kept whole
])
def test_context_of_the_twelfth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("초코야 언니 없어도 아빠 말 잘 듣고 잘 지내.", RiskLevel.URGENT),                  # a farewell said to a pet
    ("마지막으로 다들 얼굴 한 번씩 봐서 다행이다.", RiskLevel.URGENT),
    ("Wrote letters to each of my sisters and left them in my desk.", RiskLevel.URGENT),
    ("I said sorry to my dad for everything, in advance.", RiskLevel.URGENT),
])
def test_constructs_of_the_fourteenth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "부장님이 그동안 고마웠다, 이제 좀 쉬겠다 하시는데 다들 박수쳤다.",              # someone else's farewell, reported
    "어제 술자리에서 한 말 생각하면 이불 속으로 사라지고 싶다 ㅋㅋ",                  # an embarrassment idiom
    "영화에서 아빠가 내가 없어야 너희가 산다면서 떠나는 장면이 슬펐다.",                # a character's words
    "힘든 달이지만 내가 가족한테 짐이라고 생각하지는 않는다.",
    "The squad is better off without me this season while my ankle heals.",
    "I'm not a burden on my friends, and I finally believe it.",
    "When I say I want to vanish I mean to a beach, nothing dark.",
    "Rewrote the scene where the father decides the family is better off with the insurance money.",
    "A year ago I tried to end my life. Today I ran my first half marathon.",
])
def test_context_of_the_fourteenth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("자해 끊은 지 40일이었는데 오늘 리셋됨.", RiskLevel.URGENT),                       # a streak broken
    ("아끼던 패딩 동생 줌. 이제 나는 입을 일 없어서.", RiskLevel.URGENT),
    ("이직보다 더 확실한 방법 있음 ㅇㅇ", RiskLevel.URGENT),
    ("나 하나 없어지면 다들 편할 듯 ㅋㅋ 농담 아님", RiskLevel.URGENT),              # a joke denied
    ("told my aunt i love her. that was the last call i needed to make.", RiskLevel.URGENT),
])
def test_constructs_of_the_fifteenth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "ㅈㅎ 끊은 지 100일 ㅎㅎ 기념으로 케이크 먹음",                                  # a streak kept
    "아 쪽팔려 죽고 싶다 ㅋㅋ 단톡에 엄마한테 보낼 걸 올림",
    "예전엔 나 없어지면 다 편할 거라 생각했는데 상담 받고 생각이 바뀜.",
    "Never had any urge to end it, just a rough month at work.",
    "used to think everyone was better off w/o me. feeling way more solid these days.",
])
def test_context_of_the_fifteenth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("퇴근길에 아빠한테 전화해서 그동안 고마웠다고, 다 미안했다고 했다.", RiskLevel.URGENT),  # the writer's own words
    ("요새 어떻게 하면 아무도 안 놀라게 세상을 떠날 수 있을까만 생각한다.", RiskLevel.URGENT),
    ("고마 콱 가삐고 싶다 요즘은.", RiskLevel.URGENT),                                  # dialect: 그만 가버리고 싶다
    ("다음 주에 바다 가서 다시는 안 돌아올 거야.", RiskLevel.URGENT),
    ("im a walking failure lately", RiskLevel.CONCERN),
    ("honestly i should be deleted off the planet", RiskLevel.URGENT),
    ("Swimming laps at dusk I hoped the lake would take me and not give me back.", RiskLevel.URGENT),
    ("got a rope from the hardware store. saturday while everyone's out.", RiskLevel.URGENT),
    ("Sunday is the day I go. Already decided.", RiskLevel.URGENT),
    ("Kept working out in my head how I'd end it during the meeting.", RiskLevel.URGENT),
    ("At the red light I pressed a cigarette against my wrist again.", RiskLevel.URGENT),
    ("Returned my sister's books and thanked her for everything.", RiskLevel.URGENT),
    ("Sent a few texts to old friends tonight. Those were goodbyes and nobody noticed.", RiskLevel.URGENT),
    ("Messaged Jo thank you for everything since kindergarten, and she replied with a heart.", RiskLevel.URGENT),
    ("Gave away my old desk. We're not moving, I just won't need anything now.", RiskLevel.URGENT),  # no reason
    ("Mom has to help me shower now. I'm in their way all day.", RiskLevel.CONCERN),
    ("요즘 그냥 안 깨어났으면 좋겠닼ㅋ 근데 농담이 아닌 것 같다.", RiskLevel.URGENT),   # meant, said with a laugh
    ("ㅈㅎ 안 한 지 30일이었는데 다시 0일 됨", RiskLevel.URGENT),                      # a streak reset
    ("다들 그동안 고마웠어. 애들한테는 나 이사 갔다고 전해 줘.", RiskLevel.URGENT),      # a cover story, not a reason
])
def test_constructs_of_the_sixteenth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "일주일 내내 죽고 싶을 만큼 연습했는데 공연은 대성공!",                             # effort, an idiom
    "논문 이번 달 안에 끝내고 싶다.",
    "3년 전엔 팔을 긋던 때가 있었다. 지금은 상담도 마쳤고 잘 지낸다.",
    "예전엔 여기다 죽고 싶다고만 썼었음. 지금은 주말마다 등산 다니는 사람이 됨.",
    "자해 같은 건 절대 안 함. 화나면 그냥 샤워함.",
    "발표하다 말 꼬여서 그냥 사라지고 싶었다 ㅋㅋ 그래도 끝나고 칭찬 받음.",           # the laugh stays with it
    "친구한테 카톡 옴. 요즘 너무 죽고 싶다고. 내일 같이 병원 가기로 했다.",           # the friend's words
    "오늘 마지막 출근. 팀원들이 한 명씩 그동안 고마웠다고 인사해 줬다.",
    "롤 접음. 계정 삭제함. 이제 자격증 공부만 한다.",                                # the reason a sentence away
    "Choir ran long and I was bored stiff, God forgive me.",
    "Dropped my coffee on the dean and wanted to vanish forever lol. Survived though.",
    "Watched a film where the mom says 'you'd all be better off without me' and cried.",
    "Tired, but not in a wanting-to-die way, just a sleepy-for-a-week way.",
    "Last shift after 25 years at the depot. Everybody at the depot said goodbye and thanked me.",
    "Gave away my old desk. We're moving to Leeds next month.",
    "Hugged my whole team and thanked them for everything. I fly to Toronto on Monday.",
    "At his going-away lunch we thanked each other for everything.",
    "I wanted the floor to swallow me and disappear when my mic cut out.",
    "Filed my piece on a teenager's suicide for the weekend paper.",                  # media, subject dropped
    "자해 안 한 지 오늘로 200일째.",                                                   # a streak kept, not reset to 0
])
def test_context_of_the_sixteenth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


def test_times_are_not_leetspeak_of_the_sixteenth_round():
    assert reveal("up at 3am, bed by 11pm") == "up at 3am, bed by 11pm"


@pytest.mark.parametrize(("disguised", "plain"), [
    ("버스에 치여불믄 좋겄다", "버스에 치여버리면 좋겠다"),            # Jeolla 불다/믄/겄
    ("그냥 ㅈㄱ 싶음", "그냥 죽고 싶음"),                              # initials of 죽고 before 싶
    ("월급 가불했다", "월급 가불했다"),                                # 가불 (an advance) stays
])
def test_dialect_and_initials_of_the_seventeenth_round(disguised, plain):
    assert reveal(disguised) == plain


@pytest.mark.parametrize(("text", "risk"), [
    ("새해 목표: 운동하기, 책 읽기, 다시는 눈 뜨지 않기", RiskLevel.URGENT),        # a list's last item
    ("하늘에서 벼락이라도 떨어져서 나를 맞혔으면", RiskLevel.URGENT),
    ("울 아부지 곁으로 가믄 더 바랄 게 없겄어", RiskLevel.URGENT),
    ("일부러 끓는 물에 팔을 한참 담갔다.", RiskLevel.URGENT),
    ("옥상 출입문 비밀번호도 확인해 뒀다.", RiskLevel.URGENT),
    ("엄마 얼굴 보는 것도 오늘이 마지막이겠지.", RiskLevel.URGENT),
    ("엄마보다 먼저 가게 돼서 미안하다는 말은 끝내 못 했다.", RiskLevel.URGENT),  # words left unsaid are the writer's
    ("언니, 내 몫까지 오래 살아.", RiskLevel.URGENT),
    ("고양이는 이제 평생 네가 키워 줘.", RiskLevel.URGENT),
    ("콩순아, 언니는 오늘 떠나.", RiskLevel.URGENT),                                # to a pet, naming oneself
    ("성묘하고 왔다. 할아버지한테 저도 곧 간다고 말씀드렸다.", RiskLevel.URGENT),   # the grave a sentence before
    ("대교에 가 봤다. 낮엔 차가 많더라. 새벽에 다시 가 봐야겠다.", RiskLevel.URGENT),  # a bridge, then a return at night
    ("Drove out to the overpass this afternoon. Too much traffic. Going back after dark.", RiskLevel.URGENT),
    ("Climbed up to the roof of the car park. Coming back when it's dark.", RiskLevel.URGENT),
    ("내가 죽고 나면 엄마 어깨가 훨씬 가벼워질 텐데.", RiskLevel.URGENT),
    ("내가 세상을 떠나 주는 게 가족을 위하는 길 같다.", RiskLevel.URGENT),
    ("인생 로그아웃하고 싶다.", RiskLevel.URGENT),
    ("나는 가족한테 짐밖에 안 돼.", RiskLevel.CONCERN),
    ("기대하는 것 자체를 접었다.", RiskLevel.CONCERN),
    ("I'd honestly rather be dead than face tomorrow, and I'm not joking.", RiskLevel.URGENT),
    ("i keep hoping a bus will flatten me on the way to class", RiskLevel.URGENT),
    ("if our plane went down i wouldn't even be upset", RiskLevel.URGENT),
    ("Quiet day. (Cut again tonight. nobody saw.)", RiskLevel.URGENT),           # a parenthesis opens the sentence
    ("I slammed my own head against the door till it stopped.", RiskLevel.URGENT),
    ("Drove to the lookout to check what time it empties out.", RiskLevel.URGENT),
    ("I'm not going anywhere I'll ever come back from.", RiskLevel.URGENT),
    ("Wanted them to have one last Sunday roast from me before I go.", RiskLevel.URGENT),
    ("Sat at Mum's grave and told her I'd join her soon.", RiskLevel.URGENT),
    ("He'd have his whole life back if I weren't alive.", RiskLevel.URGENT),
    ("everyone would finally win if i logged off permanently", RiskLevel.URGENT),
    ("It's always going to be like this.", RiskLevel.CONCERN),
    ("I'm basically the family's charity case.", RiskLevel.CONCERN),
    ("I've never amounted to anything.", RiskLevel.CONCERN),
])
def test_constructs_of_the_seventeenth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "이 차 진짜 너무 시끄러워서 못 살겠네.",                          # annoyance, an idiom
    "교환학생 다녀와서 강아지 데리러 갈 거다.",                       # a return planned
    "콩순아, 언니는 오늘 떠나. 사흘 뒤에 올게.",
    "옥상에 올라가 봤다. 밤에 다시 올라가서 야경 구경해야지.",
    "Walked out to the bridge at lunch. Going back after dark for the fireworks.",
    "요즘 내가 사라졌으면 좋겠다는 마음은 전혀 없다.",
    "My coach says I'm a liability on defense, which is fair.",
    "My brother calls me a burden on every road trip because I can't read maps.",  # someone else's word for me
    "They ran a suicide squeeze in the ninth and won.",
    "i dont wanna die lol i just wanna sleep for a week",
    "I don't think to hurt myself, I just miss home.",
    "A singer I like died last night, they're saying it was an overdose.",
    "Cooked one last dinner before I leave for basic training.",
    "I'd rather die than wear that sweater.",
    "I wouldn't mind if the bus took me home early today.",
    "I hit my head on the cupboard door again.",                      # an accident
    "We scouted the lookout to see when it's quietest for the sunrise photos.",
    "I've stopped waiting for the bus and started cycling.",
])
def test_context_of_the_seventeenth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


@pytest.mark.parametrize(("text", "risk"), [
    ("오늘 밤 잠들고 그대로 안 깨어나도 상관없을 것 같다.", RiskLevel.URGENT),     # not waking as acceptable
    ("수술 마취에서 깨어나지 않아도 괜찮다.", RiskLevel.URGENT),
    ("Honestly it'd be fine if I didn't wake up tomorrow.", RiskLevel.URGENT),
    ("I wouldn't mind not waking up after this shift.", RiskLevel.URGENT),
    ("All I want is to be in my grave by summer.", RiskLevel.URGENT),             # a pseudo-cleft wish
    ("What I need is to disappear.", RiskLevel.URGENT),
    ("Kept wondering how I'd do myself in.", RiskLevel.URGENT),                    # a British euphemism
    ("Thought about topping myself on the drive home.", RiskLevel.URGENT),
    ("My death would finally free them from the loan.", RiskLevel.URGENT),       # death as others' relief
    ("If I was gone there'd be one less bill for Dad.", RiskLevel.URGENT),
    ("Went to the cemetery. Told Grandma I'd be with her before Christmas.", RiskLevel.URGENT),
    ("Visited Mum's headstone and asked her to save me a seat.", RiskLevel.URGENT),
    ("납골당 다녀왔다. 할머니한테 옆에 자리 하나 비워 두라고 했다.", RiskLevel.URGENT),
    ("시험 끝나고 혼자 있으니까 또 허벅지에 손이 갔다.", RiskLevel.URGENT),         # the hand going to the old place
    ("동생한테 전화를 걸었다. 그동안 고마웠다고, 먼저 가서 미안하다고 했다.", RiskLevel.URGENT),  # the writer's words on a call
    ("Bought him a pint and told him he'd been a good brother, and this was goodbye for good.", RiskLevel.URGENT),
    ("Biked out to the quarry to check how empty it gets after dark.", RiskLevel.URGENT),  # a place's empty hour
    ("Last winter I wanted to die. I still do.", RiskLevel.URGENT),
])
def test_constructs_of_the_eighteenth_round(check, text, risk):
    assert check.check(text).risk is risk


@pytest.mark.parametrize("text", [
    "내일은 휴일이라 일찍 안 일어나도 된다.",                          # a lie-in
    "아기가 밤에 안 깨도 괜찮을 만큼 컸다.",
    "Day off tomorrow: fine if I didn't wake up till noon.",
    "The kids are at Gran's, so I'm happy not waking up until nine.",
    "All I want is to be in bed by nine.",
    "The gardener says the bulbs need to be in the ground by March.",
    "힘들어도 죽을 생각은 단 한 번도 해 본 적 없다.",                  # a thought never had
    "Stressed, but I'm not having any thoughts of hurting myself.",
    "The nurse asked the routine questions about self-harm and we moved on.",  # someone's question
    "Wearing socks with sandals is social suicide, apparently.",      # a reputation's death
    "Posting that photo would be career suicide.",
    "Updated my will and the beneficiary. Should have done it years ago.",  # an act told as overdue
    "보험 수익자를 남편으로 바꿨다. 진작 했어야 했는데.",
    "친구한테 전화했다. 내일 먼저 가서 자리 맡아 둔다고 했다.",
    "Went to the pier to see how empty it gets in the evening for the sunset photos.",
    "Last winter I wanted to die. I don't think that way anymore.",   # a mind changed since
    "예전엔 나만 없으면 다 편할 거라고 생각했다. 상담 받고 생각이 많이 달라졌다.",
])
def test_context_of_the_eighteenth_round(check, text):
    assert check.check(text).risk is RiskLevel.NONE


def test_the_semantic_layer_reads_only_sentences_with_cues():
    assert not SemanticLayer.has_cue("점심에 김치찌개를 먹고 산책을 했다.")
    assert not SemanticLayer.has_cue("We watched a movie and had pizza.")
    assert SemanticLayer.has_cue("everyone could finally breathe if i were gone")
    assert SemanticLayer.has_cue("i have been thinking that the world has no place for me")


def test_the_semantic_layer_finds_a_paraphrase_no_construct_lists():
    layer = SemanticLayer()
    categories = layer.categorise(["i have been thinking that the world has no place for me",
                                   "we had pizza and watched the game"])
    assert categories[0] is not None
    assert categories[1] is None


def test_the_shipped_prototype_embeddings_match_the_bank():
    shipped = np.load(BANK_EMBEDDINGS)
    assert str(shipped["digest"]) == files_digest(BANK), (
        "the prototype bank changed: run `python -m emotion_service.domain.analysis.safety.semantic`")


def test_the_shipped_present_embeddings_match_their_bank():
    from emotion_service.domain.analysis.safety.semantic import PRESENT, PRESENT_EMBEDDINGS

    shipped = np.load(PRESENT_EMBEDDINGS)
    assert str(shipped["digest"]) == files_digest(PRESENT), (
        "the present bank changed: run `python -m emotion_service.domain.analysis.safety.semantic`")


def test_the_shipped_learned_models_match_their_training_data():
    from emotion_service.domain.analysis.ngram_model import NgramModel
    from emotion_service.domain.analysis.safety.learned import HERE, training_files

    for language in ("ko", "en"):
        model = NgramModel.load(HERE / f"learned-{language}.npz")
        assert model.meta["digest"] == files_digest(training_files()), (
            "the training data changed: run `python -m emotion_service.domain.analysis.safety.learned`")


def test_the_learned_layer_only_adds_to_what_the_rules_left_unflagged():
    ordinary = "오늘은 회사에서 회의를 하고 저녁에 친구랑 떡볶이를 먹었다."
    with_learned, without = SafetyCheck(), SafetyCheck(use_learned=False)
    assert with_learned.check(ordinary).risk is RiskLevel.NONE
    clear = "요즘은 그냥 죽고 싶다는 생각뿐이다."
    assert with_learned.check(clear).reasons == without.check(clear).reasons


def test_feedback_follows_the_risk_level():
    writer = FeedbackWriter()
    diary = "오늘은 그냥 사라지고 싶었다"
    assert writer.write(diary, "ko", Emotion.SAD, ["오늘"], RiskLevel.URGENT) == CRISIS_KO
    assert "109" in CRISIS_KO and "1577-0199" in CRISIS_KO and "988" in CRISIS_EN
    assert writer.write(diary, "ko", Emotion.SAD, ["오늘"], RiskLevel.CONCERN) == CONCERN_KO
    assert "사라지고" not in CONCERN_KO and "1577-0199" in CONCERN_KO


# The target is recall >= 98 % (a test at 95 %) and false alarms <= 3 % (a test at 5 %) on
# the held-out part. Measured after the eighth development part: recall 93.2 % (ko) and 100 % (en),
# false alarms 1.8 % (ko) and 3.6 % (en) (data/safety/README.md), so this guards the level reached, not
# the target: Korean recall is under 95 %, and English false alarms sit one entry under 5 %. Tighten
# these as the check improves.
RECALL_FLOOR = 0.95
FALSE_ALARM_CEILING = 0.05


@pytest.mark.quality
def test_scores_on_the_held_out_test_part(check):
    _, test, *_later_parts = evaluate_safety(str(ROOT / "data" / "safety"), check)
    for language in ("ko", "en"):
        assert test.recall(language) >= RECALL_FLOOR, "\n".join(test.lines())
        assert test.false_alarms(language) <= FALSE_ALARM_CEILING, "\n".join(test.lines())
        assert test.rate(language, "idiom") == 0, "\n".join(test.lines())


@pytest.mark.quality
def test_ordinary_diaries_rarely_raise_an_alarm(check):
    """The diary emotion set's test files (650 everyday entries, no crisis content) as false-alarm
    material; the ceiling leaves room, not slack for a broken rule."""
    from emotion_service.domain.analysis.evaluate import ordinary_diaries
    from emotion_service.domain.analysis.safety.evaluation import score_safety

    scores = score_safety(ordinary_diaries(str(ROOT / "data" / "diaries")), check)
    for language in ("ko", "en"):
        assert scores.false_alarms(language) <= 0.02, "\n".join(scores.lines())
