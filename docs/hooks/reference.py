"""MkDocs hook: the parts of the reference that are read from the code as the site is built.

A page asks for one with an HTML comment on a line of its own (a typo fails the build):

    <!-- reference: fixtures -->                           what `pytest --fixtures -v` lists
    <!-- reference: settings flask_testkit.plugin -->      a plugin's options, env vars, ini keys
    <!-- reference: cli coverage combine -->               `flask-testkit coverage combine --help`
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

MARKER = re.compile(r"^<!-- reference: ([\w.-]+)((?: [\w.-]+)*) -->$", re.MULTILINE)
# `pytest --fixtures -v`: a section per plugin module, then `name [scope] -- path:line` and the
# docstring indented by four spaces.
SECTION = re.compile(r"^-+ fixtures defined from (\S+) -+$")
FIXTURE = re.compile(r"^(\w+)(?: \[(\w+) scope\])? -- .+:(\d+)$")
CLI_WIDTH = 76


@dataclass(frozen=True)
class Entry:
    """One option or ini key, as a plugin's `pytest_addoption` registers it."""

    name: str
    dest: str
    help: str


class RecordingParser:
    """Takes the place of pytest's `Parser`: keeps what `pytest_addoption` registers on it."""

    def __init__(self) -> None:
        self.options: list[Entry] = []
        self.inis: list[Entry] = []

    def getgroup(self, name: str, description: str = "", after: str | None = None) -> Any:
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        long_name = next(name for name in names if name.startswith("--"))
        dest = attrs.get("dest") or long_name.lstrip("-").replace("-", "_")
        self.options.append(Entry(long_name, dest, _clean(attrs.get("help", ""))))

    def addini(self, name: str, help: str, *args: Any, **kwargs: Any) -> None:
        self.inis.append(Entry(name, name, _clean(help)))


def _clean(text: str) -> str:
    """Help as argparse would print it, made safe for a table cell."""
    return " ".join(text.replace("%%", "%").split()).replace("|", "\\|")


def settings_table(module_name: str) -> str:
    """Options, environment variables and ini keys of one plugin module, as a Markdown table."""
    from flask_testkit import settings

    parser = RecordingParser()
    importlib.import_module(module_name).pytest_addoption(parser)
    # settings.py names each setting's spellings APP_OPTION, APP_ENV, APP_INI, ...
    constants = {key: value for key, value in vars(settings).items() if key.isupper()}
    env_of = {
        value: constants.get(key.removesuffix("_OPTION") + "_ENV", "")
        for key, value in constants.items()
        if key.endswith("_OPTION")
    }
    inis = {entry.name: entry for entry in parser.inis}
    rows = ["| option | environment | ini key | what it does |", "|---|---|---|---|"]
    for option in parser.options:
        ini = inis.pop(option.dest, None)
        env = env_of.get(option.name, "")
        rows.append(_row(option.name, env, ini.name if ini else "", option.help))
    rows.extend(_row("", "", ini.name, ini.help) for ini in inis.values())
    return "\n".join(rows)


def _row(option: str, env: str, ini: str, help: str) -> str:
    cells = [f"`{name}`" if name else "" for name in (option, env, ini)]
    return "| " + " | ".join([*cells, help]) + " |"


@cache
def _fixtures_listing() -> str:
    """`pytest --fixtures -v` with only this plugin loaded, run where no project is."""
    environment = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "pytest", "--fixtures", "-v"]
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [*command, "-p", "flask_testkit", "-p", "no:cacheprovider"],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode not in (0, 5):
        raise PluginError(f"pytest --fixtures failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def fixtures_reference() -> str:
    """A heading, the scope and the docstring of each public fixture of the plugin."""
    fixtures: list[tuple[int, str, str, list[str]]] = []
    module = ""
    for line in _fixtures_listing().splitlines():
        if section := SECTION.match(line):
            module = section[1]
        elif (fixture := FIXTURE.match(line)) and module.startswith("flask_testkit"):
            name, scope, line_number = fixture.groups()
            if not name.startswith("_"):
                fixtures.append((int(line_number), name, scope or "function", []))
        elif line.startswith("    ") and fixtures and module.startswith("flask_testkit"):
            fixtures[-1][3].append(line[4:])
    if not fixtures:
        raise PluginError("pytest --fixtures listed no flask_testkit fixture")
    parts = []
    for _, name, scope, doc in sorted(fixtures):
        parts.append(f"### `{name}`\n\n*Scope: {scope}.*\n\n" + "\n".join(doc).strip())
    return "\n\n".join(parts)


def cli_help(words: list[str]) -> str:
    """`flask-testkit WORDS --help`, as click prints it, in a text block."""
    from flask_testkit.cli import main

    command: click.Command = main
    context = click.Context(main, info_name="flask-testkit", terminal_width=CLI_WIDTH)
    for word in words:
        found = command.get_command(context, word) if isinstance(command, click.Group) else None
        if found is None:
            raise PluginError(f"flask-testkit has no command {' '.join(words)!r}")
        command = found
        context = click.Context(command, info_name=word, parent=context)
    invocation = " ".join(["flask-testkit", *words, "--help"])
    return f"```text\n$ {invocation}\n{command.get_help(context)}\n```"


def render(kind: str, words: list[str]) -> str:
    """The Markdown that one marker stands for."""
    if kind == "fixtures" and not words:
        return fixtures_reference()
    if kind == "settings" and len(words) == 1:
        return settings_table(words[0])
    if kind == "cli":
        return cli_help(words)
    raise PluginError(f"unknown reference marker: {kind} {' '.join(words)}".strip())


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Replace each reference marker on the page with what it stands for."""

    def replace(match: re.Match[str]) -> str:
        try:
            return render(match[1], match[2].split())
        except PluginError as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None

    return MARKER.sub(replace, markdown)
