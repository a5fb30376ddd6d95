"""Transcribe while the user speaks: finished stretches of speech go to a background worker.

The recorder hands every chunk to `feed`. When a pause follows enough speech, the audio up to the
middle of the pause is cut off and transcribed on a worker thread, so when the answer ends only the
last stretch is left. Cuts fall in pauses, never inside words, and each stretch keeps its offset, so
the merged transcript has the same word times as one pass over the whole file.

A stretch is sent in pieces, cut at its pauses of half a second or more that end PIECE or more of
audio since the last such cut: each piece up to TAIL into its pause, the next from that
pause on (the pause its lead-in, as after any cut). Each piece is drafted: when its pause reaches
TAIL it is transcribed at once (or next, when the worker is busy), so when the user presses done
only the words since the last such pause are left, and a pause that ends the answer is a piece of a
few seconds, not the whole stretch (done pressed half a second after the last word waited for a
draft of up to 15 s of speech: 2.4 s p95 in the room). A draft is the same audio as the piece it
stands for, and the pieces are decided by the audio alone, so a result never depends on whether a
draft was ready (a busy machine only makes "done" slower).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

import numpy as np

from voice_coach.audio.capture import level_dbfs
from voice_coach.speech.engines import Engine, Transcript, Word
from voice_coach.speech.vad import merged, shifted

SR = 16000
FRAME = int(0.05 * SR)
LEAD_IN = int(0.3 * SR)
TAIL = int(0.5 * SR)  # of a pause kept at the end of a stretch cut in a long pause, and of the last one
PIECE = int(4.0 * SR)  # the least audio in a piece of a stretch: Whisper hears a sentence or so


class StreamingTranscriber:
    def __init__(
        self,
        engine: Engine,
        speech_dbfs: float = -42.0,
        pause_s: float = 0.3,
        min_segment_s: float = 15.0,
        final_pause_s: float = 1.0,
        on_words: Callable[[list[Word]], None] | None = None,
        drafts: bool = True,
    ) -> None:
        """on_words, if given, is called on the worker thread with the words so far after each
        stretch: work that can be done before the answer ends (the scorer's embeddings)."""
        self.engine = engine
        self.on_words = on_words
        self._finishing = False
        self.speech_dbfs, self.pause_s = speech_dbfs, pause_s
        self.min_segment, self.final_pause = int(min_segment_s * SR), final_pause_s
        self._pending: list[np.ndarray] = []
        self._pending_len = 0
        self._offset = 0  # where the pending audio starts, in samples from the start of the recording
        self._fed = 0
        self._silence = 0  # samples of trailing silence in the pending audio
        self._speech_since_cut = False
        self._jobs: queue.Queue[tuple[str, int, np.ndarray] | None] = queue.Queue()
        self._parts: list[tuple[int, Transcript]] = []
        self.drafts = drafts
        self._last_pause: int | None = None  # where the pending stretch's last long pause began
        self._splits: list[int] = []  # where the pending stretch's pieces begin (pauses), after its start
        self._drafted: dict[tuple[int, int], Transcript] = {}  # (offset, length) of a piece -> its words
        self.stats = {"drafts": 0, "drafts_used": 0, "drafts_skipped": 0}
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, daemon=True)
        self._worker.start()

    # -- recorder side ----------------------------------------------------------------------
    def feed(self, chunk: np.ndarray) -> None:
        """Audio as the source gives it, heard in frames of FRAME: pauses are found to 50 ms
        whatever the block size (the room's page sends quarter seconds, in which a pause of 0.55 s
        held one silent block, not the two a draft needs)."""
        for i in range(0, len(chunk), FRAME):
            self._frame(chunk[i : i + FRAME])

    def _frame(self, chunk: np.ndarray) -> None:
        self._fed += len(chunk)
        self._pending.append(chunk)
        self._pending_len += len(chunk)
        if level_dbfs(chunk) > self.speech_dbfs:
            self._silence = 0
            self._speech_since_cut = True
            return
        self._silence += len(chunk)
        if not self._speech_since_cut:
            return
        pause_start = self._pending_len - self._silence
        if pause_start >= self.min_segment and self._silence >= self.pause_s * SR:
            self._cut(self._pending_len - self._silence // 2)
        elif self._silence >= self.final_pause * SR:
            self._cut(pause_start + TAIL)
        elif self._silence >= TAIL and self._last_pause != pause_start:
            self._last_pause = pause_start
            start = self._splits[-1] if self._splits else 0
            if pause_start - start < PIECE:
                return
            self._splits.append(pause_start)
            if self.drafts:  # queued even behind a stretch: made idle-only, a busy worker meant none
                self.stats["drafts"] += 1
                piece = np.concatenate(self._pending)[start : pause_start + TAIL]
                self._jobs.put(("draft", self._offset + start, piece))

    def _cut(self, at: int) -> None:
        """Send the audio up to `at` (inside a pause); keep the whole pause as the next stretch's lead-in."""
        audio = np.concatenate(self._pending)
        self._send(audio, at)
        keep_from = self._pending_len - self._silence  # where the pause began
        rest = audio[keep_from:]
        self._offset += keep_from
        self._pending, self._pending_len = [rest], len(rest)
        self._silence = len(rest)
        self._speech_since_cut = False
        self._last_pause = None
        self._splits = []

    def _send(self, audio: np.ndarray, end: int) -> None:
        """The pending stretch up to `end` to the worker, piece by piece (its drafts where made)."""
        starts = [0, *self._splits]
        for start, split in zip(starts, self._splits, strict=False):
            self._jobs.put(("cut", self._offset + start, audio[start : split + TAIL]))
        if not self._splits or starts[-1] + TAIL < end:  # words after the last piece's pause
            self._jobs.put(("cut", self._offset + starts[-1], audio[starts[-1] : end]))

    # -- worker side ------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            kind, offset, audio = job
            key = (offset, len(audio))
            if kind == "draft" and offset < self._offset:  # its stretch was cut meanwhile (a cut is coming)
                self.stats["drafts_skipped"] += 1
                continue
            try:
                if kind == "cut" and key in self._drafted:
                    self.stats["drafts_used"] += 1
                    part = self._drafted.pop(key)
                else:
                    # a little digital silence before the first word keeps Whisper from clipping it
                    padded = np.concatenate([np.zeros(LEAD_IN, dtype=np.float32), audio])
                    part = self.engine.transcribe(padded)
            except BaseException as exc:  # re-raised by finish()
                self._error = exc
                continue
            if kind == "draft":
                self._drafted = {k: v for k, v in self._drafted.items() if k[0] >= self._offset}
                self._drafted[key] = part
                continue
            self._parts.append((offset - LEAD_IN, part))
            if self.on_words is not None and not self.busy():
                try:
                    self.on_words(self._words())
                except Exception:  # only a head start: the answer is scored in full at the end anyway
                    pass

    def busy(self) -> bool:
        """Is a stretch waiting to be transcribed? (on_words work yields to it)"""
        return self._finishing or not self._jobs.empty()

    def cancel(self) -> None:
        """Drop this take (restarted or empty): queued stretches are not transcribed."""
        while True:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        self._jobs.put(None)

    def _words(self) -> list[Word]:
        """The words of the stretches transcribed so far, in order, timed from the recording's start."""
        words: list[Word] = []
        for offset, part in sorted(self._parts, key=lambda p: p[0]):
            words.extend(w.shifted(offset / SR) for w in part.words)
        return words

    def finish(self) -> Transcript:
        """Transcribe what is left and merge all parts (call once, after the recording ended)."""
        if self._pending_len and self._speech_since_cut:
            audio = np.concatenate(self._pending)
            end = self._pending_len - self._silence + min(self._silence, TAIL)
            self._send(audio, end)
        total = self._fed
        self._finishing = True  # on_words work stops: the user is waiting for the report now
        self._jobs.put(None)
        self._worker.join()
        if self._error:
            raise self._error
        parts = sorted(self._parts, key=lambda p: p[0])
        texts = [part.text for _, part in parts]
        seconds = sum(part.seconds for _, part in parts)
        words = self._words()
        regions = [r for offset, part in self._parts for r in shifted(part.speech_regions or [], offset / SR)]
        return Transcript(
            " ".join(t for t in texts if t),
            words,
            round(total / SR, 3),
            self.engine.name,
            self.engine.model,
            seconds=round(seconds, 3),
            extra={"streamed_parts": len(self._parts), **self.stats},
            speech_regions=merged(regions),
        )
