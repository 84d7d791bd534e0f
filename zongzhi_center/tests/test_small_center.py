"""A township centre of two people takes a case from intake to closing on its own: one person is the
window clerk, the dispatcher and the mediator; the other is the centre's director. Nobody of the county
above acts on the case."""

import frappe
from frappe.model.workflow import get_transitions
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	act,
	as_user,
	edit_case,
	make_case,
	make_center_tree,
	make_department,
	make_user,
)

CASE = "ZZ Case"


class TestTwoPersonTownshipCentre(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		town = cls.tree.town_a
		cls.worker = make_user([wn.INTAKE_CLERK, wn.DISPATCHER, wn.MEDIATOR], town)
		cls.director = make_user([wn.CENTER_DIRECTOR], town)
		# the township's people's mediation committee, with no handler of its own
		cls.committee = make_department(town, department_type="People's Mediation Committee")

	def tearDown(self):
		frappe.set_user("Administrator")

	def offered(self, user, name) -> set[str]:
		with as_user(user):
			return {t.action for t in get_transitions(frappe.get_doc(CASE, name))}

	def test_intake_routing_mediation_resolution_follow_up_and_closing(self):
		worker, director = self.worker, self.director
		case = make_case(self.tree.town_a, worker)
		name = case.name
		self.assertEqual(case.first_receiver, worker)
		act(worker, name, wn.action("accept"))
		edit_case(worker, name, handling_department=self.committee)
		act(worker, name, wn.action("route"))
		act(worker, name, wn.action("start_mediation"))
		edit_case(worker, name, outcome="Resolved by Agreement", outcome_note="双方达成调解协议，当场履行")
		act(worker, name, wn.action("mark_resolved"))
		# 跟踪回访: the visits are the first receiver's, here the same person
		visits = frappe.get_all("ZZ Follow-up Visit", filters={"case": name}, pluck="visitor")
		self.assertTrue(visits)
		self.assertEqual(set(visits), {worker})
		act(worker, name, wn.action("start_follow_up"))
		# closing is the director's: the worker is not offered it, the centre's own director is
		self.assertNotIn(wn.action("close"), self.offered(worker, name))
		self.assertIn(wn.action("close"), self.offered(director, name))
		done = act(director, name, wn.action("close"))
		self.assertEqual(done.workflow_state, wn.state("closed"))

		stored = frappe.get_doc(CASE, name)
		self.assertEqual(
			[row.state for row in stored.state_history],
			list(
				wn.states(
					"registered", "accepted", "routed", "in_mediation", "resolved", "follow_up", "closed"
				)
			),
		)
		self.assertEqual({row.by_user for row in stored.state_history}, {worker, director})
		self.assertEqual(stored.current_center, self.tree.town_a)
		self.assertEqual(stored.routing_log[-1].to_department, self.committee)

	def test_the_two_of_them_reopen_within_the_grace_period(self):
		frappe.db.set_single_value("ZZ Settings", "reopen_grace_days", 15)
		name = make_case(self.tree.town_a, self.worker).name
		act(self.worker, name, wn.action("accept"))
		edit_case(self.worker, name, handling_department=self.committee)
		act(self.worker, name, wn.action("route"))
		act(self.worker, name, wn.action("start_mediation"))
		edit_case(self.worker, name, outcome="Resolved")
		act(self.worker, name, wn.action("mark_resolved"))
		act(self.worker, name, wn.action("start_follow_up"))
		act(self.director, name, wn.action("close"))
		done = act(self.director, name, wn.action("reopen"))
		self.assertEqual(done.workflow_state, wn.state("in_mediation"))
