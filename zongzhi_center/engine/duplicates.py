"""Repeat petitions and duplicates (重复访): does a new case concern the same person or the same matter as
cases already on file, whatever door they came through?

- The same person: the same resident ID number, or the same normalised name and phone.
- The same matter: similar facts (jieba words compared with rapidfuzz) and the same respondent.
Each suggestion carries its score and the reasons, for the clerk who links or merges.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
from rapidfuzz import fuzz

jieba.setLogLevel(60)  # jieba prints its dictionary loading otherwise

# words that say nothing about the matter
STOPWORDS = frozenset(
	"的 了 在 是 和 与 及 或 等 某 其 对 就 将 把 被 有 无 也 都 又 并 但 而 因 为 于 从 向 到 后 前 中 上 下 "
	"申请人 被申请人 当事人 双方 一方 对方 请求 要求 调解 发生 进行 表示 称 已 仍 未".split()
)
SIMILAR_FACTS = 60  # token-set similarity (0–100) from which facts count as similar
SUGGEST_FROM = 70  # score from which a case is suggested
NAME_AND_RESPONDENT = 80


def normalise_name(name: str | None) -> str:
	return re.sub(r"[\s·•.]", "", unicodedata.normalize("NFKC", name or ""))


def normalise_phone(phone: str | None) -> str:
	digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
	return digits[-11:] if len(digits) >= 11 else digits


@lru_cache(maxsize=4096)
def words(text: str) -> str:
	"""The facts as space-separated content words (what rapidfuzz compares)."""
	text = unicodedata.normalize("NFKC", text or "")
	tokens = [t for t in jieba.lcut(text) if t.strip() and t not in STOPWORDS and not re.fullmatch(r"\W+", t)]
	return " ".join(tokens)


@dataclass(frozen=True)
class Person:
	name: str = ""
	id_number: str = ""
	phone: str = ""
	# the keyed hashes stored on a party row, for people on file: their numbers stay in the vault
	id_key: str = ""
	name_phone_key: str = ""

	def keys(self) -> set[str]:
		"""Identity keys: the ID number, and name + phone (which finds the same person on a case
		registered without the ID number)."""
		if self.id_key or self.name_phone_key:
			stored = {"id": self.id_key, "np": self.name_phone_key}
			return {f"{kind}:{key}" for kind, key in stored.items() if key}
		keys = {f"id:{self.id_number.upper()}"} if self.id_number else set()
		name, phone = normalise_name(self.name), normalise_phone(self.phone)
		if name and phone:
			keys.add(f"np:{name}:{phone}")
		return keys


@dataclass(frozen=True)
class CaseRecord:
	name: str
	facts: str = ""
	applicants: Sequence[Person] = ()
	respondents: Sequence[str] = ()
	source: str = ""


@dataclass(frozen=True)
class Suggestion:
	name: str
	score: int
	reasons: tuple[str, ...] = field(default_factory=tuple)


SAME_ID = 100  # the highest score: facts compared on top of it change the reasons, never the score


def same_person(new: CaseRecord, old: CaseRecord) -> tuple[int, list[str]]:
	"""The score and reason the applicants' identity keys alone give (no facts compared)."""
	new_keys = set().union(*(p.keys() for p in new.applicants)) if new.applicants else set()
	old_keys = set().union(*(p.keys() for p in old.applicants)) if old.applicants else set()
	shared = new_keys & old_keys
	if any(k.startswith("id:") for k in shared):
		return SAME_ID, ["same ID number"]
	if shared:
		return 90, ["same name and phone"]
	return 0, []


def compare(new: CaseRecord, old: CaseRecord) -> Suggestion:
	score, reasons = same_person(new, old)
	similarity = int(fuzz.token_set_ratio(words(new.facts), words(old.facts)))
	same_respondent = bool(
		{normalise_name(r) for r in new.respondents if r} & {normalise_name(r) for r in old.respondents if r}
	)
	if similarity >= SIMILAR_FACTS:
		reasons.append(f"similar facts {similarity}%")
		matter = similarity + (15 if same_respondent else 0)
		score = max(score, min(matter, 99))
	if same_respondent:
		reasons.append("same respondent")
		new_names = {normalise_name(p.name) for p in new.applicants if p.name}
		if (
			new_names & {normalise_name(p.name) for p in old.applicants if p.name}
			and score < NAME_AND_RESPONDENT
		):
			# the same applicant against the same respondent, registered once with an ID number and
			# once with a phone only
			score = NAME_AND_RESPONDENT
			reasons.insert(0, "same applicant name and respondent")
	return Suggestion(old.name, score, tuple(reasons))


def suggest(
	new: CaseRecord, candidates: Iterable[CaseRecord], threshold: int = SUGGEST_FROM
) -> list[Suggestion]:
	"""Cases on file that likely concern the same person or matter, best first."""
	return best(new, candidates, threshold)[0]


def best(
	new: CaseRecord, candidates: Iterable[CaseRecord], threshold: int = SUGGEST_FROM, limit: int | None = None
) -> tuple[list[Suggestion], int]:
	"""The ``limit`` best suggestions, best first, and how many more reached the threshold.

	A person with hundreds of cases on file would otherwise have every one of their facts segmented and
	compared on each form load: a case with the same ID number scores the highest whatever its facts, so
	its facts are compared only when it is among those shown (for the reasons)."""
	scored: list[tuple[int, str, CaseRecord, Suggestion | None]] = []
	for old in candidates:
		if old.name == new.name:
			continue
		score, _reasons = same_person(new, old)
		found = None if score == SAME_ID else compare(new, old)
		score = found.score if found else score
		if score >= threshold:
			scored.append((score, old.name, old, found))
	scored.sort(key=lambda s: (-s[0], s[1]))
	shown = scored if limit is None else scored[:limit]
	return [found or compare(new, old) for _score, _name, old, found in shown], len(scored) - len(shown)
