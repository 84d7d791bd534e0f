"""Security defaults a 综治中心 site ships with (等级保护 level 3 asks for each), set on install and migrate.

Password policy, lockout after repeated failed logins, session expiry, and how long the login activity and
page history are kept (at least six months). Each value is set once, only where the site still has Frappe's
default, and recorded as a ZZ Shipped Definition: an administrator's own value is kept, and a value the
administrator changes later (even back to Frappe's default) is never set again. All stay editable in System
Settings and Log Settings.
"""

import frappe
from frappe.utils import cint, cstr, now_datetime

# System Settings field → the value shipped
SYSTEM_SETTINGS = {
	"enable_password_policy": "1",
	"minimum_password_score": "3",
	"allow_consecutive_login_attempts": "5",  # then the account waits:
	"allow_login_after_fail": "600",  # seconds
	"session_expiry": "08:00",  # idle time before a session ends, hh:mm
}
# log kept by Log Settings → days (MLPS level 3: access and operation logs at least six months)
LOG_RETENTION_DAYS = {
	"Activity Log": 180,  # logins, logouts and failed logins
	"Route History": 180,  # the pages each user opened
}


def ensure_security_defaults():
	ensure_system_settings()
	ensure_log_retention()


def ensure_system_settings():
	settings = frappe.get_single("System Settings")
	meta = settings.meta
	changed = False
	for fieldname, shipped in SYSTEM_SETTINGS.items():
		if not meta.has_field(fieldname) or decided("System Settings", fieldname):
			continue
		frappe_default = cstr(meta.get_field(fieldname).default)
		current = cstr(settings.get(fieldname))
		if current in ("", frappe_default):
			settings.set(fieldname, shipped)
			changed = True
			note = f"set to {shipped} (Frappe's default: {frappe_default})"
		else:
			note = f"kept the administrator's value {current} (shipped: {shipped})"
		record("System Settings", fieldname, note)
	if changed:
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)


def ensure_log_retention():
	if not frappe.db.exists("DocType", "Log Settings"):
		return
	frappe_defaults = frappe.get_hooks("default_log_clearing_doctypes", app_name="frappe") or {}
	settings = frappe.get_single("Log Settings")
	rows = {row.ref_doctype: row for row in settings.logs_to_clear}
	changed = False
	for doctype, days in LOG_RETENTION_DAYS.items():
		if decided("Log Settings", doctype) or not frappe.db.exists("DocType", doctype):
			continue
		default = frappe_defaults.get(doctype)
		default = cint(default[-1] if isinstance(default, list | tuple) else default)
		row = rows.get(doctype)
		if row is None:
			settings.append("logs_to_clear", {"ref_doctype": doctype, "days": days})
			changed = True
			note = f"kept {days} days (Frappe's default: {default})"
		elif cint(row.days) == default:
			row.days = days
			changed = True
			note = f"kept {days} days (Frappe's default: {default})"
		else:
			note = f"kept the administrator's {row.days} days (shipped: {days})"
		record("Log Settings", doctype, note)
	if changed:
		settings.save(ignore_permissions=True)


def decided(doctype: str, key: str) -> bool:
	return bool(frappe.db.exists("ZZ Shipped Definition", {"ref_doctype": doctype, "ref_name": key}))


def record(doctype: str, key: str, note: str):
	frappe.get_doc(
		{
			"doctype": "ZZ Shipped Definition",
			"ref_doctype": doctype,
			"ref_name": key,
			"applied_on": now_datetime(),
			"last_sync_note": note,
		}
	).insert(ignore_permissions=True)
