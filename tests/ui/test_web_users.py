"""The auth file and the session tokens."""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from pathlib import Path

import pytest

from baocao.errors import SettingsError
from baocao.settings import Settings
from ui.auth import Users, add_user
from ui.session import Sessions


def test_add_user_writes_a_private_file_with_salted_hashes(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "users"
    add_user(path, "chuyenvien", "mat-khau-1")
    add_user(path, "lanhdao", "mat-khau-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().splitlines()
    assert [line.split(":")[:2] for line in lines] == [["chuyenvien", "scrypt"], ["lanhdao", "scrypt"]]
    assert "mat-khau-1" not in path.read_text()
    assert lines[0].split(":")[2:] != lines[1].split(":")[2:], "same password, different salt and hash"
    users = Users.load(path)
    assert users.names == ["chuyenvien", "lanhdao"]
    assert users.verify("chuyenvien", "mat-khau-1")
    assert not users.verify("chuyenvien", "mat-khau-2")
    assert not users.verify("nobody", "mat-khau-1")


def test_add_user_again_changes_the_password(tmp_path: Path) -> None:
    path = tmp_path / "users"
    add_user(path, "chuyenvien", "mat-khau-cu")
    add_user(path, "chuyenvien", "mat-khau-moi")
    users = Users.load(path)
    assert users.names == ["chuyenvien"]
    assert users.verify("chuyenvien", "mat-khau-moi") and not users.verify("chuyenvien", "mat-khau-cu")


def test_a_vietnamese_password_matches_in_either_unicode_form(tmp_path: Path) -> None:
    path = tmp_path / "users"
    add_user(path, "a", unicodedata.normalize("NFD", "Mật khẩu bí mật"))
    users = Users.load(path)
    assert users.verify("a", unicodedata.normalize("NFC", "Mật khẩu bí mật"))
    assert users.verify("a", unicodedata.normalize("NFD", "Mật khẩu bí mật"))
    assert not users.verify("a", "Mat khau bi mat")


@pytest.mark.parametrize(
    ("name", "password", "message"),
    [
        ("chuyen vien", "mat-khau-1", "user name 'chuyen vien' must be"),
        ("a:b", "mat-khau-1", "user name 'a:b' must be"),
        ("", "mat-khau-1", "user name '' must be"),
        ("chuyenvien", "ngan", "the password has 4 characters; use at least 8"),
    ],
    ids=["space", "colon", "empty", "short-password"],
)
def test_add_user_refuses_bad_names_and_short_passwords(
    tmp_path: Path, name: str, password: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        add_user(tmp_path / "users", name, password)
    assert not (tmp_path / "users").exists()


def test_load_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist; create it with 'baocao users add NAME"):
        Users.load(tmp_path / "users")


def test_load_refuses_a_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "users"
    add_user(path, "chuyenvien", "mat-khau-1")
    os.chmod(path, 0o644)
    with pytest.raises(SettingsError, match=r"can be read by other users \(mode 0644\); run: chmod 600"):
        Users.load(path)


@pytest.mark.parametrize(
    "text", ["chuyenvien:md5:00:00\n", "chuyenvien\n", "a:scrypt:zz:00\n"], ids=["algo", "fields", "hex"]
)
def test_load_refuses_a_malformed_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "users"
    path.write_text("# người dùng\n\n" + text)
    os.chmod(path, 0o600)
    with pytest.raises(SettingsError, match="line 3 of the auth file .* is not 'name:scrypt:salt:hash'"):
        Users.load(path)


def test_load_refuses_a_file_without_users(tmp_path: Path) -> None:
    path = tmp_path / "users"
    path.write_text("# nobody yet\n")
    os.chmod(path, 0o600)
    with pytest.raises(SettingsError, match="holds no user"):
        Users.load(path)


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Sessions:
    path = tmp_path_factory.mktemp("users") / "users"
    add_user(path, "chuyenvien", "mat-khau-1")
    return Sessions(Users.load(path))


def test_a_session_token_names_its_user_and_cannot_be_altered(sessions: Sessions) -> None:
    token = sessions.issue("chuyenvien")
    assert sessions.user_of(token) == "chuyenvien"
    body, signature = token.split(".")
    assert sessions.user_of(f"{body}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}") is None
    assert sessions.user_of(sessions.issue("nobody")) is None, "a user removed from the file"
    assert sessions.user_of(None) is None and sessions.user_of("a.b.c") is None


def test_a_session_expires(sessions: Sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    token = sessions.issue("chuyenvien")
    later = time.time() + sessions.max_age_s + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert sessions.user_of(token) is None


def test_another_server_process_does_not_accept_the_token(sessions: Sessions) -> None:
    assert Sessions(sessions.users).user_of(sessions.issue("chuyenvien")) is None


def test_repeated_wrong_passwords_make_a_client_wait(sessions: Sessions) -> None:
    fresh = Sessions(sessions.users)
    for _ in range(10):
        assert fresh.login("10.0.0.9", "chuyenvien", "sai-mat-khau") is None
    with pytest.raises(PermissionError):
        fresh.login("10.0.0.9", "chuyenvien", "mat-khau-1")
    assert fresh.login("10.0.0.10", "chuyenvien", "mat-khau-1") is not None, "other clients are not blocked"


def test_basic_credentials(sessions: Sessions) -> None:
    import base64

    good = "Basic " + base64.b64encode(b"chuyenvien:mat-khau-1").decode()
    bad = "Basic " + base64.b64encode(b"chuyenvien:sai").decode()
    fresh = Sessions(sessions.users)
    assert fresh.user_of_basic("10.0.0.1", good) == "chuyenvien"
    assert fresh.user_of_basic("10.0.0.1", bad) is None
    assert fresh.user_of_basic("10.0.0.1", "Basic !!!") is None
    assert fresh.user_of_basic("10.0.0.1", "Bearer x") is None
    for _ in range(10):
        fresh.user_of_basic("10.0.0.2", bad)
    assert fresh.user_of_basic("10.0.0.2", good) is None, "too many failures: even the right password waits"
    assert fresh.user_of_basic("10.0.0.1", good) == "chuyenvien"


def test_the_cli_adds_a_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from baocao.cli import main

    path = tmp_path / "users"
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-tu-cli\n"))
    assert main(["users", "add", "lanhdao", "--auth-file", str(path), "--password-stdin"]) == 0
    assert Users.load(path).verify("lanhdao", "mat-khau-tu-cli")
    assert Settings.help()["auth_file"]
