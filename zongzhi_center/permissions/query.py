"""What a request may ask Frappe to put into the SQL of a list, count, report or chart of this app's DocTypes.

Frappe 15 pastes a request's `fields`, `order_by` and `group_by` into its SQL and refuses only some shapes of
SQL there (a subquery at the start of a field, but not `max((select …))`), so one readable row was enough to
read any row of any table. Closing shapes one by one does not converge; this module turns it round and
accepts only what the desk itself sends, the rules Frappe 16 adopted for its query builder:

- a column: a field of the DocType or a standard column (`name`, `owner`, `modified`, `_assign`, …), plain,
  in backticks or qualified as `` `tabDocType`.`field` ``; a field of one of its child tables as
  `table_field.field` or `` `tabChild`.`field` ``; a field of a linked record as `link_field.field`; `*`;
- in `fields`: such a column or `count`, `sum`, `avg`, `min`, `max` of one column (`count(*)`,
  `count(distinct name)`), optionally `as alias` (a name, or the report view's `'Child DocType:field'`);
- in `order_by`: columns or aliases, each optionally `asc` or `desc`; in `group_by`: columns or aliases;
- wherever the request names a single column (`field`, `pluck`, `sort_by`, `stats`, a chart's `based_on`, …):
  a column.

Every field named that way, in filters too, must be one the user may read: a field with a permission level
above 0 (the parties' ID numbers, phones and addresses, the risk override) is refused to users without read
access at that level, so leaders cannot count, sort or group their way to its values.

`run` is dropped: with a false value Frappe's list answers the SQL it would run (the user's permission
conditions, their centres written out) instead of its rows. System Managers keep it, as a console's tool.

The parameters are found by name in every request that names a DocType of this app (its `doctype`, the
DocType of `/api/resource/<DocType>` or `/api/v2/document/<DocType>`, the `document_type` of a chart or
number card), whatever method it calls. For any other DocType only a subquery is refused, since it can read
this app's tables from any list. Administrator and System Managers keep Frappe's own rules.

`check_query_params` runs as an auth hook: Frappe resumes a browser session before `before_request` but
reads API keys and OAuth tokens only after it, and the permission levels depend on who asks.
"""

import re

import frappe
from frappe import _
from frappe.model import child_table_fields, default_fields, optional_fields, table_fields

from zongzhi_center.exceptions import ProtectedFieldQueryError, QueryExpressionError
from zongzhi_center.permissions.guards import (
	FILTER_PARAMS,
	MODULE,
	NESTED_FILTER_KEYS,
	api_route,
	check_filters,
	parent_doctypes,
	parse,
	privileged,
)

# request parameters by what Frappe makes of them
SELECT_PARAMS = ("fields", "fieldname")
ORDER_PARAMS = ("order_by",)
GROUP_PARAMS = ("group_by",)
COLUMN_PARAMS = ("field", "pluck", "sort_by", "sort_field", "searchfield")
COLUMN_LIST_PARAMS = ("stats", "filter_fields")
DIRECTION_PARAMS = ("sort_order",)
# a chart's or number card's columns (Dashboard Chart, Number Card), sent as `chart` or `doc`
CHART_PARAMS = ("chart", "doc")
CHART_COLUMN_KEYS = ("based_on", "value_based_on", "group_by_based_on", "aggregate_function_based_on")
# the calendar's columns (frappe.desk.calendar.get_events pastes them into its SQL)
FIELD_MAP_KEYS = ("start", "end", "title", "color")

STANDARD_COLUMNS = frozenset(default_fields) | frozenset(optional_fields) | frozenset(child_table_fields)
PSEUDO_COLUMNS = frozenset({"assigned_to"})  # the list sidebar's "Assigned To": counted from ToDo rows
AGGREGATE_ALIASES = frozenset({"_aggregate_column"})  # the report view's group-by column (reportview.py)
DEFAULT_ORDER = "KEEP_DEFAULT_ORDERING"  # Frappe's own marker for "the DocType's sort order"
AGGREGATES = frozenset({"count", "sum", "avg", "min", "max"})

