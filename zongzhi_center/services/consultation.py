"""吹哨报到 consultations: check-in and written replies by the summoned departments, their reply deadline
(the department's own in working days unless typed), their scores (on time, late, absent / missing), closing, the next standing consultation of a task force, and the
scheduled job that marks missed check-ins and replies."""

from __future__ import annotations

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import add_months, cint, get_datetime, now_datetime

from zongzhi_center.exceptions import ConsultationError
from zongzhi_center.permissions.case import department_handlers, handler_departments, is_unscoped
from zongzhi_center.services import rules
from zongzhi_center.services.notify import notify

RECURRENCE = {"Weekly": timedelta(weeks=1), "Fortnightly": timedelta(weeks=2)}


def apply_reply_days(doc):
	"""A summoned department with no typed reply deadline replies within its default reply days (部门报到:
	e.g. a written reply in 3 days), working days of the work calendar counted from its check-in deadline —
	the reply follows the check-in, which may be days after the summons. A deadline typed on the summons wins."""
	rows = [row for row in doc.departments if row.department and row.check_in_by and not row.task_due]
	if not rows:
		return
	# get_all: the department's setting applies whoever convenes
	days = dict(
		frappe.get_all(
			"ZZ Department",
			filters={"name": ["in", sorted({row.department for row in rows})]},
			fields=["name", "default_reply_days"],
			as_list=True,
		)
	)
	calendar = rules.work_calendar()
	for row in rows:
		if cint(days.get(row.department)) > 0:
			row.task_due = calendar.add_working_days(
				get_datetime(row.check_in_by), cint(days[row.department])
			)


def score(doc, now):
	"""Scores from the times: on time / late once done, absent / missing once the deadline passed."""
	for row in doc.departments:
		if row.checked_in_at:
			row.check_in_score = (
				"On Time" if get_datetime(row.checked_in_at) <= get_datetime(row.check_in_by) else "Late"
			)
		elif now > get_datetime(row.check_in_by):
			row.check_in_score = "Absent"
		else:
			row.check_in_score = ""
		if row.replied_at and row.task_due:
			row.reply_score = (
				"On Time" if get_datetime(row.replied_at) <= get_datetime(row.task_due) else "Late"
			)
		elif row.task_due and now > get_datetime(row.task_due):
			row.reply_score = "Missing"
		else:
			row.reply_score = ""


def summoned_row(doc, department: str, user: str):
	"""The department's row, if the user may answer for it (one of its handlers)."""
	if doc.status != "Open":
		frappe.throw(_("The consultation is closed."), exc=ConsultationError)
	row = next((r for r in doc.departments if r.department == department), None)
	if row is None:
		frappe.throw(_("{0} is not summoned to this consultation.").format(department), exc=ConsultationError)
	if not is_unscoped(user) and department not in handler_departments(user):
		frappe.throw(
			_("Only a handler of {0} checks in or replies for it.").format(department), frappe.PermissionError
		)
	return row


def check_in(name: str, department: str):
	doc = frappe.get_doc("ZZ Consultation", name)
	row = summoned_row(doc, department, frappe.session.user)
	if not row.checked_in_at:
		row.checked_in_at = now_datetime()
	doc.save(ignore_permissions=True)  # the handler's right to this row was checked above
	return doc


def reply(name: str, department: str, text: str):
	if not (text or "").strip():
		frappe.throw(_("Write the reply."), exc=ConsultationError, title=_("Reply Missing"))
	doc = frappe.get_doc("ZZ Consultation", name)
	row = summoned_row(doc, department, frappe.session.user)
	row.reply = text.strip()
	row.replied_at = row.replied_at or now_datetime()
	doc.save(ignore_permissions=True)
	return doc


def close(name: str):
	doc = frappe.get_doc("ZZ Consultation", name)
	doc.check_permission("write")
	if doc.status == "Closed":
		frappe.throw(_("The consultation is already closed."), exc=ConsultationError)
	doc.status = "Closed"
	doc.save()
	return schedule_next(doc)


def schedule_next(doc):
	"""A standing consultation (a task force's, say) creates its next meeting when it closes."""
	if not doc.recurrence:
		return None
	meeting = get_datetime(doc.meeting_time)
	shift = add_months(meeting, 1) - meeting if doc.recurrence == "Monthly" else RECURRENCE[doc.recurrence]
	successor = frappe.copy_doc(doc)
	successor.status = "Open"
	successor.previous_consultation = doc.name
	successor.meeting_time = meeting + shift
	successor.minutes = None
	successor.decisions = None
	for row in successor.cases:
		row.decision = None
	for row in successor.departments:
		row.check_in_by = get_datetime(row.check_in_by) + shift
		row.task_due = row.task_due and get_datetime(row.task_due) + shift
		row.checked_in_at = row.replied_at = row.reply = None
		row.check_in_score = row.reply_score = ""
	return successor.insert()


# how long before the check-in deadline the summoned handlers are reminded
REMIND_BEFORE = timedelta(hours=1)


def update_open(now=None, commit: bool = True) -> int:
	"""Scheduled: remind departments whose check-in is due within the hour, and mark check-ins and
	replies whose time has passed. Saves only what changed; each reminder is sent once."""
	now = now or now_datetime()
	changed = 0
	# get_all: the scheduler looks at every centre's consultations
	for name in frappe.get_all("ZZ Consultation", filters={"status": "Open"}, pluck="name"):
		doc = frappe.get_doc("ZZ Consultation", name)
		before = [(r.check_in_score, r.reply_score, r.reminded_at) for r in doc.departments]
		score(doc, now)
		remind(doc, now)
		if before != [(r.check_in_score, r.reply_score, r.reminded_at) for r in doc.departments]:
			for row in doc.departments:
				row.db_update()
			changed += 1
			if commit:
				frappe.db.commit()
	return changed


def remind(doc, now):
	for row in doc.departments:
		due = get_datetime(row.check_in_by)
		if row.checked_in_at or row.reminded_at or not (now <= due <= now + REMIND_BEFORE):
			continue
		row.reminded_at = now
		notify(
			department_handlers([row.department]),
			doc,
			_("Check in to {0} by {1} (吹哨报到)").format(doc.title, frappe.format(due, "Datetime")),
		)
