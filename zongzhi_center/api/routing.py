"""Desk helper: the centres a case may be moved to (its centre's parent and children)."""

from __future__ import annotations

import frappe


@frappe.whitelist()
def move_targets(case: str) -> dict:
	doc = frappe.get_doc("ZZ Case", case)
	doc.check_permission("read")
	# get_all: the parent centre lies outside a township user's own centres, yet is where they escalate to
	up = frappe.db.get_value("ZZ Center", doc.current_center, "parent_zz_center")
	down = frappe.get_all(
		"ZZ Center",
		filters={"parent_zz_center": doc.current_center, "is_active": 1},
		pluck="name",
		order_by="name",
	)
	return {"up": up, "down": down}
