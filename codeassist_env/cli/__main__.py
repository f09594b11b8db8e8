import sys

from codeassist_env.cli import main

# Guarded: vLLM's engine (codeassist data empower --scorer vllm) starts its processes with spawn, which
# imports this module again in each of them.
if __name__ == "__main__":
    sys.exit(main())
