"""The practice room in the browser."""

import click

import voice_coach.cli.program as c


@c.cli.command()
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port (default: a free one).")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Loopback address to bind (nothing else)."
)
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@click.option("--follow-ups", type=click.IntRange(0, 5), help="Follow-ups after each answer (default 2).")
@c.model_option
@c.engine_option
@c.voice_option
def serve(port, host, no_browser, follow_ups, model, engine, voice) -> None:
    """Practise in the browser: a room on 127.0.0.1 that only this address (with its token) opens."""
    from voice_coach.web.server import check_host
    from voice_coach.web.server import serve as run

    check_host(host)
    with c.desk(model, engine, voice, bank=False, offer=True, follow_ups=follow_ups) as d:
        settings = d.settings
    run(settings, host, port, open_browser=not no_browser, say=lambda line: click.echo(line))
