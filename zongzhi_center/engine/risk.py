"""Risk colour (三色/四色预警): rules an administrator keeps, evaluated against a case.

Each rule has a colour and conditions, all of which must hold: the case's category (or an ancestor of
it), its source, any of a list of keywords in the title and facts, at least so many parties, at least
so much money in dispute, at least so many repeat visits by the same person. The highest colour of the
rules that fire is the case's colour, and every rule that fired is kept as a reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# 四色: red > orange > yellow > green; a centre on 三色 simply writes no orange rules
COLOURS = ("Green", "Yellow", "Orange", "Red")
COLOUR_RANK = {colour: rank for rank, colour in enumerate(COLOURS)}
DEFAULT_COLOUR = "Green"

# keywords may be written one per line or separated by commas, 顿号 or semicolons
KEYWORD_SEPARATORS = re.compile(r"[\n,，、;；|]+")


def normalise_text(text: str | None) -> str:
	"""Full-width to half-width, case folded, whitespace dropped: 'ＡＢ 死 亡' finds '死亡'."""
	return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).casefold()


def split_keywords(text: str | None) -> tuple[str, ...]:
	words = (normalise_text(word) for word in KEYWORD_SEPARATORS.split(text or ""))
	return tuple(dict.fromkeys(word for word in words if word))


@dataclass(frozen=True)
class RiskRule:
	name: str
	colour: str
	categories: frozenset[str] = frozenset()
	sources: frozenset[str] = frozenset()
	keywords: tuple[str, ...] = ()
	min_parties: int | None = None
	min_amount: float | None = None
	min_repeat_visits: int | None = None
	title: str = ""

	def __post_init__(self):
		if self.colour not in COLOUR_RANK:
			raise ValueError(f"unknown risk colour {self.colour!r}")
		# keywords are compared with normalised text, so they are normalised the same way
		object.__setattr__(self, "keywords", split_keywords("\n".join(self.keywords)))


@dataclass(frozen=True)
class CaseFacts:
	# the case's category first, then its ancestors
	category_path: Sequence[str] = ()
	source: str | None = None
	text: str = ""
	party_count: int = 0
	amount: float = 0
	repeat_visits: int = 0


@dataclass(frozen=True)
class Reason:
	rule: str
	colour: str
	# what made it fire, e.g. ["keyword: 自杀", "parties ≥ 5"] — for the case to show
	matched: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
	colour: str
	reasons: tuple[Reason, ...] = field(default_factory=tuple)


def fire(rule: RiskRule, facts: CaseFacts, text: str | None = None) -> Reason | None:
	"""The reason this rule fires for the case, or None when one of its conditions fails."""
	matched: list[str] = []
	if rule.categories:
		hits = [c for c in facts.category_path if c in rule.categories]
		if not hits:
			return None
		matched.append(f"category: {hits[0]}")
	if rule.sources:
		if facts.source not in rule.sources:
			return None
		matched.append(f"source: {facts.source}")
	if rule.keywords:
		text = normalise_text(facts.text) if text is None else text
		words = [word for word in rule.keywords if word in text]
		if not words:
			return None
		matched.append("keywords: " + "、".join(words))
	for threshold, value, label in (
		(rule.min_parties, facts.party_count, "parties"),
		(rule.min_amount, facts.amount, "amount"),
		(rule.min_repeat_visits, facts.repeat_visits, "repeat visits"),
	):
		if threshold is None:
			continue
		if (value or 0) < threshold:
			return None
		matched.append(f"{label}: {value} ≥ {threshold:g}")
	if not matched:
		# a rule with no condition at all would colour every case; it never fires
		return None
	return Reason(rule=rule.name, colour=rule.colour, matched=tuple(matched))


def assess(rules: Iterable[RiskRule], facts: CaseFacts, default: str = DEFAULT_COLOUR) -> Assessment:
	"""The highest colour among the rules that fire (``default`` when none does), with every reason,
	highest colour first."""
	text = normalise_text(facts.text)
	reasons = [reason for rule in rules if (reason := fire(rule, facts, text))]
	reasons.sort(key=lambda r: (-COLOUR_RANK[r.colour], r.rule))
	colour = reasons[0].colour if reasons else default
	return Assessment(colour=colour, reasons=tuple(reasons))


def higher(colour: str, other: str) -> bool:
	return COLOUR_RANK[colour] > COLOUR_RANK[other]
