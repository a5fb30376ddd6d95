"""Answering: practice, the demo, the mock loop and its debrief, what to practise next, recover."""

import click

import voice_coach.cli.program as c
from voice_coach import api

interview, live = c.Lazy("voice_coach.interview"), c.Lazy("voice_coach.report.live")
debriefs, seat = c.Lazy("voice_coach.report.debrief"), c.Lazy("voice_coach.report.seat")
LOOP = "Loop id from the bank (default: your imported loop, else the example)."
SPEED = "Feed the synthetic answer at this multiple of real time (0: as fast as possible)."


@c.cli.command()
@click.option("--principle", "-p", "principles", multiple=True, help="Principle id or name (repeatable).")
@click.option(
    "--count", "-n", default=1, show_default=True, type=click.IntRange(1, 50), help="Questions to ask."
)
@click.option("--story", "-s", help="Practise questions for this story id.")
@click.option("--question", "-q", "questions", multiple=True, help="Ask exactly this question id.")
@click.option("--rubric", "-r", "rubrics", multiple=True, help="Ask this rubric prompt (why-amazon, ...).")
@click.option("--next", "by_need", is_flag=True, help="Pick the questions you most need, with the reason.")
@click.option("--follow-ups", type=click.IntRange(0, 5), help="Follow-ups after each answer (default 2).")
@c.model_option
@c.device_option
@c.engine_option
@c.voice_option
def practice(principles, count, story, questions, rubrics, by_need, follow_ups, model, device, engine, voice):
    """Hear a question, answer out loud, answer the follow-ups, get the report."""
    with c.desk(model, engine, voice, offer=True, follow_ups=follow_ups) as d:
        chosen = api.choose_practice(d.bank, d.store, principles, count, story, questions, rubrics, by_need)
        c.say(c.tables.picks_lines(chosen.picks) if by_need else [])
        view, mic = seat.terminal_seat(device)
        session = interview.Session(d.settings, d.bank, d.store, "practice", emit=view)
        interview.practice(session, chosen.questions, mic, story_id=story, rubrics=chosen.rubrics)


@c.cli.command("next")
@click.option("--count", "-n", default=3, show_default=True, type=click.IntRange(1, 16))
def next_command(count) -> None:
    """What to practise next and why (what `practice --next` would ask), without recording."""
    with c.desk() as d:
        c.say(c.tables.picks_lines(api.choose_practice(d.bank, d.store, count=count, by_need=True).picks))


@c.cli.command("loop")
@click.option("--loop", help=LOOP)
@click.option("--interviewer", type=click.IntRange(1, 20), help="Only this interviewer (1-based).")
@click.option("--demo", is_flag=True, help="A short loop, headless, with a synthetic candidate.")
@click.option("--restart", is_flag=True, help="Start a new loop even if one was left unfinished.")
@c.model_option
@c.device_option
@click.option("--speed", default=0.0, type=click.FloatRange(0, 100), help="Demo: feed answers at this speed.")
@c.engine_option
@c.voice_option
def loop_command(loop, interviewer, demo, restart, model, device, speed, engine, voice) -> None:
    """The mock loop: each interviewer, their principles, follow-ups and time box; then a debrief."""
    with c.desk(model, engine, voice, offer=True) as d:
        view, mic = seat.terminal_seat(device)
        session, plan = interview.prepare(d.settings, d.bank, d.store, loop, interviewer, demo, restart, view)
        sid = session.session_id
        if session.resume:
            click.echo(f"resuming loop session {sid} (use --restart for a new one)", err=True)
        interview.loop(session, plan, interview.Candidate(speed) if demo else mic)
        debriefs.to_terminal(api.debrief(d.bank, d.store, sid), view.out)
    click.echo(f"\nsession {sid}: `voice-coach debrief {sid} --html debrief.html`")


@c.cli.command()
@click.argument("session", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the debrief as JSON.")
@click.option("--markdown", "md_file", type=c.path_type, help="Write it as Markdown.")
@click.option("--html", "html_file", type=c.path_type, help="Write it as an HTML page.")
def debrief(session, as_json, md_file, html_file) -> None:
    """Per principle: the evidence, bullets covered and missed, a signal with its reasons, what next."""
    with c.desk() as d:
        data = api.debrief(d.bank, d.store, session)
    files = [(md_file, lambda: debriefs.to_markdown(data)), (html_file, lambda: debriefs.to_html(data))]
    c.output(data, as_json, files=files, render=lambda: debriefs.to_terminal(data))


@c.cli.command()
@click.option(
    "--count", "-n", default=1, show_default=True, type=click.IntRange(1, 20), help="Questions to answer."
)
@click.option("--question", "-q", "question_ids", multiple=True, help="Use this question id.")
@c.model_option
@click.option("--speed", default=0.0, show_default=True, type=click.FloatRange(0, 100), help=SPEED)
@click.option("--seed", type=int, default=None, help="Seed the question pick (reproducible demos).")
@click.option(
    "--follow-ups", default=1, show_default=True, type=click.IntRange(0, 5), help="Follow-ups per answer."
)
@c.engine_option
@c.voice_option
def demo(count, question_ids, model, speed, seed, follow_ups, engine, voice) -> None:
    """The whole practice flow with a synthetic candidate voice: no microphone, no speaker."""
    with c.desk(model, engine, voice, offer=True, follow_ups=follow_ups) as d:
        questions = interview.demo_questions(d.bank, list(question_ids), count, seed)
        session = interview.Session(d.settings, d.bank, d.store, "demo", emit=live.TerminalEvents())
        results = interview.demo(session, questions, interview.Candidate(speed))
    click.echo(f"\nsession {session.session_id}: {len(results)} answer(s)")
    click.echo(f"recordings: {session.folder}\nhistory:    {d.settings.db_path}")


@c.cli.command()
@click.option("--model", type=c.models, help="Whisper model (default: the one the attempt used).")
def recover(model) -> None:
    """Finish answers interrupted by a crash or kill: transcribe, score and store what was recorded."""
    with c.desk() as d:
        done = interview.recover(d.store, d.bank, d.settings, lambda line: click.echo(line, err=True), model)
    click.echo(f"recovered {len(done)} answer(s)" if done else "nothing to recover")
