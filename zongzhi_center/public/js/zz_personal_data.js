// 脱敏 and 查看留痕: people's ID numbers, phones and addresses are shown masked on every form that keeps them (a field
// "x" with a companion "x_enc"); whoever may see them clicks Reveal, and the server logs each person shown.
(() => {
	// loaded with each of these forms: register the handlers once
	if (window.zz_personal_data) return;
	window.zz_personal_data = true;

	const vault_fields = (doctype) => {
		const fields = frappe.get_meta(doctype)?.fields || [];
		const names = new Set(fields.map((df) => df.fieldname));
		return fields.filter((df) => !df.fieldname.endsWith("_enc") && names.has(`${df.fieldname}_enc`));
	};

	// only where the user may read the fields at their permission level (the server checks it again)
	const readable = (frm, doctype) =>
		vault_fields(doctype).filter((df) => frm.perm[df.permlevel || 0]?.read);

	const has_personal_data = (frm) => {
		if (readable(frm, frm.doctype).some((df) => frm.doc[df.fieldname])) return true;
		return frm.meta.fields
			.filter((df) => df.fieldtype === "Table" && readable(frm, df.options).length)
			.some((df) => (frm.doc[df.fieldname] || []).length);
	};

	const show = (frm, people) => {
		const labels = {};
		[frm.doctype, ...frm.meta.fields.filter((df) => df.fieldtype === "Table").map((df) => df.options)]
			.flatMap(vault_fields)
			.forEach((df) => (labels[df.fieldname] = __(df.label)));
		const columns = Object.keys(labels).filter((f) => people.some((p) => p[f]));
		const rows = people
			.map(
				(p) =>
					`<tr><td>${frappe.utils.escape_html(p.person || "")}</td>${columns
						.map((f) => `<td>${frappe.utils.escape_html(p[f] || "")}</td>`)
						.join("")}</tr>`
			)
			.join("");
		const dialog = new frappe.ui.Dialog({
			title: __("Personal Data"),
			fields: [{ fieldtype: "HTML", fieldname: "people" }],
		});
		dialog.fields_dict.people.$wrapper.html(
			`<p class="text-muted">${__("This viewing has been recorded (who, when, which person).")}</p>
			<table class="table table-bordered"><thead><tr><th>${__("Name")}</th>${columns
				.map((f) => `<th>${frappe.utils.escape_html(labels[f])}</th>`)
				.join("")}</tr></thead><tbody>${rows}</tbody></table>`
		);
		dialog.show();
	};

	const setup = (frm) => {
		if (frm.is_new() || !has_personal_data(frm)) return;
		frm.add_custom_button(__("Reveal Personal Data"), () =>
			frappe
				.call({
					method: "zongzhi_center.api.personal_data.reveal",
					args: { doctype: frm.doctype, name: frm.doc.name },
				})
				.then((r) => show(frm, r.message || []))
		);
	};

	frappe.ui.form.on("ZZ Case", { refresh: setup });
	frappe.ui.form.on("ZZ Mediation Agreement", { refresh: setup });
	frappe.ui.form.on("ZZ Stationed Staff", { refresh: setup });
})();
