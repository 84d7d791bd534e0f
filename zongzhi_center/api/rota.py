"""Desk helpers for dispatchers: who is on duty, and whom to pick for a case."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from zongzhi_center.services import rota


def _require_staff_read():
	if not frappe.has_permission("ZZ Stationed Staff", "read"):
		frappe.throw(_("You may not see the stationed staff rota."), frappe.PermissionError)


@frappe.whitelist()
def on_duty(
	center: str | None = None, at: str | None = None, expertise: str | list | None = None
) -> list[dict]:
	"""Staff who can take a case at ``at`` (default now): on duty or on call, best expertise match
	first, then on duty before on call, then the lightest open workload."""
	_require_staff_read()
	if isinstance(expertise, str):
		expertise = frappe.parse_json(expertise) if expertise.startswith("[") else [expertise]
	return rota.suggestions(center, get_datetime(at) if at else now_datetime(), list(expertise or []))


@frappe.whitelist()
def day_roster(center: str | None = None, day: str | None = None) -> list[dict]:
	"""'Who is here today': each staff member's morning and afternoon."""
	_require_staff_read()
	return rota.roster(center, getdate(day) if day else getdate())


@frappe.whitelist(methods=["POST"])
def check_in_out() -> dict:
	"""考勤 for the session user's own stationed-staff record: check in, or check out if checked in."""
	return rota.check_in_out(frappe.session.user, now_datetime())


@frappe.whitelist()
def for_case(case: str) -> dict:
	"""在岗人员 for a case: who can take it now, those who bring what its category needs first, each with
	the reason; and whether the session user may give it to one of them."""
	_require_staff_read()
	from zongzhi_center.services import dispatch

	return dispatch.for_case(case)


@frappe.whitelist(methods=["POST"])
def assign(case: str, staff: str, reason: str | None = None) -> dict:
	"""Give the case to a stationed staff member and their department in one step (and route it when it
	waits for routing). A transfer from someone else needs ``reason``."""
	from zongzhi_center.services import dispatch

	return dispatch.assign(case, staff, reason)
