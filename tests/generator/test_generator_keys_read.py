"""The keys an app looks up while it handles a request are recorded, and sent on the next try."""

from __future__ import annotations

import pytest
from flask import Flask, abort, jsonify, request, session
from flask.sessions import SecureCookieSession
from generator_runs import GeneratedSuite, sample_suite
from werkzeug.datastructures import ImmutableMultiDict

from flask_testkit.generator.probing.input_reads import recorded_input_reads


class Pet:
    """A model that reads its own fields from the body, as `Pet.deserialize(data)` does."""

    @classmethod
    def deserialize(cls, data: dict[str, object]) -> tuple[object, object]:
        if "password" not in data:
            abort(400)
        return data["name"], data.get("species")


HELD: list[object] = []


def _page(key: str) -> str | None:
    return request.args.get(key)


def _app() -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="test")

    @app.post("/pets")
    def create_pet():  # type: ignore[no-untyped-def]
        name, species = Pet.deserialize(request.get_json())
        again = request.get_json()
        return jsonify(name=name, species=species, same=again is request.get_json())

    @app.post("/notes")
    def create_note():  # type: ignore[no-untyped-def]
        title = request.form["title"]
        tags = request.form.getlist("tag")
        return jsonify(title=title, tags=tags, page=_page("page"))

    @app.get("/cart")
    def cart():  # type: ignore[no-untyped-def]
        session["seen"] = True
        HELD.append(getattr(session, "_get_current_object", lambda: session)())
        return jsonify(cart=session.get("cart", []), key=request.headers.get("X-Api-Key"))

    @app.get("/kept")
    def kept():  # type: ignore[no-untyped-def]
        HELD.append(request.args)
        return jsonify(page=request.args.get("page"))

    return app


def test_keys_a_model_method_reads_from_the_json_body_are_recorded() -> None:
    app = _app()

    with recorded_input_reads(app) as reads:
        response = app.test_client().post("/pets", json={"password": "x", "name": "Rex"})

    assert response.get_json() == {"name": "Rex", "species": None, "same": True}
    assert reads.keys.as_lists()["json"] == ["password", "name", "species"]
    assert reads.keys.last == ("json", "species")


def test_form_query_session_and_header_keys_are_recorded_where_they_were_read() -> None:
    app = _app()
    client = app.test_client()

    with recorded_input_reads(app) as reads:
        client.post("/notes?page=2", data={"title": "A", "tag": ["x", "y"]})
        client.get("/cart", headers={"X-Api-Key": "k"})

    keys = reads.keys.as_lists()
    assert keys["form"] == ["title", "tag"]
    assert keys["args"] == ["page"]
    assert keys["session"] == ["cart"]
    # Werkzeug's own reads of the body's headers are not the app's.
    assert keys["headers"] == ["X-Api-Key"]


def test_a_key_looked_up_after_the_app_is_done_is_not_recorded() -> None:
    app = _app()

    with recorded_input_reads(app) as reads, app.test_request_context("/kept?late=1"):
        assert request.args.get("late") == "1"

    assert reads.keys.as_lists() == {}


def test_what_the_app_keeps_of_a_request_has_its_own_class_again_after_it() -> None:
    app = _app()
    client = app.test_client()
    HELD.clear()

    with recorded_input_reads(app) as reads:
        assert client.get("/kept?page=1").get_json() == {"page": "1"}
        client.get("/cart")
        with client.session_transaction() as saved:
            stored = dict(saved)

    assert reads.keys.as_lists()["args"] == ["page"]
    assert type(HELD[0]) is ImmutableMultiDict
    # The session is saved (pickled, in a server-side store) as the object the app made.
    assert type(HELD[1]) is SecureCookieSession
    assert stored == {"seen": True}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSuite:
    """Stores whose product body is read by a classmethod, and a search that needs its query."""
    return sample_suite("constructor_app", tmp_path_factory)


def _function(source: str, name: str) -> str:
    return source.split(f"def {name}(")[1].split("\n\n\n")[0]


