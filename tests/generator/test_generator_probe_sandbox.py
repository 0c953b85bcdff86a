"""Probes touch nothing outside the test database: no socket, and no file in the app's tree."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_runs import AppRun, init_sample, run_suite
from generator_runs import run_init, source_of_test

from flask_testkit.generator.probing.probe_database import allowed_database_address
from flask_testkit.generator.probing.sandbox import (
    Allowed,
    NetworkBlocked,
    guarded,
    network_blocked,
)


def _no_connection_waiting(listener: socket.socket) -> bool:
    listener.setblocking(False)
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


@pytest.fixture(scope="module")
def listeners(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[socket.socket, ...]]:
    """A real TCP listener on loopback and a unix socket listener, as local services would be."""
    tcp = socket.create_server(("127.0.0.1", 0))
    path = tmp_path_factory.mktemp("sock") / "mail.sock"
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind(str(path))
    unix.listen()
    yield tcp, unix
    tcp.close()
    unix.close()


@pytest.fixture(scope="module")
def loopback(
    tmp_path_factory: pytest.TempPathFactory, listeners: tuple[socket.socket, ...]
) -> AppRun:
    """The jobs app, whose endpoints hand work to those two services."""
    tcp, unix = listeners
    env = {"QUEUE_PORT": str(tcp.getsockname()[1]), "MAIL_SOCKET": unix.getsockname()}
    root, init = init_sample("loopback_app", "jobs", tmp_path_factory.mktemp("a"), env)
    return AppRun(root, init, run_suite(root, "loopback_app", unset=tuple(env)))


def test_services_on_loopback_get_no_connection_during_init(
    loopback: AppRun, listeners: tuple[socket.socket, ...]
) -> None:
    assert loopback.init.returncode == 0, loopback.init.stderr
    tcp, unix = listeners
    assert _no_connection_waiting(tcp)
    assert _no_connection_waiting(unix)


def test_endpoints_that_need_a_local_service_are_reported(
    loopback: AppRun, listeners: tuple[socket.socket, ...]
) -> None:
    tcp, unix = listeners
    port = tcp.getsockname()[1]
    assert f"POST /jobs: it needs a network service: a service at 127.0.0.1:{port}" in (
        loopback.init.stdout
    )
    assert f"POST /mail: it needs a network service: a unix socket at {unix.getsockname()}" in (
        loopback.init.stdout
    )
    source = loopback.read("tests/integration/test_jobs_api.py")
    assert 'client.post("/jobs"' not in source and 'client.post("/mail"' not in source


def test_suite_of_the_loopback_app_passes(loopback: AppRun) -> None:
    assert loopback.tests.returncode == 0, loopback.tests.stdout[-3000:]
    assert loopback.ruff_problems() == ""


def _hashes(root: Path, leave_out: str) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != leave_out
    }


def _folders(root: Path, leave_out: str) -> list[str]:
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_dir() and path.relative_to(root).parts[0] != leave_out
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppRun, dict[str, str], list[str]]:
    """The gallery app, its tree's hashes and folders before init, and after init ran."""
    destination = tmp_path_factory.mktemp("b")
    pristine = Path(__file__).parent / "sample_apps" / "files_app"
    before = _hashes(pristine, "tests"), _folders(pristine, "tests")
    root, init = init_sample("files_app", "gallery:create_app()", destination)
    after = _hashes(root, "tests"), _folders(root, "tests")
    run = AppRun(root, init, run_suite(root, "files_app"))
    assert before[0] == after[0] and before[1] == after[1], (before, after)
    return run, *after


def test_init_leaves_the_app_tree_byte_for_byte_unchanged(
    files: tuple[AppRun, dict[str, str], list[str]],
) -> None:
    run, hashes, folders = files
    assert run.init.returncode == 0, run.init.stderr
    # The app logs, makes its instance folder, uploads and index, and an SQLite file as it
    # starts, and writes uploads and its audit log on a request; none of it lands in its tree.
    assert sorted(hashes) == [
        "gallery/__init__.py",
        "gallery/avatars/.gitkeep",
        "gallery/data/captions.json",
    ]
    assert folders == ["gallery", "gallery/avatars", "gallery/data"]


