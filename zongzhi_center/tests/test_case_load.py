"""A case is loaded with the rows Frappe's Document.load_from_db gives it (overrides/case_load.py reads its
tables by plain queries): every table, every column, in the order of the rows' idx, locked when loaded for
update; the Frappe method it stands in for is checked by the hash of its source."""

import hashlib
import inspect

import frappe
from frappe.model.document import Document
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.overrides import case_load
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests import factories as f

CASE = "ZZ Case"


class TestCaseLoad(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = f.make_center_tree()
		cls.clerk = f.make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		parties = f.person_and_organisation()
		cls.case = f.make_case(cls.tree.town_a, cls.clerk, parties=parties).name
		# two more rows in every table, stored out of their order
		for df in frappe.get_meta(CASE).get_table_fields():
			start = frappe.db.count(df.options, {"parent": cls.case, "parentfield": df.fieldname})
			for idx in (start + 2, start + 1):
				frappe.get_doc(
					{
						"doctype": df.options,
						"parent": cls.case,
						"parenttype": CASE,
						"parentfield": df.fieldname,
						"idx": idx,
					}
				).db_insert()
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		f.delete_committed(cls.tree, [cls.clerk])
		super().tearDownClass()

	def loaded(self, load, for_update=False) -> dict:
		doc = frappe.get_doc(CASE, self.case)
		doc.flags.for_update = for_update
		return load(doc).as_dict(convert_dates_to_str=True)

	def test_the_rows_frappes_method_gives(self):
		ours = self.loaded(case_load.load_from_db)
		self.assertEqual(ours, self.loaded(Document.load_from_db))
		for df in frappe.get_meta(CASE).get_table_fields():
			rows = ours[df.fieldname]
			self.assertGreaterEqual(len(rows), 2, df.fieldname)
			self.assertEqual([row["idx"] for row in rows], sorted(row["idx"] for row in rows), df.fieldname)
		self.assertEqual(len(ours["parties"]), 4)

	def test_locked_when_loaded_for_update(self):
		self.assertEqual(self.loaded(case_load.load_from_db, True), self.loaded(Document.load_from_db, True))
		self.assertTrue(frappe.db.last_query.rstrip().lower().endswith("for update"), frappe.db.last_query)
		frappe.db.rollback()

	def test_a_case_is_loaded_by_it(self):
		self.assertEqual(
			frappe.get_doc(CASE, self.case).__class__.load_from_db.__module__,
			"zongzhi_center.zongzhi_center.doctype.zz_case.zz_case",
		)
		with f.as_user(self.clerk):
			self.assertEqual(len(frappe.get_doc(CASE, self.case).parties), 4)

	def test_the_frappe_method_it_stands_in_for(self):
		source = " ".join(inspect.getsource(Document.load_from_db).split())
		self.assertEqual(hashlib.sha256(source.encode()).hexdigest()[:16], "986e3d0aba52e9c8")
