"""The debrief an interviewer writes after a loop: per principle, the evidence, a signal and why.

Signal rules (explicit, in this order):
- not inclined: no answer for the principle; no story recognised; no result even after the
  follow-ups; or merged bullet coverage under 0.3.
- strong: merged coverage at least 0.6, a quantified result, "I" at least as often as "we" in
  the actions, the answer finished within its time limit (a cut-off answer is never strong), and
  it spoke of what the question asks (a word the question listens for was heard, or the question
  lists none).
- inclined: anything between.
The one next thing to practise is the first gap found, in the order the reasons are listed.
"""

from __future__ import annotations

from voice_coach.bank.model import Bank
from voice_coach.history.store import Attempt, SessionRecord
from voice_coach.scoring.followups import action_pronouns
from voice_coach.scoring.model import AnswerReport
from voice_coach.scoring.relevance import listened_for
from voice_coach.scoring.text import QUANTITY
from voice_coach.units import mmss


def result_quote(report: AnswerReport) -> str:
    """The words that make the result quantified: a Result sentence with a number or amount, else
    a follow-up's answer that brought one ("" when there is none)."""
    for s in report.sentences:
        if s.part == "result" and QUANTITY.search(s.text):
            return s.text
    for p in report.probes or []:
        if p.quantified_now:
            return p.transcript
    return ""


def story_reuse(answers: list[Attempt]) -> list[dict]:
    """Stories told to more than one interviewer of the loop (interviewers compare notes)."""
    told: dict[str, list[str]] = {}
    for a in answers:
        story = a.report.story.id if a.report else None
        who = a.interviewer
        if story and who and not story.startswith("rubric:") and who not in told.setdefault(story, []):
            told[story].append(who)
    return [{"story": s, "interviewers": who} for s, who in told.items() if len(who) > 1]


def _answer(a: Attempt) -> dict:
    r = a.report
    assert r is not None  # session_answers holds scored answers only
    m = r.totals()
    i, we = action_pronouns(r)
    covered = set(m.covered)
    quotes = [b.evidence for b in r.bullets if b.covered and b.evidence][:3]
    for p in r.probes or []:
        if p.recovered_bullets or p.recovered_parts:
            quotes.append(f'(after "{p.text}") {p.transcript}')
    d = r.delivery
    ending = r.ending
    probes = r.probes or []
    return {
        "attempt": a.id,
        "question": r.question.text,
        "question_id": r.question.id,
        "interviewer": a.interviewer,
        "story": r.story.id,
        "general_talk": r.story.general_talk,
        "rubric": r.rubric,
        "coverage": m.coverage,
        "covered": [b.text for b in r.bullets if b.id in covered],
        "missed": r.missed(),
        "result": "result" in m.star_present,
        "quantified": m.quantified_result,
        "result_quote": result_quote(r) if m.quantified_result else "",
        "cut_off": bool(ending and ending.cut_off),
        "limit_s": ending.limit_s if ending else None,
        "follow_ups_skipped": ending.follow_ups_skipped if ending else 0,
        "follow_ups_asked": len(probes),
        "follow_ups_unanswered": sum(not p.answered for p in probes),
        # None: the question lists no words to listen for (notes' questions), so it is not judged
        "addresses": m.addresses,
        "asks": r.relevance.asks if r.relevance else "",
        "look_for": listened_for(r.relevance) if r.relevance else "",
        "i_actions": i,
        "we_actions": we,
        "evidence": quotes,
        "follow_ups": [
            {
                "rule": p.rule,
                "text": p.text,
                "recovered_bullets": len(p.recovered_bullets),
                "recovered_parts": p.recovered_parts + (["number"] if p.quantified_now else []),
            }
            for p in r.probes or []
        ],
        "delivery": {
            "duration_s": r.audio.duration_s,
            "wpm": d.wpm,
            "fillers_per_min": d.fillers.per_min,
            "long_pauses": d.long_pauses,
            "situation_share": r.star.situation.share,
        },
    }


