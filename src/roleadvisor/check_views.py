"""Views of a check report: text with bars for people, JSON numbers for scripts (no rich needed)."""

from __future__ import annotations

import json

from roleadvisor.check import (
    CheckReport,
    OutcomeMap,
    PackCheck,
    Reach,
    Share,
    ShareChange,
    count_changes,
    share_changes,
)
from roleadvisor.formats import CheckFormat

BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of block characters, to an eighth of a character."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def render_check(report: CheckReport, fmt: CheckFormat, color: bool) -> str:
    if fmt == CheckFormat.json:
        return json.dumps(check_data(report), indent=2, allow_nan=False) + "\n"
    return _Text(color).report(report)


def check_data(report: CheckReport) -> dict[str, object]:
    """The report as plain data for JSON."""
    data: dict[str, object] = {"exit_code": report.exit_code, **_pack_data(report.pack)}
    if report.against is not None:
        data["against"] = _pack_data(report.against)
        before, after = report.against.outcomes, report.pack.outcomes
        data["diff"] = _diff_data(before, after) if before is not None and after is not None else None
        data["changed_cases"] = [{"id": c.id, "before": dict(c.before), "after": dict(c.after)} for c in report.changed_cases]
    return data


def _pack_data(checked: PackCheck) -> dict[str, object]:
    return {
        "pack": checked.source,
        "errors": [{"file": p.file, "path": p.path, "message": p.message} for p in checked.errors],
        "notes": list(checked.notes),
        "reachability": [
            {"kind": r.kind, "id": r.id, "reachable": r.reachable, "confirmed": r.confirmed, "why": r.why} for r in checked.reach
        ],
        "outcomes": _outcomes_data(checked.outcomes) if checked.outcomes else None,
        "cases": [
            {"id": r.case.id, "passed": r.passed, "got": dict(r.got), "failures": list(r.failures), "decided_by": r.decided_by}
            for r in checked.cases
        ],
    }


def _outcomes_data(outcomes: OutcomeMap) -> dict[str, object]:
    def shares(items: tuple[Share, ...]) -> list[dict[str, object]]:
        return [{"id": s.id or None, "title": s.title, "count": s.count, "share": round(outcomes.share(s.count), 6)} for s in items]

    decisive = outcomes.most_decisive
    return {
        "method": outcomes.method,
        "answer_sets": outcomes.answer_sets,
        "counted": outcomes.counted,
        "seed": outcomes.seed,
        "roles": shares(outcomes.roles),
        "targets": shares(outcomes.targets),
        "rules": shares(outcomes.rules),
        "courses": shares(outcomes.courses),
        "roadmaps": shares(outcomes.roadmaps),
        "confidence": shares(outcomes.confidence),
        "ties": {"count": outcomes.ties, "share": round(outcomes.share(outcomes.ties), 6)},
        "close_calls": {"count": outcomes.close_calls, "share": round(outcomes.share(outcomes.close_calls), 6)},
        "moves": shares(outcomes.moves),
        "cut_short": list(outcomes.cut_short),
        "most_decisive": decisive.id if decisive else None,
    }


def _diff_data(before: OutcomeMap, after: OutcomeMap) -> dict[str, object]:
    def changes(items: tuple[ShareChange, ...]) -> list[dict[str, object]]:
        return [
            {"id": c.id or None, "title": c.title, "before": round(c.before, 6), "after": round(c.after, 6), "change": round(c.change, 6)}
            for c in items
        ]

    old, new = before.most_decisive, after.most_decisive
    ties_and_close_calls = count_changes(before, after)
    return {
        "roles": changes(share_changes(before, after, "roles")),
        "courses": changes(share_changes(before, after, "courses")),
        "roadmaps": changes(share_changes(before, after, "roadmaps")),
        "confidence": changes(share_changes(before, after, "confidence")),
        "ties": changes(ties_and_close_calls)[0],
        "close_calls": changes(ties_and_close_calls)[1],
        "most_decisive": {"before": old.id if old else None, "after": new.id if new else None},
    }


