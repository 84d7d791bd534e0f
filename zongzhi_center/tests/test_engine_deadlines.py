"""Deadline rules: which rule a case gets, its accept-by and resolve-by, and the clock's state."""

import unittest
from datetime import timedelta

from zongzhi_center.engine.deadlines import (
	CALENDAR_DAYS,
	DAYS,
	DUE_SOON,
	GRADE_DUE_SOON,
	GRADE_MODERATE,
	GRADE_OVERDUE,
	GRADE_SERIOUS,
	HOURS,
	ON_TRACK,
	OVERDUE,
	PAUSED,
	Budget,
	DeadlineRule,
	clock_state,
	deadlines_for,
	due_at,
	grading,
	pick_rule,
	time_left,
	working_time_before,
)
from zongzhi_center.engine.worktime import CalendarError
from zongzhi_center.tests.engine_fixtures import CALENDAR_2026, at

LAND_PATH = ("土地纠纷", "民事纠纷")  # the case's category, then its parent

DEFAULT = DeadlineRule("default", accept=Budget(1, DAYS), resolve=Budget(30, DAYS))
CIVIL = DeadlineRule("civil", accept=Budget(1, DAYS), resolve=Budget(20, DAYS), category="民事纠纷")
LAND = DeadlineRule("land", accept=Budget(1, DAYS), resolve=Budget(45, DAYS), category="土地纠纷")
LAND_COUNTY = DeadlineRule(
	"land-county", accept=Budget(2, DAYS), resolve=Budget(60, DAYS), category="土地纠纷", tier="County"
)
RED = DeadlineRule(
	"red",
	accept=Budget(2, HOURS),
	resolve=Budget(5, DAYS),
	colour="Red",
	calendar_time=True,
	auto_escalate=True,
)
RULES = [DEFAULT, CIVIL, LAND, LAND_COUNTY, RED]


class TestPickRule(unittest.TestCase):
	def test_nearest_category_beats_its_parent_and_the_default(self):
		self.assertEqual(pick_rule(RULES, "Township", LAND_PATH, "Green").name, "land")
		self.assertEqual(pick_rule(RULES, "Township", ("婚姻家庭纠纷", "民事纠纷"), "Green").name, "civil")
		self.assertEqual(pick_rule(RULES, "Township", ("信访",), "Yellow").name, "default")

	def test_tier_breaks_a_tie_between_rules_for_the_same_category(self):
		self.assertEqual(pick_rule(RULES, "County", LAND_PATH, "Green").name, "land-county")

	def test_colour_beats_category(self):
		self.assertEqual(pick_rule(RULES, "County", LAND_PATH, "Red").name, "red")

	def test_stricter_rule_wins_a_full_tie(self):
		a = DeadlineRule("a", accept=None, resolve=Budget(10, DAYS), category="民事纠纷")
		b = DeadlineRule("b", accept=None, resolve=Budget(40, HOURS), category="民事纠纷")
		# 40 working hours are less than 10 working days of 7 hours
		self.assertEqual(
			pick_rule([a, b], None, LAND_PATH, None, CALENDAR_2026, at("2026-11-23 09:00")).name, "b"
		)

	def test_no_matching_rule(self):
		self.assertIsNone(pick_rule([LAND, RED], "Village", ("信访",), "Green"))


