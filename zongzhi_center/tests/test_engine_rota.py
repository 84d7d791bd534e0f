"""The rota: who is on duty at a given date and time, and whom to pick for a case."""

import unittest
from datetime import date

from zongzhi_center.engine.rota import (
	ABSENT,
	AVAILABLE_ON_CALL,
	FULL_DAY,
	INACTIVE,
	OFF_DUTY,
	ON_CALL,
	ON_DUTY,
	RESIDENT,
	ROTATING,
	Staff,
	availability,
	day_roster,
	suggest,
	team_for,
)
from zongzhi_center.tests.engine_fixtures import CALENDAR_2026, at

LI = Staff("李调解", RESIDENT, expertise=frozenset({"婚姻家庭"}), open_cases=6)
WANG = Staff(
	"王医调",
	ROTATING,
	slots=frozenset({("Monday", "Morning"), ("Wednesday", FULL_DAY)}),
	expertise=frozenset({"医疗纠纷"}),
	open_cases=2,
)
ZHAO = Staff("赵心理", ON_CALL, expertise=frozenset({"心理疏导"}))
QIAN = Staff(
	"钱律师",
	RESIDENT,
	expertise=frozenset({"医疗纠纷", "法律咨询"}),
	open_cases=9,
	active_from=date(2026, 1, 1),
	active_to=date(2026, 12, 31),
	absences=frozenset({(date(2026, 11, 25), "Afternoon")}),
)
STAFF = [LI, WANG, ZHAO, QIAN]


class TestAvailability(unittest.TestCase):
	def test_resident_on_working_days_only(self):
		self.assertEqual(availability(LI, at("2026-11-23 09:00"), CALENDAR_2026), ON_DUTY)
		self.assertEqual(availability(LI, at("2026-11-22 09:00"), CALENDAR_2026), OFF_DUTY)  # Sunday
		self.assertEqual(availability(LI, at("2026-10-01 09:00"), CALENDAR_2026), OFF_DUTY)  # National Day
		self.assertEqual(availability(LI, at("2026-10-10 09:00"), CALENDAR_2026), ON_DUTY)  # worked Saturday

	def test_rotating_on_their_half_days(self):
		self.assertEqual(availability(WANG, at("2026-11-23 09:00"), CALENDAR_2026), ON_DUTY)  # Monday morning
		self.assertEqual(
			availability(WANG, at("2026-11-23 15:00"), CALENDAR_2026), OFF_DUTY
		)  # Monday afternoon
		self.assertEqual(
			availability(WANG, at("2026-11-25 15:00"), CALENDAR_2026), ON_DUTY
		)  # Wednesday, full day
		self.assertEqual(availability(WANG, at("2026-11-24 09:00"), CALENDAR_2026), OFF_DUTY)  # Tuesday
		# a worked Saturday has no rota slot: rotating staff are not expected
		self.assertEqual(availability(WANG, at("2026-10-10 09:00"), CALENDAR_2026), OFF_DUTY)

	def test_on_call_absence_and_period(self):
		self.assertEqual(availability(ZHAO, at("2026-11-22 09:00"), CALENDAR_2026), AVAILABLE_ON_CALL)
		self.assertEqual(availability(QIAN, at("2026-11-25 09:00"), CALENDAR_2026), ON_DUTY)
		self.assertEqual(availability(QIAN, at("2026-11-25 15:00"), CALENDAR_2026), ABSENT)
		self.assertEqual(availability(QIAN, at("2027-01-04 09:00"), CALENDAR_2026), INACTIVE)


class TestRosterAndSuggestions(unittest.TestCase):
	def test_day_roster(self):
		rows = {
			row.staff.name: (row.morning, row.afternoon)
			for row in day_roster(STAFF, date(2026, 11, 23), CALENDAR_2026)
		}
		self.assertEqual(rows["王医调"], (ON_DUTY, OFF_DUTY))
		self.assertEqual(rows["李调解"], (ON_DUTY, ON_DUTY))
		self.assertEqual(rows["赵心理"], (AVAILABLE_ON_CALL, AVAILABLE_ON_CALL))
		self.assertNotIn("钱律师", {r.staff.name for r in day_roster(STAFF, date(2027, 1, 4), CALENDAR_2026)})

	def test_suggest_ranks_expertise_then_duty_then_workload(self):
		# Monday morning, a medical dispute: 王 (on duty, 2 open) before 钱 (on duty, 9 open)
		names = [s.staff.name for s in suggest(STAFF, at("2026-11-23 09:00"), CALENDAR_2026, ["医疗纠纷"])]
		self.assertEqual(names, ["王医调", "钱律师", "李调解", "赵心理"])
		# Monday afternoon 王 is off the rota and not suggested
		names = [s.staff.name for s in suggest(STAFF, at("2026-11-23 15:00"), CALENDAR_2026, ["医疗纠纷"])]
		self.assertEqual(names, ["钱律师", "李调解", "赵心理"])

	def test_team_for_a_red_medical_case(self):
		suggestions = suggest(STAFF, at("2026-11-25 15:00"), CALENDAR_2026, ["医疗纠纷", "心理疏导"])
		team = team_for(["医疗纠纷", "心理疏导", "不动产登记"], suggestions)
		self.assertEqual(team["医疗纠纷"].staff.name, "王医调")  # 钱 is absent this afternoon
		self.assertEqual(team["心理疏导"].staff.name, "赵心理")
		self.assertEqual(team["心理疏导"].availability, AVAILABLE_ON_CALL)
		self.assertIsNone(team["不动产登记"])