def test_generated_suite_gives_each_test_its_own_folders(
    files: tuple[AppRun, dict[str, str], list[str]],
) -> None:
    run = files[0]
    assert run.tests.returncode == 0, run.tests.stdout[-3000:]
    assert run.ruff_problems() == ""
    conftest = run.read("tests/conftest.py")
    settings = conftest.replace("(\n        ", "(")
    # Folders the app makes, and one the project keeps that the app wrote to while probed.
    for key in ("UPLOAD_FOLDER", "SEARCH_INDEX_DIR", "AUDIT_LOG_FILE", "AVATAR_FOLDER"):
        assert f'monkeypatch.setitem(app.config, "{key}"' in settings
    # A Path stays a Path; a str stays a str.
    assert 'setitem(app.config, "SEARCH_INDEX_DIR", _new_folder(tmp_path' in settings
    assert 'setitem(app.config, "UPLOAD_FOLDER", str(_new_folder(tmp_path' in settings
    # Data the app only reads stays where it is.
    assert "CAPTIONS_FILE" not in conftest
    assert "UPLOAD_FOLDER, SEARCH_INDEX_DIR, AUDIT_LOG_FILE, AVATAR_FOLDER" in run.init.stdout
    # The upload tests ran, and wrote to their tmp_path, not to the app's own folders.
    source = run.read("tests/integration/test_gallery_api.py")
    assert 'client.post("/pictures"' in source and 'client.put("/avatars/' in source
    assert list((run.root / "gallery" / "uploads").iterdir()) == []
    assert [p.name for p in (run.root / "gallery" / "avatars").iterdir()] == [".gitkeep"]
    assert not (run.root / "gallery" / "audit.log").exists()


def test_guard_refuses_loopback_and_reports_the_service() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    try:
        with guarded(timeout=5) as report, pytest.raises(NetworkBlocked):
            socket.create_connection(("127.0.0.1", port), timeout=1)
        assert _no_connection_waiting(server)
    finally:
        server.close()
    assert report.network_targets == [f"a service at 127.0.0.1:{port}"]


def test_guard_names_well_known_services() -> None:
    with network_blocked() as refused:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with sock, pytest.raises(NetworkBlocked):
            sock.connect(("127.0.0.1", 6379))
    assert refused == ["redis at 127.0.0.1:6379"]


def test_guard_refuses_unix_sockets(tmp_path: Path) -> None:
    path = str(tmp_path / "service.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen()
    try:
        with guarded(timeout=5) as report, pytest.raises(NetworkBlocked):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            with client:
                client.connect(path)
        assert _no_connection_waiting(server)
    finally:
        server.close()
    assert report.network_targets == [f"a unix socket at {path}"]


def test_guard_lets_the_test_database_through() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    allowed = allowed_database_address(f"postgresql+psycopg://postgres@localhost:{port}/app_test")
    try:
        with network_blocked(allowed) as refused, socket.create_connection(("127.0.0.1", port)):
            pass
    finally:
        server.close()
    assert refused == []


def test_guard_refuses_other_ports_of_the_database_host() -> None:
    allowed = allowed_database_address("postgresql+psycopg://postgres@127.0.0.1:5432/app_test")
    with network_blocked(allowed) as refused, pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 6379), timeout=1)
    assert refused == ["redis at 127.0.0.1:6379"]


def test_test_database_unix_socket_is_allowed() -> None:
    allowed = allowed_database_address(
        "postgresql+psycopg://postgres@/app?host=/var/run/postgresql"
    )
    assert allowed.permits(socket.AF_UNIX, "/var/run/postgresql/.s.PGSQL.5432")
    assert not allowed.permits(socket.AF_UNIX, "/run/redis.sock")
    assert Allowed().permits(socket.AF_UNIX, "/var/run/postgresql/.s.PGSQL.5432") is False


@pytest.fixture(scope="module")
def startup_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppRun, dict[str, str]]:
    """The widgets app after init and two runs of its suite, and its tree's hashes before."""
    pristine = Path(__file__).parent / "sample_apps" / "startup_files_app"
    before = _hashes(pristine, "tests")
    root, init = init_sample(
        "startup_files_app", "widgets:create_app()", tmp_path_factory.mktemp("w")
    )
    run_suite(root, "startup_files_app")
    return AppRun(root, init, run_suite(root, "startup_files_app")), before


def test_files_the_app_writes_as_it_starts_stay_out_of_its_tree_in_the_suite_too(
    startup_files: tuple[AppRun, dict[str, str]],
) -> None:
    run, before = startup_files
    assert run.init.returncode == 0, run.init.stderr
    assert run.tests.returncode == 0, run.tests.stdout[-3000:]
    # Its log (at a path from the environment), var/started and its search index (relative to
    # the working directory): none lands in the tree, neither during init nor in two runs.
    assert _hashes(run.root, "tests") == before
    assert "wrote into the project" not in run.init.stdout
    conftest = run.read("tests/conftest.py")
    assert 'os.environ.setdefault("WIDGETS_LOG_PATH", os.path.join(RUN_FILES,' in conftest
    assert "def working_directory(app, monkeypatch):" in conftest
    # A widget a test adds is gone before the next: the search is written as the app starts,
    # empty, and passes in any order (it passed only after the add test before).
    tests = run.read("tests/integration/test_widgets_api.py")
    assert 'assert response.get_json() == {"widgets": []}' in tests
    assert run.ruff_problems() == ""


