"""The terminal report: a table grouped by blueprint that reads well at 80 columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_testkit.endpoint_coverage.report import (
    Answer,
    Flag,
    Report,
    Row,
    UnmatchedRow,
    is_error_case,
    is_happy,
    is_server_error,
    percent_label,
)

HEADINGS = ("Method", "Rule", "Statuses", "Tests", "Result")
INDENT = "  "
GAP = "  "
#: A rule column narrower than this wraps too often to be worth it.
MIN_RULE_WIDTH = 20
#: Longer status lists wrap inside their column rather than squeezing the rules.
MAX_STATUSES_WIDTH = len("200 302 \u2192 login")
#: The terminal lists this many unmatched paths; the JSON and HTML reports list them all.
MAX_UNMATCHED = 10

Markup = dict[str, bool]
Segment = tuple[str, Markup]


@dataclass
class Line:
    """One output line, as (text, TerminalWriter markup) segments."""

    segments: list[Segment] = field(default_factory=list)

    def add(self, text: str, **markup: bool) -> Line:
        """Append a segment and return the line, for chaining."""
        self.segments.append((text, markup))
        return self


def status_markup(status: int, counts_as: str | None = None) -> Markup:
    """Colour of a status code by its class, or by what it counts as."""
    if counts_as == "error":
        return {"yellow": True}
    if is_server_error(status):
        return {"red": True, "bold": True}
    if is_error_case(status):
        return {"yellow": True}
    if is_happy(status):
        return {"green": True} if status < 300 else {"cyan": True}
    return {}


FLAG_MARKUP: dict[Flag, Markup] = {
    Flag.UNTESTED: {"red": True},
    Flag.NO_HAPPY_PATH: {"yellow": True},
    Flag.NO_ERROR_CASE: {"yellow": True},
    Flag.SERVER_ERROR: {"red": True, "bold": True},
}
LONGEST_FLAG = max(len(flag.value) for flag in Flag)


@dataclass(frozen=True)
class Entry:
    """One table row: an endpoint, or an unmatched path (which has no result)."""

    method: str
    rule: str
    answers: tuple[Answer, ...]
    tests: int
    flags: tuple[Flag, ...] | None
    #: Why the endpoint is exempt; its result then shows this instead of flags.
    exempt: str | None = None

    @classmethod
    def of_row(cls, row: Row) -> Entry:
        """The entry of an endpoint."""
        reason = row.exemption.reason if row.exemption else None
        return cls(row.route.method, row.route.rule, row.answers, len(row.tests), row.flags, reason)

    @classmethod
    def of_unmatched(cls, row: UnmatchedRow, with_app: bool) -> Entry:
        """The entry of an unmatched path, which has no result."""
        path = printable(f"{row.app}:{row.path}" if with_app else row.path)
        answers = tuple(Answer(s, str(s), "", t) for s, t in row.tests_by_status.items())
        return cls(row.method, path, answers, len(row.tests), None)

    @property
    def labels(self) -> list[str]:
        """The statuses as the table shows them."""
        return [answer.label for answer in self.answers]


@dataclass(frozen=True)
class Columns:
    """Widths of the table's columns."""

    method: int
    rule: int
    statuses: int
    tests: int
    result: int


