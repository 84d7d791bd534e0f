"""No random name where a person looks: lists, links, link pickers, the form timeline, prints and refusals.

The DocTypes are read from the site (the app's module), so a DocType added later is held to the same rule
without a change here: each one a person opens on its own is named by what it is (a field, a pattern, a
series, the user), or names its records by a title field shown in links. Those named by a hash load the
desk's title adjustments (hooks.py) whose Frappe counterparts are checked here, so that a Frappe update that
changes them fails loudly.

Printing: each DocType with a print format of the app opens it by default; the picker names formats in the
user's language; Frappe's Standard layout of a case is headed by its number, not its hash.

Refusals: a clerk of the sibling township asking for township A's case is told the record is not theirs, in
the desk's dialog and on the print page, with neither the case's name, number, title nor centre, and no
Login button for a signed-in user.
"""

import json
import os
import re

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import update_password

from zongzhi_center.services.record_titles import APP_MODULE, app_doctypes, has_human_name
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	run_in_thread,
	unique,
)
from zongzhi_center.tests.test_rest_api import request

CASE = "ZZ Case"
M = "/api/method/"
PASSWORD = "Zz-test-" + frappe.generate_hash(length=10)
TITLES_JS = "public/js/zz_desk_titles.js"
REFUSAL_JS = "public/js/zz_desk_refusal.js"
# what a title shown in links can be: text a person typed or the app wrote, never another record's name
TITLE_TYPES = ("Data", "Small Text", "Text", "Read Only")


def frappe_js(path: str) -> str:
	return open(os.path.join(frappe.get_app_path("frappe"), "public", "js", "frappe", path)).read()


def app_file(path: str) -> str:
	return open(os.path.join(frappe.get_app_path("zongzhi_center"), path)).read()


def hooked(hook: str, doctype: str) -> list[str]:
	return frappe.get_hooks(hook, {}).get(doctype, [])


