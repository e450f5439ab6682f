"""The ``assistant serve`` command (an entry point of ``assistant.commands``)."""

from __future__ import annotations

import click

from assistant.cli import settings_from


@click.command("serve")
@click.option("--host", default=None, help="Bind address (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 7860).")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Start the web chat (builds the index first if there is none)."""
    from webchat.app import main

    s = settings_from(ctx)
    if host:
        s.host = host
    if port:
        s.port = port
    main(s)
