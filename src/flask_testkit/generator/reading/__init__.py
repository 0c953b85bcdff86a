"""Reading the app: load it as the user runs it, then read what it declares.

Nothing here sends a request. The modules load the app with Flask's own ``--app`` rules, list its
routes from the ``url_map``, read its SQLAlchemy models (Flask-SQLAlchemy or a plain declarative
base), find a SQLite file its config names, and read the source of its views for the body keys and
session keys they use. Everything later stages know about the app starts here.
"""
