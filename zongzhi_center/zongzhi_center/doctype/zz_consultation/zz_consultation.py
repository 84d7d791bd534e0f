# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime
from frappe.utils.nestedset import get_descendants_of

from zongzhi_center.exceptions import ConsultationError
from zongzhi_center.permissions.case import department_handlers
from zongzhi_center.services import access, consultation
from zongzhi_center.services.notify import notify


class ZZConsultation(Document):
	def before_insert(self):
		self.convened_by = frappe.session.user
		self.status = "Open"

	def validate(self):
		self.validate_cases()
		consultation.apply_reply_days(self)
		self.validate_departments()
		consultation.score(self, now_datetime())

	def validate_cases(self):
		subtree = {self.convening_center, *get_descendants_of("ZZ Center", self.convening_center)}
		seen = set()
		for row in self.cases:
			if row.case in seen:
				frappe.throw(
					_("Case {0} is listed twice.").format(row.case_number or row.case), exc=ConsultationError
				)
			seen.add(row.case)
			if frappe.db.get_value("ZZ Case", row.case, "current_center") not in subtree:
				frappe.throw(
					_(
						"Row {0}: a centre convenes on the cases of its own centre and the centres below it."
					).format(row.idx),
					exc=ConsultationError,
					title=_("Not Permitted"),
				)

	def validate_departments(self):
		seen = set()
		for row in self.departments:
			if row.department in seen:
				frappe.throw(
					_("Department {0} is summoned twice.").format(row.department), exc=ConsultationError
				)
			seen.add(row.department)
			if row.task_due and get_datetime(row.task_due) < get_datetime(row.check_in_by):
				frappe.throw(
					_("Row {0}: the reply is due before the check-in.").format(row.idx), exc=ConsultationError
				)

	def after_insert(self):
		for row in self.departments:
			notify(
				department_handlers([row.department]),
				self,
				_("Your department is summoned (吹哨报到) to {0}: check in by {1}").format(
					self.title, frappe.format(row.check_in_by, "Datetime")
				),
				kind="Assignment",
			)
		self.note_on_cases(_("Consultation convened: {0}").format(self.title))

	def on_update(self):
		before = self.get_doc_before_save()
		cases = {row.case for row in self.cases} | ({row.case for row in before.cases} if before else set())
		for case in cases:
			access.sync(case)
		if before and before.status == "Open" and self.status == "Closed":
			self.note_on_cases(
				_("Consultation closed: {0}. Decisions: {1}").format(
					self.title, self.decisions or _("none recorded")
				)
			)

	def case_docs(self):
		return [frappe.get_doc("ZZ Case", row.case) for row in self.cases]

	def note_on_cases(self, text: str):
		"""The consultation appears on each case's timeline."""
		for case in self.case_docs():
			case.add_comment("Info", text, comment_email=frappe.session.user)
