import os

import sqlalchemy as sa
from flask import Flask, abort, current_app, request

stock = sa.Table(
    "stock",
    sa.MetaData(),
    sa.Column("sku", sa.String(20), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)


def create_app():
    app = Flask(__name__)
    app.config["WAREHOUSE_DB"] = os.environ.get("WAREHOUSE_DB", "sqlite:///warehouse.db")
    # The app makes and keeps its own engine: no session a test suite could rebind reaches it.
    app.extensions["warehouse"] = sa.create_engine(app.config["WAREHOUSE_DB"])

    def engine():
        return current_app.extensions["warehouse"]

    @app.get("/ping")
    def ping():
        return {"pong": True}

    @app.get("/units/<name>")
    def convert(name):
        factors = {"dozen": 12, "gross": 144}
        if name not in factors:
            abort(404)
        return {"unit": name, "items": factors[name]}

    @app.get("/stock/<sku>")
    def get_stock(sku):
        with engine().connect() as connection:
            count = connection.scalar(sa.select(stock.c.count).where(stock.c.sku == sku))
        if count is None:
            abort(404)
        return {"sku": sku, "count": count}

    @app.post("/stock")
    def add_stock():
        data = request.get_json(silent=True) or {}
        if not isinstance(data.get("sku"), str) or not isinstance(data.get("count"), int):
            return {"error": "sku and count are required"}, 400
        with engine().begin() as connection:
            connection.execute(sa.insert(stock).values(sku=data["sku"], count=data["count"]))
        return data, 201

    return app
