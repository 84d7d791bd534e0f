"""Graded overdue (分级超期): what each grade a case reaches sets in motion, once per grade.

Due soon and overdue are told to the people handling the case; moderately overdue to the centre's
director as well; seriously overdue puts the case on the director's list and drafts a 督办函 to its
handling department, for the director to issue (a letter of the centre is the director's to send)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, cint, today

from zongzhi_center.engine.deadlines import GRADE_DUE_SOON, GRADE_MODERATE, GRADE_OVERDUE, GRADE_SERIOUS
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify

# list view colours of the grades (zz_case_list.js shows the same)
GRADE_COLOURS = {
	GRADE_DUE_SOON: "yellow",
	GRADE_OVERDUE: "orange",
	GRADE_MODERATE: "red",
	GRADE_SERIOUS: "purple",
}
# the ground of an overdue case's item on a 督办函 (ZZ Supervision Case)
OVERDUE_GROUND = "Overdue Case"


def act_on_grade(case, grade: str, rule) -> str | None:
	"""Called once, under the case's row lock, when the case first reaches ``grade``. ``case`` is its
	document or its row as the deadline job reads it (services/sla.py CaseRow): the same notices either
	way. Returns what the case's timeline is to note (an Info comment), for the caller to add: the job adds
	those of many cases at once."""
	from zongzhi_center.services.sla import overdue_recipients

	number = case.case_number
	if grade == GRADE_DUE_SOON:
		notify(
			handlers(case),
			case,
			_("Case {0} is due soon: its time limit ends {1}").format(number, due_text(case)),
		)
	elif grade == GRADE_OVERDUE:
		notify(overdue_recipients(case), case, _("Case {0} is overdue").format(number))
	elif grade == GRADE_MODERATE:
		# overdue_recipients names the centre's director
		notify(
			overdue_recipients(case),
			case,
			_("Case {0} is moderately overdue: its time limit ended {1}").format(number, due_text(case)),
		)
	elif grade == GRADE_SERIOUS:
		if isinstance(case, Document):
			frappe.db.set_value("ZZ Case", case.name, "on_director_list", 1, update_modified=False)
		# a row's caller stores it with the case's deadline fields
		case.on_director_list = 1
		notice = draft_supervision_notice(case)
		message = (
			_(
				"Case {0} is seriously overdue: it is on the director's list, and supervision notice {1} to its handling department is drafted"
			).format(number, notice)
			if notice
			else _("Case {0} is seriously overdue: it is on the director's list").format(number)
		)
		notify([*overdue_recipients(case), *directors(case)], case, message)
		return message
	return None


def handlers(case) -> list[str]:
	from zongzhi_center.services.sla import mediator_user

	return [case.first_receiver, case.get("assignee_user"), mediator_user(case)]


def directors(case) -> list[str]:
	from zongzhi_center.services.sla import people_at

	return people_at(case.current_center, (wn.CENTER_DIRECTOR,))


def due_text(case) -> str:
	from zongzhi_center.services.sla import running_against

	due = running_against(case)
	return frappe.format(due, "Datetime") if due else ""


def draft_supervision_notice(case) -> str | None:
	"""A draft 督办函 from the centre the case's handling department belongs to, to that department, with
	the case as an overdue item; None when the case has no handling department. A draft already holding
	the case is reused."""
	department = case.handling_department
	if not department:
		return None
	item = frappe.qb.DocType("ZZ Supervision Case")
	notice = frappe.qb.DocType("ZZ Supervision Notice")
	existing = (
		frappe.qb.from_(item)
		.join(notice)
		.on(notice.name == item.parent)
		.select(notice.name)
		.where(
			(item.case == case.name)
			& (item.ground == OVERDUE_GROUND)
			& (notice.docstatus == 0)
			& (notice.to_department == department)
		)
		.limit(1)
		.run(pluck=True)
	)
	if existing:
		return existing[0]
	reply_days = cint(frappe.db.get_single_value("ZZ Settings", "supervision_reply_days")) or 3
	# the validation reads the stored case: it is overdue, as the ground says
	frappe.db.set_value("ZZ Case", case.name, "is_overdue", 1, update_modified=False)
	doc = frappe.get_doc(
		{
			"doctype": "ZZ Supervision Notice",
			"issuing_center": frappe.db.get_value("ZZ Department", department, "center"),
			"to_department": department,
			"issued_on": today(),
			"reply_by": add_days(today(), reply_days),
			"required_action": _(
				"Explain in writing why the case is seriously overdue and what will be done, and resolve it without further delay."
			),
			"cases": [
				{
					"ground": OVERDUE_GROUND,
					"case": case.name,
					"case_number": case.case_number,
					"due_date": case.due_date,
					"sla_status": case.sla_status,
					"detail": _("Seriously Overdue"),
				}
			],
		}
	)
	# drafted by the scheduler for the director to issue: no user's permission applies
	doc.insert(ignore_permissions=True)
	return doc.name
