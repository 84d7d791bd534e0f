"""后续任务队列: the work that must follow a saved record — the notifications of a move, the case file of an
archived case, a sister system's status callback — is written in the record's own transaction (one row of ZZ
Outbox) and done afterwards by a drain, so that a queue outage delays it and never loses it.

Frappe hands such work to Redis once the transaction commits (`frappe.enqueue(enqueue_after_commit=True)`,
and Webhooks the same way): when the queue's Redis cannot be reached at that moment, the record is committed,
the request answers 500, and the work is gone. Here the row commits with the record or not at all; after the
commit a drain job is asked for, and when Redis does not answer the row simply waits, since the scheduler asks
for a drain every minute as well.

The drain takes one row at a time with SELECT … FOR UPDATE SKIP LOCKED (drains side by side never take the same
row), runs its work and marks it done in the same transaction: work that only writes to the database (a
Notification Log, the case file) happens exactly once, whatever dies in between — a killed worker's transaction
is rolled back, row and work together. A call to another system (a status callback) happens at least once.
Work that fails is tried again later, each time after a longer pause; after MAX_ATTEMPTS it is given up, in
the Error Log and on the row, where a System Manager can set it back to Waiting.

Tests keep seeing the work at once, as Frappe's `enqueue(now=frappe.flags.in_test)` showed it, unless a test
sets `frappe.flags.zz_outbox_deferred` to go through the drain as production does.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import add_to_date, now_datetime

OUTBOX = "ZZ Outbox"
WAITING, DONE, GIVEN_UP = "Waiting", "Done", "Given Up"
NOTIFICATION, CASE_FILE, STATUS_CALLBACK = "Notification", "Case File", "Status Callback"
ASSIGNMENT_NOTICE = "Assignment Notice"
ACCESS_SYNC = "Access Sync"

# what each kind of work runs
EFFECTS = {
	NOTIFICATION: "zongzhi_center.services.notify.create_notifications",
	CASE_FILE: "zongzhi_center.services.casefile.build",
	STATUS_CALLBACK: "zongzhi_center.services.outbox.send_status_callback",
	ASSIGNMENT_NOTICE: "zongzhi_center.services.outbox.make_frappe_notices",
	ACCESS_SYNC: "zongzhi_center.services.access.sync_cases_of",
}
# the queue each kind is drained on: notifications do not wait behind a case file's PDF
LANES = {
	NOTIFICATION: "short",
	ASSIGNMENT_NOTICE: "short",
	STATUS_CALLBACK: "default",
	CASE_FILE: "long",
	ACCESS_SYNC: "long",
}
MAX_ATTEMPTS = 8
# after a drain died holding a row (its transaction rolled back), the row is taken again this much later
CRASH_PAUSE_SECONDS = 60
# a drain job stops after this long and leaves the rest to the next one (RQ ends jobs at the queue's timeout)
DRAIN_SECONDS = {"short": 240, "default": 240, "long": 1200}


class Retry(Exception):
	"""Raised by work that did not get done but whose database writes are kept (a callback's request log)."""


# ---------------------------------------------------------------- recording, in the record's transaction


def record(effect: str, reference=None, **arguments) -> int:
	"""Write the work in the current transaction; it is done once the transaction commits. Returns the row."""
	label = (
		(reference.get("case_number") or reference.get("title") or reference.name)
		if reference is not None
		else ""
	)
	entry = frappe.get_doc(
		{
			"doctype": OUTBOX,
			"title": f"{_(effect)} · {label}" if label else _(effect),
			"effect": effect,
			"status": WAITING,
			"attempts": 0,
			"reference_doctype": reference.doctype if reference is not None else None,
			"reference_name": reference.name if reference is not None else None,
			"arguments": frappe.as_json(arguments, indent=None),
		}
	)
	# one INSERT and nothing else: the app's own bookkeeping, on the path of every save that has work to follow
	entry.db_insert()
	if frappe.flags.in_test and not frappe.flags.zz_outbox_deferred:
		run_inline(entry)
	else:
		ask_for_drain(LANES[effect])
	return entry.name


def run_inline(entry):
	"""Tests: the work is done at once, in the caller's transaction, as `enqueue(now=True)` did."""
	values = {"status": DONE, "attempts": 1, "done_at": now_datetime()}
	try:
		frappe.get_attr(EFFECTS[entry.effect])(**json.loads(entry.arguments))
	except Retry as e:  # a callback that did not get through waits for a drain, as in production
		values = {"status": WAITING, "attempts": 1, "last_error": str(e)}
	frappe.db.set_value(OUTBOX, entry.name, values, update_modified=False)


def ask_for_drain(lane: str):
	"""After this transaction commits, ask for a drain of the lane (once per lane and transaction)."""
	lanes = getattr(frappe.local, "zz_outbox_lanes", None)
	if lanes is None:
		lanes = frappe.local.zz_outbox_lanes = set()
		frappe.db.after_commit.add(kick_recorded)
		frappe.db.after_rollback.add(forget_recorded)
	lanes.add(lane)


def kick_recorded():
	lanes = getattr(frappe.local, "zz_outbox_lanes", None) or set()
	forget_recorded()
	for lane in sorted(lanes):
		kick(lane)


def forget_recorded():
	if hasattr(frappe.local, "zz_outbox_lanes"):
		del frappe.local.zz_outbox_lanes


def kick(lane: str) -> bool:
	"""Ask RQ for a drain of the lane. The record is saved already: a queue that cannot be reached is logged
	and answered by the scheduler's next drain, never by an error to whoever saved it."""
	try:
		frappe.enqueue(
			"zongzhi_center.services.outbox.drain",
			queue=lane,
			lane=lane,
			# one waiting drain per lane and minute; a drain killed mid-run blocks the next one a minute at most
			job_id=f"zz-outbox-{lane}-{now_datetime():%H%M}",
			deduplicate=True,
		)
		return True
	except Exception:
		frappe.logger("zongzhi_center").warning(
			f"outbox: the queue could not be reached; the {lane} work waits for the scheduler's drain",
			exc_info=True,
		)
		return False


def kick_due():
	"""Scheduler, every minute: a drain for each lane that has work due (after an outage, a failure's pause or
	a killed drain)."""
	due = frappe.db.sql(
		f"""select distinct effect from `tab{OUTBOX}`
		where status = %s and (next_attempt_at is null or next_attempt_at <= %s)""",
		(WAITING, now_datetime()),
		pluck=True,
	)
	for lane in sorted({LANES[effect] for effect in due if effect in LANES}):
		kick(lane)


# ---------------------------------------------------------------- draining


def drain(lane: str | None = None, limit: int = 1000, names: list | None = None) -> dict:
	"""Do the due work of the lane (every lane when None; only the rows `names` when given), one row per
	transaction. Returns counts."""
	effects = tuple(e for e, queue in LANES.items() if lane in (None, queue))
	deadline = time.monotonic() + DRAIN_SECONDS.get(lane or "long", 240)
	counts = {"done": 0, "failed": 0, "given_up": 0}
	frappe.db.commit()  # whatever the job began with is not part of any row's transaction
	while sum(counts.values()) < limit and time.monotonic() < deadline:
		claimed = claim(effects, names)
		if claimed is None:
			break
		if claimed is GIVEN_UP:
			counts["given_up"] += 1
			continue
		counts["done" if run(*claimed) else "failed"] += 1
	return counts


def claim(effects: tuple[str, ...], names: list | None = None):
	"""Take the oldest due row no other drain holds: (row, token), GIVEN_UP, or None when nothing is due."""
	only = "and name in %(names)s" if names else ""
	rows = frappe.db.sql(
		f"""select name, attempts from `tab{OUTBOX}`
		where status = %(waiting)s and effect in %(effects)s {only}
			and (next_attempt_at is null or next_attempt_at <= %(now)s)
		order by name limit 1
		for update skip locked""",
		{"waiting": WAITING, "effects": effects, "now": now_datetime(), "names": tuple(names or ())},
		as_dict=True,
	)
	if not rows:
		frappe.db.rollback()
		return None
	row = rows[0]
	if row.attempts >= MAX_ATTEMPTS:
		# its drains died while doing it (the last error says so when they did not)
		give_up(row.name, _("Stopped after {0} attempts.").format(row.attempts))
		commit(row.name)
		return GIVEN_UP
	token = frappe.generate_hash(length=12)
	frappe.db.sql(
		f"""update `tab{OUTBOX}` set attempts = attempts + 1, claim = %s, next_attempt_at = %s
		where name = %s""",
		(token, add_to_date(now_datetime(), seconds=CRASH_PAUSE_SECONDS), row.name),
	)
	frappe.db.commit()
	return row.name, token


def run(name, token: str) -> bool:
	"""Do one claimed row's work and mark it done, in one transaction. False when it failed."""
	entry = locked(name)
	if not entry or entry.status != WAITING or entry.claim != token:
		frappe.db.rollback()  # done meanwhile, or taken by another drain after this one's pause ran out
		return True
	frappe.db.savepoint("zz_outbox_work")
	user = frappe.session.user
	try:
		frappe.set_user(entry.owner or "Administrator")  # as whoever saved the record, like an RQ job
		frappe.get_attr(EFFECTS[entry.effect])(**json.loads(entry.arguments or "{}"))
	except Retry as e:
		failed(name, token, str(e), undo=False)
		return False
	except Exception:
		failed(name, token, frappe.get_traceback(), undo=True)
		return False
	finally:
		frappe.set_user(user)
	frappe.db.sql(
		f"update `tab{OUTBOX}` set status = %s, done_at = %s, claim = null where name = %s",
		(DONE, now_datetime(), name),
	)
	commit(name)
	return True


def locked(name):
	rows = frappe.db.sql(
		f"""select name, effect, arguments, status, claim, owner, attempts from `tab{OUTBOX}`
		where name = %s for update""",
		name,
		as_dict=True,
	)
	return rows[0] if rows else None


def failed(name, token: str, error: str, undo: bool):
	"""Undo what the failed work wrote (unless it asked to keep it), then note the failure on the row."""
	if undo:
		try:
			frappe.db.rollback(save_point="zz_outbox_work")
		except Exception:
			# a deadlock rolls back the whole transaction and its savepoint: take the row again
			frappe.db.rollback()
			entry = locked(name)
			if not entry or entry.status != WAITING or entry.claim != token:
				frappe.db.rollback()
				return
	attempts = frappe.db.get_value(OUTBOX, name, "attempts")
	if attempts >= MAX_ATTEMPTS:
		give_up(name, error)
	else:
		pause = min(60 * 2 ** (attempts - 1), 3600)  # 1, 2, 4 … minutes, at most an hour
		frappe.db.sql(
			f"""update `tab{OUTBOX}` set last_error = %s, next_attempt_at = %s, claim = null
			where name = %s""",
			(error[-10000:], add_to_date(now_datetime(), seconds=pause), name),
		)
	commit(name)


def give_up(name, error: str):
	frappe.db.sql(
		f"update `tab{OUTBOX}` set status = %s, last_error = %s, claim = null where name = %s",
		(GIVEN_UP, error[-10000:], name),
	)
	entry = frappe.db.get_value(OUTBOX, name, ["title", "effect", "attempts"], as_dict=True)
	frappe.log_error(
		title=_("Outbox entry {0} given up after {1} attempts: {2}").format(
			name, entry.attempts, entry.title
		),
		message=error,
		reference_doctype=OUTBOX,
		reference_name=name,
	)


def commit(name):
	"""Commit a row's transaction. What Frappe queued to run after the commit (a realtime message, say) may
	fail on its own once the row is committed: the row stays as committed and the failure is logged."""
	try:
		frappe.db.commit()
	except Exception:
		status = None
		try:
			frappe.db.rollback()
			status = frappe.db.get_value(OUTBOX, name, "status")
		except Exception:
			pass
		if status is None:
			raise
		frappe.logger("zongzhi_center").warning(f"outbox: after committing row {name}", exc_info=True)


# ---------------------------------------------------------------- status callbacks (Frappe Webhooks)


def send_status_callback(webhook: str, doctype: str, name: str, snapshot: dict):
	"""A Frappe Webhook's call for a record as it was when the change committed (overrides/webhooks.py), made
	by Frappe's own function. It logs each try in the Webhook Request Log and raises nothing: a call that did
	not get through is told by that log, and tried again later."""
	from frappe.integrations.doctype.webhook.webhook import enqueue_webhook

	if not frappe.db.exists("Webhook", webhook):
		return  # deleted since: nobody to call
	doc = as_it_was(doctype, name, snapshot)
	before = now_datetime()
	enqueue_webhook(doc, frappe._dict(name=webhook))
	last = frappe.get_all(
		"Webhook Request Log",
		filters={"webhook": webhook, "reference_document": name, "creation": [">=", before]},
		fields=["error", "response"],
		order_by="creation desc",
		limit=1,
	)
	if not last or last[0].error:
		raise Retry(
			_("The callback did not get through: {0}").format(
				(last[0].error or last[0].response or "").strip()[-2000:] if last else _("no request made")
			)
		)


def snapshot(doc) -> dict:
	"""The record's own fields as saved (its child tables are read when the call is made); never ciphertext."""
	return {
		key: value
		for key, value in doc.as_dict(convert_dates_to_str=True).items()
		if not isinstance(value, list) and not key.startswith("_") and not key.endswith("_enc")
	}


def as_it_was(doctype: str, name: str, fields: dict):
	if frappe.db.exists(doctype, name):
		doc = frappe.get_doc(doctype, name)
		doc.update(fields)
		return doc
	return frappe.get_doc({**fields, "doctype": doctype})  # deleted since: as it was


# ---------------------------------------------------------------- Frappe's own notices (assignments)


@contextmanager
def frappe_notices_kept(reference):
	"""Frappe's assignment (assign_to.add / remove) tells the assignee through the queue at once, inside the
	request (`enqueue_create_notification`, not after the commit): with the queue unreachable the whole
	assignment fails, and with the queue up a notice goes out for an assignment that may still roll back.
	Within this block the notice is written to the outbox instead, with the assignment. (The module's own name
	is swapped for the block: gunicorn and RQ run one request or job at a time in a process.)"""
	from frappe.desk.form import assign_to

	original = assign_to.enqueue_create_notification

	def keep(users, doc):
		if isinstance(users, str):
			users = [user.strip() for user in users.split(",") if user.strip()]
		record(ASSIGNMENT_NOTICE, reference=reference, doc=dict(doc), users=sorted(set(users)))

	assign_to.enqueue_create_notification = keep
	try:
		yield
	finally:
		assign_to.enqueue_create_notification = original


def make_frappe_notices(doc: dict, users: list[str]):
	"""Frappe's own function, as its queued job would have run it."""
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	make_notification_logs(frappe._dict(doc), users)


# ---------------------------------------------------------------- who reads the rows


def has_permission(doc, ptype=None, user=None) -> bool:
	"""System Managers only: the rows name records of every centre."""
	return "System Manager" in frappe.get_roles(user)


def query_conditions(user=None) -> str:
	return "" if "System Manager" in frappe.get_roles(user) else "1=0"
