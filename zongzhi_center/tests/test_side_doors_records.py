"""Side doors beyond ZZ Case: every DocType of the app that holds case or personal data, over real HTTP requests
(token authentication).

At township A each DocType has one record holding a known marker (in its facts, notes, minutes, …) and, where
the DocType has one, a party's ID number or a phone. Five kinds of users may not read them: a user of the
sibling township B holding every centre role, a user with centre roles but no centre (fail closed, as for
cases), the handler of a department the records are not about, an integration key that submitted none of them
and a website user. Through the REST resource, the list endpoints, counts, values, the report view, the
form loader, printing and the child rows listed by parent, none of them gets any part of a record; township A's
director and (for consultations) the summoned department's handler still read them.

Also: an error on a request that carries personal data leaves none of it in the answer or the Error Log, and
`/api/resource/<DocType>/<name>` answers alike for a record one may not read and a missing one.
"""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime, today

from zongzhi_center.permissions.case import CENTER_ROLES
from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	http,
	id_number,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	raw_insert,
	unique,
)
from zongzhi_center.tests.test_rest_api import request
from zongzhi_center.tests.test_side_doors import raw_get, without_exc_id

SECRET_ID = id_number(11)
SECRET_PHONE = "13698765432"
M = "/api/method/"


def fetch(path: str, credentials: str, params: dict | None = None) -> tuple[int, str]:
	"""A GET whose answer may be a PDF: its status and its bytes as text."""
	status, body = http("GET", path, credentials, params, {"Accept": "application/json"})
	return status, body.decode("utf-8", errors="replace")


