"""The window to apply for 司法确认 (人民调解法 Art. 33): 30 days from the day a mediation agreement takes
effect. Daily, the mediator is warned once, some days before it closes, of a signed agreement not yet
brought to court; once it has closed unused, the agreement is marked so."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, cint, today

from zongzhi_center.services.notify import notify
from zongzhi_center.utils import once

# when ZZ Settings names no number of days
DEFAULT_WARN_DAYS = 7


def update_windows(day=None) -> dict[str, int]:
	"""Scheduled daily: warn of windows closing within the settings' days, mark the closed ones."""
	day = day or today()
	return {"warned": warn_closing(day), "expired": mark_expired(day)}


def open_agreements(**filters) -> list:
	# get_all: the scheduler looks at every centre's agreements
	return frappe.get_all(
		"ZZ Mediation Agreement",
		filters={
			"docstatus": 1,
			"confirmation_applied_on": ["is", "not set"],
			"confirmation_window_expired": 0,
			**filters,
		},
		fields=["name", "case", "case_number", "mediator", "judicial_confirmation_by"],
	)


def warn_closing(day) -> int:
	warn_days = cint(frappe.db.get_single_value("ZZ Settings", "judicial_confirmation_warn_days"))
	rows = open_agreements(
		confirmation_warned_on=["is", "not set"],
		judicial_confirmation_by=["between", [day, add_days(day, warn_days or DEFAULT_WARN_DAYS)]],
	)
	for row in rows:
		# claimed first: a second run of the job at the same moment warns nobody twice
		if not once.claim("ZZ Mediation Agreement", row.name, "confirmation_warned_on", day):
			continue
		notify(
			[frappe.db.get_value("ZZ Stationed Staff", row.mediator, "user")],
			frappe.get_doc("ZZ Mediation Agreement", row.name),
			_(
				"Case {0}: the parties may apply to the court for judicial confirmation of its agreement until {1}."
			).format(row.case_number, frappe.format(row.judicial_confirmation_by, "Date")),
		)
		once.keep()
	return len(rows)


def mark_expired(day) -> int:
	rows = open_agreements(judicial_confirmation_by=["<", day])
	for row in rows:
		frappe.db.set_value(
			"ZZ Mediation Agreement", row.name, "confirmation_window_expired", 1, update_modified=False
		)
		frappe.get_doc("ZZ Case", row.case).add_comment(
			"Info",
			_("The window to apply for judicial confirmation of agreement {0} closed on {1}.").format(
				frappe.get_desk_link("ZZ Mediation Agreement", row.name),
				frappe.format(row.judicial_confirmation_by, "Date"),
			),
		)
	return len(rows)
