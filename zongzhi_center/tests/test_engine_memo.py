"""What a working calendar remembers (WorkCalendar.memo) gives the same answers as working them out
afresh: random cases asked of one calendar, twice, against a new calendar for each answer (as every case
was computed before the calendar remembered anything) and against a plain walk over the days."""

import pickle
import random
import unittest
from datetime import date, datetime, timedelta
from unittest.mock import patch

from zongzhi_center.engine import worktime
from zongzhi_center.engine.deadlines import (
	CALENDAR_DAYS,
	DAYS,
	HOURS,
	Budget,
	DeadlineRule,
	break_tie,
	deadlines_for,
	grading,
	most_specific,
	pick_rule,
	time_left,
)
from zongzhi_center.engine.worktime import WorkCalendar
from zongzhi_center.tests.engine_fixtures import CALENDAR_2026


def afresh(calendar: WorkCalendar) -> WorkCalendar:
	"""The same calendar, remembering nothing yet."""
	return WorkCalendar(
		periods=calendar.periods,
		weekend=calendar.weekend,
		holidays=calendar.holidays,
		workdays=calendar.workdays,
	)


def walk_working_days(calendar: WorkCalendar, start: datetime, days: int) -> datetime:
	"""End of the ``days``-th working day after the day of ``start``, day by day (days > 0)."""
	day = start.date()
	while days:
		day += timedelta(days=1)
		if day in calendar.workdays or (
			day not in calendar.holidays and day.weekday() not in calendar.weekend
		):
			days -= 1
	return datetime.combine(day, datetime.min.time()) + timedelta(minutes=calendar.periods[-1][1])


def moment(rng: random.Random) -> datetime:
	"""A moment in 2026, on the minute, often on a period's edge."""
	day = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
	minute = rng.choice([rng.randrange(24 * 60), 8 * 60 + 30, 12 * 60, 17 * 60 + 30])
	return datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)


