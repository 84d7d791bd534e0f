# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from zongzhi_center.engine.worktime import CalendarError
from zongzhi_center.exceptions import InvalidRuleError
from zongzhi_center.services.rules import calendar_from_doc, clear_cache


class ZZWorkCalendar(Document):
	def validate(self):
		self.validate_days()
		try:
			calendar_from_doc(self)
		except CalendarError:
			frappe.throw(
				_(
					"Working periods must each end after they start and must not overlap, e.g. 08:30–12:00 and 14:00–17:30."
				),
				exc=InvalidRuleError,
				title=_("Invalid Working Hours"),
			)

	def validate_days(self):
		seen = {}
		for row in self.days:
			day = getdate(row.day)
			if day in seen:
				frappe.throw(
					_("Rows {0} and {1} are for the same date.").format(seen[day], row.idx),
					exc=InvalidRuleError,
					title=_("Duplicate Date"),
				)
			seen[day] = row.idx

	def on_update(self):
		clear_cache()
		# a holiday added or removed moves deadlines: every running case is looked at again
		from zongzhi_center.services.sla import recheck_all

		recheck_all()
