# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from zongzhi_center.engine.risk import split_keywords
from zongzhi_center.exceptions import InvalidRuleError
from zongzhi_center.services.rules import clear_cache


class ZZRiskRule(Document):
	def validate(self):
		self.keywords = "\n".join(split_keywords(self.keywords)) or None
		has_condition = (
			self.categories
			or self.source
			or self.keywords
			or cint(self.min_parties)
			or flt(self.min_amount)
			or cint(self.min_repeat_visits)
		)
		if not has_condition:
			frappe.throw(
				_("Give the rule at least one condition; a rule without conditions would colour every case."),
				exc=InvalidRuleError,
				title=_("No Condition"),
			)

	def on_update(self):
		clear_cache()

	def on_trash(self):
		clear_cache()
