"""A tiny Stable Diffusion pipeline built on disk, no downloads.

`write_tiny_pipeline(folder)` writes a `save_pretrained()` folder (model_index.json, unet/, vae/,
text_encoder/, tokenizer/, scheduler/ with safetensors weights) that the production loader
(`gpu_worker.adapters.engines.diffusers_engine.DiffusersEngine`, i.e. `from_pretrained(folder,
local_files_only=True)`) opens exactly as it would open SD-Turbo. Weights are random but seeded, so
the same call always writes the same model. Sizes follow diffusers' own Stable Diffusion pipeline
tests (docs/performance.md, "The gpu-worker"): UNet/VAE block_out_channels (4, 8), VAE scale factor 2, so a 64x64
image is a 32x32 latent; the text encoder has hidden_size 8 = the UNet's cross_attention_dim.

The tokenizer is a byte-level CLIP tokenizer (514 tokens, model_max_length 77), so
Korean prompts get real, distinct ids. The scheduler is EulerDiscreteScheduler with
timestep_spacing="trailing", as for SD-Turbo (1 step, guidance_scale 0.0).

Usage (tests, bench/card_bench.py):

    from tests.support.tiny_diffusion import write_tiny_pipeline
    path = write_tiny_pipeline(tmp_path / "tiny-sd")   # -> the folder, created if needed
    engine = build_engine("diffusers", model=str(path), device="cpu", dtype="fp32")

Needs torch, transformers and diffusers (the `ml` extra + diffusers). Set HF_HUB_OFFLINE=1 in tests
so an accidental hub call fails fast; nothing here touches the network.
"""

from __future__ import annotations

import json
import pathlib

TOKENIZER_SPECIALS = ("<|startoftext|>", "<|endoftext|>")  # ids 0 (bos) and 1 (eos = pad = unk)


def write_tiny_clip_tokenizer(folder: pathlib.Path) -> pathlib.Path:
    """Tiny byte-level CLIP tokenizer files (vocab.json, merges.txt, tokenizer_config.json)."""
    from tokenizers import pre_tokenizers

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    chars = sorted(pre_tokenizers.ByteLevel.alphabet())  # the 256 byte symbols
    tokens = [*TOKENIZER_SPECIALS, *chars, *(c + "</w>" for c in chars)]  # 514 tokens, no merges
    (folder / "vocab.json").write_text(
        json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 77}), encoding="utf-8")
    return folder


def tiny_components(tokenizer_dir: pathlib.Path, seed: int = 0) -> dict:
    """Seeded tiny components for StableDiffusionPipeline (diffusers' own test sizes)."""
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=8,
        norm_num_groups=2,
        time_cond_proj_dim=None,
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        timestep_spacing="trailing",
        steps_offset=1,  # what SD checkpoints ship; 0 draws a deprecation warning on load
    )
    torch.manual_seed(seed)
    vae = AutoencoderKL(
        block_out_channels=[4, 8],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
        norm_num_groups=2,
        sample_size=64,
    )
    torch.manual_seed(seed)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            hidden_size=8,
            intermediate_size=16,
            layer_norm_eps=1e-05,
            num_attention_heads=2,
            num_hidden_layers=2,
            vocab_size=1000,  # >= the 514 tokens of the byte-level tokenizer
            max_position_embeddings=77,
        )
    )
    tokenizer = CLIPTokenizer.from_pretrained(write_tiny_clip_tokenizer(tokenizer_dir))
    return {
        "unet": unet,
        "scheduler": scheduler,
        "vae": vae,
        "text_encoder": text_encoder,
        "tokenizer": tokenizer,
        "safety_checker": None,
        "feature_extractor": None,
        "image_encoder": None,
    }


def write_tiny_pipeline(folder: str | pathlib.Path, seed: int = 0) -> pathlib.Path:
    """Build the seeded tiny StableDiffusionPipeline and `save_pretrained(folder)`; return the folder.

    Deterministic for a given `seed`. The folder is created if missing; existing files are
    overwritten. Takes ~1-2 s on CPU (mostly importing diffusers).
    """
    import tempfile

    from diffusers import StableDiffusionPipeline

    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tiny-clip-tok-") as tok_dir:
        components = tiny_components(pathlib.Path(tok_dir), seed=seed)
        pipe = StableDiffusionPipeline(**components, requires_safety_checker=False)
        pipe.save_pretrained(folder)
    return folder


if __name__ == "__main__":  # python -m tests.support.tiny_diffusion OUT_DIR
    import sys

    print(write_tiny_pipeline(sys.argv[1] if len(sys.argv) > 1 else "tiny-sd"))
