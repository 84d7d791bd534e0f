"""Coverage derived from the DocType list: a DocType added to the app is scoped, or the test names it.

Every DocType of the module that holds records is either scoped record by record — a `has_permission` and a
`permission_query_conditions` hook, or a link to ZZ Center that Frappe's User Permissions follow — or is
reference data a centre shares (categories, rules, rooms, calendars …) whose records carry no case or person.
Child tables are judged by their stored parent on every path (overrides/permissions.py), so they need nothing.
A new DocType that is neither fails here until it is given one of them.
"""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.permissions.guards import MODULE
from zongzhi_center.services import vault

# configuration and reference data: no case, no party, no person's data; read by every centre that uses it
REFERENCE_DATA = frozenset(
	{
		"ZZ Case Category",
		"ZZ Deadline Rule",
		"ZZ Expertise",
		"ZZ Risk Rule",
		"ZZ Work Calendar",
		"ZZ Mediation Room",
		"ZZ Service Window",
		"ZZ Shipped Definition",
		"ZZ Case Number Counter",
		"ZZ Sister System",
		"ZZ Center",
		"ZZ Department",
	}
)


class TestCoverage(FrappeTestCase):
	def doctypes(self):
		return [
			frappe.get_meta(name)
			for name in frappe.get_all("DocType", filters={"module": MODULE}, pluck="name", order_by="name")
		]

	def test_every_record_doctype_is_scoped_or_named_reference_data(self):
		has_permission = frappe.get_hooks("has_permission")
		query = frappe.get_hooks("permission_query_conditions")
		unscoped = []
		for meta in self.doctypes():
			if meta.istable or meta.issingle or meta.name in REFERENCE_DATA:
				continue
			hooked = meta.name in has_permission and meta.name in query
			by_center = any(
				df.fieldtype == "Link" and df.options == "ZZ Center" and not df.ignore_user_permissions
				for df in meta.fields
			)
			if not (hooked or by_center):
				unscoped.append(meta.name)
		self.assertEqual(unscoped, [])

	def test_reference_data_holds_no_personal_data(self):
		for meta in self.doctypes():
			if meta.name not in REFERENCE_DATA:
				continue
			tables = [frappe.get_meta(t.options) for t in meta.get_table_fields()]
			for m in (meta, *tables):
				self.assertFalse([df.fieldname for df in m.fields if df.permlevel], m.name)
				self.assertFalse(vault.vault_fields(m.name), m.name)

	def test_child_tables_are_judged_by_their_parent(self):
		from zongzhi_center.overrides import permissions

		for meta in self.doctypes():
			if meta.istable:
				self.assertTrue(permissions.is_app_child_table(meta.name), meta.name)
		self.assertIs(frappe.permissions.has_child_permission, permissions.has_child_permission)
