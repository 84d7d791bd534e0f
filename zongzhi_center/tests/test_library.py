"""社会治理资源库 on the site: a typical case drafted from a closed case keeps no name, ID number, phone or
address of its parties; a mediator drafts and only a director publishes; published items are found by
Chinese words in other forms than they are written in, the relevant one first; similar typical cases are
offered on a case to those who may read the case only."""

import frappe
from frappe.tests.utils import FrappeTestCase

from zongzhi_center.api import library as api
from zongzhi_center.exceptions import LibraryError, PersonalDataInLibraryError
from zongzhi_center.services import library as service
from zongzhi_center.tests.factories import (
	as_user,
	id_number,
	make_case,
	make_center_tree,
	make_user,
	move_case,
)

ID_NUMBER = id_number(7)
PARTIES = [
	{
		"party_role": "Applicant",
		"party_type": "Person",
		"party_name": "张测试",
		"id_number": ID_NUMBER,
		"phone": "13912345678",
		"address": "湖南省南县测试路1号",
	},
	{"party_role": "Respondent", "party_type": "Person", "party_name": "李测试", "phone": "13712345678"},
]
FACTS = (
	f"申请人张测试（身份证号{ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}，电话139 1234 5678）在宏达工地务工八个月，"
	"工程结束后包工头李测试拖欠其工资三万元。张测试住湖南省南县测试路1号，多次讨要无果。"
)


