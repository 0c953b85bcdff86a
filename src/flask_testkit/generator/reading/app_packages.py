"""The app's own modules: where its views and models are, and its service functions."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .app_loading import AppTarget
from .models import ModelScan


def app_packages(app: Any, scan: ModelScan | None, module: str, root: Path) -> tuple[str, ...]:
    """Top-level packages (or modules) under root that define the app's views or models.

    The module named by --app may only build the app (`microblog.py` of an `app` package): the
    code a suite exercises is where the views and models live.
    """
    names = {view.__module__ for view in app.view_functions.values()}
    names |= {info.cls.__module__ for info in scan.models} if scan else set()
    names.add(module)
    found = []
    for top in sorted({name.split(".")[0] for name in names if name}):
        loaded = sys.modules.get(top)
        path = getattr(loaded, "__file__", None)
        if path and Path(path).resolve().is_relative_to(root.resolve()):
            found.append(top)
    return tuple(found) or (module.split(".")[0],)


def service_functions_in(packages: Iterable[str]) -> list[str]:
    """Public functions of the loaded modules of these packages whose name holds "service"."""
    tops = set(packages)
    found = []
    for name, module in sorted(sys.modules.items()):
        if module is None or name.split(".")[0] not in tops:
            continue
        if "service" in name.rsplit(".", 1)[-1]:
            for attr, value in vars(module).items():
                if inspect.isfunction(value) and value.__module__ == name and attr[:1] != "_":
                    found.append(f"{name}.{attr}")
    return found


def service_functions(target: AppTarget) -> list[str]:
    """Public functions of the app's service modules, which still need unit tests."""
    return service_functions_in([target.module.split(".")[0]])


def untested_services(target: AppTarget, tested: list[Any]) -> list[str]:
    """The service functions no unit test calls."""
    called = {f"{case.call.module}.{case.call.name}" for case in tested}
    return [name for name in service_functions(target) if name not in called]
