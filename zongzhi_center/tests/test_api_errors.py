"""The v1 API and the Open311 facade refuse through one wrapper (api/errors.py): the same exception gives the
same status on both, each in its own shape; nothing of a refused request stays; a fault of the server answers
500 (or 503 for a lock the database gave up on, which the caller may retry) with a sentence and no traceback,
and leaves the administrator an Error Log."""

from unittest.mock import patch

import frappe
import pymysql
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	make_center_tree,
	make_user,
	unique,
)
from zongzhi_center.tests.test_intake_api import O311, SECRET_ID, SECRET_PHONE, V1, conforms, send

SUBMIT = "zongzhi_center.services.intake.submit"
DETAIL = f"connection to 10.0.0.9 refused for {SECRET_ID}"  # what a fault may say, and no client may read


class TestAPIErrors(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.user = make_user(["ZZ Integration"], cls.tree.town_a, with_api_key=True)
		cls.system = (
			frappe.get_doc(
				{
					"doctype": "ZZ Sister System",
					"system_code": unique("errors"),
					"system_name": "errors",
					"user": cls.user,
					"default_center": cls.tree.town_a,
					"source": "Government Source",
					"channel": "12345 Hotline",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.category = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0]
		cls.key = api_credentials(cls.user)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.delete_doc("ZZ Sister System", cls.system, force=True, ignore_permissions=True)
		frappe.db.delete("Error Log", {"error": ["like", "%10.0.0.9%"]})
		delete_committed(cls.tree, {cls.user: cls.key})
		super().tearDownClass()

	def v1(self, marker):
		body = {
			"title": "接口故障演练",
			"facts": "用于核对接口出错时的答复。",
			"external_id": marker,
			"category": self.category,
			"parties": [{"party_role": "Applicant", "party_name": "赵故障", "phone": SECRET_PHONE}],
		}
		return send("POST", f"{V1}.submit_case", self.key, body=body)

	def open311(self, marker, path=f"{O311}.requests"):
		form = {
			"service_code": self.category,
			"description": "路灯损坏多日无人维修。",
			"first_name": "三",
			"last_name": "孙",
			"phone": SECRET_PHONE,
		}
		return send("POST", path, self.key, form=form, headers={"Idempotency-Key": marker})

	def failing(self, error):
		"""intake.submit writing a row, then failing with ``error``: the row must not stay."""

		def submit(body, key=None):
			frappe.get_doc(
				{"doctype": "ToDo", "description": f"half-written {key or body['external_id']}"}
			).insert(ignore_permissions=True)
			raise error

		return patch(SUBMIT, side_effect=submit)

	def assert_nothing_kept(self, marker):
		frappe.db.rollback()  # what the server committed
		self.assertFalse(frappe.db.exists("ToDo", {"description": f"half-written {marker}"}))
		self.assertFalse(frappe.db.exists("ZZ Case", {"external_id": marker}))

	def test_a_server_fault_answers_500_in_each_shape_without_a_traceback(self):
		marker = unique("fault")
		with self.failing(RuntimeError(DETAIL)):
			status, body, text = self.v1(marker)
		self.assertEqual(status, 500, text)
		conforms(self, f"{V1}.submit_case", "POST", status, body)
		self.assertEqual([e["code"] for e in body["errors"]], ["server_error"])
		self.assertEqual(body["message"], body["errors"][0]["message"])
		for secret in ("Traceback", "RuntimeError", SECRET_ID, "10.0.0.9"):
			self.assertNotIn(secret, text)
		self.assert_nothing_kept(marker)
		logged = frappe.get_all(
			"Error Log", filters={"error": ["like", "%10.0.0.9%"]}, fields=["method", "error"]
		)
		self.assertTrue(logged, "the administrator is told")
		self.assertIn("RuntimeError", logged[0].error)
		self.assertNotIn(SECRET_ID, logged[0].error)  # the log, too, keeps no ID number

		marker = unique("fault")
		with self.failing(RuntimeError(DETAIL)):
			status, body, text = self.open311(marker)
		self.assertEqual(status, 500, text)
		conforms(self, f"{O311}.requests", "POST", status, body)
		self.assertEqual([e["code"] for e in body], [500])
		for secret in ("Traceback", "RuntimeError", SECRET_ID):
			self.assertNotIn(secret, text)
		self.assert_nothing_kept(marker)

		# the spec's XML path, the same answer in its elements
		marker = unique("fault")
		with self.failing(RuntimeError(DETAIL)):
			status, _body, text = self.open311(marker, "/open311/v2/requests.xml")
		self.assertEqual(status, 500, text)
		self.assertIn("<errors>", text)
		self.assertIn("<code>500</code>", text)
		self.assertNotIn(SECRET_ID, text)
		self.assert_nothing_kept(marker)

	def test_a_lock_the_database_gave_up_on_answers_503_to_retry(self):
		timeout = pymysql.err.OperationalError(1205, "Lock wait timeout exceeded; try restarting transaction")
		marker = unique("busy")
		with self.failing(timeout):
			status, body, text = self.v1(marker)
		self.assertEqual(status, 503, text)
		conforms(self, f"{V1}.submit_case", "POST", status, body)
		self.assertEqual([e["code"] for e in body["errors"]], ["busy"])
		self.assert_nothing_kept(marker)

		marker = unique("busy")
		with self.failing(timeout):
			status, body, text = self.open311(marker)
		self.assertEqual(status, 503, text)
		conforms(self, f"{O311}.requests", "POST", status, body)
		self.assertEqual([e["code"] for e in body], [503])
		self.assert_nothing_kept(marker)

	def test_the_same_refusal_gives_the_same_status_on_both(self):
		refusals = {
			frappe.PermissionError("no"): 403,
			frappe.DoesNotExistError("gone"): 404,
			frappe.TooManyRequestsError("slow down"): 429,
		}
		for error, expected in refusals.items():
			marker = unique("refused")
			with self.failing(error):
				v1_status, v1_body, text = self.v1(marker)
			self.assertEqual(v1_status, expected, text)
			self.assertEqual(len(v1_body["errors"]), 1, v1_body)
			self.assert_nothing_kept(marker)
			marker = unique("refused")
			with self.failing(error):
				o311_status, o311_body, text = self.open311(marker)
			self.assertEqual(o311_status, expected, text)
			self.assertEqual([e["code"] for e in o311_body], [expected])
			self.assert_nothing_kept(marker)
		# a field error the caller can correct: 422 in v1, the spec's 400 in Open311
		marker = unique("refused")
		with self.failing(frappe.ValidationError("此字段无效")):
			status, body, _text = self.v1(marker)
		self.assertEqual((status, body["errors"][0]["code"], body["message"]), (422, "invalid", "此字段无效"))
		marker = unique("refused")
		with self.failing(frappe.ValidationError("此字段无效")):
			status, body, _text = self.open311(marker)
		self.assertEqual(status, 400)
		self.assertEqual(body, [{"code": 400, "description": "此字段无效"}])
		self.assert_nothing_kept(marker)
