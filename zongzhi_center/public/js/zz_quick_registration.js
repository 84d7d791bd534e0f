// 窗口快速登记: a window clerk registers a case in one dialog — facts, category and every party in one place —
// and accepts it (受理) from the result, instead of a long form, a grid and the workflow menu. The server
// checks everything again and reports every problem at once (services/registration.py).
frappe.provide("zongzhi_center.registration");

// GB 11643: the birth date (digits 7–14) and the sex (17th digit, odd for men) read from a resident ID
// number, so the clerk sees at once whether the number fits the person in front of the window
zongzhi_center.registration.read_id_number = function (value) {
	const number = (value || "").replace(/\s+/g, "").toUpperCase();
	if (!/^\d{17}[\dX]$/.test(number)) return null;
	const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	const sum = weights.reduce((acc, w, i) => acc + w * Number(number[i]), 0);
	if ("10X98765432"[sum % 11] !== number[17]) return null;
	const [y, m, d] = [number.slice(6, 10), number.slice(10, 12), number.slice(12, 14)];
	const born = new Date(`${y}-${m}-${d}T00:00:00`);
	if (isNaN(born) || born.getDate() !== Number(d) || born > new Date()) return null;
	return { birth_date: `${y}-${m}-${d}`, male: Number(number[16]) % 2 === 1 };
};

zongzhi_center.registration.describe_id_number = function (value) {
	if (!value) return "";
	const read = zongzhi_center.registration.read_id_number(value);
	if (!read) return __("Not a valid resident ID number");
	return `${frappe.datetime.str_to_user(read.birth_date)} · ${
		read.male ? __("Male") : __("Female")
	}`;
};

zongzhi_center.registration.open = function (values) {
	values = values || {};
	return frappe.model.with_doctype("ZZ Case", () =>
		frappe
			.xcall("zongzhi_center.api.registration.defaults")
			.then((start) => zongzhi_center.registration.make_dialog(start, values))
	);
};

