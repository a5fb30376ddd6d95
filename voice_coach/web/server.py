"""`voice-coach serve`: the practice room as a local web app (Starlette on uvicorn).

It binds to loopback only, and every request must carry the token printed with the URL (the first
page load trades it for a cookie), so neither another user of the machine nor a web page the user
visits can drive it; a Host header other than loopback's is refused too (DNS rebinding). Pages are
views over the same library as the CLI: the room runs the interview engine, the session page is the
HTML report, history and bank read the same store and bank.
"""

from __future__ import annotations

import hmac
import secrets
import socket
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from voice_coach import api
from voice_coach.api import MAX_NOTES_BYTES
from voice_coach.config import Settings
from voice_coach.errors import UserError
from voice_coach.history.store import Store
from voice_coach.web.room import ACTIONS, Room

LOOPBACK = ("127.0.0.1", "localhost", "::1")
COOKIE = "voice_coach_room"
MAX_AUDIO_POST = 1 << 20  # bytes in one post of audio (the page sends about 8 KB a quarter second)
STATIC = {name: "text/javascript" for name in ("room.js", "capture.js", "bank.js")} | {"room.css": "text/css"}


def check_host(host: str) -> str:
    """Loopback only: the room plays and records the user's voice and reads their notes."""
    if host not in LOOPBACK:
        raise UserError(
            f"serve binds to loopback only, not {host}",
            fix="leave out --host (127.0.0.1), or use localhost or ::1",
        )
    return host


