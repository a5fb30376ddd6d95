"""A story's bullets in the bank's YAML shape, and back: the nodes a story section is read into
become '- S: text' strings and {text, star, bullets} dicts, and that shape (as written by the
import, or edited by the user) becomes Bullets with the ids the bank loader gives, gets a part on
each untagged bullet, or is counted per part. The import writes this shape and the CLI and the
part inference read it, so it is kept apart from the reading of the notes.
"""

from __future__ import annotations

from voice_coach.bank.model import Bullet
from voice_coach.bank.notes.entities import ShapedBullet


def yaml_shape(nodes: list[dict]) -> list[str | ShapedBullet]:
    """Bank YAML shape: '- S: text' for a leaf, {text, star, bullets} for a node with children."""
    from voice_coach.bank.files import _split_tag

    out: list[str | ShapedBullet] = []
    for n in nodes:
        text, star = _split_tag(n["text"])
        star = n.get("star") or star
        if n["bullets"]:
            bullets = yaml_shape(n["bullets"])
            out.append(
                {"text": text, "star": star, "bullets": bullets}
                if star
                else {"text": text, "bullets": bullets}
            )
        else:
            out.append(f"{star}: {text}" if star else text)
    return out


def shaped_bullets(shape: list, prefix: str = "") -> list[Bullet]:
    """The Bullets of a story in YAML shape, with the ids the bank loader gives them (1, 1.1 ...)."""
    from voice_coach.bank.files import _split_tag

    out = []
    for i, entry in enumerate(shape, start=1):
        bid = f"{prefix}{i}"
        if isinstance(entry, dict):
            text, star = _split_tag(str(entry.get("text") or ""))
            children = shaped_bullets(entry.get("bullets") or [], prefix=f"{bid}.")
            out.append(Bullet(bid, text, entry.get("star") or star, children))
        else:
            text, star = _split_tag(str(entry))
            out.append(Bullet(bid, text, star))
    return out


def tag_shape(shape: list, parts: dict[str, str], prefix: str = "") -> list:
    """A story's bullets in YAML shape with a part on each untagged one ('- A: I asked for a week')."""
    from voice_coach.bank.files import _split_tag

    out: list = []
    for i, entry in enumerate(shape, start=1):
        bid = f"{prefix}{i}"
        if isinstance(entry, dict):
            tagged = dict(entry)
            text, star = _split_tag(str(entry.get("text") or ""))
            tagged["text"] = text
            tagged["star"] = entry.get("star") or star or parts[bid]
            tagged["bullets"] = tag_shape(entry.get("bullets") or [], parts, prefix=f"{bid}.")
            out.append({k: tagged[k] for k in ("text", "star", "bullets")})
        else:
            text, star = _split_tag(str(entry))
            out.append(f"{star or parts[bid]}: {text}")
    return out


def part_counts(bullets: list) -> dict[str, int]:
    """Bullets per STAR tag (untagged under '-'), nested ones included."""
    from voice_coach.bank.files import _split_tag

    counts: dict[str, int] = {}
    for b in bullets:
        tag = b.get("star") if isinstance(b, dict) else _split_tag(b)[1]
        counts[tag or "-"] = counts.get(tag or "-", 0) + 1
        if isinstance(b, dict):
            for k, v in part_counts(b.get("bullets", [])).items():
                counts[k] = counts.get(k, 0) + v
    return counts


def count_bullets(bullets: list) -> int:
    return sum(1 + (count_bullets(b.get("bullets", [])) if isinstance(b, dict) else 0) for b in bullets)