zongzhi_center.registration.make_dialog = function (start, values) {
	const label = (doctype, fieldname) => __(frappe.meta.get_docfield(doctype, fieldname).label);
	const options = (doctype, fieldname) => frappe.meta.get_docfield(doctype, fieldname).options;
	const windows = start.windows || [];
	const window_of = (name) => windows.find((w) => w.name === name);
	const remembered = localStorage.getItem(`zz_window:${frappe.session.user}`);
	const window_name =
		values.receiving_window ||
		(window_of(remembered) && remembered) ||
		(windows.length === 1 ? windows[0].name : "");
	const describe = zongzhi_center.registration.describe_id_number;
	let dialog;

	// every row again: Frappe calls a grid field's onchange without the row it belongs to
	const refresh_born = () => {
		for (const grid_row of dialog.fields_dict.parties.grid.grid_rows || []) {
			const row = grid_row.doc;
			if (!row) continue;
			const born = describe(row.id_number);
			if (row.born !== born) {
				row.born = born;
				grid_row.refresh_field("born");
			}
		}
	};

	dialog = new frappe.ui.Dialog({
		title: __("Quick Registration"),
		size: "extra-large",
		fields: [
			{
				fieldtype: "Link",
				fieldname: "receiving_window",
				label: label("ZZ Case", "receiving_window"),
				options: "ZZ Service Window",
				default: window_name,
				get_query: () => ({ filters: { name: ["in", windows.map((w) => w.name)] } }),
				onchange() {
					const w = window_of(this.get_value());
					if (w) {
						localStorage.setItem(`zz_window:${frappe.session.user}`, w.name);
						if (w.default_source) dialog.set_value("source", w.default_source);
					}
				},
			},
			{ fieldtype: "Column Break" },
			{
				fieldtype: "Select",
				fieldname: "source",
				label: label("ZZ Case", "source"),
				options: [""].concat(start.sources).join("\n"),
				default: values.source || (window_of(window_name) || {}).default_source || "",
				reqd: 1,
			},
			{ fieldtype: "Column Break" },
			{
				fieldtype: "Select",
				fieldname: "matter_type",
				label: label("ZZ Case", "matter_type"),
				options: start.matter_types.join("\n"),
				default:
					values.matter_type ||
					frappe.meta.get_docfield("ZZ Case", "matter_type").default,
				reqd: 1,
			},
			{ fieldtype: "Column Break" },
			{
				fieldtype: "Link",
				fieldname: "category",
				label: label("ZZ Case", "category"),
				options: "ZZ Case Category",
				default: values.category || "",
				get_query: () => ({ filters: { is_group: 0 } }),
			},
			{ fieldtype: "Section Break" },
			{
				fieldtype: "Small Text",
				fieldname: "facts",
				label: label("ZZ Case", "facts"),
				reqd: 1,
			},
			{
				fieldtype: "Data",
				fieldname: "title",
				label: label("ZZ Case", "title"),
				description: __("Left empty, the title is the beginning of the facts."),
			},
			{ fieldtype: "Section Break" },
			{
				fieldtype: "Table",
				fieldname: "parties",
				label: label("ZZ Case", "parties"),
				in_place_edit: true,
				reqd: 1,
				data: [
					{ party_role: "Applicant", party_type: "Person" },
					{ party_role: "Respondent", party_type: "Person" },
				],
				fields: [
					{
						fieldtype: "Select",
						fieldname: "party_role",
						label: label("ZZ Case Party", "party_role"),
						options: options("ZZ Case Party", "party_role"),
						in_list_view: 1,
						columns: 1,
						reqd: 1,
					},
					{
						fieldtype: "Data",
						fieldname: "party_name",
						label: label("ZZ Case Party", "party_name"),
						in_list_view: 1,
						columns: 2,
						reqd: 1,
					},
					{
						fieldtype: "Data",
						fieldname: "id_number",
						label: label("ZZ Case Party", "id_number"),
						in_list_view: 1,
						columns: 3,
						onchange() {
							refresh_born();
						},
					},
					{
						fieldtype: "Data",
						fieldname: "phone",
						label: label("ZZ Case Party", "phone"),
						in_list_view: 1,
						columns: 2,
					},
					{
						fieldtype: "Data",
						fieldname: "born",
						label: __("Birth Date · Sex"),
						in_list_view: 1,
						columns: 2,
						read_only: 1,
					},
					{
						fieldtype: "Select",
						fieldname: "party_type",
						label: label("ZZ Case Party", "party_type"),
						options: options("ZZ Case Party", "party_type"),
						default: "Person",
					},
					{
						fieldtype: "Small Text",
						fieldname: "address",
						label: label("ZZ Case Party", "address"),
					},
				],
			},
		],
		primary_action_label: __("Register a Case"),
		primary_action(form) {
			const case_values = {
				facts: form.facts,
				title: form.title || undefined,
				category: form.category || undefined,
				matter_type: form.matter_type,
				source: form.source,
				receiving_window: form.receiving_window || undefined,
				parties: (form.parties || [])
					// a row the clerk left entirely empty is not a party
					.filter((row) => row.party_name || row.id_number || row.phone)
					.map((row) => {
						const party = {};
						for (const f of [
							"party_role",
							"party_type",
							"party_name",
							"id_number",
							"phone",
							"address",
						]) {
							if (row[f]) party[f] = row[f];
						}
						return party;
					}),
			};
			dialog.disable_primary_action();
			frappe
				.xcall("zongzhi_center.api.registration.register", { case: case_values })
				.then((result) => {
					dialog.hide();
					zongzhi_center.registration.show_result(result);
				})
				.finally(() => dialog.enable_primary_action());
		},
		secondary_action_label: __("Full Form"),
		// what the dialog does not hold (incident, amount, addresses…) on the full form, with what was typed
		secondary_action() {
			const form = dialog.get_values(true) || {};
			dialog.hide();
			const doc = frappe.model.get_new_doc("ZZ Case");
			for (const f of [
				"receiving_window",
				"source",
				"matter_type",
				"category",
				"facts",
				"title",
			]) {
				if (form[f]) doc[f] = form[f];
			}
			const rows = (form.parties || []).filter(
				(r) => r.party_name || r.id_number || r.phone
			);
			if (rows.length) {
				doc.parties = [];
				for (const r of rows) {
					const child = frappe.model.add_child(doc, "ZZ Case Party", "parties");
					for (const f of [
						"party_role",
						"party_type",
						"party_name",
						"id_number",
						"phone",
						"address",
					]) {
						if (r[f]) child[f] = r[f];
					}
				}
			}
			frappe.set_route("Form", "ZZ Case", doc.name);
		},
	});
	dialog.show();
	zongzhi_center.registration.dialog = dialog;
	return dialog;
};

