"""一案一码 for the desk: a director revokes a case's tracking code and issues a new one."""

from __future__ import annotations

import frappe
from frappe import _

from zongzhi_center.services import tracking
from zongzhi_center.services import workflow_names as wn

REISSUERS = frozenset({wn.CENTER_DIRECTOR, "System Manager"})


@frappe.whitelist(methods=["POST"])
def reissue_token(case: str) -> str:
	"""A new public tracking code for the case; the old QR code and link stop working at once.
	Returns the new tracking URL."""
	doc = frappe.get_doc("ZZ Case", case)
	doc.check_permission("read")
	if not set(frappe.get_roles()) & REISSUERS:
		frappe.throw(_("Only a centre director may re-issue a tracking code."), frappe.PermissionError)
	revoked = doc.tracking_token
	doc.db_set("tracking_token", tracking.new_token(), update_modified=False)
	tracking.forget_pages(revoked)
	doc.add_comment("Info", _("Tracking code re-issued: the previous QR code and link no longer work."))
	return tracking.tracking_url(doc)
