# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""后续任务队列: work that must follow a saved record, written in the record's own transaction and done by the
drain (services/outbox.py). Rows are made by the app, never by hand; a System Manager reads them, and sets a
given-up row back to Waiting to have it tried again."""

import frappe
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now


class ZZOutbox(Document):
	def validate(self):
		from zongzhi_center.services import outbox

		# a row set back to Waiting by an administrator is tried again from now, with fresh attempts
		before = self.get_doc_before_save()
		if before and before.status != self.status and self.status == outbox.WAITING:
			self.attempts = 0
			self.next_attempt_at = None
			self.claim = None

	def on_update(self):
		from zongzhi_center.services import outbox

		if self.status == outbox.WAITING:
			outbox.ask_for_drain(outbox.LANES[self.effect])

	@staticmethod
	def clear_old_logs(days: int = 30) -> None:
		"""Log Settings: done work is forgotten after `days`; waiting and given-up work stays."""
		table = frappe.qb.DocType("ZZ Outbox")
		frappe.db.delete(
			table,
			filters=(table.status == "Done") & (table.done_at < (Now() - Interval(days=int(days or 30)))),
		)
