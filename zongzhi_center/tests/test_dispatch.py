"""Routing without dead ends: 在岗人员 ranked by what the case's category needs, one-click assignment (over
HTTP, as the right dispatcher and the wrong ones), 分流交办 offered only once there is somebody to route to,
and a case routed where nobody can take it flagged at once.

The one-click call is a real HTTP request served on another connection, so the fixtures are committed and
deleted afterwards."""

import json
import os

import frappe
from frappe.model.workflow import get_transitions
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_bench_path, get_url
from frappe.utils.password import update_password

from zongzhi_center.services import dispatch
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	act,
	api_credentials,
	as_user,
	delete_committed,
	edit_case,
	http,
	make_case,
	make_center_tree,
	make_department,
	make_user,
	unique,
)

CASE = "ZZ Case"
ROOT_CATEGORY = "全部类别"
CHROMIUM = os.environ.get("ZZ_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Zz-dispatch-2026"
SHOTS = os.path.join(get_bench_path(), "logs", "desk-shots")


def make_category(name: str, parent: str, expertise: list[str]) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Case Category",
				"category_name": name,
				"parent_zz_case_category": parent,
				"is_group": 0,
				"expertise": [{"expertise": e} for e in expertise],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_staff(full_name, department, center, expertise, user=None) -> str:
	# on call: available whatever the day and hour the test runs, so the ranking is by expertise and load
	return (
		frappe.get_doc(
			{
				"doctype": "ZZ Stationed Staff",
				"full_name": full_name,
				"mode": "On-call",
				"department": department,
				"center": center,
				"user": user,
				"active_from": "2026-01-01",
				"expertise": [{"expertise": e} for e in expertise],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def assign_over_http(credentials: str, case: str, staff: str, reason: str | None = None):
	frappe.db.commit()  # the request reads on its own connection
	status, body = http(
		"POST",
		"/api/method/zongzhi_center.api.rota.assign",
		credentials,
		headers={"Accept": "application/json"},
		data={"case": case, "staff": staff, **({"reason": reason} if reason else {})},
	)
	frappe.db.rollback()  # a fresh snapshot: see what the request committed
	try:
		return status, json.loads(body.decode())
	except ValueError:
		return status, {"raw": body.decode()}


class TestDispatch(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for expertise in ("医学专家", "调解员", "律师"):
			if not frappe.db.exists("ZZ Expertise", expertise):
				frappe.get_doc({"doctype": "ZZ Expertise", "expertise_name": expertise}).insert(
					ignore_permissions=True
				)
		cls.tree = tree = make_center_tree()
		cls.dispatcher = make_user([wn.DISPATCHER], tree.county, with_api_key=True)
		cls.dispatcher_b = make_user([wn.DISPATCHER], tree.town_b, with_api_key=True)  # another centre
		cls.clerk = make_user([wn.INTAKE_CLERK], tree.county, with_api_key=True)  # right centre, no routing
		cls.director = make_user([wn.CENTER_DIRECTOR], tree.county)
		cls.expert_user = make_user([wn.MEDIATOR, wn.STATIONED_STAFF], tree.county)
		cls.general_user = make_user([wn.MEDIATOR, wn.STATIONED_STAFF], tree.county)
		cls.far_user = make_user([wn.MEDIATOR], tree.town_b)  # a mediator who cannot reach county cases
		cls.committee = make_department(tree.county, department_type="Health and Medical Mediation")
		cls.studio = make_department(tree.county, department_type="Mediation Studio")
		cls.empty = make_department(tree.county, department_type="People's Mediation Committee")
		cls.parent_category = make_category(unique("测试纠纷"), ROOT_CATEGORY, ["调解员"])
		cls.category = make_category(unique("测试医疗纠纷"), cls.parent_category, ["医学专家"])
		cls.expert = make_staff(
			"测试医学专家", cls.committee, tree.county, ["医学专家", "调解员"], cls.expert_user
		)
		cls.general = make_staff("测试调解员", cls.studio, tree.county, ["调解员"], cls.general_user)
		cls.lawyer = make_staff("测试律师", cls.studio, tree.county, ["律师"])
		cls.far = make_staff("测试远方调解员", cls.empty, tree.county, ["调解员"], cls.far_user)
		cls.keys = {user: api_credentials(user) for user in (cls.dispatcher, cls.dispatcher_b, cls.clerk)}
		cls.users = [
			cls.dispatcher,
			cls.dispatcher_b,
			cls.clerk,
			cls.director,
			cls.expert_user,
			cls.general_user,
			cls.far_user,
		]
		# the browser test logs the dispatcher in; the desk speaks the user's language
		frappe.db.set_value("User", cls.dispatcher, "language", "zh")
		update_password(cls.dispatcher, PASSWORD)
		if not frappe.get_system_settings("setup_complete"):
			frappe.db.set_single_value("System Settings", "setup_complete", 1)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		cases = frappe.get_all(
			CASE, filters={"receiving_center": ["in", list(cls.tree.values())]}, pluck="name"
		)
		if cases:
			frappe.db.delete("ToDo", {"reference_type": CASE, "reference_name": ["in", cases]})
			frappe.db.delete("Notification Log", {"document_type": CASE, "document_name": ["in", cases]})
		for staff in (cls.expert, cls.general, cls.lawyer, cls.far):
			frappe.delete_doc("ZZ Stationed Staff", staff, force=True, ignore_permissions=True)
		for category in (cls.category, cls.parent_category):
			frappe.delete_doc("ZZ Case Category", category, force=True, ignore_permissions=True)
		delete_committed(cls.tree, cls.users)
		for department in (cls.committee, cls.studio, cls.empty):
			frappe.delete_doc("ZZ Department", department, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def accepted_case(self) -> str:
		name = make_case(self.tree.county, self.clerk, category=self.category).name
		act(self.clerk, name, wn.action("accept"))
		return name

	def stored(self, name):
		return frappe.get_doc(CASE, name)

	# ------------------------------------------------------------ 在岗人员 by the category's expertise

	def test_category_needs_its_own_and_its_parents_expertise(self):
		self.assertEqual(dispatch.needed_expertise(self.category), ["医学专家", "调解员"])
		self.assertEqual(dispatch.needed_expertise(self.parent_category), ["调解员"])
		self.assertEqual(dispatch.needed_expertise(None), [])

	def test_on_duty_ranks_best_match_first_with_reasons_in_chinese(self):
		name = self.accepted_case()
		lang = frappe.local.lang
		frappe.local.lang = "zh"
		try:
			with as_user(self.dispatcher):
				found = frappe.call("zongzhi_center.api.rota.for_case", case=name)
		finally:
			frappe.local.lang = lang
		order = [row["staff"] for row in found["rows"]]
		# both needs, then one; the mediator whose desk user serves another centre and the lawyer without
		# a desk user cannot take the case, and come last
		top = found["rows"][0]
		self.assertEqual(top["matched_expertise"], ["医学专家", "调解员"])
		self.assertEqual(top["department"], self.committee)
		self.assertEqual(top["availability_label"], "待命")
		self.assertEqual(top["mode_label"], "随驻")
		self.assertIn("具备医学专家、调解员", top["reason"])
		self.assertIn(self.category, top["reason"])
		lawyer = next(row for row in found["rows"] if row["staff"] == self.lawyer)
		self.assertIn("不具备", lawyer["reason"])
		# those whose desk user cannot take the case come last, and say why: a dead end is not suggested first
		self.assertEqual(order, [self.expert, self.general, self.far, self.lawyer])
		far = next(row for row in found["rows"] if row["staff"] == self.far)
		self.assertFalse(far["can_take"])
		self.assertIn("没有能够开始调解本案的系统用户", far["reason"])
		self.assertTrue(top["can_take"])
		self.assertTrue(found["can_assign"])
		self.assertFalse(found["needs_reason"])
		with as_user(self.clerk):  # may see the rota, may not route
			self.assertFalse(frappe.call("zongzhi_center.api.rota.for_case", case=name)["can_assign"])

	# ------------------------------------------------------------ one click, over HTTP

	def test_one_click_assigns_routes_and_logs(self):
		name = self.accepted_case()
		status, body = assign_over_http(self.keys[self.dispatcher], name, self.expert)
		self.assertEqual(status, 200, body)
		case = self.stored(name)
		self.assertEqual(case.workflow_state, wn.state("routed"))
		self.assertEqual(case.assigned_mediator, self.expert)
		self.assertEqual(case.handling_department, self.committee)
		self.assertEqual(case.routing_log[-1].move, "Assigned")
		self.assertEqual(case.routing_log[-1].to_mediator, self.expert)
		self.assertEqual(case.routing_log[-1].by_user, self.dispatcher)
		self.assertEqual(case.state_history[-1].by_user, self.dispatcher)
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_type": CASE,
					"reference_name": name,
					"allocated_to": self.expert_user,
					"status": "Open",
				},
			)
		)
		self.assertFalse(case.nobody_to_take)
		# the person can take it from here
		self.assertEqual(
			act(self.expert_user, name, wn.action("start_mediation")).workflow_state, wn.state("in_mediation")
		)

	def test_wrong_centre_and_wrong_role_cannot_assign(self):
		name = self.accepted_case()
		for user in (self.dispatcher_b, self.clerk):
			status, body = assign_over_http(self.keys[user], name, self.expert)
			self.assertEqual(status, 403, (user, body))
			self.assertNotIn(self.expert_user, json.dumps(body))
		case = self.stored(name)
		self.assertEqual(case.workflow_state, wn.state("accepted"))
		self.assertFalse(case.assigned_mediator or case.handling_department)
		self.assertFalse(case.routing_log)
		self.assertFalse(frappe.db.exists("ToDo", {"reference_type": CASE, "reference_name": name}))
		# the other centre's dispatcher does not even see who would take it
		frappe.db.commit()
		status, _body = http(
			"GET",
			"/api/method/zongzhi_center.api.rota.for_case",
			self.keys[self.dispatcher_b],
			params={"case": name},
		)
		self.assertEqual(status, 403)
		# GET is refused: the assignment changes the case
		status, _body = http(
			"GET",
			"/api/method/zongzhi_center.api.rota.assign",
			self.keys[self.dispatcher],
			params={"case": name, "staff": self.expert},
		)
		self.assertNotEqual(status, 200)

	def test_transfer_asks_for_a_reason_and_moves_the_todo(self):
		name = self.accepted_case()
		self.assertEqual(assign_over_http(self.keys[self.dispatcher], name, self.expert)[0], 200)
		status, body = assign_over_http(self.keys[self.dispatcher], name, self.general)
		self.assertEqual(status, 417, body)
		self.assertEqual(self.stored(name).assigned_mediator, self.expert)
		status, body = assign_over_http(self.keys[self.dispatcher], name, self.general, reason="医学专家休假")
		self.assertEqual(status, 200, body)
		case = self.stored(name)
		self.assertEqual((case.assigned_mediator, case.handling_department), (self.general, self.studio))
		self.assertEqual(case.routing_log[-1].move, "Transferred")
		self.assertEqual(case.routing_log[-1].reason, "医学专家休假")
		open_todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": CASE, "reference_name": name, "status": "Open"},
			pluck="allocated_to",
		)
		self.assertEqual(open_todos, [self.general_user])

	def test_staff_of_another_centre_is_refused(self):
		name = self.accepted_case()
		other = make_staff("测试镇调解员", self.studio, self.tree.town_a, ["医学专家"])
		frappe.db.commit()
		try:
			status, body = assign_over_http(self.keys[self.dispatcher], name, other)
			self.assertEqual(status, 417, body)
			self.assertFalse(self.stored(name).assigned_mediator)
		finally:
			frappe.delete_doc("ZZ Stationed Staff", other, force=True, ignore_permissions=True)
			frappe.db.commit()

	# ------------------------------------------------------------ 分流交办 only with somebody to route to

	def test_route_is_offered_only_with_a_department_or_mediator(self):
		name = self.accepted_case()

		def offered():
			with as_user(self.dispatcher):
				return {t.action for t in get_transitions(self.stored(name))}

		self.assertNotIn(wn.action("route"), offered())
		edit_case(self.dispatcher, name, handling_department=self.studio)
		self.assertIn(wn.action("route"), offered())

	# ------------------------------------------------------------ nobody to take it: flagged at once

	def test_routed_where_nobody_can_take_it_is_flagged_at_once(self):
		name = self.accepted_case()
		# the department's only staff member is a mediator of another centre: nobody can start mediation
		edit_case(self.dispatcher, name, handling_department=self.empty)
		case = act(self.dispatcher, name, wn.action("route"))
		self.assertEqual(case.workflow_state, wn.state("routed"))
		self.assertEqual(self.stored(name).nobody_to_take, 1)
		alerts = frappe.get_all(
			"Notification Log",
			filters={"document_type": CASE, "document_name": name, "for_user": self.director},
			pluck="subject",
		)
		self.assertTrue(any(self.empty in subject for subject in alerts), alerts)
		with as_user(self.far_user):
			self.assertFalse(frappe.has_permission(CASE, "read", doc=self.stored(name)))
		# given to somebody who can take it: the flag goes
		edit_case(
			self.dispatcher,
			name,
			assigned_mediator=self.general,
			handling_department=self.studio,
			move_reason="改派",
		)
		self.assertEqual(self.stored(name).nobody_to_take, 0)

	def test_department_names_who_can_take_its_cases(self):
		empty = frappe.get_doc("ZZ Department", self.empty)
		self.assertEqual(dispatch.department_takers(empty), [])
		frappe.clear_messages()
		empty.save(ignore_permissions=True)
		told = json.dumps(frappe.local.message_log, ensure_ascii=False, default=str)
		self.assertIn(empty.department_name, told)  # a warning on save, not a refusal
		committee = frappe.get_doc("ZZ Department", self.committee)
		self.assertEqual(dispatch.department_takers(committee), [self.expert_user])
		handler = make_user([wn.DEPARTMENT_HANDLER])
		try:
			empty.append("handlers", {"user": handler})
			empty.save(ignore_permissions=True)
			self.assertEqual(dispatch.department_takers(empty), [handler])
		finally:
			empty.reload()
			empty.set("handlers", [])
			empty.save(ignore_permissions=True)
			frappe.delete_doc("User", handler, force=True, ignore_permissions=True, ignore_on_trash=True)
			frappe.db.commit()

	# ------------------------------------------------------------ in the desk: two clicks from the case

	def test_dispatcher_assigns_from_who_is_on_duty_in_two_clicks(self):
		if not os.access(CHROMIUM, os.X_OK):
			raise AssertionError(f"Chromium is required for the desk test: {CHROMIUM} not found")
		from playwright.sync_api import sync_playwright

		name = self.accepted_case()
		frappe.db.commit()
		base = os.environ.get("ZZ_DESK_URL") or get_url()
		os.makedirs(SHOTS, exist_ok=True)
		with sync_playwright() as playwright:
			browser = playwright.chromium.launch(
				executable_path=CHROMIUM,
				args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP *.localhost 127.0.0.1"],
			)
			try:
				page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN").new_page()
				errors = []
				page.on("pageerror", lambda e: errors.append(str(e)))
				page.goto(f"{base}/login")
				page.fill("#login_email", self.dispatcher)
				page.fill("#login_password", PASSWORD)
				page.click(".btn-login")
				page.wait_for_url("**/app**", timeout=30000)
				page.goto(f"{base}/app/zz-case/{name}")
				page.wait_for_function("() => window.cur_frm && cur_frm.doc.name", timeout=30000)
				page.wait_for_timeout(800)
				# before a department or mediator is chosen: the form says what is missing, and the
				# workflow offers no 分流交办
				body = page.inner_text(".form-message")
				self.assertIn("分流交办前，请选择承办部门或调解员并保存", body)
				page.screenshot(path=os.path.join(SHOTS, "dispatch-1-accepted.png"))
				actions = page.locator(".page-actions .actions-btn-group .dropdown-menu a.dropdown-item")
				offered = [actions.nth(i).inner_text() for i in range(actions.count())]
				self.assertFalse([a for a in offered if "分流交办" in a], offered)

				page.locator(".page-actions button:visible").filter(has_text="在岗人员").first.click()  # 1
				dialog = page.locator(".modal.show .modal-dialog").last
				dialog.locator("table tbody tr").first.wait_for(timeout=15000)
				page.wait_for_timeout(500)
				page.screenshot(path=os.path.join(SHOTS, "dispatch-2-on-duty.png"))
				first = dialog.locator("table tbody tr").first.inner_text()
				self.assertIn("测试医学专家", first)
				self.assertIn("具备医学专家、调解员", first)
				self.assertIn("待命", first)
				shown = dialog.inner_text()
				for english in ("On Duty", "On Call", "On-call", "Resident", "open cases"):
					self.assertNotIn(english, shown)
				dialog.locator("table tbody tr").first.locator("button").click()  # 2: 交办给此人
				page.wait_for_function(
					"(state) => cur_frm.doc.workflow_state === state", arg=wn.state("routed"), timeout=30000
				)
				page.wait_for_timeout(800)
				page.screenshot(path=os.path.join(SHOTS, "dispatch-3-routed.png"))
				self.assertEqual(errors, [])
			finally:
				browser.close()
		frappe.db.rollback()
		case = self.stored(name)
		self.assertEqual(
			(case.workflow_state, case.assigned_mediator, case.handling_department),
			(wn.state("routed"), self.expert, self.committee),
		)
