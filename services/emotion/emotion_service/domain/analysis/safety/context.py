"""When a construct in a sentence does not speak for the writer, now.

Each rule names one reading a careful reader would give and that the constructs alone cannot:
- idioms and hyperbole ("배고파 죽겠다", "dying to see it"): removed before matching;
- negation of the statement itself ("죽고 싶지는 않다", "I'm not suicidal");
- other people, media and games ("드라마 주인공이…", "the character wanted to die", "게임에서 죽었다"),
  words reported or a question asked ("…다는 말", "…냐고 물으셨다", "asked if …") unless a construct of the
  writer's stands outside them ("나아질 거라는 말이 아무 의미 없다") or the writer owns the words
  ("…다는 말이 농담이 아니게 됐다"), and the writer as the object ("better off without me") is still the writer;
  a Korean subject named before the construct is its owner only within the same clause ("엄마가 잠든 뒤
  …긁었다" is the writer's act); words the writer said to someone named as the addressee ("엄마한테 …
  미안했다고 말했다") are the writer's, and a sentence of reported words alone right after a message came in
  ("연락 옴. 요즘 죽고 싶다고.") is the sender's; an English sentence with its subject dropped ("Texted Tyler
  thanks for everything …") is the writer's unless someone else speaks before the construct;
- a past that is over ("2년 전에는 죽고 싶었다. 지금은 괜찮다"), unless the sentence also says it
  is back ("또", "again", "lately");
- jokes marked as such ("농담", "jk"), unless the writer says it was meant ("진심", "not really a joke"),
  and a message the writer sent that others laughed at ("…라고 올렸더니 다들 ㅋㅋ");
- logistics with an ordinary reason in the same sentence or the one before or after it (a wedding, a move,
  a leaving party, a last working day, a game quit to study): a plan or farewell construct there is
  everyday life unless the sentence names death or a means, or the reason is denied, asked about or a
  cover story ("We're not moving", "이사 갔다고 해 주세요");
- a death wish told in the past tense and laughed off ("창피해서 죽고 싶었다ㅋㅋ", "I wanted to die lol"):
  an embarrassing moment, not a wish (a present-tense one with a laugh still counts).

When unsure, a rule keeps the hit: a missed crisis costs far more than a gentle extra message.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from emotion_service.domain.analysis.safety.constructs import find_constructs
from emotion_service.domain.analysis.safety.disguise import LAUGH
from emotion_service.domain.analysis.safety.result import RiskLevel

__all__ = ["QUOTED", "denies_risk", "drop_idioms", "hit_is_discounted", "resolved_elsewhere"]

_KO_IDIOMS = re.compile(
    # "죽겠다/죽겠어/죽을 것 같다" after a state: hunger, sleepiness, laughter, boredom...
    r"(?:배고파|배불러|졸려|피곤해|심심해|웃겨|웃기|더워|추워|귀여워|보고싶어|궁금해|답답해|힘들어|바빠|아파|짜증나|미치|좋아|설레|부러워|귀찮아|떨려|긴장돼)(?:서)?(?:진짜|정말|너무|완전)?(?:죽겠|죽을것같|죽을거같|죽는줄|죽을뻔|뒤지겠|디지겠|죽어|죽음|죽을지경)|"
    r"죽(?:을|을만큼|도록|기살기로|자살자)(?:만큼|정도로|힘을다해)?(?:웃|뛰|달|공부|일|노력|열심|먹|좋|행복|맛있|사랑)|"
    r"(?:일|과제|숙제|업무|프로젝트|보고서|공부|청소|설거지|빨래|정리|논문|원고|마감|시험|작업)(?:을|를|도|은|는)?(?:다|빨리|얼른|오늘|전부)*(?:[^.!?\s]{0,10}?(?:안에|까지|내로|중에))?끝내(?:버리고|고|야)|"
    r"(?:에|에다|에만)목(?:을)?(?:매|메)(?:는|달|고|지|어)|죽도록|죽기살기|죽을맛|죽을똥살똥|죽여준다|죽여주는|죽인다(?:진짜)?(?:맛|분위기|노래|경치)|죽이는(?:맛|노래|경치|날씨)|"
    r"이불(?:속으로|속에|킥)\S{0,3}(?:사라지고싶|숨고싶|들어가고싶)|(?:창피|부끄|민망|쪽팔|수치)(?:해|해서|하여|스러워|스러워서|려|려서|리고)?(?:진짜|정말|너무)?(?:죽고싶|사라지고싶|죽을것같|죽는줄|쥐구멍)|"
    r"(?:죽고|사라지고)싶을(?:만큼|정도로?)(?:창피|부끄|민망|쪽팔|웃|좋|행복|설레|귀엽|맛있|공부|일했|일하|운동|연습|뛰|달리|먹|열심|노력|걸었)|쥐구멍에라도?숨|"
    r"이맛에(?:사는|살지|산다)|(?:배터리|폰|핸드폰|휴대폰|노트북|컴퓨터|차|엔진|식물|화분|꽃|분위기|기|기세)(?:가|이|도)?(?:죽었|죽어|죽|나갔)|"
    # "can't live like this" of an annoyance ("속 터져서 못 살겠네", "더워서 못 살겠다")
    r"(?:속터져|속터지|답답해|짜증나|열받아|화나|시끄러워|더워|추워|귀찮아)(?:서|가지고)?(?:진짜|정말|참말로|아주)?못살겠|"
    r"죽이?잘맞|죽(?:을|)(?:먹|끓|쒀|사)|(?:전복|호박|팥|야채|흰|소고기)죽|자살골|"
    r"(?:열심히|잘|행복하게|재밌게|즐겁게|건강하게)살자|목숨(?:걸고|을걸고)|죽었다깨어나도|죽을죄"
)
_EN_IDIOMS = re.compile(
    r"\bdying\s+(?:to|for|of)\b|\b(?:laugh|laughed|laughing|lmao|crying)\b[^.!?\n]{0,30}\b(?:die|died|dying|dead)\b|"
    r"\b(?:die|died|dying|dead)\b[^.!?\n]{0,15}\blaugh|\bkilling\s+(?:it|me)\b(?![^.!?\n]{0,20}\b(?:for real|literally inside)\b)|"
    r"\bto\s+die\s+for\b|\b(?:die|died)\s+(?:of|from)\s+(?:embarrassment|shame|boredom|laughter|cuteness|happiness)\b|"
    r"\bi'?m\s+dead\b(?=[^.!?\n]{0,10}(?:😂|🤣|lol|$))|\bdead\s+(?:tired|serious|last|end|line|battery|phone)\b|"
    r"\bdrop[- ]dead\b|\bif\s+looks\s+could\s+kill\b|\b(?:will|'ll|gonna|going\s+to)\s+(?:literally\s+)?kill\s+us(?:\s+all)?\b|\bkill\s+(?:time|the (?:mood|vibe|lights|engine|process))\b|\b(?:my|the)\s+(?:phone|battery|laptop|car|plant)s?\s+(?:died|is dead|was dead)\b|"
    r"\bmurder(?:ed)?\s+(?:that|the|this)\b|\b(?:god|lord|heaven)\s+forgive\s+me\b|"
    # the word in a name of a play, a door or a drill ("a suicide squeeze", "suicide doors", "suicide sprints")
    r"\bsuicide\s+(?:squeeze|doors?|sprints?|drills?|runs?|pass|mission|squad|knob|lane)\b|"
    # a reputation's death ("social suicide", "career suicide")
    r"\b(?:social|career|political|professional|fashion|commercial)\s+suicide\b|"
    # "I'd rather die than …" as hyperbole, unless the writer says it is meant
    r"\b(?:i'?d|i\s+would)\s+(?:\w+\s+)?rather\s+(?:die|be\s+dead)\s+than\b(?![^.!?\n]{0,80}\b(?:i\s+mean\s+it|not\s+(?:joking|kidding|a\s+joke)|(?:don'?t|do\s+not)\s+mean\s+it\s+(?:the\s+way|like|as)))|"
    r"\b(?:floor|ground|earth)\s+(?:to\s+|would\s+|could\s+|should\s+)?(?:just\s+)?(?:open\s+up\s+and\s+)?swallow\s+me(?:\s+(?:up|whole))?"
    r"(?:\s+and\s+(?:just\s+)?(?:let\s+me\s+)?(?:disappear|vanish)(?:\s+(?:forever|for\s+good|completely))?)?\b|"
    # someone else "is going to kill me" (in trouble with them)
    r"\b(?:mom|mum|dad|she|he|they|boss|wife|husband|teacher|coach|parents|sister|brother|manager)\b[^.!?\n]{0,25}?(?:\bis|\bare|'s|'re|\bwill|'ll)?\s*(?:going\s+to|gonna|will|'ll)\s+(?:literally\s+|actually\s+)?kill\s+me\b|\bwould\s+kill\s+for\b|\bover\s+my\s+dead\s+body\b|\bkill\s+me\s+now\b(?=[^.!?\n]{0,40}\b(?:lol|meeting|class|lecture|boring|haha)\b)"
)

# Negation of the statement itself (not "I don't want to live", which is a construct).
_KO_NEGATED = re.compile(
    r"(?:짐|민폐|쓸모없|필요없는사람)\S{0,6}(?:이라고|라고|다고)\S{0,3}생각(?:하진|하지는|하지|은)?(?:않|안)|"
    r"(?:죽고싶|자살하고싶|죽을생각|자살할생각|자해할생각|사라지고싶)(?:지는|진|지|은건|은게|은거는|은건절대|은생각은|은마음은|까지는|은|다는뜻은|다는말은|다는건|다는게|다는거|다는것은|단건|단말은)?(?:절대|전혀)?(?:않|아니|아닌|없|안)|"
    r"(?:으면|면)좋겠(?:다는|단)(?:생각|마음|맘)(?:은|까지는|도)?(?:전혀|절대|한번도)?(?:안|않|없)|"
    r"(?:긋|죽|자해하|해치|끝내|사라지|없어지|뛰어내리|다치게하)고?싶은(?:마음|생각|충동|맘)(?:이|은|는|도|까지는)?(?:전혀|하나도|절대|더는|더이상|이제|별로|딱히)?(?:안들|안든|안생|없|사라졌|들지않)|"
    r"(?:자살|자해|죽고싶|죽을|사라질|끝낼|끝내고싶은)\S{0,8}?(?:생각|마음|충동)\S{0,8}?(?:없|안들|안든|들지않|안해|아니|아닌|아님|아냐)|"
    r"자해\S{0,8}(?:한번도|절대|전혀)\S{0,3}(?:안|않)|"
    # a thought never once had ("극단적인 생각은 한 번도 해 본 적 없다", "죽을 생각 같은 건 가져 본 적도 없다")
    r"(?:극단적인?|죽을|죽고싶다는|자살|자해|나쁜)(?:생각|선택|마음)(?:같은(?:건|거))?(?:은|을|까지는)?(?:단)?(?:한번도|절대|전혀)?(?:해|가져|먹어)(?:본|봤던)적(?:이|은|도)?(?:한번도)?없|(?:나는|난|저는)?그런(?:건|거|생각은|생각까지는|마음은|맘은)(?:전혀|절대|한번도|단한번도|하나도)?(?:없|안)|"
    r"(?:자해|ㅈㅎ)(?:를)?(?![^.!?]{0,18}(?:리셋|다시1일|1일차|다시0|(?<!\d)0일|(?<!\d)0됨|초기화|깨졌|무너졌))(?:안한지|끊은지|멈춘지|안하고|하지않은지|없이)|"
    r"(?:자살|자해|죽을)(?:생각|마음|계획)?(?:은|는|까지는|같은(?:건|거|것은|짓은)|이런(?:건|거)|그런(?:건|거))?(?:전혀|절대|하나도)?(?:없|안해|안함|안했|안한다|하지않|안할|아니|아님|아냐)|"
    # "it is not that …": a verb made a noun and denied ("살기 싫은 건 아니야", "죽고 싶다거나 그런 건 전혀 아니고")
    r"(?:싶|싫|파)(?:다거나|거나|다든가|은|다는|단)(?:그런)?(?:건|거|게|것은|것이|뜻은|뜻이|말은|얘기는)"
    r"(?:진짜|정말|절대|전혀|결코|딱히|꼭)?(?:아니|아냐|아님|아닌)|"
    # the statement denied as it stands, in the spoken short forms ("ㅈㄱㅅㄷ 아님 ㅋㅋ", "살기 싫다 아니고")
    r"(?:죽고싶|자살하고싶|살기싫|사라지고싶|자해하고싶|뒤지고싶|자살생각|죽을생각)(?:다|어|음|은거|은건|다는거|다는건)?(?:이런|그런)?(?:건|거|게)?(?:진짜|절대|전혀|결코|딱히)?"
    r"(?:아님|아니고|아냐|아니야|아니에요|아닙니다|아니다|아니거든|아니구요|아니고요)(?![?])")
_EN_NEGATED = re.compile(
    r"\b(?:suicide|self[- ]?harm|killing\s+myself|dying|death)\b[^.!?\n]{0,12}\b(?:has|have|had|is|was)\s+(?:never|not|n'?t)\b|"
    r"\b(?:don'?t|do\s+not|never|didn'?t)\s+(?:really\s+|actually\s+)?(?:wish|hope|pray)\s+(?:i\s+(?:was|were|could\s+be)|to\s+be)\s+(?:dead|gone|dying)\b|"
    r"\bnot\s+in\s+(?:a|that|the)\b[^.!?\n]{0,25}\b(?:place|headspace|space|zone|mood)\b|"
    # the death reading denied as a manner ("not in a wanting-to-die way", "not in a suicidal sense")
    r"\bnot\s+(?:in\s+)?(?:a|an|the|that)\s+[\w\s-]{0,20}?(?:die|dying|dead|suicid\w*|kill\w*|self[- ]harm\w*)[\w-]*\s+(?:way|sense|kind\s+of\s+way)\b|"
    r"\b(?:thoughts?|urges?)\b[^.!?\n]{0,20}\b(?:haven'?t|have\s+not|hasn'?t)\s+(?:come\s+back|returned)\b|"
    r"\b(?:not|never|won'?t|wouldn'?t|will\s+never|would\s+never)\b[^.!?\n]{0,25}\b(?:harm|hurt|kill)\w*\s+myself\b|"
    r"\bno\s+(?:wish|desire|plans?|intentions?|thoughts?|urges?)\s+(?:to|of|about)\s+(?:die|dying|hurt|hurting|harm|harming|kill|killing|end|ending|suicide)\b|"
    r"\b(?:say|said|answer(?:ed)?)\s+(?:honestly\s*:?\s*)?no\b|\bno\s+(?:thoughts?|wish(?:es)?|ideas?)\s+(?:of|about)\s+being\b|"
    r"\bin\s+no\s+hurry\b|\bnot\s+in\s+(?:a|any)\s+hurry\b|(?<!not\s)(?<!n't\s)\b(?:i'?m|i\s+am|im)\s+(?:so\s+|really\s+)?(?:scared|afraid|terrified)\s+of\s+dying\b|\bnot\s+(?:hopeless|suicidal)\b|"
    # "not that I want to die", "it's not like I'd hurt myself" (not "not that I don't …")
    r"\b(?:not|it'?s\s+not|it\s+isn'?t)\s+(?:that|like)\s+(?:i|i'?m|im|i'?d|i'?ve)\b(?!\s+(?:don'?t|do\s+not|can'?t|won'?t|wouldn'?t|didn'?t)\b)|"
    r"\b(?:i'?m|i\s+am|im)\s+not\s+(?:a\s+)?(?:burden|worthless|useless|a\s+waste)\b|\bnot\s+anything\s+dark\b|\bnothing\s+dark\b|"
    r"\bnever\s+(?:once\s+)?(?:thought|considered)\s+(?:about\s+|of\s+)?(?:(?:harming|hurting|killing)\s+myself|ending\s+(?:it|things|my\s+life)|suicide|dying)\b|"
    r"\b(?:(?:haven'?t|hasn'?t|have\s+not|didn'?t|don'?t|never)\s+(?:had|have|get|got)|not\s+having|not\s+getting)\s+(?:any\s+)?(?:thoughts?|urges?|ideation)\b|\b(?:suicidal|want(?:ing)?\s+to\s+die|self[- ]harm(?:ing)?)\W{0,3}\s*(?:no|nope|never)\b(?!\s+(?:one|way|more|longer|reason|point|future))|"
    r"\b(?:suicidal\s+(?:stuff|thoughts?|feelings?|urges?|ideation)|urges?|ideation)\b[^.!?\n]{0,20}\b(?:(?:has|have)\s+been|are|is)\s+(?:gone|quiet|absent)\b|"
    r"\b(?:without|free\s+(?:of|from)|clean\s+(?:of|from)|no\s+more|stopped|quit)\s+(?:self[- ]?harm(?:ing)?|cutting|hurting\s+myself)\b|"
    r"\b(?:don'?t|do\s+not|never)\s+(?:really\s+|actually\s+)?(?:want\s+to|wanna)\s+(?:die|disappear|be\s+gone|hurt\s+myself|kill\s+myself)\b|"
    r"\b(?:don'?t|do\s+not|never)\s+(?:think|plan|intend|mean)\s+(?:to|of|about)\s+(?:kill|hurt|harm)\w*\s+myself\b|"
    r"\b(?:not|never|don'?t|do not|wouldn'?t|won'?t|am not|i'?m not|im not|isn'?t|wasn'?t|no)\s+(?:really\s+|actually\s+|at all\s+)?"
    r"(?:suicidal|going to (?:hurt|kill) myself|gonna (?:hurt|kill) myself|want(?:ing)? to die|thinking (?:about|of) (?:suicide|killing|ending)|plans? (?:to|on)|planning (?:to|on)|in danger|a danger to myself|self[- ]harm(?:ing)?)")
# "...but" or "though" after the negation turns it back ("I'm not suicidal, but I wish I could disappear")
# when a construct follows it ("없는 데 가고 싶다" has 는데 and nothing after it).
_TURN = re.compile(r"\b(?:but|though|except|yet)\b|(?:지만|는데|은데|긴한데|지만요|그런데|근데|그래도)|(?<=아니)(?:라|고)")

# Someone else is the subject, or the sentence is about media, news or a game.
_KO_OTHERS = re.compile(
    r"(?:악역|장면|콘티|원고|드라마|영화|소설|웹툰|만화|책에서|책속|노래|가사(?!라지|라졌|라진|라질|라져)|기사|뉴스|주인공|캐릭터|등장인물|유튜브|다큐|연예인|배우|작가|"
    r"게임|보스|레이드|던전|롤|배그|몹|캐릭|리스폰|판|"
    r"(?:이|가|은|는)(?:자기가)?(?:죽고싶다|살기싫다|자살하고싶다|사라지고싶다|자해)(?:고|며|면서|라고|더라)|"
    # "…고 싶어 하다" tells someone else's wish ("죽고 싶어 하는 주인공")
    r"(?:죽고|사라지고|자살하고|살기)(?:싶어|싫어)(?:하는|하던|한다|했다|하더라|하셨|하시|해서)|"
    # a death told as someone's "extreme choice" ("극단적 선택이었다", "극단적 선택으로 세상을 떠났다")
    r"극단적(?:인)?선택(?:이었|으로)|"
    r"통계|사망원인|자살률|자살자수|(?<!횡단)(?<!인)보도|속보|기자회견|투신사건|사건이있었다고|투신사고|자살사고)")
# Someone else named as a subject: theirs when it comes before the construct in the same clause
# ("엄마가 또 죽고 싶다고…"), not when a clause ends between them ("엄마가 잠든 뒤 … 긁었다": the
# writer's act, subject dropped) or the person comes after it.
_KO_PERSON = re.compile(r"(?:사람|후배|선배|동료|친구|직원|학생|애)들이|모두들|아버지가|어머니가|할머니가|할아버지가|선생님이|과장님이|팀장님이|부장님이|사장님이|친구가|친구는|동생이|언니가|오빠가|형이|누나가|엄마가|아빠가|선배가|후배가|동료가|팀장이|그사람이|걔가|그애가|걔는|그는|그녀")
_KO_CLAUSE_BREAK = re.compile(r"(?:잠든|잠들|자는|간|나간|들어간|온|한|된)(?:뒤|후|다음)|(?:는|은|ㄴ)?동안|(?:을|ㄹ)?때|는데|니까|지만|고나서|자마자")
# A scene of a drama or a book told with a character's words: the "나" inside them is the character's.
_KO_MEDIA = re.compile(r"드라마|영화|소설|웹툰|연극|뮤지컬|대사|장면|주인공|캐릭터|등장인물")
_KO_SPEECH = re.compile(r"(?:다|라)면서|(?:다|라)며|(?:다|라)고(?:외치|소리치|말하|울부짖)")
# Words reported ("…다고 하셨다", "…라는 말"): someone else's, unless a construct of the writer's follows
# the report ("나아질 거라는 말이 아무 의미 없다") or the writer owns the words ("…다는 말이 농담이 아니게 됐다").
_KO_REPORTED = re.compile(
    r"(?:다|라|냐)고(?:했|하더|하셨|하시|하심|인사|말|해서|하는|물어|물었|물으|묻|여쭤|여쭈|들었|올라왔|전해(?!줘|주세요|주라|줄래|주길|달라))|(?:다|라)고\S{1,8}?인사(?:했|하더|하셨|를)|"
    r"(?:라는|다는)(?:얘기|이야기|말|소식|기사|뉴스|보도|글|영상)|"
    # an elder's words reported without 고 ("이제 좀 쉬겠다 하시는데")
    r"다\s?(?:하시|하셨)(?:는데|며|면서|더라|길래|다)|"
    # advice someone gave: if you feel it, tell someone ("죽고 싶으면 꼭 말하라고")
    r"으면\S{0,6}(?:꼭|바로|언제든|제발)?(?:나한테|우리한테|누구한테든)?(?:말하|연락하|전화하|얘기하|털어놓)(?:라|래|고|해)")
# The writer calling, writing to or visiting someone ("고향 친구 셋한테 차례로 전화했다"): the words reported in
# the next sentence, subject dropped ("그동안 고마웠다고 … 했다"), are what the writer told them.
_CALLED_BY_ME = re.compile(r"(?<![나저내제])(?:한테|에게|께)\S{0,12}?(?:(?:전화|연락|문자|카톡)(?:를|을)?(?:했|함|걸었|돌렸|보냈)|편지(?:를)?(?:썼|보냈)|찾아(?:가|갔|뵈|뵀))")
_KO_OWNED = re.compile(r"(?:농담|빈말|장난|남얘기|남일)(?:이|으로|로)?(?:아니|아닌|아님)|(?:묻길래|물어보길래|물으시길래|물어봐서|물어서)|입버릇|입에달|혼잣말|중얼|되뇌|속으로|"
                       # words the writer could not bring themselves to say ("…다는 말은 끝내 못 했다", "먼저 간다
                       # 소리는 차마 몬 했다") and humble speech, which is the writer's ("…간다고 말씀드렸다")
                       r"(?:다는|라는|란|단|다|라)(?:말|소리|얘기)(?:은|는|을|도)?(?:끝내|차마|결국|아직|도저히|못내)?(?:못|안|몬)(?:했|하|꺼냈|보냈|보냄|함|전했)|"
                       r"(?:다|라)고\S{0,2}(?:말씀드렸|말씀드림|말씀드리고|말씀올렸)|(?:다는|라는)말(?:만|밖에)\S{0,4}(?:나온|나와|나옴|한다|함)|"
                       # the writer's own words to someone named as the addressee ("엄마한테 … 미안했다고 말했다"),
                       # not words heard from them ("…다고 들었다") nor said to the writer ("나한테")
                       r"(?<![나저내제])(?:한테|에게)\S{0,30}?(?:다|라)고(?:말했|말함|했다|했어|했음|털어놨|고백했|인사했|전했)")
_EN_OTHERS = re.compile(
    r"\b(?:hospitali[sz]ed|found\s+dead|arrested)\s+after\b|\ba\s+(?:teen|teenager|student|man|woman|boy|girl|kid|celebrity|doctor|soldier)\s+(?:who|that|jumped|died|killed|was\s+found)\b|"
    r"\b(?:suicide|overdose|death)\s+(?:figures|rates?|statistics|numbers|deaths)\b|\bsuicide\s+(?:risk|prevention|awareness|screening|training)\b|\b(?:training|session|workshop|seminar|lecture|course|webinar|guidelines?|in-service)\b[^.!?\n]{0,30}\b(?:suicide|self[- ]harm)\b|\b(?:a|the|new)\s+(?:report|study|survey|headline|statistic)s?\b|\b(?:went|goes|go|gone|is|are)\s+(?:up|down)\s+again\b|\b(?:a|an|some|this|that|the)\s+(?:guy|man|woman|person|stranger|lady|kid|teen|neighbou?r|detective|narrator|officer|soldier|captain|girl|boy)\s+(?:who\s+|had\s+|just\s+)?(?:jumped|died|stood|fell|was\s+found|killed|hanged|overdosed|drowned)\b|\b(?:documentary|newsletter|piece\s+on|report\s+on|article)\b|"
    r"\b(?:screenplay|script|scene|the\s+play|musical|opera|the\s+lead|the\s+cast|hamlet|romeo|juliet|novel|poem|poet|author)\b|\b(?:died|dies)\s+by\s+suicide\b|\btook\s+(?:his|her|their)\s+own\s+life\b|\b(?:read|heard)\s+about\b|\ba\s+(?:teen|teenager|student|man|woman|boy|girl|kid|celebrity)\s+(?:who|that)\b|"
    r"\b(?:he|she|character|protagonist|hero|heroine|villain|the show|the movie|the film|the book|"
    r"the novel|the drama|the series|the episode|the season|detective|narrator|a guy|the song|lyrics|the news|an article|a documentary|a podcast|the game|boss|"
    r"raid|respawn|celebrity|actor|singer|"
    r"my\s+(?:(?:old|best|older|younger|little|big|baby|ex|former|late|dear|childhood|college|school|oldest|eldest|twin|first)\s+)?"
    r"(?:friend|sister|brother|mom|mum|mother|dad|father|cousin|coworker|co-worker|classmate|roommate|flatmate|housemate|neighbou?r|uncle|aunt|"
    r"grandma|grandpa|grandmother|grandfather|nephew|niece|boss|teacher|student|patient|client|colleague|buddy|teammate|bandmate)|"
    # media and posts read or watched ("reading about a kid from the next town", "tiktok keeps saying …")
    r"(?:reading|hearing|watching|seeing)\s+(?:a\s+(?:post|video|story|thread|clip)|about\s+(?:a|an|the|this|that|some)\s+(?:\w+\s+){0,2}"
    r"(?:kid|teen|teenager|student|man|woman|boy|girl|person|guy|celebrity|singer|actor|case|story))|tiktok|youtube|reddit|instagram|the\s+algorithm|"
    r"(?:a|the)\s+(?:post|video|thread|clip|comments))\b|"
    r"^(?:everyone|everybody|they|people|the\s+(?:team|crew|staff|kids|class|guys|whole\s+\w+))\s+(?:\w+\s+){0,2}?(?:said|told|thanked|hugged|gave|came|sang|clapped|cheered|wished|signed)\b")
# A death or harm whose grammar names someone else ("died by suicide", "took her own life"): theirs even
# when the writer is in the sentence ("an actor I loved"), unless a construct of the writer's is left.
_EN_THIRD = re.compile(r"\b(?:died|dies|dying)\s+(?:by|of)\s+(?:suicide|an?\s+overdose)\b|"
                       r"\blost\s+(?:my|a|our|his|her|their)\s+(?:\w+\s+){0,2}?to\s+(?:suicide|an?\s+overdose|self[- ]harm)\b|"
                       r"\bsuicide\s+(?:loss|bereavement)\b|\b(?:loss|survivors?|bereaved)\s+(?:of|after|by)\s+suicide\b|"
                       r"(?<!almost )(?<!nearly )\b(?:died|passed\s+away|passed)\b(?:\s+\w+){0,3},?\s+(?:of\s+)?an?\s+overdose\b|\btook\s+(?:his|her|their)\s+(?:own\s+)?life\b|"
                       r"\bkill(?:s|ed)?\s+(?:him|her|them)sel(?:f|ves)\b|\b(?:his|her|their)\s+(?:suicide|overdose|self[- ]harm)\b|"
    # someone's death and what it is said to have been ("had died, they're saying it was an overdose")
    r"\b(?:died|passed\s+away|found\s+dead)\b[^.!?\n]{0,40}\b(?:saying|said|says|reported|confirmed|was|from|of|after)\s+(?:it\s+was\s+)?(?:an?\s+)?(?:overdose|suicide)\b")
# A question someone asked the writer ("asked if I had thoughts of…"): the answer follows.
_QUESTION = re.compile(r"\basked\s+(?:me\s+)?(?:the|a|that|her|his|their)\s+(?:usual\s+|standard\s+|same\s+|routine\s+)?questions?\s+(?:about|on)\b|\basked\s+(?:me\s+)?(?:straight\s+out\s+|directly\s+|the\s+usual\s+)?(?:if|whether|what|about|had|have|did|do)\b|"
                       r"\b(?:wanted|needed)\s+to\s+know\s+(?:if|whether)\b|\b(?:asks|asking)\s+(?:me\s+)?(?:if|whether)\b|"
                       r"(?:냐고|는지|있는지|있냐고|냐며|는지를)(?:물었|물어|묻|물으|질문|여쭤|여쭈|확인하셨|하셨|하시)")
# A questionnaire's item: the whole sentence is the item.
_QUESTIONNAIRE = re.compile(r"문항|설문|\bquestionnaire\b")
_CLAUSE_END = re.compile(r"[,;]|\b(?:and|but|so)\b")
# The writer as the subject ("my friend said she wants to die" is about the friend).
_EN_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'd|myself)\b")
_EN_ME = re.compile(r"\bme\b")
# Someone else saying what the writer is ("she says I'm …", "he called me …").
_EN_AGREED = re.compile(r"\b(?:she'?s|he'?s|they'?re|they\s+are|she\s+is|he\s+is)\s+(?:right|not\s+wrong)\b|\bi\s+agree\b")
_EN_SAID_OF_ME = re.compile(r"\b(?:says|said|calls|called|jokes|joked|teases|teased|reckons)\s+(?:that\s+)?(?:i'?m|im|i\s+am|i\s+was|me)\b")
_KO_FIRST_PERSON = re.compile(r"(?:^|[^가-힣])(?:나|난|내가|나는|나도|저|저는|제가|저도)(?:[^가-힣]|$)|나도|저도|내가|나는")

# A past that is over, and what says it is not over.
_KO_PAST = re.compile(r"(?:년전|해전|몇해|했었|하던|달전|개월전|그때|그땐|예전엔|옛날엔|옛날일기|예전일기|그시절|예전|옛날|한때|학창시절|고등학교때|중학교때|대학교때|대학때|어렸을때|"
                      r"어릴때|작년|재작년|그당시|당시|과거|군대있을때|시절|었었|았었|였었|했던|었던|았던|(?:중|고)\d때|(?:학생|대학|중딩|고딩|초딩|사춘기|신입|이십대|스무살|10대|20대)때|다던|라던|던(?:때|시절|날|날들|무렵)|흉터|흉이|"
                      r"(?:\d+|열\S?|스무|서른|마흔|쉰|예순)\S{0,2}살(?:때|적|무렵|즈음)|(?:적|쓰|말하|되뇌|생각하|검색하|찾아보|올리)던|"
                      # an age told with 의 ("열일곱의 너는 … 겨울을 보냈지"), a letter to one's past self
                      r"(?:열|스물|서른|마흔|쉰|예순)\S{0,2}의(?:너|나|내)|과거의(?:나|너)|그때의(?:나|너))")
# A construct inside a past relative clause ("사라지고 싶다고만 적던 이 앱을 다시 켰다"): only the clause is
# asked whether it is back ("다시" there is the app's).
_KO_PAST_CLAUSE = re.compile(r"(?:고|고만|다고|라고|다고만)(?:적|쓰|말하|되뇌|생각하|검색하|찾아보|올리|적었|썼|말했|되뇌었|생각했|검색했|찾아봤|올렸)던")
_KO_RESOLVED = re.compile(r"(?:지금은|이제는|이제|요즘은|오늘은|지금)\S{0,12}?(?:괜찮|나아|살고싶|행복|잘지내|잘지낸|잘지냄|잘살|극복|웃|감사|흐려|줄였|거의없|없다|좋아|안보|안나|안난|안났|안든|안들|안생|사라졌|없어졌|필요없|잘다닌|됐|되었)|"
                          # a mind changed since ("생각이 많이 바뀌었다")
                          r"생각이\S{0,4}(?:바뀌었|바뀜|달라졌|달라짐)|"
                          # the writer now someone else ("지금은 내일 아침 뭐 먹을지 고민하는 사람이 됨")
                          r"(?:지금은|이제는|요즘은)\S{0,24}?(?:는|인)사람이(?:됐|되었|됨|된)|"
                          r"(?:그런|그랬던|한|했던)지(?:벌써|이제|어느덧)?\S{0,4}(?:년|달|개월)|"
                          r"극복했|회복(?:했|중|되)|나아졌|이겨냈|치료(?:를)?(?:받고|받아서|덕분|끝)|살아있어서(?:다행|감사|고마|좋)|"
                          r"(?:안|않)(?:가|죽|떠나|하|뛰어내리)?(?:길|기를|은게|은것이|았던게)\S{0,3}(?:참|정말|진짜|천만)?(?:잘했|다행)|"
                          r"(?:단주|금주|단약|회복|치료)\S{0,4}\d+(?:년|개월|달)째|(?:상담사|상담|치료|병원|프로그램)\S{0,6}(?:도움|덕분)|건져(?:줬|주었|냈)|살려(?:줬|주었|냈)|\d+(?:년|개월)\S{0,3}기념|살아남|살(?:아있)?길잘|살아있기를잘|버텨서다행|포기하지않길잘|버텨줘서|살아줘서|약(?:을|도|은)?(?:반으로|절반으로|조금씩|많이|거의)?(?:줄였|줄이고있|끊었)|"
                          r"잘살아있|(?:우울증|병)(?:이|의)?하는말이었|생각이(?:바뀌|바뀜|바뀌었|달라졌)|(?:얼마나|완전히)?틀린생각이었|착각이었|틀렸다는걸|얼마나틀렸|(?:생각|충동)(?:이)?(?:안든지|안난지)|안한지|끊은지|(?:유서|약|칼)\S{0,8}(?:찢었|버렸|태웠|없앴)|(?:그약|약)(?:은|을)?(?:그날|다|전부)?(?:다)?버렸|털어놨")
_KO_BACK = re.compile(r"(?:또|다시|요즘|최근|이번주|아직도|여전히|요새|다시금|밤마다|지금도)")
_EN_PAST = re.compile(r"\b\w+\s+(?:years?|months?)\s+since\b|\bthe\s+(?:winter|summer|spring|autumn|fall|year|month|night|week)\s+(?:when\s+)?i\b|\bthe\s+first\s+(?:year|months?|weeks?|winter)\s+after\b|\blast\s+(?:spring|summer|autumn|fall|winter|year|month)\b|\bold\s+(?:journal|diary|diaries|notebook)\b|\b(?:those|old)\s+(?:pages|entries|posts|journals?|diaries)\b|\bpage\s+after\s+page\b|\bfrom\s+(?:sophomore|freshman|junior|senior|high\s+school|college)\b|\b(?:tried|attempted|wanted|was|were|had)\b[^.!?\n]{0,40}\b(?:ago|back then|that night|that year)\b|\b(?:years?\s+ago|months\s+ago|back\s+then|back\s+in|back\s+when|scars?|at\s+the\s+time|in\s+(?:high\s+)?school|in\s+college|"
                      r"when\s+i\s+was\s+(?:younger|a\s+teen|a\s+kid|\d+|in|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)|used\s+to|last\s+year|that\s+(?:year|winter|summer|time)|"
                      # an age told in the past ("at sixteen", "at age 15", "as a teenager")
                      r"at\s+(?:age\s+\d{1,2}|\d{1,2}\s+years?\s+old|(?:eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)(?!\s+(?:to|past|after|minutes|o'?clock)))|"
                      r"as\s+a\s+(?:teen|teenager|kid|child)|in\s+(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\s+grade|in\s+my\s+(?:teens|early\s+twenties)|"
                      r"(?:the\s+)?old\s+me|in\s+\d{4})\b")
_EN_RESOLVED = re.compile(r"\bi\s+(?:don'?t|no\s+longer)\s+(?:think|believe|see\s+it)\s+(?:that\s+|like\s+that\s+)?(?:way\s+)?anymore\b|\bchanged\s+my\s+mind\b|\b(?:i'?m|she'?s|he'?s)\s+(?:okay|ok|fine|doing\s+(?:well|okay))\b|\blife\s+is\b[^.!?\n]{0,40}\bgood\b|\blike\s+my\s+life\s+now\b|\bit\s+got\s+better\b|\b(?:turning|turned)\s+point\b|\blove\s+my\s+life\b|\b\w+\s+(?:years?|months?)\s+(?:without|clean|free|since|sober)\b|\bbarely\s+recogni[sz]e\b|\breasons\s+now\b|\bnight\s+and\s+day\b|\btherapy\s+and\s+time\b|\balmost\s+missed\b|\b(?:i'?m|i\s+am|im|doing|feel|feeling)\s+(?:so\s+much\s+|much\s+|a\s+lot\s+)?(?:okay|ok|better|fine|good|alright|grateful|glad|happy|safe)\b|"
                          r"\bglad\s+i'?m\s+(?:still\s+)?(?:here|alive)\b|"
                          # the old belief seen as wrong; the writer's age now, after one told in the past
                          r"\bhow\s+wrong\s+(?:that|i|it|they)\s+(?:was|were|turned\s+out)|\bturned\s+out\s+(?:to\s+be\s+)?(?:so\s+|completely\s+|dead\s+)?wrong\b|\bi\s+was\s+(?:so\s+|completely\s+|dead\s+)?wrong\s+(?:about|then)\b|"
                          r"\bi'?m\s+(?:\d{2}|twenty|thirty|forty|fifty|sixty)[\w-]*\s+now\b|\brecover(?:y|ed|ing)\b|\bsurviv(?:ed|or)\b|\bclean\s+for\b|"
                          r"\bglad\s+i\s+(?:stayed|held\s+on|didn'?t)\b|\b(?:therapy|meds|treatment)\s+(?:helped|worked|saved)\b|\bstill\s+here\b|\bhealed\b|\btoday\s+i\s+(?:ran|finished|passed|graduated|completed|celebrated)\b|\bfeeling\s+(?:way\s+|much\s+|a\s+lot\s+)?more\s+(?:solid|stable|like\s+myself|grounded)\b|\bnothing\s+like\s+(?:that|it\s+was|before|back\s+then)\b|\b(?:a\s+)?long\s+way\b")
_EN_BACK = re.compile(r"\b(?:again|lately|these\s+days|recently|this\s+week|still|anymore|right\s+now)\b")

# A past told against the present in one sentence ("그땐 끝낼 방법만 생각했는데 요즘은 …", "I used to …,
# now I …"): the construct is in the past half when the half after the turn has none.
_KO_NOW_TURN = re.compile(r"(?:었|았|였|했|던)(?:는데|지만|고)(?:지금|요즘|요새|이제|오늘|현재)(?:은|는|엔)?")
_EN_NOW_TURN = re.compile(r"[,;]?\s*(?:but\s+|and\s+)?(?:now|today|these\s+days|nowadays)\b(?:\s+i\b)?")
# Medicines gathered to be thrown away (폐의약품 수거함, a take-back bin), not to be taken.
_DISPOSED = re.compile(r"폐의약품|수거함|\b(?:take[- ]?back|disposal|drop[- ]?off)\s+(?:bin|box|program|day|point)\b")
# Settling affairs for an ordinary reason named in the same sentence (a wedding, a move abroad, a new
# lease): the plan and farewell constructs read logistics that everyday life has too. Not when the
# sentence also names death or a means.
_ORDINARY_REASON = re.compile(r"진작\s?(?:했어야|할걸|해둘걸|바꿨어야|바꿀걸)|\bshould\s*(?:'ve|have)\s+done\s+(?:it|this|that)\s+(?:years|ages|months|long)\b|돌아오면|돌아와서|다녀와서|다녀오면|(?:돌아|다녀)올(?:게|께|거)|(?:뒤|후)에\s?(?:올게|올께|봐)|결혼|혼인|신혼|이사|입사|전근|발령|유학|교환학생|어학연수|워홀|워킹홀리데이|입대|훈련소|이민|해외|송별|퇴임|퇴직|은퇴|졸업|전역|마지막(?:출근|근무)|"
                              r"(?:시험|수능|자격증|고시)\s?공부|(?:게임|롤|메이플|배그|길드|캐릭)\S{0,3}\s?(?:접|끊|그만)|"
                              r"\b(?:bar\s+exam|exams?|finals|guild|my\s+main|last\s+day\s+(?:at|after|of)|after\s+\d+\s+years\s+at|going[- ]away|"
                              r"mov(?:e|es)\s+to|fly(?:ing)?\s+(?:out\s+)?to)\b|"
                              r"\b(?:wedding|married|moving|abroad|graduat\w*|cohort|farewell\s+party|leaving\s+(?:do|party)|relocat\w*|new\s+(?:job|lease|flat|apartment|house)|transfer(?:red)?|emigrat\w*|retir\w*|"
                              r"when\s+i\s+(?:get|come)\s+back|once\s+i'?m\s+back|exchange\s+(?:semester|year|student)|study\s+abroad|deploy\w*|basic\s+training|boot\s+camp|ships?\s+out|enlist\w*)\b")
_DEATH_OR_MEANS = re.compile(r"죽|자살|유서|번개탄|밧줄|수면제|\b(?:die|dying|dead|death|kill\w*|suicid\w*|note|rope|pills)\b|"
                             # water or a height gone to not to come back: a means, whatever the date ("after the wedding")
                             r"(?:한강|강물|바다|다리|대교|옥상)\S{0,12}(?:안|다시는|영영|못)\s?돌아|\b(?:river|sea|ocean|bridge|cliffs?|tracks|lake)\b[^.!?\n]{0,40}\b(?:not|never)\s+(?:come|coming)\s+back\b")
# A reason in the next or previous sentence counts only when it is said, not denied or asked about
# ("He asked if we were moving … We're not moving").
_REASON_DENIED = re.compile(r"안\s?(?:가|해|함|한다)|않|아니|아님|냐고|\b(?:not|n't|never|no)\b|\basked\s+if\b|\?|"
                            # a cover story to be told ("이사 갔다고 해 주세요", "tell them I moved")
                            r"(?:다|라)고\s?(?:해|말해|전해)\s?(?:주세요|줘|줄래|달라)|\btell\s+(?:them|everyone|people|him|her|the\s+\w+)\b")
# A sentence of reported words alone ("요즘 죽고 싶다고, 다 그만하고 싶다고."), right after a message came
# in ("수진이한테 연락 옴"): the sender's words.
_ELIDED_REPORT = re.compile(r"(?:다|라|냐)고[.!…,\s]*$")
_MESSAGE_CAME = re.compile(r"(?:연락|카톡|문자|전화|메시지|메세지|디엠|dm)\S{0,3}\s?(?:옴|왔|와서|받았|받음|오더니)")
# A diary sentence with its subject dropped ("Texted Tyler thanks for everything …"): the writer's act.
_EN_DROPPED_SUBJECT = re.compile(r"^(?:[a-z]+ed|sent|told|wrote|gave|said|took|made|left|went|got|rang|bought|sold|paid|met|kept|spent|drove|had)\b")
# The writer telling someone (subject dropped): what follows is the writer's words, whoever they name.
_EN_TOLD = re.compile(r"\b(?:and|then)\s+told\s+\w+\b")
_EN_CLAUSE_BREAK = re.compile(r",|;|\b(?:and|but|so|then)\b")
_EN_OTHER_SUBJECT = re.compile(r"\b(?:he|she|they|who)\b|(?<!\bthat\s)(?<!\bwhich\s)\b(?:said|says|told|tells|asked|asks|sang|sings)\b")
_DEATH_WORD = re.compile(r"죽|자살|자해|ㅈㅎ|ㅈㅅ|die|dying|dead|death|suicid|kill|harm")
# Imagining is the writer's own mind, even when the word for a scene is there (장면을 상상).
_IMAGINING = re.compile(r"상상|떠올리게|그려보")

# Laughter marks are not joke markers (reveal() drops them: people laugh off real distress).
_JOKE = re.compile(r"농담|장난|드립|개그|밈|(?<![a-z])(?:jk|j/k|just\s+kidding|joking|kidding|as\s+a\s+joke|meme)(?![a-z])")
_LAUGHED_OFF_PAST = re.compile(r"죽고싶었|죽는줄|죽을뻔|사라지고싶었|없어지고싶었|\bwanted\s+to\s+(?:die|disappear|vanish|evaporate)\b|"
                               r"\bwanted\b[^.!?\n]{0,40}\b(?:disappear|vanish)\b|\b(?:almost|nearly)\s+died\b|\bi\s+died\b")
# A message the writer sent, answered with laughter ("유서 쓰는 중이라고 올렸더니 다들 ㅋㅋ"): the past
# laughed off, as a quotation.
_SELF_QUOTE_LAUGHED = re.compile(rf"(?:다|라|자)고\S{{0,8}}?(?:올렸|보냈|썼|했|남겼|말했|쳤)더니\S{{0,12}}?(?:{LAUGH}|웃|빵터|농담|드립)")
_MEANT = re.compile(r"진심|사실은|사실|농담(?:이|으로)?\s?(?:아니|아님|아냐|아닌)|장난(?:이|으로)?\s?(?:아니|아님|아냐|아닌)|\bnot\s+(?:really\s+)?(?:a\s+)?jok|\bi\s+mean\s+it\b|\bhalf[- ]joking\b|\bonly\s+half\b|\bactually\b")


# Quoted words are someone else's ('그동안 감사했습니다' on a shop's shutter), not the writer's.
# A single quote counts only when it is not an apostrophe (i'm, don't): no letter outside it.
QUOTED = re.compile(r"(?<![a-z])'(?=\S)(?:[^'\n]|(?<=[a-z])'(?=[a-z])){1,40}(?<=\S)'(?![a-z])|\"[^\"\n]{1,40}\"|‘[^’\n]{1,40}’|“[^”\n]{1,40}”")


def drop_idioms(sentence: str) -> str:
    """The sentence with idiomatic death words and short quotations blanked.

    Korean idioms are found on the sentence without spaces (as the constructs read it), so a
    sentence that had one comes back in that spaceless form, with the idiom replaced by a space.
    """
    without_english = _EN_IDIOMS.sub(" ", QUOTED.sub(" ", sentence))
    compact = re.sub(r"\s+", "", without_english)
    if not _KO_IDIOMS.search(compact):
        return without_english
    return _KO_IDIOMS.sub(" ", compact)


def resolved_elsewhere(text: str) -> bool:
    """The entry says the writer is past it now (checked on the whole entry)."""
    compact = re.sub(r"\s+", "", text)
    return bool(_KO_RESOLVED.search(compact) or _EN_RESOLVED.search(text))


def denies_risk(sentence: str) -> bool:
    """The sentence denies a death or harm reading ("not in a wanting-to-die way", "자해 같은 건 안
    한다"), with no construct of its own: the writer has addressed it."""
    compact = sentence.replace(" ", "")
    if not _DEATH_WORD.search(compact):  # most sentences: no death or harm word to deny
        return False
    for pattern, text in ((_KO_NEGATED, compact), (_EN_NEGATED, sentence)):
        negated = pattern.search(text)
        if negated and _DEATH_WORD.search(negated.group(0)) and not _turned_back(text, negated.end()):
            return True
    return False


def hit_is_discounted(sentence: str, *, resolved: Callable[[], bool], neighbours: Sequence[str] = ()) -> str | None:
    """Why a construct in this (revealed, idiom-free) sentence does not speak for the writer now,
    or None when it does. `resolved()`: whether the entry says the writer is past it now (asked
    only of a sentence told in the past). `neighbours`: the sentences before and after it, where
    an ordinary reason or the message being reported may stand."""
    compact = re.sub(r"\s+", "", sentence)
    # A negation counts unless a "but" after it turns the sentence back.
    negated = _KO_NEGATED.search(compact)
    if negated and not _turned_back(compact, negated.end()):
        return "negated"
    negated = _EN_NEGATED.search(sentence)
    if negated and not _turned_back(sentence, negated.end()):
        return "negated"
    if _QUESTIONNAIRE.search(compact) or _asked(sentence, compact):
        return "question"
    # A bare topic echoed as a question ("자해?"): the next sentence answers it.
    if compact.endswith("?") and len(compact) <= 6:
        return "question"
    if ((_ORDINARY_REASON.search(sentence) or any(_ORDINARY_REASON.search(n) and not _REASON_DENIED.search(n)
                                                  and not _DEATH_OR_MEANS.search(n) for n in neighbours))
            and not _DEATH_OR_MEANS.search(sentence)
            and all(c.category in ("plan", "farewell") for c in find_constructs(sentence))):
        return "ordinary"
    if _DISPOSED.search(compact) or _DISPOSED.search(sentence):
        return "disposed"
    others_ko = bool(((_KO_OTHERS.search(compact) or _person_before(compact)
                       or _reported(compact) and not (neighbours and _CALLED_BY_ME.search(re.sub(r"\s+", "", neighbours[0]))))
                      and not _KO_FIRST_PERSON.search(sentence)
                      and not _IMAGINING.search(compact)) or (_KO_MEDIA.search(compact) and _KO_SPEECH.search(compact))
                     or (_ELIDED_REPORT.search(compact) and neighbours and _MESSAGE_CAME.search(neighbours[0])
                         and not _KO_FIRST_PERSON.search(sentence)))
    others_en = (_EN_OTHERS.search(sentence) and not _EN_FIRST_PERSON.search(sentence) and not _me_in_construct(sentence)
                 and not _dropped_subject_first(sentence)
                 or _EN_THIRD.search(sentence) and not find_constructs(_EN_THIRD.sub(" ", sentence))
                 or _said_of_me(sentence))
    if others_ko or others_en:
        return "others"
    past = _KO_PAST.search(compact) or _EN_PAST.search(sentence)
    clause = _KO_PAST_CLAUSE.search(compact)
    if clause and find_constructs(compact[:clause.end()]) and not find_constructs(compact[clause.end():]):
        back = _KO_BACK.search(compact[:clause.end()])
    else:
        back = _KO_BACK.search(compact) or _EN_BACK.search(sentence)
    if past and not back and resolved():
        return "past"
    if past and _past_against_now(sentence, compact):
        return "past"
    if _JOKE.search(sentence) and not _MEANT.search(sentence):
        return "joke"
    if LAUGH in sentence and (_LAUGHED_OFF_PAST.search(compact) or _LAUGHED_OFF_PAST.search(sentence)):
        return "joke"
    if _SELF_QUOTE_LAUGHED.search(compact) and not _MEANT.search(sentence):
        return "joke"
    return None


def _asked(sentence: str, compact: str) -> bool:
    """A question someone asked, with no construct of the writer's outside it: the question's clause (after
    "asked if", up to the next comma or "and"; before "…냐고 물었다") is set aside and the rest read."""
    for m in _QUESTION.finditer(sentence):
        rest = sentence[m.end():]
        clause_end = _CLAUSE_END.search(rest)
        if not find_constructs(sentence[:m.start()] + " " + (rest[clause_end.end():] if clause_end else "")):
            return True
    return any(not find_constructs(compact[m.end():]) for m in _QUESTION.finditer(compact))


def _dropped_subject_first(sentence: str) -> bool:
    """A farewell in a subject-dropped diary sentence ("Texted Tyler thanks for everything …", "Returned
    my sister's books and thanked her for everything"): the writer's, unless someone else speaks or acts
    as a subject before it, or is named after it in the same clause."""
    first = _EN_DROPPED_SUBJECT.search(sentence)
    starts = [m.start() for c in find_constructs(sentence)
              if c.language == "en" and c.category == "farewell" and (m := c.pattern.search(sentence))]
    if not first or not starts:
        return False
    start = min(starts)
    told = _EN_TOLD.search(sentence, first.end(), start)
    if _EN_OTHER_SUBJECT.search(sentence, first.end(), told.start() if told else start):
        return False
    other = _EN_OTHERS.search(sentence, start)
    return not other or bool(_EN_CLAUSE_BREAK.search(sentence, start, other.start()))


def _said_of_me(sentence: str) -> bool:
    """Someone else's word for the writer ("My sister says I'm a burden on every camping trip"): theirs, when
    every construct is of the concern kind and comes after it (a wish or a plan is read as the writer's)."""
    said = _EN_SAID_OF_ME.search(sentence)
    if not said or _EN_AGREED.search(sentence):
        return False
    hits = [(c, m) for c in find_constructs(sentence) if c.language == "en" and (m := c.pattern.search(sentence))]
    return bool(hits) and all(c.risk is RiskLevel.CONCERN and m.start() >= said.start() for c, m in hits)


def _person_before(compact: str) -> bool:
    """Someone else named before the writer's construct, in the same clause."""
    hits = [m for construct in find_constructs(compact) if construct.language == "ko" and (m := construct.pattern.search(compact))]
    start = min((m.start() for m in hits), default=len(compact))
    return any(not _KO_CLAUSE_BREAK.search(compact, person.end(), start)
               for person in _KO_PERSON.finditer(compact, 0, start))


def _reported(compact: str) -> bool:
    """Words reported from someone else, with no construct of the writer's after the report."""
    if _KO_OWNED.search(compact):
        return False
    return any(not find_constructs(compact[m.end():]) for m in _KO_REPORTED.finditer(compact))


def _me_in_construct(sentence: str) -> bool:
    """The writer is the object of an English construct ("better off without me", "if a car hit me")."""
    for construct in find_constructs(sentence):
        if construct.language == "en":
            match = construct.pattern.search(sentence)
            if match and _EN_ME.search(match.group(0)):
                return True
    return False


def _past_against_now(sentence: str, compact: str) -> bool:
    turn = _KO_NOW_TURN.search(compact)
    if turn and not find_constructs(compact[turn.end():]) and find_constructs(compact[:turn.end()]):
        return True
    turn = _EN_NOW_TURN.search(sentence)
    return bool(turn and turn.start() > 0 and not find_constructs(sentence[turn.end():])
                and find_constructs(sentence[:turn.start()]))


def _turned_back(text: str, negation_end: int) -> bool:
    turn = _TURN.search(text, negation_end)
    return bool(turn and find_constructs(text[turn.end():]))
