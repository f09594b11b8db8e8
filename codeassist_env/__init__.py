"""codeassist_env: environments, simulated humans, assistants and benchmarks for assistive coding agents."""
from codeassist_env.problems.model import Problem, TestCase

__version__ = "0.1.0"
__all__ = ["Problem", "TestCase", "__version__"]
