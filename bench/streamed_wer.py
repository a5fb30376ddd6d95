"""Streamed against one-pass WER on the answers to the user's own stories (own and own-heldout),
rendered by the neural voice: how much the desk's and the room's streaming (stretches cut in pieces
at pauses while the user speaks, speech/streaming.py) costs in words.
  .venv/bin/python bench/streamed_wer.py [--rate 150] [--folder DIR (renderings kept between runs)]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from voice_coach.audio.files import load_audio
from voice_coach.config import load_settings
from voice_coach.evaluation.evaluate import load_set, set_path
from voice_coach.speech import tts
from voice_coach.speech.engines import FasterWhisperEngine
from voice_coach.speech.streaming import StreamingTranscriber

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import wer  # noqa: E402  (bench/run.py, beside this file)

BLOCK = 4000  # a quarter second, as the room's page sends the microphone


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=150)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="vc-streamed-wer-"))
    folder.mkdir(parents=True, exist_ok=True)
    items = load_set(set_path("own")) + load_set(set_path("own-heldout"))
    engine = FasterWhisperEngine("base", load_settings().cache_dir)
    engine.load()
    whole, streamed, pieces = [], [], 0
    for item in items:
        path = folder / f"{item.id}-{args.rate}.wav"
        if not path.exists():
            tts.synthesize(item.text, path, rate=args.rate)
        audio = load_audio(path)
        whole.append(wer(item.text, engine.transcribe(audio).text))
        streamer = StreamingTranscriber(engine)
        for i in range(0, len(audio), BLOCK):
            streamer.feed(audio[i : i + BLOCK])
        transcript = streamer.finish()
        pieces += transcript.extra["streamed_parts"]
        streamed.append(wer(item.text, transcript.text))
        print(f"{item.id:28} one pass {whole[-1]:.3f}  streamed {streamed[-1]:.3f}", flush=True)
    n = len(items)
    print(
        f"{n} answers at {args.rate} wpm: WER one pass {sum(whole) / n:.4f}, "
        f"streamed {sum(streamed) / n:.4f} ({pieces} pieces)"
    )


if __name__ == "__main__":
    main()
