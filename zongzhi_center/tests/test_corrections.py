"""更正 after acceptance: the clerk of the case's centre corrects names, phones, addresses and the facts through
the correction path (desk dialog → zongzhi_center.api.corrections.correct_case); the change and its reason go
into the case's timeline with personal data masked. A clerk of the sibling township is refused; a field that
changes the case's course is refused by the same path and nothing changes; the form itself stays locked as
the workflow says; ZZ Settings decides which fields are correctable.
"""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import (
	CorrectionFieldError,
	CorrectionNotAllowedError,
	StateEditNotAllowedError,
)
from zongzhi_center.services import corrections, vault
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	edit_case,
	make_case,
	make_center_tree,
	make_user,
	move_case,
)
from zongzhi_center.tests.test_rest_api import request

CASE = "ZZ Case"
METHOD = "/api/method/zongzhi_center.api.corrections.correct_case"


def accepted_case(center: str, clerk: str):
	case = make_case(center, clerk)
	return move_case(case.name, wn.state("accepted"))


def correct_as(user: str, case: str, values: dict, reason: str = "录入时打错了字"):
	with as_user(user):
		return corrections.correct(case, values, reason)


class TestCorrections(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b)

	def test_the_clerk_corrects_a_name_a_phone_and_the_facts_after_acceptance(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		self.assertEqual(case.workflow_state, wn.state("accepted"))
		row = case.parties[0]
		result = correct_as(
			self.clerk_a,
			case.name,
			{
				"facts": "双方因院前通道被占用发生争执，请求调解（更正）。",
				"parties": [{"name": row.name, "party_name": "张更正", "phone": "13800001111"}],
			},
		)
		self.assertEqual(result["changed"], 3)
		stored = frappe.get_doc(CASE, case.name)
		self.assertIn("（更正）", stored.facts)
		self.assertEqual(stored.parties[0].party_name, "张更正")
		self.assertEqual(stored.parties[0].phone, "138****1111")  # the column keeps the mask
		self.assertEqual(vault.plaintext(stored.parties[0], "phone"), "13800001111")
		self.assertEqual(stored.workflow_state, wn.state("accepted"))
		# the timeline: the reason and the change, the phone as a mask only
		comment = frappe.get_all(
			"Comment",
			filters={"reference_doctype": CASE, "reference_name": case.name, "comment_type": "Info"},
			pluck="content",
			order_by="creation desc",
		)[0]
		self.assertIn("录入时打错了字", comment)
		self.assertIn("张更正", comment)
		self.assertIn("138****1111", comment)
		versions = json.dumps(
			[json.loads(d) for d in frappe.get_all("Version", filters={"docname": case.name}, pluck="data")],
			ensure_ascii=False,
		)
		self.assertIn("张更正", versions)
		self.assertNotIn("13800001111", versions + comment)

	def test_the_clerk_of_another_centre_is_refused(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		with self.assertRaises(CorrectionNotAllowedError):
			correct_as(self.clerk_b, case.name, {"facts": "乙镇改的事实"})
		self.assertNotIn("乙镇", frappe.db.get_value(CASE, case.name, "facts"))

	def test_a_field_that_changes_the_course_is_refused_by_the_same_path(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		facts = case.facts
		row = case.parties[0]
		for values in (
			{"matter_type": "Labour Claim"},
			{"facts": "顺带改的事实", "current_center": self.tree.town_b},
			{"parties": [{"name": row.name, "id_number": "430921199001011234"}]},
			{"parties": [{"name": row.name, "party_role": "Respondent"}]},
			{"parties": [{"name": "not-a-row", "party_name": "某人"}]},
		):
			with self.subTest(values=values), self.assertRaises(CorrectionFieldError):
				correct_as(self.clerk_a, case.name, values)
		stored = frappe.get_doc(CASE, case.name)
		self.assertEqual(stored.facts, facts)
		self.assertEqual(stored.matter_type, case.matter_type)
		self.assertEqual(stored.current_center, case.current_center)
		self.assertEqual(stored.parties[0].party_role, row.party_role)

	def test_a_reason_is_required(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		with self.assertRaises(CorrectionFieldError):
			correct_as(self.clerk_a, case.name, {"facts": "新的事实。"}, reason="  ")

	def test_the_stored_record_is_the_judge(self):
		"""A save flagged as a correction that changes anything else is refused, whatever set it."""
		case = accepted_case(self.tree.town_a, self.clerk_a)
		with as_user(self.clerk_a):
			doc = frappe.get_doc(CASE, case.name)
			doc.flags.zz_correction = True
			doc.tier = "County"
			with self.assertRaises(CorrectionFieldError):
				doc.save()
		self.assertEqual(frappe.db.get_value(CASE, case.name, "tier"), case.tier)

	def test_the_form_stays_locked_as_the_workflow_says(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		with self.assertRaises(StateEditNotAllowedError):
			edit_case(self.clerk_a, case.name, facts="表单里改的事实。")

	def test_the_settings_decide_which_fields(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		settings = frappe.get_single("ZZ Settings")
		kept = settings.correctable_fields
		try:
			frappe.db.set_single_value(
				"ZZ Settings", "correctable_fields", "facts\nmatter_type_does_not_exist"
			)
			self.assertEqual(corrections.correctable_fields(), (["facts"], []))
			with self.assertRaises(CorrectionFieldError):
				correct_as(
					self.clerk_a, case.name, {"parties": [{"name": case.parties[0].name, "party_name": "某"}]}
				)
			self.assertEqual(correct_as(self.clerk_a, case.name, {"facts": "只改事实。"})["changed"], 1)
		finally:
			frappe.db.set_single_value("ZZ Settings", "correctable_fields", kept)

	def test_the_dialog_is_offered_what_the_settings_allow(self):
		case = accepted_case(self.tree.town_a, self.clerk_a)
		with as_user(self.clerk_a):
			form = corrections.form(case.name)
		self.assertIn("facts", [f["fieldname"] for f in form["fields"]])
		self.assertIn("phone", [f["fieldname"] for f in form["party_fields"]])
		self.assertNotIn("id_number", [f["fieldname"] for f in form["party_fields"]])
		self.assertEqual(len(form["parties"]), len(case.parties))
		with as_user(self.clerk_b), self.assertRaises(CorrectionNotAllowedError):
			corrections.form(case.name)
		# the form offers the dialog to the case's clerk only
		with as_user(self.clerk_a):
			doc = frappe.get_doc(CASE, case.name)
			doc.run_method("onload")
			self.assertTrue(doc.get_onload().zz_may_correct)


class TestCorrectionsOverHTTP(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], cls.tree.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b, with_api_key=True)
		cls.case = accepted_case(cls.tree.town_a, cls.clerk_a)
		cls.keys = {u: api_credentials(u) for u in (cls.clerk_a, cls.clerk_b)}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		delete_committed(cls.tree, [cls.clerk_a, cls.clerk_b])
		super().tearDownClass()

	def post(self, user: str, values: dict, reason: str = "地址写错了"):
		return request(
			"POST", METHOD, self.keys[user], body={"case": self.case.name, "values": values, "reason": reason}
		)

	def test_right_clerk_wrong_clerk_and_a_locked_field(self):
		row = self.case.parties[0]
		status, body = self.post(self.clerk_b, {"parties": [{"name": row.name, "address": "乙镇改的地址"}]})
		self.assertEqual(status, 403, body)
		self.assertNotIn(self.tree.town_a, json.dumps(body, ensure_ascii=False))
		status, body = self.post(self.clerk_a, {"tier": "County"})
		self.assertEqual(status, 417, body)
		status, body = self.post(
			self.clerk_a, {"parties": [{"name": row.name, "address": "湖南省南县更正路2号"}]}
		)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()
		stored = frappe.get_doc(CASE, self.case.name)
		self.assertEqual(vault.plaintext(stored.parties[0], "address"), "湖南省南县更正路2号")
		self.assertEqual(stored.tier, self.case.tier)
