"""``CodeAssist-v0``: the gymnasium environment for assistive coding agents (docs/protocol.md §2 and §3)."""

from __future__ import annotations

import difflib
import os
import string
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import gymnasium as gym
from gymnasium import spaces

from codeassist_env import metrics
from codeassist_env.episode import EnvRound, EpisodeResult, ResetInfo, Round, StepInfo, episode_result
from codeassist_env.errors import InputError
from codeassist_env.humans import DEFAULT_HUMAN, Decision, SimulatorFailure, make_human
from codeassist_env.humans.base import Choice
from codeassist_env.problem import Problem
from codeassist_env.protocol import HUMAN_TOKENS, MAX_ROUNDS
from codeassist_env.sandbox import AUTO, DEFAULT_BACKEND, SANDBOX_BACKENDS, open_sandbox
from codeassist_env.sandbox.result import Verdict
from codeassist_env.tokenizer import get_tokenizer

MAX_SUGGESTION_CHARS = 8000  # a longer action is an error, never silently cut
MAX_HUMAN_CHARS = 2000  # per round, after the K_H-token cut (guards against one huge "token")


class InvalidAction(TypeError, ValueError):
    """``step`` refused the action: not a ``str``, longer than ``MAX_SUGGESTION_CHARS``, or not valid Unicode
    text (a lone surrogate cannot be encoded, so neither the human nor a record could take it). A
    ``TypeError`` and a ``ValueError`` both, as the refusals were before they had one class. The bench
    charges it to the assistant (docs/protocol.md §2.6)."""


def refuse_invalid_action(action: Any) -> None:
    """Raise ``InvalidAction`` unless ``action`` is a suggestion ``step`` can take; the environment's state
    is untouched either way."""
    if not isinstance(action, str):
        raise InvalidAction(
            f"CodeAssist-v0: the action must be a str (the suggestion, '' for none), got {type(action).__name__}"
        )
    if len(action) > MAX_SUGGESTION_CHARS:
        raise InvalidAction(
            f"CodeAssist-v0: suggestion of {len(action)} characters exceeds MAX_SUGGESTION_CHARS={MAX_SUGGESTION_CHARS}"
        )
    try:
        action.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidAction(
            f"CodeAssist-v0: the suggestion is not valid Unicode text: "
            f"{error.reason} U+{ord(action[error.start]):04X} at index {error.start}"
        ) from None


class AnyText(spaces.Text):
    """A text space holding every ``str`` of allowed length, whatever its characters (gymnasium's
    ``Text`` only holds characters of a finite charset, and all of Unicode is too big for one).
    ``sample`` draws printable ASCII including newlines and tabs."""

    def __init__(self, max_length: int, *, min_length: int = 0, seed: int | None = None):
        charset = string.printable.replace("\x0b", "").replace("\x0c", "")
        super().__init__(max_length, min_length=min_length, charset=charset, seed=seed)

    def contains(self, x: Any) -> bool:
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    @property
    def is_np_flattenable(self) -> bool:
        return False  # characters outside the sampling charset have no index to flatten to

    def __repr__(self) -> str:
        return f"AnyText({self.min_length}, {self.max_length})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, AnyText) and self.min_length == other.min_length and self.max_length == other.max_length
        )