class TestDeadlines(unittest.TestCase):
	def test_accept_by_from_receipt_and_resolve_by_from_acceptance(self):
		d = deadlines_for(LAND, CALENDAR_2026, at("2026-11-20 10:00"), accepted_at=at("2026-11-23 09:00"))
		self.assertEqual(d.accept_by, at("2026-11-23 17:30"))
		# 45 working days from Monday 23 November, no holidays in between: 25 January 2027
		self.assertEqual(d.resolve_by, at("2027-01-25 17:30"))

	def test_resolve_by_runs_from_receipt_until_accepted(self):
		d = deadlines_for(CIVIL, CALENDAR_2026, at("2026-09-25 10:00"))
		# 20 working days from Friday 25 September: 28–30 Sep (3), Sunday 20 Sep is before; 1–7 Oct off;
		# 8, 9 Oct (5), Saturday 10 Oct worked (6), 12–16 (11), 19–23 (16), 26–29 (20)
		self.assertEqual(d.resolve_by, at("2026-10-29 17:30"))

	def test_red_rule_runs_on_calendar_time(self):
		d = deadlines_for(RED, CALENDAR_2026, at("2026-11-21 22:00"))  # a Saturday night
		self.assertEqual(d.accept_by, at("2026-11-22 00:00"))
		self.assertEqual(d.resolve_by, at("2026-11-27 00:00"))

	def test_pause_extends_resolve_by(self):
		start = at("2026-11-23 09:00")
		plain = due_at(CALENDAR_2026, start, Budget(2, DAYS))
		paused = due_at(
			CALENDAR_2026, start, Budget(2, DAYS), [(at("2026-11-24 08:30"), at("2026-11-25 08:30"))]
		)
		self.assertEqual(plain, at("2026-11-25 17:30"))
		# a whole working day paused: one working day later
		self.assertEqual(paused, at("2026-11-26 17:30"))
		self.assertIsNone(due_at(CALENDAR_2026, start, Budget(2, DAYS), [(at("2026-11-24 08:30"), None)]))

	def test_no_budget_means_no_deadline(self):
		self.assertIsNone(due_at(CALENDAR_2026, at("2026-11-23 09:00"), None))

	def test_budgets_are_checked(self):
		with self.assertRaises(CalendarError):
			Budget(1.5, DAYS)
		with self.assertRaises(CalendarError):
			Budget(-1, HOURS)
		with self.assertRaises(CalendarError):
			Budget(1, "Fortnights")
		self.assertEqual(
			Budget(1.5, HOURS).amount(CALENDAR_2026, at("2026-11-23 09:00")), timedelta(minutes=90)
		)


class TestClockState(unittest.TestCase):
	def test_states(self):
		due = at("2026-11-25 17:30")
		self.assertEqual(clock_state(due, at("2026-11-23 09:00")), ON_TRACK)
		self.assertEqual(clock_state(due, at("2026-11-25 09:00")), DUE_SOON)
		self.assertEqual(clock_state(due, at("2026-11-25 17:31")), OVERDUE)
		self.assertEqual(clock_state(None, at("2026-11-25 17:31"), paused=True), PAUSED)
		self.assertEqual(clock_state(due, at("2026-11-24 09:00"), paused=True), PAUSED)

	def test_due_soon_counts_working_time_when_given(self):
		# Friday 17:00, due Monday 10:00: 65 wall-clock hours, but 2 working hours left
		due, now = at("2026-11-23 10:00"), at("2026-11-20 17:00")
		left = time_left(CALENDAR_2026, now, due)
		self.assertEqual(left, timedelta(hours=2))
		self.assertEqual(clock_state(due, now, warn_before=timedelta(hours=8)), ON_TRACK)
		self.assertEqual(clock_state(due, now, warn_before=timedelta(hours=8), left=left), DUE_SOON)

	def test_pausing_after_the_breach_does_not_hide_it(self):
		self.assertEqual(clock_state(at("2026-11-25 17:30"), at("2026-11-26 09:00"), paused=True), OVERDUE)

	def test_time_left_counts_working_time_only(self):
		due = at("2026-11-23 10:00")  # Monday
		self.assertEqual(time_left(CALENDAR_2026, at("2026-11-20 16:00"), due), timedelta(hours=3))
		self.assertEqual(time_left(CALENDAR_2026, at("2026-11-23 11:00"), due), timedelta(hours=-1))
		self.assertIsNone(time_left(CALENDAR_2026, at("2026-11-23 11:00"), None))


PETITION = DeadlineRule(
	"petition", accept=Budget(15, CALENDAR_DAYS), resolve=Budget(60, CALENDAR_DAYS), matter_type="Petition"
)
REVIEW = DeadlineRule(
	"review", accept=None, resolve=Budget(30, CALENDAR_DAYS), matter_type="Petition", review_level="Review"
)
MEDIATION = DeadlineRule(
	"mediation", accept=Budget(1, DAYS), resolve=Budget(30, CALENDAR_DAYS), matter_type="Dispute Mediation"
)
LAW_RULES = [*RULES, PETITION, REVIEW, MEDIATION]


