"""Shared pieces of the 周调度 / 月督查 and statistics reports.

Every report takes the same scope: a centre (with every centre below it, through the tree's lft/rgt) and a
date range. Every number is a grouped count or sum computed by the database (GROUP BY), and every query goes
through ``frappe.get_list``, so roles, the centre User Permissions and the app's permission query
conditions apply to each number exactly as they apply to the list view: a township's clerk counts only
the cases of the township and the centres below it. A centre the user may not see is refused outright.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate

from zongzhi_center.permissions.case import is_unscoped
from zongzhi_center.permissions.centers import allowed_centers

RESOLVED_OUTCOMES = ("Resolved by Agreement", "Resolved")
# outcomes of a mediation that was carried through: the denominator of the success rate
CONCLUDED_OUTCOMES = (*RESOLVED_OUTCOMES, "Unresolved", "Referred to Litigation")
RISK_COLORS = ("Green", "Yellow", "Orange", "Red")
NONE_KEY = ""


class ReportCenterNotAllowedError(frappe.PermissionError):
	pass


def parse(filters) -> frappe._dict:
	filters = frappe._dict(frappe.parse_json(filters) if isinstance(filters, str) else (filters or {}))
	if filters.from_date and filters.to_date and getdate(filters.from_date) > getdate(filters.to_date):
		frappe.throw(_("The start date must not be after the end date."), title=_("Invalid Filters"))
	return filters


def centers_under(center: str | None) -> list[str] | None:
	"""The centre and every centre below it, or None (no centre filter). Refuses a centre outside the
	user's own subtree: its numbers are not theirs to see, not even as zeros."""
	if not center:
		return None
	user = frappe.session.user
	if not is_unscoped(user) and center not in (allowed_centers(user) or ()):
		frappe.throw(
			_("You can see reports only for your own centre and the centres below it."),
			exc=ReportCenterNotAllowedError,
			title=_("Not Permitted"),
		)
	bounds = frappe.db.get_value("ZZ Center", center, ["lft", "rgt"], as_dict=True)
	if not bounds:
		frappe.throw(_("Centre {0} does not exist.").format(center), title=_("Invalid Filters"))
	# get_all: the tree's shape; whose numbers are counted is decided by get_list in grouped()
	return frappe.get_all(
		"ZZ Center",
		filters=[["lft", ">=", bounds.lft], ["rgt", "<=", bounds.rgt]],
		pluck="name",
		order_by="lft asc",
	)


def center_filter(doctype: str, field: str, filters) -> list:
	centers = centers_under(filters.get("center"))
	return [] if centers is None else [[doctype, field, "in", centers]]


def datetime_range(doctype: str, field: str, filters) -> list:
	"""[from_date 00:00, to_date + 1 day) on a Datetime field: index-friendly, no function on the column."""
	conditions = []
	if filters.get("from_date"):
		conditions.append([doctype, field, ">=", str(getdate(filters.from_date))])
	if filters.get("to_date"):
		conditions.append([doctype, field, "<", str(add_days(getdate(filters.to_date), 1))])
	return conditions


def date_range(doctype: str, field: str, filters) -> list:
	conditions = []
	if filters.get("from_date"):
		conditions.append([doctype, field, ">=", str(getdate(filters.from_date))])
	if filters.get("to_date"):
		conditions.append([doctype, field, "<=", str(getdate(filters.to_date))])
	return conditions


def grouped(
	doctype: str, keys: dict[str, str], values: dict[str, str], filters: list, **kwargs
) -> list[frappe._dict]:
	"""``select <keys>, <values> … group by <keys>`` through frappe.get_list (permissions applied).

	keys and values map an alias to a column or an aggregate (``count(*)``, ``sum(`tabX`.`y`)``)."""
	if keys:
		rows = grouped_by_hash(doctype, keys, values, filters, **kwargs)
		if rows is not None:
			return rows
	fields = [f"{expr} as {alias}" for alias, expr in {**keys, **values}.items()]
	group_by = ", ".join(keys.values())
	return frappe.get_list(
		doctype,
		fields=fields,
		filters=filters,
		group_by=group_by or None,
		order_by=group_by or None,
		limit_page_length=0,
		# `received_at < x`, not `ifnull(received_at, …) < x`: the upper bound of a date range stays an
		# index range (no filter here needs a NULL to match; the permission conditions keep their own)
		ignore_ifnull=True,
		**kwargs,
	)


