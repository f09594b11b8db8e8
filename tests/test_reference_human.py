"""The reference-guided human (docs/protocol.md §7) and the Null/Oracle agents, without the sandbox."""

from __future__ import annotations

import pytest

from codeassist_env.agents import NullAgent, OracleAgent, make_agent
from codeassist_env.humans import Human, ReferenceHuman, make_human
from codeassist_env.problems import Problem, load_problems
from codeassist_env.problems import TestCase as HiddenTest
from codeassist_env.tokenizer import get_tokenizer

STARTER = "def add(a, b):\n"
REFERENCE = "def add(a, b):\n    return a + b\n"
TOK = get_tokenizer()


def add_problem(**changes) -> Problem:
    fields = dict(
        id="add",
        statement="Add two numbers.",
        test_kind="assert",
        hidden_tests=[HiddenTest("def check(f):\n    assert f(2, 3) == 5\n")],
        starter_code=STARTER,
        reference_solution=REFERENCE,
        entry_point="add",
    )
    fields.update(changes)
    return Problem(**fields)


class CharTokenizer:
    """One token per character: a second, real tokenizer to check K_H counting with another one."""

    name = "chars"

    def encode(self, text):
        return list(text)

    def count(self, text):
        return len(text)

    def truncate(self, text, n):
        return text[: max(n, 0)]


def test_protocol_and_registry():
    human = make_human("reference")
    assert isinstance(human, Human) and human.tolerance == "exact"
    assert make_human("reference-whitespace").tolerance == "whitespace"
    with pytest.raises(ValueError, match="unknown human 'robot'"):
        make_human("robot")
    with pytest.raises(ValueError, match="human 'reference-fuzzy': the part after 'reference-' is the tolerance"):
        make_human("reference-fuzzy")


def test_problem_without_reference_is_a_clear_error():
    with pytest.raises(ValueError, match="problem 'add' has no reference_solution"):
        ReferenceHuman().reset(add_problem(reference_solution=None))
    with pytest.raises(ValueError, match="problem 'add': reference_solution does not start with starter_code"):
        ReferenceHuman().reset(add_problem(starter_code="def plus(a, b):\n"))


def test_exact_human_decisions():
    problem, human = add_problem(), ReferenceHuman()
    human.reset(problem)
    code = STARTER + "    return"
    assert human.decide(problem, code, " a + b").choice == "accept"
    assert human.decide(problem, code, " a").choice == "accept"
    assert human.decide(problem, code, " a +").choice == "accept"
    assert human.decide(problem, code, " a+b").choice == "reject"  # spacing differs
    assert human.decide(problem, code, " b + a").choice == "reject"
    assert human.decide(problem, STARTER + "    ret", "").choice == "reject"
    assert human.decide(problem, STARTER + "    ", "ret").choice == "reject"  # stops inside a token
    assert human.decide(problem, code, "").choice == "reject"  # nothing to accept
    assert human.decide(problem, STARTER + "    return a + b", "\n").choice == "finish"  # only "\n" left
    assert human.decide(problem, REFERENCE, "print(1)").choice == "finish"


def test_exact_human_writes_the_next_k_tokens_of_the_reference():
    problem, human = add_problem(), ReferenceHuman()
    human.reset(problem)
    assert human.write(problem, STARTER, 2, TOK) == "    return"
    assert human.write(problem, STARTER + "    return", 4, TOK) == " a +"
    assert human.write(problem, STARTER + "    return a + b", 10, TOK) == "\n"
    assert human.write(problem, REFERENCE, 10, TOK) == ""
    assert human.write(problem, STARTER, 0, TOK) == ""
    assert human.write(problem, STARTER + "    re", 2, TOK) == "turn "  # mid-token: completes it
    assert human.write(problem, STARTER + "    return b", 5, TOK) == ""  # off the reference: cannot edit
    assert human.write(problem, STARTER, 6, CharTokenizer()) == "    re"


def test_whitespace_tolerant_human():
    problem = add_problem(reference_solution="def add(a, b):\n    return a + b\n\n\nx = 1\n")
    human = ReferenceHuman(tolerance="whitespace")
    human.reset(problem)
    code = STARTER + "    return"
    assert human.decide(problem, code, " a+b").choice == "accept"
    assert ReferenceHuman().decide(problem, code, " a+b").choice == "reject"
    assert human.decide(problem, code, " b+a").choice == "reject"
    # After "a+b" the human goes on right after the reference's "b", keeping its own line breaks.
    assert human.write(problem, code + " a+b", 4, TOK) == "\n\n\nx"
    # Trailing whitespace the program already has is not typed twice.
    assert human.write(problem, code + " a+b\n", 3, TOK) == "\n\nx"
    assert human.decide(problem, code + " a+b\nx=1", "").choice == "finish"


@pytest.mark.parametrize("tolerance", ["exact", "whitespace"])
def test_null_and_oracle_reach_every_humaneval_reference(tolerance):
    """Protocol loop without the env: the human alone (Null) and with the Oracle types each reference
    exactly; the Oracle saves human tokens and all its suggestions are accepted."""
    problems = load_problems("humaneval")
    human = make_human("reference" if tolerance == "exact" else "reference-whitespace", tokenizer=TOK)
    written = {}
    for name in ("none", "oracle-10"):
        agent = make_agent(name, problems=problems)
        written[name] = accepted = shown = 0
        for problem in problems:
            human.reset(problem)
            agent.reset({"problem_id": problem.id})
            code = problem.starter_code
            for _ in range(400):
                suggestion = agent.act({"code": code})
                choice = human.decide(problem, code, suggestion).choice
                shown += bool(suggestion)
                if choice == "finish":
                    break
                if choice == "accept":
                    code, accepted = code + suggestion, accepted + 1
                text = human.write(problem, code, 10, TOK)
                code, written[name] = code + text, written[name] + TOK.count(text)
            assert choice == "finish", problem.id
            reference = problem.reference_solution
            assert reference.startswith(code) and not reference[len(code) :].strip(), problem.id
        assert accepted == shown
    print(
        f"\n{tolerance}: human-written tokens over 164 problems: none={written['none']} "
        f"oracle-10={written['oracle-10']}"
    )
    assert written["oracle-10"] < written["none"] / 1.5


def test_agents():
    problem = add_problem()
    assert NullAgent().act({"code": STARTER}) == ""
    oracle = OracleAgent(3, problems=[problem])
    with pytest.raises(RuntimeError, match=r"agent.reset\(info\)"):
        oracle.act({"code": STARTER})
    with pytest.raises(KeyError, match="'other' is not in the problem set"):
        oracle.reset({"problem_id": "other"})
    oracle.reset({"problem_id": "add"})
    assert oracle.act({"code": STARTER}) == "    return "
    assert oracle.act({"code": STARTER + "    return a + b"}) == ""  # only "\n" left
    assert oracle.act({"code": STARTER + "    return b"}) == ""  # off the reference
    assert make_agent("oracle-7", problems=[problem]).n == 7
    assert make_agent("oracle", problems=[problem]).n == 10
    assert isinstance(make_agent("none"), NullAgent)
    for bad, message in [
        ("oracle-x", "expected a token count"),
        ("oracle-0", "n must be >= 1"),
        ("oracle-5", "needs problems="),
        ("gpt", "unknown agent 'gpt'"),
    ]:
        with pytest.raises(ValueError, match=message):
            make_agent(bad, problems=[problem] if bad != "oracle-5" else None)
