"""Chinese throughout: every string of the app a person reads in the desk, a PDF or an API answer has Chinese.

The list of strings is derived from what the app ships on the site — its DocTypes (child tables included), Custom
Fields, Workflows, Notifications, Dashboard Charts, Number Cards, Workspaces, Reports and Print Formats — so a
DocType or report added later is covered without touching this test. Frappe's own Chinese that a clerk meets on
every page and that Frappe gets wrong or leaves out is corrected by the app's translations and checked here too.
"""

import os
import re
import tempfile

import frappe
import frappe.translate
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.tests.browser import desk_page, desk_ready

CJK = re.compile(r"[\u3400-\u9fff]")
APP = "zongzhi_center"
SCREENSHOT = os.path.join(tempfile.gettempdir(), "zz-case-form-no-time-zone.png")

# Frappe's own strings on a clerk's screens, with what the app says instead of Frappe's missing or wrong Chinese
# (Frappe's "{0}米" reads as metres for "{0} m" minutes, "家" for Home is a household, "公" for Public is "male",
# "至今" for To Date means "until now", "通过...分组" and "装载更多" are machine translations)
FRAPPE_CORRECTIONS = {
	"Connections": "关联",
	"This form is not editable due to a Workflow.": "此表单由工作流控制，不能直接编辑。",
	"{0} m": "{0}分钟",
	"{0} h": "{0}小时",
	"{0} d": "{0}天",
	"{0} w": "{0}周",
	"{0} M": "{0}个月",
	"{0} y": "{0}年",
	"Home": "首页",
	"Public": "公开",
	"To Date": "截止日期",
	"Group By": "分组",
	"Load More": "加载更多",
	"Search or type a command ({0})": "搜索或输入命令（{0}）",
}


# Frappe's screens a clerk has before them all day: the form's timeline, sidebar and toolbar, the comment box,
# the navigation bar, the list and its filters. Every string they show is checked, read from Frappe's own code.
FRAPPE_DESK_SOURCES = (
	"public/js/frappe/form/footer/form_timeline.js",
	"public/js/frappe/form/footer/version_timeline_content_builder.js",
	"public/js/frappe/form/sidebar/form_sidebar.js",
	"public/js/frappe/form/templates/form_sidebar.html",
	"public/js/frappe/form/controls/comment.js",
	"public/js/frappe/form/toolbar.js",
	"public/js/frappe/form/workflow.js",
	"public/js/frappe/form/form.js",
	"public/js/frappe/form/dashboard.js",
	"public/js/frappe/ui/toolbar/navbar.html",
	"public/js/frappe/utils/pretty_date.js",
	"public/js/frappe/list/list_view.js",
	"public/js/frappe/list/base_list.js",
	"public/js/frappe/list/list_sidebar.js",
	"public/js/frappe/list/list_sidebar_group_by.js",
	"public/js/frappe/ui/filters/filter_list.js",
	"public/js/frappe/ui/sort_selector.js",
)
JS_STRING = re.compile(r"""__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""")


def frappe_desk_strings() -> dict[str, str]:
	found = {}
	for source in FRAPPE_DESK_SOURCES:
		with open(frappe.get_app_path("frappe", source), encoding="utf-8") as f:
			for match in JS_STRING.finditer(f.read()):
				text = match.group(2).replace("\\'", "'").replace('\\"', '"')
				if "${" not in text:  # a computed string has no entry of its own
					found.setdefault(text, source)
	return found


PY_STRING = re.compile(r"""(?<![\w.])_\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*[,)]""")


def app_code_strings() -> dict[str, str]:
	"""The literal strings the app's own code passes to _() and __() (tests left out)."""
	root = frappe.get_app_path(APP)
	found = {}
	for folder, _dirs, files in os.walk(root):
		if f"{os.sep}tests" in folder[len(root) :] or "node_modules" in folder:
			continue
		for file in files:
			pattern = (
				PY_STRING if file.endswith(".py") else JS_STRING if file.endswith((".js", ".html")) else None
			)
			if not pattern:
				continue
			with open(os.path.join(folder, file), encoding="utf-8") as f:
				for match in pattern.finditer(f.read()):
					text = match.group(2).replace("\\'", "'").replace('\\"', '"')
					if "${" not in text:
						found.setdefault(text, os.path.relpath(os.path.join(folder, file), root))
	return found


def app_modules() -> list[str]:
	return frappe.get_all("Module Def", filters={"app_name": APP}, pluck="name")