FIELD = r"[A-Za-z0-9_]+"
DOCTYPE = r"[\w -]+"
BACKTICKED_TABLE_COLUMN = re.compile(rf"`tab({DOCTYPE})`\.(?:`({FIELD})`|({FIELD}))")
DOTTED_COLUMN = re.compile(rf"({FIELD})\.(?:`({FIELD})`|({FIELD}))")
PLAIN_COLUMN = re.compile(rf"`({FIELD})`|({FIELD})")
ALIASED = re.compile(rf"(.+?)\s+as\s+({FIELD}|`[\w -]+`|'[\w :-]+')", re.IGNORECASE | re.DOTALL)
AGGREGATE = re.compile(r"([a-z]+)\s*\(\s*(distinct\s+)?(.+?)\s*\)", re.IGNORECASE | re.DOTALL)
DISTINCT = re.compile(r"distinct\s+(.+)", re.IGNORECASE | re.DOTALL)
ORDER_ITEM = re.compile(r"(.+?)(?:\s+(asc|desc))?", re.IGNORECASE | re.DOTALL)
SUBQUERY = re.compile(r"\bselect\b", re.IGNORECASE)
NUMBER = re.compile(r"\d+")


def check_query_params():
	"""auth_hooks: refuse a request whose list, count, report or chart parameters are not plain fields the
	user may read, before any endpoint builds SQL from them."""
	form = frappe.local.form_dict
	if not form or not getattr(frappe.local, "request", None) or privileged():
		return
	form.pop("run", None)  # a list's SQL instead of its rows (reportview): for the console, not for clients
	route = api_route()
	if route is False:
		return  # a document read or written by name: no list parameters
	if route:
		doctype, parent = route, form.get("parent") or form.get("parent_doctype")
	else:
		doctype, parent = requested_doctype(form)
	query = RequestQuery(doctype, parent)
	query.check_params(form)
	for param in FILTER_PARAMS:
		if form.get(param) not in (None, ""):
			query.check_filters(parse(form.get(param)))
	for param in CHART_PARAMS:
		value = parse(form.get(param)) if isinstance(form.get(param), str) else form.get(param)
		if isinstance(value, dict) and isinstance(value.get("document_type"), str):
			chart = RequestQuery(value["document_type"], value.get("parent_document_type"))
			chart.check_columns(param, [value.get(key) for key in CHART_COLUMN_KEYS])
			for key in NESTED_FILTER_KEYS:
				if value.get(key) not in (None, ""):
					chart.check_filters(parse(value.get(key)))
	if form.get("linkinfo") not in (None, ""):
		check_linkinfo(parse(form.get("linkinfo")))


def check_linkinfo(linkinfo):
	"""frappe.desk.form.linked_with.get_linked_docs lists each DocType of `linkinfo` with the client's
	`add_fields` pasted into its fields and the client's `filters`: the same rules as any list."""
	if not isinstance(linkinfo, dict):
		RequestQuery(None).refuse("linkinfo")
	for doctype, context in linkinfo.items():
		if not isinstance(context, dict):
			continue
		query = RequestQuery(doctype)
		names = []
		for key in ("add_fields", "fieldname", "doctype_fieldname"):
			value = context.get(key)
			names += value if isinstance(value, list) else [value]
		query.check_columns("linkinfo", names)
		if context.get("filters") not in (None, ""):
			check_filters(context["filters"])
			query.check_filters(context["filters"])


