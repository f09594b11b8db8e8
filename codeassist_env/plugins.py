"""Plug-ins: modules outside the package that register agents, humans, problem sets or sandbox backends.

A plug-in is an ordinary Python module whose import calls ``register`` on the registries it extends::

    # my_plugin.py
    from codeassist_env.agents import AGENTS, AgentKind
    AGENTS.register(AgentKind("echo", lambda arg, **options: EchoAgent(), help="repeats the last line"))

``codeassist --plugin my_plugin bench --agents echo ...`` (a module name on ``sys.path``, or the path of
a ``.py`` file; repeatable) imports it before the command line is read, so that the new names are
choices of every command. In Python, importing the module is all it takes.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from codeassist_env.errors import InputError


class PluginError(InputError):
    """A plug-in that cannot be found or fails on import."""


def load_plugin(spec: str) -> ModuleType:
    """Import the plug-in ``spec`` names (a module name, or a ``.py`` file's path) once per process."""
    if spec.endswith(".py") or "/" in spec:
        path = Path(spec).expanduser().resolve()
        if not path.is_file():
            raise PluginError(f"plugin file {spec} does not exist; give a .py file or an importable module name")
        name = f"codeassist_plugin_{path.stem}"
        if name in sys.modules:
            return sys.modules[name]
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            # No loader takes the file's suffix (a path with a "/" that does not end in .py); a spec it
            # returns always has its loader.
            raise AttributeError(f"plugin file {spec}: no module loader takes this file")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except Exception as error:
            del sys.modules[name]
            raise PluginError(f"plugin {spec} failed on import: {type(error).__name__}: {error}") from error
        return module
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as error:
        if error.name and spec.startswith(error.name):
            raise PluginError(
                f"plugin module {spec!r} not found on sys.path; give its file's path "
                "(path/to/module.py) or add its directory to PYTHONPATH"
            ) from None
        raise PluginError(f"plugin {spec} failed on import: {error}") from error
    except Exception as error:
        raise PluginError(f"plugin {spec} failed on import: {type(error).__name__}: {error}") from error
