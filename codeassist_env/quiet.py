"""``--no-progress``: no progress bar, from this package or from a library it runs.

tqdm reads ``TQDM_*`` variables and huggingface_hub ``HF_HUB_DISABLE_PROGRESS_BARS`` (which transformers'
own bars follow) when they are imported, so ``cli.main`` sets them before it imports anything that imports
them; worker processes inherit them."""

from __future__ import annotations

import os
import sys

QUIET = {
    "TQDM_DISABLE": "1",  # every tqdm bar, transformers' "Converting and de-quantizing GGUF tensors" among them
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # huggingface_hub's, and transformers' "Loading weights"
}


def no_progress_bars() -> None:
    os.environ.update(QUIET)
    if "transformers" in sys.modules:  # already imported (an in-process caller): its switch still works
        from transformers.utils import logging

        logging.disable_progress_bar()
