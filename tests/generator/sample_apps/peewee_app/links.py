import os

import peewee
from flask import Flask, abort, jsonify, request

database = peewee.SqliteDatabase(os.environ.get("LINKS_DB", "links.db"))


class Link(peewee.Model):
    url = peewee.CharField(unique=True)
    clicks = peewee.IntegerField(default=0)

    class Meta:
        database = database


def create_app():
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.post("/preview")
    def preview():
        data = request.get_json(silent=True) or {}
        url = data.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return {"error": "url must be an http(s) address"}, 400
        return {"url": url, "host": url.split("/")[2]}

    @app.get("/links")
    def list_links():
        with database.connection_context():
            return jsonify([{"url": link.url, "clicks": link.clicks} for link in Link.select()])

    @app.post("/links")
    def add_link():
        data = request.get_json(silent=True) or {}
        if not isinstance(data.get("url"), str):
            return {"error": "url is required"}, 400
        with database.connection_context():
            link = Link.create(url=data["url"])
        return {"id": link.id}, 201

    @app.get("/links/<int:link_id>")
    def get_link(link_id):
        with database.connection_context():
            link = Link.get_or_none(Link.id == link_id) or abort(404)
            return {"url": link.url, "clicks": link.clicks}

    return app
