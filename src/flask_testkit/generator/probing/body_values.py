"""Body values a test can send: keys that name rows point at real ones; others pass the rules."""

from __future__ import annotations

from typing import Any

from ..code import Code, RowReference, snake
from ..planning.payloads import RowChoice
from ..planning.values import column_kind, python_value
from ..reading.model_lookup import ModelLookup
from ..reading.models import ColumnInfo, ModelInfo
from .prober import Prober

_TRIED_KINDS = ("string", "integer", "float")


class BodyValues:
    """Fits a planned body to the models: real rows for keys, values the model accepts."""

    def __init__(self, prober: Prober, lookup: ModelLookup) -> None:
        self.prober = prober
        self.lookup = lookup

    def fit(self, body: Any, model: ModelInfo | None) -> Any:
        """body with keys pointing at rows the test makes, and values its model takes."""
        if not isinstance(body, dict):
            return body
        fitted: dict[str, Any] = {}
        for key, value in body.items():
            fitted[key] = value
            if isinstance(value, Code) or not isinstance(key, str):
                continue
            if isinstance(value, RowChoice):
                fitted[key] = self._chosen_row(key) or str(value)
                continue
            reference = self._reference(key, model)
            if reference is not None:
                fitted[key] = reference
                continue
            column = _column(model, key)
            if model is not None and column is not None:
                fitted[key] = self._accepted(model, column, value)
        return fitted

    def _chosen_row(self, key: str) -> RowReference | None:
        """The key of a row of the model a select field is named for (`category`)."""
        target = self.lookup.model_named(snake(key).removesuffix("_id"))
        if target is None or target.primary_key is None:
            return None
        return RowReference(f"{snake(target.name)}.{target.primary_key}", target.name)

    def _reference(self, key: str, model: ModelInfo | None) -> RowReference | None:
        """A row's key for a body key that names another row: `maker_id`, `makerId`."""
        name = snake(key)
        column = _column(model, key)
        if column is not None and column.foreign_model is not None:
            target_column = next(iter(column.column.foreign_keys)).column
            target = column.foreign_model
            var = snake(target.__name__)
            return RowReference(f"{var}.{_attribute(target, target_column)}", target.__name__)
        if column is not None or not name.endswith("_id"):
            return None
        target_model = self.lookup.model_named(name.removesuffix("_id"))
        if target_model is None or target_model.primary_key is None:
            return None
        if model is not None and target_model.cls is model.cls:
            return None  # the row's own id, which the app assigns
        var = snake(target_model.name)
        return RowReference(f"{var}.{target_model.primary_key}", target_model.name)

    def _accepted(self, model: ModelInfo, column: ColumnInfo, value: Any) -> Any:
        kind = column_kind(column)
        if kind not in _TRIED_KINDS or column.primary_key:
            return value
        if kind == "integer" and type(value) is not int:
            return self._factory_value(model, column, value)
        if self._accepts(model, column, value):
            return value
        return self._factory_value(model, column, value)

    def _accepts(self, model: ModelInfo, column: ColumnInfo, value: Any) -> bool:
        factory = self.prober.namespace().get(f"{model.name}Factory")
        if factory is None:
            return True
        try:
            with self.prober.isolated():
                factory(**{column.key: value})
        except Exception:
            return False
        return True

    def _factory_value(self, model: ModelInfo, column: ColumnInfo, fallback: Any) -> Any:
        """A value of the factory's, which the model is known to accept."""
        factory = self.prober.namespace().get(f"{model.name}Factory")
        if factory is None:
            return fallback
        from factory.random import reseed_random

        # The same value on every run of init, so the written test does not change for nothing.
        reseed_random("flask-testkit")  # type: ignore[no-untyped-call]
        try:
            with self.prober.isolated():
                value = python_value(getattr(factory.build(), column.key))
        except Exception:
            return fallback
        return value if isinstance(value, str | int | float) else fallback


def _column(model: ModelInfo | None, key: str) -> ColumnInfo | None:
    if model is None:
        return None
    name = snake(key)
    return next((c for c in model.columns if c.key in (key, name)), None)


def _attribute(cls: type[Any], column: Any) -> str:
    import sqlalchemy as sa

    return str(sa.inspect(cls).get_property_by_column(column).key)
