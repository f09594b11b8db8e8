"""A simulated programmer played by an LLM behind any OpenAI-compatible chat endpoint (vLLM, OpenAI,
llama.cpp's server, ...).

Configuration precedence, per field: an explicit argument > ``CODEASSIST_HUMAN_<FIELD>`` environment
variable (e.g. ``CODEASSIST_HUMAN_BASE_URL``, ``CODEASSIST_HUMAN_MODEL``, ``CODEASSIST_HUMAN_CACHE_MODE``)
> ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` (base_url and api_key only) > the defaults below, which
match ``codeassist serve --local`` (``http://127.0.0.1:8000/v1``, model ``smollm2``).

Failures never escape as anything but ``SimulatorFailure`` with ``reason`` one of ``FAILURE_REASONS``:

- ``timeout``: no reply within ``timeout_s`` (after retries);
- ``connection``: the server could not be reached (after retries);
- ``rate_limited``: HTTP 429 after retries (``Retry-After`` is honoured, capped at ``max_backoff_s``);
- ``http_error``: any other HTTP error status (5xx after retries; 4xx at once);
- ``bad_response``: a reply that is not a chat completion (garbage body, no choices, no text);
- ``unparseable``: no decision could be read after ``max_reasks`` re-asks;
- ``refusal``: the model refused (refusal field, content filter, or refusal wording instead of an answer).

The environment then records the reason on the round, rejects the suggestion, writes nothing and flags
the episode. ``base_url`` may list several servers of the same model, comma-separated: requests go
round-robin over those that answer (``codeassist_env.server_pool``), and ``connection`` or ``timeout`` is
raised only when none of them answered. One ``LLMHuman`` serves one episode at a time; the response
cache may be shared.
"""

from __future__ import annotations

import dataclasses
import email.utils
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import openai

from codeassist_env.errors import InputError
from codeassist_env.humans import prompts
from codeassist_env.humans.base import Choice, Decision, FailureReason, SimulatorFailure
from codeassist_env.humans.cache import CACHE_MODES, CacheMiss, ResponseCache, describe_request, request_key
from codeassist_env.humans.llm_parsing import extract_code, looks_like_refusal, parse_decision, strip_retyped_code
from codeassist_env.humans.llm_scoring import accept_probability, from_completion
from codeassist_env.server_pool import shared_pool, split_urls

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

# The reasons this programmer fails with (every FailureReason but the expert's sandbox).
FAILURE_REASONS: tuple[FailureReason, ...] = tuple(r for r in FailureReason if r is not FailureReason.SANDBOX)
ACCEPTOR_MODES: tuple[str, ...] = ("two_requests", "one_request")
ENV_PREFIX = "CODEASSIST_HUMAN_"
LOGPROB_ALTERNATIVES = 20  # OpenAI's most
_CONFIG_SEED = object()  # "the config's seed", where None means unseeded


@dataclass(frozen=True)
class ScoredDecision:
    """A decision and how sure the programmer was of ACCEPT: ``score`` in [0, 1] (None where it could not
    be read), ``score_kind`` one of ``llm_scoring.SCORE_KINDS`` (None when no request was made)."""

    decision: Decision
    score: float | None
    score_kind: str | None


