"""Deadlines on real cases: the rule a case gets, the calendar it counts in, pauses, and the scheduled
job marking overdue cases and escalating them exactly once per breach."""

from datetime import datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, now_datetime

from zongzhi_center.exceptions import InvalidRuleError
from zongzhi_center.services import rules, sla
from zongzhi_center.tests.factories import (
	act,
	delete_committed,
	make_case,
	make_center_tree,
	make_user,
	move_case,
	twice_at_once,
	unique,
)


def at(text: str) -> datetime:
	return datetime.fromisoformat(text)


def make_category(parent: str = "全部类别") -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Case Category",
				"category_name": unique("测试类别"),
				"parent_zz_case_category": parent,
				"is_group": 1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_rule(**values) -> str:
	doc = {
		"doctype": "ZZ Deadline Rule",
		"rule_name": unique("测试时限"),
		"accept_value": 2,
		"accept_unit": "Working Hours",
		"resolve_value": 3,
		"resolve_unit": "Working Days",
	}
	doc.update(values)
	return frappe.get_doc(doc).insert(ignore_permissions=True).name


def make_calendar_2026() -> str:
	def span(first: str, last: str):
		start, end = at(first).date(), at(last).date()
		return [start + timedelta(days=n) for n in range((end - start).days + 1)]

	days = [{"day": d, "day_type": "Holiday"} for d in span("2026-02-15", "2026-02-23")]
	days += [{"day": d, "day_type": "Working Day"} for d in ("2026-02-14", "2026-02-28")]
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Work Calendar",
				"calendar_name": unique("测试日历"),
				"periods": [
					{"from_time": "08:30:00", "to_time": "12:00:00"},
					{"from_time": "14:00:00", "to_time": "17:30:00"},
				],
				"days": days,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class On2026Calendar:
	"""Tests whose clocks run on the 2026 calendar (the Spring Festival holiday and its 调休 working
	Saturdays): the calendar set alone, as the settings form stores it (other suites may save the rest of
	the settings meanwhile), and put back after."""

	@classmethod
	def use_2026_calendar(cls):
		cls.previous_calendar = frappe.db.get_single_value("ZZ Settings", "work_calendar")
		frappe.db.set_single_value("ZZ Settings", "work_calendar", make_calendar_2026())
		rules.clear_cache()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.set_single_value("ZZ Settings", "work_calendar", cls.previous_calendar)
		rules.clear_cache()
		super().tearDownClass()


class TestDeadlines(On2026Calendar, FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.mediator = make_user(["ZZ Mediator"], cls.tree.town_a)
		cls.use_2026_calendar()

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def test_calendar_with_overlapping_periods_or_a_date_twice_is_refused(self):
		doc = frappe.get_doc(
			{
				"doctype": "ZZ Work Calendar",
				"calendar_name": unique("坏日历"),
				"periods": [
					{"from_time": "08:00:00", "to_time": "12:00:00"},
					{"from_time": "11:00:00", "to_time": "14:00:00"},
				],
			}
		)
		self.assertRaises(InvalidRuleError, doc.insert, ignore_permissions=True)
		doc.periods = []
		doc.append("periods", {"from_time": "08:00:00", "to_time": "12:00:00"})
		doc.append("days", {"day": "2026-10-01", "day_type": "Holiday"})
		doc.append("days", {"day": "2026-10-01", "day_type": "Working Day"})
		self.assertRaises(InvalidRuleError, doc.insert, ignore_permissions=True)
		self.assertFalse(frappe.db.exists("ZZ Work Calendar", doc.calendar_name))

	def test_rule_without_limits_or_with_part_days_is_refused(self):
		self.assertRaises(InvalidRuleError, make_rule, accept_value=0, resolve_value=0)
		self.assertRaises(InvalidRuleError, make_rule, resolve_value=1.5)

	def test_most_specific_rule_and_the_calendar_decide_the_deadlines(self):
		parent = make_category()
		child = make_category(parent)
		make_rule(category=parent, resolve_value=20)
		near = make_rule(category=child, resolve_value=3)
		case = make_case(self.tree.town_a, self.clerk, category=child)
		self.assertEqual(case.deadline_rule, near)
		# received on Friday 13 February 2026, before the Spring Festival; Saturday 14th is worked
		case.received_at = case.accepted_at = case.clock_started_at = at("2026-02-13 10:00")
		sla.refresh(case, now=at("2026-02-13 10:00"))
		self.assertEqual(get_datetime(case.due_date), at("2026-02-25 17:30"))
		self.assertEqual(case.sla_status, "On Track")
		sla.refresh(case, now=at("2026-02-25 12:00"))
		self.assertEqual(case.sla_status, "Due Soon")
		sla.refresh(case, now=at("2026-02-26 08:31"))
		self.assertEqual(case.sla_status, "Overdue")
		self.assertEqual(case.is_overdue, 1)

	def test_case_without_a_matching_rule_gets_the_settings_defaults(self):
		enabled = frappe.get_all("ZZ Deadline Rule", filters={"enabled": 1}, pluck="name")
		try:
			for name in enabled:
				frappe.db.set_value("ZZ Deadline Rule", name, "enabled", 0)
			rules.clear_cache()
			case = make_case(self.tree.town_a, self.clerk)
		finally:
			for name in enabled:
				frappe.db.set_value("ZZ Deadline Rule", name, "enabled", 1)
			rules.clear_cache()
		self.assertFalse(case.deadline_rule)
		received = get_datetime(case.received_at)
		calendar = rules.work_calendar()
		hours = frappe.db.get_single_value("ZZ Settings", "default_accept_hours")
		self.assertEqual(
			get_datetime(case.accept_by), calendar.add_working_time(received, timedelta(hours=hours))
		)
		self.assertTrue(case.due_date)

	def test_clock_pauses_while_waiting_for_a_party(self):
		case = make_case(self.tree.town_a, self.clerk)
		move_case(case.name, "In Mediation")
		before = frappe.get_doc("ZZ Case", case.name).due_date
		paused = act(self.mediator, case.name, "Wait for Party")
		self.assertEqual(paused.sla_status, "Paused")
		self.assertEqual(len(paused.pauses), 1)
		self.assertFalse(paused.pauses[0].resumed_at)
		resumed = act(self.mediator, case.name, "Resume Mediation")
		self.assertTrue(resumed.pauses[0].resumed_at)
		self.assertNotEqual(resumed.sla_status, "Paused")
		self.assertGreaterEqual(get_datetime(resumed.due_date), get_datetime(before))

	def test_scheduled_job_marks_overdue_once_and_tells_the_people_concerned(self):
		county_clerk = make_user(["ZZ Intake Clerk"], self.tree.county)
		category = make_category()
		make_rule(category=category, resolve_value=1)
		case = make_case(self.tree.county, county_clerk, category=category)
		move_case(case.name, "Accepted")
		long_ago = now_datetime() - timedelta(days=30)
		frappe.db.set_value("ZZ Case", case.name, {"accepted_at": long_ago, "clock_started_at": long_ago})

		def notes():
			return frappe.db.count("Notification Log", {"for_user": county_clerk, "document_name": case.name})

		before = notes()
		self.assertEqual(sla.update_case(case.name, now_datetime()), "overdue")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "sla_status"), "Overdue")
		self.assertEqual(notes(), before + 1)
		# the second run finds nothing new: no second notice
		self.assertEqual(sla.update_case(case.name, now_datetime()), "checked")
		self.assertEqual(notes(), before + 1)