def signal(answers: list[dict]) -> tuple[str, list[str], str]:
    """(signal, reasons, next thing to practise) for one principle's answers."""
    if not answers:
        return "not inclined", ["no answer for this principle"], "answer a question for this principle"
    best = max(answers, key=lambda a: a["coverage"])
    reasons: list[str] = []
    nexts: list[str] = []
    bad = False
    if not best["story"]:
        reasons.append(
            "no story: the answer speaks in general, of what you usually do"
            if best.get("general_talk")
            else "no story of yours was recognised in the answer"
        )
        nexts.append("tell one of your stories for this principle, bullet by bullet")
        bad = True
    if best.get("addresses") is False:
        reasons.append(
            f"may not answer the question asked ({best['asks']}): none of its words was heard "
            f"({best['look_for']})"
        )
        nexts.append(f"answer what was asked, in its words: {best['asks']}")
    if best["cut_off"]:
        reasons.append(f"cut off at the time limit ({mmss(best['limit_s'])}): the answer did not finish")
        nexts.append("finish within the time: a shorter situation, then the actions and the result")
    if not best["result"]:
        reasons.append("no result" + _after_follow_ups(best))
        nexts.append("end with the result: what changed, and how you knew")
        bad = True
    elif not best["quantified"]:
        reasons.append("the result has no number")
        nexts.append("put a number on the result (how much, how many, how fast)")
    else:
        reasons.append(
            f'a quantified result: "{best["result_quote"]}"'
            if best["result_quote"]
            else "a quantified result"
        )
    if best["coverage"] < 0.3:
        reasons.append(f"coverage {best['coverage']:.0%} of the story's bullets (under 30%)")
        bad = True
    elif best["coverage"] < 0.6:
        reasons.append(f"coverage {best['coverage']:.0%} of the story's bullets (under 60%)")
    else:
        reasons.append(f"coverage {best['coverage']:.0%} of the story's bullets")
    if best["missed"]:
        nexts.append(f"tell this part too: {best['missed'][0]}")
    if best["we_actions"] > best["i_actions"]:
        reasons.append(f"'we' ({best['we_actions']}) over 'I' ({best['i_actions']}) in the actions")
        nexts.append("say what you did: 'I' for your own actions")
    if (best["delivery"]["situation_share"] or 0) > 1 / 3:
        reasons.append(f"situation took {best['delivery']['situation_share']:.0%} of the time")
        nexts.append("cut the situation to a fifth of the answer")
    recovered = sum(f["recovered_bullets"] + len(f["recovered_parts"]) for f in best["follow_ups"])
    if recovered:
        reasons.append(f"follow-ups recovered {recovered} missing part(s): say them the first time")
    if bad:
        level = "not inclined"
    elif (
        best["coverage"] >= 0.6
        and best["quantified"]
        and best["we_actions"] <= best["i_actions"]
        and not best["cut_off"]
        and best.get("addresses") is not False
    ):
        level = "strong"
    else:
        level = "inclined"
    return level, reasons, (nexts[0] if nexts else "keep it: practise a second story for this principle")


def _after_follow_ups(answer: dict) -> str:
    """What the follow-ups did about a missing result, as the facts say."""
    asked, skipped, silent = (
        answer["follow_ups_asked"],
        answer["follow_ups_skipped"],
        answer["follow_ups_unanswered"],
    )
    if skipped and not asked:
        return f": {skipped} follow-up(s) skipped for time, so it was not asked for"
    if asked:
        unanswered = f", {silent} of them unanswered" if silent else ""
        more = f"; {skipped} more skipped for time" if skipped else ""
        return f", even after {asked} follow-up(s){unanswered}{more}"
    return " (no follow-up was asked)"


def build(bank: Bank, session: SessionRecord, answers: list[Attempt]) -> dict:
    """The debrief of a session: per principle of its loop's plan (answered or not), otherwise per
    principle answered."""
    plan = session.plan or {}
    principles = [s["principle"] for s in plan.get("steps", []) if s.get("principle")]
    by_principle: dict[str, list[dict]] = {}
    rubrics = []
    for a in answers:
        item = _answer(a)
        if item["rubric"]:
            rubrics.append(item)
        elif a.principle:
            by_principle.setdefault(a.principle, []).append(item)
    order = list(dict.fromkeys(principles)) + [p for p in by_principle if p not in principles]
    rows = []
    for pid in order:
        items = by_principle.get(pid, [])
        level, reasons, nxt = signal(items)
        rows.append(
            {
                "principle": pid,
                "name": bank.principles[pid].name if pid in bank.principles else pid,
                "answers": items,
                "coverage": round(max((x["coverage"] for x in items), default=0.0), 3),
                "signal": level,
                "reasons": reasons,
                "next": nxt,
            }
        )
    return {
        "session": session.id,
        "kind": session.kind,
        "loop": plan.get("loop"),
        "principles": rows,
        "rubrics": [
            {
                "rubric": r["rubric"],
                "question": r["question"],
                "coverage": r["coverage"],
                "covered": r["covered"],
                "missed": r["missed"],
            }
            for r in rubrics
        ],
        "story_reuse": story_reuse(answers),
    }
