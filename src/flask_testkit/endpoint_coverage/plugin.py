"""pytest hooks for endpoint coverage: options, recording, xdist merging, report and gate."""

from __future__ import annotations

import pytest

from flask_testkit.endpoint_coverage.exemptions import (
    INI_EXEMPT,
    Exemption,
    ExemptionError,
    parse_exemptions,
)
from flask_testkit.endpoint_coverage.gate import gate_verdict
from flask_testkit.endpoint_coverage.html_report import write_html
from flask_testkit.endpoint_coverage.json_report import write_json
from flask_testkit.endpoint_coverage.recorder import Recorder
from flask_testkit.endpoint_coverage.records import Records
from flask_testkit.endpoint_coverage.report import Report, build_report
from flask_testkit.endpoint_coverage.terminal import render_lines

INI = "endpoint_coverage"
WORKER_OUTPUT_KEY = "flask_testkit_endpoint_coverage"
WORKER_EXEMPTIONS_KEY = "flask_testkit_endpoint_coverage_exemptions"
plugin_key = pytest.StashKey["EndpointCoverage"]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Add the hook that conftests exempt endpoints with."""
    from flask_testkit.endpoint_coverage import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the --endpoint-coverage options and the endpoint_coverage ini key."""
    group = parser.getgroup(
        "endpoint-coverage", "endpoint coverage: a happy path and an error case per endpoint"
    )
    group.addoption(
        "--endpoint-coverage",
        action="store_true",
        default=False,
        help="Record the requests that tests send to Flask apps and report, per endpoint, "
        f"its happy path and error case. Also ini {INI} = true.",
    )
    group.addoption(
        "--endpoint-coverage-json",
        metavar="PATH",
        help="Write the endpoint coverage data to PATH as JSON (turns recording on).",
    )
    group.addoption(
        "--endpoint-coverage-html",
        metavar="DIR",
        help="Write the endpoint coverage page to DIR/index.html (turns recording on).",
    )
    group.addoption(
        "--endpoint-coverage-fail-under",
        metavar="PCT",
        type=float,
        help="Fail the run when fewer than PCT%% of endpoints have both a happy path and an "
        "error case (turns recording on).",
    )
    group.addoption(
        "--endpoint-coverage-all",
        action="store_true",
        default=False,
        help=(
            "Also report static files, the HEAD/OPTIONS methods that Flask adds by itself, and "
            "the pages an API framework or a development tool serves by itself."
        ),
    )
    parser.addini(INI, "Record and report endpoint coverage (true/false).", type="bool")
    parser.addini(
        INI_EXEMPT,
        "Endpoints that need no error case, one a line: METHOD RULE  reason. They are shown "
        "with their reason and left out of the share that --endpoint-coverage-fail-under checks.",
        type="linelist",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Start recording when any endpoint-coverage option or the ini key asks for it."""
    option = config.option
    fail_under = option.endpoint_coverage_fail_under
    if fail_under is not None and not 0 <= fail_under <= 100:
        raise pytest.UsageError(
            f"--endpoint-coverage-fail-under={fail_under:g} is not a percentage: "
            "give a number from 0 to 100."
        )
    enabled = (
        option.endpoint_coverage
        or config.getini(INI)
        or option.endpoint_coverage_json
        or option.endpoint_coverage_html
        or fail_under is not None
    )
    if not enabled:
        return
    try:
        exemptions = parse_exemptions(config.getini(INI_EXEMPT))
    except ExemptionError as error:
        raise pytest.UsageError(str(error)) from None
    # Registered only when asked for, so that runs without it pay nothing.
    plugin = EndpointCoverage(config, exemptions)
    config.stash[plugin_key] = plugin
    config.pluginmanager.register(plugin, "flask_testkit_endpoint_coverage")
    plugin.recorder.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop listening to Flask's signals."""
    plugin = config.stash.get(plugin_key, None)
    if plugin is not None:
        plugin.recorder.stop()
        config.pluginmanager.unregister(plugin)
        del config.stash[plugin_key]


class EndpointCoverage:
    """The hooks of an endpoint-coverage run; on xdist workers, it only records."""

    def __init__(self, config: pytest.Config, exemptions: tuple[Exemption, ...] = ()) -> None:
        self.config = config
        self.exemptions = exemptions
        self.records = Records()
        self.worker_lines: list[str] = []
        self.recorder = Recorder(self.records)
        self.is_worker = hasattr(config, "workerinput")
        self.report: Report | None = None
        self.written: list[str] = []
        self.gate_message: tuple[str, bool] | None = None
        base = config.invocation_params.dir
        option = config.option
        self.json_path = (
            base / option.endpoint_coverage_json if option.endpoint_coverage_json else None
        )
        self.html_dir = (
            base / option.endpoint_coverage_html if option.endpoint_coverage_html else None
        )
        self.fail_under: float | None = option.endpoint_coverage_fail_under

    def _hooked_lines(self) -> list[str]:
        """The lines of the conftests' pytest_endpoint_coverage_exemptions, here and on workers."""
        hook = self.config.hook.pytest_endpoint_coverage_exemptions
        found = [line for result in hook(config=self.config) for line in result or ()]
        return list(dict.fromkeys([*found, *self.worker_lines]))

    def _with_hooked(self) -> tuple[Exemption, ...]:
        """The ini's exemptions, then those of conftests' pytest_endpoint_coverage_exemptions."""
        try:
            hooked = parse_exemptions(self._hooked_lines())
        except ExemptionError as error:
            raise pytest.UsageError(f"pytest_endpoint_coverage_exemptions: {error}") from None
        known = {(e.method, e.rule) for e in self.exemptions}
        return self.exemptions + tuple(e for e in hooked if (e.method, e.rule) not in known)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logstart(self, nodeid: str) -> None:
        """Attribute the requests that follow, fixtures' included, to this test."""
        self.recorder.current_test = nodeid

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self) -> None:
        """Read the routes of apps that have not served yet while their fixtures still hold them."""
        self.recorder.refresh_routes()

    def pytest_runtest_logfinish(self) -> None:
        """Stop attributing requests to the test that ended."""
        self.recorder.current_test = None

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        """Merge what an xdist worker recorded."""
        output = getattr(node, "workeroutput", {})
        if WORKER_OUTPUT_KEY in output:
            self.records.merge(Records.from_data(output[WORKER_OUTPUT_KEY]))
        self.worker_lines += output.get(WORKER_EXEMPTIONS_KEY, [])

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Send the records to the controller, or build the report, write files, apply the gate."""
        self.recorder.refresh_routes()
        if self.is_worker:
            output = session.config.workeroutput  # type: ignore[attr-defined]
            output[WORKER_OUTPUT_KEY] = self.records.to_data()
            # A conftest the workers collected may not be loaded here: its lines come along.
            output[WORKER_EXEMPTIONS_KEY] = self._hooked_lines()
            return
        include_implicit = bool(self.config.option.endpoint_coverage_all)
        self.exemptions = self._with_hooked()
        report = build_report(self.records, include_implicit, self.exemptions)
        self.report = report
        if self.json_path is not None:
            write_json(
                report,
                self.json_path,
                records=self.records,
                exemptions=self.exemptions,
                include_implicit=include_implicit,
            )
            self.written.append(f"Endpoint coverage JSON written to file {self.json_path}")
        if self.html_dir is not None:
            page = write_html(report, self.html_dir)
            self.written.append(f"Endpoint coverage HTML written to file {page}")
        # A run that only collects proves nothing either way, as with --cov-fail-under.
        if self.fail_under is not None and not self.config.option.collectonly:
            self._gate(session, report, self.fail_under)

    def _gate(self, session: pytest.Session, report: Report, fail_under: float) -> None:
        self.gate_message = gate_verdict(report, fail_under)
        if not self.gate_message[1] and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Print the report, the files written and the gate's verdict."""
        if self.report is None:
            return
        terminalreporter.write_sep("-", "endpoint coverage")
        for line in render_lines(self.report, width=self.config.get_terminal_writer().fullwidth):
            for text, markup in line.segments:
                terminalreporter.write(text, **markup)
            terminalreporter.write_line("")
        for message in self.written:
            terminalreporter.write_line(message)
        if self.gate_message is not None:
            message, passed = self.gate_message
            terminalreporter.write_line(message, green=passed, red=not passed, bold=not passed)
