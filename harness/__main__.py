import atexit
import os
import sys

from harness.cli._main import main

code = main()
if code == 130:
    # Ctrl-C: the run's files are written and its exit handlers run now; the interpreter's own slow
    # teardown (inspect's and llama.cpp's module state) is skipped, so the command ends in seconds
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(130)
sys.exit(code)
