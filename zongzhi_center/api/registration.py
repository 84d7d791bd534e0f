"""Desk helpers for the window's quick registration (services/registration.py): the dialog's starting values,
registering a case in one request, and 受理 from the result."""

from __future__ import annotations

from typing import Any

import frappe

from zongzhi_center.services import registration


@frappe.whitelist()
def defaults() -> dict:
	return registration.defaults()


@frappe.whitelist(methods=["POST"])
def register(case: Any) -> dict:
	"""Register a case from the dialog's fields; every problem is reported at once and nothing is saved."""
	return registration.register(frappe.parse_json(case))


@frappe.whitelist(methods=["POST"])
def accept(case: str) -> dict:
	return registration.accept(case)
