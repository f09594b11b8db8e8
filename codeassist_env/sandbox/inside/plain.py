"""Plain data between an assert test's program and its checker: the only values that cross are None, bool,
int, float, complex, str, bytes and list, tuple, dict, set, frozenset of those, exact types only, within a
size and a depth bound. Standard library only, python3 >= 3.8: it is also part of the sandbox worker's script.

A value travels as JSON in which every container is an array whose first element names its type
(``["l", ...]`` list, ``["t", ...]`` tuple, ``["s", ...]`` set, ``["f", ...]`` frozenset,
``["d", k1, v1, ...]`` dict, ``["b", hex]`` bytes, ``["c", real, imag]`` complex,
``["i", hex]`` an int of more than 4096 bits); scalars are JSON's own. A long list or tuple of numbers
with floats among them travels packed, ``["p", "l" or "t", base64, [i1, v1, ...]]``: every value as a
little-endian double in the base64 text, and the exact value of each one that is not a float (at index
i1, ...) beside it, since writing and reading floats in decimal costs more than the rest of the message
together. The receiving side rebuilds fresh builtin objects from that, so nothing the sender defined (a
class, an ``__eq__``) ever reaches it. No pickle: unpickling can run code of the sender's choosing.
"""

import array
import binascii
import itertools
import json
import operator
import os
import struct
import sys

PLAIN_MAX_DEPTH = 100  # containers inside containers
PLAIN_MAX_NODES = 2_000_000  # values in one message, counted with repeats (a list shared 1000 times counts 1000)
PLAIN_MAX_BYTES = 32 * 1024 * 1024  # one encoded message
BIG_INT_BITS = 4096  # ints wider than this travel in hex
PLAIN_TYPES = "None, bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset"
_SCALARS = (type(None), bool, int, float, str)
_SCALAR_KINDS = frozenset(_SCALARS)
_INT_BOUND = 1 << BIG_INT_BITS  # an int travels as a JSON number when its magnitude is below this
_NUMBER_KINDS = frozenset((bool, int, float))
_TAGS = {list: "l", tuple: "t", set: "s", frozenset: "f"}
_ROW_KINDS, _ROW_TAGS, _LIST_KIND = frozenset((list, tuple)), frozenset(("l", "t")), frozenset((list,))
PACKED_MIN_VALUES = 256  # a list or tuple of numbers at least this long, with a float among them, travels packed
_JSON = json.JSONEncoder(separators=(",", ":"), check_circular=False)  # trees are built fresh, never cyclic
_JSON_DECODER = json.JSONDecoder()


class NotPlain(ValueError):
    """A value (or a message) outside plain data; the message says what and where."""


class _Refused(Exception):
    """A part that is not plain data, on its way up to ``encode``: ``say(where)`` is the message, and each
    container it passes adds its step to ``path`` (innermost first). The place is written out only then:
    naming every element's place while encoding would cost more than the encoding."""

    def __init__(self, say):
        Exception.__init__(self)
        self.say, self.path = say, []


def _tree(value, budget, depth):
    """``value`` as a JSON-ready tree; ``budget`` is a one-element list of nodes left."""
    budget[0] -= 1
    if budget[0] < 0:
        raise NotPlain("more than %d values in all" % PLAIN_MAX_NODES)
    kind = type(value)  # exact types: a subclass could answer == and < however it likes
    if kind is int and value.bit_length() > BIG_INT_BITS:
        return ["i", format(value, "x")]  # in hex: writing a big number in decimal takes quadratic time
    if kind in _SCALAR_KINDS:
        return value
    if depth >= PLAIN_MAX_DEPTH:
        raise _Refused(
            lambda where: (
                "%s is nested more than %d deep (a container that contains itself?)"
                % (where.split("[")[0], PLAIN_MAX_DEPTH)
            )
        )
    if kind is bytes:
        return ["b", value.hex()]
    if kind is complex:  # MBPP+ passes and returns complex numbers
        return ["c", value.real, value.imag]
    tag = _TAGS.get(kind)
    if tag is not None:
        kinds = set(map(type, value))
        flat = _flat(tag, value, kinds, budget) if kinds <= _SCALAR_KINDS else _rows(tag, value, kinds, budget, depth)
        if flat is not None:
            return flat
        items = [tag]
        try:
            for item in value:
                items.append(_tree(item, budget, depth + 1))
        except _Refused as refused:
            refused.path.append(("index", len(items) - 1) if tag in "lt" else ("element", None))
            raise
        return items
    if kind is dict:
        out = ["d"]
        try:
            for k, v in value.items():
                step = ("key", None)
                out.append(_tree(k, budget, depth + 1))
                step = ("value", k)
                out.append(_tree(v, budget, depth + 1))
        except _Refused as refused:
            refused.path.append(step)
            raise
        return out
    raise _Refused(lambda where: "%s is of type %s" % (where, _type_name(value)))


