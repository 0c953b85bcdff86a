from __future__ import annotations

from flask_restx import Namespace, Resource, fields, reqparse

from .albums import album_model
from .extensions import db
from .models import GENRES, Album, Artist

ns = Namespace("artists", description="Artists and their albums")

artist_model = ns.model(
    "Artist",
    {
        "id": fields.Integer(readonly=True),
        "name": fields.String(required=True, min_length=1, max_length=120),
        "genre": fields.String(required=True, enum=list(GENRES)),
        "country": fields.String(max_length=60),
    },
)

artist_filters = reqparse.RequestParser()
artist_filters.add_argument("genre", choices=GENRES, location="args")
artist_filters.add_argument("page", type=int, default=1, location="args")

PER_PAGE = 20


def _artist_or_404(artist_id: int) -> Artist:
    artist = db.session.get(Artist, artist_id)
    if artist is None:
        ns.abort(404, f"Artist {artist_id} not found")
    return artist


@ns.route("/")
class ArtistList(Resource):
    @ns.expect(artist_filters)
    @ns.marshal_list_with(artist_model)
    def get(self):
        args = artist_filters.parse_args()
        query = db.select(Artist).order_by(Artist.name)
        if args["genre"]:
            query = query.filter_by(genre=args["genre"])
        return db.paginate(query, page=args["page"], per_page=PER_PAGE, error_out=False).items

    @ns.expect(artist_model, validate=True)
    @ns.marshal_with(artist_model, code=201)
    def post(self):
        artist = Artist(
            name=ns.payload["name"], genre=ns.payload["genre"], country=ns.payload.get("country")
        )
        db.session.add(artist)
        db.session.commit()
        return artist, 201


@ns.route("/<int:artist_id>")
@ns.response(404, "Artist not found")
class ArtistItem(Resource):
    @ns.marshal_with(artist_model)
    def get(self, artist_id: int):
        return _artist_or_404(artist_id)

    @ns.expect(artist_model, validate=True)
    @ns.marshal_with(artist_model)
    def put(self, artist_id: int):
        artist = _artist_or_404(artist_id)
        artist.name = ns.payload["name"]
        artist.genre = ns.payload["genre"]
        artist.country = ns.payload.get("country")
        db.session.commit()
        return artist

    @ns.response(204, "Artist deleted")
    def delete(self, artist_id: int):
        db.session.delete(_artist_or_404(artist_id))
        db.session.commit()
        return "", 204


@ns.route("/<int:artist_id>/albums")
class ArtistAlbums(Resource):
    @ns.marshal_list_with(album_model)
    def get(self, artist_id: int):
        return _artist_or_404(artist_id).albums

    @ns.expect(album_model, validate=True)
    @ns.marshal_with(album_model, code=201)
    def post(self, artist_id: int):
        artist = _artist_or_404(artist_id)
        album = Album(
            artist=artist,
            title=ns.payload["title"],
            year=ns.payload["year"],
            track_count=ns.payload.get("track_count", 0),
        )
        db.session.add(album)
        db.session.commit()
        return album, 201
