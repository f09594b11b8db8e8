"""The LM agents' rules on fixed text (no model): chat alignment, suggestion cleaning, length rules,
stop handling and registry names."""

from __future__ import annotations

import math

import pytest

from codeassist_env.agents import Agent, make_agent
from codeassist_env.agents.assistants import (
    LikelihoodCut,
    TokenCap,
    base_agent,
    inference_empower_agent,
    suggestion_tokens,
)
from codeassist_env.agents.base import EPISODE_SEED_STRIDE
from codeassist_env.agents.factories import BackendOptions
from codeassist_env.agents.lm import Generation, OpenAICompletionsBackend, cut_at_stop
from codeassist_env.agents.prompting import clean_suggestion, locate_continuation, raw_prompt, retype_messages

CODE = "def mean(xs):\n    total = sum(xs)\n    return total /"


def test_exact_retype_starts_after_the_code_and_skips_the_opening_fence():
    reply = "```python\n" + CODE + " len(xs)\n```"
    found = locate_continuation(reply, CODE)
    assert (found.aligned, found.share) == (False, 1.0)
    assert reply[found.start :] == " len(xs)\n```"


def test_changed_prefix_is_aligned_after_the_last_matched_character():
    # The model added a type hint to the code it re-typed, then continued.
    reply = "def mean(xs: list):\n    total = sum(xs)\n    return total / len(xs)\n"
    found = locate_continuation(reply, CODE)
    assert found.aligned and found.share == 1.0
    assert reply[found.start :] == " len(xs)\n"
    # The model dropped the space before "/": the code's last matched character is that space,
    # aligned with the space after "/", so the continuation starts after it.
    reply = "def mean(xs):\n    total = sum(xs)\n    return total/ len(xs)\n"
    found = locate_continuation(reply, CODE)
    assert found.aligned and 0.9 <= found.share < 1.0
    assert reply[found.start :] == "len(xs)\n"


def test_a_reply_that_does_not_retype_the_code_gives_no_continuation():
    reply = "def mean(xs):\n    return statistics.mean(xs)\n"
    found = locate_continuation(reply, CODE)
    assert found.start is None and found.aligned and found.share < 0.9


def test_empty_code_continues_from_the_start_of_the_reply():
    assert locate_continuation("```python\nx = 1\n", "").start == len("```python\n")


def test_a_sentence_before_the_code_block_is_skipped():
    reply = "Here is the code:\n```python\n" + CODE + " len(xs)\n"
    assert reply[locate_continuation(reply, CODE).start :] == " len(xs)\n"
    assert locate_continuation(CODE + " 2\n```\n", CODE).start == len(CODE)


def test_clean_suggestion_stops_at_a_fence_and_at_prose():
    assert clean_suggestion(" len(xs)\n```\nThis computes the mean.") == " len(xs)\n"
    assert clean_suggestion(" b\n\nThis function adds the two numbers together.\n") == " b\n\n"
    code = "    x = 1\nFoo = Bar(1, 2)\nResult is ok = 3\n    # This is a comment with words\n"
    assert clean_suggestion(code) == code


def test_prompts_hide_the_statement_unless_asked():
    assert raw_prompt(CODE) == CODE
    assert raw_prompt(CODE, "Average.\nEmpty lists never occur.").startswith(
        "# Problem:\n# Average.\n# Empty lists never occur.\n\n"
    )
    assert retype_messages(CODE)[-1]["content"].endswith(f"```python\n{CODE}\n```")
    assert "problem" not in retype_messages(CODE)[-1]["content"]
    assert "Average." in retype_messages(CODE, "Average.")[-1]["content"]


def test_likelihood_cut_converts_bits_to_nats_and_cuts_at_the_first_excess():
    tokens = ["a", "b", "c", "d"]
    logprobs = [-0.25, -0.375, -0.0625, -1.0]  # cumulative NLL 0.25, 0.625, 0.6875, 1.6875 nats
    one_bit = math.log(2)  # 0.693 nats
    assert LikelihoodCut(one_bit).keep(tokens, logprobs) == 3
    assert LikelihoodCut(0.1).keep(tokens, logprobs) == 0  # the first token already exceeds
    assert LikelihoodCut(5.0).keep(tokens, logprobs) == 4  # never exceeds: everything
    assert LikelihoodCut(0.625).keep(tokens, logprobs) == 2  # equal to eta is still kept
    assert TokenCap(2).keep(tokens, None) == 2 and TokenCap().keep(tokens, None) == 4


def test_suggestion_tokens_split_a_token_straddling_the_start():
    generation = Generation("abcdef", ["ab", "cd", "ef"], [-1.0, -2.0, -3.0])
    assert suggestion_tokens(generation, 3) == (["d", "ef"], [-2.0, -3.0])
    assert suggestion_tokens(generation, 6) == ([], [])


def test_cut_at_stop_keeps_tokens_and_text_consistent():
    generation = cut_at_stop([" x", " +", "\n```", "\nmore"], [-1.0, -2.0, -3.0, -4.0], ["```"])
    assert generation == Generation(" x +\n", [" x", " +", "\n"], [-1.0, -2.0, -3.0])
    assert cut_at_stop(["ab", "cd"], None, [], limit=3) == Generation("abc", ["ab", "c"], None)


