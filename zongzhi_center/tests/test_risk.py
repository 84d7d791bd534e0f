"""Risk colours on real cases: rules firing, the red-case tier, overrides and who may make them."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import InvalidRuleError, RiskOverrideError
from zongzhi_center.services import rules
from zongzhi_center.tests.factories import (
	edit_case,
	make_case,
	make_center_tree,
	make_user,
	move_case,
	unique,
)


def make_risk_rule(colour: str, **values) -> str:
	doc = {"doctype": "ZZ Risk Rule", "rule_name": unique("测试风险"), "risk_color": colour}
	doc.update(values)
	return frappe.get_doc(doc).insert(ignore_permissions=True).name


class TestRiskColour(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.dispatcher = make_user(["ZZ Dispatcher"], cls.tree.town_a)
		cls.mediator = make_user(["ZZ Mediator"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.county)
		# words no shipped rule uses, so that the test decides what fires
		cls.red_word = unique("红词")
		cls.orange_word = unique("橙词")
		cls.red_rule = make_risk_rule("Red", keywords=cls.red_word)
		cls.orange_rule = make_risk_rule("Orange", keywords=cls.orange_word, min_parties=2)

	@classmethod
	def tearDownClass(cls):
		rules.clear_cache()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_highest_colour_wins_and_every_reason_is_shown(self):
		case = make_case(
			self.tree.county, "Administrator", facts=f"双方争执，{self.orange_word}，{self.red_word}。"
		)
		self.assertEqual(case.risk_color, "Red")
		self.assertEqual([r.rule for r in case.risk_reasons][:2], [self.red_rule, self.orange_rule])
		self.assertIn(self.red_word.casefold(), case.risk_reasons[0].matched)

	def test_red_case_at_intake_is_registered_at_the_county_and_the_director_told(self):
		case = make_case(self.tree.town_a, self.clerk, facts=f"当事人称{self.red_word}。")
		self.assertEqual(case.current_center, self.tree.county)
		self.assertEqual(case.tier, "County")
		self.assertEqual(case.routing_log[-1].move, "Escalated")
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.director, "document_name": case.name})
		)
		self.assertTrue(frappe.has_permission("ZZ Case", "read", case.name, user=self.clerk))

	def test_override_needs_a_reason_is_logged_and_is_only_for_the_right_roles(self):
		case = make_case(self.tree.town_a, self.clerk, facts=f"{self.orange_word}")
		self.assertEqual(case.risk_color, "Orange")
		move_case(case.name, "Routed")  # a state both the dispatcher and the mediator may edit in

		with self.assertRaises(RiskOverrideError):
			edit_case(self.dispatcher, case.name, risk_override="Green")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "risk_color"), "Orange")

		# above the mediator's permission level: Frappe keeps the stored (empty) override
		edit_case(self.mediator, case.name, risk_override="Green", risk_override_reason="调解员无权改色")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "risk_color"), "Orange")

		edit_case(self.dispatcher, case.name, risk_override="Yellow", risk_override_reason="双方已初步和解")
		self.assertEqual(frappe.db.get_value("ZZ Case", case.name, "risk_color"), "Yellow")
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "ZZ Case", "reference_name": case.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any("双方已初步和解" in c for c in comments))

	def test_rule_without_a_condition_is_refused(self):
		self.assertRaises(InvalidRuleError, make_risk_rule, "Red")
