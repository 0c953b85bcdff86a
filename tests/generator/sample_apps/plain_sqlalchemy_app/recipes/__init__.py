from flask import Flask

from recipes.database import db_session, init_db


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY="dev")
    if test_config is not None:
        app.config.update(test_config)

    from recipes.views import bp

    app.register_blueprint(bp)

    @app.teardown_appcontext
    def shutdown_session(exception=None):
        db_session.remove()

    @app.cli.command("init-db")
    def init_db_command():
        init_db()

    return app
