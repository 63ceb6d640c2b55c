"""Errors a user can fix. Only the CLI and the UI turn them into one-line messages.

Anything else that escapes is a bug and may show a traceback; these never should.
"""


class RagError(Exception):
    """Base class: the message is a complete sentence a user can act on."""


class InputError(RagError):
    """Bad input: a missing or empty folder, an unreadable or binary file, an empty question."""


class IndexMissingError(RagError):
    """No index has been built at the configured location."""


class IndexMismatchError(RagError):
    """The index on disk was built with settings other than the ones asked for, or is damaged."""


class ConfigError(RagError):
    """A configuration value (flag or environment variable) is invalid."""


class LLMError(RagError):
    """The language model could not answer: endpoint down, timeout, a broken stream, a bad model file.
    The answer falls back to the extractive one and says why."""


class IndexBusyError(RagError):
    """Another `rag index` holds the index folder's write lock (see rag.lock)."""
