"""Exceptions that separate bad input from bugs in goaltables.

A ``DocumentLoadError`` is the file's fault: its message is the one sentence that goes into
``documents.error``. Anything else escaping a reader or the parser is our bug; the pipeline
still records the file as failed, but says so differently.
"""


class GoalTablesError(Exception):
    """Base class for errors goaltables raises on purpose."""


class DocumentLoadError(GoalTablesError):
    """The input cannot be read: empty, corrupt, encrypted, scanned, unsupported, …"""


class UnsupportedFormatError(DocumentLoadError):
    """The content is a format no reader handles."""


class MissingToolError(DocumentLoadError):
    """A reader needs an external program that is not installed (e.g. LibreOffice for .doc)."""


class ConfigError(GoalTablesError):
    """A configuration file (lexicon, taxonomy) is invalid; the message says where and why."""
