"""Build the app the probes use: once more in its testing configuration, if that is safe."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from flask_testkit.errors import ConfigurationError, one_line
from flask_testkit.loading import load_app as load_configured_app
from flask_testkit.settings import Setting

from .app_loading import AppTarget
from .environment import without_debug_variables


def _shape(app: Flask) -> tuple[set[str], set[str]]:
    rules = {
        f"{' '.join(sorted((rule.methods or set()) - {'HEAD', 'OPTIONS'}))} {rule.rule}"
        for rule in app.url_map.iter_rules()
    }
    return rules, set(app.extensions)


def rebuild_differs(spec: str, first: Flask) -> str | None:
    """Why building the app a second time, with the same arguments, gives another app; or None."""
    try:
        second = load_configured_app(Setting(spec, "--app"))
    except ConfigurationError as error:
        cause = error.__cause__
        return f"building it again raised {type(cause).__name__}: {one_line(cause or error)}"
    if second is first:
        return None
    (rules, extensions), (again, again_extensions) = _shape(first), _shape(second)
    if rules - again:
        missing = sorted(rules - again)
        more = f" and {len(missing) - 1} more routes" if len(missing) > 1 else ""
        return f"a second build lacks {missing[0]}{more}, attached on first import"
    if extensions - again_extensions:
        names = ", ".join(sorted(extensions - again_extensions))
        return f"a second build lacks the extensions {names}, set up on first import"
    return None


def build_for_probes(target: AppTarget, first: Flask, tmp_path: Path | None = None) -> Flask:
    """The app the probes run on: the conftest's build, or the one app a factory gives."""
    if target.single_build is not None:
        app = first
        target.apply_settings(app, tmp_path)
    else:
        with without_debug_variables() as removed:
            app = _testing_build(target, tmp_path)
        target.unset_environment = removed
    if app.debug:
        target.debug_off = True
        app.config["DEBUG"] = False
    return app


def _testing_build(target: AppTarget, tmp_path: Path | None) -> Flask:
    """Build with the factory's testing configuration name when it has one that sets TESTING."""
    given = target.call_args
    for candidate in target.name_candidates:
        target.call_args = candidate
        try:
            app = target.construct(tmp_path)
        except Exception:  # the factory does not know this name
            continue
        if app.config.get("TESTING"):
            target.apply_settings(app, tmp_path)
            return app
    target.call_args = given
    return target.build(tmp_path)


def development_rules(first: Flask, probed: Flask) -> list[str]:
    """Rules the app as loaded has and its testing build has not: debug-only routes."""
    if first is probed:
        return []
    return sorted(_shape(first)[0] - _shape(probed)[0])


BUILD_FILES_LINE = "written while the app is built, pointed at the run's own folder"


def setup_lines(target: AppTarget, refused: list[str], earlier: list[str]) -> list[str]:
    """How init ran the app: its build, what the conftest sets, the connections it refused."""
    lines = [f"configuration: {target.configuration}"]
    if target.unset_environment:
        names = ", ".join(target.unset_environment)
        lines.append(f"unset by the conftest, as for the testing build: {names}")
    if target.environment:
        variables = ", ".join(f"{env.name} ({env.why})" for env in target.environment)
        lines.append(f"set by the conftest before it imports the app: {variables}")
    if target.files:
        keys = ", ".join(setting.key for setting in target.files)
        lines.append(f"folders and files the config names, each test's own in tmp_path: {keys}")
    if target.build_files:
        keys = ", ".join(setting.key for setting in target.build_files)
        lines.append(f"{BUILD_FILES_LINE}: {keys}")
    if target.cwd_writes:
        lines.append(
            f"built and run in the run's own folder: the app writes {target.cwd_writes[0]} "
            "relative to the working directory"
        )
    if refused:
        lines.append("connections refused while probing: " + ", ".join(dict.fromkeys(refused)))
    return lines + earlier