class TestRememberedAnswers(unittest.TestCase):
	def setUp(self):
		self.rng = random.Random(20)
		self.calendar = afresh(CALENDAR_2026)

	def test_working_days_and_times_as_worked_out_afresh(self):
		for _ in range(2000):
			start, end = moment(self.rng), moment(self.rng)
			days = self.rng.choice([0, 1, 2, 3, 5, 10, 15, 30])
			for _ in range(2):  # the second time from what the calendar remembered
				expected = afresh(self.calendar).add_working_days(start, days)
				self.assertEqual(self.calendar.add_working_days(start, days), expected)
				if days:
					self.assertEqual(expected, walk_working_days(self.calendar, start, days))
				self.assertEqual(
					self.calendar.working_time(start, end), afresh(self.calendar).working_time(start, end)
				)
		self.assertTrue(self.calendar.memo)

	def test_deadlines_grades_and_time_left_as_worked_out_afresh(self):
		budgets = [Budget(1, DAYS), Budget(10, DAYS), Budget(30, CALENDAR_DAYS), Budget(4, HOURS), None]
		for _ in range(1500):
			rule = DeadlineRule(
				"r", accept=self.rng.choice(budgets), resolve=self.rng.choice(budgets[:4]),
				calendar_time=self.rng.random() < 0.2,
			)  # fmt: skip
			received = moment(self.rng)
			accepted = received + timedelta(hours=self.rng.randrange(0, 72))
			now = received + timedelta(hours=self.rng.randrange(0, 24 * 60))
			pause = (accepted + timedelta(hours=5), accepted + timedelta(days=3))
			pauses = self.rng.choice([(), (pause,), ((pause[0], None),)])
			warn = timedelta(hours=self.rng.choice([0, 7, 14, 24]))
			moderate, serious = self.rng.choice([(None, None), (3, 8), (5, 15)])
			for _ in range(2):
				fresh = afresh(self.calendar)
				mine = deadlines_for(rule, self.calendar, received, accepted, pauses)
				self.assertEqual(mine, deadlines_for(rule, fresh, received, accepted, pauses))
				due = mine.resolve_by
				self.assertEqual(
					grading(self.calendar, due, warn, moderate, serious),
					grading(fresh, due, warn, moderate, serious),
				)
				self.assertEqual(
					time_left(self.calendar, now, due, pauses), time_left(fresh, now, due, pauses)
				)

	def test_a_calendar_remembers_a_bounded_number_of_answers(self):
		with patch.object(worktime, "MEMO_SIZE", 10):
			for _ in range(200):
				start, days = moment(self.rng), self.rng.randrange(1, 20)
				self.assertEqual(
					self.calendar.add_working_days(start, days), walk_working_days(self.calendar, start, days)
				)
				self.assertLessEqual(len(self.calendar.memo), 10)

	def test_what_is_remembered_is_not_kept_with_the_calendar(self):
		self.calendar.add_working_days(datetime(2026, 2, 13, 10), 3)
		kept = pickle.loads(pickle.dumps(self.calendar))
		self.assertEqual(kept, self.calendar)
		self.assertEqual(kept.memo, {})
		# a calendar kept in the cache by a version without the field answers too
		old = object.__new__(WorkCalendar)
		old.__setstate__(
			{
				"periods": CALENDAR_2026.periods,
				"weekend": CALENDAR_2026.weekend,
				"holidays": CALENDAR_2026.holidays,
				"workdays": CALENDAR_2026.workdays,
			}
		)
		self.assertEqual(old.add_working_days(datetime(2026, 2, 13, 10), 3), datetime(2026, 2, 25, 17, 30))

	def test_one_calendar_for_calendar_time(self):
		self.assertIs(WorkCalendar.continuous(), WorkCalendar.continuous())
		self.assertEqual(
			WorkCalendar.continuous().add_working_days(datetime(2026, 2, 13, 10), 3),
			datetime(2026, 2, 16, 23, 59) + timedelta(minutes=1),
		)

	def test_rule_picked_in_two_steps_as_in_one(self):
		paths = [(), ("土地纠纷", "民事纠纷"), ("民事纠纷",), ("婚姻家庭", "民事纠纷")]
		rules = [
			DeadlineRule("a", accept=Budget(1, DAYS), resolve=Budget(30, DAYS)),
			DeadlineRule("b", accept=Budget(1, DAYS), resolve=Budget(20, DAYS), category="民事纠纷"),
			DeadlineRule("c", accept=Budget(1, DAYS), resolve=Budget(140, HOURS), category="民事纠纷"),
			DeadlineRule("d", accept=None, resolve=Budget(30, CALENDAR_DAYS), category="民事纠纷"),
			DeadlineRule("e", accept=Budget(2, DAYS), resolve=Budget(45, DAYS), tier="County"),
			DeadlineRule("f", accept=Budget(2, HOURS), resolve=Budget(5, DAYS), colour="Red"),
		]
		for _ in range(500):
			tier = self.rng.choice([None, "County", "Township"])
			path = self.rng.choice(paths)
			colour = self.rng.choice([None, "Red", "Green"])
			start = moment(self.rng)
			expected = picked_in_one_step(rules, tier, path, colour, afresh(self.calendar), start)
			self.assertEqual(
				break_tie(most_specific(rules, tier, path, colour), self.calendar, start), expected
			)
			self.assertEqual(pick_rule(rules, tier, path, colour, self.calendar, start), expected)


def picked_in_one_step(rules, tier, path, colour, calendar, start):
	"""pick_rule as one step: the most specific matching rule, ties to the stricter resolve-by, then the
	name."""
	matching = [rule for rule in rules if rule.matches(tier, path, colour)]
	if not matching:
		return None
	best = max(rule.specificity(path) for rule in matching)
	tied = [rule for rule in matching if rule.specificity(path) == best]
	return min(
		tied,
		key=lambda r: (
			r.resolve.amount(WorkCalendar.continuous() if r.calendar_time else calendar, start),
			r.name,
		),
	)
