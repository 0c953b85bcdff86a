"""`init`'s command stage: the app's own commands, each probed where it can do no harm."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..reading.commands import app_commands
from .command_probes import CommandProbe, CommandRun

if TYPE_CHECKING:
    from ..progress import Progress
    from ..reading.app_files import ScratchCopy
    from ..reading.app_loading import AppTarget
    from ..reading.models import ModelScan
    from .probe_database import Isolated


@dataclass
class CommandRuns:
    """The runs worth a test, and a line for each command left out."""

    runs: list[CommandRun]
    notes: list[str]


def probe_commands(
    app: Any,
    target: AppTarget,
    scan: ModelScan | None,
    isolated: Isolated,
    factories: ModuleType | None,
    copy: ScratchCopy,
    reads: dict[str, str | None],
    timeout: float,
    progress: Progress,
) -> CommandRuns:
    """The app's own commands, each run where it can do no harm; the runs worth a test."""
    specs = app_commands(app, target.packages)
    if not specs:
        return CommandRuns([], [])
    models = [(m.name, m.cls) for m in scan.models] if scan else []
    folders = [copy.copy, copy.working]
    probe = CommandProbe(app, isolated, models, folders, timeout, factories, reads)
    with progress.steps("running", len(specs), "commands") as advance:
        runs = []
        for spec in specs:
            runs += probe.runs([spec])
            advance()
    notes = [f"{label}: left out, it {why}" for label, why in sorted(probe.left_out.items())]
    return CommandRuns(runs, notes)
