"""Desk helpers for repeat petitions and duplicates (重复访): suggestions at intake, linking, merging a
duplicate, and the linked cases' one timeline. Every call checks the user's permission on each case."""

from __future__ import annotations

import frappe

from zongzhi_center.services import petitions


@frappe.whitelist()
def suggest_duplicates(case: str) -> list[dict]:
	"""Earlier cases likely about the same person or matter (that the user may read), best first."""
	return petitions.suggest(case)


@frappe.whitelist(methods=["POST"])
def link_case(case: str, other: str, relation: str) -> None:
	petitions.link(case, other, relation)


@frappe.whitelist(methods=["POST"])
def merge_case(case: str, into: str) -> None:
	"""Merge a duplicate not yet accepted into the case on file (declined as 重复件, linked both ways)."""
	petitions.merge(case, into)


@frappe.whitelist()
def linked_timeline(case: str) -> list[dict]:
	return petitions.linked_timeline(case)