class TestLibrary(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tree = make_center_tree()
		cls.director = make_user(["ZZ Center Director"], cls.tree.town_a)
		cls.mediator = make_user(["ZZ Mediator"], cls.tree.town_a)
		cls.other_mediator = make_user(["ZZ Mediator"], cls.tree.town_b)
		cls.clerk = make_user(["ZZ Intake Clerk"], cls.tree.town_a)
		case = make_case(cls.tree.town_a, cls.clerk, title="张测试讨要工资", facts=FACTS, parties=PARTIES)
		case.db_set("outcome_note", "李测试当场支付两万元，余款一个月内付清，张测试表示满意。")
		cls.closed = move_case(case.name, "Closed")
		cls.open_case = make_case(
			cls.tree.town_a,
			cls.clerk,
			facts="农民工在工地干了半年，老板一直拖欠工钱不给，请求帮助讨薪。",
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def publish(self, **values):
		with as_user(self.director):
			doc = frappe.get_doc({"doctype": "ZZ Library Item", **values}).insert()
			doc.submit()
		return doc

	def test_typical_case_is_anonymised_and_published_by_a_director_only(self):
		self.assertRaises(LibraryError, api.draft_from_case, self.open_case.name)
		with as_user(self.mediator):
			self.assertRaises(LibraryError, api.draft_from_case, self.open_case.name)
			name = api.draft_from_case(self.closed.name)
			self.assertEqual(api.draft_from_case(self.closed.name), name)  # one typical case per case
		draft = frappe.get_doc("ZZ Library Item", name)
		text = f"{draft.title}\n{draft.body}\n{draft.keywords or ''}"
		for personal in (
			"张测试",
			"李测试",
			ID_NUMBER,
			ID_NUMBER[14:],
			"13912345678",
			"1234 5678",
			"测试路1号",
		):
			self.assertNotIn(personal, text)
		for kept in ("张某", "李某", "拖欠其工资三万元", "余款一个月内付清"):
			self.assertIn(kept, text)
		self.assertEqual(
			(draft.kind, draft.source_case, draft.center),
			("Typical Case", self.closed.name, self.tree.town_a),
		)

		# a draft is its centre's: the sibling centre's mediator does not see it, nor does search
		self.assertFalse(frappe.has_permission("ZZ Library Item", "read", name, user=self.other_mediator))
		with as_user(self.mediator):
			self.assertRaises(frappe.PermissionError, draft.submit)
			self.assertNotIn(name, [r["name"] for r in api.search("宏达工地包工头拖欠工资")])

		# a name put back by hand is refused, even by the director
		with as_user(self.director):
			draft.reload()
			draft.body += "<p>经核实，张测试已领取款项。</p>"
			self.assertRaises(PersonalDataInLibraryError, draft.save)
			draft.reload()
			draft.submit()
		stored = frappe.db.get_value(
			"ZZ Library Item", name, ["docstatus", "published", "approved_by"], as_dict=True
		)
		self.assertEqual((stored.docstatus, stored.published, stored.approved_by), (1, 1, self.director))
		self.assertTrue(frappe.has_permission("ZZ Library Item", "read", name, user=self.other_mediator))
		with as_user(self.other_mediator):
			self.assertEqual(api.search("宏达工地包工头拖欠工资")[0]["name"], name)

	def test_chinese_search_finds_words_in_other_forms_and_ranks_the_relevant_first(self):
		wages = self.publish(
			kind="Typical Case",
			title="包工头拖欠农民工工资纠纷调解案例",
			keywords="欠薪 讨薪",
			body="<p>某建筑工地完工后，包工头拖欠十二名农民工工资共计三十万元。"
			"经劳动监察大队和人民调解委员会联合调解，工资一次性结清。</p>",
		)
		regulation = self.publish(
			kind="Regulation",
			title="保障农民工工资支付条例",
			issuing_body="国务院",
			body="<p>为了规范农民工工资支付行为，保障农民工按时足额获得工资，根据《中华人民共和国劳动法》制定本条例。</p>",
		)
		homestead = self.publish(
			kind="Typical Case",
			title="宅基地边界纠纷调解案例",
			body="<p>两户村民因宅基地围墙边界争执，经村调委会现场勘查后达成协议。</p>",
		)
		with as_user(self.director):
			draft = frappe.get_doc(
				{
					"doctype": "ZZ Library Item",
					"kind": "Policy",
					"title": "农民工工资草稿",
					"body": "拖欠工资",
				}
			).insert()

		with as_user(self.other_mediator):
			# "民工" and "工钱", "讨薪" — not the words as written in the title
			found = api.search("民工讨薪，老板拖欠工钱不给")
			self.assertEqual(found[0]["name"], wages.name)
			self.assertIn(regulation.name, [r["name"] for r in found])
			self.assertNotIn(homestead.name, [r["name"] for r in found])
			self.assertNotIn(draft.name, [r["name"] for r in found])
			self.assertEqual(found[0]["kind"], "Typical Case")
			self.assertIn("拖欠", found[0]["snippet"])
			self.assertGreater(found[0]["score"], 0)
			self.assertEqual(
				api.search("农民工的工资一直被拖欠", kind="Regulation")[0]["name"], regulation.name
			)
			self.assertEqual(
				{r["name"] for r in api.search("农民工的工资一直被拖欠", kind="Typical Case")}, {wages.name}
			)
			self.assertEqual(api.search("宅基地围墙")[0]["name"], homestead.name)
			self.assertEqual(api.search("，。！"), [])
			self.assertRaises(LibraryError, api.search, "工资", kind="Novel")

		with as_user(self.director):
			wages.cancel()
		with as_user(self.other_mediator):
			self.assertNotIn(wages.name, [r["name"] for r in api.search("拖欠农民工工资")])
		# the index is rebuilt from the database alone
		self.assertGreaterEqual(service.rebuild_index(), 2)
		with as_user(self.other_mediator):
			self.assertEqual(api.search("农民工工资支付")[0]["name"], regulation.name)

	def test_similar_cases_for_those_who_may_read_the_case(self):
		wages = self.publish(
			kind="Typical Case",
			title="工地拖欠工钱纠纷",
			body="<p>农民工在工地务工半年，老板拖欠工钱，经调解一次性付清。</p>",
		)
		self.publish(
			kind="Law", title="中华人民共和国劳动法", body="<p>用人单位不得克扣或者无故拖欠劳动者的工资。</p>"
		)
		with as_user(self.mediator):
			similar = api.similar_cases(self.open_case.name)
			self.assertEqual(similar[0]["name"], wages.name)
			self.assertEqual({r["kind"] for r in similar}, {"Typical Case"})
			panel = api.case_library(self.open_case.name)
			self.assertEqual(panel["similar"][0]["name"], wages.name)
			self.assertFalse(panel["can_draft"])  # the case is open
			self.assertTrue(api.case_library(self.closed.name)["can_draft"])
		with as_user(self.other_mediator):
			self.assertRaises(frappe.PermissionError, api.similar_cases, self.open_case.name)
			self.assertRaises(frappe.PermissionError, api.case_library, self.open_case.name)
			self.assertRaises(frappe.PermissionError, api.draft_from_case, self.closed.name)
