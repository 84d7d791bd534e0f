"""Every action the case workflow offers a role can be done by that role, end to end.

The transitions are read from the live ZZ Case workflow (an administrator's edits count), not from a
list here. For each one a user holding only the allowed role, at the case's centre (a department handler:
as a handler of the case's department), fills on the form what the action needs, saves as the form does,
and takes the action. A state whose edit rights refuse that save makes the action a dead button: the
dispatcher is offered "Escalate Case" for a mediation that failed, say, but could not choose the centre
above, so a village case could not go up to the township (村级初诊 → 乡镇复诊).
"""

from collections import deque

import frappe
from frappe.model.workflow import (
	apply_workflow,
	get_transitions,
	get_workflow,
	is_transition_condition_satisfied,
)
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.permissions.case import DEPARTMENT_HANDLER
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	delete_committed,
	make_case,
	make_center_tree,
	make_department,
	make_user,
)
from zongzhi_center.tests.test_rest_api import request

CASE = "ZZ Case"
M = "/api/method/"


def transitions():
	return list(get_workflow(CASE).transitions)


def children_of(center: str) -> list[str]:
	return frappe.get_all("ZZ Center", filters={"parent_zz_center": center}, pluck="name", order_by="name")


def condition_met(transition, case, **values) -> bool:
	doc = frappe.copy_doc(case)
	doc.update(values)
	return bool(is_transition_condition_satisfied(transition, doc))


def target_for(transition, case) -> str | None:
	"""The centre the user chooses in "Move to Center": the one the action's condition offers it for."""
	parent = frappe.db.get_value("ZZ Center", case.current_center, "parent_zz_center")
	candidates = [c for c in [parent, *children_of(case.current_center)] if c]
	return next((c for c in candidates if condition_met(transition, case, target_center=c)), None)


def needs(transition, case, department: str) -> dict:
	"""What a user fills on the form before taking the action (the case's own rules say why)."""
	values = {}
	if transition.next_state == wn.state("handed_over"):
		values = {"target_center": target_for(transition, case), "move_reason": "本级调解未果，报上级中心"}
	elif transition.state == "Routed" and transition.next_state == "Accepted":
		values = {"move_reason": "不属于本部门职责"}  # 退回
	elif transition.next_state == "Routed" and not (case.handling_department or case.assigned_mediator):
		values = {"handling_department": department}
	elif transition.next_state == "Not Accepted":
		values = {"not_accepted_reason": "不属于本中心受理范围", "redirect_to": "南县人民法院诉讼服务中心"}
	elif transition.next_state == "Resolved" and not case.outcome:
		values = {"outcome": "Resolved by Agreement"}
	elif transition.action == wn.action("resolve_on_the_spot"):
		# 当场办结: a matter type ZZ Settings lists, answered in the outcome note
		matter = frappe.db.get_value(
			"ZZ On the Spot Matter Type", {"parenttype": "ZZ Settings"}, "matter_type"
		)
		values = {"matter_type": matter, "outcome_note": "已当场解答申请人的法律咨询"}
	return {key: value for key, value in values.items() if case.get(key) != value}


def take(user: str, case_name: str, transition, department: str):
	"""Fill, save and act as ``user``, the way the form and its workflow buttons do."""
	with as_user(user):
		case = frappe.get_doc(CASE, case_name)
		values = needs(transition, case, department)
		if values:
			case.update(values)
			case.save()
		case = frappe.get_doc(CASE, case_name)
		offered = {t.action for t in get_transitions(case)}
		if transition.action not in offered:
			raise AssertionError(f"{transition.action!r} is not offered to {user} ({sorted(offered)})")
		return apply_workflow(case, transition.action)


def path_to(state: str) -> list:
	"""The shortest way to ``state`` from the first state, preferring actions without conditions."""
	first = get_workflow(CASE).states[0].state
	# routing is offered once a department is chosen, which the walk fills as the dispatcher does (needs)
	fillable = (wn.state("routed"),)
	for allowed in (lambda t: not t.condition or t.next_state in fillable, lambda t: True):
		steps = {first: []}
		queue = deque([first])
		while queue:
			here = queue.popleft()
			for t in transitions():
				if t.state == here and t.next_state not in steps and allowed(t):
					steps[t.next_state] = [*steps[here], t]
					queue.append(t.next_state)
		if state in steps:
			return steps[state]
	raise AssertionError(f"state {state!r} cannot be reached in the live workflow")


