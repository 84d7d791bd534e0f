# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from zongzhi_center.exceptions import StaffPeriodError


class ZZStationedStaff(Document):
	def validate(self):
		self.validate_period()
		self.validate_rota()
		if self.user and not self.full_name:
			self.full_name = frappe.db.get_value("User", self.user, "full_name")

	def validate_period(self):
		if self.active_to and getdate(self.active_to) < getdate(self.active_from):
			frappe.throw(
				_("The active period cannot end before it starts."),
				exc=StaffPeriodError,
				title=_("Invalid Period"),
			)

	def validate_rota(self):
		if self.mode != "Rotating":
			self.set("duty_rota", [])
			return
		if not self.duty_rota:
			frappe.throw(
				_("Rotating staff need a duty rota: add the weekdays and half-days they are on duty."),
				exc=StaffPeriodError,
				title=_("Duty Rota Missing"),
			)
		seen = set()
		for row in self.duty_rota:
			key = (row.weekday, row.half_day)
			if key in seen:
				frappe.throw(
					_("Row {0}: {1} {2} is in the rota twice.").format(
						row.idx, _(row.weekday), _(row.half_day)
					),
					exc=StaffPeriodError,
				)
			seen.add(key)
