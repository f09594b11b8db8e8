"""One registry per plug-in kind (agents, humans, problem sets, sandbox backends): the single place that
knows the names of its kind. Each kind has its own entry type (a frozen dataclass with at least ``name``
and ``help``); the registry finds an entry by name, builds the "unknown name, did you mean" message and
gives the command line its choices and help.

Names of kinds that take an argument are ``prefix``, or ``prefix`` + a separator + the argument
(``oracle-10``, ``empower:PATH``, ``expert-0.2``); the longest registered prefix wins.

Code outside the package adds entries with ``register`` (``codeassist --plugin MODULE`` imports such a
module before the command line is read; see ``codeassist_env.plugins``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from codeassist_env.errors import InputError


class UnknownName(InputError):
    """A name no entry of the registry answers to; the message suggests the closest registered names."""


class Named(Protocol):
    # Read-only, so that frozen dataclasses are entries.
    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...


class Buildable(Named, Protocol):
    """An entry ``Registry.build`` can use: a ``Kind`` or a subclass of one."""

    @property
    def build(self) -> Callable[..., Any]: ...


E = TypeVar("E", bound=Named)
B = TypeVar("B", bound=Buildable)


@dataclass(frozen=True)
class Kind:
    """An entry for things built from a name with an argument (agents, humans): ``parse`` turns the
    argument into what ``build`` takes, so that a bad one is refused before anything is built."""

    name: str
    build: Callable[..., Any]  # build(parsed_argument, **options)
    help: str = ""
    parse: Callable[[str], Any] = str  # the argument after the prefix -> what build takes; ValueError if bad


class Registry(Generic[E]):
    def __init__(self, kind: str, separators: str = ""):
        """``kind``: what the entries are, for messages ("agent"); ``separators``: the characters that may
        follow a prefix before its argument ("" = names are exact)."""
        self.kind = kind
        self.separators = separators
        self._entries: dict[str, E] = {}

    def register(self, entry: E) -> E:
        if entry.name in self._entries:
            raise ValueError(f"{self.kind} {entry.name!r} is already registered")
        self._entries[entry.name] = entry
        return entry

    def __iter__(self) -> Iterator[E]:
        return iter(list(self._entries.values()))

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._find(name) is not None

    def lookup(self, name: str) -> tuple[E, str]:
        """The entry ``name`` stands for and its argument ("" when none); ``UnknownName`` otherwise."""
        found = self._find(name)
        if found is None:
            raise UnknownName(self.unknown(name))
        return found

    def parse(self, name: str) -> tuple[E, Any]:
        """The entry and its argument, parsed by the entry's ``parse`` when it has one (a ``Kind``)."""
        entry, arg = self.lookup(name)
        parse = getattr(entry, "parse", None)
        return entry, parse(arg) if callable(parse) else arg

    def build(self: Registry[B], name: str, **options: Any) -> Any:
        """What the ``Kind`` that ``name`` stands for builds from its parsed argument and ``options``."""
        entry, parsed = self.parse(name)
        return entry.build(parsed, **options)

    def _find(self, name: str) -> tuple[E, str] | None:
        for prefix in sorted(self._entries, key=len, reverse=True):  # longest prefix wins
            if name == prefix:
                return self._entries[prefix], ""
            if self.separators and name.startswith(prefix) and name[len(prefix)] in self.separators:
                return self._entries[prefix], name[len(prefix) + 1 :]
        return None

    def unknown(self, name: str) -> str:
        """``unknown <kind> 'x'; did you mean 'y'? (registered: ...)``: the closest registered name."""
        names = self.names()
        head = name
        for separator in self.separators:
            head = head.split(separator, 1)[0]
        # The closest names ('exprt' is 'expert', not also 'expert-real'), whole name first; the hint is
        # the first that works as a name: 'sft10' gets 'sft-10', since 'sft' alone is refused.
        close = list(
            dict.fromkeys(difflib.get_close_matches(name, names, n=3) + difflib.get_close_matches(head, names, n=3))
        )
        working = next((w for w in map(lambda c: self._working(c, name), close) if w), None)
        hint = f"; did you mean {working!r}?" if working else ""
        return f"unknown {self.kind} {name!r}{hint} (registered: {', '.join(names)})"

    def _working(self, prefix: str, name: str) -> str | None:
        """``prefix`` with the rest of ``name`` as its argument, or alone, whichever parses; None if neither."""
        rest = name[len(prefix) :] if name.startswith(prefix) else ""
        for text in [prefix + separator + rest for separator in self.separators if rest] + [prefix]:
            try:
                self.parse(text)
                return text
            except ValueError:
                continue
        return None

    def help_text(self) -> str:
        """``name (help), ...`` for the command line's help."""
        return "; ".join(f"{e.name}: {e.help}" if e.help else e.name for e in self)