class _Text:
    """The text view; ANSI styles only when colour is on."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def heading(self, text: str) -> str:
        return self.style(text, "1")

    def report(self, report: CheckReport) -> str:
        lines = self.pack_lines(report.pack)
        if report.against is not None:
            lines += ["", *self.comparison(report.against, report.pack), "", *self.changed_case_lines(report)]
        return "\n".join(lines) + "\n"

    def pack_lines(self, checked: PackCheck) -> list[str]:
        lines = [self.heading(f"Pack: {checked.source}"), ""]
        if checked.errors:
            count = len(checked.errors)
            lines.append(self.style(f"{count} error{'s' if count != 1 else ''}:", "1;31"))
            lines += [f"  {problem}" for problem in checked.errors]
        else:
            lines.append(self.style("No errors.", "32"))
        lines += [f"Note: {note}" for note in checked.notes]
        if checked.reach:
            lines += ["", self.reach_line(checked.reach)]
        if checked.cases:
            passed = sum(result.passed for result in checked.cases)
            lines.append(f"Cases: {passed} of {len(checked.cases)} give the advice they expect (cases.yaml).")
        if checked.outcomes is not None:
            lines += ["", *self.outcome_lines(checked.outcomes)]
        return lines

    def reach_line(self, reach: tuple[Reach, ...]) -> str:
        parts = []
        for kind, plural in (("question", "questions"), ("role", "roles"), ("course", "courses"), ("roadmap", "roadmaps")):
            items = [r for r in reach if r.kind == kind]
            if items:
                good = sum(r.reachable for r in items)
                parts.append(f"{good} of {len(items)} {plural if len(items) != 1 else kind}")
        return f"Reachable: {', '.join(parts)}."

    def outcome_lines(self, outcomes: OutcomeMap) -> list[str]:
        if outcomes.method == "exact":
            title = f"Outcome map: all {outcomes.answer_sets:,} answer sets, counted exactly"
        else:
            title = f"Outcome map: a uniform sample of {outcomes.counted:,} of the {outcomes.answer_sets:,} answer sets (seed {outcomes.seed})"
        lines = [self.heading(title)]
        for heading, shares in (
            ("Role to start in", outcomes.roles),
            ("Role to aim for", outcomes.targets),
            ("What decided the start (the page's rules, else the weights)", outcomes.rules),
            ("Next course", outcomes.courses),
            ("Roadmap", outcomes.roadmaps),
            ("Confidence", outcomes.confidence),
        ):
            if shares:
                lines += ["", self.heading(heading), *self.bars(outcomes, [(s.title, s.count) for s in shares])]
        lines += ["", self.heading("Ties and close calls"), *self.bars(outcomes, [("Exact ties", outcomes.ties), ("Close calls", outcomes.close_calls)])]
        lines += ["", self.heading("Answer sets where changing only this answer can change the role to start in")]
        lines += self.bars(outcomes, [(s.id, s.count) for s in outcomes.moves])
        decisive = outcomes.most_decisive
        if decisive is None:
            lines += ["", "Most decisive question: none (no single answer change alters a recommendation)"]
        else:
            lines += ["", f"Most decisive question: {decisive.id} ({outcomes.share(decisive.count):.1%} of answer sets)"]
        return lines

    def bars(self, outcomes: OutcomeMap, rows: list[tuple[str, int]]) -> list[str]:
        width = max(len(name) for name, _ in rows)
        return [
            f"  {name.ljust(width)}  {self.style(bar(outcomes.share(count)), '36')} {outcomes.share(count):6.1%}  {count:>{len(f'{outcomes.counted:,}')},}"
            for name, count in rows
        ]

    def comparison(self, before_check: PackCheck, after_check: PackCheck) -> list[str]:
        lines = [self.heading(f"Compared with {before_check.source} (before) -> this pack (after)")]
        before, after = before_check.outcomes, after_check.outcomes
        if before is None or after is None:
            missing = before_check if before is None else after_check
            reason = f"{len(missing.errors)} error(s)" if missing.errors else "no outcome map"
            return [*lines, f"  No comparison: {missing.source} has {reason}."]
        if before_check.errors:
            lines += [f"  ({before_check.source} itself has {len(before_check.errors)} error(s).)"]
        for heading, part in (("Role to start in", "roles"), ("Role to aim for", "targets"), ("Next course", "courses"), ("Roadmap", "roadmaps"), ("Confidence", "confidence")):
            changes = share_changes(before, after, part)
            if changes:
                lines += ["", self.heading(heading), *self.change_rows(changes)]
        lines += ["", self.heading("Ties and close calls"), *self.change_rows(count_changes(before, after))]
        old, new = before.most_decisive, after.most_decisive
        lines += ["", f"Most decisive question: {old.id if old else 'none'} -> {new.id if new else 'none'}"]
        return lines

    def changed_case_lines(self, report: CheckReport) -> list[str]:
        if not report.changed_cases:
            return [self.heading("Cases whose advice changed: none")]
        lines = [self.heading("Cases whose advice changed")]
        for case in report.changed_cases:
            moves = [f"{key} {case.before[key]} -> {case.after[key]}" for key in case.after if case.before.get(key) != case.after[key]]
            lines.append(f"  {case.id}: {'; '.join(moves)}")
        return lines

    def change_rows(self, changes: tuple[ShareChange, ...]) -> list[str]:
        width = max(len(c.title) for c in changes)
        rows = []
        for c in changes:
            delta = c.change * 100
            text = f"{delta:+.1f} pts" if round(delta, 1) != 0 else "no change"
            rows.append(f"  {c.title.ljust(width)}  {c.before:6.1%} -> {c.after:6.1%}  {text}")
        return rows
