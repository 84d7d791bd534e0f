// What a record's form draws after its first screen. A case carries its parties, its handling, deadlines,
// routing log and state history on the tabs behind the first, and its activity (each change, each workflow
// step) below its fields; Frappe draws all of it before it shows the form, which made a case open markedly
// slower than a short record. Only the drawing waits, never the data: the rows and the activity are in the
// record from the start, and what is drawn later is drawn by Frappe's own code
// (tests/test_form_drawing.py opens such forms in the desk and checks the Frappe code this relies on).
(() => {
	const APP_MODULE = "Zongzhi Center";
	// (a page where zongzhi_center.draw_as_frappe is set draws every form as Frappe does: the tests compare)
	const app_form = (frm) =>
		!(window.zongzhi_center && zongzhi_center.draw_as_frappe) &&
		frm &&
		frm.meta &&
		frm.meta.module === APP_MODULE &&
		frm.doc;

	// ------------------------------------------------------------------ the fields on the tabs behind the first
	// the form opens on its first tab; a field on another tab is shown or hidden as Frappe decides at once
	// (which sections and tabs show depends on it), and its value (a table's rows) is drawn when its tab is
	// first shown; from then on it is refreshed as Frappe refreshes it

	const waits = (control) => {
		const frm = control.frm;
		return (
			app_form(frm) &&
			!frm.is_new() && // a new record is filled in on its tabs one after another: drawn as Frappe does
			control.tab &&
			!control.tab.is_active() &&
			!control.zz_drawn
		);
	};

	// ------------------------------------------------------------------ the fields on those tabs, made when needed
	// a plain field (a value typed or chosen) on a tab behind the first is not even made as the form opens:
	// it holds its place in its column with an empty control element (which Frappe's layout counts when it
	// decides which sections and tabs show), and is made in that place when its tab is first shown or when
	// any script first asks for its elements. Making a case's hundred fields was the larger part of building
	// its form. Tables and fields of other kinds are made as Frappe makes them.
	const MADE_LATER = new Set([
		"Data",
		"Link",
		"Dynamic Link",
		"Select",
		"Date",
		"Datetime",
		"Check",
		"Small Text",
		"Text",
		"Long Text",
		"Int",
		"Float",
		"Currency",
		"Percent",
		"Read Only",
	]);
	// what Frappe's make() of these controls sets (tests/test_form_drawing.py checks the Frappe code)
	const MADE = [
		"$wrapper",
		"wrapper",
		"tooltip",
		"label_area",
		"label_span",
		"input_area",
		"$input_wrapper",
		"disp_area",
	];

	const make_later = (layout, df, render) =>
		!render &&
		app_form(layout.frm) &&
		!layout.frm.is_new() &&
		layout.current_tab &&
		!layout.current_tab.is_active() &&
		MADE_LATER.has(df.fieldtype) &&
		frappe.ui.form["Control" + df.fieldtype.replace(/ /g, "")];

	// the control as Frappe's constructor makes it, all but its elements
	const unmade_control = (Class, opts) => {
		const control = Object.create(Class.prototype);
		$.extend(control, opts);
		const place = document.createElement("div");
		place.className = "frappe-control";
		place.dataset.fieldtype = opts.df.fieldtype;
		place.dataset.fieldname = opts.df.fieldname;
		opts.parent.appendChild(place);
		control.zz_place = place;
		for (const key of MADE) {
			Object.defineProperty(control, key, {
				configurable: true,
				enumerable: false,
				get() {
					return made(this)[key];
				},
				set(value) {
					made(this)[key] = value;
				},
			});
		}
		return control;
	};

	const made = (control) => {
		const place = control.zz_place;
		if (!place) return control;
		delete control.zz_place;
		for (const key of MADE) delete control[key];
		control.make();
		place.replaceWith(control.wrapper);
		control.$wrapper.toggleClass("hide-control", place.classList.contains("hide-control"));
		return control;
	};

	// the fields of the tab that were left unmade or undrawn, made and drawn as it is about to be shown
	const draw_when_shown = (tab) => {
		if (tab.zz_draws_fields) return;
		tab.zz_draws_fields = true;
		// (the tab is not active yet as it is about to be shown)
		tab.tab_link.find(".nav-link").on("show.bs.tab", () => {
			const waiting = tab.zz_waiting || [];
			tab.zz_waiting = [];
			for (const control of tab.layout.fields_list) {
				if (control.tab === tab && control.zz_place) made(control);
			}
			for (const control of waiting) {
				if (control.zz_drawn || !(control.frm && control.frm.doc)) continue;
				control.zz_drawn = true;
				control.refresh();
			}
		});
	};

	const adjust_controls = (Control) => {
		if (!Control || Control.prototype.__zz_drawing) return;
		const refresh = Control.prototype.refresh;
		Control.prototype.refresh = function () {
			// a kind of field with a refresh of its own (colour, phone…) is drawn as Frappe does
			if (this.refresh !== Control.prototype.refresh || !waits(this)) {
				this.zz_drawn = true;
				return refresh.apply(this, arguments);
			}
			// Frappe's refresh up to drawing the value (tests/test_form_drawing.py checks it)
			this.disp_status = this.get_status();
			const element = this.zz_place ? $(this.zz_place) : this.$wrapper;
			element && element.toggleClass("hide-control", this.disp_status == "None");
			const tab = this.tab;
			tab.zz_waiting = tab.zz_waiting || [];
			if (!tab.zz_waiting.includes(this)) tab.zz_waiting.push(this);
			draw_when_shown(tab);
		};
		Control.prototype.__zz_drawing = true;
	};

	// the first tab is made shown, as a form opens on it: Frappe makes every tab hidden and then shows the
	// first through Bootstrap, which lays the whole form out at once, before the form is complete, and the
	// browser lays it out again as it paints (a form shown again opens on the tab it was left on, as before)
	const adjust_layout = (Layout) => {
		if (!Layout || Layout.prototype.__zz_drawing) return;
		const make_tab = Layout.prototype.make_tab;
		Layout.prototype.make_tab = function (df) {
			const first = app_form(this.frm) && !this.tabs.length && df && !df.active;
			if (first) df.active = 1;
			try {
				return make_tab.apply(this, arguments);
			} finally {
				if (first) delete df.active;
			}
		};
		// the form's fields are laid out apart from the page and put in their place when complete: a section
		// that folds shows its fold mark as it is made, and the browser would lay out the page so far to do
		// so, once for each such section (the tabs' events are bound before, on the form in the page)
		const render = Layout.prototype.render;
		Layout.prototype.render = function () {
			const element = this.wrapper && this.wrapper.get(0);
			const container = element && app_form(this.frm) && element.parentNode;
			if (!container) return render.apply(this, arguments);
			const next = element.nextSibling;
			container.removeChild(element);
			try {
				return render.apply(this, arguments);
			} finally {
				container.insertBefore(element, next);
			}
		};
		const init_field = Layout.prototype.init_field;
		Layout.prototype.init_field = function (df, parent, render = false) {
			const Class = make_later(this, df, render);
			if (!Class) return init_field.apply(this, arguments);
			// the options Frappe's init_field gives a control
			const control = unmade_control(Class, {
				df: df,
				doctype: this.doctype,
				parent: parent,
				frm: this.frm,
				render_input: render,
				doc: this.doc,
				layout: this,
			});
			control.layout = this;
			return control;
		};
		Layout.prototype.__zz_drawing = true;
	};

	// ------------------------------------------------------------------ the activity below the fields
	// drawn just after the form is shown (in the browser's next task), not before it
	const adjust_footer = (Footer) => {
		if (!Footer || Footer.prototype.__zz_drawing) return;
		const refresh = Footer.prototype.refresh;
		Footer.prototype.refresh = function () {
			if (!app_form(this.frm) || this.frm.is_new()) return refresh.apply(this, arguments);
			clearTimeout(this.zz_drawing);
			this.zz_drawing = setTimeout(() => {
				if (this.frm.doc) refresh.apply(this);
			}, 0);
		};
		// the comment box below the activity (a rich text editor, the costliest control of the form) is made
		// in the browser's next task too: the form's fields are shown first
		const make_comment_box = Footer.prototype.make_comment_box;
		Footer.prototype.make_comment_box = function () {
			if (!app_form(this.frm) || this.frm.is_new()) return make_comment_box.apply(this, arguments);
			setTimeout(() => {
				if (!this.frm.comment_box) make_comment_box.apply(this);
			}, 0);
		};
		Footer.prototype.__zz_drawing = true;
	};

	// a class of the desk adjusted now, or as it is defined when its bundle loads later (after any other
	// script's adjustment of it: zz_desk_titles.js, loaded with the app's forms, uses this too)
	frappe.provide("zongzhi_center");
	zongzhi_center.when_defined = (namespace, key, adjust) => {
		const before = Object.getOwnPropertyDescriptor(namespace, key);
		let value = namespace[key];
		adjust(value);
		Object.defineProperty(namespace, key, {
			configurable: true,
			get: () => (before && before.get ? before.get() : value),
			set: (defined) => {
				if (before && before.set) before.set(defined);
				adjust(defined);
				value = defined;
			},
		});
	};
	frappe.provide("frappe.ui.form");
	zongzhi_center.when_defined(frappe.ui.form, "Control", adjust_controls);
	zongzhi_center.when_defined(frappe.ui.form, "Footer", adjust_footer);
	zongzhi_center.when_defined(frappe.ui.form, "Layout", adjust_layout);
})();
