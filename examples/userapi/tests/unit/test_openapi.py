"""The OpenAPI builder describes the views that declare themselves, and only those."""

from __future__ import annotations

from app import create_app
from app.openapi import build_document


def test_views_without_a_declaration_stay_out_of_the_document():
    app = create_app("testing")

    @app.get("/health")
    def health():
        return {"ok": True}

    paths = build_document(app, "User API", "1.0.0")["paths"]
    assert "/health" not in paths
    assert "/api/v1/users/" in paths
