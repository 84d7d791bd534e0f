"""A duplicate merged into another case (并案) over real HTTP: the citizen's tracking page and the sister
system's status calls (its own API and Open311) say it was merged and name the case that handles it on —
by its public number only, never that case's token, title or parties — instead of "Not Accepted".

Requests are served on another connection, so the fixtures are committed and deleted afterwards."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.engine.tracking import MERGED
from zongzhi_center.services import petitions, tracking
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	make_case,
	make_center_tree,
	make_user,
	unique,
)
from zongzhi_center.tests.test_intake_api import V1, conforms, send
from zongzhi_center.tests.test_tracking import fetch

SECRET_TITLE = "冯秘密与物业纠纷"
SECRET_NAME = "冯秘密"


class TestMergedCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.integration = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.system = (
			frappe.get_doc(
				{
					"doctype": "ZZ Sister System",
					"system_code": unique("hotline"),
					"system_name": "hotline",
					"user": cls.integration,
					"default_center": cls.tree.town_a,
					"source": "Government Source",
					"channel": "12345 Hotline",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.key = api_credentials(cls.integration)
		frappe.db.commit()
		cls.external_id = unique("ext")
		status, answer, _ = send(
			"POST",
			f"{V1}.submit_case",
			cls.key,
			body={
				"title": "楼上漏水纠纷",
				"facts": "楼上住户卫生间漏水，多次协商未果，请求调解赔偿。",
				"external_id": cls.external_id,
				"parties": [{"party_role": "Applicant", "party_name": "赵接口", "phone": "13800001111"}],
			},
		)
		assert status == 201, answer
		frappe.db.rollback()
		cls.duplicate = frappe.db.get_value("ZZ Case", {"case_number": answer["case_number"]}, "name")
		cls.kept = make_case(
			cls.tree.town_a,
			cls.clerk,
			title=SECRET_TITLE,
			parties=[
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": SECRET_NAME,
					"phone": "13900002222",
				}
			],
		)
		with as_user(cls.director):
			petitions.merge(cls.duplicate, cls.kept.name)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.delete_doc("ZZ Sister System", cls.system, force=True, ignore_permissions=True)
		delete_committed(cls.tree, [cls.integration, cls.director, cls.clerk])
		super().tearDownClass()

	def assert_no_secret_of_the_kept_case(self, text):
		for secret in filter(None, (self.kept.tracking_token, SECRET_TITLE, SECRET_NAME, self.kept.name)):
			self.assertNotIn(secret, text)

	def test_tracking_page_says_merged_and_names_the_case(self):
		token = frappe.db.get_value("ZZ Case", self.duplicate, "tracking_token")
		status, body, _headers = fetch(f"/track/{token}")
		self.assertEqual(status, 200, body[:500])
		self.assertIn(self.kept.case_number, body)
		self.assertIn("Merged into Another Case", body)
		self.assertNotIn("Not Accepted", body)
		self.assert_no_secret_of_the_kept_case(body)
		# in the users' language
		frappe.local.lang = "zh"
		try:
			view = tracking.public_view(self.duplicate)
		finally:
			frappe.local.lang = "en"
		self.assertEqual(view.stage, "已并案")
		self.assertEqual(view.merged_into, self.kept.case_number)
		self.assertIsNone(view.promised_by)

	def test_status_call_says_merged_and_names_the_case(self):
		status, answer, text = send(
			"GET", f"{V1}.case_status", self.key, params={"external_id": self.external_id}
		)
		self.assertEqual(status, 200, answer)
		conforms(self, f"{V1}.case_status", "GET", status, answer)
		self.assertEqual((answer["status"], answer["merged_into"]), (MERGED, self.kept.case_number))
		self.assertEqual(answer["milestones"][-1]["status"], MERGED)
		self.assertNotIn("Not Accepted", [m["status"] for m in answer["milestones"]])
		self.assert_no_secret_of_the_kept_case(text)

	def test_open311_request_says_merged_and_names_the_request(self):
		number = frappe.db.get_value("ZZ Case", self.duplicate, "case_number")
		status, found, text = send("GET", f"/open311/v2/requests/{number}.json", self.key)
		self.assertEqual(status, 200, found)
		self.assertEqual(
			(found[0]["status"], found[0]["merged_into"]), ("closed", self.kept.case_number), found
		)
		self.assertIn(self.kept.case_number, found[0]["status_notes"])
		self.assert_no_secret_of_the_kept_case(text)

	def test_status_webhook_says_merged_and_names_the_case(self):
		"""The sister system's webhook body, rendered as Frappe's Webhook renders it for the case."""
		import json

		from frappe.integrations.doctype.webhook.webhook import get_webhook_data

		from zongzhi_center.zongzhi_center.doctype.zz_sister_system.zz_sister_system import WEBHOOK_JSON

		webhook = frappe._dict(webhook_data=[], webhook_json=WEBHOOK_JSON)
		body = get_webhook_data(frappe.get_doc("ZZ Case", self.duplicate), webhook)
		self.assertEqual((body["status"], body["merged_into"]), (MERGED, self.kept.case_number))
		self.assertEqual(body["external_id"], self.external_id)
		self.assert_no_secret_of_the_kept_case(json.dumps(body, ensure_ascii=False))
		# an ordinary case: its milestone, and no pointer
		kept = get_webhook_data(frappe.get_doc("ZZ Case", self.kept.name), webhook)
		self.assertEqual((kept["status"], kept["merged_into"]), ("Case Received", None))
