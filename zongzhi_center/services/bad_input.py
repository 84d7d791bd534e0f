"""Bad input answers 4xx with a message that says what is wrong, never a 500 from the database.

Frappe hands a record's values to MariaDB as the client sent them: an impossible date (2026-02-31), NaN or a
number beyond the column (1e300) fail only in the INSERT, as a server error with a traceback in the log. And a
body declared as JSON that does not parse fails before any endpoint runs.

- `check_values` (doc_events "*" before_validate) refuses, on this app's records and their rows, a date the
  calendar does not have, a number that is not finite or does not fit its column — InvalidValueError, 422.
- `answer_unreadable_body` (hooks.after_request) turns the server error of an unparsable JSON body into 400,
  in the shape of the API that was called (the sister-system API, Open311 or Frappe's own).
"""

from __future__ import annotations

import datetime
import json
import math
import re

import frappe
from frappe import _
from frappe.utils import cint, flt

from zongzhi_center.exceptions import InvalidValueError

MODULE = "Zongzhi Center"
# decimal(21,9): Frappe's column for Float, Currency and Percent; int(11) for Int
MAX_DECIMAL = 10**12
INT_RANGE = (-(2**31), 2**31 - 1)
DATE_TYPES = frozenset({"Date", "Datetime"})
DECIMAL_TYPES = frozenset({"Float", "Currency", "Percent"})
INT_TYPES = frozenset({"Int", "Check"})
TIME = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?)?$")

INTAKE_PATH = "/api/method/zongzhi_center.api.v1."
OPEN311_PATHS = ("/api/method/zongzhi_center.api.open311.", "/open311/")


# ---------------------------------------------------------------- record values


def check_values(doc, method=None):
	if frappe.flags.in_install or frappe.flags.in_migrate or doc.meta.module != MODULE:
		return
	problems = []  # every bad value of the save at once, not one per refused save
	for row in (doc, *doc.get_all_children()):
		for df in row.meta.fields:
			value = row.get(df.fieldname)
			if value in (None, "") or valid(df.fieldtype, value):
				continue
			label = _(df.label or df.fieldname)
			if row is not doc:
				label = (
					_("Row {0} of {1}").format(row.idx, _(doc.meta.get_label(row.parentfield))) + ": " + label
				)
			problems.append(message(df.fieldtype, label))
	if problems:
		frappe.throw(
			problems[0] if len(problems) == 1 else problems,
			exc=InvalidValueError,
			title=_("Invalid Value"),
			as_list=len(problems) > 1,
		)


def valid(fieldtype: str, value) -> bool:
	if fieldtype in DATE_TYPES:
		return valid_date(value)
	if fieldtype == "Time":
		return valid_time(value)
	if fieldtype in DECIMAL_TYPES:
		number = flt(value)
		return math.isfinite(number) and abs(number) < MAX_DECIMAL
	if fieldtype in INT_TYPES:
		if isinstance(value, float) and not math.isfinite(value):
			return False
		return INT_RANGE[0] <= cint(value) <= INT_RANGE[1]
	return True


def valid_date(value) -> bool:
	if isinstance(value, datetime.date):
		return True
	if not isinstance(value, str):
		return False
	try:
		datetime.datetime.fromisoformat(value.strip())
	except ValueError:
		return False
	return True


def valid_time(value) -> bool:
	if isinstance(value, datetime.time | datetime.timedelta):
		return True
	match = TIME.match(value.strip()) if isinstance(value, str) else None
	return bool(match) and int(match.group(1)) <= 838  # TIME's range in MariaDB


def message(fieldtype: str, label: str) -> str:
	if fieldtype in DATE_TYPES:
		return _("{0}: give a date the calendar has, as YYYY-MM-DD.").format(label)
	if fieldtype == "Time":
		return _("{0}: give a time as HH:MM:SS.").format(label)
	if fieldtype in INT_TYPES:
		return _("{0}: give a whole number between -2147483648 and 2147483647.").format(label)
	return _("{0}: give a finite number of at most 12 digits before the decimal point.").format(label)


# ---------------------------------------------------------------- request bodies


def answer_unreadable_body(response=None, request=None):
	"""after_request: a JSON body that does not parse is the client's error (400), not the server's."""
	if response is None or request is None or response.status_code != 500 or not request.is_json:
		return
	try:
		json.loads(request.get_data(as_text=True) or "null")
		return  # the body was fine: the error is the server's
	except ValueError:
		pass
	if not getattr(frappe.local, "http_request", None):
		set_language_from_headers(request)  # the request failed before Frappe read who is asking
	text = _("The request body is not valid JSON.")
	if request.path.startswith(INTAKE_PATH):
		body = {"errors": [{"field": "", "code": "invalid", "message": text}]}
	elif request.path.startswith(OPEN311_PATHS):
		body = [{"code": 400, "description": text}]
	elif request.path.startswith("/api/v2/"):
		body = {"errors": [{"type": "ValidationError", "message": text, "title": _("Invalid Request")}]}
	else:
		message = {"message": text, "title": _("Invalid Request"), "indicator": "red", "raise_exception": 1}
		body = {"exc_type": "ValidationError", "_server_messages": json.dumps([json.dumps(message)])}
	response.status_code = 400
	response.set_data(json.dumps(body, ensure_ascii=False))
	response.mimetype = "application/json"


def set_language_from_headers(request):
	from frappe.translate import get_all_languages, get_parent_language

	languages = set(get_all_languages() or [])
	for code in request.accept_languages.values():
		for candidate in (code, get_parent_language(code)):
			if candidate in languages:
				frappe.local.lang = candidate
				return
