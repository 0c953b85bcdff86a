"""Read the app's SQLAlchemy models: columns, keys, enums, relationships and constructors."""

from __future__ import annotations

import enum
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Mapper, RelationshipDirection

from flask_testkit.sqlalchemy_extensions import ALCHEMICAL, LITE, extension_of

from .declarative import PlainDatabase, declarative_bases, find_plain_database


@dataclass
class ColumnInfo:
    """One mapped column, as a factory needs to know it."""

    key: str
    column: sa.Column[Any]
    nullable: bool
    unique: bool
    has_default: bool
    primary_key: bool
    foreign_model: type[Any] | None = None

    @property
    def sa_type(self) -> sa.types.TypeEngine[Any]:
        """The column's SQLAlchemy type."""
        return self.column.type

    @property
    def enum_class(self) -> type[enum.Enum] | None:
        """The Python Enum behind an Enum column, if there is one."""
        enum_class = getattr(self.sa_type, "enum_class", None)
        if inspect.isclass(enum_class) and issubclass(enum_class, enum.Enum):
            return enum_class
        return None


@dataclass
class ModelInfo:
    """One mapped class and what its factory must set."""

    cls: type[Any]
    columns: list[ColumnInfo]
    relations: dict[str, type[Any]] = field(default_factory=dict)
    fk_to_relation: dict[str, str] = field(default_factory=dict)
    inline_args: tuple[str, ...] = ()
    # A constructor argument that takes the plain password (the constructor hashes it).
    constructor_password: str | None = None
    # The only arguments the model's own constructor takes (None: any column, as keywords).
    constructor_arguments: tuple[str, ...] | None = None
    password_setter: str | None = None

    @property
    def name(self) -> str:
        """The class name."""
        return self.cls.__name__

    @property
    def table(self) -> str:
        """The table name."""
        return str(sa.inspect(self.cls).local_table.name)

    @property
    def primary_key(self) -> str | None:
        """The attribute of a single-column primary key."""
        keys = [c.key for c in self.columns if c.primary_key]
        return keys[0] if len(keys) == 1 else None

    def depends_on(self) -> set[type[Any]]:
        """Models this one needs first (required foreign keys)."""
        return {
            c.foreign_model
            for c in self.columns
            if c.foreign_model is not None and not c.nullable and c.foreign_model is not self.cls
        }


# The fixtures a generated conftest defines: an imported name must not shadow one.
FIXTURE_NAMES = frozenset(
    (
        *("app", "client", "database", "db_session", "user", "admin_user"),
        *("auth_headers", "admin_headers", "login_headers", "auth_client", "admin_client"),
    )
)


@dataclass
class ModelScan:
    """Everything found about the app's database: Flask-SQLAlchemy's `db`, or a plain setup."""

    db: Any
    db_import: tuple[str, str] | None
    models: list[ModelInfo]
    association_tables: list[str]
    plain: PlainDatabase | None = None
    # "Flask-SQLAlchemy-Lite" or "Alchemical": `db` is that extension; models on `base_import`.
    extension: str | None = None
    base_import: tuple[str, str] | None = None
    metadata: sa.MetaData | None = None

    @property
    def library(self) -> str:
        """The library the suite isolates, as the summary names it."""
        if self.extension:
            return self.extension
        return "SQLAlchemy" if self.plain is not None else "Flask-SQLAlchemy"

    @property
    def imports(self) -> list[tuple[str, str]]:
        """What the conftest and the factories import to reach the database."""
        if self.plain is not None:
            module, name = self.plain.session_import
            alias = f"{name} as {self.session_name}" if name != self.session_name else name
            return [(module, alias), self.plain.base_import]
        found = [self.db_import] if self.db_import else []
        if self.extension == LITE and self.base_import and self.base_import not in found:
            found.append(self.base_import)
        return found

    @property
    def session_name(self) -> str:
        """The name the suite uses for the app's session, sessionmaker, or Flask-SQLAlchemy `db`."""
        if self.plain is not None:
            name = self.plain.session_import[1]
            # Flask's docs call the session `db_session`, which is also the suite's fixture.
            return "app_session" if name in FIXTURE_NAMES else name
        return self.db_import[1] if self.db_import else "db"


def scan_models(app: Flask, root: Path) -> ModelScan | None:
    """The app's models in dependency order, or None when it has no SQLAlchemy models."""
    found = extension_of(app)
    if found is not None:
        return _scan_extension(app, root, *found)
    db = app.extensions.get("sqlalchemy")
    if db is not None:
        return _scan(db.Model.registry, db.metadata, db, _import_path(db))
    plain = find_plain_database(root)
    if plain is None:
        return None
    return _scan(plain.base.registry, plain.base.metadata, None, None, plain)


def _scan_extension(app: Flask, root: Path, library: str, db: Any) -> ModelScan | None:
    """A Flask-SQLAlchemy-Lite app (models on a plain base) or an Alchemical one (`db.Model`)."""
    base_import: tuple[str, str] | None = None
    if library == ALCHEMICAL:
        base = db.Model  # the suite reaches its tables through `db` itself
    else:
        bases = declarative_bases(root)
        # Async engines are not isolated, so the suite gets no database fixtures at all (the
        # plugin refuses them too); data_layer.py names them.
        if not bases or app.config.get("SQLALCHEMY_ASYNC_ENGINES"):
            return None
        base_import, base = bases[0]
    scan = _scan(base.registry, base.metadata, db, _import_path(db))
    scan.extension = library
    scan.base_import = base_import
    scan.metadata = base.metadata
    return scan