@dataclass(frozen=True)
class LLMHumanConfig:
    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "smollm2"
    api_key: str = "EMPTY"  # vLLM and llama.cpp accept any key; the openai client insists on one
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = 0
    timeout_s: float = 60.0
    max_retries: int = 3  # extra attempts after the first, for timeouts, 429, 5xx and connection errors
    backoff_s: float = 1.0  # first wait; doubles each retry
    max_backoff_s: float = 30.0
    max_reasks: int = 2  # extra decision requests when a reply holds no readable decision
    acceptor_mode: str = "two_requests"
    reasoning_max_tokens: int = 200
    decision_max_tokens: int = 10
    # Server tokens and the run's tokenizer differ; ask for more, then cut to K_H with the run's tokenizer.
    write_max_tokens_factor: float = 2.0
    write_extra_tokens: int = 16
    cache_mode: str = "off"
    cache_path: str | None = None
    # decide_scored, where the endpoint returns no log-probabilities: ACCEPT's share over this many samples.
    score_samples: int = 5
    score_temperature: float = 1.0

    def __post_init__(self) -> None:
        if self.acceptor_mode not in ACCEPTOR_MODES:
            raise InputError(f"LLMHumanConfig.acceptor_mode {self.acceptor_mode!r} is not one of {ACCEPTOR_MODES}")
        if self.cache_mode not in CACHE_MODES:
            raise InputError(f"LLMHumanConfig.cache_mode {self.cache_mode!r} is not one of {CACHE_MODES}")
        if self.cache_mode != "off" and not self.cache_path:
            raise InputError(f"LLMHumanConfig.cache_mode {self.cache_mode!r} needs a cache_path")
        for name in ("timeout_s", "backoff_s", "max_backoff_s"):
            if getattr(self, name) <= 0:
                raise InputError(f"LLMHumanConfig.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_retries", "max_reasks"):
            if getattr(self, name) < 0:
                raise InputError(f"LLMHumanConfig.{name} must be >= 0, got {getattr(self, name)!r}")
        if self.score_samples < 1:
            raise InputError(f"LLMHumanConfig.score_samples must be >= 1, got {self.score_samples!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "LLMHumanConfig":
        """Build a config with the documented precedence; ``overrides`` set to None are ignored."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        fallbacks = {"base_url": "OPENAI_BASE_URL", "api_key": "OPENAI_API_KEY"}
        for f in dataclasses.fields(cls):
            if overrides.get(f.name) is not None:
                values[f.name] = overrides.pop(f.name)
                continue
            overrides.pop(f.name, None)
            for var in (ENV_PREFIX + f.name.upper(), fallbacks.get(f.name)):
                if var and environ.get(var, "") != "":
                    values[f.name] = _convert(var, environ[var], f.type)
                    break
        if overrides:
            raise TypeError(f"unknown LLMHumanConfig fields: {sorted(overrides)}")
        return cls(**values)


def _convert(var: str, raw: str, type_name: Any) -> Any:
    kind = str(type_name)
    try:
        if kind.startswith("int"):
            return None if raw.lower() == "none" else int(raw)
        if kind.startswith("float"):
            return float(raw)
    except ValueError:
        raise InputError(f"environment variable {var}={raw!r} is not a valid {kind.split(' ')[0]}") from None
    return raw


class LLMHuman:
    """The ``Human`` protocol over an OpenAI-compatible chat endpoint; see the module docstring."""

    def __init__(self, config: LLMHumanConfig | None = None, **overrides: Any):
        if config is not None and overrides:
            config = dataclasses.replace(config, **overrides)
        self.config = config or LLMHumanConfig.from_env(**overrides)
        c = self.config
        # A cache_mode other than "off" comes with a cache_path (LLMHumanConfig refuses one without).
        self.cache = ResponseCache(cast(str, c.cache_path), c.cache_mode) if c.cache_mode != "off" else None
        # Replay never builds a client: no code path can reach the network. Several URLs (comma-separated)
        # are one pool of servers shared by the process's humans (codeassist_env.server_pool).
        urls = split_urls(c.base_url)
        self._clients = (
            {}
            if c.cache_mode == "replay"
            else {
                url: openai.OpenAI(base_url=url, api_key=c.api_key, timeout=c.timeout_s, max_retries=0) for url in urls
            }
        )
        self._pool = shared_pool("human", urls)
        self._usage = _empty_usage()

    # --- the Human protocol ---

    def reset(self, problem, seed: int | None = None) -> None:  # sampling is seeded by the config
        self._usage = _empty_usage()

    def usage(self) -> dict[str, float]:
        return dict(self._usage)

    def decide(self, problem, code: str, suggestion: str) -> Decision:
        return self._decide(problem, code, suggestion, scored=False)[0]

    def decide_scored(self, problem, code: str, suggestion: str) -> ScoredDecision:
        """The decision with how sure the model is of ACCEPT (``llm_scoring``): from the decision token's
        log-probabilities where the endpoint returns them, else the share of ACCEPT over
        ``score_samples`` seeded samples of the decision request."""
        decision, messages, max_tokens, response = self._decide(problem, code, suggestion, scored=True)
        if response is None:  # nothing asked: nothing written and nothing proposed
            return ScoredDecision(decision, None, None)
        if response.get("logprobs"):
            return ScoredDecision(decision, accept_probability(response["logprobs"]), "logprobs")
        c = self.config
        accepted = 0
        for sample in range(c.score_samples):
            seed = None if c.seed is None else c.seed + 1 + sample
            reply = self._content(self._ask_response(messages, max_tokens, temperature=c.score_temperature, seed=seed))
            accepted += parse_decision(reply) == Choice.ACCEPT
        return ScoredDecision(decision, accepted / c.score_samples, "samples")

    def _decide(self, problem, code: str, suggestion: str, scored: bool):
        """(decision, the last decision request's messages, its max_tokens, its response). With ``scored``
        the decision requests ask for log-probabilities (the two-request mode's reasoning does not)."""
        if not code.strip() and not suggestion:
            # Nothing written and nothing proposed: there is nothing to judge and nothing to finish.
            return Decision(Choice.REJECT, "nothing written and nothing proposed"), [], 0, None
        c, logprobs = self.config, {"logprobs": True, "top_logprobs": LOGPROB_ALTERNATIVES} if scored else {}
        if c.acceptor_mode == "one_request":
            messages, max_tokens = (
                prompts.acceptor_single_messages(problem.statement, code, suggestion),
                c.reasoning_max_tokens,
            )
            response = self._ask_response(messages, max_tokens, **logprobs)
            reasoning = answer = self._content(response)
        else:
            reasoning = self._ask(
                prompts.acceptor_reasoning_messages(problem.statement, code, suggestion), c.reasoning_max_tokens
            )
            messages, max_tokens = prompts.acceptor_decision_messages(reasoning, suggestion), c.decision_max_tokens
            response = self._ask_response(messages, max_tokens, **logprobs)
            answer = self._content(response)
        for reask in range(c.max_reasks + 1):
            choice = parse_decision(answer)
            if choice is not None:
                if not suggestion and choice == Choice.ACCEPT:
                    choice = Choice.REJECT  # nothing to accept: same outcome as continuing
                return Decision(choice, reasoning), messages, max_tokens, response
            if reask == c.max_reasks:
                break
            messages = messages + [{"role": "assistant", "content": answer}, prompts.reask_request(answer, suggestion)]
            max_tokens = c.decision_max_tokens
            response = self._ask_response(messages, max_tokens, **logprobs)
            answer = self._content(response)
        reason = (
            FailureReason.REFUSAL
            if looks_like_refusal(answer) or looks_like_refusal(reasoning)
            else FailureReason.UNPARSEABLE
        )
        raise SimulatorFailure(reason, f"no decision after {c.max_reasks} re-asks; last reply {answer[:200]!r}")

    def write(self, problem, code: str, max_tokens: int, tokenizer) -> str:
        if max_tokens <= 0:
            return ""
        c = self.config
        messages = prompts.appender_messages(problem.statement, code, max_tokens)
        request_tokens = int(max_tokens * c.write_max_tokens_factor) + c.write_extra_tokens
        reply = self._ask(messages, request_tokens)
        text = strip_retyped_code(code, extract_code(reply))
        first_line = text.strip().split("\n", 1)[0]
        if looks_like_refusal(reply) and (not first_line or looks_like_refusal(first_line)):
            raise SimulatorFailure(FailureReason.REFUSAL, f"appender replied {reply[:200]!r}")
        return tokenizer.truncate(text, max_tokens)

    def close(self) -> None:
        """Close the HTTP client and this thread's cache connection."""
        for client in self._clients.values():
            client.close()
        if self.cache is not None:
            self.cache.close()

    # --- requests ---

    def _ask(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        return self._content(self._ask_response(messages, max_tokens))

    def _ask_response(
        self,
        messages: list[dict[str, str]],
        max_tokens: int,
        temperature: float | None = None,
        seed: Any = _CONFIG_SEED,
        **extra: Any,
    ) -> dict[str, Any]:
        """The response to ``messages``: from the cache if possible, else from the server with bounded
        retries; raises ``SimulatorFailure`` (or ``CacheMiss`` in replay mode). ``temperature`` and
        ``seed`` default to the config's; ``extra`` (log-probabilities) joins the sampling parameters."""
        c = self.config
        seed = c.seed if seed is _CONFIG_SEED else seed
        params = {
            "max_tokens": max_tokens,
            "temperature": c.temperature if temperature is None else temperature,
            "top_p": c.top_p,
            **extra,
        }
        key = request_key(c.model, messages, params, seed)
        if self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                self._usage["cache_hits"] += 1
                return cached
            if self.cache.mode == "replay":
                raise CacheMiss(
                    f"request not in replay cache {self.cache.path}: {describe_request(c.model, messages, key)}"
                )
        response = self._request_with_retries(messages, params, seed)
        if self.cache is not None:
            response = self.cache.put(key, c.model, {"messages": messages, "params": params, "seed": seed}, response)
        return response

    @staticmethod
    def _content(response: dict[str, Any]) -> str:
        if response.get("refusal") or response.get("finish_reason") == "content_filter":
            raise SimulatorFailure(
                FailureReason.REFUSAL, f"model refused: {str(response.get('refusal') or '')[:200]!r}"
            )
        return response["content"]

    def _request_with_retries(
        self, messages: list[dict[str, str]], params: dict[str, Any], seed: int | None
    ) -> dict[str, Any]:
        c = self.config
        for attempt in range(c.max_retries + 1):
            started = time.monotonic()
            self._usage["requests"] += 1
            try:
                completion = self._pool.call(
                    lambda url: self._clients[url].chat.completions.create(
                        # Role and content pairs, as the prompts module builds them: chat messages.
                        model=c.model,
                        messages=cast("list[ChatCompletionMessageParam]", messages),
                        seed=seed,
                        **params,
                    )
                )
                return self._record(completion, started)
            except openai.APIStatusError as e:
                self._usage["latency_s"] += time.monotonic() - started
                status = e.status_code
                reason = FailureReason.RATE_LIMITED if status == 429 else FailureReason.HTTP_ERROR
                failure = SimulatorFailure(reason, f"HTTP {status} from {c.base_url}: {str(e)[:200]}")
                if status != 429 and status < 500 and status != 408:
                    raise failure from e
                wait = retry_after_s(e.response.headers) if status == 429 else None
            except openai.APITimeoutError as e:
                self._usage["latency_s"] += time.monotonic() - started
                failure = SimulatorFailure(FailureReason.TIMEOUT, f"no reply from {c.base_url} within {c.timeout_s} s")
                wait = None
                failure.__cause__ = e
            except openai.APIConnectionError as e:
                self._usage["latency_s"] += time.monotonic() - started
                failure, wait = SimulatorFailure(FailureReason.CONNECTION, f"cannot reach {c.base_url}: {e}"), None
                failure.__cause__ = e
            except (openai.APIResponseValidationError, ValueError, TypeError, AttributeError) as e:
                # A 200 whose body is not a chat completion; retrying the same server rarely helps.
                self._usage["latency_s"] += time.monotonic() - started
                raise SimulatorFailure(
                    FailureReason.BAD_RESPONSE, f"reply from {c.base_url} is not a chat completion: {e}"
                ) from e
            if attempt == c.max_retries:
                raise failure
            backoff = min(c.backoff_s * 2**attempt, c.max_backoff_s)
            time.sleep(min(wait, c.max_backoff_s) if wait is not None else backoff)
        raise AssertionError("unreachable")

    def _record(self, completion: Any, started: float) -> dict[str, Any]:
        self._usage["latency_s"] += time.monotonic() - started
        if isinstance(completion, (str, bytes)) or not getattr(completion, "choices", None):
            raise ValueError(f"no choices in {str(completion)[:200]!r}")
        choice = completion.choices[0]
        message = choice.message
        content = message.content if message is not None else None
        refusal = getattr(message, "refusal", None)
        if content is None and not refusal:
            raise ValueError(f"choice has no message text: {str(choice)[:200]!r}")
        usage = getattr(completion, "usage", None)
        if usage is not None:
            self._usage["prompt_tokens"] += usage.prompt_tokens or 0
            self._usage["completion_tokens"] += usage.completion_tokens or 0
        response = {"content": content or "", "finish_reason": choice.finish_reason, "refusal": refusal}
        if (logprobs := from_completion(getattr(choice, "logprobs", None))) is not None:
            response["logprobs"] = logprobs
        return response


def _empty_usage() -> dict[str, float]:
    return {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0, "latency_s": 0.0, "cache_hits": 0}


def retry_after_s(headers: Any) -> float | None:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``."""
    if headers is None:
        return None
    if headers.get("retry-after-ms"):
        try:
            return max(float(headers["retry-after-ms"]) / 1000, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        return max(email.utils.parsedate_to_datetime(raw).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None  # unreadable: fall back to our own backoff
