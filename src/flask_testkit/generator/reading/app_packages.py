"""The app's own packages: where its views and models are defined, for coverage figures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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
