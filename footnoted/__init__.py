"""footnoted: answers from footnoted documents, with exact citations and the footnotes they cite."""

__version__ = "0.1.0"
