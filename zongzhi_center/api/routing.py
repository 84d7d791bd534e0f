"""Desk helper: the centres a case may be moved to (its centre's parent and children)."""

from __future__ import annotations

import frappe

from zongzhi_center.services import case_form


@frappe.whitelist()
def move_targets(case: str) -> dict:
	doc = frappe.get_doc("ZZ Case", case)
	doc.check_permission("read")
	return case_form.move_targets(doc)
