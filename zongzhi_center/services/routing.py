"""Routing (四诊分调): moves of a case between centres and departments, each kept in its routing log.

Moves are made on the case form and through the Workflow's actions, not on a page of their own:
- assigning or transferring: the dispatcher sets the handling department or mediator and saves (a
  transfer needs a reason); the receiver answers by starting mediation or by returning the case;
- escalating to the centre above or sending down to a centre below: the dispatcher fills "Move to
  Center" and the reason, saves, and takes the Workflow's "Escalate Case" / "Send Down Case" action
  (their conditions offer them only for the parent centre / a child centre). The case waits at the new
  centre in state Handed Over until that centre's dispatcher takes "Accept Case";
- returning (退回): the receiver takes "Return Case" with a reason;
- the scheduled deadline job escalates an overdue case when its rule says so, and a case that is red
  at intake is registered straight at the red-case tier.
The first receiver (首问) keeps read access wherever the case goes and hears of every move.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.workflow import get_workflow_name
from frappe.utils import now_datetime
from frappe.utils.nestedset import get_ancestors_of

from zongzhi_center.exceptions import ConflictOfInterestError, MoveNotAllowedError, StateRequirementError
from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify
from zongzhi_center.utils import levels

CENTER_MOVES = ("Escalated", "Sent Down", "Auto-escalated")
AUTO_ESCALATED = "Auto-escalated"


def center_people(center: str | None, roles) -> list[str]:
	"""Enabled users with one of ``roles`` whose centre (User Permission) is ``center``."""
	if not center:
		return []
	# get_all: who works at a centre is looked up for notifications, whoever triggers them
	users = frappe.get_all(
		"User Permission", filters={"allow": "ZZ Center", "for_value": center}, pluck="user", distinct=True
	)
	if not users:
		return []
	with_role = frappe.get_all(
		"Has Role",
		filters={"parenttype": "User", "parent": ["in", users], "role": ["in", list(roles)]},
		pluck="parent",
		distinct=True,
	)
	enabled = frappe.get_all("User", filters={"name": ["in", with_role], "enabled": 1}, pluck="name")
	return sorted(enabled)


def require_reason(case, message: str):
	if not (case.move_reason or "").strip():
		frappe.throw(message, exc=StateRequirementError, title=_("Reason Missing"))


def log(case, move: str, **values):
	row = {
		"move": move,
		"moved_at": now_datetime(),
		"by_user": frappe.session.user,
		"from_center": case.current_center,
		"to_center": case.current_center,
		"reason": (case.move_reason or "").strip() or None,
	}
	row.update(values)
	case.append("routing_log", row)
	case.flags.zz_moved = True


def open_entry(case, moves=("Assigned", "Transferred")):
	"""The last move still waiting for the receiver's answer."""
	for row in reversed(case.routing_log):
		if row.move in moves and not row.answer:
			return row
	return None


def apply_moves(case, before):
	"""Called from the case's validate(): turns what changed on the form into moves and log entries."""
	case.flags.zz_moved = False  # flags live on the document object, which may be saved again
	handing_over = case.workflow_state == wn.state("handed_over") and (
		before is None or before.workflow_state != wn.state("handed_over")
	)
	if handing_over or case.flags.zz_move:
		apply_center_move(case)
	if before is None:
		return
	apply_assignment(case, before)
	apply_answer(case, before)


def apply_center_move(case):
	target = case.target_center
	if not target or target == case.current_center:
		frappe.throw(
			_("Choose the centre to move the case to (Move to Center), and save before this action."),
			exc=StateRequirementError,
			title=_("Missing Information"),
		)
	case.target_center = None
	move = case.flags.zz_move or None
	case.flags.zz_move = None  # consumed: a later save of the same object is no move
	if not move:
		if target in get_ancestors_of("ZZ Center", case.current_center):
			move = "Escalated"
		elif case.current_center in get_ancestors_of("ZZ Center", target):
			move = "Sent Down"
		else:
			frappe.throw(
				_(
					"A case moves up to a centre above its centre or down to one below it; {0} is neither."
				).format(frappe.bold(target)),
				exc=MoveNotAllowedError,
				title=_("Move Not Allowed"),
			)
	require_reason(case, _("Write the reason for moving the case to another centre."))
	level = frappe.db.get_value("ZZ Center", target, "level")
	log(case, move, to_center=target, from_department=case.handling_department)
	case.current_center = target
	if move == "Sent Down" or levels.rank(level) > levels.rank(case.tier):
		case.tier = level
	# the new centre's dispatcher chooses its own department and mediator; its clock starts now
	case.handling_department = None
	case.assigned_mediator = None
	case.clock_started_at = now_datetime()
	case.move_reason = None


