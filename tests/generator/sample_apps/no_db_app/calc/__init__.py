"""A small calculator service with no database."""

from __future__ import annotations

import statistics
import urllib.request

from flask import Flask, abort, jsonify, render_template_string, request

GLOSSARY = {"mean": "The sum divided by the count.", "median": "The middle value."}
HISTORY: list[float] = []


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def home():
        return render_template_string(
            "<h1>Calculator</h1><p>{{ terms|length }} terms</p>", terms=GLOSSARY
        )

    @app.post("/api/sum")
    def total():
        numbers = (request.get_json(silent=True) or {}).get("numbers")
        if not isinstance(numbers, list) or not all(isinstance(n, int | float) for n in numbers):
            return jsonify(error="numbers must be a list of numbers"), 400
        return jsonify(total=sum(numbers))

    @app.get("/api/glossary/<term>")
    def glossary(term: str):
        if term not in GLOSSARY:
            abort(404)
        return jsonify(term=term, meaning=GLOSSARY[term])

    @app.get("/api/constants")
    def constants():
        # JSON is the only representation on offer; no Accept header at all means anything goes.
        accepts = request.accept_mimetypes
        if accepts.provided and not accepts.accept_json:
            abort(406)
        return jsonify(e=2.71828, pi=3.14159)

    @app.get("/api/history/mean")
    def history_mean():
        # Bug kept on purpose: the mean of an empty history raises.
        return jsonify(mean=statistics.mean(HISTORY))

    @app.get("/api/rates")
    def rates():
        with urllib.request.urlopen("https://rates.example.com/latest", timeout=5) as reply:
            return jsonify(rates=reply.read().decode())

    return app
