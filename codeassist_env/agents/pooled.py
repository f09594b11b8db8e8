"""An LM backend over several OpenAI-compatible servers that serve the same model (``--agent-base-url A B``):
each call goes to one server chosen by :class:`codeassist_env.server_pool.ServerPool` (round-robin with health;
a server that does not answer leaves the rotation and the call moves on)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeassist_env.agents.lm import BackendInfo, Generation, OpenAICompletionsBackend, Prompt
from codeassist_env.server_pool import shared_pool


class PooledBackend:
    def __init__(self, urls: Sequence[str], model: str, *, api_key: str | None = None):
        # One server: the client's own two retries. Several: none, the next server is the retry.
        retries = 2 if len(urls) == 1 else 0
        self.backends = {
            url: OpenAICompletionsBackend(url, model, api_key=api_key, max_retries=retries) for url in urls
        }
        self.pool = shared_pool("agent", list(urls))
        self.model = model
        self.base_url = ",".join(urls)
        self.info = BackendInfo(model, served_at=self.base_url)
        self.name = f"openai:{model}@{self.base_url}"

    def generate(
        self,
        prompt: Prompt,
        max_tokens: int,
        stop: Sequence[str] = (),
        temperature: float = 0.0,
        seed: int | None = None,
        logprobs: bool = False,
        nll_limit: float | None = None,
    ) -> Generation:
        return self.pool.call(
            lambda url: self.backends[url].generate(
                prompt,
                max_tokens,
                stop=stop,
                temperature=temperature,
                seed=seed,
                logprobs=logprobs,
                nll_limit=nll_limit,
            )
        )

    def score(self, prefix: str, continuation: str) -> list[float]:
        return self.pool.call(lambda url: self.backends[url].score(prefix, continuation))

    def __getattr__(self, name: str) -> Any:  # what else a caller reads of a server backend (same model)
        backends = self.__dict__.get("backends")
        if not backends:  # not built yet (copy, unpickling): no such attribute
            raise AttributeError(name)
        return getattr(next(iter(backends.values())), name)
