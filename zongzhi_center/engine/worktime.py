"""Working time: the clock that case deadlines run on (限时办结).

A ``WorkCalendar`` knows which days are worked — weekends off, public holidays off, and the weekend
days that are worked instead (调休) — and the working periods of a working day. A case's clock runs
only inside working periods and stops while the case is paused (waiting for a party, in court
confirmation, …).

Plain Python with no Frappe import, so the rules are tested without a site; the ZZ Work Calendar
DocType builds one of these from what the administrator entered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

# a calendar with no working day in ten years is a configuration error, not a long wait
MAX_SEARCH_DAYS = 3660
MINUTES_PER_DAY = 24 * 60
# answers a calendar remembers (WorkCalendar.memo) before it starts afresh: about a megabyte, in every worker
# that holds the calendar (a run over 100,000 cases takes as long with 4,096 as with 50,000)
MEMO_SIZE = 4096

Interval = tuple[datetime, datetime]
# a pause that has not ended yet has None as its end
Pause = tuple[datetime, datetime | None]


class CalendarError(ValueError):
	"""The calendar cannot answer: bad periods, or no working day ahead."""


def parse_minutes(value: time | str | int) -> int:
	"""Minutes after midnight for a time, an "HH:MM[:SS]" string or minutes; "24:00" is the day's end."""
	if isinstance(value, int):
		minutes = value
	elif isinstance(value, time):
		minutes = value.hour * 60 + value.minute
	else:
		parts = str(value).strip().split(":")
		if len(parts) < 2 or not all(p.isdigit() for p in parts):
			raise CalendarError(f"not a time of day: {value!r}")
		minutes = int(parts[0]) * 60 + int(parts[1])
	if not 0 <= minutes <= MINUTES_PER_DAY:
		raise CalendarError(f"not a time of day: {value!r}")
	return minutes


