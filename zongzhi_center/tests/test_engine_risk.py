"""Risk rules: conditions, the highest colour winning, every reason kept."""

import unittest

from zongzhi_center.engine.risk import CaseFacts, RiskRule, assess, split_keywords

RULES = [
	RiskRule("life", "Red", keywords=split_keywords("死亡、自杀，跳楼")),
	RiskRule("crowd", "Orange", min_parties=5, keywords=("群体", "聚集")),
	RiskRule("petition-repeat", "Orange", sources=frozenset({"Petition Source"}), min_repeat_visits=3),
	RiskRule("wages", "Yellow", categories=frozenset({"劳资纠纷"}), min_amount=50000),
	RiskRule("any-medical", "Yellow", categories=frozenset({"医疗纠纷"})),
]


class TestRiskRules(unittest.TestCase):
	def test_nothing_fires_green(self):
		result = assess(RULES, CaseFacts(category_path=("相邻纠纷",), text="邻居漏水", party_count=2))
		self.assertEqual(result.colour, "Green")
		self.assertEqual(result.reasons, ())

	def test_keyword_fires_in_spite_of_spacing_and_full_width(self):
		result = assess(RULES, CaseFacts(text="当事人扬言要 自 杀"))
		self.assertEqual(result.colour, "Red")
		self.assertEqual([r.rule for r in result.reasons], ["life"])
		self.assertIn("自杀", result.reasons[0].matched[0])
		self.assertEqual(
			assess([RiskRule("en", "Yellow", keywords=("ＡＢＣ",))], CaseFacts(text="abc")).colour, "Yellow"
		)

	def test_all_conditions_of_a_rule_must_hold(self):
		# 群体 but only 3 parties: the crowd rule needs 5
		self.assertEqual(assess(RULES, CaseFacts(text="群体讨薪", party_count=3)).colour, "Green")
		self.assertEqual(assess(RULES, CaseFacts(text="群体讨薪", party_count=12)).colour, "Orange")

	def test_highest_colour_wins_and_every_reason_is_kept_highest_first(self):
		facts = CaseFacts(
			category_path=("医疗纠纷", "民事纠纷"),
			source="Petition Source",
			text="患者死亡后家属聚集医院",
			party_count=8,
			repeat_visits=4,
		)
		result = assess(RULES, facts)
		self.assertEqual(result.colour, "Red")
		self.assertEqual(
			[(r.rule, r.colour) for r in result.reasons],
			[("life", "Red"), ("crowd", "Orange"), ("petition-repeat", "Orange"), ("any-medical", "Yellow")],
		)

	def test_category_rule_matches_subcategories(self):
		result = assess(RULES, CaseFacts(category_path=("拖欠工资", "劳资纠纷"), amount=80000))
		self.assertEqual(result.colour, "Yellow")
		self.assertEqual(result.reasons[0].matched, ("category: 劳资纠纷", "amount: 80000 ≥ 50000"))
		self.assertEqual(
			assess(RULES, CaseFacts(category_path=("拖欠工资", "劳资纠纷"), amount=800)).colour, "Green"
		)

	def test_rule_without_conditions_never_fires(self):
		self.assertEqual(assess([RiskRule("empty", "Red")], CaseFacts(text="任何事")).colour, "Green")

	def test_unknown_colour_is_refused(self):
		with self.assertRaises(ValueError):
			RiskRule("bad", "Purple", keywords=("x",))

	def test_split_keywords(self):
		self.assertEqual(split_keywords("死亡, 自杀\n群体；上访、死亡"), ("死亡", "自杀", "群体", "上访"))
