"""Load the user's app with Flask's own --app rules and describe how tests should build it."""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Flask
from flask.cli import NoAppException

from flask_testkit.errors import ConfigurationError
from flask_testkit.loading import load_app as load_configured_app
from flask_testkit.settings import Setting

from ..code import Code
from ..errors import GeneratorError
from .app_files import FileSetting
from .environment import EnvSetting, without_debug_variables
from .file_database import FileDatabase


def test_settings(uses_flask_wtf: bool) -> dict[str, object]:
    """The config every generated suite sets: testing mode, and no CSRF check for Flask-WTF."""
    settings: dict[str, object] = {"TESTING": True}
    if uses_flask_wtf:
        settings["WTF_CSRF_ENABLED"] = False
    return settings


_DICT_PARAMETERS = ("test_config", "config", "settings", "config_overrides", "overrides")
_NAME_PARAMETERS = ("config_name", "config", "env", "environment", "mode", "name", "profile")
# Names a factory that takes a configuration name usually gives its testing one.
TESTING_NAMES = ('"testing"', '"test"')


@dataclass
class AppTarget:
    """How the generated conftest imports and builds the app in its testing configuration."""

    spec: str
    module: str
    attribute: str
    is_factory: bool
    call_args: str = ""
    extra_imports: list[tuple[str, str]] = field(default_factory=list)
    settings_in_call: bool = False
    root: Path = Path()
    uses_flask_wtf: bool = False
    database_file: FileDatabase | None = None
    # Call arguments to try, in order, for a factory that takes a configuration name.
    name_candidates: tuple[str, ...] = ()
    # Why a second build differs from the first (routes attached on first import), or None.
    single_build: str | None = None
    debug_off: bool = False
    loaded_root: Path = Path()
    environment: list[EnvSetting] = field(default_factory=list)
    unset_environment: list[str] = field(default_factory=list)  # the shell's debug switches
    files: list[FileSetting] = field(default_factory=list)
    packages: tuple[str, ...] = ()  # where the views and models are, for line coverage
    # Files the app wrote relative to the working directory while init ran it.
    cwd_writes: list[str] = field(default_factory=list)
    # Config keys naming files the app made while it was built, and of those, the ones read from
    # an unset environment variable of the same name: the conftest sets that variable.
    built_files: set[str] = field(default_factory=set)
    build_files: list[FileSetting] = field(default_factory=list)

    @property
    def settings(self) -> dict[str, object]:
        """The testing config the conftest applies (a Code value is computed in the fixture)."""
        settings = test_settings(self.uses_flask_wtf)
        if self.debug_off:
            # Debug mode re-raises some 4xx errors (a missing form key) instead of answering them.
            settings["DEBUG"] = False
        if self.database_file is not None:
            settings[self.database_file.key] = self.database_file.setting()
        return settings

    @property
    def configuration(self) -> str:
        """The build the probes and the suite use, as the summary names it."""
        built = self.build_expression if self.is_factory else f"{self.module}:{self.attribute}"
        if self.single_build is not None:
            built = f"`{self.spec}` built once ({self.single_build})"
        settings = self.settings.items()
        changed = ", ".join(f"{k}={v!r}" for k, v in settings if not isinstance(v, Code))
        return f"{built}, then {changed}" if changed else built

    @property
    def import_line(self) -> tuple[str, str]:
        """The (module, name) the conftest imports."""
        return self.module, self.attribute

    @property
    def build_expression(self) -> str:
        """The expression that gives the app, as the conftest writes it."""
        if not self.is_factory:
            return f"{self.attribute}"
        if self.settings_in_call:
            settings = ", ".join(f"{key!r}: {value!r}" for key, value in self.settings.items())
            return f"{self.attribute}({{{settings}}})"
        return f"{self.attribute}({self.call_args})"

    def build(self, tmp_path: Path | None = None) -> Flask:
        """Build the app exactly as the generated conftest does (tmp_path as its fixture gives)."""
        app = self.construct(tmp_path)
        if not self.settings_in_call:
            self.apply_settings(app, tmp_path)
        return app

    def construct(self, tmp_path: Path | None = None) -> Flask:
        """Call the factory (or take the module's app) as the conftest does; no settings yet."""
        module = sys.modules[self.module]
        obj = getattr(module, self.attribute)
        namespace = self._namespace(tmp_path)
        if self.is_factory:
            namespace[self.attribute] = obj
            app = eval(self.build_expression, namespace)  # our own rendered call, literals only
        else:
            app = obj
        if not isinstance(app, Flask):
            raise GeneratorError(f"{self.spec!r} did not give a Flask app; check the --app value.")
        return app

    def apply_settings(self, app: Flask, tmp_path: Path | None = None) -> None:
        """Give an app the testing config the conftest sets."""
        namespace = self._namespace(tmp_path)
        app.config.update(
            {
                key: eval(value.source, namespace) if isinstance(value, Code) else value
                for key, value in self.settings.items()
            }
        )

    def _namespace(self, tmp_path: Path | None) -> dict[str, Any]:
        namespace: dict[str, Any] = {"tmp_path": tmp_path}
        for source, name in self.extra_imports:
            namespace[name] = getattr(sys.modules[source], name)
        return namespace


