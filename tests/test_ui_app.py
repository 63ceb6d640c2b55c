"""ui.app: the login file for `rag chat --auth-file`, and the flags that choose where it listens."""

from __future__ import annotations

import pytest

pytest.importorskip("gradio")

from rag.cli import parser  # noqa: E402
from rag.errors import ConfigError  # noqa: E402
from ui.app import read_auth_file  # noqa: E402


def test_auth_file_lines_become_gradio_auth_pairs(tmp_path):
    f = tmp_path / "users.txt"
    f.write_text("# who may log in\nalice:s3cret:with:colons\n\nbob:pw\n", encoding="utf-8")
    assert read_auth_file(f) == [("alice", "s3cret:with:colons"), ("bob", "pw")]


@pytest.mark.parametrize("text, why", [("alice\n", "line 1: expected user:password"), ("# none\n", "names no user"),
                                       (":pw\n", "expected user:password")])
def test_a_bad_auth_file_is_one_line(tmp_path, text, why):
    f = tmp_path / "users.txt"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=why):
        read_auth_file(f)
    with pytest.raises(ConfigError, match="cannot read the auth file"):
        read_auth_file(tmp_path / "missing.txt")


def test_chat_binds_loopback_unless_told():
    args = parser().parse_args(["chat"])
    assert (args.host, args.port, args.auth_file) == ("127.0.0.1", 7860, None)
    args = parser().parse_args(["chat", "--host", "0.0.0.0", "--auth-file", "u.txt"])
    assert args.host == "0.0.0.0" and str(args.auth_file) == "u.txt"
