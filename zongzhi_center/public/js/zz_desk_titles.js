// What a person sees of a record is its number or title, never the random name it is stored under.
// The app's DocTypes named by a hash show their title field in links (tests/test_no_hash_ids.py), and load
// this script with their forms and lists (hooks.py: doctype_js, doctype_list_js); two places
// of Frappe's desk still print the stored name, and are adjusted here (the Frappe code they rely on is
// checked by tests/test_no_hash_ids.py, so that a Frappe update that changes it fails loudly):
// - the list view's "ID" column beside the title;
// - the form's breadcrumb, which ends in the stored name;
// - the print view's title (the stored name) and its print format picker (the formats' names untranslated);
// - the browser tab's title ("title - stored name");
// - the form timeline's "changed the value of … from … to …", which prints a Link's stored value;
// and one more thing every date-time field prints: the user's time zone, for a user in the system's zone.
(() => {
	// loaded with each of the app's forms and lists: once is enough
	if (window.__zz_desk_titles) return;
	window.__zz_desk_titles = true;
	const APP_MODULE = "Zongzhi Center";
	const MADE_UP_NAMES = ["", "hash", "autoincrement", "uuid"];

	const has_made_up_names = (meta) =>
		meta &&
		meta.module === APP_MODULE &&
		MADE_UP_NAMES.includes(String(meta.autoname || "").trim().toLowerCase());

	// ------------------------------------------------------------------ date-time fields: no time zone note
	// Frappe prints the user's time zone ("Asia/Shanghai") under every date-time field. A centre's staff work
	// in the system's zone, where it says nothing: only a user whose zone differs from the system's sees it.
	const ControlDatetime = frappe.ui.form.ControlDatetime;
	if (ControlDatetime && !ControlDatetime.prototype.__zz_titles) {
		const set_description = ControlDatetime.prototype.set_description;
		ControlDatetime.prototype.set_description = function () {
			const zones = frappe.boot.time_zone || {};
			if (!zones.user || zones.user === zones.system) this.df.hide_timezone = 1;
			return set_description.apply(this, arguments);
		};
		ControlDatetime.prototype.__zz_titles = true;
	}

	// ------------------------------------------------------------------ list view: no ID column
	const ListView = frappe.views && frappe.views.ListView;
	if (ListView && !ListView.prototype.__zz_titles) {
		const setup_columns = ListView.prototype.setup_columns;
		ListView.prototype.setup_columns = function () {
			if (has_made_up_names(this.meta) && this.meta.title_field) {
				this.settings = this.settings || {};
				this.settings.hide_name_column = true;
			}
			return setup_columns.apply(this, arguments);
		};
		ListView.prototype.__zz_titles = true;
	}

	// ------------------------------------------------------------------ breadcrumbs: the record's number
	const breadcrumbs = frappe.breadcrumbs;
	if (breadcrumbs && breadcrumbs.set_form_breadcrumb && !breadcrumbs.__zz_titles) {
		const set_form_breadcrumb = breadcrumbs.set_form_breadcrumb;
		breadcrumbs.set_form_breadcrumb = function (crumbs, view) {
			const out = set_form_breadcrumb.apply(this, arguments);
			const meta = crumbs && crumbs.doctype && frappe.get_meta(crumbs.doctype);
			const name = frappe.get_route().slice(2).join("/");
			const doc = meta && locals[crumbs.doctype] && locals[crumbs.doctype][name];
			if (doc && has_made_up_names(meta)) {
				// a case is quoted by its number; other records by their title
				const label = label_of(meta, doc);
				if (label) this.$breadcrumbs.find("li").last().find("a").text(label);
			}
			return out;
		};
		breadcrumbs.__zz_titles = true;
	}

	// a record's label where Frappe prints its stored name: a case's number, else the record's title
	const label_of = (meta, doc) =>
		doc && (doc.case_number || (meta.title_field && doc[meta.title_field]));

	// ------------------------------------------------------------------ print view: title and format names
	// The print page's class is defined when the page is first opened: it is adjusted as it is defined.
	const adjust_print_view = (PrintView) => {
		if (!PrintView || PrintView.prototype.__zz_titles) return;
		const set_title = PrintView.prototype.set_title;
		PrintView.prototype.set_title = function () {
			const out = set_title.apply(this, arguments);
			const frm = this.frm;
			const label = frm && has_made_up_names(frm.meta) && label_of(frm.meta, frm.doc);
			if (label) this.page.set_title(label);
			return out;
		};
		const show = PrintView.prototype.show;
		PrintView.prototype.show = function () {
			show_format_names(this.print_format_selector);
			return show.apply(this, arguments);
		};
		PrintView.prototype.__zz_titles = true;
	};
	// the format picker shows a format's name in the user's language (translations/zh.csv) and still answers
	// the stored name to the print view, which reads and sets it with jQuery's val()
	const show_format_names = ($input) => {
		if (!$input || $input.__zz_titles) return;
		const names = {};
		const val = $input.val;
		$input.val = function (value) {
			if (arguments.length) {
				const label = value ? __(value) : value;
				if (label !== value) names[label] = value;
				return val.call(this, label);
			}
			const shown = val.call(this);
			return names[shown] || shown;
		};
		$input.__zz_titles = true;
	};
	// a class of the desk adjusted now, or as it is defined when its bundle loads later (zz_form_drawing.js,
	// in every desk page before this script)
	const when_defined = zongzhi_center.when_defined;
	frappe.provide("frappe.ui.form");
	when_defined(frappe.ui.form, "PrintView", adjust_print_view);

	// ------------------------------------------------------------------ the browser tab's title
	// Frappe names the tab "title - stored name": a new record's tab by its title alone, a record's by its
	// title and number
	when_defined(frappe.ui.form, "Toolbar", (Toolbar) => {
		if (!Toolbar || Toolbar.prototype.__zz_titles) return;
		const set_title = Toolbar.prototype.set_title;
		Toolbar.prototype.set_title = function () {
			const out = set_title.apply(this, arguments);
			const frm = this.frm;
			if (frm && has_made_up_names(frm.meta)) {
				const title = this.page.title || __(frm.meta.name);
				const number = !frm.is_new() && frm.doc.case_number;
				frappe.utils.set_title(number && number !== title ? `${title} - ${number}` : title);
			}
			return out;
		};
		Toolbar.prototype.__zz_titles = true;
	});

	// ------------------------------------------------------------------ form timeline: titles of links
	const shows_titles = (doctype) =>
		doctype && (frappe.boot.link_title_doctypes || []).includes(doctype);

	// the linked DocType of a Link (or Dynamic Link) field of the document or of a row
	const link_doctype = (df, doc) => {
		if (!df) return null;
		if (df.fieldtype === "Link") return df.options;
		if (df.fieldtype === "Dynamic Link" && doc) return doc[df.options];
		return null;
	};

	const pending = new Set();

	// the title of a linked record when the user may read it; the stored value (never a guess) otherwise
	const titled = (doctype, value, frm) => {
		if (value === null || value === undefined || value === "") return __("empty");
		if (!shows_titles(doctype)) return value;
		const title = frappe.utils.get_link_title(doctype, value);
		if (title) return title;
		const key = `${doctype}::${value}`;
		if (!pending.has(key)) {
			pending.add(key);
			frappe.utils
				.fetch_link_title(doctype, value)
				.then((fetched) => {
					if (fetched && frm.timeline && frm.docname) frm.timeline.refresh();
				})
				.catch(() => {});
		}
		return value;
	};

	// a change as the user reads it: a link as its record's title, an option in the user's language (options
	// are stored in English), nothing as "empty"
	const show_change = (change, df, doc, frm) => {
		const doctype = link_doctype(df, doc);
		if (doctype) {
			change[1] = titled(doctype, change[1], frm);
			change[2] = titled(doctype, change[2], frm);
		} else if (df && df.fieldtype === "Select") {
			change[1] = change[1] ? __(change[1]) : __("empty");
			change[2] = change[2] ? __(change[2]) : __("empty");
		} else {
			if (change[1] === null) change[1] = __("empty");
			if (change[2] === null) change[2] = __("empty");
		}
	};

	const with_titles = (version, frm) => {
		let data;
		try {
			data = JSON.parse(version.data);
		} catch (e) {
			return version;
		}
		if (!data || data.comment) return version;
		(data.changed || []).forEach((change) => {
			show_change(change, frappe.meta.get_docfield(frm.doctype, change[0], frm.docname), frm.doc, frm);
		});
		(data.row_changed || []).forEach((row) => {
			const grid = frm.fields_dict[row[0]] && frm.fields_dict[row[0]].grid;
			if (!grid) return;
			const stored = (frm.doc[row[0]] || []).find((r) => r.name === row[2]);
			(row[3] || []).forEach((change) => {
				show_change(change, frappe.meta.get_docfield(grid.doctype, change[0], frm.docname), stored, frm);
			});
		});
		return Object.assign({}, version, { data: JSON.stringify(data) });
	};

	const patch_timeline = (timeline, redraw) => {
		const proto = timeline && Object.getPrototypeOf(timeline);
		if (!proto || proto.__zz_titles || !proto.get_version_timeline_contents) return;
		const get_version_timeline_contents = proto.get_version_timeline_contents;
		proto.get_version_timeline_contents = function () {
			const frm = this.frm;
			const versions = this.doc_info && this.doc_info.versions;
			if (!frm || !versions || !versions.length || frm.meta.module !== APP_MODULE) {
				return get_version_timeline_contents.apply(this, arguments);
			}
			const stored = this.doc_info.versions;
			this.doc_info.versions = versions.map((version) => with_titles(version, frm));
			// a row's changed field is labelled untranslated by Frappe (meta.get_label): translated here
			const get_label = frappe.meta.get_label;
			frappe.meta.get_label = function () {
				return __(get_label.apply(this, arguments));
			};
			try {
				return get_version_timeline_contents.apply(this, arguments);
			} finally {
				this.doc_info.versions = stored;
				frappe.meta.get_label = get_label;
			}
		};
		proto.__zz_titles = true;
		if (redraw && timeline.refresh) timeline.refresh();
	};

	// the timeline is drawn once, with its titles, as the form shows its record. Frappe draws it as the form is
	// built and again as the record is shown; adjusting its class after the first drawing drew it a third time.
	// While it is built it is given only what decides its "show all activity" switch (the record's comments and
	// messages), and its class is adjusted before it is shown (tests/test_no_hash_ids.py checks the Frappe code
	// this relies on)
	when_defined(frappe.ui.form, "Footer", (Footer) => {
		if (!Footer || Footer.prototype.__zz_titles) return;
		const make_timeline = Footer.prototype.make_timeline;
		Footer.prototype.make_timeline = function () {
			const frm = this.frm;
			if (!frm || !frm.meta || frm.meta.module !== APP_MODULE) {
				return make_timeline.apply(this, arguments);
			}
			const own = Object.prototype.hasOwnProperty.call(frm, "get_docinfo");
			const get_docinfo = frm.get_docinfo;
			frm.get_docinfo = function () {
				const info = get_docinfo.apply(this, arguments) || {};
				return { communications: info.communications, comments: info.comments };
			};
			try {
				return make_timeline.apply(this, arguments);
			} finally {
				if (own) frm.get_docinfo = get_docinfo;
				else delete frm.get_docinfo;
				patch_timeline(frm.timeline, false);
			}
		};
		Footer.prototype.__zz_titles = true;
	});

	// a form built before this script was loaded: its timeline is adjusted and drawn again
	$(document).on("form-refresh", (e, frm) => {
		if (frm && frm.meta && frm.meta.module === APP_MODULE) patch_timeline(frm.timeline, true);
	});
})();
