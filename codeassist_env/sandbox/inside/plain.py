"""Plain data between an assert test's program and its checker: the only values that cross are None, bool,
int, float, complex, str, bytes and list, tuple, dict, set, frozenset of those, exact types only, within a
size and a depth bound. Standard library only, python3 >= 3.8: it is also part of the sandbox worker's script.

A value travels as JSON in which every container is an array whose first element names its type
(``["l", ...]`` list, ``["t", ...]`` tuple, ``["s", ...]`` set, ``["f", ...]`` frozenset,
``["d", k1, v1, ...]`` dict, ``["b", hex]`` bytes, ``["c", real, imag]`` complex,
``["i", hex]`` an int of more than 4096 bits); scalars are JSON's own. The receiving side rebuilds
fresh builtin objects from that, so nothing the sender defined (a class, an ``__eq__``) ever reaches it.
No pickle: unpickling can run code of the sender's choosing.
"""
import json
import os
import struct
import sys

PLAIN_MAX_DEPTH = 100  # containers inside containers
PLAIN_MAX_NODES = 2_000_000  # values in one message, counted with repeats (a list shared 1000 times counts 1000)
PLAIN_MAX_BYTES = 32 * 1024 * 1024  # one encoded message
BIG_INT_BITS = 4096  # ints wider than this travel in hex
PLAIN_TYPES = "None, bool, int, float, complex, str, bytes, list, tuple, dict, set, frozenset"
_SCALARS = (type(None), bool, int, float, str)
_TAGS = {list: "l", tuple: "t", set: "s", frozenset: "f"}


class NotPlain(ValueError):
    """A value (or a message) outside plain data; the message says what and where."""


def _tree(value, where, budget, depth):
    """``value`` as a JSON-ready tree; ``budget`` is a one-element list of nodes left."""
    budget[0] -= 1
    if budget[0] < 0:
        raise NotPlain("more than %d values in all" % PLAIN_MAX_NODES)
    kind = type(value)  # exact types: a subclass could answer == and < however it likes
    if kind is int and value.bit_length() > BIG_INT_BITS:
        return ["i", format(value, "x")]  # in hex: writing a big number in decimal takes quadratic time
    if kind in _SCALARS:
        return value
    if depth >= PLAIN_MAX_DEPTH:
        raise NotPlain("%s is nested more than %d deep (a container that contains itself?)"
                       % (where.split("[")[0], PLAIN_MAX_DEPTH))
    if kind is bytes:
        return ["b", value.hex()]
    if kind is complex:  # MBPP+ passes and returns complex numbers
        return ["c", value.real, value.imag]
    tag = _TAGS.get(kind)
    if tag is not None:
        items = [_tree(v, "%s[%d]" % (where, i) if tag in "lt" else "an element of " + where, budget, depth + 1)
                 for i, v in enumerate(value)]
        items.insert(0, tag)
        return items
    if kind is dict:
        out = ["d"]
        for k, v in value.items():
            out.append(_tree(k, "a key of " + where, budget, depth + 1))
            out.append(_tree(v, "%s[%r]" % (where, k) if type(k) in _SCALARS else where + "[...]", budget, depth + 1))
        return out
    raise NotPlain("%s is of type %s" % (where, _type_name(value)))


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
    data = json.dumps(_tree(value, what, [PLAIN_MAX_NODES], 0), separators=(",", ":")).encode()
    if len(data) > PLAIN_MAX_BYTES:
        raise NotPlain("%s takes more than %d bytes" % (what, PLAIN_MAX_BYTES))
    return data


def _build(tree, depth):
    kind = type(tree)
    if kind in _SCALARS:
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
    """The value ``data`` encodes, built from scratch out of builtin types; NotPlain when malformed."""
    if len(data) > PLAIN_MAX_BYTES:
        raise NotPlain("message of more than %d bytes" % PLAIN_MAX_BYTES)
    _big_ints()
    try:
        return _build(json.loads(data), 0)
    except NotPlain:
        raise
    except (ValueError, TypeError, RecursionError, MemoryError) as e:  # bad JSON, unhashable key, bad hex
        raise NotPlain("malformed message (%s)" % type(e).__name__)


def send_frame(fd, data):
    """One message: its length (4 bytes, big-endian), then the bytes."""
    data = struct.pack(">I", len(data)) + data
    while data:
        data = data[os.write(fd, data):]


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
