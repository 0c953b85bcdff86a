"""Render the suite's files from templates, then format them with ruff when it is installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jinja2

from ..code import Imports, literal, string
from ..planning.auth import AuthSpec
from ..planning.factory_specs import FactorySpec
from ..reading.app_loading import AppTarget
from ..reading.models import ModelScan

_STDLIB = set(sys.stdlib_module_names)
_env = jinja2.Environment(
    loader=jinja2.PackageLoader("flask_testkit.generator.rendering", "templates"),
    trim_blocks=True,
    lstrip_blocks=False,
    keep_trailing_newline=True,
    autoescape=False,  # the output is Python source, not HTML
    undefined=jinja2.StrictUndefined,
)


class Renderer:
    """Knows the project's first-party packages, so imports group as ruff's isort does."""

    def __init__(
        self,
        target: AppTarget,
        factories_module: str,
        scan: ModelScan | None,
        app_folder: str | None = None,
    ) -> None:
        self.target = target
        self.factories_module = factories_module
        self.scan = scan
        # Set when the suite lives outside the app's folder: the path from the suite to the app.
        self.app_folder = app_folder
        # What keeps data the suite cannot isolate: its tests then keep every database closed.
        self.unisolated: str | None = None
        self.first_party = {target.module.split(".")[0], factories_module.split(".")[0]}
        for module, _ in scan.imports if scan else []:
            self.first_party.add(module.split(".")[0])

    def imports(self, imports: Imports) -> str:
        """The import block."""
        return imports.render(_STDLIB, self.first_party)

    def split_imports(self, imports: Imports) -> tuple[str, str]:
        """Other imports, and the project's own: a suite outside the app imports those later."""
        own, other = Imports(), Imports()
        for module in imports.plain:
            (own if module.split(".")[0] in self.first_party else other).add(module)
        for module, names in imports.modules.items():
            for name in names:
                (own if module.split(".")[0] in self.first_party else other).add(module, name)
        return other.render(_STDLIB, set()), own.render(_STDLIB, self.first_party)

    def render(self, template: str, **context: object) -> str:
        """A template filled in."""
        return _env.get_template(template).render(**context).rstrip() + "\n"

    def _sign_in_values(self, auth: AuthSpec, imports: Imports) -> dict[str, str]:
        """What the fixtures of one sign-in mechanism need, and the imports they use."""
        values: dict[str, str] = {}
        if auth.kind == "bearer":
            assert auth.login is not None
            imports.add(self.factories_module, "TEST_PASSWORD")
            if auth.login_identity:
                imports.add("base64")
            values["login_path"] = string(auth.login.rule)
            values["login_body"] = literal(auth.login_body)
            values["token_access"] = "".join(f"[{literal(k)}]" for k in auth.token_path)
        elif auth.kind == "basic":
            imports.add("base64")
            imports.add(self.factories_module, "TEST_PASSWORD")
        elif auth.kind == "session":
            imports.add("flask_login", "FlaskLoginClient")
        return values

    def conftest(self, auth: AuthSpec | None, exemptions: list[str] | None = None) -> str:
        """tests/conftest.py; exemptions are endpoint_coverage_exempt lines it declares."""
        imports = Imports()
        imports.add("pytest")
        module, name = self.target.import_line
        build = self.target.build_expression
        late_import = None
        if self.target.is_factory:
            imports.add(module, name)
            for source, extra in self.target.extra_imports:
                imports.add(source, extra)
        else:
            imported = f"{name} as flask_app" if name != "flask_app" else name
            build = "flask_app"
            if self.target.cwd_writes:
                # Importing the module builds the app: that happens in the run's folder too.
                late_import = f"from {module} import {imported}"
            else:
                imports.add(module, imported)
        scan = self.scan
        extension = _extension_key(scan)
        if scan is not None:
            plain = scan.plain is not None
            isolated, testing = _HELPERS[extension or ("plain" if plain else "")]
            imports.add("flask_testkit", isolated)
            imports.add("flask_testkit", testing)
            for module, name in scan.imports:
                imports.add(module, name)
            if shares_a_session(scan):
                imports.add(self.factories_module, SHARED_SESSION)
        context: dict[str, object] = {
            "imports": "",
            "build": build,
            "settings_in_call": self.target.settings_in_call,
            "settings": ", ".join(f"{k}={v!r}" for k, v in self.target.settings.items()),
            "has_db": scan is not None,
            "file_db": self.target.database_file,
            "plain": scan is not None and scan.plain is not None,
            "db_name": scan.session_name if scan else "",
            "isolated_name": SHARED_SESSION if scan and shares_a_session(scan) else "",
            "base_name": scan.plain.base_import[1] if scan and scan.plain else "",
            "auth": auth,
            "extension": extension,
            "unisolated": self.unisolated if scan is None else None,
            "environment": [setting.line for setting in self.target.environment],
            "unset_environment": self.target.unset_environment,
            "app_files": [
                (setting.key, setting.source, setting.is_folder, setting.as_path)
                for setting in self.target.files
            ],
            "app_folders": any(setting.is_folder for setting in self.target.files),
            "build_files": [
                (file.key, file.name, file.is_folder) for file in self.target.build_files
            ],
            "cwd_example": _shown_path(next(iter(self.target.cwd_writes), "")) or None,
            "late_import": late_import,
            "run_folder": bool(self.target.build_files or self.target.cwd_writes),
            "exemptions": [string(line) for line in exemptions or []],
        }
        if scan is not None and scan.base_import and extension == "lite":
            context["base_name"] = scan.base_import[1]
        if scan is None and self.unisolated:
            imports.add("flask_testkit", "blocked_databases")
        if auth is not None:
            imports.add(self.factories_module, auth.user_factory)
            for source, extra in auth.imports:
                imports.add(source, extra)
            context["admin_kwargs"] = ", ".join(
                f"{k}={literal(v)}" for k, v in (auth.admin_kwargs or {}).items()
            )
            context["primary_sign_in"] = self._sign_in_values(auth, imports)
            if auth.alternate is not None:
                context["alternate_sign_in"] = self._sign_in_values(auth.alternate, imports)
            if auth.register is not None:
                model = auth.user_model
                imports.add(model.cls.__module__, model.name)
                imports.add("sqlalchemy", "select")
                context["register_path"] = string(auth.register.rule)
                context["register_body"] = literal(auth.register_body)
                context["admin_items"] = literal(auth.admin_kwargs or {})
        guarded = scan is not None and not extension and scan.plain is None
        if guarded:
            imports.add("flask_testkit", "apps_on_test_database")
        # A module-level app is built as its module is imported; a factory's, in the fixture.
        builds_in_fixture = self.target.is_factory or late_import is not None
        context["guarded_imports"] = guarded and not builds_in_fixture
        context["guard_build"] = guarded and builds_in_fixture
        managers = ["pytest.MonkeyPatch.context() as patch"] if context["cwd_example"] else []
        if context["guard_build"]:
            managers.append('apps_on_test_database(default_url="sqlite://")')
        context["build_managers"] = ", ".join(managers)
        if self.app_folder is not None:
            imports.add("sys")
            imports.add("pathlib", "Path")
            context["imports"], context["own_imports"] = self.split_imports(imports)
            parts = Path(self.app_folder).parts
            ups = sum(1 for part in parts if part == "..")
            rest = "".join(f" / {string(part)}" for part in parts if part != "..")
            # parents[0] of the conftest is the suite's folder; each ".." climbs one more.
            base = "Path(__file__).resolve()" + (f".parents[{ups}]" if ups else ".parent")
            context["app_folder"] = base + rest
        elif context["guarded_imports"]:
            context["imports"], context["own_imports"] = self.split_imports(imports)
        else:
            context["imports"] = self.imports(imports)
        return self.render("conftest.py.jinja", **context)

    def factories(self, specs: list[FactorySpec]) -> str:
        """tests/factories.py."""
        imports = Imports()
        if any("factory." in source for spec in specs for _, source in spec.declarations):
            imports.add("factory")
        imports.add("factory.alchemy", "SQLAlchemyModelFactory")
        scan = self.scan
        assert scan is not None
        for source, session_name in scan.imports[:1]:
            imports.add(source, session_name)
        if shares_a_session(scan):
            imports.add("sqlalchemy.orm", "scoped_session")
        password_specs = [s for s in specs if s.password_attribute]
        if password_specs:
            imports.add("functools")
        for spec in specs:
            imports.add(spec.model.cls.__module__, spec.model.name)
            if spec.password_function:
                imports.add(*spec.password_function)
            for module, name in spec.imports:
                imports.add(module, name)
        return self.render(
            "factories.py.jinja",
            imports=self.imports(imports),
            specs=specs,
            password_specs=password_specs,
            session_binding=_session_binding(scan),
            session_attribute=session_attribute(scan),
            shared_session=SHARED_SESSION if shares_a_session(scan) else "",
            maker=scan.session_name,
            password=_password(),
            uses_fake=any("fake." in source for spec in specs for _, source in spec.declarations),
        )


