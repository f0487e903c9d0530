// The footnoted page: ask a question, see the answer inside its passage, the ranked passages with
// their footnotes, and the whole source with any cited span highlighted.
//
// Every piece of document text reaches the page through textContent / text nodes, never innerHTML,
// so a document containing markup is shown as text and can never run.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "footnoted.apiKey";
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
// Before a raised 2 or 3, what makes it a power and not a marker, as the index reads it: a unit of
// length after a number ("340 km²", "4.2 million m³") or a bare 10 ("10³ litres").
const POWER_OF = "\\d[\\d.,]*[ \\u00a0]?(?:(?:thousand|million|billion)[ \\u00a0])?(?:[kcmdµ]?m|ft|yd|mi|in)|(?<![\\d.,])10";

// The question in flight and the source being loaded, each an AbortController: asking another
// question (or going back to the start page) aborts the one in flight, opening or closing the
// source view aborts the load in flight, so a late answer or error never covers a newer one.
let asking = null;
let viewing = null;
const retries = []; // what to run again once an API key has been given

// ---------------------------------------------------------------------------------------------
// Talking to the API

class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

async function api(path, { body, signal } = {}) {
  const headers = { Accept: "application/json" };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method: body ? "POST" : "GET", headers, body: body && JSON.stringify(body), signal });
  } catch (err) {
    throw new ApiError(0, "network", `Could not reach the server (${err.message}).`);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText, error.request_id);
  }
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilReady() {
  for (let tries = 0; tries < 300; tries++) {
    await sleep(1000);
    try {
      if ((await fetch("/readyz")).ok) return;
    } catch {
      // the server may be restarting; keep polling
    }
  }
  throw new ApiError(503, "not_ready", "The index did not become ready; check the server's log.");
}