def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("voice_coach.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def create_app(settings: Settings, token: str):
    """The ASGI app: the room's pages and API behind the token gate."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
    from starlette.routing import Route

    recordings = settings.recordings_dir.resolve()
    # answer and follow-ups joined into the one file its player plays; removed when the server exits
    scratch = tempfile.TemporaryDirectory(prefix="voice-coach-room-")
    joined: dict[tuple[str, ...], Path] = {}

    def media_url(path: Path) -> str:
        return "/media/" + path.resolve().relative_to(recordings).as_posix()

    room = Room(settings, media_url)
    env = _templates()

    def page(name: str, **values) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**values))

    def problem(exc: UserError, status: int = 400) -> JSONResponse:
        return JSONResponse({"error": exc.what, "fix": exc.fix}, status_code=status)

    def index(request: Request) -> Response:
        bank = api.load_bank(settings)
        choices = api.bank_listing(settings=settings)
        with Store(settings.db_path) as store:
            picks = api.choose_practice(bank, store, count=3, by_need=True).picks
        return page(
            "room.html.j2",
            principles=choices["principles"],
            questions=choices["questions"],
            stories=choices["stories"],
            picks=picks,
            actions=ACTIONS,
            follow_ups=settings.follow_ups,
            loops=choices["loops"],
            # the page follows events from here: what happened before it opened is not replayed
            since=room.events(0, wait_s=0)["next"],
            busy=room.busy,
        )

    def history(request: Request) -> Response:
        """Progress over the days (a line a day, the trend plot, the last attempts per principle),
        then every session with its report and replay."""
        from voice_coach.report import plots
        from voice_coach.report.progress import COLUMNS, LAST, per_day, per_principle

        bank = api.load_bank(settings)
        with Store(settings.db_path) as store:
            view = api.history_view(bank, store)
            sessions = store.sessions()
            progress = per_principle(view.practice, store)
        answers: dict[str, list] = {}
        for a in view.rows:
            answers.setdefault(a.session_id, []).append(a)
        return page(
            "history.html.j2",
            sessions=[s for s in reversed(sessions) if s.id in answers],
            answers=answers,
            trend_svg=plots.trends(view.practice) if view.practice else "",
            days=list(reversed(per_day(view.practice))),
            progress=progress,
            columns=COLUMNS,
            last=LAST,
            when=lambda t: time.strftime("%Y-%m-%d %H:%M", time.localtime(t)),
        )

    def bank_page(request: Request) -> Response:
        from voice_coach.bank.views import matrix

        bank = api.load_bank(settings)
        return page(
            "bank.html.j2",
            here="bank",
            bank=api.bank_listing(settings=settings),
            matrix=matrix(bank),
            titles={s.id: s.title for s in bank.stories.values()},
        )

    async def import_notes(request: Request) -> Response:
        """A Markdown file dropped on the bank page, imported as `bank import` does; a copy of the
        notes is kept in the data folder (imports/), which the import names as their source."""
        name = Path(request.query_params.get("name", "")).name
        if not name.lower().endswith((".md", ".markdown", ".txt")):
            return problem(UserError(f"'{name}' is not a Markdown file", fix="drop your notes' .md file"))
        body = await request.body()
        if len(body) > MAX_NOTES_BYTES:
            return problem(UserError("the file is too large to be notes", fix="drop one notes file"))
        return JSONResponse(await run_in_threadpool(_import, name, body))

    def _import(name: str, body: bytes) -> dict:
        from voice_coach.private import private_dir
        from voice_coach.report.bank_tables import import_lines

        folder = settings.data_dir / "imports"
        private_dir(folder, "data", "set VOICE_COACH_DATA_DIR to a folder you own")
        path = folder / name
        path.write_bytes(body)
        try:
            result = api.import_notes(path, settings=settings)
        except UserError as exc:
            return {"error": str(exc), "lines": []}
        return {"lines": import_lines(result, False), "problems": result.problems}

    def session_page(request: Request) -> Response:
        """The session's report as `report --html` writes it; with ?answer=ID only that answer's
        report, without the plots over all practice, its own plots following as images (what the room
        shows right after an answer)."""
        from voice_coach.report.history_tables import SessionReports
        from voice_coach.report.html import session_html

        with Store(settings.db_path) as store:
            try:
                sid, answers = api.session_answers(store, request.path_params["sid"])
            except UserError as exc:
                return HTMLResponse(f"<p>{exc}</p>", status_code=404)
            only = request.query_params.get("answer", "")
            if only:
                one = [a for a in answers if str(a.id) == only]
                if not one:
                    return HTMLResponse("<p>no such answer in this session</p>", status_code=404)
                return HTMLResponse(
                    session_html(
                        sid,
                        one,
                        audio_url=lambda a: f"/recording/{sid}/{a.id}",
                        plot_url=lambda a, kind: f"/plot/{sid}/{a.id}/{kind}.svg",
                    )
                )
            return HTMLResponse(SessionReports(store, sid, answers).html())

    def answer_plot(request: Request) -> Response:
        """One of an answer's plots, drawn when the page asks for it (after its text is on screen)."""
        from voice_coach.report.plots import ANSWER_PLOTS

        draw = ANSWER_PLOTS.get(request.path_params["kind"])
        found = scored_answer(request) if draw else None
        svg = draw(found.report) if found else None
        if not svg:
            return Response("not found", status_code=404)
        return Response(svg, media_type="image/svg+xml")

    def scored_answer(request: Request):
        """The scored answer a path names (/{sid}/{aid}), or None."""
        with Store(settings.db_path) as store:
            try:
                _, answers = api.session_answers(store, request.path_params["sid"])
            except UserError:
                return None
        return next((a for a in answers if str(a.id) == request.path_params["aid"] and a.report), None)

    def answer_recording(request: Request) -> Response:
        """An answer with its follow-ups' answers as one file, served (ranges and all, so the page
        can seek) rather than inlined, so the report shows before the audio loads."""
        from voice_coach.report.html import player_parts, recording

        found = scored_answer(request)
        if found is None or not found.audio_path:
            return Response("not found", status_code=404)
        paths, _, _ = player_parts(found, found.report)
        if len(paths) <= 1:
            return media_file(Path(paths[0])) if paths else Response("not found", status_code=404)
        key = tuple(paths)
        if key not in joined or not joined[key].is_file():
            joined[key] = Path(scratch.name) / f"{len(joined)}.flac"
            joined[key].write_bytes(recording(paths))
        return FileResponse(joined[key], media_type="audio/flac")

    def media_file(path: Path) -> Response:
        path = path.resolve()
        if not path.is_relative_to(recordings) or not path.is_file() or path.suffix != ".wav":
            return Response("not found", status_code=404)
        return FileResponse(path, media_type="audio/wav")

    def media(request: Request) -> Response:
        return media_file(recordings / request.path_params["path"])

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response("not found", status_code=404)
        body = resources.files("voice_coach.web").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name])

    async def body_of(request: Request) -> dict:
        """The posted JSON object; anything else reads as empty (the page only posts objects)."""
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    async def start(request: Request) -> Response:
        body = await body_of(request)
        try:
            await run_in_threadpool(
                room.start,
                [p for p in body.get("principles", []) if p],
                [q for q in body.get("questions", []) if q],
                body.get("story") or None,
                bool(body.get("next")),
                int(body.get("count") or 1),
            )
        except (TypeError, ValueError):
            return problem(UserError("the count is a number of questions", fix="e.g. 1"))
        except UserError as exc:
            return problem(exc, 409 if room.busy else 400)
        return JSONResponse({"ok": True, "kind": "practice"})

    async def start_loop(request: Request) -> Response:
        body = await body_of(request)
        try:
            who = int(body.get("interviewer") or 0) or None
            await run_in_threadpool(room.start_loop, body.get("loop") or None, who, bool(body.get("restart")))
        except (TypeError, ValueError):
            return problem(UserError("the interviewer is a number", fix="1 for the first, or leave it empty"))
        except UserError as exc:
            return problem(exc, 409 if room.busy else 400)
        return JSONResponse({"ok": True, "kind": "loop"})

    def debrief_page(request: Request) -> Response:
        from voice_coach.report import debrief

        bank = api.load_bank(settings)
        with Store(settings.db_path) as store:
            try:
                data = api.debrief(bank, store, request.path_params["sid"])
            except UserError as exc:
                return HTMLResponse(f"<p>{exc}</p>", status_code=404)
        return HTMLResponse(debrief.to_html(data))

    async def audio(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_AUDIO_POST:
            return Response("too much audio in one post", status_code=413)
        room.push_audio(body)
        return Response(status_code=204)

    async def control(request: Request) -> Response:
        try:
            room.control(str((await body_of(request)).get("action", "")))
        except UserError as exc:
            return problem(exc)
        return Response(status_code=204)

    async def played(request: Request) -> Response:
        room.played()
        return Response(status_code=204)

    def events(request: Request) -> Response:
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            since = 0
        return JSONResponse(room.events(since))

    async def user_error(request: Request, exc: Exception) -> Response:
        """A problem the user can fix (a broken bank file, a full disk) as a page, never a traceback."""
        assert isinstance(exc, UserError)
        if request.url.path.startswith("/api/"):
            return problem(exc)
        shown = page("problem.html.j2", here="", error=str(exc))
        shown.status_code = 400
        return shown

    app = Starlette(
        exception_handlers={UserError: user_error},
        routes=[
            Route("/", index),
            Route("/history", history),
            Route("/bank", bank_page),
            Route("/session/{sid}", session_page),
            Route("/debrief/{sid}", debrief_page),
            Route("/media/{path:path}", media),
            Route("/recording/{sid}/{aid}", answer_recording),
            Route("/plot/{sid}/{aid}/{kind}.svg", answer_plot),
            Route("/static/{name}", static),
            Route("/api/start", start, methods=["POST"]),
            Route("/api/loop", start_loop, methods=["POST"]),
            Route("/api/audio", audio, methods=["POST"]),
            Route("/api/control", control, methods=["POST"]),
            Route("/api/played", played, methods=["POST"]),
            Route("/api/import", import_notes, methods=["POST"]),
            Route("/api/events", events),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
        ],
    )
    app.state.room = room
    return TokenGate(app, token)


class TokenGate:
    """ASGI middleware: a request without the token (query or cookie) or with a foreign Host is
    refused with 403. A page load with the token in its URL sets the cookie and redirects to the
    same URL without it, so the token leaves the address bar and the history."""

    def __init__(self, app, token: str) -> None:
        self.app, self.token = app, token
        self.room = app.state.room

    async def __call__(self, scope, receive, send) -> None:
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, RedirectResponse

        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]")
        if host not in LOOPBACK:
            await PlainTextResponse("forbidden: not a loopback host", status_code=403)(scope, receive, send)
            return
        given = request.query_params.get("token", "")
        if given and hmac.compare_digest(given, self.token):
            if request.method == "GET":
                clean = request.url.remove_query_params("token")
                response = RedirectResponse(str(clean.path) + (f"?{clean.query}" if clean.query else ""), 303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
                await response(scope, receive, send)
                return
        elif not hmac.compare_digest(request.cookies.get(COOKIE, ""), self.token):
            await PlainTextResponse(
                "forbidden: open the address `voice-coach serve` printed (it carries the room's token)",
                status_code=403,
            )(scope, receive, send)
            return
        await self.app(scope, receive, send)


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> None:
    """Bind (a free port unless one is given), print the room's address and serve until Ctrl-C."""
    import uvicorn

    check_host(host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(
            f"cannot listen on {host}:{port}: {exc.strerror}", fix="leave out --port to take a free one"
        ) from exc
    sock.listen(128)  # a page opened at once waits in the queue until uvicorn takes it
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/?token={token}"
    say(f"voice-coach room: {url}")
    say("Ctrl-C stops it; recordings and history are kept as at the desk")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(create_app(settings, token), log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
