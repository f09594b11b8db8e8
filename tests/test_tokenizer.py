"""The offline code tokenizer and the Hugging Face wrapper behind the same protocol."""

from __future__ import annotations

import pytest

from codeassist_env.problems import load_problems
from codeassist_env.tokenizer import CODE_TOKENIZER_NAME, CodeTokenizer, HFTokenizer, Tokenizer, get_tokenizer

TRICKY = (
    'def f(x: int) -> int:\r\n\t"""Doc é 漢字 ✓"""\n    return x**2 + 0x1F + 1.5e-3 + .5j  # ok\n'
    "    y //= 3; z ->= ...\n\n"
)


def test_default_is_the_named_code_tokenizer():
    tok = get_tokenizer(None)
    assert isinstance(tok, CodeTokenizer) and isinstance(tok, Tokenizer)
    assert tok.name == CODE_TOKENIZER_NAME == "codeassist-code-v1"
    assert get_tokenizer("codeassist-code-v1").name == CODE_TOKENIZER_NAME
    assert get_tokenizer(tok) is tok


def test_pieces_concatenate_exactly_and_split_code_sensibly():
    tok = get_tokenizer()
    pieces = tok.encode(TRICKY)
    assert "".join(pieces) == TRICKY
    assert pieces[:12] == ["def", " ", "f", "(", "x", ":", " ", "int", ")", " ", "->", " "]
    for expected in ["\r\n", "\t", "漢字", "é", "**", "0x1F", "1.5e-3", ".5j", "//=", "...", "    ", "#"]:
        assert expected in pieces, expected
    assert pieces[-2:] == ["\n", "\n"]  # each line break is its own token
    assert tok.count(TRICKY) == len(pieces)
    assert tok.encode("") == [] and tok.count("") == 0


def test_truncate_is_the_longest_prefix_with_at_most_n_tokens():
    tok = get_tokenizer()
    text = "return a + b\n"
    assert tok.truncate(text, 0) == ""
    assert tok.truncate(text, 1) == "return"
    assert tok.truncate(text, 3) == "return a"
    assert tok.truncate(text, 7) == "return a + b"
    assert tok.truncate(text, 8) == text == tok.truncate(text, 1000)


def test_pieces_are_stable_at_every_boundary_of_every_humaneval_reference():
    """The reference human slices precomputed pieces: that needs tokens(text[b:]) == pieces after b
    and tokens(text[:b]) == pieces before b for every piece boundary b."""
    tok = get_tokenizer()
    checked = 0
    for problem in load_problems("humaneval"):
        text = problem.reference_solution
        pieces = tok.encode(text)
        offset = 0
        for i, piece in enumerate(pieces):
            offset += len(piece)
            if i % 5:  # every fifth boundary keeps the test fast; the property is local anyway
                continue
            assert tok.encode(text[offset:]) == pieces[i + 1 :], (problem.id, offset)
            assert tok.encode(text[:offset]) == pieces[: i + 1], (problem.id, offset)
            checked += 1
    assert checked > 3000


@pytest.mark.model
def test_hugging_face_tokenizer_from_the_smollm2_gguf():
    tok = get_tokenizer("smollm2")
    assert isinstance(tok, HFTokenizer) and tok.name == "smollm2"
    pieces = tok.encode(TRICKY)
    assert "".join(pieces) == TRICKY and len(pieces) > 20
    assert tok.count(TRICKY) >= len(pieces)
    assert tok.count("") == 0 and tok.encode("") == []
    prefix = tok.truncate(TRICKY, 7)
    assert TRICKY.startswith(prefix) and 0 < len(prefix) < len(TRICKY)
    assert tok.count(prefix) <= 7
    assert tok.truncate(TRICKY, 10_000) == TRICKY


def test_unknown_tokenizer_is_a_clear_offline_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-tokenizer"):
        get_tokenizer(str(tmp_path / "no-such-tokenizer"))
    with pytest.raises(TypeError, match="tokenizer must be"):
        get_tokenizer(42)
