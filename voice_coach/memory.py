"""glibc malloc settings for a long-running session: its peak and resident memory (bench/run)."""

from __future__ import annotations

import os

# oneDNN (CTranslate2's CPU kernels) keeps a compiled primitive for each shape it meets, 1024 by
# default; Whisper's windows fitted to the audio and each decoding step bring new shapes, so memory
# rose with every new answer and never levelled (60 random-length stretches: +55 MB with the default,
# +2 MB with 8, at the same speed; docs/measurements.md)
KERNEL_CACHE = "8"


def _glibc(call: str, *args: int) -> None:
    """Call a glibc malloc tuning function; elsewhere (musl, macOS) there is nothing to tune."""
    import ctypes
    import ctypes.util

    try:
        getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), call)(*args)
    except (OSError, AttributeError):
        pass


def tune_malloc(arenas: int = 2, mmap_threshold: int = 1 << 20) -> None:
    """Two glibc settings that keep a session's peak memory down (bench/run --quick, 2-minute answer,
    voice loaded):
    - arenas: glibc gives each thread its own malloc arena; with the recorder, the streaming worker
      and the model threads that fragments into about 60 MB of extra peak memory;
    - a fixed mmap threshold: each Whisper window allocates buffers of several MB; glibc's adaptive
      threshold moves them onto the heap after the first is freed, where they stay, so the next
      stretch's buffers land on top (peak 710 -> 547 MB with 1 MiB; 586 MB with 4 MiB, 641 MB with
      16 MiB). Costs a page fault per fresh buffer: whole-file transcription 0.01 to 0.02 of real time
      slower (bench RTF 0.041-0.057 -> 0.057-0.065), unseen in the report latency after an answer."""
    _glibc("mallopt", -8, arenas)  # M_ARENA_MAX
    _glibc("mallopt", -3, mmap_threshold)  # M_MMAP_THRESHOLD (also turns the adaptive one off)


def release() -> None:
    """Hand the transcription's freed buffers back to the system between answers (glibc keeps them
    otherwise): about 55 MB less resident while the next question is asked."""
    _glibc("malloc_trim", 0)


def status_mb(key: str = "VmHWM", pid: int | str = "self") -> float:
    """A process's memory from /proc (Linux) in MB: its peak resident so far (VmHWM) or resident now
    (VmRSS). For the memory tests and benchmarks, which measure what a session holds."""
    with open(f"/proc/{pid}/status") as f:
        return int(next(x for x in f if x.startswith(key + ":")).split()[1]) / 1024


def bound_kernel_cache() -> None:
    """Keep oneDNN's primitive cache small, unless the user set its size; before the first decode."""
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", KERNEL_CACHE)
