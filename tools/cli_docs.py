"""Regenerate docs/cli.md from the command's own --help (run: .venv/bin/python tools/cli_docs.py).

tests/test_cli.py fails when docs/cli.md is stale, so the reference can never drift from the code.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newstrace.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
HEADER = """# `newstrace` command reference

Generated from `--help` by `tools/cli_docs.py`; a test fails when it is out of date.
Every command takes `--db URL` (default `sqlite:///newstrace.db`, env `NEWSTRACE_DB`) where it reads or writes a
database. Exit codes: 0 ok, 1 some inputs were rejected (each named on stderr as `input: reason`) or the command
failed (one line on stderr; `newstrace --debug …` shows the traceback), 2 usage error.
"""


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "100", "TERM": "dumb"}, prog_name="newstrace")
    return result.output.rstrip()


def render() -> str:
    parts = [HEADER, "## newstrace\n", "```\n" + help_text() + "\n```\n"]
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        parts += [f"## newstrace {name}\n", "```\n" + help_text(name) + "\n```\n"]
    return "\n".join(parts)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
