"""Which centres a user belongs to.

A user's centre is a User Permission on ZZ Center (an administrator sets it in the browser, on the user or
in User Permissions). Frappe adds every centre below it — ZZ Center is a tree — and applies it to each link
to ZZ Center: the case's current centre, a department's centre, and so on.
"""

import frappe
from frappe.core.doctype.user_permission.user_permission import get_user_permissions


def allowed_centers(user: str) -> set[str] | None:
	"""The centres the user may work in (their own and every one below), or None when they have none."""
	entries = get_user_permissions(user).get("ZZ Center") or []
	centers = {
		e.get("doc") for e in entries if not e.get("applicable_for") or e.get("applicable_for") == "ZZ Case"
	}
	return centers or None


def default_center(user: str) -> str | None:
	"""The user's own centre: their default ZZ Center permission, or the only one they have."""
	# get_all: the user's own permission records, read to fill a default, not shown to anyone
	rows = frappe.get_all(
		"User Permission",
		filters={"user": user, "allow": "ZZ Center"},
		fields=["for_value", "is_default"],
		order_by="is_default desc, creation asc",
	)
	if not rows:
		return None
	if rows[0].is_default or len(rows) == 1:
		return rows[0].for_value
	return None
