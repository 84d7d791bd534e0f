"""Overrides of the desk's reads: form navigation, link search, linked records, workflow counts, charts."""

import frappe
import frappe.desk.form.linked_with
import frappe.desk.form.utils
import frappe.desk.search
from frappe import _
from frappe.model.workflow import get_workflow_name

from zongzhi_center.permissions.guards import privileged, require


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
	"""Link search: `ignore_user_permissions` is the field's setting, not the caller's to send."""
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
def get_linked(doctype: str, docname: str) -> dict:
	"""The records linked to a case are listed for the case's readers only."""
	require(doctype, docname)
	return frappe.desk.form.linked_with.get(doctype, docname)


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
	"""Without `refresh`, Frappe answered from a cache keyed by the chart's name only — the counts of whoever
	refreshed it last, another centre's included. Every answer is computed for the caller (the desk's chart
	widgets refresh anyway)."""
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
