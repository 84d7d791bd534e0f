"""跟踪回访 on the site: visits scheduled when a case is resolved, on the days ZZ Settings name (moved to
the next working day of the work calendar), assigned to the case's first receiver, who may then open and
record it; a visit that asks to reopen the case reopens it when its author may, and tells the centre's
director otherwise."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow, get_transitions
from frappe.utils import getdate, now_datetime

from zongzhi_center.engine import followup
from zongzhi_center.services import rules
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify

# the case states after which the centre calls back
RESOLVED_STATES = ("resolved", "unresolved", "referred_to_court")


def schedule(case) -> list[str]:
	"""Create the case's follow-up visits once, when it is first resolved. Returns their names."""
	if case.workflow_state not in wn.states(*RESOLVED_STATES) or frappe.db.exists(
		"ZZ Follow-up Visit", {"case": case.name}
	):
		return []
	text = frappe.db.get_single_value("ZZ Settings", "follow_up_offsets")
	try:
		offsets = followup.parse_offsets(text)
	except ValueError:
		frappe.log_error(title=_("Follow-up visit days in ZZ Settings are not numbers: {0}").format(text))
		return []
	dates = followup.visit_dates(getdate(now_datetime()), offsets, rules.work_calendar())
	names = []
	for day in dates:
		visit = frappe.get_doc(
			{
				"doctype": "ZZ Follow-up Visit",
				"case": case.name,
				"due_date": day,
				"visitor": case.first_receiver,
			}
		).insert(ignore_permissions=True)  # made by the system, for the case's own first receiver
		names.append(visit.name)
	return names


def share_with_visitor(visit):
	"""Whoever a visit is assigned to records it: a document share (read and write) for the visitor, as
	for the case's first receiver. A role need not have rights on visits (a grid worker has none), and the
	case may have climbed out of the visitor's centre. A visit handed to someone else goes with its share."""
	before = visit.get_doc_before_save()
	previous = before.visitor if before else None
	if before and previous == visit.visitor:
		return
	if previous:
		frappe.share.remove(
			visit.doctype,
			visit.name,
			previous,
			flags={"ignore_share_permission": True, "ignore_permissions": True},
		)
	if visit.visitor and visit.visitor not in ("Administrator", "Guest"):
		frappe.share.add_docshare(
			visit.doctype, visit.name, visit.visitor, read=1, write=1, flags={"ignore_share_permission": True}
		)


def request_reopen(visit):
	case = frappe.get_doc("ZZ Case", visit.case)
	note = _("Follow-up visit {0} asks to reopen the case: {1}").format(
		frappe.get_desk_link(visit.doctype, visit.name), visit.reopen_reason
	)
	case.add_comment("Info", note)
	if any(t.action == wn.action("reopen") for t in get_transitions(case)):
		case.move_reason = visit.reopen_reason
		apply_workflow(case, wn.action("reopen"))
		return
	from zongzhi_center.services.routing import center_people

	notify(
		center_people(case.current_center, (wn.CENTER_DIRECTOR,)),
		case,
		_("Case {0}: a follow-up visit asks to reopen it.").format(case.case_number),
	)
