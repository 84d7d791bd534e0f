"""查看留痕: the one way a person's ID number, phone or address comes back in clear (services/vault.py).

Every DocType with vault fields shows them masked; "Reveal Personal Data" on its form calls `reveal`, which checks
read permission on the stored record and the fields' permission level, and logs each person shown.
"""

from __future__ import annotations

import frappe
from frappe import _

from zongzhi_center.services import vault


@frappe.whitelist(methods=["POST"])
def reveal(doctype: str, name: str) -> list[dict]:
	"""The record's people with their vault fields in clear, as far as the user may see them; each logged."""
	if not isinstance(doctype, str) or not isinstance(name, str) or not frappe.db.exists("DocType", doctype):
		vault.refuse()
	if not (vault.vault_fields(doctype) or vault.vault_tables(doctype)):
		frappe.throw(_("{0} keeps no personal data.").format(_(doctype)), exc=frappe.ValidationError)
	if not frappe.db.exists(doctype, name):
		vault.refuse()  # the same answer as for a record the user may not read
	return vault.reveal(doctype, name, action="Reveal")
