"""Without an interview: score an answer, measure the scorer, check the machine and its voices."""

import click

import voice_coach.cli.program as c
from voice_coach import api
from voice_coach.errors import ExitCode

lines, seat = c.Lazy("voice_coach.report.system_tables"), c.Lazy("voice_coach.report.seat")
AUDIO = (
    "Also speak every answer (espeak-ng: 2 voices x 2 paces; the neural voice at 150 and 230 wpm) "
    "and score the transcripts."
)
SETS = (
    "Labelled answers: labelled (default), heldout, hard, hard-heldout, own and own-heldout (the "
    "stories of your imported notes), or a YAML file of yours."
)
VOICES = "With --audio, only this voice's runs (e.g. joe, the neural voice; gmw/en-us). Repeatable."
PLAY = "Speak a sample with this voice (default: the configured one); saved as a WAV too."


@c.cli.command()
@click.argument("file", required=False, type=c.path_type)
@click.option("--text", "text_file", type=c.path_type, help="Score a typed answer instead.")
@click.option("--question", "-q", help="Question id (default: a free answer).")
@click.option("--story", "-s", help="Score against this story (default: detect it).")
@c.model_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-history", is_flag=True, help="Do not keep this analysis in the history.")
@c.full_option
@c.engine_option
def analyze(file, text_file, question, story, model, as_json, no_history, full, engine) -> None:
    """Score a recorded answer (WAV, FLAC, MP3, ...) or a typed one (--text)."""
    settings = api.resolve_settings(None, model, engine)
    report = api.analyze_answer(
        file, text_file, question, story, settings, seat.dim_progress(), not no_history
    )
    c.output(
        report.to_dict(),
        as_json,
        lambda: c.Lazy("voice_coach.report.terminal").render(
            report, full=full, more="the same command with --full"
        ),
    )


@c.cli.command("eval")
@click.option("--audio", is_flag=True, help=AUDIO)
@click.option("--set", "set_path", help=SETS)
@click.option("--limit", type=click.IntRange(1, 10000), help="Only the first N answers.")
@click.option("--model", type=c.models, help="Whisper model for --audio (default from config).")
@click.option("--voice", "voices", multiple=True, help=VOICES)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--misses", is_flag=True, help="List every wrong call.")
def eval_command(audio, set_path, limit, model, voices, as_json, misses) -> None:
    """Measure scoring on hand-labelled answers: coverage precision/recall, story and STAR accuracy."""
    settings = api.resolve_settings(None, model)
    with seat.status("evaluating...") as status:
        found = api.evaluate_scoring(set_path or "labelled", limit, audio, settings, status.update, voices)
    metrics = found.metrics()
    c.output(metrics, as_json, lambda: c.say(lines.evaluation_lines(found, metrics)), ascii=True)
    c.say(lines.miss_lines(found.runs) if misses else [])


@c.cli.command()
@click.option("--json", "as_json", is_flag=True, help="The checks as JSON.")
def doctor(as_json) -> None:
    """Check microphone, speaker, voice, models, disk and history; each failure with its fix."""
    checks = c.Lazy("voice_coach.doctor").run_checks(api.resolve_settings(None))
    c.output([x.to_dict() for x in checks], as_json, lambda: c.say(lines.check_lines(checks)), ascii=True)
    if any(not x.ok and x.needed for x in checks):
        raise SystemExit(ExitCode.PROBLEMS_FOUND)


@c.cli.command()
@click.option("--play", "play_spec", is_flag=False, flag_value="", metavar="[VOICE]", help=PLAY)
def voices(play_spec) -> None:
    """The voices installed: neural (Piper) and espeak-ng; which one interviews you."""
    settings = api.resolve_settings(None)
    c.say(lines.voice_lines(api.voice_list(settings)))
    if play_spec is not None:
        click.echo(lines.sample_line(*api.voice_sample(settings, play_spec)))
