"""Reading APIFlask and flask-restx apps: their routes, request bodies and query arguments."""

from __future__ import annotations

from typing import Any

import pytest
from apiflask import APIBlueprint, APIFlask, Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length, OneOf
from flask import Blueprint, Flask
from flask_restx import Api, Namespace, Resource, fields, inputs, reqparse
from generator_runs import sample_suite

from flask_testkit.generator.code import Code
from flask_testkit.generator.planning.declared_schemas import declared_body, invalid_query
from flask_testkit.generator.planning.restx_schemas import restx_body, restx_wrong_query
from flask_testkit.generator.reading.routes import Endpoint, discover_endpoints

# The restx pieces live at module level, as in an app, so a resource's namespace can be found.
ns = Namespace("shelves")
shelf_model = ns.model(
    "Shelf",
    {
        "id": fields.Integer(readonly=True),
        "label": fields.String(required=True, min_length=3, max_length=40),
        "kind": fields.String(required=True, enum=["wall", "floor"]),
        "capacity": fields.Integer(min=5),
        "note": fields.String,
        "opened_at": fields.DateTime,
    },
)
shelf_filters = reqparse.RequestParser()
shelf_filters.add_argument("capacity", type=int, location="args")
shelf_filters.add_argument("kind", choices=("wall", "floor"), location="args")
shelf_filters.add_argument("full", type=inputs.boolean, location="args")
shelf_filters.add_argument("X-Trace", location="headers")


@ns.route("/")
class ShelfList(Resource):
    @ns.expect(shelf_filters)
    def get(self) -> list[Any]:
        shelf_filters.parse_args()
        return []

    @ns.expect(shelf_model, validate=True)
    def post(self) -> tuple[dict[str, Any], int]:
        return dict(ns.payload), 201


def _restx_app() -> Flask:
    app = Flask(__name__)
    blueprint = Blueprint("api", __name__, url_prefix="/api")
    api = Api(blueprint, doc="/docs")
    api.add_namespace(ns)
    app.register_blueprint(blueprint)
    return app


class LoginIn(Schema):
    username = String(required=True, validate=Length(min=1, max=20))
    password = String(required=True)


class ColourQuery(Schema):
    page = Integer()
    colour = String(validate=OneOf(["red", "blue"]))


def _apiflask_app() -> APIFlask:
    app = APIFlask(__name__)
    bp = APIBlueprint("accounts", __name__, url_prefix="/accounts")

    @bp.post("/login")
    @bp.input(LoginIn, location="form")
    def login(form_data: dict[str, str]) -> dict[str, str]:
        return form_data

    @bp.get("/")
    @bp.input(ColourQuery, location="query")
    def listing(query_data: dict[str, Any]) -> dict[str, Any]:
        return query_data

    app.register_blueprint(bp)
    return app


def _endpoint(endpoints: list[Endpoint], label: str) -> Endpoint:
    return next(e for e in endpoints if e.label == label)


def test_restx_pages_are_left_out_but_the_swagger_document_is_kept() -> None:
    labels = {e.label for e in discover_endpoints(_restx_app())}

    assert "GET /api/swagger.json" in labels
    assert "GET /api/docs" not in labels
    assert "GET /api/" not in labels
    assert not any("swaggerui" in label for label in labels)


def test_a_restx_resource_is_grouped_and_named_by_its_namespace() -> None:
    endpoint = _endpoint(discover_endpoints(_restx_app()), "POST /api/shelves/")

    assert endpoint.endpoint == "api.shelves_shelf_list"
    assert endpoint.blueprint == "shelves"
    assert endpoint.function_name == "post_shelf_list"


def test_the_swagger_document_stays_with_the_blueprint() -> None:
    endpoint = _endpoint(discover_endpoints(_restx_app()), "GET /api/swagger.json")

    assert endpoint.namespace is None
    assert endpoint.blueprint == "api"


def test_a_restx_method_is_read_for_the_model_it_expects() -> None:
    endpoint = _endpoint(discover_endpoints(_restx_app()), "POST /api/shelves/")
    assert endpoint.view is not None

    spec = declared_body(endpoint.view)

    assert spec is not None
    assert spec.fields == {
        "label": "Sample label",
        "kind": "wall",
        "capacity": 5,
        "note": "Some sample text.",
    }
    assert spec.required == ("label", "kind")
    assert spec.source == "flask-restx model Shelf"


def test_restx_model_skips_read_only_fields_and_meets_lengths() -> None:
    model = ns.model(
        "Tag", {"id": fields.Integer(readonly=True), "name": fields.String(min_length=15)}
    )

    spec = restx_body(model)

    assert spec is not None
    assert spec.fields == {"name": "Ada Lovelacexxx"}


def test_restx_nested_lists_and_inherited_fields_are_filled_in() -> None:
    base = ns.model("Base", {"title": fields.String(required=True)})
    item = ns.model("Item", {"quantity": fields.Float(required=True)})
    order = ns.inherit(
        "Order",
        base,
        {
            "items": fields.List(fields.Nested(item), required=True, min_items=1),
            "placed_on": fields.Date(required=True),
            "paid": fields.Boolean(required=True),
        },
    )

    spec = restx_body([order])

    assert spec is not None
    assert spec.fields == {
        "items": [{"quantity": 1.5}],
        "placed_on": "2024-01-15",
        "paid": True,
        "title": "A sample title",
    }


