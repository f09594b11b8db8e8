"""The caps on what a test may produce, in one place for the host and the sandbox worker: the worker's
script cannot import the package, so the host sends ``output_cap`` and ``stderr_cap`` in every request
(``Sandbox.execute``) and the worker applies what it is sent."""

from __future__ import annotations

OUTPUT_CAP_BYTES = 8 * 1024 * 1024  # stdout (or a functional result) beyond this is an output_limit failure
STDERR_CAP_BYTES = 16 * 1024  # the tail of a program's stderr the worker sends back (a traceback comes last)
STDERR_KEEP = 2000  # characters of that tail kept in a TestResult, and of a worker's own stderr in errors
