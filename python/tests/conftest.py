"""Shared fixtures of the Python suites: where the source tree and the built CLI are
(CTest sets QBATH_SOURCE_DIR, QBATH_BINARY and QBATH_LIBRARY; run by hand, the paths
default to this checkout's build/)."""
import os
import subprocess

import pytest

SOURCE = os.environ.get("QBATH_SOURCE_DIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("QBATH_BINARY") or os.path.join(SOURCE, "build", "qbath")


def run_cli(args, cwd=None):
    """Runs the CLI; returns its stdout, raising with its stderr on failure."""
    p = subprocess.run([BINARY] + args, capture_output=True, text=True, cwd=cwd)
    if p.returncode != 0:
        raise AssertionError("qbath %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


@pytest.fixture
def source():
    return SOURCE