def load_app(spec: str, root: Path) -> tuple[Flask, AppTarget]:
    """Import the app named by spec (Flask --app syntax) and work out its test build."""
    root = root.resolve()
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    parts = re.split(r":(?![\\/])", spec, maxsplit=1)
    path, name = parts[0], (parts[1] if len(parts) > 1 else None)
    loaded_spec = spec
    if path.endswith(".py") or os.sep in path:
        # A file path is the project's, wherever the app runs from (not the working directory).
        path = str(root / path)
        loaded_spec = path if name is None else f"{path}:{name}"
    # The conftest unsets the shell's debug switch before it imports the app's module: a module
    # that builds its app as it is imported builds it here as in the suite's run. The loader
    # below reports whatever goes wrong.
    with without_debug_variables(), contextlib.suppress(Exception):
        importlib.import_module(_module_name(path))
    try:
        # The plugin's loader, so that `init` and the test run find the same app.
        app = load_configured_app(Setting(loaded_spec, "--app"))
    except ConfigurationError as error:
        raise GeneratorError(_load_error(spec, error.__cause__)) from None
    module_name = _module_name(path)
    module = sys.modules[module_name]
    # Read before the generator itself imports Flask-WTF to look for forms.
    uses_flask_wtf = "flask_wtf" in sys.modules
    target = _describe(spec, module, name, app)
    target.uses_flask_wtf = uses_flask_wtf
    target.root = target.loaded_root = _import_root(module, module_name)
    return app, target


def _module_name(path: str) -> str:
    from flask.cli import prepare_import

    return prepare_import(path)


def _import_root(module: ModuleType, module_name: str) -> Path:
    file = Path(module.__file__ or ".").resolve()
    depth = module_name.count(".") + (1 if file.name == "__init__.py" else 0)
    root = file.parent
    for _ in range(depth):
        root = root.parent
    return root


def _load_error(spec: str, cause: BaseException | None) -> str:
    if isinstance(cause, NoAppException):
        return _first_line(str(cause), spec)
    if isinstance(cause, OSError) and "sockets are blocked" in str(cause):
        service = str(cause).partition(": sockets are blocked")[0]
        return (
            f"the app {spec!r} connects to {service} while it is built, and init allows no"
            " connection but the test database's. Connect on first use instead, or pass --app"
            " with a configuration that does not."
        )
    what = f"{type(cause).__name__}: {cause}" if cause else "it failed"
    return (
        f"the app {spec!r} failed to build: {what}."
        " Fix the error (try `flask --app ... routes`) and run again."
    )


def _first_line(message: str, spec: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if message.startswith("While importing"):
        detail = lines[-1] if lines else "an import failed"
        return f"could not import the app {spec!r}: {detail}. Fix the import and run again."
    text = " ".join(lines) if lines else "could not load the app"
    if " Use " in text:
        return text  # Flask's message already says what to pass
    return f"{text.rstrip('.')}. Check the --app value (Flask's syntax: 'module:create_app()')."


def _describe(spec: str, module: ModuleType, name: str | None, app: Flask) -> AppTarget:
    if name is None:
        return _describe_discovered(spec, module, app)
    expr = ast.parse(name.strip(), mode="eval").body
    if isinstance(expr, ast.Name):
        return _factory_or_object(spec, module, expr.id, "")
    assert isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
    source = name.strip()
    call_args = source[source.index("(") + 1 : source.rindex(")")].strip()
    return _factory_or_object(spec, module, expr.func.id, call_args)


def _describe_discovered(spec: str, module: ModuleType, app: Flask) -> AppTarget:
    for attribute, value in vars(module).items():
        if value is app:
            return AppTarget(spec, module.__name__, attribute, is_factory=False)
    for attribute in ("create_app", "make_app"):
        if inspect.isfunction(getattr(module, attribute, None)):
            return _factory_or_object(spec, module, attribute, "")
    raise GeneratorError(f"could not tell how {spec!r} builds its app; name it: 'module:app'.")


def _factory_or_object(spec: str, module: ModuleType, attribute: str, args: str) -> AppTarget:
    obj = getattr(module, attribute)
    if not inspect.isfunction(obj):
        return AppTarget(spec, module.__name__, attribute, is_factory=False)
    target = AppTarget(spec, module.__name__, attribute, is_factory=True, call_args=args)
    if not args:
        _prefer_testing_arguments(target, obj)
    return target


def _prefer_testing_arguments(target: AppTarget, factory: Any) -> None:
    """Use the factory's own testing hook when it has one: a settings dict or a test config."""
    parameters = list(inspect.signature(factory).parameters.values())
    if not parameters:
        return
    first = parameters[0]
    if first.name in _DICT_PARAMETERS and first.default is None:
        target.settings_in_call = True
        return
    default = first.default
    if first.name in _NAME_PARAMETERS and (default is None or isinstance(default, str)):
        target.name_candidates = TESTING_NAMES
        return
    if inspect.isclass(default):
        home = sys.modules.get(default.__module__)
        for name, candidate in vars(home or {}).items():
            if (
                inspect.isclass(candidate)
                and candidate is not default
                and issubclass(candidate, default)
                and re.fullmatch(r"Test(ing)?Config(uration)?", name)
            ):
                target.call_args = name
                target.extra_imports.append((default.__module__, name))
                return
