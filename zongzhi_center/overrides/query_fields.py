"""Frappe's `frappe.database.query.Engine.sanitize_fields`, with each field's cleaned text remembered.

Every `frappe.db.get_value`, `get_values` and `exists` builds its query through this method, and it runs each
field name through sqlparse (to strip SQL comments a client might have slipped into a field) — about half a
millisecond of CPU a field. A sister system's intake asks a dozen such values (its API key, its own system,
the centre's level, the idempotency keys, the links Frappe checks), so that parsing is a tenth of the
intake's CPU, spent on the same few field names again and again. The result depends only on the text and
on whether the database is MariaDB, so the replacement keeps Frappe's answer for each (text, database) it has
seen — Frappe's own function computes it the first time — in a bounded table (cleared when full, so names a
client invents cannot grow it). `install()` puts it in place; it runs before every request and background job
and when this module is imported.
"""

import frappe.database.query

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


def install():
	"""Put the replacement in place (once per process; Frappe's method stays reachable as zz_wraps, also when
	this module is loaded again)."""
	if frappe.database.query.Engine.sanitize_fields is not sanitize_fields:
		sanitize_fields.zz_wraps = frappe_sanitize_fields
		frappe.database.query.Engine.sanitize_fields = sanitize_fields


# Frappe's own method, unwrapped if an earlier load of this module had replaced it
frappe_sanitize_fields = getattr(
	frappe.database.query.Engine.sanitize_fields, "zz_wraps", frappe.database.query.Engine.sanitize_fields
)

install()
