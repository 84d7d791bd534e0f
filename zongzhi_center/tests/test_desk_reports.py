"""The app's reports open in the desk with their filters: the user's own centre, the period each report counts
by default, the report's own grouping, labels in Chinese, and no script error (the shared filters come from
public/js/zz_report_filters.js, which every desk page loads)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_first_day, getdate, today

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests import factories as f
from zongzhi_center.tests.browser import desk_page, desk_ready

FILTER_VALUES = """() => Object.fromEntries(
	Object.entries(frappe.query_report.filters.reduce((all, filter) => ({...all, [filter.df.fieldname]: filter}), {}))
		.map(([name, filter]) => [name, {value: filter.get_value() || "", label: filter.df.label}])
)"""


class TestDeskReports(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = f.make_center_tree()
		cls.director = f.make_user([wn.CENTER_DIRECTOR], cls.tree.county)
		frappe.db.set_value("User", cls.director, "language", "zh")  # a centre's staff work in Chinese
		desk_ready(cls.director)

	@classmethod
	def tearDownClass(cls):
		f.delete_committed(cls.tree, [cls.director])
		super().tearDownClass()

	def test_each_report_opens_with_its_filters(self):
		today_ = today()
		expected = {
			"ZZ Weekly Dispatch": (add_days(today_, -6), "group_by", "Centre"),
			"ZZ Deadline Punctuality": (str(get_first_day(today_)), "group_by", "Centre"),
			"ZZ Cases by Source": (f"{getdate(today_).year}-01-01", "group_by", "Source"),
			"ZZ Risk Colour Trend": ("", "interval", "Week"),
			"ZZ Deadline Extensions": (str(get_first_day(today_)), "decision", ""),
		}
		with desk_page(self.director, "desk-reports-failure.png") as page:
			errors = []
			page.on("pageerror", lambda error: errors.append(str(error)))
			base = page.url.split("/app")[0]
			for report, (from_date, own, default) in expected.items():
				with self.subTest(report=report):
					page.goto(f"{base}/app/query-report/{report}")
					page.wait_for_function(
						f"frappe.query_report && frappe.query_report.report_name === {report!r}"
						" && frappe.query_report.filters && frappe.query_report.filters.length >= 4",
						timeout=30000,
					)
					filters = page.evaluate(FILTER_VALUES)
					self.assertEqual(filters["center"]["value"], self.tree.county)
					self.assertEqual(filters["from_date"]["value"], str(from_date))
					self.assertEqual(filters["to_date"]["value"], today_)
					self.assertEqual(filters[own]["value"], default)
					for name, filter in filters.items():
						self.assertRegex(filter["label"], r"[\u4e00-\u9fff]", name)  # in Chinese
			self.assertEqual(errors, [])
