"""The one exception hierarchy of baocao.

Every message says what failed, the offending value, and the fix. Library code raises these;
only the CLI and the UI turn them into words for people.
"""

from __future__ import annotations


class BaocaoError(Exception):
    """Base of every error baocao raises on purpose."""


class SettingsError(BaocaoError):
    """A setting has a value that cannot be used."""


class LoadError(BaocaoError):
    """A file could not be read into a document.

    Attributes:
        path: the file that failed.
        reason: what is wrong with it, in one phrase.
        fix: what the user should do about it.
    """

    def __init__(self, path: str, reason: str, fix: str) -> None:
        self.path = path
        self.reason = reason
        self.fix = fix
        super().__init__(f"cannot read '{path}': {reason}; {fix}")


class IndexMismatchError(BaocaoError):
    """The index was built with other settings (embedder, schema) than the ones in use."""


class StoreError(BaocaoError):
    """The vector store or lexical index cannot be opened or written."""


class LockedError(StoreError):
    """Another process is writing the same embedded data dir."""


class MissingExtraError(BaocaoError):
    """An optional dependency is needed for the feature asked for."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs an optional dependency; install it with: pip install 'baocao[{extra}]'"
        )


class QuestionError(BaocaoError):
    """A question or claim cannot be processed (empty, too long)."""


class RankerError(BaocaoError):
    """The answer ranker's model file is missing, unreadable or fitted on other features."""
