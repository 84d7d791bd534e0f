"""更正: a clerk corrects a typing mistake on an accepted case without reopening its form.

Once a case is accepted the workflow gives its form to the dispatcher and the director (allow_edit), so that
the matter, the centre, the department and the clocks stay as accepted. A misspelt name, a wrong digit in a
phone number or an address typed badly do not change the case's course, and the clerk who typed them may put
them right: only the fields ZZ Settings names (correctable_fields, one a line, ``parties.<field>`` for a
party's field), with a reason, and the correction goes into the case's timeline. Personal data stays in the
vault: the timeline shows masks, as every other path does.

The stored record is the judge: whatever the client sends, a field not named in the settings, or a change
the save would make to any other field, refuses the whole correction and changes nothing.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cstr

from zongzhi_center.exceptions import CorrectionFieldError, CorrectionNotAllowedError
from zongzhi_center.services import workflow_names as wn

CASE = "ZZ Case"
PARTIES = "parties"
# what a correction may touch at all, whatever the settings say: text typed by a person
TEXT_TYPES = ("Data", "Small Text", "Text", "Long Text")
# the save itself keeps these up to date (modification time, masks' ciphertext, counters)
BOOKKEEPING = {"modified", "modified_by", "party_count"}


def correctable_fields() -> tuple[list[str], list[str]]:
	"""(case fields, party fields) the settings allow the user to correct after acceptance."""
	configured = frappe.db.get_single_value("ZZ Settings", "correctable_fields") or ""
	case_meta, party_meta = (
		frappe.get_meta(CASE),
		frappe.get_meta(frappe.get_meta(CASE).get_field(PARTIES).options),
	)
	case_fields, party_fields = [], []
	for line in configured.splitlines():
		name = line.strip()
		if not name:
			continue
		table, _dot, field = name.rpartition(".")
		meta, target = (party_meta, party_fields) if table == PARTIES else (case_meta, case_fields)
		if table not in ("", PARTIES):
			continue
		df = meta.get_field(field)
		if df and df.fieldtype in TEXT_TYPES and not df.read_only and field not in target:
			target.append(field)
	# a field at a permission level the user may not write (personal data for some roles) is not theirs to correct
	levels = set(case_meta.get_permlevel_access("write"))
	return (
		[f for f in case_fields if case_meta.get_field(f).permlevel in levels],
		[f for f in party_fields if party_meta.get_field(f).permlevel in levels],
	)


def closed_states() -> list[str]:
	# a closed case's dossier is sealed (its manifest hashed): nothing in it changes any more
	return wn.states("closed", "archived")


def may_correct(case) -> bool:
	"""Whether the user may correct the case: they may edit it (its centre's staff) and it is not closed."""
	return bool(frappe.has_permission(CASE, "write", doc=case)) and case.workflow_state not in closed_states()


def check_may_correct(case) -> None:
	if not may_correct(case):
		frappe.throw(
			_("You may not correct this case."), exc=CorrectionNotAllowedError, title=_("Not Permitted")
		)


def form(case_name: str) -> dict:
	"""What the correction dialog shows: the correctable fields of the case and of each party, as stored."""
	case = frappe.get_doc(CASE, case_name)
	check_may_correct(case)
	case_fields, party_fields = correctable_fields()
	party_meta = frappe.get_meta(case.meta.get_field(PARTIES).options)
	return {
		"fields": [
			{
				"fieldname": f,
				"label": _(case.meta.get_label(f)),
				"fieldtype": case.meta.get_field(f).fieldtype,
				"value": case.get(f),
			}
			for f in case_fields
		],
		"party_fields": [
			{
				"fieldname": f,
				"label": _(party_meta.get_label(f)),
				"fieldtype": party_meta.get_field(f).fieldtype,
			}
			for f in party_fields
		],
		"parties": [
			{
				"name": row.name,
				"idx": row.idx,
				"party_role": _(row.party_role),
				**{f: row.get(f) for f in party_fields},
			}
			for row in case.get(PARTIES)
		],
	}


def correct(case_name: str, values: dict, reason: str) -> dict:
	"""Write the corrected values; refuse the whole correction when any field is not correctable."""
	reason = cstr(reason).strip()
	if not reason:
		frappe.throw(
			_("Say what the correction puts right."), exc=CorrectionFieldError, title=_("Reason Missing")
		)
	if not isinstance(values, dict):
		frappe.throw(_("Nothing to correct."), exc=CorrectionFieldError)
	case = frappe.get_doc(CASE, case_name)
	check_may_correct(case)
	case_fields, party_fields = correctable_fields()
	refused = []
	for field, value in values.items():
		if field == PARTIES:
			continue
		if field not in case_fields:
			refused.append(_(case.meta.get_label(field)) if case.meta.get_field(field) else field)
		else:
			case.set(field, value)
	rows = {row.name: row for row in case.get(PARTIES)}
	party_label = frappe.get_meta(case.meta.get_field(PARTIES).options).get_label
	for change in values.get(PARTIES) or []:
		row = rows.get(change.get("name")) if isinstance(change, dict) else None
		if row is None:
			frappe.throw(_("A party to correct is not on the case."), exc=CorrectionFieldError)
		for field, value in change.items():
			if field == "name":
				continue
			if field not in party_fields:
				refused.append(_(party_label(field)))
			else:
				row.set(field, value)
	if refused:
		frappe.throw(
			_("These fields cannot be corrected after acceptance: {0}.").format(
				", ".join(sorted(set(refused)))
			),
			exc=CorrectionFieldError,
			title=_("Not Correctable"),
		)
	case.flags.zz_correction = True
	case.save(
		ignore_version=False
	)  # the Version log keeps the change (masks only: personal_data.scrub_version)
	changes = stored_changes(case, case_fields, party_fields)
	if not changes:
		return {"changed": 0}
	case.add_comment(
		"Info",
		_("Corrected ({0}): {1}").format(
			frappe.utils.escape_html(reason), "; ".join(frappe.utils.escape_html(c) for c in changes)
		),
	)
	return {"changed": len(changes)}


def stored_changes(case, case_fields, party_fields) -> list[str]:
	"""The corrections as the timeline tells them, personal data as masks (as stored)."""
	before = case.get_doc_before_save()
	out = []
	for field in case_fields:
		if cstr(before.get(field)) != cstr(case.get(field)):
			out.append(
				_("{0}: {1} → {2}").format(
					_(case.meta.get_label(field)), before.get(field) or "", case.get(field) or ""
				)
			)
	old_rows = {row.name: row for row in before.get(PARTIES)}
	for row in case.get(PARTIES):
		old = old_rows.get(row.name)
		for field in party_fields:
			if old is not None and cstr(old.get(field)) != cstr(row.get(field)):
				out.append(
					_("Row {0} {1}: {2} → {3}").format(
						row.idx, _(row.meta.get_label(field)), old.get(field) or "", row.get(field) or ""
					)
				)
	return out


def check_correction(case) -> None:
	"""validate of a correction: only correctable fields differ from the stored case (judged on the record
	as the save leaves it, whatever set them)."""
	if not case.flags.zz_correction:
		return
	before = case.get_doc_before_save()
	case_fields, party_fields = correctable_fields()
	allowed = set(case_fields) | BOOKKEEPING | {PARTIES}
	changed = [
		df.fieldname
		for df in case.meta.fields
		if df.fieldname not in allowed
		and not df.fetch_from  # refreshed from the linked record by the save itself
		and df.fieldtype not in frappe.model.no_value_fields
		and df.fieldtype not in frappe.model.table_fields
		and cstr(before.get(df.fieldname)) != cstr(case.get(df.fieldname))
	]
	old_rows = {row.name: row for row in before.get(PARTIES)}
	if [row.name for row in case.get(PARTIES)] != [row.name for row in before.get(PARTIES)]:
		changed.append(PARTIES)
	for row in case.get(PARTIES):
		old = old_rows.get(row.name)
		for df in row.meta.fields:
			name = df.fieldname
			if name in party_fields or (name.endswith("_enc") and name[: -len("_enc")] in party_fields):
				continue
			if df.fieldtype in frappe.model.no_value_fields:
				continue
			if old is not None and cstr(old.get(name)) != cstr(row.get(name)):
				changed.append(f"{PARTIES}.{name}")
	if changed:
		frappe.throw(
			_("These fields cannot be corrected after acceptance: {0}.").format(
				", ".join(sorted(set(changed)))
			),
			exc=CorrectionFieldError,
			title=_("Not Correctable"),
		)
