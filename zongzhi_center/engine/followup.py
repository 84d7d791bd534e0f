"""跟踪回访: when follow-up visits fall after a case is resolved — configurable offsets in days (e.g. 7 and
30), each moved to the next working day when it falls on a day off — and the satisfaction rate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from zongzhi_center.engine.worktime import WorkCalendar


def parse_offsets(text: str | None) -> list[int]:
	"""'7, 30' or '7 30' or '7，30' → [7, 30]: positive whole days, sorted, without repeats."""
	parts = [p for p in (text or "").replace("，", ",").replace(" ", ",").split(",") if p.strip()]
	days = set()
	for part in parts:
		if not part.strip().isdigit() or int(part) <= 0:
			raise ValueError(f"not a positive number of days: {part!r}")
		days.add(int(part))
	return sorted(days)


def visit_dates(resolved_on: date, offsets: Iterable[int], calendar: WorkCalendar) -> list[date]:
	dates = []
	for offset in offsets:
		day = resolved_on + timedelta(days=offset)
		if not calendar.is_working_day(day):
			day = calendar.next_working_day(day)
		if day not in dates:
			dates.append(day)
	return dates


def satisfaction_rate(answers: Iterable[bool | None]) -> float | None:
	"""Share of satisfied answers among the visits that got an answer; None when none did."""
	given = [a for a in answers if a is not None]
	return sum(given) / len(given) if given else None
