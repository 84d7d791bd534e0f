"""限时办结率 counted honestly, on a hand-counted week run through the report runner the desk uses: a case
still open past its resolve-by is in the denominator, a case resolved only within its extension is counted
apart (with the days granted), and every report says in one line how it counts."""

import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import extensions
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import as_user, make_center_tree, make_department, make_user, raw_insert
from zongzhi_center.tests.test_reports import fixture_case

WEEK = {"from_date": "2026-03-02", "to_date": "2026-03-08"}
REPORTS = (
	"ZZ Weekly Dispatch",
	"ZZ Monthly Supervision",
	"ZZ Mediation Success Rate",
	"ZZ Cases by Source",
	"ZZ Compensation and Recovery",
	"ZZ Risk Colour Trend",
	"ZZ Satisfaction",
	"ZZ Screening Leads",
	"ZZ Deadline Punctuality",
	"ZZ Deadline Extensions",
)


def report(user, name, **filters):
	with as_user(user):
		return run(name, filters=filters, ignore_prepared_report=True)


class TestHonestKPIs(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		t = cls.tree = make_center_tree()
		cls.director = make_user([wn.CENTER_DIRECTOR], t.county)
		cls.director_b = make_user([wn.CENTER_DIRECTOR], t.town_b)
		cls.dept = make_department(t.town_a)
		a, v = t.town_a, t.village_a
		closed = wn.state("closed")
		# resolved on time, twice
		for center in (a, v):
			fixture_case(
				center, "2026-03-02 09:00", closed, resolved_at="2026-03-04 10:00",
				due_date="2026-03-06 17:30", outcome="Resolved", sla_status="", handling_department=cls.dept,
			)  # fmt: skip
		# resolved late
		fixture_case(
			a, "2026-02-20 09:00", closed, resolved_at="2026-03-06 15:00", due_date="2026-03-05 17:30",
			outcome="Resolved", is_overdue=1, sla_status="", handling_department=cls.dept,
		)  # fmt: skip
		# still open, past its resolve-by
		fixture_case(
			a, "2026-02-25 09:00", wn.state("in_mediation"), due_date="2026-03-04 17:30",
			sla_status="Overdue", is_overdue=1, handling_department=cls.dept,
		)  # fmt: skip
		# resolved after its own resolve-by but within a 3-day extension
		cls.extended = fixture_case(
			a, "2026-02-26 09:00", closed, resolved_at="2026-03-06 10:00", due_date="2026-03-10 17:30",
			due_before_extension="2026-03-05 17:30", extension_days=3, outcome="Resolved", sla_status="",
			handling_department=cls.dept,
		)  # fmt: skip
		# not counted: open and not yet due at the end of the week; resolved before the week; ended
		# without a resolution; another township's case for another director
		fixture_case(a, "2026-03-03 09:00", wn.state("in_mediation"), due_date="2026-03-20 17:30")
		fixture_case(
			a, "2026-01-10 09:00", closed, resolved_at="2026-02-10 10:00", due_date="2026-02-01 17:30",
			outcome="Resolved", sla_status="",
		)  # fmt: skip
		fixture_case(
			a, "2026-02-10 09:00", wn.state("unresolved"), due_date="2026-03-02 17:30",
			outcome="Unresolved", sla_status="",
		)  # fmt: skip
		fixture_case(
			t.town_b, "2026-03-02 09:00", wn.state("in_mediation"), due_date="2026-03-03 17:30",
			sla_status="Overdue", is_overdue=1,
		)  # fmt: skip
		raw_insert(
			{
				"doctype": extensions.DOCTYPE,
				"name": frappe.generate_hash(length=10),
				"case": cls.extended,
				"center": a,
				"requested_days": 3,
				"reason": "需等待鉴定结论。",
				"requested_by": cls.director,
				"requested_at": "2026-03-04 09:00",
				"decision": extensions.APPROVED,
				"decided_by": cls.director,
				"decided_at": "2026-03-04 15:00",
				"old_due_date": "2026-03-05 17:30",
				"new_due_date": "2026-03-10 17:30",
			}
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_open_overdue_cases_weigh_on_the_on_time_rate(self):
		t = self.tree
		result = report(self.director, "ZZ Deadline Punctuality", group_by="All", center=t.town_a, **WEEK)
		(row,) = result["result"]
		# by hand: 2 on time, 1 on time with extension, 1 late, 1 open past its resolve-by = 5 counted
		self.assertEqual(
			(row.counted, row.on_time, row.on_time_extended, row.late, row.open_overdue), (5, 2, 1, 1, 1)
		)
		self.assertEqual(row.on_time_rate, 40.0)  # 2 / 5, not 2 / 3 of the closed ones
		self.assertEqual(row.on_time_with_extension_rate, 60.0)
		self.assertEqual((row.extended_cases, row.extension_days), (1, 3))
		self.assertTrue(result["message"])

		by_centre = {r.center: r for r in report(self.director, "ZZ Deadline Punctuality", **WEEK)["result"]}
		self.assertEqual(by_centre[t.village_a].on_time, 1)
		self.assertEqual(by_centre[t.town_a].counted, 4)
		self.assertEqual(by_centre[t.town_b].open_overdue, 1)
		# the other township's director counts their own case only
		(theirs,) = report(self.director_b, "ZZ Deadline Punctuality", group_by="All", **WEEK)["result"]
		self.assertEqual((theirs.counted, theirs.open_overdue, theirs.on_time_rate), (1, 1, 0.0))

		# resolved after the week, past its resolve-by: it was open and overdue at the week's end
		fixture_case(
			t.village_a, "2026-02-20 09:00", wn.state("closed"), resolved_at="2026-03-12 10:00",
			due_date="2026-03-06 17:30", outcome="Resolved", sla_status="",
		)  # fmt: skip
		(row,) = report(self.director, "ZZ Deadline Punctuality", group_by="All", center=t.town_a, **WEEK)[
			"result"
		]
		self.assertEqual((row.counted, row.open_overdue), (6, 2))
		self.assertEqual(row.on_time_rate, 33.3)

	def test_the_extensions_report_lists_each_extension_for_who_may_read_its_case(self):
		result = report(self.director, "ZZ Deadline Extensions", center=self.tree.county, **WEEK)
		(row,) = [r for r in result["result"] if r.case == self.extended]
		self.assertEqual(
			(row.requested_days, row.decision, row.decided_by), (3, extensions.APPROVED, self.director)
		)
		self.assertEqual(row.reason, "需等待鉴定结论。")
		self.assertTrue(result["message"])
		self.assertEqual(report(self.director_b, "ZZ Deadline Extensions", **WEEK)["result"], [])

	def test_every_report_says_how_it_counts(self):
		for name in REPORTS:
			result = report("Administrator", name, **WEEK)
			self.assertTrue(result.get("message"), name)
		frappe.local.lang = "zh"
		try:
			result = report(self.director, "ZZ Deadline Punctuality", **WEEK)
			self.assertIn("按期办结率", result["message"])
		finally:
			frappe.local.lang = "en"
