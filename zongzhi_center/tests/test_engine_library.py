"""Duplicate and repeat-petition detection on a fixture set (precision and recall), anonymising, and
the Chinese library search."""

import itertools
import unittest

from zongzhi_center.engine.duplicates import CaseRecord, Person, compare, suggest
from zongzhi_center.engine.library import Library, anonymise, snippet

ZHANG = Person("张建国", "430921198503150017", "13907371234")
LI = Person("李秀英", "", "139 0737 5678")
WANG = Person("王 强", "", "13807376666")

# each case: (name, group, record); cases of the same group concern the same person or matter
FIXTURES = [
	(
		"C01",
		"wages",
		CaseRecord(
			"C01",
			"申请人在某建筑工地务工八个月，工程结束后包工头拖欠工资三万元未结清。",
			[ZHANG],
			["宏达建筑公司"],
			"12345",
		),
	),
	(
		"C02",
		"wages",
		CaseRecord(
			"C02",
			"张建国反映宏达建筑公司拖欠其务工工资三万元，多次讨要无果。",
			[Person("张建国", "430921198503150017")],
			["宏达建筑公司"],
			"petition",
		),
	),
	(
		"C03",
		"wages",
		CaseRecord(
			"C03",
			"工地完工后工资一直没有结清，包工头拖欠三万元工钱。",
			[Person("张建国", "", "13907371234")],
			["宏达建筑公司"],
			"grid",
		),
	),
	(
		"C04",
		"homestead",
		CaseRecord("C04", "两户村民因宅基地边界围墙修建发生争执，互不相让。", [LI], ["赵大山"], "grid"),
	),
	(
		"C05",
		"homestead",
		CaseRecord(
			"C05",
			"李秀英与邻居赵大山因宅基地边界及围墙问题发生纠纷，请求处理。",
			[Person("李秀英", "", "13907375678")],
			["赵大山"],
			"police",
		),
	),
	(
		"C06",
		"medical",
		CaseRecord(
			"C06",
			"患者在县人民医院手术后出现并发症，家属认为医疗过错要求赔偿。",
			[WANG],
			["县人民医院"],
			"court",
		),
	),
	(
		"C07",
		"medical",
		CaseRecord(
			"C07",
			"王强称其父亲在县人民医院手术后出现严重并发症，认为医院存在过错，要求赔偿医疗费用。",
			[Person("王强", "", "13807376666")],
			["县人民医院"],
			"12345",
		),
	),
	(
		"C08",
		"noise",
		CaseRecord(
			"C08",
			"楼上住户夜间装修噪音扰民，多次沟通无效。",
			[Person("陈红", "", "13600000001")],
			["刘某"],
			"12345",
		),
	),
	(
		"C09",
		"divorce",
		CaseRecord(
			"C09",
			"夫妻感情破裂，就子女抚养和财产分割协商离婚。",
			[Person("周敏", "", "13600000002")],
			["吴军"],
			"window",
		),
	),
	(
		"C10",
		"land",
		CaseRecord(
			"C10",
			"村集体土地承包经营权流转合同到期后，承包方拒不交还土地。",
			[Person("村委会", "", "07370000000")],
			["孙某"],
			"grid",
		),
	),
	(
		"C11",
		"traffic",
		CaseRecord(
			"C11",
			"两车在路口发生刮擦，就车辆维修费用赔偿产生争议。",
			[Person("郑伟", "", "13600000003")],
			["冯某"],
			"police",
		),
	),
	(
		"C12",
		"debt",
		CaseRecord(
			"C12",
			"朋友借款五万元到期不还，出具借条为证。",
			[Person("何丽", "", "13600000004")],
			["许某"],
			"window",
		),
	),
]


