"""当场办结: a window clerk registers a simple matter, answers it and closes it in one step; the answer is
required; the matter types are ZZ Settings'; the weekly dispatch report counts it."""

import frappe
from frappe.model.workflow import WorkflowTransitionError, get_transitions
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate

from zongzhi_center.exceptions import StateRequirementError
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import act, as_user, make_case, make_center_tree, make_user
from zongzhi_center.zongzhi_center.report.zz_weekly_dispatch import zz_weekly_dispatch

CASE = "ZZ Case"
ANSWER = "已当场解答：拖欠工资可向劳动监察大队投诉或申请劳动仲裁，并告知所需材料。"


def set_on_the_spot_types(*matter_types):
	settings = frappe.get_single("ZZ Settings")
	settings.set("on_the_spot_matter_types", [{"matter_type": m} for m in matter_types])
	settings.save(ignore_permissions=True)


class TestResolvedOnTheSpot(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		set_on_the_spot_types("Legal Consultation")
		cls.tree = make_center_tree()
		cls.clerk = make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.dispatcher = make_user([wn.DISPATCHER], cls.tree.town_a)
		cls.director = make_user([wn.CENTER_DIRECTOR], cls.tree.town_a)

	def tearDown(self):
		frappe.set_user("Administrator")

	def consultation(self, center=None, **values):
		return make_case(center or self.tree.town_a, self.clerk, matter_type="Legal Consultation", **values)

	def test_clerk_registers_answers_and_closes_in_one_step(self):
		case = self.consultation(outcome_note=ANSWER)
		done = act(self.clerk, case.name, wn.action("resolve_on_the_spot"))
		self.assertEqual(done.workflow_state, wn.state("closed"))
		stored = frappe.get_doc(CASE, case.name)
		self.assertEqual(stored.workflow_state, wn.state("closed"))
		self.assertTrue(stored.resolved_on_the_spot)
		self.assertEqual(stored.outcome, "Resolved")
		self.assertEqual(stored.outcome_note, ANSWER)
		self.assertTrue(stored.answered_at and stored.resolved_at and stored.accepted_at)
		self.assertEqual([r.state for r in stored.state_history], list(wn.states("registered", "closed")))
		self.assertEqual(stored.state_history[-1].by_user, self.clerk)
		self.assertFalse(stored.sla_status)
		self.assertFalse(frappe.db.exists("ZZ Follow-up Visit", {"case": case.name}))

	def test_the_answer_is_required(self):
		case = self.consultation()
		with self.assertRaises(StateRequirementError):
			act(self.clerk, case.name, wn.action("resolve_on_the_spot"))
		stored = frappe.get_doc(CASE, case.name)
		self.assertEqual(stored.workflow_state, wn.state("registered"))
		self.assertFalse(stored.resolved_on_the_spot)

	def test_only_the_matter_types_settings_list_and_only_the_clerk(self):
		dispute = make_case(
			self.tree.town_a, self.clerk, matter_type="Dispute Mediation", outcome_note=ANSWER
		)
		with as_user(self.clerk):
			offered = {t.action for t in get_transitions(frappe.get_doc(CASE, dispute.name))}
		self.assertNotIn(wn.action("resolve_on_the_spot"), offered)
		with self.assertRaises(WorkflowTransitionError):
			act(self.clerk, dispute.name, wn.action("resolve_on_the_spot"))

		case = self.consultation(outcome_note=ANSWER)
		with self.assertRaises(WorkflowTransitionError):
			act(self.dispatcher, case.name, wn.action("resolve_on_the_spot"))
		self.assertEqual(frappe.db.get_value(CASE, case.name, "workflow_state"), wn.state("registered"))

		# configuration, not code: the administrator adds psychological help
		set_on_the_spot_types("Legal Consultation", "Psychological Help")
		try:
			help_case = make_case(
				self.tree.town_a, self.clerk, matter_type="Psychological Help", outcome_note=ANSWER
			)
			done = act(self.clerk, help_case.name, wn.action("resolve_on_the_spot"))
			self.assertEqual(done.workflow_state, wn.state("closed"))
		finally:
			set_on_the_spot_types("Legal Consultation")

	def test_green_case_handled_at_once_is_counted_as_resolved_on_the_spot(self):
		case = make_case(self.tree.town_a, self.clerk, outcome="Resolved")
		done = act(self.clerk, case.name, wn.action("handle_at_once"))
		self.assertEqual(done.workflow_state, wn.state("resolved"))
		self.assertTrue(frappe.db.get_value(CASE, case.name, "resolved_on_the_spot"))

	def test_weekly_dispatch_counts_the_cases_resolved_on_the_spot(self):
		tree = make_center_tree()  # its own centres: the counts are this test's cases only
		clerk = make_user([wn.INTAKE_CLERK], tree.town_a)
		director = make_user([wn.CENTER_DIRECTOR], tree.town_a)
		for _ in range(2):
			case = make_case(tree.town_a, clerk, matter_type="Legal Consultation", outcome_note=ANSWER)
			act(clerk, case.name, wn.action("resolve_on_the_spot"))
		make_case(tree.village_a, clerk)  # received, not resolved on the spot
		filters = {"center": tree.town_a, "from_date": nowdate(), "to_date": nowdate(), "group_by": "All"}
		with as_user(director):
			columns, rows = zz_weekly_dispatch.execute(filters)[:2]
		self.assertIn("on_the_spot", [c["fieldname"] for c in columns])
		self.assertEqual((rows[0].received, rows[0].on_the_spot), (3, 2))
