"""The ``assistant eval`` and ``assistant bench`` commands (entry points of ``assistant.commands``).

They honour the global ``--corpus`` / ``--index`` options: ``assistant --corpus C eval`` evaluates
the assistant over corpus C.
"""

from __future__ import annotations

import sys

import click

from assistant.cli import settings_from

_PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@click.command("eval", context_settings=_PASS_THROUGH)
@click.pass_context
def eval_cmd(ctx: click.Context) -> None:
    """Run the answer-quality evals (`assistant eval --help` lists the options)."""
    from evals.runner import main

    sys.exit(main(list(ctx.args), settings=settings_from(ctx)))


@click.command("bench", context_settings=_PASS_THROUGH)
@click.pass_context
def bench_cmd(ctx: click.Context) -> None:
    """Run the benchmark: ratios measured side by side in one run (`assistant bench --help`)."""
    from evals.bench.runner import main

    sys.exit(main(list(ctx.args), settings=settings_from(ctx)))
