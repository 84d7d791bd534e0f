"""Possible duplicates of a person with many cases on file: the best few by score that the user may read,
and how many more there are — never the whole list, never counting a case the user may not read."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import petitions as api
from zongzhi_center.engine import duplicates
from zongzhi_center.services.petitions import id_key_of
from zongzhi_center.tests.factories import (
	as_user,
	make_case,
	make_center_tree,
	make_user,
	new_person,
	raw_insert,
	unique,
)

FACTS = "承包鱼塘合同到期后村委会收回鱼塘，申请人要求补偿鱼苗损失。"


def earlier_case(center: str, name: str, id_number: str, facts: str) -> str:
	"""A case of the person as intake left it (party keys set), stored without its controller."""
	return raw_insert(
		{
			"doctype": "ZZ Case",
			"title": unique("鱼塘"),
			"facts": facts,
			"matter_type": "Dispute Mediation",
			"source": "Petition Source",
			"channel": "Window",
			"receiving_center": center,
			"current_center": center,
			"case_number": unique("DUP"),
			"workflow_state": "Registered",
		},
		{
			"parties": [
				{
					"doctype": "ZZ Case Party",
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": name,
					"id_key": id_key_of(id_number),
				}
			]
		},
	)


class TestDuplicateBound(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		id_number, phone = new_person()
		name = unique("甘")
		cls.readable = [earlier_case(cls.tree.town_a, name, id_number, "宅基地纠纷") for _ in range(24)]
		# one of them with the same facts: its reasons say so when it is shown
		cls.readable.append(earlier_case(cls.tree.town_a, name, id_number, FACTS))
		# the same person at the sibling centre: town A's clerk neither sees nor counts these
		cls.hidden = [earlier_case(cls.tree.town_b, name, id_number, FACTS) for _ in range(4)]
		cls.new = make_case(
			cls.tree.town_a,
			cls.clerk_a,
			facts=FACTS,
			parties=[
				{
					"party_role": "Applicant",
					"party_type": "Person",
					"party_name": name,
					"id_number": id_number,
					"phone": phone,
				},
				{"party_role": "Respondent", "party_type": "Organisation", "party_name": unique("村委会")},
			],
		).name

	def tearDown(self):
		frappe.set_user("Administrator")
		self.shown(None)

	def shown(self, n):
		frappe.db.set_single_value("ZZ Settings", "duplicate_suggestions", n)
		frappe.clear_document_cache("ZZ Settings", "ZZ Settings")

	def test_the_best_few_and_a_count_of_the_rest(self):
		self.shown(5)
		with as_user(self.clerk_a):
			found = api.suggest_duplicates(self.new)
		names = [s["name"] for s in found["suggestions"]]
		self.assertEqual(len(names), 5)
		self.assertEqual(found["more"], 20)
		self.assertTrue(set(names) <= set(self.readable), names)
		self.assertEqual({(s["score"], s["relation"]) for s in found["suggestions"]}, {(100, "Same Person")})

	def test_the_default_bound_and_no_hidden_case_counted(self):
		self.shown(0)  # unset: the shipped default
		with as_user(self.clerk_a):
			found = api.suggest_duplicates(self.new)
		names = [s["name"] for s in found["suggestions"]]
		self.assertEqual((len(names), found["more"]), (20, 5))
		self.assertFalse(set(names) & set(self.hidden))

	def test_facts_are_compared_for_the_cases_shown(self):
		person = duplicates.Person("甘某", id_key="k")
		new = duplicates.CaseRecord("new", FACTS, (person,))
		old = [duplicates.CaseRecord(f"c{i:03}", "宅基地纠纷", (person,)) for i in range(30)]
		old.append(duplicates.CaseRecord("c000a", FACTS, (person,)))
		shown, more = duplicates.best(new, old, limit=3)
		self.assertEqual(([s.name for s in shown], more), (["c000", "c000a", "c001"], 28))
		self.assertEqual(shown[0].reasons, ("same ID number",))
		self.assertEqual(shown[1].reasons[0], "same ID number")
		self.assertTrue(shown[1].reasons[1].startswith("similar facts"))
		# unbounded, the same order as before
		self.assertEqual(duplicates.suggest(new, old)[:3], shown)