@dataclass(frozen=True)
class WorkCalendar:
	# working periods of a day in minutes after midnight, e.g. 08:30–12:00 and 14:00–17:30
	periods: tuple[tuple[int, int], ...] = ((8 * 60 + 30, 12 * 60), (14 * 60, 17 * 60 + 30))
	# date.weekday() numbers that are days off unless listed in workdays (5 = Saturday, 6 = Sunday)
	weekend: frozenset[int] = frozenset({5, 6})
	# days off that would otherwise be worked (法定节假日)
	holidays: frozenset[date] = frozenset()
	# days worked that would otherwise be off (调休上班)
	workdays: frozenset[date] = frozenset()
	# a day's working intervals, computed once per calendar (the scheduled job asks for the same days
	# for thousands of cases)
	_days: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)
	# answers that depend on the calendar alone (where N working days after a day end, the working time
	# between two moments, a deadline's grade moments), remembered for the calendar's life: a run of the
	# job over every open case asks the same few hundred questions for a hundred thousand cases
	memo: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

	def __post_init__(self):
		if not self.periods:
			raise CalendarError("a working day needs at least one working period")
		previous_end = -1
		for start, end in self.periods:
			if not 0 <= start < end <= MINUTES_PER_DAY:
				raise CalendarError(f"working period {start}–{end} is empty or outside the day")
			if start < previous_end:
				raise CalendarError("working periods overlap or are out of order")
			previous_end = end
		if self.holidays & self.workdays:
			raise CalendarError("a day cannot be both a holiday and an adjusted working day")

	def __getstate__(self):
		# what a calendar remembers is not kept with it (in the cache of rules): it is worked out again
		return {k: v for k, v in self.__dict__.items() if k not in ("_days", "memo")}

	def __setstate__(self, state):
		# also a calendar kept in the cache by an earlier version, which had fewer of these fields
		self.__dict__.update({"_days": {}, "memo": {}, **state})

	@classmethod
	def build(
		cls,
		periods: Iterable[tuple[time | str | int, time | str | int]],
		weekend: Iterable[int] = (5, 6),
		holidays: Iterable[date] = (),
		workdays: Iterable[date] = (),
	) -> WorkCalendar:
		minutes = sorted((parse_minutes(s), parse_minutes(e)) for s, e in periods)
		return cls(
			periods=tuple(minutes),
			weekend=frozenset(weekend),
			holidays=frozenset(holidays),
			workdays=frozenset(workdays),
		)

	@classmethod
	def continuous(cls) -> WorkCalendar:
		"""Calendar time: every day, all day (for rules that run on the wall clock, e.g. red cases). One
		calendar for all of them, so what it worked out once is remembered (``memo``)."""
		if cls is WorkCalendar:
			global _CONTINUOUS
			if _CONTINUOUS is None:
				_CONTINUOUS = cls(periods=((0, MINUTES_PER_DAY),), weekend=frozenset())
			return _CONTINUOUS
		return cls(periods=((0, MINUTES_PER_DAY),), weekend=frozenset())

	@property
	def day_length(self) -> timedelta:
		return timedelta(minutes=sum(end - start for start, end in self.periods))

	def is_working_day(self, day: date) -> bool:
		if day in self.workdays:
			return True
		if day in self.holidays:
			return False
		return day.weekday() not in self.weekend

	def day_intervals(self, day: date) -> tuple[Interval, ...]:
		intervals = self._days.get(day)
		if intervals is None:
			intervals = ()
			if self.is_working_day(day):
				midnight = datetime.combine(day, time())
				intervals = tuple(
					(midnight + timedelta(minutes=start), midnight + timedelta(minutes=end))
					for start, end in self.periods
				)
			self._days[day] = intervals
		return intervals

	def next_working_day(self, day: date) -> date:
		"""The first working day after ``day``."""
		for offset in range(1, MAX_SEARCH_DAYS + 1):
			candidate = day + timedelta(days=offset)
			if self.is_working_day(candidate):
				return candidate
		raise CalendarError("no working day in the next ten years")

	def end_of_day(self, day: date) -> datetime:
		"""When the last working period of a working day ends."""
		return self.day_intervals(day)[-1][1]

	def add_working_days(self, start: datetime, days: int) -> datetime:
		"""End of the ``days``-th working day after the day of ``start``: the day of receipt is not
		counted (期间开始的日不计算在内). Zero days means the end of the same working day, or of the
		next one when ``start`` falls on a day off or after hours."""
		if days < 0:
			raise CalendarError("a number of working days cannot be negative")
		day = start.date()
		if days == 0:
			if not self.is_working_day(day) or self.end_of_day(day) <= start:
				day = self.next_working_day(day)
			return self.end_of_day(day)
		# from the day on, the time of ``start`` does not matter
		key = ("days", day, days)
		end = self.memo.get(key)
		if end is None:
			for _ in range(days):
				day = self.next_working_day(day)
			end = self.remember(key, self.end_of_day(day))
		return end

	def remember(self, key, value):
		"""Keep ``value`` as the answer to ``key`` (see ``memo``). Bounded: a calendar kept for a long time
		(the one a worker process holds) starts afresh rather than growing without end."""
		if len(self.memo) >= MEMO_SIZE:
			self.memo.clear()
		self.memo[key] = value
		return value

	def intervals_from(self, start: datetime, pauses: Sequence[Pause] = ()) -> Iterator[Interval]:
		"""Working intervals from ``start`` on, clipped to it and with the pauses cut out, in order.
		Stops at an open pause (the clock does not run again until it ends)."""
		ordered = sorted(pauses, key=lambda p: p[0])
		day = start.date()
		idle_days = 0
		while True:
			intervals = self.day_intervals(day)
			if intervals:
				idle_days = 0
			else:
				idle_days += 1
				if idle_days > MAX_SEARCH_DAYS:
					raise CalendarError("no working day in the next ten years")
			for begin, end in intervals:
				if end <= start:
					continue
				if not ordered:
					yield (max(begin, start), end)
					continue
				for piece in _cut(max(begin, start), end, ordered):
					if piece is None:
						return
					yield piece
			day += timedelta(days=1)

	def working_time(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> timedelta:
		"""Working time between two moments, less the pauses; negative when ``end`` is before ``start``."""
		if end < start:
			return -self.working_time(end, start, pauses)
		if not pauses:
			key = ("time", start, end)
			total = self.memo.get(key)
			if total is None:
				total = self.remember(key, self._working_time(start, end, ()))
			return total
		return self._working_time(start, end, pauses)

	def _working_time(self, start: datetime, end: datetime, pauses: Sequence[Pause]) -> timedelta:
		total = timedelta()
		for begin, finish in self.intervals_from(start, pauses):
			if begin >= end:
				break
			total += min(finish, end) - begin
		return total

	def add_working_time(
		self, start: datetime, amount: timedelta, pauses: Sequence[Pause] = ()
	) -> datetime | None:
		"""The moment ``amount`` of working time after ``start``, skipping the pauses; None while
		an open pause stops the clock before it is reached."""
		if amount < timedelta():
			raise CalendarError("working time to add cannot be negative")
		if not amount:
			return start
		remaining = amount
		for begin, end in self.intervals_from(start, pauses):
			if end - begin >= remaining:
				return begin + remaining
			remaining -= end - begin
		return None


_CONTINUOUS: WorkCalendar | None = None


def _cut(begin: datetime, end: datetime, pauses: Sequence[Pause]) -> Iterator[Interval | None]:
	"""The parts of [begin, end) outside the pauses (sorted by start); None marks an open pause."""
	cursor = begin
	for pause_start, pause_end in pauses:
		if pause_end is not None and pause_end <= cursor:
			continue
		if pause_start >= end:
			break
		if pause_start > cursor:
			yield (cursor, pause_start)
		if pause_end is None:
			yield None
			return
		cursor = max(cursor, pause_end)
		if cursor >= end:
			return
	if cursor < end:
		yield (cursor, end)
