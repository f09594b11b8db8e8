"""Offline code corpora for the Empower pipeline: each yields :class:`Document` records (code only).

Sources, each selectable with a one-line spec (see :func:`load_corpus`):

- ``jsonl:PATH`` — a JSONL file (one ``{"id": ..., "text": ...}`` object per line; the field names are
  configurable) or a directory, where every file matching ``*.py`` (recursively) is one document.
- ``problems:SET[:SPLIT]`` — the reference solutions of a problem set's split (default ``train``).
- ``python:MODULE[,MODULE...]`` / ``stdlib`` — Python source of installed packages or of the standard
  library, cut at function/class level with :mod:`ast` (see :func:`python_source_documents`).
- ``hf:DATASET`` — a Hugging Face dataset (the paper used ``MatrixStudio/Codeforces-Python-Submissions``);
  needs the ``datasets`` package and a reachable hub, and fails fast with a clear message otherwise.

Every source is deduplicated by a normalised hash (see :func:`normalized_hash`). Documents longer
than the model context are handled where they are tokenised (:mod:`codeassist_env.training.datasets`).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import socket
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from codeassist_env.errors import InputError, MissingFile, MissingModule
from codeassist_env.files import json_lines

HF_CODEFORCES = "MatrixStudio/Codeforces-Python-Submissions"

# A small, varied default slice of the standard library for the CPU recipes.
DEFAULT_STDLIB_MODULES = (
    "json",
    "textwrap",
    "string",
    "heapq",
    "bisect",
    "fractions",
    "statistics",
    "calendar",
    "shlex",
    "difflib",
    "csv",
    "glob",
    "fnmatch",
    "colorsys",
    "functools",
    "random",
    "base64",
    "html",
    "ipaddress",
    "graphlib",
)


@dataclass(frozen=True)
class Document:
    """One program (or program fragment) written by "the human": code only, no problem statement."""

    id: str
    text: str
    source: str = ""


def normalized_hash(text: str) -> str:
    """Hash that ignores formatting: the AST dump for parseable Python (so comments, blank lines and
    quoting style do not matter), else the text with whitespace runs collapsed."""
    try:
        key = ast.dump(ast.parse(textwrap.dedent(text)), include_attributes=False)
    except (SyntaxError, ValueError):
        key = " ".join(text.split())
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def deduplicate(documents: Iterable[Document]) -> Iterator[Document]:
    """Keep the first document of each :func:`normalized_hash`; drop empty ones."""
    seen: set[str] = set()
    for doc in documents:
        if not doc.text.strip():
            continue
        digest = normalized_hash(doc.text)
        if digest not in seen:
            seen.add(digest)
            yield doc


def jsonl_documents(
    path: str | Path, *, text_field: str = "text", id_field: str = "id", pattern: str = "*.py"
) -> Iterator[Document]:
    """Documents from a JSONL file, or one document per file matching ``pattern`` under a directory."""
    path = Path(path)
    if path.is_dir():
        for file in sorted(path.rglob(pattern)):
            yield Document(
                id=str(file.relative_to(path)),
                text=file.read_text(encoding="utf-8", errors="replace"),
                source=str(path),
            )
        return
    if not path.is_file():
        raise MissingFile(f"corpus not found: {path} (give a .jsonl file or a directory)")
    for number, record in jsonl_records(path, required=(text_field,)):
        doc_id = record.get(id_field, f"{path.name}:{number}")
        yield Document(id=str(doc_id), text=record[text_field], source=str(path))


def jsonl_records(path: Path, required: Iterable[str] = ()) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; errors name the file, line and field."""
    for number, record in json_lines(path, InputError):
        for key in required:
            if not isinstance(record, dict) or not isinstance(record.get(key), str):
                raise InputError(f"{path}:{number}: field {key!r} missing or not a string")
        yield number, record


def problem_documents(problem_set: str, split: str | None = "train") -> Iterator[Document]:
    """The reference solutions of a problem set's split; problems without one are skipped."""
    from codeassist_env.problems import load_problems

    problems = load_problems(problem_set, split=split) if split else load_problems(problem_set)
    for problem in problems:
        if problem.reference_solution:
            yield Document(
                id=f"{problem_set}/{problem.id}",
                text=problem.reference_solution,
                source=f"problems:{problem_set}:{split or 'all'}",
            )


