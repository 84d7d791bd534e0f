# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime

from zongzhi_center.exceptions import AttendanceNotOwnError, StaffPeriodError
from zongzhi_center.services.rota import ATTENDANCE_KEEPERS


class ZZStaffAttendance(Document):
	def validate(self):
		self.validate_own_record()
		self.validate_times()
		self.validate_unique()

	def validate_own_record(self):
		"""Staff check themselves in; a dispatcher or director records anyone (an absence, say)."""
		user = frappe.session.user
		if self.flags.ignore_permissions or user == "Administrator":
			return
		if set(frappe.get_roles(user)) & ATTENDANCE_KEEPERS:
			return
		if frappe.db.get_value("ZZ Stationed Staff", self.staff, "user") != user:
			frappe.throw(
				_("You can record only your own attendance."),
				exc=AttendanceNotOwnError,
				title=_("Not Permitted"),
			)

	def validate_times(self):
		if self.check_in and self.check_out and get_datetime(self.check_out) < get_datetime(self.check_in):
			frappe.throw(
				_("Check-out cannot be before check-in."), exc=StaffPeriodError, title=_("Invalid Time")
			)

	def validate_unique(self):
		# one record per half-day: a full-day record clashes with either half
		halves = (
			("Full Day", "Morning", "Afternoon")
			if self.half_day == "Full Day"
			else ("Full Day", self.half_day)
		)
		clash = frappe.db.exists(
			"ZZ Staff Attendance",
			{
				"staff": self.staff,
				"attendance_date": self.attendance_date,
				"half_day": ["in", halves],
				"name": ["!=", self.name],
			},
		)
		if clash:
			frappe.throw(
				_("Attendance for this staff member on {0} ({1}) is already recorded.").format(
					frappe.format(self.attendance_date, "Date"), _(self.half_day)
				),
				exc=StaffPeriodError,
				title=_("Already Recorded"),
			)
