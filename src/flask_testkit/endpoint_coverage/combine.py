"""`flask-testkit coverage combine`: merge the JSON of several runs or CI shards into one report."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from flask_testkit.endpoint_coverage.exemptions import Exemption
from flask_testkit.endpoint_coverage.gate import gate_verdict
from flask_testkit.endpoint_coverage.html_report import write_html
from flask_testkit.endpoint_coverage.json_report import write_json
from flask_testkit.endpoint_coverage.records import Records
from flask_testkit.endpoint_coverage.report import build_report
from flask_testkit.endpoint_coverage.terminal import render_lines

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class Combined:
    """The records of every run read so far, with their exemptions and options."""

    records: Records = field(default_factory=Records)
    exemptions: dict[tuple[str, str], Exemption] = field(default_factory=dict)
    include_implicit: bool = False

    def add(self, path: Path) -> None:
        """Merge one run's JSON file."""
        raw = _raw_records(path)
        try:
            self.records.merge(Records.from_data(raw))
            for item in raw.get("exemptions", []):
                exemption = Exemption(item["method"], item["rule"], item["reason"])
                self.exemptions.setdefault((exemption.method, exemption.rule), exemption)
        except (KeyError, TypeError, ValueError) as error:
            raise click.ClickException(
                f"{path}: its records are damaged ({error!r}): write it again with "
                "pytest --endpoint-coverage-json."
            ) from None
        self.include_implicit = self.include_implicit or bool(raw.get("include_implicit"))


def _raw_records(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(
            f"{path}: not an endpoint-coverage JSON file ({error}): give the files that "
            "pytest --endpoint-coverage-json wrote."
        ) from None
    raw = data.get("records") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise click.ClickException(
            f"{path}: has no records to merge: write it with pytest --endpoint-coverage-json "
            "from this version of flask-testkit."
        )
    return raw


def _styled(text: str, markup: dict[str, bool]) -> str:
    # The table's markup is pytest's TerminalWriter's: colour names and bold, as flags.
    colour = next((name for name, on in markup.items() if on and name != "bold"), None)
    return click.style(text, fg=colour, bold=markup.get("bold") or None)


def run_combine(
    paths: Iterable[Path],
    json_path: Path | None,
    html_dir: Path | None,
    fail_under: float | None,
) -> bool:
    """Print the merged report, write the files asked for; False when the gate fails."""
    combined = Combined()
    for path in paths:
        combined.add(path)
    exemptions = tuple(combined.exemptions.values())
    report = build_report(combined.records, combined.include_implicit, exemptions)
    width = shutil.get_terminal_size().columns
    for line in render_lines(report, width=width):
        click.echo("".join(_styled(text, markup) for text, markup in line.segments))
    if json_path is not None:
        write_json(
            report,
            json_path,
            records=combined.records,
            exemptions=exemptions,
            include_implicit=combined.include_implicit,
        )
        click.echo(f"Endpoint coverage JSON written to file {json_path}")
    if html_dir is not None:
        page = write_html(report, html_dir)
        click.echo(f"Endpoint coverage HTML written to file {page}")
    if fail_under is None:
        return True
    message, passed = gate_verdict(report, fail_under)
    click.secho(message, fg="green" if passed else "red", bold=not passed)
    return passed
