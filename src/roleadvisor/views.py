"""Plain-data views of the pack and of results: the shape of the JSON output.

Text and markdown are drawn by render.py from the same objects, so the views cannot disagree.
"""

from __future__ import annotations

from typing import Any

from roleadvisor.answers import plain_answers
from roleadvisor.conditions import describe
from roleadvisor.engine import Citation, Contribution, NextStep, Result
from roleadvisor.pack import Course, Item, Pack, Question

SECTIONS = ("factors", "skills", "tools", "projects")


def _items(items: tuple[Item, ...]) -> list[dict[str, str]]:
    return [{"id": item.id, "text": item.text} for item in items]


def compare_data(pack: Pack, role_ids: list[str], sections: tuple[str, ...]) -> dict[str, Any]:
    roles = [pack.role(role_id) for role_id in role_ids]
    data: dict[str, Any] = {"roles": [{"id": role.id, "title": role.title} for role in roles]}
    if "factors" in sections:
        data["factors"] = [
            {"id": f.id, "name": f.name, "values": {role.id: f.values[role.id] for role in roles}} for f in pack.factors
        ]
    for section in ("skills", "tools", "projects"):
        if section in sections:
            data[section] = {role.id: _items(getattr(role, section)) for role in roles}
    return data


def roles_data(pack: Pack) -> dict[str, Any]:
    return {
        "roles": [
            {
                "id": role.id,
                "title": role.title,
                "aliases": list(role.aliases),
                "definition": role.definition,
                "best_fit_when": role.best_fit_when,
            }
            for role in pack.roles
        ]
    }


def course_data(course: Course | None) -> dict[str, str] | None:
    if course is None:
        return None
    return {"id": course.id, "title": course.title, "for": course.audience}


def courses_data(pack: Pack) -> dict[str, Any]:
    return {
        "courses": [course_data(c) for c in pack.courses],
        "roadmaps": [course_data(r) for r in pack.roadmaps],
    }


def guide_data(pack: Pack) -> dict[str, Any]:
    qt = pack.quick_take
    return {
        "quick_take": {
            "summary": qt.summary,
            "main_takeaway": qt.main_takeaway,
            "recommended_direction": qt.recommended_direction,
        },
        "cards": [{"id": c.id, "title": c.title, "favours": c.favours, "bullets": list(c.bullets)} for c in pack.cards],
        "confusion": [{"id": n.id, "text": n.text} for n in pack.confusion],
        "career_goals": [
            {"id": g.id, "goal": g.goal, "advice": g.advice, "role": g.role, "next_step": g.next_step}
            for g in pack.career_goals
        ],
    }


def faq_matches(pack: Pack, query: str | None) -> list[dict[str, str]]:
    """FAQ entries whose id, question or answer contain every word of the query (all, if none)."""
    words = (query or "").lower().split()
    return [
        {"id": e.id, "question": e.question, "answer": e.answer}
        for e in pack.faq
        if all(word in f"{e.id} {e.question} {e.answer}".lower() for word in words)
    ]


def questions_data(pack: Pack) -> dict[str, Any]:
    return {"questions": [_question(q) for q in pack.questions]}


def _question(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "prompt": q.prompt,
        "help": q.help,
        "multiple": q.multiple,
        "min": q.min_choices,
        "max": q.max_choices,
        "asked_when": describe(q.when) if q.when is not None else None,
        "choices": [{"id": c.id, "label": c.label} for c in q.choices],
    }


def takes(question: dict[str, Any]) -> str:
    """How many choices a question takes, in words, and when it is asked."""
    if not question["multiple"]:
        count = "one"
    elif question["min"] == question["max"]:
        count = f"exactly {question['min']}"
    else:
        count = f"{question['min']} to {question['max']}"
    return f"{count}, asked when {question['asked_when']}" if question["asked_when"] else count


def _answer_value(pack: Pack, question_id: str, chosen: tuple[str, ...]) -> str | list[str]:
    question = pack.question(question_id)
    return list(chosen) if question is not None and question.multiple else chosen[0]


def citation_data(citation: Citation | None) -> dict[str, str] | None:
    if citation is None:
        return None
    return {"source": citation.source, "section": citation.section, "text": citation.text}


def next_step_data(step: NextStep | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {"id": step.id, "title": step.title, "for": step.audience, "because": citation_data(step.because)}


def _contribution(c: Contribution) -> dict[str, Any]:
    return {"question": c.question, "choice": c.choice, "role": c.role, "points": c.points, "source": c.source.source, "cites": c.source.text}


def result_data(pack: Pack, result: Result, explain: bool = False) -> dict[str, Any]:
    rec = result.recommendation
    data: dict[str, Any] = {
        "recommendation": {
            "role": rec.role,
            "title": rec.title,
            "target": rec.target,
            "target_title": rec.target_title,
            "pull": rec.pull,
            "confidence": rec.confidence,
            "label": rec.label,
            "rule": rec.rule,
            "because": citation_data(rec.because),
        },
        "scores": dict(result.scores),
        "strength_scale": result.strength_scale,
        "reasons": [_contribution(c) for c in result.reasons],
        "what_if": [
            {
                "question": w.question,
                "from": _answer_value(pack, w.question, w.before),
                "to": _answer_value(pack, w.question, w.after),
                "role": w.role,
                "target": w.target,
                "fact": w.fact,
                "assumes": {q: _answer_value(pack, q, a) for q, a in w.assumes.items()},
            }
            for w in result.what_if
        ],
        "what_if_complete": result.what_if_complete,
        "next_course": next_step_data(result.next_course),
        "roadmap": next_step_data(result.roadmap),
        "aim_note": citation_data(result.aim_note),
        "close_call_note": citation_data(result.close_call_note),
        "notes": [citation_data(note) for note in result.notes],
        "projects": list(result.projects),
        "answers": plain_answers(pack, result.answers),
    }
    if explain:
        data["contributions"] = [_contribution(c) for c in result.contributions]
    return data
