"""The one base class of the package's input errors: what a caller gave is wrong (an option, a name, a file,
a field of one) or what it asked for is missing on this machine. The command line reports exactly these as
one line and exit status 2 (``cli.errors``); any other exception is a bug, shown with its traceback."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: the message names what is wrong (file and line, field, value) and, where there is one,
    the fix. A ``ValueError``, so that callers catching ``ValueError`` for bad input catch it too."""


class MissingFile(InputError, FileNotFoundError):
    """A file or directory the caller named, or that the asked-for work needs, does not exist."""


class MissingModule(InputError, ModuleNotFoundError):
    """An optional dependency the asked-for work needs is not installed."""