def test_a_body_read_by_a_model_method_is_found_by_running_it(stores: GeneratedSuite) -> None:
    tests = stores.read("tests/integration/test_stores_api.py")
    happy = _function(tests, "test_create_product_returns_created")
    # The keys the classmethod read, not the columns' names; the number it wanted, not a word;
    # a real store's key for the foreign key it passed on.
    assert 'payload = {"label": "Sample label", "cost": 1, "store_id": store_model.id}' in happy
    assert "assert response.status_code == 201" in happy
    assert stores.tests.returncode == 0, stores.tests.stdout[-2000:]


def test_a_query_key_a_helper_requires_is_sent_and_left_out_for_the_error_case(
    stores: GeneratedSuite,
) -> None:
    tests = stores.read("tests/integration/test_stores_api.py")
    happy = _function(tests, "test_search_products_returns_ok")
    assert 'query_string={"name": ' in happy
    missing = _function(tests, "test_search_products_without_query_returns_bad_request")
    assert 'client.get("/products/search")' in missing
    assert "assert response.status_code == 400" in missing


def test_a_bare_id_is_a_row_of_the_model_the_view_looked_up(stores: GeneratedSuite) -> None:
    # `<int:id>` under "/item" names no model; the first guess made a store, and the view
    # looked up a product by that store's key: the next cases made a product.
    tests = stores.read("tests/integration/test_stores_api.py")
    happy = _function(tests, "test_get_item_returns_ok")
    assert "product_model = ProductModelFactory()" in happy
    assert 'client.get(f"/item/{product_model.id}")' in happy
    assert "assert response.status_code == 200" in happy
    assert "def test_get_item_with_missing_product_model_returns_not_found(" in tests


def test_row_lookups_name_the_model_and_the_value_of_any_flask_sqlalchemy_query() -> None:
    from flask_sqlalchemy import SQLAlchemy

    from flask_testkit.generator.probing.row_lookups import recorded_row_lookups

    db = SQLAlchemy()

    class Pet(db.Model):  # type: ignore[name-defined,misc]
        id = db.Column(db.Integer, primary_key=True)
        slug = db.Column(db.String(20))

    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    with app.app_context():
        db.create_all()
        with recorded_row_lookups() as lookups:
            db.session.get(Pet, 12345)
            db.session.scalars(db.select(Pet).filter_by(slug="rex")).first()
        db.session.get(Pet, 777)

    assert (Pet, 12345) in lookups.values
    assert (Pet, "rex") in lookups.values
    assert (Pet, 777) not in lookups.values


class _OldHeaders(dict):  # type: ignore[type-arg]
    """A mapping whose lookups take more than a key, as Werkzeug 3.0's `Headers` do."""

    def __getitem__(self, key: str, _get_mode: bool = False) -> str:
        return str(super().__getitem__(key.lower()))

    def get(self, key: str, default: object = None, type: object = None) -> object:
        try:
            return self.__getitem__(key, _get_mode=True)
        except KeyError:
            return default


def test_a_recorded_mapping_passes_on_every_argument_of_its_own_methods() -> None:
    from flask_testkit.generator.probing.key_reads import KeyReads, record_lookups

    reads = KeyReads()
    reads.watching = True
    headers = record_lookups(_OldHeaders({"x-token": "t"}), reads, "headers")

    assert headers.__getitem__("X-Token", _get_mode=True) == "t"
    assert headers.get("X-Missing", "none", type=str) == "none"
    assert reads.as_lists() == {"headers": ["X-Token", "X-Missing"]}
    reads.restore()
    assert type(headers) is _OldHeaders


class _Strict(dict):  # type: ignore[type-arg]
    """A mapping a recording cannot pass a call on to: its lookups take no default."""

    def get(self, key: str) -> object:  # type: ignore[override]
        return super().get(key)


def test_an_error_the_recording_caused_is_told_from_the_apps() -> None:
    from flask_testkit.generator.probing.input_reads import raised_by_recording
    from flask_testkit.generator.probing.key_reads import KeyReads, record_lookups

    reads = KeyReads()
    reads.watching = True
    strict = record_lookups(_Strict(a=1), reads, "json")
    with pytest.raises(TypeError) as ours:
        strict.get("a", None)
    with pytest.raises(KeyError) as apps:
        {}["a"]

    assert raised_by_recording(ours.value)
    assert not raised_by_recording(apps.value)
    assert not raised_by_recording(None)
