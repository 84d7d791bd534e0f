"""Routing without dead ends (分流交办): whom to give a case to, giving it in one step, and making sure
somebody can take it.

- 在岗人员 for a case: the staff on duty or on call at the case's centre, those who bring the expertise
  the case's category needs first (ZZ Case Category "Expertise Needed", its parent categories' too),
  each with the reason in words;
- one-step assignment: the dispatcher picks a person; the case gets the person and their department (the
  routing log records the assignment or transfer as a save of the form would), the person gets it in
  their to-do list, and a case waiting for routing is routed, all judged on the stored case;
- who can take a case: the users who may start mediation on it (the Workflow's roles for that action,
  the case's centre or department within their reach). A case routed where nobody can is flagged on the
  case and to the centre's dispatchers at once, not found when it goes overdue.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import getdate, now_datetime

from zongzhi_center.engine import rota as engine
from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.services import outbox, rota, rules
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify
from zongzhi_center.services.routing import center_people

CASE = "ZZ Case"
STAFF = "ZZ Stationed Staff"
# the states in which a case is given to a department or mediator: waiting for routing, or routed and
# waiting for the receiver's answer (a transfer)
ASSIGNABLE = ("accepted", "routed")


# ---------------------------------------------------------------- what a case needs


def needed_expertise(category: str | None) -> list[str]:
	"""The expertise a case of ``category`` needs: the category's own, then its parents'."""
	path = rules.category_path(category)
	if not path:
		return []
	# get_all: the category's configuration, the same for whoever asks
	rows = frappe.get_all(
		"ZZ Category Expertise",
		filters={"parenttype": "ZZ Case Category", "parent": ["in", path]},
		fields=["parent", "expertise", "idx"],
	)
	order = {name: i for i, name in enumerate(path)}
	needed: list[str] = []
	for row in sorted(rows, key=lambda r: (order[r.parent], r.idx)):
		if row.expertise not in needed:
			needed.append(row.expertise)
	return needed


# ---------------------------------------------------------------- who may route


def route_roles() -> set[str]:
	"""Roles the live Workflow lets route a case (its route action's rows)."""
	workflow = wn.live_workflow()
	route = wn.action("route")
	return {t.allowed for t in workflow.transitions if t.action == route} if workflow else set()


def check_may_route(case) -> None:
	"""The session user may give ``case`` (as stored) to someone: they may change it, hold a role the
	Workflow lets route, and the case is waiting for routing or routed."""
	user = frappe.session.user
	if not case.has_permission("write") or not (is_unscoped(user) or route_roles() & set(frappe.get_roles())):
		frappe.throw(
			_("You may not route case {0}.").format(case.case_number),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	if case.workflow_state not in wn.states(*ASSIGNABLE):
		frappe.throw(
			_(
				"Case {0} is {1}: it is given to a department or mediator after acceptance and before mediation starts."
			).format(case.case_number, _(case.workflow_state)),
			exc=frappe.ValidationError,
			title=_("Not Now"),
		)


def can_route(case) -> bool:
	try:
		check_may_route(case)
	except (frappe.PermissionError, frappe.ValidationError):
		frappe.clear_last_message()
		return False
	return True


# ---------------------------------------------------------------- 在岗人员 for a case


def for_case(case_name: str) -> dict:
	case = frappe.get_doc(CASE, case_name)
	case.check_permission("read")
	needed = needed_expertise(case.category)
	rows = rota.suggestions(case.current_center, now_datetime(), needed)
	staff = (
		{
			r.name: r
			for r in frappe.get_all(
				STAFF,
				filters={"name": ["in", [r["staff"] for r in rows]]},
				fields=["name", "department", "user"],
			)
		}
		if rows
		else {}
	)
	able = set(able_users({s.user for s in staff.values() if s.user}, taking_roles()))
	for row in rows:
		user = staff[row["staff"]].user
		row["department"] = staff[row["staff"]].department
		# a person whose desk user cannot start mediation on the case would leave it with nobody to take it
		row["can_take"] = bool(user in able and frappe.has_permission(CASE, "write", doc=case, user=user))
		row["reason"] = reason(row, case, needed)
		row["current"] = row["staff"] == case.assigned_mediator
	rows.sort(key=lambda r: not r["can_take"])  # stable: the ranking holds among those who can take it
	return {
		"category": case.category,
		"needed": needed,
		"rows": rows,
		"can_assign": can_route(case),
		"needs_reason": bool(case.handling_department or case.assigned_mediator),
	}


def reason(row: dict, case, needed: list[str]) -> str:
	"""Why the person is suggested, in words."""
	parts = []
	if row["matched_expertise"]:
		parts.append(
			_("brings {0}, which a {1} case needs").format("、".join(row["matched_expertise"]), case.category)
		)
	elif needed:
		parts.append(
			_("none of the expertise a {0} case needs ({1})").format(case.category, "、".join(needed))
		)
	else:
		parts.append(_("the category names no expertise"))
	parts.append(_("on duty now") if row["availability"] == engine.ON_DUTY else _("on call: to be summoned"))
	parts.append(_("{0} open cases").format(row["open_cases"]))
	if not row["can_take"]:
		parts.append(_("has no desk user who can start mediation on this case"))
	if row["staff"] == case.assigned_mediator:
		parts.append(_("already handles this case"))
	return "；".join(parts)


# ---------------------------------------------------------------- one-step assignment


def assign(case_name: str, staff_name: str, reason: str | None = None) -> dict:
	case = frappe.get_doc(CASE, case_name)  # judged on the stored case, not on what the form sent
	check_may_route(case)
	staff = staff_for_case(case, staff_name)
	if staff.name == case.assigned_mediator and staff.department == case.handling_department:
		frappe.throw(
			_("{0} already handles case {1}.").format(staff.full_name, case.case_number),
			exc=frappe.ValidationError,
			title=_("Nothing to Change"),
		)
	earlier = frappe.db.get_value(STAFF, case.assigned_mediator, "user") if case.assigned_mediator else None
	case.assigned_mediator = staff.name
	case.handling_department = staff.department
	case.move_reason = (reason or "").strip() or None
	case.save()  # as the dispatcher: the routing log, deadlines and every rule of a save apply
	# the assignees' notices are written with the assignment, not handed to the queue inside the request
	with outbox.frappe_notices_kept(case):
		if earlier and earlier != staff.user:
			assign_to.remove(CASE, case.name, earlier, ignore_permissions=True)
		if staff.user and frappe.has_permission(CASE, "read", doc=case, user=staff.user):
			assign_to.add(
				{
					"assign_to": [staff.user],
					"doctype": CASE,
					"name": case.name,
					"description": _("Case {0}: {1}").format(case.case_number, case.title),
				},
				ignore_permissions=True,
			)
	if case.workflow_state == wn.state("accepted") and wn.action("route") in {
		t.action for t in get_transitions(case)
	}:
		case = apply_workflow(case, wn.action("route"))
	return {
		"case": case.name,
		"workflow_state": case.workflow_state,
		"assigned_mediator": case.assigned_mediator,
		"handling_department": case.handling_department,
		"message": _("Case {0} was given to {1} ({2}).").format(
			case.case_number, staff.full_name, staff.department
		),
	}


def staff_for_case(case, staff_name: str):
	"""The stationed staff member, if the user may see them and they serve at the case's centre today."""
	if not staff_name or not frappe.db.exists(STAFF, staff_name):
		frappe.throw(_("Choose a stationed staff member."), frappe.DoesNotExistError)
	staff = frappe.get_doc(STAFF, staff_name)
	if not staff.has_permission("read"):
		frappe.throw(
			_("You may not see this staff member."), frappe.PermissionError, title=_("Not Permitted")
		)
	member = engine.Staff(
		name=staff.name,
		mode=staff.mode,
		active_from=getdate(staff.active_from) if staff.active_from else None,
		active_to=getdate(staff.active_to) if staff.active_to else None,
	)
	if staff.center != case.current_center or not member.active_on(getdate()):
		frappe.throw(
			_("{0} does not serve at {1} now: choose someone on its rota.").format(
				staff.full_name, case.current_center
			),
			exc=frappe.ValidationError,
			title=_("Not at This Centre"),
		)
	return staff


# ---------------------------------------------------------------- who can take a case


def taking_roles() -> set[str]:
	"""Roles the live Workflow lets start mediation on a routed case."""
	workflow = wn.live_workflow()
	if not workflow:
		return set()
	action, routed = wn.action("start_mediation"), wn.state("routed")
	return {t.allowed for t in workflow.transitions if t.action == action and t.state == routed}


def candidate_users(department: str | None, mediator: str | None = None) -> set[str]:
	"""The department's handlers, the users of its active staff, and the mediator's user."""
	users: set[str] = set()
	if department:
		# get_all: who works for a department is looked up whoever routes the case there
		users.update(
			frappe.get_all(
				"ZZ Department Handler",
				filters={"parenttype": "ZZ Department", "parentfield": "handlers", "parent": department},
				pluck="user",
			)
		)
		day = getdate()
		for row in frappe.get_all(
			STAFF,
			filters={"department": department, "user": ["is", "set"]},
			fields=["user", "active_from", "active_to"],
		):
			if (not row.active_from or getdate(row.active_from) <= day) and (
				not row.active_to or day <= getdate(row.active_to)
			):
				users.add(row.user)
	if mediator:
		user = frappe.db.get_value(STAFF, mediator, "user")
		if user:
			users.add(user)
	users.discard(None)
	return users


def able_users(users, roles: set[str]) -> list[str]:
	users = list(users)
	if not users or not roles:
		return []
	enabled = frappe.get_all("User", filters={"name": ["in", users], "enabled": 1}, pluck="name")
	with_role = frappe.get_all(
		"Has Role",
		filters={"parenttype": "User", "parent": ["in", enabled], "role": ["in", list(roles)]},
		pluck="parent",
		distinct=True,
	)
	return sorted(set(with_role))


def case_takers(case) -> list[str]:
	"""Users who can start mediation on ``case``: a taking role, and the case within their reach."""
	users = able_users(candidate_users(case.handling_department, case.assigned_mediator), taking_roles())
	return [u for u in users if frappe.has_permission(CASE, "write", doc=case, user=u)]


def department_takers(department) -> list[str]:
	"""Users who can take the department's cases: a taking role, and for a centre role the department's
	centre within their centres (a handler sees the department's cases wherever they are)."""
	from zongzhi_center.permissions.case import access_scope
	from zongzhi_center.permissions.centers import allowed_centers

	found = []
	for user in able_users(candidate_users(department.name), taking_roles()):
		scope = access_scope(user)
		if scope == "all":
			found.append(user)
		elif scope == "center":
			if department.center in (allowed_centers(user) or ()):
				found.append(user)
		elif scope == "department" and user in {row.user for row in department.handlers}:
			found.append(user)
	return found


def check_takers(case) -> None:
	"""On each save of a case: a routed case nobody can take is flagged at once, on the case and to the
	centre's dispatchers and directors; the flag goes when somebody can."""
	routed = case.workflow_state == wn.state("routed")
	nobody = bool(routed and not case_takers(case))
	if nobody == bool(case.get("nobody_to_take")):
		return
	case.db_set("nobody_to_take", int(nobody), update_modified=False)
	if not nobody:
		return
	target = case.handling_department or frappe.db.get_value(STAFF, case.assigned_mediator, "full_name")
	message = _(
		"Case {0} was routed to {1}, but nobody there can start mediation (no desk user with the role and the centre): route it elsewhere or give the department a user."
	).format(case.case_number, target)
	notify(center_people(case.current_center, (wn.DISPATCHER, wn.CENTER_DIRECTOR)), case, message)
	frappe.msgprint(message, title=_("Nobody Can Take the Case"), indicator="red")
