"""The desk's list views of the app's DocTypes, asked as the desk asks, over real HTTP requests (token auth).

Frappe 15's list view asks, beside each Link column, for the title of the linked record (`case.title as
case_title`) when the linked DocType shows titles in links (cases, stationed staff, mediation rooms, …). Every
list of the app answers that request for every role that reads the DocType. The title of a linked record the
user may not read comes back empty, as for a linked record that does not exist, on every list endpoint; any
other column of such a record stays refused.

Township A's case A (a known title and facts), township B's case B, staff member B (on call, township B) and
room B have known names. Summons S calls staff member B to case A: B's own user reads S but not case A; the
director of township A reads S and case A but not staff member B. Session M, held at township A, concerns
case B in room B: township A's mediator reads M but none of what it links to. The county's director reads
everything, titles included.
"""

import json

import frappe
from frappe.model import no_value_fields
from frappe.model.workflow import get_workflow_name
from frappe.tests.utils import FrappeTestCase
from frappe.utils import now_datetime

from zongzhi_center.permissions.guards import MODULE
from zongzhi_center.tests.factories import (
	api_credentials,
	delete_committed,
	make_case,
	make_center_tree,
	make_department,
	make_staff,
	make_user,
	raw_insert,
	unique,
)
from zongzhi_center.tests.test_rest_api import request

CASE = "ZZ Case"
STAFF = "ZZ Stationed Staff"
ROOM = "ZZ Mediation Room"
SUMMONS = "ZZ Summons"
SESSION = "ZZ Mediation Session"
M = "/api/method/"
# frappe.model.std_fields_list of the desk (public/js/frappe/model/model.js)
STD_FIELDS = (
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
)


def title_column(doctype: str, fieldname: str) -> str | None:
	"""The column list_view.js adds for a Link field whose DocType shows titles in links, else None."""
	df = frappe.get_meta(doctype).get_field(fieldname)
	if not df or df.fieldtype != "Link":
		return None
	linked = frappe.get_meta(df.options)
	if not (linked.show_title_field_in_link and linked.title_field):
		return None
	return f"{fieldname}.{linked.title_field} as {fieldname}_{linked.title_field}"


def desk_list_fields(doctype: str, user: str, extra: tuple[str, ...] = ()) -> list[str]:
	"""`fields` of the desk's list view for the user, as list_view.js builds them (set_fields, get_fields):
	the standard columns, the fields shown in the list at a level the user reads, title, image, sort field,
	workflow state, then the titles of linked records. `extra`: columns a user adds in the list settings."""
	meta = frappe.get_meta(doctype)
	levels = set(meta.get_permlevel_access("read", user=user))
	shown = [
		df.fieldname
		for df in meta.fields
		if (df.in_list_view and df.fieldtype not in no_value_fields and df.permlevel in levels)
		or df.fieldname == "status"
		or (df.fieldtype == "Currency" and df.options and ":" not in df.options)
	]
	workflow = get_workflow_name(doctype)
	state_field = workflow and frappe.get_cached_value("Workflow", workflow, "workflow_state_field")
	names = [
		*STD_FIELDS,
		*shown,
		meta.title_field,
		meta.image_field,
		*extra,
		meta.sort_field or "modified",
		"enabled",
		"disabled",
		"color",
		state_field,
	]
	columns, titles = [], []
	for name in names:
		df = meta.get_field(name) if name else None
		if not name or (name not in STD_FIELDS and not df) or (df and df.is_virtual):
			continue  # _add_field keeps only fields of the DocType
		column = f"`tab{doctype}`.`{name}`"
		if column not in columns:
			columns.append(column)
		title = title_column(doctype, name)
		if title and title not in titles and name != state_field:
			titles.append(title)
	return columns + titles


def list_args(doctype: str, fields: list[str]) -> dict:
	return {
		"doctype": doctype,
		"fields": json.dumps(fields),
		"filters": "[]",
		"order_by": f"`tab{doctype}`.`modified` desc",
		"start": 0,
		"page_length": 20,
		"view": "List",
		"with_comment_count": 1,
	}


