"""Scheduled jobs may run twice at once (the scheduler starts a job while the last run still goes, or two
hosts run the scheduler): each acts on an item once by claiming it in the database, where only one claim can
win, together with what it does, and keeping both (a commit per item) before going on."""

import frappe


def claim(doctype: str, name: str, field: str, value) -> bool:
	"""Set `field` of the record to `value` unless it is set already: True for the one caller that set it.
	A second run setting the same waits on the record's row lock until the first commits, then finds it set."""
	frappe.db.sql(
		f"update `tab{doctype}` set `{field}` = %s where name = %s and `{field}` is null", (value, name)
	)
	return frappe.db.sql("select row_count()")[0][0] == 1


def lock(doctype: str, name: str) -> None:
	"""Hold the record's row until this transaction ends: a second run waits here, then reads what the
	first stored."""
	frappe.db.sql(f"select name from `tab{doctype}` where name = %s for update", (name,))


def keep():
	"""The item's claim and work kept before the next item (a test keeps its transaction to roll it back)."""
	if not frappe.flags.in_test:
		frappe.db.commit()
