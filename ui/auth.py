"""The auth file: user names with salted scrypt password hashes, one user a line.

A line reads ``name:scrypt:<salt hex>:<hash hex>``; blank lines and lines starting with ``#`` are
skipped. The file is written with mode 0600 and refused when other users can read it, as ssh does
with private keys: the hashes are slow to crack, not impossible.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from baocao.errors import SettingsError

__all__ = ["MIN_PASSWORD_CHARS", "Users", "add_user", "hash_password"]

MIN_PASSWORD_CHARS = 8
_ALGO = "scrypt"
# scrypt cost: about 50 ms and 16 MiB per check, so guessing is slow and logging in is not
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_SALT_BYTES = 16
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The ``scrypt:<salt hex>:<hash hex>`` form of a password, with a fresh random salt by default."""
    salt = secrets.token_bytes(_SALT_BYTES) if salt is None else salt
    return f"{_ALGO}:{salt.hex()}:{_scrypt(password, salt).hex()}"


def _scrypt(password: str, salt: bytes) -> bytes:
    # composed and decomposed Vietnamese ("ậ" as one code point or three) are the same password
    data = unicodedata.normalize("NFC", password).encode()
    return hashlib.scrypt(data, salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)


@dataclass(frozen=True)
class _Entry:
    salt: bytes
    digest: bytes


class Users:
    """The users of one auth file, and the check of a name and password against them."""

    def __init__(self, entries: dict[str, _Entry], path: Path | None = None) -> None:
        self._entries = entries
        self.path = path
        # checking an unknown name costs one scrypt too, so timing does not tell which names exist
        self._decoy = _Entry(secrets.token_bytes(_SALT_BYTES), b"")

    @classmethod
    def load(cls, path: Path) -> Users:
        """Read an auth file.

        Raises:
            SettingsError: the file is missing, readable by other users, malformed, or holds no user.
        """
        try:
            mode = path.stat().st_mode
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SettingsError(
                f"the auth file '{path}' does not exist; create it with 'baocao users add NAME --auth-file {path}'"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"cannot read the auth file '{path}': {exc}; check its permissions") from None
        if mode & 0o077:
            raise SettingsError(
                f"the auth file '{path}' can be read by other users (mode {stat.S_IMODE(mode):04o}); "
                f"run: chmod 600 {path}"
            )
        users = cls(_parse(text, path), path)
        if not users.names:
            raise SettingsError(
                f"the auth file '{path}' holds no user; add one with 'baocao users add NAME --auth-file {path}'"
            )
        return users

    @property
    def names(self) -> list[str]:
        """The user names, sorted."""
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def verify(self, name: str, password: str) -> bool:
        """Whether ``password`` is ``name``'s password (constant time in the stored hash)."""
        entry = self._entries.get(name, self._decoy)
        digest = _scrypt(password, entry.salt)
        return bool(entry.digest) and hmac.compare_digest(digest, entry.digest)


def _parse(text: str, path: Path) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        try:
            name, algo, salt, digest = parts
            if algo != _ALGO or not _NAME.fullmatch(name):
                raise ValueError(line)
            entries[name] = _Entry(bytes.fromhex(salt), bytes.fromhex(digest))
        except ValueError:
            raise SettingsError(
                f"line {n} of the auth file '{path}' is not 'name:scrypt:salt:hash'; "
                "remove it and add the user again with 'baocao users add NAME'"
            ) from None
    return entries


def add_user(path: Path, name: str, password: str) -> None:
    """Add a user to an auth file, or change their password; creates the file (mode 0600).

    Args:
        path: the auth file.
        name: 1-64 characters of letters, digits, ``.``, ``_``, ``@``, ``-``.
        password: at least ``MIN_PASSWORD_CHARS`` characters.

    Raises:
        SettingsError: the name or password is not acceptable, or the file cannot be written.
    """
    if not _NAME.fullmatch(name):
        raise SettingsError(
            f"user name {name!r} must be 1-64 characters of letters, digits, '.', '_', '@' or '-'"
        )
    if len(password) < MIN_PASSWORD_CHARS:
        raise SettingsError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS}")
    lines: list[str] = []
    if path.exists():
        Users(_parse(path.read_text(encoding="utf-8"), path))  # refuse to rewrite a file we cannot read
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().split(":", 1)[0] != name
        ]
    lines.append(f"{name}:{hash_password(password)}")
    _write_private(path, "\n".join(lines) + "\n")


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` atomically with a file only its owner can read."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SettingsError(
            f"cannot write the auth file '{path}': {exc.strerror}; check the folder"
        ) from None