// Runs an API action, recovering where the user or time can fix the problem: a missing key
// (ask for one, then run it again) or an index still loading (wait for /readyz, then run it
// again). Any other error is given to `fail` (by default shown under the question). An action that
// `signal` says is outdated (aborted) fails silently, as its result would be dropped. `again` is
// what runs once a key has been given, by default the action itself. True when the action succeeded.
async function run(action, signal, { again, fail = showError } = {}) {
  const outdated = () => Boolean(signal && signal.aborted);
  try {
    await action();
    return true;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (outdated()) return false;
    if (err.status === 401 || (err.status === 403 && sessionStorage.getItem(KEY_STORAGE))) {
      retries.push(again || (() => !outdated() && run(action, signal, { fail })));
      askForKey(err.message);
    } else if (err.code === "not_ready") {
      setStatus("The index is still loading; this will continue as soon as it is ready…");
      try {
        await untilReady();
      } catch (timeout) {
        if (!outdated()) fail(timeout);
        return false;
      }
      return !outdated() && run(action, signal, { again, fail });
    } else {
      fail(err);
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(text) {
  $("status").textContent = text;
}

// Writes `err` into `box` (an element with role="alert") and shows it.
function writeError(box, err) {
  box.replaceChildren(el("strong", "", err.status ? `Error ${err.status}` : "Error"), document.createTextNode(` ${err.message}`));
  if (err.requestId) box.append(el("span", "muted small request-id", `request id ${err.requestId}`));
  box.hidden = false;
}

function showError(err) {
  writeError($("error"), err);
  setStatus("");
}

function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
}

function askForKey(reason) {
  $("key-reason").textContent = reason || "This server needs an API key.";
  $("key-form").hidden = false;
  $("api-key").focus();
  setStatus("An API key is needed.");
}

const chars = (span) => `chars ${span.start}–${span.end}`;

// The heading path without the document's title at its head: the title is shown beside it.
function headingPath(c) {
  const [head, ...rest] = (c.section || "").split(" › ");
  return head.trim() === (c.title || "").trim() ? rest.join(" › ") : c.section;
}

function citationText(c) {
  const section = headingPath(c);
  return [c.title, section && `§ ${section}`, chars(c)].filter(Boolean).join(" · ");
}

// The same citation as nodes, the span kept on one line. The title and heading come from the
// document, each isolated in a <bdi> so one in Arabic or Hebrew keeps its own direction.
function citation(c) {
  const fragment = document.createDocumentFragment();
  const section = headingPath(c);
  if (c.title) fragment.append(el("bdi", "", c.title), " · ");
  if (section) fragment.append("§ ", el("bdi", "", section), " · ");
  fragment.append(el("span", "nowrap", chars(c)));
  return fragment;
}

const contains = (outer, inner) => outer.start <= inner.start && inner.end <= outer.end;

// ---------------------------------------------------------------------------------------------
// Spans. The API counts offsets in code points (Python); JS strings index UTF-16 units, which
// differ after any character outside the Basic Multilingual Plane (emoji, some math), so every
// offset is converted before slicing.

function utf16Index(text, codePoints) {
  if (!/[\uD800-\uDFFF]/.test(text)) return Math.min(codePoints, text.length);
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
  return i;
}

const codePoints = (text) => (/[\uD800-\uDFFF]/.test(text) ? [...text].length : text.length);

// A span of the source, [start, end) in code points, as UTF-16 indices into `text`, which
// begins at source offset `base`. Clipped to the text.
function localSpan(text, base, span) {
  const at = (x) => utf16Index(text, Math.max(0, x - base));
  return { start: at(span.start), end: at(span.end) };
}

// Where each note's markers sit in `text` (which begins at source offset `base`), as local spans
// linking to `targetId(note)`: exactly the spans the API lists (`markers: [{start, end}]`, in
// source offsets, so "³⁴" is two markers). A server older than that field sends none, so then
// guess them: every "[3]", "[^3]" or "³" (a note cited twice is marked twice), else a "3" glued to
// the end of a word or sentence ("Russia.3", "treaty. 7"), only the last one, because a "4" in
// "10.4 million" comes before the marker "4" that ends the sentence.
function findMarkers(text, base, notes, targetId) {
  const markers = [];
  for (const note of notes) {
    const href = `#${targetId(note)}`;
    if (Array.isArray(note.markers)) {
      for (const span of note.markers.map((m) => localSpan(text, base, m))) {
        if (span.start < span.end) markers.push({ ...span, label: note.label, href });
      }
      continue;
    }
    const label = note.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const sure = [`\\[\\^?${label}\\]`];
    const glued = [];
    if (/^\d+$/.test(note.label)) {
      const sup = [...note.label].map((d) => SUPERSCRIPTS[d]).join("");
      const power = note.label === "2" || note.label === "3" ? `(?<!${POWER_OF})` : "";
      sure.push(`${power}(?<![${SUPERSCRIPTS}])${sup}(?![${SUPERSCRIPTS}])`);
      // Glued: after a letter or punctuation (not a digit, space or currency sign), before a space,
      // punctuation or the end, never before a digit ("$1.3 billion" is no marker 1).
      glued.push(`(?<=[^\\s\\d$€£¥])${label}(?=[\\s,;:)”’"]|[.](?!\\d)|$)`, `(?<=[.!?”’"] )${label}(?=\\s|$)`);
    }
    const matches = (forms) => [...text.matchAll(new RegExp(forms.join("|"), "g"))];
    let found = matches(sure);
    if (!found.length && glued.length) found = matches(glued).slice(-1);
    for (const match of found) markers.push({ start: match.index, end: match.index + match[0].length, label: note.label, href });
  }
  return markers;
}

// `text` as DOM nodes, with `mark` (a local span, or null) inside a <mark>, each footnote marker as
// a link to its note (the one with an `id` taking it), and each of `anchors` ({at, node}: an
// element without text) placed at its local offset. Only text nodes are created from the text itself.
function richText(text, mark, markers = [], anchors = []) {
  const cuts = new Set([0, text.length]);
  const hasMark = mark && mark.start < mark.end;
  if (hasMark) cuts.add(mark.start).add(mark.end);
  for (const m of markers) cuts.add(m.start).add(m.end);
  for (const a of anchors) cuts.add(Math.min(a.at, text.length));
  const points = [...cuts].sort((a, b) => a - b);
  const anchorsAt = (at) => anchors.filter((a) => Math.min(a.at, text.length) === at).map((a) => a.node);
  const ids = new Set(); // a marker cut in two by the highlight's edge keeps its id on its first half

  const fragment = document.createDocumentFragment();
  let highlight = null;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = text.slice(a, b);
    const marker = markers.find((m) => m.start <= a && b <= m.end);
    // A form feed (a page break in a PDF's text) shows as a line break: one character for one.
    let node = document.createTextNode(piece.replaceAll("\f", "\n"));
    if (marker) {
      node = el("a", "fn-ref", piece);
      node.href = marker.href;
      node.setAttribute("aria-label", `footnote ${marker.label}`);
      if (marker.id && !ids.has(marker.id)) ids.add((node.id = marker.id));
    }
    if (!(hasMark && mark.start <= a && b <= mark.end)) highlight = null;
    else if (!highlight) fragment.append((highlight = el("mark")));
    (highlight || fragment).append(...anchorsAt(a), node);
  }
  fragment.append(...anchorsAt(text.length));
  return fragment;
}

// ---------------------------------------------------------------------------------------------
// Results

// A note's element id, one per label: each character outside [A-Za-z0-9-] (a "*", "†", a full-width
// "３", "_" itself) is written "_<code point in hex>_", so "*" and "†" (or "a_b" and "a*b") never share one.
const noteId = (prefix, note) =>
  `${prefix}-fn-${note.label.replace(/[^A-Za-z0-9-]/gu, (ch) => `_${ch.codePointAt(0).toString(16)}_`)}`;

function footnoteList(notes, prefix, docId, answer) {
  const list = el("ol", "footnotes");
  list.setAttribute("aria-label", "Footnotes");
  for (const note of notes) {
    const item = el("li", "footnote");
    item.id = noteId(prefix, note);
    const inNote = answer && answer.citation.document_id === docId && contains(note, answer.citation);
    const mark = inNote ? localSpan(note.text, note.start, answer.citation) : null;
    const body = el("span", "footnote-text");
    body.dir = "auto"; // a note in Arabic or Hebrew reads right to left
    body.append(richText(note.text, mark));
    if (note.same_as) body.append(" ", noteLinks("same source as", [note.same_as], note, notes, prefix, docId));
    if (note.refers_to) body.append(" ", noteLinks("see", note.refers_to, note, notes, prefix, docId));
    const meta = el("span", "footnote-meta muted small", chars(note));
    meta.append(sourceButton("view", { document_id: docId, start: note.start, end: note.end }, `footnote ${note.label}`));
    item.append(el("span", "footnote-label", note.label), body, meta);
    list.append(item);
  }
  return list;
}

// A note citing a source through others names them: an "Ibid." the note it repeats ("same source
// as note 7"), "Smith, supra note 12" the notes it points to ("see note 12"). Each is a link when
// that note is listed here too, else a button showing it in the source (the last so labelled
// before, else the first after, as the index resolves it).
function noteLinks(words, labels, note, notes, prefix, docId) {
  const wrap = el("span", "same-as muted small", `(${words} `);
  labels.forEach((label, i) => {
    const target = labelled(notes, label, note.start);
    let ref;
    if (target) {
      ref = el("a", "same-as-link", `note ${label}`);
      ref.href = `#${noteId(prefix, target)}`;
    } else {
      ref = el("button", "link same-as-link", `note ${label}`);
      ref.type = "button";
      ref.setAttribute("aria-label", `View footnote ${label} in the source`);
      const span = { document_id: docId, label, from: note.start };
      ref.addEventListener("click", () => openSource(span, `footnote ${label}`, ref));
    }
    if (i) wrap.append(i === labels.length - 1 ? " and " : ", ");
    wrap.append(ref);
  });
  wrap.append(")");
  return wrap;
}

// The note labelled `label` that a note at `from` means: the last so labelled before, else the first after.
function labelled(notes, label, from) {
  const before = notes.filter((n) => n.label === label && n.start < from);
  return before.length ? before[before.length - 1] : notes.find((n) => n.label === label && n.start > from);
}

function sourceButton(text, span, what) {
  const button = el("button", "link view-source", text);
  button.type = "button";
  button.setAttribute("aria-label", `View ${what} in the source`);
  button.addEventListener("click", () => openSource(span, what, button));
  return button;
}

function copyButton(text, cite) {
  const button = el("button", "link copy", "Copy with citation");
  button.type = "button";
  if (!navigator.clipboard) button.hidden = true; // only in secure contexts (https, localhost)
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(`“${text}” (${citationText(cite)})`);
      button.textContent = "Copied";
    } catch {
      // Refused: the tab is not focused, or the browser asked and was told no.
      button.textContent = "Could not copy";
    }
    setTimeout(() => (button.textContent = "Copy with citation"), 1500);
  });
  return button;
}

