"""How many cases each centre holds, kept with every change, so that the case list's total is exact without
counting a city's cases each time the list is opened.

The list's total of a township's clerk is the number of cases whose current centre is one of the clerk's
centres (or empty, which Frappe's User Permissions let everyone with a centre see). At a million cases that
count reads a third of an index, about a tenth of a second per list view, whatever the indexes. Here each
centre's count is the sum of its rows in ``__zz_case_count`` (one row per centre after compaction), and the
total is a sum of a few dozen rows.

Kept in step in the transaction of the change itself, so a rolled-back change leaves no trace: a case
inserted adds a row ``(its centre, +1)``; a case moved adds ``(old, -1)`` and ``(new, +1)``; a case deleted
adds ``(its centre, -1)``. Rows are only inserted, never updated, so concurrent intakes into one centre never
wait for each other (an updated counter row would stay locked until each intake commits). ``compact()``
(hourly) replaces a centre's rows with one row holding their sum.

Moves and deletions go through the case document (its save, ``db_set`` or ``frappe.delete_doc``), as
everywhere in the app; cases inserted, moved or deleted around it in SQL (a bulk import, a benchmark's
generated cases) are counted again by ``rebuild()``.

The answer is used only where it is exactly Frappe's: ``centre_scope`` compares the permission conditions
Frappe writes for the user with the centre User Permission's own shape (and the cases shared with the user,
counted from the cases themselves); any other user, and any filter, is counted by Frappe.

The table is no DocType: it holds no record anyone opens, and a DocType would put it in the desk's lists.
"""

import frappe
import frappe.desk.reportview
import frappe.permissions
import frappe.share

TABLE = "__zz_case_count"
CASE = "ZZ Case"
NOT_STORED = "\0not stored"  # a case not yet in the table: counted nowhere
COMPACT_BATCH = 100_000

# the centre's collation is the case columns', so that the same names compare equal
SCHEMAS = {
	TABLE: """create table `{table}` (
		`id` bigint unsigned not null auto_increment primary key,
		`center` varchar(140) not null default '',
		`cases` bigint not null,
		key `center_cases` (`center`, `cases`)
	) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci""",
}
KEYS = {TABLE: ("center",)}


def ensure_table() -> list[str]:
	"""Create the tables that are missing, counting every case into them. The tables created."""
	created = []
	for table, schema in SCHEMAS.items():
		if not frappe.db.sql("show tables like %s", (table,)):
			frappe.db.sql_ddl(schema.format(table=table))
			rebuild_table(table)
			created.append(table)
	return created


def rebuild() -> None:
	"""Count every case again (after cases were written around their controller, in SQL):

		bench --site <site> execute zongzhi_center.services.case_count.rebuild

	INSERT … SELECT reads the cases with shared locks, which hold back concurrent changes to them until the
	caller commits, so no change falls between the count and the rows replaced."""
	created = ensure_table()  # a table created is counted already
	for table in SCHEMAS:
		if table not in created:
			rebuild_table(table)


def rebuild_table(table: str) -> None:
	frappe.db.sql(f"delete from `{table}`")
	frappe.db.sql(
		f"""insert into `{TABLE}` (`center`, `cases`)
		select ifnull(`current_center`, ''), count(*) from `tab{CASE}`
		group by ifnull(`current_center`, '')"""
	)


# ---------------------------------------------------------------- kept in step (doc_events of ZZ Case)


def counted_keys(values) -> frozenset:
	"""Where a case with these stored values is counted: its centre's row."""
	if values is None:
		return frozenset()
	return frozenset({(TABLE, (values.get("current_center") or "",))})


def before_insert(doc, method=None):
	doc.flags.zz_counted = NOT_STORED


def on_change(doc, method=None):
	"""After an insert, a save or a db_set: count the case where its stored values put it, and no longer where
	it was counted. The document remembers where it was counted, so a db_set inside a save (which runs this
	hook twice with the same record) counts a change once."""
	if doc.flags.in_delete:
		return  # after_delete counts it out
	counted = doc.flags.get("zz_counted")
	if counted is None:
		before = doc.get_doc_before_save()
		if before is None:
			return  # nothing known of the stored row before this change
		counted = counted_keys(before)
	elif counted == NOT_STORED:
		counted = frozenset()
	if (doc.doctype, doc.name) in (frappe.flags.currently_saving or ()):
		now = counted_keys(doc)  # an insert or save (or a db_set within one): the object is what is stored
	else:
		# a db_set of one field stores only that field, whatever else the object holds
		now = counted_keys(frappe.db.get_value(CASE, doc.name, ["current_center"], as_dict=True))
	add([(key, -1) for key in counted - now] + [(key, 1) for key in now - counted])
	doc.flags.zz_counted = now


def after_delete(doc, method=None):
	# frappe.delete_doc deletes the stored row it has just loaded: its values are the stored ones (after_delete,
	# unlike on_trash, runs with ignore_on_trash too)
	add([(key, -1) for key in counted_keys(doc)])


