"""`python -m emotion_service.domain.analysis`: JSON lines out, invalid UTF-8 in."""

from __future__ import annotations

import json
import subprocess
import sys

from emotion_service.domain.analysis.emotions import EMOTIONS


def _run(data: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "emotion_service.domain.analysis", *args],
                          input=data, capture_output=True, timeout=60, check=False)


def test_json_lines_round_trip():
    lines = ["오늘 친구들과 한강에서 치킨을 먹었다. 정말 행복한 하루였다.", "",
             "I was so sad and tired today. I miss my grandma.", "   ",
             "요즘 그냥 죽고 싶다는 생각만 든다"]
    proc = _run(("\n".join(lines) + "\n").encode("utf-8"), "--batch-size", "2")
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == 3  # empty lines skipped
    for obj in out:
        assert {"dominant", "distribution", "hashtags", "safety", "feedback", "emotion"} <= set(obj)
        assert set(obj["distribution"]) == {e.name for e in EMOTIONS}
        assert abs(sum(obj["distribution"].values()) - 1.0) < 1e-3
        assert obj["dominant"] == max(obj["distribution"], key=obj["distribution"].get)
        assert 1 <= len(obj["hashtags"]) <= 3
    assert out[0]["dominant"] == "HAPPY" and out[0]["emotion"] == "행복"
    assert "한강" in out[0]["hashtags"]
    assert out[1]["dominant"] == "SAD" and out[1]["emotion"] == "슬픔"
    assert [o["safety"] for o in out] == [False, False, True]
    assert "109" in out[2]["feedback"]


def test_invalid_utf8_is_replaced_not_fatal():
    data = (b"\xff\xfe\xc3 " + "오늘 시험에 떨어져서 너무 슬펐다\n".encode()
            + b"plain \x80 english line, I was happy\n")
    proc = _run(data)
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == 2
    assert out[0]["dominant"] == "SAD"


def test_unknown_classifier_is_a_usage_error():
    proc = _run(b"hello\n", "--classifier", "nope")
    assert proc.returncode == 2
