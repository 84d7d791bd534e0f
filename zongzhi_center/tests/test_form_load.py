"""The case form's extra data comes with the case (the document's onload, services/case_form.py): the centres
it may be moved to, how many earlier cases may be the same person or matter (at intake), the typical cases
like it, the counts on its Connections and its workflow actions — each of what the user may read — so that
opening the form is one request, as a ToDo's is, not one request per panel. A user who may not read the case
gets none of it; the browser opening the form asks for nothing of the app's own beside the case."""

import time
from pathlib import Path

import frappe
from frappe.desk.form import load
from frappe.model.workflow import get_transitions
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import case_form as api
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests import factories as f
from zongzhi_center.tests.browser import desk_page, desk_ready

CASE = "ZZ Case"
# the form's requests beside the case that the onload answers
SENT_WITH_THE_CASE = (
	"zongzhi_center.api.routing.move_targets",
	"zongzhi_center.api.petitions.suggest_duplicates",
	"zongzhi_center.api.library.case_library",
	"zongzhi_center.api.case_form.extras",
	"frappe.desk.notifications.get_open_count",
	"frappe.model.workflow.get_transitions",
)


def frappe_source(path: str) -> str:
	return (Path(frappe.__file__).parent / path).read_text()


def opened(user: str, case: str) -> dict:
	"""The case as the desk's form receives it (Frappe's getdoc), as ``user``."""
	with f.as_user(user):
		frappe.local.response = frappe._dict({"docs": []})
		load.getdoc(CASE, case)
		return frappe.local.response.docs[0].get("__onload")


