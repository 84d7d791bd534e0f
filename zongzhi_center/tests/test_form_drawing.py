"""A case form draws its first screen first (public/js/zz_form_drawing.js): the tables on its other tabs are
drawn as their tab is shown, its activity just after the form is shown. In Chromium, as the township clerk:
the form opens on its first tab with nothing of the other tabs' tables drawn yet; each tab shows its rows,
the people the case names by their names (never a staff record's number), the activity its changes; a
change made after that is saved through the form as before. The Frappe code the drawing relies on is checked
here, so that a Frappe update that changes it fails this test rather than the clerk's form."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests import factories as f
from zongzhi_center.tests.browser import desk_page, desk_ready
from zongzhi_center.tests.test_no_hash_ids import frappe_js

CASE = "ZZ Case"
ROWS = '.frappe-control[data-fieldname="{}"] .grid-body .rows .grid-row'


def show_tab(page, fieldname: str):
	page.click(
		f'.page-container[data-page-route="{CASE}"] .form-tabs .nav-link[data-fieldname="{fieldname}"]'
	)


def shown_value(page, fieldname: str, expected: str) -> str:
	"""What the form shows for a field (its input's value, or the text shown where it is read only), once it
	shows what is expected or after ten seconds (a tab fades in)."""
	for _ in range(100):
		value = showing(page, fieldname)
		if value == expected:
			break
		page.wait_for_timeout(100)
	return value


def showing(page, fieldname: str) -> str:
	return page.evaluate(
		"""(fieldname) => {
			const control = $(`.page-container[data-page-route="ZZ Case"] .frappe-control[data-fieldname="${fieldname}"]`);
			const input = control.find("input:visible");
			return (input.length ? input.val() : control.find(".control-value:visible").text()).trim();
		}""",
		fieldname,
	)


class TestFormDrawing(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = t = f.make_center_tree()
		cls.clerk = f.make_user([wn.INTAKE_CLERK], t.town_a)
		cls.applicant = f.unique("甘")
		parties = f.person_and_organisation(cls.applicant)
		# registered: the clerk may still change it
		cls.case = f.make_case(t.town_a, cls.clerk, parties=parties).name
		# a mediator of the sibling township's department: a staff record the clerk may not read
		cls.staff = f.make_staff(t.town_b, f.make_department(t.town_b))
		cls.staff_name = frappe.db.get_value("ZZ Stationed Staff", cls.staff, "full_name")
		frappe.db.set_value(CASE, cls.case, "assigned_mediator", cls.staff, update_modified=False)
		cls.states = len(frappe.get_doc(CASE, cls.case).state_history)
		desk_ready(cls.clerk)  # commits: the browser reads through the web server's connections

	@classmethod
	def tearDownClass(cls):
		frappe.delete_doc("ZZ Stationed Staff", cls.staff, force=True, ignore_permissions=True)
		f.delete_committed(cls.tree, [cls.clerk])
		super().tearDownClass()

	def test_the_first_screen_first_then_each_tab_and_the_activity(self):
		with desk_page(self.clerk, "form-drawing-failure.png") as page:
			errors = []
			page.on("pageerror", lambda error: errors.append(str(error)))
			page.wait_for_function("window.frappe && frappe.router && frappe.container")
			page.evaluate("([doctype, name]) => frappe.set_route('Form', doctype, name)", [CASE, self.case])
			form = page.locator(f'.page-container[data-page-route="{CASE}"]')
			form.locator(".form-layout").wait_for(state="visible")
			# the first tab is shown (it alone); the parties and the state history are not drawn yet
			self.assertEqual(page.evaluate("cur_frm.get_active_tab().df.fieldname"), "case_tab")
			self.assertEqual(
				form.locator(".form-tabs .nav-link.active").evaluate_all(
					"(e) => e.map((a) => a.dataset.fieldname)"
				),
				["case_tab"],
			)
			self.assertEqual(form.locator(".tab-content > .tab-pane.active").count(), 1)
			self.assertEqual(form.locator(ROWS.format("parties")).count(), 0)
			self.assertEqual(form.locator(ROWS.format("state_history")).count(), 0)
			# yet they are in the record from the start
			self.assertEqual(page.evaluate("cur_frm.doc.parties.length"), 2)
			# the activity is drawn just after the form is shown
			form.locator(".new-timeline .timeline-item .timeline-content").first.wait_for(timeout=10000)

			show_tab(page, "parties_tab")
			form.locator(ROWS.format("parties")).nth(1).wait_for(timeout=10000)
			self.assertEqual(form.locator(ROWS.format("parties")).count(), 2)
			self.assertIn(self.applicant, form.locator(ROWS.format("parties")).first.inner_text())

			show_tab(page, "handling_tab")
			# (in a folded section: drawn, not shown)
			form.locator(ROWS.format("state_history")).first.wait_for(state="attached", timeout=10000)
			self.assertEqual(form.locator(ROWS.format("state_history")).count(), self.states)
			# the fields of the tab drawn as it is shown
			self.assertEqual(shown_value(page, "receiving_center", self.tree.town_a), self.tree.town_a)
			# the mediator by name: the staff record's name (a number) is nowhere on the screen
			self.assertEqual(shown_value(page, "assigned_mediator", self.staff_name), self.staff_name)
			self.assertNotIn(self.staff, form.inner_text())

			# a row of a table drawn later is changed and saved through the form as before
			renamed = f.unique("村民委员会")
			show_tab(page, "parties_tab")
			row = form.locator(ROWS.format("parties")).nth(1)
			row.locator('.grid-static-col[data-fieldname="party_name"]').click()
			row.locator('input[data-fieldname="party_name"]').fill(renamed)
			page.keyboard.press("Control+s")
			page.wait_for_function("() => !cur_frm.is_dirty() && !cur_frm.save_disabled", timeout=15000)
			page.wait_for_function(
				"(name) => cur_frm.doc.parties[1].party_name === name && !cur_frm.doc.__unsaved", arg=renamed
			)
			# and the tables are drawn again as Frappe refreshes the saved form
			form.locator(ROWS.format("parties")).nth(1).wait_for(timeout=10000)
			self.assertEqual(errors, [])
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("ZZ Case Party", {"parent": self.case, "idx": 2}, "party_name"), renamed
		)

	def test_the_frappe_code_the_drawing_relies_on(self):
		# a field is shown or hidden, then its value drawn (a table's rows through its grid's refresh)
		table = frappe_js("form/controls/table.js")
		self.assertIn("refresh_input() {\n\t\tthis.grid.refresh();", table)
		control = frappe_js("form/controls/base_control.js")
		self.assertIn("\trefresh() {\n\t\tthis.disp_status = this.get_status();\n", control)
		self.assertIn(
			'this.$wrapper.toggleClass("hide-control", this.disp_status == "None") &&\n'
			"\t\t\tthis.refresh_input &&\n\t\t\tthis.refresh_input();",
			control,
		)
		# each field knows its tab; a tab is shown through Bootstrap's tab("show") (its show.bs.tab event)
		tab = frappe_js("form/tab.js")
		self.assertIn("add_field(fieldobj) {\n\t\tfieldobj.tab = this;", tab)
		self.assertIn('this.tab_link.find(".nav-link").tab("show");', tab)
		self.assertIn('return this.wrapper.hasClass("active");', tab)
		layout = frappe_js("form/layout.js")
		self.assertIn("this.current_tab.add_field(fieldobj);", layout)
		self.assertIn("this.set_tab_as_active();", layout)
		# a tab is made shown when its field says it is active (the first tab of an app form is)
		self.assertIn(
			"make_tab(df) {\n\t\tthis.section = null;\n\t\tlet tab = new Tab(this, df, this.frm,", layout
		)
		self.assertIn('<a class="nav-link ${this.df.active ? "active" : ""}"', tab)
		self.assertIn('<div class="tab-pane fade show ${this.df.active ? "active" : ""}"', tab)
		# a form shown again draws every table itself (not through the field)
		form = frappe_js("form/form.js")
		self.assertIn("this.grids.forEach((table) => {\n\t\t\t\ttable.grid.refresh();", form)
		# the activity is drawn by the footer's refresh, when the form is shown
		footer = frappe_js("form/footer/footer.js")
		self.assertIn('on("render_complete", () => {\n\t\t\tthis.refresh();', footer)
		self.assertIn("this.frm.timeline.refresh();", footer)
		self.assertIn('this.$wrapper.trigger("render_complete");', form)
