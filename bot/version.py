"""The package version (bot.__version__; the API and the crawler's User-Agent name it)."""

__version__ = "0.1.0"