def printable(path: str) -> str:
    """The path with control characters escaped, so that a fuzzed URL cannot break the table."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in path)


def _result_text(entry: Entry) -> str:
    if entry.exempt is not None:
        return f"exempt: {entry.exempt}"
    if entry.flags is None:
        return ""
    return ", ".join(flag.value for flag in entry.flags) or "ok"


def _columns(entries: Sequence[Entry], width: int) -> Columns:
    method_w = max([len(HEADINGS[0]), *(len(e.method) for e in entries)])
    statuses = [len(" ".join(e.labels)) for e in entries]
    statuses_w = max([len(HEADINGS[2]), *(min(s, MAX_STATUSES_WIDTH) for s in statuses)])
    tests_w = max([len(HEADINGS[3]), *(len(str(e.tests)) for e in entries)])
    result_w = max([len(HEADINGS[4]), *(len(_result_text(e)) for e in entries)])
    fixed = len(INDENT) + method_w + statuses_w + tests_w + 4 * len(GAP)
    # Room for one flag: rows with several wrap them, which reads better than wrapped rules.
    rule_w = max([len(HEADINGS[1]), *(len(e.rule) for e in entries)])
    rule_w = min(rule_w, max(width - fixed - min(result_w, LONGEST_FLAG), MIN_RULE_WIDTH))
    return Columns(method_w, rule_w, statuses_w, tests_w, max(width - fixed - rule_w, LONGEST_FLAG))


def _wrap(words: Sequence[Segment], punctuation: str, width: int) -> list[list[Segment]]:
    """Pack words into lines at most `width` wide; all but the last word get `punctuation`."""
    lines: list[list[Segment]] = [[]]
    used = 0
    for index, (word, markup) in enumerate(words):
        tail = punctuation if index < len(words) - 1 else ""
        size = len(word) + len(tail)
        if used and used + 1 + size > width:
            lines.append([])
            used = 0
        elif used:
            lines[-1].append((" ", {}))
            used += 1
        lines[-1].append((word, markup))
        if tail:
            lines[-1].append((tail, {}))
        used += size
    return lines


def _width(segments: Sequence[Segment]) -> int:
    return sum(len(text) for text, _ in segments)


def _entry_lines(entry: Entry, columns: Columns) -> list[Line]:
    words = [(a.label, status_markup(a.status, a.counts_as)) for a in entry.answers]
    statuses = _wrap(words, "", columns.statuses)
    if not entry.answers:
        statuses = [[("-", {})]]
    if entry.exempt is not None:
        reason = ["exempt:", *entry.exempt.split()]
        results = _wrap([(word, {"cyan": True}) for word in reason], "", columns.result)
    elif entry.flags:
        results = _wrap([(f.value, FLAG_MARKUP[f]) for f in entry.flags], ",", columns.result)
    else:
        results = [[("ok", {"green": True})]] if entry.flags is not None else [[]]
    lines = []
    head = INDENT + entry.method.ljust(columns.method) + GAP
    blank = " " * (len(head) + columns.rule + len(GAP))
    if len(entry.rule) > columns.rule:
        # A long rule gets a line of its own rather than being cut or pushing the row wide.
        lines.append(Line().add(head + entry.rule))
        head = blank
    else:
        head += entry.rule.ljust(columns.rule) + GAP
    for index in range(max(len(statuses), len(results))):
        line = Line().add(head if index == 0 else blank)
        cell = statuses[index] if index < len(statuses) else []
        line.segments.extend(cell)
        line.add(" " * (columns.statuses - _width(cell)) + GAP)
        line.add((str(entry.tests) if index == 0 else "").rjust(columns.tests))
        if index < len(results) and results[index]:
            line.add(GAP).segments.extend(results[index])
        lines.append(_rstrip(line))
    return lines


def _rstrip(line: Line) -> Line:
    while line.segments and not line.segments[-1][0].strip():
        line.segments.pop()
    if line.segments:
        text, markup = line.segments[-1]
        line.segments[-1] = (text.rstrip(), markup)
    return line


def render_lines(report: Report, width: int = 80) -> list[Line]:
    """The report as lines to write, at most `width` columns wide when rules allow."""
    if not report.groups and not report.unmatched:
        message = "No Flask app was seen: no test pushed an app context or sent a request."
        return [Line().add(message, yellow=True), total_line(report)]
    with_app = len(report.apps) > 1
    endpoints = [[Entry.of_row(row) for row in group.rows] for group in report.groups]
    unmatched = [Entry.of_unmatched(u, with_app) for u in report.unmatched[:MAX_UNMATCHED]]
    columns = _columns([*(e for group in endpoints for e in group), *unmatched], width)
    header = GAP.join(
        [
            HEADINGS[0].ljust(columns.method),
            HEADINGS[1].ljust(columns.rule),
            HEADINGS[2].ljust(columns.statuses),
            HEADINGS[3].rjust(columns.tests),
            HEADINGS[4],
        ]
    )
    lines = [Line().add(INDENT + header, bold=True)]
    for group, entries in zip(report.groups, endpoints, strict=True):
        lines.append(Line().add(group.title(with_app), bold=True))
        for entry in entries:
            lines.extend(_entry_lines(entry, columns))
    if unmatched:
        lines.append(Line().add("unmatched: these requests matched no URL rule", bold=True))
        for entry in unmatched:
            lines.extend(_entry_lines(entry, columns))
        hidden = len(report.unmatched) - len(unmatched)
        if hidden:
            lines.append(
                Line().add(f"{INDENT}... and {hidden} more: the JSON and HTML reports list all")
            )
    for exemption in report.unknown_exemptions:
        lines.append(
            Line().add(
                f"exempt, but no such endpoint: {exemption.method} {exemption.rule} "
                "(check endpoint_coverage_exempt)",
                red=True,
            )
        )
    lines.append(total_line(report))
    return lines


def total_line(report: Report) -> Line:
    """The closing line: how many endpoints have both a happy path and an error case."""
    colour = "green" if report.total and report.complete == report.total else "yellow"
    untested = report.total - report.tested
    return (
        Line()
        .add("TOTAL: ", bold=True)
        .add(
            f"{report.complete}/{report.total} endpoints have a happy path and an error case "
            f"({percent_label(report.percent)})",
            bold=True,
            **{colour: True},
        )
        .add(f", {untested} untested" if untested else "")
        .add(f", {report.exempt} exempt" if report.exempt else "")
    )