# The name, in the factories module, of the session a sessionmaker app's tests share.
SHARED_SESSION = "shared_session"


def shares_a_session(scan: ModelScan) -> bool:
    """Whether the app makes sessions from a bare sessionmaker, so the tests need one to share."""
    return scan.plain is not None and not scan.plain.is_scoped


# The isolating and the test-database helpers a conftest imports, by data layer.
_HELPERS = {
    "": ("isolated_database", "testing_database"),
    "plain": ("isolated_session", "testing_engine"),
    "lite": ("isolated_lite_database", "testing_lite_database"),
    "alchemical": ("isolated_alchemical", "testing_alchemical"),
}


def _shown_path(relative: str) -> str:
    """A written file as a comment names it: its top folder (`whooshee/`), or the file itself."""
    top, _, rest = relative.partition("/")
    return f"{top}/" if rest else top


def _extension_key(scan: ModelScan | None) -> str:
    if scan is None or scan.extension is None:
        return ""
    return "alchemical" if scan.extension == "Alchemical" else "lite"


def session_attribute(scan: ModelScan) -> str:
    """The factory option that names the session: a callable one where it needs an app context."""
    return "sqlalchemy_session_factory" if scan.extension else "sqlalchemy_session"


def _session_binding(scan: ModelScan) -> str:
    """What the base factory adds its rows to."""
    if scan.extension is not None:
        # The extension's session lives in the app context, which exists only inside a test.
        return f"lambda: {scan.session_name}.session"
    if scan.plain is None:
        return f"{scan.session_name}.session"
    return SHARED_SESSION if shares_a_session(scan) else scan.session_name


