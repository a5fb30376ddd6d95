"""The interview: one engine asks, records, transcribes, scores and follows up, for practice, the
demo and the mock loop alike; it emits events (events.py) and never prints."""

from voice_coach.interview.answers import Answers, Candidate, Microphone, Prompt, plain_take
from voice_coach.interview.engine import ENDS_SESSION, AnswerResult, Session
from voice_coach.interview.plan import Plan, Step, demo_questions, make_plan, pick_questions
from voice_coach.interview.recover import recover
from voice_coach.interview.run import (
    Interview,
    Seat,
    Turn,
    Voice,
    demo,
    loop,
    practice,
    practice_seat,
    prepare,
)

__all__ = [
    "ENDS_SESSION",
    "AnswerResult",
    "Answers",
    "Candidate",
    "Interview",
    "Microphone",
    "Plan",
    "Prompt",
    "Seat",
    "Session",
    "Step",
    "Turn",
    "Voice",
    "demo",
    "demo_questions",
    "loop",
    "make_plan",
    "pick_questions",
    "plain_take",
    "practice",
    "practice_seat",
    "prepare",
    "recover",
]
