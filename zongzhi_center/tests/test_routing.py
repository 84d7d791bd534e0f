"""Routing on real cases: assignment, transfer, return, escalation and sending down through the form and
the Workflow's actions, the routing log, the first receiver's notifications, and refusals."""

import frappe
from frappe.model.workflow import WorkflowTransitionError, get_transitions
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import ConflictOfInterestError, StateRequirementError
from zongzhi_center.tests.factories import (
	act,
	as_user,
	edit_case,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
)


class TestRouting(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.dispatcher = make_user(["ZZ Dispatcher"], cls.tree.town_a)
		cls.mediator = make_user(["ZZ Mediator"], cls.tree.town_a)
		cls.county_dispatcher = make_user(["ZZ Dispatcher"], cls.tree.county)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.handler = make_user(["ZZ Department Handler"])
		cls.police = make_department(cls.tree.town_a, handlers=(cls.handler,))
		cls.justice = make_department(cls.tree.town_a, department_type="Justice Office")

	def tearDown(self):
		frappe.set_user("Administrator")

	def accepted_case(self):
		case = make_case(self.tree.town_a, self.clerk)
		return move_case(case.name, "Accepted")

	def notifications(self, user: str, case: str) -> int:
		return frappe.db.count("Notification Log", {"for_user": user, "document_name": case})

	def test_assignment_transfer_and_answer_are_logged(self):
		case = self.accepted_case()
		edit_case(self.dispatcher, case.name, handling_department=self.police)
		routed = act(self.dispatcher, case.name, "Route Case")
		self.assertEqual([r.move for r in routed.routing_log], ["Assigned"])
		self.assertEqual(routed.routing_log[0].to_department, self.police)
		self.assertEqual(routed.routing_log[0].by_user, self.dispatcher)

		# a transfer needs a reason, and nothing changes without one
		with self.assertRaises(StateRequirementError):
			edit_case(self.dispatcher, case.name, handling_department=self.justice)
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "handling_department"), self.police)
		moved = edit_case(
			self.dispatcher, case.name, handling_department=self.justice, move_reason="属司法所职责"
		)
		self.assertEqual([r.move for r in moved.routing_log], ["Assigned", "Transferred"])
		self.assertEqual(moved.routing_log[-1].from_department, self.police)
		self.assertEqual(moved.routing_log[-1].reason, "属司法所职责")
		self.assertFalse(moved.move_reason)

		started = act(self.mediator, case.name, "Start Mediation")
		self.assertEqual(started.routing_log[-1].answer, "Accepted")
		self.assertTrue(started.routing_log[-1].answered_at)
		# the first receiver heard of both moves
		self.assertGreaterEqual(self.notifications(self.clerk, case.name), 2)

	def test_first_receiver_is_told_of_each_move_after_two_transfers(self):
		case = self.accepted_case()
		before = self.notifications(self.clerk, case.name)
		edit_case(self.dispatcher, case.name, handling_department=self.police)
		act(self.dispatcher, case.name, "Route Case")
		edit_case(self.dispatcher, case.name, handling_department=self.justice, move_reason="属司法所职责")
		moved = edit_case(
			self.dispatcher, case.name, handling_department=self.police, move_reason="涉及治安，转回派出所"
		)
		self.assertEqual([r.move for r in moved.routing_log], ["Assigned", "Transferred", "Transferred"])
		# one notice per move, naming the case by its number and nobody's personal data
		subjects = frappe.get_all(
			"Notification Log",
			filters={"for_user": self.clerk, "document_name": case.name},
			pluck="subject",
			order_by="creation asc",
		)
		self.assertEqual(len(subjects), before + 3)
		for subject in subjects[-3:]:
			self.assertIn(moved.case_number, subject)
			self.assertNotIn(case.parties[0].phone, subject)
		# and they still read the case, which is no longer in their hands
		self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name, user=self.clerk))

	def test_return_needs_a_reason_and_is_answered_in_the_log(self):
		case = self.accepted_case()
		edit_case(self.dispatcher, case.name, handling_department=self.police)
		act(self.dispatcher, case.name, "Route Case")
		with self.assertRaises(StateRequirementError):
			act(self.handler, case.name, "Return Case")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "workflow_state"), "Routed")
		frappe.db.set_value("ZZ Case", case.name, "move_reason", "不属于公安职责")
		returned = act(self.handler, case.name, "Return Case")
		self.assertEqual(returned.workflow_state, "Accepted")
		self.assertEqual(returned.routing_log[0].answer, "Returned")
		self.assertEqual(returned.routing_log[0].answer_reason, "不属于公安职责")
		self.assertEqual(returned.routing_log[-1].move, "Returned")
		self.assertFalse(returned.handling_department)

	def test_escalation_to_the_parent_centre_and_acceptance_there(self):
		case = self.accepted_case()
		edit_case(self.dispatcher, case.name, target_center=self.tree.county, move_reason="涉及多个乡镇")
		with as_user(self.dispatcher):
			actions = {t.action for t in get_transitions(frappe.get_doc("ZZ Case", case.name))}
		self.assertIn("Escalate Case", actions)
		self.assertNotIn("Send Down Case", actions)

		escalated = act(self.dispatcher, case.name, "Escalate Case")
		self.assertEqual(escalated.workflow_state, "Handed Over")
		self.assertEqual(escalated.current_center, self.tree.county)
		self.assertEqual(escalated.tier, "County")
		self.assertFalse(escalated.target_center)
		entry = escalated.routing_log[-1]
		self.assertEqual(
			(entry.move, entry.from_center, entry.to_center),
			("Escalated", self.tree.town_a, self.tree.county),
		)
		self.assertEqual(entry.reason, "涉及多个乡镇")

		# the township dispatcher no longer handles it; the county's does, and the first receiver still reads it
		self.assertFalse(frappe.has_permission("ZZ Case", "write", case.name, user=self.dispatcher))
		self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name, user=self.clerk))
		accepted = act(self.county_dispatcher, case.name, "Accept Case")
		self.assertEqual(accepted.workflow_state, "Accepted")
		self.assertEqual(accepted.routing_log[-1].answer, "Accepted")
		self.assertGreaterEqual(self.notifications(self.county_dispatcher, case.name), 1)

	def test_escalation_refused_to_a_centre_that_is_not_the_parent(self):
		case = self.accepted_case()
		edit_case(self.dispatcher, case.name, target_center=self.tree.town_b, move_reason="错误目标")
		with self.assertRaises(WorkflowTransitionError):
			act(self.dispatcher, case.name, "Escalate Case")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "current_center"), self.tree.town_a)

	def test_only_dispatchers_and_directors_choose_a_centre_to_move_to(self):
		case = make_case(self.tree.town_a, self.clerk)  # Registered: the clerk may edit it
		edit_case(self.clerk, case.name, target_center=self.tree.county)
		# the field is above the clerk's permission level: Frappe keeps the stored value
		self.assertFalse(frappe.db.get_value("ZZ Case", case.name, "target_center"))

	def test_send_down_to_a_child_centre(self):
		village_dispatcher = make_user(["ZZ Dispatcher"], self.tree.village_a)
		case = self.accepted_case()
		edit_case(self.dispatcher, case.name, target_center=self.tree.village_a, move_reason="属地化解")
		sent = act(self.dispatcher, case.name, "Send Down Case")
		self.assertEqual((sent.current_center, sent.tier), (self.tree.village_a, "Village"))
		self.assertEqual(sent.routing_log[-1].move, "Sent Down")
		self.assertEqual(act(village_dispatcher, case.name, "Accept Case").workflow_state, "Accepted")

	def test_two_dispatchers_routing_the_same_case_one_wins_the_other_is_told(self):
		case = self.accepted_case()
		other = make_user(["ZZ Dispatcher"], self.tree.town_a)
		with as_user(self.dispatcher):
			first = frappe.get_doc("ZZ Case", case.name)
		with as_user(other):
			second = frappe.get_doc("ZZ Case", case.name)
		with as_user(self.dispatcher):
			first.handling_department = self.police
			first.save()
		with as_user(other), self.assertRaises(frappe.TimestampMismatchError):
			second.handling_department = self.justice
			second.save()
		stored = frappe.get_doc("ZZ Case", case.name)
		self.assertEqual(stored.handling_department, self.police)
		self.assertEqual([r.move for r in stored.routing_log], ["Assigned"])

	def test_department_that_is_a_party_gets_the_case_only_from_a_director(self):
		case = make_case(
			self.tree.town_a,
			self.clerk,
			parties=[
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": "王申请",
					"phone": "13912345678",
				},
				{
					"party_role": "Respondent",
					"party_type": "Organisation",
					"party_name": "派出所",
					"department": self.police,
				},
			],
		)
		move_case(case.name, "Accepted")
		with self.assertRaises(ConflictOfInterestError):
			edit_case(self.dispatcher, case.name, handling_department=self.police)
		self.assertFalse(frappe.db.get_value("ZZ Case", case.name, "handling_department"))
		done = edit_case(self.director, case.name, handling_department=self.police)
		self.assertEqual(done.routing_log[-1].to_department, self.police)

	def test_green_case_handled_at_once_by_the_receiving_clerk(self):
		case = make_case(self.tree.town_a, self.clerk, outcome="Resolved")
		self.assertEqual(case.risk_color, "Green")
		done = act(self.clerk, case.name, "Handle at Once")
		self.assertEqual(done.workflow_state, "Resolved")
		self.assertEqual(done.sla_status, "")
