// 社会治理资源库: search the published library in Chinese from its list
frappe.listview_settings["ZZ Library Item"] = {
	onload(listview) {
		listview.page.add_inner_button(__("Search Library"), () => {
			frappe.prompt(
				[
					{ fieldname: "text", fieldtype: "Data", label: __("Search Words"), reqd: 1 },
					{
						fieldname: "kind",
						fieldtype: "Select",
						label: __("Library Kind"),
						options: ["", "Typical Case", "Policy", "Law", "Regulation"].map((value) => ({
							value,
							label: __(value),
						})),
					},
				],
				({ text, kind }) =>
					frappe
						.xcall("zongzhi_center.api.library.search", { text, kind: kind || null })
						.then((items) => show_results(items)),
				__("Search Library")
			);
		});
	},
};

function show_results(items) {
	const body = items.length
		? items
				.map(
					(item) => `<div class="mb-3">
						<a href="/app/zz-library-item/${encodeURIComponent(item.name)}"><b>${frappe.utils.escape_html(item.title)}</b></a>
						<span class="text-muted small">${__(item.kind)}</span>
						<div class="text-muted small">${frappe.utils.escape_html(item.snippet || "")}</div>
					</div>`
				)
				.join("")
		: `<p class="text-muted">${__("Nothing found.")}</p>`;
	const dialog = new frappe.ui.Dialog({ title: __("Search Library"), size: "large" });
	dialog.$body.html(body);
	dialog.show();
}