function answerCard(answer, passages) {
  const c = answer.citation;
  const card = el("section", "answer card");
  const heading = el("h2", "eyebrow", "Answer");
  heading.id = "answer-heading";
  card.setAttribute("aria-labelledby", heading.id);
  card.append(heading);

  // A note that contains the answer is where the answer is, not a note it cites.
  const notes = answer.footnotes.filter((n) => !contains(n, c));
  const quote = el("blockquote", "answer-text");
  quote.dir = "auto";
  quote.append(richText(answer.text, null, findMarkers(answer.text, c.start, notes, (n) => noteId("answer", n))));
  card.append(quote);

  const where = el("p", "cite");
  where.append(citation(c));
  const sameDoc = passages.filter((p) => p.citation.document_id === c.document_id);
  const inPassage = sameDoc.find((p) => contains(p.citation, c));
  const inNote = !inPassage && sameDoc.find((p) => p.footnotes.some((n) => contains(n, c)));
  if (inPassage || inNote) {
    const link = el("a", "", inPassage ? `in passage ${inPassage.rank}` : `in a footnote of passage ${inNote.rank}`);
    const note = inNote && inNote.footnotes.find((n) => contains(n, c));
    link.href = inPassage ? `#passage-${inPassage.rank}` : `#${noteId(`p${inNote.rank}`, note)}`;
    where.append(document.createTextNode(" · "), link);
  } else {
    // Quoted from a note that another cites through "Ibid." or "supra note 12": the passage citing it so.
    const source = answer.footnotes.find((n) => contains(n, c));
    const cites = (n) => n.same_as === source.label || (n.refers_to || []).includes(source.label);
    const repeats = (p) => p.footnotes.find((n) => source && n.start !== source.start && cites(n));
    const via = sameDoc.find(repeats);
    if (via) {
      const repeat = repeats(via);
      const link = el("a", "", `in note ${source.label}, which passage ${via.rank} cites as note ${repeat.label}`);
      link.href = `#${noteId(`p${via.rank}`, repeat)}`;
      where.append(document.createTextNode(" · "), link);
    }
  }
  card.append(where);
  if (notes.length) card.append(footnoteList(notes, "answer", c.document_id, null));

  const actions = el("div", "actions");
  actions.append(sourceButton("View in source", c, "the answer"), copyButton(answer.text, c));
  card.append(actions);
  return card;
}

