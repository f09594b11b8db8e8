"""codeassist_env: environments, simulated humans, assistants and benchmarks for assistive coding agents."""

from gymnasium.envs.registration import register as _gym_register
from gymnasium.envs.registration import WrapperSpec as _WrapperSpec
from gymnasium.envs.registration import registry as _gym_registry

from codeassist_env.numerics import pin_instruction_sets

# Before torch is imported anywhere in the package: the local engine's bits must not depend on the CPU's
# widest instructions (codeassist_env.numerics says why).
pin_instruction_sets()

from codeassist_env.problem import Problem, TestCase  # noqa: E402

__version__ = "0.1.0"

# gym.make("CodeAssist-v0") after importing the package; gym.make("codeassist_env:CodeAssist-v0")
# imports it first. The guard keeps a re-import (e.g. importlib.reload) from registering twice.
# gymnasium's own PassiveEnvChecker marks reset as checked before reset succeeds, so that after a refused
# first reset (an unknown problem_id) the next good reset's first step raises TypeError inside the checker.
# The environment is registered with the same checks in a wrapper that marks reset checked only once
# one succeeded (``env.CheckedFirstReset``).
if "CodeAssist-v0" not in _gym_registry:
    _gym_register(
        id="CodeAssist-v0",
        entry_point="codeassist_env.env:CodeAssistEnv",
        disable_env_checker=True,
        additional_wrappers=(_WrapperSpec("CheckedFirstReset", "codeassist_env.env:CheckedFirstReset", {}),),
    )

__all__ = ["Problem", "TestCase", "__version__"]
