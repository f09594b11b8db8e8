"""The benchmark runner behind ``codeassist bench`` and ``codeassist report``.

- ``runner``: ``BenchConfig`` (what decides results, hashed), ``RunOptions`` (how it runs) and ``BenchRunner``
  (concurrent episodes, resume, shards);
- ``store``: ``run.json`` and the append-only ``episodes.jsonl``;
- ``report``: merging run directories, tables (markdown, CSV) and PNG plots;
- ``describe``: the run's setup in words, from ``run.json``;
- ``comparison``: per-problem cells, paired differences to a baseline agent, warnings;
- ``stats``: the paired bootstrap interval and sign test;
- ``paper``: the paper's published numbers, for side-by-side tables.
"""
