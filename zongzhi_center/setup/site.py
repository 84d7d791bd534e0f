"""A new site made by `./zz up` opens on the app's Chinese desk, not on Frappe's setup wizard.

Frappe asks the first administrator of a new site for language, country and time zone in its setup
wizard. `./zz up` answers for a centre in mainland China, only while the wizard has not been completed:
a site whose administrator went through the wizard (or changed these settings since) is left as it is.
"""

import frappe
from frappe.desk.page.setup_wizard.setup_wizard import disable_future_access, update_system_settings
from frappe.utils import cint

CENTER_SETUP = {
	"language": "简体中文",
	"country": "China",
	"timezone": "Asia/Shanghai",
	"enable_telemetry": 0,
}


def complete_setup() -> bool:
	"""Answer the setup wizard for a centre in mainland China, once. Returns whether it changed anything."""
	changed = False
	if not cint(frappe.db.get_single_value("System Settings", "setup_complete")):
		update_system_settings(frappe._dict(CENTER_SETUP))
		frappe.db.set_single_value("System Settings", "first_day_of_the_week", "Monday")
		frappe.db.set_value("User", "Administrator", "language", "zh")
		disable_future_access()
		changed = True
	if not frappe.db.get_default("currency"):
		# amounts in dispute and compensation are in yuan; without a default the desk shows another currency
		if not frappe.db.get_value("Currency", "CNY", "symbol"):
			frappe.db.set_value("Currency", "CNY", {"enabled": 1, "symbol": "¥"})
		frappe.db.set_default("currency", "CNY")
		changed = True
	frappe.db.commit()
	return changed
