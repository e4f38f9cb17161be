"""The documented deployment (docs/deploy.md, its files in docs/deploy/): the environment file as systemd
reads it boots `check --deploy` clean, every store the app writes is where the units let it write,
and the document quotes the files it describes word for word."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.deploy_env import ENV_FILE, filled_environment_file, parse_environment_file

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY_DIR = BASE_DIR / "docs" / "deploy"
UNITS = sorted(DEPLOY_DIR.glob("*.service"))
# What the office puts in place of the file's <placeholders> (none of them is a real secret).
FILLED = {
    "DJANGO_SECRET_KEY": "k3V9-x2QmZp7RtLw0sYbN4cHjUe8aFdG6iKoPq1rSvTyXz5WnMlB_CgDhEjAfIu",
    "DATABASE_URL": "postgres://qingshan:drill-password@127.0.0.1:5432/qingshan",
}
STORES_SCRIPT = (
    "import django, json; django.setup(); from django.conf import settings; from django.core.files.storage import storages;"
    "print(json.dumps({name: storages[name].location for name in ('default', 'evidence', 'jobs')}))"
)


def systemd_environment() -> dict[str, str]:
    return parse_environment_file(filled_environment_file(FILLED))


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what systemd would pass: the file's variables and a PATH, nothing from the shell running the tests.
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env={"PATH": os.environ["PATH"], **env},
                          capture_output=True, text=True, timeout=120)


def unit_setting(unit: Path, name: str) -> list[str]:
    values = [line.split("=", 1)[1] for line in unit.read_text().splitlines() if line.startswith(f"{name}=")]
    assert len(values) == 1, (unit.name, name, values)
    return values[0].split()


# --- the parser is systemd's -----------------------------------------------------------------------
def test_the_parser_keeps_a_trailing_comment_in_the_value_as_systemd_does():
    parsed = parse_environment_file(
        "# a comment\n; another\nCOUNT=1     # the nginx in front\nQUOTED=\"two words\"  \n"
        "  SPACED = 3 \nJOINED='a'\"b\"\nCONT=x\\\ny\nNO_EQUALS\n1BAD=4\nEMPTY=\n"
    )
    assert parsed == {"COUNT": "1     # the nginx in front", "QUOTED": "two words", "SPACED": "3",
                      "JOINED": "ab", "CONT": "xy", "EMPTY": ""}


def test_a_trailing_comment_in_the_environment_file_stops_the_app_from_starting():
    env = systemd_environment() | parse_environment_file("DJANGO_TRUSTED_PROXY_COUNT=1     # the nginx\n")
    result = run_python(["manage.py", "check"], env)
    assert result.returncode == 1 and "invalid literal for int()" in result.stderr


# --- the documented file ---------------------------------------------------------------------------
def test_the_environment_file_has_no_trailing_comment_and_reads_the_same_in_the_shell():
    for line in ENV_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            # Nothing systemd and `set -a; . env` would read differently: no quote, escape, $, # or blank.
            assert re.fullmatch(r"[A-Za-z0-9_./:@,<>+=-]+|<[^>]+>", value), line
    environment = systemd_environment()
    assert "#" not in "".join(environment.values())
    assert environment["DJANGO_TRUSTED_PROXY_COUNT"] == "1" and environment["DJANGO_DEBUG"] == "0"


def test_check_deploy_is_clean_with_the_documented_environment_file_as_systemd_reads_it():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], systemd_environment())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_every_store_is_where_the_environment_file_puts_it_and_the_units_let_it_write():
    environment = systemd_environment()
    result = run_python(["-c", STORES_SCRIPT], environment | {"DJANGO_SETTINGS_MODULE": "qingshan.settings.production"})
    assert result.returncode == 0, result.stderr
    stores = json.loads(result.stdout)
    assert stores == {"default": environment["QS_MEDIA_ROOT"], "evidence": environment["QS_EVIDENCE_ROOT"],
                      "jobs": environment["JOBS_FILE_ROOT"]}
    assert UNITS, "no unit files in docs/deploy/"
    for unit in UNITS:
        assert unit_setting(unit, "EnvironmentFile") == ["/etc/qingshan/env"]
        assert sorted(unit_setting(unit, "ReadWritePaths")) == sorted(stores.values()), unit.name
        assert unit_setting(unit, "ReadOnlyPaths") == unit_setting(unit, "WorkingDirectory"), unit.name
        assert unit_setting(unit, "ProtectSystem") == ["strict"] and unit_setting(unit, "PrivateTmp") == ["true"]


def test_without_settings_every_store_is_under_var_for_make_run():
    env = {key: value for key, value in os.environ.items()
           if key not in ("JOBS_FILE_ROOT", "QS_EVIDENCE_ROOT", "QS_MEDIA_ROOT", "QS_EVIDENCE_S3_BUCKET")
           and not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    result = run_python(["-c", STORES_SCRIPT], env | {"DJANGO_SETTINGS_MODULE": "qingshan.settings.base"})
    assert result.returncode == 0, result.stderr
    var = BASE_DIR / "var"
    assert json.loads(result.stdout) == {"default": str(var / "media"), "evidence": str(var / "evidence"),
                                         "jobs": str(var / "jobs")}


@pytest.mark.parametrize("name", sorted(path.name for path in DEPLOY_DIR.iterdir()))
def test_docs_deploy_quotes_each_deploy_file_word_for_word(name):
    document = (BASE_DIR / "docs" / "deploy.md").read_text()
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", document, flags=re.S | re.M)
    assert (DEPLOY_DIR / name).read_text() in blocks, f"docs/deploy.md does not quote docs/deploy/{name}"
