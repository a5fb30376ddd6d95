"""Scoring an answer: delivery, STAR parts, story and bullet coverage, and the report contract."""
