# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""督办函: a centre's written demand to a department, or to a centre below it, about its overdue cases —
the action required and the date to reply by. Issued (submitted) by a director; the recipients (the
department's handlers, the centre's directors and dispatchers) are told, see the notice, and reply."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, today
from frappe.utils.nestedset import get_descendants_of

from zongzhi_center.exceptions import SupervisionError
from zongzhi_center.permissions.case import department_handlers
from zongzhi_center.services.notify import notify


class ZZSupervisionNotice(Document):
	def validate(self):
		self.validate_recipient()
		if not self.cases:
			self.fill_overdue_cases()
		if not self.cases:
			frappe.throw(
				_("The department or centre has no overdue case to supervise."),
				exc=SupervisionError,
				title=_("Nothing to Supervise"),
			)
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

	def fill_overdue_cases(self):
		filters = {"is_overdue": 1}
		if self.to_department:
			filters["handling_department"] = self.to_department
		else:
			filters["current_center"] = [
				"in",
				[self.to_center, *get_descendants_of("ZZ Center", self.to_center)],
			]
		# get_list: the issuer lists only the cases they may see
		# (the rows' fetched fields are filled here: Frappe fetches before validate, which adds these rows)
		for row in frappe.get_list(
			"ZZ Case",
			filters=filters,
			fields=["name", "case_number", "due_date", "sla_status"],
			order_by="due_date asc",
		):
			self.append(
				"cases",
				{
					"case": row.name,
					"case_number": row.case_number,
					"due_date": row.due_date,
					"sla_status": row.sla_status,
				},
			)

	def recipients(self) -> list[str]:
		if self.to_department:
			return department_handlers([self.to_department])
		from zongzhi_center.services.routing import center_people

		return center_people(self.to_center, ("ZZ Center Director", "ZZ Dispatcher"))


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


def mark_overdue_replies():
	"""Daily: issued notices past their reply date without a reply."""
	# get_all: the scheduler looks at every centre's notices
	for name in frappe.get_all(
		"ZZ Supervision Notice", filters={"status": "Issued", "reply_by": ["<", today()]}, pluck="name"
	):
		frappe.db.set_value("ZZ Supervision Notice", name, "status", "Reply Overdue", update_modified=False)
