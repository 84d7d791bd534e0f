# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""风险研判会: a centre's meeting on its risky cases. Build Agenda lists the open cases of the centre and the
centres below it that are red or orange, overdue, repeat petitions or flagged for the meeting, and the cases,
open or closed, whose agreement has a missed obligation (only those the user may see). The meeting records who attended, its decision on each case and the follow-up actions;
submitting it writes each decision and action on the case's timeline and assigns each action with a
responsible user to them (a ToDo with the due date)."""

import frappe
from frappe import _
from frappe.desk.form import assign_to
from frappe.model.document import Document
from frappe.utils import escape_html, formatdate, getdate
from frappe.utils.nestedset import get_descendants_of

from zongzhi_center.exceptions import RiskMeetingError
from zongzhi_center.services.case_states import closed_case_states

RISK_COLORS = ("Red", "Orange")
COLOR_RANK = {"Red": 0, "Orange": 1, "Yellow": 2, "Green": 3}


class ZZRiskAssessmentMeeting(Document):
	def validate(self):
		self.validate_agenda()
		self.validate_follow_ups()

	def before_submit(self):
		if not self.agenda:
			frappe.throw(_("The meeting has no case on its agenda."), exc=RiskMeetingError)
		for row in self.agenda:
			if not (row.decision or "").strip():
				frappe.throw(
					_("Row {0}: record the meeting's decision on case {1}.").format(row.idx, row.case_number),
					exc=RiskMeetingError,
				)

	def on_submit(self):
		for row in self.agenda:
			case = frappe.get_doc("ZZ Case", row.case)
			case.add_comment("Comment", self.timeline_text(row))
			self.assign_follow_up(row)

	def on_cancel(self):
		for row in self.agenda:
			if row.todo and frappe.db.get_value("ToDo", row.todo, "status") == "Open":
				todo = frappe.get_doc("ToDo", row.todo)
				todo.status = "Cancelled"
				todo.save(ignore_permissions=True)
			frappe.get_doc("ZZ Case", row.case).add_comment(
				"Info",
				_(
					"Risk assessment meeting {0} was cancelled; its decision on this case no longer stands."
				).format(frappe.get_desk_link(self.doctype, self.name)),
			)

	@frappe.whitelist()
	def build_agenda(self) -> int:
		"""Add the centre's open red/orange, overdue, repeat-petition and flagged cases to the agenda (cases
		already on it keep their decisions; their reasons are refreshed). Returns how many were added."""
		if not self.center:
			frappe.throw(_("Choose the centre first."), exc=RiskMeetingError)
		rows = {row.case: row for row in self.agenda}
		added = 0
		for case in agenda_cases(self.center):
			values = {
				"case": case.name,
				"case_number": case.case_number,
				"case_title": case.title,
				"risk_color": case.risk_color,
				"reasons": "、".join(_(reason) for reason in case.reasons),
			}
			if case.name in rows:
				rows[case.name].update(values)
			else:
				self.append("agenda", values)
				added += 1
		return added

	# ------------------------------------------------------------------ steps
	def validate_agenda(self):
		centers = set(subtree(self.center))
		seen = set()
		for row in self.agenda:
			if row.case in seen:
				frappe.throw(
					_("Row {0}: the case is on the agenda twice.").format(row.idx), exc=RiskMeetingError
				)
			seen.add(row.case)
			case = frappe.db.get_value(
				"ZZ Case", row.case, ["case_number", "title", "current_center", "risk_color"], as_dict=True
			)
			if not case:
				frappe.throw(
					_("Row {0}: case {1} not found.").format(row.idx, row.case), exc=RiskMeetingError
				)
			if case.current_center not in centers:
				frappe.throw(
					_("Row {0}: case {1} is not handled by {2} or a centre below it.").format(
						row.idx, case.case_number, self.center
					),
					exc=RiskMeetingError,
				)
			if not frappe.has_permission("ZZ Case", "read", row.case):
				frappe.throw(
					_("Row {0}: you may not see case {1}.").format(row.idx, case.case_number),
					exc=frappe.PermissionError,
				)
			row.case_number = case.case_number
			row.case_title = case.title
			row.risk_color = row.risk_color or case.risk_color

	def validate_follow_ups(self):
		for row in self.agenda:
			if row.action_due_date and getdate(row.action_due_date) < getdate(self.meeting_date):
				frappe.throw(
					_("Row {0}: the follow-up action is due before the meeting.").format(row.idx),
					exc=RiskMeetingError,
				)
			if row.responsible_user and not row.follow_up_action:
				frappe.throw(
					_("Row {0}: say what the responsible user is to do.").format(row.idx),
					exc=RiskMeetingError,
				)
			if row.responsible_user and not frappe.has_permission(
				"ZZ Case", "read", row.case, user=row.responsible_user
			):
				frappe.throw(
					_("Row {0}: {1} may not see case {2}; choose someone who handles it.").format(
						row.idx, row.responsible_user, row.case_number
					),
					exc=RiskMeetingError,
				)

	def timeline_text(self, row) -> str:
		lines = [
			_("Risk assessment meeting {0} ({1}) discussed this case: {2}.").format(
				frappe.get_desk_link(self.doctype, self.name),
				formatdate(self.meeting_date),
				escape_html(row.reasons or _(row.risk_color or "")),
			),
			_("Decision: {0}").format(escape_html(row.decision)),
		]
		if row.follow_up_action:
			details = [
				_("responsible: {0}").format(escape_html(frappe.utils.get_fullname(row.responsible_user)))
				if row.responsible_user
				else "",
				_("department: {0}").format(escape_html(row.responsible_department))
				if row.responsible_department
				else "",
				_("due by {0}").format(formatdate(row.action_due_date)) if row.action_due_date else "",
			]
			lines.append(
				_("Follow-up action: {0}").format(escape_html(row.follow_up_action))
				+ "".join(f"；{d}" for d in details if d)
			)
		return "<br>".join(lines)

	def assign_follow_up(self, row):
		if not (row.responsible_user and row.follow_up_action):
			return
		filters = {
			"reference_type": "ZZ Case",
			"reference_name": row.case,
			"allocated_to": row.responsible_user,
			"status": "Open",
		}
		already = frappe.db.exists("ToDo", filters)
		args = {
			"assign_to": [row.responsible_user],
			"doctype": "ZZ Case",
			"name": row.case,
			"description": _("Risk assessment meeting {0}: {1}").format(self.name, row.follow_up_action),
			"priority": "High" if row.risk_color == "Red" else "Medium",
		}
		if row.action_due_date:
			args["date"] = row.action_due_date
		assign_to.add(args)
		if not already:
			row.db_set("todo", frappe.db.get_value("ToDo", filters, "name", order_by="creation desc"))


def subtree(center: str | None) -> list[str]:
	if not center:
		return []
	return [center, *get_descendants_of("ZZ Center", center, ignore_permissions=True)]


def agenda_cases(center: str) -> list[frappe._dict]:
	"""The open cases of ``center`` and the centres below it that the meeting should discuss, with why:
	red or orange, overdue, repeat petitions (marked so, or visited more than once), flagged for the
	meeting; and its cases with a missed obligation, closed or not (the committee supervises performance
	after the case closes). Only the cases the current user may see (get_list); reddest and overdue first."""
	has_repeat_flag = frappe.get_meta("ZZ Case").has_field("is_repeat_petition")
	fields = [
		"name",
		"case_number",
		"title",
		"risk_color",
		"is_overdue",
		"repeat_visits",
		"for_risk_meeting",
		"obligation_missed",
	]
	or_filters = [
		["risk_color", "in", RISK_COLORS],
		["is_overdue", "=", 1],
		["repeat_visits", ">", 0],  # the person has come before
		["for_risk_meeting", "=", 1],
	]
	if has_repeat_flag:
		fields.append("is_repeat_petition")
		or_filters.append(["is_repeat_petition", "=", 1])
	cases = frappe.get_list(
		"ZZ Case",
		filters=[
			["current_center", "in", subtree(center)],
			["workflow_state", "not in", sorted(closed_case_states())],
		],
		or_filters=or_filters,
		fields=fields,
		limit_page_length=0,
		order_by="received_at asc",
	)
	listed = {case.name for case in cases}
	missed = frappe.get_list(
		"ZZ Case",
		filters=[["current_center", "in", subtree(center)], ["obligation_missed", "=", 1]],
		fields=fields,
		limit_page_length=0,
		order_by="received_at asc",
	)
	cases.extend(case for case in missed if case.name not in listed)
	for case in cases:
		case.reasons = agenda_reasons(
			case.risk_color,
			case.is_overdue,
			case.get("is_repeat_petition") or (case.repeat_visits or 0) > 0,
			case.for_risk_meeting,
			case.obligation_missed,
		)
	cases.sort(key=lambda c: (COLOR_RANK.get(c.risk_color, 4), not c.is_overdue))
	return cases


def agenda_reasons(
	risk_color: str | None, overdue, repeat_petition, flagged, obligation_missed=False
) -> list[str]:
	"""Why a case is on a risk meeting's agenda (untranslated labels)."""
	reasons = []
	if risk_color == "Red":
		reasons.append("Red Risk")
	elif risk_color == "Orange":
		reasons.append("Orange Risk")
	if overdue:
		reasons.append("Overdue")
	if repeat_petition:
		reasons.append("Repeat Petition")
	if flagged:
		reasons.append("Flagged for Meeting")
	if obligation_missed:
		reasons.append("Obligation Missed")
	return reasons
