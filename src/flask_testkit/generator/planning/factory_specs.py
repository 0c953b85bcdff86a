"""Decide each model's Factory Boy factory: which fields it sets, and how."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask

from ..reading.models import ColumnInfo, ModelInfo, ModelScan
from .values import TEST_PASSWORD, column_kind, faker_declaration, is_password_name


@dataclass
class FactorySpec:
    """One factory class to write."""

    model: ModelInfo
    declarations: list[tuple[str, str]] = field(default_factory=list)
    imports: set[tuple[str, str | None]] = field(default_factory=set)
    password_attribute: str | None = None
    password_function: tuple[str, str] | None = None
    skipped: list[str] = field(default_factory=list)
    # Columns filled by a declaration of their own, which a refused row may make us change.
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    refused: str | None = None  # why the model or the database refuses every row tried
    # The app's own code makes a value too long for its column (a password hash, say).
    app_value_too_long: str | None = None

    @property
    def name(self) -> str:
        """The factory class name, e.g. UserFactory."""
        return f"{self.model.name}Factory"

    @property
    def password_helper(self) -> str:
        """The name of the cached helper that stores TEST_PASSWORD for this model."""
        return f"_{self.model.name.lower()}_password"

    @property
    def password_statement(self) -> str:
        """How the helper hands the plain password to the model."""
        if self.password_function is not None:
            return f"return {self.password_function[1]}(TEST_PASSWORD)"
        if self.model.password_setter == "property":
            return "instance.password = TEST_PASSWORD"
        return "instance.set_password(TEST_PASSWORD)"


def build_factory_specs(scan: ModelScan, app: Flask) -> list[FactorySpec]:
    """A factory for every model, in dependency order."""
    factory_names = {m.cls: f"{m.name}Factory" for m in scan.models}
    with app.app_context():
        return [_spec(model, factory_names, app) for model in scan.models]


def _spec(model: ModelInfo, factory_names: dict[type[Any], str], app: Flask) -> FactorySpec:
    spec = FactorySpec(model)
    spec.password_attribute = _stored_password_attribute(model)
    if model.constructor_password is not None:
        # The constructor hashes what it is given: it gets the plain password to sign in with.
        spec.declarations.append((model.constructor_password, "TEST_PASSWORD"))
    elif spec.password_attribute is None and model.password_setter is None:
        found = _hashing_function(model, app)
        if found is not None:
            spec.password_attribute, spec.password_function = found
    plain = _plain_password_column(model, spec)
    handled_relations: set[str] = set()
    for column in model.columns:
        if column.primary_key and column.foreign_model is None:
            if column.has_default or column_kind(column) == "integer":
                continue  # the database (or the model) numbers the row
            # A key the app assigns itself, such as a job id: every row needs its own.
            unique = replace(column, unique=True)
            source, imports = faker_declaration(unique, model.name)
            spec.declarations.append((column.key, source))
            spec.imports |= imports
            spec.columns[column.key] = unique
            continue
        if column.key == spec.password_attribute:
            spec.declarations.append((column.key, f"factory.LazyFunction({spec.password_helper})"))
            continue
        if column is plain:
            spec.declarations.append((column.key, "TEST_PASSWORD"))
            continue
        if column.foreign_model is not None:
            _foreign_key(spec, model, column, factory_names, handled_relations)
            continue
        # The model's own constructor needs every argument it names, defaults or not.
        optional = column.has_default or (column.nullable and not _worth_filling(column))
        if optional and column.key not in model.inline_args:
            continue
        source, imports = faker_declaration(column, model.name)
        spec.declarations.append((column.key, source))
        spec.imports |= imports
        spec.columns[column.key] = column
    if model.constructor_arguments is not None:
        # A constructor of the model's own refuses what it does not name.
        taken = set(model.constructor_arguments)
        spec.declarations = [d for d in spec.declarations if d[0] in taken]
    if model.password_setter and spec.password_attribute is None:
        spec.skipped.append("password: set TEST_PASSWORD by hand; the model's setter needs more")
    return spec


def _foreign_key(
    spec: FactorySpec,
    model: ModelInfo,
    column: ColumnInfo,
    factory_names: dict[type[Any], str],
    handled: set[str],
) -> None:
    target = column.foreign_model
    assert target is not None
    in_constructor = column.key in model.inline_args
    if column.nullable and not in_constructor:
        return  # an optional link stays empty, as optional columns do
    if target is model.cls:
        spec.skipped.append(f"{column.key}: a required key to its own table is left to the test")
        return
    target_factory = factory_names.get(target)
    relation = model.fk_to_relation.get(column.key)
    if target_factory is None:
        return
    if relation and relation not in handled and not in_constructor:
        handled.add(relation)
        spec.declarations.append((relation, f"factory.SubFactory({target_factory})"))
    elif not relation or in_constructor:
        # A constructor that takes the key itself gets the key of a row made for it.
        spec.declarations.append(
            (column.key, f"factory.LazyFunction(lambda: {target_factory}().{_pk(target)})")
        )


def _pk(cls: type[Any]) -> str:
    import sqlalchemy as sa

    keys = sa.inspect(cls).primary_key
    return str(sa.inspect(cls).get_property_by_column(keys[0]).key)


def _worth_filling(column: ColumnInfo) -> bool:
    # Optional columns stay empty unless the name says what they hold, like a real row would.
    from .values import _name_match

    return _name_match(column.key) is not None and not is_password_name(column.key)


def _stored_password_attribute(model: ModelInfo) -> str | None:
    """The column that holds the stored form of a password set through the model's setter."""
    if model.password_setter is None or model.inline_args:
        return None
    try:
        instance = model.cls()
        if model.password_setter == "property":
            instance.password = TEST_PASSWORD
        else:
            instance.set_password(TEST_PASSWORD)
    except Exception:  # the setter needs an app context or more than a password
        return None
    for column in model.columns:
        if column.primary_key or column.foreign_model is not None:
            continue
        value = getattr(instance, column.key, None)
        if isinstance(value, str) and value and value != TEST_PASSWORD:
            return column.key
    return None


