"""The default case workflow: each transition done by its role and refused to the others."""

import frappe
from frappe.model.workflow import WorkflowTransitionError, get_transitions
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import StateEditNotAllowedError, StateRequirementError
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

ROLES = {
	"clerk": "ZZ Intake Clerk",
	"dispatcher": "ZZ Dispatcher",
	"mediator": "ZZ Mediator",
	"handler": "ZZ Department Handler",
	"director": "ZZ Center Director",
	"supervisor": "ZZ Supervisor",
	"leader": "ZZ Leader",
	"grid": "ZZ Grid Worker",
}

# from state, action, next state, who may, who may not (all of the same centre)
TRANSITIONS = [
	("Registered", "Accept Case", "Accepted", "clerk", "dispatcher"),
	("Registered", "Decline Case", "Not Accepted", "director", "clerk"),
	("Accepted", "Route Case", "Routed", "dispatcher", "clerk"),
	("Accepted", "Decline Case", "Not Accepted", "director", "dispatcher"),
	("Routed", "Start Mediation", "In Mediation", "mediator", "dispatcher"),
	("Routed", "Start Mediation", "In Mediation", "handler", "clerk"),
	("Routed", "Return Case", "Accepted", "mediator", "clerk"),
	("In Mediation", "Request Consultation", "In Consultation", "mediator", "clerk"),
	("In Consultation", "Resume Mediation", "In Mediation", "dispatcher", "leader"),
	("In Mediation", "Mark Resolved", "Resolved", "mediator", "dispatcher"),
	("In Mediation", "Mark Unresolved", "Unresolved", "handler", "clerk"),
	("Unresolved", "Refer to Court", "Referred to Court", "mediator", "clerk"),
	("Resolved", "Start Follow-up", "Follow-up", "clerk", "mediator"),
	("Referred to Court", "Start Follow-up", "Follow-up", "clerk", "supervisor"),
	("Follow-up", "Close Case", "Closed", "director", "clerk"),
	("Follow-up", "Close Case", "Closed", "director", "mediator"),
	("Follow-up", "Reopen Case", "In Mediation", "director", "clerk"),
	("Closed", "Archive Case", "Archived", "director", "leader"),
]


