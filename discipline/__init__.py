"""discipline: staff attendance and discipline scoring for retail stores and car showrooms.

The package is a library a script can import; ``cli.py`` is a thin command line over it.
"""

__version__ = "0.1.0"
#: The name it is installed by (``pip install discipline-scoring``); the command is ``discipline``. An
#: unrelated project holds the name ``discipline`` on PyPI.
DISTRIBUTION = "discipline-scoring"
