"""The environment file of docs/deploy/qingshan.env read exactly as systemd's ``EnvironmentFile=`` reads it.

A port of systemd's parser (src/basic/env-file.c, ``parse_env_file_internal``): ``#`` or ``;``
starts a comment only at the start of a line; a value runs to the end of its line with trailing
whitespace removed, so ``NAME=1   # a remark`` is the value ``1   # a remark``; single or double
quotes open a quoted part only where a value starts (or right after a quoted part); a backslash
escapes the next character and a backslash at the end of a line continues the value.

Used by tests/test_deploy.py (``check --deploy`` with the documented file) and bench/deploy_drill.py
(the drill runs gunicorn and the worker with exactly what systemd would give them).
"""

from __future__ import annotations

import re
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parent.parent / "docs" / "deploy" / "qingshan.env"

_NEWLINE = "\n\r"
_WHITESPACE = " \t\n\r"
_COMMENT = "#;"
_SHELL_NEED_ESCAPE = '"\\`$'
_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The placeholders the office replaces (<...> in the file).
PLACEHOLDER = re.compile(r"<[^>]*>")


def parse_environment_file(text: str) -> dict[str, str]:
    """NAME -> value, as systemd would put them into the service's environment."""
    result: dict[str, str] = {}
    state = "pre_key"
    key: list[str] = []
    value: list[str] = []
    last_value_whitespace: int | None = None

    def push() -> None:
        name = "".join(key).rstrip(_WHITESPACE)
        text_value = "".join(value)
        if last_value_whitespace is not None:
            text_value = text_value[:last_value_whitespace]
        if _VALID_NAME.match(name):  # systemd ignores (and logs) an invalid name
            result[name] = text_value

    for char in text + "\n":
        if state == "pre_key":
            if char in _COMMENT:
                state = "comment"
            elif char not in _WHITESPACE:
                state, key, value, last_value_whitespace = "key", [char], [], None
        elif state == "key":
            if char in _NEWLINE:
                state = "pre_key"  # a name without "=": ignored
            elif char == "=":
                state = "pre_value"
            else:
                key.append(char)
        elif state == "pre_value":
            if char in _NEWLINE:
                push()
                state = "pre_key"
            elif char == "'":
                state = "single_quote"
            elif char == '"':
                state = "double_quote"
            elif char == "\\":
                state = "value_escape"
            elif char not in _WHITESPACE:
                state = "value"
                value.append(char)
        elif state == "value":
            if char in _NEWLINE:
                push()
                state = "pre_key"
            elif char == "\\":
                state = "value_escape"
                last_value_whitespace = None
            else:
                if char not in _WHITESPACE:
                    last_value_whitespace = None
                elif last_value_whitespace is None:
                    last_value_whitespace = len(value)
                value.append(char)
        elif state == "value_escape":
            state = "value"
            if char not in _NEWLINE:
                value.append(char)
        elif state == "single_quote":
            if char == "'":
                state = "pre_value"
            else:
                value.append(char)
        elif state == "double_quote":
            if char == '"':
                state = "pre_value"
            elif char == "\\":
                state = "double_quote_escape"
            else:
                value.append(char)
        elif state == "double_quote_escape":
            state = "double_quote"
            if char in _SHELL_NEED_ESCAPE:
                value.append(char)
            elif char != "\n":
                value.extend(("\\", char))
        elif state == "comment":
            if char == "\\":
                state = "comment_escape"
            elif char in _NEWLINE:
                state = "pre_key"
        elif state == "comment_escape":
            state = "comment"
    return result


def filled_environment_file(replacements: dict[str, str], *, path: Path = ENV_FILE) -> str:
    """The documented file with each variable of ``replacements`` given that value (the office's edit).

    Only whole ``NAME=value`` lines are replaced; a name not in the file is appended. Refuses a result
    that still holds a ``<placeholder>``.
    """
    lines, seen = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.split("=", 1)[0]
        if "=" in line and not line.startswith(("#", ";")) and name in replacements:
            line, _ = f"{name}={replacements[name]}", seen.add(name)
        lines.append(line)
    lines += [f"{name}={value}" for name, value in replacements.items() if name not in seen]
    text = "\n".join(lines) + "\n"
    if PLACEHOLDER.search("\n".join(line for line in lines if not line.startswith("#"))):
        raise ValueError(f"placeholders left in the environment file: {PLACEHOLDER.findall(text)}")
    return text