class TestNamesPeopleSee(FrappeTestCase):
	def test_the_app_has_doctypes_to_check(self):
		names = app_doctypes()
		self.assertIn(CASE, names)
		self.assertNotIn("ZZ Case Party", names)  # child tables are shown inside their parent
		self.assertNotIn("ZZ Settings", names)  # single settings have no name of their own

	def test_every_doctype_names_its_records_by_what_they_are(self):
		for doctype in app_doctypes():
			meta = frappe.get_meta(doctype)
			if has_human_name(meta):
				continue
			with self.subTest(doctype=doctype):
				self.assertTrue(
					meta.title_field, f"{doctype}: named by {meta.autoname or 'hash'}, no title field"
				)
				df = meta.get_field(meta.title_field)
				self.assertTrue(df, f"{doctype}: title field {meta.title_field} missing")
				self.assertIn(df.fieldtype, TITLE_TYPES, doctype)
				self.assertTrue(meta.show_title_field_in_link, f"{doctype}: links show its random names")

	def test_made_up_names_are_told_apart_from_human_ones(self):
		self.assertFalse(has_human_name(frappe.get_meta(CASE)))  # a hash
		self.assertTrue(has_human_name(frappe.get_meta("ZZ Center")))  # by its name
		self.assertTrue(has_human_name(frappe.get_meta("ZZ Risk Assessment Meeting")))  # RAM-2026-00001

	def test_hash_named_doctypes_load_the_desk_adjustments(self):
		for doctype in app_doctypes():
			if has_human_name(frappe.get_meta(doctype)):
				continue
			with self.subTest(doctype=doctype):
				self.assertIn(TITLES_JS, hooked("doctype_js", doctype))
				self.assertIn(TITLES_JS, hooked("doctype_list_js", doctype))
				self.assertIn(REFUSAL_JS, hooked("doctype_list_js", doctype))

	def test_the_frappe_code_the_desk_adjustments_rely_on(self):
		"""public/js/zz_desk_titles.js and zz_desk_refusal.js wrap these; a Frappe update that renames them fails here."""
		list_view = frappe_js("list/list_view.js")
		self.assertIn("setup_columns() {", list_view)
		self.assertIn("this.settings.hide_name_column", list_view)
		timeline = frappe_js("form/footer/form_timeline.js")
		self.assertIn("get_version_timeline_contents() {", timeline)
		self.assertIn("(this.doc_info.versions || []).forEach", timeline)
		# the timeline is drawn as it is built and again as the record is shown; built by the footer, whose
		# switch of "show all activity" reads the record's comments and messages as it is built
		self.assertIn("this.setup_timeline_actions();\n\t\tthis.render_timeline_items();", timeline)
		self.assertIn("let comments = doc_info.comments;", timeline)
		footer = frappe_js("form/footer/footer.js")
		self.assertIn("frappe.ui.form.Footer = class FormFooter", footer)
		self.assertIn("this.make_timeline();", footer)
		self.assertIn("this.frm.timeline = new FormTimeline({", footer)
		self.assertIn('on("render_complete", () => {\n\t\t\tthis.refresh();', footer)
		self.assertIn("this.frm.timeline.refresh();", footer)
		base = frappe_js("form/footer/base_timeline.js")
		self.assertIn("this.doc_info = (this.frm && this.frm.get_docinfo()) || {};", base)
		builder = frappe_js("form/footer/version_timeline_content_builder.js")
		# a Link's change is printed as its stored value: what the app turns into the linked record's title
		self.assertIn("format_content_for_timeline(p[1])", builder)
		self.assertIn("row[3].every(function (p)", builder)
		# a row's field is labelled by meta.get_label, untranslated
		self.assertIn("frappe.meta.get_label(frm.fields_dict[row[0]].grid.doctype, p[0])", builder)
		self.assertIn('$(document).trigger("form-refresh", [this])', frappe_js("form/form.js"))
		toolbar = frappe_js("form/toolbar.js")
		self.assertIn("frappe.ui.form.Toolbar = class Toolbar", toolbar)
		self.assertIn('frappe.utils.set_title(title + " - " + this.frm.docname);', toolbar)
		self.assertIn(
			"frappe.ui.form.PrintView = class",
			open(os.path.join(frappe.get_app_path("frappe"), "printing", "page", "print", "print.js")).read(),
		)
		formview = frappe_js("views/formview.js")
		self.assertIn("frappe.views.FormFactory = class FormFactory", formview)
		self.assertIn("fetch_and_render(doctype, name, doctype_layout) {", formview)
		self.assertIn("frappe.show_message_page = function", frappe_js("views/pageview.js"))
		request_js = frappe_js("request.js")
		self.assertIn("opts.error_callback = opts.error;", request_js)  # frappe.call's `error`
		self.assertIn("opts.error_callback && opts.error_callback();", request_js)  # called on a 403
		self.assertIn("xhr.responseJSON._error_message", request_js)
		self.assertIn("__list_js", frappe_js("model/model.js"))
		# date-time fields print the zone unless their field says hide_timezone, in set_description
		datetime_js = frappe_js("form/controls/datetime.js")
		self.assertIn("set_description() {", datetime_js)
		self.assertIn("if (!this.df.hide_timezone)", datetime_js)
		# the app's scripts wrap exactly these
		titles = app_file(TITLES_JS)
		self.assertIn("ListView.prototype.setup_columns", titles)
		self.assertIn("get_version_timeline_contents", titles)
		self.assertIn("ControlDatetime.prototype.set_description", titles)
		self.assertIn("FormFactory.prototype.fetch_and_render", app_file(REFUSAL_JS))

	def test_links_to_users_show_their_names(self):
		"""首问责任人 and the other links to a user read as the person's name, not the login email: the desk
		shows a link's title when its DocType says so (frappe.utils.get_link_title)."""
		self.assertTrue(frappe.get_meta("User").show_title_field_in_link)
		self.assertEqual(frappe.get_meta("User").title_field, "full_name")

	def test_the_mediator_picker_shows_names(self):
		"""The desk's link search for 承办调解员 answers each staff member's name beside the stored hash."""
		tree = make_center_tree()
		department = make_department(tree.town_a, department_type="People's Mediation Committee")
		staff = make_staff(tree.town_a, department)
		full_name = frappe.db.get_value("ZZ Stationed Staff", staff, "full_name")
		dispatcher = make_user(["ZZ Dispatcher"], tree.town_a)
		from zongzhi_center.overrides.desk import search_link

		with as_user(dispatcher):
			results = search_link(
				"ZZ Stationed Staff", full_name, filters={"department": department}, reference_doctype=CASE
			)
		row = next(r for r in results if r["value"] == staff)
		self.assertEqual(row.get("label"), full_name)
		self.assertNotIn(staff, row.get("description") or "")