def user_visible_strings() -> dict[str, str]:
	"""Each user-visible string the app ships on the site, with where it was found."""
	found: dict[str, str] = {}
	modules = app_modules()

	def add(text, where):
		if isinstance(text, str) and text.strip() and not text.strip().isdigit():
			found.setdefault(text, where)

	doctypes = frappe.get_all("DocType", filters={"module": ("in", modules)}, pluck="name")
	for doctype in doctypes:
		add(doctype, "DocType")
		meta = frappe.get_meta(doctype)
		for df in meta.fields:
			where = f"{doctype}.{df.fieldname}"
			add(df.label, where)
			add(df.description, where + " (help)")
			if df.fieldtype == "Select":
				for option in (df.options or "").split("\n"):
					add(option, where + " (option)")
	for cf in frappe.get_all(
		"Custom Field",
		filters={"module": ("in", modules)},
		fields=["dt", "fieldname", "label", "description"],
	):
		add(cf.label, f"{cf.dt}.{cf.fieldname}")
		add(cf.description, f"{cf.dt}.{cf.fieldname} (help)")

	for workflow in frappe.get_all("Workflow", filters={"document_type": ("in", doctypes)}, pluck="name"):
		wf = frappe.get_doc("Workflow", workflow)
		for state in wf.states:
			add(state.state, f"{workflow} (state)")
		for transition in wf.transitions:
			add(transition.action, f"{workflow} (action)")

	for n in frappe.get_all(
		"Notification",
		filters={"document_type": ("in", doctypes)},
		fields=["name", "subject", "message"],
	):
		add(n.subject, f"Notification {n.name} (subject)")
		add(n.message, f"Notification {n.name} (message)")

	for chart in frappe.get_all("Dashboard Chart", filters={"module": ("in", modules)}, pluck="name"):
		add(chart, "Dashboard Chart")
	for card in frappe.get_all("Number Card", filters={"module": ("in", modules)}, fields=["name", "label"]):
		add(card.label, f"Number Card {card.name}")

	for name in frappe.get_all("Workspace", filters={"module": ("in", modules)}, pluck="name"):
		ws = frappe.get_doc("Workspace", name)
		add(ws.label, f"Workspace {name}")
		for table in ("links", "shortcuts", "charts", "number_cards", "quick_lists", "custom_blocks"):
			for row in ws.get(table) or []:
				add(row.get("label"), f"Workspace {name} ({table})")

	for name in frappe.get_all("Print Format", filters={"module": ("in", modules)}, pluck="name"):
		add(name, "Print Format")

	for report in frappe.get_all("Report", filters={"module": ("in", modules)}, pluck="name"):
		add(report, "Report")
	for module in modules:
		add(module, "Module")
	# the app's roles, shown by name on users and in permission messages
	for role in frappe.get_all("Role", filters={"name": ("like", "ZZ %")}, pluck="name"):
		add(role, "Role")
	return found


def report_columns() -> dict[str, list[str]]:
	"""The column labels each report of the app answers with, run as the Administrator in Chinese."""
	from frappe.desk.query_report import run

	labels = {}
	for report in frappe.get_all("Report", filters={"module": ("in", app_modules())}, pluck="name"):
		result = run(report, filters={})
		labels[report] = [c.get("label") if isinstance(c, dict) else str(c) for c in result["columns"]]
	return labels


def english_words(text: str) -> list[str]:
	"""English words a reader would see: template code, HTML tags and {0} placeholders left out."""
	text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]+>|&\w+;|\{\d*\}", " ", text, flags=re.S)
	return re.findall(r"[A-Za-z]{2,}", text)


def chinese(text: str, translations: dict) -> bool:
	"""Written in Chinese, or translated to Chinese that differs from the source."""
	if not english_words(text):  # Chinese already, or figures and signs only
		return True
	translated = translations.get(text)
	return bool(translated and translated != text and CJK.search(translated))


