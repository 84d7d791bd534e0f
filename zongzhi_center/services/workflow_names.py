"""The one home of the case workflow's states, actions and roles that the app's code relies on.

Code never writes a state or action name: it names the *meaning* ("registered", "accept") and asks this
module for the name the live workflow uses. The meanings are mapped to names in ZZ Settings (工作流节点对照),
with Link fields to Workflow State and Workflow Action Master, so:

- renaming an action (Workflow Action Master may be renamed) updates the map through Frappe's own
  rename of links;
- replacing a state or an action in a row of the Workflow (the administrator types 已登记 where
  Registered was) is seen when the Workflow is saved: the map follows the row, and the cases in the old
  state move to the new one (`follow_workflow_edit`);
- an administrator can point a meaning at another state or action in ZZ Settings by hand.

On migrate `missing_names()` lists each meaning whose state or action the live workflow lacks, and
install prints a warning for each. Without a site (engine tests) the shipped names apply.

Roles are named here too; they are not mapped, because the app's permission rules are written for them
(a renamed role is refused on migrate with the same warning).
"""

from __future__ import annotations

# meaning → the shipped name: engine/workflow.py (the engine's pure rules use them as their defaults)
from zongzhi_center.engine.workflow import SHIPPED_ACTIONS, SHIPPED_STATES

# the roles the app's permission rules and workflow are written for
INTAKE_CLERK = "ZZ Intake Clerk"
DISPATCHER = "ZZ Dispatcher"
MEDIATOR = "ZZ Mediator"
DEPARTMENT_HANDLER = "ZZ Department Handler"
STATIONED_STAFF = "ZZ Stationed Staff"
GRID_WORKER = "ZZ Grid Worker"
CENTER_DIRECTOR = "ZZ Center Director"
SUPERVISOR = "ZZ Supervisor"
LEADER = "ZZ Leader"
INTEGRATION = "ZZ Integration"
ROLES = (
	INTAKE_CLERK,
	DISPATCHER,
	MEDIATOR,
	DEPARTMENT_HANDLER,
	STATIONED_STAFF,
	GRID_WORKER,
	CENTER_DIRECTOR,
	SUPERVISOR,
	LEADER,
	INTEGRATION,
)

STATE, ACTION = "State", "Action"
TABLE = "ZZ Workflow Name"
CACHE_KEY = "zz_workflow_names"


def _live() -> dict[tuple[str, str], str]:
	"""(kind, meaning) → live name, from ZZ Settings; empty without a site."""
	try:
		import frappe
	except ImportError:  # the engine's plain-Python tests
		return {}
	if not getattr(frappe.local, "site", None) or not getattr(frappe.local, "conf", None):
		return {}

	def load():
		if not frappe.db.table_exists(TABLE):
			return {}
		rows = frappe.get_all(
			TABLE,
			filters={"parenttype": "ZZ Settings", "parent": "ZZ Settings"},
			fields=["kind", "meaning", "workflow_state", "workflow_action"],
		)
		names = {}
		for row in rows:
			value = row.workflow_state if row.kind == STATE else row.workflow_action
			if value:
				names[f"{row.kind}:{row.meaning}"] = value
		return names

	cached = getattr(frappe.local, "zz_workflow_names", None)
	if cached is None:
		cached = frappe.cache().get_value(CACHE_KEY, load)
		frappe.local.zz_workflow_names = cached
	return cached


def clear_cache(doc=None, method=None):
	import frappe

	frappe.cache().delete_value(CACHE_KEY)
	if getattr(frappe.local, "zz_workflow_names", None) is not None:
		frappe.local.zz_workflow_names = None


def state(meaning: str) -> str:
	"""The live workflow's name for a state the code relies on."""
	shipped = SHIPPED_STATES[meaning]  # an unknown meaning is a programming error
	return _live().get(f"{STATE}:{meaning}", shipped)


def action(meaning: str) -> str:
	"""The live workflow's name for an action the code relies on."""
	shipped = SHIPPED_ACTIONS[meaning]
	return _live().get(f"{ACTION}:{meaning}", shipped)


def states(*meanings: str) -> tuple[str, ...]:
	return tuple(state(m) for m in meanings)


def actions(*meanings: str) -> tuple[str, ...]:
	return tuple(action(m) for m in meanings)


def state_meaning(name: str | None) -> str | None:
	"""The meaning of a live state name (None for a state the code does not rely on)."""
	for meaning in SHIPPED_STATES:
		if state(meaning) == name:
			return meaning
	return None


def action_meaning(name: str | None) -> str | None:
	for meaning in SHIPPED_ACTIONS:
		if action(meaning) == name:
			return meaning
	return None


def as_dict() -> dict[str, dict[str, str]]:
	"""For the desk's scripts (boot): meaning → live name."""
	return {
		"states": {m: state(m) for m in SHIPPED_STATES},
		"actions": {m: action(m) for m in SHIPPED_ACTIONS},
	}


# ---- keeping the map in step with the live workflow (install, migrate, the Workflow's save) ----


