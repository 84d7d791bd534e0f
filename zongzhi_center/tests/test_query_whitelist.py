"""The query-syntax whitelist (permissions/query.py), over real HTTP requests (token authentication).

Case B (township B) holds a marker in its facts that the clerk of township A may not read; case A (township A)
has an applicant with a known ID number and phone (permission level 1). A clerk of township A asks for case B's
facts through a subquery in the fields, order and grouping of the list endpoints: refused before any SQL runs.
A leader of the county (read-only, no permission level 1) filters, counts, groups and charts by the applicant's
ID number and phone: refused alike for right and wrong guesses, while the clerk (level 1) still counts by them.
What the desk itself sends (list, report view with child columns and group-by totals, sidebar counts, link
search, the workspace's number cards and charts) still answers for the clerk.
"""

import json
import re

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.exceptions import ProtectedFieldQueryError, QueryExpressionError
from zongzhi_center.permissions.query import RequestQuery
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	id_number,
	make_case,
	make_center_tree,
	make_user,
	unique,
)
from zongzhi_center.tests.test_rest_api import request

CASE = "ZZ Case"
PARTY = "ZZ Case Party"
SECRET_ID = id_number(5)
SECRET_PHONE = "13655554444"
M = "/api/method/"
LIST_PATHS = ("frappe.client.get_list", f"/api/resource/{CASE}", "frappe.desk.reportview.get")
# the request of the report: an ID number by its first eleven digits
ID_PREFIX = json.dumps([[PARTY, "id_number", "like", "43092119830%"]])


def without_exc_id(value):
	return re.sub(r"[0-9a-f]{40,}", "", value) if isinstance(value, str) else value