function passageCard(p, answer) {
  const c = p.citation;
  const card = $("passage-template").content.firstElementChild.cloneNode(true);
  card.id = `passage-${p.rank}`;
  card.setAttribute("aria-label", `Passage ${p.rank}`);
  card.querySelector(".rank").textContent = p.rank;
  card.querySelector(".cite").append(citation(c));
  card.querySelector(".score").textContent = `score ${p.score.toFixed(3)}`;

  const inPassage = answer && answer.citation.document_id === c.document_id && contains(c, answer.citation);
  if (inPassage) card.classList.add("has-answer");
  const mark = inPassage ? localSpan(p.text, c.start, answer.citation) : null;
  const markers = findMarkers(p.text, c.start, p.footnotes, (n) => noteId(`p${p.rank}`, n));
  card.querySelector(".passage-text").append(richText(p.text, mark, markers));

  const notes = footnoteList(p.footnotes, `p${p.rank}`, c.document_id, answer);
  card.querySelector(".footnotes").replaceWith(notes);
  if (!p.footnotes.length) notes.remove();

  card.querySelector(".actions").append(sourceButton("View in source", c, `passage ${p.rank}`), copyButton(p.text, c));
  return card;
}

function showResults(data, seconds) {
  const { answer, passages } = data;
  const results = $("results");
  results.replaceChildren();
  if (answer) results.append(answerCard(answer, passages));
  else if (passages.length) results.append(el("p", "muted", "No single sentence answers this; the closest passages are below."));

  if (passages.length) {
    results.append(el("h2", "eyebrow", `Passages (${passages.length})`));
    const list = el("ol", "passages");
    for (const p of passages) {
      const item = el("li");
      item.append(passageCard(p, answer));
      list.append(item);
    }
    results.append(list);
  } else {
    results.append(el("p", "empty", "Nothing in the index matches this question."));
  }
  // Screen readers hear the answer itself, from the status (the results are not live: at k=20
  // they would read out every passage); the eye sees it in the card, so the status shows counts.
  const status = $("status");
  const heard = answer ? `Answer: ${spoken(answer)} ` : "No answer sentence found. ";
  status.replaceChildren(
    el("span", "visually-hidden", heard),
    document.createTextNode(`${passages.length} passage${passages.length === 1 ? "" : "s"} · ${seconds.toFixed(2)} s`),
  );
  // A source view open over the results shown before belongs to them: its opener is gone.
  if ($("source").open) $("source").close();
}

