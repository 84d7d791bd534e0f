"""Overrides of the desk's reads: form navigation, link search, linked records, workflow and sidebar counts,
charts."""

import re

import frappe
import frappe.desk.form.linked_with
import frappe.desk.form.utils
import frappe.desk.listview
import frappe.desk.search
from frappe import _
from frappe.model.workflow import get_workflow_name
from frappe.utils import cint, getdate

from zongzhi_center.permissions.guards import is_scoped_doctype, privileged, require


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
	"""Link search: `ignore_user_permissions` is the field's setting, not the caller's to send; a record of the
	app named by a hash is offered by its title, without the hash under it."""
	results = frappe.desk.search.search_link(
		doctype,
		txt,
		query,
		filters=filters,
		page_length=page_length,
		searchfield=searchfield,
		reference_doctype=reference_doctype,
		ignore_user_permissions=bool(ignore_user_permissions) and privileged(),
	)
	return without_made_up_names(doctype, results)


def without_made_up_names(doctype: str, results: list) -> list:
	"""Frappe puts the stored name first in each result's description, under the title it shows."""
	from zongzhi_center.services.record_titles import APP_MODULE, has_human_name

	meta = frappe.get_meta(doctype)
	if meta.module != APP_MODULE or has_human_name(meta) or not meta.show_title_field_in_link:
		return results
	for row in results:
		if isinstance(row, dict) and isinstance(row.get("description"), str) and row.get("value"):
			# the other search fields' values stay, options (a staff member's mode, say) in the user's language
			parts = [_(p) for p in row["description"].split(", ") if p != row["value"]]
			row["description"] = ", ".join(parts)
	return results


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
	widgets refresh anyway), and a heatmap of records read one by one counts those the caller may read."""
	from frappe.desk.doctype.dashboard_chart import dashboard_chart as charts

	spec = (
		frappe.get_doc("Dashboard Chart", chart_name)
		if chart_name
		else frappe._dict(frappe.parse_json(chart) or {})
	)
	if is_heatmap(spec) and scoped(spec.document_type) and not privileged():
		if no_cache:  # Frappe draws such a chart from its own settings alone (utils.dashboard.cache_source)
			filters = heatmap_year = None
		return readable_heatmap(spec, filters, heatmap_year)
	return in_user_language(
		charts.get(
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
	)


def in_user_language(data):
	"""Frappe labels a chart's slices with the stored values ("Police Source") and its series with the chart's
	record name: the legend a clerk reads is translated like the fields themselves."""
	if isinstance(data, dict):
		data["labels"] = [period_label(x) if isinstance(x, str) else x for x in data.get("labels") or []]
		for dataset in data.get("datasets") or []:
			if isinstance(dataset.get("name"), str):
				dataset["name"] = _(dataset["name"])
	return data


# Frappe writes a time series' periods in English whatever the language (frappe.utils.dateutils.get_period)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_PERIOD = re.compile(r"^(" + "|".join(MONTHS) + r") (\d{4})$")
QUARTER_PERIOD = re.compile(r"^Quarter ([1-4]) (\d{4})$")


def period_label(label: str) -> str:
	"""A chart's label in the user's language: a stored value translated, a period ("May 2026",
	"Quarter 2 2026") as the language writes dates ("2026年5月", "2026年第2季度")."""
	if month := MONTH_PERIOD.match(label):
		return _("{0}-{1:02d}", context="Year and month of a chart's period").format(
			month.group(2), MONTHS.index(month.group(1)) + 1
		)
	if quarter := QUARTER_PERIOD.match(label):
		return _("Q{1} {0}", context="Year and quarter of a chart's period").format(
			quarter.group(2), quarter.group(1)
		)
	return _(label)


def is_heatmap(chart) -> bool:
	"""Frappe draws a heatmap (dashboard_chart.get) for a chart of type Heatmap that is not grouped by a field."""
	return chart.get("type") == "Heatmap" and chart.get("chart_type") != "Group By"


def scoped(doctype) -> bool:
	"""A DocType whose records are read one by one (this app's, File): guards.is_scoped_doctype."""
	return (
		isinstance(doctype, str) and bool(frappe.db.exists("DocType", doctype)) and is_scoped_doctype(doctype)
	)


def readable_heatmap(chart, filters, heatmap_year) -> dict:
	"""Frappe's heatmap (dashboard_chart.get_heatmap_chart_config) counts with frappe.get_all, every record of
	every centre; the same counts, of the same filters and year, through frappe.get_list."""
	from frappe.desk.doctype.dashboard_chart.dashboard_chart import get_aggregate_function

	doctype = chart.document_type
	filters = frappe.parse_json(filters) or frappe.parse_json(chart.filters_json) or []
	year = cint(heatmap_year or chart.heatmap_year) or getdate().year
	# a chart a client sends names plain columns (permissions/query.py), a stored one its author's
	date_column, value = chart.based_on, chart.value_based_on or "1"
	filters += [
		[doctype, "docstatus", "<", 2, False],
		[doctype, chart.based_on, ">", f"{year}-01-01", False],
		[doctype, chart.based_on, "<", f"{year + 1}-01-01", False],
	]
	rows = frappe.get_list(
		doctype,
		fields=[f"unix_timestamp({date_column})", f"{get_aggregate_function(chart.chart_type)}({value})"],
		filters=filters,
		group_by=f"date({date_column})",
		order_by=f"{date_column} asc",
		as_list=True,
		ignore_ifnull=True,
		parent_doctype=chart.parent_document_type,
	)
	return {"labels": [], "dataPoints": dict(rows)}


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""The list sidebar's "Assigned To" counted the assignments of every record matching the filters, of every
	centre (Frappe selects them without permissions): for records read one by one, of those the user reads."""
	if field != "assigned_to" or not scoped(doctype) or privileged():
		return frappe.desk.listview.get_group_by_count(doctype, current_filters, field)
	readable = frappe.get_list(
		doctype,
		filters=frappe.parse_json(current_filters),
		fields=[f"`tab{doctype}`.`name`"],
		limit_page_length=0,
		order_by=None,
		run=False,
	)
	# SQL: the readable records as the subquery frappe.get_list writes (permission conditions included), as the
	# app's permission query conditions use it, so the count stays one query however many records match
	return frappe.db.sql(
		f"""select todo.allocated_to as name, count(*) as count
		from `tabToDo` todo join `tabUser` assignee on assignee.name = todo.allocated_to
		where todo.status != 'Cancelled' and assignee.user_type = 'System User'
			and todo.reference_type = {frappe.db.escape(doctype)} and todo.reference_name in ({readable})
		group by todo.allocated_to order by count desc limit 50""",
		as_dict=True,
	)
