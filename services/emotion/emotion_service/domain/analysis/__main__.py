"""Analyse diaries from standard input, one per line, and print one JSON object per line.

    printf '오늘 친구랑 한강에서 치킨을 먹었다. 행복했다.\n' | python -m emotion_service.domain.analysis

Keys: dominant ("HAPPY"), emotion (Korean label), distribution (all nine), hashtags, safety
(true when urgent), risk ("none" | "concern" | "urgent"), risk_reasons (category codes, never
words of the text), feedback. Empty lines are skipped. Input is read as UTF-8; invalid bytes are replaced.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from emotion_service.domain.analysis.analyser import Analysis, DiaryAnalyser
from emotion_service.domain.analysis.factory import CLASSIFIERS, build_classifier


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        batch.append(text)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def to_json(analysis: Analysis) -> dict[str, Any]:
    return {
        "dominant": analysis.dominant.name,
        "emotion": analysis.dominant.korean,
        "distribution": analysis.distribution.by_name(),
        "hashtags": list(analysis.hashtags),
        "safety": analysis.safety_flag,
        "risk": analysis.risk.value,
        "risk_reasons": list(analysis.risk_reasons),
        "feedback": analysis.feedback,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emotion_service.domain.analysis",
                                     description="Analyse diaries from stdin (one per line) into JSON lines.")
    parser.add_argument("--classifier", default="offline", choices=sorted(CLASSIFIERS))
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    analyser = DiaryAnalyser(build_classifier(args.classifier))
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline=None)
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace",
                              newline="\n", write_through=False)
    start = last = time.perf_counter()
    done = 0
    try:
        for batch in _batches(stdin, args.batch_size):
            for analysis in analyser.analyse(batch):
                stdout.write(json.dumps(to_json(analysis), ensure_ascii=False) + "\n")
            done += len(batch)
            now = time.perf_counter()
            if not args.quiet and now - last >= 2.0:
                print(f"{done} analysed ({done / (now - start):.0f}/s)", file=sys.stderr, flush=True)
                last = now
        stdout.flush()
    except BrokenPipeError:  # `| head`: stop quietly
        return 0
    if not args.quiet and done >= 1000:
        print(f"{done} analysed in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