class TestSideDoorsRecords(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("记录秘密")
		cls.tree = t = make_center_tree()
		cls.director_a = make_user(["ZZ Center Director"], t.town_a, with_api_key=True)
		cls.sibling = make_user(sorted(CENTER_ROLES), t.town_b, with_api_key=True)
		cls.no_center = make_user(sorted(CENTER_ROLES), with_api_key=True)
		cls.handler_1 = make_user(["ZZ Department Handler"], with_api_key=True)
		cls.handler_x = make_user(["ZZ Department Handler"], with_api_key=True)
		cls.integration = make_user(["ZZ Integration"], with_api_key=True)
		cls.website = make_user([], with_api_key=True)
		cls.staff_user = make_user(["ZZ Stationed Staff"], t.town_a, with_api_key=True)
		cls.d1 = make_department(t.town_a, (cls.handler_1,))
		cls.d2 = make_department(t.town_b, (cls.handler_x,))
		cls.case = make_case(t.town_a, cls.director_a, title=unique("案件")).name
		cls.staff = make_staff(t.town_a, cls.d1, user=cls.staff_user)
		frappe.db.set_value("ZZ Stationed Staff", cls.staff, "phone", SECRET_PHONE)
		cls.records = cls.make_records()
		cls.users = [
			cls.director_a,
			cls.sibling,
			cls.no_center,
			cls.handler_1,
			cls.handler_x,
			cls.integration,
			cls.website,
			cls.staff_user,
		]
		cls.keys = {user: api_credentials(user) for user in cls.users}
		cls.refused = {
			"sibling centre": cls.keys[cls.sibling],
			"no centre": cls.keys[cls.no_center],
			"other department": cls.keys[cls.handler_x],
			"integration": cls.keys[cls.integration],
			"website user": cls.keys[cls.website],
		}
		cls.allowed = cls.keys[cls.director_a]
		frappe.db.commit()

	@classmethod
	def make_records(cls) -> dict[str, str]:
		t, m, case = cls.tree, cls.marker, cls.case
		return {
			"ZZ Mediation Agreement": raw_insert(
				{
					"doctype": "ZZ Mediation Agreement",
					"case": case,
					"center": t.town_a,
					"agreement_kind": "Written",
					"facts": f"协议事实 {m}",
					"terms": "赔偿",
				},
				{
					"parties": [
						{"doctype": "ZZ Agreement Party", "party_name": "赵秘密", "id_number": SECRET_ID}
					],
					"obligations": [{"doctype": "ZZ Agreement Obligation", "content": f"履行 {m}"}],
					"witnesses": [{"doctype": "ZZ Agreement Witness", "witness_name": f"证人 {m}"}],
				},
			),
			"ZZ Mediation Session": raw_insert(
				{
					"doctype": "ZZ Mediation Session",
					"case": case,
					"center": t.town_a,
					"starts_at": now_datetime(),
					"attendees": f"到场 {m}",
				}
			),
			"ZZ Follow-up Visit": raw_insert(
				{
					"doctype": "ZZ Follow-up Visit",
					"case": case,
					"center": t.town_a,
					"due_date": today(),
					"notes": f"回访 {m}",
				}
			),
			"ZZ Consultation": raw_insert(
				{
					"doctype": "ZZ Consultation",
					"title": unique("会商"),
					"convening_center": t.town_a,
					"meeting_time": now_datetime(),
					"minutes": f"纪要 {m}",
				},
				{
					"cases": [{"doctype": "ZZ Consultation Case", "case": case, "decision": f"决定 {m}"}],
					"departments": [
						{"doctype": "ZZ Consultation Department", "department": cls.d1, "reply": f"答复 {m}"}
					],
				},
			),
			"ZZ Summons": raw_insert(
				{
					"doctype": "ZZ Summons",
					"case": case,
					"staff": cls.staff,
					"staff_user": cls.staff_user,
					"task": f"任务 {m}",
				}
			),
			"ZZ Supervision Notice": raw_insert(
				{
					"doctype": "ZZ Supervision Notice",
					"issuing_center": t.town_a,
					"to_department": cls.d1,
					"reply_by": add_days(today(), 3),
					"required_action": f"督办 {m}",
				},
				{"cases": [{"doctype": "ZZ Supervision Case", "case": case, "case_number": m}]},
			),
			"ZZ Library Item": raw_insert(
				{
					"doctype": "ZZ Library Item",
					"kind": "Typical Case",
					"title": unique("草稿"),
					"center": t.town_a,
					"source_case": case,
					"body": f"草稿正文 {m}",
				}
			),
			"ZZ Risk Assessment Meeting": raw_insert(
				{
					"doctype": "ZZ Risk Assessment Meeting",
					"center": t.town_a,
					"meeting_date": today(),
					"minutes": f"研判 {m}",
				},
				{
					"agenda": [{"doctype": "ZZ Risk Meeting Item", "case": case, "case_title": f"议题 {m}"}],
					"attendees": [{"doctype": "ZZ Risk Meeting Attendee", "full_name": f"参会 {m}"}],
				},
			),
			"ZZ Screening Lead": raw_insert(
				{
					"doctype": "ZZ Screening Lead",
					"title": unique("线索"),
					"center": t.town_a,
					"found_on": today(),
					"involved_person": f"当事人 {SECRET_ID}",
					"description": f"线索 {m}",
				}
			),
			"ZZ Staff Attendance": raw_insert(
				{
					"doctype": "ZZ Staff Attendance",
					"staff": cls.staff,
					"center": t.town_a,
					"attendance_date": today(),
					"note": f"请假 {m}",
				}
			),
			"ZZ Stationed Staff": cls.staff,
		}

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for doctype, name in cls.records.items():
			for table in frappe.get_meta(doctype).get_table_fields():
				frappe.db.delete(table.options, {"parent": name, "parenttype": doctype})
			frappe.db.delete(doctype, {"name": name})
		frappe.db.delete("ZZ Department", {"name": ["in", [cls.d1, cls.d2]]})
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	def call(self, key, path, params=None, method="GET", body=None):
		return request(method, path if path.startswith("/") else M + path, key, params, body)

	def assert_no_leak(self, body, who: str, path: str, name: str | None = None):
		text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
		for secret in (SECRET_ID, SECRET_PHONE, self.marker):
			self.assertNotIn(secret, text, f"{who}: {path}")
		if name:
			self.assertNotIn(name, text, f"{who}: {path}")

	def read_paths(self, doctype: str, name: str) -> list[tuple[str, dict, bool]]:
		"""(path, params, whether the name itself is in the request)."""
		by_name = json.dumps([[doctype, "name", "=", name]])
		everything = '["*"]'
		return [
			(f"/api/resource/{doctype}/{name}", {}, True),
			(f"/api/resource/{doctype}", {"fields": everything, "filters": by_name}, False),
			(f"/api/resource/{doctype}", {"fields": everything, "limit_page_length": 0}, False),
			("frappe.client.get_list", {"doctype": doctype, "fields": everything, "filters": by_name}, False),
			("frappe.client.get_count", {"doctype": doctype, "filters": by_name}, False),
			("frappe.client.get_value", {"doctype": doctype, "fieldname": "*", "filters": by_name}, False),
			("frappe.client.get", {"doctype": doctype, "name": name}, True),
			(
				"frappe.desk.reportview.get",
				{"doctype": doctype, "fields": everything, "filters": by_name},
				False,
			),
			("frappe.desk.reportview.get_count", {"doctype": doctype, "filters": by_name}, False),
			("frappe.desk.form.load.getdoc", {"doctype": doctype, "name": name}, True),
			("frappe.desk.form.load.get_docinfo", {"doctype": doctype, "name": name}, True),
			("frappe.utils.print_format.download_pdf", {"doctype": doctype, "name": name}, True),
			(
				"frappe.www.printview.get_html_and_style",
				{"doc": json.dumps({"doctype": doctype, "name": name})},
				True,
			),
		]

	def child_paths(self, doctype: str, name: str) -> list[tuple[str, dict]]:
		paths = []
		for table in frappe.get_meta(doctype).get_table_fields():
			filters = json.dumps({"parent": name})
			paths.append(
				(
					"frappe.client.get_list",
					{"doctype": table.options, "parent": doctype, "fields": '["*"]', "filters": filters},
				)
			)
			paths.append(
				(
					f"/api/resource/{table.options}",
					{"parent": doctype, "fields": '["*"]', "filters": filters, "limit_page_length": 0},
				)
			)
			paths.append(
				(
					"frappe.client.get_count",
					{"doctype": table.options, "parent": doctype, "filters": filters},
				)
			)
		return paths

	def test_refused_users_get_no_part_of_any_record(self):
		leaks = []
		for doctype, name in self.records.items():
			for who, key in self.refused.items():
				for path, params, named in self.read_paths(doctype, name):
					if "download_pdf" in path:
						status, body = fetch(M + path, key, params)
						if status == 200:
							leaks.append(f"{doctype} {who}: {path} printed")
					else:
						status, body = self.call(key, path, params)
					try:
						self.assert_no_leak(body, who, path, name=None if named else name)
					except AssertionError:
						leaks.append(f"{doctype} {who}: {path}")
					if "count" in path and status == 200 and body.get("message"):
						leaks.append(f"{doctype} {who}: {path} counted {body['message']}")
				for path, params in self.child_paths(doctype, name):
					status, body = self.call(key, path, params)
					try:
						self.assert_no_leak(body, who, path, name=name)
					except AssertionError:
						leaks.append(
							f"{doctype} {who}: {path} {params['doctype'] if 'doctype' in params else ''}"
						)
					if "count" in path and status == 200 and body.get("message"):
						leaks.append(f"{doctype} {who}: {path} counted {params['doctype']}")
				status, text = raw_get("/printview", key, {"doctype": doctype, "name": name})
				try:
					self.assert_no_leak(text, who, "/printview")
				except AssertionError:
					leaks.append(f"{doctype} {who}: /printview")
		self.assertEqual(leaks, [], "\n".join(leaks))

	def test_the_centres_own_users_still_read_them(self):
		for doctype, name in self.records.items():
			status, body = self.call(self.allowed, f"/api/resource/{doctype}/{name}")
			self.assertEqual(status, 200, f"{doctype}: {body}")
			text = json.dumps(body, ensure_ascii=False)
			self.assertIn(SECRET_PHONE if doctype == "ZZ Stationed Staff" else self.marker, text, doctype)
			by_name = json.dumps({"name": name})
			status, body = self.call(
				self.allowed, "frappe.client.get_list", {"doctype": doctype, "filters": by_name}
			)
			self.assertEqual((status, body["message"]), (200, [{"name": name}]), doctype)
			status, body = self.call(
				self.allowed, "frappe.client.get_count", {"doctype": doctype, "filters": by_name}
			)
			self.assertEqual(body["message"], 1, doctype)
			for table in frappe.get_meta(doctype).get_table_fields():
				rows = frappe.db.count(table.options, {"parent": name, "parenttype": doctype})
				status, body = self.call(
					self.allowed,
					"frappe.client.get_list",
					{"doctype": table.options, "parent": doctype, "filters": json.dumps({"parent": name})},
				)
				self.assertEqual((status, len(body["message"])), (200, rows), table.options)
		# the agreement's parties, with their ID numbers (a permission level the director reads)
		status, body = self.call(
			self.allowed, f"/api/resource/ZZ Mediation Agreement/{self.records['ZZ Mediation Agreement']}"
		)
		self.assertEqual(body["data"]["parties"][0]["id_number"], SECRET_ID)
		# the consultation's summoned department, the summons' own staff member
		consultation = self.records["ZZ Consultation"]
		status, body = self.call(self.keys[self.handler_1], f"/api/resource/ZZ Consultation/{consultation}")
		self.assertIn(self.marker, json.dumps(body, ensure_ascii=False))
		summons = self.records["ZZ Summons"]
		status, body = self.call(self.keys[self.staff_user], f"/api/resource/ZZ Summons/{summons}")
		self.assertIn(self.marker, json.dumps(body, ensure_ascii=False))
		# the department's handler sees the staff its department stations
		status, body = self.call(self.keys[self.handler_1], f"/api/resource/ZZ Stationed Staff/{self.staff}")
		self.assertEqual(status, 200, body)

	# ------------------------------------------------------------ error messages and the Error Log

	def case_body(self, **party) -> dict:
		return {
			"title": unique("出错"),
			"facts": "事实",
			"matter_type": "Dispute Mediation",
			"source": "Petition Source",
			"channel": "Window",
			"receiving_center": self.tree.town_a,
			"parties": [
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": "钱错误",
					"phone": SECRET_PHONE,
					**party,
				}
			],
		}

	def test_errors_carry_no_personal_data(self):
		start = frappe.utils.now()
		wrong_id = SECRET_ID[:-1] + ("0" if SECRET_ID[-1] != "0" else "1")
		clerk = self.allowed
		attempts = [
			# an invalid ID number: a validation error naming the row, not the number
			("POST", "/api/resource/ZZ Case", self.case_body(id_number=wrong_id)),
			# a missing field: Frappe's own mandatory message
			("POST", "/api/resource/ZZ Case", dict(self.case_body(id_number=SECRET_ID), title=None)),
			# a value of the wrong shape: an unexpected error (500), logged with its traceback's variables
			("POST", "/api/resource/ZZ Case", self.case_body(id_number=SECRET_ID, party_name={"x": 1})),
			("POST", "/api/resource/ZZ Case", dict(self.case_body(id_number=SECRET_ID), facts={"x": 1})),
		]
		statuses = []
		for method, path, body in attempts:
			status, answer = self.call(clerk, path, method=method, body=body)
			statuses.append(status)
			text = json.dumps(answer, ensure_ascii=False)
			for secret in (SECRET_ID, wrong_id, SECRET_PHONE):
				self.assertNotIn(secret, text, f"{path}: {status}")
		self.assertTrue(all(s >= 400 for s in statuses), statuses)
		frappe.db.rollback()
		frappe.deferred_insert.save_to_db()  # Frappe stores request errors in the Error Log deferred
		frappe.db.commit()
		logs = frappe.get_all(
			"Error Log", filters={"creation": [">=", start]}, fields=["name", "error", "method"]
		)
		self.addCleanup(lambda: frappe.db.delete("Error Log", {"name": ["in", [r.name for r in logs]]}))
		self.assertTrue(logs, "the unexpected errors are logged")
		self.assertTrue(all("Traceback" in row.error for row in logs))
		for row in logs:
			text = f"{row.method}\n{row.error}"
			for secret in (SECRET_ID, wrong_id, SECRET_PHONE):
				self.assertNotIn(secret, text, row.name)

	# ------------------------------------------------------------ the name oracle

	def test_a_refusal_depends_on_no_field_of_the_record(self):
		"""A record one may not read answers 403 and a missing one 404 (names are random hashes: the answer
		confirms only a name one already holds; see the closing note). The refusal itself must not depend on
		the record: two unreadable records of different centres, states and fields answer alike."""
		other = make_case(self.tree.village_a, "Administrator", title=unique("另一件")).name
		frappe.db.commit()
		for who in ("sibling centre", "no centre"):
			key = self.refused[who]
			answers = []
			for name in (self.case, other):
				for path, params in (
					(f"/api/resource/ZZ Case/{name}", {}),
					("frappe.client.get", {"doctype": "ZZ Case", "name": name}),
				):
					status, body = self.call(key, path, params)
					self.assert_no_leak(body, who, path)
					answers.append(
						(
							status,
							*(
								without_exc_id(json.dumps(body.get(part))).replace(name, "<name>")
								for part in ("exc_type", "_server_messages", "_error_message", "message")
							),
						)
					)
			self.assertEqual(answers[:2], answers[2:], who)
			self.assertEqual([a[0] for a in answers], [403] * 4, who)
			status, _body = self.call(key, f"/api/resource/ZZ Case/{frappe.generate_hash(length=10)}")
			self.assertEqual(status, 404)
		status, _body = self.call(self.allowed, f"/api/resource/ZZ Case/{self.case}")
		self.assertEqual(status, 200)