class TestFormLoad(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = f.make_center_tree()
		cls.clerk = f.make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.other_clerk = f.make_user([wn.INTAKE_CLERK], cls.tree.town_b)
		id_number, phone = f.new_person()
		person = {
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": f.unique("甘"),
			"id_number": id_number,
			"phone": phone,
		}
		cls.earlier = f.make_case(cls.tree.town_a, cls.clerk, parties=[person]).name
		cls.case = f.make_case(cls.tree.town_a, cls.clerk, parties=[person]).name
		cls.alone = f.make_case(cls.tree.town_a, cls.clerk).name
		desk_ready(cls.clerk)  # commits: the browser reads through the web server's connections

	@classmethod
	def tearDownClass(cls):
		f.delete_committed(cls.tree, [cls.clerk, cls.other_clerk])
		frappe.db.commit()
		super().tearDownClass()

	def test_the_form_receives_its_extra_data_with_the_case(self):
		sent = opened(self.clerk, self.case)["zz_form"]
		self.assertEqual(sent["move_targets"], {"up": self.tree.county, "down": [self.tree.village_a]})
		self.assertEqual(sent["duplicates"], 1)  # the earlier case of the same person
		self.assertEqual(sent["library"], {"similar": [], "can_draft": False})
		counted = {row["doctype"] for row in sent["connections"]["external_links_found"]}
		self.assertIn("ZZ Mediation Session", counted)
		self.assertTrue(all(row["count"] == 0 for row in sent["connections"]["external_links_found"]))
		doc = frappe.get_doc(CASE, self.case)
		with f.as_user(self.clerk):
			expected = [t.action for t in get_transitions(doc)]
		self.assertEqual([t["action"] for t in sent["transitions"]["list"]], expected)
		self.assertIn(wn.action("accept"), expected)
		self.assertEqual(str(sent["transitions"]["modified"]), str(doc.modified))
		# a case of nobody else on file: none to suggest
		self.assertEqual(opened(self.clerk, self.alone)["zz_form"]["duplicates"], 0)

	def test_the_same_answer_as_the_requests_it_replaces(self):
		from zongzhi_center.api import library, petitions, routing

		sent = opened(self.clerk, self.case)["zz_form"]
		with f.as_user(self.clerk):
			self.assertEqual(sent["move_targets"], routing.move_targets(self.case))
			self.assertEqual(sent["library"], library.case_library(self.case))
			found = petitions.suggest_duplicates(self.case)
			self.assertEqual(sent["duplicates"], len(found["suggestions"]) + found["more"])
			self.assertEqual(sent, api.extras(self.case))  # what a form whose case came without it asks

	def test_the_connections_counts_are_frappes(self):
		from frappe.desk.notifications import get_open_count

		for doctype, count in (("ZZ Mediation Session", 2), ("ZZ Follow-up Visit", 1)):
			for _ in range(count):
				f.raw_insert({"doctype": doctype, "name": f.unique("linked"), "case": self.case})
		sent = opened(self.clerk, self.case)["zz_form"]["connections"]
		with f.as_user(self.clerk):
			self.assertEqual(sent, get_open_count(CASE, self.case)["count"])
		counts = {row["doctype"]: row["count"] for row in sent["external_links_found"]}
		self.assertEqual((counts["ZZ Mediation Session"], counts["ZZ Follow-up Visit"]), (2, 1))
		frappe.db.rollback()

	def test_the_library_panel_asks_the_permissions_frappe_would(self):
		from zongzhi_center.permissions.doctypes import doctype_permission

		library = "ZZ Library Item"
		# a user whose roles give nothing of the library, with one item shared with them to read
		reader = f.make_user([])
		item = f.raw_insert({"doctype": library, "name": f.unique("典型案例"), "title": "典型案例"})
		frappe.share.add_docshare(library, item, reader, read=1, flags={"ignore_share_permission": True})
		lead = f.make_user([wn.CENTER_DIRECTOR], self.tree.town_a)
		asked = []
		for user in (self.clerk, lead, reader, f.make_user([]), "Administrator"):
			for ptype in ("read", "select", "create", "write", "submit", "delete"):
				with f.as_user(user):
					answer = doctype_permission(library, ptype)
					self.assertEqual(answer, bool(frappe.has_permission(library, ptype)), (user, ptype))
					asked.append(answer)
		self.assertIn(True, asked)
		self.assertIn(False, asked)
		with f.as_user(reader):  # by the share alone
			self.assertTrue(doctype_permission(library, "read"))
			self.assertFalse(doctype_permission(library, "create"))
		frappe.db.rollback()

	def test_the_connections_follow_the_links_an_administrator_adds(self):
		# Customize Form's Connections: a link kept as a custom row of the DocType, read from the meta
		lead = f.raw_insert({"doctype": "ZZ Screening Lead", "name": f.unique("线索"), "case": self.case})
		link = frappe.get_doc(
			{
				"doctype": "DocType Link",
				"name": f.unique("link"),
				"parent": CASE,
				"parenttype": "DocType",
				"parentfield": "links",
				"link_doctype": "ZZ Screening Lead",
				"link_fieldname": "case",
				"group": "Outcome",
				"custom": 1,
			}
		)

		def counted() -> dict:
			sent = opened(self.clerk, self.case)["zz_form"]["connections"]
			with f.as_user(self.clerk):
				from frappe.desk.notifications import get_open_count

				self.assertEqual(sent, get_open_count(CASE, self.case)["count"])
			return {row["doctype"]: row["count"] for row in sent["external_links_found"]}

		self.assertNotIn("ZZ Screening Lead", counted())
		try:
			link.db_insert()
			frappe.clear_cache(doctype=CASE)
			self.assertEqual(counted()["ZZ Screening Lead"], 1)
		finally:
			frappe.db.delete("DocType Link", {"name": link.name})
			frappe.clear_cache(doctype=CASE)
		self.assertNotIn("ZZ Screening Lead", counted())
		self.assertTrue(frappe.db.exists("ZZ Screening Lead", lead))
		frappe.db.rollback()

	def test_a_user_who_may_not_read_the_case_gets_none_of_it(self):
		for call in (lambda: opened(self.other_clerk, self.case), lambda: api.extras(self.case)):
			with f.as_user(self.other_clerk), self.assertRaises(frappe.PermissionError):
				call()

	def test_the_frappe_code_the_form_relies_on(self):
		# the Connections' counts: Frappe's dashboard asks only while it has not been given them
		dashboard = frappe_source("public/js/frappe/form/dashboard.js")
		self.assertIn("update_badges(count) {", dashboard)
		self.assertIn("this._fetched_counts = false;", dashboard)
		self.assertIn("this._fetched_counts\n\t\t) {\n\t\t\treturn;", dashboard)
		# the form's script runs after the dashboard is refreshed (in the header) and before it asks for its counts
		form = frappe_source("public/js/frappe/form/form.js")
		steps = form[form.index("frappe.run_serially([") :]
		self.assertLess(
			steps.index("() => this.refresh_header(switched)"),
			steps.index('this.script_manager.trigger("refresh")'),
		)
		self.assertLess(
			steps.index('this.script_manager.trigger("refresh")'),
			steps.index("() => this.dashboard.after_refresh()"),
		)
		header = form[form.index("refresh_header(switched) {") :]
		self.assertIn("this.dashboard.refresh();", header[: header.index("\n\t}\n")])
		# the counts are Frappe's own, of the case loaded once
		notifications = frappe_source("desk/notifications.py")
		self.assertIn("def get_internal_links(doc, link, link_doctype):", notifications)
		self.assertIn("def get_external_links(doctype, name, links):", notifications)
		# the workflow actions: the form asks for them through frappe.workflow.get_transitions, whose server
		# side reads the case from the database
		workflow = frappe_source("public/js/frappe/model/workflow.js")
		self.assertIn('return frappe.xcall("frappe.model.workflow.get_transitions", { doc: doc });', workflow)
		self.assertIn(
			"frappe.workflow.get_transitions(this.frm.doc).then(",
			frappe_source("public/js/frappe/form/workflow.js"),
		)
		self.assertIn("doc.load_from_db()", frappe_source("model/workflow.py"))

	def test_opening_the_form_in_the_desk_is_one_request_with_what_it_shows(self):
		with desk_page(self.clerk, "form-load-failure.png") as page:
			calls, in_flight, last = [], set(), [time.monotonic()]

			def started(request):
				in_flight.add(request)
				if "/api/" in request.url:
					calls.append(request.url.split("/api/method/")[-1].split("?")[0])

			def ended(request):
				in_flight.discard(request)
				last[0] = time.monotonic()

			page.on("request", started)
			page.on("requestfinished", ended)
			page.on("requestfailed", ended)
			# the desk's own page (its cards and charts) loaded before the form is opened
			while in_flight or time.monotonic() - last[0] < 1.5:
				page.wait_for_timeout(100)
			calls.clear()
			page.evaluate("([doctype, name]) => frappe.set_route('Form', doctype, name)", [CASE, self.case])
			page.wait_for_selector(f'.page-container[data-page-route="{CASE}"] .form-layout', state="visible")
			# at intake: the earlier case of the same person, told in the form's headline
			said = page.evaluate(
				"__('{0} earlier cases may be the same person or matter: see Related Cases.', [1])"
			)
			page.wait_for_function(
				"(said) => [...document.querySelectorAll('.form-message')].some((e) => e.innerText.includes(said))",
				arg=said,
				timeout=15000,
			)
			page.wait_for_load_state("networkidle")
			# the workflow's actions, and the centres the case may be moved to
			accept = page.evaluate("(action) => __(action)", wn.action("accept"))
			actions = page.evaluate(
				"[...document.querySelectorAll('.actions-btn-group .dropdown-menu .dropdown-item')]"
				".map((e) => e.textContent.trim())"
			)
			targets = page.evaluate("cur_frm.zz_move_targets")
		made = [call for call in calls if "route_history" not in call]
		self.assertLessEqual(len(made), 5, calls)
		self.assertIn("frappe.desk.form.load.getdoc", made)
		self.assertFalse(set(made) & set(SENT_WITH_THE_CASE), made)
		self.assertIn(accept, actions)
		self.assertEqual(set(targets), {self.tree.county, self.tree.village_a})