class CodeAssistEnv(gym.Env[dict, str]):
    """
    ## Description
    A simulated programmer writes a program for a coding problem while the agent, an assistant,
    proposes code to append. Each round the agent suggests text; the human accepts it (it is
    appended), rejects it, or finishes the episode (the pending suggestion is not applied); unless it
    finished, the human then appends at most ``human_tokens`` tokens of its own. The human never edits
    earlier code. At the end the program runs against the problem's hidden tests in a sandbox.

    ## Action Space
    A string (``AnyText``): the suggestion to append, any text including newlines; ``""`` means no
    suggestion this round. At most ``MAX_SUGGESTION_CHARS`` (8000) characters of valid Unicode: a longer
    one, a non-``str`` or one holding a lone surrogate raises ``InvalidAction`` (a ``TypeError`` and a
    ``ValueError``), and the episode's state is untouched.

    ## Observation Space
    ``Dict`` with ``code`` (the program so far), ``round`` (rounds played, 0 after reset),
    ``last_decision`` (``""``, ``"accept"``, ``"reject"`` or ``"finish"``), ``last_human_text`` (what
    the human appended last round) and ``statement`` (the problem statement if
    ``show_problem_to_agent``, else ``""``). Text entries hold any Unicode.

    ## Starting State
    A problem drawn with the environment's seeded generator (or ``options={"problem_id": ...}``);
    the program starts as the problem's starter code (often empty).

    ## Reward
    0 on every step but the last. On the last, ``reward`` of the episode's ``EpisodeResult``
    (``codeassist_env.episode``: what the last ``info`` adds, as a record). ``reward`` is a function from
    that record to a number, or the name of one of ``metrics.REWARDS``: ``"pass"`` (``pass_reward``,
    the default): 1.0 if every hidden test passes; ``"dpr"`` (``dpr_reward``): the discounted pass rate;
    ``"pass_fraction"`` (``pass_fraction_reward``): the fraction of hidden tests passed. Your own, e.g.
    ``reward=lambda result: result.pass_fraction - 0.01 * result.rounds``.

    ## Episode End
    Terminated when the human chooses FINISH; truncated after ``max_rounds`` rounds. Either way the
    hidden tests run exactly once (``env.unwrapped.evaluations`` counts runs). ``step`` after the end
    raises ``RuntimeError``: call ``reset``. ``env.unwrapped.fail_agent(reason)`` ends an episode charged to
    the assistant instead (it passed its deadline, raised, or gave an invalid action): terminated, the
    hidden tests not run, Pass@1 0 and DPR 0, ``agent_failure`` set (``agents.play_episode`` calls it).

    ## Information
    The keys are those of ``codeassist_env.episode`` (a test holds this list to it).
    ``reset``: ``problem_id``, ``starter_code``, ``tokenizer``, ``seed`` (the one given to ``env.reset``; the
    agent's ``reset(info)`` derives its sampling seed from it).
    Every step: ``problem_id``, ``round``, ``decision``, ``human_text``, ``round_tokens_read``,
    ``round_tokens_written``, ``simulator_failure``.
    The last step adds the ``EpisodeResult``: ``verdict`` (a ``sandbox.Verdict``: a status per test;
    ``to_dict()`` for JSON), ``passed``, ``pass_fraction``,
    ``pass_at_1``, ``dpr``, ``accepted``, ``rejected``, ``suggestions_shown`` (non-empty),
    ``suggestion_chars``, ``accept_ratio`` (None if nothing was shown), ``tokens_read`` and
    ``tokens_written`` (episode totals), ``rounds``, ``finished`` (FINISH rather than truncation),
    ``simulator_failed``, ``infra_error`` (the hidden tests could not be run: an infrastructure failure,
    not the program's; ``passed`` is then False but says nothing about the agent), ``code`` (the final
    program), ``tokenizer``, ``transcript``, ``human_usage`` if the human has a ``usage()`` method, and
    ``agent_failure`` if the assistant failed the episode (see Episode End).
    Each ``transcript`` round: ``round``, ``suggestion``, ``decision``, ``reasoning``, ``human_text``,
    ``simulator_failure``, ``tokens_read``, ``tokens_written`` and the human's ``decide_s`` and
    ``write_s`` seconds.
    A non-empty suggestion pending at FINISH counts as shown, neither accepted nor rejected.
    A round whose human raised ``SimulatorFailure`` is recorded with the reason and falls back to
    REJECT with nothing written; the episode is then flagged ``simulator_failed``.

    ## Arguments
    ``problems`` (a set name, a path, or ``Problem`` objects; default the bundled set), ``human``
    (``"reference"``, ``"reference-whitespace"``, another registered name, or a human object),
    ``sandbox`` (``"auto"``, ``"bwrap"``, ``"docker"``, ``"process"``, or an open sandbox the caller
    owns), ``max_rounds`` (50), ``human_tokens`` (K_H, 10), ``tokenizer`` (None = the offline code
    tokenizer, a Hugging Face name/path, or a tokenizer object), ``reward`` (``"pass"``, or a function),
    ``show_problem_to_agent`` (False), ``render_mode`` (None or ``"ansi"``).

    ## Version History
    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        problems: str | os.PathLike | Iterable[Problem] | None = None,
        human: Any = DEFAULT_HUMAN,
        sandbox: Any = DEFAULT_BACKEND,
        max_rounds: int = MAX_ROUNDS,
        human_tokens: int = HUMAN_TOKENS,
        tokenizer: Any = None,
        reward: str | Callable[[EpisodeResult], float] = "pass",
        show_problem_to_agent: bool = False,
        render_mode: str | None = None,
    ):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise InputError(f"render_mode {render_mode!r} is not one of {self.metadata['render_modes']}")
        if isinstance(reward, str) and reward not in metrics.REWARDS:
            raise InputError(f"reward {reward!r} is not one of {tuple(metrics.REWARDS)}, nor a function")
        if not isinstance(reward, str) and not callable(reward):
            raise TypeError(f"reward must be a name or a function of the EpisodeResult, got {type(reward).__name__}")
        if not isinstance(max_rounds, int) or isinstance(max_rounds, bool) or max_rounds < 1:
            raise InputError(f"max_rounds must be an int >= 1, got {max_rounds!r}")
        if not isinstance(human_tokens, int) or isinstance(human_tokens, bool) or human_tokens < 0:
            raise InputError(f"human_tokens must be an int >= 0, got {human_tokens!r}")
        self.render_mode = render_mode
        self.max_rounds = max_rounds
        self.human_tokens = human_tokens
        self.reward_function = metrics.REWARDS[reward] if isinstance(reward, str) else reward
        self.show_problem_to_agent = show_problem_to_agent
        self.tokenizer = get_tokenizer(tokenizer)
        self.problems = _load(problems)
        self._by_id = {p.id: p for p in self.problems}
        self._owns_human = isinstance(human, str)
        self.human = make_human(human, tokenizer=self.tokenizer, sandbox=sandbox) if self._owns_human else human
        for method in ("reset", "decide", "write"):
            if not callable(getattr(self.human, method, None)):
                raise TypeError(f"human {type(self.human).__name__} has no {method}() method (see humans/base.py)")
        if isinstance(sandbox, str) and sandbox != AUTO:
            SANDBOX_BACKENDS.lookup(sandbox)  # an unknown name fails here, naming the registered ones
        self._sandbox_spec = sandbox
        self._sandbox = None if isinstance(sandbox, str) else sandbox
        self.evaluations = 0  # hidden-test runs by this environment

        longest_statement = max(len(p.statement) for p in self.problems) if show_problem_to_agent else 0
        longest_starter = max(len(p.starter_code) for p in self.problems)
        self.action_space = AnyText(MAX_SUGGESTION_CHARS)
        self.observation_space = spaces.Dict(
            {
                "code": AnyText(longest_starter + max_rounds * (MAX_SUGGESTION_CHARS + MAX_HUMAN_CHARS)),
                "round": spaces.Discrete(max_rounds + 1),
                "last_decision": spaces.Text(6, min_length=0, charset=string.ascii_lowercase),
                "last_human_text": AnyText(MAX_HUMAN_CHARS),
                "statement": AnyText(longest_statement),
            }
        )
        self._problem: Problem | None = None
        self._done = False

    # ---- gymnasium API ---------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if options is not None and not isinstance(options, Mapping):
            raise InputError(f"reset options must be a dict such as {{'problem_id': ...}} or None, got {options!r:.80}")
        super().reset(seed=seed)
        options = dict(options or {})
        problem_id = options.pop("problem_id", None)
        if options:
            raise InputError(f"unknown reset options {sorted(options)}; the only option is 'problem_id'")
        if problem_id is None:
            problem = self.problems[int(self.np_random.integers(len(self.problems)))]
        elif problem_id in self._by_id:
            problem = self._by_id[problem_id]
        else:
            close = difflib.get_close_matches(str(problem_id), list(self._by_id), n=3)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise InputError(
                f"problem_id {problem_id!r} is not in this environment's problem set "
                f"({len(self.problems)} problems){hint}"
            )
        # The human's own randomness (the expert's misses) comes from the episode's generator too.
        self.human.reset(problem, seed=int(self.np_random.integers(2**63)))
        self._problem = problem
        self._code = problem.starter_code
        self._round = 0
        self._last_decision = ""
        self._last_human_text = ""
        self._transcript: list[EnvRound] = []
        self._done = False
        return self._observation(), ResetInfo(
            problem_id=problem.id, starter_code=problem.starter_code, tokenizer=self.tokenizer.name, seed=seed
        )

    def step(self, action: str):
        if self._problem is None:
            raise RuntimeError("CodeAssist-v0: call reset() before step()")
        if self._done:
            raise RuntimeError("CodeAssist-v0: the episode has ended (FINISH or max_rounds); call reset()")
        refuse_invalid_action(action)
        problem, suggestion = self._problem, action
        self._round += 1
        failure = None

        started = time.perf_counter()
        try:
            decision = self.human.decide(problem, self._code, suggestion)
        except SimulatorFailure as error:
            failure, decision = error.reason, Decision(Choice.REJECT, f"simulator failure: {error}")
        if not isinstance(decision, Decision):
            raise TypeError(
                f"human {type(self.human).__name__}.decide returned {type(decision).__name__}, not a Decision"
            )
        decide_s = time.perf_counter() - started
        if decision.choice == Choice.ACCEPT:
            self._code += suggestion

        human_text, write_s = "", 0.0
        if decision.choice != Choice.FINISH and failure is None:
            started = time.perf_counter()
            try:
                written = self.human.write(problem, self._code, self.human_tokens, self.tokenizer)
            except SimulatorFailure as error:
                failure, written = error.reason, ""
            write_s = time.perf_counter() - started
            if not isinstance(written, str):
                raise TypeError(f"human {type(self.human).__name__}.write returned {type(written).__name__}, not a str")
            # The protocol allows at most K_H tokens: extra text is cut here, whoever the human is.
            human_text = self.tokenizer.truncate(written, self.human_tokens)[:MAX_HUMAN_CHARS]
            self._code += human_text

        record = EnvRound(
            round=self._round,
            suggestion=suggestion,
            decision=decision.choice,
            reasoning=decision.reasoning,
            human_text=human_text,
            simulator_failure=failure,
            tokens_read=self.tokenizer.count(suggestion) if suggestion else 0,
            tokens_written=self.tokenizer.count(human_text) if human_text else 0,
            decide_s=decide_s,
            write_s=write_s,
        )
        self._transcript.append(record)
        self._last_decision, self._last_human_text = decision.choice, human_text

        terminated = decision.choice == Choice.FINISH
        truncated = not terminated and self._round >= self.max_rounds
        # A plain dict: the last step adds the EpisodeResult's keys.
        info: dict[str, Any] = dict(
            StepInfo(
                problem_id=problem.id,
                round=self._round,
                decision=decision.choice,
                human_text=human_text,
                round_tokens_read=record["tokens_read"],
                round_tokens_written=record["tokens_written"],
                simulator_failure=failure,
            )
        )
        reward = 0.0
        if terminated or truncated:
            self._done = True
            result = self._final_result(finished=terminated)
            info.update(result.to_info())
            reward = self.reward_function(result)
        return self._observation(), float(reward), terminated, truncated, info

    def fail_agent(self, reason: str):
        """End the episode as the assistant's failure (docs/protocol.md §2.6): terminated, the hidden tests not
        run, the result's ``agent_failure`` = ``reason``, Pass@1 and DPR 0. Returns what ``step`` returns."""
        if self._problem is None or self._done:
            raise RuntimeError("CodeAssist-v0: fail_agent() needs an episode in progress")
        self._done = True
        result = self._final_result(finished=True, agent_failure=reason)
        info: dict[str, Any] = dict(
            StepInfo(
                problem_id=self._problem.id,
                round=self._round,
                decision="",
                human_text="",
                round_tokens_read=0,
                round_tokens_written=0,
                simulator_failure=None,
            )
        )
        info.update(result.to_info())
        return self._observation(), float(self.reward_function(result)), True, False, info

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("CodeAssist-v0: render() without a render_mode; create the env with render_mode='ansi'")
            return None
        if self._problem is None:
            return "CodeAssist-v0: no episode yet (call reset())\n"
        lines = [f"CodeAssist-v0  problem {self._problem.id}  round {self._round}/{self.max_rounds}"]
        for r in self._transcript:
            failed = f"  (simulator failure: {r['simulator_failure']})" if r["simulator_failure"] else ""
            lines.append(f"[round {r['round']}] suggestion {r['suggestion']!r} -> {r['decision']}{failed}")
            if r["human_text"]:
                lines.append(f"           human wrote {r['human_text']!r}")
        lines += ["--- program ---", self._code]
        return "\n".join(lines) + "\n"

    def close(self):
        if self._sandbox is not None and isinstance(self._sandbox_spec, str):
            self._sandbox.close()
            self._sandbox = None
        if self._owns_human and callable(getattr(self.human, "close", None)):
            self.human.close()

    # ---- internals -------------------------------------------------------------------------------
    @property
    def _episode_problem(self) -> Problem:
        """The problem of the episode in progress (or just ended): reset() sets it before any step."""
        if self._problem is None:
            raise RuntimeError("CodeAssist-v0: call reset() before step()")
        return self._problem

    def _observation(self) -> dict[str, Any]:
        return {
            "code": self._code,
            "round": self._round,
            "last_decision": self._last_decision,
            "last_human_text": self._last_human_text,
            "statement": self._episode_problem.statement if self.show_problem_to_agent else "",
        }

    def _evaluate(self):
        if self._sandbox is None:
            self._sandbox = open_sandbox(self._sandbox_spec)  # one per env, reused across episodes
        self.evaluations += 1
        return self._sandbox.run(self._problem, self._code)

    def _final_result(self, finished: bool, agent_failure: str | None = None) -> EpisodeResult:
        # An assistant's failure scores 0 whatever the program: its hidden tests are not run.
        verdict = Verdict(self._episode_problem.id, backend="none") if agent_failure else self._evaluate()
        usage = getattr(self.human, "usage", None)
        return episode_result(
            self._episode_problem.id,
            verdict,
            [(r["suggestion"], r["decision"]) for r in self._transcript if r["suggestion"]],
            tokens_read=sum(r["tokens_read"] for r in self._transcript),
            tokens_written=sum(r["tokens_written"] for r in self._transcript),
            rounds=self._round,
            finished=finished,
            code=self._code,
            tokenizer=self.tokenizer.name,
            transcript=[Round(**r) for r in self._transcript],
            simulator_failed=any(r["simulator_failure"] for r in self._transcript),
            agent_failure=agent_failure,
            human_usage=dict(usage()) if callable(usage) else None,
        )


