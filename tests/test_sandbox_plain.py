"""The plain-data codec between an assert test's program and its checker (plain.py), on its own."""

from __future__ import annotations

import math
import os
import random
import struct

import pytest

from codeassist_env.sandbox.inside.plain import (
    PACKED_MIN_VALUES,
    PLAIN_MAX_BYTES,
    PLAIN_MAX_DEPTH,
    NotPlain,
    decode,
    encode,
    recv_frame,
    send_frame,
)


def round_trip(value):
    return decode(encode(value))


def test_every_plain_type_round_trips_with_its_exact_type():
    value = (
        None,
        True,
        False,
        0,
        -7,
        10**5000,
        1.5,
        -0.0,
        math.inf,
        "é\ud800",
        b"\x00\xff",
        [1, [2, ()]],
        {"a": 1, (1, "b"): [None], 2: {3, 4}, frozenset({5}): b""},
        set(),
        frozenset({"x"}),
        4 - 5j,
    )
    back = round_trip(value)
    assert back == value and type(back) is tuple
    assert [type(v) for v in back] == [type(v) for v in value]
    assert math.copysign(1, back[7]) == -1 and math.isnan(round_trip(float("nan")))
    assert type(back[11][1][1]) is tuple and type(back[12][2]) is set and type(back[12][(1, "b")]) is list
    assert type(back[15]) is complex  # MBPP+ passes complex numbers


def test_long_lists_of_numbers_travel_packed_and_come_back_exact():
    n = PACKED_MIN_VALUES
    mixed = [1, 3, True, 2**60 + 1] + [i / 7 for i in range(n)] + [math.nan, -0.0, -math.inf, 1e-310]
    floats = tuple(float(i) for i in range(n))
    for value in (mixed, floats, [[0.5] * n, (1.5,) * n]):
        data = encode(value)
        assert data.count(b'["p",') >= 1
        back = decode(data)
        assert [type(v) for v in back] == [type(v) for v in value] and repr(back) == repr(value)
    assert decode(encode(mixed))[3] == 2**60 + 1  # an int is sent exact, not as the double beside it
    # Too large for a double, or too short to be worth it: plain JSON, as before.
    for value in ([2**2000, 0.5] * n, [10**400] + [0.5] * n, [0.5] * (n - 1)):
        data = encode(value)
        assert b'"p"' not in data and decode(data) == value


def hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def random_value(rng, depth=0):
    """A value of random shape: scalars, rows of scalars, long lists of numbers, and containers of those."""
    scalars = [None, True, 0, -3, 2**70, 10**1300, 0.1, -0.0, math.inf, "s", b"b", 1j]
    pick = rng.random()
    if depth > 3 or pick < 0.3:
        return rng.choice(scalars)
    if pick < 0.5:  # a long list of numbers, mixed or not, sometimes with a big int
        values = [rng.choice([1, 2.5, True, -7.25]) for _ in range(rng.choice([10, 300]))]
        return values + [10**400] if rng.random() < 0.2 else values
    kind = rng.choice([list, tuple, set, frozenset, dict])
    items = [random_value(rng, depth + 1) for _ in range(rng.randrange(6))]
    if kind in (set, frozenset):
        return kind(v for v in items if hashable(v))
    if kind is dict:
        return {i: v for i, v in enumerate(items)}
    return kind(items)


def exact(value):
    """``value`` with every part's type and repr spelled out (a set's parts in sorted order)."""
    if type(value) in (list, tuple):
        return type(value).__name__, [exact(v) for v in value]
    if type(value) in (set, frozenset):
        return type(value).__name__, sorted(repr(exact(v)) for v in value)
    if type(value) is dict:
        return "dict", [(exact(k), exact(v)) for k, v in value.items()]
    return type(value).__name__, repr(value)


def test_values_of_random_shapes_round_trip_with_their_exact_types():
    rng = random.Random(7)
    for _ in range(300):
        value = random_value(rng)
        assert exact(round_trip(value)) == exact(value)
    rows = [(1, "a"), [2.5, None], (), [10**1300]]  # the last row's big int: the rows go one by one
    assert repr(round_trip(rows)) == repr(rows) and repr(round_trip(rows[:3])) == repr(rows[:3])
    assert round_trip({(1, 2), (3, 4)}) == {(1, 2), (3, 4)}


@pytest.mark.parametrize(
    "data",
    [
        b'["p","l","AAAA",[]]',
        b'["p","l","AAAAAAAA8D8=",[1,5]]',
        b'["p","l","AAAAAAAA8D8=",[0,[1]]]',
        b'["p","l","AAAAAAAA8D8=",[0]]',
        b'["p","s","AAAAAAAA8D8=",[]]',
        b'["p","l","AAAAAAAA8D8",[]]',
        b'["p","l",1,[]]',
    ],
)
def test_malformed_packed_lists_are_refused(data):
    assert decode(b'["p","l","AAAAAAAA8D8=",[0,7]]') == [7]
    with pytest.raises(NotPlain, match="malformed"):
        decode(data)


@pytest.mark.parametrize(
    "value, reason",
    [
        (type("Yes", (), {"__eq__": lambda self, other: True})(), "the value is of type Yes"),
        (type("F", (float,), {})(1.0), "the value is of type F (a subclass of float)"),
        ([1, type("D", (dict,), {})()], "the value[1] is of type D (a subclass of dict)"),
        ({"k": (i for i in [])}, "the value['k'] is of type generator"),
        ({1: {2, range(3)}}, "an element of the value[1] is of type range"),
        ((1, 2, [3.0, bytearray(b"4")]), "the value[2][1] is of type bytearray"),
        (print, "the value is of type builtin_function_or_method"),
        (
            [0] * 1000 + [{"k": [1.0] * 1000 + [print]}],
            "the value[1000]['k'][1000] is of type builtin_function_or_method",
        ),
        ({(1, 2): {3, (4, 5j, range(2))}}, "an element of the value[...][2] is of type range"),
    ],
)
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


@pytest.mark.parametrize(
    "data",
    [
        b"{",
        b'{"a": 1}',
        b'["x", 1]',
        b'["s", ["l"]]',
        b'["d", 1]',
        b'["b", "zz"]',
        b'["c", 1, 2]',
        b"[]",
        b"[" * 100_000 + b"]" * 100_000,
        b'["d", ["l"], 1]',
        b'["l", ["l", 1], []]',
        b'["l", ["l", 1], ["x", 2]]',
        b'["l", ["t", 1], ["l", {}]]',
    ],
)
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