// the result: the case number at once, and 受理 in the same place when the clerk may accept it
zongzhi_center.registration.show_result = function (result) {
	const open_case = () => frappe.set_route("Form", "ZZ Case", result.name);
	const lines = [
		`<p>${__("Case {0} is registered.", [
			`<b class="zz-case-number">${frappe.utils.escape_html(result.case_number)}</b>`,
		])}</p>`,
		`<p>${frappe.utils.escape_html(result.title || "")}</p>`,
	];
	if (result.risk_color && result.risk_color !== "Green") {
		lines.push(
			`<p><span class="indicator-pill ${result.risk_color.toLowerCase()}">${frappe.utils.escape_html(
				result.risk_label
			)}</span></p>`
		);
	}
	if (result.earlier_cases) {
		lines.push(
			`<p class="text-warning">${__(
				"{0} earlier cases may be the same person or matter: see Related Cases.",
				[result.earlier_cases]
			)}</p>`
		);
	}
	const d = new frappe.ui.Dialog({
		title: __("Case Registered"),
		fields: [{ fieldtype: "HTML", fieldname: "summary", options: lines.join("") }],
		primary_action_label: result.can_accept ? result.accept_label : __("Open Case"),
		primary_action() {
			if (!result.can_accept) {
				d.hide();
				open_case();
				return;
			}
			d.disable_primary_action();
			frappe
				.xcall("zongzhi_center.api.registration.accept", { case: result.name })
				.then((accepted) => {
					d.hide();
					frappe.show_alert({
						message: __("Case {0}: {1}", [accepted.case_number, accepted.state_label]),
						indicator: "green",
					});
					open_case();
				})
				.finally(() => d.enable_primary_action());
		},
		secondary_action_label: result.can_accept ? __("Open Case") : undefined,
		secondary_action: result.can_accept
			? () => {
					d.hide();
					open_case();
			  }
			: undefined,
	});
	d.show();
	const list = cur_list && cur_list.doctype === "ZZ Case" ? cur_list : null;
	if (list) list.refresh();
	return d;
};

// frappe.new_doc("ZZ Case") — the list's button, the search bar's "new", a link field's "create" — opens the
// quick registration; the dialog leads to the full form for what it does not hold
if (frappe.ui.form.QuickEntryForm) {
	frappe.ui.form.ZZCaseQuickEntryForm = class ZZCaseQuickEntryForm extends (
		frappe.ui.form.QuickEntryForm
	) {
		setup() {
			const values = Object.assign({}, frappe.route_options || {});
			frappe.route_options = null;
			return zongzhi_center.registration.open(values).then((dialog) => {
				this.dialog = dialog;
				return this;
			});
		}
	};
}

frappe.listview_settings["ZZ Case"] = frappe.listview_settings["ZZ Case"] || {};
(function (settings) {
	const onload = settings.onload;
	settings.onload = function (listview) {
		if (onload) onload(listview);
		// the window's main button says what the clerk does: 登记
		listview.set_primary_action = function () {
			if (this.can_create && !frappe.boot.read_only) {
				this.page.set_primary_action(
					__("Register a Case"),
					() => zongzhi_center.registration.open(),
					"add"
				);
			} else {
				this.page.clear_primary_action();
			}
		};
		listview.set_primary_action();
	};
})(frappe.listview_settings["ZZ Case"]);
