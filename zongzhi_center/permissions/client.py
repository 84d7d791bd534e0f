"""Frappe's generic client methods, where Frappe 15 itself skips the permission checks.

`frappe.client.get_count` counts with `frappe.db.count`: every row of the table, whoever asks, so any
logged-in user could count another centre's cases. It is replaced (hooks.override_whitelisted_methods)
by a count through `frappe.get_list`, which applies roles, User Permissions (the centre subtree) and the
permission query conditions, exactly as the list view's own count does.
"""

import frappe
from frappe.client import get_safe_filters


@frappe.whitelist()
def get_count(
	doctype: str,
	filters: dict | list | str | None = None,
	debug: bool = False,
	cache: bool = False,
) -> int:
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=[f"count(`tab{doctype}`.`name`) as total_count"],
		order_by=None,
		limit_page_length=0,
	)
	return rows[0].total_count if rows else 0
