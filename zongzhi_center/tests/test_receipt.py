"""The receipt (受理回执) states what is true when it is printed: a registered case's decide-by date; an
accepted one's date of acceptance, its promised resolve-by date and the time limit with its legal source; a
resolved one's date of conclusion with no promise left; a declined one's refusal; a duplicate merged into
another case the public number of that case, and nothing else of it. Printed as the clerk prints it."""

import re

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import global_date_format

from zongzhi_center.services import petitions
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_user, move_case

RECEIPT = "ZZ Case Receipt"
WILL_DECIDE = "前决定是否受理"
ACCEPTED_ON = "受理该事项"
FINISHED = "办结该事项"
PROMISE = "承诺办结日期"
DECLINED = "不予受理"
MERGED = "已并案至案件"
KEPT_TITLE = "钱秘密与邻居通道纠纷"


class TestReceipt(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)

	def tearDown(self):
		frappe.set_user("Administrator")

	def new_case(self, **values):
		return make_case(self.tree.town_a, self.clerk, matter_type="Petition", **values)

	def printed(self, case: str) -> str:
		"""The receipt's text as the clerk's print view renders it, without white space."""
		with as_user(self.clerk):
			return re.sub(r"\s+", "", frappe.get_print("ZZ Case", case, RECEIPT))

	def on(self, value) -> str:
		"""A date as the print writes it (the print's frappe.format_date)."""
		with as_user(self.clerk):
			return re.sub(r"\s+", "", global_date_format(value))

	def assert_only(self, receipt: str, right: str, *wrong: str):
		self.assertIn(right, receipt)
		for sentence in wrong:
			self.assertNotIn(sentence, receipt)

	def test_registered_case_promises_a_decision_on_acceptance(self):
		case = self.new_case()
		receipt = self.printed(case.name)
		self.assert_only(
			receipt,
			f"本中心将于{self.on(case.accept_by)}{WILL_DECIDE}",
			ACCEPTED_ON,
			FINISHED,
			DECLINED,
			MERGED,
		)
		self.assertIn("自收到之日起15日内决定是否受理", receipt)

	def test_accepted_case_says_when_it_was_accepted_and_promises_the_resolve_by_date(self):
		case = move_case(self.new_case().name, "Accepted")
		self.assertTrue(case.accepted_at and case.due_date)
		receipt = self.printed(case.name)
		self.assert_only(
			receipt,
			f"本中心已于{self.on(case.accepted_at)}{ACCEPTED_ON}",
			WILL_DECIDE,
			FINISHED,
			DECLINED,
			MERGED,
		)
		self.assertIn(f"{PROMISE}：{self.on(case.due_date)}", receipt)
		self.assertIn("自受理之日起60日内办结", receipt)
		self.assertIn("《信访工作条例》（2022年）", receipt)

	def test_resolved_case_says_when_it_was_concluded_and_promises_nothing(self):
		case = move_case(self.new_case().name, "Resolved")
		self.assertTrue(case.resolved_at)
		receipt = self.printed(case.name)
		self.assert_only(
			receipt,
			f"本中心已于{self.on(case.resolved_at)}{FINISHED}",
			WILL_DECIDE,
			ACCEPTED_ON,
			PROMISE,
			DECLINED,
			MERGED,
		)

	def test_declined_case_states_the_refusal(self):
		case = self.new_case()
		case.db_set({"not_accepted_reason": "属于诉讼程序处理事项", "redirect_to": "南县人民法院"})
		move_case(case.name, "Not Accepted")
		receipt = self.printed(case.name)
		self.assert_only(
			receipt, "本中心对该事项不予受理", WILL_DECIDE, ACCEPTED_ON, FINISHED, PROMISE, MERGED
		)

	def test_merged_duplicate_names_only_the_public_number_of_the_case_it_continues_in(self):
		kept = self.new_case(title=KEPT_TITLE)
		duplicate = self.new_case()
		with as_user(self.director):
			petitions.merge(duplicate.name, kept.name)
		receipt = self.printed(duplicate.name)
		self.assert_only(
			receipt,
			f"{MERGED}<strong>{kept.case_number}</strong>",
			WILL_DECIDE,
			ACCEPTED_ON,
			FINISHED,
			PROMISE,
			DECLINED,
		)
		for secret in (KEPT_TITLE, kept.name, kept.tracking_token):
			self.assertNotIn(secret, receipt)
