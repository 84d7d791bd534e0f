"""Printing is judged on the stored record, over real HTTP requests (token authentication).

The desk's print preview sends the whole document as JSON (`doc`) to `frappe.www.printview.get_html_and_style`
and `get_rendered_raw_commands`; Frappe checked permission on that JSON and rendered it, and the case file
loads the real case's sessions, agreements, visits and notes by the name the JSON gives. A clerk of the
sibling township B who sends township A's case name in a JSON claiming township B gets a refusal, whatever the
JSON claims or leaves out; so does a JSON of a case that is not stored, and a print format asked for a document
of another DocType. The case's own clerk still prints the stored case through the preview (with the desk's
JSON, edited or not) and through /printview.
"""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	http,
	make_case,
	make_center_tree,
	make_user,
	raw_insert,
	unique,
)

M = "/api/method/"
CASE = "ZZ Case"
CASE_FILE = "ZZ Case File"
PREVIEW = "frappe.www.printview.get_html_and_style"
RAW = "frappe.www.printview.get_rendered_raw_commands"


class TestPrintDoors(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("印秘密")
		cls.tree = t = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], t.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		cls.case = make_case(
			t.town_a, cls.clerk_a, title=f"{cls.marker} 标题", facts=f"事实 {cls.marker}"
		).name
		cls.own_case = make_case(t.town_b, cls.clerk_b, title=unique("乙镇自己的案件")).name
		cls.session = raw_insert(
			{
				"doctype": "ZZ Mediation Session",
				"case": cls.case,
				"center": t.town_a,
				"starts_at": now_datetime(),
				"agreed": f"共识 {cls.marker}",
			}
		)
		cls.users = [cls.clerk_a, cls.clerk_b]
		cls.keys = {user: api_credentials(user) for user in cls.users}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("ZZ Mediation Session", {"name": cls.session})
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	def post(self, user: str, method: str, **form) -> tuple[int, str]:
		"""As the desk calls it: form-encoded, `doc` as a JSON string."""
		data = {k: v if isinstance(v, str) else json.dumps(v, default=str) for k, v in form.items()}
		status, body = http(
			"POST", M + method, self.keys[user], headers={"Accept": "application/json"}, data=data
		)
		return status, body.decode("utf-8", errors="replace")

	def get(self, user: str, path: str, params: dict) -> tuple[int, str]:
		status, body = http("GET", path, self.keys[user], params)
		return status, body.decode("utf-8", errors="replace")

	def desk_json(self, name: str) -> dict:
		"""The document as the desk's print view sends it (frm.doc)."""
		return json.loads(frappe.as_json(frappe.get_doc(CASE, name).as_dict()))

	def forged(self) -> dict:
		"""Township A's case, claiming township B and the sibling clerk: what Frappe judged permission on."""
		t = self.tree
		return {
			"doctype": CASE,
			"name": self.case,
			"receiving_center": t.town_b,
			"current_center": t.town_b,
			"first_receiver": self.clerk_b,
			"owner": self.clerk_b,
			"tier": "Township",
			"parties": [],
		}

	def assert_refused(self, status: int, body: str, label: str):
		self.assertIn(status, (403, 404, 417), f"{label}: {status} {body[:300]}")
		self.assertNotIn(self.marker, body, label)

	def test_a_forged_case_is_not_printed(self):
		for method in (PREVIEW, RAW):
			status, body = self.post(self.clerk_b, method, doc=self.forged(), print_format=CASE_FILE)
			self.assert_refused(status, body, method)
			self.assertIn(status, (403, 404), method)
			# and with nothing but the name and the DocType
			status, body = self.post(
				self.clerk_b, method, doc={"doctype": CASE, "name": self.case}, print_format=CASE_FILE
			)
			self.assert_refused(status, body, method)

	def test_a_case_that_is_not_stored_is_not_printed(self):
		unsaved = dict(self.forged())
		unsaved.pop("name")
		for method in (PREVIEW, RAW):
			for doc in (unsaved, dict(unsaved, name=unique("不存在")), dict(unsaved, name="")):
				status, body = self.post(self.clerk_b, method, doc=doc, print_format=CASE_FILE)
				self.assert_refused(status, body, f"{method} {doc.get('name')}")
				self.assertEqual(status, 403, method)
			status, body = self.post(self.clerk_b, method, doc="not json", print_format=CASE_FILE)
			self.assert_refused(status, body, f"{method} not json")

	def test_a_print_format_of_another_doctype_is_refused(self):
		"""The case file's template reads the case's records by the document's name: it prints cases only."""
		todo = {"doctype": "ToDo", "name": self.case, "description": "伪造"}
		status, body = self.post(self.clerk_b, PREVIEW, doc=todo, print_format=CASE_FILE)
		self.assert_refused(status, body, "a ToDo named as the case")
		own = self.desk_json(self.own_case)
		status, body = self.post(self.clerk_b, PREVIEW, doc=own, print_format="ZZ Agreement Document")
		self.assert_refused(status, body, "own case in the agreement's format")
		status, body = self.get(
			self.clerk_b,
			M + "frappe.utils.print_format.download_pdf",
			{"doctype": "ToDo", "name": self.case, "format": CASE_FILE},
		)
		self.assert_refused(status, body, "download_pdf of a ToDo in the case file")
		for method in ("download_multi_pdf", "download_multi_pdf_async"):
			for doctype, names in (
				("ToDo", json.dumps([self.case])),
				(json.dumps({"ToDo": [self.case]}), "[]"),
			):
				status, body = self.post(
					self.clerk_b,
					f"frappe.utils.print_format.{method}",
					doctype=doctype,
					name=names,
					format=CASE_FILE,
				)
				self.assertEqual(status, 417, f"{method} {doctype}: {body[:300]}")
				self.assertNotIn(self.marker, body)

	def test_the_print_page_takes_no_document_from_the_request(self):
		for params in (
			{"doc": json.dumps(self.forged()), "format": CASE_FILE},
			{"doc": json.dumps(self.forged()), "doctype": CASE, "name": self.case, "format": CASE_FILE},
		):
			status, html = self.get(self.clerk_b, "/printview", params)
			self.assertNotIn(self.marker, html)
			self.assertNotEqual(status, 500)
			self.assertFalse(status == 200 and "zz-case-file" in html, status)
		status, html = self.get(
			self.clerk_b, "/printview", {"doctype": "ToDo", "name": "x", "format": CASE_FILE}
		)
		self.assertEqual(status, 417)
		self.assertNotIn(self.marker, html)

	def test_the_pdf_download_prints_the_stored_record_only(self):
		status, body = self.get(
			self.clerk_b,
			M + "frappe.utils.print_format.download_pdf",
			{"doctype": CASE, "name": self.case, "format": CASE_FILE, "doc": json.dumps(self.forged())},
		)
		self.assert_refused(status, body, "download_pdf with a forged doc")

	def test_the_cases_clerk_still_prints_it(self):
		real = self.desk_json(self.case)
		status, body = self.post(self.clerk_a, PREVIEW, doc=real, print_format=CASE_FILE)
		self.assertEqual(status, 200, body[:500])
		html = json.loads(body)["message"]["html"]
		self.assertIn(f"{self.marker} 标题", html)
		self.assertIn(f"共识 {self.marker}", html)  # the case's sessions, read as the clerk may
		# an edited form prints what is stored, not the edit
		edited = dict(real, title="伪造的标题", facts="伪造的事实")
		status, body = self.post(self.clerk_a, PREVIEW, doc=edited, print_format=CASE_FILE)
		html = json.loads(body)["message"]["html"]
		self.assertEqual(status, 200)
		self.assertIn(f"{self.marker} 标题", html)
		self.assertNotIn("伪造的标题", html)
		# by DocType and name, as Frappe's own calls do
		status, body = self.post(self.clerk_a, PREVIEW, doc=CASE, name=self.case, print_format=CASE_FILE)
		self.assertEqual(status, 200)
		self.assertIn(f"{self.marker} 标题", json.loads(body)["message"]["html"])
		status, html = self.get(
			self.clerk_a, "/printview", {"doctype": CASE, "name": self.case, "format": CASE_FILE}
		)
		self.assertEqual(status, 200)
		self.assertIn(f"{self.marker} 标题", html)
		self.assertIn(f"共识 {self.marker}", html)

	def test_the_sibling_clerk_prints_their_own_case(self):
		status, body = self.post(
			self.clerk_b, PREVIEW, doc=self.desk_json(self.own_case), print_format=CASE_FILE
		)
		self.assertEqual(status, 200, body[:500])
		title = frappe.db.get_value(CASE, self.own_case, "title")
		self.assertIn(title, json.loads(body)["message"]["html"])
		self.assertNotIn(self.marker, body)
