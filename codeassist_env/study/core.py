"""A study: its configuration, its participants' state, its assistants and sandbox, and the actions the
web page asks for. Every action validates its input (``StudyError`` with an HTTP status and one clear
line), appends its record to the log, then applies the record to the state (see ``state.py``)."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, cast

from codeassist_env.env import MAX_HUMAN_CHARS
from codeassist_env.episode import EpisodeStatus, episode_result
from codeassist_env.errors import InputError
from codeassist_env.problem import Problem
from codeassist_env.sandbox.result import TestStatus
from codeassist_env.study.assist import Assistant
from codeassist_env.study.log import LOG_FILE, LogWriter, check_config, now_iso, read_log
from codeassist_env.study.runs import SLOW_RUN_S, FairRuns
from codeassist_env.study.schedule import Slot, blinded_schedule, solo_schedule
from codeassist_env.study.statement import statement_html
from codeassist_env.study.state import Answer, Participant, StudyState, seconds_between

PARTICIPANT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class StudyError(Exception):
    """Bad input or a request out of turn; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class StudyConfig:
    agents: tuple[str, ...]  # two for a blinded study, one for solo mode
    problems: str  # the problem set's name or path
    seed: int = 0
    pairs: int = 2  # pairs of problems per participant (blinded studies)
    solo: bool = False
    suggest_timeout_s: float = 20.0
    pause_ms: int = 600  # typing pause before the page asks for a suggestion
    show_statement: bool = False  # show the problem statement to the agents (the paper does not)
    max_program_chars: int = 100_000

    def __post_init__(self) -> None:
        if self.solo and len(self.agents) != 1:
            raise InputError(f"solo mode takes one agent, got {list(self.agents)}")
        if not self.solo and (len(self.agents) != 2 or self.agents[0] == self.agents[1]):
            raise InputError(f"a blinded study compares two different agents, got {list(self.agents)}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["agents"] = list(self.agents)
        return d


def _slow_run(verdict: Any, seconds: float) -> bool:
    """A run that makes the participant's next one a slow one (``runs.FairRuns``): a test ran into its time
    limit, or the run took long whatever it gave."""
    return seconds > SLOW_RUN_S or any(t.status == TestStatus.TIME_LIMIT for t in getattr(verdict, "tests", ()))


class Study:
    """``make_assistant(name)`` builds an agent object; ``sandbox`` is an open sandbox the study runs
    programs on (one at a time), and ``open_sandbox()`` opens more, up to ``sandboxes`` in all, when every
    one is busy; all shared fairly (``runs.FairRuns``), and closed by the caller (``runs.sandboxes``)."""

    def __init__(
        self,
        config: StudyConfig,
        directory: Path,
        problems: list[Problem],
        sandbox: Any,
        make_assistant: Callable[[str], Any],
        tokenizer: Any,
        open_sandbox: Callable[[], Any] | None = None,
        sandboxes: int = 1,
    ):
        self.config, self.directory, self.tokenizer = config, Path(directory), tokenizer
        self.runs = FairRuns([sandbox], slow=_slow_run, open_sandbox=open_sandbox, size=sandboxes)
        self.problems = {p.id: p for p in problems}
        ids = [p.id for p in problems]
        if config.solo:
            self._schedule_for = lambda index: solo_schedule(config.agents[0], ids)
        else:
            blinded_schedule(config.seed, 0, config.agents, ids, config.pairs)  # fail at start, not at join
            self._schedule_for = lambda index: blinded_schedule(config.seed, index, config.agents, ids, config.pairs)
        check_config(self.directory, {**config.to_dict(), "problem_ids": ids})
        loaded = read_log(self.directory / LOG_FILE)
        self.repair_notes = loaded.notes
        self.state = StudyState(self._schedule_for)
        for record in loaded.records:
            self.state.apply(record)
        self._log = LogWriter(self.directory / LOG_FILE, loaded)
        self.assistants = {
            name: Assistant(name, make_assistant(name), config.suggest_timeout_s) for name in config.agents
        }
        self._join_lock = threading.Lock()
        self._person_locks: dict[str, threading.Lock] = {}

    def close(self) -> None:
        for assistant in self.assistants.values():
            assistant.close()
        self._log.close()

    # ---- shared checks -------------------------------------------------------------------------------
    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        record = self._log.append(record)
        self.state.apply(record)
        return record

    def _person(self, code: Any) -> tuple[Participant, threading.Lock]:
        if not isinstance(code, str) or code not in self.state.participants:
            raise StudyError(404, f"unknown participant {code!r}: join first")
        with self._join_lock:
            return self.state.participants[code], self._person_locks.setdefault(code, threading.Lock())

    def _current(self, person: Participant, problem_id: Any) -> Any:
        stage = person.stage(not self.config.solo)
        if stage != "solve":
            raise StudyError(409, f"participant {person.code!r} is at stage {stage!r}, not solving a problem")
        slot = cast(Slot, person.slot)  # the "solve" stage is the one with a slot
        if problem_id != slot.problem_id:
            raise StudyError(
                409,
                f"problem_id {problem_id!r} is not the participant's current problem "
                f"({slot.problem_id}); reload the page",
            )
        return slot

    def _program(self, value: Any, field: str = "code") -> str:
        if not isinstance(value, str):
            raise StudyError(422, f"field {field!r} must be a string, got {type(value).__name__}")
        if len(value) > self.config.max_program_chars:
            raise StudyError(
                413, f"field {field!r} has {len(value)} characters; the limit is {self.config.max_program_chars}"
            )
        return value

    def _typed(self, value: Any) -> tuple[str, int]:
        """What the person typed since the page last reported, and its token count."""
        typed = self._program("" if value is None else value, "typed")
        return typed, self.tokenizer.count(typed) if typed else 0

    def _base(self, person: Participant, slot: Any) -> dict[str, Any]:
        return {
            "participant": person.code,
            "slot": slot.index,
            "pair": slot.pair,
            "problem_id": slot.problem_id,
            "label": slot.label,
            "agent": slot.agent,
        }

    # ---- actions ---------------------------------------------------------------------------------
    def join(self, code: Any, consent: Any) -> dict[str, Any]:
        if not isinstance(code, str) or not PARTICIPANT_CODE.match(code):
            raise StudyError(422, f"participant code {code!r} must be 1-40 letters, digits, '-' or '_'")
        if consent is not True:
            raise StudyError(422, "field 'consent' must be true: the participant has to agree before starting")
        with self._join_lock:
            if code not in self.state.participants:
                index = len(self.state.participants)
                schedule = self._schedule_for(index)
                self._record(
                    {
                        "type": "join",
                        "participant": code,
                        "participant_index": index,
                        "condition": schedule.condition,
                        "labels": schedule.labels,
                    }
                )
        return self.view(code)

    def view(self, code: Any) -> dict[str, Any]:
        """What the page shows now; the first view of a problem starts its clock."""
        person, lock = self._person(code)
        with lock:
            blinded = not self.config.solo
            stage = person.stage(blinded)
            view: dict[str, Any] = {
                "participant": person.code,
                "stage": stage,
                "solo": self.config.solo,
                "pause_ms": self.config.pause_ms,
                "done": person.position,
                "total": len(person.schedule.slots),
            }
            if stage == "prefer":
                view["pair"] = person.pending_preference(blinded)
            if stage != "solve":
                return view
            slot, progress = cast(Slot, person.slot), person.progress  # the "solve" stage is the one with a slot
            problem = self.problems[slot.problem_id]
            if progress.started_at is None:
                self._record({"type": "start", **self._base(person, slot)})
            view.update(
                problem_id=problem.id,
                label=slot.label,
                slot=slot.index,
                title=problem.metadata.get("title") or problem.id,
                statement_html=statement_html(problem.statement),
                code=problem.starter_code if progress.code is None else progress.code,
                public_tests=len(problem.public_tests),
            )
            return view

    def suggest(self, code: Any, problem_id: Any, prefix: Any, program: Any, typed: Any) -> dict[str, Any]:
        person, lock = self._person(code)
        with lock:
            slot = self._current(person, problem_id)
            prefix, program = self._program(prefix, "prefix"), self._program(program)
            typed, typed_tokens = self._typed(typed)
            problem, progress = self.problems[slot.problem_id], person.progress
            observation = {
                "code": prefix,
                "round": progress.requests,
                "last_decision": progress.last_decision,
                "last_human_text": typed[-MAX_HUMAN_CHARS:],
                "statement": problem.statement if self.config.show_statement else "",
            }
            info = {
                "problem_id": problem.id,
                "starter_code": problem.starter_code,
                "tokenizer": self.tokenizer.name,
                "seed": self.config.seed * 1_000_003 + person.index,
            }
            answer = self.assistants[slot.agent].suggest(person.code, info, observation)
            record = self._record(
                {
                    "type": "suggestion",
                    **self._base(person, slot),
                    "suggestion_id": progress.requests,
                    "status": answer.status,
                    "error": answer.error,
                    "text": answer.text,
                    "chars": len(answer.text),
                    "tokens": self.tokenizer.count(answer.text) if answer.text else 0,
                    "act_s": answer.act_s,
                    "typed": typed,
                    "typed_tokens": typed_tokens,
                    "code": program,
                    "cursor": len(prefix),
                }
            )
            return {"suggestion_id": record["suggestion_id"], "text": answer.text, "status": answer.status}

    def decide(
        self, code: Any, problem_id: Any, suggestion_id: Any, decision: Any, how: Any, program: Any, typed: Any
    ) -> dict[str, Any]:
        person, lock = self._person(code)
        with lock:
            slot = self._current(person, problem_id)
            if decision not in tuple(Answer):
                raise StudyError(422, f"field 'decision' must be one of {', '.join(Answer)}, got {decision!r}")
            shown = person.progress.suggestions.get(suggestion_id) if isinstance(suggestion_id, int) else None
            if shown is None:
                raise StudyError(422, f"suggestion_id {suggestion_id!r} is not a suggestion shown on this problem")
            if shown.decision is not None:
                raise StudyError(409, f"suggestion {suggestion_id} was already answered ({shown.decision})")
            program = self._program(program)
            typed, typed_tokens = self._typed(typed)
            self._record(
                {
                    "type": "decision",
                    **self._base(person, slot),
                    "suggestion_id": suggestion_id,
                    "decision": Answer(decision),
                    "how": str(how)[:20],
                    "typed": typed,
                    "typed_tokens": typed_tokens,
                    "code": program,
                }
            )
            return {"ok": True}

    def _run_tests(self, person: Participant, problem: Problem, program: str, hidden: bool):
        return self.runs.run(
            person.code, lambda sandbox: sandbox.run(problem, program, tests=None if hidden else problem.public_tests)
        )

    def run_public(self, code: Any, problem_id: Any, program: Any, typed: Any) -> dict[str, Any]:
        person, lock = self._person(code)
        with lock:
            slot = self._current(person, problem_id)
            program = self._program(program)
            typed, typed_tokens = self._typed(typed)
            problem = self.problems[slot.problem_id]
            verdict = self._run_tests(person, problem, program, hidden=False)
            tests = [
                {"status": t.status, "input": case.input, "expected": case.output, "stderr": "\n".join(t.stderr_tail())}
                for t, case in zip(verdict.tests, problem.public_tests)
            ]
            self._record(
                {
                    "type": "run",
                    **self._base(person, slot),
                    "typed": typed,
                    "typed_tokens": typed_tokens,
                    "code": program,
                    "verdict": verdict.to_dict(),
                }
            )
            return {"passed": verdict.n_passed, "total": verdict.n_total, "tests": tests}

    def submit(self, code: Any, problem_id: Any, program: Any, typed: Any) -> dict[str, Any]:
        person, lock = self._person(code)
        with lock:
            slot = self._current(person, problem_id)
            program = self._program(program)
            _, typed_tokens = self._typed(typed)
            progress, problem = person.progress, self.problems[slot.problem_id]
            verdict = self._run_tests(person, problem, program, hidden=True)
            shown = list(progress.suggestions.values())
            result = episode_result(
                problem.id,
                verdict,
                [(s.text, s.decision) for s in shown],
                tokens_read=sum(s.tokens for s in shown),
                tokens_written=progress.tokens_written + typed_tokens,
                rounds=progress.requests,
                finished=True,
                code=program,
                tokenizer=self.tokenizer.name,
            )
            finished_at = now_iso()
            scored = result.to_json()
            del scored["transcript"]  # the log's suggestion and decision records are the rounds
            self._record(
                {
                    "type": "problem",
                    **self._base(person, slot),
                    "seed": person.index,
                    "status": EpisodeStatus.INFRA_ERROR if verdict.infra_error else EpisodeStatus.OK,
                    "started_at": progress.started_at,
                    "finished_at": finished_at,
                    "elapsed_s": seconds_between(progress.started_at or finished_at, finished_at),
                    **scored,
                    "typed_tokens": typed_tokens,
                    "public_runs": progress.public_runs,
                }
            )
            return {"passed": verdict.n_passed, "total": verdict.n_total, "status": verdict.status}

    def prefer(self, code: Any, pair: Any, choice: Any, why: Any) -> dict[str, Any]:
        person, lock = self._person(code)
        with lock:
            due = person.pending_preference(not self.config.solo)
            if due is None:
                raise StudyError(409, f"participant {person.code!r} has no preference question to answer now")
            if pair != due:
                raise StudyError(409, f"pair {pair!r} is not the pair whose question is due ({due})")
            if choice not in ("A", "B"):
                raise StudyError(422, f"field 'choice' must be 'A' or 'B', got {choice!r}")
            if why is not None and (not isinstance(why, str) or len(why) > 2000):
                raise StudyError(422, "field 'why' must be a string of at most 2000 characters")
            labels = person.schedule.labels
            self._record(
                {
                    "type": "preference",
                    "participant": person.code,
                    "pair": pair,
                    "choice": choice,
                    "agent": labels[choice],
                    "other_agent": labels["B" if choice == "A" else "A"],
                    "why": why or "",
                }
            )
        return self.view(code)