def _flat(tag, items, kinds, budget):
    """The tree of a list, tuple, set or frozenset of scalars only (``kinds``: their types), the bulk of
    large answers, checked and copied at C speed; None when a big int is among them, which the
    element-by-element walk then takes."""
    if budget[0] < len(items):
        raise NotPlain("more than %d values in all" % PLAIN_MAX_NODES)
    tree = None
    if float in kinds and kinds <= _NUMBER_KINDS and tag in "lt" and len(items) >= PACKED_MIN_VALUES:
        tree = _packed(tag, items, len(kinds) > 1)
    if tree is None:
        if int in kinds:
            ints = items if len(kinds) == 1 else [v for v in items if type(v) is int]
            if max(ints) >= _INT_BOUND or min(ints) <= -_INT_BOUND:
                return None  # a big int among them travels in hex
        tree = [tag]
        tree.extend(items)
    budget[0] -= len(items)
    return tree


def _rows(tag, items, kinds, budget, depth):
    """The tree of a list, tuple, set or frozenset of lists and tuples of scalars (pairs, coordinates,
    matrices), as ``_flat``'s, at C speed; None when it holds anything else, a big int, or a row long enough
    to travel packed (the element-by-element walk takes those)."""
    if not kinds <= _ROW_KINDS or depth + 1 >= PLAIN_MAX_DEPTH:
        return None
    cells = set(map(type, itertools.chain.from_iterable(items)))
    if not cells <= _SCALAR_KINDS or float in cells and max(map(len, items)) >= PACKED_MIN_VALUES:
        return None
    size = len(items) + sum(map(len, items))
    if budget[0] < size:
        raise NotPlain("more than %d values in all" % PLAIN_MAX_NODES)
    if int in cells:
        ints = list(itertools.chain.from_iterable(items))
        if len(cells) > 1:
            ints = [v for v in ints if type(v) is int]
        if max(ints) >= _INT_BOUND or min(ints) <= -_INT_BOUND:
            return None
    tree = [tag]
    tree.extend([_TAGS[type(row)], *row] for row in items)
    budget[0] -= size
    return tree


def _rows_built(rows, depth):
    """The values of a tree's items that are all lists or tuples of scalars (``_rows``), at C speed; None
    when they are anything else, which ``_build`` then walks one by one."""
    if depth + 1 >= PLAIN_MAX_DEPTH or not all(rows) or not set(map(operator.itemgetter(0), rows)) <= _ROW_TAGS:
        return None
    if not set(map(type, itertools.chain.from_iterable(rows))) <= _SCALAR_KINDS:
        return None
    return [row[1:] if row[0] == "l" else tuple(row[1:]) for row in rows]


def _packed(tag, items, mixed):
    """``["p", tag, base64 of the doubles, [index, value, ...] of the values that are not floats]``; None
    when an int is too large for a double. The others are exact, and each int among them fits a double,
    so none needs hex."""
    try:
        doubles = array.array("d", items)
    except OverflowError:
        return None
    if sys.byteorder == "big":
        doubles.byteswap()
    others = []
    if mixed:
        not_float = map(operator.is_not, map(type, items), itertools.repeat(float))
        for i in itertools.compress(itertools.count(), not_float):
            others += (i, items[i])
    return ["p", tag, binascii.b2a_base64(doubles.tobytes(), newline=False).decode("ascii"), others]


def _unpacked(tag, text, others):
    """The list or tuple of a packed tree (``_packed``); NotPlain when it is not one."""
    doubles = array.array("d")
    doubles.frombytes(binascii.a2b_base64(text))  # ValueError when not a whole number of doubles
    if sys.byteorder == "big":
        doubles.byteswap()
    values = doubles.tolist()
    at, exact = others[::2], others[1::2]
    if (
        len(at) != len(exact)
        or not set(map(type, exact)) <= _SCALAR_KINDS
        or not all(type(i) is int and 0 <= i < len(values) for i in at)
    ):
        raise NotPlain("malformed message")
    for i, value in zip(at, exact):
        values[i] = value
    return values if tag == "l" else tuple(values)


