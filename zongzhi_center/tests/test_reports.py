"""The 周调度 / 月督查 and statistics reports on hand-counted fixtures, run through the report runner the desk
uses, as a county director, a township clerk and a clerk of the sibling township (who sees none of the other's
numbers, and is refused the other's centre as a filter); 排查线索 and their one-step conversion into a case;
the workspace's number cards and charts."""

import json

import frappe
from frappe.desk.doctype.dashboard_chart.dashboard_chart import get as get_chart
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from zongzhi_center.services.reports import ReportCenterNotAllowedError
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	move_case,
	raw_insert,
)
from zongzhi_center.zongzhi_center.doctype.zz_screening_lead.zz_screening_lead import (
	LeadNotOpenError,
	LeadStatusError,
	convert_to_case,
)

WEEK = {"from_date": "2026-03-02", "to_date": "2026-03-08"}


def fixture_case(center, received, state, history=None, **values):
	"""A case registered through the controller, then given the state, dates and outcome a report counts."""
	name = make_case(center).name
	fields = {
		"workflow_state": state,
		"received_at": received,
		"source": "Police Source",
		"channel": "110 Link",
		"risk_color": "Green",
		"sla_status": "On Track",
		"is_overdue": 0,
		"outcome": None,
		"compensation_amount": 0,
		"accepted_at": None,
	}
	fields.update(values)
	frappe.db.set_value("ZZ Case", name, fields, update_modified=False)
	for state_name, at in history or ():
		frappe.get_doc(
			{
				"doctype": "ZZ Case State Change",
				"parent": name,
				"parenttype": "ZZ Case",
				"parentfield": "state_history",
				"idx": 9,
				"state": state_name,
				"changed_at": at,
			}
		).db_insert()
	resolutions = [at for state_name, at in history or () if state_name == "Resolved"]
	if resolutions:  # what the controller records when a case enters Resolved
		frappe.db.set_value("ZZ Case", name, "resolved_at", max(resolutions), update_modified=False)
	return name


def report(user, name, **filters):
	with as_user(user):
		result = run(name, filters=filters, ignore_prepared_report=True)
	return result["result"]


def by(rows, key):
	return {row[key]: row for row in rows}


def only(rows):
	assert len(rows) == 1, rows
	return rows[0]


def pick(row, *fields):
	return tuple(row[f] for f in fields)


