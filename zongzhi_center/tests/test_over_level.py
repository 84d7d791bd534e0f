"""越级访 and the visit counters of ordinary walk-ins: a dispute brought to the county centre's window is not
a petition skipping a level, and a first visit has no earlier visits; what the flags mean is said, in
Chinese, where the form shows them."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.translate import get_translations_from_apps

from zongzhi_center.tests.factories import make_case, make_center_tree, make_user, new_person


def walk_in(name, id_number, phone):
	return [
		{
			"party_role": "Applicant",
			"party_type": "Person",
			"party_name": name,
			"id_number": id_number,
			"phone": phone,
		}
	]


class TestOverLevelAndVisits(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.county_clerk = make_user(["ZZ Intake Clerk"], cls.tree.county)
		cls.town_clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		frappe.db.set_single_value("ZZ Settings", "petition_entry_level", "Township")

	def window_case(self, center, clerk, parties, **values):
		# a walk-in at the window comes through 访源, whatever the matter
		return make_case(
			center,
			clerk,
			channel="Window",
			source="Petition Source",
			matter_type=values.pop("matter_type", "Dispute Mediation"),
			parties=parties,
			**values,
		)

	def test_county_walk_in_dispute_is_not_over_level_nor_a_repeat_visit(self):
		id_number, phone = new_person()
		first = self.window_case(self.tree.county, self.county_clerk, walk_in("林初访", id_number, phone))
		self.assertEqual(first.tier, "County")
		self.assertEqual(first.is_over_level, 0)
		self.assertEqual((first.repeat_visits, first.repeat_calls), (0, 0))
		stored = frappe.db.get_value("ZZ Case", first.name, ["is_over_level", "repeat_visits"], as_dict=True)
		self.assertEqual((stored.is_over_level, stored.repeat_visits), (0, 0))
		# the same person (same ID number, another phone) comes to the window again: one earlier visit
		second = self.window_case(
			self.tree.county, self.county_clerk, walk_in("林初访", id_number, new_person()[1])
		)
		self.assertEqual((second.repeat_visits, second.repeat_calls, second.is_over_level), (1, 0, 0))
		# a third time, at the township: two earlier visits, wherever they were
		third = self.window_case(self.tree.town_a, self.town_clerk, walk_in("林初访", id_number, phone))
		self.assertEqual(third.repeat_visits, 2)
		self.assertEqual(
			frappe.db.get_value("ZZ Case", first.name, "repeat_visits"), 0
		)  # earlier ones unchanged

	def test_earlier_calls_are_counted_apart_from_visits(self):
		id_number, phone = new_person()
		make_case(
			self.tree.town_a,
			self.town_clerk,
			channel="12345 Hotline",
			source="Government Source",
			parties=walk_in("柯来电", id_number, phone),
		)
		visit = self.window_case(self.tree.town_a, self.town_clerk, walk_in("柯来电", id_number, phone))
		self.assertEqual((visit.repeat_visits, visit.repeat_calls), (0, 1))
		call = make_case(
			self.tree.town_a,
			self.town_clerk,
			channel="Phone",
			source="Government Source",
			parties=walk_in("柯来电", id_number, phone),
		)
		self.assertEqual((call.repeat_visits, call.repeat_calls), (1, 1))

	def test_only_a_petition_skipping_the_entry_level_is_over_level(self):
		id_number, phone = new_person()
		skipped = self.window_case(
			self.tree.county, self.county_clerk, walk_in("巩越级", id_number, phone), matter_type="Petition"
		)
		self.assertEqual(skipped.is_over_level, 1)
		# the same person's petition at the township first: the county hearing it later is not over-level
		id_number, phone = new_person()
		self.window_case(
			self.tree.town_a, self.town_clerk, walk_in("邬逐级", id_number, phone), matter_type="Petition"
		)
		climbed = self.window_case(
			self.tree.county, self.county_clerk, walk_in("邬逐级", id_number, phone), matter_type="Petition"
		)
		self.assertEqual((climbed.is_over_level, climbed.repeat_visits), (0, 1))
		# a petition at the township itself is not over-level
		town = self.window_case(
			self.tree.town_a, self.town_clerk, walk_in("桂乡镇", *new_person()), matter_type="Petition"
		)
		self.assertEqual(town.is_over_level, 0)
		# every other matter brought to the county window is not
		for matter in ("Dispute Mediation", "Legal Consultation", "Labour Claim"):
			case = self.window_case(
				self.tree.county, self.county_clerk, walk_in("俞其他", *new_person()), matter_type=matter
			)
			self.assertEqual(case.is_over_level, 0, matter)

	def test_the_form_says_what_the_flags_mean_in_chinese(self):
		meta = frappe.get_meta("ZZ Case")
		zh = get_translations_from_apps("zh", ["zongzhi_center"])
		for fieldname, words in (
			("is_over_level", ("信访首接层级", "越级访")),
			("repeat_visits", ("不含本次",)),
			("repeat_calls", ("不含本次",)),
		):
			description = meta.get_field(fieldname).description
			self.assertTrue(description, fieldname)
			self.assertIn(description, zh, fieldname)
			for word in words:
				self.assertIn(word, zh[description], fieldname)
		for label in ("Earlier visits: {0}", "Earlier calls: {0}", "Over-level Petition"):
			self.assertIn(label, zh)

	def test_cases_registered_before_are_corrected_once(self):
		from zongzhi_center.patches import earlier_visits_only

		# as the intake left them: the case counted itself, and a county walk-in dispute was over-level
		visit = self.window_case(self.tree.county, self.county_clerk, walk_in("毛旧案", *new_person()))
		visit.db_set({"repeat_visits": 1, "is_over_level": 1})
		call = make_case(
			self.tree.county,
			self.county_clerk,
			channel="Phone",
			source="Government Source",
			parties=walk_in("毛旧案", *new_person()),
		)
		call.db_set("repeat_calls", 3)
		petition = self.window_case(
			self.tree.county, self.county_clerk, walk_in("毛越级", *new_person()), matter_type="Petition"
		)
		self.assertEqual(petition.is_over_level, 1)
		earlier_visits_only.correct([visit.name, call.name, petition.name])
		fields = ["repeat_visits", "repeat_calls", "is_over_level"]
		get = lambda name: tuple(frappe.db.get_value("ZZ Case", name, fields))  # noqa: E731
		self.assertEqual(get(visit.name), (0, 0, 0))
		self.assertEqual(get(call.name), (0, 2, 0))
		self.assertEqual(get(petition.name), (0, 0, 1))  # a petition skipping the level stays flagged

	def test_the_shipped_repeat_visit_rule_keeps_meaning_three_visits(self):
		from zongzhi_center.patches import earlier_visits_only as patch

		if not frappe.db.exists("ZZ Risk Rule", patch.SHIPPED_RULE):
			frappe.get_doc(
				{"doctype": "ZZ Risk Rule", "rule_name": patch.SHIPPED_RULE, "risk_color": "Yellow"}
			).insert(ignore_permissions=True)
		frappe.db.set_value(
			"ZZ Risk Rule",
			patch.SHIPPED_RULE,
			{"min_repeat_visits": 3, "description": patch.SHIPPED_DESCRIPTION},
		)
		patch.move_shipped_rule()
		self.assertEqual(frappe.db.get_value("ZZ Risk Rule", patch.SHIPPED_RULE, "min_repeat_visits"), 2)
		# an administrator's own threshold is left alone
		frappe.db.set_value(
			"ZZ Risk Rule", patch.SHIPPED_RULE, {"min_repeat_visits": 5, "description": "本地"}
		)
		patch.move_shipped_rule()
		self.assertEqual(frappe.db.get_value("ZZ Risk Rule", patch.SHIPPED_RULE, "min_repeat_visits"), 5)
