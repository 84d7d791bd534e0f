"""A clerk's save with several mistakes is refused once, naming every mistake — an invalid ID number, a bad
phone and a required field left empty, or several impossible values — in the clerk's language, and saves
nothing; a single mistake keeps its own message and kind of error."""

import frappe
import frappe.client
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import InvalidIDNumberError, InvalidPhoneError, InvalidValueError
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import as_user, case_dict, id_number, make_center_tree, make_user


class TestSaveProblems(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user([wn.INTAKE_CLERK], cls.tree.town_a)

	def tearDown(self):
		frappe.local.lang = "en"
		frappe.set_user("Administrator")

	def refused(self, exc, doc) -> dict:
		"""Insert as the clerk through frappe.client; the message the desk shows."""
		before = frappe.db.count("ZZ Case")
		frappe.local.message_log = []
		with as_user(self.clerk), self.assertRaises(exc):
			frappe.client.insert(doc)
		self.assertEqual(frappe.db.count("ZZ Case"), before)
		return frappe.local.message_log[-1]

	def test_several_problems_are_listed_in_one_message(self):
		frappe.local.lang = "zh"
		bad_id = id_number(7)[:-1] + ("0" if id_number(7)[-1] != "0" else "1")
		doc = case_dict(self.tree.town_a, title="")
		doc["parties"][0].update(id_number=bad_id, phone="12345")
		shown = self.refused(InvalidIDNumberError, doc)
		self.assertTrue(shown.get("as_list"))
		self.assertEqual(shown["title"], "请更正以下 3 处问题")
		messages = shown["message"]
		self.assertEqual(len(messages), 3, messages)
		self.assertIn("身份证号", messages[0])
		self.assertIn("电话", messages[1])
		self.assertIn("标题", messages[2])
		self.assertNotIn(bad_id, str(shown))  # the rejected number is never repeated back

	def test_a_single_problem_keeps_its_own_message(self):
		doc = case_dict(self.tree.town_a)
		doc["parties"][0]["phone"] = "12345"
		shown = self.refused(InvalidPhoneError, doc)
		self.assertFalse(shown.get("as_list"))
		self.assertIn("Parties row 1", shown["message"])

	def test_impossible_values_are_listed_together(self):
		frappe.local.lang = "zh"
		doc = case_dict(self.tree.town_a, incident_date="2026-02-31", amount_in_dispute=1e300)
		shown = self.refused(InvalidValueError, doc)
		self.assertTrue(shown.get("as_list"))
		self.assertEqual(len(shown["message"]), 2, shown)
		self.assertIn("日期", shown["message"][0])
		self.assertIn("数字", shown["message"][1])