class TestReports(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		t = cls.tree = make_center_tree()
		cls.director = make_user(["ZZ Center Director"], t.county)
		cls.director_b = make_user(["ZZ Center Director"], t.town_b)
		cls.clerk_a = make_user(["ZZ Intake Clerk"], t.town_a)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], t.town_b)
		cls.grid_worker = make_user(["ZZ Grid Worker"], t.grid_a)
		cls.dept_c = make_department(t.county)
		cls.dept_a = make_department(t.town_a)
		cls.dept_b = make_department(t.town_b)
		cls.m1 = make_staff(t.county, cls.dept_c)
		cls.m2 = make_staff(t.county, cls.dept_c)
		c, a, v, b = t.county, t.town_a, t.village_a, t.town_b
		cls.c1 = fixture_case(
			c, "2026-03-03 09:00", "Closed", [("Resolved", "2026-03-05 10:00")],
			accepted_at="2026-03-03 10:00", outcome="Resolved by Agreement", compensation_amount=10000,
			handling_department=cls.dept_c, assigned_mediator=cls.m1, sla_status="",
		)  # fmt: skip
		fixture_case(
			c, "2026-03-04 09:00", "Registered", source="Petition Source", channel="Window", risk_color="Red",
			sla_status="Overdue", is_overdue=1, handling_department=cls.dept_c,
		)  # fmt: skip
		fixture_case(
			a, "2026-03-02 08:30", "Resolved", [("Resolved", "2026-03-06 15:00")],
			accepted_at="2026-03-02 09:00", outcome="Resolved", risk_color="Yellow", assigned_mediator=cls.m1,
			sla_status="",
		)  # fmt: skip
		fixture_case(
			a, "2026-03-05 11:00", "In Mediation", accepted_at="2026-03-06 09:00",
			source="Grid and Online Source", channel="Grid Report", risk_color="Red", sla_status="Overdue",
			is_overdue=1, handling_department=cls.dept_a,
		)  # fmt: skip
		fixture_case(
			v, "2026-03-07 16:00", "Unresolved", accepted_at="2026-03-07 16:30", outcome="Unresolved",
			risk_color="Orange", assigned_mediator=cls.m2, sla_status="",
		)  # fmt: skip
		fixture_case(  # outside the week
			a, "2026-02-01 10:00", "Closed", [("Resolved", "2026-02-10 10:00")], accepted_at="2026-02-01 11:00",
			outcome="Resolved by Agreement", compensation_amount=5000, sla_status="",
		)  # fmt: skip
		cls.b1 = fixture_case(
			b, "2026-03-03 14:00", "Closed", [("Resolved", "2026-03-04 10:00")], accepted_at="2026-03-03 15:00",
			outcome="Resolved by Agreement", compensation_amount=7000, source="Litigation Source",
			channel="Court Referral", sla_status="",
		)  # fmt: skip
		fixture_case(
			b,
			"2026-03-04 10:00",
			"Registered",
			sla_status="Overdue",
			is_overdue=1,
			handling_department=cls.dept_b,
		)
		cls.make_consultations_and_letters()
		cls.make_agreement_and_visits()
		cls.make_leads()

	@classmethod
	def make_consultations_and_letters(cls):
		t = cls.tree

		def consultation(center, meeting, departments):
			return raw_insert(
				{
					"doctype": "ZZ Consultation",
					"title": "会商",
					"convening_center": center,
					"status": "Closed",
					"meeting_time": meeting,
				},
				{
					"departments": [
						{
							"doctype": "ZZ Consultation Department",
							"department": d,
							"check_in_by": meeting,
							"check_in_score": check_in,
							"reply_score": reply,
						}
						for d, check_in, reply in departments
					]
				},
			)

		consultation(
			t.county,
			"2026-03-04 09:00",
			[(cls.dept_c, "On Time", "On Time"), (cls.dept_a, "Late", "Missing")],
		)
		consultation(t.town_b, "2026-03-05 09:00", [(cls.dept_b, "Absent", "Late")])

		def letter(center, department, status):
			raw_insert(
				{
					"doctype": "ZZ Supervision Notice",
					"issuing_center": center,
					"to_department": department,
					"issued_on": "2026-03-06",
					"reply_by": "2026-03-09",
					"status": status,
					"required_action": "书面说明超期原因。",
					"docstatus": 1,
				}
			)

		letter(t.county, cls.dept_a, "Reply Overdue")
		letter(t.town_b, cls.dept_b, "Replied")

	@classmethod
	def make_agreement_and_visits(cls):
		t = cls.tree
		raw_insert(
			{
				"doctype": "ZZ Mediation Agreement",
				"case": cls.c1,
				"center": t.county,
				"agreement_kind": "Mediation Agreement",
				"mediation_organisation": cls.dept_c,
				"mediator": cls.m1,
				"facts": "事实",
				"terms": "条款",
				"total_compensation": 10000,
				"docstatus": 1,
			},
			{
				"obligations": [
					{
						"doctype": "ZZ Agreement Obligation",
						"amount": 6000,
						"status": "Fulfilled",
						"fulfilled_on": "2026-03-05",
					},
					{"doctype": "ZZ Agreement Obligation", "amount": 4000, "status": "Not Yet Due"},
				]
			},
		)
		for center, due, status, satisfaction, reopen in (
			(t.county, "2026-03-06", "Visited", "Satisfied", 0),
			(t.town_a, "2026-03-07", "Visited", "Dissatisfied", 1),
			(t.town_b, "2026-03-05", "Visited", "Basically Satisfied", 0),
			(t.village_a, "2026-03-08", "Not Reached", "", 0),
		):
			raw_insert(
				{
					"doctype": "ZZ Follow-up Visit",
					"case": cls.c1,
					"center": center,
					"due_date": due,
					"status": status,
					"satisfaction": satisfaction,
					"reopen_requested": reopen,
				}
			)

	@classmethod
	def make_leads(cls):
		t = cls.tree
		with as_user(cls.grid_worker):
			new_lead(t.grid_a, "2026-03-03")
			new_lead(t.grid_a, "2026-03-04", status="Resolved", resolution="当场调解，双方和解。")
			lead = new_lead(t.grid_a, "2026-03-05", involved_person="王网格")
			cls.converted_case = convert_to_case(lead.name, "王网格", "13912345678")
		with as_user(cls.clerk_b):
			new_lead(t.town_b, "2026-03-04", status="Resolved", resolution="已化解。")

	def tearDown(self):
		frappe.set_user("Administrator")

	# ------------------------------------------------------------------ 周调度
	def test_weekly_dispatch_by_centre(self):
		t = self.tree
		rows = by(report(self.director, "ZZ Weekly Dispatch", **WEEK), "center")
		metrics = ("received", "accepted", "resolved", "overdue")
		self.assertEqual(set(rows), {t.county, t.town_a, t.village_a, t.town_b})
		self.assertEqual(pick(rows[t.county], *metrics), (2, 1, 1, 1))
		self.assertEqual(pick(rows[t.town_a], *metrics), (2, 2, 1, 1))
		self.assertEqual(pick(rows[t.village_a], *metrics), (1, 1, 0, 0))
		self.assertEqual(pick(rows[t.town_b], *metrics), (2, 1, 1, 1))
		self.assertEqual(rows[t.town_a].resolution_rate, 50.0)

		total = only(report(self.director, "ZZ Weekly Dispatch", group_by="All", **WEEK))
		self.assertEqual(pick(total, *metrics), (7, 5, 3, 3))
		# the township clerk counts the township and the village below it only
		mine = only(report(self.clerk_a, "ZZ Weekly Dispatch", group_by="All", **WEEK))
		self.assertEqual(pick(mine, *metrics), (3, 3, 1, 1))
		self.assertEqual(
			set(by(report(self.clerk_a, "ZZ Weekly Dispatch", **WEEK), "center")), {t.town_a, t.village_a}
		)
		# the director narrowing to the township gets the clerk's numbers
		narrowed = only(report(self.director, "ZZ Weekly Dispatch", group_by="All", center=t.town_a, **WEEK))
		self.assertEqual(pick(narrowed, *metrics), (3, 3, 1, 1))
		sibling = only(report(self.clerk_b, "ZZ Weekly Dispatch", group_by="All", **WEEK))
		self.assertEqual(pick(sibling, *metrics), (2, 1, 1, 1))

	def test_groups_formed_by_a_number_are_the_groups_of_the_keys(self):
		from unittest.mock import patch

		from zongzhi_center.services import reports

		def every_report(user):
			answers = []
			for name, filters in (
				("ZZ Weekly Dispatch", {"group_by": "Centre and Department", **WEEK}),
				("ZZ Weekly Dispatch", {"group_by": "Department", **WEEK}),
				("ZZ Mediation Success Rate", {"group_by": "Centre", **WEEK}),
				("ZZ Cases by Source", {"group_by": "Channel"}),
				("ZZ Risk Colour Trend", {"interval": "Week"}),
			):
				answers.append(report(user, name, **filters))
			return answers

		hashed_groups = []
		original = reports.grouped_by_hash

		def counting(*args, **kwargs):
			rows = original(*args, **kwargs)
			hashed_groups.append(rows is not None)
			return rows

		for user in (self.director, self.clerk_a):
			with patch.object(reports, "grouped_by_hash", counting):
				by_number = every_report(user)
			with patch.object(reports, "grouped_by_hash", return_value=None):
				by_keys = every_report(user)
			self.assertEqual(by_number, by_keys, user)
		self.assertTrue(hashed_groups and all(hashed_groups))

		# two keys meeting in one number show as a group whose smallest and largest key differ: the keys decide
		real_get_list = frappe.get_list

		def impure(*args, **kwargs):
			rows = real_get_list(*args, **kwargs)
			if rows:
				rows[0]["zz_max_center"] = "不同的中心"
			return rows

		with patch.object(reports.frappe, "get_list", side_effect=impure):
			self.assertIsNone(
				original(
					"ZZ Case",
					{"center": reports.col("ZZ Case", "current_center")},
					{"n": "count(*)"},
					[],
				)
			)

	def test_weekly_dispatch_by_department(self):
		rows = by(report(self.director, "ZZ Weekly Dispatch", group_by="Department", **WEEK), "department")
		self.assertEqual(rows[self.dept_c].received, 2)
		self.assertEqual(rows[self.dept_c].overdue, 1)
		self.assertEqual((rows[self.dept_a].received, rows[self.dept_a].overdue), (1, 1))
		self.assertEqual(rows[""].received, 3)  # not yet routed to a department

	def test_sibling_township_is_refused_and_sees_nothing_of_the_other(self):
		t = self.tree
		for name in (
			"ZZ Weekly Dispatch",
			"ZZ Mediation Success Rate",
			"ZZ Cases by Source",
			"ZZ Satisfaction",
		):
			with self.subTest(report=name), self.assertRaises(ReportCenterNotAllowedError):
				report(self.clerk_b, name, center=t.town_a, **WEEK)
		with self.assertRaises(ReportCenterNotAllowedError):
			report(self.clerk_a, "ZZ Weekly Dispatch", center=t.county, **WEEK)  # up the tree: no
		rows = report(self.clerk_b, "ZZ Weekly Dispatch", **WEEK)
		self.assertEqual({r.center for r in rows}, {t.town_b})
		# a role the report is not for
		with self.assertRaises(frappe.PermissionError):
			report(self.grid_worker, "ZZ Weekly Dispatch", **WEEK)
		with self.assertRaises(frappe.PermissionError):
			report(self.clerk_a, "ZZ Monthly Supervision", **WEEK)

	# ------------------------------------------------------------------ 月督查
	def test_monthly_supervision(self):
		rows = by(report(self.director, "ZZ Monthly Supervision", **WEEK), "department")
		c, a, b = rows[self.dept_c], rows[self.dept_a], rows[self.dept_b]
		fields = ("overdue_now", "summoned", "checked_in_on_time", "checked_in_late", "absent")
		self.assertEqual(pick(c, *fields), (1, 1, 1, 0, 0))
		self.assertEqual(pick(a, *fields), (1, 1, 0, 1, 0))
		self.assertEqual(pick(b, *fields), (1, 1, 0, 0, 1))
		self.assertEqual((c.check_in_punctuality, c.reply_punctuality), (100.0, 100.0))
		self.assertEqual((a.check_in_punctuality, a.reply_missing, a.reply_punctuality), (0.0, 1, 0.0))
		self.assertEqual((b.replied_late, b.letters, b.letters_replied), (1, 1, 1))
		self.assertEqual((a.letters, a.letters_overdue), (1, 1))
		self.assertEqual((c.overdue_in_period, a.overdue_in_period), (1, 1))
		# the township director: its own department's numbers only
		mine = by(report(self.director_b, "ZZ Monthly Supervision", **WEEK), "department")
		self.assertEqual(set(mine), {self.dept_b})
		with self.assertRaises(ReportCenterNotAllowedError):
			report(self.director_b, "ZZ Monthly Supervision", center=self.tree.county, **WEEK)

	# ------------------------------------------------------------------ 调解成功率
	def test_mediation_success_rate(self):
		t = self.tree
		fields = ("concluded", "resolved", "by_agreement", "success_rate")
		total = only(report(self.director, "ZZ Mediation Success Rate", group_by="All", **WEEK))
		self.assertEqual(pick(total, *fields), (4, 3, 2, 75.0))
		all_time = only(report(self.director, "ZZ Mediation Success Rate", group_by="All"))
		self.assertEqual(pick(all_time, *fields), (5, 4, 3, 80.0))
		mediators = by(
			report(self.director, "ZZ Mediation Success Rate", group_by="Mediator", **WEEK), "mediator"
		)
		self.assertEqual(pick(mediators[self.m1], *fields), (2, 2, 1, 100.0))
		self.assertEqual(pick(mediators[self.m2], *fields), (1, 0, 0, 0.0))
		self.assertTrue(mediators[self.m1].mediator_name.startswith("驻点"))
		only_m2 = report(self.director, "ZZ Mediation Success Rate", group_by="All", mediator=self.m2, **WEEK)
		self.assertEqual(pick(only(only_m2), *fields), (1, 0, 0, 0.0))
		centres = by(report(self.director, "ZZ Mediation Success Rate", **WEEK), "center")
		self.assertEqual(pick(centres[t.town_b], *fields), (1, 1, 1, 100.0))
		mine = only(report(self.clerk_a, "ZZ Mediation Success Rate", group_by="All", **WEEK))
		self.assertEqual(pick(mine, *fields), (2, 1, 0, 50.0))

	# ------------------------------------------------------------------ 五源
	def test_cases_by_source_and_channel(self):
		rows = by(report(self.director, "ZZ Cases by Source", **WEEK), "key")
		self.assertEqual(
			{k: r.cases for k, r in rows.items()},
			{"Police Source": 4, "Petition Source": 1, "Grid and Online Source": 1, "Litigation Source": 1},
		)
		self.assertEqual((rows["Police Source"].resolved, rows["Police Source"].share), (2, 57.1))
		channels = by(report(self.clerk_a, "ZZ Cases by Source", group_by="Channel", **WEEK), "key")
		self.assertEqual({k: r.cases for k, r in channels.items()}, {"110 Link": 2, "Grid Report": 1})
		sibling = by(report(self.clerk_b, "ZZ Cases by Source", **WEEK), "key")
		self.assertEqual(
			{k: r.cases for k, r in sibling.items()}, {"Police Source": 1, "Litigation Source": 1}
		)

	# ------------------------------------------------------------------ 三色预警
	def test_risk_colour_trend(self):
		week = only(report(self.director, "ZZ Risk Colour Trend", interval="Week", **WEEK))
		self.assertEqual(str(week["period"]), "2026-03-02")
		self.assertEqual(pick(week, "green", "yellow", "orange", "red", "total"), (3, 1, 1, 2, 7))
		months = report(
			self.director,
			"ZZ Risk Colour Trend",
			interval="Month",
			from_date="2026-02-01",
			to_date="2026-03-31",
		)
		self.assertEqual(
			[(str(m["period"]), m["total"]) for m in months], [("2026-02-01", 1), ("2026-03-01", 7)]
		)
		sibling = only(report(self.clerk_b, "ZZ Risk Colour Trend", **WEEK))
		self.assertEqual(pick(sibling, "green", "red", "total"), (2, 0, 2))

	# ------------------------------------------------------------------ 回访、金额、排查
	def test_satisfaction(self):
		fields = ("visits", "visited", "not_reached", "satisfied", "basically_satisfied", "dissatisfied")
		total = only(report(self.director, "ZZ Satisfaction", group_by="All", **WEEK))
		self.assertEqual(pick(total, *fields), (4, 3, 1, 1, 1, 1))
		self.assertEqual((total.satisfaction_rate, total.reopen_requested), (66.7, 1))
		mine = only(report(self.clerk_a, "ZZ Satisfaction", group_by="All", **WEEK))
		self.assertEqual(pick(mine, *fields), (2, 1, 1, 0, 0, 1))
		self.assertEqual((mine.satisfaction_rate, mine.reopen_requested), (0.0, 1))

	def test_compensation_and_recovery(self):
		t = self.tree
		total = only(report(self.director, "ZZ Compensation and Recovery", group_by="All", **WEEK))
		self.assertEqual(pick(total, "cases", "agreed", "recovered"), (2, 17000.0, 6000.0))
		all_time = only(report(self.director, "ZZ Compensation and Recovery", group_by="All"))
		self.assertEqual(pick(all_time, "cases", "agreed"), (3, 22000.0))
		rows = by(report(self.director, "ZZ Compensation and Recovery", **WEEK), "center")
		self.assertEqual(pick(rows[t.county], "cases", "agreed", "recovered"), (1, 10000.0, 6000.0))
		sibling = only(report(self.clerk_b, "ZZ Compensation and Recovery", group_by="All", **WEEK))
		self.assertEqual(pick(sibling, "cases", "agreed", "recovered"), (1, 7000.0, 0.0))

	def test_screening_leads(self):
		t = self.tree
		fields = ("found", "resolved", "converted", "open", "resolution_rate")
		total = only(report(self.director, "ZZ Screening Leads", group_by="All", **WEEK))
		self.assertEqual(pick(total, *fields), (4, 2, 1, 1, 50.0))
		rows = by(report(self.grid_worker, "ZZ Screening Leads", **WEEK), "center")
		self.assertEqual(set(rows), {t.grid_a})
		self.assertEqual(pick(rows[t.grid_a], *fields), (3, 1, 1, 1, 33.3))
		sibling = only(report(self.clerk_b, "ZZ Screening Leads", group_by="All", **WEEK))
		self.assertEqual(pick(sibling, *fields), (1, 1, 0, 0, 100.0))

	# ------------------------------------------------------------------ workspace
	def test_number_cards_count_only_what_the_user_may_see(self):
		def card(name, user):
			doc = frappe.get_doc("Number Card", name)
			with as_user(user):
				return get_result(doc.as_dict(), doc.filters_json)

		# open: the two registered, the one in mediation, and the case converted from a lead
		self.assertEqual(card("ZZ Open Cases", self.director), 4)
		self.assertEqual(card("ZZ Overdue Cases", self.director), 3)
		self.assertEqual(card("ZZ Red Risk Cases", self.director), 2)
		self.assertEqual(card("ZZ Open Cases", self.clerk_b), 1)
		self.assertEqual(card("ZZ Red Risk Cases", self.clerk_b), 0)

	def test_source_chart_counts_only_what_the_user_may_see(self):
		def chart(user):
			with as_user(user):
				# as the dashboard's chart widget asks: refreshed, computed for the user asking
				data = get_chart(chart_name="ZZ Cases per Source", refresh=1)
			return dict(zip(data["labels"], data["datasets"][0]["values"], strict=True))

		# all time: the case outside the week counts, and so does the case converted from a lead
		self.assertEqual(
			chart(self.director),
			{"Police Source": 5, "Grid and Online Source": 2, "Petition Source": 1, "Litigation Source": 1},
		)
		self.assertEqual(chart(self.clerk_b), {"Police Source": 1, "Litigation Source": 1})

	def test_source_chart_is_never_answered_from_another_users_cache(self):
		"""Frappe answers dashboard_chart.get without `refresh` from a cache keyed by the chart only; the
		app's override computes every answer for the caller."""
		from zongzhi_center.overrides import desk

		path = "frappe.desk.doctype.dashboard_chart.dashboard_chart.get"
		self.assertEqual(
			frappe.get_hooks("override_whitelisted_methods")[path][-1],
			"zongzhi_center.overrides.desk.dashboard_chart",
		)
		with as_user(self.director):
			get_chart(chart_name="ZZ Cases per Source", refresh=1)  # the county's counts in the cache
		with as_user(self.clerk_b):
			data = desk.dashboard_chart(chart_name="ZZ Cases per Source")
		counts = dict(zip(data["labels"], data["datasets"][0]["values"], strict=True))
		self.assertEqual(counts, {"Police Source": 1, "Litigation Source": 1})

	def test_workspace_cards_and_charts_are_installed(self):
		workspace = frappe.get_doc("Workspace", "Zongzhi Center")
		cards = {row.number_card_name for row in workspace.number_cards}
		charts = {row.chart_name for row in workspace.charts}
		self.assertEqual(
			cards,
			{
				"ZZ Open Cases",
				"ZZ Overdue Cases",
				"ZZ Red Risk Cases",
				"ZZ Resolved This Month",
				"ZZ Mediation Success",
			},
		)
		self.assertEqual(charts, {"ZZ Cases per Source", "ZZ Risk Colours by Week", "ZZ Cases Received"})
		for name in cards:
			self.assertTrue(frappe.db.exists("Number Card", name), name)
		for name in charts:
			self.assertTrue(frappe.db.exists("Dashboard Chart", name), name)
		# the desk draws a block only when its name is the label of a card or chart row (Frappe's block.js)
		blocks = json.loads(workspace.content)
		labels = {row.label for row in workspace.number_cards} | {row.label for row in workspace.charts}
		drawn = [b["data"].get("number_card_name") or b["data"].get("chart_name") for b in blocks]
		drawn = [name for name in drawn if name]
		self.assertEqual(len(drawn), 8)
		self.assertEqual(set(drawn), labels)
		reports = {row.link_to for row in workspace.links if row.link_type == "Report"}
		self.assertIn("ZZ Weekly Dispatch", reports)
		for name in reports:
			self.assertEqual(frappe.db.get_value("Report", name, "report_type"), "Script Report")
		# the report-based card and chart name fields their reports return
		resolved = frappe.get_doc("Number Card", "ZZ Resolved This Month")
		month = only(
			report(self.director, resolved.report_name, **frappe.parse_json(resolved.filters_json), **WEEK)
		)
		self.assertEqual(month[resolved.report_field], 3)
		success = frappe.get_doc("Number Card", "ZZ Mediation Success")
		self.assertEqual(
			only(report(self.director, success.report_name, **frappe.parse_json(success.filters_json)))[
				success.report_field
			],
			80.0,
		)


