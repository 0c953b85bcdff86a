"""Runs forked from the fork server behave as runs started afresh: each is a clean process."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from flask_testkit.forking import FORK_VARIABLE, PytestRuns, RunTimedOut

PLAIN = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose tests record what each run saw in values.txt."""
    (tmp_path / "counter.py").write_text("def bump(n):\n    return n + 1\n")
    (tmp_path / "test_state.py").write_text(
        "import random\n"
        "from pathlib import Path\n"
        "import faker.generator\n"
        "import flask\n"
        "import counter\n\n"
        "def test_record():\n"
        "    assert not hasattr(flask, 'left_by_a_run')\n"
        "    flask.left_by_a_run = True\n"
        "    values = (random.random(), faker.generator.random.random(), counter.bump(1))\n"
        "    with Path('values.txt').open('a') as out:\n"
        "        out.write(repr(values) + '\\n')\n"
    )
    return tmp_path


def _runs(root: Path) -> PytestRuns:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return PytestRuns(root, env)


def test_each_forked_run_is_a_fresh_process_with_fresh_random_state(project: Path) -> None:
    runs = _runs(project)
    try:
        codes = [runs.run(["test_state.py", *PLAIN], project / f"log{n}", 120) for n in range(3)]
        assert runs.fork and runs._server is not None
    finally:
        runs.close()

    assert codes == [0, 0, 0], (project / "log0").read_text()
    values = (project / "values.txt").read_text().splitlines()
    assert len(values) == 3
    # The random generators were seeded anew in every child, as in a process started afresh.
    assert len(set(values)) == 3


def test_a_failing_run_gives_its_exit_code_and_output(project: Path) -> None:
    (project / "test_fails.py").write_text("def test_no():\n    assert 1 == 2\n")
    runs = _runs(project)
    try:
        code = runs.run(["test_fails.py", *PLAIN], project / "log", 120)
    finally:
        runs.close()

    assert code == 1
    assert "1 failed" in (project / "log").read_text()


def test_a_measured_run_records_line_coverage_of_the_project(project: Path) -> None:
    rcfile = project / "coveragerc"
    rcfile.write_text(f"[run]\ndata_file = {project / 'data'}\nsource = {project}\n")
    runs = _runs(project)
    try:
        code = runs.run(["test_state.py", *PLAIN], project / "log", 120, coverage=rcfile)
    finally:
        runs.close()

    import coverage

    assert code == 0, (project / "log").read_text()
    data = coverage.CoverageData(basename=str(project / "data"))
    data.read()
    lines = data.lines(str(project / "counter.py"))
    assert lines is not None and 2 in lines


def test_runs_start_afresh_when_the_server_is_gone(project: Path) -> None:
    runs = _runs(project)
    try:
        assert runs.run(["test_state.py", *PLAIN], project / "log0", 120) == 0
        assert runs._server is not None
        os.kill(runs._server.pid, signal.SIGKILL)
        runs._server.wait()

        assert runs.run(["test_state.py", *PLAIN], project / "log1", 120) == 0
        assert not runs.fork
    finally:
        runs.close()
    assert len((project / "values.txt").read_text().splitlines()) == 2


def test_forking_can_be_turned_off(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FORK_VARIABLE, "0")
    runs = _runs(project)

    assert runs.run(["test_state.py", *PLAIN], project / "log", 120) == 0
    assert runs._server is None


def test_a_run_past_its_time_is_stopped(project: Path) -> None:
    (project / "test_slow.py").write_text("import time\n\ndef test_wait():\n    time.sleep(30)\n")
    runs = _runs(project)
    try:
        with pytest.raises(RunTimedOut):
            runs.run(["test_slow.py", *PLAIN], project / "log", 3)
    finally:
        runs.close()


def test_a_project_module_named_like_a_preloaded_one_is_never_preloaded(tmp_path: Path) -> None:
    # Many apps keep create_app in a factory.py: it is theirs, not factory_boy, and each run
    # imports it itself (the import is counted in imports.txt).
    (tmp_path / "factory.py").write_text(
        "from pathlib import Path\n"
        "with Path(__file__).with_name('imports.txt').open('a') as out:\n"
        "    out.write('imported\\n')\n"
        "OWN = True\n"
    )
    (tmp_path / "test_own.py").write_text(
        "import factory\n\ndef test_own():\n    assert factory.OWN\n"
    )
    runs = _runs(tmp_path)
    try:
        codes = [runs.run(["test_own.py", *PLAIN], tmp_path / f"log{n}", 120) for n in range(2)]
    finally:
        runs.close()

    assert codes == [0, 0], (tmp_path / "log0").read_text()
    assert (tmp_path / "imports.txt").read_text().splitlines() == ["imported", "imported"]


def test_plugins_the_environment_turns_off_are_not_preloaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flask_testkit.fork_server import _disabled_plugins

    monkeypatch.setenv("PYTEST_ADDOPTS", "-q -p no:schemathesis -pno:anyio -p randomly")

    assert _disabled_plugins() == {"schemathesis", "anyio"}
