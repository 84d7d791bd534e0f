"""Frappe's checks of field names in queries, each answered once per process and name: the query builder's
`Engine.sanitize_fields` and the filters' `frappe.utils.data.sanitize_column`.

Every `frappe.db.get_value`, `get_values` and `exists` builds its query through this method, and it runs each
field name through sqlparse (to strip SQL comments a client might have slipped into a field) — about half a
millisecond of CPU a field. A sister system's intake asks a dozen such values (its API key, its own system,
the centre's level, the idempotency keys, the links Frappe checks), so that parsing is a tenth of the
intake's CPU, spent on the same few field names again and again. The result depends only on the text and
on whether the database is MariaDB, so the replacement keeps Frappe's answer for each (text, database) it has
seen — Frappe's own function computes it the first time — in a bounded table (cleared when full, so names a
client invents cannot grow it).

`sanitize_column` runs the column of every filter of a `get_list` through the same parser and refuses a
name that smuggles SQL in; a form's load asks some forty filtered lists of its links and timeline, about
five milliseconds. A name it accepted is accepted again without parsing (in the same bounded way); a name
it refuses goes to Frappe's function each time, which refuses it with its own message.

`install()` puts both in place; it runs before every request and background job and when this module is
imported.
"""

import frappe
import frappe.database.query
import frappe.utils.data

LIMIT = 4096
_cleaned: dict[tuple[str, bool], object] = {}


def sanitize_fields(self, fields):
	"""Frappe's sanitize_fields, each string field cleaned once per process."""
	if isinstance(fields, str):
		return _clean(self, fields)
	if isinstance(fields, list | tuple):
		return [_clean(self, field) if isinstance(field, str) else field for field in fields]
	return fields


def _clean(self, field: str):
	key = (field, bool(getattr(self, "is_mariadb", False)))
	cleaned = _cleaned.get(key)
	if cleaned is None:
		cleaned = frappe_sanitize_fields(self, field)
		if len(_cleaned) >= LIMIT:
			_cleaned.clear()
		_cleaned[key] = cleaned
	return cleaned


_accepted: set[tuple[str, str]] = set()


def sanitize_column(column_name: str) -> None:
	"""Frappe's sanitize_column: raises for a column name that is not one; a name it accepted passes at once."""
	key = (column_name, frappe.db.db_type if frappe.db else "")
	if key in _accepted:
		return
	frappe_sanitize_column(column_name)  # raises for a name it refuses
	if len(_accepted) >= LIMIT:
		_accepted.clear()
	_accepted.add(key)


def install():
	"""Put the replacements in place (once per process; Frappe's functions stay reachable as zz_wraps, also
	when this module is loaded again)."""
	if frappe.database.query.Engine.sanitize_fields is not sanitize_fields:
		sanitize_fields.zz_wraps = frappe_sanitize_fields
		frappe.database.query.Engine.sanitize_fields = sanitize_fields
	if frappe.utils.data.sanitize_column is not sanitize_column:
		sanitize_column.zz_wraps = frappe_sanitize_column
		frappe.utils.data.sanitize_column = sanitize_column


# Frappe's own method, unwrapped if an earlier load of this module had replaced it
frappe_sanitize_fields = getattr(
	frappe.database.query.Engine.sanitize_fields, "zz_wraps", frappe.database.query.Engine.sanitize_fields
)
frappe_sanitize_column = getattr(
	frappe.utils.data.sanitize_column, "zz_wraps", frappe.utils.data.sanitize_column
)

install()
