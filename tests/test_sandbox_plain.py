"""The plain-data codec between an assert test's program and its checker (plain.py), on its own."""
from __future__ import annotations

import math
import os
import struct

import pytest

from codeassist_env.sandbox.inside.plain import (PLAIN_MAX_BYTES, PLAIN_MAX_DEPTH, NotPlain, decode, encode,
                                                 recv_frame, send_frame)


def round_trip(value):
    return decode(encode(value))


def test_every_plain_type_round_trips_with_its_exact_type():
    value = (None, True, False, 0, -7, 10 ** 5000, 1.5, -0.0, math.inf, "é\ud800", b"\x00\xff", [1, [2, ()]],
             {"a": 1, (1, "b"): [None], 2: {3, 4}, frozenset({5}): b""}, set(), frozenset({"x"}), 4 - 5j)
    back = round_trip(value)
    assert back == value and type(back) is tuple
    assert [type(v) for v in back] == [type(v) for v in value]
    assert math.copysign(1, back[7]) == -1 and math.isnan(round_trip(float("nan")))
    assert type(back[11][1][1]) is tuple and type(back[12][2]) is set and type(back[12][(1, "b")]) is list
    assert type(back[15]) is complex  # MBPP+ passes complex numbers


@pytest.mark.parametrize("value, reason", [
    (type("Yes", (), {"__eq__": lambda self, other: True})(), "the value is of type Yes"),
    (type("F", (float,), {})(1.0), "the value is of type F (a subclass of float)"),
    ([1, type("D", (dict,), {})()], "the value[1] is of type D (a subclass of dict)"),
    ({"k": (i for i in [])}, "the value['k'] is of type generator"),
    ({1: {2, range(3)}}, "an element of the value[1] is of type range"),
    ((1, 2, [3.0, bytearray(b"4")]), "the value[2][1] is of type bytearray"),
    (print, "the value is of type builtin_function_or_method"),
])
def test_anything_else_is_refused_with_what_and_where(value, reason):
    with pytest.raises(NotPlain) as refused:
        encode(value)
    assert str(refused.value) == reason


def test_size_and_depth_are_bounded():
    looped = []
    looped.append(looped)
    with pytest.raises(NotPlain, match=f"nested more than {PLAIN_MAX_DEPTH} deep"):
        encode(looped)
    shared = [0] * 1000
    with pytest.raises(NotPlain, match="more than 2000000 values"):
        encode([[shared] * 1000] * 1000)
    with pytest.raises(NotPlain, match="more than"):
        encode("x" * (PLAIN_MAX_BYTES + 1))
    nested = [[[1]]]
    assert round_trip(nested) == nested


@pytest.mark.parametrize("data", [b"{", b'{"a": 1}', b'["x", 1]', b'["s", ["l"]]', b'["d", 1]', b'["b", "zz"]',
                                  b'["c", 1, 2]', b"[]", b"[" * 100_000 + b"]" * 100_000, b'["d", ["l"], 1]'])
def test_malformed_messages_are_refused(data):
    with pytest.raises(NotPlain, match="malformed"):
        decode(data)


def test_frames_carry_messages_and_refuse_oversized_lengths():
    r, w = os.pipe()
    try:
        send_frame(w, b"hello")
        send_frame(w, b"")
        os.write(w, struct.pack(">I", PLAIN_MAX_BYTES + 1))
        os.close(w)
        assert recv_frame(r) == b"hello" and recv_frame(r) == b""
        with pytest.raises(NotPlain, match="message of"):
            recv_frame(r)
        assert recv_frame(r) is None  # end of stream
    finally:
        os.close(r)
