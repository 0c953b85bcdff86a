from __future__ import annotations

from flask import Blueprint
from flask_restx import Api

from .albums import ns as albums_ns
from .artists import ns as artists_ns

blueprint = Blueprint("api", __name__, url_prefix="/api")
api = Api(blueprint, title="Music catalogue", version="1.0", doc="/docs")
api.add_namespace(artists_ns)
api.add_namespace(albums_ns)