class TestAutoEscalation(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.county_dispatcher = make_user(["ZZ Dispatcher"], cls.tree.county)

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def test_overdue_case_escalates_one_tier_exactly_once_per_breach(self):
		category = make_category()
		# three working days: the new tier's clock is not due soon at once, whatever the time of day the test runs
		make_rule(category=category, resolve_value=3, auto_escalate=1)
		case = make_case(self.tree.town_a, self.clerk, category=category)
		move_case(case.name, "Accepted")
		long_ago = now_datetime() - timedelta(days=30)
		frappe.db.set_value("ZZ Case", case.name, {"accepted_at": long_ago, "clock_started_at": long_ago})

		self.assertEqual(sla.update_case(case.name, now_datetime()), "escalated")
		self.assertEqual(sla.update_case(case.name, now_datetime()), "checked")

		case = frappe.get_doc("ZZ Case", case.name)
		self.assertEqual(case.current_center, self.tree.county)
		self.assertEqual(case.tier, "County")
		self.assertEqual(case.workflow_state, "Handed Over")
		moves = [row for row in case.routing_log if row.move == "Auto-escalated"]
		self.assertEqual(len(moves), 1)
		self.assertEqual(moves[0].from_center, self.tree.town_a)
		self.assertTrue(case.escalated_for)
		# the new tier's clock starts at the escalation: not overdue again straight away
		self.assertNotEqual(case.sla_status, "Overdue")
		# the county accepts it: the move is answered
		accepted = act(self.county_dispatcher, case.name, "Accept Case")
		self.assertEqual(accepted.routing_log[-1].answer, "Accepted")
		# the first receiver heard of it and still reads the case
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.clerk, "document_name": case.name})
		)
		self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name, user=self.clerk))


class TestJobRunTwiceAtOnce(FrappeTestCase):
	"""Commits its fixtures (the job runs on other connections), so it keeps no class fixtures."""

	def tearDown(self):
		frappe.set_user("Administrator")
		rules.clear_cache()

	def test_two_runs_of_the_job_at_once_escalate_a_breach_once(self):
		"""The scheduler may start the job while the previous run is still going: both look at the same
		overdue case at the same moment, in their own connections; one escalates it, the other waits on
		the row lock and then finds the breach answered. The fixtures are committed and removed after."""
		tree = make_center_tree()
		clerk = make_user(["ZZ Intake Clerk"], tree.town_a)
		category = make_category()
		rule = make_rule(category=category, resolve_value=3, auto_escalate=1)  # not due soon after escalating
		case = make_case(tree.town_a, clerk, category=category)
		move_case(case.name, "Accepted")
		long_ago = now_datetime() - timedelta(days=30)
		frappe.db.set_value("ZZ Case", case.name, {"accepted_at": long_ago, "clock_started_at": long_ago})
		frappe.db.commit()
		self.addCleanup(frappe.delete_doc, "ZZ Case Category", category, force=True)
		self.addCleanup(frappe.delete_doc, "ZZ Deadline Rule", rule, force=True)
		self.addCleanup(delete_committed, tree, [clerk])

		outcomes, errors = twice_at_once(lambda: sla.update_case(case.name, now_datetime()), timeout=120)
		self.assertEqual(errors, [])
		self.assertEqual(sorted(outcomes), ["checked", "escalated"])
		frappe.db.rollback()  # a fresh snapshot: what the two runs committed
		stored = frappe.get_doc("ZZ Case", case.name)
		self.assertEqual([r.move for r in stored.routing_log].count("Auto-escalated"), 1)
		self.assertEqual(stored.current_center, tree.county)