def requested_doctype(form) -> tuple[str | None, str | None]:
	"""The DocType a method call lists: its `doctype` (and the parent of a child table), else the DocType of the
	chart or number card it draws."""
	if isinstance(form.get("doctype"), str):
		return form.get("doctype"), form.get("parent") or form.get("parent_doctype")
	for param in CHART_PARAMS:
		value = parse(form.get(param)) if isinstance(form.get(param), str) else form.get(param)
		if isinstance(value, dict) and isinstance(value.get("document_type"), str):
			return value["document_type"], value.get("parent_document_type")
	if isinstance(form.get("chart_name"), str):
		# get_value: the chart's own DocType, whoever asks; the chart endpoint checks the chart itself
		chart = frappe.db.get_value(
			"Dashboard Chart", form.get("chart_name"), ["document_type", "parent_document_type"]
		)
		if chart:
			return chart[0], chart[1]
	return None, None


def is_app_doctype(doctype: str | None) -> bool:
	if not isinstance(doctype, str) or not doctype:
		return False
	try:
		return frappe.get_meta(doctype).module == MODULE
	except frappe.DoesNotExistError:
		return False


class RequestQuery:
	"""The columns one request names for one DocType, judged for the session's user."""

	def __init__(self, doctype: str | None, parent: str | None = None):
		self.outer = doctype if isinstance(doctype, str) else None
		self.doctype = doctype if is_app_doctype(doctype) else None
		self.meta = frappe.get_meta(self.doctype) if self.doctype else None
		is_table = bool(self.meta and self.meta.istable)
		self.parent = parent if is_table and parent and parent in parent_doctypes(self.doctype) else None
		self.aliases: set[str] = set(AGGREGATE_ALIASES)
		self.access: dict[tuple[str, str | None], set[int]] = {}

	# ------------------------------------------------------------ the request's parameters

	def check_params(self, form):
		if not self.doctype:
			# another app's DocType: its own rules, but no subquery into this app's tables
			for param in SELECT_PARAMS + ORDER_PARAMS + GROUP_PARAMS + COLUMN_PARAMS + COLUMN_LIST_PARAMS:
				self.refuse_subquery(param, form.get(param))
			self.refuse_subquery("field_map", form.get("field_map"))
			return
		for param in SELECT_PARAMS:
			if form.get(param) not in (None, ""):
				self.check_select(param, form.get(param))
		for param in ORDER_PARAMS + GROUP_PARAMS:
			if form.get(param) not in (None, ""):
				self.check_clause(param, form.get(param))
		for param in COLUMN_PARAMS:
			if form.get(param) not in (None, ""):
				self.check_columns(param, [form.get(param)])
		for param in COLUMN_LIST_PARAMS:
			if form.get(param) not in (None, ""):
				names = parse(form.get(param))
				if not isinstance(names, list):
					self.refuse(param)
				self.check_columns(param, [n.get("name") if isinstance(n, dict) else n for n in names])
		for param in DIRECTION_PARAMS:
			if form.get(param) not in (None, "") and str(form.get(param)).lower() not in ("asc", "desc"):
				self.refuse(param)
		if form.get("aggregate_on_field") not in (None, ""):
			self.check_aggregate_on(
				form.get("aggregate_on_doctype") or self.doctype, form.get("aggregate_on_field")
			)
		if form.get("field_map") not in (None, ""):
			field_map = parse(form.get("field_map"))
			if not isinstance(field_map, dict):
				self.refuse("field_map")
			self.check_columns("field_map", [field_map.get(key) for key in FIELD_MAP_KEYS])

	def check_select(self, param: str, value):
		items = select_items(value)
		if items is None:
			self.refuse(param)
		if isinstance(items, dict):
			self.check_filters(items)  # Frappe's get_list reads a dictionary of fields as filters
			return
		for item in items:
			expression, alias = split_alias(item)
			if alias is not None:
				self.aliases.add(alias)
			self.check_select_expression(param, expression)

	def check_select_expression(self, param: str, expression: str):
		if expression == "*" or NUMBER.fullmatch(expression):
			return
		if match := AGGREGATE.fullmatch(expression):
			function, distinct, argument = match.group(1).lower(), match.group(2), match.group(3)
			if function not in AGGREGATES or (distinct and function != "count"):
				self.refuse(param)
			if argument == "*" and function != "count":
				self.refuse(param)
			if argument != "*" and not NUMBER.fullmatch(argument):
				self.check_column(param, argument)
			return
		if match := DISTINCT.fullmatch(expression):
			expression = match.group(1).strip()
		self.check_column(param, expression)

	def check_clause(self, param: str, value):
		"""order_by and group_by: comma-separated columns or aliases, in order_by each with asc or desc."""
		if not isinstance(value, str):
			self.refuse(param)
		if param in ORDER_PARAMS and value == DEFAULT_ORDER:
			return
		for part in value.split(","):
			part = part.strip()
			if param in ORDER_PARAMS and part:
				part = ORDER_ITEM.fullmatch(part).group(1).strip()
			if part in self.aliases or (param in ORDER_PARAMS and NUMBER.fullmatch(part)):
				continue
			self.check_column(param, part)

	def check_columns(self, param: str, names: list):
		"""Parameters that name one column each (`field`, `pluck`, `stats`, a chart's `based_on`, …)."""
		for name in names:
			if name in (None, ""):
				continue
			if not self.doctype:
				self.refuse_subquery(param, name)
				continue
			if not isinstance(name, str) or not PLAIN_COLUMN.fullmatch(name):
				self.refuse(param)
			if param == "field" and name in PSEUDO_COLUMNS:
				continue
			self.check_column(param, name)

	def check_aggregate_on(self, doctype, fieldname):
		"""The report view's group-by totals: sum/avg/count of `tab<aggregate_on_doctype>`.`<aggregate_on_field>`."""
		if not (
			isinstance(doctype, str) and isinstance(fieldname, str) and PLAIN_COLUMN.fullmatch(fieldname)
		):
			self.refuse("aggregate_on_field")
		self.check_column("aggregate_on_field", f"`tab{doctype}`.`{fieldname}`")

	# ------------------------------------------------------------ filters

	def check_filters(self, filters):
		"""Each condition's field must be one the user may read; guards.check_request has refused every filter
		that is not a condition on a field name already."""
		for doctype, fieldname in filter_fields(filters):
			if doctype and doctype != self.outer:
				if is_app_doctype(doctype):
					parent = self.doctype if self.doctype in parent_doctypes(doctype) else None
					target, field = filter_target(doctype, fieldname)
					self.check_readable("filters", target, field, parent if target == doctype else doctype)
			elif self.doctype:
				target, field = filter_target(self.doctype, fieldname)
				parent = self.parent if target == self.doctype else self.doctype
				self.check_readable("filters", target, field, parent)

	# ------------------------------------------------------------ columns

	def check_column(self, param: str, reference: str):
		doctype, fieldname, parent = self.resolve(param, reference.strip())
		self.check_readable(param, doctype, fieldname, parent)

	def resolve(self, param: str, reference: str) -> tuple[str, str, str | None]:
		"""(DocType, field, parent DocType) of a column reference of the request's DocType, or a refusal."""
		if match := BACKTICKED_TABLE_COLUMN.fullmatch(reference):
			return self.table_column(param, match.group(1), match.group(2) or match.group(3))
		if match := DOTTED_COLUMN.fullmatch(reference):
			link, fieldname = match.group(1), match.group(2) or match.group(3)
			df = self.meta.get_field(link)
			if df and df.fieldtype in table_fields:
				self.check_level(self.doctype, df, self.parent)
				return df.options, fieldname, self.doctype
			if df and df.fieldtype == "Link":
				# the link must be readable; guards.check_request refuses joins to DocTypes scoped per record
				self.check_level(self.doctype, df, self.parent)
				return df.options, fieldname, None
			if link.startswith("tab"):
				return self.table_column(param, link[3:], fieldname)
		elif match := PLAIN_COLUMN.fullmatch(reference):
			return self.doctype, match.group(1) or match.group(2), self.parent
		self.refuse(param)

	def table_column(self, param: str, doctype: str, fieldname: str) -> tuple[str, str, str | None]:
		if doctype == self.doctype:
			return doctype, fieldname, self.parent
		for df in self.meta.get_table_fields():
			if df.options == doctype:
				self.check_level(self.doctype, df, self.parent)
				return doctype, fieldname, self.doctype
		self.refuse(param)

	def check_readable(self, param: str, doctype: str, fieldname: str, parent: str | None = None):
		"""A standard column, or a column of the DocType at a permission level the user may read."""
		if fieldname in STANDARD_COLUMNS:
			return
		meta = frappe.get_meta(doctype)
		df = meta.get_field(fieldname)
		if fieldname not in meta.get_valid_columns() and not df:
			self.refuse(param)
		self.check_level(doctype, df, parent)

	def check_level(self, doctype: str, df, parent: str | None):
		if not df or not df.permlevel:
			return
		if (doctype, parent) not in self.access:
			levels = frappe.get_meta(doctype).get_permlevel_access("read", parenttype=parent)
			self.access[(doctype, parent)] = set(levels)
		if df.permlevel not in self.access[(doctype, parent)]:
			frappe.throw(
				_(
					"You may not read the field {0} of {1}, so you cannot ask for it, filter, sort or group by it."
				).format(_(df.label or df.fieldname), _(doctype)),
				exc=ProtectedFieldQueryError,
				title=_("Not Permitted"),
			)

	# ------------------------------------------------------------ refusals

	def refuse_subquery(self, param: str, value):
		if value in (None, ""):
			return
		text = value if isinstance(value, str) else frappe.as_json(value)
		if SUBQUERY.search(text):
			self.refuse(param)

	def refuse(self, param: str):
		frappe.throw(
			_(
				"The parameter {0} may name only fields of {1}, each optionally with an alias, and count, sum, "
				"avg, min or max of one field."
			).format(param, _(self.outer) if self.outer else _("the list")),
			exc=QueryExpressionError,
			title=_("Not Permitted"),
		)


