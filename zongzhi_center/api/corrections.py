"""更正 from the case form (services/corrections.py): each call checks the user's permission on the stored case."""

from __future__ import annotations

import frappe

from zongzhi_center.services import corrections


@frappe.whitelist()
def correction_form(case: str) -> dict:
	"""The fields of the case and of its parties a clerk may correct, as stored."""
	return corrections.form(case)


@frappe.whitelist(methods=["POST"])
def correct_case(case: str, values: dict | str, reason: str) -> dict:
	"""Correct typing mistakes in the correctable fields, with the reason, into the case's timeline."""
	return corrections.correct(case, frappe.parse_json(values) if isinstance(values, str) else values, reason)
