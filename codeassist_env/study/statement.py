"""The problem statement as the page shows it: its Markdown (headings, emphasis, code spans and fenced
examples) rendered to HTML on the server, with any raw HTML in the statement escaped, not passed through,
so that a statement can never put markup or script of its own on the page."""

from __future__ import annotations

from functools import lru_cache

EXTENSIONS = ("fenced_code", "tables")


@lru_cache(maxsize=256)  # every view of a problem shows the same statement
def statement_html(text: str) -> str:
    # Imported here: every command line imports the study package to build its parser, and only a study
    # renders a statement (its extra is checked before a study starts).
    import markdown

    renderer = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")
    # Without its raw-HTML parsers, Python-Markdown escapes raw HTML as text (its documented replacement
    # for the removed safe_mode="escape").
    renderer.preprocessors.deregister("html_block")
    renderer.inlinePatterns.deregister("html")
    return renderer.convert(text)
