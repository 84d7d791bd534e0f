"""The working-time clock: weekends, public holidays, 调休 working weekends, working hours, pauses."""

import unittest
from datetime import date, timedelta

from zongzhi_center.engine.worktime import CalendarError, WorkCalendar, parse_minutes
from zongzhi_center.tests.engine_fixtures import CALENDAR_2026, at


class TestWorkingDays(unittest.TestCase):
	def test_weekends_holidays_and_adjusted_working_days(self):
		cal = CALENDAR_2026
		self.assertTrue(cal.is_working_day(date(2026, 11, 20)))  # Friday
		self.assertFalse(cal.is_working_day(date(2026, 11, 21)))  # Saturday
		self.assertFalse(cal.is_working_day(date(2026, 10, 1)))  # National Day, a Thursday
		self.assertTrue(cal.is_working_day(date(2026, 10, 10)))  # Saturday worked instead (调休)
		self.assertTrue(cal.is_working_day(date(2026, 9, 20)))  # Sunday worked instead

	def test_days_run_from_the_day_after_receipt(self):
		# Friday 10:00 + 3 working days: Monday, Tuesday, Wednesday; due at close of Wednesday
		self.assertEqual(CALENDAR_2026.add_working_days(at("2026-11-20 10:00"), 3), at("2026-11-25 17:30"))

	def test_days_across_spring_festival_with_adjusted_saturday(self):
		# Friday 13 Feb: Saturday 14th is worked (day 1), 15–23 off, Tuesday 24th day 2, 25th day 3
		self.assertEqual(CALENDAR_2026.add_working_days(at("2026-02-13 10:00"), 3), at("2026-02-25 17:30"))

	def test_days_across_national_day(self):
		# Wednesday 30 Sep + 2: 1–7 Oct off, Thursday 8th, Friday 9th
		self.assertEqual(CALENDAR_2026.add_working_days(at("2026-09-30 16:00"), 2), at("2026-10-09 17:30"))

	def test_zero_days_is_close_of_the_same_or_next_working_day(self):
		cal = CALENDAR_2026
		self.assertEqual(cal.add_working_days(at("2026-11-20 10:00"), 0), at("2026-11-20 17:30"))
		self.assertEqual(cal.add_working_days(at("2026-11-20 18:00"), 0), at("2026-11-23 17:30"))
		self.assertEqual(cal.add_working_days(at("2026-11-21 10:00"), 0), at("2026-11-23 17:30"))

	def test_negative_days_refused(self):
		with self.assertRaises(CalendarError):
			CALENDAR_2026.add_working_days(at("2026-11-20 10:00"), -1)


class TestWorkingHours(unittest.TestCase):
	def test_hours_skip_lunch(self):
		self.assertEqual(
			CALENDAR_2026.add_working_time(at("2026-11-20 11:00"), timedelta(hours=2)), at("2026-11-20 15:00")
		)

	def test_hours_skip_evening_and_weekend(self):
		self.assertEqual(
			CALENDAR_2026.add_working_time(at("2026-11-20 17:00"), timedelta(hours=1)), at("2026-11-23 09:00")
		)

	def test_start_outside_hours_begins_at_next_opening(self):
		self.assertEqual(
			CALENDAR_2026.add_working_time(at("2026-11-21 03:00"), timedelta(minutes=30)),
			at("2026-11-23 09:00"),
		)
		self.assertEqual(
			CALENDAR_2026.add_working_time(at("2026-11-20 12:30"), timedelta(minutes=30)),
			at("2026-11-20 14:30"),
		)

	def test_exact_fit_ends_at_closing_time(self):
		self.assertEqual(
			CALENDAR_2026.add_working_time(at("2026-11-20 14:00"), timedelta(hours=3, minutes=30)),
			at("2026-11-20 17:30"),
		)

	def test_working_time_between(self):
		cal = CALENDAR_2026
		# Friday 16:00 → Monday 10:00: 1.5 h on Friday, 1.5 h on Monday
		self.assertEqual(cal.working_time(at("2026-11-20 16:00"), at("2026-11-23 10:00")), timedelta(hours=3))
		self.assertEqual(
			cal.working_time(at("2026-11-23 10:00"), at("2026-11-20 16:00")), timedelta(hours=-3)
		)
		self.assertEqual(cal.working_time(at("2026-11-21 08:00"), at("2026-11-22 20:00")), timedelta())

	def test_day_length(self):
		self.assertEqual(CALENDAR_2026.day_length, timedelta(hours=7))

	def test_zero_amount_is_the_start(self):
		self.assertEqual(
			CALENDAR_2026.add_working_time(at("2026-11-21 03:00"), timedelta()), at("2026-11-21 03:00")
		)


