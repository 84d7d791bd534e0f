"""重复访 on the site: a person's visits and calls across all five doors, repeat and over-level petition
flags, duplicate suggestions (precision on a fixture set), linking, merging and the one timeline — as
clerks of the right centre and of a sibling one."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import petitions as api
from zongzhi_center.tests.factories import as_user, make_case, make_center_tree, make_user, new_person


def person(name="郑重复", id_number=None, phone=None):
	phone = phone or new_person()[1]  # an applicant always gives a phone; another one unless said
	return {
		"party_role": "Applicant",
		"party_type": "Person",
		"party_name": name,
		"id_number": id_number,
		"phone": phone,
	}


def respondent(name):
	return {"party_role": "Respondent", "party_type": "Person", "party_name": name}


BOUNDARY = "邻居王大伟在宅基地边界砌墙，占用了我家出入的通道，多次协商无果，请求拆除围墙恢复通道。"
BOUNDARY_AGAIN = "王大伟砌墙占用宅基地边界上的出入通道，围墙至今未拆，请求拆除围墙、恢复通道。"
WAGES = "某装修公司拖欠农民工工资三个月共计两万元，多次讨要未果。"
NOISE = "楼下烧烤店夜间噪音扰民，油烟排放影响居民休息。"


class TestRepeatPetitions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b)
		cls.county_clerk = make_user(["ZZ Intake Clerk"], cls.tree.county)

	def test_visits_and_calls_count_every_door_and_centre(self):
		id_number, phone = new_person()
		for _i in range(3):
			make_case(self.tree.town_a, self.clerk_a, channel="Window", parties=[person(id_number=id_number)])
		for channel in ("Phone", "12345 Hotline"):
			make_case(
				self.tree.town_b,
				self.clerk_b,
				channel=channel,
				source="Government Source",
				parties=[person(id_number=id_number)],
			)
		# the same person registered without the ID number: known by name and phone from an earlier case
		make_case(
			self.tree.town_b, self.clerk_b, channel="Web", parties=[person(id_number=id_number, phone=phone)]
		)
		case = make_case(self.tree.town_a, self.clerk_a, channel="Window", parties=[person(phone=phone)])
		self.assertEqual((case.repeat_visits, case.repeat_calls), (3, 2))  # earlier ones: not this visit
		self.assertEqual(case.is_repeat_petition, 1)
		# a new person's first petition is neither
		first = make_case(
			self.tree.town_a, self.clerk_a, channel="Window", parties=[person("冯首次", *new_person())]
		)
		self.assertEqual((first.repeat_visits, first.repeat_calls, first.is_repeat_petition), (0, 0, 0))
		# nothing of the person's keys is readable as their ID number or phone
		keys = {case.parties[0].id_key, case.parties[0].name_phone_key} - {None}
		self.assertTrue(keys)
		for key in keys:
			self.assertNotIn(phone, key)
			self.assertEqual(len(key), 64)

	def test_over_level_petition(self):
		id_number, phone = new_person()
		skipped = make_case(
			self.tree.county,
			self.county_clerk,
			matter_type="Petition",
			parties=[person("褚越级", id_number, phone)],
		)
		self.assertEqual(skipped.is_over_level, 1)
		# after the township heard it, the county hearing it is not over-level
		id_number, phone = new_person()
		make_case(self.tree.town_a, self.clerk_a, parties=[person("卫逐级", id_number, phone)])
		climbed = make_case(
			self.tree.county,
			self.county_clerk,
			matter_type="Petition",
			parties=[person("卫逐级", id_number, phone)],
		)
		self.assertEqual(climbed.is_over_level, 0)
		# not a petition: never over-level
		other = make_case(
			self.tree.county,
			self.county_clerk,
			source="Government Source",
			parties=[person("蒋咨询", *new_person())],
		)
		self.assertEqual(other.is_over_level, 0)
		# the administrator moves the entry level up to the county: the first case is no longer over-level
		frappe.db.set_single_value("ZZ Settings", "petition_entry_level", "County")
		self.addCleanup(frappe.db.set_single_value, "ZZ Settings", "petition_entry_level", "Township")
		again = make_case(
			self.tree.county,
			self.county_clerk,
			matter_type="Petition",
			parties=[person("沈县级", *new_person())],
		)
		self.assertEqual(again.is_over_level, 0)


class TestDuplicates(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.clerk_a = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		cls.clerk_b = make_user(["ZZ Intake Clerk"], cls.tree.town_b)
		cls.director_a = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.category = frappe.get_all("ZZ Case Category", filters={"is_group": 0}, pluck="name", limit=1)[0]
		cls.id_number, cls.phone = new_person()

		def case(facts, parties, center=None, user=None, **kw):
			return make_case(
				center or cls.tree.town_a,
				user or cls.clerk_a,
				facts=facts,
				category=cls.category,
				parties=parties,
				**kw,
			).name

		me = person("韩申诉", cls.id_number, cls.phone)
		# expected suggestions: the same ID through another door, the same name and phone, the same matter
		cls.same_id = case(
			WAGES, [person("韩申诉", cls.id_number), respondent("某装修公司")], source="Government Source"
		)
		cls.same_name_phone = case(NOISE, [person("韩申诉", phone=cls.phone), respondent("烧烤店")])
		cls.same_matter = case(BOUNDARY, [person("杨邻居", *new_person()), respondent("王大伟")])
		# not the same: other people, other matters (same category)
		cls.others = [
			case(WAGES, [person("朱工人", *new_person()), respondent("另一家公司")]),
			case(NOISE, [person("秦居民", *new_person()), respondent("夜市摊主")]),
			case("物业公司停车费收费标准不公开。", [person("尤业主", *new_person()), respondent("物业公司")]),
			# near in words (通道, 边界, 邻居), another matter
			case(
				"邻居在公共楼道堆放杂物，占用消防通道，请求物业清理。",
				[person("许路人", *new_person()), respondent("李某某")],
			),
			case(
				"承包地边界争议，邻居越界耕种，请求重新确认地界。",
				[person("吕农户", *new_person()), respondent("施某")],
			),
		]
		# the same person at a sibling centre: town A's clerk may not read it, so it is not suggested
		cls.hidden = case(WAGES, [me, respondent("某装修公司")], center=cls.tree.town_b, user=cls.clerk_b)
		cls.new = case(BOUNDARY_AGAIN, [me, respondent("王大伟")])

	def test_suggestions_are_the_same_person_or_matter_only(self):
		with as_user(self.clerk_a):
			found = api.suggest_duplicates(self.new)["suggestions"]
		names = [s["name"] for s in found]
		labels = {
			self.same_id: "same ID",
			self.same_name_phone: "same name+phone",
			self.same_matter: "matter",
		}
		self.assertEqual({labels.get(n, n) for n in names}, {"same ID", "same name+phone", "matter"}, found)
		by_name = {s["name"]: s for s in found}
		self.assertEqual(by_name[self.same_id]["relation"], "Same Person")
		self.assertEqual(by_name[self.same_id]["score"], 100)
		self.assertEqual(by_name[self.same_matter]["relation"], "Same Matter")
		self.assertEqual(names[0], self.same_id)  # best first
		self.assertNotIn(self.hidden, names)
		# the counters know the person's case at the other centre (a number, not its content)
		self.assertEqual(frappe.db.get_value("ZZ Case", self.new, "repeat_visits"), 3)

	def test_link_merge_and_one_timeline(self):
		frappe.db.savepoint("zz_links")  # the other tests see the cases unlinked
		self.addCleanup(frappe.db.rollback, save_point="zz_links")
		with as_user(self.clerk_a):
			api.link_case(self.new, self.same_id, "Same Person")
			links = frappe.get_doc("ZZ Case", self.new).linked_cases
			self.assertEqual([(r.linked_case, r.relation) for r in links], [(self.same_id, "Same Person")])
			back = frappe.get_doc("ZZ Case", self.same_id).linked_cases
			self.assertEqual([(r.linked_case, r.relation) for r in back], [(self.new, "Same Person")])
			# linked cases drop out of the suggestions
			self.assertNotIn(
				self.same_id, [s["name"] for s in api.suggest_duplicates(self.new)["suggestions"]]
			)
			timeline = api.linked_timeline(self.new)
			self.assertEqual({e["case"] for e in timeline}, {self.new, self.same_id})
			# only who may decline a case merges it (the centre's director)
			self.assertRaises(frappe.PermissionError, api.merge_case, self.same_matter, self.new)
		with as_user(self.director_a):
			# a duplicate not yet accepted is merged: declined as 重复件, linked both ways
			api.merge_case(self.same_matter, self.new)
		merged = frappe.get_doc("ZZ Case", self.same_matter)
		self.assertEqual((merged.workflow_state, merged.merged_into), ("Not Accepted", self.new))
		self.assertIn(frappe.db.get_value("ZZ Case", self.new, "case_number"), merged.not_accepted_reason)
		self.assertIn(
			(self.same_matter, "Merged From"),
			[(r.linked_case, r.relation) for r in frappe.get_doc("ZZ Case", self.new).linked_cases],
		)

	def test_sibling_centre_cannot_suggest_link_merge_or_read_the_timeline(self):
		with as_user(self.clerk_b):
			for call in (
				lambda: api.suggest_duplicates(self.new),
				lambda: api.link_case(self.new, self.hidden, "Same Person"),
				lambda: api.linked_timeline(self.new),
				lambda: api.merge_case(self.new, self.hidden),
			):
				self.assertRaises(frappe.PermissionError, call)
			# its own case cannot be linked to a case it may not read (answered as if it did not exist)
			self.assertRaises(frappe.DoesNotExistError, api.link_case, self.hidden, self.new, "Same Person")
		self.assertEqual(frappe.get_doc("ZZ Case", self.hidden).linked_cases, [])
		with as_user(self.clerk_a):
			self.assertRaises(frappe.ValidationError, api.link_case, self.new, self.same_id, "Friends")
