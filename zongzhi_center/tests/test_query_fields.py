"""overrides/query_fields.py: Frappe's field cleaning, remembered per field name, answers as Frappe's does."""

import frappe
import frappe.database.query
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.overrides import query_fields
from zongzhi_center.tests.test_overrides import assert_replaces_frappe

FIELDS = [
	"name",
	"`tabZZ Case`.`current_center`",
	"count(*) as n",
	"Status",
	"name /* who reads this */",
	"name -- and the rest",
	"/*!50000 sleep(1) */ name",
	"SELECT",
	"ifnull(`modified`, '') as changed",
	"",
]


class TestQueryFields(FrappeTestCase):
	def test_it_is_frappes_method_with_frappes_answers(self):
		engine = frappe.database.query.Engine
		original = query_fields.frappe_sanitize_fields
		assert_replaces_frappe(self, query_fields, engine, "sanitize_fields", original)

		query = engine()
		query.is_mariadb = frappe.db.db_type == "mariadb"  # as Frappe's get_query sets it
		query_fields._cleaned.clear()
		for fields in [*FIELDS, FIELDS, tuple(FIELDS), ["name", None, 3], None]:
			with self.subTest(fields=fields):
				expected = original(query, fields)
				self.assertEqual(query_fields.sanitize_fields(query, fields), expected)
				self.assertEqual(query_fields.sanitize_fields(query, fields), expected)  # remembered
		self.assertNotIn("sleep", query_fields.sanitize_fields(query, "/*!50000 sleep(1) */ name"))

	def test_a_get_value_reads_the_same_through_it(self):
		name = frappe.get_all("ZZ Center", pluck="name", limit=1)[0]
		self.assertEqual(frappe.db.get_value("ZZ Center", name, ["name", "level"], as_dict=True).name, name)
		self.assertIn(("level", frappe.db.db_type == "mariadb"), query_fields._cleaned)

	def test_names_a_client_invents_do_not_grow_it_without_bound(self):
		query = frappe.database.query.Engine()
		query.is_mariadb = frappe.db.db_type == "mariadb"
		for i in range(query_fields.LIMIT + 10):
			query_fields.sanitize_fields(query, f"field_{i}")
		self.assertLessEqual(len(query_fields._cleaned), query_fields.LIMIT)

	def test_a_filters_column_is_judged_as_frappe_judges_it(self):
		import frappe.utils.data

		original = query_fields.frappe_sanitize_column
		assert_replaces_frappe(self, query_fields, frappe.utils.data, "sanitize_column", original)
		query_fields._accepted.clear()
		for column in ("name", "`tabZZ Case`.`current_center`", "ifnull(modified, '')", "Status"):
			original(column)  # Frappe accepts it
			query_fields.sanitize_column(column)
			query_fields.sanitize_column(column)  # and again, remembered
		for column in ("name; drop table x", "name, password", "(select password from `__Auth`)"):
			with self.subTest(column=column):
				with self.assertRaises(frappe.DataError):
					original(column)
				for _attempt in range(2):  # refused every time, never remembered
					with self.assertRaises(frappe.DataError):
						query_fields.sanitize_column(column)
		# through a list's filters, as a client sends them
		with self.assertRaises(frappe.DataError):
			frappe.get_list("ZZ Center", filters=[["name, password", "=", "x"]])
		self.assertTrue(frappe.get_list("ZZ Center", filters=[["name", "is", "set"]], limit=1))
