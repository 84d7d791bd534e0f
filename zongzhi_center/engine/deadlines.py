"""Deadline rules (限时办结): which rule applies to a case, and when its accept-by and resolve-by fall.

A rule names a tier, a case category and a risk colour, each optional (blank = any), and gives an
accept-by and a resolve-by budget in working days or working hours. When several rules match, the
most specific one wins: a rule naming the colour beats one that doesn't (red cases get their own,
shorter deadlines), then the rule naming the nearest category (a rule for 土地纠纷 beats one for its
parent 民事纠纷), then one naming the tier; left over ties go to the stricter resolve-by, then the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from zongzhi_center.engine.worktime import CalendarError, Pause, WorkCalendar

DAYS = "Working Days"
HOURS = "Working Hours"
UNITS = (DAYS, HOURS)

ON_TRACK = "On Track"
DUE_SOON = "Due Soon"
OVERDUE = "Overdue"
PAUSED = "Paused"


@dataclass(frozen=True)
class Budget:
	value: float
	unit: str = DAYS

	def __post_init__(self):
		if self.unit not in UNITS:
			raise CalendarError(f"unknown unit {self.unit!r}")
		if self.value < 0:
			raise CalendarError("a time limit cannot be negative")
		if self.unit == DAYS and self.value != int(self.value):
			raise CalendarError("working days are whole days")

	def amount(self, calendar: WorkCalendar, start: datetime) -> timedelta:
		"""The working time this budget gives a clock started at ``start``."""
		if self.unit == HOURS:
			return timedelta(hours=self.value)
		return calendar.working_time(start, calendar.add_working_days(start, int(self.value)))


@dataclass(frozen=True)
class DeadlineRule:
	name: str
	accept: Budget | None
	resolve: Budget | None
	tier: str | None = None
	category: str | None = None
	colour: str | None = None
	# run on calendar time (every hour of every day) instead of the working calendar
	calendar_time: bool = False
	# when the resolve-by passes, move the case one tier up and start a new clock there
	auto_escalate: bool = False

	def matches(self, tier: str | None, category_path: Sequence[str], colour: str | None) -> bool:
		return (
			(self.tier is None or self.tier == tier)
			and (self.colour is None or self.colour == colour)
			and (self.category is None or self.category in category_path)
		)

	def specificity(self, category_path: Sequence[str]) -> tuple[int, int, int]:
		# category_path runs from the case's own category up to the root: nearer = more specific
		category_rank = len(category_path) - list(category_path).index(self.category) if self.category else 0
		return (self.colour is not None, category_rank, self.tier is not None)


def pick_rule(
	rules: Iterable[DeadlineRule],
	tier: str | None,
	category_path: Sequence[str],
	colour: str | None,
	calendar: WorkCalendar | None = None,
	start: datetime | None = None,
) -> DeadlineRule | None:
	"""The rule for a case at ``tier`` with a category (and its ancestors, nearest first) and colour."""
	matching = [rule for rule in rules if rule.matches(tier, category_path, colour)]
	if not matching:
		return None

	def strictness(rule: DeadlineRule) -> timedelta:
		if rule.resolve is None:
			return timedelta.max
		if calendar is None or start is None:
			# without a calendar compare hours with days by a nominal 8-hour day
			hours = rule.resolve.value * (8 if rule.resolve.unit == DAYS else 1)
			return timedelta(hours=hours)
		return rule.resolve.amount(clock_for(calendar, rule), start)

	return min(
		matching,
		key=lambda r: (tuple(-x for x in r.specificity(category_path)), strictness(r), r.name),
	)


@dataclass(frozen=True)
class Deadlines:
	accept_by: datetime | None
	resolve_by: datetime | None


def clock_for(calendar: WorkCalendar, rule: DeadlineRule) -> WorkCalendar:
	"""The calendar a rule's time runs on: the working calendar, or every hour of every day."""
	return WorkCalendar.continuous() if rule.calendar_time else calendar


def due_at(
	calendar: WorkCalendar, start: datetime, budget: Budget | None, pauses: Sequence[Pause] = ()
) -> datetime | None:
	"""When a budget started at ``start`` runs out, the pauses not counted; None with no budget or
	while an open pause holds the clock before it runs out."""
	if budget is None:
		return None
	if budget.unit == DAYS and not pauses:
		# the same moment as below, without walking the days twice
		return calendar.add_working_days(start, int(budget.value))
	return calendar.add_working_time(start, budget.amount(calendar, start), pauses)


def deadlines_for(
	rule: DeadlineRule,
	calendar: WorkCalendar,
	received_at: datetime,
	accepted_at: datetime | None = None,
	pauses: Sequence[Pause] = (),
) -> Deadlines:
	"""Accept-by runs from receipt; resolve-by from acceptance (or receipt, before acceptance)."""
	clock = clock_for(calendar, rule)
	return Deadlines(
		accept_by=due_at(clock, received_at, rule.accept, pauses),
		resolve_by=due_at(clock, accepted_at or received_at, rule.resolve, pauses),
	)


def clock_state(
	due: datetime | None,
	now: datetime,
	paused: bool = False,
	warn_before: timedelta = timedelta(hours=24),
	left: timedelta | None = None,
) -> str:
	"""On Track / Due Soon / Overdue / Paused. ``left`` is the working time left (see time_left); without
	it the wall-clock time to ``due`` is used. An overdue case stays overdue while paused: pausing after
	the deadline has passed does not hide the breach."""
	if due is not None and now > due:
		return OVERDUE
	if paused:
		return PAUSED
	if due is not None and (due - now if left is None else left) <= warn_before:
		return DUE_SOON
	return ON_TRACK


def time_left(
	calendar: WorkCalendar, now: datetime, due: datetime | None, pauses: Sequence[Pause] = ()
) -> timedelta | None:
	"""Working time left until ``due`` (negative once it has passed), pauses not counted."""
	if due is None:
		return None
	return calendar.working_time(now, due, pauses)
