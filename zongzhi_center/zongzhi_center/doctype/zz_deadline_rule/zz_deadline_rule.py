# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt

from zongzhi_center.engine.deadlines import DAYS
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
			if unit == DAYS and flt(value) != int(flt(value)):
				frappe.throw(
					_("{0}: working days are whole days; use working hours for parts of a day.").format(
						label
					),
					exc=InvalidRuleError,
					title=_("Invalid Time Limit"),
				)

	def on_update(self):
		clear_cache()

	def on_trash(self):
		clear_cache()
