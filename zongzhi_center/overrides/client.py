"""Overrides of frappe.client, whose generic reads skip the permission of the record they answer from."""

import frappe
import frappe.client
from frappe.client import get_safe_filters

from zongzhi_center.permissions.guards import missing


@frappe.whitelist()
def get(
	doctype: str, name: str | None = None, filters: str | dict | list | None = None, parent: str | None = None
):
	"""With `filters`, Frappe answered 404 when no record matched and 403 when one the user may not read
	did — an oracle on any field of another centre's cases. Only records the user may read are matched."""
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
def get_count(
	doctype: str,
	filters: dict | list | str | None = None,
	debug: bool = False,
	cache: bool = False,
) -> int:
	"""Frappe counts every row of the table (frappe.db.count), so anyone could count another centre's
	cases; counted here through frappe.get_list, as the list view's own count: centre scope applied."""
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=[f"count(`tab{doctype}`.`name`) as total_count"],
		order_by=None,
		limit_page_length=0,
	)
	return rows[0].total_count if rows else 0
