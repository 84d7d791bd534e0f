"""A case's risk colour (三色/四色预警) from the administrator's risk rules, with overrides and what a
red colour sets in motion (县级会诊: up to the county, the director told at once)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt
from frappe.utils.nestedset import get_ancestors_of

from zongzhi_center.engine.risk import CaseFacts, assess
from zongzhi_center.exceptions import RiskOverrideError
from zongzhi_center.services import rules
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.services.notify import notify
from zongzhi_center.utils import levels

RED = "Red"


def apply(case, before):
	"""Set the colour, the reasons and (for a case turning red) the move up to the red-case tier."""
	# what after_save reports is about this save only, however often the same object is saved
	case.flags.zz_turned_red = False
	case.flags.zz_override_note = None
	facts = CaseFacts(
		category_path=rules.category_path(case.category),
		source=case.source,
		text=f"{case.title or ''}\n{case.facts or ''}",
		party_count=len(case.parties),
		amount=flt(case.amount_in_dispute),
		repeat_visits=case.repeat_visits or 0,
	)
	assessment = assess(rules.risk_rules(), facts)
	reasons = [(r.rule, r.colour, "; ".join(r.matched)) for r in assessment.reasons]
	# rows replaced only when the reasons changed: unchanged rows stay out of the document's history
	if reasons != [(r.rule, r.risk_color, r.matched) for r in case.risk_reasons]:
		case.set("risk_reasons", [{"rule": a, "risk_color": b, "matched": c} for a, b, c in reasons])
	case.risk_reason = "; ".join(f"{r.rule} ({_(r.colour)})" for r in assessment.reasons) or None
	case.risk_color = assessment.colour
	apply_override(case, before)
	if case.risk_color == RED and (before is None or before.risk_color != RED):
		case.flags.zz_turned_red = True
		case.for_risk_meeting = 1  # 风险研判会: a red case goes on the next agenda
		if before is None:
			# red at intake: registered straight at the red-case tier. A case that turns red later is
			# escalated by its dispatcher (told at once, below) with the workflow's Escalate action.
			move_up_for_red(case)


def apply_override(case, before):
	if not case.risk_override:
		return
	if not (case.risk_override_reason or "").strip():
		frappe.throw(
			_("Write the reason for overriding the risk colour."),
			exc=RiskOverrideError,
			title=_("Reason Missing"),
		)
	changed = before is None or (before.risk_override, before.risk_override_reason) != (
		case.risk_override,
		case.risk_override_reason,
	)
	if changed:
		case.flags.zz_override_note = _("Risk colour overridden from {0} to {1} by {2}: {3}").format(
			_(case.risk_color), _(case.risk_override), frappe.session.user, case.risk_override_reason
		)
	case.risk_color = case.risk_override


def move_up_for_red(case):
	"""A new red case goes up to the centre of the red-case tier above its centre, if it is below that."""
	tier = frappe.db.get_single_value("ZZ Settings", "red_case_tier")
	if not tier or levels.rank(case.tier) >= levels.rank(tier) or case.target_center:
		return
	for ancestor in get_ancestors_of("ZZ Center", case.current_center, order_by="lft desc"):
		if frappe.db.get_value("ZZ Center", ancestor, "level") == tier:
			case.target_center = ancestor
			case.flags.zz_move = "Escalated"
			case.move_reason = case.move_reason or _("Red risk colour: 县级会诊 at {0}.").format(ancestor)
			return


def after_save(case):
	if case.flags.zz_override_note:
		case.add_comment("Info", case.flags.zz_override_note)
	if case.flags.zz_turned_red:
		from zongzhi_center.services.routing import center_people

		notify(
			[
				case.first_receiver,
				*center_people(case.current_center, (wn.CENTER_DIRECTOR, wn.DISPATCHER)),
			],
			case,
			_("Case {0} is red: {1}").format(case.case_number, case.risk_reason or _("colour overridden")),
		)
