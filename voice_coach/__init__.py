"""voice-coach: an offline, voice-based mock interviewer.

The library API (what the `voice-coach` command is built on) is re-exported here; see api.py.
Importing the package is cheap: the speech and embedding models load on first use.
"""

import os

# CTranslate2 (Whisper) runs on libgomp's OpenMP threads, which spin 300,000 times while they wait
# for work. Two processes on 2 cores (two demos at once; the interviewer's voice beside a
# transcription) spun each other to a crawl: two demos took 2 min 19 s together instead of 9 s.
# A spin count of 1,000 keeps that at 9.9 s and one demo as fast as before (8.9 s; a passive wait,
# OMP_WAIT_POLICY=PASSIVE, made it 10.3 s). Set before anything loads libgomp; the user's own
# OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")

from voice_coach.api import (  # noqa: E402
    NotesImport,
    analyze_file,
    analyze_text,
    import_notes,
    load_bank,
)
from voice_coach.errors import EnvironmentProblem, ExitCode, UserError  # noqa: E402
from voice_coach.scoring.model import AnswerReport  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "AnswerReport",
    "EnvironmentProblem",
    "ExitCode",
    "NotesImport",
    "UserError",
    "analyze_file",
    "analyze_text",
    "import_notes",
    "load_bank",
]
