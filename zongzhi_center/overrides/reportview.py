"""The list view's total (frappe.desk.reportview.get_count) of cases, from the centres' kept counts."""

import frappe
import frappe.desk.reportview
from frappe.utils import cint

from zongzhi_center.services import case_count

CASE = case_count.CASE
# what a count request may carry and still be the whole list of the user: anything else (a filter, a join, a
# grouping) is counted by Frappe
PLAIN_COUNT_PARAMS = frozenset({"cmd", "doctype", "fields", "filters", "or_filters", "distinct", "limit"})
EMPTY = (None, "", "[]", "{}", [], {})


@frappe.whitelist()
@frappe.read_only()
def get_count() -> int:
	"""Frappe counts a township's third of a city's cases row by row each time the list opens (a tenth of a
	second at a million cases); the same total is the sum of the centres' kept counts. Anything but the whole
	list, or a user whose permission conditions are not the centres' own, is counted by Frappe."""
	total = unfiltered_case_count(frappe.local.form_dict)
	if total is None:
		return frappe.desk.reportview.get_count()
	limit = cint(frappe.local.form_dict.get("limit"))
	return min(total, limit) if limit else total


def unfiltered_case_count(form) -> int | None:
	"""The number of cases the user may read, if the request asks for all of them and Frappe's condition for
	the user is exactly the centre User Permission (and the cases shared with them); None otherwise."""
	if form.get("doctype") != CASE or set(form) - PLAIN_COUNT_PARAMS:
		return None
	if any(form.get(key) not in EMPTY for key in ("filters", "or_filters")):
		return None
	# Frappe's permission checks raise here as they would in its own count
	scope = case_count.centre_scope(frappe.session.user)
	if scope is None:
		return None
	if scope.centers is None:
		return case_count.count_all()  # no condition: every case
	return case_count.count_in(scope.centers) + len(case_count.shared_outside(scope))