class TestEveryTransitionByItsRole(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.handler = make_user([DEPARTMENT_HANDLER])
		cls.department = make_department(cls.tree.town_a, handlers=(cls.handler,))
		cls.users = {}

	def tearDown(self):
		frappe.set_user("Administrator")

	def user_for(self, role: str, case) -> str:
		"""A user holding only ``role``, where that role works on the case."""
		if role == DEPARTMENT_HANDLER:
			return self.handler
		key = (role, case.current_center)
		if key not in self.users:
			self.users[key] = make_user([role], case.current_center)
		return self.users[key]

	def case_in(self, state: str) -> str:
		# a township case: it has a centre above (county) and one below (village) to move to
		name = make_case(self.tree.town_a, self.clerk).name
		for step in path_to(state):
			take("Administrator", name, step, self.department)
		self.assertEqual(frappe.db.get_value(CASE, name, "workflow_state"), state)
		return name

	def test_every_transition_by_each_allowed_role(self):
		walked = 0
		for t in transitions():
			with self.subTest(state=t.state, action=t.action, role=t.allowed):
				name = self.case_in(t.state)
				user = self.user_for(t.allowed, frappe.get_doc(CASE, name))
				try:
					done = take(user, name, t, self.department)
				except (frappe.ValidationError, frappe.PermissionError) as e:
					self.fail(
						f"{t.allowed} cannot take {t.action!r} from {t.state!r}: {type(e).__name__}: {e}"
					)
				finally:
					frappe.set_user("Administrator")
				self.assertEqual(done.workflow_state, t.next_state)
				self.assertEqual(frappe.db.get_value(CASE, name, "workflow_state"), t.next_state)
				walked += 1
		self.assertEqual(walked, len(transitions()))

	def test_a_moved_case_is_logged_by_the_role_that_moved_it(self):
		for t in transitions():
			if t.next_state != wn.state("handed_over"):
				continue
			with self.subTest(state=t.state, action=t.action, role=t.allowed):
				name = self.case_in(t.state)
				before = frappe.get_doc(CASE, name)
				user = self.user_for(t.allowed, before)
				target = target_for(t, before)
				take(user, name, t, self.department)
				frappe.set_user("Administrator")
				moved = frappe.get_doc(CASE, name)
				self.assertEqual(moved.current_center, target)
				self.assertEqual(moved.routing_log[-1].by_user, user)
				self.assertEqual(moved.routing_log[-1].from_center, before.current_center)


class TestDispatcherEscalatesOverHTTP(FrappeTestCase):
	"""The dispatcher's escalation of a failed mediation, through the REST API the desk form uses."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.village_a)
		cls.dispatcher = make_user(["ZZ Dispatcher"], cls.tree.village_a, with_api_key=True)
		cls.handler = make_user([DEPARTMENT_HANDLER])
		cls.department = make_department(cls.tree.village_a, handlers=(cls.handler,))
		cls.cases = {}
		for state in ("In Mediation", "Awaiting Party"):
			cls.cases[state] = make_case(cls.tree.village_a, cls.clerk).name
			for step in path_to(state):
				take("Administrator", cls.cases[state], step, cls.department)
		cls.key = api_credentials(cls.dispatcher)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for field, doctype in (("reference_name", "Comment"), ("document_name", "Notification Log")):
			frappe.db.delete(doctype, {field: ["in", list(cls.cases.values())]})
		frappe.db.delete("ZZ Department", {"name": cls.department})
		delete_committed(cls.tree, [cls.clerk, cls.dispatcher, cls.handler])
		super().tearDownClass()

	def test_village_dispatcher_sends_a_failed_mediation_up_to_the_township(self):
		for state, name in self.cases.items():
			with self.subTest(state=state):
				status, body = request(
					"PUT",
					f"/api/resource/{CASE}/{name}",
					self.key,
					body={"target_center": self.tree.town_a, "move_reason": "村级调解未果，报乡镇复诊"},
				)
				self.assertEqual(status, 200, body)
				status, body = request(
					"POST",
					M + "frappe.model.workflow.apply_workflow",
					self.key,
					body={"doc": {"doctype": CASE, "name": name}, "action": "Escalate Case"},
				)
				self.assertEqual(status, 200, body)
				frappe.db.rollback()  # see what the server committed
				case = frappe.get_doc(CASE, name)
				self.assertEqual(case.workflow_state, wn.state("handed_over"))
				self.assertEqual(case.current_center, self.tree.town_a)
				self.assertEqual(case.routing_log[-1].move, "Escalated")
				self.assertEqual(case.routing_log[-1].by_user, self.dispatcher)
				# the dispatcher's centre has handed the case on: it is the township's now
				status, _body = request("GET", f"/api/resource/{CASE}/{name}", self.key)
				self.assertEqual(status, 403)