class TestLawClocks(unittest.TestCase):
	def test_review_level_then_colour_then_category_then_matter_type(self):
		def pick(colour="Green", path=("信访",), matter="Petition", level=None):
			return pick_rule(LAW_RULES, "Township", path, colour, matter_type=matter, review_level=level).name

		self.assertEqual(pick(), "petition")
		self.assertEqual(pick(level="Review"), "review")
		# a red review is still the review's clock; a red petition gets the red rule's shorter one
		self.assertEqual(pick(colour="Red", level="Review"), "review")
		self.assertEqual(pick(colour="Red"), "red")
		# the administrator's category rule beats the matter type's default
		self.assertEqual(pick(path=LAND_PATH), "land")
		self.assertEqual(pick(matter="Dispute Mediation"), "mediation")
		self.assertEqual(pick(matter="Legal Consultation"), "default")
		# a review rule never applies to a first petition, a petition rule never to a mediation
		self.assertFalse(REVIEW.matches("Township", (), "Green", "Petition", None))
		self.assertFalse(PETITION.matches("Township", (), "Green", "Dispute Mediation", None))

	def test_calendar_days_count_every_day_and_move_a_last_day_off(self):
		def fifteen(received: str):
			return due_at(CALENDAR_2026, at(received), Budget(15, CALENDAR_DAYS))

		self.assertEqual(fifteen("2026-11-02 10:00"), at("2026-11-17 17:30"))  # across two weekends
		self.assertEqual(fifteen("2026-11-06 10:00"), at("2026-11-23 17:30"))  # Saturday → Monday
		self.assertEqual(fifteen("2026-02-06 10:00"), at("2026-02-24 17:30"))  # in the Spring Festival
		self.assertEqual(fifteen("2026-01-30 10:00"), at("2026-02-14 17:30"))  # a Saturday worked (调休)
		self.assertEqual(fifteen("2026-09-16 10:00"), at("2026-10-08 17:30"))  # National Day
		sixty = due_at(CALENDAR_2026, at("2026-08-03 09:00"), Budget(60, CALENDAR_DAYS))
		self.assertEqual(sixty, at("2026-10-08 17:30"))
		with self.assertRaises(CalendarError):
			Budget(1.5, CALENDAR_DAYS)

	def test_calendar_days_with_a_pause_add_the_paused_working_time(self):
		start = at("2026-11-02 10:00")
		pause = (at("2026-11-03 08:30"), at("2026-11-04 08:30"))  # one working day
		self.assertEqual(
			due_at(CALENDAR_2026, start, Budget(15, CALENDAR_DAYS), [pause]), at("2026-11-18 17:30")
		)

	def test_grades_follow_working_days_around_the_deadline(self):
		due = at("2026-11-23 17:30")  # Monday
		grades = grading(CALENDAR_2026, due, timedelta(hours=21), 5, 15)
		self.assertEqual(grades.due_soon_at, at("2026-11-18 17:30"))  # three working days ahead
		self.assertEqual(grades.moderate_at, at("2026-11-30 17:30"))
		self.assertEqual(grades.serious_at, at("2026-12-14 17:30"))
		self.assertEqual(grades.grade(at("2026-11-18 17:29")), "")
		self.assertEqual(grades.grade(at("2026-11-19 08:00")), GRADE_DUE_SOON)
		self.assertEqual(grades.grade(at("2026-11-19 08:00"), paused=True), "")
		self.assertEqual(grades.grade(at("2026-11-24 08:00")), GRADE_OVERDUE)
		self.assertEqual(grades.grade(at("2026-12-01 08:00")), GRADE_MODERATE)
		self.assertEqual(grades.grade(at("2026-12-15 08:00")), GRADE_SERIOUS)
		# the next moment the grade can change, and none once seriously overdue
		self.assertEqual(grades.next_change(at("2026-11-18 12:00")), at("2026-11-18 17:30"))
		self.assertEqual(grades.next_change(at("2026-11-20 12:00")), due + timedelta(seconds=1))
		self.assertEqual(grades.next_change(at("2026-11-24 12:00")), at("2026-11-30 17:30:01"))
		self.assertIsNone(grades.next_change(at("2026-12-15 08:00")))
		# a rule without moderate or serious grades stops at overdue
		plain = grading(CALENDAR_2026, due, timedelta(hours=8))
		self.assertEqual(plain.grade(at("2027-01-04 09:00")), GRADE_OVERDUE)
		self.assertIsNone(plain.next_change(at("2026-11-24 09:00")))

	def test_working_time_before_is_the_earliest_moment_with_that_much_left(self):
		due = at("2026-11-23 10:00")  # Monday
		moment = working_time_before(CALENDAR_2026, due, timedelta(hours=2))
		self.assertEqual(moment, at("2026-11-20 17:00"))  # 1.5 h on Monday, half an hour on Friday
		self.assertEqual(time_left(CALENDAR_2026, moment, due), timedelta(hours=2))
		# exactly Monday morning's time: from Friday's close on, not from Monday's opening
		self.assertEqual(
			working_time_before(CALENDAR_2026, due, timedelta(hours=1.5)), at("2026-11-20 17:30")
		)
		self.assertEqual(working_time_before(CALENDAR_2026, due, timedelta()), due)
