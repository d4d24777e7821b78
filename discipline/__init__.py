"""discipline: staff attendance and discipline scoring for retail stores and car showrooms.

The package is a library a script can import; ``cli.py`` is a thin command line over it.
"""

__version__ = "0.1.0"
