# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from zongzhi_center.engine.deadlines import HOURS
from zongzhi_center.exceptions import InvalidRuleError
from zongzhi_center.services.rules import clear_cache


class ZZDeadlineRule(Document):
	def validate(self):
		if flt(self.accept_value) <= 0 and flt(self.resolve_value) <= 0:
			frappe.throw(
				_("Give the rule an accept-by limit, a resolve-by limit, or both."),
				exc=InvalidRuleError,
				title=_("No Time Limit"),
			)
		for value, unit, label in (
			(self.accept_value, self.accept_unit, _("Accept Within")),
			(self.resolve_value, self.resolve_unit, _("Resolve Within")),
		):
			if unit != HOURS and flt(value) != int(flt(value)):
				frappe.throw(
					_("{0}: working days are whole days; use working hours for parts of a day.").format(
						label
					),
					exc=InvalidRuleError,
					title=_("Invalid Time Limit"),
				)
		self.validate_grades()

	def validate_grades(self):
		moderate, serious = cint(self.moderate_after_days), cint(self.serious_after_days)
		if moderate and serious and serious <= moderate:
			frappe.throw(
				_("A case is seriously overdue later than it is moderately overdue."),
				exc=InvalidRuleError,
				title=_("Invalid Grades"),
			)

	def on_update(self):
		clear_cache()
		recheck_open_cases()

	def on_trash(self):
		clear_cache()
		recheck_open_cases()


def recheck_open_cases():
	# a changed rule may move any running case's deadline: the next deadline run looks at them all
	from zongzhi_center.services.sla import recheck_all

	recheck_all()
