"""Emotion classifier on a fine-tuned transformers text-classification model.

Any `AutoModelForSequenceClassification` checkpoint works (KOTE's 44-label KcELECTRA, an
English Ekman-7 model, ...): a *label map* says which of the model's labels (its config
`id2label`) count towards which of the nine emotions. Labels the map leaves out, or maps to
null, are ignored; several labels may map to one emotion and their probabilities are summed
(or the largest taken, `aggregate="max"`); the mapped scores are then renormalised over the
nine emotions by `Distribution`.

torch and transformers come from the optional `ml` extra (`pip install -e ".[ml]"`). They
are imported when a classifier is built, never when this module is imported, so the
emotion service runs without them when it is configured with another classifier.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from emotion_service.domain.analysis.emotions import EMOTIONS, Distribution, Emotion

__all__ = [
    "MissingMlExtraError",
    "TransformersClassifier",
    "load_label_map",
    "parse_label_map",
]

#: Upper bound on tokens per text whatever the model claims (BERT/ELECTRA-family limit).
MAX_TOKENS = 512

_MULTI_LABEL = "multi_label_classification"
#: Model types whose position ids start at padding_idx + 1 (514 embeddings -> 512 tokens).
_OFFSET_POSITIONS = frozenset(
    {"roberta", "xlm-roberta", "xlm-roberta-xl", "roberta-prelayernorm", "camembert"}
)


class MissingMlExtraError(ImportError):
    """torch or transformers is missing: the `ml` extra is not installed."""


def _import_ml() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingMlExtraError(
            "TransformersClassifier needs torch and transformers, which come with the "
            "optional 'ml' extra: pip install -e '.[ml]' "
            f"(import failed: {exc})"
        ) from exc
    return torch, transformers


def _emotion_by_name(name: str) -> Emotion:
    """'HAPPY' / 'happy' (the API key) or '행복' (the Korean label) -> Emotion."""
    key = name.strip()
    try:
        return Emotion[key.upper()]
    except KeyError:
        pass
    try:
        return Emotion(key)
    except ValueError:
        valid = ", ".join(f"{e.name} ({e.value})" for e in EMOTIONS)
        raise ValueError(f"unknown emotion {name!r}; expected one of: {valid}") from None


def parse_label_map(label_map: Mapping[str, str | None]) -> dict[str, Emotion]:
    """Validate a model-label -> emotion-name map; entries mapped to None/"" are dropped.

    Raises ValueError naming the offending label when an emotion name is unknown. Needs
    neither torch nor transformers, so configuration can be checked at start-up.
    """
    if not isinstance(label_map, Mapping):
        raise ValueError(
            f"label map must be a mapping of model label -> emotion, got {type(label_map).__name__}"
        )
    parsed: dict[str, Emotion] = {}
    for label, target in label_map.items():
        if not isinstance(label, str):
            raise ValueError(f"label map keys must be strings, got {label!r}")
        if target is None or (isinstance(target, str) and not target.strip()):
            continue
        if not isinstance(target, str):
            raise ValueError(f"label {label!r}: emotion must be a string, got {target!r}")
        try:
            parsed[label] = _emotion_by_name(target)
        except ValueError as exc:
            raise ValueError(f"label map entry {label!r}: {exc}") from None
    if not parsed:
        raise ValueError("label map maps no label to an emotion")
    return parsed


def load_label_map(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """Read a label map from a JSON file: {"기쁨": "JOY", "행복": "HAPPY", "없음": "NONE", ...}.

    The top-level object may also be wrapped as {"label_map": {...}} so the file can carry
    other keys (a description, the model it belongs to). Values are validated here.
    """
    with open(path, encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{os.fspath(path)}: not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("label_map"), dict):
        data = data["label_map"]
    if not isinstance(data, dict):
        raise ValueError(f"{os.fspath(path)}: expected a JSON object of model label -> emotion name")
    try:
        parse_label_map(data)
    except ValueError as exc:
        raise ValueError(f"{os.fspath(path)}: {exc}") from None
    return data


class TransformersClassifier:
    """`EmotionClassifier` backed by a transformers sequence-classification model.

    model: a local directory (save_pretrained layout) or a hub id; with
        `local_files_only=True` (the default) nothing is downloaded.
    label_map: model label (as in the model's `id2label`) -> emotion name ("HAPPY" or
        "행복"); None or "" means "ignore this label", as does leaving it out. Every key
        must be one of the model's labels, so a typo fails at start-up.
    multi_label: sigmoid per label (True) or softmax over labels (False); None follows the
        model config's `problem_type` (softmax unless it is multi_label_classification).
    unmapped: "drop" ignores the probability of labels the map leaves out before
        renormalising; "none" adds it to NONE (useful with softmax heads).
    aggregate: how the labels of one emotion combine: "sum" (default) or "max".
    """

    name = "transformers"

    def __init__(
        self,
        model: str,
        label_map: Mapping[str, str | None],
        *,
        batch_size: int = 32,
        device: str = "cpu",
        local_files_only: bool = True,
        max_length: int = MAX_TOKENS,
        multi_label: bool | None = None,
        unmapped: Literal["drop", "none"] = "drop",
        aggregate: Literal["sum", "max"] = "sum",
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if max_length < 1:
            raise ValueError(f"max_length must be >= 1, got {max_length}")
        if unmapped not in ("drop", "none"):
            raise ValueError(f"unmapped must be 'drop' or 'none', got {unmapped!r}")
        if aggregate not in ("sum", "max"):
            raise ValueError(f"aggregate must be 'sum' or 'max', got {aggregate!r}")
        mapping = parse_label_map(label_map)  # before the heavy imports: fail fast

        torch, transformers = _import_ml()
        self._torch = torch
        self.model_name = model
        self.batch_size = batch_size
        self.device = torch.device(device)
        self.unmapped = unmapped
        self.aggregate = aggregate

        self._tokenizer = transformers.AutoTokenizer.from_pretrained(model, local_files_only=local_files_only)
        net = transformers.AutoModelForSequenceClassification.from_pretrained(
            model, local_files_only=local_files_only
        )
        self._model = net.to(self.device).eval()
        config = net.config

        id2label = {int(i): str(lbl) for i, lbl in (config.id2label or {}).items()}
        num_labels = int(config.num_labels)
        if sorted(id2label) != list(range(num_labels)):
            raise ValueError(f"{model}: config id2label {id2label!r} does not cover {num_labels} labels")
        self.labels: tuple[str, ...] = tuple(id2label[i] for i in range(num_labels))

        unknown = sorted(set(label_map) - set(self.labels))
        if unknown:
            raise ValueError(
                f"label map names labels the model {model} does not have: {unknown}; "
                f"model labels: {list(self.labels)}"
            )

        if multi_label is None:
            problem_type = getattr(config, "problem_type", None)
            if problem_type == "regression":
                raise ValueError(f"{model}: problem_type 'regression' is not a classification head")
            multi_label = problem_type == _MULTI_LABEL
        self.multi_label = bool(multi_label)

        # labels x emotions projection; an unmapped column collects the rest for "none".
        projection = torch.zeros(num_labels, len(EMOTIONS))
        unmapped_mask = torch.ones(num_labels, dtype=torch.bool)
        for index, label in enumerate(self.labels):
            emotion = mapping.get(label)
            if emotion is not None:
                projection[index, EMOTIONS.index(emotion)] = 1.0
                unmapped_mask[index] = False
        self._projection = projection
        self._unmapped_mask = unmapped_mask
        self.label_map: dict[str, Emotion] = {lbl: mapping[lbl] for lbl in self.labels if lbl in mapping}

        self.max_length = min(max_length, MAX_TOKENS, *self._model_limits(config))

    def _model_limits(self, config: Any) -> list[int]:
        limits = []
        tokenizer_max = getattr(self._tokenizer, "model_max_length", None)
        if isinstance(tokenizer_max, int) and 0 < tokenizer_max < 1_000_000:
            limits.append(tokenizer_max)  # larger is transformers' "not set" sentinel
        positions = getattr(config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 0:
            if getattr(config, "model_type", "") in _OFFSET_POSITIONS:
                positions -= 2  # RoBERTa-style position ids start after the padding index
            limits.append(positions)
        return limits

    # -- inference ---------------------------------------------------------------------------

    def label_probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per-text probability of every model label (sigmoid or softmax), before mapping.

        For features outside the nine emotions (e.g. KOTE 절망 for the safety check).
        """
        probs = self._probabilities(texts)
        return [dict(zip(self.labels, row.tolist(), strict=True)) for row in probs]

    def classify(self, texts: Sequence[str]) -> list[Distribution]:
        probs = self._probabilities(texts)
        if probs.shape[0] == 0:
            return []
        torch = self._torch
        if self.aggregate == "sum":
            scores = probs @ self._projection
        else:
            scores = (probs.unsqueeze(-1) * self._projection).amax(dim=1)
        if self.unmapped == "none":
            scores[:, EMOTIONS.index(Emotion.NONE)] += probs[:, self._unmapped_mask].sum(dim=1)
        scores = torch.clamp(scores, min=0.0)
        return [Distribution(row.tolist()) for row in scores]

    def _probabilities(self, texts: Sequence[str]) -> Any:
        """(len(texts), num_labels) float32 CPU tensor, rows in input order."""
        torch = self._torch
        if isinstance(texts, str):
            raise TypeError("classify() takes a sequence of texts, not one string")
        items = [str(t) for t in texts]
        out = torch.empty(len(items), len(self.labels), dtype=torch.float32)
        if not items:
            return out
        # Longest first: similar lengths share a batch, so there is less padding to compute.
        order = sorted(range(len(items)), key=lambda i: len(items[i]), reverse=True)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                encoded = self._tokenizer(
                    [items[i] for i in chunk],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                encoded = {k: v.to(self.device) for k, v in encoded.items()}
                logits = self._model(**encoded).logits.float()
                probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
                out[torch.tensor(chunk)] = probs.cpu()
        return out

    def __repr__(self) -> str:
        head = "sigmoid" if self.multi_label else "softmax"
        return (
            f"TransformersClassifier(model={self.model_name!r}, labels={len(self.labels)}, "
            f"mapped={len(self.label_map)}, head={head}, device={self.device}, "
            f"batch_size={self.batch_size}, max_length={self.max_length})"
        )
