// 分级超期: each overdue grade in its colour in the case list (services/overdue.py GRADE_COLOURS)
const ZZ_GRADE_COLOURS = {
	"Due Soon": "yellow",
	"Overdue": "orange",
	"Moderately Overdue": "red",
	"Seriously Overdue": "purple",
};

const ZZ_RISK_COLOURS = { Green: "green", Yellow: "yellow", Orange: "orange", Red: "red" };

frappe.listview_settings["ZZ Case"] = {
	add_fields: ["overdue_grade", "on_director_list", "risk_color"],
	// without a workflow the status column shows the grade; with one, the grade column does
	get_indicator(doc) {
		const colour = ZZ_GRADE_COLOURS[doc.overdue_grade];
		if (colour) {
			return [__(doc.overdue_grade), colour, `overdue_grade,=,${doc.overdue_grade}`];
		}
	},
	formatters: {
		// 风险等级 in its colour: a red case stands out in the list as on the form
		risk_color(value) {
			const colour = ZZ_RISK_COLOURS[value];
			if (!colour) return value ? __(value) : "";
			return `<span class="indicator-pill ${colour} filterable" data-filter="risk_color,=,${value}">
				<span>${__(value)}</span></span>`;
		},
		overdue_grade(value) {
			const colour = ZZ_GRADE_COLOURS[value];
			if (!colour) {
				return "";
			}
			return `<span class="indicator-pill ${colour} filterable" data-filter="overdue_grade,=,${value}">
				<span>${__(value)}</span></span>`;
		},
	},
};
