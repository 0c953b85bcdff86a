from __future__ import annotations

from flask_restx import Namespace, Resource, abort, fields, reqparse

from .extensions import db
from .models import Album

ns = Namespace("albums", description="Albums in the catalogue")

album_model = ns.model(
    "Album",
    {
        "id": fields.Integer(readonly=True),
        "title": fields.String(required=True, min_length=1, max_length=200),
        "year": fields.Integer(required=True, min=1900, max=2100),
        "track_count": fields.Integer(min=0, default=0),
        "artist_id": fields.Integer(readonly=True),
        "is_single": fields.Boolean(readonly=True),
    },
)

album_filters = reqparse.RequestParser()
album_filters.add_argument("year", type=int, location="args", help="Release year")


def _album_or_404(album_id: int) -> Album:
    album = db.session.get(Album, album_id)
    if album is None:
        abort(404, "Album not found")
    return album


@ns.route("/")
class AlbumList(Resource):
    @ns.expect(album_filters)
    @ns.marshal_list_with(album_model)
    def get(self):
        year = album_filters.parse_args()["year"]
        query = db.select(Album).order_by(Album.id)
        if year is not None:
            query = query.filter_by(year=year)
        return db.session.scalars(query).all()


@ns.route("/<int:album_id>")
@ns.response(404, "Album not found")
class AlbumItem(Resource):
    @ns.marshal_with(album_model)
    def get(self, album_id: int):
        return _album_or_404(album_id)

    @ns.expect(album_model, validate=True)
    @ns.marshal_with(album_model)
    def put(self, album_id: int):
        album = _album_or_404(album_id)
        album.title = ns.payload["title"]
        album.year = ns.payload["year"]
        album.track_count = ns.payload.get("track_count", album.track_count)
        db.session.commit()
        return album

    @ns.response(204, "Album deleted")
    def delete(self, album_id: int):
        db.session.delete(_album_or_404(album_id))
        db.session.commit()
        return "", 204
