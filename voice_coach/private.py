"""Folders only their owner can read: the history, the recordings, an export of them."""

from __future__ import annotations

from pathlib import Path

from voice_coach.errors import UserError


def private_dir(folder: Path, what: str, fix: str) -> Path:
    """Create `folder` (mode 0700) or say why it cannot be: "cannot create the <what> folder"."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    except OSError as exc:
        raise UserError(
            f"cannot create the {what} folder: {exc.strerror or exc}", where=str(folder), fix=fix
        ) from exc
    return folder
