"""An almanac whose maintenance is done through its own `flask` commands, as many apps' is."""

import csv
import subprocess
import urllib.request
from pathlib import Path

import click
from flask import Blueprint, Flask, current_app, jsonify
from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import generate_password_hash

db = SQLAlchemy()
entries = Blueprint("entries", __name__)


class Entry(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), unique=True, nullable=False)


class Admin(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)


@entries.get("/entries")
def list_entries():
    return jsonify([{"id": e.id, "title": e.title} for e in db.session.scalars(db.select(Entry))])


@entries.cli.command("count")
def count_entries():
    """Print how many entries there are."""
    click.echo(f"{db.session.scalar(db.select(db.func.count(Entry.id)))} entries.")


def register_commands(app):
    @app.cli.command("init-db")
    @click.option("--drop", is_flag=True, help="Drop the tables first.")
    def init_db(drop):
        """Create the tables."""
        if drop:
            click.confirm("This deletes every entry. Go on?", abort=True)
            db.drop_all()
            click.echo("Dropped the tables.")
        db.create_all()
        click.echo("Created the tables.")

    @app.cli.command("create-admin")
    @click.option("--username", prompt=True)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_admin(username, password):
        """Create the administrator, or update the one there is."""
        admin = db.session.scalar(db.select(Admin))
        if admin is None:
            db.session.add(Admin(username=username, password_hash=generate_password_hash(password)))
            click.echo("Created the administrator.")
        else:
            admin.username = username
            click.echo("Updated the administrator.")
        db.session.commit()

    @app.cli.command("seed")
    @click.option("--count", default=5, help="How many entries.")
    def seed(count):
        """Add some entries."""
        start = db.session.scalar(db.select(db.func.count(Entry.id)))
        for n in range(start, start + count):
            db.session.add(Entry(title=f"Entry {n}"))
        db.session.commit()
        click.echo(f"Added {count} entries.")

    @app.cli.command("add-entry")
    @click.argument("title")
    def add_entry(title):
        """Add one entry and print the id the database gave it."""
        entry = Entry(title=title)
        db.session.add(entry)
        db.session.commit()
        click.echo(f"Added entry {entry.id}.")
        click.echo("Done.")

    @app.cli.command("lint")
    def lint():
        """Check the code."""
        raise SystemExit(subprocess.call(["ruff", "check", "."]))

    @app.cli.command("export")
    def export():
        """Write every entry to a CSV file in the instance folder."""
        path = Path(current_app.instance_path) / "entries.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as handle:
            csv.writer(handle).writerows(
                (e.id, e.title) for e in db.session.scalars(db.select(Entry))
            )
        click.echo(f"Wrote {path}")

    @app.cli.command("ping")
    def ping():
        """Tell the status page that the almanac is up."""
        urllib.request.urlopen("http://status.example.com/ping", timeout=1)


def create_app(config_name="development"):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    app.register_blueprint(entries)
    register_commands(app)
    return app
