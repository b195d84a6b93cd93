"""Tiny transformers text-classification checkpoints built on disk, no downloads.

`write_tiny_classifier(dir, labels, texts)` writes a save_pretrained() directory (config,
safetensors weights, WordPiece tokenizer) that the production loaders open exactly as they
would open KOTE's KcELECTRA. Needs the `ml` extra (torch, transformers).
"""
from __future__ import annotations

import pathlib
from collections.abc import Sequence

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def wordpiece_vocab(texts: Sequence[str]) -> list[str]:
    """Specials, then every non-space character of `texts` as a word start and as '##' piece.

    Hangul syllables are not split by BERT's pre-tokenizer, so a syllable vocabulary lets
    WordPiece encode every fixture word ('행복한' -> 행, ##복, ##한) with no [UNK].
    """
    chars = sorted({c for text in texts for c in text if not c.isspace()})
    return [*SPECIAL_TOKENS, *chars, *(f"##{c}" for c in chars)]


def write_tiny_classifier(
    directory: pathlib.Path,
    labels: Sequence[str],
    texts: Sequence[str],
    *,
    arch: str = "electra",
    multi_label: bool = True,
    max_position_embeddings: int = 64,
    seed: int = 0,
    dominant_label: str | None = None,
    model_max_length: int | None = None,
    initializer_range: float = 0.2,
) -> pathlib.Path:
    """Save a seeded, randomly initialised 2-layer classifier with `labels` as id2label.

    dominant_label: zero the output layer and give that label a large bias, so it wins for
        every input (softmax ~1, sigmoid ~1, the others ~0).
    model_max_length: written into the tokenizer config; None leaves transformers' "unset"
        default, so the model's position-embedding count is the only length limit.
    initializer_range: std of the random weights; BERT's 0.02 gives nearly the same logits
        for every input, the larger default makes different texts score visibly apart.
    """
    import torch
    from transformers import AutoModelForSequenceClassification, BertConfig, BertTokenizer, ElectraConfig

    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    vocab = wordpiece_vocab(texts)
    vocab_dir = directory / "_vocab"
    vocab_dir.mkdir(exist_ok=True)
    (vocab_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # transformers v5 ignores a `vocab_file=` argument; loading the folder reads vocab.txt.
    # do_lower_case=False: lower-casing also NFD-decomposes Hangul into jamo, off-vocabulary.
    tokenizer_kwargs = {"do_lower_case": False}
    if model_max_length is not None:
        tokenizer_kwargs["model_max_length"] = model_max_length
    tokenizer = BertTokenizer.from_pretrained(vocab_dir, **tokenizer_kwargs)
    if len(tokenizer.get_vocab()) != len(vocab):
        raise RuntimeError(f"tiny tokenizer has {len(tokenizer.get_vocab())} tokens, expected {len(vocab)}")

    common = dict(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=37,
        max_position_embeddings=max_position_embeddings,
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        problem_type="multi_label_classification" if multi_label else "single_label_classification",
        pad_token_id=0,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        initializer_range=initializer_range,
    )
    if arch == "electra":
        config = ElectraConfig(embedding_size=32, **common)
    elif arch == "bert":
        config = BertConfig(**common)
    else:
        raise ValueError(f"unknown arch {arch!r}")

    torch.manual_seed(seed)
    model = AutoModelForSequenceClassification.from_config(config)
    if dominant_label is not None:
        out = model.classifier.out_proj if arch == "electra" else model.classifier
        with torch.no_grad():
            out.weight.zero_()
            out.bias.fill_(-8.0)
            out.bias[list(labels).index(dominant_label)] = 8.0
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
