# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

from frappe.model.document import Document

from zongzhi_center.services import workflow_names
from zongzhi_center.services.rules import clear_cache


class ZZSettings(Document):
	def on_update(self):
		clear_cache()
		workflow_names.clear_cache()
		# the due-soon hours or the calendar may have changed: every running case is looked at again
		from zongzhi_center.services.sla import recheck_all

		recheck_all()
