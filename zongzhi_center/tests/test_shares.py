"""overrides/shares.py: the records shared with a user are the ones Frappe's get_shared names."""

import frappe
import frappe.share
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.overrides import shares
from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_user
from zongzhi_center.tests.test_overrides import assert_replaces_frappe


class TestShares(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.other = make_user([wn.INTAKE_CLERK], cls.tree.town_b)
		cls.cases = [make_case(cls.tree.town_a, cls.clerk).name for _i in range(3)]
		frappe.share.add_docshare(
			"ZZ Case", cls.cases[0], cls.other, read=1, flags={"ignore_share_permission": True}
		)
		frappe.share.add_docshare(
			"ZZ Case", cls.cases[1], cls.other, read=1, write=1, flags={"ignore_share_permission": True}
		)
		frappe.share.add_docshare(
			"ZZ Case", cls.cases[2], everyone=1, read=1, flags={"ignore_share_permission": True}
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		super().tearDownClass()

	def test_it_stands_for_frappes_function(self):
		assert_replaces_frappe(self, shares, frappe.share, "get_shared", shares.frappe_get_shared)

	def test_the_same_names_as_frappe(self):
		original = shares.frappe_get_shared
		asked = [
			("ZZ Case", self.other, None, {}),
			("ZZ Case", self.other, ["read"], {}),
			("ZZ Case", self.other, ["write"], {}),
			("ZZ Case", self.other, ["read", "write"], {}),
			("ZZ Case", self.other, ["read"], {"limit": 1}),
			("ZZ Case", self.clerk, None, {}),
			("ZZ Case", "Guest", None, {}),
			("ZZ Case", self.other, None, {"filters": [["share_name", "=", self.cases[0]]]}),
			("ToDo", self.other, None, {}),
		]
		for doctype, user, rights, extra in asked:
			with self.subTest(doctype=doctype, user=user, rights=rights, extra=extra):
				expected = original(doctype, user, rights, **extra)
				got = shares.get_shared(doctype, user, rights, **extra)
				if "limit" in extra:
					self.assertEqual(len(got), len(expected))
					self.assertLessEqual(set(got), set(original(doctype, user, rights)))
				else:
					self.assertEqual(sorted(got), sorted(expected))
		self.assertEqual(sorted(shares.get_shared("ZZ Case", self.other)), sorted(self.cases))
		self.assertEqual(shares.get_shared("ZZ Case", self.other, ["write"]), [self.cases[1]])
		with as_user(self.other):  # the session's user when none is named
			self.assertEqual(sorted(shares.get_shared("ZZ Case")), sorted(self.cases))