class TestChinese(FrappeTestCase):
	def setUp(self):
		frappe.translate.clear_cache()
		self.translations = frappe.translate.get_all_translations("zh")

	def tearDown(self):
		frappe.local.lang = "en"

	def test_every_user_visible_string_of_the_app_has_chinese(self):
		strings = user_visible_strings()
		# the derivation finds the app's pieces: a DocType, a child table, a workflow action and a report
		for expected in ("ZZ Case", "ZZ Case Party"):
			self.assertIn(expected, strings)
		self.assertIn("Report", strings.values())
		self.assertIn("Print Format", strings.values())
		self.assertTrue(any(w.endswith("(action)") for w in strings.values()))
		missing = sorted(
			f"{where}: {text!r}" for text, where in strings.items() if not chinese(text, self.translations)
		)
		self.assertEqual(missing, [], "\n".join(missing))

	def test_report_columns_answer_in_chinese(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "zh"
		columns = report_columns()
		self.assertTrue(columns)
		english = sorted(
			f"{r}: {label!r}"
			for r, labels in columns.items()
			for label in labels
			if not CJK.search(label or "")
		)
		self.assertEqual(english, [], "\n".join(english))

	def test_frappe_strings_a_clerk_meets_are_corrected_by_the_app(self):
		for source, chinese_text in FRAPPE_CORRECTIONS.items():
			self.assertEqual(self.translations.get(source), chinese_text, source)
		# the app's file is read after Frappe's, so its correction wins for the same source string
		apps = frappe.get_installed_apps()
		self.assertLess(apps.index("frappe"), apps.index(APP))
		frappe.local.lang = "zh"
		self.assertEqual(frappe._("{0} m").format(1), "1分钟")
		self.assertEqual(frappe._("Group By"), "分组")

	def test_frappe_screens_a_clerk_works_in_are_chinese(self):
		strings = frappe_desk_strings()
		self.assertIn("You last edited this", strings)
		missing = sorted(
			f"{where}: {text!r}" for text, where in strings.items() if not chinese(text, self.translations)
		)
		self.assertEqual(missing, [], "\n".join(missing))

	def test_every_message_of_the_app_code_has_chinese(self):
		strings = app_code_strings()
		self.assertIn("Who Is on Duty", strings)  # the desk's own scripts are read
		self.assertIn("Choose the centre that receives the case.", strings)  # and the server's messages
		missing = sorted(
			f"{where}: {text!r}" for text, where in strings.items() if not chinese(text, self.translations)
		)
		self.assertEqual(missing, [], "\n".join(missing))

	def test_chart_legends_are_translated(self):
		from zongzhi_center.overrides import desk

		frappe.set_user("Administrator")
		frappe.local.lang = "zh"
		sources = set(frappe.get_meta("ZZ Case").get_field("source").options.split("\n"))
		# a report's chart is drawn from the report's own answer (its labels are checked with the report)
		charts = frappe.get_all(
			"Dashboard Chart",
			filters={"module": ("in", app_modules()), "chart_type": ("!=", "Report")},
			pluck="name",
		)
		self.assertTrue(charts)
		for chart in charts:
			data = desk.dashboard_chart(chart_name=chart) or {}
			for dataset in data.get("datasets") or []:
				self.assertRegex(dataset["name"], CJK, chart)
			english = [x for x in data.get("labels") or [] if x in sources]
			self.assertEqual(english, [], chart)
		self.assertEqual(
			desk.in_user_language(
				{"labels": ["Police Source"], "datasets": [{"name": "ZZ Cases per Source"}]}
			),
			{"labels": ["警源"], "datasets": [{"name": "五源汇聚"}]},
		)
		# a time series' periods, which Frappe writes in English
		self.assertEqual(
			desk.in_user_language({"labels": ["May 2026", "Quarter 2 2026", "2026"]})["labels"],
			["2026年5月", "2026年第2季度", "2026"],
		)

	def test_rota_availability_reads_in_chinese(self):
		from zongzhi_center.engine import rota

		for state in (rota.ON_DUTY, rota.AVAILABLE_ON_CALL, rota.ABSENT, rota.OFF_DUTY, rota.INACTIVE):
			self.assertTrue(chinese(state, self.translations), state)


class TestTimeZoneNote(FrappeTestCase):
	"""Frappe prints the user's time zone under every date-time field; for a user in the system's zone — every
	centre's staff — it says nothing and is left out. A user elsewhere still sees it."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		from frappe.utils import get_system_timezone

		from zongzhi_center.services import workflow_names as wn
		from zongzhi_center.tests import factories as f

		cls.f = f
		cls.zone = get_system_timezone()
		cls.tree = f.make_center_tree()
		cls.clerk = f.make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.abroad = f.make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		frappe.db.set_value("User", cls.clerk, {"language": "zh", "time_zone": cls.zone})
		other = "Europe/Berlin" if cls.zone != "Europe/Berlin" else "Asia/Tokyo"
		frappe.db.set_value("User", cls.abroad, {"language": "zh", "time_zone": other})
		cls.other_zone = other
		cls.case = f.make_case(cls.tree.town_a, cls.clerk).name
		desk_ready(cls.clerk, cls.abroad)  # commits: the browser reads through the web server's connections

	@classmethod
	def tearDownClass(cls):
		cls.f.delete_committed(cls.tree, [cls.clerk, cls.abroad])
		super().tearDownClass()

	def case_times(self, page) -> str:
		"""The case form's tab with the case's times (received, accept by, resolve by); the received time's text."""
		page.goto(page.url.split("/app")[0] + f"/app/zz-case/{self.case}")
		page.wait_for_function(f"window.cur_frm && cur_frm.docname === '{self.case}'", timeout=20000)
		page.click(".form-tabs .nav-link:has-text('办理')")
		page.wait_for_selector(".frappe-control[data-fieldname='received_at']", state="visible")
		return page.inner_text(".frappe-control[data-fieldname='received_at']")

	def test_the_clerks_case_form_shows_no_time_zone(self):
		with desk_page(self.clerk, "zz-case-form-time-zone-failure.png") as page:
			received = self.case_times(page)
			self.assertIn("登记时间", received)
			self.assertNotIn(self.zone, received)
			help_texts = page.locator(".frappe-control .help-box").all_inner_texts()
			self.assertFalse([t for t in help_texts if self.zone in t], help_texts)
			self.assertNotIn(self.zone, page.inner_text(".form-layout"))
			# Frappe's own words around the form are in Chinese too: the sidebar, the search box
			sidebar = page.inner_text(".form-sidebar")
			self.assertIn("创建了此记录", sidebar)
			self.assertFalse(english_words(sidebar.replace(self.clerk, "")), sidebar)
			self.assertIn("搜索或输入命令", page.get_attribute("#navbar-search", "placeholder"))
			page.screenshot(path=SCREENSHOT, full_page=True)

	def test_a_user_in_another_zone_is_told_the_zone(self):
		with desk_page(self.abroad, "zz-case-form-time-zone-failure.png") as page:
			self.assertIn(self.other_zone, self.case_times(page))
