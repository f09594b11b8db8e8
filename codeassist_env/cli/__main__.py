import sys

from codeassist_env.cli import main

sys.exit(main())
