"""One answer for the county's monitoring: is the centre able to take and move cases right now?

`GET /api/method/zongzhi_center.api.health.status` — open to the monitoring system without a login, so it
says nothing of cases or people: only whether the database, the cache, the job queue, its workers, the
scheduler (which runs the deadline clocks) and the backups are in order. HTTP 200 when every check passes,
503 when one fails, so a plain HTTP probe alerts without reading the body.

The limits are site configuration (`bench set-config`), because they follow how the county runs its
servers: `zz_health_max_queue_lag` (seconds, default 300), `zz_health_max_scheduler_idle` (minutes,
default 20: the deadline job runs every 15), `zz_health_max_backup_age` (hours, default 26: daily
backups and some slack).
"""

from __future__ import annotations

import glob
import os
import time

import frappe
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, get_datetime, now_datetime
from werkzeug.wrappers import Response

from zongzhi_center.api.v1 import json_response

DEFAULTS = {
	"zz_health_max_queue_lag": 300,
	"zz_health_max_scheduler_idle": 20,
	"zz_health_max_backup_age": 26,
}


def limit(key: str) -> int:
	return cint(frappe.conf.get(key)) or DEFAULTS[key]


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=120, seconds=60)
def status() -> Response:
	checks = {
		"database": timed(check_database),
		"cache": timed(check_cache),
		"queue": timed(check_queue),
	}
	checks.update(queue_checks() if checks["queue"]["ok"] else {})
	checks["scheduler"] = check_scheduler()
	checks["backup"] = check_backup()
	healthy = all(c["ok"] for c in checks.values())
	return json_response(200 if healthy else 503, {"status": "ok" if healthy else "fail", "checks": checks})


def timed(check) -> dict:
	started = time.monotonic()
	try:
		check()
		ok = True
	except Exception:
		# the reason is for the server's log file (the database may be what failed), not for the caller
		frappe.logger("zongzhi_center.health").exception(f"health check {check.__name__} failed")
		ok = False
	return {"ok": ok, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_database() -> None:
	frappe.db.sql("select 1")


def check_cache() -> None:
	frappe.cache.ping()


def queue_connection():
	"""A connection that gives up at once: the probe must answer while the queue is down, not retry."""
	from redis import Redis

	return Redis.from_url(frappe.conf.redis_queue, socket_timeout=1, socket_connect_timeout=1)


def check_queue() -> None:
	queue_connection().ping()


def queue_checks() -> dict:
	"""Workers alive, and how long the oldest waiting job of each queue has waited."""
	from frappe.utils.background_jobs import generate_qname, get_queue_list
	from rq import Queue, Worker

	connection = queue_connection()
	workers = len(Worker.all(connection=connection))
	lags = {}
	for queue in get_queue_list():
		jobs = Queue(generate_qname(queue), connection=connection).get_jobs(0, 0)
		enqueued = jobs[0].enqueued_at if jobs else None
		lags[queue] = round(time.time() - enqueued.timestamp()) if enqueued else 0
	worst = max(lags.values(), default=0)
	return {
		"workers": {"ok": workers > 0, "count": workers},
		"queue_lag": {"ok": worst <= limit("zz_health_max_queue_lag"), "seconds": lags},
	}


def check_scheduler() -> dict:
	from frappe.utils.scheduler import is_scheduler_inactive

	enabled = not is_scheduler_inactive(verbose=False)
	last = frappe.db.sql("select max(last_execution) from `tabScheduled Job Type`")[0][0]
	idle = round((now_datetime() - get_datetime(last)).total_seconds() / 60) if last else None
	return {
		"ok": enabled and idle is not None and idle <= limit("zz_health_max_scheduler_idle"),
		"enabled": enabled,
		"minutes_since_last_run": idle,
	}


def check_backup() -> dict:
	backups = glob.glob(os.path.join(frappe.get_site_path("private", "backups"), "*-database.sql*"))
	if not backups:
		return {"ok": False, "hours_since_last": None}
	age = round((time.time() - max(os.path.getmtime(b) for b in backups)) / 3600, 1)
	return {"ok": age <= limit("zz_health_max_backup_age"), "hours_since_last": age}
