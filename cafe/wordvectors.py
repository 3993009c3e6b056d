"""The offline text embeddings the harvest groups with: wordllama's packaged weights, once per process."""
from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

from cafe.domain.harvest.grouping import WordVectors


@functools.cache
def word_vectors() -> WordVectors | None:
    """wordllama's embed function, or None if it cannot load (grouping then uses words alone).

    Weights and tokenizer are read from the wordllama package's own folder with downloads off,
    so a venue without internet behaves exactly like one with it. CAFE_EMBEDDINGS=off skips it."""
    if os.environ.get("CAFE_EMBEDDINGS", "").lower() in ("off", "0", "no", "false"):
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # wordllama calls logging.basicConfig(INFO) on import; a handler present meanwhile makes that a
    # no-op, and removing it afterwards leaves the app's logging (or Python's last resort) as it was
    guard = logging.NullHandler()
    logging.getLogger().addHandler(guard)
    try:
        import wordllama
        model = wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception:  # a build without its weights: plain words still work
        return None
    finally:
        logging.getLogger().removeHandler(guard)
    return model.embed
