"""Case numbers `<region code>-<year>-<6-digit sequence>`, unique under concurrent intake.

A naming series keeps its counter row locked until the intake transaction commits, so every intake of
a county would wait for the one before it. Here the counter (a ZZ Case Number Counter row per region and
year) is advanced on a separate autocommit connection with one atomic statement,
`INSERT … ON DUPLICATE KEY UPDATE current = LAST_INSERT_ID(current + 1)`, whose row lock lasts only that
statement. A number taken by an intake that later rolls back is skipped (a gap), never handed out twice;
the unique index on ZZ Case.case_number is the last line of defence.
"""

import threading

import frappe
import pymysql

COUNTER_DOCTYPE = "ZZ Case Number Counter"
SEQUENCE_DIGITS = 6

_connections = threading.local()


def format_case_number(region_code: str, year: int, sequence: int) -> str:
	return f"{region_code}-{year}-{sequence:0{SEQUENCE_DIGITS}d}"


def next_case_number(region_code: str, year: int) -> str:
	return format_case_number(region_code, year, next_sequence(f"{region_code}-{year}"))


def next_sequence(key: str) -> int:
	statement = (
		f"INSERT INTO `tab{COUNTER_DOCTYPE}` (name, current, creation, modified, owner, modified_by, docstatus, idx)"
		" VALUES (%s, LAST_INSERT_ID(1), NOW(6), NOW(6), 'Administrator', 'Administrator', 0, 0)"
		" ON DUPLICATE KEY UPDATE current = LAST_INSERT_ID(current + 1), modified = NOW(6)"
	)
	for attempt in (1, 2):
		conn = _side_connection(fresh=attempt == 2)
		try:
			with conn.cursor() as cursor:
				cursor.execute(statement, (key,))
				cursor.execute("SELECT LAST_INSERT_ID()")
				return int(cursor.fetchone()[0])
		except pymysql.err.OperationalError:
			# the cached connection was closed by the server (wait_timeout, restart): reconnect once
			if attempt == 2:
				raise
	raise RuntimeError("unreachable")


def _side_connection(fresh: bool = False):
	"""An autocommit connection to the current site's database, one per thread and site."""
	cache = getattr(_connections, "by_site", None)
	if cache is None:
		cache = _connections.by_site = {}
	site = frappe.local.site
	conn = cache.get(site)
	if conn is not None and (fresh or not conn.open):
		_close_quietly(conn)
		conn = None
	if conn is None:
		conn = pymysql.connect(**_connection_settings(), autocommit=True)
		cache[site] = conn
	return conn


def _connection_settings() -> dict:
	# Frappe's own connection settings (host, port, user, password, database, charset, SSL) when the
	# database class exposes them; the site config otherwise.
	get_settings = getattr(frappe.db, "get_connection_settings", None)
	if get_settings:
		settings = dict(get_settings())
		settings.pop("conv", None)
		settings.setdefault("database", frappe.conf.db_name)
		return settings
	conf = frappe.conf
	settings = {
		"host": conf.db_host or "127.0.0.1",
		"user": conf.db_user or conf.db_name,
		"password": conf.db_password,
		"database": conf.db_name,
		"charset": "utf8mb4",
	}
	if conf.db_port:
		settings["port"] = int(conf.db_port)
	if conf.db_socket:
		settings["unix_socket"] = conf.db_socket
	return settings


def _close_quietly(conn) -> None:
	try:
		conn.close()
	except Exception:
		# already closed by the server; nothing to release
		return