def _where(what, path):
    """The place a ``_Refused`` path (innermost step first) names, written from ``what`` outwards in."""
    where = what
    for step, at in reversed(path):
        if step == "index":
            where = "%s[%d]" % (where, at)
        elif step == "element":
            where = "an element of " + where
        elif step == "key":
            where = "a key of " + where
        else:
            where = "%s[%r]" % (where, at) if type(at) in _SCALARS else where + "[...]"
    return where


def _type_name(value):
    kind = type(value)
    for base in (bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset):
        if isinstance(value, base):
            return "%s (a subclass of %s)" % (kind.__name__, base.__name__)
    return kind.__name__


def _big_ints():
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)  # big integers are legitimate answers


def encode(value, what="the value"):
    """Bytes for ``value``; NotPlain (naming ``what`` and the offending part) when it is not plain data."""
    _big_ints()
    try:
        tree = _tree(value, [PLAIN_MAX_NODES], 0)
    except _Refused as refused:
        raise NotPlain(refused.say(_where(what, refused.path))) from None
    data = _JSON.encode(tree).encode()
    if len(data) > PLAIN_MAX_BYTES:
        raise NotPlain("%s takes more than %d bytes" % (what, PLAIN_MAX_BYTES))
    return data


def _build(tree, depth):
    kind = type(tree)
    if kind in _SCALAR_KINDS:
        return tree
    if kind is not list or not tree or depth >= PLAIN_MAX_DEPTH:
        raise NotPlain("malformed message")
    tag, items = tree[0], tree[1:]
    if tag == "b" and len(items) == 1 and type(items[0]) is str:
        return bytes.fromhex(items[0])
    if tag == "i" and len(items) == 1 and type(items[0]) is str:
        return int(items[0], 16)
    if tag == "c" and len(items) == 2 and all(type(x) is float for x in items):
        return complex(items[0], items[1])
    if tag == "p" and len(items) == 3 and items[0] in ("l", "t") and type(items[1]) is str and type(items[2]) is list:
        return _unpacked(*items)
    # JSON scalars are already what they stand for: only nested arrays (and objects, refused) need a walk.
    kinds = set(map(type, items))
    values = items if kinds <= _SCALAR_KINDS else _rows_built(items, depth) if kinds == _LIST_KIND else None
    if values is None:
        values = [_build(t, depth + 1) for t in items]
    if tag == "l":
        return values
    if tag == "t":
        return tuple(values)
    if tag == "s":
        return set(values)
    if tag == "f":
        return frozenset(values)
    if tag == "d" and len(values) % 2 == 0:
        return dict(zip(values[::2], values[1::2]))
    raise NotPlain("malformed message")


def decode(data):
    """The value ``data`` (bytes, or the str they spell) encodes, built from scratch out of builtin types;
    NotPlain when malformed."""
    if len(data) > PLAIN_MAX_BYTES:
        raise NotPlain("message of more than %d bytes" % PLAIN_MAX_BYTES)
    _big_ints()
    try:
        text = data if type(data) is str else data.decode("utf-8")
        tree, end = _JSON_DECODER.raw_decode(text)  # json.loads less its checks for other encodings and spaces
        if end != len(text):
            raise NotPlain("malformed message")
        return _build(tree, 0)
    except NotPlain:
        raise
    except (ValueError, TypeError, RecursionError, MemoryError) as e:  # bad JSON, unhashable key, bad hex
        raise NotPlain("malformed message (%s)" % type(e).__name__)


def send_frame(fd, data):
    """One message: its length (4 bytes, big-endian), then the bytes."""
    data = memoryview(struct.pack(">I", len(data)) + data)  # sliced without copying what is left to write
    while data:
        data = data[os.write(fd, data) :]


def recv_frame(fd):
    """The next message's bytes; None at end of stream (the other side closed or died)."""
    head = _recv_exact(fd, 4)
    if head is None:
        return None
    size = struct.unpack(">I", head)[0]
    if size > PLAIN_MAX_BYTES:
        raise NotPlain("message of %d bytes (at most %d)" % (size, PLAIN_MAX_BYTES))
    return _recv_exact(fd, size)


def _recv_exact(fd, size):
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
