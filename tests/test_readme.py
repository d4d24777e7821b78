"""The README's set-up commands: the first two fenced lines, the second one being exactly what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fenced_lines() -> list[str]:
    """Every line inside the README's fenced code blocks, in order."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", (ROOT / "README.md").read_text(encoding="utf-8"), re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_first_two_fenced_lines_are_the_set_up_commands():
    """Line 1 installs and runs the demo; line 2 installs the test extras and runs pytest."""
    install, tests = fenced_lines()[:2]
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert install.endswith("&& discipline demo")
    assert tests.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install ")
    assert "'.[test]'" in tests
    assert tests.endswith("&& pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    """.ci/run contains the README's second set-up command as one of its lines, unchanged."""
    tests = fenced_lines()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in [line.strip() for line in ci.splitlines()]
