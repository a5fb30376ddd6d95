"""The question bank: principles, questions, stories, loops and rubrics, from hand-edited files."""

from voice_coach.bank.files import load_dirs
from voice_coach.bank.model import Bank, Bullet, Principle, Question, Story

__all__ = ["Bank", "Bullet", "Principle", "Question", "Story", "load_dirs"]
