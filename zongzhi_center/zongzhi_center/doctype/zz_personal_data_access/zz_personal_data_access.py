# Copyright (c) 2026, Zongzhi Center contributors
# For license information, please see license.txt

"""查看留痕: one row each time a person's ID number, phone or address was shown in clear (services/vault.py).

The log is append-only: nobody edits or deletes a row, System Managers included; rows older than the retention
go only through Log Settings, and never before MIN_RETENTION_DAYS (the six months MLPS 2.0 asks for).
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import Interval
from frappe.query_builder.functions import Now

MIN_RETENTION_DAYS = 180


class AccessLogImmutableError(frappe.PermissionError):
	pass


class ZZPersonalDataAccess(Document):
	def validate(self):
		if not self.is_new():
			immutable()

	def on_trash(self):
		if not self.flags.zz_retention:
			immutable()

	@staticmethod
	def clear_old_logs(days: int = MIN_RETENTION_DAYS) -> None:
		table = frappe.qb.DocType("ZZ Personal Data Access")
		days = max(int(days or 0), MIN_RETENTION_DAYS)
		frappe.db.delete(table, filters=(table.accessed_at < (Now() - Interval(days=days))))


def immutable():
	frappe.throw(
		_("The personal data access log cannot be changed or deleted."),
		exc=AccessLogImmutableError,
		title=_("Not Permitted"),
	)