class TestCaseWorkflow(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.users = {key: make_user([role], cls.tree.county) for key, role in ROLES.items()}
		cls.department = make_department(cls.tree.county, handlers=(cls.users["handler"],))

	def tearDown(self):
		frappe.set_user("Administrator")

	def case_in(self, state: str, **fields):
		case = make_case(self.tree.town_a, self.users["clerk"], **fields)
		return move_case(case.name, state, department=self.department)

	def test_workflow_is_installed_and_active(self):
		workflow = frappe.get_doc("Workflow", "ZZ Case Workflow")
		self.assertTrue(workflow.is_active)
		self.assertEqual(workflow.document_type, "ZZ Case")
		states = {row.state for row in workflow.states}
		self.assertTrue(
			{
				"Registered",
				"Accepted",
				"Routed",
				"In Mediation",
				"In Consultation",
				"Resolved",
				"Unresolved",
				"Referred to Court",
				"Follow-up",
				"Closed",
				"Archived",
				"Not Accepted",
			}
			<= states
		)

	def test_each_transition_allowed_and_refused_by_role(self):
		for state, action, next_state, allowed, refused in TRANSITIONS:
			with self.subTest(action=action, state=state, allowed=allowed, refused=refused):
				case = self.case_in(state)
				if action == "Decline Case":
					case.db_set("not_accepted_reason", "不属于受理范围")
				if action == "Mark Resolved":
					case.db_set("outcome", "Resolved")
				if action == "Route Case":  # as the dispatcher does: choose the department, save, then route
					edit_case(self.users["dispatcher"], case.name, handling_department=self.department)
				if action == "Return Case":
					case.db_set("move_reason", "不属于本部门职责")
				with self.assertRaises((WorkflowTransitionError, frappe.PermissionError)):
					act(self.users[refused], case.name, action)
				self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "workflow_state"), state)
				done = act(self.users[allowed], case.name, action)
				self.assertEqual(done.workflow_state, next_state)

	def test_actions_offered_match_the_role(self):
		case = self.case_in("Registered")
		with as_user(self.users["clerk"]):
			actions = {t.action for t in get_transitions(frappe.get_doc("ZZ Case", case.name))}
		self.assertIn("Accept Case", actions)
		self.assertNotIn("Decline Case", actions)
		with as_user(self.users["director"]):
			actions = {t.action for t in get_transitions(frappe.get_doc("ZZ Case", case.name))}
		self.assertIn("Decline Case", actions)

	def test_not_accepted_needs_a_reason(self):
		case = self.case_in("Registered")
		with self.assertRaises(StateRequirementError):
			act(self.users["director"], case.name, "Decline Case")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "workflow_state"), "Registered")
		case.db_set({"not_accepted_reason": "属于法院受理范围", "redirect_to": "南县人民法院"})
		done = act(self.users["director"], case.name, "Decline Case")
		self.assertEqual(done.outcome, "Not Accepted")

	def test_routing_needs_a_department_or_mediator(self):
		case = make_case(self.tree.town_a, self.users["clerk"])
		act(self.users["clerk"], case.name, "Accept Case")
		# not offered (the Workflow's condition), so no dialog after a click; a direct call is refused
		with as_user(self.users["dispatcher"]):
			offered = {t.action for t in get_transitions(frappe.get_doc("ZZ Case", case.name))}
		self.assertNotIn("Route Case", offered)
		with self.assertRaises(WorkflowTransitionError):
			act(self.users["dispatcher"], case.name, "Route Case")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "workflow_state"), "Accepted")
		frappe.db.set_value("ZZ Case", case.name, "handling_department", self.department)
		self.assertEqual(act(self.users["dispatcher"], case.name, "Route Case").workflow_state, "Routed")

	def test_resolved_needs_an_outcome(self):
		case = self.case_in("In Mediation")
		with self.assertRaises(StateRequirementError):
			act(self.users["mediator"], case.name, "Mark Resolved")
		case.db_set("outcome", "Resolved by Agreement")
		self.assertEqual(act(self.users["mediator"], case.name, "Mark Resolved").workflow_state, "Resolved")

	def test_unresolved_sets_the_outcome(self):
		case = self.case_in("Unresolved")
		self.assertEqual(case.outcome, "Unresolved")
		case = self.case_in("Referred to Court")
		self.assertEqual(case.outcome, "Referred to Litigation")

	def test_who_may_edit_follows_the_state(self):
		case = self.case_in("In Mediation")
		with as_user(self.users["clerk"]):
			doc = frappe.get_doc("ZZ Case", case.name)
			doc.outcome_note = "窗口补充说明"
			with self.assertRaises(StateEditNotAllowedError):
				doc.save()
		with as_user(self.users["mediator"]):
			doc = frappe.get_doc("ZZ Case", case.name)
			doc.outcome_note = "第一次调解，双方初步达成意向"
			doc.save()
		self.assertEqual(
			frappe.db.get_value("ZZ Case", case.name, "outcome_note"), "第一次调解，双方初步达成意向"
		)

	def test_leader_cannot_edit_at_all(self):
		case = self.case_in("Registered")
		with as_user(self.users["leader"]):
			doc = frappe.get_doc("ZZ Case", case.name)
			doc.title = "领导改标题"
			with self.assertRaises(frappe.PermissionError):
				doc.save()

	def test_full_life_of_a_case(self):
		case = make_case(self.tree.town_a, self.users["clerk"])
		steps = [
			("clerk", "Accept Case", None),
			("dispatcher", "Route Case", {"handling_department": self.department}),
			("handler", "Start Mediation", None),
			("mediator", "Request Consultation", None),
			("mediator", "Resume Mediation", None),
			("mediator", "Mark Resolved", {"outcome": "Resolved by Agreement", "compensation_amount": 12800}),
			("clerk", "Start Follow-up", None),
			("director", "Close Case", None),
			("director", "Archive Case", None),
		]
		for who, action, fields in steps:
			if fields:
				with as_user(self.users[who]):
					doc = frappe.get_doc("ZZ Case", case.name)
					doc.update(fields)
					doc.save()
			act(self.users[who], case.name, action)
		case.reload()
		self.assertEqual(case.workflow_state, "Archived")
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": case.name, "comment_type": "Workflow"},
		)
		self.assertEqual(len(comments), len(steps))
