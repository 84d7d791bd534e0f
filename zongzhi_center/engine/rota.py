"""Stationed staff rota (常驻/轮驻/随驻): who is here at a given moment, and whom to pick for a case.

Resident staff (常驻) are on duty every working day; rotating staff (轮驻) on the weekday half-days of
their rota; on-call staff (随驻) only when summoned. Recorded absences (考勤) take a half-day off the
rota. Picking a mediator ranks those on duty, then those on call, by how much of the needed
expertise they bring and by their open workload.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from zongzhi_center.engine.worktime import WorkCalendar

RESIDENT = "Resident"
ROTATING = "Rotating"
ON_CALL = "On-call"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MORNING = "Morning"
AFTERNOON = "Afternoon"
FULL_DAY = "Full Day"
NOON = time(12, 0)

ON_DUTY = "On Duty"
AVAILABLE_ON_CALL = "On Call"
ABSENT = "Absent"
OFF_DUTY = "Off Duty"
INACTIVE = "Inactive"


def half_day_of(at: datetime) -> str:
	return MORNING if at.time() < NOON else AFTERNOON


@dataclass(frozen=True)
class Staff:
	name: str
	mode: str
	# (weekday name, "Morning" | "Afternoon" | "Full Day") pairs; rotating staff only
	slots: frozenset[tuple[str, str]] = frozenset()
	expertise: frozenset[str] = frozenset()
	active_from: date | None = None
	active_to: date | None = None
	open_cases: int = 0
	# recorded absences: (day, "Morning" | "Afternoon" | "Full Day")
	absences: frozenset[tuple[date, str]] = frozenset()

	def active_on(self, day: date) -> bool:
		return (self.active_from is None or self.active_from <= day) and (
			self.active_to is None or day <= self.active_to
		)

	def scheduled(self, day: date, half: str, calendar: WorkCalendar) -> bool:
		"""On the rota for this half-day (absences aside)."""
		if not calendar.is_working_day(day):
			return False
		if self.mode == RESIDENT:
			return True
		if self.mode == ROTATING:
			weekday = WEEKDAYS[day.weekday()]
			return (weekday, FULL_DAY) in self.slots or (weekday, half) in self.slots
		return False

	def absent(self, day: date, half: str) -> bool:
		return (day, FULL_DAY) in self.absences or (day, half) in self.absences


def availability(staff: Staff, at: datetime, calendar: WorkCalendar) -> str:
	day, half = at.date(), half_day_of(at)
	if not staff.active_on(day):
		return INACTIVE
	if staff.mode == ON_CALL:
		return ABSENT if staff.absent(day, half) else AVAILABLE_ON_CALL
	if not staff.scheduled(day, half, calendar):
		return OFF_DUTY
	return ABSENT if staff.absent(day, half) else ON_DUTY


@dataclass(frozen=True)
class DayRow:
	staff: Staff
	morning: str
	afternoon: str


def day_roster(staff: Iterable[Staff], day: date, calendar: WorkCalendar) -> list[DayRow]:
	"""'Who is here today': each active member's morning and afternoon availability."""
	rows = []
	for member in staff:
		if not member.active_on(day):
			continue
		morning = availability(member, datetime.combine(day, time(9)), calendar)
		afternoon = availability(member, datetime.combine(day, time(15)), calendar)
		rows.append(DayRow(member, morning, afternoon))
	order = {ON_DUTY: 0, AVAILABLE_ON_CALL: 1, ABSENT: 2, OFF_DUTY: 3}
	rows.sort(key=lambda r: (min(order[r.morning], order[r.afternoon]), r.staff.name))
	return rows


@dataclass(frozen=True)
class Suggestion:
	staff: Staff
	availability: str
	matched: frozenset[str]


def suggest(
	staff: Iterable[Staff], at: datetime, calendar: WorkCalendar, needed: Iterable[str] = ()
) -> list[Suggestion]:
	"""Staff who can take a case now: on duty or on call, best expertise match first, then those
	on duty before those on call, then the lightest open workload."""
	needed = frozenset(needed)
	found = []
	for member in staff:
		state = availability(member, at, calendar)
		if state in (ON_DUTY, AVAILABLE_ON_CALL):
			found.append(Suggestion(member, state, member.expertise & needed))
	found.sort(key=lambda s: (-len(s.matched), s.availability != ON_DUTY, s.staff.open_cases, s.staff.name))
	return found


def team_for(needed: Sequence[str], suggestions: Sequence[Suggestion]) -> dict[str, Suggestion | None]:
	"""One person per needed expertise (a medical-dispute mediator and a psychologist, say), each
	the best-ranked suggestion who has it and is not already on the team; None where nobody has it."""
	team: dict[str, Suggestion | None] = {}
	taken: set[str] = set()
	for expertise in needed:
		pick = next(
			(s for s in suggestions if expertise in s.matched and s.staff.name not in taken),
			None,
		)
		if pick is None:
			# someone already on the team may cover it too
			pick = next((s for s in suggestions if expertise in s.matched), None)
		if pick is not None:
			taken.add(pick.staff.name)
		team[expertise] = pick
	return team
