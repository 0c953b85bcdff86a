"""A module-level app that turns on debug mode itself, and has no testing configuration."""

from __future__ import annotations

from flask import Flask, abort, request

app = Flask(__name__)
app.config["DEBUG"] = True

BOOKS = {"dune": "Dune", "emma": "Emma"}


@app.get("/books/<slug>")
def get_book(slug: str) -> dict[str, str]:
    if slug not in BOOKS:
        abort(404)
    return {"slug": slug, "title": BOOKS[slug]}


@app.post("/lookups")
def lookup() -> dict[str, str]:
    # In debug mode Flask re-raises the KeyError behind a missing form field instead of a 400.
    slug = request.form["slug"]
    return {"slug": slug, "known": str(slug in BOOKS).lower()}