def test_a_store_the_app_rewrites_in_its_working_folder_is_left_to_it(
    startup_files: tuple[AppRun, dict[str, str]],
) -> None:
    run, _ = startup_files
    # Adding one writes the next generation and takes the old one away. Removing the new one
    # after a probe or a test left the app a store it cannot read: every later request failed.
    tests = run.read("tests/integration/test_widgets_api.py")
    _, count = source_of_test(tests, "test_count_returns_ok")
    assert 'assert response.get_json() == {"generations": 1}' in count
    assert "def test_add_one_returns_created(" in tests
    assert "does_not_fail" not in tests
    assert "dropped by verification: 0" in run.init.stdout
    assert run.tests.returncode == 0, run.tests.stdout[-3000:]


def test_files_the_suite_cannot_move_are_named(
    files: tuple[AppRun, dict[str, str], list[str]],
) -> None:
    # A log at a path fixed in the code, and the instance folder's cache database.
    expected = "the app wrote into the project while the suite ran: gallery/gallery.log, instance/"
    assert expected in files[0].init.stdout


def test_a_module_level_app_is_imported_as_the_suite_imports_it(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # The shell sets FLASK_DEBUG, which the suite unsets: built without it, the app writes a log
    # relative to the working directory as it is imported.
    pristine = Path(__file__).parent / "sample_apps" / "debug_logging_app"
    before = _hashes(pristine, "tests")
    shell = {"FLASK_DEBUG": "1"}
    root, init = init_sample(
        "debug_logging_app", "logbook:app", tmp_path_factory.mktemp("l"), shell
    )
    assert init.returncode == 0, init.stderr
    tests = run_suite(root, "debug_logging_app", extra=shell)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert _hashes(root, "tests") == before
    conftest = (root / "tests" / "conftest.py").read_text()
    assert "        from logbook import app as flask_app\n" in conftest


def test_a_variable_the_app_cannot_take_as_a_string_is_left_unset(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Set to a str, DEPOT_VAR_DIR breaks the app's own config (`DEPOT_VAR_DIR / "cache.txt"`):
    # verification falls back to a conftest that does not set it, and says what stays written.
    root, init = init_sample("path_config_app", "depot:create_app()", tmp_path_factory.mktemp("p"))
    assert init.returncode == 0, init.stderr
    assert "not set by the conftest, since the app failed with them set: DEPOT_VAR_DIR" in (
        init.stdout
    )
    assert "the app wrote into the project while the suite ran: depot/var/cache.txt" in init.stdout
    assert (
        "DEPOT_VAR_DIR"
        not in (root / "tests" / "conftest.py").read_text().split("import pytest")[0]
    )
    assert run_suite(root, "path_config_app").returncode == 0


def test_an_app_that_makes_its_tables_as_it_is_imported_never_makes_its_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    pristine = Path(__file__).parent / "sample_apps" / "startup_tables_app"
    before = _hashes(pristine, "tests"), _folders(pristine, "tests")
    root, init = init_sample("startup_tables_app", "inbox:app", tmp_path_factory.mktemp("t"))
    assert init.returncode == 0, init.stderr
    tests = run_suite(root, "startup_tables_app")
    assert tests.returncode == 0, tests.stdout[-3000:]
    # No instance/inbox.db, not even the instance folder.
    assert (_hashes(root, "tests"), _folders(root, "tests")) == before
    conftest = (root / "tests" / "conftest.py").read_text()
    assert 'with apps_on_test_database(default_url="sqlite://"):\n    from inbox import' in conftest


SLOW_APP = """
import time

from flask import Flask

app = Flask(__name__)
_warm = []


@app.get("/slow-once")
def slow_once():
    if not _warm:  # a first request that loads something slow, as a language model does
        time.sleep(1.0)
        _warm.append(True)
    return {"warm": True}


@app.get("/always-slow")
def always_slow():
    time.sleep(3.0)  # longer than the one retry gets, too
    return {"done": True}
"""


def test_a_request_slow_only_the_first_time_is_tested(tmp_path: Path) -> None:
    (tmp_path / "slow.py").write_text(SLOW_APP)
    init = run_init(tmp_path, "--app", "slow:app", "--probe-timeout", "0.5", suffix="slow")
    assert init.returncode == 0, init.stderr
    assert "GET /always-slow: the request did not finish within the time limit" in init.stdout
    assert "GET /slow-once: the request did not finish" not in init.stdout
    tests = (tmp_path / "tests" / "integration" / "test_slow_api.py").read_text()
    assert 'client.get("/slow-once")' in tests
