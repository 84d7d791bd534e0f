"""社会治理资源库: anonymising a closed case into a typical case, and searching typical cases and policies in
Chinese — a whoosh index (the engine Frappe's own full-text search uses) with jieba's Chinese analyzer."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba
from jieba.analyse import ChineseAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage, Storage
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import Term

jieba.setLogLevel(60)

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def anonymise(text: str, names: Iterable[str] = ()) -> str:
	"""Names become 'surname + 某' (张三 → 张某), ID numbers and phone numbers are removed."""
	result = ID_NUMBER.sub("[身份证号]", text or "")
	result = PHONE.sub("[电话]", result)
	for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
		result = result.replace(name, name[0] + "某" if len(name) > 1 else "某")
	return result


@dataclass(frozen=True)
class Hit:
	key: str
	score: float


def schema() -> Schema:
	analyzer = ChineseAnalyzer()
	return Schema(
		key=ID(stored=True, unique=True),
		kind=ID(stored=True),
		title=TEXT(analyzer=analyzer, field_boost=2.0),
		body=TEXT(analyzer=analyzer),
	)


class Library:
	"""An index of (key, title, body[, kind]) documents; in memory unless given a whoosh Storage.

	``lock_timeout``: seconds a writer waits for another process's writer to finish (an index on disk
	shared by several web workers)."""

	def __init__(self, storage: Storage | None = None, lock_timeout: float = 0.0):
		self.storage = storage or RamStorage()
		self.lock_timeout = lock_timeout
		self.index = (
			self.storage.open_index() if self.storage.index_exists() else self.storage.create_index(schema())
		)

	def writer(self):
		return self.index.writer(timeout=self.lock_timeout)

	def add(self, documents: Iterable[Sequence[str]]):
		writer = self.writer()
		for key, title, body, *kind in documents:
			fields = {"key": key, "title": title or "", "body": body or ""}
			if kind and kind[0]:
				fields["kind"] = kind[0]
			writer.update_document(**fields)
		writer.commit()

	def remove(self, key: str):
		writer = self.writer()
		writer.delete_by_term("key", key)
		writer.commit()

	def clear(self):
		"""Drop every document (a rebuild starts from here)."""
		self.index = self.storage.create_index(schema())

	def search(
		self, text: str, limit: int = 10, exclude: Sequence[str] = (), kind: str | None = None
	) -> list[Hit]:
		"""Documents sharing words with ``text`` (any of them; more shared and rarer words rank higher),
		of one kind if given."""
		words = query_words(text)
		if not words:
			return []
		parser = MultifieldParser(["title", "body"], self.index.schema, group=OrGroup)
		query = parser.parse(" ".join(words))
		with self.index.searcher() as searcher:
			hits = searcher.search(
				query, limit=limit + len(exclude), filter=Term("kind", kind) if kind else None
			)
			found = [Hit(hit["key"], hit.score) for hit in hits if hit["key"] not in exclude]
		return found[:limit]


def query_words(text: str) -> list[str]:
	"""The words of a query, cut as the index cuts its documents (jieba's search mode), punctuation dropped."""
	return [w for w in jieba.cut_for_search(text or "") if w.strip() and not re.fullmatch(r"\W+", w)]


def snippet(body: str, text: str, width: int = 80) -> str:
	"""About ``width`` characters of ``body`` around the first place a word of the query ``text`` occurs
	(the longest words are looked for first); the start of the body when none does."""
	body = re.sub(r"\s+", " ", body or "").strip()
	if len(body) <= width:
		return body
	positions = [body.find(w) for w in sorted(set(query_words(text)), key=len, reverse=True)]
	first = min((p for p in positions if p >= 0), default=0)
	start = max(0, min(first - width // 4, len(body) - width))
	return ("…" if start else "") + body[start : start + width] + ("…" if start + width < len(body) else "")