def test_restx_schema_model_is_read_from_its_json_schema() -> None:
    model = ns.schema_model(
        "Colour",
        {
            "type": "object",
            "required": ["name"],
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "name": {"type": "string", "maxLength": 4},
                "shade": {"type": "string", "enum": ["dark", "light"]},
            },
        },
    )

    spec = restx_body(model)

    assert spec is not None
    assert spec.fields == {"name": "Ada ", "shade": "dark"}
    assert spec.required == ("name",)


def test_restx_parser_with_json_arguments_gives_a_body() -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("email", type=inputs.email(), required=True, location="json")
    parser.add_argument("password", required=True, location="json")
    parser.add_argument("age", type=inputs.int_range(18, 99), location="json")
    parser.add_argument("page", type=int, location="args")

    spec = restx_body(parser)

    assert spec is not None
    assert spec.kind == "json"
    assert spec.fields == {
        "email": "new.user@example.com",
        "password": Code("TEST_PASSWORD"),
        "age": 18,
    }
    assert spec.required == ("email", "password")


def test_restx_form_parser_sends_text_values() -> None:
    parser = reqparse.RequestParser()
    parser.add_argument("count", type=int, required=True, location="form")
    parser.add_argument("agreed", type=inputs.boolean, location="form")
    parser.add_argument("password", required=True, location="form")

    spec = restx_body(parser)

    assert spec is not None
    assert spec.kind == "form"
    assert spec.fields == {"count": "1", "agreed": "True", "password": Code("TEST_PASSWORD")}


def test_restx_wrong_query_refuses_types_and_choices_of_query_arguments_only() -> None:
    assert restx_wrong_query(shelf_filters) == {
        "capacity": "not-a-number",
        "kind": "not-a-choice",
        "full": "not-a-boolean",
    }


def test_a_restx_get_with_a_parser_gets_an_invalid_query() -> None:
    endpoint = _endpoint(discover_endpoints(_restx_app()), "GET /api/shelves/")

    assert invalid_query(endpoint.view) == restx_wrong_query(shelf_filters)


def test_apiflask_docs_pages_are_left_out_but_the_openapi_document_is_kept() -> None:
    labels = {e.label for e in discover_endpoints(_apiflask_app())}

    assert labels == {"POST /accounts/login", "GET /accounts/", "GET /openapi.json"}


def test_apiflask_form_input_is_sent_as_a_form() -> None:
    endpoint = _endpoint(discover_endpoints(_apiflask_app()), "POST /accounts/login")
    assert endpoint.view is not None

    spec = declared_body(endpoint.view)

    assert spec is not None
    assert spec.kind == "form"
    assert spec.fields == {"username": "new_user", "password": Code("TEST_PASSWORD")}
    assert spec.source == "APIFlask input LoginIn"


def test_apiflask_query_input_gets_wrong_values() -> None:
    endpoint = _endpoint(discover_endpoints(_apiflask_app()), "GET /accounts/")

    assert invalid_query(endpoint.view) == {"page": "not-a-number"}


def test_smorest_docs_pages_are_left_out_but_the_openapi_document_is_kept() -> None:
    from flask_smorest import Api as SmorestApi

    app = Flask(__name__)
    app.config.update(
        API_TITLE="Shelves",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/docs",
        OPENAPI_SWAGGER_UI_PATH="/swagger",
        OPENAPI_REDOC_PATH="/redoc",
    )
    SmorestApi(app)

    labels = {e.label for e in discover_endpoints(app)}

    assert labels == {"GET /docs/openapi.json"}


@pytest.mark.parametrize("build", [_apiflask_app, _restx_app])
def test_spec_endpoint_answers_in_the_testing_app(build: Any) -> None:
    app = build()
    spec = next(e for e in discover_endpoints(app) if e.rule.endswith(".json"))

    response = app.test_client().get(spec.rule)

    assert response.status_code == 200
    assert "paths" in response.get_json()


def test_summary_names_the_docs_pages_left_to_the_framework(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    suite = sample_suite("apiflask_app", tmp_path_factory)

    assert (
        "  the API framework's own docs pages, left to it: /docs, /docs/oauth2-redirect"
        in suite.init.stdout.splitlines()
    )
    assert "/docs" not in suite.read("tests/integration/test_books_api.py")


class _PostSchema(Schema):
    text = String(required=True, validate=Length(min=1, max=280))
    id = Integer(dump_only=True)


def test_an_apifairy_body_is_read_from_what_its_decorator_keeps_on_the_view() -> None:
    # APIFairy's @body(schema) keeps (schema, location, media type) in the view's `_spec`,
    # and functools.wraps carries it to the view Flask routes to.
    from functools import wraps

    def new(args: dict[str, Any]) -> str:
        return "made"

    new._spec = {"body": (_PostSchema(), "json", None)}  # type: ignore[attr-defined]

    @wraps(new)
    def routed(*args: Any) -> str:
        return new({})

    spec = declared_body(routed)

    assert spec is not None
    assert (spec.kind, set(spec.fields), spec.source) == (
        "json",
        {"text"},
        "APIFairy body _PostSchema",
    )
