"""复查/复核 and 重新办理 from the case form: each call checks the user's permission on the stored case."""

from __future__ import annotations

import frappe

from zongzhi_center.services import closing, reviews


@frappe.whitelist(methods=["POST"])
def apply_for_review(case: str, reason: str) -> dict:
	"""申请复查/申请复核: the review of the case's answer, as a new case linked to it."""
	return reviews.apply_for_review(case, reason)


@frappe.whitelist(methods=["POST"])
def reopen_case(case: str, reason: str) -> dict:
	"""重新办理: the closed case reopened within its grace period, else a linked new case."""
	return closing.reopen(case, reason)