def _scan(
    registry: Any,
    metadata: sa.MetaData,
    db: Any,
    db_import: tuple[str, str] | None,
    plain: PlainDatabase | None = None,
) -> ModelScan:
    mappers: list[Mapper[Any]] = sorted(
        registry.mappers, key=lambda m: (m.class_.__module__, m.class_.__name__)
    )
    by_table = {_table_name(m): m.class_ for m in mappers}
    models = [_model_info(m, by_table) for m in mappers]
    mapped_tables = set(by_table)
    association = sorted(name for name in metadata.tables if name not in mapped_tables)
    return ModelScan(db, db_import, _in_dependency_order(models), association, plain)


def _table_name(mapper: Mapper[Any]) -> str:
    return str(getattr(mapper.local_table, "name", ""))


def _model_info(mapper: Mapper[Any], by_table: dict[str, type[Any]]) -> ModelInfo:
    columns = []
    for prop in mapper.column_attrs:
        if len(prop.columns) != 1 or not isinstance(prop.columns[0], sa.Column):
            continue
        column = prop.columns[0]
        foreign = next(iter(column.foreign_keys), None)
        columns.append(
            ColumnInfo(
                key=prop.key,
                column=column,
                nullable=bool(column.nullable),
                unique=bool(column.unique) or _single_unique(column),
                has_default=column.default is not None or column.server_default is not None,
                primary_key=column.primary_key,
                foreign_model=by_table.get(foreign.column.table.name) if foreign else None,
            )
        )
    info = ModelInfo(mapper.class_, columns)
    for relation in mapper.relationships:
        if relation.direction is RelationshipDirection.MANYTOONE:
            info.relations[relation.key] = relation.mapper.class_
            for local in relation.local_columns:
                key = mapper.get_property_by_column(local).key
                info.fk_to_relation.setdefault(key, relation.key)
    info.inline_args = _positional_parameters(mapper.class_)
    info.password_setter = _password_setter(mapper.class_)
    info.constructor_password = _constructor_password(mapper.class_, info)
    info.constructor_arguments = _constructor_arguments(mapper.class_)
    return info


def _single_unique(column: sa.Column[Any]) -> bool:
    table = column.table
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint) and list(constraint.columns) == [column]:
            return True
    return any(index.unique and list(index.columns) == [column] for index in table.indexes)


def _own_init(cls: type[Any]) -> Any:
    """The model's own `__init__` (or a base class's), not SQLAlchemy's keyword constructor."""
    init = cls.__dict__.get("__init__") or next(
        (klass.__dict__["__init__"] for klass in cls.__mro__[1:] if "__init__" in klass.__dict__),
        None,
    )
    if init is None or getattr(init, "__name__", "") == "_declarative_constructor":
        return None
    return init


def _positional_parameters(cls: type[Any]) -> tuple[str, ...]:
    init = _own_init(cls)
    if init is None:
        return ()
    try:
        parameters = list(inspect.signature(init).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    return tuple(
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    )


def _password_setter(cls: type[Any]) -> str | None:
    """How the model takes a plain password: a `password` property setter or set_password()."""
    from sqlalchemy.ext.hybrid import hybrid_property

    prop = inspect.getattr_static(cls, "password", None)
    if isinstance(prop, property | hybrid_property) and prop.fset is not None:
        return "property"
    if callable(getattr(cls, "set_password", None)):
        return "set_password"
    return None


def _init_parameters(cls: type[Any]) -> list[inspect.Parameter] | None:
    """The parameters of the model's own constructor after `self`, or None without one."""
    init = _own_init(cls)
    if init is None:
        return None
    try:
        return list(inspect.signature(init).parameters.values())[1:]
    except (TypeError, ValueError):
        return None


def _constructor_arguments(cls: type[Any]) -> tuple[str, ...] | None:
    """The names a constructor of the model's own takes, unless it also takes **kwargs."""
    parameters = _init_parameters(cls)
    if parameters is None or any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return tuple(p.name for p in parameters if p.kind is not p.VAR_POSITIONAL)


def _constructor_password(cls: type[Any], info: ModelInfo) -> str | None:
    """The constructor's password argument, when no column of that name stores it as given."""
    parameters = _init_parameters(cls) or []
    columns = {column.key for column in info.columns}
    named = (p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
    return next((n for n in named if "password" in n.lower() and n not in columns), None)


def _in_dependency_order(models: list[ModelInfo]) -> list[ModelInfo]:
    ordered: list[ModelInfo] = []
    placed: set[type[Any]] = set()
    pending = list(models)
    while pending:
        ready = [m for m in pending if m.depends_on() <= placed]
        if not ready:  # a cycle of required keys: keep the declared order
            ready = pending[:1]
        for model in ready:
            ordered.append(model)
            placed.add(model.cls)
            pending.remove(model)
    return ordered


def _import_path(obj: object) -> tuple[str, str] | None:
    """A (module, name) from which obj can be imported, preferring short, public paths."""
    found = []
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not namespace or module_name.startswith(("flask_sqlalchemy", "alchemical", "_")):
            continue
        for name, value in list(namespace.items()):
            if value is obj and not name.startswith("_"):
                found.append((_home_rank(module_name), module_name.count("."), module_name, name))
    if not found:
        return None
    _, _, module_name, name = min(found)
    return module_name, name


def _home_rank(module_name: str) -> int:
    """Prefer the modules where a `db` is usually defined over those that import it."""
    last = module_name.rsplit(".", 1)[-1]
    if last in ("extensions", "ext", "db", "database"):
        return 0
    return 1 if last == "models" else 2
