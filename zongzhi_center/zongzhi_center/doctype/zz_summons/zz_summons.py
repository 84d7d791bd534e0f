# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, getdate, now_datetime, time_diff_in_seconds

from zongzhi_center.exceptions import StaffPeriodError, SummonsResponseError
from zongzhi_center.permissions.case import is_unscoped


class ZZSummons(Document):
	def before_insert(self):
		self.summoned_by = frappe.session.user
		self.summoned_at = now_datetime()
		self.response = "Pending"
		self.responded_at = None
		self.response_minutes = None

	def validate(self):
		self.validate_staff_active()
		self.record_response()

	def validate_staff_active(self):
		active_to = frappe.db.get_value("ZZ Stationed Staff", self.staff, "active_to")
		if active_to and getdate(active_to) < getdate():
			frappe.throw(
				_("{0} is no longer stationed at the centre.").format(
					frappe.bold(
						frappe.db.get_value("ZZ Stationed Staff", self.staff, "full_name") or self.staff
					)
				),
				exc=StaffPeriodError,
				title=_("Not Stationed"),
			)

	def record_response(self):
		before = self.get_doc_before_save()
		if self.is_new() or not before or before.response == self.response:
			return
		user = frappe.session.user
		if user != self.staff_user and not is_unscoped(user):
			frappe.throw(
				_("Only the summoned staff member answers a summons."),
				exc=SummonsResponseError,
				title=_("Not Permitted"),
			)
		if before.response != "Pending":
			frappe.throw(_("This summons has already been answered."), exc=SummonsResponseError)
		if self.response == "Declined" and not (self.decline_reason or "").strip():
			frappe.throw(
				_("Write the reason for declining."), exc=SummonsResponseError, title=_("Reason Missing")
			)
		self.responded_at = now_datetime()
		self.response_minutes = round(
			time_diff_in_seconds(self.responded_at, get_datetime(self.summoned_at)) / 60, 1
		)
