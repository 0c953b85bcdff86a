"""Which model a path argument loads, as seen while the view ran, where its name misled.

A case for `/entry/<int:id>` makes a row of whichever model `id` seemed to name and sends its key.
When the view then looked up a row of another model by that same value (and found none), that
model is the argument's: the next cases make one of its rows instead.
"""

from __future__ import annotations

from ..cases import Case
from ..reading.model_lookup import ModelLookup
from ..reading.models import ModelInfo
from ..reading.routes import Endpoint


def looked_up_models(
    endpoint: Endpoint, cases: list[Case], lookup: ModelLookup
) -> list[dict[str, ModelInfo | None]]:
    """Argument-to-model maps to try, each moving one argument to a model the view looked up."""
    guessed = lookup.argument_models(endpoint)
    by_class = {m.cls: m for m in lookup.scan.models} if lookup.scan else {}
    maps: list[dict[str, ModelInfo | None]] = []
    for case in cases:
        outcome = case.outcome
        if outcome is None or outcome.succeeded or not outcome.view_ran:
            continue
        for argument in endpoint.arguments:
            value = outcome.view_args.get(argument.name)
            current = guessed.get(argument.name)
            for cls, looked_up in outcome.row_lookups:
                model = by_class.get(cls)
                if model is None or looked_up != value or value is None:
                    continue
                if current is not None and model.cls is current.cls:
                    continue
                remapped = {**guessed, argument.name: model}
                if remapped not in maps:
                    maps.append(remapped)
    return maps
