"""五源 at intake: a window case gets no source the clerk did not choose (the 五源 statistics would count
walk-ins as police cases), a window may give its own, and a sister system's source and channel always win
for its cases — also when it creates them through Frappe's REST API, where the form's defaults are filled
in before the app sees the case.

The REST request is served on another connection, so its fixtures are committed and deleted after."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.services import workflow_names as wn
from zongzhi_center.tests.factories import (
	api_credentials,
	as_user,
	case_dict,
	delete_committed,
	make_center_tree,
	make_user,
	unique,
)
from zongzhi_center.tests.test_rest_api import request


def window(center: str, **values) -> str:
	doc = {
		"doctype": "ZZ Service Window",
		"window_name": unique("窗口"),
		"center": center,
		"window_type": "Petition Reception",
	}
	doc.update(values)
	return frappe.get_doc(doc).insert(ignore_permissions=True).name


class TestCaseSource(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk = make_user([wn.INTAKE_CLERK], cls.tree.town_a)
		cls.integration = make_user([wn.INTEGRATION], cls.tree.town_a, with_api_key=True)
		cls.system = (
			frappe.get_doc(
				{
					"doctype": "ZZ Sister System",
					"system_code": unique("hotline"),
					"system_name": "12345",
					"user": cls.integration,
					"default_center": cls.tree.town_a,
					"source": "Government Source",
					"channel": "12345 Hotline",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.key = api_credentials(cls.integration)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.delete_doc("ZZ Sister System", cls.system, force=True, ignore_permissions=True)
		frappe.db.delete("ZZ Service Window", {"center": cls.tree.town_a})
		delete_committed(cls.tree, [cls.clerk, cls.integration])
		super().tearDownClass()

	def new_case(self, **values):
		doc = case_dict(self.tree.town_a, **values)
		doc.pop("source")
		doc.update(values)
		with as_user(self.clerk):
			return frappe.get_doc(doc).insert()

	def test_the_form_proposes_no_source(self):
		new = frappe.new_doc("ZZ Case")
		self.assertFalse(new.source)
		self.assertEqual(new.channel, "Window")

	def test_a_window_case_needs_the_clerks_choice(self):
		self.assertRaises(frappe.MandatoryError, self.new_case)
		self.assertEqual(self.new_case(source="Police Source").source, "Police Source")

	def test_a_window_gives_its_own_source_unless_the_clerk_chose(self):
		petitions = window(self.tree.town_a, default_source="Petition Source")
		self.assertEqual(self.new_case(receiving_window=petitions).source, "Petition Source")
		chosen = self.new_case(receiving_window=petitions, source="Litigation Source")
		self.assertEqual(chosen.source, "Litigation Source")
		# a window that names none leaves the choice to the clerk
		self.assertRaises(frappe.MandatoryError, self.new_case, receiving_window=window(self.tree.town_a))

	def test_a_sister_systems_case_over_rest_keeps_its_source_and_channel(self):
		doc = case_dict(self.tree.town_a, external_id=unique("ext"))
		for field in ("source", "channel", "doctype"):
			doc.pop(field)
		status, body = request("POST", "/api/resource/ZZ Case", self.key, body=doc)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()  # a fresh snapshot: the request committed on its own connection
		stored = frappe.db.get_value(
			"ZZ Case", body["data"]["name"], ["source", "channel", "external_system"], as_dict=True
		)
		self.assertEqual(
			(stored.source, stored.channel, stored.external_system),
			("Government Source", "12345 Hotline", self.system),
		)
		# what the form's defaults would have said does not win either
		doc.update(external_id=unique("ext"), source="Police Source", channel="Window")
		status, body = request("POST", "/api/resource/ZZ Case", self.key, body=doc)
		self.assertEqual(status, 200, body)
		frappe.db.rollback()
		stored = frappe.db.get_value("ZZ Case", body["data"]["name"], ["source", "channel"], as_dict=True)
		self.assertEqual((stored.source, stored.channel), ("Government Source", "12345 Hotline"))
