# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""跟踪回访: a call or visit after a case is resolved — how, whether the applicant is satisfied, whether
the agreement is kept — and, when they are not, a reasoned request to reopen the case."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from zongzhi_center.exceptions import FollowUpError
from zongzhi_center.services import followup


class ZZFollowupVisit(Document):
	def validate(self):
		self.visitor = self.visitor or frappe.db.get_value("ZZ Case", self.case, "first_receiver")
		if self.status == "Visited":
			self.visited_on = self.visited_on or now_datetime()
			if not (self.method and self.satisfaction):
				frappe.throw(
					_("Record how the visit was made and whether the applicant is satisfied."),
					exc=FollowUpError,
					title=_("Missing Information"),
				)
		if self.reopen_requested and not (self.reopen_reason or "").strip():
			frappe.throw(_("Write why the case should be reopened."), exc=FollowUpError)

	def on_update(self):
		followup.share_with_visitor(self)
		before = self.get_doc_before_save()
		if self.reopen_requested and not (before and before.reopen_requested):
			followup.request_reopen(self)
