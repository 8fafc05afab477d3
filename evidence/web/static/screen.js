/* The screen page: a list of candidates (only the rows in view are in the DOM, so 2,000
   candidates scroll as fast as 20) and the selected record; one key per decision.
   The page brings the list (no abstracts) and the first record in full; every other record
   (abstract, authors, the policy's terms marked by the server) loads from
   /api/policies/<id>/candidates/<pmid> when it is shown, and the next ones are fetched ahead
   so that screening with the keyboard does not wait for them. Record text is always set with
   textContent, never innerHTML: titles and abstracts come from PubMed and are not trusted.
   Requests carry the access token in the X-Evidence-Token header. */
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
  const PREFETCH = 2;        // records fetched ahead of the one shown
  const details = new Map(); // pmid -> the record in full (abstract, authors, marked terms)
  const loading = new Map(); // pmid -> its request under way
  if (data.current) details.set(data.current.pmid, data.current);
  const hasScores = rows.some((r) => r.score !== null && r.score !== undefined);
  let visible = [];
  let current = 0;
  let busy = false;

  // ------------------------------------------------------------ highlighting

  /* Fill `el` with the server's pieces of a text: [text, kind], kind null for plain text,
     else "intervention" or "condition" (drawn as a <mark>). */
  function setPieces(el, pieces) {
    el.replaceChildren(...pieces.map(([text, kind]) => {
      if (!kind) return text;
      const mark = document.createElement("mark");
      mark.className = `term-${kind}`;
      mark.textContent = text;
      return mark;
    }));
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
    const text = $("f-text").value.trim().toLowerCase();
    const words = text.split(/\s+/).filter(Boolean);
    const hits = textHits && textHits.text === text ? textHits.pmids : null;
    visible = rows.filter((r) =>
      (!design || (r.design || "unknown") === design) &&
      (!year || String(r.year || "") === year) &&
      (!decision || state(r) === decision) &&
      (!words.length || (hits ? hits.has(r.pmid) : words.every((w) => haystack(r).includes(w)))));
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

  /* The list has no abstracts: what it shows is filtered at once, then the server says which
     candidates hold the words anywhere (abstracts, every author) and the list follows. */
  let textHits = null;  // {text, pmids} the server's answer for the words typed
  let textTimer = 0;

  function askServer() {
    clearTimeout(textTimer);
    const text = $("f-text").value.trim().toLowerCase();
    if (!text) { textHits = null; return; }
    textTimer = setTimeout(async () => {
      try {
        const response = await fetch(`${api("candidates")}?detail=0&q=${encodeURIComponent(text)}`, {
          credentials: "same-origin", headers: { "X-Evidence-Token": token },
        });
        if (!response.ok) return;
        const pmids = new Set((await response.json()).candidates.map((c) => c.pmid));
        if ($("f-text").value.trim().toLowerCase() !== text) return;  // typed on since
        textHits = { text, pmids };
        applyFilters(visible[current] && visible[current].pmid);
      } catch (err) { /* the list filtered on what it shows stays */ }
    }, 250);
  }

  function haystack(r) {
    if (r._text === undefined) {
      r._text = [r.title, r.journal, r.first_author, r.pmid].join(" ").toLowerCase();
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
    meta.textContent = [r.first_author ? r.first_author + (r.et_al ? " et al." : "") : null,
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
    const d = details.get(r.pmid);
    const title = $("r-title"), authors = $("r-authors"), abstract = $("r-abstract");
    if (d && d.highlight) setPieces(title, d.highlight.title);
    else title.textContent = r.title || "(no title)";
    if (d) {
      authors.textContent = d.authors && d.authors.length ? d.authors.join(", ") : "No authors listed";
    } else {
      authors.textContent = r.first_author ? r.first_author + (r.et_al ? ", et al." : "") : "No authors listed";
    }
    $("r-source").textContent = [r.journal, r.year].filter(Boolean).join(" · ");
    const conflict = $("r-conflict");
    conflict.hidden = !r.conflict;
    if (r.conflict) {
      const who = (r.decisions || []).map((d) => `${d.reviewer}: ${d.decision}${d.reason ? ` (${labelOf(d.reason)})` : ""}`);
      conflict.textContent = "Reviewers disagree" + (who.length ? " — " + who.join("; ") : "") +
        ". Your decision now resolves it.";
    }
    abstract.dataset.pmid = d ? r.pmid : "";
    abstract.classList.toggle("loading", !d);
    if (!d) {
      abstract.textContent = r._failed ? `The abstract did not load (${r._failed}); select the record again to retry.`
        : "Loading the abstract…";
      abstract.classList.add("none");
      show(r);
    } else if (d.abstract) {
      if (d.highlight) setPieces(abstract, d.highlight.abstract); else abstract.textContent = d.abstract;
      abstract.classList.remove("none");
    } else {
      abstract.textContent = "No abstract in PubMed.";
      abstract.classList.add("none");
    }
    if (document.activeElement !== note) note.value = r.my_note || "";
    if (d) prefetch();
  }

  /* Load the record shown, then draw it if it is still the one selected. */
  function show(r) {
    load(r.pmid).then(() => {
      delete r._failed;
      if (visible[current] === r) renderDetail();
    }, (err) => {
      r._failed = err.message;
      if (visible[current] === r) renderDetail();
    });
  }

  /* Fetch the next records (in the list's order) before they are shown. */
  function prefetch() {
    for (let i = current + 1; i <= current + PREFETCH && i < visible.length; i++) {
      const pmid = visible[i].pmid;
      if (!details.has(pmid)) load(pmid).catch(() => {});  // shown: asked again, and said
    }
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

  /* One record as the server sees it now; one request per record at a time. */
  function load(pmid) {
    if (loading.has(pmid)) return loading.get(pmid);
    const request = fetch(api(`candidates/${encodeURIComponent(pmid)}`), {
      credentials: "same-origin", headers: { "X-Evidence-Token": token },
    }).then(async (response) => {
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
      details.set(pmid, answer);
      return answer;
    }).finally(() => loading.delete(pmid));
    loading.set(pmid, request);
    return request;
  }

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
    if (!r) return r;
    details.delete(pmid);
    await loading.get(pmid)?.catch(() => {});  // a prefetch begun before the change is stale
    let fresh;
    try { fresh = await load(pmid); } catch (err) { return r; }
    const { authors, abstract, highlight, cycle, cycle_status, reviewer, ...keep } = fresh;
    Object.assign(r, keep);  // the list's rank, order and search text stay
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
  $("f-text").addEventListener("input", () => {
    applyFilters(visible[current] && visible[current].pmid);
    askServer();
  });

  if (hasScores) $("f-order").querySelector('option[value="rank"]').textContent = "relevance";
  if (!open) document.querySelectorAll("#decide button").forEach((b) => { b.disabled = true; });
  applyFilters();
  list.focus();
  performance.mark("evidence:first-record");  // the list and the first record are drawn (bench/web_bench.py)
})();
