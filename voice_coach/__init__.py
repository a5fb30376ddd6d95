"""voice-coach: an offline, voice-based mock interviewer.

The library API (what the `voice-coach` command is built on) is re-exported here; see api.py.
Importing the package is cheap: the speech and embedding models load on first use.
"""

from voice_coach.api import NotesImport, analyze_file, analyze_text, import_notes, load_bank
from voice_coach.errors import EnvironmentProblem, ExitCode, UserError
from voice_coach.scoring.model import AnswerReport

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
