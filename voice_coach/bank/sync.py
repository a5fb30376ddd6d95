"""Write imported notes into the user's bank without ever overwriting the user's own edits silently.

The last imported version of every entity is kept in a state file beside the imported YAML. On the
next import, per entity: unchanged notes keep whatever is in the file (the user's edits included);
changed notes replace an entity only when the user has not edited it; when both changed, the
user's version stays and the conflict is reported.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from voice_coach.bank.notes import Notes
from voice_coach.errors import UserError

KINDS = ("principles", "questions", "stories", "loops", "rubrics")


@dataclass
class Plan:
    target: Path
    state_path: Path
    merged: dict[str, list[dict]]
    state: dict[str, dict[str, dict]]
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (action, kind, id)
    write: bool = False

    def count(self, action: str) -> int:
        return sum(1 for a, _, _ in self.changes if a == action)


def _key(entity: dict) -> str:
    return json.dumps(entity, sort_keys=True, ensure_ascii=False)


def _by_id(sections: dict | None) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {k: {} for k in KINDS}
    for kind in KINDS:
        for entity in (sections or {}).get(kind) or []:
            if isinstance(entity, dict) and "id" in entity:
                out[kind][str(entity["id"])] = entity
    return out


def plan_import(notes: Notes, target: Path) -> Plan:
    state_path = target.with_name(f".{target.stem}.import.json")
    current_doc = None
    if target.exists():
        try:
            current_doc = yaml.safe_load(target.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"cannot read the earlier import to merge with it: {exc}",
                where=str(target),
                fix="fix the file (voice-coach bank validate shows where), or move it aside",
            ) from exc
    last: dict[str, dict[str, dict]] = {k: {} for k in KINDS}
    if state_path.exists():
        try:
            last.update(json.loads(state_path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, OSError) as exc:
            raise UserError(
                f"the import state file is damaged: {exc}",
                where=str(state_path),
                fix="delete it: the next import then treats every difference as your edit",
            ) from exc
    elif current_doc is not None:
        # no state but a file: treat what is there as the last import, so nothing is lost
        last = _by_id(current_doc)
    current = _by_id(current_doc)
    new = _by_id(notes.entities())
    merged: dict[str, list[dict]] = {k: [] for k in KINDS}
    state: dict[str, dict[str, dict]] = {k: {} for k in KINDS}
    changes: list[tuple[str, str, str]] = []
    for kind in KINDS:
        ids = list(new[kind]) + [i for i in current[kind] if i not in new[kind]]
        for ident in ids:
            n, c, lst = new[kind].get(ident), current[kind].get(ident), last[kind].get(ident)
            edited = c is not None and (lst is None or _key(c) != _key(lst))
            if c is None and lst is not None and n is not None and _key(n) == _key(lst):
                changes.append(("kept-deleted", kind, ident))  # the user deleted it; respect that
                state[kind][ident] = lst
                continue
            if n is None:  # gone from the notes
                if c is not None and (edited or lst is None):
                    merged[kind].append(c)  # the user's own entity, or edited: keep it
                    if lst is not None:
                        state[kind][ident] = lst
                elif c is not None:
                    changes.append(("removed", kind, ident))
                continue
            if c is None:
                merged[kind].append(n)
                state[kind][ident] = n
                changes.append(("added", kind, ident))
            elif _key(c) == _key(n):
                merged[kind].append(c)
                state[kind][ident] = n
                changes.append(("unchanged", kind, ident))
            elif not edited:
                merged[kind].append(n)
                state[kind][ident] = n
                changes.append(("updated", kind, ident))
            elif lst is not None and _key(n) == _key(lst):
                merged[kind].append(c)
                state[kind][ident] = lst
                changes.append(("kept-edit", kind, ident))
            else:
                merged[kind].append(c)
                state[kind][ident] = lst if lst is not None else n
                changes.append(("conflict", kind, ident))
    write = _by_id(merged) != current or not target.exists()
    return Plan(target, state_path, merged, state, changes, write)


HEADER = """\
# Imported by `voice-coach bank import` from {source}.
# Edit freely: a later import keeps your edits, and reports a conflict where the notes changed too.
"""


def apply(plan: Plan, source: str) -> None:
    """Write the merged entities and the new import state (each atomically)."""
    try:
        _write(plan, source)
    except OSError as exc:
        raise UserError(
            f"cannot write the bank: {exc.strerror or exc}",
            where=str(plan.target),
            fix="choose a writable folder with --into, or free some disk space",
        ) from exc


def _write(plan: Plan, source: str) -> None:
    target = plan.target
    target.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(
        yaml.safe_dump({kind: items}, sort_keys=False, allow_unicode=True, width=100) + "\n"
        for kind, items in plan.merged.items()
        if items
    )
    if plan.write:
        tmp = target.with_suffix(".tmp")
        tmp.write_text(HEADER.format(source=source) + "\n" + body, encoding="utf-8")
        os.replace(tmp, target)
    tmp = plan.state_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(plan.state, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, plan.state_path)
