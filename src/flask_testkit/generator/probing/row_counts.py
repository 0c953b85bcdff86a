"""Rows per model in a probe's block, and rows made first so that keys do not start at 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

Models = list[tuple[str, type[Any]]]


def row_counts(session: Any, models: Models) -> dict[str, int]:
    """How many rows each model has, by model name."""
    count = sa.select(sa.func.count())
    return {name: int(session.scalar(count.select_from(cls))) for name, cls in models}


def make_rows_first(
    session: Any, models: Models, factory_of: Callable[[str], Any], skip_refused: bool
) -> None:
    """Two rows of each model that has a factory, so the keys later rows get are not 1, 2...

    With skip_refused, a model whose factory can't make a row on its own is passed over (the
    others still shift); otherwise its error goes up.
    """
    for name, _ in models:
        factory = factory_of(name)
        if factory is None:
            continue
        try:
            with session.begin_nested():
                factory.create_batch(2)
        except Exception:
            if not skip_refused:
                raise
