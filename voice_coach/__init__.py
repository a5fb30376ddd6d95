"""voice-coach: an offline, voice-based mock interviewer.

The library API (what the `voice-coach` command is built on) is re-exported here; see api.py.
Importing the package is cheap: the speech and embedding models load on first use.
"""

import os

# CTranslate2 (Whisper) runs on OpenMP threads, which spin while they wait for work. Two processes
# on 2 cores (two demos at once; the interviewer's voice process beside a transcription) spun each
# other to a crawl: two demos took 2 min 19 s together instead of 9 s. Waiting passively costs one
# transcription nothing measured (66 s of audio: 16.5 s against 17.1 s, within run-to-run spread).
# Set before anything loads the OpenMP runtime; a value of the user's own is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

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
