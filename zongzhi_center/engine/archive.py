"""一案一档: the manifest of a case file — every file of the dossier with its size and SHA-256 — and its
verification. The manifest is canonical JSON (sorted keys, no spaces), so its own checksum is stable."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
	name: str
	size: int
	sha256: str


def digest(content: bytes) -> str:
	return hashlib.sha256(content).hexdigest()


def build(case_number: str, files: Iterable[tuple[str, bytes]], created: str) -> dict:
	"""The manifest for ``files`` (name, content), in name order; names must be unique."""
	entries = []
	seen = set()
	for name, content in sorted(files, key=lambda f: f[0]):
		if name in seen:
			raise ValueError(f"two files named {name!r} in one case file")
		seen.add(name)
		entries.append({"name": name, "size": len(content), "sha256": digest(content)})
	return {"version": MANIFEST_VERSION, "case_number": case_number, "created": created, "files": entries}


def dumps(manifest: dict) -> bytes:
	return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def verify(manifest: dict, files: Iterable[tuple[str, bytes]]) -> list[str]:
	"""What does not match, as readable lines; an empty list means the case file is intact."""
	problems = []
	present = dict(files)
	listed = {e["name"]: e for e in manifest.get("files", [])}
	for name, entry in listed.items():
		if name not in present:
			problems.append(f"missing: {name}")
			continue
		content = present[name]
		if len(content) != entry["size"] or digest(content) != entry["sha256"]:
			problems.append(f"changed: {name}")
	problems += [f"not in the manifest: {name}" for name in sorted(set(present) - set(listed))]
	return problems