class CheckedFirstReset(gym.wrappers.PassiveEnvChecker):
    """gymnasium's passive checker, with reset marked checked only when it succeeded: a refused reset
    leaves the environment usable, and the next reset is checked instead (``gym.make`` applies it)."""

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        first = not self.checked_reset
        try:
            return super().reset(seed=seed, options=options)
        except BaseException:
            if first:
                self.checked_reset = False
            raise

    @property
    def spec(self):
        return gym.Wrapper.spec.fget(self)  # the registration's: the checker is this wrapper, not gymnasium's


def _load(problems: str | os.PathLike | Iterable[Problem] | None) -> list[Problem]:
    from codeassist_env.problems import DEFAULT_SET, load_problems

    if problems is None:
        problems = DEFAULT_SET
    if not isinstance(problems, (str, os.PathLike, Iterable)):
        raise TypeError(
            f"CodeAssist-v0: problems must be a problem set's name, a file's path or Problem objects, "
            f"got {type(problems).__name__} {problems!r:.80}"
        )
    loaded = load_problems(problems) if isinstance(problems, (str, os.PathLike)) else list(problems)
    if not loaded:
        raise InputError(f"CodeAssist-v0: the problem set {problems!r} is empty")
    for item in loaded:
        if not isinstance(item, Problem):
            raise TypeError(f"CodeAssist-v0: problems must be Problem objects, got {type(item).__name__}")
    return loaded