def _module_files(module: str) -> list[Path]:
    spec = importlib.util.find_spec(module)
    if spec is None:
        raise MissingModule(f"python corpus: module {module!r} is not installed")
    if spec.submodule_search_locations:  # a package: every .py file under it
        return sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.py"))
    if not spec.origin or not spec.origin.endswith(".py"):
        raise InputError(f"python corpus: module {module!r} has no Python source ({spec.origin})")
    return [Path(spec.origin)]


def _chunks(source: str, max_chars: int) -> Iterator[tuple[str, str]]:
    """(qualified name, dedented source) of top-level functions and classes; a class longer than
    ``max_chars`` is replaced by its methods so that chunks stay trainable."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)

    def segment(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        return textwrap.dedent("".join(lines[start - 1 : node.end_lineno]))

    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if not isinstance(node, defs):
            continue
        text = segment(node)
        if isinstance(node, ast.ClassDef) and len(text) > max_chars:
            for child in node.body:
                if isinstance(child, defs):
                    yield f"{node.name}.{child.name}", segment(child)
        else:
            yield node.name, text


def python_source_documents(modules: Iterable[str], *, min_lines: int = 3, max_chars: int = 4000) -> Iterator[Document]:
    """Function/class-level chunks of installed modules' source (tests and unparseable files skipped).

    Chunks shorter than ``min_lines`` lines are dropped; longer than ``max_chars`` characters are kept
    only if they are not classes (classes are split into methods)."""
    for module in modules:
        for file in _module_files(module):
            if "test" in file.parts[-1] or any(part in ("tests", "test") for part in file.parts):
                continue
            try:
                source = file.read_text(encoding="utf-8")
                chunks = list(_chunks(source, max_chars))
            except (SyntaxError, UnicodeDecodeError, ValueError):
                continue
            for name, text in chunks:
                if text.count("\n") + 1 >= min_lines:
                    yield Document(id=f"{module}:{file.name}:{name}", text=text, source=f"python:{module}")


def _hub_reachable(host: str = "huggingface.co", timeout_s: float = 3.0) -> bool:
    try:
        socket.create_connection((host, 443), timeout=timeout_s).close()
        return True
    except OSError:
        return False


def hf_documents(
    dataset: str = HF_CODEFORCES, *, split: str = "train", text_field: str = "code", limit: int | None = None
) -> Iterator[Document]:
    """Programs from a Hugging Face dataset; refuses at once (no hang) when it cannot be fetched."""
    if importlib.util.find_spec("datasets") is None:
        raise RuntimeError(f"corpus hf:{dataset} needs the 'datasets' package (pip install datasets)")
    if not _hub_reachable():
        raise RuntimeError(
            f"corpus hf:{dataset}: the Hugging Face hub (huggingface.co:443) is not "
            "reachable from this machine; use a jsonl:, problems: or python: corpus"
        )
    import datasets

    rows = datasets.load_dataset(dataset, split=split, streaming=True)
    for number, row in enumerate(rows):
        if limit is not None and number >= limit:
            break
        if text_field not in row:
            raise InputError(f"dataset {dataset}: no field {text_field!r} (fields: {sorted(row)})")
        yield Document(id=f"{dataset}/{number}", text=row[text_field], source=f"hf:{dataset}")


def load_corpus(spec: str, *, limit: int | None = None) -> list[Document]:
    """Documents (deduplicated, at most ``limit``) for one spec string; see the module docstring."""
    kind, _, rest = spec.partition(":")
    if kind == "jsonl":
        docs: Iterable[Document] = jsonl_documents(rest)
    elif kind == "problems":
        name, _, split = rest.partition(":")
        docs = problem_documents(name, split or "train")
    elif kind == "stdlib":
        docs = python_source_documents(rest.split(",") if rest else DEFAULT_STDLIB_MODULES)
    elif kind == "python":
        if not rest:
            raise InputError("corpus 'python:' needs module names, e.g. python:json,textwrap")
        docs = python_source_documents(rest.split(","))
    elif kind == "hf":
        docs = hf_documents(rest or HF_CODEFORCES, limit=limit)
    else:
        raise InputError(
            f"unknown corpus spec {spec!r}; use jsonl:PATH, problems:SET[:SPLIT], "
            "stdlib[:MODULES], python:MODULES or hf:DATASET"
        )
    out: list[Document] = []
    for doc in deduplicate(docs):
        if limit is not None and len(out) >= limit:
            break
        out.append(doc)
    return out


def load_corpora(specs: Iterable[str], *, limit_each: int | None = None) -> list[Document]:
    """Several specs concatenated, deduplicated across sources as well."""
    return list(deduplicate(doc for spec in specs for doc in load_corpus(spec, limit=limit_each)))
