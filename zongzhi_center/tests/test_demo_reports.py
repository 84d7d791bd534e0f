"""The demo shows something in every report: built the way ./zz up builds it, each report of the app (as
listed in its Report records, so a new report is checked too) returns rows for the demo's director over
the current period; and the routing demo has nobody-to-take-it departments no more."""

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_first_day, getdate, today

from zongzhi_center.services import dispatch
from zongzhi_center.setup import demo
from zongzhi_center.tests.factories import as_user

DIRECTOR = "director@example.com"


class TestDemoReports(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load_demo_data(commit=False)

	def test_every_report_of_the_app_shows_rows_to_the_director(self):
		reports = frappe.get_all(
			"Report", filters={"module": "Zongzhi Center", "disabled": 0}, pluck="name", order_by="name"
		)
		self.assertGreaterEqual(len(reports), 10)
		# the shortest period any report opens with: this week, within this month
		start = max(getdate(get_first_day(today())), getdate(add_days(today(), -6)))
		empty = []
		with as_user(DIRECTOR):
			center = frappe.defaults.get_user_default("ZZ Center")
			self.assertEqual(center, demo.COUNTY)
			for name in reports:
				filters = {"center": center, "from_date": str(start), "to_date": today()}
				result = run(name, filters=filters)
				rows = [row for row in result["result"] if isinstance(row, dict)]
				if not rows:
					empty.append(name)
		self.assertEqual(empty, [], "reports without a row on the demo")

	def test_monthly_supervision_shows_each_kind_of_record(self):
		start = getdate(get_first_day(today()))
		with as_user(DIRECTOR):
			result = run(
				"ZZ Monthly Supervision",
				filters={"center": demo.COUNTY, "from_date": str(start), "to_date": today()},
			)
		rows = [row for row in result["result"] if isinstance(row, dict)]

		def total(metric):
			return sum(int(row.get(metric) or 0) for row in rows)

		for metric in (
			"overdue_now",
			"summoned",
			"checked_in_late",
			"absent",
			"replied_late",
			"reply_missing",
			"letters",
			"letters_replied",
		):
			self.assertGreater(total(metric), 0, metric)

	def test_demo_records_besides_cases(self):
		self.assertGreaterEqual(frappe.db.count("ZZ Mediation Agreement", {"docstatus": 1}), 2)
		self.assertTrue(frappe.db.exists("ZZ Follow-up Visit", {"status": "Visited"}))
		self.assertTrue(frappe.db.exists("ZZ Case", {"title": ["like", "%（示例%"], "sla_status": "Overdue"}))
		decisions = set(frappe.get_all("ZZ Deadline Extension", pluck="decision"))
		self.assertTrue({"Approved", "Refused"} <= decisions, decisions)

	def test_every_demo_department_has_somebody_to_take_its_cases(self):
		for name, _kind in demo.DEPARTMENTS:
			department = frappe.get_doc("ZZ Department", name)
			self.assertTrue(dispatch.department_takers(department), name)
		# the medical mediation committee's own mediators are desk users who may start mediation
		committee = frappe.get_doc("ZZ Department", "南县医疗纠纷人民调解委员会")
		self.assertEqual(
			set(dispatch.department_takers(committee)), {"wu.doctor@example.com", "han.expert@example.com"}
		)
		# and a loaded demo is loaded again without change
		self.assertEqual(demo.load_demo_data(commit=False), 0)
		self.assertEqual(frappe.db.count("ZZ Consultation", {"title": demo.CONSULTATION_TITLE}), 1)
