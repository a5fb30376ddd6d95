"""voice-coach: an offline, voice-based mock interviewer."""

__version__ = "0.1.0"
