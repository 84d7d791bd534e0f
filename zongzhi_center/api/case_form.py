"""Desk helper: the case form's extra data (services/case_form.py) for a form whose case came without it — a
workflow action answers with the saved case alone, not with what the form's load sends beside it."""

from __future__ import annotations

import frappe

from zongzhi_center.services import case_form


@frappe.whitelist()
def extras(case: str) -> dict:
	doc = frappe.get_doc("ZZ Case", case)
	doc.check_permission("read")
	return case_form.extras(doc)
