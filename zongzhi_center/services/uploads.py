"""Attachments on the site: what may be stored, and how files are handed to a browser.

- `check_file` (doc_events File before_validate, before Frappe moves a file made public): every file name is free of control and bidi characters; a file
  attached to a record of this app has a type from the allowed list (ZZ Settings, engine/uploads.py) and is
  private (evidence and applications are personal data: served only after a permission check).
- `serve_as_download` (hooks.after_request): Frappe serves private files inline, with a type guessed from the
  name, so a page type uploaded under an unlisted name would open as a page of the site. Every private file
  goes to the browser as a download, and the browser is told not to guess its type.
"""

from __future__ import annotations

import os
from urllib.parse import unquote

import frappe
from frappe import _

from zongzhi_center.engine import uploads
from zongzhi_center.exceptions import AttachmentNameError, AttachmentTypeError, PublicAttachmentError

MODULE = "Zongzhi Center"


def allowed_extensions() -> frozenset[str]:
	return uploads.allowed_extensions(
		frappe.db.get_single_value("ZZ Settings", "allowed_attachment_extensions") or None
	)


def is_app_doctype(doctype: str | None) -> bool:
	if not doctype:
		return False
	try:
		return frappe.get_meta(doctype).module == MODULE
	except frappe.DoesNotExistError:
		return False


def check_file(doc, method=None):
	"""before_validate of File (new files, and renamed, re-attached or re-published ones)."""
	if doc.is_folder:
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	renamed = before is None or before.file_name != doc.file_name
	if renamed and not uploads.name_is_clean(doc.file_name):
		frappe.throw(
			_("A file name may not contain control characters or text-direction marks."),
			exc=AttachmentNameError,
			title=_("File Not Accepted"),
		)
	if not is_app_doctype(doc.attached_to_doctype):
		return
	moved = before is None or before.attached_to_doctype != doc.attached_to_doctype
	if (renamed or moved) and not uploads.extension_allowed(doc.file_name, allowed_extensions()):
		frappe.throw(
			_("Files of type {0} cannot be attached here. Allowed types: {1}.").format(
				uploads.extension(doc.file_name) or _("(none)"), ", ".join(sorted(allowed_extensions()))
			),
			exc=AttachmentTypeError,
			title=_("File Not Accepted"),
		)
	if not doc.is_private:
		frappe.throw(
			_("Attachments of {0} are kept private.").format(_(doc.attached_to_doctype)),
			exc=PublicAttachmentError,
			title=_("File Not Accepted"),
		)


def serve_as_download(response=None, request=None):
	"""after_request: private files (served by Frappe after its permission check) as downloads."""
	if response is None or request is None or response.status_code != 200:
		return
	if not request.path.startswith("/private/files/"):
		return
	file_name = os.path.basename(unquote(request.path))
	response.headers.set("Content-Disposition", "attachment", filename=file_name)
	response.headers["X-Content-Type-Options"] = "nosniff"
