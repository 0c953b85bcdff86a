from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

GENRES = ("rock", "jazz", "classical", "electronic")


class Artist(db.Model):
    __tablename__ = "artists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    genre: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    albums: Mapped[list[Album]] = relationship(
        back_populates="artist", cascade="all, delete-orphan", order_by="Album.year"
    )


class Album(db.Model):
    __tablename__ = "albums"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    track_count: Mapped[int] = mapped_column(default=0)
    artist_id: Mapped[int] = mapped_column(ForeignKey("artists.id"))
    artist: Mapped[Artist] = relationship(back_populates="albums")

    @property
    def is_single(self) -> bool:
        return self.track_count <= 3
