/* The dashboard's front end: plain JavaScript, no build step.
   Who the user is comes from Telegram's signed initData (window.Telegram.WebApp, set up by
   the vendored official script from the URL's #tgWebAppData), sent in a header with every
   request. The view's state (page, ids, period, sort, filter) lives in the query string, so a
   link opens the same view for a colleague with the same rights. */
(function () {
  "use strict";

  var tg = window.Telegram && window.Telegram.WebApp;
  var initData = (tg && tg.initData) || "";
  var API = new URL("api/", document.baseURI);
  var S = {};
  var locale = "en";
  var table = null; // the current view as {name, headers, rows} for the CSV export
  var view = document.getElementById("view");
  var crumbs = document.getElementById("crumbs");
  var periodBox = document.getElementById("period");

  // ------------------------------------------------------------ small helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "onclick") node.addEventListener("click", attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function t(key, values) {
    var text = S[key] || key;
    Object.keys(values || {}).forEach(function (k) {
      text = text.split("{" + k + "}").join(values[k]);
    });
    return text;
  }

  function tag() {
    return locale.replace("_", "-");
  }

  function pct(value) {
    if (value === null || value === undefined) return "—";
    return new Intl.NumberFormat(tag(), { style: "percent", maximumFractionDigits: 0 }).format(value);
  }

  function num(value) {
    return value === null || value === undefined ? "—" : new Intl.NumberFormat(tag()).format(value);
  }

  function minutes(value) {
    return t("minutes_n", { n: num(value) });
  }

  function day(iso, withWeekday) {
    var d = new Date(iso + "T00:00:00Z");
    var opts = { month: "short", day: "numeric", timeZone: "UTC" };
    if (withWeekday) opts.weekday = "short";
    return new Intl.DateTimeFormat(tag(), opts).format(d);
  }

  function moment(iso) {
    return new Intl.DateTimeFormat(tag(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  }

  function state() {
    return new URLSearchParams(location.search);
  }

  function go(changes, replace) {
    var q = replace ? state() : new URLSearchParams();
    Object.keys(changes).forEach(function (k) {
      if (changes[k] === null || changes[k] === "" || changes[k] === undefined) q.delete(k);
      else q.set(k, changes[k]);
    });
    var url = location.pathname + (q.toString() ? "?" + q.toString() : "") + location.hash;
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    if (!replace) render();
  }

  function keep(names) {
    var q = state();
    var kept = {};
    names.forEach(function (n) { if (q.get(n)) kept[n] = q.get(n); });
    return kept;
  }

  function api(path, params) {
    var url = new URL(path, API);
    Object.keys(params || {}).forEach(function (k) {
      if (params[k]) url.searchParams.set(k, params[k]);
    });
    return fetch(url, {
      headers: { "X-Telegram-Init-Data": initData },
      cache: "no-store",
      credentials: "omit"
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  function loadStrings() {
    var lang = (tg && tg.initDataUnsafe && tg.initDataUnsafe.user && tg.initDataUnsafe.user.language_code) || navigator.language;
    return api("strings", { lang: lang }).then(function (r) {
      S = r.body.strings;
      locale = r.body.locale;
    });
  }

  function fail(status, body) {
    var key = status === 401 ? "expired" : status === 403 ? "refused" : null;
    view.replaceChildren(el("p", { class: "error", id: "error", "data-status": String(status),
      text: key ? t(key) : (body && body.error) || String(status) }));
    table = null;
  }

  function setCrumbs(items) {
    var nodes = [el("a", { onclick: function () { go({}); }, text: t("title") })];
    items.forEach(function (item) {
      nodes.push(el("span", { class: "sep", text: "›" }));
      nodes.push(item.go ? el("a", { onclick: function () { go(item.go); }, text: item.text })
        : el("span", { text: item.text }));
    });
    crumbs.replaceChildren.apply(crumbs, nodes);
    document.title = items.length ? items[items.length - 1].text : t("title");
  }

  // ------------------------------------------------------------ period controls

  function shift(data, direction) {
    var q = state();
    var span = q.get("span") || "week";
    var d = new Date(data.start + "T00:00:00Z");
    if (span === "month") d.setUTCMonth(d.getUTCMonth() + direction);
    else d.setUTCDate(d.getUTCDate() + 7 * direction);
    return d.toISOString().slice(0, 10);
  }

  function periodControls(data) {
    var span = state().get("span") || "week";
    function spanButton(value) {
      return el("button", { type: "button", class: "plain", "aria-pressed": String(span === value),
        onclick: function () { go(Object.assign(keep(["v", "id", "sort", "dir", "q"]), { span: value })); },
        text: t(value) });
    }
    var previous = el("button", { type: "button", class: "plain", id: "prev", text: "◀ " + t("previous"),
      onclick: function () { go(Object.assign(keep(["v", "id", "span", "sort", "dir", "q"]), { anchor: shift(data, -1) })); } });
    var next = el("button", { type: "button", class: "plain", id: "next", text: t("next") + " ▶",
      onclick: function () { go(Object.assign(keep(["v", "id", "span", "sort", "dir", "q"]), { anchor: shift(data, 1) })); } });
    if (data.end >= data.today) next.disabled = true;
    periodBox.replaceChildren(spanButton("week"), spanButton("month"), previous,
      el("strong", { id: "range", text: day(data.start) + " – " + day(data.end) }), next);
  }

  // ------------------------------------------------------------ the first page

  function renderHome(data) {
    setCrumbs([]);
    periodBox.replaceChildren();
    var nodes = [el("h1", { text: t("title") })];
    data.districts.forEach(function (d) {
      nodes.push(el("a", { class: "tile", "data-district": d.id, onclick: function () { go({ v: "district", id: d.id }); },
        text: t("district_named", { name: d.name }) }));
    });
    data.schools.forEach(function (s) {
      var grades = s.grades ? s.grades.map(function (g) { return " · " + t("grade_n", { grade: g }); }).join("") : "";
      nodes.push(el("a", { class: "tile", "data-school": s.id, onclick: function () { go({ v: "school", id: s.id }); },
        text: t("school_named", { name: s.name }) + grades }));
    });
    if (data.complaints) {
      nodes.push(el("a", { class: "tile", id: "to-complaints", onclick: function () { go({ v: "complaints" }); }, text: t("complaints") }));
    }
    view.replaceChildren.apply(view, nodes);
    table = null;
  }

  // ------------------------------------------------------------ the district

  var COLUMNS = [
    ["name", "col_school", "text"],
    ["class_days", "col_class_days", "num"],
    ["within_share", "col_within", "pct"],
    ["coverage", "col_coverage", "pct"],
    ["unfinished_share", "col_unfinished", "pct"],
    ["confirmations", "col_confirmations", "num"],
    ["complaints_filed", "col_filed", "num"],
    ["complaints_open", "col_open", "num"],
    ["complaints_late", "col_late", "num"],
    ["complaints_in_time_share", "col_in_time", "pct"],
    ["limit_changes", "col_limit_changes", "num"]
  ];

  function shown(value, kind) {
    return kind === "pct" ? pct(value) : kind === "num" ? num(value) : value;
  }

  function sortRows(rows, key, dir) {
    var sign = dir === "desc" ? -1 : 1;
    return rows.slice().sort(function (a, b) {
      var x = a[key], y = b[key];
      if (x === null || x === undefined) return (y === null || y === undefined) ? 0 : 1;
      if (y === null || y === undefined) return -1;
      if (typeof x === "string") return sign * x.localeCompare(y, tag());
      return sign * (x - y) || a.name.localeCompare(b.name, tag());
    });
  }

  function monthLabel(iso) {
    return new Intl.DateTimeFormat(tag(), { year: "numeric", month: "short", timeZone: "UTC" }).format(new Date(iso + "T00:00:00Z"));
  }

  function trendChart(body) {
    var box = document.getElementById("trend");
    if (!box) return;
    box.setAttribute("data-span", body.span);
    box.replaceChildren.apply(box, body.buckets.map(function (b) {
      var h = b.within_share === null ? 0 : Math.round(b.within_share * 70);
      var complaints = b.complaints_in_time_share === null ? "" : t("col_in_time") + " " + pct(b.complaints_in_time_share);
      return el("figure", { title: num(b.class_days) + " " + t("col_class_days") + (complaints ? " · " + complaints : ""), "data-start": b.start }, [
        el("div", { class: "frame" }, [el("div", { class: "bar", style: "height:" + h + "px" })]),
        el("figcaption", { text: (body.span === "month" ? monthLabel(b.start) : day(b.start)) }),
        el("figcaption", { class: "share", text: pct(b.within_share) })
      ]);
    }));
  }

  var lastTrend = null; // kept while the table is re-sorted or filtered

  function loadTrend(data) {
    var q = state();
    lastTrend = null;
    api("district/" + data.district.id + "/trend", { span: q.get("span"), anchor: data.end }).then(function (r) {
      if (r.status !== 200) return;
      lastTrend = r.body;
      trendChart(r.body);
    });
  }

  function renderDistrict(data) {
    var q = state();
    var key = q.get("sort") || "within_share", dir = q.get("dir") || "asc", filter = (q.get("q") || "").toLowerCase();
    setCrumbs([{ text: data.district.name }]);
    periodControls(data);
    var rows = sortRows(data.schools.filter(function (s) { return s.name.toLowerCase().indexOf(filter) >= 0; }), key, dir);
    var search = el("input", { type: "search", id: "filter", placeholder: t("filter"), value: q.get("q") || "" });
    search.addEventListener("input", function () { go({ q: search.value }, true); redrawDistrict(data); });
    var head = el("tr", {}, COLUMNS.map(function (c) {
      return el("th", { class: "sortable", "data-key": c[0], "aria-sort": c[0] === key ? (dir === "asc" ? "ascending" : "descending") : null,
        onclick: function () { go({ sort: c[0], dir: c[0] === key && dir === "asc" ? "desc" : "asc" }, true); redrawDistrict(data); },
        text: t(c[1]) });
    }));
    var body = el("tbody", {}, rows.map(function (s) {
      return el("tr", { "data-school": s.id }, COLUMNS.map(function (c, i) {
        var low = c[0] === "within_share" && s.within_share !== null && s.within_share < 0.9;
        var cell = el("td", { class: low ? "low" : null, "data-key": c[0] }, [
          i === 0 ? el("a", { onclick: function () { go(Object.assign(keep(["span", "anchor"]), { v: "school", id: s.id })); }, text: s.name })
            : shown(s[c[0]], c[2])
        ]);
        return cell;
      }));
    }));
    var nodes = [
      el("h1", { text: data.district.name }),
      el("h2", { text: state().get("span") === "month" ? t("trend_months") : t("trend") }),
      el("div", { class: "trend", id: "trend", role: "img", "aria-label": t("trend") }),
      el("div", { class: "toolbar" }, [search, el("span", { class: "hint", id: "count", text: rows.length + " / " + data.schools.length })]),
      el("div", { class: "wrap" }, [el("table", { id: "schools" }, [el("thead", {}, [head]), body])]),
      el("p", { class: "hint", text: t("district_limit_changes", { n: data.district_limit_changes }) })
    ];
    view.replaceChildren.apply(view, nodes);
    if (lastTrend) trendChart(lastTrend);
    table = {
      name: "district-" + data.district.id + "-" + data.start + "-" + data.end,
      headers: COLUMNS.map(function (c) { return t(c[1]); }),
      rows: rows.map(function (s) { return COLUMNS.map(function (c) { return s[c[0]]; }); })
    };
    if (document.activeElement === document.body && q.get("q")) search.focus();
  }

  function showDistrict(data) {
    lastTrend = null;
    renderDistrict(data);
    loadTrend(data);
  }

  function redrawDistrict(data) {
    var focused = document.activeElement && document.activeElement.id === "filter";
    var caret = focused ? document.activeElement.selectionStart : 0;
    renderDistrict(data);
    if (focused) {
      var input = document.getElementById("filter");
      input.focus();
      input.setSelectionRange(caret, caret);
    }
  }

  // ------------------------------------------------------------ the school

  function heatCell(cls, iso, c) {
    if (!c) return el("td", { class: "cell empty", "data-class": cls.id, "data-day": iso, text: "·" });
    var med = c.median !== null ? c.median + " (" + c.n + ")" : c.few_reports ? "<3" : "";
    var title = t("estimate") + " " + c.written + (c.cap !== null ? " / " + t("limit") + " " + c.cap : "") +
      (c.median !== null ? " · " + t("median") + " " + c.median + " (" + c.n + ")" : "") +
      (c.unfinished_share !== null ? " · " + t("col_unfinished") + " " + pct(c.unfinished_share) : "");
    return el("td", {
      class: "cell " + (c.over ? "over" : "within"), "data-class": cls.id, "data-day": iso, title: title,
      onclick: function () { go({ v: "class", id: cls.id, day: iso }); }
    }, [el("span", { class: "est", text: String(c.written) }), el("span", { class: "med", text: med })]);
  }

  function calibrationTable(rows) {
    if (!rows.length) return el("p", { class: "hint", id: "calibration", text: t("calibration_none") });
    return el("table", { id: "calibration" }, [
      el("thead", {}, [el("tr", {}, [t("class"), t("subject"), t("difference"), t("days")].map(function (h) { return el("th", { text: h }); }))]),
      el("tbody", {}, rows.map(function (r) {
        var diff = r.in_line ? "≈" : (r.percent > 0 ? "+" : "") + r.percent + "%";
        return el("tr", {}, [el("td", { text: r["class"] }), el("td", { text: r.subject }),
          el("td", { class: r.percent >= 20 ? "low" : null, text: diff }), el("td", { text: num(r.evenings) })]);
      }))
    ]);
  }

  function renderSchool(data) {
    setCrumbs([{ text: data.district.name, go: { v: "district", id: data.district.id } }, { text: data.school.name }]);
    periodControls(data);
    var head = el("tr", {}, [el("th", { text: t("class") })].concat(data.days.map(function (d) {
      return el("th", { text: day(d, true) });
    })).concat([el("th", { text: t("subjects") })]));
    var rows = [], grade = null;
    data.classes.forEach(function (cls) {
      if (cls.grade !== grade) {
        grade = cls.grade;
        rows.push(el("tr", { class: "grade-row" }, [el("td", { colspan: String(data.days.length + 2), text: t("grade_n", { grade: grade }) })]));
      }
      var subjects = cls.subjects.slice(0, 3).map(function (s) { return s.name + " " + pct(s.share); }).join(" · ");
      rows.push(el("tr", { "data-class": cls.id }, [el("td", { text: cls.name })].concat(data.days.map(function (d) {
        return heatCell(cls, d, cls.days[d]);
      })).concat([el("td", { class: "hint", text: subjects })])));
    });
    view.replaceChildren(
      el("h1", { text: data.school.name }),
      el("p", { class: "hint", text: t("heat_legend") }),
      data.classes.length ? el("div", { class: "wrap" }, [el("table", { class: "heat", id: "heat" }, [el("thead", {}, [head]), el("tbody", {}, rows)])])
        : el("p", { text: t("no_data") }),
      el("h2", { text: t("calibration") }),
      calibrationTable(data.calibration)
    );
    table = {
      name: "school-" + data.school.id + "-" + data.start + "-" + data.end,
      headers: [t("grade"), t("class"), t("date"), t("estimate"), t("limit"), t("median"), t("reports"), t("col_unfinished"), t("over")],
      rows: []
    };
    data.classes.forEach(function (cls) {
      data.days.forEach(function (d) {
        var c = cls.days[d];
        if (c) table.rows.push([cls.grade, cls.name, d, c.written, c.cap, c.median, c.n, c.unfinished_share, c.over ? 1 : 0]);
      });
    });
  }

  // ------------------------------------------------------------ a class-day

  function renderClass(data) {
    setCrumbs([
      { text: data.district.name, go: { v: "district", id: data.district.id } },
      { text: data.school.name, go: { v: "school", id: data.school.id, anchor: data.day } },
      { text: data["class"].name + " · " + day(data.day, true) }
    ]);
    periodBox.replaceChildren();
    var f = data.figures;
    var figures = f ? [
      [t("estimate"), minutes(f.written), "written"],
      [t("limit"), f.cap === null ? "—" : minutes(f.cap), "cap"],
      [t("median"), f.median === null ? (f.few_reports ? t("few_reports") : "—") : t("median_n", { minutes: minutes(f.median), n: num(f.n) }), "median"],
      [t("col_unfinished"), pct(f.unfinished_share), "unfinished"],
      [t("status"), f.over ? t("over") : t("within"), "over"]
    ] : [];
    var pieces = el("table", { id: "pieces" }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: t("subject") }), el("th", { text: t("kind") }), el("th", { text: t("minutes") })])]),
      el("tbody", {}, data.pieces.map(function (p) {
        return el("tr", {}, [el("td", { text: p.subject + (p.optional ? " · " + t("optional") : "") }), el("td", { text: p.kind_label }), el("td", { text: num(p.minutes) })]);
      }))
    ]);
    view.replaceChildren(
      el("h1", { text: data.school.name + " · " + data["class"].name + " · " + day(data.day, true) }),
      f ? el("div", { class: "figures", id: "figures" }, [].concat.apply([], figures.map(function (r) {
        return [el("span", { class: "hint", text: r[0] }), el("strong", { "data-figure": r[2], text: r[1] })];
      }))) : el("p", { text: t("no_data") }),
      el("h2", { text: t("pieces") }), pieces,
      el("h2", { text: t("notes") }),
      data.notes.length ? el("ul", { class: "notes", id: "notes" }, data.notes.map(function (n) { return el("li", { text: n }); }))
        : el("p", { class: "hint", id: "notes", text: t("no_notes") })
    );
    table = {
      name: "class-" + data["class"].id + "-" + data.day,
      headers: [t("subject"), t("kind"), t("minutes")],
      rows: data.pieces.map(function (p) { return [p.subject, p.kind_label, p.minutes]; })
    };
  }

  // ------------------------------------------------------------ complaints

  function renderComplaints(data) {
    setCrumbs([{ text: t("complaints") }]);
    periodBox.replaceChildren();
    var select = el("select", { id: "status" }, [["open", "status_open"], ["closed", "status_all_closed"], ["all", "complaints"]].map(function (o) {
      var option = el("option", { value: o[0], text: t(o[1]) });
      if (o[0] === data.status) option.selected = true;
      return option;
    }));
    select.addEventListener("change", function () { go({ v: "complaints", status: select.value }); });
    var cols = [t("code"), t("school"), t("class"), t("category"), t("status"), t("level"), t("filed_at"), t("deadline"), t("history")];
    var rows = data.tickets.map(function (tk) {
      var history = el("details", {}, [el("summary", { text: String(tk.history.length) })].concat(tk.history.map(function (h) {
        return el("div", { class: "hint", text: moment(h.at) + " · " + h.who + (h.status ? " · " + h.status : "") });
      })));
      return el("tr", { "data-code": tk.code }, [
        el("td", { text: tk.code }), el("td", { text: tk.school }), el("td", { text: tk["class"] || "—" }),
        el("td", { text: tk.category }), el("td", { text: tk.status_label }), el("td", { text: tk.level }),
        el("td", { text: moment(tk.created_at) }),
        el("td", { class: tk.overdue ? "low" : null, text: moment(tk.deadline_at) + (tk.overdue ? " · " + t("overdue") : "") }),
        el("td", {}, [history])
      ]);
    });
    view.replaceChildren(
      el("h1", { text: t("complaints") }),
      el("div", { class: "toolbar" }, [select]),
      rows.length ? el("div", { class: "wrap" }, [el("table", { id: "tickets" }, [
        el("thead", {}, [el("tr", {}, cols.map(function (c) { return el("th", { text: c }); }))]), el("tbody", {}, rows)])])
        : el("p", { class: "hint", text: t("no_tickets") })
    );
    table = {
      name: "complaints-" + data.status,
      headers: cols.slice(0, 8),
      rows: data.tickets.map(function (tk) {
        return [tk.code, tk.school, tk["class"] || "", tk.category, tk.status_label, tk.level, tk.created_at, tk.deadline_at];
      })
    };
  }

  // ------------------------------------------------------------ export and print

  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function exportCsv() {
    if (!table) return;
    var lines = [table.headers].concat(table.rows).map(function (r) { return r.map(csvCell).join(","); });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "qingfu-" + table.name + ".csv" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function exportXlsx() {
    if (!table) return;
    fetch(new URL("xlsx", API), {
      method: "POST",
      headers: { "X-Telegram-Init-Data": initData, "Content-Type": "application/json" },
      body: JSON.stringify(table),
      cache: "no-store",
      credentials: "omit"
    }).then(function (r) {
      if (r.status !== 200) return r.json().then(function (body) { fail(r.status, body); });
      return r.blob().then(function (blob) {
        var a = el("a", { href: URL.createObjectURL(blob), download: "qingfu-" + table.name + ".xlsx" });
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      });
    });
  }

  // ------------------------------------------------------------ routing

  var ROUTES = {
    district: function (q) { return ["district/" + q.get("id"), showDistrict, { span: q.get("span"), anchor: q.get("anchor") }]; },
    school: function (q) { return ["school/" + q.get("id"), renderSchool, { span: q.get("span"), anchor: q.get("anchor") }]; },
    "class": function (q) { return ["class/" + q.get("id") + "/" + q.get("day"), renderClass, {}]; },
    complaints: function (q) { return ["complaints", renderComplaints, { status: q.get("status") }]; }
  };

  var rendering = 0;

  function render() {
    var q = state();
    var route = ROUTES[q.get("v")] ? ROUTES[q.get("v")](q) : ["me", renderHome, {}];
    var ticket = ++rendering;
    view.setAttribute("aria-busy", "true");
    return api(route[0], route[2]).then(function (r) {
      if (ticket !== rendering) return;
      var began = performance.now();
      if (r.status !== 200) fail(r.status, r.body);
      else {
        S = r.body.strings;
        locale = r.body.locale;
        document.documentElement.lang = tag();
        labelTools();
        route[1](r.body);
      }
      document.body.setAttribute("data-view", r.status === 200 ? (q.get("v") || "home") : "error");
      // How long building the page took (the API's answer in hand): a figure for tests.
      document.body.setAttribute("data-render-ms", (performance.now() - began).toFixed(1));
      view.removeAttribute("aria-busy");
    });
  }

  function applyTheme() {
    document.documentElement.classList.toggle("tg-light", !!tg && tg.colorScheme === "light" && !!tg.themeParams.bg_color);
  }

  function labelTools() {
    document.getElementById("csv").textContent = t("export_csv");
    document.getElementById("xlsx").textContent = t("export_xlsx");
    document.getElementById("print").textContent = t("print");
  }

  applyTheme();
  if (tg && tg.ready) tg.ready();
  if (tg && tg.onEvent) tg.onEvent("themeChanged", applyTheme);
  window.addEventListener("popstate", render);
  document.getElementById("csv").addEventListener("click", exportCsv);
  document.getElementById("xlsx").addEventListener("click", exportXlsx);
  document.getElementById("print").addEventListener("click", function () { window.print(); });
  loadStrings().then(function () {
    document.documentElement.lang = tag();
    labelTools();
    view.replaceChildren(el("p", { class: "hint", text: t("loading") }));
    return render();
  });
})();
