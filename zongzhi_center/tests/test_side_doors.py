"""Frappe's side doors into a case, over real HTTP requests (token authentication).

Case R (township A, routed to department D1) holds a known ID number and a marker in its facts. Four kinds
of users may not read it: a clerk of the sibling township B, the handler of another department D2, an
integration key that did not submit it, and a website user. Through every path below none of them gets any
part of R, an answer that depends on R's fields, or a change to R; R's own clerk keeps a working desk.
"""

import io
import json
import re

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	http,
	id_number,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	move_case,
	unique,
)
from zongzhi_center.tests.test_rest_api import request

SECRET = id_number(7)
CASE = "ZZ Case"
M = "/api/method/"


def http_upload(path: str, credentials: str, data: dict):
	status, body = http("POST", path, credentials, headers={"Accept": "application/json"}, data=data)
	return status, body.decode()


def raw_get(path: str, credentials: str, params: dict | None = None):
	status, body = http("GET", path, credentials, params)
	return status, body.decode()


def without_exc_id(value):
	"""Frappe numbers each error message (__frappe_exc_id): the rest of the answer must be the same."""
	if not isinstance(value, str):
		return value
	return re.sub(r"[0-9a-f]{40,}", "", value)


class TestSideDoors(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("秘密事实")
		cls.tree = make_center_tree()
		t = cls.tree
		cls.clerk_a = make_user(["ZZ Intake Clerk"], t.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		cls.handler_x = make_user(["ZZ Department Handler"], with_api_key=True)
		cls.handler_1 = make_user(["ZZ Department Handler"], with_api_key=True)
		cls.integration = make_user(["ZZ Integration"], with_api_key=True)
		cls.website = make_user([], with_api_key=True)
		cls.d1 = make_department(t.town_a, (cls.handler_1,))
		cls.d2 = make_department(t.town_a, (cls.handler_x,))
		party = {
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": "王秘密",
			"id_number": SECRET,
			"phone": "13811112222",
		}
		cls.case = make_case(
			t.town_a, cls.clerk_a, title=f"{cls.marker} 标题", facts=f"事实 {cls.marker} 。", parties=[party]
		).name
		move_case(cls.case, "Routed", department=cls.d1)
		cls.case_b = make_case(t.town_b, cls.clerk_b, title=unique("乙镇案件")).name
		# the sibling clerk's own case pointing at R: the way to a joined link column
		frappe.db.set_value(CASE, cls.case_b, "merged_into", cls.case, update_modified=False)
		cls.file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{frappe.generate_hash(length=8)}.txt",
				"attached_to_doctype": CASE,
				"attached_to_name": cls.case,
				"is_private": 1,
				"content": f"身份证 {SECRET}",
			}
		).insert(ignore_permissions=True)
		cls.users = [cls.clerk_a, cls.clerk_b, cls.handler_x, cls.handler_1, cls.integration, cls.website]
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
		for doctype, field in (
			("File", "attached_to_name"),
			("Comment", "reference_name"),
			("Document Follow", "ref_docname"),
			("Tag Link", "document_name"),
		):
			frappe.db.delete(doctype, {field: ["in", [cls.case, cls.case_b]]})
		frappe.db.delete("ZZ Department", {"name": ["in", [cls.d1, cls.d2]]})
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	@classmethod
	def snapshot(cls) -> dict:
		doc = frappe.get_doc(CASE, cls.case)
		values = doc.as_dict(no_default_fields=False)
		for key in ("_liked_by", "_user_tags", "_comments", "_assign"):
			values[key] = frappe.db.get_value(CASE, cls.case, key)
		values["files"] = frappe.db.count("File", {"attached_to_name": cls.case})
		values["comments"] = frappe.db.count("Comment", {"reference_name": cls.case})
		values["follows"] = frappe.db.count("Document Follow", {"ref_docname": cls.case})
		return frappe.as_json(values)

	def assert_unchanged(self):
		frappe.db.rollback()  # a fresh snapshot: see what the server committed
		self.assertEqual(self.snapshot(), self.stored)

	def assert_no_leak(self, body, who: str, path: str, name_leaks: bool = True):
		text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
		self.assertNotIn(SECRET, text, f"{who}: {path}")
		self.assertNotIn(self.marker, text, f"{who}: {path}")
		if name_leaks:
			self.assertNotIn(self.case, text, f"{who}: {path}")

	def call(self, who_key, path, params=None, method="GET", body=None):
		return request(method, path if path.startswith("/") else M + path, who_key, params, body)

	# ------------------------------------------------------------ 1. raw SQL filters

	def raw_filter_paths(self, filters: str) -> list[tuple[str, dict]]:
		chart = {"chart_type": "Count", "document_type": CASE, "based_on": "creation", "timeseries": 0}
		chart["filters_json"] = filters
		return [
			(
				"frappe.desk.listview.get_group_by_count",
				{"current_filters": filters, "field": "current_center"},
			),
			("frappe.desk.reportview.get_stats", {"stats": '["_user_tags"]', "filters": filters}),
			("frappe.desk.reportview.get_sidebar_stats", {"stats": '["_user_tags"]', "filters": filters}),
			(
				"frappe.desk.reportview.get_filter_dashboard_data",
				{"stats": json.dumps([{"name": "current_center", "type": "Link"}]), "filters": filters},
			),
			("frappe.desk.form.utils.get_next", {"value": self.case_b, "prev": 0, "filters": filters}),
			(
				"frappe.desk.calendar.get_events",
				{
					"start": "2000-01-01",
					"end": "2100-01-01",
					"filters": filters,
					"field_map": json.dumps({"start": "creation", "end": "modified", "title": "title"}),
				},
			),
			(
				"frappe.desk.doctype.number_card.number_card.get_result",
				{"doc": json.dumps({"function": "Count", "document_type": CASE}), "filters": filters},
			),
			("frappe.desk.doctype.dashboard_chart.dashboard_chart.get", {"chart": json.dumps(chart)}),
			("frappe.desk.reportview.get", {"fields": '["name", "facts"]', "filters": filters}),
			("frappe.desk.reportview.get_count", {"filters": filters}),
			(
				"frappe.desk.reportview.export_query",
				{"fields": '["name"]', "filters": filters, "file_format_type": "CSV"},
			),
			("frappe.client.get_list", {"fields": '["name", "facts"]', "filters": filters}),
			("frappe.client.get_list", {"fields": '["name", "facts"]', "or_filters": filters}),
			("frappe.client.get_count", {"filters": filters}),
			("frappe.client.get_value", {"fieldname": "facts", "filters": filters}),
			("/api/resource/ZZ Case", {"fields": '["name", "facts"]', "filters": filters}),
		]

	def test_raw_sql_filters_are_refused_for_everyone(self):
		raw = json.dumps([["name", "=", self.case], "1=1 or 0"])
		keys = dict(self.refused, allowed=self.allowed)
		for who, key in keys.items():
			for path, params in self.raw_filter_paths(raw):
				status, body = self.call(key, path, dict(params, doctype=CASE))
				self.assertIn(status, (403, 417), f"{who}: {path} {body}")
				self.assert_no_leak(body, who, path)
		# a field name that is SQL is no field name
		status, body = self.call(
			self.keys[self.clerk_b],
			"frappe.client.get_list",
			{"doctype": CASE, "filters": json.dumps({"name = name or 1": 1})},
		)
		self.assertEqual(status, 403, body)

	def test_get_value_by_name_as_the_desk_asks(self):
		"""The desk calls frappe.client.get_value(doctype, fieldname, filters=<name>): a plain name, which
		Frappe never reads as SQL. It keeps working for who may read the record, and tells others nothing."""
		params = {"doctype": CASE, "fieldname": "title", "filters": self.case}
		status, body = self.call(self.allowed, "frappe.client.get_value", params)
		self.assertEqual(status, 200, body)
		self.assertTrue(body["message"]["title"].startswith(self.marker))
		for who, key in self.refused.items():
			status, body = self.call(key, "frappe.client.get_value", params)
			self.assert_no_leak(body, who, "frappe.client.get_value")
			self.assertNotIn(self.marker, json.dumps(body, ensure_ascii=False), who)
		# a "name" that is SQL stays a name: nothing matches
		sql = dict(params, filters="1=1 or 0")
		status, body = self.call(self.allowed, "frappe.client.get_value", sql)
		self.assertNotIn(self.marker, json.dumps(body, ensure_ascii=False))

	def test_list_filters_keep_working(self):
		filters = json.dumps([[CASE, "title", "like", f"{self.marker}%"]])
		for path, params in self.raw_filter_paths(filters):
			if "dashboard_chart" in path or "export_query" in path:
				continue  # a chart needs more settings to draw; export needs the Export permission clerks lack
			if "get_next" in path:
				params["value"] = self.case
			status, body = self.call(
				self.allowed, path, params if path.startswith("/") else dict(params, doctype=CASE)
			)
			self.assertEqual(status, 200, f"{path} {body}")
		status, body = self.call(
			self.allowed,
			"frappe.client.get_list",
			{"doctype": CASE, "filters": filters, "fields": '["name"]'},
		)
		self.assertEqual([row["name"] for row in body["message"]], [self.case])

	# ------------------------------------------------------------ 2. oracles

	def oracle_paths(self, guess: str, marker: str) -> list[tuple[str, dict]]:
		by_party = json.dumps([["ZZ Case Party", "id_number", "=", guess]])
		by_facts = json.dumps({"name": self.case, "facts": ["like", f"%{marker}%"]})
		return [
			("frappe.client.get", {"filters": by_party}),
			("frappe.client.get", {"filters": by_facts}),
			("frappe.client.get_count", {"filters": by_party}),
			("frappe.client.get_value", {"fieldname": "name", "filters": by_facts}),
			("frappe.desk.reportview.get_count", {"filters": by_party}),
			("frappe.client.get_list", {"filters": by_party}),
			("frappe.desk.listview.get_group_by_count", {"current_filters": by_party, "field": "owner"}),
		]

	def test_right_and_wrong_guesses_answer_alike(self):
		right = self.oracle_paths(SECRET, self.marker)
		wrong = self.oracle_paths(id_number(8), "不是这个")
		for who, key in self.refused.items():
			for (path, true_params), (_path, false_params) in zip(right, wrong, strict=True):
				true_status, true_body = self.call(key, path, dict(true_params, doctype=CASE))
				false_status, false_body = self.call(key, path, dict(false_params, doctype=CASE))
				self.assert_no_leak(true_body, who, path)
				self.assertEqual(true_status, false_status, f"{who}: {path}")
				for part in ("message", "exc_type", "_server_messages", "_error_message"):
					self.assertEqual(
						without_exc_id(true_body.get(part)),
						without_exc_id(false_body.get(part)),
						f"{who}: {path}",
					)
		# the record's own clerk: the right guess finds it, a wrong one does not
		status, body = self.call(self.allowed, "frappe.client.get", dict(right[0][1], doctype=CASE))
		self.assertEqual((status, body["message"]["name"]), (200, self.case))
		status, _body = self.call(self.allowed, "frappe.client.get", dict(wrong[0][1], doctype=CASE))
		self.assertEqual(status, 404)
		status, body = self.call(self.allowed, "frappe.client.get_count", dict(right[2][1], doctype=CASE))
		self.assertEqual(body["message"], 1)

	# ------------------------------------------------------------ 3. and 4. flags and names

	def test_search_ignores_the_clients_flag(self):
		for path in ("frappe.desk.search.search_link", "frappe.desk.search.search_widget"):
			params = {"doctype": CASE, "txt": self.marker, "ignore_user_permissions": 1}
			for who, key in self.refused.items():
				_status, body = self.call(key, path, params)
				self.assert_no_leak(body, who, path)
			status, body = self.call(self.allowed, path, params)
			self.assertEqual(status, 200, body)
			self.assertIn(self.case, json.dumps(body))

	def test_workflow_state_count_lists_no_names(self):
		path = "frappe.workflow.doctype.workflow.workflow.get_workflow_state_count"
		for field in ("name", "facts", "current_center"):
			params = {"doctype": CASE, "workflow_state_field": field, "states": "[]"}
			for who, key in dict(self.refused, allowed=self.allowed).items():
				status, body = self.call(key, path, params)
				self.assertNotEqual(status, 200, f"{who}: {field}")
				self.assert_no_leak(body, who, path)
		params = {"doctype": CASE, "workflow_state_field": "workflow_state", "states": "[]"}
		status, body = self.call(self.allowed, path, params)
		self.assertEqual(status, 200, body)
		self.assertTrue(body["message"])

	# ------------------------------------------------------------ 5. takeover by write

	def test_no_takeover_by_write(self):
		t = self.tree
		attempts = {
			"sibling clerk": {"current_center": t.town_b, "receiving_center": t.town_b},
			"other department": {"handling_department": self.d2},
			"integration": {"owner": self.integration},
			"website user": {"owner": self.website},
		}
		for who, values in attempts.items():
			key = self.refused[who]
			status, body = self.call(key, f"/api/resource/{CASE}/{self.case}", method="PUT", body=values)
			self.assertNotEqual(status, 200, f"{who}: PUT")
			self.assert_no_leak(body, who, "PUT", name_leaks=False)
			fieldname, value = next(iter(values.items()))
			status, body = self.call(
				key,
				"frappe.client.set_value",
				method="POST",
				body={"doctype": CASE, "name": self.case, "fieldname": fieldname, "value": value},
			)
			self.assertNotEqual(status, 200, f"{who}: set_value")
			self.assert_no_leak(body, who, "set_value", name_leaks=False)
			doc = dict(values, doctype=CASE, name=self.case, title="改", modified=str(self.modified()))
			status, body = self.call(
				key,
				"frappe.desk.form.save.savedocs",
				method="POST",
				body={"doc": json.dumps(doc), "action": "Save"},
			)
			self.assertNotEqual(status, 200, f"{who}: savedocs")
			self.assert_unchanged()
		# its department's handler may not move it by editing either, but may edit it
		status, _body = self.call(
			self.keys[self.handler_1],
			f"/api/resource/{CASE}/{self.case}",
			method="PUT",
			body={"current_center": t.town_b},
		)
		self.assertEqual(status, 403)
		status, body = self.call(
			self.keys[self.handler_1],
			f"/api/resource/{CASE}/{self.case}",
			method="PUT",
			body={"title": f"{self.marker} 标题"},
		)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()
		type(self).stored = self.snapshot()  # the handler's save is the case's new state

	def modified(self):
		return frappe.db.get_value(CASE, self.case, "modified")

	# ------------------------------------------------------------ 6. writes without checks

	def write_paths(self) -> list[tuple[str, dict]]:
		return [
			("frappe.desk.like.toggle_like", {"doctype": CASE, "name": self.case, "add": "Yes"}),
			(
				"frappe.desk.form.document_follow.follow_document",
				{"doctype": CASE, "doc_name": self.case, "user": self.clerk_a},
			),
			("frappe.model.document.unlock_document", {"doctype": CASE, "name": self.case}),
			(
				"frappe.client.attach_file",
				{
					"filename": "a.txt",
					"filedata": "YWJj",
					"decode_base64": 1,
					"doctype": CASE,
					"docname": self.case,
				},
			),
			(
				"frappe.templates.includes.comments.comments.add_comment",
				{
					"comment": "路过",
					"comment_email": "x@example.com",
					"comment_by": "x",
					"reference_doctype": CASE,
					"reference_name": self.case,
					"route": "",
				},
			),
			(
				"frappe.desk.form.utils.add_comment",
				{
					"reference_doctype": CASE,
					"reference_name": self.case,
					"content": "路过",
					"comment_email": "x@example.com",
					"comment_by": "x",
				},
			),
			("frappe.desk.doctype.tag.tag.add_tag", {"tag": "偷看", "dt": CASE, "dn": self.case}),
			(
				"frappe.desk.doctype.tag.tag.add_tags",
				{"tags": '["偷看"]', "dt": CASE, "docs": json.dumps([self.case])},
			),
			(
				"frappe.desk.form.assign_to.add",
				{"doctype": CASE, "name": self.case, "assign_to": json.dumps([self.clerk_b])},
			),
		]

	def test_writes_need_permission_on_the_record(self):
		for who, key in self.refused.items():
			for path, params in self.write_paths():
				status, body = self.call(key, path, method="POST", body=params)
				self.assertNotEqual(status, 200, f"{who}: {path} {body}")
				self.assert_no_leak(body, who, path, name_leaks=False)
			status, _text = http_upload(
				"/api/method/upload_file",
				key,
				{
					"file": (io.BytesIO(b"abc"), "x.txt"),
					"doctype": CASE,
					"docname": self.case,
					"is_private": "1",
				},
			)
			self.assertNotEqual(status, 200, f"{who}: upload_file")
			self.assert_unchanged()
		# the case's clerk likes and follows as before
		status, body = self.call(
			self.allowed, self.write_paths()[0][0], method="POST", body=self.write_paths()[0][1]
		)
		self.assertEqual(status, 200, body)
		self.call(
			self.allowed, self.write_paths()[0][0], method="POST", body={"doctype": CASE, "name": self.case}
		)
		status, body = self.call(
			self.allowed, "frappe.desk.form.utils.get_next", {"doctype": CASE, "value": self.case, "prev": 0}
		)
		self.assertEqual(status, 200, body)

	# ------------------------------------------------------------ 7. around the record

	def test_child_rows_are_scoped_by_parent(self):
		tables = [df.options for df in frappe.get_meta(CASE).get_table_fields()]
		for who, key in self.refused.items():
			for table in tables:
				params = {
					"doctype": table,
					"parent": CASE,
					"fields": '["*"]',
					"filters": json.dumps({"parent": self.case}),
					"limit_page_length": 0,
				}
				_status, body = self.call(key, "frappe.client.get_list", params)
				self.assert_no_leak(body, who, table)
		params = {"doctype": "ZZ Case Party", "parent": CASE, "fields": '["parent"]'}
		params["filters"] = json.dumps({"parent": self.case})
		status, body = self.call(self.allowed, "frappe.client.get_list", params)
		self.assertEqual((status, body["message"]), (200, [{"parent": self.case}]))

	def test_no_joined_link_columns(self):
		for fields in (["name", "merged_into.facts"], ["merged_into.title as t"]):
			params = {"doctype": CASE, "fields": json.dumps(fields)}
			for path in ("frappe.client.get_list", "frappe.desk.reportview.get", f"/api/resource/{CASE}"):
				status, body = self.call(self.keys[self.clerk_b], path, params)
				self.assertEqual(status, 403, f"{path} {body}")
				self.assert_no_leak(body, "sibling clerk", path, name_leaks=False)

	def test_files_of_the_record(self):
		url = self.file.file_url
		for who, key in self.refused.items():
			status, text = raw_get(url, key)
			self.assertEqual(status, 403, who)
			self.assertNotIn(SECRET, text)
			status, body = self.call(
				key,
				"/api/resource/File",
				method="POST",
				body={"file_url": url, "is_private": 1, "file_name": "x.txt"},
			)
			self.assertNotEqual(status, 200, f"{who}: {body}")
			status, text = raw_get(url, key)
			self.assertEqual(status, 403, who)
			_status, body = self.call(
				key,
				"frappe.client.get_list",
				{
					"doctype": "File",
					"fields": '["*"]',
					"filters": json.dumps({"attached_to_name": self.case}),
				},
			)
			self.assert_no_leak(body, who, "File list", name_leaks=False)
		status, text = raw_get(url, self.allowed)
		self.assertEqual(status, 200)
		self.assertIn(SECRET, text)

	def test_reads_print_search_and_history(self):
		reads = [
			(f"/api/resource/{CASE}/{self.case}", {}),
			("frappe.client.get", {"doctype": CASE, "name": self.case}),
			("frappe.desk.form.load.getdoc", {"doctype": CASE, "name": self.case}),
			("frappe.desk.form.load.get_docinfo", {"doctype": CASE, "name": self.case}),
			("frappe.desk.form.linked_with.get", {"doctype": CASE, "docname": self.case}),
			("frappe.utils.print_format.download_pdf", {"doctype": CASE, "name": self.case}),
			(
				"frappe.www.printview.get_html_and_style",
				{"doc": json.dumps({"doctype": CASE, "name": self.case})},
			),
			("frappe.utils.global_search.search", {"text": self.marker}),
			("frappe.desk.search.search_widget", {"doctype": CASE, "txt": self.marker}),
			(
				"frappe.client.get_list",
				{"doctype": "Version", "fields": '["data"]', "filters": json.dumps({"docname": self.case})},
			),
			(
				"frappe.client.get_list",
				{
					"doctype": "Comment",
					"fields": '["*"]',
					"filters": json.dumps({"reference_name": self.case}),
				},
			),
			("frappe.client.get_list", {"doctype": CASE, "fields": '["name", "facts"]', "debug": 1}),
		]
		for who, key in self.refused.items():
			for path, params in reads:
				_status, body = self.call(key, path, params)
				# the name is in these requests; the others must not give it
				self.assert_no_leak(body, who, path, name_leaks=self.case not in json.dumps(params) + path)
			for path in (f"/printview?doctype={CASE}&name={self.case}", f"/app/zz-case/{self.case}"):
				_status, text = raw_get(path, key)
				self.assert_no_leak(text, who, path, name_leaks=False)
		_status, body = self.call(self.allowed, reads[-1][0], reads[-1][1])
		self.assertNotIn("select", json.dumps(body).lower())
