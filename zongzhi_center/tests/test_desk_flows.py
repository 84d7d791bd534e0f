"""The desk as its users work in it, in Chromium against the test site's web server: the window clerk's quick
registration and acceptance (counting the clicks and typed fields), the same on the full form for comparison,
the dispatcher's 分流交办, the receipt's print view, and the director's workspace.

Every page of these flows is checked for English of the app's own (any word of the app's English source
strings — zh.csv and the labels, options and descriptions of its DocTypes — left untranslated on screen) and
for hash ids (a 10-character random name of one of the app's records). A screenshot of each page is kept in
the bench's logs/desk-shots for a person to look at.

The system's Chromium (/usr/bin/chromium, or ZZ_CHROMIUM) is required: without it these tests fail, they do
not skip.
"""

import csv
import functools
import os
import re
import shutil

import frappe
from frappe.permissions import add_user_permission
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_bench_path, get_url
from frappe.utils.password import update_password

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	COUNTY_CODE,
	make_center,
	make_department,
	move_case,
	new_person,
	unique,
)

CHROMIUM = os.environ.get("ZZ_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Zz-desk-flows-2026"
SHOTS = os.path.join(get_bench_path(), "logs", "desk-shots", "flows")
MAX_CLICKS = 15  # register and accept a two-party case at the window
HASH = re.compile(r"(?<![A-Za-z0-9])[a-z0-9]{10}(?![A-Za-z0-9])")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
# what is not an English word of the app, though written in Latin letters: addresses of people and pages
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|[\w.-]+\.localhost\S*")


def app_vocabulary() -> set[str]:
	"""Every English word of the app's own strings: the sources of its translations and the labels, options
	and descriptions of its DocTypes (which the desk shows translated or not at all)."""
	strings = []
	with open(frappe.get_app_path("zongzhi_center", "translations", "zh.csv"), encoding="utf-8") as f:
		strings += [row[0] for row in csv.reader(f) if row]
	for doctype in frappe.get_all("DocType", filters={"module": "Zongzhi Center"}, pluck="name"):
		meta = frappe.get_meta(doctype)
		strings.append(doctype)
		for df in meta.fields:
			strings += [df.label or "", df.description or ""]
			if df.fieldtype == "Select":
				strings += (df.options or "").split("\n")
	words = set()
	for s in strings:
		# placeholders and HTML are not words a person reads
		s = re.sub(r"\{\w*\}|<[^>]+>|%\(\w+\)s", " ", s)
		words |= {w.lower() for w in LATIN_WORD.findall(s)}
	return words


def visible_text(frame) -> str:
	"""What a person reads in a frame: its rendered text without screen-reader-only text and the hover
	tooltips Frappe keeps in the page."""
	try:
		return frame.evaluate(
			"""() => {
				if (!document.body) return "";
				const style = document.createElement("style");
				style.textContent = ".sr-only, .visually-hidden, .tooltip-content {display: none !important}";
				document.head.appendChild(style);
				const text = document.body.innerText;
				style.remove();
				return text;
			}"""
		)
	except Exception:  # a frame navigating away or gone: it shows nothing now
		return ""


def hash_named_doctypes() -> list[str]:
	return frappe.get_all("DocType", filters={"module": "Zongzhi Center", "issingle": 0}, pluck="name")


def shoot_on_failure(test):
	"""A failing flow leaves a screenshot of where it stopped."""

	@functools.wraps(test)
	def run(self):
		try:
			test(self)
		except BaseException:
			if getattr(self, "page", None):
				self.page.screenshot(path=os.path.join(SHOTS, f"failed-{test.__name__}.png"))
			raise

	return run


class Counter:
	"""Clicks and typed fields of a flow, as a person makes them."""

	def __init__(self, page):
		self.page, self.clicks, self.typed, self.steps = page, 0, 0, []

	def click(self, locator, why: str):
		locator.click()
		self.clicks += 1
		self.steps.append(f"click: {why}")

	def type(self, locator, text: str, why: str):
		"""Click into a field and type into it."""
		self.click(locator, why)
		self.page.keyboard.type(text)
		self.typed += 1
		self.steps.append(f"type: {why}")

	def choose(self, select, value: str, why: str):
		"""A native select: one click opens it, one click picks the option."""
		select.select_option(value)
		self.clicks += 2
		self.steps.append(f"choose (2 clicks): {why}")


class TestDeskFlows(FrappeTestCase):
	findings: dict[str, list[str]] = {}  # screenshot → what it shows that it should not

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not os.access(CHROMIUM, os.X_OK):
			raise AssertionError(f"Chromium is required for the desk tests: {CHROMIUM} not found")
		from playwright.sync_api import sync_playwright

		cls.fixtures()
		cls.vocabulary = app_vocabulary()
		cls.doctypes = hash_named_doctypes()
		shutil.rmtree(SHOTS, ignore_errors=True)
		os.makedirs(SHOTS, exist_ok=True)
		# ZZ_DESK_URL: another server of the test site (a developer's); ./zz test serves it at the site's URL
		cls.base = os.environ.get("ZZ_DESK_URL") or get_url()
		cls.playwright = sync_playwright().start()
		cls.browser = cls.playwright.chromium.launch(
			executable_path=CHROMIUM,
			args=[
				"--no-sandbox",
				"--disable-gpu",
				"--host-resolver-rules=MAP *.localhost 127.0.0.1",
				"--no-first-run",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
			],
		)

	@classmethod
	def tearDownClass(cls):
		cls.browser.close()
		cls.playwright.stop()
		cls.remove_fixtures()
		super().tearDownClass()

	@classmethod
	def remove_fixtures(cls):
		"""Undo what the browser's server needed committed: the centre and everything made in it."""
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for name in frappe.get_all("ZZ Case", filters={"receiving_center": cls.tree.county}, pluck="name"):
			frappe.delete_doc("ZZ Case", name, force=True, ignore_permissions=True)
		frappe.delete_doc("ZZ Department", cls.department, force=True, ignore_permissions=True)
		frappe.delete_doc("ZZ Service Window", cls.window, force=True, ignore_permissions=True)
		frappe.delete_doc("ZZ Case Category", cls.category, force=True, ignore_permissions=True)
		for user in cls.users:
			frappe.db.delete("User Permission", {"user": user})
			# ignore_on_trash: User.on_trash wants another System Manager than Administrator
			frappe.delete_doc("User", user, force=True, ignore_permissions=True, ignore_on_trash=True)
		frappe.delete_doc("ZZ Center", cls.tree.county, force=True, ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def fixtures(cls):
		frappe.set_user("Administrator")
		# a site whose setup wizard never ran sends every desk user to it: the test site is set up by install
		if not frappe.get_system_settings("setup_complete"):
			frappe.db.set_single_value("System Settings", "setup_complete", 1)
		# names a person could read on a receipt: the factories' "测试County" would be English on the page
		county = make_center("County", None, COUNTY_CODE, name=unique("南县测试综治中心")).name
		cls.tree = frappe._dict(county=county)
		cls.users = []
		cls.clerk = cls.user("窗口受理员小测", wn.INTAKE_CLERK)
		cls.dispatcher = cls.user("分流调度员小测", wn.DISPATCHER)
		cls.director = cls.user("中心主任老测", wn.CENTER_DIRECTOR)
		cls.handler = cls.user("承办人小测", wn.DEPARTMENT_HANDLER)
		cls.window = (
			frappe.get_doc(
				{
					"doctype": "ZZ Service Window",
					"window_name": unique("综合受理窗口"),
					"window_type": "Comprehensive Service",
					"center": cls.tree.county,
					"default_source": "Petition Source",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.category = (
			frappe.get_doc(
				{"doctype": "ZZ Case Category", "category_name": unique("相邻关系快登"), "is_group": 0}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.department = make_department(cls.tree.county, handlers=(cls.handler,))
		frappe.db.commit()  # the browser's requests are served by another process

	@classmethod
	def user(cls, full_name: str, role: str) -> str:
		email = f"{frappe.generate_hash(length=10)}@zz-desk.example.com"
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": full_name,
				"language": "zh",
				"send_welcome_email": 0,
			}
		)
		user.append_roles(role)
		user.insert(ignore_permissions=True)
		cls.users.append(email)
		add_user_permission("ZZ Center", cls.tree.county, email, ignore_permissions=True, is_default=1)
		update_password(email, PASSWORD)
		return email

	# ------------------------------------------------------------------ browser helpers
	def login(self, user: str):
		context = self.browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
		page = context.new_page()
		self.errors = []
		page.on("pageerror", lambda e: self.errors.append(str(e)))
		page.goto(f"{self.base}/login")
		page.fill("#login_email", user)
		page.fill("#login_password", PASSWORD)
		page.click(".btn-login")
		try:
			page.wait_for_url("**/app**", wait_until="domcontentloaded", timeout=30000)
		except Exception:
			# a server that answers for another site (bench's serve_default_site) knows none of the test's users
			raise AssertionError(f"{self.base} did not log {user} in: does it serve the test site?") from None
		page.wait_for_selector(".layout-main-section", timeout=30000)
		# another test run migrating the same site meanwhile tells every open desk "版本更新 — refresh": that
		# is about the other run, not this flow, and the message is put away so the flow goes on
		page.add_locator_handler(
			page.locator(".modal.show .modal-title").filter(has_text="版本更新"),
			lambda: page.evaluate("() => frappe.msg_dialog && frappe.msg_dialog.hide()"),
		)
		self.addCleanup(context.close)
		self.page = page
		return page

	def look(self, page, shot: str, case: str | None = None):
		"""Keep a screenshot and note what the page shows that it should not: English words of the app, hash
		ids (test_pages_show_no_english_and_no_hash_ids judges all pages at once, after the flows)."""
		page.wait_for_timeout(800)
		page.screenshot(path=os.path.join(SHOTS, f"{shot}.png"), full_page=False)
		text = "\n".join(visible_text(frame) for frame in page.frames)
		# the browser tab's title is read too: it names the page in the tab bar and the history
		shown = NOT_WORDS.sub(" ", text + "\n" + f"〔标签页〕{page.title()}")
		# abbreviations (PDF, ID, API) are written so in Chinese too
		english = sorted(
			{w for w in LATIN_WORD.findall(shown) if w.lower() in self.vocabulary and not w.isupper()}
		)
		found = TestDeskFlows.findings.setdefault(shot, [])
		# each word in the line it stands in, for whoever mends it
		found += sorted(
			{f"English: {line.strip()[:120]}" for line in shown.splitlines() for w in english if w in line}
		)
		hashes = {t for t in HASH.findall(shown) if self.is_record_name(t)}
		if case and HASH.fullmatch(case) and case in shown:
			hashes.add(case)
		found += [
			f"hash id: {line.strip()[:120]}"
			for line in shown.splitlines()
			for h in sorted(hashes)
			if h in line
		]
		found += [f"JavaScript error: {e[:120]}" for e in self.errors]
		self.errors.clear()

	def is_record_name(self, token: str) -> bool:
		return any(frappe.db.exists(doctype, token) for doctype in self.doctypes)

	def dialog(self, page):
		return page.locator(".modal.show .modal-dialog").last

	def grid_cell(self, dialog, row: int, fieldname: str):
		return (
			dialog.locator(".grid-body .rows .grid-row")
			.nth(row)
			.locator(f'.grid-static-col[data-fieldname="{fieldname}"]')
		)

	def pick_link(self, count: Counter, scope, fieldname: str, value: str, why: str):
		"""A link field: click it, type the name, pick the first suggestion (counted as a click)."""
		control = scope.locator(f'.frappe-control[data-fieldname="{fieldname}"]').first
		count.type(control.locator("input"), value, why)
		scope.page.wait_for_timeout(1500)  # the suggestions arrive from the server
		scope.page.keyboard.press("Enter")
		count.clicks += 1
		count.steps.append(f"click: {why} (pick the suggestion)")
		scope.page.keyboard.press("Tab")  # leave the field: Frappe checks the link on blur
		scope.page.wait_for_timeout(800)

	def new_party(self) -> tuple[str, str, str]:
		id_number, phone = new_person()
		return id_number, phone, f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"

	# ------------------------------------------------------------------ flows
	@shoot_on_failure
	def test_clerk_registers_and_accepts_a_two_party_case_in_at_most_15_clicks(self):
		page = self.login(self.clerk)
		page.goto(f"{self.base}/app/zz-case")
		page.wait_for_selector(".frappe-list", timeout=30000)
		self.look(page, "a1-case-list")
		count = Counter(page)
		button = page.locator(".page-actions .primary-action:visible")
		self.assertEqual(button.inner_text().strip(), "登记")
		count.click(button, "登记")
		dialog = self.dialog(page)
		dialog.locator('textarea[data-fieldname="facts"]').wait_for(timeout=15000)
		# the window's centre has one window: it is chosen, with its source
		page.wait_for_function(
			"([window, source]) => { const d = zongzhi_center.registration.dialog;"
			" return d.get_value('receiving_window') === window && d.get_value('source') === source; }",
			arg=[self.window, "Petition Source"],
			timeout=15000,
		)
		self.look(page, "a2-quick-registration")
		facts = f"楼上住户夜间噪音扰民，多次协商未果，申请调解（{unique('快登')}）。"
		count.type(dialog.locator('textarea[data-fieldname="facts"]'), facts, "事实与请求")
		self.pick_link(count, dialog, "category", self.category, "类别")
		id_number, phone, born = self.new_party()
		parties = [("王快登", id_number, phone), ("李快登", None, "13712345678")]
		for row, (name, number, tel) in enumerate(parties):
			for fieldname, value in (("party_name", name), ("id_number", number), ("phone", tel)):
				if value:
					count.type(self.grid_cell(dialog, row, fieldname), value, f"当事人{row + 1} {fieldname}")
		self.look(page, "a3-quick-registration-filled")
		# the ID number tells the birth date and sex at once
		self.grid_cell(dialog, 0, "born").filter(has_text=born[:4]).wait_for(timeout=10000)
		count.click(dialog.locator(".modal-footer .btn-primary"), "登记")
		result = page.locator(".modal.show .zz-case-number")
		result.wait_for(timeout=30000)
		number = result.inner_text().strip()
		frappe.db.rollback()  # a new snapshot: the case was committed by the web server's process
		name = frappe.db.get_value("ZZ Case", {"case_number": number}, "name")
		self.assertTrue(name, number)
		self.look(page, "a4-registered", name)
		count.click(self.dialog(page).locator(".modal-footer .btn-primary"), "受理")
		page.wait_for_url(f"**/app/zz-case/{name}", timeout=30000)
		page.wait_for_function(
			"(state) => window.cur_frm && cur_frm.doc.workflow_state === state",
			arg=wn.state("accepted"),
			timeout=30000,
		)
		self.look(page, "a5-accepted", name)
		frappe.db.rollback()  # read what the other process committed
		case = frappe.get_doc("ZZ Case", name)
		self.assertEqual(case.workflow_state, wn.state("accepted"))
		self.assertEqual(
			[(p.party_role, p.party_name) for p in case.parties],
			[("Applicant", "王快登"), ("Respondent", "李快登")],
		)
		self.assertEqual(
			(case.category, case.source, case.channel), (self.category, "Petition Source", "Window")
		)
		print(f"\nquick registration + 受理: {count.clicks} clicks, {count.typed} typed fields")
		print("  " + "\n  ".join(count.steps))
		self.assertLessEqual(count.clicks, MAX_CLICKS, count.steps)
		type(self).quick = (count.clicks, count.typed)

	@shoot_on_failure
	def test_full_form_registers_and_accepts_too_with_more_clicks(self):
		"""The form's way, as before the quick registration: still works, and costs more."""
		page = self.login(self.clerk)
		page.goto(f"{self.base}/app/zz-case")
		page.wait_for_selector(".frappe-list", timeout=30000)
		count = Counter(page)
		count.click(page.locator(".page-actions .primary-action:visible"), "登记")
		dialog = self.dialog(page)
		dialog.locator('textarea[data-fieldname="facts"]').wait_for(timeout=15000)
		count.click(dialog.locator(".modal-footer .btn-secondary"), "完整表单")
		form = page.locator(".layout-main-section:visible .form-layout").first
		form.locator('input[data-fieldname="title"]').wait_for(timeout=30000)
		self.look(page, "b1-new-case-form")
		count.type(form.locator('input[data-fieldname="title"]'), "邻里噪音纠纷（表单）", "标题")
		count.type(
			form.locator(
				'textarea[data-fieldname="facts"], .frappe-control[data-fieldname="facts"] .ql-editor'
			).first,
			"楼上住户夜间噪音扰民，多次协商未果，申请调解。",
			"事实与请求",
		)
		self.pick_link(count, form, "category", self.category, "类别")
		source = form.locator('select[data-fieldname="source"]')
		if source.input_value() != "Petition Source":
			count.choose(source, "Petition Source", "源")
		count.click(page.locator('.form-tabs .nav-link[data-fieldname="parties_tab"]'), "当事人 tab")
		grid = form.locator('.frappe-control[data-fieldname="parties"]')
		id_number, phone, _born = self.new_party()
		for row, (role, name, number, tel) in enumerate(
			[("Applicant", "王表单", id_number, phone), ("Respondent", "李表单", None, "13712345678")]
		):
			if grid.locator(".grid-body .rows .grid-row").count() <= row:
				count.click(grid.locator(".grid-add-row"), "添加行")
			cells = grid.locator(".grid-body .rows .grid-row").nth(row)
			count.click(
				cells.locator('.grid-static-col[data-fieldname="party_role"]'), f"当事人{row + 1} 身份"
			)
			select = cells.locator('select[data-fieldname="party_role"]')
			if select.input_value() != role:
				count.choose(select, role, f"当事人{row + 1} 身份")
			for fieldname, value in (("party_name", name), ("id_number", number), ("phone", tel)):
				if value:
					count.type(
						cells.locator(f'.grid-static-col[data-fieldname="{fieldname}"]'),
						value,
						f"当事人{row + 1} {fieldname}",
					)
		count.click(page.locator(".page-actions .primary-action:visible"), "保存")
		page.wait_for_function(
			"() => window.cur_frm && !cur_frm.is_new() && cur_frm.doc.case_number", timeout=30000
		)
		name = page.evaluate("() => cur_frm.doc.name")
		self.look(page, "b2-case-saved", name)
		count.click(page.locator(".page-actions .actions-btn-group > button:visible"), "操作")
		count.click(
			page.locator(".page-actions .actions-btn-group .dropdown-menu a.dropdown-item:visible")
			.filter(has_text="受理")
			.first,
			"受理",
		)
		page.wait_for_function(
			"(state) => cur_frm.doc.workflow_state === state", arg=wn.state("accepted"), timeout=30000
		)
		self.look(page, "b3-accepted", name)
		print(f"\nfull form + 受理: {count.clicks} clicks, {count.typed} typed fields")
		print("  " + "\n  ".join(count.steps))
		self.assertGreater(count.clicks, MAX_CLICKS)

	def accepted_case(self) -> str:
		id_number, phone = new_person()
		case = frappe.get_doc(
			{
				"doctype": "ZZ Case",
				"title": unique("相邻通道纠纷"),
				"facts": "双方因院前通道被占用发生争执，请求调解。",
				"source": "Petition Source",
				"channel": "Window",
				"category": self.category,
				"receiving_center": self.tree.county,
				"receiving_window": self.window,
				"parties": [
					{
						"party_role": "Applicant",
						"party_name": "张通道",
						"id_number": id_number,
						"phone": phone,
					},
					{"party_role": "Respondent", "party_name": "李通道"},
				],
			}
		)
		frappe.set_user(self.clerk)
		try:
			case.insert()
		finally:
			frappe.set_user("Administrator")
		move_case(case.name, wn.state("accepted"))
		frappe.db.commit()
		return case.name

	@shoot_on_failure
	def test_dispatcher_routes_a_case_to_a_department(self):
		name = self.accepted_case()
		page = self.login(self.dispatcher)
		page.goto(f"{self.base}/app/zz-case/{name}")
		page.wait_for_function("() => window.cur_frm && cur_frm.doc.name", timeout=30000)
		self.look(page, "c1-dispatcher-case", name)
		count = Counter(page)
		count.click(page.locator('.form-tabs .nav-link[data-fieldname="handling_tab"]'), "办理 tab")
		self.pick_link(
			count,
			page.locator(".layout-main-section:visible .form-layout").first,
			"handling_department",
			self.department,
			"承办部门",
		)
		count.click(page.locator(".page-actions .primary-action:visible"), "保存")
		page.wait_for_function("() => !cur_frm.is_dirty()", timeout=30000)
		self.look(page, "c2-department-chosen", name)
		count.click(page.locator(".page-actions .actions-btn-group > button:visible"), "操作")
		self.look(page, "c3-actions", name)
		count.click(
			page.locator(".page-actions .actions-btn-group .dropdown-menu a.dropdown-item:visible")
			.filter(has_text="分流交办")
			.first,
			"分流交办",
		)
		page.wait_for_function(
			"(state) => cur_frm.doc.workflow_state === state", arg=wn.state("routed"), timeout=30000
		)
		self.look(page, "c4-routed", name)
		frappe.db.rollback()
		self.assertEqual(
			frappe.db.get_value("ZZ Case", name, ["workflow_state", "handling_department"]),
			(wn.state("routed"), self.department),
		)
		print(f"\n分流交办: {count.clicks} clicks, {count.typed} typed fields")

	@shoot_on_failure
	def test_receipt_prints_with_the_case_number(self):
		name = self.accepted_case()
		number = frappe.db.get_value("ZZ Case", name, "case_number")
		page = self.login(self.clerk)
		page.goto(f"{self.base}/app/zz-case/{name}")
		page.wait_for_function("() => window.cur_frm && cur_frm.doc.name", timeout=30000)
		page.locator(".page-head:visible button:has(use[href='#icon-printer'])").first.click()
		page.wait_for_url("**/app/print/**", timeout=30000)
		# the case's own print format opens by default: the receipt
		frame = page.frame_locator("iframe.print-format-container")
		frame.locator("body").filter(has_text=number).wait_for(timeout=30000)
		self.look(page, "d1-receipt-print-view", name)
		self.assertIn("受理回执", frame.locator("body").inner_text())
		# the print page itself, as the print button opens it
		page.goto(
			f"{self.base}/printview?doctype=ZZ%20Case&name={name}&format=ZZ%20Case%20Receipt&no_letterhead=0"
		)
		page.wait_for_selector(".print-format", timeout=30000)
		self.assertIn(number, page.inner_text("body"))
		self.look(page, "d2-receipt-printview", name)

	@shoot_on_failure
	def test_director_workspace_shows_its_cards_and_charts(self):
		self.accepted_case()  # something in the director's centre to count and chart
		page = self.login(self.director)
		page.goto(f"{self.base}/app/zongzhi-center")
		# what the page left behind by this navigation was still drawing is not this page's: Frappe's workspace,
		# interrupted mid-render, throws a DOM error as it is torn down
		self.errors.clear()
		page.wait_for_selector(".number-widget-box", timeout=30000)
		page.wait_for_function(
			"() => document.querySelectorAll('.widget.dashboard-widget-box .chart-container svg, .widget.dashboard-widget-box .frappe-chart').length >= 3",
			timeout=30000,
		)
		page.wait_for_function(
			"() => [...document.querySelectorAll('.number-widget-box .widget-content')].every(e => e.innerText.trim())",
			timeout=30000,
		)
		self.assertGreaterEqual(page.locator(".number-widget-box").count(), 5)
		self.look(page, "e1-director-workspace")

	def test_z_pages_show_no_english_and_no_hash_ids(self):
		"""Run after the flows (test names sort): every page they looked at, judged at once."""
		pages = set(TestDeskFlows.findings)
		for flow in ("a", "b", "c", "d", "e"):
			self.assertTrue(
				any(p.startswith(flow) for p in pages), f"flow {flow} looked at no page: run the whole class"
			)
		defects = {shot: found for shot, found in sorted(TestDeskFlows.findings.items()) if found}
		report = "\n".join(f"{shot}:\n  " + "\n  ".join(found) for shot, found in defects.items())
		print(f"\npages looked at: {len(pages)} (screenshots in {SHOTS})\n{report}")
		self.assertEqual(defects, {}, "pages show English of the app or hash ids:\n" + report)
