"""An app whose factory binds to its engine: a sessionmaker, connect listeners, SQLite's recipe."""

from __future__ import annotations

import os
import sqlite3

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

db = SQLAlchemy()
# The database of every connection the connect listener saw, in order.
CONNECTED: list[str] = []


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False)


class Note(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)
    author_id = db.Column(db.ForeignKey("author.id"), nullable=True)


def database_of(dbapi_connection) -> str:
    """The database a DBAPI connection is on: the file of an SQLite one, else its name."""
    cursor = dbapi_connection.cursor()
    try:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor.execute("PRAGMA database_list")
            return cursor.fetchall()[0][2] or ":memory:"
        cursor.execute("SELECT current_database()")
        return cursor.fetchone()[0]
    finally:
        cursor.close()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["CONFIGURED_DB"]
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    app.extensions["note_sessions"] = sessionmaker(bind=engine)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        if engine.dialect.name == "sqlite":
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
        CONNECTED.append(database_of(dbapi_connection))

    if os.environ.get("SQLITE_RECIPE") and engine.dialect.name == "sqlite":
        # SQLAlchemy's documented recipe for SAVEPOINT on pysqlite.
        @event.listens_for(engine, "connect")
        def do_connect(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def do_begin(conn):
            conn.exec_driver_sql("BEGIN")

    @app.get("/notes/count")
    def note_count():
        return {"count": db.session.scalar(sa.select(sa.func.count()).select_from(Note))}

    return app
