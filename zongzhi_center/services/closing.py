"""Answering and closing a case, and coming back to it.

- 当场办结: a window clerk answers a simple matter (the matter types ZZ Settings lists: legal
  consultation, out of the box) at once — the workflow's "Resolve on the Spot" takes the case from
  Registered straight to Closed, with the answer written in the outcome note. A case answered from
  Registered (that action, or "Handle at Once" for a green case) is counted as resolved on the spot.
- The written answer's time (``answered_at``) is what a 复查/复核 window runs from.
- 重新办理: within ZZ Settings' grace days of closing (``reopen_by`` on the case), the director reopens the
  case itself with the workflow's "Reopen Case"; afterwards the closed case stays closed and the matter
  continues in a new case linked to it, with the same parties.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import add_days, cint, format_date, get_datetime, now_datetime

from zongzhi_center.exceptions import ReopenError, StateRequirementError
from zongzhi_center.services import petitions, reviews
from zongzhi_center.services import workflow_names as wn

CASE = "ZZ Case"
# states in which the applicant has been given the answer
ANSWERING = ("resolved", "unresolved", "referred_to_court")
ON_THE_SPOT_OUTCOME = "Resolved"
REOPENED_FROM, REOPENED_AS = "Reopened From", "Reopened As"


def apply(case, before) -> None:
	"""From ZZ Case.validate, when the state changes: the answer's time, resolution on the spot, and how
	long a closed case may be reopened directly."""
	if before is None or before.workflow_state == case.workflow_state:
		return
	now = now_datetime()
	state, previous = case.workflow_state, before.workflow_state
	if previous == wn.state("registered") and state in wn.states("resolved", "closed"):
		resolve_on_the_spot(case, now)
	if state in wn.states(*ANSWERING):
		case.answered_at = now
	if state == wn.state("closed"):
		grace = cint(frappe.db.get_single_value("ZZ Settings", "reopen_grace_days"))
		case.reopen_by = add_days(now, grace) if grace > 0 else None
	elif previous == wn.state("closed"):
		case.reopen_by = None


def resolve_on_the_spot(case, now) -> None:
	case.resolved_on_the_spot = 1
	if case.workflow_state != wn.state("closed"):
		return  # "Handle at Once": resolved now, followed up and closed as any case
	if not (case.outcome_note or "").strip():
		frappe.throw(
			_(
				"Write the answer given to the applicant (Outcome Note) and save before resolving on the spot."
			),
			exc=StateRequirementError,
			title=_("Missing Information"),
		)
	case.outcome = case.outcome or ON_THE_SPOT_OUTCOME
	case.accepted_at = case.accepted_at or now
	case.resolved_at = now
	case.answered_at = now


# ---------------------------------------------------------------- 重新办理
def reopen(case_name: str, reason: str) -> dict:
	"""Reopen a closed case within its grace period (the workflow's "Reopen Case"), or after it continue
	the matter in a new linked case. Returns what was done, with the case to go to."""
	case = frappe.get_doc(CASE, case_name)
	case.check_permission("read")
	if case.workflow_state != wn.state("closed"):
		frappe.throw(
			_("Only a closed case is reopened; case {0} is {1}.").format(
				frappe.bold(case.case_number), _(case.workflow_state)
			),
			exc=ReopenError,
			title=_("Not Closed"),
		)
	if not (reason or "").strip():
		frappe.throw(
			_("Write why the case is taken up again."),
			exc=frappe.MandatoryError,
			title=_("Missing Information"),
		)
	reviews.refuse_while_under_review(case)
	if case.reopen_by and get_datetime(case.reopen_by) >= now_datetime():
		return reopen_within_grace(case, reason)
	return continue_in_new_case(case, reason)


def reopen_within_grace(case, reason: str) -> dict:
	action = wn.action("reopen")
	if action not in {t.action for t in get_transitions(case)}:
		raise frappe.PermissionError(_("Only a centre director may reopen a closed case."))
	case.add_comment("Info", _("Reopened within the grace period: {0}").format(reason.strip()))
	done = apply_workflow(case, action)
	return {
		"reopened": True,
		"name": done.name,
		"case_number": done.case_number,
		"message": _("Case {0} is reopened.").format(done.case_number),
	}


def continue_in_new_case(case, reason: str) -> dict:
	if not frappe.has_permission(CASE, "create"):
		raise frappe.PermissionError(_("You are not allowed to register cases."))
	closed_on = next(
		(row.changed_at for row in reversed(case.state_history) if row.state == wn.state("closed")),
		case.reopen_by,
	)
	facts = "\n\n".join(
		[
			reason.strip(),
			_("Taken up again after case {0}; its facts:").format(case.case_number),
			case.facts or "",
		]
	)
	new = reviews.copy_case(case, case.title or "", facts)
	new.insert()
	petitions.add_link_rows(new, case.name, REOPENED_FROM, back=REOPENED_AS)
	grace = cint(frappe.db.get_single_value("ZZ Settings", "reopen_grace_days"))
	message = _(
		"Case {0} was closed on {1}, more than {2} days ago: it stays closed, and the matter continues in the new case {3}."
	).format(case.case_number, format_date(closed_on), grace, new.case_number)
	case.add_comment("Info", message)
	return {"reopened": False, "name": new.name, "case_number": new.case_number, "message": message}