def _password() -> str:
    from ..planning.values import TEST_PASSWORD

    return TEST_PASSWORD


def ruff_command() -> list[str] | None:
    """How to run ruff here, or None when it is not installed."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return [str(find_ruff_bin())]
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        return [found] if found else None


def format_sources(files: dict[Path, str], project_root: Path) -> dict[Path, str]:
    """The files as `ruff format` writes them, under the project's own ruff settings."""
    command = ruff_command()
    if command is None:
        return files
    formatted = {}
    for path, source in files.items():
        if path.suffix != ".py":
            formatted[path] = source
            continue
        name = str(path)
        fixed = source
        result = subprocess.run(
            [*command, "format", "--no-cache", "--quiet", "--stdin-filename", name, "-"],
            input=fixed,
            capture_output=True,
            text=True,
            cwd=project_root,
            check=False,
        )
        formatted[path] = result.stdout if result.returncode == 0 and result.stdout else fixed
    return formatted


def tidy_written(paths: list[Path], cwd: Path) -> None:
    """Sort imports in files just written, now that ruff can see which packages are local."""
    command = ruff_command()
    python_files = [str(path) for path in paths if path.suffix == ".py"]
    if command is None or not python_files:
        return
    for arguments in (["check", "--select", "I", "--fix", "--exit-zero"], ["format"]):
        subprocess.run(
            [*command, *arguments, "--no-cache", "--quiet", *python_files],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
