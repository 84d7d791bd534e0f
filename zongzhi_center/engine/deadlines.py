"""Deadline rules (限时办结): which rule applies to a case, and when its accept-by and resolve-by fall.

A rule names a review level (复查/复核 of a petition), a matter type, a tier, a case category and a risk
colour, each optional (blank = any), and gives an accept-by and a resolve-by budget in working days,
working hours or calendar days. When several rules match, the most specific one wins: a rule for the
review level beats one that doesn't name it (a 复查 has its own clock in law), then one naming the colour
(red cases get their own, shorter deadlines, within the law's), then the rule naming the nearest category
(a rule for 土地纠纷 beats one for its parent 民事纠纷: an administrator who names a category means it),
then one naming the matter type (the law's clock for petitions and mediations, the default for its kind),
then one naming the tier; left over ties go to the stricter resolve-by, then the name.

Past its deadline a case is graded: overdue, then moderately overdue some working days later, then
seriously overdue (分级超期); before it, due soon some working time ahead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from zongzhi_center.engine.worktime import CalendarError, Pause, WorkCalendar

DAYS = "Working Days"
HOURS = "Working Hours"
# days as the law counts them (日 in the 信访工作条例): every day, the day it starts not counted, a last day
# that is a day off moved to the next working day (民法典 Art. 203), ending when the office closes
CALENDAR_DAYS = "Calendar Days"
UNITS = (DAYS, HOURS, CALENDAR_DAYS)

ON_TRACK = "On Track"
DUE_SOON = "Due Soon"
OVERDUE = "Overdue"
PAUSED = "Paused"

# grades of a case against its deadline, in order (分级超期)
GRADE_DUE_SOON = "Due Soon"
GRADE_OVERDUE = "Overdue"
GRADE_MODERATE = "Moderately Overdue"
GRADE_SERIOUS = "Seriously Overdue"
GRADES = ("", GRADE_DUE_SOON, GRADE_OVERDUE, GRADE_MODERATE, GRADE_SERIOUS)


@dataclass(frozen=True)
class Budget:
	value: float
	unit: str = DAYS

	def __post_init__(self):
		if self.unit not in UNITS:
			raise CalendarError(f"unknown unit {self.unit!r}")
		if self.value < 0:
			raise CalendarError("a time limit cannot be negative")
		if self.unit in (DAYS, CALENDAR_DAYS) and self.value != int(self.value):
			raise CalendarError("days are whole days")

	def amount(self, calendar: WorkCalendar, start: datetime) -> timedelta:
		"""The working time this budget gives a clock started at ``start``."""
		if self.unit == HOURS:
			return timedelta(hours=self.value)
		return calendar.working_time(start, self.end(calendar, start))

	def end(self, calendar: WorkCalendar, start: datetime) -> datetime:
		"""Where a day budget ends, counted from ``start``, without pauses."""
		if self.unit == CALENDAR_DAYS:
			return add_calendar_days(calendar, start, int(self.value))
		return calendar.add_working_days(start, int(self.value))


def add_calendar_days(calendar: WorkCalendar, start: datetime, days: int) -> datetime:
	"""End of the ``days``-th day after the day of ``start`` (that day not counted), or, when that day is a
	day off, of the next working day after it."""
	last = start.date() + timedelta(days=days)
	if not calendar.is_working_day(last):
		last = calendar.next_working_day(last)
	return calendar.end_of_day(last)


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
	matter_type: str | None = None
	review_level: str | None = None
	# working days before the deadline from which the case is due soon (None: the caller's default)
	warn_before_days: int | None = None
	# working days past the deadline after which it is moderately, then seriously overdue (None: never)
	moderate_after_days: int | None = None
	serious_after_days: int | None = None

	def matches(
		self,
		tier: str | None,
		category_path: Sequence[str],
		colour: str | None,
		matter_type: str | None = None,
		review_level: str | None = None,
	) -> bool:
		return (
			(self.tier is None or self.tier == tier)
			and (self.colour is None or self.colour == colour)
			and (self.category is None or self.category in category_path)
			and (self.matter_type is None or self.matter_type == matter_type)
			and (self.review_level is None or self.review_level == review_level)
		)

	def specificity(self, category_path: Sequence[str]) -> tuple[int, int, int, int, int]:
		# category_path runs from the case's own category up to the root: nearer = more specific
		category_rank = len(category_path) - list(category_path).index(self.category) if self.category else 0
		return (
			self.review_level is not None,
			self.colour is not None,
			category_rank,
			self.matter_type is not None,
			self.tier is not None,
		)


def pick_rule(
	rules: Iterable[DeadlineRule],
	tier: str | None,
	category_path: Sequence[str],
	colour: str | None,
	calendar: WorkCalendar | None = None,
	start: datetime | None = None,
	matter_type: str | None = None,
	review_level: str | None = None,
) -> DeadlineRule | None:
	"""The rule for a case at ``tier`` with a category (and its ancestors, nearest first), colour, matter
	type and review level."""
	return break_tie(
		most_specific(rules, tier, category_path, colour, matter_type, review_level), calendar, start
	)


def most_specific(
	rules: Iterable[DeadlineRule],
	tier: str | None,
	category_path: Sequence[str],
	colour: str | None,
	matter_type: str | None = None,
	review_level: str | None = None,
) -> list[DeadlineRule]:
	"""The matching rules that are the most specific for the case (pick_rule): one, or several tied,
	or none. Depends on the case's fields alone, not its times: a caller may keep it for many cases."""
	matching = [
		rule for rule in rules if rule.matches(tier, category_path, colour, matter_type, review_level)
	]
	if not matching:
		return []
	best = max(rule.specificity(category_path) for rule in matching)
	return [rule for rule in matching if rule.specificity(category_path) == best]