# A real backend object; these agents raise before contacting the (absent) server.
UNREACHABLE = OpenAICompletionsBackend("http://127.0.0.1:9/v1", "none")


def test_agent_arguments_are_checked_with_clear_errors():
    with pytest.raises(ValueError, match="unit must be 'bits' or 'nats'"):
        inference_empower_agent(UNREACHABLE, 0.32, unit="bit")
    with pytest.raises(ValueError, match="max_tokens"):
        base_agent(UNREACHABLE, 0)
    with pytest.raises(ValueError, match="prompt mode"):
        base_agent(UNREACHABLE, 10, mode="fim")
    agent = base_agent(UNREACHABLE, 10, show_statement=True)
    with pytest.raises(ValueError, match="show_problem_to_agent"):
        agent.act({"code": "", "round": 0, "statement": ""})
    with pytest.raises(ValueError, match="has no chat template here"):
        base_agent(UNREACHABLE, 10, mode="prefill").act({"code": "x = ", "round": 0})
    with pytest.raises(ValueError, match="http"):
        OpenAICompletionsBackend("127.0.0.1:8000", "m")


def test_inference_empower_names_its_unit():
    assert inference_empower_agent(UNREACHABLE, 0.32).name == "empower-infer:0.32"
    agent = inference_empower_agent(UNREACHABLE, 0.5, unit="nats")
    assert agent.length_rule == LikelihoodCut(0.5) and agent.name == "empower-infer:0.5nats"
    assert inference_empower_agent(UNREACHABLE, 2.0).length_rule == LikelihoodCut(2 * math.log(2))


def test_every_agent_takes_reset_info_and_seeds_itself_from_it():
    """One contract (agents/base.py): ``reset(info)``; a sampling agent's seed comes from ``info["seed"]``,
    never from outside."""
    agent = inference_empower_agent(UNREACHABLE, 1.0, temperature=1.0, seed=7)
    agent.reset({"problem_id": "p", "seed": None})
    assert agent.seed == 7  # an unseeded episode keeps the configured seed
    agent.reset({"problem_id": "p", "seed": 3})
    assert agent.seed == 3 * EPISODE_SEED_STRIDE and agent.last_info == {}
    for name in ("none", "base-10", "empower-infer:1"):
        assert isinstance(
            make_agent(name, backend_options=BackendOptions(base_url="http://127.0.0.1:9/v1", model="m")), Agent
        )
    assert not hasattr(make_agent("none"), "wants_reset_info")


@pytest.mark.parametrize(
    "name, message",
    [
        ("base-x", "token count"),
        ("sft-ten", "sft-N"),
        ("sft-10:", "empty path"),
        ("empower-infer:lots", "number of bits"),
        ("empower:/nonexistent/adapter", "/nonexistent/adapter"),
        ("sft-20:/nonexistent/sft", "/nonexistent/sft"),
    ],
)
def test_bad_agent_names_name_the_problem(name, message):
    with pytest.raises((ValueError, FileNotFoundError), match=message):
        make_agent(name, backend_options=BackendOptions())


def test_served_agents_are_addressed_by_model_name():
    options = BackendOptions(base_url="http://127.0.0.1:9/v1", stop="<|im_end|>")
    empower = make_agent("empower:my-empower-lora", backend_options=options)
    assert empower.backend.model == "my-empower-lora" and empower.stop == ("<|im_end|>",)
    assert empower.mode == "raw" and empower.name == "empower"
    sft = make_agent("sft-20:sft20", backend_options=options)
    assert sft.backend.model == "sft20" and sft.name == "sft-20"
    infer = make_agent(
        "empower-infer:4", backend_options=BackendOptions(base_url="http://127.0.0.1:9/v1", model="smollm2")
    )
    assert infer.length_rule == LikelihoodCut(4 * math.log(2)) and infer.mode == "chat"


def test_untrained_default_mode_follows_the_model():
    """Prefill needs a chat template rendered here: a base model without one (Gemma-3-270M) continues raw
    code; a served model whose tokenizer cannot be read here gets the paper's chat mode, one whose tokenizer
    is read (vLLM names its directory on this machine) the mode the model gets locally; a mode asked for by
    name always wins."""
    from types import SimpleNamespace

    from codeassist_env.agents.factories import BackendOptions, untrained_mode

    instruct = SimpleNamespace(tokenizer=SimpleNamespace(chat_template="{{ messages }}"))
    base_model = SimpleNamespace(tokenizer=SimpleNamespace(chat_template=None))
    assert untrained_mode(BackendOptions(), instruct) == "prefill"
    assert untrained_mode(BackendOptions(), base_model) == "raw"
    served = BackendOptions(base_url="http://127.0.0.1:8000/v1")
    assert untrained_mode(served, SimpleNamespace(tokenizer=None)) == "chat"
    assert untrained_mode(served, instruct) == "prefill"
    assert untrained_mode(BackendOptions(prompt_mode="chat"), base_model) == "chat"
    assert untrained_mode(BackendOptions(), instruct, local="raw") == "raw"  # Empower at inference
