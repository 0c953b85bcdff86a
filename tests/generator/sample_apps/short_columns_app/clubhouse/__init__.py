"""Columns too short for what the app stores: SQLite keeps it all, PostgreSQL refuses it."""

from flask import Flask

from clubhouse.extensions import db


def create_app(config_name="default"):
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="change-me",
        SQLALCHEMY_DATABASE_URI="sqlite:///clubhouse.db",
        TESTING=config_name == "testing",
    )
    db.init_app(app)

    from clubhouse import badges, members

    app.register_blueprint(members.bp)
    app.register_blueprint(badges.bp)

    @app.cli.command("add-founder")
    def add_founder():
        """Make the club's first member, with a password to change."""
        from clubhouse.models import Member

        founder = Member(username="founder")
        founder.set_password("change-me")
        db.session.add(founder)
        db.session.commit()
        print("Added the founder.")

    return app
