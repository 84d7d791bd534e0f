"""Frappe 15 whitelisted methods that read or write a record without checking the user's permission on it,
or trust a flag from the client. Each wrapper (hooks.override_whitelisted_methods) checks what Frappe forgets
and then calls Frappe's own method; see permissions/guards.py for the rest of issue 13.
"""

import frappe
import frappe.client
import frappe.desk.doctype.tag.tag
import frappe.desk.form.document_follow
import frappe.desk.form.linked_with
import frappe.desk.form.utils
import frappe.desk.like
import frappe.desk.search
import frappe.handler
import frappe.model.document
import frappe.templates.includes.comments.comments
from frappe import _
from frappe.model.workflow import get_workflow_name

from zongzhi_center.permissions.guards import missing, privileged, require

# ---------------------------------------------------------------- reads that answered by field values


@frappe.whitelist()
def get(
	doctype: str, name: str | None = None, filters: str | dict | list | None = None, parent: str | None = None
):
	"""frappe.client.get: with `filters`, Frappe answered 404 when no record matched and 403 when one the user
	may not read did — an oracle on any field. Here only records the user may read are matched."""
	if not name and filters not in (None, "", {}):
		if frappe.get_meta(doctype).issingle:
			return frappe.client.get(doctype, filters=filters, parent=parent)
		matches = frappe.get_list(
			doctype,
			filters=frappe.parse_json(filters),
			pluck="name",
			limit_page_length=1,
			order_by=None,
			parent_doctype=parent,
		)
		if not matches:
			missing(doctype)
		name = matches[0]
	return frappe.client.get(doctype, name=name, parent=parent)


@frappe.whitelist()
def get_next(
	doctype: str,
	value: str,
	prev: str | int,
	filters: str | dict | list | None = None,
	sort_order: str = "desc",
	sort_field: str = "modified",
):
	"""The form's next/previous buttons compare the sort field with the current record's value: only from a
	record the user may read, and by a real column."""
	require(doctype, value)
	if sort_field not in frappe.get_meta(doctype).get_valid_columns():
		frappe.throw(_("Cannot sort by {0}.").format(sort_field), title=_("Not Permitted"))
	return frappe.desk.form.utils.get_next(doctype, value, prev, filters, sort_order, sort_field)


@frappe.whitelist()
def get_workflow_state_count(doctype: str, workflow_state_field: str, states: str | list) -> list:
	"""The list sidebar's count per workflow state: by the workflow's state field only (Frappe took any
	column, `name` included) and among the records the user may read (Frappe counted them all)."""
	frappe.has_permission(doctype=doctype, ptype="read", throw=True)
	workflow = get_workflow_name(doctype)
	field = workflow and frappe.get_cached_value("Workflow", workflow, "workflow_state_field")
	if not field or workflow_state_field != field:
		frappe.throw(
			_("{0} is not the workflow state field of {1}.").format(workflow_state_field, _(doctype))
		)
	rows = frappe.get_list(
		doctype,
		fields=[field, "count(*) as count"],
		filters={field: ["not in", frappe.parse_json(states) or [""]]},
		group_by=field,
		order_by=None,
	)
	return [row for row in rows if row[field]]


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""Link search: `ignore_user_permissions` is the field's setting, not the caller's to send."""
	return frappe.desk.search.search_widget(
		doctype,
		txt,
		query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=bool(ignore_user_permissions) and privileged(),
	)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	return frappe.desk.search.search_link(
		doctype,
		txt,
		query,
		filters=filters,
		page_length=page_length,
		searchfield=searchfield,
		reference_doctype=reference_doctype,
		ignore_user_permissions=bool(ignore_user_permissions) and privileged(),
	)


@frappe.whitelist()
def get_linked_docs(doctype: str, name: str, linkinfo: dict | str | None = None) -> dict:
	require(doctype, name)
	return frappe.desk.form.linked_with.get_linked_docs(doctype, name, linkinfo)


@frappe.whitelist()
def get_linked(doctype: str, docname: str) -> dict:
	require(doctype, docname)
	return frappe.desk.form.linked_with.get(doctype, docname)


# ---------------------------------------------------------------- writes without a check


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
	require_self(user)
	return frappe.desk.form.document_follow.unfollow_document(doctype, doc_name, user)


@frappe.whitelist()
def unlock_document(doctype: str | None = None, name: str | None = None, args: str | None = None):
	if not doctype and not name and args:
		args = frappe.parse_json(args)
		doctype, name = str(args.get("doctype")), str(args.get("name"))
	require(doctype, name, "write")
	return frappe.model.document.unlock_document(doctype, name)


@frappe.whitelist()
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


@frappe.whitelist(allow_guest=True)
def add_website_comment(
	comment: str,
	comment_email: str,
	comment_by: str,
	reference_doctype: str,
	reference_name: str,
	route: str | None = None,
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
	require(dt, dn, "write")
	return frappe.desk.doctype.tag.tag.add_tag(tag, dt, dn, color)


@frappe.whitelist()
def add_tags(tags: str | list, dt: str, docs: str | list, color: str | None = None):
	for name in frappe.parse_json(docs) or []:
		require(dt, name, "write")
	return frappe.desk.doctype.tag.tag.add_tags(tags, dt, docs, color)


@frappe.whitelist()
def remove_tag(tag: str, dt: str, dn: str):
	require(dt, dn, "write")
	return frappe.desk.doctype.tag.tag.remove_tag(tag, dt, dn)


def require_self(user: str):
	if user != frappe.session.user and not privileged():
		frappe.throw(_("You can follow documents only for yourself."), exc=frappe.PermissionError)


@frappe.whitelist()
def upload_file():
	"""Frappe's upload checks write permission on the record and ignores the answer."""
	form = frappe.local.form_dict
	if form.get("doctype") and form.get("docname") and frappe.db.exists(form.doctype, form.docname):
		require(form.doctype, form.docname, "write")
	return frappe.handler.upload_file()


# ---------------------------------------------------------------- cached answers of other users


@frappe.whitelist()
def dashboard_chart(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: str | int | None = None,
	filters: str | dict | list | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: str | int | None = None,
):
	"""frappe.desk.doctype.dashboard_chart.dashboard_chart.get: without `refresh`, Frappe answered from a
	cache keyed by the chart's name only — the counts of whoever refreshed it last, another centre's
	included. Here every answer is computed for the caller (the desk's chart widgets refresh anyway)."""
	from frappe.desk.doctype.dashboard_chart import dashboard_chart as charts

	return charts.get(
		chart_name=chart_name,
		chart=chart,
		no_cache=no_cache,
		filters=filters,
		from_date=from_date,
		to_date=to_date,
		timespan=timespan,
		time_interval=time_interval,
		heatmap_year=heatmap_year,
		refresh=1,
	)
