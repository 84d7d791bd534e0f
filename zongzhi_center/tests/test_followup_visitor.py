"""跟踪回访 by whoever a visit is assigned to: a grid worker who received a case (首问) that climbed to the
village is its visits' visitor, and over real HTTP opens and records them — and no other visit; another grid
worker of the same grid is refused; a visit handed to someone else goes with its access."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	make_case,
	make_center_tree,
	make_user,
	move_case,
)
from zongzhi_center.tests.test_rest_api import request

VISIT = "ZZ Follow-up Visit"
RESOURCE = "/api/resource/ZZ Follow-up Visit"


class TestFollowUpVisitor(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.db.set_single_value("ZZ Settings", "follow_up_offsets", "7, 30")
		cls.tree = t = make_center_tree()
		cls.grid_worker = make_user(["ZZ Grid Worker"], t.grid_a, with_api_key=True)
		cls.other_worker = make_user(["ZZ Grid Worker"], t.grid_a, with_api_key=True)
		cls.clerk = make_user(["ZZ Intake Clerk"], t.village_a, with_api_key=True)
		cls.users = [cls.grid_worker, cls.other_worker, cls.clerk]
		# the grid worker receives the case on patrol; it climbs to the village (村级初诊) and is resolved there
		case = make_case(t.grid_a, cls.grid_worker)
		case.db_set({"current_center": t.village_a, "tier": "Village"})
		cls.case = move_case(case.name, "Resolved").name
		cls.visits = frappe.get_all(VISIT, filters={"case": cls.case}, pluck="name", order_by="due_date asc")
		# a visit of another case of the village, received by its clerk
		other = move_case(make_case(t.village_a, cls.clerk).name, "Resolved").name
		cls.clerks_visit = frappe.get_all(VISIT, filters={"case": other}, pluck="name")[0]
		cls.keys = {user: api_credentials(user) for user in cls.users}
		frappe.db.commit()  # the HTTP requests run on their own connections

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		cases = frappe.get_all(
			"ZZ Case", filters={"receiving_center": ["in", list(cls.tree.values())]}, pluck="name"
		)
		visits = frappe.get_all(VISIT, filters={"case": ["in", cases]}, pluck="name")
		frappe.db.delete("DocShare", {"share_doctype": VISIT, "share_name": ["in", visits or [""]]})
		frappe.db.delete(VISIT, {"name": ["in", visits or [""]]})
		frappe.db.delete("ZZ Department", {"center": ["in", list(cls.tree.values())]})
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_grid_worker_opens_and_records_their_visit_over_http(self):
		self.assertEqual(len(self.visits), 2)
		name = self.visits[0]
		self.assertEqual(
			frappe.db.get_value(VISIT, name, ["visitor", "center"]), (self.grid_worker, self.tree.village_a)
		)
		key = self.keys[self.grid_worker]
		status, body = request("GET", f"{RESOURCE}/{name}", key)
		self.assertEqual(status, 200, body)
		self.assertEqual(body["data"]["case"], self.case)
		status, body = request("GET", RESOURCE, key, params={"limit_page_length": 0})
		self.assertEqual(status, 200, body)
		self.assertEqual(sorted(row["name"] for row in body["data"]), sorted(self.visits))
		recorded = {
			"status": "Visited",
			"method": "Phone",
			"satisfaction": "Satisfied",
			"agreement_kept": "Yes",
		}
		status, body = request("PUT", f"{RESOURCE}/{name}", key, body=recorded)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()  # a fresh snapshot: the request committed on its own connection
		stored = frappe.db.get_value(VISIT, name, ["status", "satisfaction", "visited_on"], as_dict=True)
		self.assertEqual((stored.status, stored.satisfaction), ("Visited", "Satisfied"))
		self.assertTrue(stored.visited_on)

	def test_no_other_visit_and_no_other_grid_worker(self):
		key = self.keys[self.grid_worker]
		for method, body in (("GET", None), ("PUT", {"notes": "改写"})):
			status, _ = request(method, f"{RESOURCE}/{self.clerks_visit}", key, body=body)
			self.assertIn(status, (403, 404))
		other = self.keys[self.other_worker]
		status, _ = request("GET", f"{RESOURCE}/{self.visits[1]}", other)
		self.assertIn(status, (403, 404))
		status, body = request("GET", RESOURCE, other, params={"fields": json.dumps(["name"])})
		self.assertEqual(body.get("data", []) if status == 200 else [], [])
		self.assertIsNone(frappe.db.get_value(VISIT, self.clerks_visit, "notes"))

	def test_a_visit_handed_to_someone_else_goes_with_its_access(self):
		name = self.visits[1]
		visit = frappe.get_doc(VISIT, name)
		visit.visitor = self.other_worker
		visit.save()
		frappe.db.commit()
		try:
			self.assertTrue(frappe.has_permission(VISIT, "write", name, user=self.other_worker))
			self.assertFalse(frappe.has_permission(VISIT, "read", name, user=self.grid_worker))
			status, _ = request("GET", f"{RESOURCE}/{name}", self.keys[self.other_worker])
			self.assertEqual(status, 200)
		finally:
			visit = frappe.get_doc(VISIT, name)
			visit.visitor = self.grid_worker
			visit.save()
			frappe.db.commit()
