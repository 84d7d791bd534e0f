"""The REST API over real HTTP requests (Frappe's WSGI application, token authentication).

Requests are served in another thread with its own database connection, so this test commits its
fixtures and deletes them afterwards.
"""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.engine import masking
from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	http,
	make_case,
	make_center_tree,
	make_user,
	unique,
)

PHONE = "13966667777"


def request(
	method: str, path: str, user_credentials: str, params: dict | None = None, body: dict | None = None
):
	headers = {"Authorization": f"token {user_credentials}", "Accept": "application/json"}
	status, data = http(method, path, params=params, headers=headers, json=body)
	text = data.decode()
	try:
		return status, json.loads(text)
	except ValueError:
		return status, {"raw": text}


class TestRESTScope(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("接口")
		cls.tree = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], cls.tree.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b, with_api_key=True)
		cls.leader = make_user(["ZZ Leader"], cls.tree.county, with_api_key=True)
		party = {"party_role": "Applicant", "party_type": "Person", "party_name": "孙接口", "phone": PHONE}
		cls.case_a = make_case(cls.tree.town_a, cls.clerk_a, title=f"{cls.marker} A", parties=[party]).name
		cls.case_b = make_case(cls.tree.town_b, cls.clerk_b, title=f"{cls.marker} B", parties=[party]).name
		cls.keys = {user: api_credentials(user) for user in (cls.clerk_a, cls.clerk_b, cls.leader)}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		delete_committed(cls.tree, cls.keys)
		super().tearDownClass()

	def test_resource_list_is_scoped(self):
		params = {
			"filters": json.dumps([["title", "like", f"{self.marker}%"]]),
			"fields": json.dumps(["name"]),
		}
		status, body = request("GET", "/api/resource/ZZ Case", self.keys[self.clerk_b], params)
		self.assertEqual(status, 200, body)
		self.assertEqual({row["name"] for row in body["data"]}, {self.case_b})
		status, body = request("GET", "/api/resource/ZZ Case", self.keys[self.leader], params)
		self.assertEqual({row["name"] for row in body["data"]}, {self.case_a, self.case_b})

	def test_resource_get_outside_subtree_is_forbidden(self):
		status, body = request("GET", f"/api/resource/ZZ Case/{self.case_a}", self.keys[self.clerk_b])
		self.assertEqual(status, 403, body)
		self.assertNotIn(PHONE, json.dumps(body, ensure_ascii=False))
		status, body = request("GET", f"/api/resource/ZZ Case/{self.case_a}", self.keys[self.clerk_a])
		self.assertEqual(status, 200, body)
		# the REST answer holds the mask: the number itself only through the audited reveal
		self.assertEqual(body["data"]["parties"][0]["phone"], masking.mask(PHONE, "phone"))

	def test_resource_update_outside_subtree_is_forbidden(self):
		status, _body = request(
			"PUT", f"/api/resource/ZZ Case/{self.case_a}", self.keys[self.clerk_b], body={"title": "越权修改"}
		)
		self.assertEqual(status, 403)
		frappe.db.rollback()  # a fresh snapshot: see what the server committed
		self.assertEqual(frappe.db.get_value("ZZ Case", self.case_a, "title"), f"{self.marker} A")

	def test_client_methods_are_scoped(self):
		status, _body = request(
			"GET",
			"/api/method/frappe.client.get",
			self.keys[self.clerk_b],
			{"doctype": "ZZ Case", "name": self.case_a},
		)
		self.assertEqual(status, 403)
		status, body = request(
			"GET",
			"/api/method/frappe.client.get_count",
			self.keys[self.clerk_b],
			{"doctype": "ZZ Case", "filters": json.dumps([["title", "like", f"{self.marker}%"]])},
		)
		self.assertEqual(status, 200, body)
		self.assertEqual(body["message"], 1)

	def test_leader_gets_no_phone_over_rest(self):
		status, body = request("GET", f"/api/resource/ZZ Case/{self.case_a}", self.keys[self.leader])
		self.assertEqual(status, 200, body)
		self.assertNotIn(PHONE, json.dumps(body, ensure_ascii=False))

	def test_create_over_rest_sets_first_receiver_and_refuses_bad_input(self):
		payload = {
			"title": f"REST {self.marker}",  # not matched by the list tests' "marker%" filter
			"facts": "通过接口登记的案件。",
			"matter_type": "Dispute Mediation",
			"source": "Government Source",
			"channel": "API",
			"receiving_center": self.tree.town_a,
			"first_receiver": "Administrator",
			"parties": [
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": "周接口",
					"phone": "13900001111",
				}
			],
		}
		status, body = request("POST", "/api/resource/ZZ Case", self.keys[self.clerk_a], body=payload)
		self.assertEqual(status, 200, body)
		self.assertEqual(body["data"]["first_receiver"], self.clerk_a)
		self.assertRegex(body["data"]["case_number"], r"^430921100-\d{4}-\d{6}$")

		bad = dict(
			payload,
			parties=[
				{"party_role": "Applicant", "party_type": "Person", "party_name": "周接口", "phone": "123"}
			],
		)
		frappe.db.rollback()  # a fresh snapshot before and after each request
		before = frappe.db.count("ZZ Case", {"receiving_center": self.tree.town_a})
		status, body = request("POST", "/api/resource/ZZ Case", self.keys[self.clerk_a], body=bad)
		self.assertEqual(status, 417, body)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("ZZ Case", {"receiving_center": self.tree.town_a}), before)

		status, body = request("POST", "/api/resource/ZZ Case", self.keys[self.clerk_b], body=payload)
		self.assertEqual(status, 403, body)
