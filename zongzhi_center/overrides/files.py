"""Overrides of attaching and uploading files: evidence goes on a case only by those who may change it."""

import frappe
import frappe.client
import frappe.handler

from zongzhi_center.permissions.guards import require


@frappe.whitelist(methods=["POST", "PUT"])
def attach_file(
	filename: str | None = None,
	filedata: str | None = None,
	doctype: str | None = None,
	docname: str | None = None,
	folder: str | None = None,
	decode_base64: bool | int | str = False,
	is_private: bool | int | str | None = None,
	docfield: str | None = None,
):
	"""Frappe checks read permission only: attaching changes the record."""
	require(doctype, docname, "write")
	return frappe.client.attach_file(
		filename, filedata, doctype, docname, folder, decode_base64, is_private, docfield
	)


@frappe.whitelist()
def upload_file():
	"""Frappe's upload checks write permission on the record and ignores the answer."""
	form = frappe.local.form_dict
	if form.get("doctype") and form.get("docname") and frappe.db.exists(form.doctype, form.docname):
		require(form.doctype, form.docname, "write")
	return frappe.handler.upload_file()
