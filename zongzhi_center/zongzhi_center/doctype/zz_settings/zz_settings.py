# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

from frappe.model.document import Document

from zongzhi_center.services.rules import clear_cache


class ZZSettings(Document):
	def on_update(self):
		clear_cache()