// The answer as it is read out: without its footnote markers ("…in 2012.[^iv]"), on one line.
function spoken(answer) {
  const notes = answer.footnotes.filter((n) => !contains(n, answer.citation));
  const markers = findMarkers(answer.text, answer.citation.start, notes, () => "").sort((a, b) => a.start - b.start);
  let text = "";
  let at = 0;
  for (const m of markers) {
    if (m.start < at) continue;
    text += answer.text.slice(at, m.start);
    at = m.end;
  }
  return (text + answer.text.slice(at)).replace(/\s+/g, " ").trim();
}

// A link to a passage or a note ("#passage-3", "#p3-fn-12") names an element made only now, after
// the browser looked for it: go to it again, as a fragment navigation (so it is the :target),
// and focus it.
function goToFragment() {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target || !$("results").contains(target)) return;
  location.replace(location.hash);
  if (!target.matches("a[href], button, input, select, [tabindex]")) target.tabIndex = -1;
  target.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// Asking

function request() {
  const body = { question: $("question").value.trim(), k: Number($("k").value) };
  if ($("mode").value) body.mode = $("mode").value;
  const documents = [...document.querySelectorAll("#doc-list input:checked")].map((box) => box.value);
  if (documents.length) body.documents = documents;
  return body;
}

// Asks `body`, replacing the question in flight if there is one: its answer or error, arriving
// late, is dropped.
async function ask(body) {
  if (asking) asking.abort();
  const { signal } = (asking = new AbortController());
  const started = performance.now();
  clearError();
  $("results").setAttribute("aria-busy", "true");
  setStatus("Searching…");
  let answered = false;
  try {
    answered = await run(async () => {
      const data = await api("/v1/ask", { body, signal });
      if (signal.aborted) return;
      showResults(data, (performance.now() - started) / 1000);
      goToFragment();
    }, signal);
  } finally {
    if (!signal.aborted) {
      // What is on screen answers an earlier question: a failed one leaves nothing under it.
      if (!answered) $("results").replaceChildren();
      $("results").setAttribute("aria-busy", "false");
    }
  }
}

// The start page: an empty question box with the default options, nothing asked or in flight.
function showStart() {
  if (asking) asking.abort();
  $("ask").reset();
  $("question").setCustomValidity("");
  updateDocSummary();
  clearError();
  setStatus("");
  $("results").replaceChildren();
  $("results").setAttribute("aria-busy", "false");
}

