"""Fault-injection points for the crash tests.

With VOICE_COACH_PAUSE_AT=<point> (or <point>#N for its Nth pass) set, the process announces
"paused at <point>" on stderr and sleeps there, so a test can SIGKILL it at exactly that moment
(during transcription, inside the history write). Unset, `pause` costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time

_passes: dict[str, int] = {}


def pause(point: str) -> None:
    want = os.environ.get("VOICE_COACH_PAUSE_AT")
    if not want:
        return
    name, _, nth = want.partition("#")
    if name != point:
        return
    _passes[point] = _passes.get(point, 0) + 1
    if _passes[point] == int(nth or 1):
        print(f"paused at {point}", file=sys.stderr, flush=True)
        time.sleep(3600)
