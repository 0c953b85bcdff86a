"""Command-line tasks: `flask --app app create-admin` creates the first administrator."""

from __future__ import annotations

import click
from flask import Flask

from app.exceptions import AppError
from app.services import user_service


@click.command("create-admin")
@click.option("--email", prompt=True, help="The admin's email address.")
@click.option("--name", prompt=True, help="The admin's display name.")
@click.password_option(help="Asked for twice when not given; at least 8 characters.")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an admin account, such as the first one of a new deployment."""
    try:
        user = user_service.create_admin({"email": email, "name": name, "password": password})
    except AppError as error:
        problems = [f"{field}: {' '.join(messages)}" for field, messages in error.details.items()]
        raise click.ClickException("; ".join(problems) or error.message) from None
    click.echo(f"Created admin {user['email']} with id {user['id']}.")


def register_commands(app: Flask) -> None:
    """Add the app's commands to `flask`."""
    app.cli.add_command(create_admin_command)