class TestQueryWhitelist(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.marker = unique("他镇事实")
		cls.tree = t = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], t.town_a, with_api_key=True)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], t.town_b, with_api_key=True)
		cls.leader = make_user(["ZZ Leader"], t.county, with_api_key=True)
		applicant = {
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": "周查询",
			"id_number": SECRET_ID,
			"phone": SECRET_PHONE,
			"address": "湖南省南县查询路2号",
		}
		cls.case_a = make_case(t.town_a, cls.clerk_a, parties=[applicant]).name
		cls.case_b = make_case(t.town_b, cls.clerk_b, facts=f"乙镇事实 {cls.marker} 。").name
		cls.users = [cls.clerk_a, cls.clerk_b, cls.leader]
		cls.keys = {user: api_credentials(user) for user in cls.users}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def call(self, user, path, params=None):
		return request("GET", path if path.startswith("/") else M + path, self.keys[user], params)

	def assert_refused(self, status, body, what: str):
		self.assertEqual(status, 403, f"{what}: {body}")
		text = json.dumps(body, ensure_ascii=False)
		for secret in (self.marker, SECRET_ID, SECRET_PHONE):
			self.assertNotIn(secret, text, what)

	# ------------------------------------------------------------ subqueries (one readable row reads any row)

	def test_the_reported_subquery_is_refused(self):
		"""The request exactly as reported: the other township's facts through max((select …)) in `fields`."""
		subquery = f'max((select facts from `tabZZ Case` where name="{self.case_b}")) as facts'
		params = {"doctype": CASE, "limit_page_length": 1, "fields": json.dumps([subquery])}
		status, body = self.call(self.clerk_a, "frappe.client.get_list", params)
		self.assert_refused(status, body, "get_list fields")
		self.assertEqual(body.get("exc_type"), "QueryExpressionError", body)
		# the clerk's own list keeps working on the same path
		params["fields"] = json.dumps(["name", "facts"])
		status, body = self.call(self.clerk_a, "frappe.client.get_list", params)
		self.assertEqual((status, body["message"][0]["name"]), (200, self.case_a), body)

	def test_subqueries_in_fields_order_and_grouping(self):
		subquery = f'(select facts from `tabZZ Case` where name="{self.case_b}")'
		attempts = {
			"fields": {"fields": json.dumps([f"max({subquery}) as facts"])},
			"fields, not first": {"fields": json.dumps(["name", f"min({subquery})"])},
			"fields, comma-separated": {"fields": f"name, max({subquery}) as facts"},
			"order_by": {"fields": '["name"]', "order_by": f"max({subquery}) desc"},
			"order_by, no from": {"fields": '["name"]', "order_by": "if(locate('乙', facts), 1, 2)"},
			"group_by": {"fields": '["name"]', "group_by": f"{subquery}"},
			"group_by, function": {"fields": '["name"]', "group_by": "substr(facts, 1, 1)"},
		}
		for what, params in attempts.items():
			for path in LIST_PATHS:
				query = dict(params, limit_page_length=1)
				if not path.startswith("/"):
					query["doctype"] = CASE
				status, body = self.call(self.clerk_a, path, query)
				self.assert_refused(status, body, f"{path} {what}")
		# another app's DocType: no subquery into this app's tables either
		status, body = self.call(
			self.clerk_a,
			"frappe.client.get_list",
			{"doctype": "ToDo", "fields": json.dumps([f"max({subquery}) as facts"])},
		)
		self.assert_refused(status, body, "ToDo")

	def test_expressions_of_charts_cards_and_columns(self):
		subquery = f'(select facts from `tabZZ Case` where name="{self.case_b}")'
		card = {"doctype": "Number Card", "document_type": CASE, "function": "Sum"}
		card["aggregate_function_based_on"] = subquery
		chart = {"chart_type": "Group By", "document_type": CASE, "group_by_type": "Count", "type": "Bar"}
		chart["group_by_based_on"] = f"max({subquery})"
		attempts = [
			(
				"frappe.desk.doctype.number_card.number_card.get_result",
				{"doc": json.dumps(card), "filters": "[]"},
			),
			("frappe.desk.doctype.dashboard_chart.dashboard_chart.get", {"chart": json.dumps(chart)}),
			("frappe.desk.reportview.get", {"doctype": CASE, "fields": '["name"]', "pluck": "name`, `facts"}),
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": CASE, "current_filters": "[]", "field": "x y"},
			),
			("frappe.desk.reportview.get_stats", {"doctype": CASE, "stats": json.dumps([subquery])}),
			(
				"frappe.desk.search.search_widget",
				{"doctype": CASE, "txt": "", "filter_fields": json.dumps([subquery])},
			),
			("frappe.client.get_value", {"doctype": CASE, "fieldname": json.dumps([f"max({subquery})"])}),
			(
				"frappe.desk.calendar.get_events",
				{
					"doctype": CASE,
					"start": "2000-01-01",
					"end": "2100-01-01",
					"field_map": json.dumps({"start": subquery, "end": "modified", "title": "title"}),
				},
			),
		]
		# the record's "linked with" lists: the client's extra fields are pasted after a backtick
		injected = f"name`, {subquery} as `x"
		for linked in (CASE, "ToDo"):
			linkinfo = {linked: {"add_fields": [injected], "filters": {"name": self.case_a}}}
			params = {"doctype": CASE, "name": self.case_a, "linkinfo": json.dumps(linkinfo)}
			attempts.append(("frappe.desk.form.linked_with.get_linked_docs", params))
		for path, params in attempts:
			status, body = self.call(self.clerk_a, path, params)
			self.assert_refused(status, body, path)

	# ------------------------------------------------------------ fields at permission level 1

	def protected_paths(self, id_filter: str, phone_filter: str) -> list[tuple[str, dict]]:
		dict_filter = json.dumps({"id_number": ["like", json.loads(id_filter)[0][3]]})
		card = frappe.get_doc("Number Card", "ZZ Open Cases").as_dict()
		return [
			("frappe.client.get_count", {"doctype": CASE, "filters": id_filter}),
			("frappe.client.get_count", {"doctype": CASE, "filters": dict_filter}),
			("frappe.client.get_count", {"doctype": CASE, "filters": phone_filter}),
			("frappe.client.get_list", {"doctype": CASE, "filters": id_filter}),
			("frappe.client.get_list", {"doctype": CASE, "or_filters": id_filter}),
			("frappe.client.get_value", {"doctype": CASE, "fieldname": "name", "filters": id_filter}),
			("frappe.desk.reportview.get_count", {"doctype": CASE, "filters": id_filter}),
			("frappe.desk.reportview.get", {"doctype": CASE, "fields": '["name"]', "filters": id_filter}),
			(f"/api/resource/{CASE}", {"filters": id_filter}),
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": CASE, "current_filters": id_filter, "field": "owner"},
			),
			(
				"frappe.desk.reportview.get_sidebar_stats",
				{"doctype": CASE, "stats": '["_user_tags"]', "filters": id_filter},
			),
			(
				"frappe.desk.doctype.number_card.number_card.get_result",
				{"doc": frappe.as_json(card), "filters": id_filter},
			),
			(
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{"chart_name": "ZZ Cases per Source", "filters": id_filter},
			),
		]

	def grouping_paths(self) -> list[tuple[str, dict]]:
		"""Group-by counts that would list the values themselves."""
		party_column = f"`tab{PARTY}`.`id_number`"
		return [
			(
				"frappe.desk.reportview.get",
				{
					"doctype": CASE,
					"fields": json.dumps([party_column, f"count(`tab{CASE}`.`name`) as count"]),
					"group_by": party_column,
				},
			),
			(
				"frappe.desk.reportview.get",
				{
					"doctype": CASE,
					"fields": json.dumps([f"`tab{PARTY}`.`party_role`"]),
					"group_by": f"`tab{PARTY}`.`party_role`",
					"aggregate_function": "count",
					"aggregate_on_doctype": PARTY,
					"aggregate_on_field": "id_number",
				},
			),
			(
				"frappe.client.get_list",
				{
					"doctype": CASE,
					"fields": json.dumps(["name", f"`tab{PARTY}`.`party_name`"]),
					"order_by": f"{party_column} desc",
				},
			),
			("frappe.client.get_list", {"doctype": CASE, "fields": json.dumps(["parties.phone"])}),
			(
				"frappe.client.get_list",
				{"doctype": PARTY, "parent": CASE, "fields": '["parent", "id_number"]'},
			),
			(
				"frappe.client.get_list",
				{
					"doctype": CASE,
					"fields": json.dumps(
						["name", f"`tab{PARTY}`.`party_name`", f"count(distinct {party_column}) as n"]
					),
					"group_by": f"`tab{CASE}`.`name`",
				},
			),
			# the case's permission level 3 (the target centre of an escalation), not a leader's either
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": CASE, "current_filters": "[]", "field": "target_center"},
			),
		]

	def test_leaders_cannot_filter_count_or_group_by_level_one_fields(self):
		right = self.protected_paths(
			json.dumps([[PARTY, "id_number", "like", f"{SECRET_ID[:11]}%"]]),
			json.dumps([[PARTY, "phone", "like", f"{SECRET_PHONE[:7]}%"]]),
		)
		wrong = self.protected_paths(
			json.dumps([[PARTY, "id_number", "like", "43092119990%"]]),
			json.dumps([[PARTY, "phone", "like", "1380000%"]]),
		)
		for (path, true_params), (_path, false_params) in zip(right, wrong, strict=True):
			true_status, true_body = self.call(self.leader, path, true_params)
			false_status, false_body = self.call(self.leader, path, false_params)
			self.assert_refused(true_status, true_body, f"{path} {true_params}")
			self.assertEqual(true_status, false_status, path)
			for part in ("message", "exc_type", "_server_messages", "_error_message"):
				self.assertEqual(
					without_exc_id(true_body.get(part)),
					without_exc_id(false_body.get(part)),
					f"{path}: {part}",
				)
		for path, params in self.grouping_paths():
			status, body = self.call(self.leader, path, params)
			self.assert_refused(status, body, f"{path} {params}")
		# the issue's own request, to the letter
		status, body = self.call(
			self.leader, "frappe.client.get_count", {"doctype": CASE, "filters": ID_PREFIX}
		)
		self.assert_refused(status, body, "get_count")
		self.assertEqual(body.get("exc_type"), "ProtectedFieldQueryError", body)

	def test_clerks_with_level_one_still_count_and_group(self):
		# first six and last four digits: the same rows whether the column holds the number or its mask
		by_id = json.dumps([[PARTY, "id_number", "like", f"{SECRET_ID[:6]}%{SECRET_ID[-4:]}"]])
		by_phone = json.dumps([[PARTY, "phone", "like", f"%{SECRET_PHONE[-4:]}"]])
		for filters in (by_id, by_phone):
			for path in ("frappe.client.get_count", "frappe.desk.reportview.get_count"):
				status, body = self.call(self.clerk_a, path, {"doctype": CASE, "filters": filters})
				self.assertEqual((status, body.get("message")), (200, 1), f"{path} {filters} {body}")
		status, body = self.call(self.clerk_a, f"/api/resource/{CASE}", {"filters": by_id})
		self.assertEqual((status, body["data"]), (200, [{"name": self.case_a}]), body)
		for path, params in self.grouping_paths()[:-1]:
			status, body = self.call(self.clerk_a, path, params)
			self.assertEqual(status, 200, f"{path} {params} {body}")

	# ------------------------------------------------------------ what the desk sends

	def desk_requests(self) -> list[tuple[str, dict]]:
		tab = f"`tab{CASE}`"
		list_fields = [
			f"{tab}.`{f}`"
			for f in (
				"name",
				"owner",
				"creation",
				"modified",
				"modified_by",
				"_user_tags",
				"_comments",
				"_assign",
				"_liked_by",
				"docstatus",
				"idx",
				"case_number",
				"title",
				"risk_color",
				"due_date",
				"sla_status",
				"workflow_state",
			)
		]
		report_fields = [
			f"{tab}.`name`",
			f"{tab}.`title`",
			f"`tab{PARTY}`.`party_name` as '{PARTY}:party_name'",
			f"`tab{PARTY}`.`phone` as '{PARTY}:phone'",
			f"`tab{PARTY}`.`name` as '{PARTY}:name'",
		]
		child_filter = json.dumps([[PARTY, "party_role", "=", "Applicant"]])
		cards = [
			frappe.get_doc("Number Card", name).as_dict()
			for name in ("ZZ Open Cases", "ZZ Overdue Cases", "ZZ Red Risk Cases")
		]
		return [
			# list view
			(
				"frappe.desk.reportview.get",
				{
					"doctype": CASE,
					"fields": json.dumps(list_fields),
					"filters": "[]",
					"order_by": f"{tab}.`modified` desc",
					"start": 0,
					"page_length": 20,
					"view": "List",
					"with_comment_count": 1,
				},
			),
			(
				"frappe.desk.reportview.get_count",
				{"doctype": CASE, "filters": "[]", "fields": "[]", "distinct": "false"},
			),
			(
				"frappe.desk.reportview.get_count",
				{"doctype": CASE, "filters": child_filter, "distinct": "true"},
			),
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": CASE, "current_filters": "[]", "field": "assigned_to"},
			),
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": CASE, "current_filters": "[]", "field": "owner"},
			),
			(
				"frappe.desk.listview.get_group_by_count",
				{"doctype": CASE, "current_filters": "[]", "field": "risk_color"},
			),
			(
				"frappe.desk.reportview.get_sidebar_stats",
				{"doctype": CASE, "stats": '["_user_tags"]', "filters": "[]"},
			),
			# report view: child columns, a child filter, sorting, group-by totals
			(
				"frappe.desk.reportview.get",
				{
					"doctype": CASE,
					"fields": json.dumps(report_fields),
					"filters": child_filter,
					"order_by": f"{tab}.`creation` desc",
					"group_by": f"{tab}.`name`",
					"start": 0,
					"page_length": 20,
					"view": "Report",
				},
			),
			(
				"frappe.desk.reportview.get",
				{
					"doctype": CASE,
					"fields": json.dumps([f"{tab}.`risk_color`"]),
					"filters": "[]",
					"order_by": "_aggregate_column desc",
					"group_by": f"{tab}.`risk_color`",
					"aggregate_on_field": "name",
					"aggregate_on_doctype": CASE,
					"aggregate_function": "count",
					"view": "Report",
				},
			),
			# counts and values the forms and scripts ask for
			(
				"frappe.client.get_list",
				{"doctype": CASE, "fields": json.dumps([f"count(distinct {tab}.`name`) as total_count"])},
			),
			(
				"frappe.client.get_list",
				{
					"doctype": CASE,
					"fields": '["count(name) as count", "risk_color"]',
					"group_by": "risk_color",
					"order_by": "count desc",
				},
			),
			(
				"frappe.client.get_list",
				{"doctype": CASE, "fields": '["*"]', "order_by": "modified desc, name asc"},
			),
			(
				"frappe.client.get_list",
				{"doctype": CASE, "fields": json.dumps(["parties.party_name as applicant"])},
			),
			(
				"frappe.client.get_list",
				{"doctype": PARTY, "parent": CASE, "fields": '["parent", "id_number", "phone"]'},
			),
			(
				"frappe.client.get_value",
				{"doctype": CASE, "fieldname": '["title", "risk_color"]', "filters": self.case_a},
			),
			("frappe.client.get_value", {"doctype": CASE, "fieldname": "title", "filters": self.case_a}),
			("frappe.client.validate_link", {"doctype": CASE, "docname": self.case_a, "fields": '["title"]'}),
			(f"/api/resource/{CASE}", {"fields": '["name", "title"]', "order_by": "creation desc"}),
			(
				f"/api/resource/{CASE}",
				{"fields": '["max(modified) as latest", "min(idx)", "avg(idx)", "sum(idx)"]'},
			),
			# link search, the form's next/previous buttons
			(
				"frappe.desk.search.search_link",
				{"doctype": CASE, "txt": "", "reference_doctype": "ZZ Summons"},
			),
			("frappe.desk.search.search_widget", {"doctype": CASE, "txt": "", "page_length": 10}),
			(
				"frappe.desk.form.utils.get_next",
				{
					"doctype": CASE,
					"value": self.case_a,
					"prev": 0,
					"sort_field": "modified",
					"sort_order": "desc",
				},
			),
			# the 综治中心 workspace: number cards and charts
			*[
				(
					"frappe.desk.doctype.number_card.number_card.get_result",
					{"doc": frappe.as_json(card), "filters": card.filters_json},
				)
				for card in cards
			],
			(
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{"chart_name": "ZZ Cases per Source", "filters": "[]"},
			),
			(
				"frappe.desk.doctype.dashboard_chart.dashboard_chart.get",
				{
					"chart_name": "ZZ Cases Received",
					"filters": "[]",
					"timespan": "Last Year",
					"time_interval": "Monthly",
				},
			),
		]

	def test_what_the_desk_sends_still_answers(self):
		for path, params in self.desk_requests():
			status, body = self.call(self.clerk_a, path, params)
			self.assertEqual(status, 200, f"{path} {params} {body}")
		# the list answers with the clerk's own case, its child columns included
		path, params = self.desk_requests()[7]
		status, body = self.call(self.clerk_a, path, params)
		self.assertIn(self.case_a, json.dumps(body))
		self.assertIn("周查询", json.dumps(body, ensure_ascii=False))

	def test_administrators_keep_frappes_rules(self):
		"""System Managers are not held to the whitelist (Frappe's own checks still apply to them)."""
		admin = make_user(["System Manager"], with_api_key=True)
		self.users.append(admin)
		self.keys[admin] = api_credentials(admin)
		frappe.db.commit()
		status, body = self.call(
			admin,
			"frappe.client.get_count",
			{"doctype": CASE, "filters": json.dumps([[PARTY, "phone", "like", "%"]])},
		)
		self.assertEqual(status, 200, body)
		status, body = self.call(
			admin,
			"frappe.client.get_list",
			{"doctype": CASE, "fields": '["abs(idx) as i"]', "filters": json.dumps({"name": self.case_a})},
		)
		self.assertEqual((status, body["message"]), (200, [{"i": 0}]), body)

	# ------------------------------------------------------------ the rules, one expression at a time

	def test_accepted_and_refused_expressions(self):
		tab, party = f"`tab{CASE}`", f"`tab{PARTY}`"
		accepted = {
			"fields": [
				"name",
				"`name`",
				f"{tab}.`modified`",
				f"{tab}.modified",
				"title as t",
				f"{tab}.`title` as `t`",
				"*",
				"1",
				"count(*)",
				"COUNT(*) as count",
				"count(name)",
				f"count(distinct {tab}.`name`) as total_count",
				"sum(idx)",
				f"avg({tab}.`idx`)",
				"min(creation)",
				"max(modified) as latest",
				f"distinct {tab}.`name`",
				"parties.party_name",
				"parties.phone as phone",
				f"{party}.`party_name` as '{PARTY}:party_name'",
				f"{party}.`name` as '{PARTY}:name'",
				"_assign",
				"_comments",
				"_liked_by",
				"_user_tags",
				"_seen",
				"current_center.center_name as current_center_center_name",
			],
			"order_by": [
				f"{tab}.`modified` desc",
				"modified desc, name asc",
				f"{tab}.docstatus asc, {tab}.`modified` desc",
				"_aggregate_column desc",
				"idx",
				"KEEP_DEFAULT_ORDERING",
				f"{party}.`party_name` asc",
			],
			"group_by": [f"{tab}.`risk_color`", "risk_color", f"{party}.`party_role`", "risk_color, source"],
		}
		refused = {
			"fields": [
				f'max((select facts from {tab} where name="x")) as facts',
				f"(select facts from {tab})",
				"if(1, facts, title)",
				"ifnull(title, facts)",
				"concat(title, facts)",
				"case when 1 then facts end",
				"title + 1",
				"idx * 2",
				"title; drop table x",
				"title -- x",
				"title /* x */",
				"'x' as y",
				'"x"',
				"title as x y",
				"title as 'x''",
				"sum(*)",
				"max(distinct idx)",
				"count(name) + count(idx)",
				"abs(idx)",
				"group_concat(title)",
				"sleep(1)",
				"version()",
				"@@version",
				"`tabZZ Center`.`center_name`",
				"`tabUser`.`name`",
				"owner.full_name",
				"no_such_field",
				"parties.no_such_field",
				"name, facts",
				f"{tab}.`*`",
			],
			"order_by": [
				"if(1, title, facts)",
				f"(select 1 from {tab})",
				"title desc; select 1",
				"title sideways",
				"field(title, 'a')",
				"rand()",
				"count(*) desc",
				"title desc nulls last",
			],
			"group_by": ["title desc", "substr(title, 1, 1)", "1 = 1", f"{tab}.`title` having 1"],
		}
		with as_user(self.clerk_a):
			for param, expressions in accepted.items():
				for expression in expressions:
					self.check(param, expression)
			for param, expressions in refused.items():
				for expression in expressions:
					with self.assertRaises(QueryExpressionError, msg=f"{param}: {expression}"):
						self.check(param, expression)

	def test_permission_levels_of_expressions(self):
		tab, party = f"`tab{CASE}`", f"`tab{PARTY}`"
		protected = {
			"fields": [
				"parties.id_number",
				f"{party}.`phone`",
				f"count(distinct {party}.`id_number`)",
				"max(parties.address)",
				"target_center",
			],
			"order_by": [f"{party}.`id_number` desc", "target_center"],
			"group_by": [f"{party}.`phone`", f"{tab}.`target_center`"],
			"filters": [
				[[PARTY, "id_number", "like", "4309%"]],
				{"id_number": "x"},  # Frappe reads a field the case lacks as its child table's field
				[["phone", "=", "x"]],
				[{"address": ["like", "%路%"]}],
			],
		}
		for user, allowed in ((self.clerk_a, True), (self.leader, False)):
			with as_user(user):
				for param, expressions in protected.items():
					for expression in expressions:
						if allowed:
							self.check(param, expression)
						else:
							with self.assertRaises(ProtectedFieldQueryError, msg=f"{param}: {expression}"):
								self.check(param, expression)
				# the level the leader does read (2: the risk override), and level 0, stay open
				self.check("fields", "risk_override")
				self.check("filters", [[CASE, "risk_color", "=", "Red"]])
		# a child table listed on its own is judged with the parent it names, and only with a real one
		with as_user(self.clerk_a):
			RequestQuery(PARTY, CASE).check_select("fields", ["id_number"])
			with self.assertRaises(ProtectedFieldQueryError):
				RequestQuery(PARTY, "ToDo").check_select("fields", ["id_number"])

	def check(self, param: str, expression):
		query = RequestQuery(CASE)
		if param == "fields":
			query.check_select(param, [expression])
		elif param == "filters":
			query.check_filters(expression)
		else:
			query.aliases.add("count")
			query.check_clause(param, expression)