// The question and options live in the URL, so a result can be bookmarked, shared and reached
// with the back button.
function toUrl(body) {
  const params = new URLSearchParams({ q: body.question });
  if (body.mode) params.set("mode", body.mode);
  if (body.k !== 5) params.set("k", body.k);
  for (const id of body.documents || []) params.append("doc", id);
  return `?${params}`;
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  const question = params.get("q");
  if (!question) return null;
  $("question").value = question;
  const mode = params.get("mode");
  const k = params.get("k");
  $("mode").value = mode || "";
  if (mode && $("mode").value !== mode) $("mode").value = ""; // not one the menu offers
  // A number of passages the menu does not offer joins it, so that the form shows what was asked.
  if (k && /^\d+$/.test(k) && ![...$("k").options].some((o) => o.value === k)) {
    const option = el("option", "", k);
    const after = [...$("k").options].find((o) => Number(o.value) > Number(k));
    $("k").insertBefore(option, after || null);
  }
  $("k").value = k || "5";
  if (!$("k").value) $("k").value = "5";
  const docs = params.getAll("doc");
  for (const box of document.querySelectorAll("#doc-list input")) box.checked = docs.includes(box.value);
  updateDocSummary();
  // The mode, number and documents as the link names them, so that one the API does not take (a
  // mode it does not know, a k out of range, a document the index does not hold) is reported with
  // the API's own message, never quietly replaced by a default.
  const body = request();
  if (mode) body.mode = mode;
  if (k) body.k = /^\d+$/.test(k) ? Number(k) : k;
  if (docs.length) body.documents = docs;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Document filter

async function loadDocuments() {
  const { documents } = await api("/v1/documents");
  const list = $("doc-list");
  const wanted = new URLSearchParams(location.search).getAll("doc");
  list.replaceChildren();
  if (!documents.length) list.append(el("p", "muted", "The index has no documents."));
  for (const doc of documents) {
    const label = el("label", "doc");
    const box = el("input");
    box.type = "checkbox";
    box.value = doc.id;
    box.checked = wanted.includes(doc.id);
    const about = [doc.metadata.date, `${doc.footnotes} footnotes`, `${doc.chunks} passages`].filter(Boolean).join(" · ");
    const title = el("span", "doc-title", doc.title);
    title.dir = "auto";
    label.append(box, title, el("span", "muted small", about));
    list.append(label);
  }
  updateDocSummary();
}

function updateDocSummary() {
  const boxes = [...document.querySelectorAll("#doc-list input")];
  const checked = boxes.filter((box) => box.checked).length;
  $("doc-summary").textContent = checked ? `${checked} of ${boxes.length}` : "all";
}

// ---------------------------------------------------------------------------------------------
// Source view

// Where the focus goes when the source view closes: the element that opened it, or null when the
// focus has been put elsewhere on purpose (the key field).
let sourceOpener = null;

async function openSource(span, what, opener) {
  const dialog = $("source");
  if (viewing) viewing.abort();
  const { signal } = (viewing = new AbortController());
  sourceOpener = opener;
  $("source-title").textContent = "Loading source…";
  $("source-span").textContent = "";
  $("source-cited").textContent = "";
  $("source-jump").hidden = true;
  $("source-error").hidden = true;
  $("source-text").hidden = false;
  $("source-text").setAttribute("aria-label", "Source");
  $("source-text").replaceChildren();
  if (!dialog.open) dialog.showModal();
  // A key is asked for on the page, which the open (modal) view makes inert: the view closes, the
  // key field keeps the focus, and the source opens once the key is given.
  const again = () => opener.isConnected && openSource(span, what, opener);
  const shown = await run(
    async () => {
      const doc = await api(`/v1/documents/${encodeURIComponent(span.document_id)}/source`, { signal });
      if (signal.aborted) return; // closed, or another source opened, while this one loaded
      $("source-title").textContent = doc.title;
      $("source-text").setAttribute("aria-label", `Source of ${doc.title}`);
      if (span.label !== undefined) {
        // A note named by its label (one not listed with the passage): its span in the document.
        const note = labelled(doc.footnotes, span.label, span.from);
        if (!note) {
          $("source-span").textContent = `Footnote ${span.label} is not in this document`;
          $("source-text").replaceChildren(sourceText(doc, null));
          return;
        }
        span = { document_id: span.document_id, start: note.start, end: note.end };
      }
      $("source-span").textContent = `${what[0].toUpperCase()}${what.slice(1)} · ${chars(span)} of ${codePoints(doc.text)}`;
      $("source-cited").textContent = `Cited span, characters ${span.start} to ${span.end}.`;
      $("source-jump").hidden = false;
      $("source-text").replaceChildren(sourceText(doc, span));
      jumpToMark();
    },
    signal,
    { again, fail: sourceFailed },
  );
  if (shown || signal.aborted || !retries.includes(again)) return;
  sourceOpener = null;
  dialog.close();
  $("api-key").focus();
}

// The error shown where the user is, in the view, which keeps the focus.
function sourceFailed(err) {
  $("source-title").textContent = "The source could not be shown";
  $("source-text").hidden = true;
  writeError($("source-error"), err);
  $("source-close").focus();
}

// The whole source, `span` (or null) highlighted, each marker the API lists linking to its note,
// and each note so cited opening with a link back to its first marker. Notes are told apart by
// their place in the list, not their labels, which repeat (each chapter's notes may restart at 1).
// Markers are not guessed here, as in a passage: over a whole document a guess goes astray.
function sourceText(doc, span) {
  const place = new Map(doc.footnotes.map((note, i) => [note, i]));
  const listed = doc.footnotes.filter((note) => Array.isArray(note.markers) && note.markers.length);
  const markers = findMarkers(doc.text, 0, listed, (note) => `source-fn-${place.get(note)}`);
  const first = new Map(); // a note's id -> its first marker
  for (const m of markers) if (!first.has(m.href) || m.start < first.get(m.href).start) first.set(m.href, m);
  const anchors = [];
  for (const note of listed) {
    const i = place.get(note);
    const marker = first.get(`#source-fn-${i}`);
    if (!marker) continue;
    marker.id = `source-ref-${i}`;
    const back = el("a", "fn-back");
    back.id = `source-fn-${i}`;
    back.href = `#${marker.id}`;
    back.setAttribute("aria-label", `Back to the marker of footnote ${note.label}`);
    anchors.push({ at: localSpan(doc.text, 0, note).start, node: back });
  }
  return richText(doc.text, span && localSpan(doc.text, 0, span), markers, anchors);
}

// The cited span in view: centred, or from its start when it is taller than the view.
function jumpToMark() {
  const view = $("source-text");
  const mark = view.querySelector("mark");
  if (mark) mark.scrollIntoView({ block: mark.getBoundingClientRect().height > view.clientHeight ? "start" : "center" });
  view.focus({ preventScroll: true });
}

// After the results change under it, the focus goes to their heading, else the question box.
function focusResults() {
  const heading = $("results").querySelector("h2");
  if (!heading) return $("question").focus();
  heading.tabIndex = -1;
  heading.focus();
}

// ---------------------------------------------------------------------------------------------
// Wiring

function start() {
  // Footnote links change only the #fragment; going back over them must not ask again.
  let asked = location.search;
  $("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = request();
    if (!body.question) {
      // Only spaces: `required` let it through, so say what the browser says of an empty box.
      $("question").setCustomValidity("The question is only spaces: type a question.");
      $("question").reportValidity();
      return;
    }
    if (location.search !== toUrl(body)) history.pushState(null, "", toUrl(body));
    asked = location.search;
    $("doc-filter").open = false;
    ask(body);
  });
  $("question").addEventListener("input", () => $("question").setCustomValidity(""));
  // "press / to focus" is said only while the box is not focused: there, "/" is a character.
  const hint = $("question").placeholder;
  $("question").addEventListener("focus", () => ($("question").placeholder = hint.replace(/\s*\(press \/ to focus\)/, "")));
  $("question").addEventListener("blur", () => ($("question").placeholder = hint));
  window.addEventListener("popstate", () => {
    if (location.search === asked) return;
    asked = location.search;
    // The source view shows a passage of the results going away: close it, into the question box.
    if ($("source").open) {
      sourceOpener = $("question");
      $("source").close();
    }
    const body = fromUrl();
    if (body) ask(body);
    else showStart();
  });
  $("doc-list").addEventListener("change", updateDocSummary);
  // The documents popover closes on Escape (back to its summary), on a click outside it, and on asking.
  const filter = $("doc-filter");
  filter.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !filter.open) return;
    event.preventDefault();
    filter.open = false;
    filter.querySelector("summary").focus();
  });
  document.addEventListener("click", (event) => {
    if (filter.open && !filter.contains(event.target)) filter.open = false;
  });

  // Focus and links bring what they reach below the sticky question form, never under it.
  const form = $("ask");
  const root = document.documentElement.style;
  new ResizeObserver(() => root.setProperty("--ask-height", `${form.offsetHeight}px`)).observe(form);

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $("api-key").value.trim());
    $("api-key").value = "";
    $("key-form").hidden = true;
    clearError();
    $("question").focus(); // back where the user was before the key was asked for
    for (const retry of retries.splice(0)) retry();
  });

  $("source-close").addEventListener("click", () => $("source").close());
  $("source-jump").addEventListener("click", jumpToMark);
  $("source").addEventListener("close", () => {
    if ($("source").open) return; // opened again since
    viewing.abort(); // a load still in flight is for a view no longer shown
    const opener = sourceOpener;
    sourceOpener = null;
    if (opener && opener.isConnected) opener.focus();
    else if (opener) focusResults(); // replaced by newer results
  });
  // A marker and its note link to each other inside the view: follow them there, without
  // touching the page's address (whose #fragment names a passage or a note of the results).
  $("source-text").addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });
  // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
  $("source").addEventListener("click", (event) => {
    if (event.target === $("source")) $("source").close();
  });

  // "/" focuses the question box from anywhere except another field.
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !event.target.closest("input, select, textarea, dialog")) {
      event.preventDefault();
      $("question").focus();
      $("question").select();
    }
  });

  run(async () => {
    await loadDocuments();
  }).then(() => {
    const body = fromUrl();
    if (body) ask(body);
    else if ($("key-form").hidden) $("question").focus(); // else the key field keeps the focus
  });
}

start();
