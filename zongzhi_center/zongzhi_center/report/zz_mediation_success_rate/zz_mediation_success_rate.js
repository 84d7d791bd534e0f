// 调解成功率 by centre, category or mediator
frappe.query_reports["ZZ Mediation Success Rate"] = {
	filters: zongzhi_center.report_filters({
		group_by: ["Centre", "Category", "Mediator", "All"],
		extra: [
			{
				fieldname: "category",
				label: __("Category"),
				fieldtype: "Link",
				options: "ZZ Case Category",
			},
			{
				fieldname: "mediator",
				label: __("Mediator"),
				fieldtype: "Link",
				options: "ZZ Stationed Staff",
			},
		],
	}),
};