def live_workflow():
	import frappe
	from frappe.model.workflow import get_workflow_name

	name = get_workflow_name("ZZ Case")
	return frappe.get_cached_doc("Workflow", name) if name else None


def ensure_map() -> None:
	"""Install and migrate: a row for every meaning the table lacks, with the shipped name (an
	administrator's rows are kept as they are)."""
	import frappe

	settings = frappe.get_single("ZZ Settings")
	have = {(row.kind, row.meaning) for row in settings.get("workflow_names") or []}
	added = False
	for kind, shipped, field, master in (
		(STATE, SHIPPED_STATES, "workflow_state", "Workflow State"),
		(ACTION, SHIPPED_ACTIONS, "workflow_action", "Workflow Action Master"),
	):
		for meaning, name in shipped.items():
			if (kind, meaning) in have or not frappe.db.exists(master, name):
				continue
			settings.append("workflow_names", {"kind": kind, "meaning": meaning, field: name})
			added = True
	if added:
		settings.flags.ignore_mandatory = True
		settings.save(ignore_permissions=True)
	clear_cache()


def missing_names() -> list[str]:
	"""Each meaning whose state or action the live workflow lacks, and each role that no longer exists:
	what an administrator must fix (in the workflow or in ZZ Settings) for the app to work."""
	import frappe
	from frappe import _

	workflow = live_workflow()
	problems = []
	if workflow is None:
		return [_("The ZZ Case workflow is not active.")]
	live_states = {row.state for row in workflow.states}
	live_actions = {row.action for row in workflow.transitions}
	for meaning in SHIPPED_STATES:
		if state(meaning) not in live_states:
			problems.append(
				_("The workflow has no state {0} for {1}.").format(frappe.bold(state(meaning)), meaning)
			)
	for meaning in SHIPPED_ACTIONS:
		if action(meaning) not in live_actions:
			problems.append(
				_("The workflow has no action {0} for {1}.").format(frappe.bold(action(meaning)), meaning)
			)
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			problems.append(_("The role {0} does not exist.").format(frappe.bold(role)))
	return problems


def _paired(before_rows, after_rows):
	"""Rows of a workflow table before and after an edit, paired by row name, else by position."""
	by_name = {row.name: row for row in before_rows if row.name}
	for idx, row in enumerate(after_rows):
		old = by_name.get(row.name) if row.name else None
		if old is None and idx < len(before_rows) and len(before_rows) == len(after_rows):
			old = before_rows[idx]
		if old is not None:
			yield old, row


def follow_workflow_edit(doc, method=None):
	"""Workflow on_update: a state or action the app relies on, replaced in its row by another name, is a
	rename: the map follows it, and the app's records in the old state (cases, their history, the
	settings' paused and stopped states) move to the new name, so work goes on under the new name."""
	import frappe

	if doc.document_type != "ZZ Case":
		return
	before = doc.get_doc_before_save()
	if before is None:
		return
	new_states = {row.state for row in doc.states}
	new_actions = {row.action for row in doc.transitions}
	state_renames = {
		old.state: row.state
		for old, row in _paired(before.states, doc.states)
		if old.state != row.state and old.state not in new_states
	}
	action_renames = {
		old.action: row.action
		for old, row in _paired(before.transitions, doc.transitions)
		if old.action != row.action and old.action not in new_actions
	}
	if not state_renames and not action_renames:
		return
	from frappe.model.rename_doc import get_link_fields

	app_doctypes = set(frappe.get_all("DocType", filters={"module": "Zongzhi Center"}, pluck="name"))
	for old, new in state_renames.items():
		for field in get_link_fields("Workflow State"):
			if field["parent"] in app_doctypes and not field["issingle"]:
				frappe.db.set_value(
					field["parent"], {field["fieldname"]: old}, field["fieldname"], new, update_modified=False
				)
	if state_renames:
		rename_in_notifications(state_renames)
	for old, new in action_renames.items():
		frappe.db.set_value(
			TABLE,
			{"parenttype": "ZZ Settings", "kind": ACTION, "workflow_action": old},
			"workflow_action",
			new,
			update_modified=False,
		)
	frappe.clear_document_cache("ZZ Settings", "ZZ Settings")
	clear_cache()
	from zongzhi_center.services.rules import clear_cache as clear_rules

	clear_rules()


def extend_bootinfo(bootinfo):
	bootinfo.zz_workflow = as_dict()


def rename_in_notifications(renames: dict[str, str]) -> None:
	"""Notifications on cases whose condition names a renamed state ("doc.workflow_state == 'Closed'", as the
	shipped closing notice does) name the new one, or they would never fire again."""
	import frappe

	for note in frappe.get_all(
		"Notification", filters={"document_type": "ZZ Case"}, fields=["name", "condition"]
	):
		condition = note.condition or ""
		for old, new in renames.items():
			for quote in ("'", '"'):
				condition = condition.replace(f"{quote}{old}{quote}", repr(new))
		if condition != (note.condition or ""):
			frappe.db.set_value("Notification", note.name, "condition", condition, update_modified=False)
