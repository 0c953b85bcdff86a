"""Small building blocks for writing Python source: names, references and imports."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Code:
    """A piece of Python source that is written as is, e.g. `TEST_PASSWORD` or `user.email`."""

    source: str

    def __repr__(self) -> str:
        return self.source


@dataclass(frozen=True, repr=False)
class RowReference(Code):
    """The key of a row the case creates first, e.g. `chef.id` for a body's `chef_id`."""

    model: str = ""

    @property
    def var(self) -> str:
        """The name of the row's variable in the test."""
        return self.source.split(".", 1)[0]


def literal(value: Any) -> str:
    """Python source for value; Code pieces inside containers are written as code."""
    if isinstance(value, dict):
        items = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, str):
        return string(value)
    return repr(value)


def string(value: str) -> str:
    """A double-quoted string literal, as ruff format writes it."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        return '"' + text[1:-1] + '"'
    return text


def snake(name: str) -> str:
    """snake_case for a CamelCase or dotted name."""
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.replace(".", "_").replace("-", "_"))
    name = re.sub(r"[^0-9a-zA-Z_]", "_", name).strip("_").lower()
    name = re.sub(r"_+", "_", name)
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"v_{name}"
    return name


@dataclass
class Imports:
    """Collects imports and writes them grouped as isort would."""

    first_party: set[str] = field(default_factory=set)
    modules: dict[str, set[str]] = field(default_factory=dict)
    plain: set[str] = field(default_factory=set)

    def add(self, module: str, name: str | None = None) -> None:
        """Import module, or name from module."""
        if name is None:
            self.plain.add(module)
        else:
            self.modules.setdefault(module, set()).add(name)

    def render(self, stdlib: set[str], first_party: set[str]) -> str:
        """The import block: standard library, third party, then the project's own."""
        groups: dict[int, list[str]] = {0: [], 1: [], 2: []}

        def group(module: str) -> int:
            top = module.split(".")[0]
            return 0 if top in stdlib else 2 if top in first_party else 1

        for module in sorted(self.plain):
            groups[group(module)].append(f"import {module}")
        for module in sorted(self.modules):
            # isort keeps an aliased import on a line of its own.
            plain_names = [n for n in self.modules[module] if " as " not in n]
            aliased = sorted(n for n in self.modules[module] if " as " in n)
            for name in aliased:
                groups[group(module)].append(f"from {module} import {name}")
            if plain_names:
                names = ", ".join(sorted(plain_names, key=_isort_name_key))
                groups[group(module)].append(f"from {module} import {names}")
        blocks = []
        for lines in groups.values():
            plain = sorted((ln for ln in lines if ln.startswith("import ")), key=_module_key)
            froms = sorted((ln for ln in lines if ln.startswith("from ")), key=_module_key)
            if plain or froms:
                blocks.append("\n".join(plain + froms))
        return "\n\n".join(blocks)


def _natural(text: str) -> list[int | str]:
    # ruff's isort compares digit runs as numbers: Thing2 sorts before Thing10.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def _module_key(line: str) -> list[int | str]:
    return _natural(line.split()[1])


def _isort_name_key(name: str) -> tuple[int, list[int | str]]:
    # isort orders CONSTANTS, then Classes, then functions within one from-import.
    if name.isupper():
        return 0, _natural(name)
    return (1 if name[:1].isupper() else 2), _natural(name)
