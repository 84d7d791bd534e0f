"""督办函 over time: a notice whose reply date has passed without a reply reads as such (the daily job in
hooks.py), for the issuing centre's lists and reports."""

import frappe
from frappe.utils import today


def mark_overdue_replies():
	"""Daily: issued notices past their reply date without a reply."""
	# get_all: the scheduler looks at every centre's notices
	for name in frappe.get_all(
		"ZZ Supervision Notice", filters={"status": "Issued", "reply_by": ["<", today()]}, pluck="name"
	):
		frappe.db.set_value("ZZ Supervision Notice", name, "status", "Reply Overdue", update_modified=False)
