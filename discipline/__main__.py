"""The ``discipline`` command's entry point (the console script, and ``python -m discipline``).

The command lives in ``cli.py`` at the top of the project; a built wheel carries it inside the package
as ``discipline/cli.py``, so that installing it adds no top-level module named ``cli`` (which would
clobber, or be clobbered by, another package's). A source checkout or an editable install has it at
the top. This shim finds it in either place, and only here.
"""

from __future__ import annotations


def main() -> None:
    """Run the ``discipline`` command."""
    try:
        from discipline.cli import main as run  # a wheel
    except ModuleNotFoundError as exc:
        if exc.name != "discipline.cli":  # a missing dependency of cli.py is not a missing cli.py
            raise
        from cli import main as run  # a source checkout or an editable install
    run()


if __name__ == "__main__":
    main()
