"""社会治理资源库 from the desk: draft a typical case from a closed case, search the library in Chinese, and
the typical cases like a case (on the case form)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint

from zongzhi_center.exceptions import LibraryError
from zongzhi_center.services import case_form, library
from zongzhi_center.services.case_states import closed_case_states

KINDS = ("Typical Case", "Policy", "Law", "Regulation")
MAX_RESULTS = 50


def _readable_case(case: str):
	if not case or not frappe.db.exists("ZZ Case", case):
		frappe.throw(_("Case {0} not found.").format(case), frappe.DoesNotExistError)
	if not frappe.has_permission("ZZ Case", "read", case):
		frappe.throw(_("You may not see this case."), frappe.PermissionError)
	return frappe.get_doc("ZZ Case", case)


def _require_library_read():
	if not frappe.has_permission(library.DOCTYPE, "read"):
		frappe.throw(_("You may not see the library."), frappe.PermissionError)


def _limit(limit) -> int:
	return min(max(cint(limit) or 10, 1), MAX_RESULTS)


@frappe.whitelist(methods=["POST"])
def draft_from_case(case: str) -> str:
	"""A draft typical case from a closed case, its parties' names, ID numbers, phones and addresses
	removed; a director publishes it. Returns the draft's name (the existing one if the case has one)."""
	doc = _readable_case(case)
	if not frappe.has_permission(library.DOCTYPE, "create"):
		frappe.throw(_("You may not draft library items."), frappe.PermissionError)
	if doc.workflow_state not in closed_case_states():
		frappe.throw(_("Only a closed case becomes a typical case."), exc=LibraryError)
	# get_all: one typical case per case, whoever drafted it
	existing = frappe.get_all(
		library.DOCTYPE, filters={"source_case": case, "docstatus": ["<", 2]}, pluck="name", limit=1
	)
	if existing:
		if not frappe.has_permission(library.DOCTYPE, "read", existing[0]):
			frappe.throw(_("A typical case has already been drafted from this case."), exc=LibraryError)
		return existing[0]
	return frappe.get_doc(library.typical_case_draft(doc)).insert().name


@frappe.whitelist()
def search(text: str, kind: str | None = None, limit: int = 10) -> list[dict]:
	"""Published typical cases, policies, laws and regulations matching ``text`` (Chinese words, cut by
	jieba), best first: name, title, kind, category, snippet, score."""
	_require_library_read()
	if kind and kind not in KINDS:
		frappe.throw(_("Unknown library kind: {0}").format(kind), exc=LibraryError)
	if not (text or "").strip():
		return []
	return library.search(text, kind=kind or None, limit=_limit(limit))


@frappe.whitelist()
def similar_cases(case: str, limit: int = 5) -> list[dict]:
	"""Published typical cases like ``case`` (its title and facts), for the users who may read the case."""
	doc = _readable_case(case)
	_require_library_read()
	return library.search(
		f"{doc.title or ''}\n{doc.facts or ''}", kind="Typical Case", limit=_limit(limit), exclude_case=case
	)


@frappe.whitelist()
def case_library(case: str) -> dict:
	"""What the case form shows: similar typical cases, and whether the user may draft one from the case."""
	return case_form.library_panel(_readable_case(case))


@frappe.whitelist(methods=["POST"])
def rebuild_index() -> int:
	"""Recreate the search index from the published items (System Manager)."""
	frappe.only_for("System Manager")
	return library.rebuild_index()