def new_lead(center, found_on, **values):
	doc = {
		"doctype": "ZZ Screening Lead",
		"title": "网格巡查发现纠纷苗头",
		"center": center,
		"found_on": found_on,
		"location": "青石村三组",
		"description": "两户因宅基地界址发生口角。",
	}
	doc.update(values)
	return frappe.get_doc(doc).insert()


class TestScreeningLead(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.grid_worker = make_user(["ZZ Grid Worker"], cls.tree.grid_a)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b)
		cls.supervisor = make_user(["ZZ Supervisor"], cls.tree.county)
		cls.no_centre = make_user(["ZZ Grid Worker"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_grid_worker_converts_a_lead_into_a_case_in_one_step(self):
		with as_user(self.grid_worker):
			lead = new_lead(self.tree.grid_a, "2026-03-03", involved_person="王网格")
			name = convert_to_case(lead.name, " 王网格 ", "13912345678")
			case = frappe.get_doc("ZZ Case", name)
		self.assertEqual((case.channel, case.source), ("Grid Report", "Grid and Online Source"))
		self.assertEqual((case.receiving_center, case.current_center), (self.tree.grid_a, self.tree.grid_a))
		self.assertEqual(case.first_receiver, self.grid_worker)
		self.assertEqual([(p.party_role, p.party_name) for p in case.parties], [("Applicant", "王网格")])
		self.assertIn("两户因宅基地界址发生口角", case.facts)
		self.assertEqual(case.incident_location, "青石村三组")
		lead.reload()
		self.assertEqual((lead.status, lead.case), ("Converted", name))
		# once converted, never again, and the status cannot be taken back
		with as_user(self.grid_worker), self.assertRaises(LeadNotOpenError):
			convert_to_case(lead.name, "王网格", "13912345678")
		lead.status = "Open"
		with as_user(self.grid_worker), self.assertRaises(LeadStatusError):
			lead.save()

	def test_conversion_is_refused_across_centres_and_roles(self):
		with as_user(self.grid_worker):
			lead = new_lead(self.tree.grid_a, "2026-03-03")
		for user in (self.clerk_b, self.supervisor):
			with self.subTest(user=user), as_user(user), self.assertRaises(frappe.PermissionError):
				convert_to_case(lead.name, "王网格", "13912345678")
		with as_user(self.grid_worker), self.assertRaises(frappe.MandatoryError):
			convert_to_case(lead.name, "  ", "13912345678")
		lead.reload()
		self.assertEqual((lead.status, lead.case), ("Open", None))

	def test_leads_are_centre_records(self):
		with as_user(self.grid_worker):
			mine = new_lead(self.tree.grid_a, "2026-03-03")
			with self.assertRaises(frappe.PermissionError):
				new_lead(self.tree.town_b, "2026-03-03")
		with as_user(self.clerk_b):
			self.assertNotIn(mine.name, frappe.get_list("ZZ Screening Lead", pluck="name"))
			self.assertFalse(frappe.has_permission("ZZ Screening Lead", "read", mine.name))
		with as_user(self.supervisor):  # the county sees the grid's lead, read-only
			self.assertIn(mine.name, frappe.get_list("ZZ Screening Lead", pluck="name"))
			self.assertFalse(frappe.has_permission("ZZ Screening Lead", "write", mine.name))
		with as_user(self.no_centre):  # a centre role without a centre: nothing (fail closed)
			self.assertEqual(frappe.get_list("ZZ Screening Lead", pluck="name"), [])
			self.assertFalse(frappe.has_permission("ZZ Screening Lead", "read", mine.name))
		with as_user(self.grid_worker), self.assertRaises(LeadStatusError):
			new_lead(self.tree.grid_a, "2026-03-03", status="Converted")
		with as_user(self.grid_worker):
			resolved = new_lead(self.tree.grid_a, "2026-03-03", status="Resolved", resolution="已化解")
		self.assertTrue(resolved.resolved_on)


class TestResolvedAt(FrappeTestCase):
	def test_entering_resolved_records_when(self):
		"""周调度 counts resolutions by the case's resolved_at, set when the case enters Resolved."""
		tree = make_center_tree()
		case = make_case(tree.town_a)
		self.assertIsNone(case.resolved_at)
		move_case(case.name, "Resolved")
		resolved = frappe.get_doc("ZZ Case", case.name)
		self.assertEqual(resolved.workflow_state, "Resolved")
		self.assertTrue(resolved.resolved_at)
		entered = resolved.state_history[-1]
		self.assertEqual(entered.state, "Resolved")
		gap = abs((get_datetime(resolved.resolved_at) - get_datetime(entered.changed_at)).total_seconds())
		self.assertLess(gap, 1)
