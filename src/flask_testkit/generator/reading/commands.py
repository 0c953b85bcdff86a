"""The app's own `flask` commands, and the arguments a test passes to each."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import click

from ..code import Code
from ..planning.values import TEST_PASSWORD

# Flags tried one at a time beside the plain run; more than this is rarely worth a test each.
_MAX_FLAGS = 3


@dataclass
class CommandSpec:
    """One command of the app, as `flask <path>` runs it, with the values its tests pass."""

    path: tuple[str, ...]
    module: str
    # Every parameter a run must be given (required, or one that would prompt), in order.
    arguments: list[Any] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # Why the command cannot be run by a test, when it cannot.
    unrunnable: str | None = None

    @property
    def label(self) -> str:
        """The command as a user types it."""
        return "flask " + " ".join(self.path)


def app_commands(app: Any, packages: tuple[str, ...]) -> list[CommandSpec]:
    """The commands on `app.cli` (blueprints' groups included) whose code is the app's own."""
    found: list[CommandSpec] = []
    _walk(app.cli, (), packages, found)
    return found


def _walk(
    group: click.Group, prefix: tuple[str, ...], packages: tuple[str, ...], found: list[CommandSpec]
) -> None:
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            _walk(command, path, packages, found)
            continue
        module = _callback_module(command)
        if module is None or module.split(".")[0] not in packages:
            continue
        found.append(_spec(command, path, module))


def _callback_module(command: click.Command) -> str | None:
    callback = command.callback
    # with_appcontext and click's pass_* decorators wrap the function: its module is the app's.
    callback = inspect.unwrap(callback) if callback is not None else None
    return getattr(callback, "__module__", None)


def _spec(command: click.Command, path: tuple[str, ...], module: str) -> CommandSpec:
    spec = CommandSpec(path, module)
    for param in command.params:
        if isinstance(param, click.Option) and param.is_flag and not param.required:
            if param.opts[0].startswith("--") and len(spec.flags) < _MAX_FLAGS:
                spec.flags.append(param.opts[0])
            continue
        needed = param.required or (isinstance(param, click.Option) and bool(param.prompt))
        if not needed:
            continue
        value = _value_for(param)
        if value is None:
            spec.unrunnable = (
                f"needs a value for {param.human_readable_name} of a type init can't make"
            )
            return spec
        if isinstance(param, click.Option):
            spec.arguments += [param.opts[0], value]
        else:
            spec.arguments.append(value)
    return spec


def _value_for(param: click.Parameter) -> Any:
    """A value of the parameter's type, named for what it holds; None when there is none."""
    kind = param.type
    name = (param.name or "").lower()
    if isinstance(kind, click.Choice):
        return str(kind.choices[0])
    if isinstance(kind, (click.Path, click.File)):
        return None  # a test must not read or write the user's files
    if isinstance(kind, click.types.IntParamType):
        return "1"
    if isinstance(kind, click.types.FloatParamType):
        return "1.5"
    if isinstance(kind, click.types.BoolParamType):
        return "true"
    if isinstance(kind, click.types.StringParamType):
        if "password" in name or name in ("pw", "passwd", "secret"):
            return Code("TEST_PASSWORD")
        if "email" in name or "mail" in name:
            return "user@example.com"
        return "test-" + name.replace("_", "-") if name else "test"
    return None


def argument_values(arguments: list[Any]) -> list[str]:
    """The command line as the app receives it: TEST_PASSWORD as its value."""
    return [TEST_PASSWORD if isinstance(a, Code) else str(a) for a in arguments]
