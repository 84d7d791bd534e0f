"""Overrides of what tells a user about records beyond the ones they open: link titles and live list updates."""

import frappe
import frappe.desk.search
import frappe.realtime

from zongzhi_center.permissions.guards import MODULE, privileged
from zongzhi_center.permissions.titles import readable_title


@frappe.whitelist()
def get_link_title(doctype: str, docname: str):
	"""Frappe tells any user any record's title: a record the user may not read answers as a missing one."""
	if frappe.get_meta(doctype).show_title_field_in_link:
		return readable_title(doctype, docname)
	return frappe.desk.search.get_link_title(doctype, docname)


@frappe.whitelist(allow_guest=True)
def can_subscribe_doctype(doctype: str) -> bool:
	"""A live list update carries the saved record's name and its editor to every subscriber of the DocType:
	for this app's DocTypes, whose records are read one by one, only users who read them all subscribe."""
	if frappe.get_meta(doctype).module == MODULE and not privileged():
		raise frappe.PermissionError
	return frappe.realtime.can_subscribe_doctype(doctype)
