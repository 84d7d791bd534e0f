"""Overrides of what a user puts on a record — likes, follows, tags, comments, the form lock — which Frappe
allows on any record named, whether or not the user may read or change it."""

import frappe
import frappe.desk.doctype.tag.tag
import frappe.desk.form.document_follow
import frappe.desk.like
import frappe.model.document
import frappe.templates.includes.comments.comments
from frappe import _

from zongzhi_center.permissions.guards import privileged, require


@frappe.whitelist()
def toggle_like(doctype: str, name: str, add: str | bool = False):
	"""A like is the reader's own mark (the list shows the heart to readers): read permission."""
	require(doctype, name, "read")
	return frappe.desk.like.toggle_like(doctype, name, add)


@frappe.whitelist()
def follow_document(doctype: str, doc_name: str, user: str):
	"""Following sends the record's changes by mail: to its readers, and only for themselves."""
	require_self(user)
	require(doctype, doc_name, "read")
	return frappe.desk.form.document_follow.follow_document(doctype, doc_name, user)


@frappe.whitelist()
def unfollow_document(doctype: str, doc_name: str, user: str):
	"""Nobody stops another user's mail about a case."""
	require_self(user)
	return frappe.desk.form.document_follow.unfollow_document(doctype, doc_name, user)


@frappe.whitelist()
def unlock_document(doctype: str | None = None, name: str | None = None, args: str | None = None):
	"""The lock keeps two handlers from saving one case at once: lifted by those who may change it."""
	if not doctype and not name and args:
		args = frappe.parse_json(args)
		doctype, name = str(args.get("doctype")), str(args.get("name"))
	require(doctype, name, "write")
	return frappe.model.document.unlock_document(doctype, name)


@frappe.whitelist(allow_guest=True)
def add_website_comment(
	comment: str,
	comment_email: str,
	comment_by: str,
	reference_doctype: str,
	reference_name: str,
	route: str | None,
):
	"""The website's comment box: for pages shown on the website (blog posts, web pages) as before; on
	other records only by their readers, as the desk's own comment box."""
	if not frappe.get_meta(reference_doctype).has_web_view:
		require(reference_doctype, reference_name, "read")
	return frappe.templates.includes.comments.comments.add_comment(
		comment, comment_email, comment_by, reference_doctype, reference_name, route
	)


@frappe.whitelist()
def add_tag(tag: str, dt: str, dn: str, color: str | None = None):
	"""A tag changes how a case is found and grouped: by those who may change it."""
	require(dt, dn, "write")
	return frappe.desk.doctype.tag.tag.add_tag(tag, dt, dn, color)


@frappe.whitelist()
def add_tags(tags: str | list, dt: str, docs: str | list, color: str | None = None):
	"""A tag changes how a case is found and grouped: by those who may change each record."""
	for name in frappe.parse_json(docs) or []:
		require(dt, name, "write")
	return frappe.desk.doctype.tag.tag.add_tags(tags, dt, docs, color)


@frappe.whitelist()
def remove_tag(tag: str, dt: str, dn: str):
	"""A tag changes how a case is found and grouped: by those who may change it."""
	require(dt, dn, "write")
	return frappe.desk.doctype.tag.tag.remove_tag(tag, dt, dn)


def require_self(user: str):
	if user != frappe.session.user and not privileged():
		frappe.throw(_("You can follow documents only for yourself."), exc=frappe.PermissionError)
