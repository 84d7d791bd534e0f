"""Who sees which case, beyond roles and the centre User Permissions that Frappe applies itself.

- Users with a centre role (clerk, dispatcher, mediator, director, …) see the cases of their centre and the
  centres below it: the User Permission on ZZ Center does that for every access path (form, list, count,
  report view, export, print, link search, REST). A user with such a role but no centre sees nothing.
- Department handlers see only cases whose handling department lists them as a handler.
- The integration role sees only what it submitted (an "if owner" permission on the DocType).
"""

import frappe

from zongzhi_center.permissions.centers import allowed_centers
from zongzhi_center.services import workflow_names as wn

CENTER_ROLES = frozenset(
	{
		wn.INTAKE_CLERK,
		wn.DISPATCHER,
		wn.MEDIATOR,
		wn.STATIONED_STAFF,
		wn.GRID_WORKER,
		wn.CENTER_DIRECTOR,
		wn.SUPERVISOR,
		wn.LEADER,
	}
)
DEPARTMENT_HANDLER = wn.DEPARTMENT_HANDLER
UNSCOPED_ROLES = frozenset({"System Manager"})

NO_ROWS = "1=0"


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	user = user or frappe.session.user
	scope = access_scope(user)
	if scope == "all":
		return ""
	if scope == "center":
		# with a centre, Frappe's User Permissions scope the list and add the shared cases themselves
		return "" if allowed_centers(user) else or_shared(NO_ROWS, user)
	if scope == "department":
		departments = handler_departments(user)
		if not departments:
			return or_shared(NO_ROWS, user)
		values = ", ".join(frappe.db.escape(d) for d in departments)
		return or_shared(f"`tabZZ Case`.`handling_department` in ({values})", user)
	return ""  # no case role: the DocType permissions decide (e.g. integration: own records only)


def or_shared(condition: str, user: str) -> str:
	"""The condition, or one of the cases shared with the user (a consultation they were summoned to, a
	task force they serve on: services.access). Frappe adds shared documents to a list only where User
	Permissions apply, and these users have none."""
	shared = frappe.share.get_shared("ZZ Case", user)
	if not shared:
		return condition
	names = ", ".join(frappe.db.escape(name) for name in shared)
	return f"({condition} or `tabZZ Case`.`name` in ({names}))"


def party_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""Party rows listed on their own (`get_list("ZZ Case Party", parent_doctype="ZZ Case")`): only rows of
	cases the user may see. Frappe checks the parent's role permission there, but the centre User
	Permissions and the conditions above apply to ZZ Case queries only."""
	user = user or frappe.session.user
	if access_scope(user) == "all":
		return ""
	visible_cases = frappe.get_list(
		"ZZ Case", fields=["`tabZZ Case`.`name`"], user=user, limit_page_length=0, order_by=None, run=False
	)
	return (
		f"(`tabZZ Case Party`.`parenttype` = 'ZZ Case' and `tabZZ Case Party`.`parent` in ({visible_cases}))"
	)


def has_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
) -> bool | None:
	user = user or frappe.session.user
	scope = access_scope(user)
	if scope == "center" and not allowed_centers(user):
		return False
	if scope == "department" and doc.get("handling_department") not in handler_departments(user):
		return False
	return None  # no objection: roles and User Permissions decide


def is_unscoped(user: str) -> bool:
	"""Administrator and System Managers: no centre or department scoping applies."""
	return access_scope(user) == "all"


def access_scope(user: str) -> str:
	if user == "Administrator":
		return "all"
	roles = set(frappe.get_roles(user))
	if roles & UNSCOPED_ROLES:
		return "all"
	if roles & CENTER_ROLES:
		return "center"
	if DEPARTMENT_HANDLER in roles:
		return "department"
	return "owner"


def handler_departments(user: str) -> list[str]:
	# get_all: which departments list the user as a handler decides what they may see, so it must not
	# itself be filtered by their permissions
	return frappe.get_all(
		"ZZ Department Handler",
		filters={"user": user, "parenttype": "ZZ Department", "parentfield": "handlers"},
		pluck="parent",
	)


def department_handlers(departments) -> list[str]:
	"""Users listed as handlers of any of these departments."""
	if not departments:
		return []
	# get_all: used to grant access, so it must not depend on the current user's permissions
	return frappe.get_all(
		"ZZ Department Handler",
		filters={
			"parenttype": "ZZ Department",
			"parentfield": "handlers",
			"parent": ["in", list(departments)],
		},
		pluck="user",
		distinct=True,
	)
