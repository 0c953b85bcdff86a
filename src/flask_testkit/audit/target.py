"""The app under audit: its own packages, where its views are, whether it has a database."""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flask_testkit.audit.findings import AuditError
from flask_testkit.errors import ConfigurationError
from flask_testkit.generator.reading.app_packages import service_functions_in
from flask_testkit.loading import load_app
from flask_testkit.settings import Setting

_DATABASE_EXTENSIONS = frozenset({"sqlalchemy", "alchemical", "peewee"})


@dataclass(frozen=True)
class AppTarget:
    """What the audit needs to know of the app, read once from the app built in this process."""

    spec: str
    packages: frozenset[str]
    has_database: bool
    #: endpoint name -> (file relative to the project, first line) of its view function
    views: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: what unit tests are for: the app's models, and the functions of its service modules
    unit_subjects: tuple[str, ...] = ()


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _view_location(view: Any, root: Path) -> tuple[str, int] | None:
    function = inspect.unwrap(view)
    try:
        file = inspect.getsourcefile(function)
        _, line = inspect.getsourcelines(function)
    except (OSError, TypeError):
        return None
    return (_relative(file, root), line) if file else None


def _own_packages(app: Any, root: Path, spec_module: str) -> frozenset[str]:
    """Top-level packages under the project that define the app's views, and the --app module."""
    names = {getattr(view, "__module__", "") for view in app.view_functions.values()}
    names.add(spec_module)
    found = set()
    for top in {name.split(".")[0] for name in names if name}:
        path = getattr(sys.modules.get(top), "__file__", None)
        if path and Path(path).resolve().is_relative_to(root.resolve()):
            found.add(top)
    return frozenset(found or {spec_module.split(".")[0]})


def _spec_module(spec: str) -> str:
    from flask.cli import prepare_import

    path = spec.split(":", 1)[0]
    return prepare_import(path) if path.endswith(".py") else path


def _lookup(name: str) -> object:
    """The live object a dotted name of the app's names, or None when it cannot be reached."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except Exception:  # not a module: one part less is tried
            continue
        try:
            for part in parts[split:]:
                obj = getattr(obj, part)
        except AttributeError:
            return None
        return obj
    return None


def defined_by(packages: frozenset[str]) -> Callable[[str, str], bool]:
    """A test of whether the app's own code defines attribute attr of the object named owner.

    `db._make_scoped_session` is Flask-SQLAlchemy's although `db` is the app's: the attribute
    belongs to the class in the object's MRO that defines it. What cannot be looked up counts as
    the app's, since its name is.
    """

    def is_own(module: str) -> bool:
        return module.split(".")[0] in packages

    def defines(owner: str, attr: str) -> bool:
        obj = _lookup(owner)
        if obj is None or inspect.ismodule(obj):
            return True
        cls = obj if isinstance(obj, type) else type(obj)
        for base in cls.__mro__:
            if attr in vars(base):
                return is_own(base.__module__)
        return is_own(cls.__module__)

    return defines


def _is_model(value: object) -> bool:
    if not isinstance(value, type):
        return False
    if isinstance(sa.inspect(value, raiseerr=False), sa.orm.Mapper):
        return True
    return any(base.__module__ == "peewee" and base.__name__ == "Model" for base in value.__mro__)


def _unit_subjects(packages: frozenset[str]) -> tuple[str, ...]:
    """The app's models and service functions, the ones init writes unit tests for."""
    models = [
        f"{name}.{attr}"
        for name, module in sorted(sys.modules.items())
        if module is not None and name.split(".")[0] in packages
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and getattr(value, "__module__", None) == name
        and _is_model(value)
    ]
    found = [*models, *service_functions_in(packages)]
    # By module, as they are listed; a module's models before its functions.
    return tuple(sorted(found, key=lambda dotted: dotted.rsplit(".", 1)[0]))


def is_mapped_column(owner: str, attr: str) -> bool:
    """Whether attr of the class named owner is a column its SQLAlchemy mapper maps."""
    cls = _lookup(owner)
    if not isinstance(cls, type):
        return False
    mapper: Any = sa.inspect(cls, raiseerr=False)
    return isinstance(mapper, sa.orm.Mapper) and attr in mapper.column_attrs


def load_target(spec: str | None, root: Path) -> AppTarget:
    """Build the app once, here, to learn about it; an app that does not load is an AuditError."""
    if not spec:
        raise AuditError(
            "name the app: flask-testkit audit --app 'module:create_app()' (or set FLASK_APP)."
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        app = load_app(Setting(spec, "--app"))
    except ConfigurationError as error:
        raise AuditError(str(error).removeprefix("flask-testkit: ")) from None
    views = {}
    for endpoint, view in app.view_functions.items():
        location = _view_location(view, root)
        if location is not None:
            views[endpoint] = location
    packages = _own_packages(app, root, _spec_module(spec))
    return AppTarget(
        spec=spec,
        packages=packages,
        has_database=bool(_DATABASE_EXTENSIONS.intersection(app.extensions)),
        views=views,
        unit_subjects=_unit_subjects(packages),
    )
