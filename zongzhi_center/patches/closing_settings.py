"""The closing settings on a site where a migrate saved ZZ Settings before their defaults were filled in:
the grace days to reopen a closed case directly, and 当场办结 for legal consultations."""

import frappe
from frappe.utils import cint


def execute():
	if not frappe.db.exists("DocType", "ZZ On the Spot Matter Type"):
		return
	settings = frappe.get_single("ZZ Settings")
	if cint(settings.reopen_grace_days) == 0:
		settings.reopen_grace_days = 15
	if not settings.get("on_the_spot_matter_types"):
		settings.append("on_the_spot_matter_types", {"matter_type": "Legal Consultation"})
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
