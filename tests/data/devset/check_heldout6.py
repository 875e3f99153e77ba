#!/usr/bin/env python3
"""Checks the held-out set 6: `python3 check_heldout.py 6` (see check_heldout.py)."""
import os
import runpy
import sys

sys.dont_write_bytecode = True
sys.argv = [sys.argv[0], "6"]
runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_heldout.py"), run_name="__main__")
