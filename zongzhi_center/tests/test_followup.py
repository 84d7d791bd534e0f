"""跟踪回访 on real cases: visits scheduled once when a case is resolved, on working days, for its first
receiver; a visit recorded with what it must say; an unsatisfied visit that asks to reopen the case —
reopened by a director's visit, referred to the director otherwise; and the wrong centre refused."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from zongzhi_center.exceptions import FollowUpError
from zongzhi_center.services import rules
from zongzhi_center.tests.factories import (
	act,
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
)


class TestFollowUpVisits(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_single_value("ZZ Settings", "follow_up_offsets", "7, 30")
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.other_clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_b)
		cls.department = make_department(cls.tree.town_a)

	def tearDown(self):
		frappe.set_user("Administrator")

	def resolved_case(self, state="Resolved"):
		case = make_case(self.tree.town_a, self.clerk)
		return move_case(case.name, state, department=self.department)

	def visits(self, case) -> list:
		return frappe.get_all(
			"ZZ Follow-up Visit",
			filters={"case": case.name},
			fields=["name", "due_date", "visitor", "status"],
			order_by="due_date asc",
		)

	def test_visits_are_scheduled_once_on_working_days_for_the_first_receiver(self):
		case = self.resolved_case()
		visits = self.visits(case)
		self.assertEqual(len(visits), 2)
		calendar = rules.work_calendar()
		for visit, days in zip(visits, (7, 30), strict=True):
			self.assertGreaterEqual(getdate(visit.due_date), getdate(add_days(today(), days)))
			self.assertTrue(calendar.is_working_day(getdate(visit.due_date)))
			self.assertEqual((visit.visitor, visit.status), (self.clerk, "Visit Scheduled"))
		act(self.clerk, case.name, "Start Follow-up")  # on through the workflow: no second set of visits
		self.assertEqual(len(self.visits(case)), 2)
		self.assertEqual(self.visits(self.resolved_case("In Mediation")), [])

	def test_a_visit_says_how_it_went(self):
		case = self.resolved_case()
		name = self.visits(case)[0].name
		with as_user(self.clerk):
			visit = frappe.get_doc("ZZ Follow-up Visit", name)
			visit.status = "Visited"
			self.assertRaises(FollowUpError, visit.save)
			visit = frappe.get_doc("ZZ Follow-up Visit", name)
			visit.update(
				{"status": "Visited", "method": "Phone", "satisfaction": "Satisfied", "agreement_kept": "Yes"}
			)
			visit.save()
		self.assertTrue(frappe.db.get_value("ZZ Follow-up Visit", name, "visited_on"))
		self.assertFalse(frappe.has_permission("ZZ Follow-up Visit", "read", name, user=self.other_clerk))
		with as_user(self.other_clerk):
			self.assertNotIn(name, frappe.get_list("ZZ Follow-up Visit", pluck="name"))

	def dissatisfied(self, user, name, reason="协议约定的围栏至今未拆除"):
		with as_user(user):
			visit = frappe.get_doc("ZZ Follow-up Visit", name)
			visit.update(
				{
					"status": "Visited",
					"method": "Home Visit",
					"satisfaction": "Dissatisfied",
					"agreement_kept": "No",
					"reopen_requested": 1,
					"reopen_reason": reason,
				}
			)
			visit.save()

	def test_unsatisfied_visit_by_the_clerk_goes_to_the_director(self):
		case = self.resolved_case()
		self.dissatisfied(self.clerk, self.visits(case)[0].name)
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "workflow_state"), "Resolved")
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.director, "document_name": case.name})
		)
		notes = frappe.get_all(
			"Comment", filters={"reference_doctype": "ZZ Case", "reference_name": case.name}, pluck="content"
		)
		self.assertTrue(any("围栏至今未拆除" in note for note in notes))

	def test_unsatisfied_visit_by_the_director_reopens_the_case(self):
		case = self.resolved_case()
		act(self.clerk, case.name, "Start Follow-up")
		self.dissatisfied(self.director, self.visits(case)[0].name)
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "workflow_state"), "In Mediation")
		with self.assertRaises(FollowUpError):
			self.dissatisfied(self.director, self.visits(case)[1].name, reason=" ")