def rows_of(body) -> list[dict]:
	"""The rows of a list answer, whatever its shape: compressed (reportview.get), a list, or `data`."""
	message = body.get("message", body.get("data")) if isinstance(body, dict) else None
	if isinstance(message, dict) and "keys" in message:
		return [dict(zip(message["keys"], values, strict=True)) for values in message["values"]]
	return message or []


def app_list_doctypes() -> list[str]:
	return frappe.get_all(
		"DocType",
		filters={"module": MODULE, "istable": 0, "issingle": 0, "is_virtual": 0},
		pluck="name",
		order_by="name",
	)


class TestDeskLists(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.title_a = unique("甲镇秘密标题")
		cls.facts_a = unique("甲镇秘密事实")
		cls.tree = t = make_center_tree()
		cls.director_a = make_user(["ZZ Center Director"], t.town_a, with_api_key=True)
		cls.director = make_user(["ZZ Center Director"], t.county, with_api_key=True)
		cls.mediator_a = make_user(["ZZ Mediator", "ZZ Stationed Staff"], t.town_a, with_api_key=True)
		cls.staff_user_b = make_user(["ZZ Stationed Staff"], t.town_b, with_api_key=True)
		cls.others = {
			role: make_user([role], center, with_api_key=True)
			for role, center in (
				("ZZ Intake Clerk", t.town_a),
				("ZZ Dispatcher", t.town_a),
				("ZZ Supervisor", t.county),
				("ZZ Leader", t.county),
				("ZZ Grid Worker", t.grid_a),
				("ZZ Department Handler", None),
				("ZZ Integration", None),
			)
		}
		cls.d_a = make_department(t.town_a)
		cls.d_b = make_department(t.town_b)
		cls.staff_a = make_staff(t.town_a, cls.d_a, user=cls.mediator_a)
		cls.staff_b = make_staff(t.town_b, cls.d_b, mode="On-call", user=cls.staff_user_b)
		cls.staff_b_name = frappe.db.get_value(STAFF, cls.staff_b, "full_name")
		cls.room_b_name = unique("乙镇调解室")
		cls.room_b = (
			frappe.get_doc({"doctype": ROOM, "room_name": cls.room_b_name, "center": t.town_b})
			.insert(ignore_permissions=True)
			.name
		)
		cls.case_a = make_case(t.town_a, title=cls.title_a, facts=f"事实 {cls.facts_a} 。").name
		cls.title_b = unique("乙镇秘密标题")
		cls.case_b = make_case(t.town_b, title=cls.title_b).name
		cls.summons = raw_insert(
			{
				"doctype": SUMMONS,
				"case": cls.case_a,
				"staff": cls.staff_b,
				"staff_user": cls.staff_user_b,
				"summoned_at": now_datetime(),
				"response": "Pending",
			}
		)
		# the same summons of a case that does not exist: the answer for an unreadable case must match it
		cls.no_case = unique("无此案件")
		cls.summons_nowhere = raw_insert(
			{
				"doctype": SUMMONS,
				"case": cls.no_case,
				"staff": cls.staff_b,
				"staff_user": cls.staff_user_b,
				"summoned_at": now_datetime(),
				"response": "Pending",
			}
		)
		cls.session = raw_insert(
			{
				"doctype": SESSION,
				"case": cls.case_b,
				"center": t.town_a,
				"room": cls.room_b,
				"mediator": cls.staff_b,
				"session_mode": "Face-to-face",
				"starts_at": now_datetime(),
				"ends_at": now_datetime(),
			}
		)
		cls.users = [
			cls.director_a,
			cls.director,
			cls.mediator_a,
			cls.staff_user_b,
			*cls.others.values(),
		]
		cls.keys = {user: api_credentials(user) for user in cls.users}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete(SUMMONS, {"name": ["in", [cls.summons, cls.summons_nowhere]]})
		frappe.db.delete(SESSION, {"name": cls.session})
		frappe.db.delete(ROOM, {"name": cls.room_b})
		frappe.db.delete(STAFF, {"name": ["in", [cls.staff_a, cls.staff_b]]})
		frappe.db.delete("ZZ Department", {"name": ["in", [cls.d_a, cls.d_b]]})
		delete_committed(cls.tree, cls.users)
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def call(self, user: str, path: str, params: dict, method: str = "GET"):
		path = path if path.startswith("/") else M + path
		if method == "GET":
			return request("GET", path, self.keys[user], params)
		return request(method, path, self.keys[user], body=params)

	def assert_hidden(self, body, what: str, secrets: tuple[str, ...]):
		text = json.dumps(body, ensure_ascii=False)
		for secret in secrets:
			self.assertNotIn(secret, text, what)

	def list_paths(self, doctype: str, fields: list[str]) -> list[tuple[str, dict, str]]:
		"""(path, parameters, HTTP method) of each endpoint that lists rows by column name."""
		args = list_args(doctype, fields)
		plain = {"fields": args["fields"], "limit_page_length": 20}
		return [
			("frappe.desk.reportview.get", args, "POST"),  # the list view itself, as the desk posts it
			("frappe.desk.reportview.get", args, "GET"),
			("frappe.desk.reportview.get_list", args, "POST"),
			("frappe.client.get_list", dict(plain, doctype=doctype), "POST"),
			(f"/api/resource/{doctype}", plain, "GET"),
			(f"/api/v2/document/{doctype}", {"fields": args["fields"], "limit": 20}, "GET"),
		]

	# ------------------------------------------------------------ every list, as the desk asks

	def test_every_list_of_the_app_answers_as_the_desk_asks(self):
		"""For every DocType of the app and every role that reads it: the list view's own request answers."""
		with_titles = set()
		for doctype in app_list_doctypes():
			for user in self.users:
				if not frappe.has_permission(doctype, "read", user=user):
					continue  # no role reads it: Frappe refuses the list itself
				fields = desk_list_fields(doctype, user)
				if any(" as " in field for field in fields):
					with_titles.add(doctype)
				status, body = self.call(
					user, "frappe.desk.reportview.get", list_args(doctype, fields), "POST"
				)
				self.assertEqual(status, 200, f"{doctype} as {frappe.get_roles(user)}: {body}")
		# the lists of the reported regression ask for linked titles: proof the shape is exercised
		for doctype in (SUMMONS, SESSION, "ZZ Staff Attendance", "ZZ Personal Data Access"):
			self.assertIn(doctype, with_titles)

	# ------------------------------------------------------------ titles of linked records

	def test_a_staff_member_sees_the_summons_without_the_title_of_a_case_they_may_not_read(self):
		fields = desk_list_fields(SUMMONS, self.staff_user_b)
		self.assertIn("case.title as case_title", fields)
		self.assertIn("staff.full_name as staff_full_name", fields)
		for path, params, method in self.list_paths(SUMMONS, fields):
			status, body = self.call(self.staff_user_b, path, params, method)
			self.assertEqual(status, 200, f"{path} {method}: {body}")
			self.assert_hidden(body, f"{path} {method}", (self.title_a, self.facts_a))
			rows = {row["name"]: row for row in rows_of(body)}
			self.assertEqual(set(rows), {self.summons, self.summons_nowhere}, path)
			unreadable, nowhere = rows[self.summons], rows[self.summons_nowhere]
			self.assertEqual(
				unreadable["case"], self.case_a
			)  # the link itself: the user's own record says it
			# the same answer as for a case that does not exist
			self.assertIsNone(unreadable["case_title"], path)
			self.assertIsNone(nowhere["case_title"], path)
			self.assertEqual(set(unreadable), set(nowhere), path)
			# the staff member's own record: its title is shown
			self.assertEqual(unreadable["staff_full_name"], self.staff_b_name, path)

	def test_a_director_sees_the_title_of_the_case_not_of_another_townships_staff(self):
		fields = desk_list_fields(SUMMONS, self.director_a)
		for path, params, method in self.list_paths(SUMMONS, fields):
			status, body = self.call(self.director_a, path, params, method)
			self.assertEqual(status, 200, f"{path} {method}: {body}")
			self.assert_hidden(body, path, (self.staff_b_name,))
			rows = {row["name"]: row for row in rows_of(body)}
			self.assertEqual(rows[self.summons]["case_title"], self.title_a, path)
			self.assertEqual(rows[self.summons]["staff"], self.staff_b)
			self.assertIsNone(rows[self.summons]["staff_full_name"], path)

	def test_a_mediator_sees_the_session_without_titles_of_another_townships_records(self):
		# the room is a list column; the case and mediator as a user adds them in the list settings
		fields = desk_list_fields(SESSION, self.mediator_a, extra=("case", "mediator"))
		for column in ("room.room_name as room_room_name", "case.title as case_title"):
			self.assertIn(column, fields)
		for path, params, method in self.list_paths(SESSION, fields):
			status, body = self.call(self.mediator_a, path, params, method)
			self.assertEqual(status, 200, f"{path} {method}: {body}")
			# (not the room's: its name, the session's own link, is made of its centre and room name)
			self.assert_hidden(body, path, (self.title_b, self.staff_b_name))
			row = {row["name"]: row for row in rows_of(body)}[self.session]
			self.assertEqual((row["case"], row["room"]), (self.case_b, self.room_b))
			for title in ("case_title", "room_room_name", "mediator_full_name"):
				self.assertIsNone(row[title], f"{path}: {title}")
		# the county's director reads all of it: every title is there
		for path, params, method in self.list_paths(SESSION, fields):
			status, body = self.call(self.director, path, params, method)
			self.assertEqual(status, 200, f"{path} {method}: {body}")
			row = {row["name"]: row for row in rows_of(body)}[self.session]
			self.assertEqual(
				(row["case_title"], row["room_room_name"], row["mediator_full_name"]),
				(self.title_b, self.room_b_name, self.staff_b_name),
				path,
			)

	# ------------------------------------------------------------ other columns of linked records

	def test_other_columns_of_a_linked_record_stay_refused(self):
		"""Only the linked DocType's title field, under the desk's own alias, on the list endpoints."""
		shapes = (
			["name", "case.facts as case_title"],
			["name", "case.facts as case_facts"],
			["name", "case.title as t"],
			["name", "case.title"],
			["name", "case.title as case_title, case.facts"],
			["name", "staff.phone as staff_full_name"],
		)
		for fields in shapes:
			for path, params, method in self.list_paths(SUMMONS, fields):
				status, body = self.call(self.staff_user_b, path, params, method)
				self.assertEqual(status, 403, f"{path} {fields}: {body}")
				self.assert_hidden(body, f"{path} {fields}", (self.title_a, self.facts_a))
		# the title itself, where the answer is not a list of rows by column: refused as before
		title = ["name", "case", "case.title as case_title"]
		others = [
			("frappe.desk.reportview.export_query", {"doctype": SUMMONS, "fields": json.dumps(title)}),
			("frappe.client.get_list", {"doctype": SUMMONS, "fields": json.dumps(title), "as_dict": 0}),
			(f"/api/resource/{SUMMONS}", {"fields": json.dumps(title), "as_dict": "false"}),
			(
				"frappe.desk.reportview.get_list",
				{"doctype": SUMMONS, "fields": json.dumps(title), "as_list": 1},
			),
		]
		for path, params in others:
			status, body = self.call(self.staff_user_b, path, params, "POST" if "export" in path else "GET")
			self.assertEqual(status, 403, f"{path}: {body}")
			self.assert_hidden(body, path, (self.title_a, self.facts_a))
