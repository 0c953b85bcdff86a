"""The rows a case creates with factories so that its URL points at something real."""

from __future__ import annotations

from typing import Any

from ..cases import Setup
from ..code import Code, RowReference, snake
from ..reading.model_lookup import ModelLookup
from ..reading.models import ModelInfo
from ..reading.routes import Argument, Endpoint
from .auth import AuthSpec

# The fixture that holds the signed-in account, by the case's `auth`.
SIGNED_IN = {"user": "user", "admin": "admin_user"}


class RowSetups:
    """Chooses each case's factory rows, and who owns them."""

    def __init__(self, lookup: ModelLookup, auth: AuthSpec | None) -> None:
        self.lookup = lookup
        self.auth = auth

    def setups(
        self,
        endpoint: Endpoint,
        arg_models: dict[str, ModelInfo | None],
        collection: ModelInfo | None,
        auth: str | None,
        owned: bool,
    ) -> tuple[list[Setup], dict[str, str]]:
        """The rows to create, and the path values (as "{expression}") that point at them."""
        signed_in = SIGNED_IN.get(auth or "", "")
        user_cls = self.auth.user_model.cls if self.auth else None
        setups: list[Setup] = []
        paths: dict[str, str] = {}
        for argument in endpoint.arguments:
            model = arg_models[argument.name]
            if model is None:
                continue
            column = _path_column(argument, model)
            if owned and model.cls is user_cls and signed_in:
                paths[argument.name] = "{" + f"{signed_in}.{column}" + "}"
                continue
            var = snake(model.name)
            var = f"other_{var}" if var in SIGNED_IN.values() and auth else var
            kwargs = self.owner_kwargs(model, signed_in) if owned else {}
            setups.append(Setup(var, f"{model.name}Factory", model.name, kwargs))
            paths[argument.name] = "{" + f"{var}.{column}" + "}"
        if not endpoint.arguments and endpoint.method == "GET" and collection is not None:
            kwargs = self.owner_kwargs(collection, signed_in) if owned else {}
            var = snake(collection.name) + "s"
            setups.append(Setup(var, f"{collection.name}Factory", collection.name, kwargs, 2))
        return setups, paths

    def path_rows(self, endpoint: Endpoint) -> tuple[list[Setup], dict[str, str]]:
        """Rows for the URL's ids, created by nobody in particular."""
        arg_models = self.lookup.argument_models(endpoint)
        setups, paths = self.setups(endpoint, arg_models, None, None, False)
        return [s for s in setups if not s.batch], paths

    def owner_kwargs(self, model: ModelInfo, signed_in: str) -> dict[str, Any]:
        """Factory arguments that make the signed-in account own a row of model."""
        if not signed_in or self.auth is None:
            return {}
        user_cls = self.auth.user_model.cls
        for relation, target in model.relations.items():
            if target is user_cls:
                return {relation: Code(signed_in)}
        for column in model.columns:
            if column.foreign_model is user_cls:
                return {column.key: Code(f"{signed_in}.{self.auth.user_model.primary_key}")}
        return {}


def _path_column(argument: Argument, model: ModelInfo) -> str:
    for column in model.columns:
        if column.key == argument.name and (column.unique or column.primary_key):
            return column.key
    return model.primary_key or "id"


def referenced_rows(body: Any, taken: set[str]) -> list[Setup]:
    """Rows the body points at by key, each created by its factory before the request."""
    if not isinstance(body, dict):
        return []
    return [
        Setup(value.var, f"{value.model}Factory", value.model)
        for value in body.values()
        if isinstance(value, RowReference) and value.var not in taken
    ]
