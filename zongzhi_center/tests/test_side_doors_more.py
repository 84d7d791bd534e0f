"""More of Frappe's side doors into a case, over real HTTP requests (token authentication): link titles, the
File list, live list updates, the titles that come with a form, and what refusals say.

Case R (township A, routed to department D1) has a known title and an attachment with a known name; staff
member S of township A has a known name. Four kinds of users may not read them: a clerk of the sibling
township B, the handler of another department D2, an integration key that did not submit R, and a website
user. None of them gets R's title, S's name, R's file (name, URL, size, hash), a live update naming R, or
R's centre from an error; R's own clerk still gets each of them on the same path. Nor do they count R by its
title in a heatmap chart or by its assignment in the list sidebar, or get the SQL of a list instead of its rows.
"""

import json

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	http,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	move_case,
	raw_insert,
	unique,
)
from zongzhi_center.tests.test_hardening import speaks_chinese
from zongzhi_center.tests.test_rest_api import request

CASE = "ZZ Case"
STAFF = "ZZ Stationed Staff"
M = "/api/method/"


class TestMoreSideDoors(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("秘密标题")
		cls.file_marker = unique("secret-evidence")
		cls.tree = t = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], t.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		cls.clerk_b_zh = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		speaks_chinese(cls.clerk_b_zh)
		cls.handler_x = make_user(["ZZ Department Handler"], with_api_key=True)
		cls.handler_1 = make_user(["ZZ Department Handler"], with_api_key=True)
		cls.integration = make_user(["ZZ Integration"], with_api_key=True)
		cls.website = make_user([], with_api_key=True)
		cls.manager = make_user(["System Manager"], with_api_key=True)
		cls.d1 = make_department(t.town_a, (cls.handler_1,))
		cls.d2 = make_department(t.town_a, (cls.handler_x,))
		cls.case = make_case(t.town_a, cls.clerk_a, title=f"{cls.marker} 标题").name
		move_case(cls.case, "Routed", department=cls.d1)
		# the sibling clerk's own case, merged into R: its form links to R
		cls.case_b = make_case(t.town_b, cls.clerk_b, title=unique("乙镇案件")).name
		frappe.db.set_value(CASE, cls.case_b, "merged_into", cls.case, update_modified=False)
		# a case of township A linking R: its clerk sees R's title on the form
		cls.case_a2 = make_case(t.town_a, cls.clerk_a, title=unique("甲镇案件")).name
		frappe.db.set_value(CASE, cls.case_a2, "merged_into", cls.case, update_modified=False)
		cls.staff_name = unique("驻点秘密")
		cls.staff = make_staff(t.town_a, cls.d1)
		frappe.db.set_value(STAFF, cls.staff, "full_name", cls.staff_name)
		# the sibling clerk's case heard by S: who handles it is part of the case to its clerk
		cls.case_b2 = make_case(t.town_b, cls.clerk_b, title=unique("乙镇案件")).name
		frappe.db.set_value(CASE, cls.case_b2, "assigned_mediator", cls.staff, update_modified=False)
		cls.file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{cls.file_marker}.txt",
				"attached_to_doctype": CASE,
				"attached_to_name": cls.case,
				"is_private": 1,
				"content": "现场照片说明",
			}
		).insert(ignore_permissions=True)
		cls.users = [
			cls.clerk_a,
			cls.clerk_b,
			cls.clerk_b_zh,
			cls.handler_x,
			cls.handler_1,
			cls.integration,
			cls.website,
			cls.manager,
		]
		cls.keys = {user: api_credentials(user) for user in cls.users}
		cls.refused = {
			"sibling clerk": cls.keys[cls.clerk_b],
			"other department": cls.keys[cls.handler_x],
			"integration": cls.keys[cls.integration],
			"website user": cls.keys[cls.website],
		}
		cls.allowed = cls.keys[cls.clerk_a]
		cls.stored = cls.snapshot()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("File", {"attached_to_name": ["in", [cls.case, cls.case_b, cls.case_a2]]})
		frappe.delete_doc(STAFF, cls.staff, force=True, ignore_permissions=True)
		frappe.db.delete("ZZ Department", {"name": ["in", [cls.d1, cls.d2]]})
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	@classmethod
	def snapshot(cls) -> str:
		values = frappe.get_doc(CASE, cls.case).as_dict(no_default_fields=False)
		values["files"] = frappe.db.count("File", {"attached_to_name": cls.case})
		return frappe.as_json(values)

	def assert_unchanged(self):
		frappe.db.rollback()  # a fresh snapshot: see what the server committed
		self.assertEqual(self.snapshot(), self.stored)

	def call(self, key, path, params=None, method="GET", body=None, language=None):
		path = path if path.startswith("/") else M + path
		if not language:
			return request(method, path, key, params, body)
		headers = {"Authorization": f"token {key}", "Accept": "application/json", "Accept-Language": language}
		status, data = http(method, path, params=params, headers=headers, json=body)
		return status, json.loads(data.decode())

	def assert_hidden(self, body, who: str, path: str):
		text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
		for secret in (
			self.marker,
			self.staff_name,
			self.file_marker,
			self.file.content_hash,
			self.tree.town_a,
		):
			self.assertNotIn(secret, text, f"{who}: {path}")

	# ------------------------------------------------------------ link titles

	def test_link_title_only_of_readable_records(self):
		path = "frappe.desk.search.get_link_title"
		missing = {"doctype": CASE, "docname": "no-such-case"}
		for who, key in self.refused.items():
			for doctype, name in ((CASE, self.case), (STAFF, self.staff)):
				status, body = self.call(key, path, {"doctype": doctype, "docname": name})
				self.assert_hidden(body, who, f"{path} {doctype}")
				# the same answer as for a record that does not exist
				self.assertEqual((status, body), self.call(key, path, dict(missing, doctype=doctype)), who)
		self.assertEqual(
			self.call(self.allowed, path, {"doctype": CASE, "docname": self.case}),
			(200, {"message": f"{self.marker} 标题"}),
		)
		self.assertEqual(
			self.call(self.allowed, path, {"doctype": STAFF, "docname": self.staff}),
			(200, {"message": self.staff_name}),
		)

	def test_a_form_carries_no_title_of_an_unreadable_linked_record(self):
		status, body = self.call(
			self.keys[self.clerk_b], "frappe.desk.form.load.getdoc", {"doctype": CASE, "name": self.case_b}
		)
		self.assertEqual(status, 200, body)
		self.assertEqual(body["docs"][0]["merged_into"], self.case)  # the clerk's own record says so
		self.assertNotIn(f"{CASE}::{self.case}", body.get("_link_titles") or {})
		self.assert_hidden(body, "sibling clerk", "getdoc")
		# the clerk of township A reads R: its title comes with the form of a case linking it
		status, body = self.call(
			self.allowed, "frappe.desk.form.load.getdoc", {"doctype": CASE, "name": self.case_a2}
		)
		self.assertEqual(status, 200, body)
		self.assertEqual(body["_link_titles"][f"{CASE}::{self.case}"], f"{self.marker} 标题")

	def test_a_form_names_the_people_on_its_record(self):
		status, body = self.call(
			self.keys[self.clerk_b], "frappe.desk.form.load.getdoc", {"doctype": CASE, "name": self.case_b2}
		)
		self.assertEqual(status, 200, body)
		self.assertEqual(body["docs"][0]["assigned_mediator"], self.staff)
		# the mediator's name comes with the case: the form shows a name, never the staff record's number
		self.assertEqual(body["_link_titles"][f"{STAFF}::{self.staff}"], self.staff_name)
		# asked for by number, the same person's name is still told only to those who may read the record
		status, body = self.call(
			self.keys[self.clerk_b],
			"frappe.desk.search.get_link_title",
			{"doctype": STAFF, "docname": self.staff},
		)
		self.assertNotIn(self.staff_name, json.dumps(body, ensure_ascii=False))

	def test_a_print_carries_no_title_of_an_unreadable_linked_record(self):
		params = {"doctype": CASE, "name": self.case_b, "format": "Standard"}
		status, page = http("GET", "/printview", self.keys[self.clerk_b], params)
		self.assertEqual(status, 200)
		self.assertIn(self.case, page.decode())  # the link prints as the record's name
		self.assert_hidden(page.decode(), "sibling clerk", "/printview")
		params = {"doctype": CASE, "name": self.case_a2, "format": "Standard"}
		status, page = http("GET", "/printview", self.allowed, params)
		self.assertEqual(status, 200)
		self.assertIn(f"{self.marker} 标题", page.decode())

	# ------------------------------------------------------------ files

	def file_paths(self) -> list[tuple[str, dict]]:
		fields = json.dumps(
			["name", "file_name", "file_url", "file_size", "content_hash", "attached_to_name"]
		)
		return [
			("/api/resource/File", {"fields": fields, "limit_page_length": 0}),
			("frappe.client.get_list", {"doctype": "File", "fields": fields, "limit_page_length": 0}),
			("frappe.desk.reportview.get", {"doctype": "File", "fields": fields, "page_length": 500}),
			(
				"frappe.client.get_count",
				{"doctype": "File", "filters": json.dumps({"file_name": f"{self.file_marker}.txt"})},
			),
			(f"/api/resource/File/{self.file.name}", {}),
			("frappe.client.get", {"doctype": "File", "name": self.file.name}),
		]

	def test_file_list_shows_attachments_of_readable_records_only(self):
		for who, key in self.refused.items():
			for path, params in self.file_paths():
				status, body = self.call(key, path, params)
				self.assert_hidden(body, who, path)
				self.assertNotIn(self.file.file_url, json.dumps(body), f"{who}: {path}")
				if path == "frappe.client.get_count":
					self.assertIn(body.get("message"), (0, None), f"{who}: {path}")
			status, _body = http("GET", self.file.file_url, key)
			self.assertEqual(status, 403, who)
		# R's clerk lists, counts, opens and downloads it
		for path, params in self.file_paths():
			status, body = self.call(self.allowed, path, params)
			self.assertEqual(status, 200, f"{path} {body}")
			if path == "frappe.client.get_count":
				self.assertEqual(body["message"], 1)
			else:
				self.assertIn(self.file.file_url, json.dumps(body), path)
		status, data = http("GET", self.file.file_url, self.allowed)
		self.assertEqual((status, data.decode()), (200, "现场照片说明"))
		self.assert_unchanged()

	def test_only_writers_of_the_record_delete_its_file(self):
		status, body = self.call(
			self.keys[self.clerk_b], f"/api/resource/File/{self.file.name}", method="DELETE"
		)
		self.assertIn(status, (403, 404), body)
		self.assert_hidden(body, "sibling clerk", "delete file")
		self.assert_unchanged()

	# ------------------------------------------------------------ live list updates

	def test_live_list_updates_of_cases_only_for_who_reads_every_case(self):
		path = "frappe.realtime.can_subscribe_doctype"
		for who, key in dict(self.refused, **{"R's clerk": self.allowed}).items():
			status, body = self.call(key, path, {"doctype": CASE})
			self.assertEqual(status, 403, f"{who}: {body}")
		self.assertEqual(
			self.call(self.keys[self.manager], path, {"doctype": CASE}), (200, {"message": True})
		)
		# other DocTypes keep Frappe's rule; a single record's updates go to who may read it
		self.assertEqual(self.call(self.allowed, path, {"doctype": "ToDo"}), (200, {"message": True}))
		doc_path = "frappe.realtime.can_subscribe_doc"
		self.assertEqual(
			self.call(self.allowed, doc_path, {"doctype": CASE, "docname": self.case}),
			(200, {"message": True}),
		)
		status, body = self.call(self.keys[self.clerk_b], doc_path, {"doctype": CASE, "docname": self.case})
		self.assertEqual(status, 403, body)
		self.assert_hidden(body, "sibling clerk", doc_path)

	# ------------------------------------------------------------ what a refusal says

	def test_refusals_name_no_centre_and_carry_no_traceback(self):
		attempts = [
			(
				"POST",
				"frappe.desk.reportview.delete_items",
				{"items": json.dumps([self.case]), "doctype": CASE},
			),
			(
				"POST",
				"frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs",
				{
					"doctype": CASE,
					"docnames": json.dumps([self.case]),
					"action": "update",
					"data": json.dumps({"title": "改写"}),
				},
			),
			("GET", f"/api/v2/document/{CASE}/{self.case}", None),
			("GET", f"/api/resource/{CASE}/{self.case}", None),
			("POST", "frappe.desk.form.load.getdoc", {"doctype": CASE, "name": self.case}),
		]
		keys = dict(self.refused, **{"sibling clerk (zh)": self.keys[self.clerk_b_zh]})
		for who, key in keys.items():
			language = "zh" if "zh" in who else None
			for method, path, body in attempts:
				status, answer = self.call(key, path, method=method, body=body, language=language)
				text = json.dumps(answer, ensure_ascii=False)
				self.assert_hidden(answer, who, path)
				self.assertNotIn("Traceback", text, f"{who}: {path}")
				self.assertNotIn("linked to", text, f"{who}: {path}")
				self.assertNotIn("链接到", text, f"{who}: {path}")
		self.assert_unchanged()
		# a System Manager still gets Frappe's full answer
		status, answer = self.call(self.keys[self.manager], f"/api/v2/document/{CASE}/no-such-case")
		self.assertEqual(status, 404, answer)

	# ------------------------------------------------------------ counting a case by what it holds

	def by_title(self, prefix: str) -> str:
		return json.dumps([[CASE, "title", "like", f"{prefix}%"]])

	def test_a_heatmap_counts_only_readable_cases(self):
		"""Frappe's heatmap chart counts with frappe.get_all: any user counted any centre's cases by any field."""
		path = "frappe.desk.doctype.dashboard_chart.dashboard_chart.get"

		def heatmap(prefix: str) -> dict:
			chart = {
				"chart_type": "Count",
				"type": "Heatmap",
				"document_type": CASE,
				"based_on": "creation",
				"filters_json": self.by_title(prefix),
				"heatmap_year": frappe.utils.getdate().year,
			}
			# as the desk draws a chart not yet saved (Dashboard Chart form, report charts)
			return {"chart": json.dumps(chart), "no_cache": 1}

		for who, key in self.refused.items():
			right = self.call(key, path, heatmap(self.marker))
			self.assertEqual(right, self.call(key, path, heatmap(unique("无此标题"))), who)
			self.assert_hidden(right[1], who, path)
			if right[0] == 200:
				self.assertEqual(right[1]["message"]["dataPoints"], {}, who)
			else:
				self.assertEqual(right[0], 403, f"{who}: {right[1]}")
		status, body = self.call(self.allowed, path, heatmap(self.marker))
		self.assertEqual(status, 200, body)
		self.assertEqual(sum(body["message"]["dataPoints"].values()), 1, body)

	def test_the_sidebar_counts_assignments_of_readable_cases_only(self):
		"""The list sidebar's "Assigned To" counted the assignments of every centre's cases matching the filters."""
		todo = raw_insert(
			{
				"doctype": "ToDo",
				"status": "Open",
				"allocated_to": self.handler_1,
				"reference_type": CASE,
				"reference_name": self.case,
				"description": "办理",
			}
		)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.db.delete, "ToDo", {"name": todo})
		path = "frappe.desk.listview.get_group_by_count"

		def count(prefix: str) -> dict:
			return {"doctype": CASE, "current_filters": self.by_title(prefix), "field": "assigned_to"}

		for who, key in self.refused.items():
			right = self.call(key, path, count(self.marker))
			self.assertEqual(right, self.call(key, path, count(unique("无此标题"))), who)
			self.assertNotIn(self.handler_1, json.dumps(right[1]), who)
			if right[0] == 200:
				self.assertEqual(right[1]["message"], [], who)
		self.assertEqual(
			self.call(self.allowed, path, count(self.marker)),
			(200, {"message": [{"name": self.handler_1, "count": 1}]}),
		)

	def test_a_list_answers_rows_never_its_sql(self):
		"""`run=0` made Frappe's list answer the SQL it would run (the user's permission conditions, the names
		of their centres) instead of running it; dropped for everyone but System Managers."""
		filters = [[CASE, "name", "=", self.case]]
		for run in (0, "", False):
			body = {"doctype": CASE, "fields": ["name", "title"], "filters": filters, "run": run}
			for who, key in dict(self.refused, **{"R's clerk": self.allowed}).items():
				for path in ("frappe.desk.reportview.get_list", "frappe.desk.reportview.get"):
					status, answer = self.call(key, path, method="POST", body=body)
					self.assertNotIn("select", json.dumps(answer).lower(), f"{who}: {path}")
					self.assertNotIn("tabZZ", json.dumps(answer), f"{who}: {path}")
					if who == "R's clerk":
						self.assertEqual(status, 200, f"{path}: {answer}")
						self.assertIn(self.case, json.dumps(answer), path)
					else:
						self.assert_hidden(answer, who, path)
				status, answer = self.call(
					key, "frappe.desk.reportview.get_count", method="POST", body=dict(body, fields=[])
				)
				self.assertNotIn("select", json.dumps(answer).lower(), f"{who}: get_count")
				if status == 200:
					self.assertEqual(answer["message"], int(who == "R's clerk"), who)
		# a System Manager still reads the SQL of a list
		status, answer = self.call(
			self.keys[self.manager],
			"frappe.desk.reportview.get_list",
			method="POST",
			body={"doctype": CASE, "fields": ["name"], "run": 0},
		)
		self.assertEqual(status, 200, answer)
		self.assertIn("select", answer["message"].lower())
