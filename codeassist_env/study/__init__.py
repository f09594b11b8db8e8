"""Study mode: real people solve problems in a browser with assistants' inline suggestions.

``codeassist study serve`` runs a blinded two-assistant study, ``codeassist study try`` one assistant for
its developer, ``codeassist study report`` the paper's user-study table (docs/study.md). Modules:
``schedule`` (seeded counterbalancing), ``log`` (the append-only record), ``state`` (rebuilt from the
log), ``assist`` (agents with deadlines), ``core`` (the actions), ``app`` (the web API and page),
``server`` (building and serving), ``report``.
"""

from codeassist_env.study.core import Study, StudyConfig, StudyError

__all__ = ["Study", "StudyConfig", "StudyError"]