def break_tie(
	tied: Sequence[DeadlineRule], calendar: WorkCalendar | None = None, start: datetime | None = None
) -> DeadlineRule | None:
	"""Among equally specific rules, the one with the stricter resolve-by for a clock started at
	``start``, then the first by name."""
	if not tied:
		return None
	if len(tied) == 1:
		return tied[0]

	def strictness(rule: DeadlineRule) -> timedelta:
		if rule.resolve is None:
			return timedelta.max
		if calendar is None or start is None:
			# without a calendar compare hours with days by a nominal 8-hour day (a calendar day as 24)
			per_unit = {DAYS: 8, HOURS: 1, CALENDAR_DAYS: 24}[rule.resolve.unit]
			hours = rule.resolve.value * per_unit
			return timedelta(hours=hours)
		return rule.resolve.amount(clock_for(calendar, rule), start)

	# strictness walks the calendar: only worked out between rules equally specific
	return min(tied, key=lambda r: (strictness(r), r.name))


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
	if budget.unit != HOURS and not pauses:
		# the same moment as below, without walking the days twice
		return budget.end(calendar, start)
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


def working_time_before(calendar: WorkCalendar, end: datetime, amount: timedelta) -> datetime:
	"""The earliest moment from which at most ``amount`` of working time is left until ``end``."""
	if amount <= timedelta():
		return end
	remaining = amount
	day = end.date()
	idle_days = 0
	while True:
		intervals = calendar.day_intervals(day)
		idle_days = 0 if intervals else idle_days + 1
		if idle_days > 3660:
			raise CalendarError("no working day in the ten years before")
		for begin, finish in reversed(intervals):
			if begin >= end:
				continue
			finish = min(finish, end)
			if finish - begin > remaining:
				return finish - remaining
			remaining -= finish - begin
		day -= timedelta(days=1)


@dataclass(frozen=True)
class Grading:
	"""The moments a case's grade changes: due soon, overdue (just after the deadline), moderately and
	seriously overdue; a moment is None when the rule sets no such grade."""

	due_soon_at: datetime | None
	due: datetime | None
	moderate_at: datetime | None
	serious_at: datetime | None

	def grade(self, now: datetime, paused: bool = False) -> str:
		if self.due is None:
			return ""
		if now > self.due:
			if self.serious_at is not None and now > self.serious_at:
				return GRADE_SERIOUS
			if self.moderate_at is not None and now > self.moderate_at:
				return GRADE_MODERATE
			return GRADE_OVERDUE
		if not paused and self.due_soon_at is not None and now >= self.due_soon_at:
			return GRADE_DUE_SOON
		return ""

	def next_change(self, now: datetime, paused: bool = False) -> datetime | None:
		"""The first moment after ``now`` at which the grade (or the clock's state) can change; None when
		nothing changes without a new event (a pause ends, the case is saved, a rule changes)."""
		if self.due is None:
			return None
		moments = [self.due + timedelta(seconds=1)]
		if not paused and self.due_soon_at is not None:
			moments.append(self.due_soon_at)
		for moment in (self.moderate_at, self.serious_at):
			if moment is not None:
				moments.append(moment + timedelta(seconds=1))
		later = [m for m in moments if m > now]
		return min(later) if later else None


def grading(
	calendar: WorkCalendar,
	due: datetime | None,
	warn_before: timedelta,
	moderate_after_days: int | None = None,
	serious_after_days: int | None = None,
) -> Grading:
	"""The grade moments of a deadline ``due`` on the rule's clock: due soon ``warn_before`` of working
	time ahead, moderately and seriously overdue at the end of the N-th working day after it."""
	if due is None:
		return Grading(None, None, None, None)
	# the same for every case with the same deadline under the same rule: worked out once a calendar
	key = ("grading", due, warn_before, moderate_after_days, serious_after_days)
	known = calendar.memo.get(key)
	if known is not None:
		return known

	def after(days: int | None) -> datetime | None:
		return calendar.add_working_days(due, days) if days else None

	return calendar.remember(
		key,
		Grading(
			due_soon_at=working_time_before(calendar, due, warn_before),
			due=due,
			moderate_at=after(moderate_after_days),
			serious_at=after(serious_after_days),
		),
	)
