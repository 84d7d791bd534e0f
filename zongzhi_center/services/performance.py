"""The performance of a signed mediation agreement on the case it settles (人民调解法 Art. 31: the committee
supervises performance). When an agreement becomes missed — found by the daily job or by any save after a
due date — the case is flagged, its timeline says so, the mediator and the centre's dispatchers and
director are told, and the flag puts the case on the risk meeting's agenda. Both paths compare with the
stored status, so whichever marks it first is the only one that tells anyone."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, today

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify
from zongzhi_center.utils import once

MISSED = "Missed"
# how many days before an obligation's due date the mediator is reminded of it
REMIND_DAYS = 3


def note_status(agreement, before_status: str | None):
	"""After a submitted agreement's fulfilment status was stored: act on its change to or from missed."""
	if agreement.fulfilment_status == MISSED and before_status != MISSED:
		flag_missed(agreement)
	elif before_status == MISSED and agreement.fulfilment_status != MISSED:
		sync_flag(agreement.case)


def flag_missed(agreement):
	# set on the record only: the case's workflow, deadlines and modified time are not the agreement's to move
	frappe.db.set_value("ZZ Case", agreement.case, "obligation_missed", 1, update_modified=False)
	case = frappe.get_doc("ZZ Case", agreement.case)
	case.add_comment(
		"Info",
		_("An obligation of mediation agreement {0} was not fulfilled by its due date.").format(
			frappe.get_desk_link(agreement.doctype, agreement.name)
		),
	)
	from zongzhi_center.services.routing import center_people

	notify(
		[
			frappe.db.get_value("ZZ Stationed Staff", agreement.mediator, "user"),
			*center_people(case.current_center, (wn.DISPATCHER, wn.CENTER_DIRECTOR)),
		],
		case,
		_("An obligation of the agreement on case {0} was not fulfilled by its due date.").format(
			case.case_number
		),
	)


def sync_flag(case_name: str):
	"""The flag stays while any submitted agreement of the case is missed (an amended one may be)."""
	missed = frappe.db.exists(
		"ZZ Mediation Agreement", {"case": case_name, "docstatus": 1, "fulfilment_status": MISSED}
	)
	frappe.db.set_value("ZZ Case", case_name, "obligation_missed", 1 if missed else 0, update_modified=False)


# ---------------------------------------------------------------- daily jobs (hooks.py)


def remind_due_obligations(days: int = REMIND_DAYS):
	"""Daily: the mediator is reminded, once, of an obligation of a signed agreement falling due within
	``days`` days (人民调解法 Art. 31: the committee supervises performance)."""
	# get_all: the scheduler looks at every centre's agreements
	rows = frappe.get_all(
		"ZZ Agreement Obligation",
		filters={
			"parenttype": "ZZ Mediation Agreement",
			"fulfilled_on": ["is", "not set"],
			"reminded_on": ["is", "not set"],
			"due_date": ["between", [today(), add_days(today(), days)]],
		},
		fields=["name", "parent", "content", "due_date"],
	)
	for row in rows:
		agreement = frappe.db.get_value(
			"ZZ Mediation Agreement",
			row.parent,
			["docstatus", "mediator", "case", "case_number"],
			as_dict=True,
		)
		# claimed first: a second run of the job at the same moment reminds nobody twice
		if agreement.docstatus != 1 or not once.claim(
			"ZZ Agreement Obligation", row.name, "reminded_on", today()
		):
			continue
		notify(
			[frappe.db.get_value("ZZ Stationed Staff", agreement.mediator, "user")],
			frappe.get_doc("ZZ Case", agreement.case),
			_('Case {0}: the obligation "{1}" of its agreement falls due on {2}.').format(
				agreement.case_number, row.content, frappe.format(row.due_date, "Date")
			),
		)
		once.keep()


def mark_missed_obligations():
	"""Daily: agreements whose obligations passed their due date unfulfilled are marked missed; the case is
	flagged and the mediator and the case's dispatchers and director are told (the case may be reopened)."""
	# get_all: the scheduler looks at every centre's agreements
	names = frappe.get_all(
		"ZZ Agreement Obligation",
		filters={
			"parenttype": "ZZ Mediation Agreement",
			"fulfilled_on": ["is", "not set"],
			"due_date": ["<", today()],
			"status": ["!=", "Overdue"],
		},
		pluck="parent",
		distinct=True,
	)
	for name in names:
		# locked and read as last stored: a second run at the same moment waits, then finds it marked
		doc = frappe.get_doc("ZZ Mediation Agreement", name, for_update=True)
		before_status = doc.fulfilment_status
		if doc.docstatus == 1 and doc.update_obligation_status():
			doc.db_set("fulfilment_status", doc.fulfilment_status, update_modified=False)
			for row in doc.obligations:
				row.db_set("status", row.status, update_modified=False)
			note_status(doc, before_status)
		once.keep()