# ---------------------------------------------------------------- parsing, without the database


def select_items(value) -> list[str] | dict | None:
	"""The items of `fields` (or get_value's `fieldname`) as Frappe reads them: JSON, else comma-separated.
	None if it is neither a list of strings nor a dictionary."""
	if isinstance(value, str):
		parsed = parse(value)
		if isinstance(parsed, list | dict):
			value = parsed
		else:
			value = (parsed if isinstance(parsed, str) else value).split(",")
	if isinstance(value, dict):
		return value
	if not isinstance(value, list | tuple):
		return None
	if value and isinstance(value[0], list | tuple):
		return None  # a list of conditions, which Frappe would read as filters
	if not all(item is None or isinstance(item, str) for item in value):
		return None
	return [item.strip() for item in value if item and item.strip()]


def split_alias(item: str) -> tuple[str, str | None]:
	if match := ALIASED.fullmatch(item):
		return match.group(1).strip(), match.group(2).strip("`'")
	return item, None


def filter_fields(filters):
	"""(DocType or None, field) of every condition, in every shape Frappe accepts."""
	if isinstance(filters, str):
		filters = parse(filters)
	if isinstance(filters, dict):
		for key in filters:
			yield None, key
		return
	if not isinstance(filters, list | tuple):
		return
	for condition in filters:
		if isinstance(condition, dict):
			yield from filter_fields(condition)
		elif isinstance(condition, list | tuple) and len(condition) >= 4:
			yield condition[0] or None, condition[1]
		elif isinstance(condition, list | tuple) and len(condition) >= 2:
			yield None, condition[0]


def filter_target(doctype: str, fieldname: str) -> tuple[str, str]:
	"""Frappe's get_filter reads a field the DocType lacks as the field of its first child table having it."""
	meta = frappe.get_meta(doctype)
	if fieldname in STANDARD_COLUMNS or meta.has_field(fieldname):
		return doctype, fieldname
	for df in meta.get_table_fields():
		if frappe.get_meta(df.options).has_field(fieldname):
			return df.options, fieldname
	return doctype, fieldname
