/* The screen page: a list of candidates (only the rows in view are in the DOM, so 2,000
   candidates scroll as fast as 20) and the selected record; one key per decision.
   Record text is always set with textContent, never innerHTML: titles and abstracts come
   from PubMed and are not trusted. Decisions go to the JSON API with the access token in
   the X-Evidence-Token header. */
(function () {
  "use strict";

  const ROW_H = 64;          // px; must match .row in workspace.css
  const OVERSCAN = 8;        // rows rendered above and below the viewport
  const data = JSON.parse(document.getElementById("screen-data").textContent);
  const token = document.querySelector('meta[name="evidence-token"]').content;
  const rows = data.candidates;
  const open = data.status === "open";
  const $ = (id) => document.getElementById(id);
  const list = $("list"), inner = $("list-inner"), note = $("note"), statusLine = $("status");
  const reasonsBox = $("reasons");
  const highlighters = [
    ["term-intervention", patternFor(data.terms.intervention || [])],
    ["term-condition", patternFor(data.terms.condition || [])],
  ].filter(([, re]) => re);
  const hasScores = rows.some((r) => r.score !== null && r.score !== undefined);
  let visible = [];
  let current = 0;
  let busy = false;

  // ------------------------------------------------------------ highlighting

  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function patternFor(terms) {
    const parts = terms.filter((t) => t && t.trim()).map((term) =>
      term.trim().split(/[\s-]+/).map((w) => {
        if (w.length >= 5) return escapeRe(w.replace(/(es|s)$/i, "")) + "[\\w-]*";
        return escapeRe(w) + "s?";
      }).join("[\\s-]+"));
    if (!parts.length) return null;
    parts.sort((a, b) => b.length - a.length);  // the longest phrase wins
    return new RegExp("\\b(?:" + parts.join("|") + ")\\b", "gi");
  }

  /* Fill `el` with `text`, each match of the policy's terms in a <mark>. */
  function setHighlighted(el, text) {
    el.replaceChildren();
    text = text || "";
    const marks = [];
    for (const [cls, re] of highlighters) {
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) marks.push([m.index, m.index + m[0].length, cls]);
    }
    marks.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let at = 0;
    for (const [start, end, cls] of marks) {
      if (start < at) continue;  // overlaps one already marked
      if (start > at) el.append(text.slice(at, start));
      const mark = document.createElement("mark");
      mark.className = cls;
      mark.textContent = text.slice(start, end);
      el.append(mark);
      at = end;
    }
    if (at < text.length) el.append(text.slice(at));
  }

  // ------------------------------------------------------------ filters and order

  const designRank = (d) => {
    const i = data.design_order.indexOf(d || "unknown");
    return i < 0 ? data.design_order.length : i;
  };
  // what the list shows for a candidate: this reviewer's own decision, or a conflict
  const state = (r) => (r.conflict ? "conflict" : r.my_decision || "undecided");
  const dual = data.reviewers_required > 1;

  function applyFilters(keepPmid) {
    const design = $("f-design").value, year = $("f-year").value, decision = $("f-decision").value;
    const words = $("f-text").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    visible = rows.filter((r) =>
      (!design || (r.design || "unknown") === design) &&
      (!year || String(r.year || "") === year) &&
      (!decision || state(r) === decision) &&
      (!words.length || words.every((w) => haystack(r).includes(w))));
    const order = $("f-order").value;
    if (order === "design") {
      visible.sort((a, b) => designRank(a.design) - designRank(b.design) || (b.year || 0) - (a.year || 0) || a.position - b.position);
    } else if (order === "year") {
      visible.sort((a, b) => (b.year || 0) - (a.year || 0) || a.position - b.position);
    } else {
      visible.sort((a, b) => a.position - b.position);
    }
    const keep = keepPmid ? visible.findIndex((r) => r.pmid === keepPmid) : -1;
    current = keep >= 0 ? keep : 0;
    $("list-count").textContent = visible.length === rows.length
      ? `${rows.length} candidate${rows.length === 1 ? "" : "s"}`
      : `${visible.length} of ${rows.length} candidates`;
    list.scrollTop = Math.max(0, current * ROW_H - list.clientHeight / 2);
    render();
  }

  function haystack(r) {
    if (r._text === undefined) {
      r._text = [r.title, r.abstract, r.journal, (r.authors || []).join(" "), r.pmid].join(" ").toLowerCase();
    }
    return r._text;
  }

  // ------------------------------------------------------------ the list (windowed)

  function rowElement(r, i) {
    const el = document.createElement("div");
    el.className = `row s-${state(r)}` + (i === current ? " selected" : "");
    el.style.top = `${i * ROW_H}px`;
    el.dataset.pmid = r.pmid;
    el.dataset.index = String(i);
    el.setAttribute("role", "option");
    el.setAttribute("aria-selected", String(i === current));
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.title = state(r);
    const body = document.createElement("div");
    body.className = "row-body";
    const title = document.createElement("div");
    title.className = "row-title";
    title.textContent = r.title || "(no title)";
    const meta = document.createElement("div");
    meta.className = "row-meta";
    const first = (r.authors || [])[0];
    meta.textContent = [first ? first + ((r.authors || []).length > 1 ? " et al." : "") : null,
      r.journal, r.year, r.design || "unknown design"].filter(Boolean).join(" · ");
    body.append(title, meta);
    el.append(dot, body);
    if (hasScores) {
      const score = document.createElement("span");
      score.className = "row-score";
      score.textContent = r.score === null || r.score === undefined ? "" : Math.round(r.score * 100);
      score.title = "relevance";
      el.append(score);
    }
    return el;
  }

  function renderList() {
    inner.style.height = `${visible.length * ROW_H}px`;
    const top = list.scrollTop, height = list.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    const items = [];
    for (let i = first; i < last; i++) items.push(rowElement(visible[i], i));
    inner.replaceChildren(...items);
  }

  // ------------------------------------------------------------ the record

  function renderDetail() {
    const r = visible[current];
    $("record").hidden = !r;
    $("detail-empty").hidden = !!r;
    $("decide").classList.toggle("disabled", !r || !open);
    if (!r) return;
    $("record").dataset.pmid = r.pmid;
    $("r-design").textContent = (r.design || "unknown design") + (r.level ? ` · level ${r.level}` : "");
    $("r-relevance").textContent = hasScores && r.score !== null && r.score !== undefined
      ? `relevance ${Math.round(r.score * 100)}${r.rank ? ` · #${r.rank}` : ""}` : "";
    $("r-pmid").textContent = `PMID ${r.pmid}`;
    const badge = $("r-decision");
    badge.className = `decision-badge s-${state(r)}`;
    badge.textContent = badgeText(r);
    setHighlighted($("r-title"), r.title || "(no title)");
    const authors = r.authors || [];
    $("r-authors").textContent = authors.length ? authors.join(", ") : "No authors listed";
    $("r-source").textContent = [r.journal, r.year].filter(Boolean).join(" · ");
    const conflict = $("r-conflict");
    conflict.hidden = !r.conflict;
    if (r.conflict) {
      const who = (r.decisions || []).map((d) => `${d.reviewer}: ${d.decision}${d.reason ? ` (${labelOf(d.reason)})` : ""}`);
      conflict.textContent = "Reviewers disagree" + (who.length ? " — " + who.join("; ") : "") +
        ". Your decision now resolves it.";
    }
    const abstract = $("r-abstract");
    if (r.abstract) {
      setHighlighted(abstract, r.abstract);
      abstract.classList.remove("none");
    } else {
      abstract.textContent = "No abstract in PubMed.";
      abstract.classList.add("none");
    }
    if (document.activeElement !== note) note.value = r.my_note || "";
  }

  function badgeText(r) {
    if (r.conflict) return "conflict";
    if (!r.my_decision) return dual && r.status === "awaiting" ? "not decided by you" : "not decided";
    let text = r.my_decision + (r.my_reason ? ` — ${labelOf(r.my_reason)}` : "");
    if (dual) {
      if (r.status === "awaiting") text = `you: ${text} · awaiting the other reviewer`;
      else if (r.status === "resolved") text = `resolved: ${r.decision || "?"}`;
      else if (r.status === "agreed") text = `agreed: ${text}`;
    }
    return text;
  }

  function renderProgress() {
    const screened = rows.filter((r) => r.my_decision === "include" || r.my_decision === "exclude").length;
    const maybe = rows.filter((r) => r.my_decision === "maybe").length;
    const conflicts = rows.filter((r) => r.conflict).length;
    let text = `${screened} of ${rows.length} screened`;
    if (maybe) text += ` · ${maybe} maybe`;
    if (conflicts) text += ` · ${conflicts} conflict${conflicts === 1 ? "" : "s"}`;
    $("progress").querySelector(".progress-text").textContent = text;
    $("progress").querySelector(".meter span").style.width =
      rows.length ? `${(100 * screened) / rows.length}%` : "0";
  }

  function render() {
    renderList();
    renderDetail();
    renderProgress();
  }

  function select(i) {
    if (!visible.length) return;
    current = Math.max(0, Math.min(visible.length - 1, i));
    const top = current * ROW_H, bottom = top + ROW_H;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
    hideReasons();
    render();
  }

  // ------------------------------------------------------------ talking to the server

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = `status small ${kind || ""}`;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Evidence-Token": token },
      body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
    return answer;
  }

  const api = (what) => `/api/policies/${encodeURIComponent(data.policy)}/${what}`;

  async function decide(decision, reason) {
    const r = visible[current];
    if (!r || !open || busy) return;
    busy = true;
    hideReasons();
    const resolving = r.conflict;
    try {
      const result = await post(api(resolving ? "resolutions" : "decisions"), {
        pmid: r.pmid, decision, reason: reason || null, note: note.value.trim() || null,
      });
      Object.assign(r, {
        my_decision: result.decision, my_reason: result.reason, my_note: result.note,
        status: result.status, conflict: result.status === "conflict", decision: result.resolved,
      });
      if (dual && result.status !== "awaiting") await refresh(r.pmid);  // now visible: both decisions
      say(`PMID ${r.pmid}: ${resolving ? "resolved as " : ""}${result.decision}` +
        `${result.reason ? ` (${labelOf(result.reason)})` : ""}` +
        (result.status === "conflict" ? " — the reviewers disagree" : ""), result.status === "conflict" ? "error" : "ok");
      note.blur();
      if (current < visible.length - 1) select(current + 1); else render();
    } catch (err) {
      say(err.message, "error");
    } finally {
      busy = false;
    }
  }

  async function undo() {
    if (!open || busy) return;
    busy = true;
    try {
      const result = await post(api("undo"), {});
      const r = await refresh(result.pmid);
      if (r) {
        const i = visible.indexOf(r);
        if (i >= 0) select(i); else render();
      }
      say(`Undone: PMID ${result.pmid} (${(result.undone && result.undone.decision) || "decision"})`, "ok");
    } catch (err) {
      say(err.message, "error");
    } finally {
      busy = false;
    }
  }

  /* Reload one candidate as the server sees it now (after an undo, or once both reviewers
     decided and the other's decision may be shown). */
  async function refresh(pmid) {
    const r = rows.find((x) => x.pmid === pmid);
    const response = await fetch(`${api("candidates")}?pmid=${encodeURIComponent(pmid)}`, {
      credentials: "same-origin", headers: { "X-Evidence-Token": token },
    });
    if (!r || !response.ok) return r;
    const fresh = (await response.json()).candidates[0];
    if (fresh) {
      const { position, _text, ...keep } = fresh;  // the local order and search text stay
      Object.assign(r, keep);
    }
    return r;
  }

  function labelOf(slug) {
    const found = data.reasons.find((x) => x.slug === slug);
    return found ? found.label : slug;
  }

  // ------------------------------------------------------------ keys and clicks

  function showReasons() {
    if (!visible[current] || !open) return;
    reasonsBox.hidden = false;
    say("Exclude: press the reason's number.", "");
  }

  function hideReasons() { reasonsBox.hidden = true; }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const typing = ev.target.closest && ev.target.closest("input, textarea, select");
    if (typing) {
      if (ev.key === "Escape") { ev.target.blur(); list.focus(); }
      return;
    }
    if (!reasonsBox.hidden) {
      const reason = data.reasons.find((x) => x.key === ev.key);
      if (reason) { ev.preventDefault(); decide("exclude", reason.slug); return; }
      if (ev.key === "Escape") { hideReasons(); say("", ""); return; }
    }
    const actions = {
      j: () => select(current + 1), ArrowDown: () => select(current + 1),
      k: () => select(current - 1), ArrowUp: () => select(current - 1),
      Home: () => select(0), End: () => select(visible.length - 1),
      i: () => decide("include"), e: () => showReasons(), m: () => decide("maybe"),
      u: () => undo(), n: () => note.focus(), "/": () => $("f-text").focus(),
    };
    const action = actions[ev.key];
    if (action) { ev.preventDefault(); action(); }
  });

  inner.addEventListener("click", (ev) => {
    const row = ev.target.closest(".row");
    if (row) select(Number(row.dataset.index));
  });
  document.querySelectorAll("#decide [data-decision]").forEach((b) => b.addEventListener("click", () => {
    if (b.dataset.decision === "exclude") showReasons(); else decide(b.dataset.decision);
  }));
  document.querySelectorAll("#reasons [data-reason]").forEach((b) =>
    b.addEventListener("click", () => decide("exclude", b.dataset.reason)));
  $("undo").addEventListener("click", undo);
  let frame = 0;
  list.addEventListener("scroll", () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; renderList(); });
  });
  window.addEventListener("resize", () => renderList());
  for (const id of ["f-design", "f-year", "f-decision", "f-order"]) {
    $(id).addEventListener("change", () => {
      applyFilters(visible[current] && visible[current].pmid);
      list.focus();  // the keys screen again at once
    });
  }
  $("f-text").addEventListener("input", () => applyFilters(visible[current] && visible[current].pmid));

  if (hasScores) $("f-order").querySelector('option[value="rank"]').textContent = "relevance";
  if (!open) document.querySelectorAll("#decide button").forEach((b) => { b.disabled = true; });
  applyFilters();
  list.focus();
})();