def add(changes: list[tuple[tuple, int]]) -> None:
	"""changes: ((table, key values), cases)."""
	for table in SCHEMAS:
		rows = [(*key, cases) for (t, key), cases in changes if t == table]
		if not rows:
			continue
		columns = ", ".join(f"`{c}`" for c in (*KEYS[table], "cases"))
		placeholders = "(" + ", ".join(["%s"] * (len(KEYS[table]) + 1)) + ")"
		frappe.db.sql(
			f"insert into `{table}` ({columns}) values {', '.join([placeholders] * len(rows))}",
			[value for row in rows for value in row],
		)


def compact(commit: bool = True) -> None:
	"""The rows of each key replaced by one row with their sum (scheduler, hourly). Only rows this transaction
	sees are summed and deleted, by their ids: a change committed meanwhile keeps its own row. If another
	compaction deleted some of them first, this one changes nothing. commit=False: in the caller's
	transaction (tests)."""
	for table in SCHEMAS:
		if commit:
			frappe.db.commit()  # a fresh snapshot
		if not compact_table(table) and commit:
			frappe.db.rollback()
		elif commit:
			frappe.db.commit()


def compact_table(table: str) -> bool:
	keys = KEYS[table]
	rows = frappe.db.sql(
		f"select `id`, {', '.join(f'`{k}`' for k in keys)}, `cases` from `{table}` order by `id` limit {COMPACT_BATCH}",
		as_dict=True,
	)
	by_key: dict[tuple, list] = {}
	for row in rows:
		by_key.setdefault(tuple(row[k] for k in keys), []).append(row)
	merged = {key: group for key, group in by_key.items() if len(group) > 1}
	if not merged:
		return True
	ids = [row.id for group in merged.values() for row in group]
	deleted = 0
	for start in range(0, len(ids), 5000):
		chunk = ids[start : start + 5000]
		frappe.db.sql(f"delete from `{table}` where `id` in ({', '.join(['%s'] * len(chunk))})", chunk)
		deleted += frappe.db._cursor.rowcount
	if deleted != len(ids):
		return False
	sums = [((table, key), sum(row.cases for row in group)) for key, group in merged.items()]
	add([(key, total) for key, total in sums if total])
	return True


# ---------------------------------------------------------------- read


def count_in(centers) -> int:
	"""Cases whose current centre is one of these ('' for none)."""
	centers = list(centers)
	if not centers:
		return 0
	total = frappe.db.sql(
		f"select sum(`cases`) from `{TABLE}` where `center` in ({', '.join(['%s'] * len(centers))})",
		centers,
	)[0][0]
	return int(total or 0)


def count_all() -> int:
	return int(frappe.db.sql(f"select sum(`cases`) from `{TABLE}`")[0][0] or 0)


def centre_scope(user: str) -> frappe._dict | None:
	"""Which cases Frappe lets the user read, when that is exactly a set of centres (and the cases shared
	with the user): centers (None: every case), shared, condition (Frappe's SQL for the centres). None when
	Frappe's conditions for the user have any other shape (department handlers, a user without a centre,
	another app's conditions, strict User Permissions, …)."""
	sql = frappe.desk.reportview.execute(CASE, fields=[f"count(`tab{CASE}`.name) as total_count"], run=0)
	where = " ".join(sql.split()).partition(f" from `tab{CASE}`")[2].strip()
	if where == "":
		return frappe._dict(centers=None, shared=[], condition=None)
	centers = user_permission_centers(user)
	if not centers:
		return None
	values = ", ".join(frappe.db.escape(c, percent=False) for c in centers)
	condition = f"ifnull(`tab{CASE}`.`current_center`, '')='' or `tab{CASE}`.`current_center` in ({values})"
	shared = frappe.share.get_shared(CASE, user)
	# DatabaseQuery.build_match_conditions' shapes: the centre condition, or it or one of the shared cases
	expected = f"where (((({condition}))))"
	if shared:
		names = ", ".join(frappe.db.escape(s, percent=False) for s in shared)
		expected = f"where (((((({condition})))) or (`tab{CASE}`.name in ({names}))))"
	if " ".join(expected.split()) != where:
		return None
	return frappe._dict(centers=["", *dict.fromkeys(centers)], shared=shared, condition=condition)


def shared_outside(scope) -> list[str]:
	"""The cases shared with the user that their centres do not already give them."""
	if not scope.shared or scope.centers is None:
		return []
	names = ", ".join(frappe.db.escape(s, percent=False) for s in scope.shared)
	return frappe.db.sql_list(
		f"select `name` from `tab{CASE}` where `name` in ({names}) and not ({scope.condition})"
	)


def user_permission_centers(user: str) -> list[str]:
	"""The centres of the user's User Permissions that apply to the case list, in Frappe's order
	(DatabaseQuery.add_user_permissions)."""
	entries = frappe.permissions.get_user_permissions(user).get("ZZ Center") or []
	return [e.get("doc") for e in entries if not e.get("applicable_for") or e.get("applicable_for") == CASE]
