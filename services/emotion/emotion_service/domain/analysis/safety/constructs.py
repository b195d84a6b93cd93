"""First-person statements of the screened constructs, as grammar rather than stock phrases.

Each construct is a small grammar: a subject (dropped in Korean diaries), a predicate of death,
harm or absence, and what makes it a wish, a thought, an act or a plan (a modal such as 고싶다 /
었으면 좋겠다 / want to / wish, a tense, an object such as myself). Korean is matched on the
sentence with its spaces removed, so "죽고 싶다", "죽고싶다" and "죽 고 싶 다" read alike;
English on the sentence as written, after `disguise.reveal`.

Context (idioms, negation, other people, the past, games, jokes) is not handled here but in
`context`, which decides whether a hit in a sentence counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from emotion_service.domain.analysis.safety.result import CATEGORIES, RiskLevel

__all__ = ["Construct", "EN_CONSTRUCTS", "KO_CONSTRUCTS", "find_constructs", "told_across_sentences"]


@dataclass(frozen=True)
class Construct:
    language: str
    category: str
    pattern: re.Pattern[str]

    @property
    def risk(self) -> RiskLevel:
        return CATEGORIES[self.category]

    @property
    def code(self) -> str:
        return f"{self.language}.{self.category}"


# --- Korean building blocks (no spaces) -------------------------------------------------------
_DIE = r"(?:죽|뒤지|뒤져|뒈지|뒈져|디지|디져)"
_WANT = r"(?:싶|십|시프|파(?![티일]))"                    # 죽고싶다, 죽고십다, 죽고파
# "...었으면 좋겠다": a wish; a bare "죽으면" (if I die) is a supposition, not one.
_WISH = r"(?:으면좋겠|으면좋을|으면해|으면싶|음좋겠|기를바|길바)"
_SELF = r"(?:나|내|난|내가|저|제가|나는|저는|나도|나같은\S{0,4})"

_KO: dict[str, list[str]] = {
    "active_wish": [
        rf"{_DIE}(?:고|구)(?:만|도|싶|정말|진짜|너무|그냥)?{_WANT}",
        rf"{_DIE}어?(?:버리고|버릴까|버릴래|버려야)",
        r"(?:죽|뒤져|뒈져|디져)(?:어|여)?(?:버렸|버리|졌)?(?:었)?" + _WISH + r"|(?:죽어|뒤져|뒈져)버렸으면",
        r"죽었으면|죽었음(?:좋겠|좋을|해|함|싶)",
        rf"{_DIE}(?:어야겠|어야하나|어야할까|기로했|기로마음|으려고|을래요?$|을까(?!봐|바|\S?싶어서|\S?두려|\S?무서|말까하는걱정))",
        r"(?:자살|ㅈㅅ)(?:하고|할까|하려|할거|할래|해야|하고말|해버리|하기로|하면|하는게나|각|마렵|하러|할생각|하고도)",
        r"(?:살기|사는거|사는게|살아가는게|살아있는게)(?:가|도|조차|너무)?(?:싫|힘들어서못|지긋지긋|지겹)",
        r"살고싶(?:지가?|은생각이|은마음이|은맘이)(?:않|없)|살고싶지않|살고싶은생각이없",
        r"(?:더는|더이상|이제)?(?:못살겠|살기싫|살이유)|그만살(?:고싶|래|까|자|아야|고파|아도)",
        r"(?:여기서|이쯤에서|이제|오늘로)(?:그만)?끝내는(?:게|것이|거)(?:맞|낫|나을)|여기까지인것같",
        r"살아(?:갈|야할|있을|야하는|있어야할|있는)?이유(?:가|를|도)?(?:없|모르|못찾|하나도)",
        r"살(?:아야할|이유|아서뭐|아서무엇|아봤자)(?:가없|를모르|해|하|할|뭐)|왜살아(?:야|있)|살아(?:서|가|봐야)뭐",
        r"(?:고통|이고통|이모든것)(?:을|를)?끝낼방법|숨쉬는것(?:까지|도)(?:내려|그만|멈추|전부)|(?:나|저)?여기서끝내(?:요|다|려|야지)",
        r"(?:목숨|삶|생|인생|숨)(?:을|를)?(?:내손으로|스스로)?(?:끊|끝내고|끝낼|끝내버|마감하|놓고싶|놓아버리고|닫아|닫고|닫을)",
        r"끝을내(?:고싶|버리고싶|고파)|(?:나|나하나|내인생)(?:를)?끝내(?:버리|버릴|는것)|이번생(?:은)?(?:리셋|끝|여기까지)|(?:나를|날)\S{0,10}지우고싶",
        r"(?:삶|인생|내인생|나|모든걸|모든것|모든게|이모든걸|(?<![을를이가])다)(?:을|를|도|이|가)?(?:그만)?(?:끝내고싶|끝내버리고싶|끝내야겠|끝낼까|끝났으면좋겠|끝나버렸으면|끝냈으면)",
        r"세상(?:을|에서)?(?:떠나고싶|떠날까|하직)|이세상에(?:서)?(?:없고싶|있고싶지않)",
        r"극단적(?:인)?선택(?:을)?(?:하고|할까|하려|할래|하게될|할것같|해버)",
        # a life stopped by one's own hand, in any verb of stopping ("삶을 그만두고 싶다", "인생 접고 싶다")
        # (접다 only of 인생: "서울에서의 삶을 접고" is a move)
        (r"(?:삶|인생|목숨|이생)(?:을|를|도|은)?(?:이제|그냥|다|그만|여기서)?(?:내손으로|제손으로|스스로)?"
         r"(?:(?:그만두|그만하|멈추|끝내|마치)(?:고싶|고파|고만싶|려고|려한|기로|어버리고|어버릴|고말|야겠|야할까)|(?:그만둘|그만할|멈출|끝낼|마칠)(?:까|래|거야|생각))|"
         r"인생(?:을|도)?(?:이제|그냥|다|그만|여기서)?(?:접고싶|접고파|접어버리고|접을까|접어야겠)"),
        r"(?:사는|살아가는|살아있는|숨쉬는|존재하는)(?:걸|것을|것도|거|일)(?:이제|그냥|다)?(?:그만두|그만하|멈추|끝내)(?:고싶|고파|려|기로|어버리|고말|야겠)",
        # removing oneself ("내가 나를 치워 버리고 싶다", "나를 세상에서 지워 버리고 싶다")
        r"(?:나를|날|나자신을|내자신을|저를|제자신을)(?:그냥|좀|확|이세상에서|세상에서|영영)?(?:치워|지워|없애|치우|지우)(?:버리고싶|버리고파|버릴까|버려야|버리고말|고싶|고파|야겠)",
        # going for good, 가다 as dying in older and dialect speech ("고마 확 가삐고 싶다" = 그만 가버리고 싶다)
        r"(?:고마|그만)(?:확|마|그냥|콱)?가버리고(?:싶|파)",
        # leaving life for good in game and app words ("나 하나 영구 접속 종료하면", "인생 로그아웃", "다시는 로그인 안 하게")
        r"영구\S{0,2}(?:접속종료|접종|로그아웃|퇴장)|인생(?:에서|을|도|에도|은)?(?:로그아웃|닷지|강제종료|강종|접속종료)|다시는로그인(?:안|못)하",
    ],
    "passive_wish": [
        r"눈(?:을|이)?(?:안|못)?(?:뜨|떠)(?:지)?(?:않|말|안|못)?(?:았으면|았음|기를|길|지않았으면|지말았으면|고싶지않)",
        # not waking told as acceptable ("자다가 그대로 안 깨어나도 괜찮을 것 같다", "눈 안 떠져도 상관없다")
        # (not 일어나다 or a bare 깨다: "내일은 일찍 안 일어나도 된다", "아기가 밤에 안 깨도 괜찮다")
        r"(?:(?:안|못)깨어나|깨어나지않아|눈(?:을|이)?(?:안|못)떠져)도(?:괜찮|상관없|나쁘지않|좋을|좋겠)",
        r"(?:다시는|영영|영원히)?(?:안|못)(?:떴|떠졌|떠지|깨|깼|깨어났|일어나|일어났|깨어나)(?:으면|음|면좋|면좋겠)|(?:깨어?나|깨)(?:지)?(?:않|말|못)(?:았으면|았음|기를|길|으면)",
        r"(?:영원히|계속)(?:잠들고|자고싶|잤으면|눈감|잠들었으면|잠만자고싶)",
        r"(?:자다가|잠든채로|자는동안)(?:그냥|조용히)?(?:죽|숨이멎|안깨|떠나|가고싶|갔으면)",
        r"(?:엄마|아빠|할머니|할아버지|영감|남편|아내|그사람)(?:곁|옆)(?:으로|에)?(?:가고싶|가고파|가야겠|가있고싶|갔으면)|(?:나도|날|나를)(?:고마|그만|얼른|빨리)?(?:데려가|데리가|델꼬가|데리고가)",
        r"꺼져(?:버렸으면|버리고싶|버렸음)|(?:스르르|조용히)(?:꺼지|사라지)|(?:떠내려갔으면|떠내려가버리고싶|떠내려가고싶|떠내려가버렸으면)|(?:내가|나)?먼저눈(?:을)?감|증발해(?:서|버리)\S{0,10}(?:안돌아|영영)|영영안돌아(?:왔으면|오고싶)",
        r"(?:조용히|영원히|그대로|이대로)눈(?:을)?감|(?:세상에서|이세상에서)?지워져도(?:괜찮|좋|상관)|지워지고싶|(?:약|치료)(?:이|가)?안들었으면",
        r"(?:아침|내일|다음날)(?:이|은|도)?(?:그냥|제발)?(?:안|오지않|안오|오지말|영영안)(?:았으면|왔으면|으면|면좋겠|기를|길|았음|았으)",
        r"(?:사고|교통사고|사고라도)(?:라도|나|가)?(?:나서|났으면|당했으면|나버렸으면|났음|나면좋)",
        r"(?:차|트럭|버스|지하철)(?:에|에라도)?(?:치여|치이|받혀)(?:서|면|었으면|였으면|버렸으면|버리면|고싶)",
        # something falling on or hitting the writer alone, wished ("운석 하나 떨어져서 나만 딱 맞았으면")
        r"(?:운석|벼락|유성|총알|돌)\S{0,10}(?:나만|나를|날|내가|내머리)\S{0,3}(?:맞았으면|맞혔으면|맞았음|맞으면좋|맞아버렸으면|떨어졌으면)",
        # the plane or car the writer is in, wished to go down ("차라리 이대로 떨어졌으면 했다")
        r"(?:비행기|배|차|엘리베이터)(?:가|이)?\S{0,10}(?:차라리|그냥)(?:이대로|그대로)?(?:떨어졌으면|추락했으면|가라앉았으면|뒤집혔으면|떨어져버렸으면|추락해버렸으면)",
        r"(?:차|트럭|버스|지하철)(?:가|이)?(?:그냥|확)?(?:나를|날)?(?:치고|쳐|덮쳐|박아|받아)\S{0,6}?(?:으면|면좋|줬으면|버렸으면|갔으면|가면|가도괜찮|가도좋|가도상관)",
        r"(?:병|암|큰병)(?:에|이라도|에라도)?걸려서?(?:죽|빨리|그냥)|(?:하늘|신)(?:이|님이)?(?:데려가|거둬)",
        # a prayer to be taken ("이번 생은 이만 거두어 주십사", "주님 저를 데려가 주세요")
        r"(?:이번생|이생|저를|나를|제목숨|내목숨|이목숨|이몸)\S{0,6}(?:거두어|거둬|데려가|불러)(?:주십사|주세요|주시|주십시오|주십시요|주옵소서|주소서|달라|줬으면|주었으면|가세요|가소서)",
        # not to wake, asked or listed ("아침에 눈 뜨지 않게 해 주십시오", "4. 자고 일어나지 않기")
        r"눈(?:을)?뜨지(?:않|말)(?:게|기|도록)|자고(?:나서)?(?:다시)?일어나지(?:않|말)(?:기|게|았으면|길)",
        # going to the dead spouse or parent as all one asks ("영감 곁으로 가면 원이 없겠소")
        r"(?:곁|옆)(?:으로|에)?(?:가면|갔으면|간다면)\S{0,4}(?:원이없|소원이없|여한이없|바랄게없|좋겠)",
        # erased from the world, if only it could be ("이 세상에서 지워질 수만 있다면")
        r"(?:지워질|사라질|없어질)수(?:만)?있다면",
        r"태어나(?:질|지)(?:말았어야|말았으면|않았으면|않았더라면|말걸|말았더라면)|안태어났(?:으면|더라면|어야)|태어난게(?:죄|후회|잘못|실수)",
        r"눈(?:을)?뜬(?:게|것이|것도|게너무)(?:싫|원망|괴로|지옥)|(?:그냥|영원히|이제그만)편해지고싶|몸에서빠져나가고싶|"
        r"며칠말고영원히|영원히(?:쉬|잠들|자고|눈감)|(?:내가|나는|나)?(?:애초에|처음부터)?(?:이세상에|세상에)?(?:없었으면|없었더라면)(?:좋았|좋겠|나았|했)",
        r"(?:사라지|없어지|소멸하|증발하|사라져버리)(?:고|구)(?:만|정말|진짜|그냥)?" + _WANT,
        r"(?:사라져|없어져|소멸해)(?:버리|버렸|버렸으면|서)?(?:었)?" + _WISH,
        r"(?:나|내|내가|나는)(?:그냥|차라리)?(?:사라|없어|소멸|증발)(?:졌|지)(?:으면|면|음)",
        r"존재(?:하지)?(?:않았으면|하고싶지않|하지않고싶|자체를지우고|를지우고싶)|(?:없던|없었던)사람이(?:되고|었으면)",
        r"(?:다음|이번)생(?:은|에는)?없|그만존재",
        # vanishing or dying as a favour to someone ("사라져 드리고 싶다", "죽어 주고 싶다")
        r"(?:사라져|없어져|죽어|꺼져)(?:드리|줘|주)(?:고싶|고파|야겠|야하나|버리고싶|려고)",
        # this season or year wished to be one's last ("올겨울이 내 마지막 겨울이었으면")
        r"(?:내|나의|제|내인생)마지막(?:겨울|봄|여름|가을|생일|명절|추석|설|크리스마스)(?:이었으면|였으면|이기를|이길|이면좋|였음|이었음)",
    ],
    "suicidal_thoughts": [
        r"(?:자살|ㅈㅅ)(?:생각|충동|사고|시도|을생각|에대해|이라는(?:생각|단어|두글자|말)|방법|계획|을떠올|하는상상)",
        # a search for it, whatever the particle ("자살이라고 검색했다가 지움")
        r"(?:자살|ㅈㅅ|죽는법|죽는방법)(?:이라고|라고|을|를|이란|에대해)?(?:검색|찾아보|찾아봤|쳐봤|쳐보)",
        # a voice or a thought that keeps telling the writer to end it ("끝내자는 소리가 들림")
        r"(?:끝내자|죽자|죽어라|죽으라|뛰어내려라|사라져라|없어져라)(?:는|라는|고하는)?(?:소리|목소리|말|생각)(?:가|이|만)?\S{0,10}(?:들|맴|계속|자꾸|크게|떠나지)",
        r"극단적(?:인)?(?:선택|생각)",
        r"죽는(?:상상|생각|방법|꿈을자꾸|게나을|게낫|편이나|것도나쁘지)",
        r"(?:죽을|죽어버릴|사라질)(?:생각|궁리|방법|용기)",
        r"죽음(?:을|에대해|에대한|이|만)?(?:생각|상상|떠올|유혹|끌리|가까이|그리)",
        r"(?:내가|나|제가)(?:죽으면|사라지면|없어지면)(?:어떨|누가|다들|슬퍼|장례|울어|편할|몇명)",
        r"(?:내|나의|제)장례식",
        r"나쁜(?:생각|마음|선택)(?:이|을|만)?(?:또|자꾸|계속|먹|들|든|했|하게|떠오|머리)",
        r"(?:퇴사|이직|자퇴|이혼|도망|휴학|잠수|그만두는것|관두는것)보다\S{0,6}(?:확실한|빠른|깔끔한|쉬운|확실히끝나는)(?:방법|길)|"
        r"어떻게(?:하면)?\S{0,16}(?:없어질|사라질|죽을|끝낼|세상을떠날)수있을(?:까|지)|세상을떠날수있을(?:까|지)|(?:떨어지면|뛰어내리면|뛰어들면)\S{0,6}(?:어떻게될까|죽을까|어떨까|끝날까)|"
        # a high window tried ("20층 창가에서 창문이 열리는지 밀어보는 나")
        r"(?:\d+층|고층|옥상|꼭대기)\S{0,14}창문(?:이|을)?\S{0,6}(?:열리는지|열리나|열어보|밀어보)|"
        r"같이떠나면|함께떠나면|(?:베란다|창문|옥상|난간)\S{0,6}내려다보|(?:다|모든걸|나를)?끝낼수있을지|끝낼(?:궁리|방법)",
        r"내손으로(?:끝|마무리|목숨)|스스로(?:를)?끝내|나(?:를)?없애(?:는|고싶|버리|버릴)|나쁜(?:생각|마음)(?:이|을|만)?\S{0,6}(?:밀려|몰려)",
        r"(?:옥상|난간|철로|선로)(?:이|가)?(?:자꾸|계속|또)?(?:떠오|생각나|눈에밟|아른)|(?:농약|약병|수면제|번개탄|밧줄)\S{0,6}(?:눈이간|눈이가|생각나)",
        r"(?:그|이상한|어두운)생각(?:이|들이)(?:또|다시|자꾸)(?:들|찾아|올라|떠오|시작)",
        r"(?:죽음|자살)(?:충동|생각)|충동(?:이|을)(?:또|다시|자꾸)(?:들|올라|참|느껴)",
        r"(?:이렇게|이대로)(?:죽어도|끝나도)(?:괜찮|좋|상관없|아무렇지)",
        # a way out of the world, looked for ("이 세상에서 나가는 문을 찾는 생각", "세상을 떠날 방법")
        r"세상(?:에서|을|밖으로)(?:(?:나가는|나갈|빠져나가는|빠져나갈|내리는|내릴)(?:문|출구|방법|길|생각|상상|궁리)|(?:떠나는|떠날|사라지는|사라질)(?:방법|생각|상상|궁리))",
    ],
    "self_harm": [
        # the hand going to the wrist or the blade again ("또 손목에 손이 갔다")
        r"(?:손목|허벅지|팔목|커터칼|칼날)(?:에|으로|쪽으로|에다)(?:또|다시|자꾸|결국)?손이(?:갔|가|감)",
        r"자해|칼빵|ㅈㅎ(?:했|하고|충동|흉|자국|다시|또|시작|함)|(?:자해|ㅈㅎ)\S{0,15}(?:리셋|다시1일|1일차|다시0|(?<!\d)0됨|초기화|깨졌|무너졌)|긋고싶|그었다|그어버렸",
        r"(?:또|다시|오늘도|어제도|결국)(?:손목|팔|허벅지)?(?:을|를|에)?(?:그었|그음|그어버|긋고말|긋게됐)",
        # a harm done on purpose to one's own body ("일부러 손목 안쪽을 팬에 갖다 댔다")
        r"일부러\S{0,14}(?:손목|팔|팔뚝|허벅지|손등|손바닥|살)\S{0,12}(?:갖다댔|댔|지졌|데였|그었|찔렀|긁었|때렸|박았|태웠)",
        r"(?:손목|팔|허벅지|다리|팔뚝|몸)(?:을|를|에|에다|안쪽)?(?:또|다시|몰래|살짝)?(?:긋|그었|그어|그을|칼|커터|면도칼|상처를|피가)",
        r"(?:커터칼|커터|면도칼|칼날|컴퍼스)(?:로|을|를)?\S{0,8}(?:그|긋|팔|손목|허벅지|상처)",
        r"피(?:가|가날|날|가나)?(?:때까지|도록)(?:긁|뜯|때리|때렸|물|깨물|쥐어뜯|후벼)",
        r"(?:벽|책상|문|바닥)에?(?:다|다가)?(?:머리|이마|주먹)를?\S{0,6}?(?:박|찧|부딪|때렸|쳤)",
        r"(?:내|제|나의)?(?:머리|얼굴|뺨|몸|허벅지)를?(?:주먹으로|막|세게|계속)?(?:때렸|때리고싶|쳤|후려)",
        r"(?:나를|나자신을|스스로를?|내몸을|제몸을)(?:막|또|계속)?(?:때리|때렸|해치|해쳤|다치게|벌주|상처)",
        r"(?:내|제)?몸에?(?:상처|흉|멍)(?:를|을)?(?:냈|내고싶|내|만들)",
        r"(?:담뱃불|라이터|불)(?:로|을)?(?:팔|손등|손|살|허벅지)\S{0,4}?(?:을|에)?(?:지지|지졌|데)",
        r"(?:팔|손목|허벅지|손등|팔뚝|다리|살)(?:안쪽|바깥쪽)?(?:을|를|에)?(?:또|다시|일부러)?(?:지졌|지지고|지져)",
        r"아픈(?:게|것이)\S{0,6}(?:낫|시원|편)|일부러\S{0,10}(?:아프게|다치게|잡고있|쥐었|꽉쥐)",
        # pain that stills the mind ("아픈 동안만은 생각이 멈추거든요"), hands held in scalding water on purpose
        r"아픈(?:동안|동안만|때만|순간)(?:은|는|만)?\S{0,6}(?:생각이멈|생각이안|머릿속이조용|조용해)|"
        r"일부러\S{0,16}(?:뜨거운|끓는|얼음|불)\S{0,10}(?:손|팔|다리|발|몸)(?:을|를|에)?\S{0,6}(?:넣|담그|담갔|대고|댔|쥐)",
        r"새(?:로운)?(?:줄|상처)(?:이|가)?(?:하나|또|더)|(?:손등|주먹|손)(?:이|가)?(?:다)?(?:터질|찢어질|피날)때까지|아픈(?:게|것이)(?:오히려)?(?:시원|좋|편|낫)|(?:내|제)상처(?:는)?(?:내가|제가)만든|그은(?:데|곳|자국)|손목에?(?:밴드|반창고|붕대)",
        r"흉터(?:를|가|들을)?(?:가리|숨기|늘어|또생|감추)|긴팔(?:로|만)?(?:가리|숨기)",
    ],
    "plan": [
        r"(?:수면제|약|진통제|타이레놀|신경안정제|항우울제|알약)(?:을|를|도|는)?\S{0,16}(?:모으|모아|모았|사모|쌓아|한번에|한꺼번에|왕창|다털어|몇통|통째|털어넣|삼키|다먹)",
        r"번개탄|연탄(?:을|를)?(?:사|피우|피울|샀)|(?:목을?|목)(?:매|맬|매달|매고싶|조르)|밧줄|올가미",
        r"(?:한강|마포대교|대교|다리|강물|바다)(?:에|에서|위|위에서|난간|물|수온|물온도|에뛰어|에빠|에들어가|로가)?(?:뛰어|빠지|들어가|내려다|수온|물온도|투신|몸을던|가고싶|갈까|가야겠)",
        r"(?:옥상|난간|창문|베란다|아파트|건물)(?:에서|에|밖으로|위|위에서|끝)?(?:뛰어|떨어지|떨어질|내려다보|올라가서|몸을던|발을)",
        r"뛰어내리(?:고|면|려|기|자|릴|는상상|고싶)|뛰어내릴|투신",
        r"유서(?:를|도|같은|까지)?(?:써|썼|쓰|쓸|작성|남|준비)",
        r"(?:죽는|자살|고통없이죽는|편하게죽는|안아프게죽는)방법",
        r"(?:고통없이|안아프게|편하게|조용히)(?:죽|가는|갈수|떠나|끝내)",
        r"(?:끝내기로|떠나기로|가기로|떠나려고|가려고|끝내려고)\S{0,4}(?:날|날짜)(?:을|를)?(?:잡|정)|"
        # a last event to see first ("손주 돌잔치까지만 보고 가기로 했다")
        r"까지만\S{0,8}(?:보고|하고|버티고|치르고)(?:나서)?(?:가기로|떠나기로|죽기로|끝내기로|가려고|떠나려고)|(?:모아둔|모아놓은)(?:약|약봉지|수면제)|수익자|먼길(?:떠날|갈)준비|어디서할지(?:도)?정해",
        r"(?:자살|사망)?보험\S{0,12}(?:면책|몇년이지나|지나야나오)|돌아오는(?:표|티켓|기차표|비행기표)(?:는|를|도)?(?:안|사지않|끊지않)|(?:갈곳|죽을곳|장소)(?:도|을|를)?(?:봐뒀|정해뒀|알아봐뒀)|남은준비는거의없|이제남은준비",
        r"(?:높은곳|뛰어내릴곳|죽을곳|죽는법|건물높이|아파트높이)\S{0,12}?(?:검색|찾아보|찾아봤|알아보|알아봤|봐뒀)",
        r"(?:날|날짜|디데이|그날)(?:을|를|도)?(?:정했|잡았|정해두|정해놨)(?:.{0,4})(?:마지막|떠날|끝낼|죽)",
        r"(?:그날|디데이)(?:까지|이오면|이되면)(?:는)?(?:며칠|버티|참|티안|평소처럼)",
        r"(?:옥상|난간)\S{0,12}(?:확인|열려있|낮더|높이를)|(?:다리|대교)에가봤\S{0,20}(?:다시가|또가)",
        # a way in, a day and no one to stop it ("옥상 문 비번도 알아놨음", "그날 끝낼 거다", "아무도 못 말리게")
        r"(?:옥상|난간|다리|대교)\S{0,4}(?:문)?(?:비번|비밀번호|열쇠|잠금)\S{0,4}(?:알아|확인|챙|봐)|"
        r"(?:그날|그때|그날밤|디데이)(?:에|엔|은|는)?(?:다|모든걸|전부|조용히)?(?:끝낼|끝내려)(?:거|것|생각|예정|래)|아무도(?:못|안)?(?:말리|막)(?:게|지못하게|도록)",
        # a place scouted for when nobody is there ("다리에 몇 번 가서 사람이 제일 없는 시간을 알아뒀다")
        r"(?:다리|대교|방파제|절벽|선로|철로|난간|저수지|댐|육교)\S{0,30}?(?:사람|인적)(?:이|은)?(?:제일|가장|아무도)?(?:없는|드문|뜸한|끊기는|끊긴|적은)(?:시간|때|시각)\S{0,8}?(?:알아|확인|봐두|봐뒀|알았|체크|파악)",
        # going to water or a height not to come back ("한강 가서 안 돌아올 거임")
        r"(?:한강|강물|강가|바다|다리|대교|옥상|절벽|호수|저수지|철길|선로)\S{0,4}(?:가서|가면|가서는|에서|나가서)\S{0,6}(?:안|다시는|영영|못)돌아(?:올|오|가)",
    ],
    "farewell": [
        r"(?<!올해)(?<!이번)(?<!오늘의)(?<!방학)(?<!학기)(?<!연말)(?<!여행)(?<!이번달)(?<!이달의)마지막(?:일기|글|편지|기록|페이지|기록이)(?:가|이|일|를|로|로남|가될|이될|다|야|입니다|예요|를쓴|를남)",
        r"(?:이게|이것이|이글이|이일기가|오늘이)(?:마지막|마지막일|마지막이|마지막일지)",
        # seeing someone for the last time, a last meal cooked for them ("얼굴 보는 것도 이번이 마지막", "마지막 밥상")
        r"(?:얼굴|목소리|보는것|보는거|만나는것|만나는거|뵙는것)(?:도|은|는)?(?:이번이|오늘이|이게)마지막|(?<!당분간)마지막(?:밥상|한끼|만찬)(?:이|이라|일|으로|을|를)",
        # dying before one's elders, a life lived "for my share too", letters to open later
        r"(?:할매|할머니|할아버지|엄마|아빠|부모님|어머니|아버지|어무이|아부지)보다먼저(?:간다|갈|가는|가게|떠나|죽)|(?:내|제)몫까지(?:오래|잘|행복하게)?\S{0,4}살(?:아|라)|나중에(?:열어|읽어|뜯어)(?:보라|보시라|봐달라|보세요|봐)",
        # a pet or family handed over for good ("쭉 네가 키워 달라고", "이제부터 엄마는 네가 잘 부탁한다고")
        r"(?:쭉|계속|평생|영영)(?:네가|니가|너가)(?:키워|맡아|데리고살|돌봐)|"
        r"(?:엄마|아빠|부모님|할머니|할아버지|애들|동생)(?:는|를|은|을|좀)?(?:이제|앞으로|이제부터)?(?:네가|니가|너가|언니가|형이|누나가|오빠가)(?:잘)?(?:부탁|챙겨|돌봐|지켜|맡아)",
        # leaving with the ordinary reason denied ("퇴사하는 것도 아니고 이동도 없는데, 그냥 떠나기 전에")
        r"(?:퇴사|이사|이민|유학|전학|이직|이동|여행)\S{0,8}(?:아니고|아닌데|없는데|도아니)\S{0,24}떠나기전",
        r"(?:다들|모두|여러분|엄마|아빠|가족|친구들|누나|언니|형|오빠)(?:에게|한테|들)?(?:그동안|정말|너무|진짜)?(?:고마웠|미안했|사랑했)",
        r"그동안\S{0,8}?(?:고마웠|미안했|사랑했|감사했)|(?:다|전부)\S{0,3}(?:너|니|네가)가져",
        r"마지막으로\S{0,12}(?:기억|추억|인사|효도)|이제(?:아쉬운|미련|여한)(?:건|게|은|도)?없|비밀번호\S{0,12}(?:정리|적어|메모해|알려)",
        r"먼저(?:갈게|가서미안|떠나서미안|떠날게|가있을게|가야겠|가요|감니다|갑니다)|안녕히계세요|(?:잘|부디)(?:있어|지내)(?:요)?(?:다들|모두|엄마|아빠)?(?:안녕|마지막|이제)",
        r"(?:나|내가)(?:없이도|없어도|없더라도)(?:다들|모두|너희|너희들|엄마|아빠|얘|걔)?(?:잘|행복|웃으며|괜찮)|(?:나|내가)(?:없이도|없어도|없더라도)\S{0,14}?(?:시켜주겠|챙겨주겠|해주겠|알아서하겠)",
        # thanks in the past tense to everyone at once ("암튼 진짜 다 고마웠어 얘들아")
        r"(?:진짜|정말|그동안|암튼)(?:다|전부|모두)(?:너무|진짜|정말)?(?:고마웠|미안했|사랑했)\S{0,3}(?:얘들아|다들|모두|친구들|여러분|엄마|아빠)",
        # said to a pet or a child, the writer naming themselves ("뭉치야 누나 없어도 착하게 있어야 돼")
        r"(?:누나|언니|형|오빠|엄마|아빠)(?:가)?(?:없어도|없이도|없더라도)\S{0,12}(?:잘지내|잘있|착하게|씩씩하게|말잘듣)|"
        r"^\S{0,6}(?:야|아)?(?:누나|언니|형|오빠)(?:는|가)(?:오늘밤|오늘|이제|곧)(?:에)?(?:떠나|떠난다|가)\W*$",
        # telling the dead one is coming soon, at their grave ("할머니 산소에서 저도 곧 간다고")
        r"(?:산소|묘소|묘|납골당|하늘나라|곁)\S{0,30}(?:저도|나도)(?:곧|금방|조만간|얼른|이제)(?:간다|갈게|갈께|갈거|가요|따라갈|뒤따라갈|따라가)",
        r"마지막으로\S{0,10}(?:들어서|듣고|봐서|보고|만나서)\S{0,6}(?:다행|좋았|됐)",
        r"(?:이제|더는|더이상)(?:나는|난|내가)?(?:입을|쓸|탈|신을|들을|읽을|볼)일(?:이|도)?없|(?:이제|더는|더이상)\S{0,6}?(?:데리러갈|보러갈|찾으러갈)일(?:이|도)?없",
        r"(?:아끼던|소중한|내|제|모든)?(?:물건|옷|책|게임기|물건들|짐|기타|카메라|노트북|컬렉션)\S{0,12}?(?:나눠줬|나눠주|나눠줄|나눠주고|줘버렸|주고있|넘겨줬|정리해뒀)",
        r"(?:나한테|나한텐|내겐|나에겐|나는)?(?:이제|더는|더이상|앞으로)(?:나한테|나한텐|내겐)?(?:필요(?:가)?없(?:을|으니|어서)|쓸일이없을|쓸일도없을)",
        r"마지막으로(?:제대로|한번|꼭)?(?:인사|고맙다|사랑한다|얼굴|목소리)|마지막으로\S{0,10}(?:이말|인사|고맙다|사랑한다|얼굴보)",
        r"편지\S{0,10}(?:넣어뒀|남겨뒀|써뒀)|찾기쉬운곳에|찾기쉽게|미안해\S{0,3}먼저가서|먼저가서\W*$|(?:나|내가)(?:없어도|없이도)\S{0,10}(?:조용|괜찮|잘돌아)|이제\S{0,4}다시(?:는)?못(?:봐|볼|만나)|조용히정리|계정(?:을|도)?(?:다|전부)?(?:탈퇴|삭제)",
        r"(?:이제|진짜로?|진짜루|정말)(?:진짜|정말)?(?:안녕|굿바이|바이바이|ㅂㅂ)(?![하히])",
        r"신변정리|(?:주변|내)정리를?(?:하고있|다했|시작|마쳤|끝냈)(?:다|어)?(?:.{0,6})(?:마지막|떠나|미련)",
        r"(?:고양이|강아지|반려견|반려묘|화분|아이들|애들)(?:을|를|좀)?(?:잘)?부탁(?:해|할게|합니다|한다)(?:.{0,6})(?:마지막|내가없|떠나|먼저)?",
    ],
    "burden": [
        (r"(?:나|내가|난|저|제가)(?:만|하나|하나만|같은게|같은거|같은건)?\S{0,4}?(?:없으면|없어지면|사라지면|죽으면|뒤지면|없는편이|없어야|없어져야|사라져야|죽어야|"
         r"죽고나면|가고나면|떠나고나면|없어져버리면|사라져버리면|죽어버리면|가버리면|빠지면|빠져주면|빠져야)"
         r"\S{0,10}?(?:편|행복|나을|낫|좋아|잘살|홀가분|웃|덜힘|잘굴러|해결|살수있|산다|살아나|숨을쉴|숨통|펴질|풀릴|나아질|가벼워|가볍|흑자|이득)"),
        # dead, the writer is worth more: insurance money, a help ("내가 세상에 없으면 보험금이라도 나올 텐데")
        r"(?:내가|나)\S{0,6}(?:없으면|죽으면|사라지면|없어지면)\S{0,6}보험금",
        # a death owed soon for others' ease, in older and dialect speech ("내 퍼뜩 죽어야 … 편하제")
        r"(?:얼른|빨리|어서|퍼뜩|싸게|후딱)(?:죽어야|가야|죽어줘야|가줘야)\S{0,12}(?:산다|살|편|행복|낫|숨)",
        # leaving the world as a favour ("먼저 세상을 떠나 주는 게 이 사람을 놓아주는 방법", "세상에서 빠져 주는 게 효도")
        r"(?:떠나|빠져|사라져|없어져|죽어|가)(?:주는|드리는)(?:게|것이|거)\S{0,14}?(?:도움|낫|나을|편|효도|좋|위하는|놓아주|덜어주|풀어주|방법|이득)",
        r"(?:비켜주는|비켜줘야)|(?:나|내가)하나(?:만)?(?:치우면|치워지면)|숨이끝나야|(?:내가|나)(?:이제)?(?:그만)?가(?:줘야|주어야)|이제그만가야지",
        r"(?:나|내가|나같은\S{0,4})없이\S{0,6}(?:게|것이)\S{0,6}?(?:나을|낫|행복)|(?:내가|나)(?:이세상에서|세상에서)?빠져야",
        r"(?:내가|나|늙은이가)(?:얼른|빨리|먼저|어서)?가(?:야|줘야)\S{0,8}(?:산다|살|편|행복|낫)",
        r"(?:내가|나는|제가)?(?:없는게|사라지는게|죽는게|죽어주는게|없어지는게|먼저가는게|떠나는게)\S{0,10}?(?:도움|낫|나을|편|효도|좋|위하는|놓아주|덜어주|풀어주)",
    ],
    "worthless_death": [
        r"(?:뒤져도|뒈져도|죽어도)(?:싸|마땅)|(?:내가|나|제가|나하나|나같은거|나같은건)?(?:죽어도|뒤져도|뒈져도|없어져도|사라져도)(?:아무도|누구도|아무|세상은|다들)(?:모를|모르|슬퍼|신경|상관|안슬|안울|눈치|그대로|관심|기억)",
        r"(?:죽어도|없어져도|사라져도)(?:세상(?:은|엔|에는)?)?(?:상관없|괜찮을|아무렇지|아무일도|티도|티가|아무손해|손해|달라질게|변하는게|모를|잘돌아)",
        r"(?:공기|산소|밥|자원|세금)(?:만|도)?(?:낭비|축내|아깝|아까)",
        r"(?:살|살아갈|살아있을|숨쉴|살아있|존재할|태어날|남아있을)(?:만한)?(?:가치|자격|이유)(?:가|도|조차)?(?:없|안)",
        r"존재(?:할|의)?(?:가치|이유)(?:가|도)?없|산소(?:가|도)?아깝|숨쉬는(?:것|게)?(?:도|조차)?(?:죄|아깝)",
        r"(?:치워지는|지워지는)(?:게|것이)(?:낫|맞)",
        r"(?:사라지는|없어지는|죽는|뒤지는)(?:게|것이|거)\S{0,8}?(?:맞|낫|나을|나음|옳)|없어져도되는|사라져도되는|죽어도되는|(?:폐기|처리)(?:되는|되고싶)",
    ],
    "hopeless": [
        r"터널(?:의|은|이)?끝(?:이|은|도)?(?:아예|전혀|영영|도무지|아무리가도)?(?:없|안보|보이지않)|(?:쳇바퀴|굴레|늪)(?:에서)?(?:내릴|벗어날|빠져나갈)\S{0,4}(?:방법|수)(?:이|가)?없|평생이럴(?:거|것)",
        r"(?:앞으로|이제)(?:도)?(?:좋아지는|나아지는|달라지는)(?:거|게|것|일)(?:은|도)?없|나아질(?:거란|거라는|것이란|거라고)(?:말|생각|기대|얘기)(?:은|도|이|가)?(?:이제)?(?:하나도|아무|아무런)?(?:안믿|못믿|없|의미없|와닿지|안와닿|빈말|공허)|희망이라는(?:말|단어)(?:이|가)?\S{0,8}(?:남의|낯설|모르|없)|인생(?:걍|그냥)?(?:망겜|노답)|버틸이유(?:를|가)(?:모르|없)",
        r"희망(?:이|도|따위)?(?:없|안보|보이지않|하나도없|이라곤없|을잃|이사라)|절망(?:적|뿐|밖에)",
        r"(?:나아질|좋아질|나을|달라질|바뀔)(?:거라는|것이라는|거란|거라고)(?:믿음|희망|기대)(?:자체|조차|마저)?(?:가|이|도|는)?(?:하나도|이제)?(?:안남|없|사라|안해|안함|안한다|접었|버렸)",
        # expecting itself given up, a future in which nothing will have changed
        r"기대(?:하는것|하는거|하는걸)?(?:자체|조차)(?:를|도)?(?:그만|접|버리|버렸|안)|기대하는것(?:을|도)?(?:그만뒀|그만두었|접었)|아무것도(?:안|못)(?:바뀌어있을|바뀔|달라질|나아질|좋아질|변할)",
        r"(?:아무리|뭘해도|어떻게해도|무슨짓을해도)\S{0,14}(?:달라지지않|바뀌지않|나아지지않|안달라지|안바뀌|안나아지|안달라질|안바뀔|안나아질)|희망\S{0,8}(?:상관없|남의얘기|사치|먼얘기)",
        r"(?:절대|평생|영영|영원히|죽어도)(?:못|안)(?:빠져나|벗어나|나아지|바뀌|갚)|갇혀(?:사는|살|있는|지내)|노답인생|인생노답|(?:뭘|무엇을|어떻게|아무리)해도(?:달라질|바뀔|나아질)(?:게|것이|건)?없|(?:나아질|좋아질)(?:거라는|것이라는)?(?:믿음|희망|기대)(?:이|도)?(?:하나도)?(?:안남|없|사라)|좋은날(?:이)?(?:올|오리라|올거라|올끼라)\S{0,8}(?:안든|없|안들)|(?:탈출구|출구|빠져나갈구멍)(?:가|도|는)?(?:1도|하나도|전혀)?(?:없|안보)",
        r"출구(?:가|도)?(?:없|안보)|벗어날(?:수|방법|길|구멍)(?:이|가|도)?(?:없|안보)|빠져나갈(?:수|길|구멍)(?:이|가)?없",
        r"(?:아무것도|하나도|절대)(?:나아지|바뀌|달라지|좋아지)(?:지않|지않을|지않는|지도않|지않겠|질것같지|지않아)",
        r"(?:나아질|좋아질|바뀔|달라질)(?:것같지|거같지|리가|기미가|거라는생각이|수가)(?:않|없|안)",
        r"(?:더는|더이상|도저히|이제는)(?:못버티|못견디|버틸수없|견딜수없|버틸자신이없|버틸힘이없)",
        r"버틸(?:힘|자신|이유|기운)(?:이|도|조차)?(?:없|안남)",
        r"(?:인생|삶|모든걸|모든것을|전부|나자신을|나를|살기를)(?:다|그냥)?포기(?:하고싶|했|할래|하고파)",
        r"사는(?:게|것이|거)(?:지옥|의미없|무의미|고통|벌)|(?:살아갈|사는|살아야할)(?:의미|힘|기운)(?:가|이|를)?(?:없|모르|잃)",
        r"(?:이렇게|이대로)(?:사는|살아가는|계속사는)(?:건|게|것)?(?:더는|이제)?(?:못|싫|의미없|지옥|무슨의미)",
        r"(?:갇힌|갇혀있는|끝없는터널|늪에빠진)(?:느낌|기분|것같)|(?:내일|미래)(?:가|도|라는게)?(?:안보|없|두렵기만|무의미)",
        r"아무(?:의미|희망|기대)(?:가|도)?(?:없|안보|보이지않)|다(?:무의미|의미없)|나아질(?:것도|게|것이|일도)(?:없|안)",
    ],
    "burden_only": [
        r"(?:짐|짐짝|짐덩어리|민폐|걸림돌|혹|폐)(?:만|이|밖에|덩어리|같은존재|가)?(?:되|돼|된|끼치|안되|안된|안돼|인것|이다|야|같|처럼|임|덩어리|일뿐|일따름|에불과)",
        r"나때문에\S{0,6}(?:좁|힘들|고생|불행|괴로|망가)|내뒷수습|뒷치다꺼리만",
    ],
    "worthless_only": [
        r"(?:나는|난|내가|나같은게|저는)(?:존재(?:자체)?가)?(?:진짜|정말|그냥|아무|너무)?(?:쓸모없|쓰레기|실패작|아무것도아닌|필요없는|쓸데없는존재|가치없|무가치|벌레|인간쓰레기)",
        r"(?:쓸모없는|가치없는|필요없는|무가치한)(?:존재|인간|사람|나)|(?:존재(?:자체)?가|내존재가)(?:실패|쓰레기|민폐|짐|잘못|죄)|인간쓰레기|실패작(?:이다|임|인)|불량품|있으나마나|아무것도아니(?:다|야|에요)|나를필요로하는사람(?:도|이)?없|잘하는(?:게|거|것이|것도|건)(?:하나도|아무것도|1도|한개도|전혀)없|잘하는(?:게|거|것)(?:0개|영개|빵개)|어디에도(?:안맞|쓸모|필요없|설자리)|(?:나는|난)\S{0,6}한심|(?<![가-힣])나(?:개|진짜)?쓰레기(?:임|야|다|인)|쓰레기같은(?:인간|사람|놈|존재)|(?:사람으로서|인간으로서)\S{0,3}(?:낙제|실격|실패|자격이없)",
        r"(?:나는|난|나같은\S{0,3})\S{0,8}쓸모(?:가|도)?없",
        r"쓸모(?:를|가)?다한|(?:누구에게도|아무에게도|누구한테도|아무한테도|누구에게나)필요(?:가)?없",
        r"(?<![가-힣])(?:나|난|나는|저는|전|내가)\S{0,6}(?:인간|사람)(?:으로서)?실격|인간실격(?:임|이다|이야|인듯|인거|그자체)",
    ],
}

# --- English -----------------------------------------------------------------------------------
# A first-person subject or none at all (diaries drop it: "Want to die.").
_I = r"(?:^|\bi\b|\bi'?m\b|\bim\b|\bi've\b|\bive\b|\bi'?d\b|\bme\b|\bjust\b|\breally\b|\bhonestly\b|\bstill\b|\bsometimes\b|\bpart of me\b|\bkinda\b|\bkind of\b)"
_DEATH_GOAL = (r"(?:die|be dead|kill myself|end (?:it|it all|my life|things|everything|this)|commit suicide|leave (?:this|the) world|"
               r"not exist|stop existing|stop living|not be alive|not be here|"
               r"disappear(?!\s+(?:to|into|for\s+a|on|off\s+to|somewhere|from\s+social|from\s+the\s+group))|go to sleep forever|"
               r"sleep forever|be gone|hurt myself|not wake up)")

# Telling the dead one is coming soon, or before a season, or to keep a seat ("be with you before the spring, keep a seat").
_SOON_WITH_THE_DEAD = (r"\b(?:(?:see|join|be\s+with)\s+(?:him|her|you|them)\s+(?:soon|before\s+(?:long|the\s+(?:spring|summer|autumn|fall|winter|year'?s?\s+out|new\s+year)|christmas|\w+mas))|"
                       r"won'?t\s+be\s+long\s+now|keep\s+(?:a|my)\s+(?:seat|place|spot)|save\s+me\s+a\s+(?:seat|place|spot))\b")

_EN: dict[str, list[str]] = {
    "active_wish": [
        _I + r"(?:(?!\b(?:she|he|they|you|she's|he's|they're|you're|shes|hes|theyre)\b)[^.!?\n]){0,30}?\b(?:want|wanted|wanting|wanna|wish|ready|need|plan|planning|decided|tempted|tried|urge)\b(?:\s+to)?\s+(?:just\s+|really\s+)?" + _DEATH_GOAL + r"\b",
        r"\b(?:going|gonna|about)\s+to\s+(?:kill myself|end it|end my life|end things)\b|\b(?:kill|end)(?:ing|ed)?\s+myself\b|\btake\s+my\s+(?:own\s+)?life\b|\bend(?:ing)?\s+(?:it\s+all|my\s+(?:own\s+)?life|my\s+existence)\b",
        r"\b(?:don'?t|do not|dont|no longer|never)\s+(?:really\s+)?want\s+to\s+(?:live|be alive|exist|be here|wake up|go on|keep going|be around|keep living|do this anymore)\b",
        r"\b(?:no|any|what'?s the)\s+(?:reason|point)\s+(?:to|in|of)\s+(?:live|living|going on|being alive|existing|staying alive|staying|waking up)\b",
        r"\b(?:i'?m|i am|im|be)\s+(?:so\s+)?done\s+(?:with\s+)?(?:living|life|existing|being alive)\b|\b(?:tired|sick)\s+of\s+(?:living|existing|being alive|life itself|waking up)\b",
        r"\bcheck(?:ing)?\s+out\s+(?:for good|early|of life|permanently)\b|\bwon'?t\s+be\s+(?:around|here|alive)\s+(?:much longer|for long|anymore|by|next)\b",
        r"\bcommit(?:ting)?\s+suicide\b|\bsuicide\s+(?:is|seems|feels)\s+(?:the|like|my)\b",
        r"\bi\s+(?:could|should|might)\s+just\s+(?:die|end it|disappear)\b",
        r"\b(?:lights?|it\s+all)\s+off\s+(?:permanently|for\s+good|forever)\b|\bwant\s+out\s+of\s+(?:existing|existence|life|this\s+life|my\s+(?:own\s+)?life)\b|\bsix[- ]feet[- ]under\b|\bclock\s+out\s+(?:for\s+good|permanently|forever)\b",
        r"\b(?:i'?d\s+like|i\s+want|i\s+wish)\s+to\s+be\s+(?!done\s+with)\w+(?:\s+\w+){0,3}\s+for\s+good\b|\b(?:this\s+is\s+)?where\s+my\s+story\s+ends\b|\bmy\s+story\s+ends\s+here\b",
        r"\btaking\s+my\s+own\s+life\b|\bone\s+way\s+or\s+another\s+(?:this|it)\s+ends\b|\blog\s+off\s+(?:irl|life|from\s+life)\b|\bdespawn\b(?!\s+(?:the|all|them))",
        r"\bwant\s+(?:my\s+life|it\s+all|everything|my\s+existence)\s+to\s+(?:end|stop|be over)\b(?!\s+for\s+(?:a|an|one|the)\s+(?:week|day|while|bit|minute|second|moment|hour|night|weekend))|\bbetter\s+to\s+be\s+(?:finished|dead|gone|over\s+with)\b",
        r"\bwhat\s+is\s+the\s+point\s+of\s+(?:me|him|her|my|someone like me)\s+(?:living|being alive|existing)\b|\baway\s+for\s+good\b|\bi'?m\s+ready\s+to\s+go\b(?=\W*$)",
        # the ground or the grave as where the writer wants to be ("what I want is to be in the ground": a pseudo-cleft,
        # read as "i want to …" by disguise.reveal)
        r"\bi\s+(?:just\s+|really\s+)?(?:want|wanna|wish|need|'?d\s+like)\s+to\s+be\s+in\s+(?:the|my)\s+(?:ground|grave)\b",
        # a way out of the world itself ("looking for the exit from this world", "a way out of being alive")
        r"\b(?:way|door|exit)\s+(?:out\s+of|from)\s+(?:this\s+world|the\s+world|life|this\s+life|being\s+alive|existence|existing)\b",
        # switching oneself off for good ("unplugging myself for good is the kindest thing")
        r"\b(?:unplug\w*|delet\w*|remov\w*|switch\w*\s+off|turn\w*\s+off|uninstall\w*|eras\w*)\s+myself\b[^.!?\n]{0,20}\b(?:for\s+good|permanently|forever)\b",
        # an idiom of wishing death that the writer says is meant ("I'd rather be dead than …, and I don't mean it the way blokes say it")
        (r"\b(?:i'?d|i\s+would)\s+(?:much\s+|honestly\s+|really\s+)?rather\s+(?:be\s+dead|die)\b"
         r"(?=[^.!?\n]{0,80}\b(?:i\s+mean\s+it|not\s+(?:joking|kidding|a\s+joke)|(?:don'?t|do\s+not)\s+mean\s+it\s+(?:the\s+way|like|as)))"),
    ],
    "passive_wish": [
        # not waking told as acceptable ("it'd be fine if I didn't wake up", "wouldn't mind not waking up"), not a lie-in
        (r"\b(?:fine|okay|ok|alright|all\s+right|at\s+peace|wouldn'?t\s+mind|don'?t\s+mind|happy)\b[^.!?\n]{0,25}"
         r"\b(?:if\s+i\s+(?:just\s+)?(?:didn'?t|did\s+not|never)\s+(?:wake|woke)|not\s+waking)\b"
         r"(?!(?:\s+up)?\s+(?:until|till|til|before|for|on\s+time|in\s+time|early|at|to|when)\b)"),
        # water wished to take the writer ("wished the sea would just close over me and keep me")
        r"\b(?:wish(?:ed)?|hop(?:e|ed|ing)|want(?:ed)?|pray(?:ed)?)\b[^.!?\n]{0,30}\b(?:sea|ocean|water|waves?|river|current|tide|lake)\s+(?:would|could|to|might)\s+(?:just\s+)?(?:close\s+over|swallow|take|keep|pull)\s+(?:me|my)\b",
        r"\b(?:not|never|don'?t)\s+(?:to\s+)?wake\s+up\b|\bwouldn'?t\s+wake\s+up\b|\bdidn'?t\s+have\s+to\s+wake\s+up\b",
        # not waking supposed or asked of God ("If I just didn't wake up one morning", "if the Lord saw fit not to wake me")
        r"\bif\s+i\s+(?:just\s+)?(?:didn'?t|did\s+not|never)\s+wake\s+up\b(?!\s+(?:at|by|in\s+time|early|on\s+time|until|till|for|before|when)\b)|"
        r"\b(?:lord|god|he|jesus)\b[^.!?\n]{0,30}\bnot\s+(?:to\s+)?wake\s+me\b|\b(?:god|lord|jesus)\b[^.!?\n]{0,12}\btake\s+me\s+(?:in\s+my\s+sleep|now|tonight|soon|away)\b",
        # a vehicle wished onto the writer ("wishing a truck would clip me", "wouldn't mind if a road train cleaned me up")
        (r"\b(?:wish\w*|hop(?:e|ed|es|ing)|pray\w*|wouldn'?t\s+mind|content\s+if|fine\s+if)\b[^.!?\n]{0,20}\b(?:a|the|some)\s+(?:\w+\s+)?"
         r"(?:car|bus|truck|lorry|train|van|plane|meteor|asteroid|semi|ute)\s+(?:would\s+|could\s+|might\s+|to\s+)?(?:just\s+)?"
         r"(?:hit|hits|clip\w*|flatten\w*|clean\w*|wipe\w*|mow\w*|(?:run|ran)|(?:plough|plow|crash|slam|smash)\w*\s+into)\s+me\b"),
        # a plane gone down and the writer not minding ("if the plane went down tmrw i wouldnt even be mad")
        r"\bif\s+(?:the|my|this|our)\s+plane\s+(?:went|goes|go|came|comes)\s+down\b[^.!?\n]{0,30}\b(?:wouldn'?t|not|won'?t)\s+(?:even\s+)?(?:be\s+)?(?:mad|mind|care|sad|upset|bothered)|\btake\s+me\s+out\s+of\s+the\s+game\s+(?:for\s+good|permanently|forever)\b",
        r"\bwish(?:ed)?\s+(?:i|i'd)\s+(?:was|were|could be|would|could|had)?\s*(?:just\s+)?(?:dead|gone|never born|not here|not alive|disappear|stop existing|fall asleep and|die|vanish|not exist|never been born|never existed|cease)",
        r"\bwish\s+i\s+(?:had\s+)?never\s+(?:been\s+)?(?:born|existed)|\bshould\s+never\s+have\s+been\s+born\b",
        r"\bif\s+(?:a|the)\s+(?:bus|car|truck|train)\s+(?:took|takes|hit|hits)\s+me\b(?!\s+(?:home|to|back|there|along|with|out))|\b(?:lord|god)\s+would\s+(?:just\s+)?take\b|\bjust\s+not\s+come\s+back\b|\bif\s+the\s+(?:sea|river|water|fire)\s+(?:kept|took|had\s+taken)\s+me\b|\bgo\s+to\s+sleep\s+and\s+stay\s+there\b|\bhope\s+it'?s\s+quicker\b|"
        r"\bwhy\s+couldn'?t\s+i\s+have\s+gone\s+with\b|\bcall\s+me\s+home\b|\bsorry\s+to\s+(?:open\s+my\s+eyes|wake\s+up)\b|\bwon'?t\s+have\s+to\s+wake\s+up\b|\bif\s+i\s+disappeared\s+for\s+good\b|"
        r"\bwouldn'?t\s+mind\s+if\b[^.!?\n]{0,40}\b(?:on\s+me|killed\s+me|took\s+me(?!\s+(?:home|to|back|there|along|with|out))|hit\s+me|rolled|crashed|didn'?t\s+wake)|\b(?:easier|better)\s+if\s+i\s+(?:just\s+)?(?:wasn'?t|weren'?t)\s+(?:around|here|alive)\b|\bwasn'?t\s+around\s+any\s*more\b|\bif\s+i'?d\s+never\s+been\s+born\b|\brather\s+not\s+(?:be\s+here|exist|be alive|wake up|be around)\b|\b(?:lord|god|he|death)\s+(?:takes?|took|would take|will take|to take|could take)\s+me\b|\b(?:die|go|pass|slip away)\s+in\s+my\s+sleep\b|\bhop(?:e|ing|ed)\s+(?:that\s+)?(?:a|the)\s+(?:truck|car|bus|train|plane)\b|\bsleep\s+(?:forever|and never|for good|and not wake)\b|\bfall\s+asleep\s+(?:forever|and never|and not)\b",
        r"\b(?:ask|asked|asking|beg|begged|begging|pray|prayed|praying)\s+(?:god|the\s+lord|jesus|him)\s+(?:every\s+(?:night|day|morning)\s+)?to\s+(?:let\s+me\s+(?:come|go)\s+(?:to|home)|take\s+me)\b",
        r"\b(?:wish|hope|hoping|wouldn'?t\s+mind|want)\b[^.!?\n]{0,30}\b(?:hit|run over|killed)\s+by\s+(?:a|the)\s+(?:car|bus|truck|train)\b|\bcrash(?:es|ed)?\b[^.!?\n]{0,30}\b(?:wouldn'?t|hope|mind|fine)\b",
        r"\bwouldn'?t\s+(?:mind|care)\s+(?:if\s+i\s+)?(?:dying|died|not waking|if\s+(?:it|the plane|the car|something)\b[^.!?\n]{0,25}\b(?:crash|killed|took me))",
        r"\b(?:hope|hoping|pray|praying)\s+(?:that\s+)?(?:i|it|the plane|something)\s+(?:don'?t\s+wake|doesn'?t\s+wake|die|just\s+(?:die|end)|crash|take\s+me|kills?\s+me)",
        r"\b(?:disappear|vanish)\s+(?:forever|for good|completely|off the face)\b|\bstop\s+existing\b|\bcease\s+to\s+exist\b|\bnot\s+exist(?:ing)?\s+anymore\b",
        r"\bjust\s+(?:want\s+to\s+)?(?:stop|not be)\b[^.!?\n]{0,10}\b(?:existing|being)\b|\bwant\s+it\s+(?:all\s+)?to\s+(?:stop|end)\b(?:\s+(?:forever|for good|permanently))?",
        r"\bdeath\s+(?:sounds|seems|feels)\s+(?:like\s+)?(?:peaceful|nice|easier|better|like a relief|like rest)",
    ],
    "suicidal_thoughts": [
        r"\bsuicid(?:e|al)\b",
        r"\b(?:thoughts?|thinking|think|thought|fantasi[sz](?:e|ing)|imagin(?:e|ing|ed)|dream(?:ing)?)\s+(?:about|of)\s+(?:dying|death|my death|not being (?:here|around|alive)|being dead|being gone|ending it|ending things|my (?:own\s+)?funeral|killing myself|what (?:it'?d|it would) be like if i (?:was|were|died)|how i would die)",
        r"\bmy\s+(?:own\s+)?funeral\b|\bwho\s+would\s+(?:come|show up|cry)\b[^.!?\n]{0,20}\b(?:funeral|if i died)",
        r"\b(?:dark|bad|intrusive|those|the)\s+thoughts\s+(?:are|were|came|come|keep|kept|have been)\s+(?:back|coming|louder|again|creeping)",
        r"\b(?:the\s+)?(?:thoughts|urges?|voice)\s+(?:are|is|came|come)\s+back\b|\bpassive\s+ideation\b|\bideation\b",
        r"\b(?:pills|tablets|bottle)\b[^.!?\n]{0,60}\b(?:for\s+me|myself)\b|\bhow\s+easy\s+it\s+(?:would|could|'?d)\s+be\s+to\b|\bwhether\s+it\s+would\s+(?:be\s+)?(?:quick|hurt|painless)\b|\b(?:thinking|thought)\s+about\s+(?:going\s+in|jumping|driving\s+off|walking\s+into|stepping\s+off)\b|\bwhat\s+if\s+i\s+just\s+(?:didn'?t|stepped|drove|let go|jumped|swerved|ended|stopped)\b|\b(?:river|sea|water|bridge|drop)\s+(?:is|would\s+be|might\s+be)\s+kinder\b",
        r"\b(?:platform|tracks|edge|ledge|bridge|roof|railing|yellow\s+line)\b[^.!?\n]{0,60}\b(?:thought|thinking)\s+about\s+it\b",
        r"\b(?:swerve|step)\s+(?:into|in front of)\s+(?:traffic|the train|the bus|a truck|oncoming)",
        # a step off an edge, thought of on the edge itself ("on the platform I thought about stepping forward")
        r"\b(?:platform|tracks|train|edge|ledge|curb|kerb|traffic|railing)\b[^.!?\n]{0,40}\b(?:thought|thinking|think|imagined|imagining)\s+(?:about|of)\s+(?:just\s+)?(?:stepping|leaning|falling|tipping)\s+(?:forward|off|over|in|out)\b",
        # the mind going somewhere dark ("my head goes places it shouldn't", "my thoughts drift to dark places")
        (r"\b(?:head|mind|brain|thoughts)\s+(?:keeps?\s+|kept\s+)?(?:go(?:es|ing)?|went|wander(?:s|ed|ing)?|drift(?:s|ed|ing)?|slip(?:s|ped|ping)?)\s+(?:off\s+)?(?:to\s+|back\s+to\s+)?"
         r"(?:(?:some\s+)?(?:really\s+)?(?:dark|bad|scary|awful)\s+places?|places\s+(?:it|they)\s+shouldn'?t|somewhere\s+(?:dark|it\s+shouldn'?t))"),
        # going over how it would be done ("spent the lecture going over how I'd end it")
        (r"\b(?:going\s+over|thinking\s+(?:about|of|through)|planning(?:\s+out)?|figuring\s+out|working\s+out|imagining|picturing|mapping\s+out)(?:\s+\w+){0,3}?\s+"
         r"how\s+(?:i'?d|i\s+would|i\s+could|i'?ll|i\s+will|i'?m\s+going\s+to|to)\s+(?:end\s+(?:it|things|my\s+life)|kill\s+myself|die)\b(?!\s+(?:with|for|between)\b)"),
        r"\b(?:about|of|over)\s+ending\s+(?:it\s+all|things|everything|my\s+(?:own\s+)?life)\b(?!\s+with\b)(?![^.!?\n]{0,25}\b(?:relationship|marriage|engagement|contract|lease|call|meeting|conversation|season|series|book|story|chapter|project|job|partnership|friendship)\b)",
    ],
    "self_harm": [
        r"\bself[- ]?(?:harm|injur|mutilat)",
        r"\b(?:and|then|i)\s+cut\s+again\b|^cut\s+(?:again|tonight)\b|^cut\s+myself\b(?!\s+(?:a|an|some|off|short|free|loose|slack|in|out)\b)|\bi\s+cut\s+(?:again|tonight|last night)\b|\b(?:cut|cutting|cuts|burn|burned|burnt|burning|hit|hitting|punch(?:ed|ing)?|scratch(?:ed|ing)?|hurt|hurting|harm(?:ed|ing)?|bruis(?:e|ed|ing)|carv(?:e|ed|ing)|starv(?:e|ed|ing)|pinch(?:ed|ing)?|bit(?:e|ing)?)\s+(?:myself|my\s+(?:arms?|forearms?|wrists?|thighs?|legs?|skin|stomach|hips?|hands?|face|head))\b(?!\s+(?:a|an|some|off|short|free|loose|slack|playing|at\s+(?:the\s+)?(?:gym|work|practice)|during|while|when|lifting|running|skiing|falling|on\s+the)\b)",
        r"\b(?:blade|razor|sharpener|box cutter|scissors)s?\b[^.!?\n]{0,40}\b(?:arm|wrist|thigh|skin|again|sleeves?|myself|hips?)\b",
        r"\b(?:hide|hiding|hid|cover(?:ing|ed)?)\s+(?:up\s+)?(?:the\s+|my\s+|new\s+|fresh\s+)?(?:scars|cuts|marks|wounds|bruises)\b|\bfresh\s+(?:cuts|scars|marks)\b",
        r"\b(?:until|till|'til)\s+(?:it|i|they)\s+(?:bled|bleeds|bleed)\b|\b(?:bang\w*|hit|hitting|struck|strike|striking|smash\w*|slam\w*|bash\w*|beat|beating)\s+my\s+(?:own\s+)?head\s+(?:against|into)\b|\b(?:bang\w*|struck|slam\w*|smash\w*|bash\w*)\s+my\s+(?:own\s+)?head\s+on\b",
        r"\brelapsed\b|\b(?:days?|weeks?|months?)\s+clean\b[^.!?\n]{0,30}\b(?:broke|ruined|gone|over|reset|again)\b|\bbroke\s+my\s+(?:streak|clean)\b",
        r"\b(?:urge|urges|itch)\s+to\s+(?:cut|hurt|harm|burn)\b",
        # food refused as a punishment ("I don't deserve a hot supper")
        r"\b(?:don'?t|do\s+not|didn'?t)\s+deserve\s+(?:to\s+eat|food|a\s+(?:\w+\s+)?(?:meal|supper|dinner|lunch|breakfast))\b",
        r"\blighter\b[^.!?\n]{0,60}\b(?:helps|thigh|arm|skin|burn)\b|\bnew\s+ones\s+are\s+(?:still\s+)?healing\b|\b(?:went\s+back\s+to|relapsed\s+into)\s+my\s+old\s+habit\b|\bblood\s+than\s+i\s+(?:meant|wanted|expected)\b|\bnew\s+row\s+of\s+(?:marks|cuts|lines)\b|\btape\s+on\s+my\s+wrist\b",
        # a burning thing held to one's own skin ("held the lighter against my forearm")
        (r"\b(?:held|hold|holding|pressed|pressing|put|touched|stubbed)\s+(?:the|a|my)\s+(?:\w+\s+)?(?:lighter|flame|cigarette|iron|match|blade)\s+"
         r"(?:against|to|on|into)\s+my\s+(?:\w+\s+)?(?:arm|forearm|wrist|thigh|leg|skin|hand|stomach|hip)s?\b"),
        r"\bmarks\s+on\s+my\s+(?:wrists?|arms?|thighs?)\b|\bneed\s+the\s+(?:sting|pain|blood)\b|\bon\s+my\s+own\s+(?:head|face|arms?|body)\b|\b(?:till|until)\s+my\s+(?:knuckles|skin|hands?)\s+(?:split|bled|bleed|cracked)\b",
    ],
    "plan": [
        r"\b(?:sav(?:e|ed|ing)|stockpil(?:e|ed|ing)|hoard(?:ed|ing)?|collect(?:ed|ing)?|count(?:ed|ing)|stash(?:ed|ing)?)\s+(?:up\s+)?(?:my\s+|all\s+my\s+|the\s+)?(?:pills|meds|medication|tablets|sleeping pills|painkillers)\b",
        r"\b(?:putting|put|set(?:ting)?|hid(?:ing)?|hiding)\s+(?:\w+\s+)?(?:pills|meds|tablets)\s+(?:aside|away\s+for\s+(?:later|myself))\b|\b(?:putting|put)\s+(?:by|aside|away)\s+(?:the\s+|my\s+)?(?:pills|meds|tablets)\b|\b(?:pills|meds|tablets)\b[^.!?\n]{0,40}\binstead\s+of\s+taking\b",
        r"\b(?:know|picked|chose)\s+which\s+(?:bridge|building|roof|spot|place|overpass)\b|\bthat'?s\s+the\s+night\b|\bpicked\s+a\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bi\s+know\s+where\s+and\s+(?:i\s+know\s+)?how\b|\bthe\s+note'?s\s+(?:in|on|under)\b",
        r"\b(?:pills|meds|tablets|painkillers)\b[^.!?\n]{0,30}\b(?:all at once|at once|enough|the whole|whole bottle|stockpile|saved|hidden|stash)\b",
        r"\b(?:overdos(?:e|ing)|od'?ing)\b|\blethal\s+dose\b|\bhow\s+many\s+(?:pills|tablets)\b",
        # a means bought, with no everyday use named ("bought the rope", not "… for the tent")
        (r"\b(?:bought|got|ordered|picked\s+up)\s+(?:the|a|some|a\s+length\s+of)\s+rope\b(?!\s+(?:for|to)\b)"
         r"(?![^.!?\n]{0,40}\b(?:tent|hammock|climb\w*|boat|swing|camp\w*|dog|gym|tow\w*|clothes\w*|garden|tarp|kayak|sail\w*|moving|knots?)\b)"),
        # a day named as when the writer goes ("The 18th is when I go, I've decided")
        (r"\b(?:the\s+\d{1,2}(?:st|nd|rd|th)|(?:next\s+)?(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)|tomorrow|tonight)\s+is\s+"
         r"(?:when|the\s+(?:day|night)\s+(?:when\s+)?)i\s+(?:go|end\s+(?:it|things)|check\s+out)\b(?!\s+(?:to|back|for|in|out|home|on|into|shopping|away|up|down)\b)"),
        # water or a height gone to, not to come back ("walk into the river and not come back")
        r"\b(?:go|going|walk|walking|drive|driving)\s+(?:to|into|down\s+to|out\s+to|off)\s+(?:the\s+)?(?:river|sea|ocean|bridge|lake|cliffs?|tracks)\b[^.!?\n]{0,25}\b(?:not|never|n't)\s+(?:come|coming)\s+back\b",
        r"\bsuicide\s+note\b|\b(?:wrote|writing|write|drafted|left)\s+(?:a|my|the)\s+(?:goodbye|final|last)?\s*(?:note|letter|letters)\b[^.!?\n]{0,30}\b(?:goodbye|final|when|after|find|for my|for them|to my)",
        r"\b(?:reading|read|researching|looking|looked)\s+(?:up\s+)?(?:about\s+)?(?:ways|methods|places|how)\s+to\s+(?:do it|die|end it|jump|kill)\b|\b(?:wrote|writing|finished|rewrote|rewriting|drafted)\s+(?:the|my)\s+note\b|\b(?:looked|looking|look)\s+up\s+(?:how\s+(?:to\s+(?:die|do\s+it|end|kill|jump|hang|overdose)|tall|high|far\s+down|many\s+(?:pills|tablets)|long\s+it\s+takes)|ways|methods|the height|painless)|\b(?:googled|searched|researched|researching|looked into)\b[^.!?\n]{0,30}\b(?:painless|die|dying|bridge|overdose|lethal|how long it takes|methods?)\b",
        r"\bpainless(?:ly)?\s+(?:way|ways|death|to die|method)",
        r"\b(?:the|a|that)\s+(?:bridge|roof|rooftop|ledge|tracks|cliff|balcony|overpass)\b[^.!?\n]{0,40}\b(?:jump|stood|standing|looked down|looking down|edge|how high|how far|the drop|over the rail)",
        r"\bjump(?:ing|ed)?\s+(?:off|from)\s+(?:a|the|that)\s+(?:bridge|roof|rooftop|building|cliff|balcony|ledge|overpass|tower|parking)|\bjump(?:ing|ed)?\s+in\s+front\s+of\b|\bhang(?:ing)?\s+myself\b|\bnoose\b|\brope\b[^.!?\n]{0,30}\b(?:closet|ceiling|strong enough|bought|beam|garage|barn|ready|tied|hidden|where i put)|\b(?:the|my)\s+rope(?:'s|\s+is)\b",
        r"\b(?:insurance|policy)\b[^.!?\n]{0,40}\bpays?\s+out\b|\bwrote\s+down\s+where\b[^.!?\n]{0,40}\b(?:deed|title|will|passwords?|papers|documents)\b",
        r"\b(?:tallest|highest|top)\s+(?:car\s*park|parking\s+(?:garage|structure|lot)|building|bridge|level)\b[^.!?\n]{0,50}\b(?:open|access|checked|found|looked|scouted)\b|\b(?:picked|chosen|chose)\s+(?:the\s+)?(?:day|night|date|weekend)\b",
        r"\b(?:picked|chose|set|have)\s+(?:a|the)\s+date\b|\bi\s+(?:have|'ve got|ve got)\s+a\s+plan\b|\bmy\s+plan\s+is\b|\bmade\s+(?:a|my)\s+plan\b",
        # a place scouted for when nobody is there ("walked the bridge to see when it's emptiest", "how empty it gets")
        (r"\b(?:bridge|roof|rooftop|ledge|tracks|cliffs?|overpass|overlook|lookout|gorge|car\s*park|parking\s+(?:garage|structure)|pier|quarry|dam|tower)\b[^.!?\n]{0,50}\b(?:to\s+(?:see|find\s+out|learn|check|know|work\s+out)|figured\s+out|worked\s+out|checked|clocked)\b"
         r"[^.!?\n]{0,20}\b(?:when|what\s+time|which\s+hour|how)\b[^.!?\n]{0,25}\b(?:emptiest|quietest|deserted|empty|empties\s+out|nobody|no\s+one|no-one|least\s+busy)\b"
         # not when an everyday purpose is named ("… when it's quietest for the sunrise photos")
         r"(?![^.!?\n]{0,30}\bfor\s+(?:the\s+|a\s+|our\s+|my\s+)?(?:\w+\s+)?(?:photos?|pictures?|shoot|picnic|sunrise|sunset|stargazing|walk|run|swim|fishing|climb)\b)"),
        # no one there to stop it; a place and an hour as a line of a list ("- the bridge, after dark")
        r"\b(?:nobody|no\s+one|no-one)\s+(?:would|will|could|can)\s+(?:be\s+(?:around|there)\s+to\s+)?stop\s+me\b(?!\s+from\b)|"
        r"^(?:the\s+)?(?:bridge|roof|rooftop|river|tracks|cliffs?|overlook|ledge)\W{0,3}(?:after\s+dark|at\s+night|tonight)\W*$",
    ],
    "farewell": [
        r"\b(?:this|it|today)\s+(?:may|might|will|could|is going to)\s+be\s+(?:my\s+|the\s+)?last\s+(?:entry|post|time|page|thing|day|note|words)\b",
        r"^(?:my\s+|the\s+)?(?:very\s+)?last\s+(?:entry|post|page)\b(?!\s+(?:of|for|before|this|in)\b)|\b(?:goodbye|bye|so\s+long)\s+i\s+guess\b",
        r"\blast\s+post\b(?=\W*$)|(?<!year's )(?<!years )(?<!week's )(?<!month's )\bmy\s+(?:very\s+)?last\s+(?:diary\s+)?(?:entry|page|post)\b(?!\s+(?:of|for|before|this|in)\b)",
        r"\b(?:giv(?:e|ing|en)|gave)\s+(?:away|out)\s+(?:my|all\s+my|most\s+of\s+my|some\s+of\s+my)\b|\b(?:giv(?:e|ing|en)|gave)\s+(?:my|all my)\b[^.!?\n]{0,30}\baway\b",
        r"\bgoodbye\s+for\s+(?:real|good|ever)\b|\bwhile\s+i\s+still\s+(?:could|can)\b|\bdelet(?:e|ing|ed)\s+(?:all\s+)?(?:of\s+)?my\s+accounts\b|\b(?:goodbye|farewell|bye)\s+(?:everyone|world|all|to everyone|to all)\b|\bsay(?:ing)?\s+my\s+goodbyes?\b|\b(?:i|i'?ve|ive)\s+(?:already\s+)?said\s+(?:all\s+)?(?:my\s+)?goodbyes?\b",
        r"\b(?:wrote|writing|written)\s+(?:a\s+)?(?:letters?|notes?)\s+(?:to|for)\s+(?:each|every\s+one|all)\s+of\s+my\b|\bchanged\s+the\s+beneficiary\b|\bfor\s+everything,?\s+in\s+advance\b|\bthe\s+last\s+(?:call|person|goodbye|visit)\s+i\s+(?:needed|had|wanted)\s+to\s+(?:make|call|say|pay|see)\b",
        r"\bthank(?:s| you)\s+(?:everyone\s+|all\s+|all of you\s+)?for\s+everything\b|\bthank(?:ed|ing)?\s+(?:\w+\s+){1,2}for\s+everything\b|"
        # the writer's acts named as goodbyes others did not see ("Those were goodbyes, they just don't know it")
        r"\b(?:those|these|that|it|they)\s+(?:was|were)\s+(?:my\s+|all\s+)?(?:goodbyes?|farewells?)\b(?![^.!?\n]{0,20}\b(?:party|parties|drinks|dinner|lunch|card|tour)\b)|\bsorry\s+for\s+everything\b|\bforgive\s+me\b",
        r"\bnone\s+of\s+(?:it|this)\s+(?:was|is)\s+(?:on\s+you|your\s+fault)\b|\bif\s+you\s+find\s+this\b|\bmy\s+last\s+(?:log|login|message|stream|upload)\b|\b(?:gn|goodnight|good\s+night|bye)\s+forever\b|\bsorry\s+i\s+(?:couldn'?t|can'?t)\s+stay\b|\b(?:don'?t|never)\s+(?:you\s+)?(?:ever\s+)?(?:ever\s+)?think\s+this\s+was\s+(?:because\s+of|your\s+fault)\b",
        r"\bwon'?t\s+need\b[^.!?\n]{0,30}\bwhere\s+i'?m\s+going\b|\bi'?ve\s+made\s+my\s+peace\b(?!\s+with\s+(?:not|the|losing|that))|\bwhere\s+they'?ll\s+find\s+(?:them|it)\b",
        r"\b(?:this|it)\s+is\s+(?:my|the)\s+(?:very\s+)?last\s+(?:entry|page|post|time\s+i)\b(?!\s+(?:of|for|before)\b)|\b(?:nobody|no\s+one)\s+(?:needs?|has)\s+to\s+worry\s+about\s+me\s+(?:after|anymore|soon)\b|\btold\s+everyone\s+i\s+love\s+them\b",
        r"\bsaid\s+everything\s+i\s+(?:need|needed|wanted)\s+to\s+say\b|\bi\s+want\s+(?:him|her|them|you)\s+to\s+have\s+(?:it|them|my)\b|\bi'?m\s+checking\s+out\b(?!\s+(?:of\s+the|the|a|at|this|that|some|new|those|these)\b)",
        r"\b(?:won'?t|not|don'?t\s+think\s+i'?ll)\s+be\s+(?:around|here)\s+(?:for|by|at|next|much|to\s+see)\b",
        r"\b(?:so|now)\s+i\s+can\s+(?:go|rest|leave)(?:\s+now)?\W*$|"
        r"\b(?:so|that\s+way)\s+(?:nobody|no\s+one)\s+(?:has|will\s+have|needs)\s+to\s+(?:deal\s+with|sort\s+out|handle|worry\s+about)\s+(?:it|anything|that|them)\s+(?:after|afterwards|later|when)\b|"
        r"\b(?:when|after|once)\s+i'?m\s+(?:gone|not here|not around|dead)\b|\bwhen\s+i'?m\s+no\s+longer\s+(?:here|around)\b",
        r"\btake\s+care\s+of\s+(?:my|the)\s+(?:cat|dog|kids?|plants?|sister|brother|mom|dad)\s+(?:for me|when|after)\b",
        # going where one does not come back from or finally rests; a pet handed over ("he's hers now")
        (r"\bnot\s+going\s+anywhere\s+i'?(?:ll|d|\s+will|\s+would)\s+(?:ever\s+)?come\s+back\s+from\b|"
         r"\bgoing\s+(?:somewhere|some\s?place)\s+(?:i\s+(?:can'?t|won'?t)\s+come\s+back\s+from|(?:where\s+)?i\s+can\s+(?:finally\s+)?rest|(?:nobody|no\s+one)\s+can\s+follow)\b|"
         r"\b(?:he'?s|she'?s|they'?re)\s+(?:yours|hers|his|theirs)\s+now\b"),
        # a last act before going, with no destination ("one last good dinner from me before i go"); memorising someone
        # since there will be no other chance
        (r"\blast\b[^.!?\n]{0,40}\bbefore\s+i\s+(?:go|leave|'?m\s+gone)\b(?!\s+(?:to|back|out|home|on|in|into|for|away|abroad|off|up|down|shopping|through|tomorrow|next|this)\b)|"
         r"\bwon'?t\s+(?:get|have)\s+(?:another|a\s+second|one\s+more)\s+chance\b(?!\s+(?:to|at|for|this|until|till|in|next)\b)|"
         r"\bwon'?t\s+be\s+around\s+(?:after|past|beyond)\s+(?:tonight|today|tomorrow|this\s+(?:week|weekend|month))\b|\b(?:this\s+(?:is\s+)?me|i'?m|im)\s+(?:logging|signing|clocking|checking)\s+(?:off|out)\s+(?:for\s+good|forever|permanently)\b"),
        # telling the dead at their grave one is coming soon ("stopped at Dad's grave and told him I'd see him soon")
        r"\b(?:grave|cemetery|churchyard|headstone|ashes|urn)\b[^.!?\n]{0,80}" + _SOON_WITH_THE_DEAD,
        r"\b(?:put|putting|getting|got)\s+(?:my\s+)?(?:affairs|things|stuff)\s+in\s+order\b|\bwill\s+(?:and testament)?\b[^.!?\n]{0,20}\b(?:wrote|updated|finished)\b",
        r"\bwon'?t\s+(?:need|be\s+needing)\s+(?:it|them|this|that|either(?:\s+of\s+them)?|any\s+of\s+(?:it|this|them))\s+(?:after|past|beyond)\s+(?:the\s+|this\s+|next\s+)?\w+",
        r"\bwon'?t\s+be\s+needing\s+(?:it|them|these|those|my|any)\b|\b(?:won'?t|will not)\s+(?:need|be needing)\s+(?:it|them|these|my)\b[^.!?\n]{0,20}\b(?:anymore|much longer|where i'?m going)\b",
    ],
    "burden": [
        r"\bbetter\s+off\s+(?:growing\s+up\s+|living\s+)?(?:dead|gone|without\s+(?:a|an)\s+(?:mother|mom|mum|father|dad|wife|husband|son|daughter|sister|brother|friend|partner|parent)\s+like\s+me|without\s+me(?!\s+(?:slowing|holding|dragging|messing|on\s+(?:the|this)|in\s+(?:the|this)|for\s+(?:the|this|a)|this\s+(?:season|year|time|game|week|round)|while))|if\s+i\s+(?:just\s+)?(?:was|were|wasn'?t|weren'?t|died|disappeared|left)|with\s+me\s+gone|when\s+i'?m\s+gone)\b",
        # anyone's life eased if the writer were dead ("everyone's life would get easier if I was dead", "She'd have a real
        # life back if I weren't alive")
        (r"\b(?:easier|better|lighter|simpler|happier|freer|free|mercy|relief|kinder|kindness|favou?r|blessing)\b[^.!?\n]{0,40}\bif\s+i\s+(?:just\s+)?"
         r"(?:died|was\s+(?:dead|gone)|were\s+(?:dead|gone)|(?:wasn'?t|weren'?t|was\s+not|were\s+not)\s+(?:alive|breathin[g']?))\b|"
         r"\b(?:she|he|they|everyone|my\s+\w+)(?:'d|\s+would)\s+(?:have|get|be)\b[^.!?\n]{0,40}\bif\s+i\s+(?:weren'?t|wasn'?t|was\s+not|were\s+not)\s+alive\b"),
        # quitting for good in game words, as a gain to the others ("if i rage quit for real, like permanently, they'd finally carry")
        (r"\bif\s+i\s+(?:just\s+)?(?:rage\s*quit|logged\s+off|log\s+off|left|disappeared|vanished|unplugged|checked\s+out)\b[^.!?\n]{0,25}\b(?:for\s+good|permanently|forever)\b[^.!?\n]{0,30}\b(?:they|everyone|everybody|people|the\s+\w+)(?:'d|\s+would)\b|"
         r"\b(?:they|everyone|everybody|people|the\s+\w+)(?:'d|\s+would)\b[^.!?\n]{0,40}\bif\s+i\s+(?:just\s+)?(?:rage\s*quit|logged\s+off|log\s+off|left|disappeared|vanished|unplugged|checked\s+out)\b[^.!?\n]{0,15}\b(?:for\s+good|permanently|forever)\b"),
        r"\b(?:everyone|everybody|they|my family|my (?:mom|dad|parents|kids|wife|husband|partner|friends)|people|the world)(?:\s+(?:would|will)|'d)\s+(?:both\s+|all\s+)?be\s+(?:so\s+much\s+|much\s+)?(?:better|happier|fine|relieved|okay|free|lighter)\b[^.!?\n]{0,20}\b(?:without\s+me|if\s+i\s+(?:was|were)n'?t|if\s+i\s+(?:was|were|am)\s+gone|when\s+i'?m\s+gone|if\s+i\s+(?:died|disappeared|didn'?t exist))",
        r"\bdo\s+(?:them|everyone|everybody|the world|my family)\s+a\s+favou?r\s+(?:and|by)\s+(?:disappear|leav|dy|kill|not|just)",
        r"\b(?:one\s+less|less\s+of\s+a)\s+(?:burden|problem|mouth|thing)\b[^.!?\n]{0,30}\b(?:if|when|gone|without)\b",
        # the writer's death as what stops the cost to others ("my dying here would at least stop me costing them",
        # "if I died she'd finally have one less mouth to feed")
        (r"\bmy\s+(?:dying|death|being\s+(?:dead|gone))\b[^.!?\n]{0,30}\b(?:would|will|could|'d|might)\b[^.!?\n]{0,25}"
         r"\b(?:stop|save|spare|free|ease|help|end|fix|pay|cover)\w*\b|"
         r"\bif\s+i\s+(?:just\s+)?(?:died|was\s+(?:dead|gone)|were\s+(?:dead|gone))\b[^.!?\n]{0,40}\b(?:one\s+less|less\s+of\s+a)\s+(?:burden|problem|mouth|thing|worry|bill)\b"),
        r"\bbetter\s+off\b[^.!?\n]{0,40}\bthan\s+with\s+me\b|\bworth\s+more\s+dead\b|\b(?:mercy|relief|kindness|kinder|favou?r|blessing|better|easier)\b[^.!?\n]{0,25}\bif\s+(?:i\s+(?:died|was gone|were gone|disappeared|passed)|(?:the\s+lord|god|death)\s+took\s+me)\b",
        r"\b(?:take|remove|get)\s+(?:myself|me)\s+(?:off|out|away)\b[^.!?\n]{0,30}\b(?:for\s+good|permanently|forever)\b|\bbetter\s+(?:that\s+)?i\s+go\b|\b(?:with|without)\s+me\s+(?:subtracted|gone|out\s+of\s+the\s+picture)\b",
        r"\boutstayed\s+my\s+welcome\b|\bstop(?:ped)?\s+being\s+(?:his|her|their|everyone'?s|a)\s+problem\b|\b(?:manage|cope|do)\s+(?:fine\s+|better\s+)?without\s+me\b(?!\s+(?:slowing|holding|dragging|messing|on\s+(?:the|this)|in\s+(?:the|this)|for\s+(?:the|this|a)|this\s+(?:season|year|time|game|week|round)|while))|\b(?:easier|better)\b[^.!?\n]{0,40}\bwithout\s+me\b(?!\s+(?:slowing|holding|dragging|messing|on\s+(?:the|this)|in\s+(?:the|this)|for\s+(?:the|this|a)|this\s+(?:season|year|time|game|week|round)|while))",
        r"\b(?:save|spare)\b[^.!?\n]{0,40}\bif\s+i\s+(?:just\s+)?(?:kill\s+myself|died|was\s+gone|disappeared)\b",
        r"\b(?:save|spare)\b[^.!?\n]{0,40}\bby\s+(?:just\s+)?(?:dying|being\s+(?:dead|gone)|disappearing|going\s+first)\b",
        r"\b(?:easier|lighter|simpler)\s+for\s+(?:everyone|them|my family|everybody)\s+if\s+i\s+(?:wasn'?t|weren'?t|was gone|were gone|disappeared|died)\b",
    ],
    "worthless_death": [
        r"\b(?:nobody|no\s*one|no one)\b[^.!?\n]{0,20}?\bwould\s+(?:even\s+)?(?:notice|care|miss\s+me|cry|come)\b",
        r"\b(?:wouldn'?t|won'?t|didn'?t|would not)\s+(?:even\s+)?(?:notice|care|miss\s+me|matter)\s+if\s+i\s+(?:died|was gone|disappeared|were gone|vanished)\b",
        r"\bwaste\s+of\s+(?:air|oxygen|space|life|a life|skin)\b",
        r"\b(?:don'?t|do not|dont|doesn'?t)\s+deserve\s+to\s+(?:keep\s+)?(?:live|living|be alive|exist|be here|breathe|breathing)\b|\bshouldn'?t\s+(?:be alive|exist|be here)\b",
        r"\bworld\s+(?:wouldn'?t|won'?t)\s+(?:even\s+)?(?:notice|miss|care)\b|\b(?:wouldn'?t|won'?t|would\s+not)\s+(?:even\s+)?(?:lose|miss)\s+(?:a\s+(?:single\s+)?thing|anything)\s+if\s+i\s+(?:died|was\s+gone|were\s+gone|disappeared)\b",
        r"\bif\s+i\s+(?:didn'?t|don'?t|never)\s+(?:come|make\s+it)\s+(?:back|home)\b[^.!?\n]{0,40}\b(?:difference|matter|notice|care)\b|\bwouldn'?t\s+make\s+(?:much\s+|any\s+)?difference\s+if\s+i\b",
        r"\bmight\s+as\s+well\s+be\s+(?:under\s+it|dead|gone|in\s+the\s+ground)\b",
        # removed from the world like a faulty product ("should be recalled. like off the planet recalled")
        (r"\b(?:recalled|removed|deleted|erased|wiped|yeeted|taken)\b[^.!?\n]{0,20}\boff\s+(?:the|this)\s+(?:planet|earth|face\s+of\s+the\s+earth)\b|"
         r"\boff\s+(?:the|this)\s+(?:planet|earth)\s+(?:recalled|removed|deleted|erased|wiped|gone)\b"),
        r"\btaking\s+up\s+space\s+on\s+(?:this|the)\s+(?:earth|planet|world)\b|\bshouldn'?t\s+(?:get\s+to\s+)?(?:keep\s+)?(?:live|living|breathe|breathing|taking\s+up\s+space)\b",
    ],
    "hopeless": [
        r"\bno\s+way\s+out\b|\bno\s+(?:hope|future|exit|escape)\b|\b(?:hopeless|hopelessness)\b|\blost\s+all\s+hope\b|\bnothing\s+to\s+look\s+forward\s+to\b",
        r"\bnothing\s+(?:is\s+|will\s+)?(?:ever\s+)?(?:going\s+to\s+)?(?:change|changes|get\s+better|gets\s+better|improve|improves)\b|\b(?:never|won'?t\s+ever)\s+(?:get|gets)\s+better\b|\bit\s+(?:won'?t|will never)\s+get\s+better\b",
        r"\bcan'?t\s+(?:do\s+this|go\s+on|keep\s+going|take\s+(?:it|this|much more)|keep\s+doing\s+this|hold\s+on)\s*(?:any\s*more|much\s+longer|for\s+much\s+longer|like\s+this)\b(?!\s+(?:with|at|in|on|for)\b)",
        r"\bwhat'?s\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:anything|any of (?:this|it)|tryin[g']?|going on|life|me)\b|\bwhat'?s\s+the\s+point\s+anymore\b",
        r"\b(?:so\s+)?tired\s+of\s+(?:everything|fighting|trying|being me)\b|\bdon'?t\s+see\s+(?:a|any)\s+(?:way\s+(?:out|forward)|future|point|light)\b",
        r"\bgiv(?:e|ing)\s+up\s+on\s+(?:everything|life|myself|living)\b|\b(?:stuck|trapped)\s+(?:forever|for good|in (?:this|my) (?:life|head|body))\b|\b(?:feel(?:s|ing)?|i'?m|i\s+am)\s+(?:so\s+)?trapped\b",
        r"\bfuture\s+(?:just\s+)?(?:went|is|looks|feels)\s+(?:so\s+)?(?:dark|black|empty|bleak|pointless)\b|\bcan'?t\s+(?:picture|imagine|see)\s+(?:a\s+single\s+|any\s+)?(?:good\s+thing|future|anything\s+good)\b",
        r"\bno\s+light\s+at\s+the\s+end\b|\bjust\s+more\s+tunnel\b|\bnothin'?g?\s+ever\s+(?:changes|works|gets\s+better)\b|\bstuck\s+like\s+this\s+forever\b|\b(?:ain'?t\s+)?nothing\s+(?:is\s+)?gonna\s+get\s+better\b|\b(?:quit|stopped)\s+hoping\b|\b(?:don'?t|do\s+not)\s+believe\s+in\s+(?:next\s+\w+|tomorrow|the\s+future|anything)\b",
        r"\bstopped\s+believing\s+(?:anything|things|it)\s+(?:will|would|could)\s+(?:change|get\s+better)\b|\bcan'?t\s+(?:picture|imagine|see)\b[^.!?\n]{0,45}\b(?:different|better|changing)\b",
        # expecting given up, a grey that will always be, no better for "people like us"
        (r"\b(?:stopped|quit|given\s+up)\s+(?:expecting|waiting\s+for)\s+(?:one|anything|things|it|that)\b(?=\W*$|\s+(?:to|not)\b)|"
         r"\b(?:it'?s|it\s+is|life\s+is|things\s+are|it'?s\s+all)\s+(?:always|forever)\s+(?:going\s+to|gonna)\s+be\s+(?:this\s+(?:way|grey|gray|dark|bad|hard|heavy|empty)|like\s+this)\b|"
         r"\b(?:don'?t|do\s+not|doubt|never)\b[^.!?\n]{0,25}\b(?:get|gets|getting)\s+better\s+for\s+(?:people\s+like\s+(?:us|me)|someone\s+like\s+me|the\s+likes\s+of\s+(?:us|me))\b"),
        r"\bnothing\s+to\s+(?:get\s+up|live|wake\s+up)\s+for\b|\bcan'?t\s+see\s+(?:that|it|this|things)\s+ever\s+(?:changing|getting\s+better)\b|^what'?s\s+(?:even\s+)?the\s+point\W*$|\bnothing\s+ever\s+works\s+out\b",
        r"\b(?:nothing|no one)\s+(?:can|could)\s+(?:help|fix)\s+me\b|\bbeyond\s+(?:help|saving|repair)\b|\b(?:everything|it all)\s+(?:feels|is)\s+(?:pointless|meaningless)\b",
    ],
    "burden_only": [
        r"\b(?:i'?m|i am|im|feel like|being|i feel like)\s+(?:(?:lowkey|literally|honestly|basically|kinda|really|truly|deadass)\s+)*(?:such\s+|just\s+|only\s+|nothing\s+but\s+|always\s+)?(?:a|an)\s+(?:burden|drain|inconvenience|weight)\b",
        # kept on out of pity ("im the group's charity case", "they only keep me around out of pity")
        r"\b(?:i'?m|im|i\s+am)\s+(?:\w+\s+){0,2}?(?:the|a|their|everyone'?s|the\s+\w+'?s)\s+charity\s+case\b|\b(?:keep|kept|keeps|invite\w*|put\s+up\s+with)\s+me\s+(?:around\s+)?(?:only\s+)?out\s+of\s+(?:pity|obligation|guilt)\b",
        (r"\b(?:i'?ve\s+(?:become|turned\s+into)|i\s+(?:became|turned\s+into)|i'?m\s+(?:becoming|turning\s+into))\s+(?:such\s+|just\s+|only\s+|nothing\s+but\s+)?(?:a|an)\s+(?:\w+\s+)?(?:burden|drain|chore|weight|obligation|liability|charity\s+case|inconvenience|problem)\b|"
         r"\b(?:burden|weight|chore|obligation|responsibility)\s+(?:he|she|they|nobody|no\s+one)\s+(?:didn'?t|never|did\s+not)\s+(?:sign(?:ed)?\s+up|ask(?:ed)?)\s+for\b|\b(?:didn'?t|never|did\s+not)\s+sign(?:ed)?\s+up\s+for\s+(?:me\b|(?:looking\s+after|taking\s+care\s+of|babysitting|carrying|nursing)\s+me\b)"),
        r"\bi\s+ruin\s+everything\b|\bthe\s+problem\s+(?:someone|everyone|people)\s+(?:else\s+)?(?:has|have)\s+to\s+(?:solve|deal|fix)\b|\bi'?m\s+(?:so\s+)?exhausting\b|\ba\s+tax\s+(?:people|everyone)\s+pay|\bif\s+they\s+didn'?t\s+have\s+to\s+deal\s+with\s+me\b|\bextra\s+work\s+for\s+(?:people|everyone|ppl)\b|"
        r"\btoo\s+heavy\s+(?:on|for)\s+(?:him|her|them)\b|\ba\s+drain\s+on\b|\bdragging\s+(?:the\s+whole\s+\w+|everyone|them|us|the\s+team)\s+down\b|\bi'?m\s+the\s+reason\s+(?:everyone|they|my\s+\w+)\b|\bwrecking\s+(?:my\s+)?(?:whole\s+)?(?:family|their\s+lives|everyone)\b|"
        r"\b(?:heavy\s+)?(?:stone|weight|anchor|load|millstone)\s+(?:on|around|round)\s+(?:his|her|their|my\s+\w+'?s|everyone'?s)\s+(?:back|neck|shoulders)\b|\bdead\s+weight\b|\bi'?m\s+(?:just\s+)?(?:one\s+more|another|the)\s+(?:problem|thing|burden|weight|chore|errand)\b|\b(?:i'?m|im|i\s+am)\s+(?:just\s+|only\s+|always\s+|so\s+)?in\s+(?:the|their|everyone'?s|his|her|your)\s+way\b(?!\s+(?:of|to)\b)|\bone\s+more\s+(?:thing|burden|mouth|chore|problem)\s+for\s+(?:them|her|him|everyone|my\s+\w+)\s+to\s+(?:manage|deal\s+with|handle|worry\s+about|look\s+after|take\s+care\s+of)\b|\bmaking\s+(?:\w+\s+){0,2}(?:life|lives|things|everything)\s+harder\b|\bburden\s+(?:to|on|for)\s+(?:everyone|everybody|my|them|you|the people)\b|\bruin(?:ing)?\s+everyone'?s\s+li(?:fe|ves)\b",
    ],
    "worthless_only": [
        r"\b(?:i'?m|i am|im|i feel|feel)\s+(?:so\s+|completely\s+|totally\s+|just\s+|utterly\s+|such\s+)?(?:\w+ly\s+)?(?:a\s+)?(?:complete\s+|total\s+|huge\s+)?(?:worthless|a\s+nobody|useless|a failure|failure|nothing|a waste|pathetic|a disappointment|unlovable|trash|garbage)\b(?!\s+(?:at|with)\b)",
        # a life's account ("I have been a failure as a father", "achieved nothing of any worth"), a background NPC
        (r"\bi\s+(?:have|'ve)\s+been\s+(?:nothing\s+but\s+)?a\s+(?:complete\s+|total\s+|utter\s+)?(?:failure|disappointment|waste)\b|"
         r"\b(?:achieved|accomplished|amounted\s+to|done)\s+nothing\s+of\s+(?:any\s+)?(?:worth|value)\b|\bnever\s+amounted\s+to\s+anything\b|"
         r"\b(?:me\s*=|i'?m|im|i\s+am)\s+(?:just\s+|literally\s+)?(?:a\s+|an\s+|the\s+)?(?:background\s+)?(?:npc|extra)\s+(?:w|with)\s+no\s+lines\b"),
        r"\b(?:i'?m|im|i\s+am)\s+(?:such\s+|just\s+)?a\s+walking\s+(?:disappointment|failure|mistake|l|waste|embarrassment)\b|\bi\s+(?:hate|despise|loathe)\s+myself\b|\beveryone\s+hates\s+me\b|\bsick\s+of\s+being\s+nothing\b|\bjust\s+a\s+nobody\b",
    ],
}

# 자살, 자해 and 약 are also the tails of everyday compounds that the spaceless form joins up
# (혼자 살 생각, 혼자 해외여행, 계약금): not after the first syllable of one.
_COMPOUND_GUARDS = {"자살": "(?<![혼남여과의모사감피왕박액부타상환관학기저독판제])자살",
                    "자해": "(?<![혼남여과의모사감피왕박액부타상환관학기저독판제])자해",
                    "약": "(?<![계예절공규조협언요비치구])약"}


def _guarded(pattern: str) -> str:
    return re.sub("|".join(_COMPOUND_GUARDS), lambda m: _COMPOUND_GUARDS[m.group(0)], pattern)


KO_CONSTRUCTS: tuple[Construct, ...] = tuple(
    Construct("ko", category, re.compile(_guarded(p))) for category, ps in _KO.items() for p in ps)
EN_CONSTRUCTS: tuple[Construct, ...] = tuple(
    Construct("en", category, re.compile(p)) for category, ps in _EN.items() for p in ps)


# What a sentence says only after the two before it: telling the dead one is coming soon at their grave
# ("할머니 산소에 다녀왔다. … 저도 곧 간다고 말씀드렸다", "Stopped at Dad's grave. Told him I'd see him soon."),
# and a height or a bridge gone to see, then its crowd or a return at night ("다리에 가 봤다. 사람이 많더라. 밤에 다시 가 볼란다.",
# "Walked up to the overpass. Going back after dark.").
_ACROSS_SENTENCES = (
    (re.compile(r"산소|성묘|묘비|비석|묘소|묘지|납골당|봉안당|추모공원|수목장|\b(?:grave|cemetery|churchyard|headstone)\b"), (
        Construct("ko", "farewell", re.compile(r"(?:저도|나도)곧(?:간다|갈|가요|갑니다|따라)|자리(?:하나)?(?:맡아|비워)(?:둬|놔|줘|두)|곧\S{0,6}(?:갈|가)\S{0,8}기다리|곧\S{0,6}(?:갈|가)\S{0,8}기다려")),
        Construct("en", "farewell", re.compile(_SOON_WITH_THE_DEAD)))),
    (re.compile(r"(?:다리|대교|옥상|난간|철로|선로)(?:에|위에|위로|까지)?(?:가봤|가봄|올라가봤|올라가봄|다녀왔|다녀옴|답사)|"
                r"\b(?:went|walked|drove|climbed)\s+(?:up\s+)?(?:to|onto|out\s+to)\s+(?:the\s+)?(?:bridge|roof|rooftop|overpass|cliffs?|ledge)\b"), (
        # (not for the view, a photo or company: "밤에 다시 올라가서 야경 사진 찍어야지")
        Construct("ko", "plan", re.compile(r"(?:밤|새벽|사람없을때|아무도없을때)에?(?:다시|또)(?:가|와|올라)(?!\S{0,14}(?:사진|별|야경|구경|산책|운동|데이트|불꽃|친구|같이|랑|하고))")),
        Construct("en", "plan", re.compile(r"\b(?:go|come|going|coming)\s+back\s+(?:at\s+night|after\s+dark|tonight|when\s+it'?s\s+(?:dark|empty|quiet))\b(?!\s+(?:for|to|with)\b)")))),
)


def told_across_sentences(sentence: str, previous: str) -> list[Construct]:
    """The constructs this sentence makes with the ones before it (only asked of a sentence with none of its own)."""
    compact_previous = re.sub(r"\s+", "", previous)  # Korean cues are read without spaces, English ones with
    cued = [constructs for before, constructs in _ACROSS_SENTENCES if before.search(compact_previous) or before.search(previous)]
    if not cued:  # nearly every sentence: no grave, bridge or roof just before it
        return []
    compact = re.sub(r"\s+", "", sentence)
    return [c for constructs in cued for c in constructs if c.pattern.search(compact if c.language == "ko" else sentence)]


def find_constructs(sentence: str) -> list[Construct]:
    """Every construct found in one revealed sentence (Korean ones on its spaceless form)."""
    found: list[Construct] = []
    compact = re.sub(r"\s+", "", sentence)
    if re.search(r"[\uac00-\ud7a3ㄱ-ㅎ]", compact):
        found.extend(c for c in KO_CONSTRUCTS if c.pattern.search(compact))
    if re.search(r"[a-z]", sentence):
        found.extend(c for c in EN_CONSTRUCTS if c.pattern.search(sentence))
    return found