def grouped_by_hash(
	doctype: str, keys: dict[str, str], values: dict[str, str], filters: list, **kwargs
) -> list[frappe._dict] | None:
	"""The same groups, formed by a number made of the keys (CRC-32) instead of the keys' text: MariaDB's
	temporary table for a GROUP BY on a centre and a department (two long texts) is most of a year-long
	report's time at a million cases, and one on a number takes about a third less. Each group also reads
	the smallest and largest value of each key and how many rows have one: a group whose rows all share their
	keys is exact. Two different keys of the same number would show as a group whose smallest and largest
	differ — then the answer is None and the caller groups by the keys themselves."""
	# Frappe reads the tables of a query from its fields (`tabX`.… before the first dot), which a function
	# around a column hides: the keys are named by their columns alone, on a query of this DocType's table only
	own = f"`tab{doctype}`."
	columns = {alias: expr.replace(own, "") for alias, expr in keys.items()}
	if any("`tab" in expr for expr in columns.values()) or any(
		isinstance(f, list | tuple) and len(f) == 4 and f[0] != doctype for f in filters or []
	):
		return None
	texts = ", ".join(f"ifnull({expr}, char(30))" for expr in columns.values())
	fields = [f"crc32(concat_ws(char(31), {texts})) as zz_group", "count(*) as zz_rows"]
	for alias, expr in columns.items():
		fields += [
			f"min({expr}) as {alias}",
			f"max({expr}) as zz_max_{alias}",
			f"count({expr}) as zz_set_{alias}",
		]
	fields += [f"{expr} as {alias}" for alias, expr in values.items()]
	rows = frappe.get_list(
		doctype,
		fields=fields,
		filters=filters,
		group_by="zz_group",
		order_by=None,
		limit_page_length=0,
		ignore_ifnull=True,
		**kwargs,
	)
	for row in rows:
		for alias in keys:
			if row[f"zz_set_{alias}"] not in (0, row.zz_rows) or row[alias] != row[f"zz_max_{alias}"]:
				return None  # two groups met in one number
	answer = [frappe._dict({alias: row[alias] for alias in (*keys, *values)}) for row in rows]
	# in the order the GROUP BY on the keys gives: by each key, no value first
	return sorted(answer, key=lambda row: tuple((row[k] is not None, row[k]) for k in keys))


def col(doctype: str, field: str) -> str:
	return f"`tab{doctype}`.`{field}`"


def rate(part, whole) -> float:
	"""A percentage with one decimal, 0 when there is nothing to divide by."""
	return round(100.0 * flt(part) / flt(whole), 1) if flt(whole) else 0.0


def label(value) -> str:
	return _(value) if value else _("(none)")


def display_names(doctype: str, names, field: str) -> dict[str, str]:
	"""Readable names of the few records a report groups by (stationed staff have random names)."""
	names = [n for n in names if n]
	if not names:
		return {}
	# get_all: labels for rows already counted through get_list; no numbers are read here
	rows = frappe.get_all(doctype, filters={"name": ["in", names]}, fields=["name", field])
	return {r.name: r.get(field) for r in rows}


def column(fieldname: str, label_text: str, fieldtype: str = "Int", width: int = 110, **extra) -> dict:
	return {"fieldname": fieldname, "label": label_text, "fieldtype": fieldtype, "width": width, **extra}


def merge(key_names: list[str], **results) -> list[frappe._dict]:
	"""Several grouped counts side by side: one row per key, each query's ``n`` under the query's name."""
	rows: dict[tuple, frappe._dict] = {}
	for metric, result in results.items():
		for r in result:
			key = tuple(r.get(k) or NONE_KEY for k in key_names)
			row = rows.setdefault(key, frappe._dict(zip(key_names, key, strict=True)))
			row[metric] = flt(row.get(metric)) + flt(r["n"])
	return [rows[key] for key in sorted(rows)]


def key_columns(key_names: list[str]) -> list[dict]:
	known = {
		"center": column("center", _("Centre"), "Link", 180, options="ZZ Center"),
		"department": column("department", _("Department"), "Link", 200, options="ZZ Department"),
		"category": column("category", _("Category"), "Link", 140, options="ZZ Case Category"),
		"mediator": column("mediator", _("Mediator"), "Link", 120, options="ZZ Stationed Staff"),
		"value": column("value", _("Value"), "Data", 160),
	}
	return [known[k] for k in key_names] or [column("scope", _("Scope"), "Data", 160)]


def fill_all_row(rows: list[frappe._dict], key_names: list[str], metrics) -> list[frappe._dict]:
	"""With no grouping, the one row of totals (zeros when nothing matched) labelled 'All'."""
	if key_names:
		return rows
	row = rows[0] if rows else frappe._dict()
	row.scope = _("All")
	for metric in metrics:
		row.setdefault(metric, 0)
	return [row]
