"""Which model a URL talks about: by path segment, blueprint, or the name of an argument."""

from __future__ import annotations

from ..code import snake
from .models import ModelInfo, ModelScan
from .routes import Argument, Endpoint

_ID_SUFFIXES = ("_id", "_pk", "_uuid", "_slug", "id")
_ID_NAMES = ("id", "pk", "uuid", "slug", "key")


def singular(word: str) -> str:
    """A rough singular for a path segment: categories -> category, pets -> pet."""
    word = word.lower().replace("-", "_")
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


class ModelLookup:
    """Finds the model behind the words of a rule."""

    def __init__(self, scan: ModelScan | None) -> None:
        self.scan = scan
        self.models = {m.name.lower(): m for m in scan.models} if scan else {}
        for model in list(self.models.values()):
            self.models.setdefault(singular(model.table), model)
            self.models.setdefault(snake(model.name), model)

    def model_named(self, word: str) -> ModelInfo | None:
        """The model a word (path segment, argument stem) names."""
        word = word.lower()
        return (
            self.models.get(word)
            or self.models.get(singular(word))
            or self.models.get(word.replace("_", ""))
        )

    def collection_model(self, endpoint: Endpoint) -> ModelInfo | None:
        """The model the endpoint's last fixed segment (or blueprint) names."""
        for segment in reversed(endpoint.static_segments):
            model = self.model_named(segment)
            if model is not None:
                return model
        return self.model_named(endpoint.blueprint or "")

    def argument_model(self, endpoint: Endpoint, argument: Argument) -> ModelInfo | None:
        """The model whose row an argument points at."""
        name = argument.name.lower()
        for suffix in _ID_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                model = self.model_named(name[: -len(suffix)].rstrip("_"))
                if model is not None:
                    return model
        head = endpoint.rule.split(f":{argument.name}>", 1)[0].split(f"<{argument.name}>", 1)[0]
        before = [s for s in head.rsplit("<", 1)[0].strip("/").split("/") if s and "<" not in s]
        if before and (name in _ID_NAMES or name.endswith("_id")):
            return self.model_named(before[-1])
        for model in self.scan.models if self.scan else []:
            if any(c.key == name and (c.unique or c.primary_key) for c in model.columns):
                return model
        return None

    def argument_models(self, endpoint: Endpoint) -> dict[str, ModelInfo | None]:
        """Each argument's model, by argument name."""
        return {a.name: self.argument_model(endpoint, a) for a in endpoint.arguments}
