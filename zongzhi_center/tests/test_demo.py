"""Demo data: what ./zz up loads, and loading it twice changes nothing."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.setup import demo


class TestDemoData(FrappeTestCase):
	def counts(self) -> dict[str, int]:
		doctypes = ("ZZ Center", "ZZ Department", "ZZ Stationed Staff", "ZZ Case", "User", "User Permission")
		return {doctype: frappe.db.count(doctype) for doctype in doctypes}

	def test_load_is_complete_and_idempotent(self):
		demo.load_demo_data(commit=False)
		first = self.counts()
		self.assertEqual(demo.load_demo_data(commit=False), 0)
		self.assertEqual(self.counts(), first)

		county_tree = [demo.COUNTY, *frappe.db.get_descendants("ZZ Center", demo.COUNTY)]
		levels = frappe.get_all("ZZ Center", filters={"name": ["in", county_tree]}, pluck="level")
		self.assertEqual(levels.count("County"), 1)
		self.assertEqual(levels.count("Township"), 3)
		self.assertEqual(levels.count("Village"), 6)
		self.assertGreaterEqual(levels.count("Grid"), 6)

		modes = frappe.get_all("ZZ Stationed Staff", filters={"center": demo.COUNTY}, pluck="mode")
		self.assertGreaterEqual(len(modes), 12)
		self.assertEqual(set(modes), {"Resident", "Rotating", "On-call"})

		cases = frappe.get_all(
			"ZZ Case",
			filters={"title": ["like", "%（示例%"]},
			fields=["workflow_state", "source", "risk_color"],
		)
		self.assertEqual(len(cases), demo.DEMO_CASES)
		self.assertEqual({c.workflow_state for c in cases}, set(wn.states(*demo.STATE_WEIGHTS)))
		self.assertEqual({c.source for c in cases}, set(demo.SOURCES))
		self.assertEqual({c.risk_color for c in cases}, {"Green", "Yellow", "Orange", "Red"})

		for email, _name, roles, center, _dept in demo.USERS:
			self.assertTrue(set(roles) <= set(frappe.get_roles(email)), email)
			self.assertTrue(frappe.db.exists("User Permission", {"user": email, "for_value": center}))

	def test_demo_clerk_can_register_and_accept(self):
		demo.load_demo_data(commit=False)
		from zongzhi_center.tests.factories import act, make_case

		case = make_case(demo.COUNTY, "clerk@example.com")
		self.assertEqual(act("clerk@example.com", case.name, "Accept Case").workflow_state, "Accepted")