class TestDuplicates(unittest.TestCase):
	def test_same_id_number_or_name_and_phone_is_the_same_person(self):
		c01, c02, c03 = (r for _n, _g, r in FIXTURES[:3])
		self.assertEqual(compare(c02, c01).reasons[0], "same ID number")
		self.assertEqual(compare(c02, c01).score, 100)
		# name + phone, written with spaces or full-width digits, is the same person
		other = CaseRecord("X", "完全不同的事情", [Person("李 秀英", "", "１３９０７３７５６７８")])
		self.assertIn("same name and phone", compare(other, FIXTURES[3][2]).reasons)
		self.assertGreaterEqual(compare(c03, c01).score, 90)

	def test_precision_and_recall_on_the_fixture_set(self):
		truth = {frozenset((a[0], b[0])) for a, b in itertools.combinations(FIXTURES, 2) if a[1] == b[1]}
		found = set()
		for name, _group, record in FIXTURES:
			for s in suggest(record, [r for _n, _g, r in FIXTURES]):
				found.add(frozenset((name, s.name)))
		true_positive = len(found & truth)
		precision = true_positive / len(found)
		recall = true_positive / len(truth)
		self.assertGreaterEqual(precision, 0.9, sorted(map(sorted, found - truth)))
		self.assertGreaterEqual(recall, 0.8, sorted(map(sorted, truth - found)))

	def test_suggestions_are_ranked_and_exclude_the_case_itself(self):
		new = FIXTURES[1][2]
		names = [s.name for s in suggest(new, [r for _n, _g, r in FIXTURES])]
		self.assertEqual(names[0], "C01")
		self.assertNotIn("C02", names)


class TestLibrary(unittest.TestCase):
	def test_anonymise_removes_names_id_numbers_and_phones(self):
		text = "申请人张建国（身份证430921198503150017，电话139-0737-1234）与李秀英协商，座机0737-5201234。"
		result = anonymise(text, ["张建国", "李秀英"])
		self.assertEqual(result, "申请人张某（身份证[身份证号]，电话[电话]）与李某协商，座机[电话]。")

	def test_chinese_search_finds_the_typical_case(self):
		library = Library()
		library.add(
			[
				(
					"T1",
					"宅基地边界纠纷调解案例",
					"两户村民因宅基地围墙边界争执，经村调委会现场勘查后达成协议。",
				),
				("T2", "拖欠农民工工资纠纷", "包工头拖欠工资，经劳动监察和人民调解，工资一次性结清。"),
				("P1", "保障农民工工资支付条例", "为规范农民工工资支付行为，保障农民工按时足额获得工资。"),
				("T3", "医疗纠纷人民调解", "患者术后并发症，医调委委托鉴定后调解赔偿。"),
			]
		)
		hits = [h.key for h in library.search("工地老板一直拖欠工资不给")]
		self.assertEqual(set(hits[:2]), {"T2", "P1"})
		self.assertEqual(library.search("宅基地围墙")[0].key, "T1")
		self.assertEqual([h.key for h in library.search("宅基地围墙", exclude=["T1"])], [])
		self.assertEqual(library.search("，。！"), [])
		library.remove("T2")
		self.assertNotIn("T2", [h.key for h in library.search("拖欠工资")])


class TestLibraryKindsAndSnippets(unittest.TestCase):
	def test_search_within_one_kind(self):
		library = Library()
		library.add(
			[
				("T2", "拖欠农民工工资纠纷", "包工头拖欠工资，经调解结清。", "Typical Case"),
				("P1", "保障农民工工资支付条例", "保障农民工按时足额获得工资。", "Regulation"),
				("X", "工资", "没有分类的条目"),
			]
		)
		self.assertEqual([h.key for h in library.search("农民工工资", kind="Regulation")], ["P1"])
		self.assertEqual([h.key for h in library.search("农民工工资", kind="Typical Case")], ["T2"])
		self.assertEqual(set(h.key for h in library.search("工资")), {"T2", "P1", "X"})
		library.clear()
		self.assertEqual(library.search("工资"), [])

	def test_snippet_shows_where_the_query_words_are(self):
		body = "甲" * 100 + "包工头拖欠农民工工资" + "乙" * 100
		text = snippet(body, "工资被拖欠")
		self.assertIn("拖欠农民工工资", text)
		self.assertLessEqual(len(text), 82)
		self.assertTrue(text.startswith("…") and text.endswith("…"))
		self.assertEqual(snippet("短文本", "工资"), "短文本")
		self.assertEqual(snippet("丙" * 100, "工资"), "丙" * 80 + "…")
