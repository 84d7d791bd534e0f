# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""督办函: a centre's written demand to a department, or to a centre below it — the action required and
the date to reply by — about items each with its own ground: an overdue case, a consultation check-in
missed (吹哨报到 not answered), a consultation reply late or missing, an agreement's obligation missed.
Issued (submitted) by a director; the recipients (the department's handlers, the centre's directors and
dispatchers) are told, see the notice, and reply. The printed letter states each item's ground."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, today
from frappe.utils.nestedset import get_descendants_of

from zongzhi_center.exceptions import SupervisionError
from zongzhi_center.permissions.case import department_handlers
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify

OVERDUE_CASE = "Overdue Case"
MISSED_CHECK_IN = "Missed Check-in"
LATE_REPLY = "Late or Missing Reply"
MISSED_OBLIGATION = "Missed Obligation"
CONSULTATION_GROUNDS = (MISSED_CHECK_IN, LATE_REPLY)


def notice_title(recipient: str | None, issued_on) -> str:
	return f"{recipient or ''} · {frappe.format(issued_on or today(), 'Date')}"


class ZZSupervisionNotice(Document):
	def validate(self):
		self.validate_recipient()
		# the letter is known by whom it is addressed to and when, wherever it is linked or listed
		self.title = notice_title(self.to_department or self.to_center, self.issued_on)
		if not self.cases:
			self.fill_items()
		if not self.cases:
			frappe.throw(
				_(
					"The department or centre has nothing to supervise: no overdue case, missed check-in or "
					"reply, or missed obligation."
				),
				exc=SupervisionError,
				title=_("Nothing to Supervise"),
			)
		self.validate_grounds()
		if getdate(self.reply_by) < getdate(self.issued_on or today()):
			frappe.throw(_("The reply date is before the date of issue."), exc=SupervisionError)

	def on_submit(self):
		self.db_set("status", "Issued")
		for user in self.recipients():
			frappe.share.add_docshare(
				self.doctype, self.name, user, read=1, flags={"ignore_share_permission": True}
			)
		notify(
			self.recipients(),
			self,
			_("Supervision notice from {0}: reply by {1}.").format(
				self.issuing_center, frappe.format(self.reply_by, "Date")
			),
		)
		for row in self.cases:
			if not row.case:
				continue
			frappe.get_doc("ZZ Case", row.case).add_comment(
				"Info",
				_("Supervision notice {0} issued.").format(frappe.get_desk_link(self.doctype, self.name)),
			)

	def on_cancel(self):
		self.db_set("status", "Cancelled")

	# ------------------------------------------------------------------ steps
	def validate_recipient(self):
		if bool(self.to_department) == bool(self.to_center):
			frappe.throw(
				_("Address the notice to one department or to one centre."),
				exc=SupervisionError,
				title=_("Recipient"),
			)
		below = get_descendants_of("ZZ Center", self.issuing_center)
		target = self.to_center or frappe.db.get_value("ZZ Department", self.to_department, "center")
		if target not in (*below, self.issuing_center) or self.to_center == self.issuing_center:
			frappe.throw(
				_("A centre supervises its own departments and the centres below it."),
				exc=SupervisionError,
				title=_("Recipient"),
			)

	def validate_grounds(self):
		"""Each item names what its ground is about, and an item said to be an overdue case is one: the
		letter must not claim a ground the record does not bear out."""
		for row in self.cases:
			if row.ground in CONSULTATION_GROUNDS and not row.consultation:
				frappe.throw(
					_("Row {0}: choose the consultation the department missed.").format(row.idx),
					exc=SupervisionError,
				)
			if row.ground not in CONSULTATION_GROUNDS and not row.case:
				frappe.throw(_("Row {0}: choose the case.").format(row.idx), exc=SupervisionError)
			if row.ground == OVERDUE_CASE and not frappe.db.get_value("ZZ Case", row.case, "is_overdue"):
				frappe.throw(
					_("Row {0}: case {1} is not overdue; choose the ground it is supervised on.").format(
						row.idx, row.case_number or row.case
					),
					exc=SupervisionError,
				)

	def fill_items(self):
		self.fill_overdue_cases()
		self.fill_consultation_misses()
		self.fill_missed_obligations()

	def case_scope(self) -> dict:
		if self.to_department:
			return {"handling_department": self.to_department}
		return {"current_center": ["in", [self.to_center, *get_descendants_of("ZZ Center", self.to_center)]]}

	def fill_overdue_cases(self):
		# get_list: the issuer lists only the cases they may see
		# (the rows' fetched fields are filled here: Frappe fetches before validate, which adds these rows)
		for row in frappe.get_list(
			"ZZ Case",
			filters={"is_overdue": 1, **self.case_scope()},
			fields=["name", "case_number", "due_date", "sla_status"],
			order_by="due_date asc",
		):
			self.append(
				"cases",
				{
					"ground": OVERDUE_CASE,
					"case": row.name,
					"case_number": row.case_number,
					"due_date": row.due_date,
					"sla_status": row.sla_status,
				},
			)

	def fill_consultation_misses(self):
		"""Summoned departments (the one addressed, or those of the centres addressed) that did not check in,
		or replied late or not at all (吹哨报到 scores, services/consultation.py)."""
		if self.to_department:
			departments = [self.to_department]
		else:
			# get_all: which departments belong to the centres; the consultations below are listed with get_list
			departments = frappe.get_all(
				"ZZ Department",
				filters={
					"center": ["in", [self.to_center, *get_descendants_of("ZZ Center", self.to_center)]]
				},
				pluck="name",
			)
		if not departments:
			return
		summoned = "`tabZZ Consultation Department`"
		for row in frappe.get_list(
			"ZZ Consultation",
			filters=[["ZZ Consultation Department", "department", "in", departments]],
			fields=[
				"name",
				"title",
				f"{summoned}.department",
				f"{summoned}.check_in_by",
				f"{summoned}.check_in_score",
				f"{summoned}.task_due",
				f"{summoned}.reply_score",
			],
			order_by="meeting_time asc",
		):
			if row.department not in departments:
				continue
			if row.check_in_score == "Absent":
				self.add_consultation_item(MISSED_CHECK_IN, row, row.check_in_by)
			if row.reply_score in ("Late", "Missing"):
				self.add_consultation_item(LATE_REPLY, row, row.task_due)

	def add_consultation_item(self, ground: str, row, due):
		self.append(
			"cases",
			{
				"ground": ground,
				"consultation": row.name,
				"due_date": due,
				"detail": f"{row.title}（{row.department}）",
			},
		)

	def fill_missed_obligations(self):
		"""Cases in scope whose mediation agreement has an obligation past its due date, unfulfilled."""
		obligation = "`tabZZ Agreement Obligation`"
		missed = frappe.get_list(
			"ZZ Mediation Agreement",
			filters=[["docstatus", "=", 1], ["ZZ Agreement Obligation", "status", "=", "Overdue"]],
			fields=["case", f"{obligation}.due_date as obligation_due", f"{obligation}.content"],
			order_by=f"{obligation}.due_date asc",
		)
		if not missed:
			return
		cases = {
			c.name: c
			for c in frappe.get_list(
				"ZZ Case",
				filters={"name": ["in", list({m.case for m in missed})], **self.case_scope()},
				fields=["name", "case_number", "sla_status"],
			)
		}
		for m in missed:
			case = cases.get(m.case)
			if not case:
				continue
			self.append(
				"cases",
				{
					"ground": MISSED_OBLIGATION,
					"case": case.name,
					"case_number": case.case_number,
					"sla_status": case.sla_status,
					# the due date and the obligation as written: the letter words them in Chinese
					"detail": f"{m.obligation_due or ''} {(m.content or '')[:100]}".strip(),
				},
			)

	def recipients(self) -> list[str]:
		if self.to_department:
			return department_handlers([self.to_department])
		from zongzhi_center.services.routing import center_people

		return center_people(self.to_center, (wn.CENTER_DIRECTOR, wn.DISPATCHER))


@frappe.whitelist(methods=["POST"])
def reply(notice: str, text: str) -> str:
	"""A recipient answers the notice in writing. Returns the notice's new status."""
	doc = frappe.get_doc("ZZ Supervision Notice", notice)
	if frappe.session.user not in doc.recipients() or doc.docstatus != 1:
		frappe.throw(_("Only the recipients of an issued notice reply to it."), frappe.PermissionError)
	if not (text or "").strip():
		frappe.throw(_("Write the reply."), exc=SupervisionError)
	doc.db_set(
		{
			"reply": text.strip(),
			"replied_on": now_datetime(),
			"replied_by": frappe.session.user,
			"status": "Replied",
		}
	)
	notify([doc.owner], doc, _("Supervision notice answered by {0}.").format(frappe.session.user))
	return doc.status