class TestPauses(unittest.TestCase):
	def test_closed_pause_moves_the_due_time_by_the_working_time_paused(self):
		cal = CALENDAR_2026
		start = at("2026-11-23 09:00")  # Monday
		# paused from Monday 10:00 to Tuesday 10:00: 6.5 h of Monday's and 1.5 h of Tuesday's working time
		pauses = [(at("2026-11-23 10:00"), at("2026-11-24 10:00"))]
		self.assertEqual(cal.add_working_time(start, timedelta(hours=2), pauses), at("2026-11-24 11:00"))
		self.assertEqual(cal.working_time(start, at("2026-11-24 11:00"), pauses), timedelta(hours=2))

	def test_open_pause_stops_the_clock(self):
		pauses = [(at("2026-11-23 10:00"), None)]
		self.assertIsNone(CALENDAR_2026.add_working_time(at("2026-11-23 09:00"), timedelta(hours=2), pauses))
		# what ran before the pause still counts
		self.assertEqual(
			CALENDAR_2026.working_time(at("2026-11-23 09:00"), at("2026-11-30 09:00"), pauses),
			timedelta(hours=1),
		)

	def test_pause_before_start_and_overlapping_pauses(self):
		cal = CALENDAR_2026
		pauses = [
			(at("2026-11-20 09:00"), at("2026-11-23 09:30")),  # began before the clock started
			(at("2026-11-23 09:15"), at("2026-11-23 10:00")),  # overlaps the first
		]
		self.assertEqual(
			cal.add_working_time(at("2026-11-23 09:00"), timedelta(hours=1), pauses), at("2026-11-23 11:00")
		)


class TestCalendarDefinitions(unittest.TestCase):
	def test_continuous_calendar_runs_through_nights_and_weekends(self):
		cal = WorkCalendar.continuous()
		self.assertEqual(
			cal.add_working_time(at("2026-11-21 23:00"), timedelta(hours=2)), at("2026-11-22 01:00")
		)
		self.assertEqual(cal.add_working_days(at("2026-11-21 23:00"), 1), at("2026-11-23 00:00"))

	def test_periods_are_checked(self):
		with self.assertRaises(CalendarError):
			WorkCalendar.build(periods=[("12:00", "08:00")])
		with self.assertRaises(CalendarError):
			WorkCalendar.build(periods=[("08:00", "12:00"), ("11:00", "14:00")])
		with self.assertRaises(CalendarError):
			WorkCalendar.build(periods=[])
		with self.assertRaises(CalendarError):
			parse_minutes("25:00")
		with self.assertRaises(CalendarError):
			parse_minutes("noon")
		self.assertEqual(parse_minutes("24:00"), 1440)

	def test_day_both_off_and_worked_is_refused(self):
		with self.assertRaises(CalendarError):
			WorkCalendar(holidays=frozenset({date(2026, 10, 1)}), workdays=frozenset({date(2026, 10, 1)}))

	def test_calendar_without_working_days_fails_instead_of_looping(self):
		cal = WorkCalendar(weekend=frozenset(range(7)))
		with self.assertRaises(CalendarError):
			cal.add_working_days(at("2026-11-20 10:00"), 1)
		with self.assertRaises(CalendarError):
			cal.add_working_time(at("2026-11-20 10:00"), timedelta(hours=1))