def apply_assignment(case, before):
	changed = (case.handling_department, case.assigned_mediator) != (
		before.handling_department,
		before.assigned_mediator,
	)
	if not changed or not (case.handling_department or case.assigned_mediator) or case.flags.zz_moved:
		return
	refuse_party_department(case)
	transfer = bool(before.handling_department or before.assigned_mediator)
	if transfer:
		require_reason(
			case, _("Write the reason for transferring the case to another department or mediator.")
		)
	log(
		case,
		"Transferred" if transfer else "Assigned",
		from_department=before.handling_department,
		to_department=case.handling_department,
		to_mediator=case.assigned_mediator,
	)
	case.move_reason = None


DIRECTOR = wn.CENTER_DIRECTOR


def refuse_party_department(case):
	"""A case is not routed to a department it complains about, unless a director does it (and so approves)."""
	department = case.handling_department
	if not department or department not in {p.department for p in case.parties if p.get("department")}:
		return
	if DIRECTOR in frappe.get_roles() or is_unscoped(frappe.session.user):
		return
	frappe.throw(
		_("{0} is a party to this case: only a director may route the case to it.").format(
			frappe.bold(department)
		),
		exc=ConflictOfInterestError,
		title=_("Not Permitted"),
	)


def apply_answer(case, before):
	if before.workflow_state == wn.state("handed_over") and case.workflow_state != wn.state("handed_over"):
		entry = open_entry(case, CENTER_MOVES)
		if entry:
			entry.update(
				{"answer": "Accepted" if case.workflow_state != wn.state("not_accepted") else "Returned"}
			)
			entry.answered_at = now_datetime()
		return
	if (
		before.workflow_state != wn.state("routed")
		or case.workflow_state == wn.state("routed")
		or case.flags.zz_moved
	):
		return
	entry = open_entry(case)
	if case.workflow_state == wn.state("accepted"):
		# 退回: the receiver hands the case back with a reason
		require_reason(case, _("Write the reason for returning the case."))
		if entry:
			entry.update(
				{"answer": "Returned", "answered_at": now_datetime(), "answer_reason": case.move_reason}
			)
		log(case, "Returned", from_department=case.handling_department)
		case.handling_department = None
		case.assigned_mediator = None
		case.move_reason = None
	elif entry:
		entry.update({"answer": "Accepted", "answered_at": now_datetime()})


def after_save(case):
	"""Called from on_update: the first receiver hears of every move and of the closing."""
	if case.flags.zz_moved:
		last = case.routing_log[-1] if case.routing_log else None
		notify(
			[case.first_receiver],
			case,
			_("Case {0}: {1} to {2}").format(
				case.case_number, _(last.move), last.to_department or last.to_center
			)
			if last
			else _("Case {0} was moved").format(case.case_number),
		)
		if last and last.to_center != last.from_center:
			notify(
				center_people(last.to_center, (wn.DISPATCHER, wn.CENTER_DIRECTOR)),
				case,
				_("Case {0} has come to your centre").format(case.case_number),
				kind="Assignment",
			)


def can_hand_over(state: str) -> bool:
	"""Whether the Workflow lets a case in ``state`` be handed over to another centre at all (a case
	not yet accepted, say, is not escalated by the deadline job: it is reported overdue instead)."""
	workflow = frappe.get_cached_doc("Workflow", get_workflow_name("ZZ Case"))
	return any(t.state == state and t.next_state == wn.state("handed_over") for t in workflow.transitions)


def auto_escalate(case, breached) -> bool:
	"""Escalate an overdue case one tier (to its centre's parent). False at the top of the tree."""
	parent = frappe.db.get_value("ZZ Center", case.current_center, "parent_zz_center")
	if not parent or not can_hand_over(case.workflow_state):
		return False
	# stored first: the workflow checks the transition's condition against the stored case
	case.db_set("target_center", parent, update_modified=False)
	case.flags.zz_move = AUTO_ESCALATED
	case.move_reason = _("Overdue since {0}: escalated automatically by the deadline rule.").format(breached)
	case.escalated_for = breached
	case.workflow_state = wn.state("handed_over")
	case.save(ignore_permissions=True)
	notify(
		[case.first_receiver, *center_people(parent, (wn.DISPATCHER, wn.CENTER_DIRECTOR))],
		case,
		_("Case {0} was overdue and has been escalated to {1}").format(case.case_number, parent),
	)
	return True
