"""Time `flask-testkit init` end to end, probing included, on a synthetic app and the reference app.

Run from the repository root: .venv/bin/python benchmarks/generator/bench_init.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "flask-testkit"
MODELS = 50
RUNS = 3

SYNTHETIC_APP = '''\
"""A synthetic inventory: {models} models, four JSON routes each."""

import datetime as dt
import enum

from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Status(enum.Enum):
    DRAFT = "draft"
    LIVE = "live"


MODELS = []
for index in range({models}):
    attributes = {{
        "__tablename__": f"thing{{index}}",
        "id": mapped_column(primary_key=True),
        "name": mapped_column(String(80), unique=True),
        "title": mapped_column(String(200)),
        "count": mapped_column(default=0),
        "status": mapped_column(db.Enum(Status), default=Status.DRAFT),
        "created_at": mapped_column(default=lambda: dt.datetime.now(dt.timezone.utc)),
        "__annotations__": {{
            "id": Mapped[int], "name": Mapped[str], "title": Mapped[str], "count": Mapped[int],
            "status": Mapped[Status], "created_at": Mapped[dt.datetime],
        }},
    }}
    if index:
        # A tree of optional links, a few levels deep as real schemas are.
        attributes["parent_id"] = mapped_column(ForeignKey(f"thing{{(index - 1) // 2}}.id"))
        attributes["__annotations__"]["parent_id"] = Mapped[int | None]
    MODELS.append(type(f"Thing{{index}}", (db.Model,), attributes))
    globals()[f"Thing{{index}}"] = MODELS[-1]


def _as_dict(row):
    return {{"id": row.id, "name": row.name, "title": row.title, "count": row.count}}


def _register(app, model, index):
    base = f"/thing{{index}}s"

    def listing():
        return jsonify(items=[_as_dict(r) for r in db.session.scalars(db.select(model))])

    def create():
        data = request.get_json(silent=True) or {{}}
        if not data.get("name") or not data.get("title"):
            return jsonify(error="name and title are required"), 422
        row = model(name=data["name"], title=data["title"])
        db.session.add(row)
        db.session.commit()
        return jsonify(item=_as_dict(row)), 201

    def detail(item_id):
        row = db.session.get(model, item_id)
        if row is None:
            abort(404)
        return jsonify(item=_as_dict(row))

    def remove(item_id):
        row = db.get_or_404(model, item_id)
        db.session.delete(row)
        db.session.commit()
        return "", 204

    app.add_url_rule(base, f"list_{{index}}", listing, methods=["GET"])
    app.add_url_rule(base, f"create_{{index}}", create, methods=["POST"])
    app.add_url_rule(f"{{base}}/<int:item_id>", f"detail_{{index}}", detail, methods=["GET"])
    app.add_url_rule(f"{{base}}/<int:item_id>", f"remove_{{index}}", remove, methods=["DELETE"])


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    for index, model in enumerate(MODELS):
        _register(app, model, index)
    return app
'''


def time_init(root: Path, *arguments: str) -> float:
    """Wall-clock seconds of one `flask-testkit init` run, from process start to exit."""
    out = root / "tests_bench"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run(
        [str(CLI), "init", *arguments, "--out", "tests_bench"],
        cwd=root,
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"init failed in {root}: {result.stderr.strip()}")
    return time.perf_counter() - started


def main() -> None:
    """Print one table: each app's median generation time over RUNS runs."""
    with tempfile.TemporaryDirectory() as folder:
        synthetic = Path(folder) / "synthetic"
        synthetic.mkdir()
        (synthetic / "synthetic_app.py").write_text(SYNTHETIC_APP.format(models=MODELS))
        reference = Path(folder) / "userapi"
        reference.mkdir()
        shutil.copytree(REPOSITORY / "examples" / "userapi" / "app", reference / "app")
        shutil.copy(REPOSITORY / "examples" / "userapi" / "pyproject.toml", reference)
        cases = [
            (
                f"synthetic: {MODELS * 4} routes, {MODELS} models",
                synthetic,
                ("--app", "synthetic_app:create_app()"),
            ),
            ("reference app (examples/userapi)", reference, ("--app", 'app:create_app("testing")')),
        ]
        print(f"{'app':<40} {'median s':>9} {'min s':>7} {'max s':>7}")
        for label, root, arguments in cases:
            times = [time_init(root, *arguments) for _ in range(RUNS)]
            print(
                f"{label:<40} {statistics.median(times):>9.2f} {min(times):>7.2f} "
                f"{max(times):>7.2f}"
            )


if __name__ == "__main__":
    main()