_PLAIN_PASSWORD = re.compile(r"^(user_)?(password|passwd|pwd)$")


def _plain_password_column(model: ModelInfo, spec: FactorySpec) -> ColumnInfo | None:
    """A `password` column the app compares as stored: it holds TEST_PASSWORD itself."""
    if spec.password_attribute is not None or model.password_setter or model.constructor_password:
        return None
    for column in model.columns:
        length = getattr(column.sa_type, "length", None)
        fits = length is None or length >= len(TEST_PASSWORD)
        if _PLAIN_PASSWORD.match(column.key.lower()) and column_kind(column) == "string" and fits:
            return column
    return None


_HASH_COLUMN = re.compile(r"^(hashed_)?(password|passwd|pw)(_(hash|digest|hashed))?$")
_HASH_FUNCTIONS = ("hash_password", "make_password", "generate_password_hash", "encrypt_password")


def _hashing_function(model: ModelInfo, app: Flask) -> tuple[str, tuple[str, str]] | None:
    """A password-hash column and the app's own function that fills it, tried once here."""
    column = next((c for c in model.columns if _HASH_COLUMN.match(c.key.lower())), None)
    if column is None:
        return None
    top = app.import_name.split(".")[0]
    for module_name, module in sorted(sys.modules.items()):
        if module_name != top and not module_name.startswith(top + "."):
            continue
        for name in _HASH_FUNCTIONS:
            function = getattr(module, name, None)
            if not callable(function) or getattr(function, "__module__", "") != module_name:
                continue
            try:
                stored = function(TEST_PASSWORD)
            except Exception:
                continue
            if isinstance(stored, str) and stored != TEST_PASSWORD:
                return column.key, (module_name, name)
    return None