class TestPrinting(FrappeTestCase):
	def test_each_doctype_with_an_app_print_format_opens_it_by_default(self):
		formats = frappe.get_all(
			"Print Format",
			filters={"module": APP_MODULE, "standard": "Yes", "disabled": 0},
			fields=["name", "doc_type"],
		)
		self.assertTrue(formats)
		for doctype in {f.doc_type for f in formats}:
			with self.subTest(doctype=doctype):
				default = frappe.get_meta(doctype).default_print_format
				self.assertIn(default, [f.name for f in formats if f.doc_type == doctype])

	def test_print_formats_are_named_in_chinese_in_the_picker(self):
		self.assertTrue(frappe.get_meta("Print Format").translated_doctype)
		from frappe.translate import get_all_translations

		zh = get_all_translations("zh")
		for name in frappe.get_all("Print Format", filters={"module": APP_MODULE}, pluck="name"):
			with self.subTest(print_format=name):
				self.assertRegex(zh.get(name, ""), r"[\u4e00-\u9fff]", name)

	def test_wide_child_tables_print_few_columns(self):
		"""Frappe's Standard layout prints every column of a table that is not print_hide: a table of a dozen
		columns prints one character to a column."""
		for doctype in frappe.get_all("DocType", filters={"module": APP_MODULE, "istable": 1}, pluck="name"):
			meta = frappe.get_meta(doctype)
			printed = [
				df
				for df in meta.fields
				if df.fieldtype not in frappe.model.no_value_fields and not df.print_hide and not df.hidden
			]
			with self.subTest(doctype=doctype):
				self.assertLessEqual(len(printed), 9, [df.fieldname for df in printed])

	def test_hidden_fields_are_not_printed(self):
		"""The Standard layout prints hidden fields too: the app's bookkeeping (JSON of who was given access,
		tree bounds, when a reminder went out) stays off paper; the workflow state is the case's status."""
		for doctype in frappe.get_all("DocType", filters={"module": APP_MODULE, "issingle": 0}, pluck="name"):
			meta = frappe.get_meta(doctype)
			printed = [
				df.fieldname
				for df in meta.fields
				if df.hidden
				and not df.print_hide
				and not df.permlevel  # fields at a level no role reads are never printed
				and df.fieldtype not in frappe.model.no_value_fields
				and df.fieldname != (meta.get("workflow_state_field") or "workflow_state")
			]
			with self.subTest(doctype=doctype):
				self.assertEqual(printed, [])

	def test_each_tab_starts_a_section(self):
		"""The Standard layout ignores tabs: a tab's fields would print in the column of the section before it
		(a table of parties one character to a column) unless a section break starts the tab."""
		for doctype in frappe.get_all("DocType", filters={"module": APP_MODULE, "issingle": 0}, pluck="name"):
			fields = frappe.get_meta(doctype).fields
			for i, df in enumerate(fields[1:-1], 1):
				if df.fieldtype == "Tab Break":
					with self.subTest(doctype=doctype, tab=df.fieldname):
						self.assertEqual(fields[i + 1].fieldtype, "Section Break")

	def test_the_standard_print_of_a_case_is_headed_by_its_number(self):
		tree = make_center_tree()
		clerk = make_user(["ZZ Intake Clerk"], tree.town_a)
		case = make_case(tree.town_a, clerk)
		from zongzhi_center.overrides.printing import get_html_and_style

		with as_user(clerk):
			html = get_html_and_style(CASE, case.name, print_format="Standard")["html"]
		self.assertIn(case.case_number, html)
		self.assertFalse(case.name in html, "the hash is printed")
		sub_heading = re.search(r'class="sub-heading">(.*?)</small>', html, re.S)
		self.assertIn(case.case_number, sub_heading.group(1))


class TestRefusals(FrappeTestCase):
	"""Over real HTTP requests: the desk's getdoc with a token; the print page in a signed-in browser session."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("拒绝标记")
		cls.tree = t = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], t.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		cls.case = make_case(t.town_a, cls.clerk_a, title=f"{cls.marker} 标题")
		update_password(cls.clerk_b, PASSWORD)
		cls.keys = {u: api_credentials(u) for u in (cls.clerk_a, cls.clerk_b)}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		delete_committed(cls.tree, [cls.clerk_a, cls.clerk_b])
		super().tearDownClass()

	def assert_names_nothing(self, text: str):
		for value in (self.case.name, self.case.case_number, self.marker, self.tree.town_a):
			self.assertFalse(value in text, f"{value} in the refusal")

	def test_the_desk_is_told_the_record_is_not_theirs(self):
		status, body = request(
			"GET",
			M + "frappe.desk.form.load.getdoc",
			self.keys[self.clerk_b],
			{"doctype": CASE, "name": self.case.name},
		)
		self.assertEqual(status, 403)
		self.assert_names_nothing(json.dumps(body, ensure_ascii=False))
		self.assertIn(
			body.get("_error_message"), ("You may not see or act on this record.", "您无权查看或办理此记录。")
		)
		# the case's own clerk opens it
		status, body = request(
			"GET",
			M + "frappe.desk.form.load.getdoc",
			self.keys[self.clerk_a],
			{"doctype": CASE, "name": self.case.name},
		)
		self.assertEqual(status, 200)

	def test_the_print_page_refuses_a_signed_in_user_without_login_button_or_names(self):
		from frappe.app import application
		from werkzeug.test import Client

		site = frappe.local.site

		def browse():
			client = Client(application)
			base = f"http://{site}"
			login = client.post(M + "login", base_url=base, data={"usr": self.clerk_b, "pwd": PASSWORD})
			page = client.get(
				"/printview",
				base_url=base,
				query_string={"doctype": CASE, "name": self.case.name},
				headers={"Accept-Language": "zh-CN"},
			)
			return login.status_code, page.status_code, page.get_data(as_text=True)

		login, status, html = run_in_thread(browse)
		self.assertEqual(login, 200)
		self.assertEqual(status, 403)
		self.assert_names_nothing(html)
		# the refusal's card: what it says and where its button leads (the site's navigation hides its own
		# Login link for a signed-in user)
		card = re.search(r"<div class='page-card'>(.*?)Status: 403", html, re.S)
		self.assertTrue(card, "no refusal card")
		self.assertNotIn("login", card.group(1).lower(), card.group(1)[-600:])
		self.assertNotIn("You do not have permission to view this document", card.group(1))
