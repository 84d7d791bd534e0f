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


# the form as laid out: its tabs (shown or not), its sections (shown, empty or hidden), and each field's place,
# whether it is hidden, and the value the active tab shows
LAID_OUT = """() => {
	const form = $('.page-container[data-page-route="ZZ Case"] .form-layout');
	const tabs = form.find(".form-tabs .nav-item").toArray().map((li) =>
		[$(li).find(".nav-link").attr("data-fieldname"), !$(li).hasClass("hide") && $(li).css("display") !== "none"]);
	const sections = form.find(".form-section").toArray().map((section) =>
		[section.dataset.fieldname, ["visible-section", "empty-section", "hide-control"]
			.filter((c) => section.classList.contains(c)).join(" ")]);
	const places = form.find(".frappe-control[data-fieldname]").toArray()
		.filter((control) => !control.closest(".grid-row, .form-in-grid, .form-footer, .form-dashboard"))
		.map((control) => [control.dataset.fieldname, control.classList.contains("hide-control")]);
	const shown = form.find(".tab-pane.active .frappe-control[data-fieldname]").toArray()
		.filter((control) => !control.closest(".grid-row, .form-in-grid") && !control.classList.contains("hide-control"))
		.map((control) => {
			const input = $(control).find(".control-input input:visible, .control-input select:visible");
			const text = input.length ? input.val() : $(control).find(".control-value:visible").text();
			return [control.dataset.fieldname, (text || "").trim()];
		});
	return {tabs, sections, places, shown};
}"""


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
			# and the comment box, made just after it, posts a comment to the activity
			said = f.unique("已电话联系申请人")
			form.locator(".comment-box .ql-editor").fill(said)
			form.locator(".comment-box .btn-comment").click()
			form.locator(".new-timeline .timeline-content", has_text=said).first.wait_for(timeout=10000)
			self.assertEqual(page.evaluate("strip_html(cur_frm.comment_box.get_value()).trim()"), "")

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
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{"reference_doctype": CASE, "reference_name": self.case, "content": ["like", f"%{said}%"]},
			)
		)

	def test_the_form_is_the_form_frappe_draws(self):
		"""The same fields in the same places, shown or hidden alike, with the same values, on every tab, and
		the same sections and tabs shown, as the form Frappe draws without the app's drawing."""

		def drawn(as_frappe: bool) -> dict:
			with desk_page(self.clerk, "form-drawing-failure.png") as page:
				errors = []
				page.on("pageerror", lambda error: errors.append(str(error)))
				page.wait_for_function("window.frappe && frappe.router && frappe.container")
				page.evaluate(
					"(off) => { frappe.provide('zongzhi_center').draw_as_frappe = off; }", as_frappe
				)
				page.evaluate(
					"([doctype, name]) => frappe.set_route('Form', doctype, name)", [CASE, self.case]
				)
				form = page.locator(f'.page-container[data-page-route="{CASE}"]')
				form.locator(".form-layout").wait_for(state="visible")
				page.wait_for_timeout(500)
				seen = {"opened": page.evaluate(LAID_OUT)}
				if not as_frappe:
					unmade = page.evaluate(
						"cur_frm.layout.fields_list.filter((c) => c.zz_place).map((c) => c.df.fieldname)"
					)
					self.assertIn("outcome_note", unmade)  # a plain field of the Handling tab: not made yet
				# a script asking for such a field's element gets it, made in its place
				seen["asked"] = page.evaluate(
					"""() => {
						const element = cur_frm.get_field("outcome_note").$wrapper.get(0);
						const before = element.previousElementSibling;
						return [element.isConnected, element.dataset.fieldname, before && before.dataset.fieldname,
							element.querySelector(".control-input") !== null];
					}"""
				)
				for tab in ("parties_tab", "handling_tab", "case_tab"):
					show_tab(page, tab)
					page.wait_for_timeout(600)  # (a tab fades in)
					seen[tab] = page.evaluate(LAID_OUT)
				self.assertEqual(errors, [])
				return seen

		as_frappe, as_app = drawn(True), drawn(False)
		self.assertEqual(as_app["asked"], [True, "outcome_note", as_frappe["asked"][2], True])
		for when in ("parties_tab", "handling_tab", "case_tab"):
			self.assertEqual(as_app[when], as_frappe[when], when)
		# as it opens: the same tabs and sections shown (the other tabs' fields are not drawn yet)
		for part in ("tabs", "sections"):
			self.assertEqual(as_app["opened"][part], as_frappe["opened"][part], part)
		self.assertEqual(as_app["opened"]["shown"], as_frappe["opened"]["shown"])
		shown = as_frappe["handling_tab"]["shown"]
		self.assertIn(["receiving_center", self.tree.town_a], shown)
		self.assertIn(["assigned_mediator", self.staff_name], shown)

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
		# a plain field is made as its class's make() makes it: its elements, then nothing else before its
		# refresh; the layout gives it these options, and builds the form inside the element it is given
		self.assertIn(
			"constructor(opts) {\n\t\t$.extend(this, opts);\n\t\tthis.make();\n\t\tif (this.render_input) {",
			control,
		)
		self.assertIn("this.wrapper = this.$wrapper.get(0);\n\t\tthis.wrapper.fieldobj = this;", control)
		self.assertIn("this.tooltip = $(", control)
		base_input = frappe_js("form/controls/base_input.js")
		self.assertIn(
			"make() {\n\t\t// parent element\n\t\tsuper.make();\n\t\tthis.set_input_areas();", base_input
		)
		for made in (
			"this.label_area = this.label_span =",
			"this.input_area =",
			"this.$input_wrapper =",
			"this.disp_area =",
		):
			self.assertIn(made, base_input)
		self.assertIn("this.label_area = this.label_span =", frappe_js("form/controls/check.js"))
		self.assertIn("make() {\n\t\tsuper.make();\n\t}", frappe_js("form/controls/int.js"))
		for name in (
			"data",
			"link",
			"select",
			"date",
			"datetime",
			"text",
			"float",
			"currency",
			"dynamic_link",
		):
			source = frappe_js(f"form/controls/{name}.js")
			self.assertNotIn("\n\tmake() {", source.replace("make() {\n\t\tsuper.make();\n\t}", ""), name)
		self.assertIn(
			"init_field(df, parent, render = false) {\n\t\tconst fieldobj = frappe.ui.form.make_control({\n"
			"\t\t\tdf: df,\n\t\t\tdoctype: this.doctype,\n\t\t\tparent: parent,\n\t\t\tfrm: this.frm,\n"
			"\t\t\trender_input: render,\n\t\t\tdoc: this.doc,\n\t\t\tlayout: this,\n\t\t});",
			layout,
		)
		self.assertIn("const fieldobj = this.init_field(df, parent, render);", layout)
		# the fields are laid out by render(), after the tabs' events are bound (those look the form up in the
		# page), inside the form's wrapper
		make = layout[layout.index("\tmake() {") :]
		make = make[: make.index("\n\t}\n")]
		self.assertIn("this.wrapper = $('<div class=\"form-layout\">').appendTo(this.parent);", make)
		self.assertLess(make.index("this.setup_tabbed_layout();"), make.index("this.render();"))
		self.assertTrue(make.rstrip().endswith("this.render();"))
		self.assertIn('let tabs_list = $(".form-tabs-list");', layout)
		# which sections and tabs show is decided on the elements of the fields
		self.assertIn('section.find(".frappe-control:not(.hide-control)").length', layout)
		self.assertIn('".form-section:not(.hide-control, .empty-section)', tab)
		# a form shown again draws every table itself (not through the field)
		form = frappe_js("form/form.js")
		self.assertIn("this.grids.forEach((table) => {\n\t\t\t\ttable.grid.refresh();", form)
		# the activity is drawn by the footer's refresh, when the form is shown
		footer = frappe_js("form/footer/footer.js")
		self.assertIn('on("render_complete", () => {\n\t\t\tthis.refresh();', footer)
		self.assertIn("this.frm.timeline.refresh();", footer)
		self.assertIn('this.$wrapper.trigger("render_complete");', form)
		# the comment box is made by the footer's make_comment_box, into its own place in the footer; the form
		# asks whether it is there before using it
		self.assertIn("this.make_comment_box();", footer)
		self.assertIn(
			'this.frm.comment_box = frappe.ui.form.make_control({\n\t\t\tparent: this.wrapper.find(".comment-box"),',
			footer,
		)
		self.assertIn("if (me.comment_box) {", form)
