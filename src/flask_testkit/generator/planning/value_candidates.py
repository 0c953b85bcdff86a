"""Other factory declarations to try for a column when a row is refused, read from the model."""

from __future__ import annotations

import itertools
import re
import types
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..code import literal
from ..reading.models import ColumnInfo, ModelInfo
from .values import column_kind

Imports = set[tuple[str, str | None]]
Declaration = tuple[str, Imports]
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
_QUOTED = re.compile(r"'([^']*)'")
_LIMIT = 12  # declarations tried per column, the first included


@dataclass
class Hints:
    """Values a column's rules name: numbers and words in CHECKs and in its validators."""

    numbers: list[float] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    choices: list[list[str]] = field(default_factory=list)


def column_hints(model: ModelInfo, column: ColumnInfo) -> Hints:
    """What the model's CHECK constraints and @validates methods say about one column."""
    hints = Hints()
    table = column.column.table
    for constraint in getattr(table, "constraints", ()):
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        text = str(constraint.sqltext)
        if not re.search(rf"\b{re.escape(column.column.name)}\b", text):
            continue
        hints.numbers += [float(n) for n in _NUMBER.findall(text)]
        quoted = _QUOTED.findall(text)
        if quoted:
            hints.choices.append(quoted)
    validators = getattr(sa.inspect(model.cls), "validators", {})
    found = validators.get(column.key)
    function = found[0] if isinstance(found, tuple) else found
    code = getattr(function, "__code__", None)
    if isinstance(code, types.CodeType):
        _read_constants(code, hints)
    hints.numbers = sorted(set(hints.numbers))
    return hints


def _read_constants(code: types.CodeType, hints: Hints) -> None:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _read_constants(const, hints)
        elif isinstance(const, bool) or const is None:
            continue
        elif isinstance(const, int | float):
            hints.numbers.append(float(const))
        elif isinstance(const, str) and const and len(const) <= 40 and "{" not in const:
            hints.words.append(const)
        elif isinstance(const, tuple | frozenset) and all(isinstance(c, str) for c in const):
            hints.choices.append(sorted(const))
        elif isinstance(const, tuple | frozenset) and all(isinstance(c, int) for c in const):
            hints.numbers += [float(c) for c in const]


def candidates(model: ModelInfo, column: ColumnInfo, first: Declaration) -> list[Declaration]:
    """Declarations to try for column, the current one first, at most a dozen."""
    hints = column_hints(model, column)
    kind = column_kind(column)
    found: list[Declaration] = [first]
    if kind == "string":
        found += _strings(column, hints)
    elif kind in ("integer", "float", "decimal"):
        found += _numbers(kind, column.unique, hints)
    elif kind == "enum":
        members = list(column.enum_class or getattr(column.sa_type, "enums", []))
        found += [_one_of([m], column) for m in members]
    elif kind == "boolean":
        found += [("True", set()), ("False", set())]
    elif kind in ("date", "datetime"):
        provider = "date_between" if kind == "date" else "date_time_between"
        found += [
            (f'factory.Faker("{provider}", start_date="-30d", end_date="-1d")', set()),
            (f'factory.Faker("{provider}", start_date="+1d", end_date="+30d")', set()),
        ]
    unique: list[Declaration] = []
    for declaration in found:
        if declaration[0] not in [d[0] for d in unique]:
            unique.append(declaration)
    return unique[:_LIMIT]


def _one_of(values: list[Any], column: ColumnInfo) -> Declaration:
    enum_class = column.enum_class
    if enum_class is not None and all(isinstance(v, enum_class) for v in values):
        names = ", ".join(f"{enum_class.__name__}.{v.name}" for v in values)
        return f"factory.Iterator([{names}])", {(enum_class.__module__, enum_class.__name__)}
    return f"factory.Iterator({literal(values)})", set()


def _strings(column: ColumnInfo, hints: Hints) -> list[Declaration]:
    length = getattr(column.sa_type, "length", None)
    limit = length or 40

    def fits(word: str) -> bool:
        return len(word) <= limit

    found: list[Declaration] = []
    if not column.unique:
        found += [_one_of(choice, column) for choice in hints.choices if all(map(fits, choice))]
        found += [_one_of([w], column) for w in hints.words if fits(w)][:3]
    sizes = sorted({int(n) for n in hints.numbers if 0 < n <= limit} | {limit})
    for size in sizes[-3:]:
        low = min(size + 1, limit) if size < limit else size
        if column.unique:
            found.append((f'factory.Sequence(lambda n: f"{{n:0{low}d}}")', set()))
            letters = f'"".join(chr(97 + int(d)) for d in f"{{n:0{low}d}}")'
            found.append((f"factory.Sequence(lambda n: {letters})", set()))
        else:
            found.append((f'factory.Faker("pystr", min_chars={low}, max_chars={limit})', set()))
            upper = '"ABCDEFGHIJKLMNOPQRSTUVWXYZ"'
            found.append((f'factory.Faker("bothify", text="{"?" * low}", letters={upper})', set()))
            found.append((f'factory.Faker("numerify", text="{"#" * low}")', set()))
    return found


def _numbers(kind: str, unique: bool, hints: Hints) -> list[Declaration]:
    numbers = hints.numbers or [0.0, 1.0]
    found: list[Declaration] = []
    low, high = numbers[0], numbers[-1]
    if kind == "integer":
        if unique:
            return [(f"factory.Sequence(lambda n: n + {int(low) + 1})", set())]
        found.append(
            (f'factory.Faker("pyint", min_value={int(low)}, max_value={int(high)})', set())
        )
        for a, b in itertools.pairwise(numbers):
            found.append((f'factory.Faker("pyint", min_value={int(a)}, max_value={int(b)})', set()))
        found += [(f"factory.Iterator([{int(n) + 1}])", set()) for n in numbers]
        found += [(f"factory.Iterator([{int(n)}])", set()) for n in numbers]
        return found
    found.append((f'factory.Faker("pyfloat", min_value={low}, max_value={high})', set()))
    if kind == "decimal":
        found = [
            (f'factory.Faker("pydecimal", min_value={int(low)}, max_value={int(high)})', set())
        ]
    found += [(f"factory.Iterator([{n!r}])", set()) for n in numbers]
    return found
